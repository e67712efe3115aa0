/* SPDX-License-Identifier: ISC */
/*
 * watch_io: the watch (watch.h) on the loop: fed by the DB thread's tap
 * (every boot event and discovery, as it is queued or dropped), follows
 * the snapshot swaps, takes the DB thread's seed (folded in slices across
 * loop turns), and runs the stall timer that logs and counts hosts that
 * became stalled. Main thread only; nothing here waits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "bootd/bootd.h"
#include "bootd/clock.h"
#include "bootd/log.h"
#include "daemon/daemon.h"
#include "daemon/watch.h"
#include "db/db_thread.h"

#define WATCH_STALL_EVERY	5	/* seconds between stall scans */
#define WATCH_STALL_LINES	100	/* stall lines per scan, then a sum */

static const enum watch_src src_of_db[DB_SRC_MAX] = {
	[DB_SRC_HTTP] = WATCH_SRC_HTTP,
	[DB_SRC_TFTP] = WATCH_SRC_TFTP,
	[DB_SRC_DHCP] = WATCH_SRC_DHCP,
};

/* The DB thread's tap: every event, queued or dropped. */
static void
watch_tap(void *arg, const struct db_event *ev, int queued)
{
	struct bootd	*bd = arg;
	struct watch_in	 in;
	int64_t		 ms;

	(void)queued;
	if (bd->watch == NULL)
		return;
	ms = (int64_t)ev->at.tv_sec * 1000 + ev->at.tv_nsec / 1000000;
	if (ev->kind == DB_EV_DISCOVERED) {
		watch_discovered(bd->watch, ev->mac, ms, ms, ev->arch,
		    ev->vendor_class, ev->relay);
		return;
	}
	in.at_us = (int64_t)ev->at.tv_sec * 1000000 + ev->at.tv_nsec / 1000;
	in.src = ev->src < DB_SRC_MAX ? src_of_db[ev->src] : WATCH_SRC_HTTP;
	in.mac = ev->mac;
	in.hostname = ev->hostname;
	in.stage = ev->stage;
	in.detail = ev->detail;
	(void)watch_event(bd->watch, &in);
}

int64_t
watch_io_stall_ms(const struct bootd *bd)
{
	return (int64_t)bd->cfg->status.stall_timeout * 1000;
}

struct stall_ctx {
	struct bootd	*bd;
	int64_t		 now_ms;
	size_t		 said;
};

/* One line per host that became stalled, up to WATCH_STALL_LINES. */
static void
stall_say(void *arg, size_t i)
{
	struct stall_ctx	*c = arg;
	const struct watch	*w = c->bd->watch;
	const struct watch_host	*wh = &w->hosts[i];
	char			 since[32];
	struct tm		 tm;
	time_t			 t = (time_t)(wh->t.began_ms / 1000);

	if (c->said++ >= WATCH_STALL_LINES)
		return;
	localtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S", &tm);
	log_warnx("watch: host %s stalled: %s since %s, no install-done in "
	    "%" PRId64 " s", w->snap->hosts[i].hostname,
	    hs_state_name(wh->t.state), since,
	    watch_stall_ms(w, i, watch_io_stall_ms(c->bd)) / 1000);
}

static void
watch_stall_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bootd		*bd = arg;
	struct stall_ctx	 c = { bd, clock_real_ms(), 0 };

	(void)fd;
	(void)what;
	(void)watch_stall_scan(bd->watch, c.now_ms, watch_io_stall_ms(bd),
	    stall_say, &c);
	if (c.said > WATCH_STALL_LINES)
		log_warnx("watch: %zu more hosts stalled", c.said -
		    WATCH_STALL_LINES);
}

int
watch_io_start(struct bootd *bd)
{
	struct timeval	 tv = { WATCH_STALL_EVERY, 0 };

	if ((bd->watch = watch_new((size_t)bd->cfg->status.events_kept,
	    (size_t)bd->cfg->status.discovered_kept)) == NULL)
		return -1;
	if (bd->snap != NULL && watch_set_snapshot(bd->watch, bd->snap) == -1)
		return -1;
	if ((bd->ev_stall = event_new(bd->base, -1, EV_PERSIST,
	    watch_stall_cb, bd)) == NULL || event_add(bd->ev_stall, &tv) == -1)
		return -1;
	return 0;
}

void
watch_io_attach(struct bootd *bd)
{
	db_thread_set_tap(bd->db, watch_tap, bd);
	db_thread_set_seed(bd->db, (size_t)bd->cfg->status.events_kept,
	    (size_t)bd->cfg->status.discovered_kept);
}

void
watch_io_snapshot(struct bootd *bd)
{
	if (bd->watch != NULL && watch_set_snapshot(bd->watch, bd->snap) == -1)
		log_warnx("watch: out of memory; host states follow the "
		    "previous inventory");
}

/*
 * The DB thread's seed (at 100k hosts, 100k events) is folded into a new
 * watch in slices of WATCH_SEED_BUDGET_US, a zero timeout between two so
 * that the loop polls its sockets; the served watch takes events and
 * swaps meanwhile and gets the new state at the end (watch_seed_end()).
 */
#define WATCH_SEED_BUDGET_US	2000
#define WATCH_SEED_CHUNK	256	/* events between two clock reads */

struct watch_seeding {
	struct bootd	*bd;
	struct db_seed	*seed;
	struct watch	*nw;		/* being filled */
	size_t		 next;		/* the next seed event */
	struct event	*ev;
	uint64_t	 t0_us, longest_us;
	unsigned	 turns;
};

static void
seeding_free(struct watch_seeding *sg)
{
	if (sg == NULL)
		return;
	if (sg->ev != NULL)
		event_free(sg->ev);
	watch_free(sg->nw);
	db_seed_free(sg->seed);
	free(sg);
}

static void
seeding_turn(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval	 zero = { 0, 0 };
	struct watch_seeding		*sg = arg;
	struct bootd			*bd = sg->bd;
	uint64_t			 t0 = clock_mono_us(), t;

	(void)fd;
	(void)what;
	sg->turns++;
	/* Follow a swap: the seed's events find their hosts by name. */
	if (sg->nw->snap != bd->watch->snap &&
	    watch_set_snapshot(sg->nw, bd->watch->snap) == -1)
		goto nomem;
	do {
		sg->next = watch_seed_fold(sg->nw, sg->seed, sg->next,
		    WATCH_SEED_CHUNK);
	} while (sg->next < sg->seed->nevents &&
	    clock_mono_us() - t0 < WATCH_SEED_BUDGET_US);
	if (sg->next < sg->seed->nevents) {
		if ((t = clock_mono_us() - t0) > sg->longest_us)
			sg->longest_us = t;
		evtimer_add(sg->ev, &zero);
		return;
	}
	if (watch_seed_end(bd->watch, sg->nw, sg->seed) == -1) {
		sg->nw = NULL;	/* freed by watch_seed_end() */
		goto nomem;
	}
	sg->nw = NULL;
	if ((t = clock_mono_us() - t0) > sg->longest_us)
		sg->longest_us = t;
	log_info("watch: host states from %zu boot events, %zu discovered "
	    "MACs (%.1f ms in %u turns, the longest %.1f ms)",
	    sg->seed->nevents, sg->seed->ndisc,
	    (double)(clock_mono_us() - sg->t0_us) / 1000.0, sg->turns,
	    (double)sg->longest_us / 1000.0);
	bd->seeding = NULL;
	seeding_free(sg);
	return;
nomem:
	log_warnx("watch: out of memory; host states not seeded from the "
	    "database");
	bd->seeding = NULL;
	seeding_free(sg);
}

void
watch_io_seed(struct bootd *bd)
{
	static const struct timeval	 zero = { 0, 0 };
	struct watch_seeding		*sg;
	struct db_seed			*seed;

	if (bd->db == NULL || (seed = db_thread_take_seed(bd->db)) == NULL)
		return;
	if (bd->watch == NULL) {
		db_seed_free(seed);
		return;
	}
	/* A newer seed (the DB came back) replaces one being folded. */
	seeding_free(bd->seeding);
	bd->seeding = NULL;
	if ((sg = calloc(1, sizeof(*sg))) == NULL) {
		db_seed_free(seed);
		log_warnx("watch: out of memory; host states not seeded from "
		    "the database");
		return;
	}
	sg->bd = bd;
	sg->seed = seed;
	sg->t0_us = clock_mono_us();
	if ((sg->nw = watch_seed_begin(bd->watch)) == NULL ||
	    (sg->ev = evtimer_new(bd->base, seeding_turn, sg)) == NULL) {
		log_warnx("watch: out of memory; host states not seeded from "
		    "the database");
		seeding_free(sg);
		return;
	}
	bd->seeding = sg;
	/* The first turn in the next loop pass, like every other. */
	evtimer_add(sg->ev, &zero);
}

void
watch_io_stop(struct bootd *bd)
{
	seeding_free(bd->seeding);
	bd->seeding = NULL;
	if (bd->ev_stall != NULL)
		event_free(bd->ev_stall);
	bd->ev_stall = NULL;
	watch_free(bd->watch);
	bd->watch = NULL;
}
