/* SPDX-License-Identifier: ISC */
/*
 * test_dhcpgen: each format of a small snapshot against its golden file
 * (tests/golden/dhcpgen-*.ok), which hosts go in, order, determinism, the
 * boot-file rules, and every config string that must be refused or escaped.
 * BOOTD_GOLDEN_WRITE=1 rewrites the golden files instead of comparing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "inv_rows_add.h"
#include "dhcpgen/dhcpgen.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define FMT(f)		(1 << (f))
#define ISC		FMT(DHCPGEN_ISC)
#define KEA		FMT(DHCPGEN_KEA)
#define DNSMASQ		FMT(DHCPGEN_DNSMASQ)
#define ALL		(ISC | KEA | DNSMASQ)
#define LONG10		"aaaaaaaaaa"
#define LONG100		LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 \
			LONG10 LONG10 LONG10

/* The golden config: its http group, and its dhcp group left open. */
#define CFG_HTTP	"http = { listen = \"10.213.0.2\"; port = 8080; };\n"
#define CFG_DHCP \
	"dhcp = { next_server = \"10.213.0.2\";\n" \
	"  subnets = ( { network = \"10.213.0.0/24\"; router = " \
	"\"10.213.0.1\";\n" \
	"      dns = [ \"10.213.0.1\", \"10.213.0.3\" ]; domain = " \
	"\"demo.test\";\n" \
	"      lease_time = 3600; },\n" \
	"    { network = \"10.213.1.0/24\"; } );\n"


static void
host_p(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip, const char *enabled, const char *profile)
{
	add(rows, INV_T_HOSTS, name, mac, ip, profile, enabled, "0",
	    (const char *)NULL, (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, "2024-05-01 12:00:00");
}

static void
host(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip, const char *enabled)
{
	host_p(rows, name, mac, ip, enabled, "p1");
}

/* A profile with boot file overrides bios, efi64, arm64 and ipxe. */
static void
boot_profile(struct inv_rows *rows, const char *name, const char *bios,
    const char *efi64, const char *arm64, const char *ipxe)
{
	add(rows, INV_T_PROFILES, name, "local", (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, "0", bios, efi64, arm64, ipxe,
	    (const char *)NULL);
}

/*
 * Profiles with boot file overrides: "shim" (efi64 and an iPXE URL with
 * placeholders) for uefi01 and uefi02 (second subnet), "old" (bios only,
 * arm64 '') for bios01, and "unused", whose only host is disabled.
 */
static void
add_overrides(struct inv_rows *rows)
{
	boot_profile(rows, "shim", NULL, "efi/shimx64.efi", NULL,
	    "http://boot.test/{{hostname}}.ipxe?mac={{mac}}");
	boot_profile(rows, "old", "lpxelinux.0", NULL, "", NULL);
	boot_profile(rows, "unused", NULL, "unused.efi", NULL, NULL);
	host_p(rows, "uefi01", "52:54:00:00:03:01", "10.213.0.21", "1",
	    "shim");
	host_p(rows, "uefi02", "52:54:00:00:03:02", "10.213.1.22", "1",
	    "shim");
	host_p(rows, "bios01", "52:54:00:00:03:03", "10.213.0.23", "1", "old");
	host_p(rows, "off02", "52:54:00:00:03:04", "10.213.0.24", "0",
	    "unused");
}

/*
 * The golden inventory: node01 and node02 (given out of order), a disabled
 * host, one outside every subnet, one in the second subnet, and "5h", a
 * name dnsmasq would read as a lease time. reverse adds the hosts in the
 * opposite order; with_var adds a host_var (not shown by any map);
 * overrides adds add_overrides().
 */
static struct inv_snapshot *
snapshot_x(int reverse, int with_var, int overrides)
{
	static const char *const h[][4] = {
		{ "node02", "52:54:00:00:01:02", "10.213.0.12", "1" },
		{ "node01", "52:54:00:00:01:01", "10.213.0.11", "1" },
		{ "off01", "52:54:00:00:01:09", "10.213.0.19", "0" },
		{ "far01", "52:54:00:00:09:01", "10.99.0.1", "1" },
		{ "web7.b", "52:54:00:00:02:07", "10.213.1.7", "1" },
		{ "5h", "52:54:00:00:01:05", "10.213.0.15", "1" },
	};
	struct inv_rows		*rows;
	struct inv_snapshot	*snap;
	size_t			 i, k;

	rows = inv_rows_new(7);
	assert_non_null(rows);
	add(rows, INV_T_PROFILES, "p1", "diskless", "vmlinuz", "initrd.img",
	    "ip={{ip}}", (const char *)NULL, (const char *)NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	for (k = 0; k < NITEMS(h); k++) {
		i = reverse ? NITEMS(h) - 1 - k : k;
		host(rows, h[i][0], h[i][1], h[i][2], h[i][3]);
	}
	if (with_var)
		add(rows, INV_T_VARS, "node01", "rack", "r12");
	if (overrides)
		add_overrides(rows);
	snap = inv_build(rows);
	assert_non_null(snap);
	assert_int_equal(snap->nrejects, 0);
	inv_rows_free(rows);
	return snap;
}

static struct inv_snapshot *
snapshot(int reverse, int with_var)
{
	return snapshot_x(reverse, with_var, 0);
}

/*
 * The golden config with dhcp_extra added to its dhcp group, and http
 * (NULL: the golden one) as the http group.
 */
static struct bootd_config *
cfg_with(const char *dhcp_extra, const char *http)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], *text;

	assert_true(asprintf(&text, "%s%s%s};\n", http != NULL ? http :
	    CFG_HTTP, CFG_DHCP, dhcp_extra) > 0);
	cfg = config_load_string(text, "test.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s\n%s", err, text);
	free(text);
	return cfg;
}

static struct bootd_config *
config(void)
{
	return cfg_with("", NULL);
}

static char *
render_ok(const struct inv_snapshot *snap, const struct bootd_config *cfg,
    enum dhcpgen_format fmt)
{
	char	 err[256], *out;
	size_t	 len;

	if (dhcpgen_render(snap, cfg, fmt, &out, &len, err, sizeof(err)) != 0)
		fail_msg("%s: %s", dhcpgen_format_names[fmt], err);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

/* Renders and expects a refusal whose text holds want. */
static void
render_refused(const struct inv_snapshot *snap,
    const struct bootd_config *cfg, enum dhcpgen_format fmt, const char *want)
{
	char	 err[256], *out = (char *)1;
	size_t	 len = 1;

	err[0] = '\0';
	if (dhcpgen_render(snap, cfg, fmt, &out, &len, err, sizeof(err)) !=
	    -1)
		fail_msg("%s: not refused (want \"%s\"):\n%s",
		    dhcpgen_format_names[fmt], want, out);
	assert_null(out);
	assert_int_equal(len, 0);
	if (strstr(err, want) == NULL)
		fail_msg("%s: error \"%s\" does not say \"%s\"",
		    dhcpgen_format_names[fmt], err, want);
}

static char *
slurp(const char *path)
{
	FILE	*fp, *out;
	char	*buf = NULL, chunk[4096];
	size_t	 len = 0, n;

	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(fp);
	fclose(out);
	return buf;
}

/*
 * tests/golden/dhcpgen-<name><fmt>.ok is exactly what snap renders in
 * every format.
 */
static void
golden(const struct inv_snapshot *snap, const struct bootd_config *cfg,
    const char *name)
{
	const char		*src = getenv("BOOTD_SRC");
	char			*path, *got, *want;
	FILE			*fp;
	int			 f;

	if (src == NULL)
		fail_msg("BOOTD_SRC is not set (run under ctest)");
	for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
		assert_true(asprintf(&path, "%s/tests/golden/dhcpgen-%s%s.ok",
		    src, name, dhcpgen_format_names[f]) > 0);
		got = render_ok(snap, cfg, f);
		if (getenv("BOOTD_GOLDEN_WRITE") != NULL) {
			assert_non_null(fp = fopen(path, "w"));
			fputs(got, fp);
			assert_int_equal(fclose(fp), 0);
		}
		want = slurp(path);
		if (strcmp(got, want) != 0)
			fail_msg("%s differs; got:\n%s", path, got);
		free(want);
		free(got);
		free(path);
	}
}

/*
 * The golden set, and with profiles that override boot files: ISC gets a
 * chain in each of their hosts' blocks, Kea classes by MAC, dnsmasq tags
 * set by dhcp-host (tests/integration/80-dhcpgen.sh has the real servers
 * check and serve such overrides).
 */
static void
test_golden(void **state)
{
	struct bootd_config	*cfg = config();
	struct inv_snapshot	*snap;
	int			 o;

	for (o = 0; o < 2; o++) {
		snap = snapshot_x(0, 0, o);
		golden(snap, cfg, o ? "overrides-" : "");
		inv_unref(snap);
	}
	config_free(cfg);
}

/* Only enabled hosts inside a subnet get a reservation, in name order. */
static void
test_hosts(void **state)
{
	static const char *const mac_of[DHCPGEN_FMT_MAX] = {
		[DHCPGEN_ISC] = "hardware ethernet 52:54:00:00:01:01;",
		[DHCPGEN_KEA] = "\"hw-address\": \"52:54:00:00:01:01\"",
		[DHCPGEN_DNSMASQ] = "dhcp-host=52:54:00:00:01:01,",
	};
	struct inv_snapshot	*snap = snapshot(0, 0);
	struct bootd_config	*cfg = config();
	char			*out, *a, *b;
	int			 f;

	(void)state;
	for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
		out = render_ok(snap, cfg, f);
		/* Disabled: nowhere, not even in a comment. */
		assert_null(strstr(out, "off01"));
		assert_null(strstr(out, "52:54:00:00:01:09"));
		/* Outside the subnets: named as left out, not reserved. */
		assert_non_null(strstr(out, "Left out, outside every "
		    "dhcp.subnets entry: 1 enabled host: far01 (10.99.0.1)."));
		assert_null(strstr(out, "52:54:00:00:09:01"));
		assert_non_null(strstr(out, mac_of[f]));
		assert_non_null(strstr(out, "52:54:00:00:02:07"));
		assert_non_null(strstr(out, "4 hosts in 2 subnets"));
		a = strstr(out, "52:54:00:00:01:01");
		b = strstr(out, "52:54:00:00:01:02");
		assert_non_null(a);
		assert_non_null(b);
		assert_true(a < b);		/* node01 before node02 */
		free(out);
	}
	config_free(cfg);
	inv_unref(snap);
}

/*
 * The same inventory in another row order, or with a change no map shows
 * (a host_var), gives the same bytes: this is what keeps the daemon from
 * rewriting the file and reloading the server for nothing.
 */
static void
test_deterministic(void **state)
{
	struct inv_snapshot	*s1 = snapshot(0, 0);
	struct inv_snapshot	*s2 = snapshot(1, 0);
	struct inv_snapshot	*s3 = snapshot(0, 1);
	struct bootd_config	*cfg = config();
	char			*a, *b, *c, *d;
	int			 f;

	(void)state;
	for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
		a = render_ok(s1, cfg, f);
		b = render_ok(s2, cfg, f);
		c = render_ok(s3, cfg, f);
		d = render_ok(s1, cfg, f);
		assert_string_equal(a, b);
		assert_string_equal(a, c);
		assert_string_equal(a, d);
		free(a);
		free(b);
		free(c);
		free(d);
	}
	config_free(cfg);
	inv_unref(s1);
	inv_unref(s2);
	inv_unref(s3);
}

/* dnsmasq reads "5h" as a lease time: the line goes without the name. */
static void
test_dnsmasq_ambiguous_names(void **state)
{
	struct inv_snapshot	*snap = snapshot(0, 0);
	struct bootd_config	*cfg = config();
	char			*out;

	(void)state;
	out = render_ok(snap, cfg, DHCPGEN_DNSMASQ);
	assert_non_null(strstr(out, "\ndhcp-host=52:54:00:00:01:05,"
	    "10.213.0.15\n"));
	assert_null(strstr(out, "10.213.0.15,5h"));
	assert_non_null(strstr(out, "dhcp-host=52:54:00:00:01:01,10.213.0.11,"
	    "node01\n"));
	free(out);
	out = render_ok(snap, cfg, DHCPGEN_ISC);
	assert_non_null(strstr(out, "host 5h {"));
	free(out);
	config_free(cfg);
	inv_unref(snap);
}

/* The iPXE rule: placeholders, bootd's own URL, or none at all. */
static void
test_ipxe(void **state)
{
	struct inv_snapshot	*snap = snapshot(0, 0);
	struct bootd_config	*cfg;
	char			*out;
	int			 f;

	(void)state;
	cfg = cfg_with("bootfile = { ipxe = \"http://b/{{mac}}/{{hostname}}"
	    "?ip={{ip}}&x={{other}}\"; };\n", NULL);
	out = render_ok(snap, cfg, DHCPGEN_ISC);
	assert_non_null(strstr(out, "filename \"http://b/${mac}/${hostname}"
	    "?ip=${ip}&x={{other}}\";"));
	free(out);
	config_free(cfg);

	cfg = cfg_with("", "http = { public_url = \"https://boot.example/"
	    "x//\"; };\n");
	out = render_ok(snap, cfg, DHCPGEN_DNSMASQ);
	assert_non_null(strstr(out, "dhcp-boot=tag:bootd-ipxe,"
	    "https://boot.example/x/ipxe/${mac},,10.213.0.2\n"));
	free(out);
	config_free(cfg);

	/* No address bootd could be reached at, or HTTP off: no rule. */
	cfg = cfg_with("", "http = { listen = \"0.0.0.0\"; };\n");
	out = render_ok(snap, cfg, DHCPGEN_ISC);
	assert_non_null(strstr(out, "http://10.213.0.2:80/ipxe/${mac}"));
	free(out);
	config_free(cfg);
	cfg = cfg_with("", "http = { enabled = false; };\n");
	for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
		out = render_ok(snap, cfg, f);
		assert_null(strstr(out, "iPXE\""));
		assert_null(strstr(out, "bootd-ipxe"));
		assert_null(strstr(out, "/ipxe/"));
		assert_non_null(strstr(out, "No iPXE rule"));
		free(out);
	}
	config_free(cfg);
	inv_unref(snap);
}

/*
 * Without a config iPXE rule (HTTP off), a profile's bootfile_ipxe still
 * makes one for its own hosts, and only theirs: the config's rules keep
 * sending iPXE clients the loader, as bootd's DHCP would not (it always
 * has a script URL), but as this map did before.
 */
static void
test_overrides_no_ipxe(void **state)
{
	static const char *const want[DHCPGEN_FMT_MAX][3] = {
		[DHCPGEN_ISC] = {
		    "\nif option pxe-system-type = 00:07 or",
		    "\tif exists user-class and option user-class = \"iPXE\" "
		    "{\n\t\tfilename \"http://boot.test/${hostname}.ipxe?mac="
		    "${mac}\";\n",
		    "profile \"old\".\n\tif option pxe-system-type = 00:07" },
		[DHCPGEN_KEA] = {
		    "\"name\": \"bootd-efi64\", \"test\": \"not member("
		    "'bootd-own') and (option[93]",
		    "\"name\": \"bootd-p-shim/ipxe\"",
		    "\"name\": \"bootd-p-shim/efi64\", \"test\": \"member("
		    "'bootd-p-shim') and not member('bootd-p-shim/ipxe')" },
		[DHCPGEN_DNSMASQ] = {
		    "dhcp-userclass=set:bootd-ipxe,iPXE\n",
		    "dhcp-boot=tag:!bootd-own,tag:bootd-efi64,grubx64.efi,",
		    "dhcp-boot=tag:bootd-p-shim,tag:!bootd-ipxe,"
		    "tag:bootd-efi64,efi/shimx64.efi," },
	};
	struct inv_snapshot	*snap = snapshot_x(0, 0, 1);
	struct bootd_config	*cfg;
	char			*out;
	int			 f, i;

	(void)state;
	cfg = cfg_with("", "http = { enabled = false; };\n");
	for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
		out = render_ok(snap, cfg, f);
		for (i = 0; i < 3; i++)
			if (want[f][i] != NULL && strstr(out, want[f][i]) ==
			    NULL)
				fail_msg("%s: no \"%s\" in:\n%s",
				    dhcpgen_format_names[f], want[f][i], out);
		assert_non_null(strstr(out, "No iPXE rule"));
		free(out);
	}
	config_free(cfg);
	inv_unref(snap);
}

/* An empty boot file keeps its rule, so those clients get no BIOS file. */
static void
test_empty_bootfile(void **state)
{
	struct inv_snapshot	*snap = snapshot(0, 0);
	struct bootd_config	*cfg;
	char			*out;

	(void)state;
	cfg = cfg_with("bootfile = { arm64 = \"\"; };\n", NULL);
	out = render_ok(snap, cfg, DHCPGEN_ISC);
	assert_non_null(strstr(out, "} elsif option pxe-system-type = 00:0b "
	    "{\n} else {\n\tfilename \"pxelinux.0\";\n}"));
	free(out);
	out = render_ok(snap, cfg, DHCPGEN_DNSMASQ);
	assert_null(strstr(out, "tag:bootd-arm64,"));
	assert_non_null(strstr(out, "tag:!bootd-arm64,pxelinux.0"));
	free(out);
	out = render_ok(snap, cfg, DHCPGEN_KEA);
	assert_non_null(strstr(out, "{ \"name\": \"bootd-arm64\", \"test\": "
	    "\"not member('bootd-ipxe') and (option[93].hex == 0x000b)\" }"));
	free(out);
	config_free(cfg);
	inv_unref(snap);
}

/* A config string each format cannot carry is refused, naming it. */
static void
test_refused(void **state)
{
	static const struct {
		const char	*dhcp;		/* added to the dhcp group */
		const char	*other;
		int		 fmts;		/* refused by: FMT() bits */
		const char	*want;
	} cases[] = {
		{ "bootfile = { bios = \"pxe linux.0\"; };", "", ALL,
		    "dhcp.bootfile.bios \"pxe linux.0\": only printable ASCII "
		    "without spaces" },
		{ "bootfile = { efi64 = \"a\\tb\"; };", "", ALL,
		    "dhcp.bootfile.efi64" },
		{ "bootfile = { arm64 = \"gr\\xc3\\xbcb.efi\"; };", "", ALL,
		    "dhcp.bootfile.arm64" },
		{ "bootfile = { bios = \"" "0123456789012345678901234567890"
		    "12345678901234567890123456789012345678901234567890123456"
		    "789012345678901234567890123456789012345678\"; };", "", ALL,
		    "longer than 127 bytes" },
		{ "bootfile = { bios = \"a\\\"b\"; };", "", ISC | DNSMASQ,
		    "'\"' cannot be written safely in a file for " },
		{ "bootfile = { bios = \"a\\\\b\"; };", "", ISC | DNSMASQ,
		    "'\\' cannot be written safely in a file for " },
		{ "bootfile = { bios = \"a,b\"; };", "", DNSMASQ,
		    "',' cannot be written safely in a file for dnsmasq" },
		{ "bootfile = { efi64 = \"a#b\"; };", "", DNSMASQ,
		    "dhcp.bootfile.efi64 \"a#b\": '#' cannot" },
		{ "bootfile = { bios = \"tag:x\"; };", "", DNSMASQ,
		    "dnsmasq would read the start as a tag" },
		{ "bootfile = { ipxe = \"http://x/\\\"{{mac}}\"; };", "",
		    ISC | DNSMASQ, "dhcp.bootfile.ipxe" },
		{ "", "http = { public_url = \"http://" LONG100 LONG10 LONG10
		    "\"; };\n",
		    ALL, "dhcp.bootfile.ipxe \"http://aaaa" },
		{ "", "http = { public_url = \"http://x/a,b\"; };\n",
		    DNSMASQ, "dhcp.bootfile.ipxe \"http://x/a,b/ipxe/"
		    "${mac}\": ','" },
	};
	struct inv_snapshot	*snap = snapshot(0, 0);
	struct bootd_config	*cfg;
	size_t			 i;
	int			 f;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		cfg = cfg_with(cases[i].dhcp, cases[i].other[0] != '\0' ?
		    cases[i].other : NULL);
		for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
			if (cases[i].fmts & FMT(f))
				render_refused(snap, cfg, f, cases[i].want);
			else
				free(render_ok(snap, cfg, f));
		}
		config_free(cfg);
	}
	inv_unref(snap);
}

/* Kea escapes what the others refuse. */
static void
test_kea_escapes(void **state)
{
	struct inv_snapshot	*snap = snapshot(0, 0);
	struct bootd_config	*cfg;
	char			*out;

	(void)state;
	cfg = cfg_with("bootfile = { bios = \"a\\\"b\\\\c,d#e\"; };", NULL);
	out = render_ok(snap, cfg, DHCPGEN_KEA);
	assert_non_null(strstr(out, "\"boot-file-name\": \"a\\\"b\\\\c,d#e\""));
	free(out);
	config_free(cfg);
	inv_unref(snap);
}

/* Subnets: domains must be DNS names; Kea needs an id; none at all. */
static void
test_subnets_refused(void **state)
{
	static const struct {
		const char	*subnets;
		int		 fmts;
		const char	*want;
	} cases[] = {
		{ "( { network = \"10.213.0.0/24\"; domain = \"bad_name\"; } )",
		    ALL, "dhcp.subnets[0].domain \"bad_name\": not a domain" },
		{ "( { network = \"10.1.0.0/24\"; }, { network = "
		    "\"10.213.0.0/24\"; domain = \"a..b\"; } )", ALL,
		    "dhcp.subnets[1].domain \"a..b\"" },
		{ "( { network = \"10.213.0.0/24\"; domain = \"x\\\";\"; } )",
		    ALL, "dhcp.subnets[0].domain" },
		{ "( { network = \"10.213.0.0/24\"; domain = \"-a.b\"; } )",
		    ALL, "not a domain name" },
		{ "( { network = \"0.0.0.0/8\"; } )", KEA,
		    "dhcp.subnets[0] 0.0.0.0/8: no Kea subnet id" },
		{ "( )", ALL, "dhcp.subnets is empty" },
	};
	struct inv_snapshot	*snap = snapshot(0, 0);
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], *text;
	size_t			 i;
	int			 f;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		assert_true(asprintf(&text, "dhcp = { subnets = %s; };",
		    cases[i].subnets) > 0);
		cfg = config_load_string(text, "t.conf", err, sizeof(err));
		if (cfg == NULL)
			fail_msg("%s: %s", text, err);
		for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
			if (cases[i].fmts & FMT(f))
				render_refused(snap, cfg, f, cases[i].want);
			else
				free(render_ok(snap, cfg, f));
		}
		config_free(cfg);
		free(text);
	}
	inv_unref(snap);
}

static void
test_format_parse(void **state)
{
	(void)state;
	assert_int_equal(dhcpgen_format_parse("isc"), DHCPGEN_ISC);
	assert_int_equal(dhcpgen_format_parse("kea"), DHCPGEN_KEA);
	assert_int_equal(dhcpgen_format_parse("dnsmasq"), DHCPGEN_DNSMASQ);
	assert_int_equal(dhcpgen_format_parse(""), -1);
	assert_int_equal(dhcpgen_format_parse("ISC"), -1);
	assert_int_equal(dhcpgen_format_parse("isc "), -1);
}

/* A thousand hosts: every one reserved, in order, in every format. */
static void
test_many_hosts(void **state)
{
	struct inv_rows		*rows;
	struct inv_snapshot	*snap;
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], name[32], mac[32], ip[32];
	char			*out, *p;
	int			 i, f, n;

	(void)state;
	assert_non_null(rows = inv_rows_new(1));
	add(rows, INV_T_PROFILES, "p1", "local", (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	for (i = 1000; i >= 1; i--) {
		snprintf(name, sizeof(name), "n%04d", i);
		snprintf(mac, sizeof(mac), "02:00:00:00:%02x:%02x", i >> 8,
		    i & 255);
		snprintf(ip, sizeof(ip), "10.213.%d.%d", i >> 8, i & 255);
		host(rows, name, mac, ip, "1");
	}
	assert_non_null(snap = inv_build(rows));
	inv_rows_free(rows);
	cfg = config_load_string("dhcp = { subnets = ( { network = "
	    "\"10.213.0.0/16\"; } ); };", "t", err, sizeof(err));
	assert_non_null(cfg);
	for (f = 0; f < DHCPGEN_FMT_MAX; f++) {
		out = render_ok(snap, cfg, f);
		for (n = 0, p = out; (p = strstr(p, "02:00:00:00:")) != NULL;
		    p++)
			n++;
		assert_int_equal(n, 1000);
		assert_true(strstr(out, "n0001") < strstr(out, "n0002"));
		assert_true(strstr(out, "n0999") < strstr(out, "n1000"));
		free(out);
	}
	config_free(cfg);
	inv_unref(snap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_dnsmasq_ambiguous_names),
		cmocka_unit_test(test_ipxe),
		cmocka_unit_test(test_overrides_no_ipxe),
		cmocka_unit_test(test_empty_bootfile),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_kea_escapes),
		cmocka_unit_test(test_subnets_refused),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_many_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
