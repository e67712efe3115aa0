/* SPDX-License-Identifier: ISC */
/*
 * db_thread: owns the MYSQL handle. Poll generation -> load rows -> write
 * cache -> build snapshot -> mailbox + event_active. Logs each state change
 * once. Everything here may block; none of it runs on the event loop.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bootd/atomicfile.h"
#include "bootd/clock.h"
#include "bootd/log.h"
#include "bootd/strbuf.h"
#include "bootd/utf8.h"
#include "db/db_errclass.h"
#include "db/db_load.h"
#include "db/db_thread.h"
#include "db/inv_cache.h"
#include "db/migrate.h"

const char *const db_state_names[DB_STATE_MAX] = {
	[DB_STATE_CONNECTING] = "connecting",
	[DB_STATE_UP] = "up",
	[DB_STATE_DOWN] = "down",
	[DB_STATE_REFUSED] = "refused",
};

#define DB_RETRY_MIN	0.5	/* first reconnect delay, seconds */
#define DB_EVENT_LINGER	0.05	/* seconds events gather before a write */
#define DB_PRUNE_BATCH	1000	/* rows per DELETE: short locks */
#define DB_PRUNE_ROUND	10	/* DELETEs per table per round */
#define DB_HOSTLEN	254
#define DB_REFUSED_REPEAT 300.0	/* seconds between "still refused" lines */

/* Queue room by class: each source, and discoveries apart. */
enum { DB_CLASS_DISC = DB_SRC_MAX, DB_CLASS_MAX };

static const size_t db_class_room[DB_CLASS_MAX] = {
	[DB_SRC_HTTP] = DB_EVENTQ_MAX / 2,
	[DB_SRC_TFTP] = DB_EVENTQ_MAX * 3 / 16,
	[DB_SRC_DHCP] = DB_EVENTQ_MAX * 3 / 16,
	[DB_CLASS_DISC] = DB_EVENTQ_MAX / 8,
};

static const char *const db_kind_names[DB_EV_MAX] = {
	[DB_EV_BOOT] = "boot_events",
	[DB_EV_DISCOVERED] = "discovered",
};

struct db_thread {
	pthread_t		 tid;
	struct inv_build_opts	 build_opts;	/* set before start */
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
	struct db_seed		*seed_box;	/* a seed not taken yet */
	struct db_status	 status;
	struct db_event		*evq;		/* ring of DB_EVENTQ_MAX */
	size_t			 evhead, evcount;
	size_t			 evclass[DB_CLASS_MAX];	/* queued, by class */
	char			(*builds)[DB_HOSTLEN];	/* pending clears */
	size_t			 nbuilds;	/* main appends, DB removes */
	int			 builds_dirty;	/* journal behind the set */
	/* DB thread only */
	struct db_params	 params;
	char			*cache_path;
	MYSQL			*my;
	unsigned int		 errnum;	/* of this round's failure */
	uint64_t		 have_gen;
	uint64_t		 served_gen;	/* posted last, or cache's */
	double			 refused_said;	/* when last logged */
	double			 backoff;
	char			 journal[PATH_MAX];	/* "" = none */
	int			 seed_want;	/* set before start */
	size_t			 seed_events, seed_disc;
	/* main thread */
	void			(*tap)(void *, const struct db_event *, int);
	void			*tap_arg;
	struct event		*ev;
	void			(*notify)(void *);
	void			*notify_arg;
};

/* Seconds on the monotonic clock. */
static double
now_mono(void)
{
	return (double)clock_mono_us() / 1e6;
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
    uint64_t have_gen, uint64_t served_gen, void (*notify)(void *), void *arg)
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
	dt->served_gen = served_gen;
	dt->notify = notify;
	dt->notify_arg = arg;
	dt->status.state = DB_STATE_CONNECTING;
	dt->status.loaded_gen = have_gen;
	if ((dt->evq = calloc(DB_EVENTQ_MAX, sizeof(*dt->evq))) == NULL ||
	    (dt->builds = calloc(DB_BUILDQ_MAX, sizeof(*dt->builds))) == NULL ||
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

/* "serving generation 12" or "nothing to serve" into buf. */
static const char *
served(const struct db_thread *dt, char *buf, size_t len)
{
	if (dt->served_gen == 0)
		snprintf(buf, len, "nothing to serve");
	else
		snprintf(buf, len, "serving generation %" PRIu64,
		    dt->served_gen);
	return buf;
}

/*
 * The one place the state changes. A change is logged once; a refusal is
 * said again every DB_REFUSED_REPEAT seconds, since only a person can end
 * it. why is the refusal's hint (REFUSED only). snap, when not NULL, is a
 * new snapshot (the reference is handed over), posted with the state so
 * the main thread sees both at once.
 */
static void
set_state(struct db_thread *dt, enum db_state st, const char *err,
    const char *why, struct inv_snapshot *snap)
{
	enum db_state	old;
	char		what[64];
	double		now = now_mono();

	pthread_mutex_lock(&dt->mu);
	old = dt->status.state;
	dt->status.state = st;
	dt->status.refusal = st == DB_STATE_REFUSED ? why : NULL;
	if (st == DB_STATE_DOWN || st == DB_STATE_REFUSED) {
		dt->status.failures++;
		snprintf(dt->status.last_error, sizeof(dt->status.last_error),
		    "%s", err);
	}
	pthread_mutex_unlock(&dt->mu);
	if (st == DB_STATE_REFUSED && (old != st ||
	    now - dt->refused_said >= DB_REFUSED_REPEAT)) {
		dt->refused_said = now;
		log_warnx("db: the database refuses bootd (%s): %s; %s until "
		    "it accepts", why, err, served(dt, what, sizeof(what)));
	}
	if (old == st) {
		if (snap != NULL)
			post(dt, snap);
		return;
	}
	if (st == DB_STATE_DOWN)
		log_warnx("db: %s; %s until it returns", err,
		    served(dt, what, sizeof(what)));
	else if (st == DB_STATE_UP)
		log_info("db: connected to %s", dt->params.socket[0] ?
		    dt->params.socket : dt->params.host);
	post(dt, snap);
}

/* Closes the connection; a failure's error number is kept for db_down(). */
static void
disconnect(struct db_thread *dt)
{
	if (dt->my != NULL) {
		if (mysql_errno(dt->my) != 0)
			dt->errnum = mysql_errno(dt->my);
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
	if ((dt->my = db_connect(&dt->params, &dt->errnum, err, errlen)) ==
	    NULL)
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
	snap = inv_build_with(rows, &dt->build_opts);
	ms = (now_mono() - t0) * 1000.0;
	if (snap == NULL) {
		inv_rows_free(rows);
		snprintf(err, errlen, "building snapshot: out of memory");
		return -1;
	}
	dt->have_gen = snap->generation;
	dt->served_gen = snap->generation;
	log_info("db: loaded generation %" PRIu64 ": %zu hosts, %zu profiles, "
	    "%zu rejected rows in %.1f ms (read %.1f, validate+index %.1f)",
	    snap->generation, snap->nhosts, snap->nprofiles, snap->nrejects, ms,
	    (t1 - t0) * 1000.0, ms - (t1 - t0) * 1000.0);
	pthread_mutex_lock(&dt->mu);
	dt->status.loaded_gen = snap->generation;
	dt->status.loads++;
	dt->status.last_load_ms = ms;
	pthread_mutex_unlock(&dt->mu);
	/* It answered with the inventory: up, whatever the writes do next. */
	set_state(dt, DB_STATE_UP, NULL, NULL, snap);
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

#define SQL_STMT_MAX	2047	/* one event's statement, fields bounded */

/* Appends str escaped and quoted, or NULL when it is empty. */
static void
sql_str(struct strbuf *b, MYSQL *my, const char *str)
{
	size_t	 n = strlen(str);
	char	*p;

	if (n == 0) {
		strbuf_puts(b, "NULL");
		return;
	}
	/* The escaped copy is at most 2n bytes, plus the quotes. */
	if ((p = strbuf_room(b, 2 * n + 2)) == NULL)
		return;
	p[0] = '\'';
	n = mysql_real_escape_string(my, p + 1, str, (unsigned long)n);
	p[n + 1] = '\'';
	strbuf_commit(b, n + 2);
}

/* The class of queue room an event takes. */
static size_t
ev_class(const struct db_event *e)
{
	if (e->kind == DB_EV_DISCOVERED)
		return DB_CLASS_DISC;
	return e->src < DB_SRC_MAX ? (size_t)e->src : DB_SRC_DHCP;
}

/*
 * Writes one event. The caller wraps a batch in one transaction, so one
 * simple statement per event is fast enough at a site's event rates (the
 * main thread rate-limits discoveries). Returns 0, or -1 with err and the
 * server's error number in mysql_errno().
 */
static int
write_event(MYSQL *my, const struct db_event *e, char *err, size_t errlen)
{
	struct strbuf	b;
	char		arch[16], ts[64];
	int		rc;

	strbuf_init(&b, SQL_STMT_MAX);
	switch (e->kind) {
	case DB_EV_BOOT:
		/* The time it happened, not when the batch reached the DB. */
		snprintf(ts, sizeof(ts), "FROM_UNIXTIME(%lld.%03ld), ",
		    (long long)e->at.tv_sec, e->at.tv_nsec / 1000000);
		strbuf_puts(&b, "INSERT INTO boot_events (ts, mac, hostname, "
		    "stage, detail) VALUES (");
		strbuf_puts(&b, ts);
		sql_str(&b, my, e->mac);
		strbuf_puts(&b, ", ");
		sql_str(&b, my, e->hostname);
		strbuf_puts(&b, ", ");
		sql_str(&b, my, e->stage);
		strbuf_puts(&b, ", ");
		sql_str(&b, my, e->detail);
		strbuf_puts(&b, ")");
		break;
	case DB_EV_DISCOVERED:
		snprintf(arch, sizeof(arch), "%d", e->arch);
		strbuf_puts(&b, "INSERT INTO discovered (mac, arch, "
		    "vendor_class, relay) VALUES (");
		sql_str(&b, my, e->mac);
		strbuf_puts(&b, ", ");
		strbuf_puts(&b, e->arch >= 0 ? arch : "NULL");
		strbuf_puts(&b, ", ");
		sql_str(&b, my, e->vendor_class);
		strbuf_puts(&b, ", ");
		sql_str(&b, my, e->relay);
		strbuf_puts(&b, ") ON DUPLICATE KEY UPDATE last_seen = "
		    "CURRENT_TIMESTAMP, arch = VALUES(arch), vendor_class = "
		    "VALUES(vendor_class), relay = VALUES(relay)");
		break;
	default:
		return 0;
	}
	/* Fields are bounded, so overflow cannot happen: drop, don't stall. */
	if (b.err != STRBUF_OK) {
		strbuf_free(&b);
		return 0;
	}
	rc = db_exec(my, b.buf, err, errlen);
	strbuf_free(&b);
	return rc;
}

/*
 * After a failed statement: 1 when the batch must be retried later (the
 * connection, a lock), 0 when only that statement is refused for good,
 * which is logged (per class, through the peer-line limiter: a peer's
 * bytes may be what the DB refuses) and counted by the caller.
 */
static int
failed_transient(MYSQL *my, const char *what, const char *err)
{
	unsigned int		code = mysql_errno(my);
	enum db_errclass	cls = db_errclass(code);

	if (cls == DB_ERR_TRANSIENT)
		return 1;
	log_peer_keyed_warnx(db_errclass_names[cls], "db: %s refused (%s "
	    "error %u), dropped; the rest goes on: %s", what,
	    db_errclass_names[cls], code, err);
	return 0;
}

/*
 * Writes queued events in batches. A row the DB refuses for good is
 * dropped alone; a transient error rolls the batch back for a later try.
 * Returns 0, or -1 with err (DB trouble).
 */
static int
drain_events(struct db_thread *dt, char *err, size_t errlen)
{
	size_t	i, n, head, rejected;

	for (;;) {
		pthread_mutex_lock(&dt->mu);
		head = dt->evhead;
		n = dt->evcount < DB_EVENT_BATCH ? dt->evcount : DB_EVENT_BATCH;
		pthread_mutex_unlock(&dt->mu);
		if (n == 0)
			return 0;
		if (ensure_connected(dt, err, errlen) == -1)
			return -1;
		/* Slots head..head+n stay ours: the main thread appends. */
		if (db_exec(dt->my, "START TRANSACTION", err, errlen) == -1)
			goto fail;
		rejected = 0;
		for (i = 0; i < n; i++) {
			const struct db_event *e =
			    &dt->evq[(head + i) % DB_EVENTQ_MAX];

			if (write_event(dt->my, e, err, errlen) == 0)
				continue;
			if (failed_transient(dt->my, db_kind_names[e->kind],
			    err)) {
				char why[DB_ERRLEN];

				db_exec(dt->my, "ROLLBACK", why, sizeof(why));
				goto fail;
			}
			/* InnoDB undid that statement only; go on. */
			rejected++;
		}
		if (db_exec(dt->my, "COMMIT", err, errlen) == -1)
			goto fail;
		pthread_mutex_lock(&dt->mu);
		for (i = 0; i < n; i++)
			dt->evclass[ev_class(&dt->evq[(head + i) %
			    DB_EVENTQ_MAX])]--;
		dt->evhead = (dt->evhead + n) % DB_EVENTQ_MAX;
		dt->evcount -= n;
		dt->status.events_written += n - rejected;
		dt->status.events_rejected += rejected;
		dt->status.events_queued = dt->evcount;
		pthread_mutex_unlock(&dt->mu);
	}
fail:
	disconnect(dt);
	return -1;
}

/* Copies a network string into its field as bounded, valid UTF-8. */
static void
clean_field(char *dst, size_t dstlen, const char *src, size_t srcmax)
{
	utf8_clean(dst, dstlen, src, strnlen(src, srcmax));
}

int
db_thread_event(struct db_thread *dt, const struct db_event *ev)
{
	struct db_event	e;
	size_t		cls;
	int		rc = 0, wake;

	/* The one boundary: every string below is safe for a utf8mb4 row. */
	e = *ev;
	if (e.src >= DB_SRC_MAX)
		e.src = DB_SRC_DHCP;
	if (e.kind >= DB_EV_MAX)
		return -1;
	clean_field(e.mac, sizeof(e.mac), ev->mac, sizeof(ev->mac));
	clean_field(e.hostname, sizeof(e.hostname), ev->hostname,
	    sizeof(ev->hostname));
	clean_field(e.stage, sizeof(e.stage), ev->stage, sizeof(ev->stage));
	clean_field(e.detail, sizeof(e.detail), ev->detail,
	    sizeof(ev->detail));
	clean_field(e.vendor_class, sizeof(e.vendor_class), ev->vendor_class,
	    sizeof(ev->vendor_class));
	clean_field(e.relay, sizeof(e.relay), ev->relay, sizeof(ev->relay));
	cls = ev_class(&e);
	pthread_mutex_lock(&dt->mu);
	/* Under the lock: a seed's since_us splits the queue exactly. */
	clock_gettime(CLOCK_REALTIME, &e.at);
	if (dt->evcount == DB_EVENTQ_MAX ||
	    dt->evclass[cls] >= db_class_room[cls]) {
		dt->status.events_dropped++;
		rc = -1;
	} else {
		struct db_event *slot =
		    &dt->evq[(dt->evhead + dt->evcount) % DB_EVENTQ_MAX];

		*slot = e;
		dt->evcount++;
		dt->evclass[cls]++;
		dt->status.events_queued = dt->evcount;
	}
	/* Wake the thread on the first event only: a flood costs one wake. */
	wake = rc == 0 && dt->evcount == 1;
	if (wake)
		pthread_cond_signal(&dt->cv);
	pthread_mutex_unlock(&dt->mu);
	if (dt->tap != NULL)
		dt->tap(dt->tap_arg, &e, rc == 0);
	return rc;
}

/* Build-flag clears and their journal. */

/* A host name as the inventory allows it: no bytes that need escapes. */
static int
build_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= DB_HOSTLEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != '_')
			return 0;
	return 1;
}

/* Adds name to the set unless it is there. mu held. 0, or -1 when full. */
static int
builds_add_locked(struct db_thread *dt, const char *name)
{
	size_t i;

	for (i = 0; i < dt->nbuilds; i++)
		if (strcmp(dt->builds[i], name) == 0)
			return 0;
	if (dt->nbuilds == DB_BUILDQ_MAX)
		return -1;
	snprintf(dt->builds[dt->nbuilds++], DB_HOSTLEN, "%s", name);
	dt->builds_dirty = 1;
	dt->status.builds_pending = dt->nbuilds;
	return 0;
}

int
db_thread_clear_build(struct db_thread *dt, const char *hostname)
{
	int rc;

	if (!build_name_ok(hostname, strlen(hostname)))
		return -1;
	pthread_mutex_lock(&dt->mu);
	rc = builds_add_locked(dt, hostname);
	/* Always wake: the journal must have it even while the DB is down. */
	if (rc == 0)
		pthread_cond_signal(&dt->cv);
	pthread_mutex_unlock(&dt->mu);
	return rc;
}

void
db_journal_path(const char *cache, char *buf, size_t len)
{
	if (cache[0] == '\0' || (size_t)snprintf(buf, len, "%s.journal",
	    cache) >= len)
		buf[0] = '\0';
}

#define DB_JOURNAL_MAGIC	"bootd build-flag journal 1\n"

/*
 * DB thread: reads the journal a previous bootd left (clears it could not
 * write). Opened without following a link or waiting on a FIFO; anything
 * but a regular file is refused with a warning. Lines that are not host
 * names are skipped and counted.
 */
static void
journal_load(struct db_thread *dt)
{
	struct stat	 sb;
	char		*buf = NULL, *p, *nl;
	size_t		 len, n = 0, bad = 0;
	ssize_t		 r;
	int		 fd;

	if (dt->journal[0] == '\0')
		return;
	fd = open(dt->journal, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno != ENOENT)
			log_warn("db: journal %s not read", dt->journal);
		return;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > (off_t)DB_BUILDQ_MAX * DB_HOSTLEN + 64) {
		log_warnx("db: journal %s not read: not a regular file of at "
		    "most %d bytes", dt->journal, DB_BUILDQ_MAX * DB_HOSTLEN);
		goto done;
	}
	len = (size_t)sb.st_size;
	if ((buf = malloc(len + 1)) == NULL ||
	    (r = pread(fd, buf, len, 0)) < 0) {
		log_warn("db: journal %s not read", dt->journal);
		goto done;
	}
	len = (size_t)r;
	buf[len] = '\0';
	if (len < sizeof(DB_JOURNAL_MAGIC) - 1 ||
	    memcmp(buf, DB_JOURNAL_MAGIC, sizeof(DB_JOURNAL_MAGIC) - 1) != 0) {
		log_warnx("db: journal %s not read: not a bootd journal",
		    dt->journal);
		goto done;
	}
	pthread_mutex_lock(&dt->mu);
	for (p = buf + sizeof(DB_JOURNAL_MAGIC) - 1; p < buf + len; p = nl) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;	/* a cut last line still counts */
		*nl++ = '\0';
		if (build_name_ok(p, strlen(p)) &&
		    builds_add_locked(dt, p) == 0)
			n++;
		else if (*p != '\0')
			bad++;
	}
	/* What is on disk is what we hold: nothing to rewrite yet. */
	dt->builds_dirty = 0;
	pthread_mutex_unlock(&dt->mu);
	log_info("db: %zu build-flag clears from %s, written when the "
	    "database answers%s", n, dt->journal, bad ? " (bad lines skipped)"
	    : "");
done:
	free(buf);
	close(fd);
}

/*
 * DB thread: makes the journal match the set when it changed: rewritten
 * atomically, or removed when the set is empty. On failure the set stays
 * marked, so the next turn tries again.
 */
static void
journal_sync(struct db_thread *dt)
{
	char	*text = NULL, err[DB_ERRLEN];
	size_t	 i, n, off;
	int	 rc;

	pthread_mutex_lock(&dt->mu);
	if (!dt->builds_dirty || dt->journal[0] == '\0') {
		pthread_mutex_unlock(&dt->mu);
		return;
	}
	n = dt->nbuilds;
	if (n > 0 && (text = malloc(sizeof(DB_JOURNAL_MAGIC) +
	    n * DB_HOSTLEN)) != NULL) {
		off = (size_t)sprintf(text, "%s", DB_JOURNAL_MAGIC);
		for (i = 0; i < n; i++)
			off += (size_t)sprintf(text + off, "%s\n",
			    dt->builds[i]);
	} else
		off = 0;
	dt->builds_dirty = 0;
	pthread_mutex_unlock(&dt->mu);
	if (n == 0)
		rc = unlink(dt->journal) == -1 && errno != ENOENT ? -1 : 0;
	else if (text == NULL)
		rc = -1;
	else
		rc = atomicfile_write(dt->journal, text, off, 0600, err,
		    sizeof(err));
	if (rc == -1) {
		log_warnx("db: journal %s not written: %s; %zu build-flag "
		    "clears only in memory", dt->journal, n == 0 || text ==
		    NULL ? strerror(errno) : err, n);
		pthread_mutex_lock(&dt->mu);
		dt->builds_dirty = 1;
		pthread_mutex_unlock(&dt->mu);
	}
	free(text);
}

/*
 * Writes the pending build-flag clears, one autocommitted UPDATE each
 * (idempotent). A refused one stays pending and is tried again at the next
 * turn; a transient error stops the round. Returns 0, or -1 with err.
 */
static int
drain_builds(struct db_thread *dt, char *err, size_t errlen)
{
	char	(*names)[DB_HOSTLEN] = NULL;
	char	 sql[2 * DB_HOSTLEN + 64];
	char	*done = NULL;
	size_t	 i, j, n, ndone = 0;
	int	 rc = 0;

	pthread_mutex_lock(&dt->mu);
	n = dt->nbuilds;
	if (n > 0 && (names = malloc(n * sizeof(*names))) != NULL)
		memcpy(names, dt->builds, n * sizeof(*names));
	pthread_mutex_unlock(&dt->mu);
	if (n == 0)
		return 0;
	if (names == NULL || (done = calloc(n, 1)) == NULL) {
		free(names);
		return 0;	/* out of memory: the next turn tries again */
	}
	if (ensure_connected(dt, err, errlen) == -1) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* Names are [A-Za-z0-9._-]: nothing to escape. */
		snprintf(sql, sizeof(sql), "UPDATE hosts SET build = 0 WHERE "
		    "hostname = '%s'", names[i]);
		if (db_exec(dt->my, sql, err, errlen) == 0) {
			done[i] = 1;
			ndone++;
			log_info("db: build flag of %s cleared", names[i]);
		} else if (failed_transient(dt->my, "build-flag clear", err)) {
			disconnect(dt);
			rc = -1;
			break;
		}
	}
out:
	if (ndone > 0) {
		/* Entries 0..n-1 are as copied: the main thread appends. */
		pthread_mutex_lock(&dt->mu);
		for (i = j = 0; i < dt->nbuilds; i++)
			if (i >= n || !done[i])
				memmove(dt->builds[j++], dt->builds[i],
				    DB_HOSTLEN);
		dt->nbuilds = j;
		dt->builds_dirty = 1;
		dt->status.builds_pending = j;
		dt->status.builds_written += ndone;
		pthread_mutex_unlock(&dt->mu);
	}
	free(done);
	free(names);
	return rc;
}

/* Retention. */

/*
 * Runs one pruning statement up to DB_PRUNE_ROUND times while it removes a
 * full batch. Returns the rows removed, or -1 with err on a transient
 * error (a refused statement is logged and counts as 0).
 */
static long long
prune_stmt(struct db_thread *dt, const char *what, const char *sql,
    char *err, size_t errlen)
{
	long long	total = 0, n;
	int		i;

	for (i = 0; i < DB_PRUNE_ROUND; i++) {
		if (db_exec(dt->my, sql, err, errlen) == -1)
			return failed_transient(dt->my, what, err) ? -1 : total;
		n = (long long)mysql_affected_rows(dt->my);
		total += n > 0 ? n : 0;
		if (n < DB_PRUNE_BATCH)
			break;
	}
	return total;
}

/*
 * The value of the one-column, one-row query sql into buf ("" when no
 * row). Returns 0, or -1 with err.
 */
static int
query_value(MYSQL *my, const char *sql, char *buf, size_t len, char *err,
    size_t errlen)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;

	buf[0] = '\0';
	if (mysql_query(my, sql) != 0 || (res = mysql_store_result(my)) ==
	    NULL) {
		snprintf(err, errlen, "%s", mysql_error(my));
		return -1;
	}
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
		snprintf(buf, len, "%s", row[0]);
	mysql_free_result(res);
	return 0;
}

/*
 * One retention round: boot_events by age and count, discovered by last
 * seen and count, each in DELETEs of DB_PRUNE_BATCH rows so no lock is
 * held for long. Returns 1 when rows are left to remove (the next round
 * comes soon), 0 when done, -1 with err on a transient error.
 */
static int
prune(struct db_thread *dt, char *err, size_t errlen)
{
	const struct db_params	*p = &dt->params;
	char			 sql[256], v[64];
	long long		 n, total = 0;
	int			 more = 0;

#define PRUNE(what, ...) do {						\
	snprintf(sql, sizeof(sql), __VA_ARGS__);			\
	if ((n = prune_stmt(dt, what, sql, err, errlen)) == -1)		\
		return -1;						\
	total += n;							\
	more |= n >= (long long)DB_PRUNE_BATCH * DB_PRUNE_ROUND;	\
} while (0)
/* The value at offset rows from the newest, or "" when fewer rows. */
#define EDGE(what, sel, table, col, rows) do {			\
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY %s DESC "\
	    "LIMIT 1 OFFSET %d", sel, table, col, rows);		\
	if (query_value(dt->my, sql, v, sizeof(v), err, errlen) == -1) {\
		if (failed_transient(dt->my, what, err))		\
			return -1;					\
		v[0] = '\0';						\
	}								\
} while (0)

	if (p->keep_events_days > 0)
		PRUNE("boot_events retention", "DELETE FROM boot_events WHERE "
		    "ts < NOW() - INTERVAL %d DAY ORDER BY id LIMIT %d",
		    p->keep_events_days, DB_PRUNE_BATCH);
	if (p->keep_events_rows > 0) {
		EDGE("boot_events retention", "id", "boot_events", "id",
		    p->keep_events_rows);
		if (v[0] != '\0')
			PRUNE("boot_events retention", "DELETE FROM "
			    "boot_events WHERE id <= %llu ORDER BY id LIMIT %d",
			    strtoull(v, NULL, 10), DB_PRUNE_BATCH);
	}
	if (p->keep_disc_days > 0)
		PRUNE("discovered retention", "DELETE FROM discovered WHERE "
		    "last_seen < NOW() - INTERVAL %d DAY ORDER BY last_seen "
		    "LIMIT %d", p->keep_disc_days, DB_PRUNE_BATCH);
	if (p->keep_disc_rows > 0) {
		EDGE("discovered retention", "UNIX_TIMESTAMP(last_seen)",
		    "discovered", "last_seen", p->keep_disc_rows);
		/* Ties at the edge go too: at most keep_disc_rows are left. */
		if (v[0] != '\0')
			PRUNE("discovered retention", "DELETE FROM discovered "
			    "WHERE last_seen <= FROM_UNIXTIME(%lld) ORDER BY "
			    "last_seen LIMIT %d", strtoll(v, NULL, 10),
			    DB_PRUNE_BATCH);
	}
#undef PRUNE
#undef EDGE
	if (total > 0) {
		log_info("db: retention removed %lld rows%s", total,
		    more ? "; more next round" : "");
		pthread_mutex_lock(&dt->mu);
		dt->status.pruned += (uint64_t)total;
		pthread_mutex_unlock(&dt->mu);
	}
	return more;
}

/*
 * Reads the seed once the queue is empty (so since_us splits the events
 * exactly: every one queued before it is in the DB) and posts it.
 * Returns 0 (done, or not yet: the queue had events), or -1 with err.
 */
static int
seed_once(struct db_thread *dt, char *err, size_t errlen)
{
	struct db_seed	*seed;
	struct timespec	 ts;
	int64_t		 since;
	double		 t0 = now_mono();

	pthread_mutex_lock(&dt->mu);
	if (dt->evcount > 0) {
		pthread_mutex_unlock(&dt->mu);
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_unlock(&dt->mu);
	since = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	if ((seed = db_load_seed(dt->my, dt->seed_events, dt->seed_disc, since,
	    err, errlen)) == NULL) {
		disconnect(dt);
		return -1;
	}
	log_info("db: read %zu boot events and %zu discovered MACs for the "
	    "host states in %.1f ms", seed->nevents, seed->ndisc,
	    (now_mono() - t0) * 1000.0);
	dt->seed_want = 0;
	pthread_mutex_lock(&dt->mu);
	db_seed_free(dt->seed_box);
	dt->seed_box = seed;
	pthread_mutex_unlock(&dt->mu);
	event_active(dt->ev, 0, 0);
	return 0;
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

/*
 * After a DB error: down, or refused when the server turned bootd away
 * (this round's error number says which), and the next try after a
 * doubling delay.
 */
static double
db_down(struct db_thread *dt, const char *err)
{
	const char *why = db_err_refusal(dt->errnum);

	set_state(dt, why != NULL ? DB_STATE_REFUSED : DB_STATE_DOWN, err, why,
	    NULL);
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
	double			 start, next_poll = 0, next_prune = 0, t;
	int			 force = 0, stop, more;
	size_t			 lost, kept;

	/* Signals (SIGCHLD, SIGHUP, ...) belong to the event loop's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	db_journal_path(dt->cache_path, dt->journal, sizeof(dt->journal));
	journal_load(dt);
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
			/* The journal follows the cache; write it there. */
			db_journal_path(dt->cache_path, dt->journal,
			    sizeof(dt->journal));
			dt->builds_dirty = dt->nbuilds > 0;
			next_prune = 0;
		}
		force |= dt->kick;
		dt->kick = 0;
		stop = dt->stop;
		pthread_mutex_unlock(&dt->mu);
		if (stop)
			break;

		/* An acknowledged clear is on disk before anything else. */
		journal_sync(dt);
		start = now_mono();
		dt->errnum = 0;
		if (force || start >= next_poll) {
			/*
			 * Polls run at a fixed rate from the start of each
			 * poll, so a change waits at most poll_interval plus
			 * one load.
			 */
			if (poll_once(dt, force, err, sizeof(err)) == 0 &&
			    drain_builds(dt, err, sizeof(err)) == 0 &&
			    drain_events(dt, err, sizeof(err)) == 0 &&
			    (!dt->seed_want ||
			    seed_once(dt, err, sizeof(err)) == 0)) {
				force = 0;
				dt->backoff = 0;
				set_state(dt, DB_STATE_UP, NULL, NULL, NULL);
				next_poll = start + dt->params.poll_interval;
			} else
				next_poll = start + db_down(dt, err);
		} else if (dt->my != NULL &&
		    (drain_builds(dt, err, sizeof(err)) == -1 ||
		    drain_events(dt, err, sizeof(err)) == -1))
			/* Between polls only on a live connection: a DB
			 * that is down is retried at the backoff's pace. */
			next_poll = start + db_down(dt, err);
		if (dt->my != NULL && start >= next_prune) {
			if ((more = prune(dt, err, sizeof(err))) == -1) {
				disconnect(dt);
				next_poll = start + db_down(dt, err);
				next_prune = next_poll;
			} else
				next_prune = start + (more ? 1.0 :
				    dt->params.prune_interval);
		}
		journal_sync(dt);
		if (next_poll < now_mono())
			next_poll = now_mono();

		pthread_mutex_lock(&dt->mu);
		while (!dt->stop && !dt->kick && !dt->params_changed &&
		    !dt->builds_dirty &&
		    !(dt->evcount > 0 && dt->my != NULL) &&
		    wait_until(dt, next_poll) != ETIMEDOUT)
			;
		/*
		 * Woken by events: let more gather for a moment, so a burst
		 * of them (a rack booting) is one transaction, not one each.
		 */
		if (dt->evcount > 0 && dt->evcount < DB_EVENT_BATCH &&
		    !dt->builds_dirty) {
			t = now_mono() + DB_EVENT_LINGER;
			while (!dt->stop && !dt->kick && !dt->params_changed &&
			    wait_until(dt, t < next_poll ? t : next_poll) !=
			    ETIMEDOUT)
				;
		}
		pthread_mutex_unlock(&dt->mu);
	}
	/* Nothing lost at a clean stop: what is queued goes out if it can. */
	if (dt->my != NULL && (drain_builds(dt, err, sizeof(err)) == -1 ||
	    drain_events(dt, err, sizeof(err)) == -1))
		log_warnx("db: events not written at stop: %s", err);
	journal_sync(dt);
	pthread_mutex_lock(&dt->mu);
	lost = dt->evcount;
	kept = dt->nbuilds;
	pthread_mutex_unlock(&dt->mu);
	if (lost > 0)
		log_warnx("db: %zu boot events and discoveries not written at "
		    "stop (database unreachable): lost", lost);
	if (kept > 0 && dt->journal[0] != '\0')
		log_warnx("db: %zu build-flag clears kept in %s; the next "
		    "start writes them", kept, dt->journal);
	else if (kept > 0)
		log_warnx("db: %zu build-flag clears lost at stop: no journal "
		    "(paths.cache is empty)", kept);
	disconnect(dt);
	mysql_thread_end();
	return NULL;
}

void
db_thread_set_tap(struct db_thread *dt,
    void (*fn)(void *, const struct db_event *, int), void *arg)
{
	dt->tap = fn;
	dt->tap_arg = arg;
}

void
db_thread_set_seed(struct db_thread *dt, size_t nevents, size_t ndisc)
{
	dt->seed_want = 1;
	dt->seed_events = nevents;
	dt->seed_disc = ndisc;
}

struct db_seed *
db_thread_take_seed(struct db_thread *dt)
{
	struct db_seed *seed;

	pthread_mutex_lock(&dt->mu);
	seed = dt->seed_box;
	dt->seed_box = NULL;
	pthread_mutex_unlock(&dt->mu);
	return seed;
}

void
db_thread_set_build_opts(struct db_thread *dt,
    const struct inv_build_opts *opts)
{
	dt->build_opts = *opts;
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
	db_seed_free(dt->seed_box);
	db_params_clear(&dt->params);
	db_params_clear(&dt->next_params);
	free(dt->cache_path);
	free(dt->next_cache);
	free(dt->evq);
	free(dt->builds);
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

void
db_thread_status(struct db_thread *dt, struct db_status *st)
{
	pthread_mutex_lock(&dt->mu);
	*st = dt->status;
	pthread_mutex_unlock(&dt->mu);
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
