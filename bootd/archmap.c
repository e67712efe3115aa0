/* SPDX-License-Identifier: ISC */
/*
 * archmap: a small open-addressed table IP -> client architecture.
 */
#include "bootd/archmap.h"

static uint32_t
slot(uint32_t ip)
{
	/* Fibonacci hashing spreads neighbouring addresses. */
	return (ip * 2654435769u) >> 20 & (ARCHMAP_SIZE - 1);
}

void
archmap_set(struct archmap *m, uint32_t ip, int arch)
{
	uint32_t i, s = slot(ip);

	if (ip == 0)
		return;
	for (i = 0; i < ARCHMAP_PROBE; i++) {
		struct archmap_ent *e = &m->e[(s + i) & (ARCHMAP_SIZE - 1)];

		if (e->ip == ip || e->ip == 0) {
			e->ip = ip;
			e->arch = arch;
			return;
		}
	}
	/* All probed slots taken by others: overwrite one, round robin. */
	i = m->next_evict++ % ARCHMAP_PROBE;
	m->e[(s + i) & (ARCHMAP_SIZE - 1)].ip = ip;
	m->e[(s + i) & (ARCHMAP_SIZE - 1)].arch = arch;
}

int
archmap_get(const struct archmap *m, uint32_t ip)
{
	uint32_t i, s = slot(ip);

	if (ip == 0)
		return -1;
	for (i = 0; i < ARCHMAP_PROBE; i++) {
		const struct archmap_ent *e =
		    &m->e[(s + i) & (ARCHMAP_SIZE - 1)];

		if (e->ip == ip)
			return e->arch;
		if (e->ip == 0)
			break;
	}
	return -1;
}
