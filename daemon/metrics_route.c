/* SPDX-License-Identifier: ISC */
/*
 * metrics_route: GET /metrics, every module's counters in the Prometheus
 * text exposition format 0.0.4 (bootd/metrics.c writes it). Served to
 * anyone, like /healthz: counters hold no secrets, and scrapers seldom sit
 * in the admin networks (host names and states, with metrics.per_host,
 * are what anyone could learn from the boot traffic itself). It reads
 * counters the modules keep anyway and never waits: the families are a
 * few KB, written at once; with metrics.per_host the per-host series
 * (README: the cost at 100k hosts) are written in slices across loop
 * turns (slice_io.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/bootd.h"
#include "bootd/clock.h"
#include "bootd/hoststate.h"
#include "bootd/http.h"
#include "bootd/log.h"
#include "bootd/metrics.h"
#include "daemon/daemon.h"
#include "daemon/render.h"
#include "daemon/slice_io.h"
#include "daemon/watch.h"
#include "db/db_thread.h"
#include "db/inventory.h"
#include "dhcp/dhcp_policy.h"
#include "dhcp/dhcp_server.h"
#include "tftp/tftp_server.h"

/*
 * Far above what the families below take (a few KB); a guard, not a cap.
 * Per-host series add METRICS_HOST_MAX a host of the served inventory.
 */
#define METRICS_BODY_MAX	(1024 * 1024)
#define METRICS_HOST_MAX	1024

/* A family with one unlabelled sample. */
static void
one_u64(struct metrics *m, const char *name, enum metrics_type type,
    const char *help, uint64_t v)
{
	if (metrics_family(m, name, type, help) == 0)
		(void)metrics_u64(m, NULL, v);
}

/* One sample labelled key=value. */
static void
labelled(struct metrics *m, const char *key, const char *value, uint64_t v)
{
	const char *const	 l[] = { key, value, NULL };

	(void)metrics_u64(m, l, v);
}

static void
put_process(struct metrics *m, const struct bootd *bd)
{
	size_t	i;

	if (metrics_family(m, "bootd_build_info", METRICS_GAUGE,
	    "Always 1; the version of the running bootd.") == 0)
		labelled(m, "version", BOOTD_VERSION, 1);
	if (metrics_family(m, "bootd_start_time_seconds", METRICS_GAUGE,
	    "Start time of the daemon, seconds since the Epoch.") == 0)
		(void)metrics_double(m, NULL, (double)bd->started);
	one_u64(m, "bootd_config_reloads_total", METRICS_COUNTER,
	    "Configuration reloads taken (SIGHUP).", bd->st.config_reloads);
	one_u64(m, "bootd_config_reload_errors_total", METRICS_COUNTER,
	    "Configuration reloads refused.", bd->st.config_errors);
	if (metrics_family(m, "bootd_inventory_source", METRICS_GAUGE,
	    "1 for where the served inventory came from, 0 otherwise.") == 0)
		for (i = 0; i < BOOTD_SRC_MAX; i++)
			labelled(m, "source", bootd_source_names[i],
			    bd->source == (enum bootd_source)i);
}

static void
put_db(struct metrics *m, const struct bootd *bd)
{
	const struct inv_snapshot	*snap = bd->snap;
	struct db_status		 st;
	size_t				 i;

	memset(&st, 0, sizeof(st));
	if (bd->db != NULL)
		db_thread_status(bd->db, &st);
	/* The state /healthz shows: the one of the last status taken. */
	if (metrics_family(m, "bootd_db_state", METRICS_GAUGE,
	    "1 for the database connection's state, 0 for the others.") == 0)
		for (i = 0; i < DB_STATE_MAX; i++)
			labelled(m, "state", db_state_names[i],
			    bd->dbst->state == (enum db_state)i);
	one_u64(m, "bootd_db_loads_total", METRICS_COUNTER,
	    "Inventory loads from the database that succeeded.", st.loads);
	one_u64(m, "bootd_db_failures_total", METRICS_COUNTER,
	    "Failed database connects, queries and loads.", st.failures);
	if (metrics_family(m, "bootd_db_last_load_seconds", METRICS_GAUGE,
	    "Duration of the last good load: read, validate, index.") == 0)
		(void)metrics_double(m, NULL, st.last_load_ms / 1000.0);
	one_u64(m, "bootd_db_events_written_total", METRICS_COUNTER,
	    "Boot events written to the database.", st.events_written);
	one_u64(m, "bootd_db_events_dropped_total", METRICS_COUNTER,
	    "Boot events dropped: their source's room in the queue was full.",
	    st.events_dropped);
	one_u64(m, "bootd_db_events_rejected_total", METRICS_COUNTER,
	    "Boot events the database refused.", st.events_rejected);
	one_u64(m, "bootd_db_events_queued", METRICS_GAUGE,
	    "Boot events waiting for the database.", st.events_queued);
	one_u64(m, "bootd_db_builds_pending", METRICS_GAUGE,
	    "Build-flag clears not written yet.", st.builds_pending);
	one_u64(m, "bootd_db_builds_written_total", METRICS_COUNTER,
	    "Build-flag clears written.", st.builds_written);
	one_u64(m, "bootd_db_pruned_total", METRICS_COUNTER,
	    "Rows removed by retention.", st.pruned);
	one_u64(m, "bootd_snapshots_total", METRICS_COUNTER,
	    "Inventory snapshots swapped in.", bd->st.snapshots);
	one_u64(m, "bootd_snapshot_generation", METRICS_GAUGE,
	    "Generation of the served inventory (0: none).",
	    snap != NULL ? snap->generation : 0);
	one_u64(m, "bootd_snapshot_hosts", METRICS_GAUGE,
	    "Hosts in the served inventory.", snap != NULL ? snap->nhosts : 0);
	one_u64(m, "bootd_snapshot_rejected_rows", METRICS_GAUGE,
	    "Rows of the served inventory's load that were rejected.",
	    snap != NULL ? snap->nrejects : 0);
	/* Absent with nothing to serve: an age of nothing is not 0. */
	if (snap != NULL && metrics_family(m, "bootd_snapshot_age_seconds",
	    METRICS_GAUGE, "Seconds since the served inventory was swapped "
	    "in (a table change or a load from the cache).") == 0)
		(void)metrics_double(m, NULL,
		    (double)(clock_mono_ms() - bd->snap_at_ms) / 1000.0);
}

static void
put_dhcp(struct metrics *m, const struct dhcp_stats *st)
{
	int	i;

	one_u64(m, "bootd_dhcp_packets_received_total", METRICS_COUNTER,
	    "DHCP datagrams read.", st->received);
	one_u64(m, "bootd_dhcp_packets_malformed_total", METRICS_COUNTER,
	    "DHCP datagrams dropped as malformed.", st->malformed);
	one_u64(m, "bootd_dhcp_packets_other_interface_total",
	    METRICS_COUNTER, "DHCP datagrams from an interface not listed.",
	    st->other_iface);
	if (metrics_family(m, "bootd_dhcp_replies_total", METRICS_COUNTER,
	    "DHCP replies decided, by message type.") == 0) {
		labelled(m, "type", "offer", st->offers);
		labelled(m, "type", "ack", st->acks);
		labelled(m, "type", "nak", st->naks);
	}
	/* The NAK reasons are in the table too; they stay 0 here. */
	if (metrics_family(m, "bootd_dhcp_ignored_total", METRICS_COUNTER,
	    "DHCP requests left unanswered, by reason.") == 0)
		for (i = DHCP_R_NONE + 1; i < DHCP_R_MAX; i++)
			labelled(m, "reason", dhcp_reason_name(i),
			    st->ignored_by[i]);
	one_u64(m, "bootd_dhcp_build_errors_total", METRICS_COUNTER,
	    "DHCP replies that could not be built.", st->build_errors);
	one_u64(m, "bootd_dhcp_send_errors_total", METRICS_COUNTER,
	    "DHCP replies that could not be sent.", st->send_errors);
	if (metrics_family(m, "bootd_dhcp_discovered_total", METRICS_COUNTER,
	    "DISCOVERs from unknown MACs: queued for the database, or "
	    "suppressed (seen within the interval, over the rate).") == 0) {
		labelled(m, "outcome", "queued", st->disc_queued);
		labelled(m, "outcome", "suppressed_mac",
		    st->disc_suppressed_mac);
		labelled(m, "outcome", "suppressed_rate",
		    st->disc_suppressed_rate);
	}
	if (metrics_family(m, "bootd_dhcp_events_total", METRICS_COUNTER,
	    "DHCP boot events: queued for the database, suppressed over the "
	    "rate, or refused by a full queue.") == 0) {
		labelled(m, "outcome", "queued", st->events_queued);
		labelled(m, "outcome", "suppressed", st->events_suppressed);
		labelled(m, "outcome", "queue_full", st->db_queue_full);
	}
	(void)metrics_histogram(m, "bootd_dhcp_reply_latency_seconds",
	    "Seconds from reading a DHCP request to its reply's send "
	    "returning; replies sent only.", NULL, &st->decide_send);
}

static void
put_tftp(struct metrics *m, const struct tftp_stats *st, size_t active)
{
	/*
	 * One result per request, so that the sum means something: nofd is
	 * a kind of busy and changed a kind of failed, taken out of them.
	 */
	if (metrics_family(m, "bootd_tftp_transfers_total", METRICS_COUNTER,
	    "TFTP read requests by result, each counted once.") == 0) {
		labelled(m, "result", "done", st->done);
		labelled(m, "result", "failed", st->failed - st->changed);
		labelled(m, "result", "changed", st->changed);
		labelled(m, "result", "aborted", st->aborted);
		labelled(m, "result", "unacked", st->unacked);
		labelled(m, "result", "refused", st->refused);
		labelled(m, "result", "busy", st->busy - st->nofd);
		labelled(m, "result", "nofd", st->nofd);
	}
	one_u64(m, "bootd_tftp_transfers_active", METRICS_GAUGE,
	    "TFTP transfers in flight.", active);
	one_u64(m, "bootd_tftp_io_uring", METRICS_GAUGE,
	    "1 when TFTP transfers receive and send through io_uring, 0 "
	    "when on epoll (tftp.io_uring).", st->io_uring);
	one_u64(m, "bootd_tftp_sent_bytes_total", METRICS_COUNTER,
	    "TFTP file bytes sent, first copies only.", st->bytes);
	one_u64(m, "bootd_tftp_retransmits_total", METRICS_COUNTER,
	    "TFTP DATA and OACK packets sent again.", st->retransmits);
	one_u64(m, "bootd_tftp_bad_packets_total", METRICS_COUNTER,
	    "TFTP packets dropped as malformed or unexpected.",
	    st->bad_packets);
	one_u64(m, "bootd_tftp_wrong_tid_total", METRICS_COUNTER,
	    "TFTP packets from a stranger to a transfer's port.",
	    st->wrong_tid);
	one_u64(m, "bootd_tftp_virtual_files_total", METRICS_COUNTER,
	    "TFTP menus rendered from the inventory.", st->virtual_files);
	(void)metrics_histogram(m, "bootd_tftp_transfer_duration_seconds",
	    "Seconds from a TFTP read request taken to the transfer's end; "
	    "completed transfers only.", NULL, &st->duration);
}

/*
 * Host states: counts by state, stalls found. With metrics.per_host a
 * series of each host's state (only its current one, 1: a state change
 * moves the host to another series, and 100k hosts stay 100k series, not
 * 700k) and of its last event's time labelled with its stage follow,
 * written in slices (render_metrics_hosts()).
 */
static void
put_hosts(struct metrics *m, const struct bootd *bd, int64_t now)
{
	const struct watch	*w = bd->watch;
	uint64_t		 counts[HS_MAX];
	size_t			 i;

	if (w == NULL)
		return;
	watch_counts(w, now, watch_io_stall_ms(bd), counts);
	if (metrics_family(m, "bootd_hosts", METRICS_GAUGE,
	    "Hosts of the served inventory by state.") == 0)
		for (i = 0; i < HS_MAX; i++)
			labelled(m, "state", hs_state_name((enum hs_state)i),
			    counts[i]);
	one_u64(m, "bootd_host_stalled_total", METRICS_COUNTER,
	    "Hosts found stalled (a boot with build = 1 and no install-done "
	    "within the stall timeout), each boot once.", w->stalled_total);
}

/* Replies by route and status class: every route, 2xx to 5xx each. */
static void
put_http_replies(struct metrics *m, const struct http_srv *srv)
{
	static const char *const classes[HTTP_CLASSES] = {
		NULL, NULL, "2xx", "3xx", "4xx", "5xx"
	};
	const uint64_t	*by;
	const char	*prefix;
	const char	*l[5];
	size_t		 i;
	int		 k;

	if (metrics_family(m, "bootd_http_requests_total", METRICS_COUNTER,
	    "HTTP requests answered, by route (its path prefix; \"none\" "
	    "when none matched) and status class.") == -1)
		return;
	for (i = 0; (by = http_route_replies(srv, i, &prefix)) != NULL; i++)
		for (k = 2; k < HTTP_CLASSES; k++) {
			l[0] = "route";
			l[1] = prefix != NULL ? prefix : "none";
			l[2] = "code";
			l[3] = classes[k];
			l[4] = NULL;
			(void)metrics_u64(m, l, by[k]);
		}
}

static void
put_http(struct metrics *m, const struct http_srv *srv)
{
	const struct http_stats *st = http_stats(srv);

	put_http_replies(m, srv);
	one_u64(m, "bootd_http_connections_accepted_total", METRICS_COUNTER,
	    "HTTP connections accepted.", st->accepted);
	if (metrics_family(m, "bootd_http_connections_refused_total",
	    METRICS_COUNTER, "HTTP connections refused over a cap.") == 0) {
		labelled(m, "cap", "max_per_client", st->refused_client);
		labelled(m, "cap", "max_connections", st->refused_full);
	}
	one_u64(m, "bootd_http_listener_paused_total", METRICS_COUNTER,
	    "Times the listener paused at http.max_connections.", st->full);
	one_u64(m, "bootd_http_deadline_closes_total", METRICS_COUNTER,
	    "HTTP connections closed by http.request_timeout.", st->deadline);
}

/* One scrape: the families before the per-host ones, those, the rest. */
struct scrape {
	struct bootd		*bd;
	struct inv_snapshot	*snap;	/* per-host series: a reference */
	int64_t			 now, stall;
	struct render_cur	 cur;
	struct strbuf		 sb;
	struct metrics		 m;
};

static int
scrape_step(void *arg, size_t max)
{
	struct scrape *s = arg;

	if (s->snap == NULL)
		return 1;
	return render_metrics_hosts(&s->m, s->bd->watch, s->snap, s->now,
	    s->stall, &s->cur, max);
}

/*
 * The families after the per-host ones, read when the scrape ends. A
 * server that is off (tftp.enable, dhcp.enable) has no families: absent,
 * not 0.
 */
static void
scrape_finish(void *arg, struct http_ctx *c)
{
	struct scrape	*s = arg;
	struct bootd	*bd = s->bd;
	const char	*why;
	char		*body;
	size_t		 len;

	if (bd->dhcp != NULL)
		put_dhcp(&s->m, dhcp_stats(bd->dhcp));
	if (bd->tftp != NULL)
		put_tftp(&s->m, tftp_stats(bd->tftp), tftp_active(bd->tftp));
	put_http(&s->m, bd->http);
	if (metrics_done(&s->m, &why) == -1) {
		/* A scraper can repeat it: through the peer limiter. */
		log_peer_warnx("http: %s: /metrics: %s", c->peer, why);
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	if ((body = strbuf_take(&s->sb, &len)) == NULL) {
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	http_reply_take(c, HTTP_C_OK, METRICS_CONTENT_TYPE, body, len);
}

static void
scrape_free(void *arg)
{
	struct scrape *s = arg;

	strbuf_free(&s->sb);
	strbuf_free(&s->m.seen);
	inv_unref(s->snap);
	free(s);
}

static const struct slice_ops scrape_ops = {
	scrape_step, scrape_finish, scrape_free
};

/*
 * GET /metrics: the families of the process, the DB and the host counts
 * now; with metrics.per_host, the per-host series in slices across loop
 * turns (slice_io.h); the protocol families at the end.
 */
static void
route_metrics(struct http_ctx *c)
{
	struct bootd	*bd = c->arg;
	struct scrape	*s;
	size_t		 nh = 0;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	s->bd = bd;
	s->now = clock_real_ms();
	s->stall = watch_io_stall_ms(bd);
	if (bd->cfg->metrics.per_host && bd->watch != NULL &&
	    bd->watch->snap != NULL) {
		s->snap = inv_ref(bd->watch->snap);
		nh = s->snap->nhosts;
	}
	strbuf_init(&s->sb, METRICS_BODY_MAX + nh * METRICS_HOST_MAX);
	metrics_init(&s->m, &s->sb);
	put_process(&s->m, bd);
	put_db(&s->m, bd);
	put_hosts(&s->m, bd, s->now);
	slice_run(bd, c, &scrape_ops, s);
}

int
daemon_metrics_add(struct bootd *bd, char *err, size_t errlen)
{
	return http_route_add(bd->http, "/metrics", 1, HTTP_M_GET,
	    HTTP_ACL_ANY, route_metrics, bd, err, errlen);
}
