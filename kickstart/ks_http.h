/* SPDX-License-Identifier: ISC */
/*
 * ks_http: the per-host documents bootd renders from templates (kickstart,
 * Xen and libvirt guest configs, the dom0 first-boot script, iPXE script),
 * the template files they come from, and the HTTP routes that serve them
 * (/ks, /guests, /firstboot, /ipxe, /status; ks_http_routes() registers
 * them into the HTTP server of the base library).
 *
 * Three layers, in this order in ks_http.c: pure rendering (ks_doc_*,
 * ks_guest_list: no I/O, no logging), template files (ks_tfile_*: reads
 * one bounded local file, used by `bootd render` and the cache), and the
 * cache plus route handlers on the event loop, which never read a template
 * file while answering except the first time a name is asked for.
 */
#ifndef BOOTD_KS_HTTP_H
#define BOOTD_KS_HTTP_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "kickstart/tmpl.h"

struct bootd;
struct http_ctx;
struct http_srv;
struct ks_http;

#define KS_RENDER_MAX	(4 * 1024 * 1024)	/* bytes of one document */
#define KS_TNAME_MAX	255	/* bytes of a template name */
#define KS_CACHE_MAX	64	/* templates the HTTP cache holds */
#define KS_DEFAULT_BRIDGE	"xenbr0"

/* The documents of a host, by `bootd render` kind. */
enum ks_doc {
	KS_DOC_KS,		/* the profile's kickstart (any host) */
	KS_DOC_XEN,		/* a guest's xl running config */
	KS_DOC_XEN_INSTALL,	/* a guest's xl install config */
	KS_DOC_LIBVIRT,		/* a guest's libvirt domain XML */
	KS_DOC_LIBVIRT_INSTALL,	/* the same, booting the installer */
	KS_DOC_FIRSTBOOT,	/* a dom0's first-boot script */
	KS_DOC_IPXE,		/* iPXE script (any host) */
	KS_DOC_MAX
};

/* "ks", "xen", "xen-install", "libvirt", "libvirt-install", ... */
extern const char *const ks_doc_names[KS_DOC_MAX];

/* A template shipped in templates/ and compiled into the binary. */
struct ks_builtin {
	const char	*name;
	const char	*text;
	size_t		 len;
};

/* Generated from templates/ at configure time (kickstart/CMakeLists.txt). */
extern const struct ks_builtin ks_builtins[];
extern const size_t ks_nbuiltins;

/* The kind named s, or -1. */
int	ks_doc_parse(const char *s);

/*
 * The template name doc d uses for host h: the profile's kickstart for
 * KS_DOC_KS ("" when the profile has none), else the built-in default
 * name ("xen.cfg", "xen-install.cfg", "libvirt.xml" for both libvirt kinds,
 * "firstboot.sh", "ipxe.ipxe"). Borrowed from h or static.
 */
const char *ks_doc_template(enum ks_doc d, const struct inv_host *h);

/*
 * Renders doc d for host h (borrowed from a snapshot the caller holds)
 * with the compiled template t, whose path tpath is used in messages. The
 * variables are those of ks_vars_build() plus, unless h has a host_var of
 * that name: bridge (h's host_var, else its dom0's, else xenbr0),
 * nameservers (a list, each item with "nameserver"), install ("1" for the
 * install kinds, else "0"), netboot ("1" when h boots its profile's
 * kernel over the network now: kind diskless, or install with build set).
 * For the libvirt kinds every string value is XML-escaped. Returns 0 with
 * *out (free() it) and *outlen, or -1 with why filled as
 * "tpath:line: text" (or "profile P append:line: text"). Pure.
 */
int	ks_doc_render(enum ks_doc d, const struct bootd_config *cfg,
	    const struct inv_host *h, const struct tmpl *t, const char *tpath,
	    char **out, size_t *outlen, char *why, size_t whylen);

/*
 * The guest list of dom0 h: one enabled guest per line, "hostname profile
 * kernel initrd" separated by single spaces, "-" for an empty kernel or
 * initrd (paths under the TFTP root, served by /files/). Returns a new
 * string (free() it) with *len, or NULL on ENOMEM. Pure.
 */
char	*ks_guest_list(const struct inv_host *h, size_t *len);

/*
 * One template as loaded: from the file dir/name when it exists, else the
 * built-in of that name. t is NULL when neither exists or it does not
 * compile; err says why.
 */
struct ks_tfile {
	struct tmpl	*t;
	char		 path[1024];	/* file path, or "(built-in) name" */
	char		 err[1400];	/* "path:line: text" when t is NULL */
	int		 found;		/* a file or a built-in was read */
	/* Identity of dir/name as loaded; all zero when nothing is there. */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime, ctime;
};

/* Non-zero when name may name a template: relative, no "..", bounded. */
int	ks_tname_ok(const char *name);

/*
 * Loads template name under dir into f (cleared first). Reads one regular
 * file of at most TMPL_SRC_MAX bytes through safeopen_read() (no symlink
 * as the last component; a FIFO or device is an error, never a wait);
 * only when nothing is there, the built-in of that name. Returns 0 when
 * f->t is set, else -1 with f->err ("PATH: not a regular file (fifo)").
 */
int	ks_tfile_load(struct ks_tfile *f, const char *dir, const char *name);

/* Non-zero when dir/name is no longer what f was loaded from. */
int	ks_tfile_changed(const struct ks_tfile *f, const char *dir,
	    const char *name);

/* Frees f->t and clears f. */
void	ks_tfile_clear(struct ks_tfile *f);

/*
 * The HTTP side: a template cache owned by the HTTP server, kept fresh by
 * a once-a-second timer on bd->base (file identities, paths.templates
 * after a SIGHUP, the kickstarts of new profiles). Returns NULL with err.
 */
struct ks_http *ks_http_new(struct bootd *bd, char *err, size_t errlen);

/* Accepts NULL. */
void	ks_http_free(struct ks_http *ks);

/*
 * Registers /ks/, /guests/, /firstboot/, /ipxe/ (GET) and /status/ (POST)
 * on http, each with ks as its argument; ks must outlive http (free it
 * after http_stop()). Returns 0, or -1 with err.
 */
int	ks_http_routes(struct ks_http *ks, struct http_srv *http, char *err,
	    size_t errlen);

/* Route handlers; c->rest is the path's tail, c->arg the ks_http. */
void	ks_http_kickstart(struct http_ctx *c);	/* GET /ks/<host or MAC> */
void	ks_http_guests(struct http_ctx *c);	/* GET /guests/<dom0>[/...] */
void	ks_http_firstboot(struct http_ctx *c);	/* GET /firstboot/<dom0> */
void	ks_http_ipxe(struct http_ctx *c);	/* GET /ipxe/<MAC or host> */
void	ks_http_status(struct http_ctx *c);	/* POST /status/<host> */

#endif
