/* SPDX-License-Identifier: ISC */
/*
 * db_thread: owns the MYSQL handle. Poll generation -> load rows -> write
 * cache -> build snapshot -> mailbox + event_active. Logs each state change
 * once. Everything here may block; none of it runs on the event loop.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bootd/log.h"
#include "db/db_load.h"
#include "db/db_thread.h"
#include "db/inv_cache.h"
#include "db/migrate.h"

const char *const db_state_names[DB_STATE_MAX] = {
	[DB_STATE_CONNECTING] = "connecting",
	[DB_STATE_UP] = "up",
	[DB_STATE_DOWN] = "down",
};

#define DB_RETRY_MIN	0.5	/* first reconnect delay, seconds */
#define DB_EVENT_LINGER	0.05	/* seconds events gather before a write */

struct db_thread {
	pthread_t		 tid;
	int			 started;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	/* guarded by mu */
	int			 stop;
	int			 kick;
	int			 params_changed;
	struct db_params	 next_params;	/* valid when params_changed */
	char			*next_cache;
	struct inv_snapshot	*mailbox;
	struct db_status	 status;
	struct db_event		*evq;		/* ring of DB_EVENTQ_MAX */
	size_t			 evhead, evcount;
	/* DB thread only */
	struct db_params	 params;
	char			*cache_path;
	MYSQL			*my;
	uint64_t		 have_gen;
	double			 backoff;
	/* main thread */
	struct event		*ev;
	void			(*notify)(void *);
	void			*notify_arg;
};

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Main thread: the DB thread called event_active() on dt->ev. */
static void
db_thread_notify_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_thread *dt = arg;

	dt->notify(dt->notify_arg);
}

struct db_thread *
db_thread_new(struct event_base *base, const struct bootd_config *cfg,
    uint64_t have_gen, void (*notify)(void *), void *arg)
{
	struct db_thread	*dt;
	pthread_condattr_t	 ca;

	if ((dt = calloc(1, sizeof(*dt))) == NULL)
		return NULL;
	pthread_mutex_init(&dt->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&dt->cv, &ca);
	pthread_condattr_destroy(&ca);
	dt->have_gen = have_gen;
	dt->notify = notify;
	dt->notify_arg = arg;
	dt->status.state = DB_STATE_CONNECTING;
	dt->status.loaded_gen = have_gen;
	if ((dt->evq = calloc(DB_EVENTQ_MAX, sizeof(*dt->evq))) == NULL ||
	    db_params_from_config(&dt->params, cfg) == -1 ||
	    (dt->cache_path = strdup(cfg->paths.cache)) == NULL ||
	    (dt->ev = event_new(base, -1, 0, db_thread_notify_cb, dt)) == NULL)
		goto fail;
	return dt;
fail:
	db_thread_free(dt);
	return NULL;
}

/* Publishes a status change and/or snapshot to the main thread. */
static void
post(struct db_thread *dt, struct inv_snapshot *snap)
{
	pthread_mutex_lock(&dt->mu);
	if (snap != NULL) {
		/* An unconsumed older snapshot is superseded. */
		inv_unref(dt->mailbox);
		dt->mailbox = snap;
	}
	pthread_mutex_unlock(&dt->mu);
	event_active(dt->ev, 0, 0);
}

static void
set_state(struct db_thread *dt, enum db_state st, const char *err)
{
	enum db_state old;

	pthread_mutex_lock(&dt->mu);
	old = dt->status.state;
	dt->status.state = st;
	if (st == DB_STATE_DOWN) {
		dt->status.failures++;
		snprintf(dt->status.last_error, sizeof(dt->status.last_error),
		    "%s", err);
	}
	pthread_mutex_unlock(&dt->mu);
	if (old == st)
		return;
	if (st == DB_STATE_DOWN)
		log_warnx("db: %s; serving generation %" PRIu64 " until it "
		    "returns", err, dt->have_gen);
	else if (st == DB_STATE_UP)
		log_info("db: connected to %s", dt->params.socket[0] ?
		    dt->params.socket : dt->params.host);
	post(dt, NULL);
}

static void
disconnect(struct db_thread *dt)
{
	if (dt->my != NULL) {
		mysql_close(dt->my);
		dt->my = NULL;
	}
}

/* Connects and checks the schema. Returns 0 or -1 with err. */
static int
ensure_connected(struct db_thread *dt, char *err, size_t errlen)
{
	if (dt->my != NULL)
		return 0;
	if ((dt->my = db_connect(&dt->params, err, errlen)) == NULL)
		return -1;
	if (migrate_check(dt->my, err, errlen) == -1) {
		disconnect(dt);
		return -1;
	}
	return 0;
}

/* One poll: reload when the generation moved. Returns 0 or -1 with err. */
static int
poll_once(struct db_thread *dt, int force, char *err, size_t errlen)
{
	struct inv_snapshot	*snap;
	struct inv_rows		*rows;
	uint64_t		 gen;
	double			 t0, t1, ms;
	char			 cerr[DB_ERRLEN];

	if (ensure_connected(dt, err, errlen) == -1)
		return -1;
	if (db_load_generation(dt->my, &gen, err, errlen) == -1)
		goto fail;
	if (!force && gen == dt->have_gen)
		return 0;
	t0 = now_mono();
	if ((rows = db_load_rows(dt->my, err, errlen)) == NULL)
		goto fail;
	t1 = now_mono();
	snap = inv_build(rows);
	ms = (now_mono() - t0) * 1000.0;
	if (snap == NULL) {
		inv_rows_free(rows);
		snprintf(err, errlen, "building snapshot: out of memory");
		return -1;
	}
	dt->have_gen = snap->generation;
	log_info("db: loaded generation %" PRIu64 ": %zu hosts, %zu profiles, "
	    "%zu rejected rows in %.1f ms (read %.1f, validate+index %.1f)",
	    snap->generation, snap->nhosts, snap->nprofiles, snap->nrejects, ms,
	    (t1 - t0) * 1000.0, ms - (t1 - t0) * 1000.0);
	pthread_mutex_lock(&dt->mu);
	dt->status.loaded_gen = snap->generation;
	dt->status.loads++;
	dt->status.last_load_ms = ms;
	pthread_mutex_unlock(&dt->mu);
	post(dt, snap);
	/* Serve first, then write the cache: an fsync must not delay a change. */
	if (dt->cache_path[0] != '\0' &&
	    inv_cache_write(dt->cache_path, rows, cerr, sizeof(cerr)) == -1)
		log_warnx("db: cache not written: %s", cerr);
	inv_rows_free(rows);
	return 0;
fail:
	disconnect(dt);
	return -1;
}

/* A bounded SQL statement under construction; overflow sticks. */
struct sqlbuf {
	MYSQL	*my;
	char	 s[2048];
	size_t	 len;
	int	 overflow;
};

static void
sb_put(struct sqlbuf *b, const char *str)
{
	size_t n = strlen(str);

	if (b->overflow || sizeof(b->s) - b->len <= n) {
		b->overflow = 1;
		return;
	}
	memcpy(b->s + b->len, str, n + 1);
	b->len += n;
}

/* Appends str escaped and quoted, or NULL when it is empty. */
static void
sb_str(struct sqlbuf *b, const char *str)
{
	size_t n = strlen(str);

	if (n == 0) {
		sb_put(b, "NULL");
		return;
	}
	if (b->overflow || sizeof(b->s) - b->len < 2 * n + 3) {
		b->overflow = 1;
		return;
	}
	b->s[b->len++] = '\'';
	b->len += mysql_real_escape_string(b->my, b->s + b->len, str,
	    (unsigned long)n);
	b->s[b->len++] = '\'';
	b->s[b->len] = '\0';
}

/*
 * Writes one event. The caller wraps a batch in one transaction, so one
 * simple statement per event is fast enough at a site's event rates (the
 * main thread rate-limits discoveries).
 */
static int
write_event(MYSQL *my, const struct db_event *e, char *err, size_t errlen)
{
	struct sqlbuf	b;
	char		arch[16], ts[64];

	memset(&b, 0, sizeof(b));
	b.my = my;
	switch (e->kind) {
	case DB_EV_BOOT:
		/* The time it happened, not when the batch reached the DB. */
		snprintf(ts, sizeof(ts), "FROM_UNIXTIME(%lld.%03ld), ",
		    (long long)e->at.tv_sec, e->at.tv_nsec / 1000000);
		sb_put(&b, "INSERT INTO boot_events (ts, mac, hostname, stage, "
		    "detail) VALUES (");
		sb_put(&b, ts);
		sb_str(&b, e->mac);
		sb_put(&b, ", ");
		sb_str(&b, e->hostname);
		sb_put(&b, ", ");
		sb_str(&b, e->stage);
		sb_put(&b, ", ");
		sb_str(&b, e->detail);
		sb_put(&b, ")");
		break;
	case DB_EV_DISCOVERED:
		snprintf(arch, sizeof(arch), "%d", e->arch);
		sb_put(&b, "INSERT INTO discovered (mac, arch, vendor_class, "
		    "relay) VALUES (");
		sb_str(&b, e->mac);
		sb_put(&b, ", ");
		sb_put(&b, e->arch >= 0 ? arch : "NULL");
		sb_put(&b, ", ");
		sb_str(&b, e->vendor_class);
		sb_put(&b, ", ");
		sb_str(&b, e->relay);
		sb_put(&b, ") ON DUPLICATE KEY UPDATE last_seen = "
		    "CURRENT_TIMESTAMP, arch = VALUES(arch), vendor_class = "
		    "VALUES(vendor_class), relay = VALUES(relay)");
		break;
	case DB_EV_BUILD_DONE:
		sb_put(&b, "UPDATE hosts SET build = 0 WHERE hostname = ");
		sb_str(&b, e->hostname);
		break;
	default:
		return 0;
	}
	/* Fields are bounded, so overflow cannot happen: drop, don't stall. */
	if (b.overflow)
		return 0;
	return db_exec(my, b.s, err, errlen);
}

/* Writes queued events in batches. Returns 0, or -1 with err (DB trouble). */
static int
drain_events(struct db_thread *dt, char *err, size_t errlen)
{
	size_t	i, n, head;

	for (;;) {
		pthread_mutex_lock(&dt->mu);
		head = dt->evhead;
		n = dt->evcount < DB_EVENT_BATCH ? dt->evcount : DB_EVENT_BATCH;
		pthread_mutex_unlock(&dt->mu);
		if (n == 0)
			return 0;
		if (ensure_connected(dt, err, errlen) == -1)
			return -1;
		/* Slots head..head+n stay ours: the main thread only appends. */
		if (db_exec(dt->my, "START TRANSACTION", err, errlen) == -1)
			goto fail;
		for (i = 0; i < n; i++)
			if (write_event(dt->my, &dt->evq[(head + i) %
			    DB_EVENTQ_MAX], err, errlen) == -1) {
				char why[DB_ERRLEN];

				db_exec(dt->my, "ROLLBACK", why, sizeof(why));
				goto fail;
			}
		if (db_exec(dt->my, "COMMIT", err, errlen) == -1)
			goto fail;
		pthread_mutex_lock(&dt->mu);
		dt->evhead = (dt->evhead + n) % DB_EVENTQ_MAX;
		dt->evcount -= n;
		dt->status.events_written += n;
		dt->status.events_queued = dt->evcount;
		pthread_mutex_unlock(&dt->mu);
	}
fail:
	disconnect(dt);
	return -1;
}

int
db_thread_event(struct db_thread *dt, const struct db_event *ev)
{
	int	rc = 0, wake;

	pthread_mutex_lock(&dt->mu);
	if (dt->evcount == DB_EVENTQ_MAX) {
		dt->status.events_dropped++;
		rc = -1;
	} else {
		struct db_event *slot =
		    &dt->evq[(dt->evhead + dt->evcount) % DB_EVENTQ_MAX];

		*slot = *ev;
		clock_gettime(CLOCK_REALTIME, &slot->at);
		dt->evcount++;
		dt->status.events_queued = dt->evcount;
	}
	/* Wake the thread on the first event only: a flood costs one wake. */
	wake = rc == 0 && dt->evcount == 1;
	if (wake)
		pthread_cond_signal(&dt->cv);
	pthread_mutex_unlock(&dt->mu);
	return rc;
}

/* Waits on the condition until t (CLOCK_MONOTONIC seconds). mu is held. */
static int
wait_until(struct db_thread *dt, double t)
{
	struct timespec until;

	until.tv_sec = (time_t)t;
	until.tv_nsec = (long)((t - (double)until.tv_sec) * 1e9);
	return pthread_cond_timedwait(&dt->cv, &dt->mu, &until);
}

/* After a DB error: down, and the next try after a doubling delay. */
static double
db_down(struct db_thread *dt, const char *err)
{
	set_state(dt, DB_STATE_DOWN, err);
	dt->backoff = dt->backoff == 0 ? DB_RETRY_MIN : dt->backoff * 2;
	if (dt->backoff > dt->params.retry_max)
		dt->backoff = dt->params.retry_max;
	return dt->backoff;
}

static void *
db_thread_main(void *arg)
{
	struct db_thread	*dt = arg;
	sigset_t		 all;
	char			 err[DB_ERRLEN];
	double			 start, next_poll = 0, t;
	int			 force = 0, stop;

	/* Signals (SIGCHLD, SIGHUP, ...) belong to the event loop's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		pthread_mutex_lock(&dt->mu);
		if (dt->params_changed) {
			if (db_params_differ(&dt->params, &dt->next_params)) {
				disconnect(dt);
				force = 1;
			}
			db_params_clear(&dt->params);
			dt->params = dt->next_params;
			memset(&dt->next_params, 0, sizeof(dt->next_params));
			free(dt->cache_path);
			dt->cache_path = dt->next_cache;
			dt->next_cache = NULL;
			dt->params_changed = 0;
		}
		force |= dt->kick;
		dt->kick = 0;
		stop = dt->stop;
		pthread_mutex_unlock(&dt->mu);
		if (stop)
			break;

		start = now_mono();
		if (force || start >= next_poll) {
			/*
			 * Polls run at a fixed rate from the start of each
			 * poll, so a change waits at most poll_interval plus
			 * one load.
			 */
			if (poll_once(dt, force, err, sizeof(err)) == 0 &&
			    drain_events(dt, err, sizeof(err)) == 0) {
				force = 0;
				dt->backoff = 0;
				set_state(dt, DB_STATE_UP, NULL);
				next_poll = start + dt->params.poll_interval;
			} else
				next_poll = start + db_down(dt, err);
		} else if (drain_events(dt, err, sizeof(err)) == -1)
			next_poll = start + db_down(dt, err);
		if (next_poll < now_mono())
			next_poll = now_mono();

		pthread_mutex_lock(&dt->mu);
		while (!dt->stop && !dt->kick && !dt->params_changed &&
		    !(dt->evcount > 0 && dt->my != NULL) &&
		    wait_until(dt, next_poll) != ETIMEDOUT)
			;
		/*
		 * Woken by events: let more gather for a moment, so a burst
		 * of them (a rack booting) is one transaction, not one each.
		 */
		if (dt->evcount > 0 && dt->evcount < DB_EVENT_BATCH) {
			t = now_mono() + DB_EVENT_LINGER;
			while (!dt->stop && !dt->kick && !dt->params_changed &&
			    wait_until(dt, t < next_poll ? t : next_poll) !=
			    ETIMEDOUT)
				;
		}
		pthread_mutex_unlock(&dt->mu);
	}
	/* Nothing lost at a clean stop: what is queued goes out if it can. */
	if (dt->my != NULL && drain_events(dt, err, sizeof(err)) == -1)
		log_warnx("db: events not written at stop: %s", err);
	disconnect(dt);
	mysql_thread_end();
	return NULL;
}

int
db_thread_start(struct db_thread *dt)
{
	int rc;

	if ((rc = pthread_create(&dt->tid, NULL, db_thread_main, dt)) != 0) {
		errno = rc;
		return -1;
	}
	dt->started = 1;
	return 0;
}

void
db_thread_stop(struct db_thread *dt)
{
	if (dt == NULL || !dt->started)
		return;
	pthread_mutex_lock(&dt->mu);
	dt->stop = 1;
	pthread_cond_signal(&dt->cv);
	pthread_mutex_unlock(&dt->mu);
	pthread_join(dt->tid, NULL);
	dt->started = 0;
}

void
db_thread_free(struct db_thread *dt)
{
	if (dt == NULL)
		return;
	db_thread_stop(dt);
	inv_unref(dt->mailbox);
	db_params_clear(&dt->params);
	db_params_clear(&dt->next_params);
	free(dt->cache_path);
	free(dt->next_cache);
	free(dt->evq);
	if (dt->ev != NULL)
		event_free(dt->ev);
	pthread_cond_destroy(&dt->cv);
	pthread_mutex_destroy(&dt->mu);
	free(dt);
}

struct inv_snapshot *
db_thread_take(struct db_thread *dt, struct db_status *st)
{
	struct inv_snapshot *snap;

	pthread_mutex_lock(&dt->mu);
	snap = dt->mailbox;
	dt->mailbox = NULL;
	if (st != NULL)
		*st = dt->status;
	pthread_mutex_unlock(&dt->mu);
	return snap;
}

int
db_thread_set_config(struct db_thread *dt, const struct bootd_config *cfg)
{
	struct db_params	 p;
	char			*cache;

	if (db_params_from_config(&p, cfg) == -1)
		return -1;
	if ((cache = strdup(cfg->paths.cache)) == NULL) {
		db_params_clear(&p);
		return -1;
	}
	pthread_mutex_lock(&dt->mu);
	db_params_clear(&dt->next_params);
	free(dt->next_cache);
	dt->next_params = p;
	dt->next_cache = cache;
	dt->params_changed = 1;
	pthread_cond_signal(&dt->cv);
	pthread_mutex_unlock(&dt->mu);
	return 0;
}

void
db_thread_kick(struct db_thread *dt)
{
	pthread_mutex_lock(&dt->mu);
	dt->kick = 1;
	pthread_cond_signal(&dt->cv);
	pthread_mutex_unlock(&dt->mu);
}
