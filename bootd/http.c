/* SPDX-License-Identifier: ISC */
/*
 * http: evhttp listener, one route table, one place that picks the status
 * code, and the status routes (/healthz, /inventory). Never blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "bootd/http.h"
#include "bootd/log.h"
#include "db/inv_report.h"

struct http_srv {
	struct bootd	*bd;
	struct evhttp	*http;
};

struct http_route {
	const char	*prefix;	/* matched against the decoded path */
	int		 exact;		/* path must equal prefix */
	int		 admin;		/* only from http.admin_networks */
	void		(*fn)(struct http_srv *, struct evhttp_request *,
			    const char *rest);
};

static void	route_healthz(struct http_srv *, struct evhttp_request *,
		    const char *);
static void	route_inventory(struct http_srv *, struct evhttp_request *,
		    const char *);

static const struct http_route http_routes[] = {
	{ "/healthz", 1, 0, route_healthz },
	{ "/inventory", 1, 1, route_inventory },
	{ "/inventory/", 0, 1, route_inventory },
};

/* Sends a plain-text reply: the one place that sets status and body. */
static void
http_reply(struct evhttp_request *req, int code, const char *reason,
    const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	if (b != NULL && body != NULL)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
http_error(struct evhttp_request *req, int code)
{
	const char	*reason;
	char		 body[64];

	switch (code) {
	case HTTP_BADREQUEST: reason = "Bad Request"; break;
	case 403: reason = "Forbidden"; break;
	case HTTP_NOTFOUND: reason = "Not Found"; break;
	case HTTP_BADMETHOD: reason = "Method Not Allowed"; break;
	case HTTP_SERVUNAVAIL: reason = "Service Unavailable"; break;
	default: code = HTTP_INTERNAL; reason = "Internal Server Error"; break;
	}
	snprintf(body, sizeof(body), "%d %s\n", code, reason);
	http_reply(req, code, reason, body, strlen(body));
}

/* Sends what fn writes into a memory stream. */
static void
http_reply_stream(struct evhttp_request *req, void (*fn)(FILE *, const void *),
    const void *arg)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		http_error(req, HTTP_INTERNAL);
		return;
	}
	fn(fp, arg);
	if (fclose(fp) != 0) {
		free(buf);
		http_error(req, HTTP_INTERNAL);
		return;
	}
	http_reply(req, HTTP_OK, "OK", buf, len);
	free(buf);
}

static void
route_healthz(struct http_srv *srv, struct evhttp_request *req,
    const char *rest)
{
	struct bootd	*bd = srv->bd;
	char		 body[512];
	int		 n;

	n = snprintf(body, sizeof(body), "%s generation=%llu hosts=%zu "
	    "rejected=%zu source=%s db=%s\n", bd->snap ? "ok" : "empty",
	    (unsigned long long)(bd->snap ? bd->snap->generation : 0),
	    bd->snap ? bd->snap->nhosts : 0, bd->snap ? bd->snap->nrejects : 0,
	    bootd_source_names[bd->source], db_state_names[bd->dbst.state]);
	if (bd->snap == NULL)
		http_reply(req, HTTP_SERVUNAVAIL, "Service Unavailable", body,
		    (size_t)n);
	else
		http_reply(req, HTTP_OK, "OK", body, (size_t)n);
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
route_inventory(struct http_srv *srv, struct evhttp_request *req,
    const char *rest)
{
	const struct inv_snapshot	*snap = srv->bd->snap;
	const struct inv_host		*h;
	uint8_t				 mac[ADDR_MAC_LEN];

	if (snap == NULL) {
		http_error(req, HTTP_SERVUNAVAIL);
		return;
	}
	if (*rest == '\0') {
		http_reply_stream(req, write_hosts, snap);
		return;
	}
	if (addr_mac_parse(rest, mac) == 0)
		h = inv_by_mac(snap, mac);
	else
		h = inv_by_name(snap, rest);
	if (h == NULL) {
		http_error(req, HTTP_NOTFOUND);
		return;
	}
	http_reply_stream(req, write_host, h);
}

static int
peer_ip(struct evhttp_request *req, uint32_t *ip, char *buf, size_t len)
{
	struct evhttp_connection	*conn;
	char				*addr = NULL;
	ev_uint16_t			 port = 0;

	conn = evhttp_request_get_connection(req);
	evhttp_connection_get_peer(conn, &addr, &port);
	snprintf(buf, len, "%s", addr ? addr : "?");
	return addr != NULL && addr_ip4_parse(addr, ip) == 0 ? 0 : -1;
}

static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http_srv		*srv = arg;
	const struct http_route	*r;
	const struct evhttp_uri	*uri;
	const char		*path, *rest;
	char			*dpath = NULL, peer[64], esc[128];
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	uint32_t		 ip = 0;
	size_t			 i, n;
	int			 have_ip;

	have_ip = peer_ip(req, &ip, peer, sizeof(peer)) == 0;
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		http_error(req, HTTP_BADMETHOD);
		return;
	}
	if ((uri = evhttp_request_get_evhttp_uri(req)) == NULL ||
	    (path = evhttp_uri_get_path(uri)) == NULL ||
	    (dpath = evhttp_uridecode(path, 0, &n)) == NULL ||
	    strlen(dpath) != n) {
		/* A %00 in the path is never a name we serve. */
		http_error(req, HTTP_BADREQUEST);
		goto done;
	}
	for (i = 0; i < sizeof(http_routes) / sizeof(http_routes[0]); i++) {
		r = &http_routes[i];
		if (r->exact ? strcmp(dpath, r->prefix) != 0 :
		    strncmp(dpath, r->prefix, strlen(r->prefix)) != 0)
			continue;
		rest = dpath + strlen(r->prefix);
		if (r->admin && (!have_ip ||
		    !config_is_admin(srv->bd->cfg, ip))) {
			log_warnx("http: %s: %s: not in http.admin_networks",
			    peer, log_sanitise(esc, sizeof(esc), dpath, n));
			http_error(req, 403);
			goto done;
		}
		r->fn(srv, req, rest);
		goto done;
	}
	http_error(req, HTTP_NOTFOUND);
done:
	free(dpath);
}

struct http_srv *
http_start(struct bootd *bd, char *err, size_t errlen)
{
	struct http_srv		*srv;
	const struct bootd_config *cfg = bd->cfg;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->bd = bd;
	if ((srv->http = evhttp_new(bd->base)) == NULL) {
		snprintf(err, errlen, "evhttp_new failed");
		goto fail;
	}
	evhttp_set_max_headers_size(srv->http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(srv->http, HTTP_MAX_BODY);
	evhttp_set_timeout(srv->http, HTTP_TIMEOUT);
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST);
	evhttp_set_gencb(srv->http, http_dispatch, srv);
	if (evhttp_bind_socket(srv->http, cfg->http.listen,
	    (ev_uint16_t)cfg->http.port) != 0) {
		snprintf(err, errlen, "cannot listen on %s:%d (in use, or "
		    "needs root?)", cfg->http.listen, cfg->http.port);
		goto fail;
	}
	return srv;
fail:
	http_stop(srv);
	return NULL;
}

void
http_stop(struct http_srv *srv)
{
	if (srv == NULL)
		return;
	if (srv->http != NULL)
		evhttp_free(srv->http);
	free(srv);
}
