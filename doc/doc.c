/* SPDX-License-Identifier: ISC */
/*
 * doc: which documents a host gets, and doc_render(), the one function
 * that makes each of them (the menus are in doc_menu.c). Pure: no I/O, no
 * logging, no globals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootd/strbuf.h"
#include "doc/doc.h"
#include "doc/doc_menu.h"
#include "kickstart/ks_vars.h"

const char *const doc_kind_names[DOC_KIND_MAX] = {
	[DOC_KS] = "ks",
	[DOC_XEN] = "xen",
	[DOC_XEN_INSTALL] = "xen-install",
	[DOC_LIBVIRT] = "libvirt",
	[DOC_LIBVIRT_INSTALL] = "libvirt-install",
	[DOC_FIRSTBOOT] = "firstboot",
	[DOC_GUESTS] = "guests",
	[DOC_IPXE] = "ipxe",
	[DOC_PXELINUX] = "pxelinux",
	[DOC_GRUB] = "grub",
	[DOC_GRUB_HTTP] = "grub-http",
	[DOC_AUTOEXEC] = "autoexec",
};

/* Template names; a file of that name in paths.templates wins. */
static const char *const doc_tnames[DOC_KIND_MAX] = {
	[DOC_XEN] = "xen.cfg",
	[DOC_XEN_INSTALL] = "xen-install.cfg",
	[DOC_LIBVIRT] = "libvirt.xml",
	[DOC_LIBVIRT_INSTALL] = "libvirt.xml",
	[DOC_FIRSTBOOT] = "firstboot.sh",
	[DOC_IPXE] = "ipxe.ipxe",
};

const char *const doc_builtin_names[] = {
	"xen.cfg", "xen-install.cfg", "libvirt.xml", "firstboot.sh",
	"ipxe.ipxe", NULL
};

int
doc_kind_parse(const char *s)
{
	int k;

	for (k = 0; k < DOC_KIND_MAX; k++)
		if (strcmp(s, doc_kind_names[k]) == 0)
			return k;
	return -1;
}

static int
is_guest_kind(enum doc_kind k)
{
	return k == DOC_XEN || k == DOC_XEN_INSTALL || k == DOC_LIBVIRT ||
	    k == DOC_LIBVIRT_INSTALL;
}

int
doc_applies(enum doc_kind kind, const struct inv_host *h, const char **why)
{
	*why = NULL;
	if (!h->enabled)
		*why = "host is disabled";
	else if (kind == DOC_KS && h->profile->kickstart[0] == '\0')
		*why = "profile has no kickstart";
	else if (is_guest_kind(kind) && h->dom0 == NULL)
		*why = "not a guest (no dom0)";
	else if (is_guest_kind(kind) && !h->dom0->enabled)
		*why = "its dom0 is disabled";
	else if ((kind == DOC_FIRSTBOOT || kind == DOC_GUESTS) &&
	    h->nguests == 0)
		*why = "not a dom0 (no host names it as its dom0)";
	return *why == NULL;
}

const char *
doc_template(enum doc_kind kind, const struct inv_host *h)
{
	if (kind == DOC_KS)
		return h->profile->kickstart[0] != '\0' ?
		    h->profile->kickstart : NULL;
	return doc_tnames[kind];
}

const char *
doc_ctype(enum doc_kind kind)
{
	if (kind == DOC_LIBVIRT || kind == DOC_LIBVIRT_INSTALL)
		return "application/xml";
	return NULL;
}

const struct doc_tfile *
doc_templates_find(const struct doc_templates *ts, const char *name)
{
	size_t i;

	for (i = 0; ts != NULL && i < ts->n; i++)
		if (strcmp(ts->ent[i].name, name) == 0)
			return &ts->ent[i];
	return NULL;
}

/* Variables doc_render() adds to those of ks_vars_build(). */
#define DOC_EXTRA_MAX	4

/* A scope over a host's ks_vars plus the extra variables. */
struct doc_scope {
	struct tmpl_scope	 scope;
	struct tmpl_var		*vars;
	struct tmpl_var		 nsv[CONFIG_MAX_DNS];
	struct tmpl_scope	 nss[CONFIG_MAX_DNS];
	struct tmpl_list	 nsl;
	char			**esc;		/* XML-escaped copies */
	size_t			 nesc;
};

static int
is_install(enum doc_kind d)
{
	return d == DOC_XEN_INSTALL || d == DOC_LIBVIRT_INSTALL;
}

/* Whether h boots its profile's kernel over the network now. */
static int
netboots(const struct inv_host *h)
{
	if (h->profile->kernel[0] == '\0')
		return 0;
	switch (h->profile->kind) {
	case INV_KIND_DISKLESS:
		return 1;
	case INV_KIND_INSTALL:
		return h->build;
	default:
		return 0;
	}
}

static int
has_var(const struct tmpl_var *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return 1;
	return 0;
}

/* s with & < > ' " escaped as XML entities; NULL when s needs none. */
static char *
xml_escape(const char *s, int *nomem)
{
	const char	*p;
	char		*out, *o;
	size_t		 extra = 0;

	for (p = s; *p != '\0'; p++)
		switch (*p) {
		case '&':
			extra += 4;
			break;
		case '<':
		case '>':
			extra += 3;
			break;
		case '\'':
		case '"':
			extra += 5;
			break;
		}
	if (extra == 0)
		return NULL;
	if ((out = malloc(strlen(s) + extra + 1)) == NULL) {
		*nomem = 1;
		return NULL;
	}
	for (p = s, o = out; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			memcpy(o, "&amp;", 5);
			o += 5;
			break;
		case '<':
			memcpy(o, "&lt;", 4);
			o += 4;
			break;
		case '>':
			memcpy(o, "&gt;", 4);
			o += 4;
			break;
		case '\'':
			memcpy(o, "&apos;", 6);
			o += 6;
			break;
		case '"':
			memcpy(o, "&quot;", 6);
			o += 6;
			break;
		default:
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static void
scope_clear(struct doc_scope *x)
{
	size_t i;

	for (i = 0; i < x->nesc; i++)
		free(x->esc[i]);
	free(x->esc);
	free(x->vars);
	memset(x, 0, sizeof(*x));
}

static void
extra(struct tmpl_var *v, size_t *n, const char *name, const char *str,
    const struct tmpl_list *list)
{
	if (has_var(v, *n, name))
		return;		/* a host_var of that name wins */
	v[*n].name = name;
	v[*n].str = str;
	v[*n].list = list;
	(*n)++;
}

/* Builds x over kv (both borrowed by x until scope_clear()). */
static int
scope_build(struct doc_scope *x, enum doc_kind d,
    const struct bootd_config *cfg, const struct inv_host *h,
    const struct ks_vars *kv)
{
	const struct config_subnet	*sn;
	const char			*bridge;
	char				*e;
	size_t				 n = kv->scope.nvars, i;
	int				 j, nomem = 0;

	memset(x, 0, sizeof(*x));
	if ((x->vars = calloc(n + DOC_EXTRA_MAX, sizeof(*x->vars))) == NULL)
		return -1;
	memcpy(x->vars, kv->scope.vars, n * sizeof(*x->vars));
	if ((bridge = inv_var_get(h, "bridge")) == NULL && (h->dom0 == NULL ||
	    (bridge = inv_var_get(h->dom0, "bridge")) == NULL))
		bridge = DOC_DEFAULT_BRIDGE;
	extra(x->vars, &n, "bridge", bridge, NULL);
	if ((sn = config_subnet_for(cfg, h->ip)) != NULL)
		for (j = 0; j < sn->dns.n && j < CONFIG_MAX_DNS; j++) {
			x->nsv[j].name = "nameserver";
			x->nsv[j].str = sn->dns.items[j];
			x->nss[j].vars = &x->nsv[j];
			x->nss[j].nvars = 1;
			x->nsl.nitems++;
		}
	x->nsl.items = x->nss;
	extra(x->vars, &n, "nameservers", NULL, &x->nsl);
	extra(x->vars, &n, "install", is_install(d) ? "1" : "0", NULL);
	extra(x->vars, &n, "netboot", netboots(h) ? "1" : "0", NULL);
	if (d == DOC_LIBVIRT || d == DOC_LIBVIRT_INSTALL) {
		if ((x->esc = calloc(n, sizeof(*x->esc))) == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			if (x->vars[i].str == NULL)
				continue;
			if ((e = xml_escape(x->vars[i].str, &nomem)) != NULL) {
				x->esc[x->nesc++] = e;
				x->vars[i].str = e;
			}
			if (nomem)
				return -1;
		}
	}
	x->scope.vars = x->vars;
	x->scope.nvars = n;
	return 0;
}

/* Renders template t (path tpath, for messages) as doc d of host h. */
static int
render_tmpl(enum doc_kind d, const struct bootd_config *cfg,
    const struct inv_host *h, const struct tmpl *t, const char *tpath,
    char **out, size_t *outlen, char *why, size_t whylen)
{
	struct ks_vars		kv;
	struct doc_scope	x;
	struct tmpl_error	terr;
	int			rc = -1;

	*out = NULL;
	*outlen = 0;
	if (ks_vars_build(&kv, cfg, h, &terr) == -1) {
		snprintf(why, whylen, "profile \"%s\" append:%d: %s",
		    h->profile->name, terr.line, terr.msg);
		return -1;
	}
	if (scope_build(&x, d, cfg, h, &kv) == -1) {
		snprintf(why, whylen, "out of memory");
		goto done;
	}
	if (tmpl_render(t, &x.scope, DOC_RENDER_MAX, out, outlen,
	    &terr) == -1) {
		snprintf(why, whylen, "%s:%d: %s", tpath, terr.line, terr.msg);
		goto done;
	}
	rc = 0;
done:
	scope_clear(&x);
	ks_vars_clear(&kv);
	return rc;
}

static const char *
dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

/* The guest list of dom0 h (doc_render()), or NULL on ENOMEM. */
static char *
guest_list(const struct inv_host *h, size_t *len)
{
	const struct inv_host	*g;
	char			*out;
	size_t			 i, cap = 1, o = 0;

	for (i = 0; i < h->nguests; i++) {
		g = h->guests[i];
		cap += strlen(g->hostname) + strlen(g->profile->name) +
		    strlen(dash(g->profile->kernel)) +
		    strlen(dash(g->profile->initrd)) + 4;
	}
	if ((out = malloc(cap)) == NULL)
		return NULL;
	for (i = 0; i < h->nguests; i++) {
		g = h->guests[i];
		if (!g->enabled)
			continue;
		o += (size_t)snprintf(out + o, cap - o, "%s %s %s %s\n",
		    g->hostname, g->profile->name, dash(g->profile->kernel),
		    dash(g->profile->initrd));
	}
	out[o] = '\0';
	*len = o;
	return out;
}

int
doc_autoexec_name(const char *name)
{
	const char *base = strrchr(name, '/');

	return strcmp(base != NULL ? base + 1 : name, DOC_AUTOEXEC_FILE) == 0;
}

/*
 * Signed iPXE's autoexec.ipxe (doc.h, DOC_AUTOEXEC): for h, a chain to
 * its iPXE script, the URL DHCP gives unsigned iPXE; for NULL (an address
 * of no enabled host), a message and tftp.autoexec_default, or exit so
 * that the firmware tries its next boot option. iPXE expands ${ip} and
 * ${mac} itself. Returns DOC_OK or DOC_EFAIL.
 */
static int
autoexec(const struct bootd_config *cfg, const struct inv_host *h,
    char **out, size_t *len, char *why, size_t whylen)
{
	struct strbuf	b;
	char		url[1024];

	strbuf_init(&b, DOC_MENU_MAX - 1);
	if (h != NULL) {
		ks_server_url(cfg, url, sizeof(url));
		strbuf_printf(&b, "#!ipxe\n# bootd: autoexec.ipxe of %s (%s), "
		    "found by its address %s\nchain %s/ipxe/%s\n", h->hostname,
		    h->macstr, h->ipstr, url, h->macstr);
	} else {
		strbuf_printf(&b, "#!ipxe\n# bootd: autoexec.ipxe for an "
		    "address that is no enabled host's\necho bootd: ${ip} "
		    "(${mac}) is not in the inventory\n");
		if (cfg->tftp.autoexec_default[0] != '\0')
			strbuf_printf(&b, "chain %s\n",
			    cfg->tftp.autoexec_default);
		else
			strbuf_printf(&b, "exit 1\n");
	}
	if ((*out = strbuf_take(&b, len)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return DOC_EFAIL;
	}
	return DOC_OK;
}

int
doc_render(const struct doc_req *r, char **out, size_t *len, char *why,
    size_t whylen)
{
	const struct doc_tfile	*f;
	const char		*name, *na;

	*out = NULL;
	*len = 0;
	if (r->host == NULL) {
		if (r->kind == DOC_AUTOEXEC)
			return autoexec(r->cfg, NULL, out, len, why, whylen);
		if (r->kind != DOC_PXELINUX && r->kind != DOC_GRUB) {
			snprintf(why, whylen, "no host");
			return DOC_ENOTAPPLY;
		}
		return doc_menu_default(r->cfg, r->snap, r->kind == DOC_GRUB,
		    out, len, why, whylen) == 0 ? DOC_OK : DOC_EFAIL;
	}
	if (!doc_applies(r->kind, r->host, &na)) {
		snprintf(why, whylen, "%s", na);
		return DOC_ENOTAPPLY;
	}
	switch (r->kind) {
	case DOC_PXELINUX:
	case DOC_GRUB:
		return doc_menu_host(r->cfg, r->snap, r->host,
		    r->kind == DOC_GRUB, out, len, why, whylen) == 0 ?
		    DOC_OK : DOC_EFAIL;
	case DOC_GRUB_HTTP:
		return doc_menu_host(r->cfg, r->snap, r->host,
		    DOC_MENU_GRUB_HTTP, out, len, why, whylen) == 0 ?
		    DOC_OK : DOC_EFAIL;
	case DOC_AUTOEXEC:
		return autoexec(r->cfg, r->host, out, len, why, whylen);
	case DOC_GUESTS:
		if ((*out = guest_list(r->host, len)) == NULL) {
			snprintf(why, whylen, "out of memory");
			return DOC_EFAIL;
		}
		return DOC_OK;
	default:
		break;
	}
	name = doc_template(r->kind, r->host);
	if ((f = doc_templates_find(r->tset, name)) == NULL) {
		snprintf(why, whylen, "template %s: not loaded", name);
		return DOC_EFAIL;
	}
	if (f->t == NULL) {
		snprintf(why, whylen, "%s", f->err);
		return DOC_EFAIL;
	}
	return render_tmpl(r->kind, r->cfg, r->host, f->t, f->path, out, len,
	    why, whylen) == 0 ? DOC_OK : DOC_EFAIL;
}

/* dom0's enabled guest called name (len bytes, any case), or NULL. */
static const struct inv_host *
guest_of(const struct inv_host *dom0, const char *name, size_t len)
{
	const struct inv_host	*g;
	size_t			 i;

	for (i = 0; i < dom0->nguests; i++) {
		g = dom0->guests[i];
		if (g->enabled && strlen(g->hostname) == len &&
		    strncasecmp(g->hostname, name, len) == 0)
			return g;
	}
	return NULL;
}

int
doc_guest_file(const struct inv_host *dom0, const char *file,
    enum doc_kind *kind, const struct inv_host **g)
{
	size_t	len = strlen(file);
	int	xml;

	if (len > 4 && strcmp(file + len - 4, ".cfg") == 0)
		xml = 0;
	else if (len > 4 && strcmp(file + len - 4, ".xml") == 0)
		xml = 1;
	else
		return 0;
	len -= 4;
	if (len > 8 && strncmp(file + len - 8, "-install", 8) == 0 &&
	    (*g = guest_of(dom0, file, len - 8)) != NULL) {
		*kind = xml ? DOC_LIBVIRT_INSTALL : DOC_XEN_INSTALL;
		return 1;
	}
	if ((*g = guest_of(dom0, file, len)) != NULL) {
		*kind = xml ? DOC_LIBVIRT : DOC_XEN;
		return 1;
	}
	return 0;
}
