/* SPDX-License-Identifier: ISC */
/*
 * routes: the daemon's own HTTP routes, which read the state of every
 * module at once: /healthz (anyone: one line of key=value for probes and
 * tests) and /inventory (admin networks: the hosts table, or one host);
 * /metrics lives in metrics_route.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "bootd/http.h"
#include "daemon/daemon.h"
#include "db/db_thread.h"
#include "db/inv_report.h"
#include "db/inventory.h"
#include "dhcp/dhcp_server.h"
#include "tftp/tftp_server.h"

/*
 * /healthz: "ok" with a snapshot to serve (200), else "empty" (503), then
 * the snapshot, the DB thread's counters, and the TFTP and DHCP servers'
 * counters (0 for a server that is off).
 */
static void
route_healthz(struct http_ctx *c)
{
	struct bootd		*bd = c->arg;
	struct db_status	 st;
	struct tftp_stats	 ts;
	struct dhcp_stats	 ds;
	char			 body[1280];
	int			 n;

	memset(&st, 0, sizeof(st));
	memset(&ts, 0, sizeof(ts));
	memset(&ds, 0, sizeof(ds));
	if (bd->db != NULL)
		db_thread_status(bd->db, &st);
	if (bd->tftp != NULL)
		ts = *tftp_stats(bd->tftp);
	if (bd->dhcp != NULL)
		ds = *dhcp_stats(bd->dhcp);
	n = snprintf(body, sizeof(body), "%s generation=%llu hosts=%zu "
	    "rejected=%zu source=%s db=%s events_written=%llu "
	    "events_dropped=%llu events_rejected=%llu events_queued=%zu "
	    "builds_pending=%zu builds_written=%llu pruned=%llu "
	    "tftp_active=%zu tftp_done=%" PRIu64 " tftp_failed=%" PRIu64
	    " tftp_refused=%" PRIu64 " tftp_busy=%" PRIu64 " dhcp_received=%"
	    PRIu64 " dhcp_offers=%" PRIu64 " dhcp_acks=%" PRIu64
	    " dhcp_naks=%" PRIu64 " dhcp_ignored=%" PRIu64 " dhcp_malformed=%"
	    PRIu64 "\n",
	    bd->snap ? "ok" : "empty",
	    (unsigned long long)(bd->snap ? bd->snap->generation : 0),
	    bd->snap ? bd->snap->nhosts : 0, bd->snap ? bd->snap->nrejects : 0,
	    bootd_source_names[bd->source], db_state_names[bd->dbst->state],
	    (unsigned long long)st.events_written,
	    (unsigned long long)st.events_dropped,
	    (unsigned long long)st.events_rejected, st.events_queued,
	    st.builds_pending, (unsigned long long)st.builds_written,
	    (unsigned long long)st.pruned,
	    bd->tftp != NULL ? tftp_active(bd->tftp) : 0, ts.done, ts.failed,
	    ts.refused, ts.busy, ds.received, ds.offers, ds.acks, ds.naks,
	    ds.ignored, ds.malformed);
	if (n < 0 || (size_t)n >= sizeof(body)) {
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	http_reply(c, bd->snap != NULL ? HTTP_C_OK : HTTP_C_UNAVAIL, NULL, body,
	    (size_t)n);
}

/* Sends what fn writes into a memory stream. */
static void
reply_stream(struct http_ctx *c, void (*fn)(FILE *, const void *),
    const void *arg)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	fn(fp, arg);
	if (fclose(fp) != 0) {
		free(buf);
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	http_reply_take(c, HTTP_C_OK, NULL, buf, len);
}

static void
write_hosts(FILE *fp, const void *arg)
{
	inv_report_hosts(fp, arg);
}

static void
write_host(FILE *fp, const void *arg)
{
	inv_report_host(fp, arg);
}

/* /inventory: the hosts table; /inventory/<hostname or MAC>: one host. */
static void
route_inventory(struct http_ctx *c)
{
	struct bootd			*bd = c->arg;
	const struct inv_snapshot	*snap = bd->snap;
	const struct inv_host		*h;
	uint8_t				 mac[ADDR_MAC_LEN];

	if (snap == NULL) {
		http_error(c, HTTP_C_UNAVAIL);
		return;
	}
	if (*c->rest == '\0') {
		reply_stream(c, write_hosts, snap);
		return;
	}
	if (addr_mac_parse(c->rest, mac) == 0)
		h = inv_by_mac(snap, mac);
	else
		h = inv_by_name(snap, c->rest);
	if (h == NULL) {
		http_error(c, HTTP_C_NOTFOUND);
		return;
	}
	reply_stream(c, write_host, h);
}

int
daemon_routes_add(struct bootd *bd, char *err, size_t errlen)
{
	if (daemon_statuspage_add(bd, err, errlen) == -1)
		return -1;
	if (http_route_add(bd->http, "/healthz", 1, HTTP_M_GET, HTTP_ACL_ANY,
	    route_healthz, bd, err, errlen) == -1 ||
	    http_route_add(bd->http, "/inventory", 1, HTTP_M_GET,
	    HTTP_ACL_ADMIN, route_inventory, bd, err, errlen) == -1 ||
	    http_route_add(bd->http, "/inventory/", 0, HTTP_M_GET,
	    HTTP_ACL_ADMIN, route_inventory, bd, err, errlen) == -1 ||
	    daemon_metrics_add(bd, err, errlen) == -1 ||
	    daemon_api_add(bd, err, errlen) == -1)
		return -1;
	return 0;
}
