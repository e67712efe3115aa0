/* SPDX-License-Identifier: ISC */
/*
 * api: the JSON API under /api/ (README "JSON API"), for the status page
 * and scripts: the daemon's status, the hosts with their states, one host
 * with its timeline, its events after a seq, the discovered MACs. Admin
 * networks only, GET only. It reads the served snapshot and the watch
 * (watch.h) and never waits: the hosts list, which grows with the
 * inventory, is written in slices across loop turns (slice_io.h); the
 * other answers are small and written in one pass.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bootd/bootd.h"
#include "bootd/buf.h"
#include "bootd/clock.h"
#include "bootd/escape.h"
#include "bootd/http.h"
#include "bootd/hoststate.h"
#include "bootd/log.h"
#include "bootd/pxe_arch.h"
#include "bootd/strbuf.h"
#include "daemon/api_query.h"
#include "daemon/daemon.h"
#include "daemon/render.h"
#include "daemon/slice_io.h"
#include "daemon/watch.h"
#include "db/db_thread.h"
#include "db/inv_bootfile.h"
#include "db/inventory.h"

#define API_CTYPE		"application/json; charset=utf-8"
#define API_REJECTED_MAX	100	/* rejects listed in /api/status */
#define API_IPXE_PATH		"/ipxe/"	/* as the DHCP policy's */

/* Sends sb as the JSON body with code (or 500 when it failed). */
static void
reply_json(struct http_ctx *c, int code, struct strbuf *sb)
{
	char	*body;
	size_t	 len;

	evhttp_add_header(evhttp_request_get_output_headers(c->req),
	    "Cache-Control", "no-store");
	if ((body = strbuf_take(sb, &len)) == NULL) {
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	http_reply_take(c, code, API_CTYPE, body, len);
}

/* {"error":why} with code; 405 says what is allowed. */
static void
api_error(struct http_ctx *c, int code, const char *why)
{
	struct strbuf sb;

	strbuf_init(&sb, STRBUF_NOMAX);
	strbuf_puts(&sb, "{");
	render_json_kstr(&sb, "error", why, 1);
	strbuf_puts(&sb, "}\n");
	if (code == HTTP_C_BADMETHOD)
		evhttp_add_header(evhttp_request_get_output_headers(c->req),
		    "Allow", "GET, HEAD");
	reply_json(c, code, &sb);
}

/*
 * The common checks of every route: GET (or HEAD) only, the query parsed
 * with the parameters allowed. Returns 0, or -1 with the reply sent.
 */
static int
api_begin(struct http_ctx *c, int allowed, struct api_query *q)
{
	const char	*query, *why;

	if (c->bd->watch == NULL) {
		api_error(c, HTTP_C_UNAVAIL, "starting");
		return -1;
	}
	if (c->cmd != EVHTTP_REQ_GET && c->cmd != EVHTTP_REQ_HEAD) {
		api_error(c, HTTP_C_BADMETHOD, "only GET");
		return -1;
	}
	query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(c->req));
	if (api_query_parse(query, allowed, q, &why) == -1) {
		api_error(c, HTTP_C_BADREQ, why);
		return -1;
	}
	return 0;
}

/* The status: db, snapshot, counts by state, rejected rows. */

/* Splits a reject line `hosts "x": why` into what and why. */
static void
put_reject(struct strbuf *sb, const char *line, int first)
{
	const char	*sep = strstr(line, "\": ");
	char		*what;
	size_t		 n;

	if (sep != NULL)
		sep++;
	else if ((sep = strstr(line, ": ")) == NULL)
		sep = line + strlen(line);
	n = (size_t)(sep - line);
	if ((what = strndup(line, n)) == NULL) {
		sb->err = STRBUF_NOMEM;
		return;
	}
	strbuf_puts(sb, first ? "{" : ",{");
	render_json_kstr(sb, "what", what, 1);
	render_json_kstr(sb, "why", *sep != '\0' ? sep + 2 : "", 0);
	strbuf_puts(sb, "}");
	free(what);
}

static void
route_status(struct http_ctx *c)
{
	struct bootd			*bd = c->arg;
	const struct inv_snapshot	*snap = bd->snap;
	struct db_status		 st;
	struct api_query		 q;
	struct strbuf			 sb;
	uint64_t			 counts[HS_MAX];
	int64_t				 now = clock_real_ms();
	const char			*why = NULL;
	size_t				 i;

	if (api_begin(c, 0, &q) == -1)
		return;
	memset(&st, 0, sizeof(st));
	if (bd->db != NULL)
		db_thread_status(bd->db, &st);
	watch_counts(bd->watch, now, watch_io_stall_ms(bd), counts);
	strbuf_init(&sb, STRBUF_NOMAX);
	strbuf_printf(&sb, "{\"version\":\"%s\",\"now\":%" PRId64
	    ",\"generation\":%" PRIu64 ",\"hosts\":%zu", BOOTD_VERSION, now,
	    snap != NULL ? snap->generation : 0, snap != NULL ?
	    snap->nhosts : 0);
	render_json_kstr(&sb, "source", bootd_source_names[bd->source], 0);
	if (snap != NULL)
		strbuf_printf(&sb, ",\"snapshot_age_s\":%" PRIu64,
		    (clock_mono_ms() - bd->snap_at_ms) / 1000);
	else
		strbuf_puts(&sb, ",\"snapshot_age_s\":null");
	if (bd->dbst->state == DB_STATE_REFUSED)
		why = bd->dbst->refusal;
	else if (bd->dbst->state == DB_STATE_DOWN)
		why = bd->dbst->last_error;
	strbuf_puts(&sb, ",\"db\":{");
	render_json_kstr(&sb, "state", db_state_names[bd->dbst->state], 1);
	render_json_kstr_null(&sb, "why", why);
	strbuf_printf(&sb, "},\"events_queued\":%zu,\"events_dropped\":%"
	    PRIu64 ",\"counts\":{", st.events_queued, st.events_dropped);
	for (i = 0; i < HS_MAX; i++)
		strbuf_printf(&sb, "%s\"%s\":%" PRIu64, i ? "," : "",
		    hs_state_name((enum hs_state)i), counts[i]);
	strbuf_puts(&sb, "},\"rejected\":[");
	for (i = 0; snap != NULL && i < snap->nrejects &&
	    i < API_REJECTED_MAX; i++)
		put_reject(&sb, snap->rejects[i], i == 0);
	strbuf_puts(&sb, "]");
	if (snap != NULL && snap->nrejects > API_REJECTED_MAX)
		strbuf_printf(&sb, ",\"rejected_more\":%zu",
		    snap->nrejects - API_REJECTED_MAX);
	strbuf_puts(&sb, "}\n");
	reply_json(c, HTTP_C_OK, &sb);
}

/* Hosts: the list in slices (render.h, slice_io.h). */

struct hosts_job {
	struct bootd		*bd;
	struct inv_snapshot	*snap;	/* a reference, or NULL */
	struct api_query	 q;
	int64_t			 now, stall;
	struct render_cur	 cur;
	struct strbuf		 sb;
};

static int
hosts_step(void *arg, size_t max)
{
	struct hosts_job *j = arg;

	return render_api_hosts(&j->sb, j->bd->watch, j->snap, &j->q, j->now,
	    j->stall, &j->cur, max);
}

static void
hosts_finish(void *arg, struct http_ctx *c)
{
	struct hosts_job *j = arg;

	reply_json(c, HTTP_C_OK, &j->sb);
}

static void
hosts_free(void *arg)
{
	struct hosts_job *j = arg;

	strbuf_free(&j->sb);
	inv_unref(j->snap);
	free(j);
}

static const struct slice_ops hosts_ops = {
	hosts_step, hosts_finish, hosts_free
};

static void
route_hosts(struct http_ctx *c)
{
	struct bootd		*bd = c->arg;
	struct hosts_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	if (api_begin(c, API_P_STATE | API_P_PROFILE | API_P_Q, &j->q) == -1) {
		free(j);
		return;
	}
	j->bd = bd;
	j->now = clock_real_ms();
	j->stall = watch_io_stall_ms(bd);
	if (bd->watch->snap != NULL)
		j->snap = inv_ref(bd->watch->snap);
	strbuf_init(&j->sb, STRBUF_NOMAX);
	slice_run(bd, c, &hosts_ops, j);
}

static void
put_event(struct strbuf *sb, const struct watch_event *e, int first)
{
	strbuf_printf(sb, "%s{\"seq\":%" PRIu64 ",\"ms\":%" PRId64,
	    first ? "" : ",", e->seq, e->at_us / 1000);
	render_json_kstr(sb, "stage", e->stage, 0);
	render_json_kstr(sb, "detail", e->detail, 0);
	render_json_kstr(sb, "mac", e->mac, 0);
	render_json_kstr(sb, "src", watch_src_names[e->src], 0);
	strbuf_puts(sb, "}");
}

/* "events":[...] of host i after seq. Returns 0, or -1 on ENOMEM. */
static int
put_events(struct strbuf *sb, const struct watch *w, size_t i,
    uint64_t after)
{
	const struct watch_event	**ev;
	size_t				 n, k;

	if (watch_timeline(w, i, after, &ev, &n) == -1)
		return -1;
	strbuf_puts(sb, "\"events\":[");
	for (k = 0; k < n; k++)
		put_event(sb, ev[k], k == 0);
	strbuf_puts(sb, "]");
	free(ev);
	return 0;
}

/*
 * The iPXE boot file as DHCP would send it: the profile's or the
 * config's template with the host's values, or bootd's iPXE script URL
 * (http.public_url, else http.listen, else the address the admin used).
 */
static void
put_ipxe(struct strbuf *sb, struct http_ctx *c, const struct inv_host *h,
    const struct bootd_config *cfg)
{
	struct buf_wr	 w;
	const char	*f = h->profile->bootfile[INV_BOOT_IPXE];
	const char	*host;
	char		 out[1024], ip[ADDR_IP4_STRLEN];
	size_t		 n;

	if (f[0] == '\0')
		f = cfg->dhcp.bootfile.ipxe;
	if (f[0] != '\0') {
		buf_wr_init(&w, (uint8_t *)out, sizeof(out) - 1);
		if (inv_bootfile_subst(&w, f, h) == -1)
			w.len = 0;
		out[w.len] = '\0';
	} else if ((n = strlen(cfg->http.public_url)) > 0) {
		while (n > 0 && cfg->http.public_url[n - 1] == '/')
			n--;
		snprintf(out, sizeof(out), "%.*s%s%s", (int)n,
		    cfg->http.public_url, API_IPXE_PATH, h->macstr);
	} else {
		if (cfg->http.listen_ip != 0) {
			addr_ip4_str(cfg->http.listen_ip, ip);
			host = ip;
		} else if ((host = evhttp_request_get_host(c->req)) == NULL)
			host = "127.0.0.1";
		snprintf(out, sizeof(out), "http://%.200s:%d%s%s", host,
		    cfg->http.port, API_IPXE_PATH, h->macstr);
	}
	render_json_kstr(sb, "ipxe", out, 0);
}

/* GET /api/hosts/NAME: HOST, vars, guests, boot files, events. */
static void
host_detail(struct http_ctx *c, const struct watch *w, size_t i)
{
	struct bootd		*bd = c->arg;
	const struct bootd_config *cfg = bd->cfg;
	const struct inv_host	*h = &w->snap->hosts[i];
	const char		*def[INV_BOOT_MAX] = {
		[INV_BOOT_BIOS] = cfg->dhcp.bootfile.bios,
		[INV_BOOT_EFI64] = cfg->dhcp.bootfile.efi64,
		[INV_BOOT_ARM64] = cfg->dhcp.bootfile.arm64,
	};
	struct strbuf		 sb;
	size_t			 k;
	int			 b;

	strbuf_init(&sb, STRBUF_NOMAX);
	strbuf_puts(&sb, "{");
	render_host_fields(&sb, h, &w->hosts[i], watch_state(w, i,
	    clock_real_ms(), watch_io_stall_ms(bd)));
	strbuf_puts(&sb, ",\"vars\":{");
	for (k = 0; k < h->nvars; k++) {
		if (k > 0)
			strbuf_puts(&sb, ",");
		render_json_str(&sb, h->vars[k].name);
		strbuf_puts(&sb, ":");
		render_json_str(&sb, h->vars[k].value);
	}
	strbuf_puts(&sb, "},\"guests\":[");
	for (k = 0; k < h->nguests; k++) {
		if (k > 0)
			strbuf_puts(&sb, ",");
		render_json_str(&sb, h->guests[k]->hostname);
	}
	strbuf_puts(&sb, "],\"bootfiles\":{");
	for (b = INV_BOOT_BIOS; b <= INV_BOOT_ARM64; b++)
		render_json_kstr(&sb, inv_boot_names[b],
		    h->profile->bootfile[b][0] != '\0' ?
		    h->profile->bootfile[b] : def[b], b == INV_BOOT_BIOS);
	put_ipxe(&sb, c, h, cfg);
	strbuf_puts(&sb, "},");
	if (put_events(&sb, w, i, 0) == -1)
		sb.err = STRBUF_NOMEM;
	strbuf_puts(&sb, "}\n");
	reply_json(c, HTTP_C_OK, &sb);
}

/* /api/hosts/NAME and /api/hosts/NAME/events. */
static void
route_host(struct http_ctx *c)
{
	struct bootd		*bd = c->arg;
	const struct watch	*w = bd->watch;
	const struct inv_host	*h = NULL;
	struct api_query	 q;
	struct strbuf		 sb;
	const char		*slash;
	char			 name[INV_NAME_MAX + 1];
	size_t			 n;
	int			 events;

	slash = strchr(c->rest, '/');
	n = slash != NULL ? (size_t)(slash - c->rest) : strlen(c->rest);
	events = slash != NULL && strcmp(slash, "/events") == 0;
	if (slash != NULL && !events) {
		api_error(c, HTTP_C_NOTFOUND, "no such resource");
		return;
	}
	if (api_begin(c, events ? API_P_AFTER : 0, &q) == -1)
		return;
	if (n > 0 && n < sizeof(name) && w->snap != NULL) {
		memcpy(name, c->rest, n);
		name[n] = '\0';
		h = inv_by_name(w->snap, name);
	}
	if (h == NULL) {
		api_error(c, HTTP_C_NOTFOUND, "no such host");
		return;
	}
	if (!events) {
		host_detail(c, w, (size_t)(h - w->snap->hosts));
		return;
	}
	strbuf_init(&sb, STRBUF_NOMAX);
	strbuf_puts(&sb, "{");
	if (put_events(&sb, w, (size_t)(h - w->snap->hosts), q.after) == -1)
		sb.err = STRBUF_NOMEM;
	strbuf_puts(&sb, "}\n");
	reply_json(c, HTTP_C_OK, &sb);
}

static void
route_discovered(struct http_ctx *c)
{
	struct bootd		*bd = c->arg;
	const struct watch	*w = bd->watch;
	const struct watch_disc	*d;
	struct api_query	 q;
	struct strbuf		 sb;
	uint32_t		 j;

	if (api_begin(c, 0, &q) == -1)
		return;
	strbuf_init(&sb, STRBUF_NOMAX);
	strbuf_puts(&sb, "{\"discovered\":[");
	for (j = w->disc_newest; j != 0; j = d->older) {
		d = &w->disc[j - 1];
		strbuf_puts(&sb, j == w->disc_newest ? "\n{" : ",\n{");
		render_json_kstr(&sb, "mac", d->mac, 1);
		strbuf_printf(&sb, ",\"first_ms\":%" PRId64 ",\"last_ms\":%"
		    PRId64, d->first_ms, d->last_ms);
		if (d->arch >= 0) {
			strbuf_printf(&sb, ",\"arch\":%d", d->arch);
			render_json_kstr(&sb, "arch_name", pxe_arch_name(d->arch), 0);
		} else
			strbuf_puts(&sb, ",\"arch\":null,\"arch_name\":null");
		render_json_kstr(&sb, "vendor_class", d->vendor_class, 0);
		render_json_kstr(&sb, "relay", d->relay, 0);
		strbuf_puts(&sb, "}");
	}
	strbuf_puts(&sb, "]}\n");
	reply_json(c, HTTP_C_OK, &sb);
}

/* Anything else under /api/. */
static void
route_other(struct http_ctx *c)
{
	api_error(c, HTTP_C_NOTFOUND, "no such resource");
}

int
daemon_api_add(struct bootd *bd, char *err, size_t errlen)
{
	static const struct {
		const char	*prefix;
		int		 exact;
		void		(*fn)(struct http_ctx *);
	} routes[] = {
		{ "/api/", 0, route_other },
		{ "/api/status", 1, route_status },
		{ "/api/hosts", 1, route_hosts },
		{ "/api/hosts/", 0, route_host },
		{ "/api/discovered", 1, route_discovered },
	};
	size_t i;

	/* POST too, so that it gets the API's own 405 with a JSON body. */
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (http_route_add(bd->http, routes[i].prefix, routes[i].exact,
		    HTTP_M_GET | HTTP_M_POST, HTTP_ACL_ADMIN, routes[i].fn, bd,
		    err, errlen) == -1)
			return -1;
	return 0;
}
