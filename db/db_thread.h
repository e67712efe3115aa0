/* SPDX-License-Identifier: ISC */
/*
 * db_thread: the one thread that talks to MySQL while bootd serves. It polls
 * the generation counter, loads and validates rows into a new snapshot,
 * writes the cache file, and hands the snapshot to the main thread through a
 * mutex-guarded mailbox plus event_active(). The event loop never calls
 * mysql_*().
 */
#ifndef BOOTD_DB_THREAD_H
#define BOOTD_DB_THREAD_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "bootd/config.h"
#include "db/db_conn.h"
#include "db/db_seed.h"
#include "db/inventory.h"

enum db_state {
	DB_STATE_CONNECTING,	/* not tried yet */
	DB_STATE_UP,
	DB_STATE_DOWN,		/* unreachable or failing; retrying */
	DB_STATE_REFUSED,	/* it answers but refuses bootd: credentials,
				   database name, grants; retrying */
	DB_STATE_MAX
};

extern const char *const db_state_names[DB_STATE_MAX];

struct db_status {
	enum db_state	 state;
	uint64_t	 loaded_gen;	/* generation of the last good load */
	uint64_t	 loads;		/* successful loads */
	uint64_t	 failures;	/* failed connects, queries, loads */
	double		 last_load_ms;	/* DB read + validate + index */
	uint64_t	 events_written;
	uint64_t	 events_dropped;	/* its class's room was full */
	uint64_t	 events_rejected;	/* the DB refused that one row */
	size_t		 events_queued;
	size_t		 builds_pending;	/* build-flag clears not written */
	uint64_t	 builds_written;
	uint64_t	 pruned;		/* rows removed by retention */
	const char	*refusal;	/* static hint while REFUSED, or NULL */
	char		 last_error[DB_ERRLEN];
};

/*
 * Events wait in one ring of DB_EVENTQ_MAX, where each source has its own
 * reserved room, so that a flood from one (spoofed DHCP, random MACs)
 * never takes the room of another (a host's status reports over HTTP).
 */
#define DB_EVENTQ_MAX	8192	/* events waiting for the DB, at most */
#define DB_EVENT_BATCH	256	/* rows per transaction */
#define DB_BUILDQ_MAX	16384	/* distinct hosts with a pending clear */

enum db_event_kind {
	DB_EV_BOOT,		/* a row in boot_events */
	DB_EV_DISCOVERED,	/* upsert into discovered */
	DB_EV_MAX
};

/* Where an event came from: each has its own room in the queue. */
enum db_event_src {
	DB_SRC_HTTP,		/* TCP, from a host's own IP or an admin */
	DB_SRC_TFTP,		/* UDP: the source may be spoofed */
	DB_SRC_DHCP,		/* UDP broadcast: anyone on the segment */
	DB_SRC_MAX
};

/*
 * One event from the main thread; copied into the queue. Strings may hold
 * any bytes from the network: db_thread_event() makes them valid UTF-8
 * and bounded (utf8_clean()) on the way in, the one boundary.
 */
struct db_event {
	enum db_event_kind	 kind;
	enum db_event_src	 src;
	char			 mac[18];	/* canonical, or "" */
	char			 hostname[254];	/* or "" */
	char			 stage[32];	/* boot_events.stage */
	char			 detail[256];	/* boot_events.detail */
	int			 arch;		/* discovered.arch, -1 unknown */
	char			 vendor_class[128];
	char			 relay[16];	/* dotted quad or "" */
	struct timespec		 at;		/* set when queued */
};

struct db_thread;

/*
 * Prepares the thread (not started). notify runs on base's loop whenever a
 * snapshot or status change is waiting; it should call db_thread_take().
 * base must have been made after evthread_use_pthreads(). have_gen is the
 * generation the DB thread may take as loaded already, so an unchanged DB
 * is not reloaded for nothing; 0 to load at the first poll. served_gen is
 * the generation served now (from the cache; 0 for none), which the log
 * names while the database is down or refuses bootd. Returns NULL on
 * ENOMEM or bad config.
 */
struct db_thread *db_thread_new(struct event_base *base,
	    const struct bootd_config *cfg, uint64_t have_gen,
	    uint64_t served_gen, void (*notify)(void *), void *arg);

/*
 * What the thread's inventory builds add to the checks (inv_build_with()):
 * the template side's reserved variable names. Call before
 * db_thread_start(); opts is copied, the arrays it points to are borrowed
 * for the thread's life. Without it, no name is reserved.
 */
void	db_thread_set_build_opts(struct db_thread *dt,
	    const struct inv_build_opts *opts);

/*
 * Main thread, before db_thread_start(): fn(arg, ev, queued) is called on
 * the main thread, synchronously, for every event db_thread_event() is
 * given: ev as queued (strings cleaned, ev->at set), queued 1 when it
 * was queued and 0 when the queue dropped it. fn must not block. NULL: none.
 */
void	db_thread_set_tap(struct db_thread *dt,
	    void (*fn)(void *, const struct db_event *, int), void *arg);

/*
 * Before db_thread_start(): once the database first answers (at start,
 * or when it comes back after being down at start) and the event queue is
 * empty, the thread reads the newest nevents boot_events rows and the
 * ndisc most recently seen discovered rows (db_load_seed()) and hands
 * them over like a snapshot; notify runs, db_thread_take_seed() takes
 * them. A failed read is retried at the next poll. Not called: no seed.
 */
void	db_thread_set_seed(struct db_thread *dt, size_t nevents, size_t ndisc);

/* Main thread: the seed waiting (the caller owns it), or NULL. */
struct db_seed *db_thread_take_seed(struct db_thread *dt);

/* Starts the thread. Returns 0 or -1 (errno set). */
int	db_thread_start(struct db_thread *dt);

/* Asks the thread to stop and joins it. Safe when not started. */
void	db_thread_stop(struct db_thread *dt);

/* Stops and frees. Accepts NULL. */
void	db_thread_free(struct db_thread *dt);

/*
 * Main thread: returns the newest pending snapshot (the caller takes over its
 * reference) or NULL, and copies the current status into *st.
 */
struct inv_snapshot *db_thread_take(struct db_thread *dt, struct db_status *st);

/*
 * Main thread, after a config reload: new connection settings, poll
 * interval and cache path. Reconnects when the server or credentials change.
 * Returns 0 or -1 on ENOMEM (old settings kept).
 */
int	db_thread_set_config(struct db_thread *dt,
	    const struct bootd_config *cfg);

/*
 * Main thread: queues ev (copied, its strings cleaned) for the DB. Never
 * blocks on the DB: when the room of ev's source (discoveries have their
 * own) is full, the event is dropped, counted, and -1 returned. A row the
 * DB refuses (its data, a grant, the schema) is dropped alone, counted and
 * logged with its kind; the rows behind it go on. Events still queued at
 * stop while the DB is down are lost, and the log says how many.
 */
int	db_thread_event(struct db_thread *dt, const struct db_event *ev);

/*
 * Main thread: hosts.build = 0 for hostname (an installer's install-done).
 * Never lost once this returned 0: such clears have their own set (one
 * entry a host), are kept in a journal file beside the cache
 * (paths.cache + ".journal") until the DB has them, and a bootd that
 * starts with a journal writes them when the DB answers. A DB error is
 * retried, never a reason to give up. Returns -1 only when
 * DB_BUILDQ_MAX other hosts wait already, or hostname is not a host name.
 */
int	db_thread_clear_build(struct db_thread *dt, const char *hostname);

/* The journal file that goes with cache path (paths.cache), in buf. */
void	db_journal_path(const char *cache, char *buf, size_t len);

/* Main thread: copies the current status (counters included) into *st. */
void	db_thread_status(struct db_thread *dt, struct db_status *st);

/* Asks for a full reload at the next chance (SIGHUP). */
void	db_thread_kick(struct db_thread *dt);

#endif
