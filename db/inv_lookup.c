/* SPDX-License-Identifier: ISC */
/*
 * inv_lookup: holding and releasing a snapshot, and finding hosts by MAC,
 * IPv4 and hostname in its indexes, profiles and host_vars by name. Pure.
 */
#include <stdatomic.h>
#include <string.h>

#include "db/inv_priv.h"

const struct inv_profile *
inv_profile_find(const struct inv_profile *p, size_t n, const char *name)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, p[mid].name);
		if (c == 0)
			return &p[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct inv_snapshot *
inv_ref(struct inv_snapshot *snap)
{
	if (snap != NULL)
		atomic_fetch_add_explicit(&snap->priv->refs, 1,
		    memory_order_relaxed);
	return snap;
}

void
inv_unref(struct inv_snapshot *snap)
{
	struct inv_arena arena;

	if (snap == NULL)
		return;
	/* Release pairs with the acquire fence of the last holder. */
	if (atomic_fetch_sub_explicit(&snap->priv->refs, 1,
	    memory_order_release) != 1)
		return;
	atomic_thread_fence(memory_order_acquire);
	arena = snap->priv->arena;	/* snap lives inside the arena */
	inv_arena_free(&arena);
}

const struct inv_host *
inv_by_mac(const struct inv_snapshot *snap, const uint8_t mac[ADDR_MAC_LEN])
{
	const struct inv_priv *pv = snap->priv;
	size_t		 i;
	uint64_t	 k = mac_key(mac);

	for (i = mix64(k) & pv->mask; pv->by_mac[i] != 0;
	    i = (i + 1) & pv->mask)
		if (mac_key(snap->hosts[pv->by_mac[i] - 1].mac) == k)
			return &snap->hosts[pv->by_mac[i] - 1];
	return NULL;
}

const struct inv_host *
inv_by_ip(const struct inv_snapshot *snap, uint32_t ip)
{
	const struct inv_priv *pv = snap->priv;
	size_t		 i;

	for (i = mix64(ip) & pv->mask; pv->by_ip[i] != 0;
	    i = (i + 1) & pv->mask)
		if (snap->hosts[pv->by_ip[i] - 1].ip == ip)
			return &snap->hosts[pv->by_ip[i] - 1];
	return NULL;
}

const struct inv_host *
inv_by_name(const struct inv_snapshot *snap, const char *hostname)
{
	const struct inv_priv *pv = snap->priv;
	const struct inv_host *h;
	size_t		 i, len;

	if (hostname == NULL)
		return NULL;
	len = strlen(hostname);
	for (i = hash_name(hostname, len) & pv->mask; pv->by_name[i] != 0;
	    i = (i + 1) & pv->mask) {
		h = &snap->hosts[pv->by_name[i] - 1];
		if (name_eq(h->hostname, strlen(h->hostname), hostname, len))
			return h;
	}
	return NULL;
}

const struct inv_profile *
inv_profile_by_name(const struct inv_snapshot *snap, const char *name)
{
	if (name == NULL)
		return NULL;
	return inv_profile_find(snap->profiles, snap->nprofiles, name);
}

int64_t
inv_stall_ms(const struct inv_host *host, int def_s)
{
	int	s = host->profile->stall_timeout;

	return (int64_t)(s >= 0 ? s : def_s) * 1000;
}

const char *
inv_var_get(const struct inv_host *host, const char *name)
{
	size_t	 lo = 0, hi, mid;
	int	 c;

	if (host == NULL || name == NULL)
		return NULL;
	hi = host->nvars;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, host->vars[mid].name);
		if (c == 0)
			return host->vars[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
