/* SPDX-License-Identifier: ISC */
/*
 * inv_priv: what the inventory's files share and nothing outside db/ may
 * use: the arena, hashing, the snapshot's private part, duplicate groups
 * and the validators. Pure, like inventory.h.
 */
#ifndef BOOTD_INV_PRIV_H
#define BOOTD_INV_PRIV_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bootd/escape.h"
#include "db/inventory.h"

/* What SQL NULL and empty cells point at: no arena space for them. */
extern const char inv_empty[];

#define NOROW		UINT32_MAX
#define ESC_MAX		64		/* bytes of a value shown in a reject */
#define ESC_BUFSZ	ESCAPE_BUFSZ(ESC_MAX)
#define REJECT_MAX	2048		/* longest reject line */
#define OTHERS_MAX	3		/* others named in a duplicate reject */

/*
 * A bump allocator: everything of one inv_rows or one snapshot lives in a
 * few big chunks and is freed at once. Requests over a quarter of a chunk
 * get a chunk of their own, linked behind the head so the head keeps its
 * free space.
 */
struct inv_chunk {
	struct inv_chunk *next;
	size_t		 used;
	size_t		 size;
};

#define CHUNK_HDR	((sizeof(struct inv_chunk) + 15) & ~(size_t)15)
#define ROWS_CHUNK	(1024 * 1024)
#define SNAP_CHUNK	(1024 * 1024)

struct inv_arena {
	struct inv_chunk *head;
	size_t		 chunk;
};

/* inv_rows.c: the arena (n bytes aligned to align, a power of 2). */
void		*inv_arena_alloc(struct inv_arena *a, size_t n, size_t align);
/* Copies len bytes and a NUL; "" costs nothing. NULL on ENOMEM. */
const char	*inv_arena_strdup(struct inv_arena *a, const char *s,
		    size_t len);
void		 inv_arena_free(struct inv_arena *a);
/* calloc that treats 0 elements as 1, so NULL always means ENOMEM. */
void		*inv_xcalloc(size_t n, size_t size);

/*
 * Hashing
 */

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Hostnames compare ASCII case-insensitively (RFC 4343), so hash folded. */
static inline uint64_t
hash_name(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= (uint64_t)lower((unsigned char)s[i]);
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

static inline uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

static inline int
name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	 i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static inline int
name_cmp(const char *a, const char *b)
{
	int	 ca, cb;

	for (;; a++, b++) {
		ca = lower((unsigned char)*a);
		cb = lower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

static inline uint64_t
mac_key(const uint8_t mac[ADDR_MAC_LEN])
{
	uint64_t k = 0;
	int	 i;

	for (i = 0; i < ADDR_MAC_LEN; i++)
		k = k << 8 | mac[i];
	return k;
}

static inline size_t
table_size(size_t n)
{
	size_t	 sz = 16;

	while (sz < n * 2)
		sz <<= 1;
	return sz;
}

/*
 * Indexes are open-addressing tables of host index + 1 (0 = empty), at most
 * half full; everything lives in the snapshot's arena.
 */
struct inv_priv {
	atomic_uint	 refs;
	struct inv_arena arena;
	uint32_t	*by_mac;
	uint32_t	*by_ip;
	uint32_t	*by_name;
	size_t		 mask;
};

/*
 * Building: duplicate groups
 *
 * Rows whose key parses are grouped by equal key: slot[] maps a key to the
 * group's first row, next[] links a group's rows in row order. The hostname
 * groups double as the name lookup while guests and host_vars are checked.
 */
struct dup {
	uint32_t	*slot;		/* first row + 1; 0 empty */
	size_t		 mask;
	uint32_t	*first;		/* per row: first row of its group */
	uint32_t	*next;		/* per row: next row, or NOROW */
	uint32_t	*last;		/* per first row */
	uint32_t	*count;		/* per first row */
};

/* Key comparison: does row's key equal key? */
struct dup_ops {
	int	(*eq)(const void *ctx, uint32_t row, const void *key);
	const void *ctx;
};

/* inv_dup.c: n rows, no group yet. Returns 0, or -1 on ENOMEM. */
int	 inv_dup_init(struct dup *d, size_t n);
void	 inv_dup_free(struct dup *d);
/* Adds row, whose key (hash h) is key, to its group. */
void	 inv_dup_add(struct dup *d, const struct dup_ops *ops, uint32_t row,
	    uint64_t h, const void *key);
/* The first row of key's group, or NOROW. */
uint32_t inv_dup_find(const struct dup *d, const struct dup_ops *ops,
	    uint64_t h, const void *key);
/* Rows in row's group; 0 when row has no key. */
uint32_t inv_dup_size(const struct dup *d, uint32_t row);

/*
 * inv_valid.c: the checks of single cells. Each takes the cell's bytes.
 */

/* "0" / "1"; NULL gives def. Returns 0 or -1. */
int	 inv_parse01(const char *s, size_t len, int def, int *out);
/* Decimal min..max (at most 10 digits); NULL gives 0. Returns 0 or -1. */
int	 inv_parse_range(const char *s, size_t len, int min, int max,
	    int *out);
/* RFC 1123 §2.1 hostname; NULL when valid, else what is wrong. */
const char *inv_hostname_why(const char *s, size_t len);
/* Non-zero when s is a valid profile name (A-Z a-z 0-9 . _ -). */
int	 inv_profile_name_ok(const char *s, size_t len);
/* Non-zero when s is a valid host_var name ([A-Za-z_][A-Za-z0-9_]*). */
int	 inv_var_name_ok(const char *s, size_t len);
/* Non-zero when name is in reserved (NULL-terminated; NULL: none). */
int	 inv_var_name_reserved(const char *name, const char *const *reserved);
/*
 * First cell of row r of table t from column c0 on holding a NUL byte or
 * more than INV_VALUE_MAX bytes: returns its column and sets *toolong, or
 * -1.
 */
int	 inv_bad_cell(const struct inv_rows *rows, enum inv_table_id t,
	    size_t r, int c0, int *toolong);
/* A value quoted for a reject line, cut at ESC_MAX bytes. Returns buf. */
const char *inv_esc(char buf[ESC_BUFSZ], const char *s, size_t len);

/* inv_lookup.c: binary search of profiles sorted by name, or NULL. */
const struct inv_profile *inv_profile_find(const struct inv_profile *p,
	    size_t n, const char *name);

#endif
