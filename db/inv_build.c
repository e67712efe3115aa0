/* SPDX-License-Identifier: ISC */
/*
 * inv_build: raw rows -> an immutable, refcounted snapshot: each row
 * checked (inv_valid.c), keys grouped to find duplicates (inv_dup.c),
 * hosts sorted by hostname with their guests and host_vars, the indexes
 * built, one reject line per bad row. Pure: no I/O, no logging, no clock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/inv_bootfile.h"
#include "db/inv_priv.h"

/*
 * Building: state
 */

struct prow {
	int		 kind;
	int		 selectable;
	int		 stall_timeout;	/* -1 for NULL */
};

#define KEY_NAME	0x1		/* hostname valid */
#define KEY_MAC		0x2		/* MAC parses */
#define KEY_IP		0x4		/* IP parses and is usable */

struct hrow {
	const char	*name;		/* hostname cell, with KEY_NAME */
	uint64_t	 hname;		/* hash_name() of it */
	uint64_t	 mac;		/* mac_key(), with KEY_MAC */
	uint32_t	 nlen;
	uint32_t	 ip;		/* with KEY_IP */
	uint32_t	 profile;	/* index into b->profiles */
	uint32_t	 dom0;		/* row of the dom0, NOROW if none */
	uint32_t	 fidx;		/* index into the snapshot's hosts */
	int		 memory_mb;
	int		 vcpus;
	uint8_t		 keys;		/* KEY_* */
	uint8_t		 enabled;
	uint8_t		 build;
	uint8_t		 ok1;		/* passed the per-row checks */
};

struct skey {
	const char	*s;
	size_t		 len;
	uint64_t	 h;
};

struct build {
	const struct inv_rows *rows;
	const char *const *reserved;	/* host_var names refused */
	struct inv_arena *a;		/* the snapshot's */
	int		 enomem;
	const char	**why[INV_T_MAX];	/* reject line per row */
	struct inv_profile *profiles;
	size_t		 nprofiles;
	struct hrow	*h;
	struct dup	 dname;
	struct dup	 dmac;
	struct dup	 dip;
	struct inv_host	*hosts;
	size_t		 nhosts;
};

/*
 * Rows ahead whose hash slot is prefetched: at 100k hosts the tables outgrow
 * the caches, and a miss per insert or lookup was most of the build time.
 */
#define PREFETCH	8

static void
slot_prefetch(const struct dup *d, uint64_t h)
{
	__builtin_prefetch(&d->slot[h & d->mask]);
}

static const char *
cell(const struct build *b, enum inv_table_id t, size_t r, int c,
    size_t *len)
{
	return inv_rows_cell(b->rows, t, r, c, len);
}

/* `hosts "web7"`, `host_vars "web7"."role"`, or `hosts row 3` (1-based). */
static void
row_label(const struct build *b, enum inv_table_id t, size_t r, char *buf,
    size_t sz)
{
	char		 e1[ESC_BUFSZ], e2[ESC_BUFSZ];
	const char	*k1, *k2 = NULL;
	size_t		 l1, l2 = 0;

	k1 = cell(b, t, r, 0, &l1);
	if (t == INV_T_VARS)
		k2 = cell(b, t, r, INV_V_NAME, &l2);
	if (k1 == NULL || l1 == 0 || (t == INV_T_VARS &&
	    (k2 == NULL || l2 == 0)))
		snprintf(buf, sz, "%s row %zu", inv_table_names[t], r + 1);
	else if (t == INV_T_VARS)
		snprintf(buf, sz, "%s \"%s\".\"%s\"", inv_table_names[t],
		    inv_esc(e1, k1, l1), inv_esc(e2, k2, l2));
	else
		snprintf(buf, sz, "%s \"%s\"", inv_table_names[t],
		    inv_esc(e1, k1, l1));
}

static void rej(struct build *, enum inv_table_id, size_t, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* Rejects row r of table t (first reason wins). ENOMEM sets b->enomem. */
static void
rej(struct build *b, enum inv_table_id t, size_t r, const char *fmt, ...)
{
	char		 line[REJECT_MAX];
	va_list		 ap;
	size_t		 n;

	if (b->why[t][r] != NULL)
		return;
	row_label(b, t, r, line, sizeof(line));
	n = strlen(line);
	if (n + 2 < sizeof(line)) {
		memcpy(line + n, ": ", 3);
		n += 2;
		va_start(ap, fmt);
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		va_end(ap);
	}
	if ((b->why[t][r] = inv_arena_strdup(b->a, line, strlen(line))) == NULL)
		b->enomem = 1;
}

/*
 * The other rows of row's duplicate group, for "(also ...)": hosts are named
 * by hostname, other tables by row number; at most OTHERS_MAX, then a count.
 */
static void
others(const struct build *b, enum inv_table_id t, const struct dup *d,
    uint32_t row, char *buf, size_t sz)
{
	char		 e[ESC_BUFSZ];
	const char	*k;
	size_t		 o = 0, l;
	uint32_t	 j, shown = 0, total;

	buf[0] = '\0';
	total = inv_dup_size(d, row) - 1;
	for (j = d->first[row]; j != NOROW && shown < OTHERS_MAX;
	    j = d->next[j]) {
		if (j == row)
			continue;
		k = cell(b, t, j, 0, &l);
		if (t == INV_T_HOSTS && k != NULL && l > 0)
			snprintf(buf + o, sz - o, "%s\"%s\"",
			    shown ? ", " : "", inv_esc(e, k, l));
		else
			snprintf(buf + o, sz - o, "%srow %u",
			    shown ? ", " : "", j + 1);
		o += strlen(buf + o);
		shown++;
	}
	if (total > shown)
		snprintf(buf + o, sz - o, " and %u more", total - shown);
}

static int
rej_bad_cells(struct build *b, enum inv_table_id t, size_t r, int c0)
{
	int	 c, toolong;

	if ((c = inv_bad_cell(b->rows, t, r, c0, &toolong)) == -1)
		return 0;
	if (toolong)
		rej(b, t, r, "%s longer than %d bytes", inv_col_names[t][c],
		    INV_VALUE_MAX);
	else
		rej(b, t, r, "NUL byte in %s", inv_col_names[t][c]);
	return -1;
}

/*
 * Profiles
 */

static int
eq_profile(const void *ctx, uint32_t row, const void *key)
{
	const struct build *b = ctx;
	const struct skey *k = key;
	const char	*s;
	size_t		 len;

	s = cell(b, INV_T_PROFILES, row, INV_P_NAME, &len);
	return len == k->len && memcmp(s, k->s, len) == 0;
}

static int
cmp_profile(const void *a, const void *b)
{
	const struct inv_profile *pa = a, *pb = b;

	return strcmp(pa->name, pb->name);
}

static int
build_profiles(struct build *b)
{
	const struct dup_ops ops = { eq_profile, b };
	char		 e[ESC_BUFSZ], list[REJECT_MAX / 2];
	struct dup	 d;
	struct prow	*pr = NULL;
	struct inv_profile *p;
	struct skey	 k;
	const char	*s, *why, *f[INV_P_NCOLS];
	size_t		 n, r, i, len, l[INV_P_NCOLS];
	int		 kind, rv = -1;

	n = inv_rows_count(b->rows, INV_T_PROFILES);
	if (inv_dup_init(&d, n) == -1 ||
	    (pr = inv_xcalloc(n, sizeof(*pr))) == NULL)
		goto done;
	for (r = 0; r < n; r++) {
		s = cell(b, INV_T_PROFILES, r, INV_P_NAME, &len);
		if (s == NULL || len == 0) {
			rej(b, INV_T_PROFILES, r, "missing name");
			continue;
		}
		if (len > INV_NAME_MAX) {
			rej(b, INV_T_PROFILES, r, "name longer than %d bytes",
			    INV_NAME_MAX);
			continue;
		}
		if (!inv_profile_name_ok(s, len)) {
			rej(b, INV_T_PROFILES, r, "invalid name (allowed: "
			    "A-Z a-z 0-9 . _ -)");
			continue;
		}
		k.s = s;
		k.len = len;
		k.h = hash_bytes(s, len);
		inv_dup_add(&d, &ops, (uint32_t)r, k.h, &k);
		if (rej_bad_cells(b, INV_T_PROFILES, r, 1) == -1)
			continue;
		s = cell(b, INV_T_PROFILES, r, INV_P_KIND, &len);
		for (kind = 0; kind < INV_KIND_MAX; kind++)
			if (s != NULL && strcmp(s, inv_kind_names[kind]) == 0)
				break;
		if (s == NULL)
			rej(b, INV_T_PROFILES, r, "missing kind");
		else if (kind == INV_KIND_MAX)
			rej(b, INV_T_PROFILES, r, "invalid kind \"%s\" "
			    "(expected diskless, install or local)",
			    inv_esc(e, s, len));
		pr[r].kind = kind;
		s = cell(b, INV_T_PROFILES, r, INV_P_SELECTABLE, &len);
		if (inv_parse01(s, len, 0, &pr[r].selectable) == -1)
			rej(b, INV_T_PROFILES, r, "invalid selectable \"%s\" "
			    "(expected 0 or 1)", inv_esc(e, s, len));
		for (i = 0; i < INV_BOOT_MAX; i++) {
			s = cell(b, INV_T_PROFILES, r,
			    INV_P_BOOTFILE_BIOS + (int)i, &len);
			if (s != NULL && (why = inv_bootfile_why(s, len)) !=
			    NULL)
				rej(b, INV_T_PROFILES, r, "bootfile_%s \"%s\": "
				    "%s", inv_boot_names[i], inv_esc(e, s, len),
				    why);
		}
		s = cell(b, INV_T_PROFILES, r, INV_P_STALL_TIMEOUT, &len);
		pr[r].stall_timeout = -1;
		if (s != NULL && len > 0 && inv_parse_range(s, len, 0,
		    INV_STALL_MAX, &pr[r].stall_timeout) == -1)
			rej(b, INV_T_PROFILES, r, "invalid stall_timeout "
			    "\"%s\" (expected 0..%d seconds)",
			    inv_esc(e, s, len), INV_STALL_MAX);
	}
	for (r = 0; r < n; r++)
		if (b->why[INV_T_PROFILES][r] == NULL && inv_dup_size(&d,
		    (uint32_t)r) > 1) {
			others(b, INV_T_PROFILES, &d, (uint32_t)r, list,
			    sizeof(list));
			rej(b, INV_T_PROFILES, r, "duplicate name (also %s)",
			    list);
		}
	if (b->enomem)
		goto done;

	for (r = 0, b->nprofiles = 0; r < n; r++)
		if (b->why[INV_T_PROFILES][r] == NULL)
			b->nprofiles++;
	b->profiles = inv_arena_alloc(b->a, b->nprofiles * sizeof(*b->profiles),
	    _Alignof(struct inv_profile));
	if (b->profiles == NULL)
		goto done;
	for (r = 0, p = b->profiles; r < n; r++) {
		if (b->why[INV_T_PROFILES][r] != NULL)
			continue;
		for (i = 0; i < INV_P_NCOLS; i++) {
			s = cell(b, INV_T_PROFILES, r, (int)i, &l[i]);
			if ((f[i] = inv_arena_strdup(b->a, s, l[i])) == NULL)
				goto done;
		}
		p->name = f[INV_P_NAME];
		p->kind = (enum inv_kind)pr[r].kind;
		p->kernel = f[INV_P_KERNEL];
		p->initrd = f[INV_P_INITRD];
		p->append = f[INV_P_APPEND];
		p->kickstart = f[INV_P_KICKSTART];
		p->menu_label = l[INV_P_MENU_LABEL] > 0 ?
		    f[INV_P_MENU_LABEL] : p->name;
		p->selectable = pr[r].selectable;
		for (i = 0; i < INV_BOOT_MAX; i++)
			p->bootfile[i] = f[INV_P_BOOTFILE_BIOS + i];
		p->stall_timeout = pr[r].stall_timeout;
		p++;
	}
	qsort(b->profiles, b->nprofiles, sizeof(*b->profiles), cmp_profile);
	rv = 0;
done:
	if (rv == -1)
		b->enomem = 1;
	inv_dup_free(&d);
	free(pr);
	return rv;
}

/*
 * Hosts
 */

static int
eq_hostname(const void *ctx, uint32_t row, const void *key)
{
	const struct build *b = ctx;
	const struct skey *k = key;
	const struct hrow *h = &b->h[row];

	return h->hname == k->h && name_eq(h->name, h->nlen, k->s, k->len);
}

static int
eq_mac(const void *ctx, uint32_t row, const void *key)
{
	const struct build *b = ctx;

	return b->h[row].mac == *(const uint64_t *)key;
}

static int
eq_ip(const void *ctx, uint32_t row, const void *key)
{
	const struct build *b = ctx;

	return b->h[row].ip == *(const uint32_t *)key;
}

/*
 * Parses the keys of row r once. A NUL inside a cell would end the string
 * early, so such a cell gives no key (and rejects the row later).
 */
static void
host_keys(struct build *b, size_t r)
{
	struct hrow	*h = &b->h[r];
	const char	*s;
	uint8_t		 mac[ADDR_MAC_LEN];
	size_t		 len;

	h->dom0 = NOROW;
	s = cell(b, INV_T_HOSTS, r, INV_H_HOSTNAME, &len);
	if (s != NULL && len > 0 && inv_hostname_why(s, len) == NULL) {
		h->keys |= KEY_NAME;
		h->name = s;
		h->nlen = (uint32_t)len;
		h->hname = hash_name(s, len);
	}
	s = cell(b, INV_T_HOSTS, r, INV_H_MAC, &len);
	if (s != NULL && strlen(s) == len && addr_mac_parse(s, mac) == 0) {
		h->keys |= KEY_MAC;
		h->mac = mac_key(mac);
	}
	s = cell(b, INV_T_HOSTS, r, INV_H_IP, &len);
	if (s != NULL && strlen(s) == len && addr_ip4_parse(s, &h->ip) == 0 &&
	    h->ip != 0 && h->ip != UINT32_MAX)
		h->keys |= KEY_IP;
}

/* Per-row checks of one host, in the order of the reject reasons. */
static void
host_row(struct build *b, size_t r)
{
	const enum inv_table_id T = INV_T_HOSTS;
	struct hrow	*h = &b->h[r];
	const struct inv_profile *p;
	const char	*s;
	char		 e[ESC_BUFSZ];
	uint32_t	 ip;
	size_t		 len;
	int		 v;

	s = cell(b, T, r, INV_H_HOSTNAME, &len);
	if (s == NULL || len == 0) {
		rej(b, T, r, "missing hostname");
		return;
	}
	if (!(h->keys & KEY_NAME)) {
		rej(b, T, r, "invalid hostname (%s)", inv_hostname_why(s, len));
		return;
	}
	if (rej_bad_cells(b, T, r, 1) == -1)
		return;
	s = cell(b, T, r, INV_H_MAC, &len);
	if (s == NULL) {
		rej(b, T, r, "missing MAC");
		return;
	}
	if (!(h->keys & KEY_MAC)) {
		rej(b, T, r, "malformed MAC \"%s\"", inv_esc(e, s, len));
		return;
	}
	s = cell(b, T, r, INV_H_IP, &len);
	if (s == NULL) {
		rej(b, T, r, "missing IP");
		return;
	}
	if (!(h->keys & KEY_IP)) {
		if (addr_ip4_parse(s, &ip) == 0)
			rej(b, T, r, "reserved IP %s", s);
		else
			rej(b, T, r, "malformed IP \"%s\"", inv_esc(e, s, len));
		return;
	}
	s = cell(b, T, r, INV_H_PROFILE, &len);
	if (s == NULL) {
		rej(b, T, r, "missing profile");
		return;
	}
	if ((p = inv_profile_find(b->profiles, b->nprofiles, s)) == NULL) {
		rej(b, T, r, "unknown profile \"%s\"", inv_esc(e, s, len));
		return;
	}
	h->profile = (uint32_t)(p - b->profiles);
	s = cell(b, T, r, INV_H_ENABLED, &len);
	if (inv_parse01(s, len, 1, &v) == -1) {
		rej(b, T, r, "invalid enabled \"%s\" (expected 0 or 1)",
		    inv_esc(e, s, len));
		return;
	}
	h->enabled = (uint8_t)v;
	s = cell(b, T, r, INV_H_BUILD, &len);
	if (inv_parse01(s, len, 0, &v) == -1) {
		rej(b, T, r, "invalid build \"%s\" (expected 0 or 1)",
		    inv_esc(e, s, len));
		return;
	}
	h->build = (uint8_t)v;
	s = cell(b, T, r, INV_H_MEMORY_MB, &len);
	if (inv_parse_range(s, len, 1, INV_MEMORY_MB_MAX,
	    &h->memory_mb) == -1) {
		rej(b, T, r, "invalid memory_mb \"%s\" (expected 1..%d)",
		    inv_esc(e, s, len), INV_MEMORY_MB_MAX);
		return;
	}
	s = cell(b, T, r, INV_H_VCPUS, &len);
	if (inv_parse_range(s, len, 1, INV_VCPUS_MAX, &h->vcpus) == -1) {
		rej(b, T, r, "invalid vcpus \"%s\" (expected 1..%d)",
		    inv_esc(e, s, len), INV_VCPUS_MAX);
		return;
	}
	h->ok1 = 1;
}

/*
 * Every parsed key joins its duplicate group, whether or not the rest of
 * the row is good: if two rows claim one MAC and either is wrong, neither
 * is trusted. One table at a time keeps one table in the cache.
 */
static void
host_groups(struct build *b, size_t n)
{
	const struct dup_ops nops = { eq_hostname, b };
	const struct dup_ops mops = { eq_mac, b };
	const struct dup_ops iops = { eq_ip, b };
	struct hrow	*h = b->h;
	struct skey	 k;
	size_t		 r;

	for (r = 0; r < n; r++) {
		if (r + PREFETCH < n)
			slot_prefetch(&b->dname, h[r + PREFETCH].hname);
		if (!(h[r].keys & KEY_NAME))
			continue;
		k.s = h[r].name;
		k.len = h[r].nlen;
		k.h = h[r].hname;
		inv_dup_add(&b->dname, &nops, (uint32_t)r, k.h, &k);
	}
	for (r = 0; r < n; r++) {
		if (r + PREFETCH < n)
			slot_prefetch(&b->dmac, mix64(h[r + PREFETCH].mac));
		if (h[r].keys & KEY_MAC)
			inv_dup_add(&b->dmac, &mops, (uint32_t)r,
			    mix64(h[r].mac), &h[r].mac);
	}
	for (r = 0; r < n; r++) {
		if (r + PREFETCH < n)
			slot_prefetch(&b->dip, mix64(h[r + PREFETCH].ip));
		if (h[r].keys & KEY_IP)
			inv_dup_add(&b->dip, &iops, (uint32_t)r, mix64(h[r].ip),
			    &h[r].ip);
	}
}

static void
host_dups(struct build *b, size_t r)
{
	char		 list[REJECT_MAX / 2], str[ADDR_MAC_STRLEN];
	uint8_t		 mac[ADDR_MAC_LEN];
	uint64_t	 k;
	int		 i;

	if (inv_dup_size(&b->dname, (uint32_t)r) > 1) {
		others(b, INV_T_HOSTS, &b->dname, (uint32_t)r, list,
		    sizeof(list));
		rej(b, INV_T_HOSTS, r, "duplicate hostname (also %s)", list);
	} else if (inv_dup_size(&b->dmac, (uint32_t)r) > 1) {
		for (i = ADDR_MAC_LEN - 1, k = b->h[r].mac; i >= 0; i--) {
			mac[i] = (uint8_t)(k & 0xff);
			k >>= 8;
		}
		addr_mac_str(mac, str);
		others(b, INV_T_HOSTS, &b->dmac, (uint32_t)r, list,
		    sizeof(list));
		rej(b, INV_T_HOSTS, r, "duplicate MAC %s (also %s)", str, list);
	} else if (inv_dup_size(&b->dip, (uint32_t)r) > 1) {
		addr_ip4_str(b->h[r].ip, str);
		others(b, INV_T_HOSTS, &b->dip, (uint32_t)r, list,
		    sizeof(list));
		rej(b, INV_T_HOSTS, r, "duplicate IP %s (also %s)", str, list);
	}
}

/*
 * Row of the host named (s, len), whose hash_name() is h, that passed the
 * per-row checks, or NOROW.
 */
static uint32_t
host_row_find(const struct build *b, const char *s, size_t len, uint64_t h)
{
	const struct dup_ops ops = { eq_hostname, b };
	struct skey	 k;
	uint32_t	 f;

	k.s = s;
	k.len = len;
	k.h = h;
	f = inv_dup_find(&b->dname, &ops, h, &k);
	if (f == NOROW || b->dname.count[f] != 1 || !b->h[f].ok1)
		return NOROW;
	return f;
}

/* A guest needs an enabled dom0 that is no guest itself, and a vdisk. */
static void
host_guest(struct build *b, size_t r)
{
	const enum inv_table_id T = INV_T_HOSTS;
	char		 e[ESC_BUFSZ];
	const char	*s, *v;
	size_t		 len, vlen;
	uint32_t	 d;

	s = cell(b, T, r, INV_H_DOM0, &len);
	if (s == NULL || len == 0)
		return;
	if (name_eq(s, len, b->h[r].name, b->h[r].nlen)) {
		rej(b, T, r, "dom0 \"%s\" is the host itself",
		    inv_esc(e, s, len));
		return;
	}
	if ((d = host_row_find(b, s, len, hash_name(s, len))) == NOROW) {
		rej(b, T, r, "dom0 \"%s\" not found", inv_esc(e, s, len));
		return;
	}
	if (!b->h[d].enabled) {
		rej(b, T, r, "dom0 \"%s\" is disabled", inv_esc(e, s, len));
		return;
	}
	v = cell(b, T, d, INV_H_DOM0, &vlen);
	if (v != NULL && vlen > 0) {
		rej(b, T, r, "dom0 \"%s\" is itself a guest",
		    inv_esc(e, s, len));
		return;
	}
	v = cell(b, T, r, INV_H_VDISK, &vlen);
	if (v == NULL || vlen == 0) {
		rej(b, T, r, "guest without vdisk");
		return;
	}
	b->h[r].dom0 = d;
}

/*
 * Sort entry: the first 16 bytes of the lowercased hostname, big-endian,
 * decide most comparisons without touching the string.
 */
struct hsort {
	uint64_t	 k0;
	uint64_t	 k1;
	const char	*name;
	uint32_t	 row;
};

static void
hsort_init(struct hsort *e, const struct hrow *h, uint32_t row)
{
	size_t	 i;
	uint64_t c;

	e->k0 = e->k1 = 0;
	for (i = 0; i < 16; i++) {
		c = i < h->nlen ? (uint64_t)lower((unsigned char)h->name[i]) :
		    0;
		if (i < 8)
			e->k0 |= c << (56 - 8 * i);
		else
			e->k1 |= c << (56 - 8 * (i - 8));
	}
	e->name = h->name;
	e->row = row;
}

static int
hsort_lt(const struct hsort *x, const struct hsort *y)
{
	if (x->k0 != y->k0)
		return x->k0 < y->k0;
	if (x->k1 != y->k1)
		return x->k1 < y->k1;
	return name_cmp(x->name, y->name) < 0;
}

/*
 * Bottom-up merge sort of a[0..n) using tmp[0..n). qsort() moved these
 * 32-byte entries through memcpy() and was a third of a 100k-host build.
 */
static void
hsort_sort(struct hsort *a, struct hsort *tmp, size_t n)
{
	struct hsort	*src = a, *dst = tmp, *t;
	size_t		 w, lo, mid, hi, i, j, k;

	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = n - lo > w ? lo + w : n;
			hi = n - mid > w ? mid + w : n;
			for (i = lo, j = mid, k = lo; i < mid && j < hi; k++)
				dst[k] = hsort_lt(&src[j], &src[i]) ?
				    src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/*
 * addr_mac_str() and addr_ip4_str() go through snprintf(); for 100k hosts
 * that was a tenth of the build, so these two format by hand.
 */
static void
fmt_mac(const uint8_t mac[ADDR_MAC_LEN], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int	 i;

	for (i = 0; i < ADDR_MAC_LEN; i++) {
		buf[i * 3] = hex[mac[i] >> 4];
		buf[i * 3 + 1] = hex[mac[i] & 0xf];
		buf[i * 3 + 2] = i < ADDR_MAC_LEN - 1 ? ':' : '\0';
	}
}

static void
fmt_ip4(uint32_t ip, char *buf)
{
	unsigned int o;
	int	 sh;

	for (sh = 24; sh >= 0; sh -= 8) {
		o = (ip >> sh) & 0xff;
		if (o >= 100)
			*buf++ = (char)('0' + o / 100);
		if (o >= 10)
			*buf++ = (char)('0' + o / 10 % 10);
		*buf++ = (char)('0' + o % 10);
		*buf++ = sh > 0 ? '.' : '\0';
	}
}

/* Sorts the accepted hosts by hostname: sets each fidx and b->nhosts. */
static int
host_sort(struct build *b, size_t n)
{
	struct hsort	*hs, *tmp = NULL;
	size_t		 r, i, nh = 0;
	int		 rv = -1;

	if ((hs = inv_xcalloc(n, sizeof(*hs))) == NULL)
		goto done;
	for (r = 0; r < n; r++) {
		b->h[r].fidx = NOROW;
		if (b->why[INV_T_HOSTS][r] == NULL)
			hsort_init(&hs[nh++], &b->h[r], (uint32_t)r);
	}
	/* A DB asked to ORDER BY hostname sends them sorted already. */
	for (i = 1; i < nh && hsort_lt(&hs[i - 1], &hs[i]); i++)
		;
	if (i < nh) {
		if ((tmp = inv_xcalloc(nh, sizeof(*tmp))) == NULL)
			goto done;
		hsort_sort(hs, tmp, nh);
	}
	for (i = 0; i < nh; i++)
		b->h[hs[i].row].fidx = (uint32_t)i;
	b->nhosts = nh;
	rv = 0;
done:
	free(hs);
	free(tmp);
	return rv;
}

/* Fills the snapshot's hosts (sorted by hostname) and their guests. */
static int
host_fill(struct build *b)
{
	const enum inv_table_id T = INV_T_HOSTS;
	struct inv_host	*host;
	const struct inv_host **gv;
	struct hrow	*h;
	const char	*s;
	uint32_t	*goff = NULL, *gcnt = NULL;
	uint64_t	 k;
	size_t		 n, r, i, d, len, ng = 0;
	int		 j, rv = -1;

	n = inv_rows_count(b->rows, T);
	if (host_sort(b, n) == -1)
		goto done;
	b->hosts = inv_arena_alloc(b->a, b->nhosts * sizeof(*b->hosts),
	    _Alignof(struct inv_host));
	if (b->hosts == NULL ||
	    (gcnt = inv_xcalloc(b->nhosts, sizeof(*gcnt))) == NULL ||
	    (goff = inv_xcalloc(b->nhosts, sizeof(*goff))) == NULL)
		goto done;
	memset(b->hosts, 0, b->nhosts * sizeof(*b->hosts));

	/*
	 * In row order, so that the rows' cells are read sequentially; the
	 * writes land all over hosts[] unless the rows came sorted, hence
	 * the prefetch.
	 */
	for (r = 0; r < n; r++) {
		if (r + PREFETCH < n && b->h[r + PREFETCH].fidx != NOROW) {
			host = &b->hosts[b->h[r + PREFETCH].fidx];
			__builtin_prefetch(host, 1);
			__builtin_prefetch((char *)host + 64, 1);
			__builtin_prefetch((char *)host + 128, 1);
		}
		h = &b->h[r];
		if (h->fidx == NOROW)
			continue;
		host = &b->hosts[h->fidx];
		if ((host->hostname = inv_arena_strdup(b->a, h->name,
		    h->nlen)) == NULL)
			goto done;
		for (j = ADDR_MAC_LEN - 1, k = h->mac; j >= 0; j--) {
			host->mac[j] = (uint8_t)(k & 0xff);
			k >>= 8;
		}
		fmt_mac(host->mac, host->macstr);
		host->ip = h->ip;
		fmt_ip4(h->ip, host->ipstr);
		host->profile = &b->profiles[h->profile];
		host->enabled = h->enabled;
		host->build = h->build;
		host->dom0_name = inv_empty;
		s = cell(b, T, r, INV_H_VDISK, &len);
		if ((host->vdisk = inv_arena_strdup(b->a, s, len)) == NULL)
			goto done;
		host->memory_mb = h->memory_mb;
		host->vcpus = h->vcpus;
		s = cell(b, T, r, INV_H_UPDATED_AT, &len);
		if ((host->updated_at = inv_arena_strdup(b->a, s, len)) == NULL)
			goto done;
		if (h->dom0 != NOROW) {
			d = b->h[h->dom0].fidx;
			host->dom0 = &b->hosts[d];
			gcnt[d]++;
			ng++;
		}
	}

	/* Walking hosts in order fills each dom0's guests sorted. */
	gv = inv_arena_alloc(b->a, ng * sizeof(*gv), _Alignof(void *));
	if (gv == NULL)
		goto done;
	for (i = 0, ng = 0; i < b->nhosts; i++) {
		goff[i] = (uint32_t)ng;
		ng += gcnt[i];
		b->hosts[i].guests = gcnt[i] > 0 ? gv + goff[i] : NULL;
	}
	for (i = 0; i < b->nhosts; i++) {
		if (b->hosts[i].dom0 == NULL)
			continue;
		d = (size_t)(b->hosts[i].dom0 - b->hosts);
		b->hosts[i].dom0_name = b->hosts[d].hostname;
		gv[goff[d] + b->hosts[d].nguests++] = &b->hosts[i];
	}
	rv = 0;
done:
	free(gcnt);
	free(goff);
	return rv;
}

static int
build_hosts(struct build *b)
{
	size_t	 n, r;
	int	 rv = -1;

	n = inv_rows_count(b->rows, INV_T_HOSTS);
	if ((b->h = inv_xcalloc(n, sizeof(*b->h))) == NULL ||
	    inv_dup_init(&b->dname, n) == -1 ||
	    inv_dup_init(&b->dmac, n) == -1 ||
	    inv_dup_init(&b->dip, n) == -1)
		goto done;
	for (r = 0; r < n; r++)
		host_keys(b, r);
	host_groups(b, n);
	for (r = 0; r < n; r++)
		host_row(b, r);
	for (r = 0; r < n; r++) {
		if (b->h[r].ok1)
			host_dups(b, r);
		b->h[r].ok1 = b->why[INV_T_HOSTS][r] == NULL;
	}
	/* Only the hostname groups serve later lookups. */
	inv_dup_free(&b->dmac);
	inv_dup_free(&b->dip);
	for (r = 0; r < n; r++)
		if (b->h[r].ok1)
			host_guest(b, r);
	if (b->enomem)
		goto done;
	rv = host_fill(b);
done:
	if (rv == -1)
		b->enomem = 1;
	return rv;
}

/*
 * Host variables
 */

struct vsort {
	uint32_t	 host;		/* index into b->hosts */
	uint32_t	 row;
	const char	*name;
};

static int
cmp_vsort(const void *a, const void *b)
{
	const struct vsort *x = a, *y = b;
	int		 c;

	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int
cmp_vname(const void *a, const void *b)
{
	const struct vsort *x = a, *y = b;
	int		 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * Sorts vs[0..nv) by host, name, row: a stable counting sort by host, then
 * each host's vars by name (usually a handful: insertion sort). Returns the
 * sorted array (vs or a new one, the other freed), or NULL on ENOMEM.
 */
static struct vsort *
var_sort(struct vsort *vs, size_t nv, size_t nhosts)
{
	struct vsort	*out = NULL, t;
	uint32_t	*pos = NULL;
	size_t		 i, j, lo, hi, h;

	for (i = 1; i < nv && cmp_vsort(&vs[i - 1], &vs[i]) < 0; i++)
		;
	if (i >= nv)
		return vs;
	if ((pos = inv_xcalloc(nhosts + 1, sizeof(*pos))) == NULL ||
	    (out = inv_xcalloc(nv, sizeof(*out))) == NULL)
		goto done;
	for (i = 0; i < nv; i++)
		pos[vs[i].host + 1]++;
	for (h = 0; h < nhosts; h++)
		pos[h + 1] += pos[h];
	for (i = 0; i < nv; i++)
		out[pos[vs[i].host]++] = vs[i];
	/* pos[h] is now where host h's vars end. */
	for (h = 0, lo = 0; h < nhosts; h++, lo = hi) {
		hi = pos[h];
		if (hi - lo > 8) {
			qsort(out + lo, hi - lo, sizeof(*out), cmp_vname);
			continue;
		}
		for (i = lo + 1; i < hi; i++) {
			t = out[i];
			for (j = i; j > lo && strcmp(out[j - 1].name,
			    t.name) > 0; j--)
				out[j] = out[j - 1];
			out[j] = t;
		}
	}
done:
	free(pos);
	if (out == NULL)
		return NULL;
	free(vs);
	return out;
}

/* Rejects every copy vs[i..j) of one (host, name) pair. */
static void
var_dups(struct build *b, const struct vsort *vs, size_t i, size_t j)
{
	char	 list[REJECT_MAX / 2];
	size_t	 r, k, o, shown;

	for (r = i; r < j; r++) {
		list[0] = '\0';
		for (k = i, o = 0, shown = 0; k < j && shown < OTHERS_MAX;
		    k++) {
			if (k == r)
				continue;
			snprintf(list + o, sizeof(list) - o, "%srow %u",
			    shown ? ", " : "", vs[k].row + 1);
			o += strlen(list + o);
			shown++;
		}
		if (j - i - 1 > shown)
			snprintf(list + o, sizeof(list) - o, " and %zu more",
			    j - i - 1 - shown);
		rej(b, INV_T_VARS, vs[r].row, "duplicate variable (also %s)",
		    list);
	}
}

static int
build_vars(struct build *b)
{
	const enum inv_table_id T = INV_T_VARS;
	struct vsort	*vs = NULL, *sorted;
	struct inv_var	*vars, *v;
	struct inv_host	*host;
	const char	*s, *name, *ps = NULL;
	uint64_t	*hk = NULL;
	size_t		 n, r, i, j, m, nv = 0, len, nlen, plen = 0;
	uint32_t	 hr = NOROW;
	int		 rv = -1;

	n = inv_rows_count(b->rows, T);
	if ((vs = inv_xcalloc(n, sizeof(*vs))) == NULL ||
	    (hk = inv_xcalloc(n, sizeof(*hk))) == NULL)
		goto done;
	/* Hostname hashes first, so that lookups can prefetch their slot. */
	for (r = 0; r < n; r++)
		if ((s = cell(b, T, r, INV_V_HOSTNAME, &len)) != NULL)
			hk[r] = hash_name(s, len);
	for (r = 0; r < n; r++) {
		if (r + PREFETCH < n)
			slot_prefetch(&b->dname, hk[r + PREFETCH]);
		s = cell(b, T, r, INV_V_HOSTNAME, &len);
		name = cell(b, T, r, INV_V_NAME, &nlen);
		if (s == NULL || len == 0) {
			rej(b, T, r, "missing hostname");
			continue;
		}
		if (name == NULL || nlen == 0) {
			rej(b, T, r, "missing name");
			continue;
		}
		/* Rows of one host tend to come together: reuse its lookup. */
		if (ps == NULL || plen != len || memcmp(ps, s, len) != 0) {
			hr = host_row_find(b, s, len, hk[r]);
			ps = s;
			plen = len;
		}
		if (hr == NOROW || b->h[hr].fidx == NOROW) {
			rej(b, T, r, "unknown host");
			continue;
		}
		if (nlen > INV_VAR_NAME_MAX) {
			rej(b, T, r, "variable name longer than %d bytes",
			    INV_VAR_NAME_MAX);
			continue;
		}
		if (!inv_var_name_ok(name, nlen)) {
			rej(b, T, r, "invalid variable name (expected "
			    "[A-Za-z_][A-Za-z0-9_]*)");
			continue;
		}
		if (inv_var_name_reserved(name, b->reserved)) {
			rej(b, T, r, "shadows a built-in variable");
			continue;
		}
		if (rej_bad_cells(b, T, r, INV_V_VALUE) == -1)
			continue;
		vs[nv].host = b->h[hr].fidx;
		vs[nv].row = (uint32_t)r;
		vs[nv++].name = name;
	}
	if ((sorted = var_sort(vs, nv, b->nhosts)) == NULL)
		goto done;
	vs = sorted;

	/* Equal (host, name) pairs are now adjacent, in row order. */
	for (i = 0, m = 0; i < nv; i = j) {
		for (j = i + 1; j < nv && vs[j].host == vs[i].host &&
		    strcmp(vs[j].name, vs[i].name) == 0; j++)
			;
		if (j - i == 1)
			vs[m++] = vs[i];
		else
			var_dups(b, vs, i, j);
	}
	nv = m;
	if (b->enomem)
		goto done;

	vars = inv_arena_alloc(b->a, nv * sizeof(*vars),
	    _Alignof(struct inv_var));
	if (vars == NULL)
		goto done;
	for (i = 0; i < nv; i++) {
		v = &vars[i];
		s = cell(b, T, vs[i].row, INV_V_NAME, &len);
		if ((v->name = inv_arena_strdup(b->a, s, len)) == NULL)
			goto done;
		s = cell(b, T, vs[i].row, INV_V_VALUE, &len);
		if ((v->value = inv_arena_strdup(b->a, s, len)) == NULL)
			goto done;
		host = &b->hosts[vs[i].host];
		if (host->nvars++ == 0)
			host->vars = v;
	}
	rv = 0;
done:
	if (rv == -1)
		b->enomem = 1;
	free(vs);
	free(hk);
	return rv;
}

/*
 * Snapshot
 */

/* Inserts host index i + 1 under hash h. */
static void
index_put(uint32_t *tab, size_t mask, uint64_t h, size_t i)
{
	size_t	 j;

	for (j = h & mask; tab[j] != 0; j = (j + 1) & mask)
		;
	tab[j] = (uint32_t)i + 1;
}

static uint64_t
index_hash(const struct hrow *h, int which)
{
	switch (which) {
	case 0:
		return mix64(h->mac);
	case 1:
		return mix64(h->ip);
	default:
		return h->hname;
	}
}

/* In row order: the hash inputs are then read sequentially. */
static int
build_index(struct build *b, struct inv_snapshot *snap)
{
	struct inv_priv	*pv = snap->priv;
	const struct hrow *h = b->h;
	uint32_t	*tab[3];
	size_t		 sz, n, r;
	int		 w;

	n = inv_rows_count(b->rows, INV_T_HOSTS);
	sz = table_size(b->nhosts);
	pv->mask = sz - 1;
	for (w = 0; w < 3; w++) {
		if ((tab[w] = inv_arena_alloc(b->a, sz * sizeof(uint32_t),
		    _Alignof(uint32_t))) == NULL)
			return -1;
		memset(tab[w], 0, sz * sizeof(uint32_t));
		for (r = 0; r < n; r++) {
			if (r + PREFETCH < n)
				__builtin_prefetch(&tab[w][index_hash(
				    &h[r + PREFETCH], w) & pv->mask]);
			if (h[r].fidx != NOROW)
				index_put(tab[w], pv->mask,
				    index_hash(&h[r], w), h[r].fidx);
		}
	}
	pv->by_mac = tab[0];
	pv->by_ip = tab[1];
	pv->by_name = tab[2];
	return 0;
}

static int
build_rejects(struct build *b, struct inv_snapshot *snap)
{
	const char	**rl;
	size_t		 n = 0, r;
	int		 t;

	for (t = 0; t < INV_T_MAX; t++)
		for (r = 0; r < inv_rows_count(b->rows, t); r++)
			if (b->why[t][r] != NULL)
				n++;
	if ((rl = inv_arena_alloc(b->a, n * sizeof(*rl),
	    _Alignof(void *))) == NULL)
		return -1;
	snap->rejects = rl;
	snap->nrejects = n;
	for (t = 0; t < INV_T_MAX; t++)
		for (r = 0; r < inv_rows_count(b->rows, t); r++)
			if (b->why[t][r] != NULL)
				*rl++ = b->why[t][r];
	return 0;
}

struct inv_snapshot *
inv_build_with(const struct inv_rows *rows, const struct inv_build_opts *opts)
{
	struct inv_arena arena = { NULL, SNAP_CHUNK };
	struct inv_snapshot *snap = NULL;
	struct inv_priv	*pv;
	struct build	 b;
	int		 t;

	memset(&b, 0, sizeof(b));
	b.rows = rows;
	b.reserved = opts != NULL ? opts->reserved_vars : NULL;
	b.a = &arena;
	for (t = 0; t < INV_T_MAX; t++)
		if ((b.why[t] = inv_xcalloc(inv_rows_count(rows, t),
		    sizeof(*b.why[t]))) == NULL)
			goto fail;
	/* The snapshot lives inside its own arena. */
	snap = inv_arena_alloc(&arena, sizeof(*snap),
	    _Alignof(struct inv_snapshot));
	pv = inv_arena_alloc(&arena, sizeof(*pv), _Alignof(struct inv_priv));
	if (snap == NULL || pv == NULL)
		goto fail;
	memset(snap, 0, sizeof(*snap));
	memset(pv, 0, sizeof(*pv));
	snap->priv = pv;
	snap->generation = inv_rows_generation(rows);

	if (build_profiles(&b) == -1 || build_hosts(&b) == -1 ||
	    build_vars(&b) == -1 || b.enomem)
		goto fail;
	snap->profiles = b.profiles;
	snap->nprofiles = b.nprofiles;
	snap->hosts = b.hosts;
	snap->nhosts = b.nhosts;
	if (build_index(&b, snap) == -1 || build_rejects(&b, snap) == -1)
		goto fail;
	atomic_init(&pv->refs, 1);
	pv->arena = arena;
	goto done;
fail:
	inv_arena_free(&arena);
	snap = NULL;
	errno = ENOMEM;
done:
	for (t = 0; t < INV_T_MAX; t++)
		free(b.why[t]);
	free(b.h);
	inv_dup_free(&b.dname);
	inv_dup_free(&b.dmac);
	inv_dup_free(&b.dip);
	return snap;
}


struct inv_snapshot *
inv_build(const struct inv_rows *rows)
{
	return inv_build_with(rows, NULL);
}
