/* SPDX-License-Identifier: ISC */
/*
 * doc_menu: the boot menus of the document service, per host for
 * pxelinux/syslinux.efi and GRUB and the default one for unknown hosts,
 * and which TFTP file names mean which menu. Pure: no I/O, no logging.
 *
 * A host's menu: its own profile first and default (kind "install": only
 * while its build flag is set, else local disk; kind "local": local disk),
 * then every other profile marked selectable, then local disk. Kernel
 * command lines are the profiles' append templates rendered for the host;
 * a profile whose line does not render is an error for its own profile
 * and left out otherwise.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootd/addr.h"
#include "bootd/strbuf.h"
#include "doc/doc.h"
#include "doc/doc_menu.h"
#include "kickstart/ks_vars.h"
#include "kickstart/tmpl.h"

enum menu_flavour {
	MENU_PXELINUX = DOC_MENU_PXELINUX,
	MENU_GRUB = DOC_MENU_GRUB,
	MENU_GRUB_HTTP = DOC_MENU_GRUB_HTTP
};

/*
 * Renders p's append line for host h as if h used profile p. Returns a new
 * string or NULL with why filled.
 */
static char *
render_append(const struct bootd_config *cfg, const struct inv_host *h,
    const struct inv_profile *p, char *why, size_t whylen)
{
	struct inv_host		 as = *h;
	struct ks_vars		 kv;
	struct tmpl_error	 err;
	const char		*a;
	char			*out = NULL;
	size_t			 i;

	as.profile = p;
	if (ks_vars_build(&kv, cfg, &as, &err) == -1) {
		snprintf(why, whylen, "profile \"%s\" append:%d: %s",
		    p->name, err.line, err.msg);
		return NULL;
	}
	for (i = 0, a = ""; i < kv.scope.nvars; i++)
		if (strcmp(kv.scope.vars[i].name, "append") == 0 &&
		    kv.scope.vars[i].str != NULL)
			a = kv.scope.vars[i].str;
	out = strdup(a);
	ks_vars_clear(&kv);
	if (out == NULL)
		snprintf(why, whylen, "out of memory");
	return out;
}

/*
 * A path for GRUB, which resolves names from the TFTP root with a '/';
 * GRUB booted over HTTP has bootd's HTTP server as its root, where the
 * TFTP root is under /files.
 */
static const char *
grub_path(enum menu_flavour fl, const char *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", fl == MENU_GRUB_HTTP ? DOC_FILES_PATH :
	    "", p[0] == '/' ? "" : "/", p);
	return buf;
}

static void
entry(struct strbuf *b, enum menu_flavour fl, const struct inv_profile *p,
    const char *append)
{
	char k[1100], i[1100];

	if (fl == MENU_PXELINUX) {
		strbuf_printf(b, "LABEL %s\n  MENU LABEL %s\n  KERNEL %s\n",
		    p->name, p->menu_label, p->kernel);
		if (p->initrd[0] != '\0')
			strbuf_printf(b, "  INITRD %s\n", p->initrd);
		strbuf_printf(b, "  APPEND %s\n", append);
	} else {
		strbuf_printf(b, "menuentry \"%s\" --id %s {\n  linux %s %s\n",
		    p->menu_label, p->name,
		    grub_path(fl, p->kernel, k, sizeof(k)), append);
		if (p->initrd[0] != '\0')
			strbuf_printf(b, "  initrd %s\n",
			    grub_path(fl, p->initrd, i, sizeof(i)));
		strbuf_printf(b, "}\n");
	}
}

static void
local_entry(struct strbuf *b, enum menu_flavour fl)
{
	if (fl == MENU_PXELINUX)
		strbuf_printf(b, "LABEL local\n  MENU LABEL Boot from local disk\n"
		    "  LOCALBOOT 0\n");
	else
		strbuf_printf(b, "menuentry \"Boot from local disk\" --id local "
		    "{\n  exit\n}\n");
}

static void
header(struct strbuf *b, enum menu_flavour fl, const struct bootd_config *cfg,
    const char *who, const char *def)
{
	if (fl == MENU_PXELINUX)
		strbuf_printf(b, "# bootd: %s\nDEFAULT %s\nPROMPT %d\nTIMEOUT %d\n",
		    who, def, cfg->tftp.menu_timeout > 0,
		    cfg->tftp.menu_timeout);
	else
		strbuf_printf(b, "# bootd: %s\nset default=\"%s\"\nset timeout=%d\n",
		    who, def, (cfg->tftp.menu_timeout + 9) / 10);
}

/* The label a host boots by default. */
static const char *
default_label(const struct inv_host *h)
{
	switch (h->profile->kind) {
	case INV_KIND_INSTALL:
		return h->build ? h->profile->name : "local";
	case INV_KIND_LOCAL:
		return "local";
	default:
		return h->profile->name;
	}
}

static int
host_menu(const struct bootd_config *cfg, const struct inv_snapshot *snap,
    const struct inv_host *h, enum menu_flavour fl, struct strbuf *b, char *why,
    size_t whylen)
{
	const struct inv_profile	*p;
	char				 who[400], *a;
	size_t				 i;

	snprintf(who, sizeof(who), "%s (%s), profile %s, generation %llu",
	    h->hostname, h->macstr, h->profile->name,
	    (unsigned long long)snap->generation);
	header(b, fl, cfg, who, default_label(h));
	/* The host's own profile first, unless it only boots locally. */
	if (h->profile->kind != INV_KIND_LOCAL) {
		if ((a = render_append(cfg, h, h->profile, why, whylen)) == NULL)
			return -1;
		entry(b, fl, h->profile, a);
		free(a);
	}
	for (i = 0; i < snap->nprofiles; i++) {
		p = &snap->profiles[i];
		if (p == h->profile || !p->selectable ||
		    p->kind == INV_KIND_LOCAL || p->kernel[0] == '\0')
			continue;
		/* A selectable profile that cannot render here is left out. */
		if ((a = render_append(cfg, h, p, why, whylen)) == NULL)
			continue;
		entry(b, fl, p, a);
		free(a);
	}
	local_entry(b, fl);
	return 0;
}

/* The menu for unknown hosts. */
static void
default_menu(const struct bootd_config *cfg, const struct inv_snapshot *snap,
    enum menu_flavour fl, struct strbuf *b)
{
	const struct inv_profile	*p;
	struct tmpl			*t;
	struct tmpl_error		 err;
	struct tmpl_var			 v[2];
	struct tmpl_scope		 sc = { v, 2 };
	char				 url[1024], *out;
	size_t				 i, len;
	int				 menu;

	menu = strcmp(cfg->tftp.default_menu, "menu") == 0 && snap != NULL;
	header(b, fl, cfg, "unknown host", "local");
	if (menu) {
		ks_server_url(cfg, url, sizeof(url));
		v[0].name = "server_url";
		v[0].str = url;
		v[0].list = NULL;
		v[1].name = "tftp_server";
		v[1].str = cfg->dhcp.next_server[0] ? cfg->dhcp.next_server :
		    cfg->tftp.listen;
		v[1].list = NULL;
		/* Only lines that need nothing host-specific can be offered. */
		for (i = 0; i < snap->nprofiles; i++) {
			p = &snap->profiles[i];
			if (!p->selectable || p->kind == INV_KIND_LOCAL ||
			    p->kernel[0] == '\0')
				continue;
			if ((t = tmpl_compile(p->append, strlen(p->append),
			    p->name, &err)) == NULL)
				continue;
			if (tmpl_render(t, &sc, 4096, &out, &len, &err) == 0) {
				entry(b, fl, p, out);
				free(out);
			}
			tmpl_free(t);
		}
	}
	local_entry(b, fl);
}

/* "01-aa-bb-cc-dd-ee-ff" (any case) -> mac. Returns 0 or -1. */
static int
parse_01mac(const char *s, uint8_t mac[ADDR_MAC_LEN])
{
	if (strncmp(s, "01-", 3) != 0 || strchr(s + 3, ':') != NULL)
		return -1;
	return addr_mac_parse(s + 3, mac);
}

/* Eight hex digits -> IPv4 (host order). Returns 0 or -1. */
static int
parse_hexip(const char *s, uint32_t *ip)
{
	uint32_t	v = 0;
	int		i;

	if (strlen(s) != 8)
		return -1;
	for (i = 0; i < 8; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v << 4 | (uint32_t)(isdigit((unsigned char)s[i]) ?
		    s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	*ip = v;
	return 0;
}


/* Hands b's text to the caller, or fails when it overflowed. */
static int
menu_finish(struct strbuf *b, char **out, size_t *outlen, char *why,
    size_t whylen)
{
	if ((*out = strbuf_take(b, outlen)) == NULL) {
		snprintf(why, whylen, "menu larger than %d bytes or out of "
		    "memory", DOC_MENU_MAX);
		return -1;
	}
	return 0;
}

int
doc_menu_host(const struct bootd_config *cfg, const struct inv_snapshot *snap,
    const struct inv_host *h, int grub, char **out, size_t *outlen, char *why,
    size_t whylen)
{
	struct strbuf b;

	strbuf_init(&b, DOC_MENU_MAX - 1);
	if (host_menu(cfg, snap, h, (enum menu_flavour)grub, &b, why,
	    whylen) == -1) {
		strbuf_free(&b);
		return -1;
	}
	return menu_finish(&b, out, outlen, why, whylen);
}

int
doc_menu_default(const struct bootd_config *cfg,
    const struct inv_snapshot *snap, int grub, char **out, size_t *outlen,
    char *why, size_t whylen)
{
	struct strbuf b;

	strbuf_init(&b, DOC_MENU_MAX - 1);
	default_menu(cfg, snap, grub ? MENU_GRUB : MENU_PXELINUX, &b);
	return menu_finish(&b, out, outlen, why, whylen);
}

static const struct inv_host *
usable(const struct inv_host *h)
{
	return h != NULL && h->enabled ? h : NULL;
}

/* "01-<mac>" or "<HEX-IP>" -> the enabled host it names, or NULL. */
static int
host_key(const struct inv_snapshot *snap, const char *s,
    const struct inv_host **h)
{
	uint8_t		mac[ADDR_MAC_LEN];
	uint32_t	ip;

	if (parse_01mac(s, mac) == 0)
		*h = snap ? usable(inv_by_mac(snap, mac)) : NULL;
	else if (parse_hexip(s, &ip) == 0)
		*h = snap ? usable(inv_by_ip(snap, ip)) : NULL;
	else
		return 0;
	return 1;
}

int
doc_vname(const struct inv_snapshot *snap, const char *name,
    enum doc_kind *kind, const struct inv_host **h)
{
	const char *base, *tail;

	*h = NULL;
	/* Debian's signed netboot GRUB: FIRMWARE-NOTES.md. */
	if (strcmp(name, "grub/grub.cfg") == 0) {
		*kind = DOC_GRUB;
		return DOC_VN_PEER;
	}
	/* Signed iPXE's script, in any directory: by address too. */
	if (doc_autoexec_name(name)) {
		*kind = DOC_AUTOEXEC;
		return DOC_VN_PEER;
	}
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	/* pxelinux.cfg/<x>, also below an EFI loader's directory. */
	if ((tail = strstr(name, "pxelinux.cfg/")) != NULL &&
	    (tail == name || tail[-1] == '/') &&
	    strchr(tail + 13, '/') == NULL) {
		*kind = DOC_PXELINUX;
		if (strcmp(tail + 13, "default") == 0)
			return DOC_VN_DEFAULT;
		if (!host_key(snap, tail + 13, h))
			return DOC_VN_REAL;
	} else if (strncmp(base, "grub.cfg-", 9) == 0) {
		*kind = DOC_GRUB;
		if (!host_key(snap, base + 9, h))
			return DOC_VN_REAL;
	} else
		return DOC_VN_REAL;
	return *h != NULL ? DOC_VN_HOST : DOC_VN_NOHOST;
}
