/* SPDX-License-Identifier: ISC */
/*
 * dhcpgen: renders the snapshot as ISC dhcpd, Kea or dnsmasq config text,
 * one emitter per format over one shared plan (which hosts, which boot
 * files, every config string checked for the format first). Pure: no I/O,
 * no logging, no clock; errors come back as text in err.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/addr.h"
#include "bootd/errbuf.h"
#include "bootd/log.h"
#include "bootd/pxe_arch.h"
#include "bootd/strbuf.h"
#include "db/inv_bootfile.h"
#include "dhcpgen/dhcpgen.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define VALLEN		96	/* a config value quoted in a message */

const char *const dhcpgen_format_names[DHCPGEN_FMT_MAX] = {
	[DHCPGEN_ISC] = "isc",
	[DHCPGEN_KEA] = "kea",
	[DHCPGEN_DNSMASQ] = "dnsmasq",
};

/* The boot files, by the rule that picks them (dhcp_policy's order). */
enum gen_boot {
	BOOT_IPXE,
	BOOT_EFI64,
	BOOT_ARM64,
	BOOT_BIOS,
	BOOT_MAX
};

static const char *const boot_settings[BOOT_MAX] = {
	[BOOT_IPXE] = "dhcp.bootfile.ipxe",
	[BOOT_EFI64] = "dhcp.bootfile.efi64",
	[BOOT_ARM64] = "dhcp.bootfile.arm64",
	[BOOT_BIOS] = "dhcp.bootfile.bios",
};

/* The column of a profile's override of each rule. */
static const enum inv_boot boot_inv[BOOT_MAX] = {
	[BOOT_IPXE] = INV_BOOT_IPXE,
	[BOOT_EFI64] = INV_BOOT_EFI64,
	[BOOT_ARM64] = INV_BOOT_ARM64,
	[BOOT_BIOS] = INV_BOOT_BIOS,
};

/*
 * The loader of each rule (pxe_arch's name for it): the option 93 values
 * that select it come from pxe_arch. iPXE goes by its user class.
 */
static const enum pxe_boot boot_pxe[BOOT_MAX] = {
	[BOOT_IPXE] = PXE_BOOT_NONE,
	[BOOT_EFI64] = PXE_BOOT_EFI64,
	[BOOT_ARM64] = PXE_BOOT_ARM64,
	[BOOT_BIOS] = PXE_BOOT_BIOS,
};

/* Rule names: Kea class suffixes, dnsmasq tag suffixes. */
static const char *const boot_names[BOOT_MAX] = {
	[BOOT_IPXE] = "ipxe",
	[BOOT_EFI64] = "efi64",
	[BOOT_ARM64] = "arm64",
	[BOOT_BIOS] = "bios",
};

/*
 * One set of boot file rules: the config's, or those of a profile with
 * overrides (each override, else the config's file). file[BOOT_x]: "" =
 * that rule sends no file; no_ipxe: no iPXE rule.
 */
struct rules {
	const struct inv_profile	*profile;	/* NULL: the config's */
	const char			*file[BOOT_MAX];
	char				 ipxe[DHCPGEN_BOOTFILE_MAX + 1];
	int				 no_ipxe;
};

/* What every emitter writes; strings borrowed from cfg, snap or itself. */
struct plan {
	const struct bootd_config	*cfg;
	const struct inv_snapshot	*snap;
	enum dhcpgen_format		 fmt;
	struct rules			 rules;		/* the config's */
	/* Profiles with overrides and served hosts, in snapshot order. */
	struct rules			*prules;
	size_t				 nprules;
	int				*subnet;	/* per host: subnet
							   index, or -1 */
	int				*hrules;	/* per host: index
							   into prules, or -1 */
	size_t				 nserved, nleft;
};

/* Output: a strbuf, whose errors stick, so emitters need not check. */

/* s as a JSON string literal (RFC 8259 §7), quotes included. */
static void
sb_json(struct strbuf *sb, const char *s)
{
	unsigned char c;

	strbuf_add(sb, "\"", 1);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			strbuf_add(sb, "\\", 1);
			strbuf_add(sb, s, 1);
		} else if (c < 0x20 || c == 0x7f)
			strbuf_printf(sb, "\\u%04x", c);
		else
			strbuf_add(sb, s, 1);
	}
	strbuf_add(sb, "\"", 1);
}

/* Checks */

/* Escaped copy of a config value for a message. Returns buf. */
static char *
esc(char *buf, size_t len, const char *s)
{
	return log_sanitise(buf, len, s, strlen(s));
}

/*
 * A boot file name as fmt can carry it: printable ASCII without spaces
 * (none of the three formats quotes a space the same way, and no loader
 * name needs one), at most DHCPGEN_BOOTFILE_MAX bytes, and none of the
 * characters the format cannot write inside its value. Returns 0, or -1
 * with err naming setting.
 */
static int
check_file(enum dhcpgen_format fmt, const char *setting, const char *s,
    char *err, size_t errlen)
{
	static const char *const bad[DHCPGEN_FMT_MAX] = {
		/* dhcpd.conf strings: no escapes we would rely on. */
		[DHCPGEN_ISC] = "\"\\",
		[DHCPGEN_KEA] = "",		/* JSON-escaped */
		/* dnsmasq: ',' splits fields, '#' may start a comment,
		   '"' and '\' are its quoting. */
		[DHCPGEN_DNSMASQ] = "\"\\,#",
	};
	char		 v[VALLEN];
	const char	*p;
	unsigned char	 c;

	if (strlen(s) > DHCPGEN_BOOTFILE_MAX)
		return errbuf_set(err, errlen, "%s \"%s\": longer than %d "
		    "bytes, the BOOTP file field", setting,
		    esc(v, sizeof(v), s), DHCPGEN_BOOTFILE_MAX);
	for (p = s; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f)
			return errbuf_set(err, errlen, "%s \"%s\": only "
			    "printable ASCII without spaces is written",
			    setting, esc(v, sizeof(v), s));
		if (strchr(bad[fmt], c) != NULL)
			return errbuf_set(err, errlen, "%s \"%s\": '%c' cannot "
			    "be written safely in a file for %s", setting,
			    esc(v, sizeof(v), s), c, dhcpgen_format_names[fmt]);
	}
	/* dnsmasq would take a leading "tag:" as a tag, not a file. */
	if (fmt == DHCPGEN_DNSMASQ && (strncmp(s, "tag:", 4) == 0 ||
	    strncmp(s, "net:", 4) == 0 || strncmp(s, "set:", 4) == 0))
		return errbuf_set(err, errlen, "%s \"%s\": dnsmasq would read "
		    "the start as a tag", setting, esc(v, sizeof(v), s));
	return 0;
}

/* A DNS domain name: RFC 1123 labels joined by dots. */
static int
domain_ok(const char *s)
{
	size_t	 i, lab = 0, n = strlen(s);
	int	 c;

	if (n == 0 || n > INV_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && lab > 0)) {
			if (++lab > 63)
				return 0;
		} else
			return 0;
	}
	return lab > 0 && s[n - 1] != '-';
}

static int
ipxe_text(void *ctx, const char *s, size_t n)
{
	strbuf_add(ctx, s, n);
	return 0;
}

static int
ipxe_var(void *ctx, enum inv_bootvar v)
{
	strbuf_printf(ctx, "${%s}", inv_bootvar_names[v]);
	return 0;
}

/*
 * tmpl with {{mac}}, {{ip}} and {{hostname}} (dhcp_policy's placeholders,
 * found by the same scanner) written as iPXE's ${mac}, ${ip} and
 * ${hostname}; other text as is.
 */
static void
ipxe_subst(struct strbuf *sb, const char *tmpl)
{
	static const struct inv_bootfile_ops ops = { ipxe_text, ipxe_var };

	(void)inv_bootfile_walk(tmpl, &ops, sb);
}

/*
 * The iPXE boot file of rs into rs->ipxe: tmpl (dhcp.bootfile.ipxe or a
 * profile's bootfile_ipxe, named by what) through ipxe_subst(); or, when
 * that is "", bootd's script URL <base>/ipxe/${mac} as dhcp_policy sends
 * it, with <base> http.public_url, else
 * http://<http.listen>:<port>, else http://<dhcp.next_server>:<port> (the
 * address a reply would come from is not known here). No base, or HTTP
 * off: rs->no_ipxe.
 */
static int
rules_ipxe(const struct plan *pl, struct rules *rs, const char *tmpl,
    const char *what, char *err, size_t errlen)
{
	const struct bootd_config	*cfg = pl->cfg;
	struct strbuf			 sb;
	const char			*host;
	size_t				 n;
	int				 rc = -1;

	rs->file[BOOT_IPXE] = rs->ipxe;
	strbuf_init(&sb, STRBUF_NOMAX);
	if (tmpl[0] != '\0')
		ipxe_subst(&sb, tmpl);
	else if (!cfg->http.enabled) {
		rs->no_ipxe = 1;
		return 0;
	} else if (cfg->http.public_url[0] != '\0') {
		n = strlen(cfg->http.public_url);
		while (n > 0 && cfg->http.public_url[n - 1] == '/')
			n--;
		strbuf_add(&sb, cfg->http.public_url, n);
		strbuf_puts(&sb, "/ipxe/${mac}");
	} else {
		if (cfg->http.listen_ip != 0)
			host = cfg->http.listen;
		else if (cfg->dhcp.next_server_ip != 0)
			host = cfg->dhcp.next_server;
		else {
			rs->no_ipxe = 1;
			return 0;
		}
		strbuf_printf(&sb, "http://%s:%d/ipxe/${mac}", host,
		    cfg->http.port);
	}
	if (sb.err != STRBUF_OK)
		errbuf_set(err, errlen, "%s", strerror(ENOMEM));
	else if (sb.len == 0) {
		rs->no_ipxe = 1;
		rc = 0;
	} else if (check_file(pl->fmt, what, sb.buf, err, errlen) == 0) {
		/* check_file() bounds the length to fit rs->ipxe. */
		memcpy(rs->ipxe, sb.buf, sb.len + 1);
		rc = 0;
	}
	strbuf_free(&sb);
	return rc;
}

/* Non-zero when profile p overrides any boot file. */
static int
has_override(const struct inv_profile *p)
{
	int b;

	for (b = 0; b < INV_BOOT_MAX; b++)
		if (p->bootfile[b][0] != '\0')
			return 1;
	return 0;
}

/*
 * The rules of each profile with overrides that some served host uses:
 * its own file where it has one, else the config's. The inventory accepts
 * only overrides every format can write; checked again here all the same.
 */
static int
plan_profiles(struct plan *pl, char *err, size_t errlen)
{
	const struct inv_snapshot	*snap = pl->snap;
	const struct inv_profile	*p;
	struct rules			*rs;
	char				 what[INV_NAME_MAX + 64];
	size_t				*idx = NULL, i, k;
	int				 b, rc = -1;

	if (snap->nhosts > 0 && (pl->hrules = calloc(snap->nhosts,
	    sizeof(*pl->hrules))) == NULL)
		return errbuf_set(err, errlen, "%s", strerror(ENOMEM));
	if (snap->nprofiles > 0 && ((idx = calloc(snap->nprofiles,
	    sizeof(*idx))) == NULL || (pl->prules = calloc(snap->nprofiles,
	    sizeof(*pl->prules))) == NULL)) {
		errbuf_set(err, errlen, "%s", strerror(ENOMEM));
		goto done;
	}
	/* idx[profile]: 1 + its index in pl->prules, 0 when none. */
	for (i = 0; i < snap->nhosts; i++) {
		pl->hrules[i] = -1;
		if (pl->subnet[i] < 0 || !has_override(snap->hosts[i].profile))
			continue;
		k = (size_t)(snap->hosts[i].profile - snap->profiles);
		if (idx[k] == 0)
			idx[k] = 1;
	}
	for (k = 0; k < snap->nprofiles; k++) {
		if (idx[k] == 0)
			continue;
		p = &snap->profiles[k];
		rs = &pl->prules[pl->nprules];
		idx[k] = ++pl->nprules;
		rs->profile = p;
		snprintf(what, sizeof(what), "profile \"%s\" bootfile_ipxe",
		    p->name);
		if (p->bootfile[INV_BOOT_IPXE][0] == '\0') {
			memcpy(rs->ipxe, pl->rules.ipxe, sizeof(rs->ipxe));
			rs->file[BOOT_IPXE] = rs->ipxe;
			rs->no_ipxe = pl->rules.no_ipxe;
		} else if (rules_ipxe(pl, rs, p->bootfile[INV_BOOT_IPXE], what,
		    err, errlen) == -1)
			goto done;
		for (b = 0; b < BOOT_MAX; b++) {
			if (b == BOOT_IPXE)
				continue;
			rs->file[b] = p->bootfile[boot_inv[b]][0] != '\0' ?
			    p->bootfile[boot_inv[b]] : pl->rules.file[b];
			snprintf(what, sizeof(what), "profile \"%s\" "
			    "bootfile_%s", p->name,
			    inv_boot_names[boot_inv[b]]);
			if (check_file(pl->fmt, what, rs->file[b], err,
			    errlen) == -1)
				goto done;
		}
	}
	for (i = 0; i < snap->nhosts; i++)
		if (pl->subnet[i] >= 0 && has_override(snap->hosts[i].profile))
			pl->hrules[i] = (int)idx[snap->hosts[i].profile -
			    snap->profiles] - 1;
	rc = 0;
done:
	free(idx);
	return rc;
}

/* Checks the config for pl->fmt and picks the hosts. Returns 0 or -1. */
static int
plan_make(struct plan *pl, char *err, size_t errlen)
{
	const struct bootd_config	*cfg = pl->cfg;
	const struct config_subnet	*s;
	const struct inv_host		*h;
	char				 v[VALLEN];
	size_t				 i;
	int				 b, j;

	if (cfg->dhcp.nsubnets == 0)
		return errbuf_set(err, errlen, "dhcp.subnets is empty: a DHCP "
		    "server needs the subnets it serves");
	for (j = 0; j < cfg->dhcp.nsubnets; j++) {
		s = &cfg->dhcp.subnets[j];
		if (s->domain[0] != '\0' && !domain_ok(s->domain))
			return errbuf_set(err, errlen, "dhcp.subnets[%d].domai"
			    "n \"%s\": not a domain name (RFC 1123 labels)", j,
			    esc(v, sizeof(v), s->domain));
		/*
		 * Kea keys leases by subnet id; the network address keeps the
		 * id stable when subnets are added, removed or reordered.
		 * 0 would ask Kea to number the subnet itself.
		 */
		if (pl->fmt == DHCPGEN_KEA && (s->net == 0 ||
		    s->net == UINT32_MAX))
			return errbuf_set(err, errlen, "dhcp.subnets[%d] %s: "
			    "no Kea subnet id can be made from this network", j,
			    esc(v, sizeof(v), s->network));
	}
	if (rules_ipxe(pl, &pl->rules, cfg->dhcp.bootfile.ipxe,
	    boot_settings[BOOT_IPXE], err, errlen) == -1)
		return -1;
	pl->rules.file[BOOT_EFI64] = cfg->dhcp.bootfile.efi64;
	pl->rules.file[BOOT_ARM64] = cfg->dhcp.bootfile.arm64;
	pl->rules.file[BOOT_BIOS] = cfg->dhcp.bootfile.bios;
	for (b = 0; b < BOOT_MAX; b++)
		if (check_file(pl->fmt, boot_settings[b], pl->rules.file[b],
		    err, errlen) == -1)
			return -1;

	if (pl->snap->nhosts > 0 && (pl->subnet = calloc(pl->snap->nhosts,
	    sizeof(*pl->subnet))) == NULL)
		return errbuf_set(err, errlen, "%s", strerror(ENOMEM));
	for (i = 0; i < pl->snap->nhosts; i++) {
		h = &pl->snap->hosts[i];
		pl->subnet[i] = -1;
		if (!h->enabled)
			continue;
		if ((s = config_subnet_for(cfg, h->ip)) == NULL) {
			pl->nleft++;
			continue;
		}
		/* The snapshot holds RFC 1123 names only; check anyway. */
		if (!domain_ok(h->hostname))
			return errbuf_set(err, errlen, "host \"%s\": not a "
			    "valid hostname", esc(v, sizeof(v), h->hostname));
		pl->subnet[i] = (int)(s - cfg->dhcp.subnets);
		pl->nserved++;
	}
	return plan_profiles(pl, err, errlen);
}

/*
 * The header, as lines without their end: what wrote the file and what
 * was left out. ISC and dnsmasq print them as comments, Kea as one string.
 */
static void
header(struct strbuf *sb, const struct plan *pl)
{
	const struct inv_host	*h;
	size_t			 i, named = 0;

	strbuf_printf(sb, "Written by bootd dhcpgen (%s): %zu host%s in %d "
	    "subnet%s.\n", dhcpgen_format_names[pl->fmt], pl->nserved,
	    pl->nserved == 1 ? "" : "s", pl->cfg->dhcp.nsubnets,
	    pl->cfg->dhcp.nsubnets == 1 ? "" : "s");
	strbuf_puts(sb, "Do not edit: bootd rewrites this file whenever the "
	    "inventory changes.\n");
	if (pl->rules.no_ipxe)
		strbuf_puts(sb, "No iPXE rule: set dhcp.bootfile.ipxe, or "
		    "enable HTTP with http.public_url, http.listen or "
		    "dhcp.next_server set.\n");
	if (pl->nleft == 0)
		return;
	strbuf_printf(sb, "Left out, outside every dhcp.subnets entry: %zu "
	    "enabled host%s:", pl->nleft, pl->nleft == 1 ? "" : "s");
	for (i = 0; i < pl->snap->nhosts && named < DHCPGEN_LEFT_OUT_NAMED;
	    i++) {
		h = &pl->snap->hosts[i];
		if (h->enabled && pl->subnet[i] < 0) {
			strbuf_printf(sb, " %s (%s)", h->hostname, h->ipstr);
			named++;
		}
	}
	if (pl->nleft > named)
		strbuf_printf(sb, " and %zu more", pl->nleft - named);
	strbuf_puts(sb, ".\n");
}

/* The header lines as "# " comments. */
static void
header_comment(struct strbuf *sb, const struct plan *pl)
{
	struct strbuf	 h;
	const char	*s, *nl;

	strbuf_init(&h, STRBUF_NOMAX);
	header(&h, pl);
	if (h.err != STRBUF_OK) {
		if (sb->err == STRBUF_OK)
			sb->err = h.err;
		strbuf_free(&h);
		return;
	}
	for (s = h.buf; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		strbuf_puts(sb, "# ");
		strbuf_add(sb, s, (size_t)(nl - s + 1));
	}
	strbuf_free(&h);
}

/* A MAC as 12 hex digits, as Kea compares pkt4.mac with 0x... */
static void
put_machex(struct strbuf *sb, const uint8_t mac[ADDR_MAC_LEN])
{
	int i;

	for (i = 0; i < ADDR_MAC_LEN; i++)
		strbuf_printf(sb, "%02x", mac[i]);
}

static void
put_ip(struct strbuf *sb, uint32_t ip)
{
	char buf[ADDR_IP4_STRLEN];

	addr_ip4_str(ip, buf);
	strbuf_puts(sb, buf);
}

enum arch_syntax {
	ARCH_ISC,	/* option pxe-system-type = HH:LL or ... */
	ARCH_KEA,	/* option[93].hex == 0xHHLL or ... */
	ARCH_DNSMASQ	/* dhcp-match=...,option:client-arch,N */
};

/*
 * The option 93 test of rule b in a format's syntax: one term per value
 * that fetches b's file by TFTP (pxe_arch_next_tftp()), joined by "or";
 * for dnsmasq one dhcp-match line each, setting the tag bootd-<rule>.
 */
static void
arch_tests(struct strbuf *sb, int b, enum arch_syntax syn)
{
	const char	*sep = "";
	int		 a = -1;

	while ((a = pxe_arch_next_tftp(boot_pxe[b], a)) != -1) {
		switch (syn) {
		case ARCH_ISC:
			strbuf_printf(sb, "%soption pxe-system-type = "
			    "%02x:%02x", sep, a >> 8, a & 0xff);
			break;
		case ARCH_KEA:
			strbuf_printf(sb, "%soption[93].hex == 0x%04x", sep, a);
			break;
		case ARCH_DNSMASQ:
			strbuf_printf(sb, "dhcp-match=set:bootd-%s,"
			    "option:client-arch,%d\n", boot_names[b], a);
			break;
		}
		sep = " or ";
	}
}

/* ISC dhcpd */

/*
 * One if/elsif chain (dhcpd.conf(5) "CONDITIONAL BEHAVIOUR") on the user
 * class and on pxe-system-type, dhcpd's name for option 93 (4.3 and
 * later), compared as data: two bytes, high byte first. An empty
 * boot file keeps its branch, empty, so that those clients do not fall
 * through to the BIOS file. The config's chain is global; a profile's
 * goes, indented by ind, into each of its hosts' blocks, whose statements
 * dhcpd runs after the global ones, so the host's filename wins.
 */
static void
isc_chain(struct strbuf *sb, const struct rules *rs, const char *ind)
{
	int b, first = 1;

	for (b = 0; b < BOOT_MAX; b++) {
		if (b == BOOT_IPXE && rs->no_ipxe)
			continue;
		if (b == BOOT_BIOS)	/* the last; never the first */
			strbuf_puts(sb, " else {\n");
		else {
			strbuf_printf(sb, "%s%s ", first ? ind : " ",
			    first ? "if" : "elsif");
			if (b == BOOT_IPXE)
				strbuf_puts(sb, "exists user-class and "
				    "option user-class = \"iPXE\"");
			else
				arch_tests(sb, b, ARCH_ISC);
			strbuf_puts(sb, " {\n");
		}
		if (rs->file[b][0] != '\0')
			strbuf_printf(sb, "%s\tfilename \"%s\";\n", ind,
			    rs->file[b]);
		strbuf_printf(sb, "%s}", ind);
		first = 0;
	}
	strbuf_puts(sb, "\n");
}

static void
isc_render(struct strbuf *sb, const struct plan *pl)
{
	const struct bootd_config	*cfg = pl->cfg;
	const struct config_subnet	*s;
	const struct inv_host		*h;
	size_t				 i;
	int				 j, k;

	header_comment(sb, pl);
	if (cfg->dhcp.next_server[0] != '\0')
		strbuf_printf(sb, "\nnext-server %s;\n", cfg->dhcp.next_server);
	strbuf_puts(sb, "\n# Boot file by client architecture (option 93, RFC "
	    "4578); iPXE by its user class.\n");
	isc_chain(sb, &pl->rules, "");
	for (j = 0; j < cfg->dhcp.nsubnets; j++) {
		s = &cfg->dhcp.subnets[j];
		strbuf_puts(sb, "\nsubnet ");
		put_ip(sb, s->net);
		strbuf_puts(sb, " netmask ");
		put_ip(sb, addr_prefix_mask(s->prefix));
		strbuf_puts(sb, " {\n");
		if (s->router[0] != '\0')
			strbuf_printf(sb, "\toption routers %s;\n", s->router);
		if (s->dns.n > 0) {
			strbuf_puts(sb, "\toption domain-name-servers ");
			for (k = 0; k < s->dns.n; k++)
				strbuf_printf(sb, "%s%s", k > 0 ? ", " : "",
				    s->dns.items[k]);
			strbuf_puts(sb, ";\n");
		}
		if (s->domain[0] != '\0')
			strbuf_printf(sb, "\toption domain-name \"%s\";\n",
			    s->domain);
		strbuf_printf(sb, "\tdefault-lease-time %d;\n\tmax-lease-time "
		    "%d;\n}\n", s->lease_time, s->lease_time);
	}
	for (i = 0; i < pl->snap->nhosts; i++) {
		if (pl->subnet[i] < 0)
			continue;
		h = &pl->snap->hosts[i];
		/* RFC 1123 names are bare words to dhcpd; it takes no "". */
		strbuf_printf(sb, "\nhost %s {\n\thardware ethernet "
		    "%s;\n\tfixed-address %s;\n\toption host-name \"%s\";\n",
		    h->hostname, h->macstr, h->ipstr, h->hostname);
		if (pl->hrules[i] >= 0) {
			strbuf_printf(sb, "\t# Boot files of profile \"%s\".\n",
			    h->profile->name);
			isc_chain(sb, &pl->prules[pl->hrules[i]], "\t");
		}
		strbuf_puts(sb, "}\n");
	}
}

/* Kea */

/*
 * The classes of one rule set, named <pfx>ipxe, <pfx>efi64, <pfx>arm64 and
 * <pfx>bios, with exclusive tests in dhcp_policy's order, each behind
 * guard when it is not NULL. Kea's "and" binds tighter than "or": the
 * option 93 tests get parentheses whenever something comes before them.
 */
static void
kea_rules(struct strbuf *sb, const struct rules *rs, const char *pfx,
    const char *guard, int *first)
{
	int b, paren;

	for (b = 0; b < BOOT_MAX; b++) {
		if (b == BOOT_IPXE && rs->no_ipxe)
			continue;
		strbuf_printf(sb, "%s      { \"name\": \"%s%s\", \"test\": \"",
		    *first ? "" : ",\n", pfx, boot_names[b]);
		if (guard != NULL)
			strbuf_printf(sb, "%s and ", guard);
		if (b == BOOT_BIOS) {
			if (!rs->no_ipxe)
				strbuf_printf(sb, "not member('%sipxe') and ",
				    pfx);
			strbuf_printf(sb, "not member('%sefi64') and "
			    "not member('%sarm64')", pfx, pfx);
		} else if (b == BOOT_IPXE)
			strbuf_puts(sb, "option[77].hex == 'iPXE'");
		else {
			paren = !rs->no_ipxe || guard != NULL;
			if (!rs->no_ipxe)
				strbuf_printf(sb, "not member('%sipxe') and ",
				    pfx);
			strbuf_puts(sb, paren ? "(" : "");
			arch_tests(sb, b, ARCH_KEA);
			strbuf_puts(sb, paren ? ")" : "");
		}
		strbuf_puts(sb, "\"");
		if (rs->file[b][0] != '\0') {
			strbuf_puts(sb, ", \"boot-file-name\": ");
			sb_json(sb, rs->file[b]);
		}
		strbuf_puts(sb, " }");
		*first = 0;
	}
}

/*
 * Boot files through client classes. Not a reservation's boot-file-name:
 * Kea lets that override every class, so all architectures of the host
 * would get the same file. A profile with overrides gets a class matching
 * its hosts' MACs, bootd-p-<name>, and its own rule classes behind it
 * ('/' cannot occur in a profile name, so names never collide); the
 * config's rules then skip those hosts (bootd-own), so that exactly one
 * class sets the file whatever order Kea takes them in.
 */
static void
kea_classes(struct strbuf *sb, const struct plan *pl)
{
	const struct rules	*rs;
	char			 pfx[INV_NAME_MAX + 16];
	char			 guard[INV_NAME_MAX + 32];
	size_t			 i, k;
	int			 first = 1, mfirst;

	strbuf_puts(sb, "    \"client-classes\": [\n");
	for (k = 0; k < pl->nprules; k++) {
		rs = &pl->prules[k];
		strbuf_printf(sb, "%s      { \"name\": \"bootd-p-%s\", "
		    "\"test\": \"", first ? "" : ",\n", rs->profile->name);
		mfirst = 1;
		for (i = 0; i < pl->snap->nhosts; i++) {
			if (pl->hrules[i] != (int)k)
				continue;
			strbuf_printf(sb, "%spkt4.mac == 0x",
			    mfirst ? "" : " or ");
			put_machex(sb, pl->snap->hosts[i].mac);
			mfirst = 0;
		}
		strbuf_puts(sb, "\" }");
		first = 0;
		snprintf(pfx, sizeof(pfx), "bootd-p-%s/", rs->profile->name);
		snprintf(guard, sizeof(guard), "member('bootd-p-%s')",
		    rs->profile->name);
		kea_rules(sb, rs, pfx, guard, &first);
	}
	if (pl->nprules > 0) {
		strbuf_puts(sb, ",\n      { \"name\": \"bootd-own\", \"test\": "
		    "\"");
		for (k = 0; k < pl->nprules; k++)
			strbuf_printf(sb, "%smember('bootd-p-%s')",
			    k ? " or " : "", pl->prules[k].profile->name);
		strbuf_puts(sb, "\" }");
	}
	kea_rules(sb, &pl->rules, "bootd-", pl->nprules > 0 ?
	    "not member('bootd-own')" : NULL, &first);
	strbuf_puts(sb, "\n    ],\n");
}

static void
kea_subnet(struct strbuf *sb, const struct plan *pl, int j)
{
	const struct config_subnet	*s = &pl->cfg->dhcp.subnets[j];
	const struct inv_host		*h;
	size_t				 i;
	int				 k, first = 1;

	strbuf_printf(sb, "      {\n        \"id\": %lu,\n        \"subnet\": "
	    "\"", (unsigned long)s->net);
	put_ip(sb, s->net);
	strbuf_printf(sb, "/%d\",\n        \"valid-lifetime\": %d,\n",
	    s->prefix, s->lease_time);
	strbuf_puts(sb, "        \"option-data\": [");
	if (s->router[0] != '\0') {
		strbuf_printf(sb, "\n          { \"name\": \"routers\", "
		    "\"data\": \"%s\" }", s->router);
		first = 0;
	}
	if (s->dns.n > 0) {
		strbuf_printf(sb, "%s\n          { \"name\": "
		    "\"domain-name-servers\", \"data\": \"", first ? "" : ",");
		for (k = 0; k < s->dns.n; k++)
			strbuf_printf(sb, "%s%s", k > 0 ? ", " : "",
			    s->dns.items[k]);
		strbuf_puts(sb, "\" }");
		first = 0;
	}
	if (s->domain[0] != '\0') {
		strbuf_printf(sb, "%s\n          { \"name\": \"domain-name\", "
		    "\"data\": ", first ? "" : ",");
		sb_json(sb, s->domain);
		strbuf_puts(sb, " }");
		first = 0;
	}
	strbuf_puts(sb, first ? "],\n" : "\n        ],\n");
	strbuf_puts(sb, "        \"reservations\": [");
	first = 1;
	for (i = 0; i < pl->snap->nhosts; i++) {
		if (pl->subnet[i] != j)
			continue;
		h = &pl->snap->hosts[i];
		strbuf_printf(sb, "%s\n          { \"hw-address\": \"%s\", "
		    "\"ip-address\": \"%s\", \"hostname\": ", first ? "" : ",",
		    h->macstr, h->ipstr);
		sb_json(sb, h->hostname);
		strbuf_puts(sb, " }");
		first = 0;
	}
	strbuf_puts(sb, first ? "]\n" : "\n        ]\n");
	strbuf_puts(sb, "      }");
}

static void
kea_render(struct strbuf *sb, const struct plan *pl)
{
	const struct bootd_config	*cfg = pl->cfg;
	struct strbuf			 h;
	int				 j;

	strbuf_init(&h, STRBUF_NOMAX);
	header(&h, pl);
	if (h.err != STRBUF_OK) {
		if (sb->err == STRBUF_OK)
			sb->err = h.err;
		strbuf_free(&h);
		return;
	}
	/* JSON has no comments: the header goes to Kea's user-context. */
	while (h.len > 0 && h.buf[h.len - 1] == '\n')
		h.buf[--h.len] = '\0';
	for (j = 0; (size_t)j < h.len; j++)
		if (h.buf[j] == '\n')
			h.buf[j] = ' ';
	strbuf_puts(sb, "{\n  \"Dhcp4\": {\n    \"user-context\": { "
	    "\"comment\": ");
	sb_json(sb, h.buf);
	strbuf_free(&h);
	strbuf_puts(sb, " },\n    \"interfaces-config\": { \"interfaces\": [ ");
	if (cfg->dhcp.interfaces.n == 0)
		strbuf_puts(sb, "\"*\"");
	for (j = 0; j < cfg->dhcp.interfaces.n; j++) {
		if (j > 0)
			strbuf_puts(sb, ", ");
		sb_json(sb, cfg->dhcp.interfaces.items[j]);
	}
	strbuf_puts(sb, " ] },\n");
	if (cfg->dhcp.next_server[0] != '\0')
		strbuf_printf(sb, "    \"next-server\": \"%s\",\n",
		    cfg->dhcp.next_server);
	kea_classes(sb, pl);
	strbuf_puts(sb, "    \"subnet4\": [\n");
	for (j = 0; j < cfg->dhcp.nsubnets; j++) {
		if (j > 0)
			strbuf_puts(sb, ",\n");
		kea_subnet(sb, pl, j);
	}
	strbuf_puts(sb, "\n    ]\n  }\n}\n");
}

/* dnsmasq */

/*
 * dnsmasq reads each dhcp-host field by its form (dnsmasq.8, --dhcp-host):
 * all digits, maybe with one unit letter, is a lease time; "infinite" and
 * "ignore" are keywords; a dotted quad is an address. An RFC 1123 name can
 * look like any of them and cannot be quoted there.
 */
static int
dnsmasq_name_ambiguous(const char *s)
{
	size_t	 i, n = strlen(s), dots = 0, digits = 0;

	if (strcmp(s, "infinite") == 0 || strcmp(s, "ignore") == 0)
		return 1;
	if (n > 1 && strchr("wWdDhHmMsS", s[n - 1]) != NULL)
		n--;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == n)
		return 1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.')
			dots++, digits = 0;
		else if (s[i] >= '0' && s[i] <= '9' && digits < 3)
			digits++;
		else
			return 0;
	}
	return dots == 3;
}

/*
 * The dhcp-boot lines of one rule set, each behind the tag test pfx
 * (ending in ',') when it is not "".
 */
static void
dnsmasq_rules(struct strbuf *sb, const struct plan *pl, const struct rules *rs,
    const char *pfx)
{
	static const char *const tags[BOOT_MAX] = {
		[BOOT_IPXE] = "tag:bootd-ipxe",
		[BOOT_EFI64] = "tag:!bootd-ipxe,tag:bootd-efi64",
		[BOOT_ARM64] = "tag:!bootd-ipxe,tag:bootd-arm64",
		[BOOT_BIOS] = ("tag:!bootd-ipxe,tag:!bootd-efi64,"
		    "tag:!bootd-arm64"),
	};
	const char	*t, *next = pl->cfg->dhcp.next_server;
	int		 b;

	for (b = 0; b < BOOT_MAX; b++) {
		if (rs->file[b][0] == '\0' || (b == BOOT_IPXE && rs->no_ipxe))
			continue;
		t = tags[b];
		/* Without an iPXE rule iPXE takes the others: drop the test. */
		if (rs->no_ipxe && b != BOOT_IPXE)
			t += strlen("tag:!bootd-ipxe,");
		strbuf_printf(sb, "dhcp-boot=%s%s,%s", pfx, t, rs->file[b]);
		if (next[0] != '\0')
			strbuf_printf(sb, ",,%s", next);
		strbuf_puts(sb, "\n");
	}
}

/*
 * Tags: bootd-net<N> per subnet (1-based, config order), bootd-ipxe,
 * bootd-efi64, bootd-arm64 per rule, bootd-p-<name> on the hosts of a
 * profile with overrides (set by their dhcp-host lines) and bootd-own on
 * all of those. dhcp-boot lines carry exclusive tag sets, so their order
 * does not matter to dnsmasq: the config's lines skip bootd-own.
 */
static void
dnsmasq_boot(struct strbuf *sb, const struct plan *pl)
{
	char	 pfx[INV_NAME_MAX + 16];
	size_t	 k;
	int	 ipxe = !pl->rules.no_ipxe;

	for (k = 0; k < pl->nprules; k++)
		ipxe |= !pl->prules[k].no_ipxe;
	strbuf_puts(sb, "\n# Boot file by client architecture (option 93, RFC "
	    "4578); iPXE by its user class.\n");
	if (ipxe)
		strbuf_puts(sb, "dhcp-userclass=set:bootd-ipxe,iPXE\n");
	arch_tests(sb, BOOT_EFI64, ARCH_DNSMASQ);
	arch_tests(sb, BOOT_ARM64, ARCH_DNSMASQ);
	dnsmasq_rules(sb, pl, &pl->rules, pl->nprules > 0 ?
	    "tag:!bootd-own," : "");
	for (k = 0; k < pl->nprules; k++) {
		strbuf_printf(sb, "# Boot files of profile "
		    "\"%s\".\ntag-if=set:bootd-own,tag:bootd-p-%s\n",
		    pl->prules[k].profile->name, pl->prules[k].profile->name);
		snprintf(pfx, sizeof(pfx), "tag:bootd-p-%s,",
		    pl->prules[k].profile->name);
		dnsmasq_rules(sb, pl, &pl->prules[k], pfx);
	}
}

static void
dnsmasq_render(struct strbuf *sb, const struct plan *pl)
{
	const struct bootd_config	*cfg = pl->cfg;
	const struct config_subnet	*s;
	const struct inv_host		*h;
	size_t				 i;
	int				 j, k;

	header_comment(sb, pl);
	strbuf_puts(sb, "\n# Subnets: reservations only (\"static\").\n");
	for (j = 0; j < cfg->dhcp.nsubnets; j++) {
		s = &cfg->dhcp.subnets[j];
		strbuf_printf(sb, "dhcp-range=set:bootd-net%d,", j + 1);
		put_ip(sb, s->net);
		strbuf_puts(sb, ",static,");
		put_ip(sb, addr_prefix_mask(s->prefix));
		strbuf_printf(sb, ",%d\n", s->lease_time);
		if (s->router[0] != '\0')
			strbuf_printf(sb, "dhcp-option=tag:bootd-net%d,option:"
			    "router,%s\n", j + 1, s->router);
		if (s->dns.n > 0) {
			strbuf_printf(sb, "dhcp-option=tag:bootd-net%d,option:"
			    "dns-server", j + 1);
			for (k = 0; k < s->dns.n; k++)
				strbuf_printf(sb, ",%s", s->dns.items[k]);
			strbuf_puts(sb, "\n");
		}
		if (s->domain[0] != '\0')
			strbuf_printf(sb, "dhcp-option=tag:bootd-net%d,option:"
			    "domain-name,%s\n", j + 1, s->domain);
	}
	dnsmasq_boot(sb, pl);
	strbuf_puts(sb, "\n# Hosts.\n");
	for (i = 0; i < pl->snap->nhosts; i++) {
		if (pl->subnet[i] < 0)
			continue;
		h = &pl->snap->hosts[i];
		if (dnsmasq_name_ambiguous(h->hostname))
			strbuf_printf(sb, "# %s: dnsmasq would read this name "
			    "as a lease time, keyword or address; no name "
			    "given\n",
			    h->hostname);
		strbuf_printf(sb, "dhcp-host=%s,", h->macstr);
		if (pl->hrules[i] >= 0)
			strbuf_printf(sb, "set:bootd-p-%s,", h->profile->name);
		strbuf_puts(sb, h->ipstr);
		if (!dnsmasq_name_ambiguous(h->hostname))
			strbuf_printf(sb, ",%s", h->hostname);
		strbuf_puts(sb, "\n");
	}
}

int
dhcpgen_format_parse(const char *name)
{
	int f;

	for (f = 0; f < DHCPGEN_FMT_MAX; f++)
		if (strcmp(name, dhcpgen_format_names[f]) == 0)
			return f;
	return -1;
}

int
dhcpgen_render(const struct inv_snapshot *snap,
    const struct bootd_config *cfg, enum dhcpgen_format fmt, char **out,
    size_t *len, char *err, size_t errlen)
{
	struct plan	pl;
	struct strbuf	sb;
	int		rc = -1;

	*out = NULL;
	*len = 0;
	if ((int)fmt < 0 || fmt >= DHCPGEN_FMT_MAX)
		return errbuf_set(err, errlen, "unknown format %d", (int)fmt);
	memset(&pl, 0, sizeof(pl));
	pl.cfg = cfg;
	pl.snap = snap;
	pl.fmt = fmt;
	if (plan_make(&pl, err, errlen) == -1)
		goto done;
	strbuf_init(&sb, STRBUF_NOMAX);
	switch (fmt) {
	case DHCPGEN_ISC:
		isc_render(&sb, &pl);
		break;
	case DHCPGEN_KEA:
		kea_render(&sb, &pl);
		break;
	case DHCPGEN_DNSMASQ:
		dnsmasq_render(&sb, &pl);
		break;
	case DHCPGEN_FMT_MAX:
		break;
	}
	if ((*out = strbuf_take(&sb, len)) == NULL) {
		errbuf_set(err, errlen, "%s", strerror(ENOMEM));
		goto done;
	}
	rc = 0;
done:
	free(pl.subnet);
	free(pl.hrules);
	free(pl.prules);
	return rc;
}
