/* SPDX-License-Identifier: ISC */
/*
 * server: event_base setup, start/stop order of the modules, signals (HUP
 * reloads the config and re-reads the inventory, TERM/INT stop), and the
 * hand-over of new snapshots from the DB thread.
 */
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "bootd/bootd.h"
#include "bootd/clock.h"
#include "bootd/fdlimit.h"
#include "bootd/http.h"
#include "bootd/log.h"
#include "bootd/priv.h"
#include "bootd/service.h"
#include "bootd/sockowner.h"
#include "daemon/daemon.h"
#include "db/db_thread.h"
#include "db/inv_cache.h"
#include "db/inventory.h"
#include "dhcp/dhcp_server.h"
#include "dhcpgen/dhcpgen_write.h"
#include "doc/doc_http.h"
#include "kickstart/ks_vars.h"
#include "tftp/tftp_http.h"
#include "tftp/tftp_server.h"

/* Every inventory the daemon builds: host_vars may not shadow a template
 * variable of the template side's (ks_vars_reserved). */
const struct inv_build_opts bootd_inv_opts = { ks_vars_reserved };

const char *const bootd_source_names[BOOTD_SRC_MAX] = {
	[BOOTD_SRC_NONE] = "none",
	[BOOTD_SRC_CACHE] = "cache",
	[BOOTD_SRC_DB] = "db",
};

/* Makes snap (a reference the caller hands over) the one served. */
static void
bootd_swap_snapshot(struct bootd *bd, struct inv_snapshot *snap,
    enum bootd_source src)
{
	size_t i;

	for (i = 0; i < snap->nrejects; i++)
		log_warnx("db: rejected %s", snap->rejects[i]);
	inv_unref(bd->snap);
	bd->snap = snap;
	bd->snap_at_ms = clock_mono_ms();
	bd->source = src;
	bd->st.snapshots++;
	watch_io_snapshot(bd);
	/* DHCP maps for an existing server, when dhcpgen.format is set. */
	dhcpgen_on_snapshot(bd);
}

/*
 * The service manager's STATUS= line: what is served and how the DB is,
 * sent when it changed. With ready, READY=1 goes with it.
 */
static void
bootd_service_status(struct bootd *bd, int ready)
{
	char	text[sizeof(bd->svc_status)], db[160];

	if (bd->db == NULL)
		snprintf(db, sizeof(db), "db not read yet");
	else if (bd->dbst->state == DB_STATE_REFUSED)
		snprintf(db, sizeof(db), "db refused (%s): %.100s",
		    bd->dbst->refusal, bd->dbst->last_error);
	else if (bd->dbst->state == DB_STATE_DOWN)
		snprintf(db, sizeof(db), "db down: %.120s",
		    bd->dbst->last_error);
	else
		snprintf(db, sizeof(db), "db %s",
		    db_state_names[bd->dbst->state]);
	if (bd->snap != NULL)
		snprintf(text, sizeof(text), "generation %" PRIu64 ", %zu "
		    "hosts from the %s; %s", bd->snap->generation,
		    bd->snap->nhosts, bd->source == BOOTD_SRC_CACHE ?
		    "cache" : "database", db);
	else
		snprintf(text, sizeof(text), "no inventory yet; %s", db);
	if (ready) {
		snprintf(bd->svc_status, sizeof(bd->svc_status), "%s", text);
		svc_ready(text);
		bd->ready = 1;
		return;
	}
	if (strcmp(text, bd->svc_status) == 0)
		return;
	snprintf(bd->svc_status, sizeof(bd->svc_status), "%s", text);
	svc_status(text);
}

/* Main thread: the DB thread has a snapshot or a status change for us. */
static void
bootd_db_notify(void *arg)
{
	struct bootd		*bd = arg;
	struct inv_snapshot	*snap;

	if ((snap = db_thread_take(bd->db, bd->dbst)) != NULL)
		bootd_swap_snapshot(bd, snap, BOOTD_SRC_DB);
	/* After the snapshot it was read with: its hosts are known. */
	watch_io_seed(bd);
	/*
	 * Refused, with nothing to serve: no retry mends a wrong password
	 * or a missing grant, and a bootd that answers nobody must not
	 * look alive to its service manager.
	 */
	if (bd->snap == NULL && bd->dbst->state == DB_STATE_REFUSED) {
		log_emit(LOG_LVL_ERROR, 0, "bootd: the database refuses bootd "
		    "(%s) and there is no cache to serve: stopping",
		    bd->dbst->refusal);
		bd->failed = 1;
		event_base_loopexit(bd->base, NULL);
		return;
	}
	/*
	 * Ready once something is served, or once the first DB attempt
	 * found it down: serving nothing yet, but up, and STATUS= says why.
	 */
	bootd_service_status(bd, !bd->ready && (bd->snap != NULL ||
	    bd->dbst->state == DB_STATE_DOWN));
}

/* Serve the last good inventory while the DB has not answered yet. */
static void
bootd_load_cache(struct bootd *bd)
{
	struct inv_rows		*rows;
	struct inv_snapshot	*snap;
	char			 err[512];

	if (bd->cfg->paths.cache[0] == '\0')
		return;
	/* Never blocks: a FIFO there is an error (safeopen.h). */
	if ((rows = inv_cache_read(bd->cfg->paths.cache, err,
	    sizeof(err))) == NULL) {
		if (errno == ENOENT)
			log_info("db: no cache file %s yet", bd->cfg->paths.cache);
		else
			log_warnx("db: cache not used: %s", err);
		return;
	}
	snap = inv_build_with(rows, &bootd_inv_opts);
	inv_rows_free(rows);
	if (snap == NULL) {
		log_warnx("db: cache not used: out of memory");
		return;
	}
	log_info("db: serving cached generation %" PRIu64 " (%zu hosts) "
	    "until the database answers", snap->generation, snap->nhosts);
	bootd_swap_snapshot(bd, snap, BOOTD_SRC_CACHE);
}

/*
 * Opens path as the root that TFTP and HTTP /files/ serve (bd->rootfd)
 * and swaps it in; the old descriptor closes, while files already open
 * (running transfers, HTTP bodies) keep reading the old root's files.
 * Returns 0, or -1 with err filled (naming paths.tftp_root) and the old
 * root kept for both protocols.
 */
static int
bootd_root_set(struct bootd *bd, const char *path, char *err, size_t errlen)
{
	char	*p;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "paths.tftp_root %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((p = strdup(path)) == NULL) {
		close(fd);
		snprintf(err, errlen, "paths.tftp_root %s: out of memory",
		    path);
		return -1;
	}
	if (bd->rootfd != -1)
		close(bd->rootfd);
	free(bd->root);
	bd->rootfd = fd;
	bd->root = p;
	return 0;
}

static int
listeners_differ(const struct bootd_config *a, const struct bootd_config *b)
{
	return a->http.enabled != b->http.enabled ||
	    strcmp(a->http.listen, b->http.listen) != 0 ||
	    a->http.port != b->http.port ||
	    a->tftp.enabled != b->tftp.enabled ||
	    strcmp(a->tftp.listen, b->tftp.listen) != 0 ||
	    a->tftp.port != b->tftp.port ||
	    strcmp(a->tftp.io_uring, b->tftp.io_uring) != 0 ||
	    a->dhcp.enabled != b->dhcp.enabled ||
	    strcmp(a->dhcp.listen, b->dhcp.listen) != 0 ||
	    a->dhcp.port != b->dhcp.port ||
	    a->log.syslog != b->log.syslog;
}

/*
 * A config that start and reload both refuse: the file itself, then what
 * config_check_paths() finds (private files under the TFTP root). Returns
 * the config, or NULL with err set.
 */
static struct bootd_config *
bootd_config_load(const char *path, char *err, size_t errlen)
{
	struct bootd_config	*cfg;

	if ((cfg = config_load(path, err, errlen)) == NULL)
		return NULL;
	if (config_check_paths(cfg, err, errlen) > 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* SIGHUP: a new config is parsed and validated before it replaces the old. */
static void
bootd_reload(struct bootd *bd)
{
	struct bootd_config	*ncfg;
	char			 err[CONFIG_ERRLEN];
	int			 moved;

	svc_reloading();
	if ((ncfg = bootd_config_load(bd->config_path, err, sizeof(err))) ==
	    NULL) {
		bd->st.config_errors++;
		log_warnx("config: %s; keeping the running config", err);
		bootd_service_status(bd, bd->ready);
		return;
	}
	if (db_thread_set_config(bd->db, ncfg) == -1) {
		bd->st.config_errors++;
		log_warnx("config: out of memory; keeping the running config");
		config_free(ncfg);
		bootd_service_status(bd, bd->ready);
		return;
	}
	if (listeners_differ(bd->cfg, ncfg))
		log_warnx("config: listener or syslog changes take effect "
		    "at the next restart");
	/*
	 * The root is opened again even when its path is the same: a
	 * directory (or a symlink to one) swapped in at that path is then
	 * served. TFTP and HTTP /files/ switch together or not at all.
	 */
	moved = bd->root == NULL ||
	    strcmp(bd->root, ncfg->paths.tftp_root) != 0;
	if (bootd_root_set(bd, ncfg->paths.tftp_root, err, sizeof(err)) == -1)
		log_warnx("config: %s; TFTP and HTTP /files/ keep serving %s",
		    err, bd->root != NULL ? bd->root : "nothing");
	else if (moved)
		log_info("config: TFTP and HTTP /files/ now serve %s",
		    bd->root);
	if (strcmp(bd->cfg->process.user, ncfg->process.user) != 0 ||
	    strcmp(bd->cfg->process.group, ncfg->process.group) != 0)
		log_warnx("config: process.user and process.group changes "
		    "take effect at the next restart");
	log_set_level(ncfg->log.level);
	config_free(bd->cfg);
	bd->cfg = ncfg;
	bd->st.config_reloads++;
	db_thread_kick(bd->db);
	log_info("config: reloaded %s", bd->config_path);
	/* Ready again, unless it never was (the first DB answer is due). */
	bootd_service_status(bd, bd->ready);
}

#define BOOTD_DRAIN_TICKS	50	/* x 100 ms: how long transfers may finish */

/* Stops once running transfers are done, or after BOOTD_DRAIN_TICKS. */
static void
bootd_drain(evutil_socket_t fd, short what, void *arg)
{
	struct bootd	*bd = arg;
	struct timeval	 tv = { 0, 100000 };
	size_t		 n = tftp_active(bd->tftp);

	if (n == 0 || bd->drain_ticks++ >= BOOTD_DRAIN_TICKS ||
	    (bd->ev_drain == NULL && (bd->ev_drain = evtimer_new(bd->base,
	    bootd_drain, bd)) == NULL)) {
		if (n > 0)
			log_warnx("bootd: %zu transfers still running; "
			    "stopping anyway", n);
		event_base_loopexit(bd->base, NULL);
		return;
	}
	if (bd->drain_ticks == 1)
		log_info("bootd: waiting up to %d s for %zu transfers",
		    BOOTD_DRAIN_TICKS / 10, n);
	evtimer_add(bd->ev_drain, &tv);
}

static void
bootd_signal(evutil_socket_t sig, short what, void *arg)
{
	struct bootd *bd = arg;

	switch (sig) {
	case SIGHUP:
		bootd_reload(bd);
		break;
	case SIGTERM:
	case SIGINT:
		if (bd->ev_drain != NULL && evtimer_pending(bd->ev_drain, NULL)) {
			log_info("bootd: signal %d again, stopping now", (int)sig);
			event_base_loopexit(bd->base, NULL);
			break;
		}
		log_info("bootd: signal %d, stopping", (int)sig);
		svc_stopping();
		bootd_drain(-1, 0, bd);
		break;
	}
}

/*
 * libevent's own messages (a failed accept(2) or epoll_ctl(2) of a peer's
 * socket, say) can repeat per packet or connection: through the peer log
 * limiter, one slot per severity, escaped.
 */
static void
bootd_libevent_log(int severity, const char *msg)
{
	static const char	kwarn[] = "libevent warn", kmsg[] = "libevent";
	char			esc[256];

	log_sanitise(esc, sizeof(esc), msg, strlen(msg));
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", esc);
		break;
	case EVENT_LOG_MSG:
		log_peer_keyed_info(kmsg, "libevent: %s", esc);
		break;
	default:
		log_peer_keyed_warnx(kwarn, "libevent: %s", esc);
		break;
	}
}

/*
 * Raises the soft RLIMIT_NOFILE to the hard limit (the default soft limit
 * of 1,024 is far below what the caps may need) and warns when the
 * descriptor budget of the caps (fdlimit.h) does not fit what it got.
 */
static void
bootd_nofile(const struct bootd_config *cfg)
{
	struct fdlimit_budget	b;
	struct rlimit		rl;
	rlim_t			was;
	char			msg[512];

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("bootd: getrlimit(RLIMIT_NOFILE)");
		return;
	}
	was = rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
			log_warn("bootd: setrlimit(RLIMIT_NOFILE, %llu)",
			    (unsigned long long)rl.rlim_max);
			rl.rlim_cur = was;
		}
	}
	fdlimit_budget(cfg, &b);
	if (rl.rlim_cur != was)
		log_info("bootd: open files limit %llu (raised from %llu); "
		    "descriptor budget %" PRIu64,
		    (unsigned long long)rl.rlim_cur, (unsigned long long)was,
		    b.total);
	else
		log_info("bootd: open files limit %llu; descriptor budget %"
		    PRIu64, (unsigned long long)rl.rlim_cur, b.total);
	if (fdlimit_check(&b, rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
	    (uint64_t)rl.rlim_cur, msg, sizeof(msg)))
		log_warnx("bootd: %s", msg);
}

static void
bootd_free(struct bootd *bd)
{
	/* Transfers end first: their last boot events go to the DB queue. */
	tftp_stop(bd->tftp);
	dhcp_stop(bd->dhcp);
	http_stop(bd->http);
	doc_http_free(bd->ks);
	db_thread_free(bd->db);
	watch_io_stop(bd);
	dhcpgen_stop(bd);
	if (bd->ev_drain != NULL)
		event_free(bd->ev_drain);
	if (bd->ev_watchdog != NULL)
		event_free(bd->ev_watchdog);
	if (bd->ev_hup != NULL)
		event_free(bd->ev_hup);
	if (bd->ev_term != NULL)
		event_free(bd->ev_term);
	if (bd->ev_int != NULL)
		event_free(bd->ev_int);
	inv_unref(bd->snap);
	config_free(bd->cfg);
	if (bd->rootfd != -1)
		close(bd->rootfd);
	free(bd->root);
	if (bd->base != NULL)
		event_base_free(bd->base);
	free(bd->config_path);
}

/*
 * A listener that could not start: one line naming its port and protocol
 * (the module's err), and who holds the port when that was the trouble.
 */
static void
bootd_listen_failed(const char *mod, char *err, size_t errlen, int tcp,
    int port, int saved_errno)
{
	sockowner_explain(err, errlen, tcp, (unsigned int)port,
	    saved_errno == EADDRINUSE);
	log_emit(LOG_LVL_ERROR, 0, "%s: %s", mod, err);
}

/*
 * After the drop: warns about each place bootd writes later that its user
 * cannot write, so a cache that is never saved is not a surprise at the
 * next outage. bootd check says the same before a start.
 */
static void
bootd_check_writable(const struct bootd *bd, const struct priv_ids *ids)
{
	const struct bootd_config	*cfg = bd->cfg;
	char				 path[PATH_MAX];

	if (cfg->paths.cache[0] != '\0') {
		snprintf(path, sizeof(path), "%s", cfg->paths.cache);
		if (access(dirname(path), W_OK | X_OK) == -1)
			log_warn("db: the cache and its journal will not be "
			    "written: directory of paths.cache %s, as user %s",
			    cfg->paths.cache, ids->user);
	}
	if (cfg->dhcpgen.format[0] != '\0' && cfg->dhcpgen.output[0] != '\0') {
		snprintf(path, sizeof(path), "%s", cfg->dhcpgen.output);
		if (access(dirname(path), W_OK | X_OK) == -1)
			log_warn("dhcpgen: the map will not be written: "
			    "directory of dhcpgen.output %s, as user %s",
			    cfg->dhcpgen.output, ids->user);
	}
}

int
bootd_serve(const char *config_path)
{
	struct bootd		 bd;
	struct db_status	 dbst;
	struct priv_ids		 ids;
	char			 err[CONFIG_ERRLEN];
	int			 rc = 1, switched, e;

	memset(&bd, 0, sizeof(bd));
	memset(&dbst, 0, sizeof(dbst));
	bd.dbst = &dbst;
	bd.rootfd = -1;
	bd.started = time(NULL);
	if ((bd.config_path = strdup(config_path)) == NULL)
		fatal("strdup");
	if ((bd.cfg = bootd_config_load(config_path, err, sizeof(err))) ==
	    NULL) {
		log_emit(LOG_LVL_ERROR, 0, "config: %s", err);
		goto done;
	}
	log_init(bd.cfg->log.level, bd.cfg->log.syslog, "bootd");
	/* A missing user is an error now, not after binding. */
	if (priv_lookup(bd.cfg->process.user, bd.cfg->process.group, &ids,
	    err, sizeof(err)) == -1) {
		log_emit(LOG_LVL_ERROR, 0, "bootd: %s", err);
		goto done;
	}
	signal(SIGPIPE, SIG_IGN);
	bootd_nofile(bd.cfg);
	event_set_log_callback(bootd_libevent_log);
	if (evthread_use_pthreads() == -1 ||
	    (bd.base = event_base_new()) == NULL) {
		log_emit(LOG_LVL_ERROR, 0, "bootd: cannot set up libevent");
		goto done;
	}
	bd.ev_hup = evsignal_new(bd.base, SIGHUP, bootd_signal, &bd);
	bd.ev_term = evsignal_new(bd.base, SIGTERM, bootd_signal, &bd);
	bd.ev_int = evsignal_new(bd.base, SIGINT, bootd_signal, &bd);
	if (bd.ev_hup == NULL || bd.ev_term == NULL || bd.ev_int == NULL ||
	    evsignal_add(bd.ev_hup, NULL) == -1 ||
	    evsignal_add(bd.ev_term, NULL) == -1 ||
	    evsignal_add(bd.ev_int, NULL) == -1) {
		log_emit(LOG_LVL_ERROR, 0, "bootd: cannot set up signals");
		goto done;
	}

	bootd_load_cache(&bd);

	/* One root for TFTP and HTTP /files/; TFTP cannot start without. */
	if (bootd_root_set(&bd, bd.cfg->paths.tftp_root, err,
	    sizeof(err)) == -1) {
		if (bd.cfg->tftp.enabled) {
			log_emit(LOG_LVL_ERROR, 0, "tftp: %s", err);
			goto done;
		}
		if (bd.cfg->http.enabled)
			log_warnx("http: %s; /files/ serves nothing until a "
			    "SIGHUP opens it", err);
	}

	/* Every privileged step first: the listeners (ports below 1024). */
	if (bd.cfg->http.enabled &&
	    (bd.http = http_start(&bd, err, sizeof(err))) == NULL) {
		bootd_listen_failed("http", err, sizeof(err), 1,
		    bd.cfg->http.port, 0);
		goto done;
	}
	/* The modules' routes, then the daemon's own. */
	if (bd.http != NULL &&
	    ((bd.ks = doc_http_new(&bd, err, sizeof(err))) == NULL ||
	    doc_http_routes(bd.ks, bd.http, err, sizeof(err)) == -1 ||
	    tftp_http_routes(&bd, bd.http, err, sizeof(err)) == -1 ||
	    daemon_routes_add(&bd, err, sizeof(err)) == -1)) {
		log_emit(LOG_LVL_ERROR, 0, "%s", err);
		goto done;
	}
	if (bd.cfg->tftp.enabled &&
	    (bd.tftp = tftp_start(&bd, err, sizeof(err))) == NULL) {
		e = errno;
		bootd_listen_failed("tftp", err, sizeof(err), 0,
		    bd.cfg->tftp.port, e);
		goto done;
	}
	if (bd.cfg->dhcp.enabled &&
	    (bd.dhcp = dhcp_start(&bd, err, sizeof(err))) == NULL) {
		e = errno;
		bootd_listen_failed("dhcp", err, sizeof(err), 0,
		    bd.cfg->dhcp.port, e);
		goto done;
	}
	/* Then no root and no capability, before a single packet is read. */
	if (priv_drop(&ids, &switched, err, sizeof(err)) == -1) {
		log_emit(LOG_LVL_ERROR, 0, "bootd: %s", err);
		goto done;
	}
	log_info("bootd: running as user %s, group %s, no capabilities%s",
	    ids.user, ids.group, switched ? "" : " (started as them)");
	bootd_check_writable(&bd, &ids);
	if (svc_watchdog_start(bd.base, &bd.ev_watchdog) == -1) {
		log_emit(LOG_LVL_ERROR, 0, "bootd: cannot set up the watchdog "
		    "timer");
		goto done;
	}
	/* Always read the DB once at start, even when the cache is current. */
	if ((bd.db = db_thread_new(bd.base, bd.cfg, 0, bd.snap != NULL ?
	    bd.snap->generation : 0, bootd_db_notify, &bd)) == NULL) {
		log_emit(LOG_LVL_ERROR, 1, "db: cannot start the DB thread");
		goto done;
	}
	db_thread_set_build_opts(bd.db, &bootd_inv_opts);
	if (watch_io_start(&bd) == -1) {
		log_emit(LOG_LVL_ERROR, 1, "watch: cannot keep host states");
		goto done;
	}
	watch_io_attach(&bd);
	if (db_thread_start(bd.db) == -1) {
		log_emit(LOG_LVL_ERROR, 1, "db: cannot start the DB thread");
		goto done;
	}
	log_info("bootd %s: serving (http %s:%d%s, tftp %s:%d%s)",
	    BOOTD_VERSION, bd.cfg->http.listen, bd.cfg->http.port,
	    bd.cfg->http.enabled ? "" : " disabled", bd.cfg->tftp.listen,
	    bd.cfg->tftp.port, bd.cfg->tftp.enabled ? "" : " disabled");
	/* The cache is served: ready now; else when the DB has answered. */
	if (bd.snap != NULL)
		bootd_service_status(&bd, 1);
	if (event_base_dispatch(bd.base) == -1)
		log_emit(LOG_LVL_ERROR, 0, "bootd: event loop failed");
	else
		rc = bd.failed ? 1 : 0;
	log_info("bootd: stopped");
done:
	bootd_free(&bd);
	return rc;
}
