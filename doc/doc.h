/* SPDX-License-Identifier: ISC */
/*
 * doc: the document service. Every document a host can get (kickstart,
 * Xen and libvirt guest configs, the dom0's guest list and first-boot
 * script, iPXE script, pxelinux and GRUB menus, GRUB's menu over HTTP, the
 * per-host autoexec.ipxe of signed iPXE) comes from doc_render(),
 * over (config, snapshot, host, kind, templates). HTTP, TFTP, `bootd
 * render` and `bootd check` all call it, so what check passes is what the
 * servers send. Pure: no I/O, no logging; templates arrive compiled, in a
 * set the I/O side filled (doc_tfile.h).
 */
#ifndef BOOTD_DOC_H
#define BOOTD_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "kickstart/tmpl.h"

#define DOC_RENDER_MAX	(4 * 1024 * 1024)	/* bytes of a template doc */
#define DOC_MENU_MAX	(256 * 1024)		/* bytes of a menu */
#define DOC_TNAME_MAX	255	/* bytes of a template name */
#define DOC_DEFAULT_BRIDGE	"xenbr0"
#define DOC_AUTOEXEC_FILE	"autoexec.ipxe"	/* signed iPXE asks for it */
/* The TFTP root over HTTP (tftp/tftp_http.c): GRUB's paths over HTTP. */
#define DOC_FILES_PATH		"/files"

/* The documents of a host, by `bootd render` kind (doc_kind_names). */
enum doc_kind {
	DOC_KS,			/* the profile's kickstart */
	DOC_XEN,		/* a guest's xl running config */
	DOC_XEN_INSTALL,	/* a guest's xl install config */
	DOC_LIBVIRT,		/* a guest's libvirt domain XML */
	DOC_LIBVIRT_INSTALL,	/* the same, booting the installer */
	DOC_FIRSTBOOT,		/* a dom0's first-boot script */
	DOC_GUESTS,		/* a dom0's guest list */
	DOC_IPXE,		/* iPXE script */
	DOC_PXELINUX,		/* pxelinux menu (host NULL: the default) */
	DOC_GRUB,		/* GRUB menu (host NULL: the default) */
	DOC_GRUB_HTTP,		/* GRUB menu for UEFI HTTP boot */
	DOC_AUTOEXEC,		/* autoexec.ipxe (host NULL: the default) */
	DOC_KIND_MAX
};

/*
 * "ks", "xen", "xen-install", "libvirt", "libvirt-install", "firstboot",
 * "guests", "ipxe", "pxelinux", "grub", "grub-http", "autoexec".
 */
extern const char *const doc_kind_names[DOC_KIND_MAX];

/* What doc_render() returns. */
enum doc_res {
	DOC_OK = 0,
	DOC_ENOTAPPLY = -1,	/* the kind is not one of this host's */
	DOC_EFAIL = -2		/* a template or append line failed, ENOMEM */
};

/*
 * One template as the I/O side loaded it (doc_tfile_load()): compiled,
 * or not (t NULL, err says why). The identity fields let the I/O side
 * notice a changed file; the pure side reads name, t, path and err only.
 */
struct doc_tfile {
	char		 name[DOC_TNAME_MAX + 1];	/* as asked for */
	struct tmpl	*t;
	char		 path[1024];	/* "dir/name", or "(built-in) name" */
	char		 err[1400];	/* "path:line: text" when t is NULL */
	int		 found;		/* a file or a built-in was read */
	uint64_t	 ver;		/* set by a cache: changes per load */
	dev_t		 dev;		/* of dir/name; all 0 when absent */
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime, ctime;
};

/* The templates a render may use: ent[0..n-1], borrowed. */
struct doc_templates {
	const struct doc_tfile	*ent;
	size_t			 n;
};

/* One request to doc_render(); every pointer borrowed for the call. */
struct doc_req {
	const struct bootd_config	*cfg;
	const struct inv_snapshot	*snap;	/* may be NULL for menus */
	const struct inv_host		*host;	/* of snap; NULL: see kind */
	enum doc_kind			 kind;
	const struct doc_templates	*tset;	/* NULL: none (menus, guests) */
};

/* The kind named s, or -1. */
int	doc_kind_parse(const char *s);

/*
 * Whether kind applies to host h: h must be enabled, and ks needs a
 * profile with a kickstart; xen, xen-install, libvirt, libvirt-install a
 * guest whose dom0 is enabled; firstboot and guests a dom0 (a host that
 * other rows name as their dom0). ipxe and the menus apply to any enabled
 * host. Returns 1, or 0 with *why a static reason ("not a dom0").
 */
int	doc_applies(enum doc_kind kind, const struct inv_host *h,
	    const char **why);

/*
 * The template kind uses for h: the profile's kickstart for DOC_KS, else
 * the built-in name ("xen.cfg", "xen-install.cfg", "libvirt.xml" for both
 * libvirt kinds, "firstboot.sh", "ipxe.ipxe"); NULL for the kinds made
 * without a template file (guests, menus) and for a profile without a
 * kickstart. Borrowed from h or static.
 */
const char *doc_template(enum doc_kind kind, const struct inv_host *h);

/* The names doc_template() can return besides kickstarts; NULL-ended. */
extern const char *const doc_builtin_names[];

/* "application/xml" for the libvirt kinds, else NULL (text/plain). */
const char *doc_ctype(enum doc_kind kind);

/* The template called name in ts, or NULL (ts may be NULL). */
const struct doc_tfile *doc_templates_find(const struct doc_templates *ts,
	    const char *name);

/*
 * Renders document r->kind of r->host into a new buffer (*out, free() it;
 * *len bytes). The template kinds render doc_template()'s template from
 * r->tset over ks_vars_build()'s variables plus, unless the host has a
 * host_var of that name: bridge (the host's host_var, else its dom0's,
 * else xenbr0), nameservers (a list, each item with "nameserver"), install
 * ("1" for the install kinds, else "0"), netboot ("1" when the host boots
 * its profile's kernel over the network now). For the libvirt kinds every
 * string value is XML-escaped. guests is the dom0's enabled guests, one a
 * line: "hostname profile kernel initrd" ("-" for an empty path). The
 * menus are described in doc_menu.c; DOC_PXELINUX and DOC_GRUB with host
 * NULL are the menus for unknown hosts (tftp.default_menu). DOC_GRUB_HTTP
 * is the GRUB menu with kernel and initrd under /files/ (GRUB booted by
 * UEFI HTTP boot, its root bootd's HTTP server). DOC_AUTOEXEC is an iPXE
 * script that chains to the host's iPXE script (<server_url>/ipxe/<mac>);
 * with host NULL, the one for an address that is no enabled host's: a
 * message, then tftp.autoexec_default chained, or exit when that is "".
 * Returns DOC_OK; DOC_ENOTAPPLY with why the static reason of
 * doc_applies(); or DOC_EFAIL with why "path:line: text", "profile \"P\"
 * append:line: text", the template's load error or "out of memory".
 */
int	doc_render(const struct doc_req *r, char **out, size_t *len,
	    char *why, size_t whylen);

/*
 * "<guest>[-install].cfg" or ".xml", a file under /guests/<dom0>/: the
 * kind and dom0's enabled guest it names. "vm-install.cfg" is vm's install
 * config unless "vm-install" is itself a guest with no guest "vm" beside
 * it. Returns 1, or 0 when file names none.
 */
int	doc_guest_file(const struct inv_host *dom0, const char *file,
	    enum doc_kind *kind, const struct inv_host **g);

/*
 * Whether name (normalised) is signed iPXE's autoexec.ipxe, in any
 * directory: the file it fetches from its TFTP server at start. Which
 * host's it is comes from the client's address, not the name (the TFTP
 * server's tftp_resolve()). Returns 1 or 0.
 */
int	doc_autoexec_name(const char *name);

/* What doc_vname() found in a file name. */
enum doc_vname_res {
	DOC_VN_REAL = 0,	/* not a virtual name: a file under the root */
	DOC_VN_HOST = 1,	/* a host's menu: *kind, *h set */
	DOC_VN_DEFAULT = 2,	/* pxelinux.cfg/default: a real file wins */
	DOC_VN_PEER = 3,	/* grub/grub.cfg, autoexec.ipxe: doc_vname() */
	DOC_VN_NOHOST = -1	/* a menu name of no known, enabled host */
};

/*
 * Which file names under the TFTP root are menus (pure): pxelinux.cfg/
 * 01-<mac> (any case), pxelinux.cfg/<HEX-IP> and pxelinux.cfg/default,
 * also below a loader's directory (efi64/pxelinux.cfg/...); GRUB's
 * grub.cfg-01-<mac> and grub.cfg-<HEX-IP> in any directory. name is
 * normalised (tftp_path_normalise()); snap may be NULL (no host known).
 * grub/grub.cfg names no host: it is where Debian's signed netboot GRUB
 * (prefix /grub, doc/FIRMWARE-NOTES.md) reads its only config, so the
 * caller serves it as the GRUB menu (*kind DOC_GRUB) of the host at the
 * requesting client's address, or the default GRUB menu, unless a real
 * file is there (DOC_VN_PEER); signed iPXE's autoexec.ipxe
 * (doc_autoexec_name()) likewise, as *kind DOC_AUTOEXEC. Returns an enum
 * doc_vname_res.
 */
int	doc_vname(const struct inv_snapshot *snap, const char *name,
	    enum doc_kind *kind, const struct inv_host **h);

#endif
