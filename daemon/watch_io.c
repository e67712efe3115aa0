/* SPDX-License-Identifier: ISC */
/*
 * watch_io: the watch (watch.h) on the loop: fed by the DB thread's tap
 * (every boot event and discovery, as it is queued or dropped), follows
 * the snapshot swaps, takes the DB thread's seed, and runs the stall
 * timer that logs and counts hosts that became stalled. Main thread only;
 * nothing here waits.
 */
#include <inttypes.h>
#include <stdio.h>
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

void
watch_io_seed(struct bootd *bd)
{
	struct db_seed	*seed;
	uint64_t	 t0;

	if (bd->db == NULL || (seed = db_thread_take_seed(bd->db)) == NULL)
		return;
	t0 = clock_mono_us();
	if (bd->watch == NULL || watch_seed(bd->watch, seed) == -1)
		log_warnx("watch: out of memory; host states not seeded from "
		    "the database");
	else
		log_info("watch: host states from %zu boot events, %zu "
		    "discovered MACs (%.1f ms)", seed->nevents, seed->ndisc,
		    (double)(clock_mono_us() - t0) / 1000.0);
	db_seed_free(seed);
}

void
watch_io_stop(struct bootd *bd)
{
	if (bd->ev_stall != NULL)
		event_free(bd->ev_stall);
	bd->ev_stall = NULL;
	watch_free(bd->watch);
	bd->watch = NULL;
}
