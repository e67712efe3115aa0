/* SPDX-License-Identifier: ISC */
/*
 * ks_vars: build template variables for a host from the snapshot and the
 * config. Pure: no I/O, no logging.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/addr.h"
#include "kickstart/ks_vars.h"

/* Strings made here (numbers, URLs, rendered append lines). */
struct ks_strs {
	char	**s;
	size_t	  n, cap;
};

/* The variables ks_vars defines for every host, by ks_vars_reserved[]. */
enum ks_var {
	KS_V_HOSTNAME, KS_V_MAC, KS_V_IP, KS_V_PROFILE, KS_V_KIND,
	KS_V_KERNEL, KS_V_INITRD, KS_V_MENU_LABEL, KS_V_BUILD, KS_V_ENABLED,
	KS_V_SERVER_URL, KS_V_KS_URL, KS_V_NETMASK, KS_V_GATEWAY, KS_V_DNS,
	KS_V_DOMAIN, KS_V_TFTP_SERVER, KS_V_DOM0, KS_V_VDISK, KS_V_MEMORY_MB,
	KS_V_VCPUS, KS_V_APPEND, KS_V_GUESTS,
	KS_V_MAX
};

const char *const ks_vars_reserved[KS_V_MAX + 1] = {
	[KS_V_HOSTNAME] = "hostname",
	[KS_V_MAC] = "mac",
	[KS_V_IP] = "ip",
	[KS_V_PROFILE] = "profile",
	[KS_V_KIND] = "kind",
	[KS_V_KERNEL] = "kernel",
	[KS_V_INITRD] = "initrd",
	[KS_V_MENU_LABEL] = "menu_label",
	[KS_V_BUILD] = "build",
	[KS_V_ENABLED] = "enabled",
	[KS_V_SERVER_URL] = "server_url",
	[KS_V_KS_URL] = "ks_url",
	[KS_V_NETMASK] = "netmask",
	[KS_V_GATEWAY] = "gateway",
	[KS_V_DNS] = "dns",
	[KS_V_DOMAIN] = "domain",
	[KS_V_TFTP_SERVER] = "tftp_server",
	[KS_V_DOM0] = "dom0",
	[KS_V_VDISK] = "vdisk",
	[KS_V_MEMORY_MB] = "memory_mb",
	[KS_V_VCPUS] = "vcpus",
	[KS_V_APPEND] = "append",
	[KS_V_GUESTS] = "guests",
	[KS_V_MAX] = NULL
};

/* Upper bound of built-in variables for one host. */
#define KS_BUILTIN_MAX	KS_V_MAX

static const char *
ks_keep(struct ks_vars *kv, char *s)
{
	struct ks_strs	*st = kv->strs;
	char		**ns;

	if (s == NULL)
		return NULL;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		if ((ns = realloc(st->s, st->cap * sizeof(*ns))) == NULL) {
			free(s);
			return NULL;
		}
		st->s = ns;
	}
	st->s[st->n++] = s;
	return s;
}

static const char *
ks_printf(struct ks_vars *kv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
ks_printf(struct ks_vars *kv, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	return ks_keep(kv, s);
}

void
ks_server_url(const struct bootd_config *cfg, char *buf, size_t len)
{
	size_t n;

	if (cfg->http.public_url[0] != '\0')
		snprintf(buf, len, "%s", cfg->http.public_url);
	else
		snprintf(buf, len, "http://%s:%d", cfg->http.listen,
		    cfg->http.port);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '/')
		buf[--n] = '\0';
}

/*
 * The address clients reach bootd's TFTP (and usually NFS) server at:
 * dhcp.next_server, else tftp.listen, else the host of server_url.
 */
static const char *
tftp_server(const struct bootd_config *cfg, char *url)
{
	char *host, *end;

	if (cfg->dhcp.next_server[0] != '\0')
		return cfg->dhcp.next_server;
	if (strcmp(cfg->tftp.listen, "0.0.0.0") != 0)
		return cfg->tftp.listen;
	host = strstr(url, "://");
	host = host != NULL ? host + 3 : url;
	if ((end = strpbrk(host, ":/")) != NULL)
		*end = '\0';
	return host;
}

static void
add_var(struct tmpl_var *v, size_t *n, const char *name, const char *str)
{
	if (str == NULL)
		return;
	v[*n].name = name;
	v[*n].str = str;
	v[*n].list = NULL;
	(*n)++;
}

/* Built-in variable k. */
static void
add(struct tmpl_var *v, size_t *n, enum ks_var k, const char *str)
{
	add_var(v, n, ks_vars_reserved[k], str);
}

/*
 * Fills vars (room for KS_BUILTIN_MAX + h->nvars + 2) for one host, without
 * append and guests. Returns the count, or -1 on ENOMEM.
 */
static int
fill_host(struct ks_vars *kv, const struct bootd_config *cfg,
    const struct inv_host *h, struct tmpl_var *v)
{
	const struct config_subnet *sn;
	char	 url[1024], b[ADDR_IP4_STRLEN];
	size_t	 n = 0, i, o;
	int	 j;
	char	 dns[CONFIG_MAX_DNS * ADDR_IP4_STRLEN];

	add(v, &n, KS_V_HOSTNAME, h->hostname);
	add(v, &n, KS_V_MAC, h->macstr);
	add(v, &n, KS_V_IP, h->ipstr);
	add(v, &n, KS_V_PROFILE, h->profile->name);
	add(v, &n, KS_V_KIND, inv_kind_names[h->profile->kind]);
	add(v, &n, KS_V_KERNEL, h->profile->kernel);
	add(v, &n, KS_V_INITRD, h->profile->initrd);
	add(v, &n, KS_V_MENU_LABEL, h->profile->menu_label);
	add(v, &n, KS_V_BUILD, h->build ? "1" : "0");
	add(v, &n, KS_V_ENABLED, h->enabled ? "1" : "0");
	ks_server_url(cfg, url, sizeof(url));
	add(v, &n, KS_V_SERVER_URL, ks_printf(kv, "%s", url));
	add(v, &n, KS_V_KS_URL, ks_printf(kv, "%s/ks/%s", url, h->hostname));
	if ((sn = config_subnet_for(cfg, h->ip)) != NULL) {
		addr_ip4_str(addr_prefix_mask(sn->prefix), b);
		add(v, &n, KS_V_NETMASK, ks_printf(kv, "%s", b));
		if (sn->router[0] != '\0')
			add(v, &n, KS_V_GATEWAY, sn->router);
		for (j = 0, o = 0; j < sn->dns.n; j++)
			o += (size_t)snprintf(dns + o, sizeof(dns) - o, "%s%s",
			    j ? "," : "", sn->dns.items[j]);
		if (sn->dns.n > 0)
			add(v, &n, KS_V_DNS, ks_printf(kv, "%s", dns));
		if (sn->domain[0] != '\0')
			add(v, &n, KS_V_DOMAIN, sn->domain);
	}
	add(v, &n, KS_V_TFTP_SERVER, ks_printf(kv, "%s",
	    tftp_server(cfg, url)));
	if (h->dom0 != NULL)
		add(v, &n, KS_V_DOM0, h->dom0->hostname);
	if (h->vdisk[0] != '\0')
		add(v, &n, KS_V_VDISK, h->vdisk);
	if (h->memory_mb > 0)
		add(v, &n, KS_V_MEMORY_MB, ks_printf(kv, "%d", h->memory_mb));
	if (h->vcpus > 0)
		add(v, &n, KS_V_VCPUS, ks_printf(kv, "%d", h->vcpus));
	for (i = 0; i < n; i++)
		if (v[i].str == NULL)
			return -1;
	for (i = 0; i < h->nvars; i++)
		add_var(v, &n, h->vars[i].name, h->vars[i].value);
	return (int)n;
}

/* Renders the profile's append line over vars[0..n) and adds it. */
static int
add_append(struct ks_vars *kv, const struct inv_host *h, struct tmpl_var *v,
    size_t *n, struct tmpl_error *err)
{
	struct tmpl		*t;
	struct tmpl_scope	 sc = { v, *n };
	char			*out = NULL, name[128];
	size_t			 len;
	int			 rc;

	snprintf(name, sizeof(name), "profile %s append", h->profile->name);
	if ((t = tmpl_compile(h->profile->append, strlen(h->profile->append),
	    name, err)) == NULL)
		return -1;
	rc = tmpl_render(t, &sc, KS_APPEND_MAX, &out, &len, err);
	tmpl_free(t);
	if (rc == -1)
		return -1;
	if (ks_keep(kv, out) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		err->line = 0;
		return -1;
	}
	add(v, n, KS_V_APPEND, out);
	return 0;
}

/* Host variables plus append into a new array; *nout its length. */
static struct tmpl_var *
host_vars(struct ks_vars *kv, const struct bootd_config *cfg,
    const struct inv_host *h, size_t extra, size_t *nout,
    struct tmpl_error *err)
{
	struct tmpl_var	*v;
	size_t		 n;
	int		 k;

	if ((v = calloc(KS_BUILTIN_MAX + h->nvars + 2 + extra,
	    sizeof(*v))) == NULL)
		goto nomem;
	if ((k = fill_host(kv, cfg, h, v)) == -1)
		goto nomem;
	n = (size_t)k;
	if (add_append(kv, h, v, &n, err) == -1) {
		free(v);
		return NULL;
	}
	*nout = n;
	return v;
nomem:
	free(v);
	err->line = 0;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return NULL;
}

int
ks_vars_build(struct ks_vars *kv, const struct bootd_config *cfg,
    const struct inv_host *h, struct tmpl_error *err)
{
	size_t	i, n;

	memset(kv, 0, sizeof(*kv));
	if ((kv->strs = calloc(1, sizeof(*kv->strs))) == NULL)
		goto nomem;
	if ((kv->vars = host_vars(kv, cfg, h, 1, &n, err)) == NULL)
		goto fail;
	if (h->nguests > 0) {
		kv->guest_scopes = calloc(h->nguests, sizeof(*kv->guest_scopes));
		kv->guest_vars = calloc(h->nguests, sizeof(*kv->guest_vars));
		if (kv->guest_scopes == NULL || kv->guest_vars == NULL)
			goto nomem;
		kv->cap = h->nguests;
		for (i = 0; i < h->nguests; i++) {
			kv->guest_vars[i] = host_vars(kv, cfg, h->guests[i], 0,
			    &kv->guest_scopes[i].nvars, err);
			if (kv->guest_vars[i] == NULL)
				goto fail;
			kv->guest_scopes[i].vars = kv->guest_vars[i];
		}
		kv->guests.items = kv->guest_scopes;
		kv->guests.nitems = h->nguests;
	}
	/* Every host has "guests", empty unless it is a dom0. */
	kv->vars[n].name = ks_vars_reserved[KS_V_GUESTS];
	kv->vars[n].str = NULL;
	kv->vars[n].list = &kv->guests;
	n++;
	kv->scope.vars = kv->vars;
	kv->scope.nvars = n;
	return 0;
nomem:
	err->line = 0;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
fail:
	ks_vars_clear(kv);
	return -1;
}

void
ks_vars_clear(struct ks_vars *kv)
{
	size_t i;

	if (kv->guest_vars != NULL)
		for (i = 0; i < kv->cap; i++)
			free(kv->guest_vars[i]);
	free(kv->guest_vars);
	free(kv->guest_scopes);
	free(kv->vars);
	if (kv->strs != NULL) {
		for (i = 0; i < kv->strs->n; i++)
			free(kv->strs->s[i]);
		free(kv->strs->s);
		free(kv->strs);
	}
	memset(kv, 0, sizeof(*kv));
}
