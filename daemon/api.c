/* SPDX-License-Identifier: ISC */
/*
 * api: the JSON API under /api/ (README "JSON API"), for the status page
 * and scripts: the daemon's status, the hosts with their states, one host
 * with its timeline, its events after a seq, the discovered MACs. Admin
 * networks only, GET only. It reads the served snapshot and the watch
 * (watch.h) and renders in one pass on the loop, never waiting.
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
#include "daemon/watch.h"
#include "db/db_thread.h"
#include "db/inv_bootfile.h"
#include "db/inventory.h"

#define API_CTYPE		"application/json; charset=utf-8"
#define API_REJECTED_MAX	100	/* rejects listed in /api/status */
#define API_IPXE_PATH		"/ipxe/"	/* as the DHCP policy's */

/* JSON writing: every string through escape_json(). */

static void
json_str(struct strbuf *sb, const char *s)
{
	size_t	 n = strlen(s);
	char	*p;

	strbuf_add(sb, "\"", 1);
	if ((p = strbuf_room(sb, ESCAPE_JSON_BUFSZ(n))) != NULL)
		strbuf_commit(sb, escape_json(p, ESCAPE_JSON_BUFSZ(n), s, n));
	strbuf_add(sb, "\"", 1);
}

/* ,"key":"value" (no comma when first). */
static void
json_kstr(struct strbuf *sb, const char *key, const char *s, int first)
{
	strbuf_printf(sb, "%s\"%s\":", first ? "" : ",", key);
	json_str(sb, s);
}

/* ,"key":"value", or null when s is NULL or "". */
static void
json_kstr_null(struct strbuf *sb, const char *key, const char *s)
{
	if (s == NULL || s[0] == '\0')
		strbuf_printf(sb, ",\"%s\":null", key);
	else
		json_kstr(sb, key, s, 0);
}

/* ,"key":N, or null when n is 0. */
static void
json_kms_null(struct strbuf *sb, const char *key, int64_t n)
{
	if (n == 0)
		strbuf_printf(sb, ",\"%s\":null", key);
	else
		strbuf_printf(sb, ",\"%s\":%" PRId64, key, n);
}

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
	json_kstr(&sb, "error", why, 1);
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
	json_kstr(sb, "what", what, 1);
	json_kstr(sb, "why", *sep != '\0' ? sep + 2 : "", 0);
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
	json_kstr(&sb, "source", bootd_source_names[bd->source], 0);
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
	json_kstr(&sb, "state", db_state_names[bd->dbst->state], 1);
	json_kstr_null(&sb, "why", why);
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

/* Hosts. */

/* Non-zero when hay holds needle, ASCII case-insensitively. */
static int
ci_contains(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

static int
host_matches(const struct watch *w, size_t i, const struct api_query *q,
    enum hs_state s)
{
	const struct inv_host	*h = &w->snap->hosts[i];
	const char		*group;

	if (q->state != -1 && (enum hs_state)q->state != s)
		return 0;
	if (q->profile[0] != '\0' && strcmp(q->profile, h->profile->name) != 0)
		return 0;
	if (q->q[0] == '\0')
		return 1;
	group = inv_var_get(h, "group");
	return ci_contains(h->hostname, q->q) || ci_contains(h->macstr, q->q) ||
	    ci_contains(h->ipstr, q->q) || (group != NULL &&
	    ci_contains(group, q->q));
}

/* HOST's fields, without the braces. */
static void
put_host_fields(struct strbuf *sb, const struct watch *w, size_t i,
    enum hs_state s)
{
	const struct inv_host	*h = &w->snap->hosts[i];
	const struct watch_host	*wh = &w->hosts[i];
	const char		*group = inv_var_get(h, "group");

	json_kstr(sb, "name", h->hostname, 1);
	json_kstr(sb, "mac", h->macstr, 0);
	json_kstr(sb, "ip", h->ipstr, 0);
	json_kstr(sb, "profile", h->profile->name, 0);
	json_kstr(sb, "kind", inv_kind_names[h->profile->kind], 0);
	json_kstr(sb, "group", group != NULL ? group : "", 0);
	json_kstr(sb, "dom0", h->dom0_name, 0);
	strbuf_printf(sb, ",\"build\":%d,\"enabled\":%d", h->build ? 1 : 0,
	    h->enabled ? 1 : 0);
	json_kstr(sb, "state", hs_state_name(s), 0);
	json_kstr_null(sb, "last_stage", wh->last_stage);
	json_kms_null(sb, "last_ms", wh->t.last_ms);
	json_kms_null(sb, "began_ms", wh->t.began_ms);
}

static void
route_hosts(struct http_ctx *c)
{
	struct bootd		*bd = c->arg;
	const struct watch	*w = bd->watch;
	struct api_query	 q;
	struct strbuf		 sb;
	int64_t			 now = clock_real_ms(), stall;
	enum hs_state		 s;
	size_t			 i, n = 0;

	if (api_begin(c, API_P_STATE | API_P_PROFILE | API_P_Q, &q) == -1)
		return;
	stall = watch_io_stall_ms(bd);
	strbuf_init(&sb, STRBUF_NOMAX);
	/* About 250 bytes a host: one allocation, not a doubling series. */
	if (w->snap != NULL)
		(void)strbuf_reserve(&sb, 256 * w->snap->nhosts + 128);
	strbuf_printf(&sb, "{\"now\":%" PRId64 ",\"generation\":%" PRIu64
	    ",\"hosts\":[", now, w->snap != NULL ? w->snap->generation : 0);
	for (i = 0; w->snap != NULL && i < w->snap->nhosts; i++) {
		s = watch_state(w, i, now, stall);
		if (!host_matches(w, i, &q, s))
			continue;
		strbuf_puts(&sb, n++ ? ",\n{" : "\n{");
		put_host_fields(&sb, w, i, s);
		strbuf_puts(&sb, "}");
	}
	strbuf_puts(&sb, "]}\n");
	reply_json(c, HTTP_C_OK, &sb);
}

static void
put_event(struct strbuf *sb, const struct watch_event *e, int first)
{
	strbuf_printf(sb, "%s{\"seq\":%" PRIu64 ",\"ms\":%" PRId64,
	    first ? "" : ",", e->seq, e->at_us / 1000);
	json_kstr(sb, "stage", e->stage, 0);
	json_kstr(sb, "detail", e->detail, 0);
	json_kstr(sb, "mac", e->mac, 0);
	json_kstr(sb, "src", watch_src_names[e->src], 0);
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
	json_kstr(sb, "ipxe", out, 0);
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
	put_host_fields(&sb, w, i, watch_state(w, i, clock_real_ms(),
	    watch_io_stall_ms(bd)));
	strbuf_puts(&sb, ",\"vars\":{");
	for (k = 0; k < h->nvars; k++) {
		if (k > 0)
			strbuf_puts(&sb, ",");
		json_str(&sb, h->vars[k].name);
		strbuf_puts(&sb, ":");
		json_str(&sb, h->vars[k].value);
	}
	strbuf_puts(&sb, "},\"guests\":[");
	for (k = 0; k < h->nguests; k++) {
		if (k > 0)
			strbuf_puts(&sb, ",");
		json_str(&sb, h->guests[k]->hostname);
	}
	strbuf_puts(&sb, "],\"bootfiles\":{");
	for (b = INV_BOOT_BIOS; b <= INV_BOOT_ARM64; b++)
		json_kstr(&sb, inv_boot_names[b],
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
		json_kstr(&sb, "mac", d->mac, 1);
		strbuf_printf(&sb, ",\"first_ms\":%" PRId64 ",\"last_ms\":%"
		    PRId64, d->first_ms, d->last_ms);
		if (d->arch >= 0) {
			strbuf_printf(&sb, ",\"arch\":%d", d->arch);
			json_kstr(&sb, "arch_name", pxe_arch_name(d->arch), 0);
		} else
			strbuf_puts(&sb, ",\"arch\":null,\"arch_name\":null");
		json_kstr(&sb, "vendor_class", d->vendor_class, 0);
		json_kstr(&sb, "relay", d->relay, 0);
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
