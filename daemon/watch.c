/* SPDX-License-Identifier: ISC */
/*
 * watch: hosts' tracks, the ring of recent events with per-host chains,
 * the discovered MACs (see watch.h). Pure: no I/O, no clock, no logging.
 */
#include <stdlib.h>
#include <string.h>

#include "bootd/addr.h"
#include "daemon/watch.h"

const char *const watch_src_names[WATCH_SRC_MAX] = {
	[WATCH_SRC_DHCP] = "dhcp",
	[WATCH_SRC_TFTP] = "tftp",
	[WATCH_SRC_HTTP] = "http",
};

/* Copies src into dst (len bytes), cut between UTF-8 characters. */
static void
copy_cut(char *dst, size_t len, const char *src)
{
	size_t n = src != NULL ? strnlen(src, len) : 0;

	if (n == len) {
		n = len - 1;
		/* Not in the middle of a character: back off its tail. */
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

struct watch *
watch_new(size_t events_kept, size_t disc_kept)
{
	struct watch	*w;
	size_t		 m;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->cap = events_kept > 0 ? events_kept : 1;
	w->next_seq = 1;
	if ((w->ring = calloc(w->cap, sizeof(*w->ring))) == NULL)
		goto fail;
	if (disc_kept > 0) {
		for (m = 16; m < disc_kept * 2; m *= 2)
			;
		w->disc_cap = disc_kept;
		w->disc_mask = m - 1;
		if ((w->disc = calloc(disc_kept, sizeof(*w->disc))) == NULL ||
		    (w->disc_hash = calloc(m, sizeof(*w->disc_hash))) == NULL)
			goto fail;
	}
	return w;
fail:
	watch_free(w);
	return NULL;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	inv_unref(w->snap);
	free(w->hosts);
	free(w->ring);
	free(w->disc);
	free(w->disc_hash);
	free(w);
}

int
watch_set_snapshot(struct watch *w, struct inv_snapshot *snap)
{
	struct watch_host	*nh = NULL;
	const struct inv_host	*old;
	size_t			 i;

	if (snap != NULL && snap->nhosts > 0 &&
	    (nh = calloc(snap->nhosts, sizeof(*nh))) == NULL)
		return -1;
	for (i = 0; snap != NULL && i < snap->nhosts; i++) {
		old = w->snap != NULL ? inv_by_name(w->snap,
		    snap->hosts[i].hostname) : NULL;
		if (old != NULL)
			nh[i] = w->hosts[old - w->snap->hosts];
		else
			hs_track_init(&nh[i].t);
	}
	if (snap != NULL)
		inv_ref(snap);
	inv_unref(w->snap);
	free(w->hosts);
	w->snap = snap;
	w->hosts = nh;
	return 0;
}

const struct watch_event *
watch_event_at(const struct watch *w, uint64_t seq)
{
	const struct watch_event *e;

	if (seq == 0)
		return NULL;
	e = &w->ring[seq % w->cap];
	return e->seq == seq ? e : NULL;
}

/* The index of the host an event names, or -1. */
static long
host_of(const struct watch *w, const char *hostname, const char *mac)
{
	const struct inv_host	*h = NULL;
	uint8_t			 m[ADDR_MAC_LEN];

	if (w->snap == NULL)
		return -1;
	if (hostname != NULL && hostname[0] != '\0')
		h = inv_by_name(w->snap, hostname);
	else if (mac != NULL && addr_mac_parse(mac, m) == 0)
		h = inv_by_mac(w->snap, m);
	return h != NULL ? (long)(h - w->snap->hosts) : -1;
}

/* Folds and keeps an event of host i. Returns its seq. */
static uint64_t
add_event(struct watch *w, size_t i, const struct watch_in *in)
{
	struct watch_host	*wh = &w->hosts[i];
	struct watch_event	*e;

	e = &w->ring[w->next_seq % w->cap];
	e->seq = w->next_seq++;
	e->prev = wh->last_seq;
	e->at_us = in->at_us;
	e->src = in->src < WATCH_SRC_MAX ? in->src : WATCH_SRC_HTTP;
	copy_cut(e->mac, sizeof(e->mac), in->mac);
	copy_cut(e->stage, sizeof(e->stage), in->stage);
	copy_cut(e->detail, sizeof(e->detail), in->detail);
	hs_track_event(&wh->t, e->stage, in->at_us / 1000,
	    w->snap->hosts[i].build);
	wh->last_seq = e->seq;
	memcpy(wh->last_stage, e->stage, sizeof(wh->last_stage));
	return e->seq;
}

uint64_t
watch_event(struct watch *w, const struct watch_in *in)
{
	long i;

	if ((i = host_of(w, in->hostname, in->mac)) == -1) {
		w->unknown++;
		return 0;
	}
	return add_event(w, (size_t)i, in);
}

/* Discovered MACs: a hash of chains over a fixed array, a recency list. */

static size_t
disc_bucket(const struct watch *w, const char *mac)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *mac != '\0'; mac++)
		h = (h ^ (unsigned char)*mac) * 1099511628211ULL;
	return (size_t)h & w->disc_mask;
}

static struct watch_disc *
disc_find(const struct watch *w, const char *mac)
{
	uint32_t j;

	for (j = w->disc_hash[disc_bucket(w, mac)]; j != 0;
	    j = w->disc[j - 1].next)
		if (strcmp(w->disc[j - 1].mac, mac) == 0)
			return &w->disc[j - 1];
	return NULL;
}

/* Takes entry j (index + 1) out of the recency list. */
static void
disc_unlink(struct watch *w, uint32_t j)
{
	struct watch_disc *d = &w->disc[j - 1];

	if (d->newer != 0)
		w->disc[d->newer - 1].older = d->older;
	else
		w->disc_newest = d->older;
	if (d->older != 0)
		w->disc[d->older - 1].newer = d->newer;
	else
		w->disc_oldest = d->newer;
	d->newer = d->older = 0;
}

/* Puts entry j at the newest end. */
static void
disc_push(struct watch *w, uint32_t j)
{
	struct watch_disc *d = &w->disc[j - 1];

	d->newer = 0;
	d->older = w->disc_newest;
	if (w->disc_newest != 0)
		w->disc[w->disc_newest - 1].newer = j;
	w->disc_newest = j;
	if (w->disc_oldest == 0)
		w->disc_oldest = j;
}

/* Takes entry j out of its hash chain. */
static void
disc_unhash(struct watch *w, uint32_t j)
{
	uint32_t *p = &w->disc_hash[disc_bucket(w, w->disc[j - 1].mac)];

	while (*p != 0 && *p != j)
		p = &w->disc[*p - 1].next;
	if (*p == j)
		*p = w->disc[j - 1].next;
	w->disc[j - 1].next = 0;
}

void
watch_discovered(struct watch *w, const char *mac, int64_t first_ms,
    int64_t at_ms, int arch, const char *vendor_class, const char *relay)
{
	struct watch_disc	*d;
	uint32_t		 j;
	size_t			 b;

	if (w->disc_cap == 0 || mac == NULL || mac[0] == '\0')
		return;
	if ((d = disc_find(w, mac)) != NULL) {
		j = (uint32_t)(d - w->disc) + 1;
		disc_unlink(w, j);
		if (first_ms < d->first_ms)
			d->first_ms = first_ms;
	} else {
		if (w->ndisc < w->disc_cap)
			j = (uint32_t)++w->ndisc;
		else {
			j = w->disc_oldest;
			disc_unlink(w, j);
			disc_unhash(w, j);
		}
		d = &w->disc[j - 1];
		memset(d, 0, sizeof(*d));
		copy_cut(d->mac, sizeof(d->mac), mac);
		d->first_ms = first_ms;
		b = disc_bucket(w, d->mac);
		d->next = w->disc_hash[b];
		w->disc_hash[b] = j;
	}
	d->last_ms = at_ms;
	d->arch = arch;
	copy_cut(d->vendor_class, sizeof(d->vendor_class), vendor_class);
	copy_cut(d->relay, sizeof(d->relay), relay);
	disc_push(w, j);
}

enum watch_src
watch_src_of(const char *stage)
{
	if (strncmp(stage, "dhcp-", 5) == 0)
		return WATCH_SRC_DHCP;
	if (strncmp(stage, "tftp-", 5) == 0)
		return WATCH_SRC_TFTP;
	return WATCH_SRC_HTTP;
}

/* An own event to fold again after a seed, with its host's name. */
struct replay {
	struct watch_event	 e;
	const char		*host;	/* the old snapshot's, still held */
};

static int
replay_cmp(const void *a, const void *b)
{
	const struct replay *x = a, *y = b;

	return x->e.seq < y->e.seq ? -1 : x->e.seq > y->e.seq;
}

struct watch *
watch_seed_begin(const struct watch *w)
{
	struct watch *nw;

	if ((nw = watch_new(w->cap, w->disc_cap)) == NULL)
		return NULL;
	if (w->snap != NULL && watch_set_snapshot(nw, w->snap) == -1) {
		watch_free(nw);
		return NULL;
	}
	nw->next_seq = w->next_seq;
	return nw;
}

size_t
watch_seed_fold(struct watch *nw, const struct db_seed *seed, size_t from,
    size_t max)
{
	struct watch_in	 in;
	size_t		 i, end = from + (max > 0 ? max : 1);
	long		 h;

	for (i = from; i < seed->nevents && i < end; i++) {
		const struct db_seed_event *s = &seed->events[i];

		if ((h = host_of(nw, s->hostname, s->mac)) == -1)
			continue;
		in.at_us = s->at_us;
		in.src = watch_src_of(s->stage);
		in.mac = s->mac;
		in.hostname = s->hostname;
		in.stage = s->stage;
		in.detail = s->detail;
		add_event(nw, (size_t)h, &in);
	}
	return i;
}

int
watch_seed_end(struct watch *w, struct watch *nw, const struct db_seed *seed)
{
	struct replay		*rp = NULL;
	struct watch_disc	*dk = NULL;
	const struct watch_event *e;
	struct watch_in		 in;
	struct watch		 tmp;
	size_t			 i, nr = 0, nd = 0, cap = 0;
	uint32_t		 j;
	long			 h;

	/* The watch may have moved to another snapshot meanwhile. */
	if (nw->snap != w->snap && watch_set_snapshot(nw, w->snap) == -1)
		goto fail;
	/* The own events the DB did not have: from each host's chain. */
	for (i = 0; w->snap != NULL && i < w->snap->nhosts; i++)
		for (e = watch_event_at(w, w->hosts[i].last_seq); e != NULL;
		    e = watch_event_at(w, e->prev)) {
			if (e->at_us < seed->since_us)
				continue;
			if (nr == cap) {
				struct replay	*n;

				cap = cap ? cap * 2 : 64;
				if ((n = realloc(rp, cap * sizeof(*rp))) ==
				    NULL)
					goto fail;
				rp = n;
			}
			rp[nr].e = *e;
			rp[nr++].host = w->snap->hosts[i].hostname;
		}
	if (w->ndisc > 0 && (dk = calloc(w->ndisc, sizeof(*dk))) == NULL)
		goto fail;
	for (j = w->disc_oldest; j != 0; j = w->disc[j - 1].newer)
		if (w->disc[j - 1].last_ms * 1000 >= seed->since_us)
			dk[nd++] = w->disc[j - 1];
	if (nr > 0)
		qsort(rp, nr, sizeof(*rp), replay_cmp);

	/* Nothing can fail from here on. Seqs only grow. */
	if (nw->next_seq < w->next_seq)
		nw->next_seq = w->next_seq;
	for (i = 0; i < nr; i++) {
		in.at_us = rp[i].e.at_us;
		in.src = rp[i].e.src;
		in.mac = rp[i].e.mac;
		in.hostname = rp[i].host;
		in.stage = rp[i].e.stage;
		in.detail = rp[i].e.detail;
		if ((h = host_of(nw, in.hostname, in.mac)) != -1)
			add_event(nw, (size_t)h, &in);
	}
	for (i = seed->ndisc; nw->disc_cap > 0 && i > 0; i--) {
		const struct db_seed_disc *s = &seed->disc[i - 1];

		watch_discovered(nw, s->mac, s->first_us / 1000,
		    s->last_us / 1000, s->arch, s->vendor_class, s->relay);
	}
	for (i = 0; i < nd; i++)
		watch_discovered(nw, dk[i].mac, dk[i].first_ms, dk[i].last_ms,
		    dk[i].arch, dk[i].vendor_class, dk[i].relay);
	nw->unknown = w->unknown;
	nw->stalled_total = w->stalled_total;
	/* w keeps its address (others hold it); nw leaves with the old. */
	tmp = *w;
	*w = *nw;
	*nw = tmp;
	free(rp);
	free(dk);
	watch_free(nw);
	return 0;
fail:
	free(rp);
	free(dk);
	watch_free(nw);
	return -1;
}

int
watch_seed(struct watch *w, const struct db_seed *seed)
{
	struct watch *nw;

	if ((nw = watch_seed_begin(w)) == NULL)
		return -1;
	(void)watch_seed_fold(nw, seed, 0, seed->nevents);
	return watch_seed_end(w, nw, seed);
}

int64_t
watch_stall_ms(const struct watch *w, size_t i, int64_t def_ms)
{
	return inv_stall_ms(&w->snap->hosts[i], (int)(def_ms / 1000));
}

enum hs_state
watch_state(const struct watch *w, size_t i, int64_t now_ms,
    int64_t def_stall_ms)
{
	const struct inv_host *h = &w->snap->hosts[i];

	return hs_state_now(&w->hosts[i].t, h->enabled, h->build,
	    watch_stall_ms(w, i, def_stall_ms), now_ms);
}

const struct watch_host *
watch_host_of(const struct watch *w, const struct inv_snapshot *snap,
    size_t i)
{
	const struct inv_host *h;

	if (snap == w->snap)
		return &w->hosts[i];
	if (w->snap == NULL ||
	    (h = inv_by_name(w->snap, snap->hosts[i].hostname)) == NULL)
		return NULL;
	return &w->hosts[h - w->snap->hosts];
}

enum hs_state
watch_state_of(const struct inv_host *h, const struct watch_host *wh,
    int64_t now_ms, int64_t def_stall_ms)
{
	struct hs_track unseen;

	if (wh == NULL) {
		hs_track_init(&unseen);
		return hs_state_now(&unseen, h->enabled, h->build,
		    inv_stall_ms(h, (int)(def_stall_ms / 1000)), now_ms);
	}
	return hs_state_now(&wh->t, h->enabled, h->build,
	    inv_stall_ms(h, (int)(def_stall_ms / 1000)), now_ms);
}

void
watch_counts(const struct watch *w, int64_t now_ms, int64_t def_stall_ms,
    uint64_t counts[HS_MAX])
{
	size_t i;

	memset(counts, 0, HS_MAX * sizeof(counts[0]));
	for (i = 0; w->snap != NULL && i < w->snap->nhosts; i++)
		counts[watch_state(w, i, now_ms, def_stall_ms)]++;
}

size_t
watch_stall_scan(struct watch *w, int64_t now_ms, int64_t def_stall_ms,
    void (*fn)(void *, size_t), void *arg)
{
	struct watch_host	*wh;
	size_t			 i, n = 0;

	for (i = 0; w->snap != NULL && i < w->snap->nhosts; i++) {
		wh = &w->hosts[i];
		if (wh->t.began_ms == 0 || wh->stalled_at == wh->t.began_ms ||
		    watch_state(w, i, now_ms, def_stall_ms) != HS_STALLED)
			continue;
		wh->stalled_at = wh->t.began_ms;
		w->stalled_total++;
		n++;
		if (fn != NULL)
			fn(arg, i);
	}
	return n;
}

int
watch_timeline(const struct watch *w, size_t i, uint64_t after,
    const struct watch_event ***out, size_t *n)
{
	const struct watch_event	*e, **a;
	size_t				 k = 0, j;

	*out = NULL;
	*n = 0;
	for (e = watch_event_at(w, w->hosts[i].last_seq); e != NULL &&
	    e->seq > after; e = watch_event_at(w, e->prev))
		k++;
	if (k == 0)
		return 0;
	if ((a = calloc(k, sizeof(*a))) == NULL)
		return -1;
	j = k;
	for (e = watch_event_at(w, w->hosts[i].last_seq); j > 0;
	    e = watch_event_at(w, e->prev))
		a[--j] = e;
	*out = a;
	*n = k;
	return 0;
}
