/* SPDX-License-Identifier: ISC */
/*
 * http: evhttp listener, one route table, one place that picks the status
 * code and sends (http_send), the ACL checks, the status routes (/healthz,
 * /inventory) and /files/ (the TFTP root with Range, zero-copy). Never
 * blocks: the only file access is open(2)/fstat(2) of one file per /files/
 * request; the data goes out by sendfile(2) as the socket drains.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "bootd/http.h"
#include "bootd/http_range.h"
#include "bootd/log.h"
#include "db/inv_report.h"
#include "kickstart/ks_http.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_virtual.h"

struct http_srv {
	struct bootd	*bd;
	struct evhttp	*http;
	struct ks_http	*ks;
};

enum http_acl {
	ACL_ANY,	/* anyone; the handler may check more (http_allow) */
	ACL_ADMIN	/* only http.admin_networks */
};

/* Methods of a route; GET includes HEAD. */
#define M_GET	0x1
#define M_POST	0x2

struct http_route {
	const char	*prefix;	/* matched against the decoded path */
	int		 exact;		/* path must equal prefix */
	int		 methods;
	enum http_acl	 acl;
	void		(*fn)(struct http_ctx *);
};

static void	route_healthz(struct http_ctx *);
static void	route_inventory(struct http_ctx *);
static void	route_files(struct http_ctx *);

static const struct http_route http_routes[] = {
	{ "/healthz", 1, M_GET, ACL_ANY, route_healthz },
	{ "/inventory", 1, M_GET, ACL_ADMIN, route_inventory },
	{ "/inventory/", 0, M_GET, ACL_ADMIN, route_inventory },
	{ "/ks/", 0, M_GET, ACL_ANY, ks_http_kickstart },
	{ "/guests/", 0, M_GET, ACL_ANY, ks_http_guests },
	{ "/firstboot/", 0, M_GET, ACL_ANY, ks_http_firstboot },
	{ "/ipxe/", 0, M_GET, ACL_ANY, ks_http_ipxe },
	{ "/files/", 0, M_GET, ACL_ANY, route_files },
	{ "/status/", 0, M_POST, ACL_ANY, ks_http_status },
};

static const struct {
	int		 code;
	const char	*reason;
} http_reasons[] = {
	{ HTTP_C_OK, "OK" },
	{ HTTP_C_PARTIAL, "Partial Content" },
	{ HTTP_C_BADREQ, "Bad Request" },
	{ HTTP_C_FORBIDDEN, "Forbidden" },
	{ HTTP_C_NOTFOUND, "Not Found" },
	{ HTTP_C_BADMETHOD, "Method Not Allowed" },
	{ HTTP_C_TOOLARGE, "Payload Too Large" },
	{ HTTP_C_RANGE, "Range Not Satisfiable" },
	{ HTTP_C_INTERNAL, "Internal Server Error" },
	{ HTTP_C_UNAVAIL, "Service Unavailable" },
};

/* The reason phrase of *code; a code not in the table becomes 500. */
static const char *
http_reason(int *code)
{
	size_t i;

	for (i = 0; i < sizeof(http_reasons) / sizeof(http_reasons[0]); i++)
		if (http_reasons[i].code == *code)
			return http_reasons[i].reason;
	*code = HTTP_C_INTERNAL;
	return "Internal Server Error";
}

/*
 * The one call of evhttp_send_reply(). Codes outside the table become 500.
 * body (may be NULL) holds len bytes; a HEAD request gets Content-Length:
 * len and no body, because libevent 2.1 would send a body given to it.
 * Takes body's contents (the caller still frees the evbuffer).
 */
static void
http_send(struct http_ctx *c, int code, const char *ctype,
    struct evbuffer *body, uint64_t len)
{
	struct evkeyvalq	*oh = evhttp_request_get_output_headers(c->req);
	const char		*reason = http_reason(&code);
	char			 n[24];

	evhttp_add_header(oh, "Content-Type",
	    ctype != NULL ? ctype : "text/plain; charset=utf-8");
	if (c->cmd == EVHTTP_REQ_HEAD) {
		snprintf(n, sizeof(n), "%" PRIu64, len);
		evhttp_add_header(oh, "Content-Length", n);
		evhttp_send_reply(c->req, code, reason, NULL);
		return;
	}
	evhttp_send_reply(c->req, code, reason, body);
}

static void
free_body(const void *data, size_t len, void *arg)
{
	free(arg);
}

void
http_reply_ref(struct http_ctx *c, int code, const char *ctype,
    const char *body, size_t len, evbuffer_ref_cleanup_cb done, void *arg)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL) {
		done(body, len, arg);
		/* No memory for a body: the status line still goes out. */
		http_send(c, HTTP_C_INTERNAL, NULL, NULL, 0);
		return;
	}
	if (body != NULL && len > 0 && c->cmd != EVHTTP_REQ_HEAD) {
		if (evbuffer_add_reference(b, body, len, done, arg) == -1) {
			done(body, len, arg);
			evbuffer_free(b);
			http_send(c, HTTP_C_INTERNAL, NULL, NULL, 0);
			return;
		}
	} else
		done(body, len, arg);
	http_send(c, code, ctype, b, len);
	evbuffer_free(b);
}

void
http_reply_take(struct http_ctx *c, int code, const char *ctype, char *body,
    size_t len)
{
	http_reply_ref(c, code, ctype, body, len, free_body, body);
}

void
http_reply(struct http_ctx *c, int code, const char *ctype, const char *body,
    size_t len)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL) {
		http_send(c, HTTP_C_INTERNAL, NULL, NULL, 0);
		return;
	}
	if (body != NULL && c->cmd != EVHTTP_REQ_HEAD &&
	    evbuffer_add(b, body, len) == -1) {
		evbuffer_free(b);
		http_send(c, HTTP_C_INTERNAL, NULL, NULL, 0);
		return;
	}
	http_send(c, code, ctype, b, len);
	evbuffer_free(b);
}

void
http_error(struct http_ctx *c, int code)
{
	const char	*reason = http_reason(&code);
	char		 body[64];
	int		 n;

	n = snprintf(body, sizeof(body), "%d %s\n", code, reason);
	http_reply(c, code, NULL, body, (size_t)n);
}

void
http_forbid(struct http_ctx *c, const char *why)
{
	char esc[160];

	log_warnx("http: %s: %s: forbidden: %s", c->peer,
	    log_sanitise(esc, sizeof(esc), c->path, strlen(c->path)), why);
	http_error(c, HTTP_C_FORBIDDEN);
}

int
http_allow(struct http_ctx *c, const struct inv_host *owner,
    const struct inv_host *owner2, const char *what)
{
	char why[160];

	if (c->admin || (c->peer_ip != 0 && ((owner != NULL &&
	    owner->ip == c->peer_ip) || (owner2 != NULL &&
	    owner2->ip == c->peer_ip))))
		return 1;
	snprintf(why, sizeof(why), "%s", what);
	http_forbid(c, why);
	return 0;
}

static void
route_healthz(struct http_ctx *c)
{
	struct bootd	*bd = c->bd;
	struct db_status st;
	char		 body[768];
	int		 n;

	memset(&st, 0, sizeof(st));
	if (bd->db != NULL)
		db_thread_status(bd->db, &st);
	n = snprintf(body, sizeof(body), "%s generation=%llu hosts=%zu "
	    "rejected=%zu source=%s db=%s events_written=%llu "
	    "events_dropped=%llu events_rejected=%llu events_queued=%zu "
	    "builds_pending=%zu builds_written=%llu pruned=%llu\n",
	    bd->snap ? "ok" : "empty",
	    (unsigned long long)(bd->snap ? bd->snap->generation : 0),
	    bd->snap ? bd->snap->nhosts : 0, bd->snap ? bd->snap->nrejects : 0,
	    bootd_source_names[bd->source], db_state_names[bd->dbst.state],
	    (unsigned long long)st.events_written,
	    (unsigned long long)st.events_dropped,
	    (unsigned long long)st.events_rejected, st.events_queued,
	    st.builds_pending, (unsigned long long)st.builds_written,
	    (unsigned long long)st.pruned);
	http_reply(c, bd->snap != NULL ? HTTP_C_OK : HTTP_C_UNAVAIL, NULL, body,
	    (size_t)n);
}

/* Sends what fn writes into a memory stream. */
static void
http_reply_stream(struct http_ctx *c, void (*fn)(FILE *, const void *),
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
	const struct inv_snapshot	*snap = c->bd->snap;
	const struct inv_host		*h;
	uint8_t				 mac[ADDR_MAC_LEN];

	if (snap == NULL) {
		http_error(c, HTTP_C_UNAVAIL);
		return;
	}
	if (*c->rest == '\0') {
		http_reply_stream(c, write_hosts, snap);
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
	http_reply_stream(c, write_host, h);
}

/* The status code for a tftp_path_open() refusal. */
static int
path_code(int res)
{
	switch (res) {
	case TFTP_PATH_ENOENT:
	case TFTP_PATH_ENOTREG:
		return HTTP_C_NOTFOUND;
	case TFTP_PATH_EOUTSIDE:
	case TFTP_PATH_EPERM:
	case TFTP_PATH_ESYMLINK:
		return HTTP_C_FORBIDDEN;
	case TFTP_PATH_EINVAL:
		return HTTP_C_BADREQ;
	default:
		return HTTP_C_INTERNAL;
	}
}

/*
 * Sends size bytes of an entity, a file (fd != -1, taken over) or memory
 * (mem, taken over), honouring one Range. The file goes out by sendfile(2)
 * from a libevent file segment as the socket drains: each writable event
 * moves what the socket buffer takes, so no callback runs long and the
 * file is never read into memory.
 */
static void
send_entity(struct http_ctx *c, int fd, char *mem, uint64_t size)
{
	struct evkeyvalq		*ih, *oh;
	struct evbuffer			*b = NULL;
	struct evbuffer_file_segment	*seg;
	uint64_t			 off = 0, len = size;
	char				 cr[96];
	int				 code = HTTP_C_OK, r = 0;

	ih = evhttp_request_get_input_headers(c->req);
	oh = evhttp_request_get_output_headers(c->req);
	evhttp_add_header(oh, "Accept-Ranges", "bytes");
	/* No validators are sent, so an If-Range can never match (§3.2). */
	if (evhttp_find_header(ih, "If-Range") == NULL)
		r = http_range_parse(evhttp_find_header(ih, "Range"), size,
		    &off, &len);
	if (r == -1) {
		snprintf(cr, sizeof(cr), "bytes */%" PRIu64, size);
		evhttp_add_header(oh, "Content-Range", cr);
		http_error(c, HTTP_C_RANGE);
		goto done;
	}
	if (r == 1) {
		code = HTTP_C_PARTIAL;
		snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%"
		    PRIu64, off, off + len - 1, size);
		evhttp_add_header(oh, "Content-Range", cr);
	}
	if (c->cmd == EVHTTP_REQ_HEAD || len == 0) {
		http_send(c, code, "application/octet-stream", NULL, len);
		goto done;
	}
	if ((b = evbuffer_new()) == NULL)
		goto fail;
	if (mem != NULL) {
		if (evbuffer_add(b, mem + off, (size_t)len) == -1)
			goto fail;
	} else {
		/* Chains made for an fd-draining buffer use sendfile(2). */
		evbuffer_set_flags(b, EVBUFFER_FLAG_DRAINS_TO_FD);
		seg = evbuffer_file_segment_new(fd, (ev_off_t)off,
		    (ev_off_t)len, EVBUF_FS_CLOSE_ON_FREE);
		if (seg == NULL)
			goto fail;
		fd = -1;	/* the segment closes it */
		r = evbuffer_add_file_segment(b, seg, 0, (ev_off_t)len);
		/* b holds its own reference now. */
		evbuffer_file_segment_free(seg);
		if (r == -1)
			goto fail;
	}
	http_send(c, code, "application/octet-stream", b, len);
	goto done;
fail:
	log_warnx("http: %s: %s: out of memory", c->peer,
	    log_sanitise(cr, sizeof(cr), c->path, strlen(c->path)));
	http_error(c, HTTP_C_INTERNAL);
done:
	if (b != NULL)
		evbuffer_free(b);
	if (fd != -1)
		close(fd);
	free(mem);
}

/*
 * /files/<path>: a file under paths.tftp_root with the TFTP server's path
 * rules (tftp_path.h), or one of its virtual menus (tftp_virtual.h), to
 * anyone: the TFTP root is public by nature. UEFI HTTP boot and iPXE load
 * kernels and initrds from here.
 */
static void
route_files(struct http_ctx *c)
{
	char		 name[TFTP_PATH_MAX + 1], esc[128], vwhy[256];
	char		*vout = NULL;
	const char	*why = NULL;
	uint64_t	 size = 0;
	size_t		 vlen = 0;
	int		 res, v, fd = -1, rootfd;

	if (tftp_path_normalise(c->rest, name, sizeof(name), &why) != 0) {
		log_info("http: %s: %s: %s", c->peer, log_sanitise(esc,
		    sizeof(esc), c->path, strlen(c->path)), why);
		http_error(c, HTTP_C_BADREQ);
		return;
	}
	v = tftp_virtual_render(c->bd->cfg, c->bd->snap, name, &vout, &vlen,
	    vwhy, sizeof(vwhy));
	switch (v) {
	case TFTP_V_OK:
		send_entity(c, -1, vout, vlen);
		return;
	case TFTP_V_NOTFOUND:
		http_error(c, HTTP_C_NOTFOUND);
		return;
	case TFTP_V_ERROR:
		log_warnx("http: %s: %s: %s", c->peer, log_sanitise(esc,
		    sizeof(esc), name, strlen(name)), vwhy);
		http_error(c, HTTP_C_INTERNAL);
		return;
	default:
		break;
	}
	/* The TFTP server's root (bootd.h: one owner, swapped on SIGHUP). */
	if ((rootfd = c->bd->rootfd) == -1) {
		free(vout);
		http_error(c, HTTP_C_NOTFOUND);
		return;
	}
	res = tftp_path_open(rootfd, name, &fd, &size, &why);
	if (res == TFTP_PATH_ENOENT && v == TFTP_V_FALLBACK) {
		send_entity(c, -1, vout, vlen);
		return;
	}
	free(vout);
	if (res != TFTP_PATH_OK) {
		log_info("http: %s: %s: %s", c->peer, log_sanitise(esc,
		    sizeof(esc), name, strlen(name)), why);
		http_error(c, path_code(res));
		return;
	}
	send_entity(c, fd, NULL, size);
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

/* The Allow header of a route, for 405 (RFC 9110 §15.5.6). */
static const char *
route_allow(const struct http_route *r)
{
	return r->methods == M_POST ? "POST" : "GET, HEAD";
}

static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http_srv		*srv = arg;
	struct http_ctx		 c;
	const struct http_route	*r;
	const struct evhttp_uri	*uri;
	const char		*path;
	char			*dpath = NULL, esc[128];
	size_t			 i, n;
	int			 m;

	memset(&c, 0, sizeof(c));
	c.bd = srv->bd;
	c.ks = srv->ks;
	c.srv = srv;
	c.req = req;
	c.cmd = evhttp_request_get_command(req);
	c.path = "";
	if (peer_ip(req, &c.peer_ip, c.peer, sizeof(c.peer)) == -1)
		c.peer_ip = 0;
	c.admin = c.peer_ip != 0 && config_is_admin(srv->bd->cfg, c.peer_ip);
	if (c.cmd == EVHTTP_REQ_GET || c.cmd == EVHTTP_REQ_HEAD)
		m = M_GET;
	else if (c.cmd == EVHTTP_REQ_POST)
		m = M_POST;
	else
		m = 0;
	if ((uri = evhttp_request_get_evhttp_uri(req)) == NULL ||
	    (path = evhttp_uri_get_path(uri)) == NULL ||
	    (dpath = evhttp_uridecode(path, 0, &n)) == NULL ||
	    strlen(dpath) != n) {
		/* A %00 in the path is never a name we serve. */
		http_error(&c, HTTP_C_BADREQ);
		goto done;
	}
	c.path = dpath;
	for (i = 0; i < sizeof(http_routes) / sizeof(http_routes[0]); i++) {
		r = &http_routes[i];
		if (r->exact ? strcmp(dpath, r->prefix) != 0 :
		    strncmp(dpath, r->prefix, strlen(r->prefix)) != 0)
			continue;
		c.rest = dpath + strlen(r->prefix);
		if ((r->methods & m) == 0) {
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Allow", route_allow(r));
			http_error(&c, HTTP_C_BADMETHOD);
			goto done;
		}
		if (r->acl == ACL_ADMIN && !c.admin) {
			log_warnx("http: %s: %s: not in http.admin_networks",
			    c.peer, log_sanitise(esc, sizeof(esc), dpath, n));
			http_error(&c, HTTP_C_FORBIDDEN);
			goto done;
		}
		r->fn(&c);
		goto done;
	}
	http_error(&c, HTTP_C_NOTFOUND);
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
	if ((srv->ks = ks_http_new(bd, err, errlen)) == NULL)
		goto fail;
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
	ks_http_free(srv->ks);
	free(srv);
}
