/* SPDX-License-Identifier: ISC */
/*
 * inv_rows: raw rows as loaded (from the DB or the cache file), kept in an
 * arena, and the names of the tables and columns. Pure: no I/O, no
 * logging, no clock, no mutable globals.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db/inv_priv.h"

static const char *const inv_profile_cols[INV_P_NCOLS] = {
	"name", "kind", "kernel", "initrd", "append", "kickstart",
	"menu_label", "selectable", "bootfile_bios", "bootfile_efi64",
	"bootfile_arm64", "bootfile_ipxe", "stall_timeout"
};
static const char *const inv_host_cols[INV_H_NCOLS] = {
	"hostname", "mac", "ip", "profile", "enabled", "build", "dom0",
	"vdisk", "memory_mb", "vcpus", "updated_at"
};
static const char *const inv_var_cols[INV_V_NCOLS] = {
	"hostname", "name", "value"
};

const char *const *const inv_col_names[INV_T_MAX] = {
	inv_profile_cols, inv_host_cols, inv_var_cols
};
const int inv_ncols[INV_T_MAX] = { INV_P_NCOLS, INV_H_NCOLS, INV_V_NCOLS };
const char *const inv_table_names[INV_T_MAX] = {
	"profiles", "hosts", "host_vars"
};
const char *const inv_kind_names[INV_KIND_MAX] = {
	"diskless", "install", "local"
};
const char *const inv_boot_names[INV_BOOT_MAX] = {
	"bios", "efi64", "arm64", "ipxe"
};

_Static_assert(INV_P_BOOTFILE_IPXE - INV_P_BOOTFILE_BIOS ==
    INV_BOOT_IPXE - INV_BOOT_BIOS, "bootfile columns follow enum inv_boot");

const char inv_empty[] = "";

void *
inv_arena_alloc(struct inv_arena *a, size_t n, size_t align)
{
	struct inv_chunk *c = a->head;
	size_t		 off;

	if (c != NULL) {
		off = (c->used + align - 1) & ~(align - 1);
		if (off <= c->size && n <= c->size - off) {
			c->used = off + n;
			return (char *)c + CHUNK_HDR + off;
		}
	}
	if (n > a->chunk / 4) {
		if (n > SIZE_MAX - CHUNK_HDR ||
		    (c = malloc(CHUNK_HDR + n)) == NULL)
			return NULL;
		c->used = c->size = n;
		if (a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = NULL;
			a->head = c;
		}
		return (char *)c + CHUNK_HDR;
	}
	if ((c = malloc(CHUNK_HDR + a->chunk)) == NULL)
		return NULL;
	c->size = a->chunk;
	c->used = n;
	c->next = a->head;
	a->head = c;
	return (char *)c + CHUNK_HDR;
}

const char *
inv_arena_strdup(struct inv_arena *a, const char *s, size_t len)
{
	char	*p;

	if (len == 0)
		return inv_empty;
	if (len == SIZE_MAX || (p = inv_arena_alloc(a, len + 1, 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
inv_arena_free(struct inv_arena *a)
{
	struct inv_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

void *
inv_xcalloc(size_t n, size_t size)
{
	return calloc(n > 0 ? n : 1, size);
}

/*
 * Raw rows
 */

struct inv_rtable {
	const char	**cell;		/* nrows * ncols; NULL = SQL NULL */
	uint32_t	 *len;
	size_t		  nrows;
	size_t		  cap;		/* rows */
};

struct inv_rows {
	uint64_t	 generation;
	struct inv_arena arena;
	struct inv_rtable t[INV_T_MAX];
};

struct inv_rows *
inv_rows_new(uint64_t generation)
{
	struct inv_rows *rows;

	if ((rows = calloc(1, sizeof(*rows))) == NULL)
		return NULL;
	rows->generation = generation;
	rows->arena.chunk = ROWS_CHUNK;
	return rows;
}

void
inv_rows_free(struct inv_rows *rows)
{
	int	 t;

	if (rows == NULL)
		return;
	for (t = 0; t < INV_T_MAX; t++) {
		free(rows->t[t].cell);
		free(rows->t[t].len);
	}
	inv_arena_free(&rows->arena);
	free(rows);
}

uint64_t
inv_rows_generation(const struct inv_rows *rows)
{
	return rows->generation;
}

void
inv_rows_set_generation(struct inv_rows *rows, uint64_t generation)
{
	rows->generation = generation;
}

size_t
inv_rows_count(const struct inv_rows *rows, enum inv_table_id t)
{
	if (rows == NULL || (unsigned)t >= INV_T_MAX)
		return 0;
	return rows->t[t].nrows;
}

int
inv_rows_reserve(struct inv_rows *rows, enum inv_table_id t, size_t n)
{
	struct inv_rtable *rt;
	const char	**cell;
	uint32_t	 *len;
	size_t		  want, nc;

	if ((unsigned)t >= INV_T_MAX) {
		errno = EINVAL;
		return -1;
	}
	rt = &rows->t[t];
	if (n <= rt->cap - rt->nrows)
		return 0;
	if (n > INV_ROWS_MAX - rt->nrows) {
		errno = EOVERFLOW;
		return -1;
	}
	want = rt->nrows + n;
	nc = (size_t)inv_ncols[t];
	if (want > SIZE_MAX / nc / sizeof(*cell)) {
		errno = ENOMEM;
		return -1;
	}
	if ((cell = realloc(rt->cell, want * nc * sizeof(*cell))) == NULL)
		return -1;
	rt->cell = cell;
	if ((len = realloc(rt->len, want * nc * sizeof(*len))) == NULL)
		return -1;
	rt->len = len;
	rt->cap = want;
	return 0;
}

int
inv_rows_add(struct inv_rows *rows, enum inv_table_id t,
    const char *const *cells, const size_t *lens)
{
	struct inv_rtable *rt;
	const char	 *p;
	size_t		  i, nc, base, l;

	if ((unsigned)t >= INV_T_MAX) {
		errno = EINVAL;
		return -1;
	}
	rt = &rows->t[t];
	nc = (size_t)inv_ncols[t];
	if (rt->nrows == rt->cap && inv_rows_reserve(rows, t,
	    rt->cap < 64 ? 64 : rt->cap) == -1 &&
	    inv_rows_reserve(rows, t, 1) == -1)
		return -1;
	base = rt->nrows * nc;
	for (i = 0; i < nc; i++) {
		if (cells[i] == NULL) {
			rt->cell[base + i] = NULL;
			rt->len[base + i] = 0;
			continue;
		}
		l = lens != NULL ? lens[i] : strlen(cells[i]);
		if (l > UINT32_MAX - 1) {
			errno = EOVERFLOW;
			return -1;
		}
		if ((p = inv_arena_strdup(&rows->arena, cells[i], l)) == NULL)
			return -1;
		rt->cell[base + i] = p;
		rt->len[base + i] = (uint32_t)l;
	}
	rt->nrows++;
	return 0;
}

const char *
inv_rows_cell(const struct inv_rows *rows, enum inv_table_id t, size_t r,
    int c, size_t *len)
{
	const struct inv_rtable *rt;
	size_t		 i;

	if (len != NULL)
		*len = 0;
	if ((unsigned)t >= INV_T_MAX || c < 0 || c >= inv_ncols[t])
		return NULL;
	rt = &rows->t[t];
	if (r >= rt->nrows)
		return NULL;
	i = r * (size_t)inv_ncols[t] + (size_t)c;
	if (len != NULL)
		*len = rt->len[i];
	return rt->cell[i];
}

