/* SPDX-License-Identifier: ISC */
/*
 * inv_dup: duplicate groups. Rows whose key parses are grouped by equal
 * key, so that a MAC, IP or name claimed twice rejects every claimant.
 * Pure.
 */
#include <stdlib.h>
#include <string.h>

#include "db/inv_priv.h"

int
inv_dup_init(struct dup *d, size_t n)
{
	size_t	 i, sz = table_size(n);

	memset(d, 0, sizeof(*d));
	d->mask = sz - 1;
	d->slot = inv_xcalloc(sz, sizeof(*d->slot));
	d->first = inv_xcalloc(n, sizeof(*d->first));
	d->next = inv_xcalloc(n, sizeof(*d->next));
	d->last = inv_xcalloc(n, sizeof(*d->last));
	d->count = inv_xcalloc(n, sizeof(*d->count));
	if (d->slot == NULL || d->first == NULL || d->next == NULL ||
	    d->last == NULL || d->count == NULL)
		return -1;
	for (i = 0; i < n; i++)
		d->first[i] = d->next[i] = NOROW;
	return 0;
}

void
inv_dup_free(struct dup *d)
{
	free(d->slot);
	free(d->first);
	free(d->next);
	free(d->last);
	free(d->count);
	memset(d, 0, sizeof(*d));
}

void
inv_dup_add(struct dup *d, const struct dup_ops *ops, uint32_t row, uint64_t h,
    const void *key)
{
	size_t	 i;
	uint32_t f;

	for (i = h & d->mask; d->slot[i] != 0; i = (i + 1) & d->mask) {
		f = d->slot[i] - 1;
		if (ops->eq(ops->ctx, f, key)) {
			d->next[d->last[f]] = row;
			d->last[f] = row;
			d->count[f]++;
			d->first[row] = f;
			return;
		}
	}
	d->slot[i] = row + 1;
	d->first[row] = d->last[row] = row;
	d->count[row] = 1;
}

uint32_t
inv_dup_find(const struct dup *d, const struct dup_ops *ops, uint64_t h,
    const void *key)
{
	size_t	 i;

	for (i = h & d->mask; d->slot[i] != 0; i = (i + 1) & d->mask)
		if (ops->eq(ops->ctx, d->slot[i] - 1, key))
			return d->slot[i] - 1;
	return NOROW;
}

uint32_t
inv_dup_size(const struct dup *d, uint32_t row)
{
	return d->first[row] == NOROW ? 0 : d->count[d->first[row]];
}

