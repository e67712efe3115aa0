/* SPDX-License-Identifier: ISC */
/*
 * test_inventory: row validation (every reject reason, exact text), the
 * snapshot's indexes, guests, host_vars, refcounting and a 100k-host build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bootd/addr.h"
#include "db/inventory.h"
#include "kickstart/ks_vars.h"
#include "inv_rows_add.h"

#define GOOD_MAC	"52:54:00:00:00:01"
#define GOOD_IP		"10.0.0.1"


static void
profile(struct inv_rows *rows, const char *name, const char *kind)
{
	add(rows, INV_T_PROFILES, name, kind, "vmlinuz", "initrd.img",
	    "ks={{ks_url}}", "rocky.ks", (const char *)NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
}

/* hostname, mac, ip, profile, enabled, build, dom0, vdisk, mem, vcpus */
static void
hostx(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip, const char *prof, const char *enabled, const char *build,
    const char *dom0, const char *vdisk, const char *mem, const char *vcpus)
{
	add(rows, INV_T_HOSTS, name, mac, ip, prof, enabled, build, dom0,
	    vdisk, mem, vcpus, "2024-05-01 12:00:00");
}

static void
host(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip)
{
	hostx(rows, name, mac, ip, "rocky9", "1", "0", NULL, NULL, NULL, NULL);
}

static void
guest(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip, const char *dom0, const char *vdisk)
{
	hostx(rows, name, mac, ip, "rocky9", "1", "0", dom0, vdisk, "2048",
	    "2");
}

static void
var(struct inv_rows *rows, const char *h, const char *name, const char *v)
{
	add(rows, INV_T_VARS, h, name, v);
}

/* A set with profile "rocky9" and host "good" (row 1 of each table). */
static struct inv_rows *
base(void)
{
	struct inv_rows *rows;

	assert_non_null(rows = inv_rows_new(7));
	profile(rows, "rocky9", "install");
	host(rows, "good", GOOD_MAC, GOOD_IP);
	return rows;
}

static void
assert_good(const struct inv_snapshot *s)
{
	const uint8_t	 mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	const struct inv_host *h;

	assert_non_null(h = inv_by_name(s, "good"));
	assert_ptr_equal(inv_by_mac(s, mac), h);
	assert_ptr_equal(inv_by_ip(s, 0x0a000001), h);
	assert_string_equal(h->macstr, GOOD_MAC);
	assert_string_equal(h->ipstr, GOOD_IP);
	assert_non_null(h->profile);
	assert_string_equal(h->profile->name, "rocky9");
}

/*
 * Builds rows (freeing them), checks the rejects are exactly want[] in
 * order and that "good" still serves. Returns the snapshot.
 */
static struct inv_snapshot *
expect(struct inv_rows *rows, const char *const *want, size_t nwant)
{
	const struct inv_build_opts opts = { ks_vars_reserved };
	struct inv_snapshot *s;
	size_t		 i;

	assert_non_null(s = inv_build_with(rows, &opts));
	inv_rows_free(rows);
	for (i = 0; i < s->nrejects; i++)
		print_message("  reject: %s\n", s->rejects[i]);
	assert_int_equal(s->nrejects, nwant);
	for (i = 0; i < nwant; i++)
		assert_string_equal(s->rejects[i], want[i]);
	assert_good(s);
	return s;
}

#define EXPECT(rows, ...) do {						\
	static const char *const w_[] = { __VA_ARGS__ };		\
	inv_unref(expect((rows), w_, sizeof(w_) / sizeof(*w_)));	\
} while (0)

#define EXPECT_INTO(s, rows, ...) do {					\
	static const char *const w_[] = { __VA_ARGS__ };		\
	(s) = expect((rows), w_, sizeof(w_) / sizeof(*w_));		\
} while (0)

/* n copies of c, NUL-terminated, in buf. */
static const char *
rep(char *buf, int c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Raw rows
 */

static void
t_rows_api(void **state)
{
	const char	*c[3] = { "web1", "k\0v", NULL };
	const size_t	 l[3] = { 4, 3, 0 };
	struct inv_rows	*rows;
	const char	*s;
	size_t		 len;

	assert_non_null(rows = inv_rows_new(42));
	assert_int_equal(inv_rows_generation(rows), 42);
	inv_rows_set_generation(rows, 43);
	assert_int_equal(inv_rows_generation(rows), 43);
	assert_int_equal(inv_rows_add(rows, INV_T_VARS, c, l), 0);
	c[2] = "";
	assert_int_equal(inv_rows_add(rows, INV_T_VARS, c, NULL), 0);
	assert_int_equal(inv_rows_count(rows, INV_T_VARS), 2);
	assert_int_equal(inv_rows_count(rows, INV_T_HOSTS), 0);
	s = inv_rows_cell(rows, INV_T_VARS, 0, INV_V_NAME, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "k\0v", 4);
	assert_null(inv_rows_cell(rows, INV_T_VARS, 0, INV_V_VALUE, &len));
	assert_int_equal(len, 0);
	s = inv_rows_cell(rows, INV_T_VARS, 1, INV_V_VALUE, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_null(inv_rows_cell(rows, INV_T_VARS, 2, 0, NULL));
	assert_null(inv_rows_cell(rows, INV_T_VARS, 0, 3, NULL));
	assert_int_equal(inv_rows_reserve(rows, INV_T_HOSTS, 1000), 0);
	assert_int_equal(inv_rows_count(rows, INV_T_HOSTS), 0);
	inv_rows_free(rows);
	inv_rows_free(NULL);
}

static void
t_tables(void **state)
{
	assert_string_equal(inv_table_names[INV_T_HOSTS], "hosts");
	assert_string_equal(inv_table_names[INV_T_VARS], "host_vars");
	assert_int_equal(inv_ncols[INV_T_HOSTS], 11);
	assert_string_equal(inv_col_names[INV_T_HOSTS][INV_H_MEMORY_MB],
	    "memory_mb");
	assert_string_equal(inv_col_names[INV_T_PROFILES][INV_P_SELECTABLE],
	    "selectable");
	assert_string_equal(inv_col_names[INV_T_VARS][INV_V_VALUE], "value");
	assert_int_equal(inv_ncols[INV_T_PROFILES], 13);
	assert_string_equal(inv_col_names[INV_T_PROFILES][INV_P_BOOTFILE_BIOS],
	    "bootfile_bios");
	assert_string_equal(inv_col_names[INV_T_PROFILES][INV_P_BOOTFILE_IPXE],
	    "bootfile_ipxe");
	assert_string_equal(inv_boot_names[INV_BOOT_EFI64], "efi64");
	assert_string_equal(inv_kind_names[INV_KIND_DISKLESS], "diskless");
}

static void
t_empty(void **state)
{
	const uint8_t	 mac[6] = { 0 };
	struct inv_rows	*rows;
	struct inv_snapshot *s;

	assert_non_null(rows = inv_rows_new(0));
	assert_non_null(s = inv_build(rows));
	inv_rows_free(rows);
	assert_int_equal(s->nhosts + s->nprofiles + s->nrejects, 0);
	assert_null(inv_by_mac(s, mac));
	assert_null(inv_by_ip(s, 1));
	assert_null(inv_by_name(s, "x"));
	assert_null(inv_profile_by_name(s, "x"));
	inv_unref(s);
}

/*
 * Profiles
 */

static void
t_profile_missing_name(void **state)
{
	struct inv_rows *rows = base();

	profile(rows, NULL, "install");
	profile(rows, "", "install");
	EXPECT(rows, "profiles row 2: missing name",
	    "profiles row 3: missing name");
}

static void
t_profile_invalid_name(void **state)
{
	struct inv_rows *rows = base();

	profile(rows, "web server", "install");
	profile(rows, "a/b", "install");
	EXPECT(rows,
	    "profiles \"web server\": invalid name (allowed: A-Z a-z 0-9 . _ "
	    "-)",
	    "profiles \"a/b\": invalid name (allowed: A-Z a-z 0-9 . _ -)");
}

static void
t_profile_name_too_long(void **state)
{
	struct inv_rows *rows = base();
	char		 name[300], want[512];
	const char	*w[1] = { want };

	profile(rows, rep(name, 'p', 254), "install");
	profile(rows, rep(name, 'p', 253), "install");	/* the limit */
	snprintf(want, sizeof(want), "profiles \"%s...\": name longer than "
	    "253 bytes", rep(name, 'p', 64));
	inv_unref(expect(rows, w, 1));
}

static void
t_profile_bad_kind(void **state)
{
	struct inv_rows *rows = base();

	profile(rows, "p2", "pxe");
	profile(rows, "p3", NULL);
	profile(rows, "p4", "Install");
	EXPECT(rows,
	    "profiles \"p2\": invalid kind \"pxe\" (expected diskless, "
	    "install or local)",
	    "profiles \"p3\": missing kind",
	    "profiles \"p4\": invalid kind \"Install\" (expected diskless, "
	    "install or local)");
}

static void
t_profile_bad_selectable(void **state)
{
	struct inv_rows *rows = base();

	add(rows, INV_T_PROFILES, "p2", "local", NULL, NULL, NULL, NULL, NULL,
	    "yes",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "p3", "local", NULL, NULL, NULL, NULL, NULL,
	    "",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	EXPECT(rows, "profiles \"p2\": invalid selectable \"yes\" (expected "
	    "0 or 1)",
	    "profiles \"p3\": invalid selectable \"\" (expected 0 or 1)");
}

static void
t_profile_duplicate(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;

	profile(rows, "dup", "install");
	profile(rows, "dup", "local");
	hostx(rows, "uses-dup", "52:54:00:00:00:02", "10.0.0.2", "dup", NULL,
	    NULL, NULL, NULL, NULL, NULL);
	EXPECT_INTO(s, rows, "profiles \"dup\": duplicate name (also row 3)",
	    "profiles \"dup\": duplicate name (also row 2)",
	    "hosts \"uses-dup\": unknown profile \"dup\"");
	assert_null(inv_profile_by_name(s, "dup"));
	assert_int_equal(s->nprofiles, 1);
	inv_unref(s);
}

static void
t_profile_nul_byte(void **state)
{
	struct inv_rows *rows = base();
	const char	*c[INV_P_NCOLS] = { "p2", "install", "vmlinuz\0x",
	    NULL, NULL, NULL, NULL, NULL };
	size_t		 l[INV_P_NCOLS] = { 2, 7, 9, 0, 0, 0, 0, 0 };

	assert_int_equal(inv_rows_add(rows, INV_T_PROFILES, c, l), 0);
	EXPECT(rows, "profiles \"p2\": NUL byte in kernel");
}

static void
t_profile_cell_too_long(void **state)
{
	struct inv_rows *rows = base();
	char		*big;

	assert_non_null(big = malloc(INV_VALUE_MAX + 2));
	memset(big, 'x', INV_VALUE_MAX + 1);
	big[INV_VALUE_MAX + 1] = '\0';
	add(rows, INV_T_PROFILES, "p2", "install", NULL, NULL, big, NULL,
	    NULL, NULL,
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	big[INV_VALUE_MAX] = '\0';		/* exactly the limit */
	add(rows, INV_T_PROFILES, "p3", "install", NULL, NULL, big, NULL,
	    NULL, NULL,
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	free(big);
	EXPECT(rows, "profiles \"p2\": append longer than 65536 bytes");
}

static void
t_profile_fields(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_profile *p;

	add(rows, INV_T_PROFILES, "local", "local", NULL, NULL, NULL, NULL,
	    NULL, NULL,
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "alpine", "diskless", "k", "i", "a", "ks",
	    "Alpine (RAM)", "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "empty-label", "local", NULL, NULL, NULL,
	    NULL, "", "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	s = expect(rows, NULL, 0);
	assert_int_equal(s->nprofiles, 4);
	assert_string_equal(s->profiles[0].name, "alpine");
	assert_string_equal(s->profiles[1].name, "empty-label");
	assert_string_equal(s->profiles[2].name, "local");
	assert_string_equal(s->profiles[3].name, "rocky9");
	assert_non_null(p = inv_profile_by_name(s, "local"));
	assert_int_equal(p->kind, INV_KIND_LOCAL);
	assert_string_equal(p->kernel, "");
	assert_string_equal(p->kickstart, "");
	assert_string_equal(p->menu_label, "local");
	assert_int_equal(p->selectable, 0);
	assert_non_null(p = inv_profile_by_name(s, "alpine"));
	assert_int_equal(p->kind, INV_KIND_DISKLESS);
	assert_string_equal(p->menu_label, "Alpine (RAM)");
	assert_string_equal(p->append, "a");
	assert_non_null(p = inv_profile_by_name(s, "empty-label"));
	assert_string_equal(p->menu_label, "empty-label");
	assert_int_equal(p->selectable, 1);
	assert_null(inv_profile_by_name(s, "Local"));
	inv_unref(s);
}

/* A local-boot profile with boot file overrides bios, efi64, arm64, ipxe. */
static void
pboot(struct inv_rows *rows, const char *name, const char *bios,
    const char *efi64, const char *arm64, const char *ipxe)
{
	add(rows, INV_T_PROFILES, name, "local", (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, "0", bios, efi64, arm64, ipxe,
	    (const char *)NULL);
}

static void
t_profile_bootfiles(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_profile *p;
	char		 max[INV_BOOTFILE_MAX + 1];

	memset(max, 'f', INV_BOOTFILE_MAX);
	max[INV_BOOTFILE_MAX] = '\0';
	pboot(rows, "shim", NULL, "shimx64.efi", "", NULL);
	pboot(rows, "ipxe", "undionly.kpxe", NULL, "grubaa64.efi",
	    "http://boot/{{hostname}}/{{mac}}?ip={{ip}}&x={{other}}");
	pboot(rows, "longest", max, max, max, max);
	s = expect(rows, NULL, 0);
	assert_non_null(p = inv_profile_by_name(s, "shim"));
	assert_string_equal(p->bootfile[INV_BOOT_BIOS], "");
	assert_string_equal(p->bootfile[INV_BOOT_EFI64], "shimx64.efi");
	assert_string_equal(p->bootfile[INV_BOOT_ARM64], "");
	assert_string_equal(p->bootfile[INV_BOOT_IPXE], "");
	assert_non_null(p = inv_profile_by_name(s, "ipxe"));
	assert_string_equal(p->bootfile[INV_BOOT_BIOS], "undionly.kpxe");
	assert_string_equal(p->bootfile[INV_BOOT_IPXE],
	    "http://boot/{{hostname}}/{{mac}}?ip={{ip}}&x={{other}}");
	assert_non_null(p = inv_profile_by_name(s, "rocky9"));
	assert_string_equal(p->bootfile[INV_BOOT_EFI64], "");
	inv_unref(s);
}

static void
t_profile_bootfile_bad(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	char		 big[INV_BOOTFILE_MAX + 2];

	memset(big, 'f', INV_BOOTFILE_MAX + 1);
	big[INV_BOOTFILE_MAX + 1] = '\0';
	pboot(rows, "long", big, NULL, NULL, NULL);
	pboot(rows, "space", NULL, "shim x64.efi", NULL, NULL);
	pboot(rows, "newline", NULL, NULL, "grubaa64.efi\n", NULL);
	pboot(rows, "ctl", NULL, "a\x01" "b", NULL, NULL);
	pboot(rows, "del", "a\x7f", NULL, NULL, NULL);
	pboot(rows, "utf8", "gr\xc3\xbc\xc3\x9f.efi", NULL, NULL, NULL);
	pboot(rows, "quote", NULL, NULL, NULL, "http://b/\"x\"");
	pboot(rows, "comma", NULL, NULL, NULL, "http://b/?a=1,2");
	pboot(rows, "hash", "boot#1", NULL, NULL, NULL);
	pboot(rows, "tag", NULL, "tag:x", NULL, NULL);
	/* The first bad column names the row. */
	pboot(rows, "two", NULL, "ok.efi", "bad one", "bad two");
	hostx(rows, "uses-bad", "52:54:00:00:00:02", "10.0.0.2", "space", NULL,
	    NULL, NULL, NULL, NULL, NULL);
	EXPECT_INTO(s, rows,
	    "profiles \"long\": bootfile_bios \"ffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffff...\": longer than 127 bytes "
	    "(the DHCP file field)",
	    "profiles \"space\": bootfile_efi64 \"shim x64.efi\": whitespace",
	    "profiles \"newline\": bootfile_arm64 \"grubaa64.efi\\x0a\": "
	    "whitespace",
	    "profiles \"ctl\": bootfile_efi64 \"a\\x01b\": control character",
	    "profiles \"del\": bootfile_bios \"a\\x7f\": control character",
	    "profiles \"utf8\": bootfile_bios \"gr\\xc3\\xbc\\xc3\\x9f.efi\": "
	    "non-ASCII byte",
	    "profiles \"quote\": bootfile_ipxe \"http://b/\\\"x\\\"\": '\"', "
	    "'\\', ',' or '#', which a generated DHCP config cannot carry",
	    "profiles \"comma\": bootfile_ipxe \"http://b/?a=1,2\": '\"', "
	    "'\\', ',' or '#', which a generated DHCP config cannot carry",
	    "profiles \"hash\": bootfile_bios \"boot#1\": '\"', '\\', ',' or "
	    "'#', which a generated DHCP config cannot carry",
	    "profiles \"tag\": bootfile_efi64 \"tag:x\": starts like a dnsmasq "
	    "tag (tag:, set:, net:)",
	    "profiles \"two\": bootfile_arm64 \"bad one\": whitespace",
	    "hosts \"uses-bad\": unknown profile \"space\"");
	assert_int_equal(s->nprofiles, 1);
	inv_unref(s);
}

/* A profile with stall_timeout st: NULL, seconds, or a bad value. */
static void
pstall(struct inv_rows *rows, const char *name, const char *st)
{
	add(rows, INV_T_PROFILES, name, "local", (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, "0", (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, st);
}

/* NULL is the setting (-1), 0 never, up to a year; the rest rejected. */
static void
t_profile_stall_timeout(void **state)
{
	struct inv_rows		*rows = base();
	struct inv_snapshot	*s;

	(void)state;
	pstall(rows, "dflt", NULL);
	pstall(rows, "never", "0");
	pstall(rows, "two", "2");
	pstall(rows, "year", "31536000");
	pstall(rows, "neg", "-1");
	pstall(rows, "big", "31536001");
	pstall(rows, "word", "soon");
	EXPECT_INTO(s, rows,
	    "profiles \"neg\": invalid stall_timeout \"-1\" (expected "
	    "0..31536000 seconds)",
	    "profiles \"big\": invalid stall_timeout \"31536001\" (expected "
	    "0..31536000 seconds)",
	    "profiles \"word\": invalid stall_timeout \"soon\" (expected "
	    "0..31536000 seconds)");
	assert_int_equal(inv_profile_by_name(s, "dflt")->stall_timeout, -1);
	assert_int_equal(inv_profile_by_name(s, "never")->stall_timeout, 0);
	assert_int_equal(inv_profile_by_name(s, "two")->stall_timeout, 2);
	assert_int_equal(inv_profile_by_name(s, "year")->stall_timeout,
	    31536000);
	/* base()'s own profile: NULL in every add() of these tests. */
	assert_int_equal(s->profiles[0].stall_timeout, -1);
	inv_unref(s);
}

/*
 * Hosts
 */

static void
t_host_missing_hostname(void **state)
{
	struct inv_rows *rows = base();

	host(rows, NULL, "52:54:00:00:00:02", "10.0.0.2");
	host(rows, "", "52:54:00:00:00:03", "10.0.0.3");
	EXPECT(rows, "hosts row 2: missing hostname",
	    "hosts row 3: missing hostname");
}

static void
t_host_invalid_hostname(void **state)
{
	struct inv_rows *rows = base();
	char		 lab[80], name[300], w6[256], w7[256];
	const char	*w[] = {
		"hosts \"web_7\": invalid hostname (invalid character)",
		"hosts \"-web\": invalid hostname (label starts with '-')",
		"hosts \"web-.example\": invalid hostname (label ends with "
		    "'-')",
		"hosts \"a..b\": invalid hostname (empty label)",
		"hosts \"web.\": invalid hostname (empty label)",
		w6, w7
	};
	int		 i;

	host(rows, "web_7", "52:54:00:00:00:02", "10.0.0.2");
	host(rows, "-web", "52:54:00:00:00:03", "10.0.0.3");
	host(rows, "web-.example", "52:54:00:00:00:04", "10.0.0.4");
	host(rows, "a..b", "52:54:00:00:00:05", "10.0.0.5");
	host(rows, "web.", "52:54:00:00:00:06", "10.0.0.6");
	host(rows, rep(lab, 'l', 64), "52:54:00:00:00:07", "10.0.0.7");
	snprintf(w6, sizeof(w6), "hosts \"%s\": invalid hostname (label "
	    "longer than 63 bytes)", lab);
	/* 4 labels of 63 and 3 dots: 255 bytes */
	for (i = 0, name[0] = '\0'; i < 4; i++) {
		if (i > 0)
			strcat(name, ".");
		strcat(name, rep(lab, 'a' + i, 63));
	}
	host(rows, name, "52:54:00:00:00:08", "10.0.0.8");
	snprintf(w7, sizeof(w7), "hosts \"%s....\": invalid hostname "
	    "(longer than 253 bytes)", rep(lab, 'a', 63));
	name[253] = '\0';	/* 253 bytes, last label 61: valid */
	host(rows, name, "52:54:00:00:00:09", "10.0.0.9");
	host(rows, "9web.example.com", "52:54:00:00:00:0a", "10.0.0.10");
	inv_unref(expect(rows, w, sizeof(w) / sizeof(*w)));
}

static void
t_host_malformed_mac(void **state)
{
	struct inv_rows *rows = base();

	host(rows, "web7", "zz:11:22:33:44:55", "10.0.0.7");
	host(rows, "web8", "52:54:00:00:00:08:09", "10.0.0.8");
	host(rows, "web9", "52:54-00:00:00:09", "10.0.0.9");
	host(rows, "web10", NULL, "10.0.0.10");
	EXPECT(rows, "hosts \"web7\": malformed MAC \"zz:11:22:33:44:55\"",
	    "hosts \"web8\": malformed MAC \"52:54:00:00:00:08:09\"",
	    "hosts \"web9\": malformed MAC \"52:54-00:00:00:09\"",
	    "hosts \"web10\": missing MAC");
}

static void
t_host_malformed_ip(void **state)
{
	struct inv_rows *rows = base();

	host(rows, "web7", "52:54:00:00:00:07", "10.0.0.256");
	host(rows, "web8", "52:54:00:00:00:08", "10.0.0");
	host(rows, "web9", "52:54:00:00:00:09", "010.0.0.9");
	host(rows, "web10", "52:54:00:00:00:10", NULL);
	EXPECT(rows, "hosts \"web7\": malformed IP \"10.0.0.256\"",
	    "hosts \"web8\": malformed IP \"10.0.0\"",
	    "hosts \"web9\": malformed IP \"010.0.0.9\"",
	    "hosts \"web10\": missing IP");
}

static void
t_host_reserved_ip(void **state)
{
	struct inv_rows *rows = base();

	host(rows, "zero", "52:54:00:00:00:07", "0.0.0.0");
	host(rows, "bcast", "52:54:00:00:00:08", "255.255.255.255");
	EXPECT(rows, "hosts \"zero\": reserved IP 0.0.0.0",
	    "hosts \"bcast\": reserved IP 255.255.255.255");
}

static void
t_host_unknown_profile(void **state)
{
	struct inv_rows *rows = base();

	profile(rows, "broken", "nope");
	hostx(rows, "a", "52:54:00:00:00:0a", "10.0.0.10", "centos7", NULL,
	    NULL, NULL, NULL, NULL, NULL);
	hostx(rows, "b", "52:54:00:00:00:0b", "10.0.0.11", NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL);
	hostx(rows, "c", "52:54:00:00:00:0c", "10.0.0.12", "broken", NULL,
	    NULL, NULL, NULL, NULL, NULL);
	hostx(rows, "d", "52:54:00:00:00:0d", "10.0.0.13", "ROCKY9", NULL,
	    NULL, NULL, NULL, NULL, NULL);
	EXPECT(rows, "profiles \"broken\": invalid kind \"nope\" (expected "
	    "diskless, install or local)",
	    "hosts \"a\": unknown profile \"centos7\"",
	    "hosts \"b\": missing profile",
	    "hosts \"c\": unknown profile \"broken\"",
	    "hosts \"d\": unknown profile \"ROCKY9\"");
}

static void
t_host_bad_enabled_build(void **state)
{
	struct inv_rows *rows = base();

	hostx(rows, "a", "52:54:00:00:00:0a", "10.0.0.10", "rocky9", "2",
	    NULL, NULL, NULL, NULL, NULL);
	hostx(rows, "b", "52:54:00:00:00:0b", "10.0.0.11", "rocky9", "1",
	    "true", NULL, NULL, NULL, NULL);
	EXPECT(rows, "hosts \"a\": invalid enabled \"2\" (expected 0 or 1)",
	    "hosts \"b\": invalid build \"true\" (expected 0 or 1)");
}

static void
t_host_bad_numbers(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *h;

	hostx(rows, "a", "52:54:00:00:00:0a", "10.0.0.10", "rocky9", NULL,
	    NULL, NULL, NULL, "0", NULL);
	hostx(rows, "b", "52:54:00:00:00:0b", "10.0.0.11", "rocky9", NULL,
	    NULL, NULL, NULL, "16777217", NULL);
	hostx(rows, "c", "52:54:00:00:00:0c", "10.0.0.12", "rocky9", NULL,
	    NULL, NULL, NULL, "-1", NULL);
	hostx(rows, "d", "52:54:00:00:00:0d", "10.0.0.13", "rocky9", NULL,
	    NULL, NULL, NULL, "99999999999999999999", NULL);
	hostx(rows, "e", "52:54:00:00:00:0e", "10.0.0.14", "rocky9", NULL,
	    NULL, NULL, NULL, NULL, "4097");
	hostx(rows, "f", "52:54:00:00:00:0f", "10.0.0.15", "rocky9", NULL,
	    NULL, NULL, NULL, NULL, "2 ");
	hostx(rows, "g", "52:54:00:00:00:10", "10.0.0.16", "rocky9", NULL,
	    NULL, NULL, NULL, "16777216", "4096");
	hostx(rows, "h", "52:54:00:00:00:11", "10.0.0.17", "rocky9", NULL,
	    NULL, NULL, NULL, "1", "1");
	EXPECT_INTO(s, rows,
	    "hosts \"a\": invalid memory_mb \"0\" (expected 1..16777216)",
	    "hosts \"b\": invalid memory_mb \"16777217\" (expected "
	    "1..16777216)",
	    "hosts \"c\": invalid memory_mb \"-1\" (expected 1..16777216)",
	    "hosts \"d\": invalid memory_mb \"99999999999999999999\" "
	    "(expected 1..16777216)",
	    "hosts \"e\": invalid vcpus \"4097\" (expected 1..4096)",
	    "hosts \"f\": invalid vcpus \"2 \" (expected 1..4096)");
	assert_non_null(h = inv_by_name(s, "g"));
	assert_int_equal(h->memory_mb, 16777216);
	assert_int_equal(h->vcpus, 4096);
	assert_non_null(h = inv_by_name(s, "h"));
	assert_int_equal(h->memory_mb, 1);
	assert_int_equal(h->vcpus, 1);
	assert_non_null(h = inv_by_name(s, "good"));
	assert_int_equal(h->memory_mb, 0);
	assert_int_equal(h->vcpus, 0);
	inv_unref(s);
}

static void
t_host_duplicate_mac(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const uint8_t	 mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

	host(rows, "a", "aa:bb:cc:dd:ee:ff", "10.0.0.10");
	host(rows, "b", "AA-BB-CC-DD-EE-FF", "10.0.0.11");
	host(rows, "c", "aa:bb:cc:dd:ee:ff", "10.0.0.12");
	EXPECT_INTO(s, rows,
	    "hosts \"a\": duplicate MAC aa:bb:cc:dd:ee:ff (also \"b\", \"c\")",
	    "hosts \"b\": duplicate MAC aa:bb:cc:dd:ee:ff (also \"a\", \"c\")",
	    "hosts \"c\": duplicate MAC aa:bb:cc:dd:ee:ff (also \"a\", \"b\")");
	assert_null(inv_by_mac(s, mac));
	assert_null(inv_by_name(s, "a"));
	assert_null(inv_by_ip(s, 0x0a00000b));
	assert_int_equal(s->nhosts, 1);
	inv_unref(s);
}

/* A claim on the MAC by an otherwise broken row still counts. */
static void
t_host_duplicate_mac_bad_row(void **state)
{
	struct inv_rows *rows = base();

	host(rows, "a", "aa:bb:cc:dd:ee:ff", "10.0.0.10");
	host(rows, "b_", "aa:bb:cc:dd:ee:ff", "10.0.0.11");
	host(rows, NULL, "aa:bb:cc:dd:ee:ff", "10.0.0.12");
	EXPECT(rows,
	    "hosts \"a\": duplicate MAC aa:bb:cc:dd:ee:ff (also \"b_\", "
	    "row 4)",
	    "hosts \"b_\": invalid hostname (invalid character)",
	    "hosts row 4: missing hostname");
}

static void
t_host_duplicate_many(void **state)
{
	struct inv_rows *rows = base();
	char		 name[16], mac[32];
	int		 i;

	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		snprintf(mac, sizeof(mac), "52:54:00:00:01:%02x", i);
		host(rows, name, mac, "10.9.9.9");
	}
	EXPECT(rows,
	    "hosts \"n0\": duplicate IP 10.9.9.9 (also \"n1\", \"n2\", \"n3\" "
	    "and 2 more)",
	    "hosts \"n1\": duplicate IP 10.9.9.9 (also \"n0\", \"n2\", \"n3\" "
	    "and 2 more)",
	    "hosts \"n2\": duplicate IP 10.9.9.9 (also \"n0\", \"n1\", \"n3\" "
	    "and 2 more)",
	    "hosts \"n3\": duplicate IP 10.9.9.9 (also \"n0\", \"n1\", \"n2\" "
	    "and 2 more)",
	    "hosts \"n4\": duplicate IP 10.9.9.9 (also \"n0\", \"n1\", \"n2\" "
	    "and 2 more)",
	    "hosts \"n5\": duplicate IP 10.9.9.9 (also \"n0\", \"n1\", \"n2\" "
	    "and 2 more)");
}

static void
t_host_duplicate_ip(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;

	host(rows, "a", "52:54:00:00:00:0a", "10.0.0.10");
	host(rows, "b", "52:54:00:00:00:0b", "10.0.0.10");
	EXPECT_INTO(s, rows,
	    "hosts \"a\": duplicate IP 10.0.0.10 (also \"b\")",
	    "hosts \"b\": duplicate IP 10.0.0.10 (also \"a\")");
	assert_null(inv_by_ip(s, 0x0a00000a));
	inv_unref(s);
}

static void
t_host_duplicate_hostname(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;

	host(rows, "web7", "52:54:00:00:00:0a", "10.0.0.10");
	host(rows, "WEB7", "52:54:00:00:00:0b", "10.0.0.11");
	host(rows, "web8", "52:54:00:00:00:0c", "10.0.0.12");
	host(rows, "web7", "52:54:00:00:00:0d", "10.0.0.13");
	EXPECT_INTO(s, rows,
	    "hosts \"web7\": duplicate hostname (also \"WEB7\", \"web7\")",
	    "hosts \"WEB7\": duplicate hostname (also \"web7\", \"web7\")",
	    "hosts \"web7\": duplicate hostname (also \"web7\", \"WEB7\")");
	assert_null(inv_by_name(s, "web7"));
	assert_non_null(inv_by_name(s, "web8"));
	assert_int_equal(s->nhosts, 2);
	inv_unref(s);
}

static void
t_host_nul_and_long_cells(void **state)
{
	struct inv_rows *rows = base();
	const char	*c[INV_H_NCOLS] = { "a", "52:54:00:00:00:0a",
	    "10.0.0.10", "rocky9", "1", "0", NULL, "disk\0", NULL, NULL,
	    NULL };
	size_t		 l[INV_H_NCOLS] = { 1, 17, 9, 6, 1, 1, 0, 5, 0, 0, 0 };
	char		*big;

	assert_int_equal(inv_rows_add(rows, INV_T_HOSTS, c, l), 0);
	/* A NUL after a valid MAC must not pass as that MAC. */
	c[0] = "b";
	c[1] = "52:54:00:00:00:0b\0junk";
	l[1] = 22;
	c[7] = NULL;
	assert_int_equal(inv_rows_add(rows, INV_T_HOSTS, c, l), 0);
	assert_non_null(big = malloc(INV_VALUE_MAX + 2));
	memset(big, '9', INV_VALUE_MAX + 1);
	big[INV_VALUE_MAX + 1] = '\0';
	hostx(rows, "c", "52:54:00:00:00:0c", "10.0.0.12", "rocky9", NULL,
	    NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "d", "52:54:00:00:00:0d", "10.0.0.13",
	    "rocky9", NULL, NULL, NULL, NULL, NULL, NULL, big);
	free(big);
	EXPECT(rows, "hosts \"a\": NUL byte in vdisk",
	    "hosts \"b\": NUL byte in mac",
	    "hosts \"d\": updated_at longer than 65536 bytes");
}

static void
t_escaping(void **state)
{
	struct inv_rows *rows = base();
	char		 big[200], want[300];
	const char	*w[] = {
		"hosts \"a\": malformed MAC \"a\\\"b\\\\c\\x01\\xff\"",
		want
	};

	host(rows, "a", "a\"b\\c\x01\xff", "10.0.0.10");
	host(rows, "b", rep(big, 'm', 100), "10.0.0.11");
	snprintf(want, sizeof(want), "hosts \"b\": malformed MAC \"%s...\"",
	    rep(big, 'm', 64));
	inv_unref(expect(rows, w, 2));
}

static void
t_mac_canonical(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *h;
	const uint8_t	 mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x0f };
	const uint8_t	 mac2[6] = { 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e };

	host(rows, "dash", "AA-BB-CC-DD-EE-0F", "10.0.0.10");
	host(rows, "upper", "00:1A:2B:3C:4D:5E", "10.0.0.11");
	s = expect(rows, NULL, 0);
	assert_non_null(h = inv_by_mac(s, mac));
	assert_string_equal(h->hostname, "dash");
	assert_string_equal(h->macstr, "aa:bb:cc:dd:ee:0f");
	assert_memory_equal(h->mac, mac, 6);
	assert_non_null(h = inv_by_mac(s, mac2));
	assert_string_equal(h->macstr, "00:1a:2b:3c:4d:5e");
	assert_string_equal(h->ipstr, "10.0.0.11");
	inv_unref(s);
}

static void
t_host_fields(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *h;

	hostx(rows, "off", "52:54:00:00:00:0a", "10.0.0.10", "rocky9", "0",
	    "1", "", "", NULL, NULL);
	add(rows, INV_T_HOSTS, "Mixed.Example.com", "52:54:00:00:00:0b",
	    "10.0.0.11", "rocky9", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	s = expect(rows, NULL, 0);
	assert_non_null(h = inv_by_name(s, "off"));
	assert_int_equal(h->enabled, 0);
	assert_int_equal(h->build, 1);
	assert_null(h->dom0);
	assert_string_equal(h->dom0_name, "");
	assert_string_equal(h->updated_at, "2024-05-01 12:00:00");
	assert_non_null(h = inv_by_name(s, "mixed.example.COM"));
	assert_string_equal(h->hostname, "Mixed.Example.com");
	assert_int_equal(h->enabled, 1);
	assert_int_equal(h->build, 0);
	assert_string_equal(h->vdisk, "");
	assert_string_equal(h->updated_at, "");
	assert_int_equal(h->nvars, 0);
	assert_int_equal(h->nguests, 0);
	assert_null(inv_var_get(h, "x"));
	/* Sorted by hostname, ignoring case. */
	assert_int_equal(s->nhosts, 3);
	assert_string_equal(s->hosts[0].hostname, "good");
	assert_string_equal(s->hosts[1].hostname, "Mixed.Example.com");
	assert_string_equal(s->hosts[2].hostname, "off");
	assert_int_equal(s->generation, 7);
	inv_unref(s);
}

/*
 * Guests
 */

static void
t_guest_dom0_not_found(void **state)
{
	struct inv_rows *rows = base();

	guest(rows, "g1", "52:54:00:00:01:01", "10.0.1.1", "nowhere", "lv1");
	host(rows, "bad_dom0", "52:54:00:00:01:02", "10.0.1.2");
	guest(rows, "g2", "52:54:00:00:01:03", "10.0.1.3", "bad_dom0", "lv2");
	EXPECT(rows, "hosts \"g1\": dom0 \"nowhere\" not found",
	    "hosts \"bad_dom0\": invalid hostname (invalid character)",
	    "hosts \"g2\": dom0 \"bad_dom0\" not found");
}

static void
t_guest_dom0_disabled(void **state)
{
	struct inv_rows *rows = base();

	hostx(rows, "xen1", "52:54:00:00:01:01", "10.0.1.1", "rocky9", "0",
	    NULL, NULL, NULL, NULL, NULL);
	guest(rows, "g1", "52:54:00:00:01:02", "10.0.1.2", "xen1", "lv1");
	EXPECT(rows, "hosts \"g1\": dom0 \"xen1\" is disabled");
}

static void
t_guest_dom0_is_guest(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *h;

	host(rows, "xen1", "52:54:00:00:01:01", "10.0.1.1");
	guest(rows, "g1", "52:54:00:00:01:02", "10.0.1.2", "xen1", "lv1");
	guest(rows, "g2", "52:54:00:00:01:03", "10.0.1.3", "g1", "lv2");
	EXPECT_INTO(s, rows, "hosts \"g2\": dom0 \"g1\" is itself a guest");
	assert_non_null(h = inv_by_name(s, "g1"));
	assert_int_equal(h->nguests, 0);
	inv_unref(s);
}

static void
t_guest_self(void **state)
{
	struct inv_rows *rows = base();

	guest(rows, "g1", "52:54:00:00:01:02", "10.0.1.2", "G1", "lv1");
	EXPECT(rows, "hosts \"g1\": dom0 \"G1\" is the host itself");
}

static void
t_guest_without_vdisk(void **state)
{
	struct inv_rows *rows = base();

	host(rows, "xen1", "52:54:00:00:01:01", "10.0.1.1");
	guest(rows, "g1", "52:54:00:00:01:02", "10.0.1.2", "xen1", NULL);
	guest(rows, "g2", "52:54:00:00:01:03", "10.0.1.3", "xen1", "");
	EXPECT(rows, "hosts \"g1\": guest without vdisk",
	    "hosts \"g2\": guest without vdisk");
}

static void
t_guests_sorted(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *d, *d2, *g;

	guest(rows, "vm-c", "52:54:00:00:01:03", "10.0.1.3", "xen1", "lvc");
	guest(rows, "vm-a", "52:54:00:00:01:04", "10.0.1.4", "XEN1", "lva");
	guest(rows, "vm-x", "52:54:00:00:01:07", "10.0.1.7", "xen2", "lvx");
	host(rows, "xen1", "52:54:00:00:01:01", "10.0.1.1");
	guest(rows, "vm-b", "52:54:00:00:01:05", "10.0.1.5", "xen1", "lvb");
	guest(rows, "vm-bad", "52:54:00:00:01:06", "10.0.1.6", "xen1", NULL);
	host(rows, "xen2", "52:54:00:00:01:02", "10.0.1.2");
	EXPECT_INTO(s, rows, "hosts \"vm-bad\": guest without vdisk");
	assert_non_null(d = inv_by_name(s, "xen1"));
	assert_int_equal(d->nguests, 3);
	assert_string_equal(d->guests[0]->hostname, "vm-a");
	assert_string_equal(d->guests[1]->hostname, "vm-b");
	assert_string_equal(d->guests[2]->hostname, "vm-c");
	assert_ptr_equal(d->guests[0]->dom0, d);
	assert_string_equal(d->guests[0]->dom0_name, "xen1");
	assert_string_equal(d->guests[0]->vdisk, "lva");
	assert_int_equal(d->guests[0]->memory_mb, 2048);
	assert_int_equal(d->guests[0]->vcpus, 2);
	assert_non_null(d2 = inv_by_name(s, "xen2"));
	assert_int_equal(d2->nguests, 1);
	assert_non_null(g = inv_by_name(s, "vm-x"));
	assert_ptr_equal(d2->guests[0], g);
	assert_ptr_equal(g->dom0, d2);
	assert_null(inv_by_name(s, "vm-bad"));
	inv_unref(s);
}

/*
 * host_vars
 */

static void
t_var_unknown_host(void **state)
{
	struct inv_rows *rows = base();

	host(rows, "bad_host", "52:54:00:00:01:01", "10.0.1.1");
	var(rows, "nowhere", "role", "web");
	var(rows, "bad_host", "role", "web");
	var(rows, NULL, "role", "web");
	var(rows, "good", NULL, "web");
	var(rows, "good", "role", "web");
	EXPECT(rows, "hosts \"bad_host\": invalid hostname (invalid "
	    "character)",
	    "host_vars \"nowhere\".\"role\": unknown host",
	    "host_vars \"bad_host\".\"role\": unknown host",
	    "host_vars row 3: missing hostname",
	    "host_vars row 4: missing name");
}

static void
t_var_invalid_name(void **state)
{
	struct inv_rows *rows = base();
	char		 name[80], want[300];
	const char	*w[] = {
		"host_vars \"good\".\"1abc\": invalid variable name "
		    "(expected [A-Za-z_][A-Za-z0-9_]*)",
		"host_vars \"good\".\"a-b\": invalid variable name "
		    "(expected [A-Za-z_][A-Za-z0-9_]*)",
		want
	};

	var(rows, "good", "1abc", "x");
	var(rows, "good", "a-b", "x");
	var(rows, "good", rep(name, 'v', 65), "x");
	snprintf(want, sizeof(want), "host_vars \"good\".\"%s...\": "
	    "variable name longer than 64 bytes", rep(name, 'v', 64));
	var(rows, "good", rep(name, 'v', 64), "x");	/* the limit */
	var(rows, "good", "_ok9", "x");
	inv_unref(expect(rows, w, 3));
}

static void
t_var_reserved(void **state)
{
	struct inv_rows *rows = base();

	var(rows, "good", "mac", "x");
	var(rows, "good", "ks_url", "x");
	var(rows, "good", "MAC", "x");		/* case matters in templates */
	EXPECT(rows, "host_vars \"good\".\"mac\": shadows a built-in variable",
	    "host_vars \"good\".\"ks_url\": shadows a built-in variable");
}

/* The names come from the caller: none given, none reserved. */
static void
t_var_reserved_by_caller(void **state)
{
	static const char *const mine[] = { "role", NULL };
	const struct inv_build_opts opts = { mine };
	struct inv_rows *rows;
	struct inv_snapshot *s;

	rows = base();
	var(rows, "good", "mac", "x");
	assert_non_null(s = inv_build(rows));
	assert_int_equal(s->nrejects, 0);
	assert_string_equal(inv_var_get(inv_by_name(s, "good"), "mac"), "x");
	inv_unref(s);
	var(rows, "good", "role", "y");
	assert_non_null(s = inv_build_with(rows, &opts));
	inv_rows_free(rows);
	assert_int_equal(s->nrejects, 1);
	assert_string_equal(s->rejects[0],
	    "host_vars \"good\".\"role\": shadows a built-in variable");
	inv_unref(s);
}

static void
t_var_bad_value(void **state)
{
	struct inv_rows *rows = base();
	const char	*c[3] = { "good", "k", "a\0b" };
	size_t		 l[3] = { 4, 1, 3 };
	char		*big;

	assert_int_equal(inv_rows_add(rows, INV_T_VARS, c, l), 0);
	assert_non_null(big = malloc(INV_VALUE_MAX + 2));
	memset(big, 'v', INV_VALUE_MAX + 1);
	big[INV_VALUE_MAX + 1] = '\0';
	var(rows, "good", "k2", big);
	free(big);
	EXPECT(rows, "host_vars \"good\".\"k\": NUL byte in value",
	    "host_vars \"good\".\"k2\": value longer than 65536 bytes");
}

static void
t_var_duplicate(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *h;

	var(rows, "good", "role", "web");
	var(rows, "good", "zone", "a");
	var(rows, "GOOD", "role", "db");
	var(rows, "good", "rack", "r1");
	EXPECT_INTO(s, rows,
	    "host_vars \"good\".\"role\": duplicate variable (also row 3)",
	    "host_vars \"GOOD\".\"role\": duplicate variable (also row 1)");
	assert_non_null(h = inv_by_name(s, "good"));
	assert_int_equal(h->nvars, 2);
	assert_null(inv_var_get(h, "role"));
	assert_string_equal(inv_var_get(h, "zone"), "a");
	inv_unref(s);
}

static void
t_vars_sorted(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *h;

	host(rows, "other", "52:54:00:00:01:01", "10.0.1.1");
	var(rows, "good", "zone", "z1");
	var(rows, "other", "role", "db");
	var(rows, "good", "Role", "upper");
	var(rows, "good", "alpha", NULL);
	var(rows, "good", "role", "web");
	s = expect(rows, NULL, 0);
	assert_non_null(h = inv_by_name(s, "good"));
	assert_int_equal(h->nvars, 4);
	assert_string_equal(h->vars[0].name, "Role");
	assert_string_equal(h->vars[1].name, "alpha");
	assert_string_equal(h->vars[2].name, "role");
	assert_string_equal(h->vars[3].name, "zone");
	assert_string_equal(inv_var_get(h, "role"), "web");
	assert_string_equal(inv_var_get(h, "Role"), "upper");
	assert_string_equal(inv_var_get(h, "alpha"), "");
	assert_string_equal(inv_var_get(h, "zone"), "z1");
	assert_null(inv_var_get(h, "rolE"));
	assert_null(inv_var_get(h, "zz"));
	assert_null(inv_var_get(h, ""));
	assert_non_null(h = inv_by_name(s, "other"));
	assert_int_equal(h->nvars, 1);
	assert_string_equal(inv_var_get(h, "role"), "db");
	assert_null(inv_var_get(NULL, "role"));
	inv_unref(s);
}

/* Table order, then row order, whichever pass found the problem. */
static void
t_reject_order(void **state)
{
	struct inv_rows *rows;

	assert_non_null(rows = inv_rows_new(1));
	var(rows, "nowhere", "a", "b");
	guest(rows, "g1", "52:54:00:00:01:01", "10.0.1.1", "good", NULL);
	host(rows, "good", GOOD_MAC, GOOD_IP);
	host(rows, "bad", "nope", "10.0.1.2");
	profile(rows, "broken", NULL);
	profile(rows, "rocky9", "install");
	EXPECT(rows, "profiles \"broken\": missing kind",
	    "hosts \"g1\": guest without vdisk",
	    "hosts \"bad\": malformed MAC \"nope\"",
	    "host_vars \"nowhere\".\"a\": unknown host");
}

static void
t_refcount(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s, *s2;

	assert_non_null(s = inv_build(rows));
	inv_rows_free(rows);		/* the snapshot owns copies */
	assert_ptr_equal(s2 = inv_ref(s), s);
	inv_unref(s);
	assert_good(s2);		/* still alive: one reference left */
	assert_ptr_equal(inv_ref(s2), s2);
	inv_unref(s2);
	inv_unref(s2);
	inv_unref(NULL);
	assert_null(inv_ref(NULL));
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Row k of a permutation of 0..N-1 (7919 is prime, N is not its multiple). */
#define PERM(k, N)	((int)(((long)(k) * 7919) % (N)))

static void
t_big(void **state)
{
	const int	 N = 100000;
	struct inv_rows	*rows;
	struct inv_snapshot *s;
	const struct inv_host *h;
	char		 name[32], mac[32], ip[32], val[32];
	uint8_t		 m[6];
	double		 t0;
	int		 i, k;

	/* Rows in no particular order, as a VIEW might send them. */
	assert_non_null(rows = inv_rows_new(99));
	profile(rows, "rocky9", "install");
	for (k = 0; k < N; k++) {
		i = PERM(k, N);
		snprintf(name, sizeof(name), "node%06d.example.com", i);
		snprintf(mac, sizeof(mac), "02:00:00:%02x:%02x:%02x",
		    (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", ((i + 1) >> 16) & 0xff,
		    ((i + 1) >> 8) & 0xff, (i + 1) & 0xff);
		host(rows, name, mac, ip);
		i = PERM(N - 1 - k, N);
		snprintf(name, sizeof(name), "node%06d.example.com", i);
		snprintf(val, sizeof(val), "rack%d", i % 40);
		var(rows, name, "rack", val);
	}
	t0 = now_ms();
	assert_non_null(s = inv_build(rows));
	print_message("  inv_build of %d hosts: %.1f ms\n", N, now_ms() - t0);
	inv_rows_free(rows);
	assert_int_equal(s->nrejects, 0);
	assert_int_equal(s->nhosts, N);
	for (i = 0; i < N; i += 97) {
		snprintf(name, sizeof(name), "NODE%06d.example.com", i);
		assert_non_null(h = inv_by_name(s, name));
		assert_int_equal(h - s->hosts, i);
		assert_string_equal(h->hostname + 4, name + 4);
		m[0] = 2;
		m[1] = m[2] = 0;
		m[3] = (uint8_t)(i >> 16);
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		assert_ptr_equal(inv_by_mac(s, m), h);
		snprintf(mac, sizeof(mac), "02:00:00:%02x:%02x:%02x",
		    m[3], m[4], m[5]);
		assert_string_equal(h->macstr, mac);
		assert_ptr_equal(inv_by_ip(s, 0x0a000000 + (uint32_t)i + 1), h);
		addr_ip4_str(0x0a000000 + (uint32_t)i + 1, ip);
		assert_string_equal(h->ipstr, ip);
		snprintf(val, sizeof(val), "rack%d", i % 40);
		assert_string_equal(inv_var_get(h, "rack"), val);
	}
	for (i = 1; i < N; i++)
		assert_true(strcmp(s->hosts[i - 1].hostname,
		    s->hosts[i].hostname) < 0);
	m[0] = 4;
	assert_null(inv_by_mac(s, m));
	assert_null(inv_by_ip(s, 0x0b000001));
	assert_null(inv_by_name(s, "node100000.example.com"));
	inv_unref(s);
}

/* Many vars on one host, in reverse order, one of them twice. */
static void
t_many_vars(void **state)
{
	struct inv_rows *rows = base();
	struct inv_snapshot *s;
	const struct inv_host *h;
	char		 name[16], val[16];
	int		 i;

	host(rows, "other", "52:54:00:00:01:01", "10.0.1.1");
	for (i = 29; i >= 0; i--) {		/* v29 is row 1, v00 row 30 */
		snprintf(name, sizeof(name), "v%02d", i);
		snprintf(val, sizeof(val), "x%d", i);
		var(rows, "good", name, val);
	}
	for (i = 28; i >= 0; i -= 2) {		/* rows 31..45 */
		snprintf(name, sizeof(name), "v%02d", i);
		snprintf(val, sizeof(val), "x%d", i);
		var(rows, "other", name, val);
	}
	var(rows, "good", "v07", "again");	/* row 46 */
	var(rows, "GOOD", "v07", "again");	/* row 47 */
	EXPECT_INTO(s, rows,
	    "host_vars \"good\".\"v07\": duplicate variable (also row 46, "
	    "row 47)",
	    "host_vars \"good\".\"v07\": duplicate variable (also row 23, "
	    "row 47)",
	    "host_vars \"GOOD\".\"v07\": duplicate variable (also row 23, "
	    "row 46)");
	assert_non_null(h = inv_by_name(s, "good"));
	assert_int_equal(h->nvars, 29);
	for (i = 1; i < (int)h->nvars; i++)
		assert_true(strcmp(h->vars[i - 1].name, h->vars[i].name) < 0);
	assert_string_equal(inv_var_get(h, "v00"), "x0");
	assert_null(inv_var_get(h, "v07"));
	assert_string_equal(inv_var_get(h, "v29"), "x29");
	assert_non_null(h = inv_by_name(s, "other"));
	assert_int_equal(h->nvars, 15);
	assert_string_equal(inv_var_get(h, "v28"), "x28");
	assert_null(inv_var_get(h, "v29"));
	inv_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_rows_api),
		cmocka_unit_test(t_tables),
		cmocka_unit_test(t_empty),
		cmocka_unit_test(t_profile_missing_name),
		cmocka_unit_test(t_profile_invalid_name),
		cmocka_unit_test(t_profile_name_too_long),
		cmocka_unit_test(t_profile_bad_kind),
		cmocka_unit_test(t_profile_bad_selectable),
		cmocka_unit_test(t_profile_duplicate),
		cmocka_unit_test(t_profile_nul_byte),
		cmocka_unit_test(t_profile_cell_too_long),
		cmocka_unit_test(t_profile_fields),
		cmocka_unit_test(t_profile_bootfiles),
		cmocka_unit_test(t_profile_stall_timeout),
		cmocka_unit_test(t_profile_bootfile_bad),
		cmocka_unit_test(t_host_missing_hostname),
		cmocka_unit_test(t_host_invalid_hostname),
		cmocka_unit_test(t_host_malformed_mac),
		cmocka_unit_test(t_host_malformed_ip),
		cmocka_unit_test(t_host_reserved_ip),
		cmocka_unit_test(t_host_unknown_profile),
		cmocka_unit_test(t_host_bad_enabled_build),
		cmocka_unit_test(t_host_bad_numbers),
		cmocka_unit_test(t_host_duplicate_mac),
		cmocka_unit_test(t_host_duplicate_mac_bad_row),
		cmocka_unit_test(t_host_duplicate_many),
		cmocka_unit_test(t_host_duplicate_ip),
		cmocka_unit_test(t_host_duplicate_hostname),
		cmocka_unit_test(t_host_nul_and_long_cells),
		cmocka_unit_test(t_escaping),
		cmocka_unit_test(t_mac_canonical),
		cmocka_unit_test(t_host_fields),
		cmocka_unit_test(t_guest_dom0_not_found),
		cmocka_unit_test(t_guest_dom0_disabled),
		cmocka_unit_test(t_guest_dom0_is_guest),
		cmocka_unit_test(t_guest_self),
		cmocka_unit_test(t_guest_without_vdisk),
		cmocka_unit_test(t_guests_sorted),
		cmocka_unit_test(t_var_unknown_host),
		cmocka_unit_test(t_var_invalid_name),
		cmocka_unit_test(t_var_reserved),
		cmocka_unit_test(t_var_reserved_by_caller),
		cmocka_unit_test(t_var_bad_value),
		cmocka_unit_test(t_var_duplicate),
		cmocka_unit_test(t_vars_sorted),
		cmocka_unit_test(t_reject_order),
		cmocka_unit_test(t_refcount),
		cmocka_unit_test(t_many_vars),
		cmocka_unit_test(t_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
