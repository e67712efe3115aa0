/* SPDX-License-Identifier: ISC */
/*
 * watch: the daemon's in-memory picture of the boots, which the status
 * API, /metrics and the stall timer read: one hs_track per host of the
 * served snapshot (kept across snapshot swaps by host name), a bounded
 * ring of the recent boot events where each host's events are chained
 * (its timeline without a scan of the ring), and a bounded map of the
 * discovered MACs, most recently seen first. Pure: no I/O, no clock (the
 * caller passes times), no logging; watch_io.c feeds it from the DB
 * thread's tap and its seed. The state rule is bootd/hoststate.h's.
 */
#ifndef BOOTD_WATCH_H
#define BOOTD_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "bootd/hoststate.h"
#include "db/db_seed.h"
#include "db/inventory.h"

enum watch_src {
	WATCH_SRC_DHCP,
	WATCH_SRC_TFTP,
	WATCH_SRC_HTTP,
	WATCH_SRC_MAX
};

/* "dhcp", "tftp", "http": the API's "src". */
extern const char *const watch_src_names[WATCH_SRC_MAX];

#define WATCH_MAC_LEN		18	/* as struct db_event's fields */
#define WATCH_STAGE_LEN		32
#define WATCH_DETAIL_LEN	256
#define WATCH_VENDOR_LEN	128
#define WATCH_RELAY_LEN		16

/* One kept boot event. */
struct watch_event {
	uint64_t	 seq;		/* 1, 2, ...; 0: an empty slot */
	uint64_t	 prev;		/* the host's previous event's seq; 0 */
	int64_t		 at_us;		/* microseconds since the epoch */
	enum watch_src	 src;
	char		 mac[WATCH_MAC_LEN];
	char		 stage[WATCH_STAGE_LEN];
	char		 detail[WATCH_DETAIL_LEN];
};

/* What the watch keeps of one host (parallel to snap->hosts). */
struct watch_host {
	struct hs_track	 t;
	uint64_t	 last_seq;	/* its newest event's seq; 0 none */
	char		 last_stage[WATCH_STAGE_LEN];	/* "" none */
	int64_t		 stalled_at;	/* the began_ms counted stalled; 0 */
};

/* One discovered MAC. */
struct watch_disc {
	char		 mac[WATCH_MAC_LEN];	/* canonical */
	int64_t		 first_ms;
	int64_t		 last_ms;
	int		 arch;		/* DHCP option 93, -1 unknown */
	char		 vendor_class[WATCH_VENDOR_LEN];
	char		 relay[WATCH_RELAY_LEN];
	/* private: the recency list and the hash chain (index + 1; 0 none) */
	uint32_t	 newer, older, next;
};

/*
 * Read-only outside watch.c: hosts[i] goes with snap->hosts[i] (snap may
 * be NULL, then there are no hosts).
 */
struct watch {
	struct inv_snapshot	*snap;		/* a reference, or NULL */
	struct watch_host	*hosts;
	struct watch_event	*ring;		/* cap slots; seq % cap */
	size_t			 cap;
	uint64_t		 next_seq;	/* the next event's seq */
	struct watch_disc	*disc;		/* disc_cap entries */
	uint32_t		*disc_hash;	/* disc_mask + 1 chain heads */
	size_t			 disc_cap, ndisc, disc_mask;
	uint32_t		 disc_newest, disc_oldest;	/* index + 1 */
	uint64_t		 unknown;	/* events of no host: dropped */
	uint64_t		 stalled_total;	/* hosts found stalled */
};

/* An event as it comes in. Strings borrowed for the call; "" for none. */
struct watch_in {
	int64_t		 at_us;
	enum watch_src	 src;
	const char	*mac;
	const char	*hostname;
	const char	*stage;
	const char	*detail;
};

/*
 * A watch keeping the newest events_kept events (at least 1) and
 * disc_kept discovered MACs (0: none). The ring is allocated whole but
 * zeroed pages cost no memory until written. NULL on ENOMEM.
 */
struct watch	*watch_new(size_t events_kept, size_t disc_kept);

/* Accepts NULL. */
void		 watch_free(struct watch *w);

/*
 * Follows the served snapshot (snap borrowed; the watch takes its own
 * reference; NULL for none). Each host keeps its track, last event and
 * chain by host name (ASCII case-insensitive); hosts new to the
 * inventory start unseen; hosts gone drop out, and their events stay in
 * the ring, unreachable, until overwritten. Returns 0, or -1 on ENOMEM
 * with the old snapshot kept.
 */
int		 watch_set_snapshot(struct watch *w, struct inv_snapshot *snap);

/*
 * Folds one boot event into its host's track (hs_track_event() with the
 * host's build flag) and keeps it in the ring. The host is the one named
 * by in->hostname, else the one with in->mac. Strings are cut to the
 * fields' sizes, between UTF-8 characters. Returns the event's seq, or
 * 0 when no host of the snapshot has that name or MAC (counted in
 * w->unknown, not kept).
 */
uint64_t	 watch_event(struct watch *w, const struct watch_in *in);

/*
 * A DHCP request from an unknown MAC (canonical form) at at_ms: added as
 * the most recently seen, or moved there with its first_ms kept (the
 * earlier of the two). When the map is full the least recently seen MAC
 * goes. arch -1 when unknown. Does nothing when disc_kept was 0.
 */
void		 watch_discovered(struct watch *w, const char *mac,
		    int64_t first_ms, int64_t at_ms, int arch,
		    const char *vendor_class, const char *relay);

/*
 * Replaces what the watch knows with seed (borrowed) and what came in
 * since: every track is reset, the seed's events are folded oldest
 * first, then the watch's own events at or after seed->since_us (which
 * the DB did not have yet) again, in their order; the same for the
 * discovered MACs. Kept events get new seqs (seq only grows). Returns 0,
 * or -1 on ENOMEM with the watch as it was.
 */
int		 watch_seed(struct watch *w, const struct db_seed *seed);

/*
 * watch_seed() in three steps, so that the fold of a large seed can
 * spread over loop turns while w goes on taking events and snapshots:
 * watch_seed_begin() makes an empty watch like w (NULL on ENOMEM);
 * watch_seed_fold() folds seed's events from..from+max-1 into it and
 * returns where to go on (seed->nevents: all folded); watch_seed_end()
 * follows w's snapshot, folds w's own events at or after
 * seed->since_us and the discovered MACs, then gives w the new state
 * (w keeps its address) and frees nw in every case. Returns 0, or -1 on
 * ENOMEM with w as it was. nw's hosts are those of the snapshot it was
 * made with (or last given with watch_set_snapshot()).
 */
struct watch	*watch_seed_begin(const struct watch *w);
size_t		 watch_seed_fold(struct watch *nw, const struct db_seed *seed,
		    size_t from, size_t max);
int		 watch_seed_end(struct watch *w, struct watch *nw,
		    const struct db_seed *seed);

/*
 * The stall timeout of host i in milliseconds: its profile's
 * stall_timeout when set, else def_ms; 0 = never stalled.
 */
int64_t		 watch_stall_ms(const struct watch *w, size_t i,
		    int64_t def_ms);

/* The state of host i at now_ms (hs_state_now()). */
enum hs_state	 watch_state(const struct watch *w, size_t i, int64_t now_ms,
		    int64_t def_stall_ms);

/*
 * What the watch knows of host i of snap, a snapshot the caller holds a
 * reference to, which may no longer be the watch's (a render in slices
 * outlives a swap): w->hosts[i] when snap is w->snap, else the watch's
 * host of that name (a hash look-up). NULL when the watch has no such
 * host: render it as unseen. Valid until the watch changes.
 */
const struct watch_host *watch_host_of(const struct watch *w,
		    const struct inv_snapshot *snap, size_t i);

/*
 * The state at now_ms of host h (of any snapshot) whose watch record is
 * wh (NULL: unseen); watch_state() for a host of the watch's snapshot.
 */
enum hs_state	 watch_state_of(const struct inv_host *h,
		    const struct watch_host *wh, int64_t now_ms,
		    int64_t def_stall_ms);

/* Hosts by state at now_ms into counts[HS_MAX]. */
void		 watch_counts(const struct watch *w, int64_t now_ms,
		    int64_t def_stall_ms, uint64_t counts[HS_MAX]);

/*
 * Finds the hosts that are stalled at now_ms and were not counted for
 * their current boot yet: each is counted once (w->stalled_total) and
 * given to fn(arg, i). Returns how many.
 */
size_t		 watch_stall_scan(struct watch *w, int64_t now_ms,
		    int64_t def_stall_ms, void (*fn)(void *, size_t),
		    void *arg);

/* The kept event seq, or NULL when it is not (any more) in the ring. */
const struct watch_event *watch_event_at(const struct watch *w, uint64_t seq);

/*
 * Host i's kept events with seq > after, oldest first, as pointers into
 * the ring (valid until the next call that changes the watch) in a new
 * array *out (free() it; NULL when *n is 0). Returns 0, or -1 on ENOMEM.
 */
int		 watch_timeline(const struct watch *w, size_t i,
		    uint64_t after, const struct watch_event ***out, size_t *n);

/* Where a boot_events stage came from, by its prefix (seeded rows). */
enum watch_src	 watch_src_of(const char *stage);

#endif
