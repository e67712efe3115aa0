/* SPDX-License-Identifier: ISC */
/*
 * http: the listener and its caps (connections in all and per client, a
 * deadline per request that trickled bytes do not extend, a pause instead
 * of a spin when accept(2) fails), one route table, one place that picks
 * the status code and sends (http_send), the ACL checks, the status routes
 * (/healthz, /inventory) and /files/ (the TFTP root with Range, zero-copy).
 * Never blocks: the only file access is open(2)/fstat(2) of one file per
 * /files/ request; the data goes out corked by sendfile(2) as the socket
 * drains.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "bootd/addr.h"
#include "bootd/clock.h"
#include "bootd/bootd.h"
#include "bootd/escape.h"
#include "bootd/http.h"
#include "bootd/http_range.h"
#include "bootd/log.h"

#define HTTP_BUCKETS		256	/* buckets: conns, clients */
#define HTTP_ACCEPT_PAUSE_MS	500	/* after accept(2) fails */

/* Open connections of one client IP (0: a peer that is not IPv4). */
struct http_client {
	uint32_t		 ip;		/* host order */
	unsigned		 n;
	LIST_ENTRY(http_client)	 entry;	/* srv->clients[] */
};

/*
 * The states of one connection as bootd sees it; only http_conn_set_state()
 * changes them. evhttp owns the connection itself; this record follows it
 * from accept to its close callback.
 */
enum http_conn_state {
	HC_PENDING,	/* accepted; evhttp is still setting it up */
	HC_READING,	/* a request is arriving: the deadline runs */
	HC_ANSWERING,	/* handed to a route; the reply is going out */
	HC_STATE_MAX
};

static const char *const http_conn_state_names[HC_STATE_MAX] = {
	[HC_PENDING] = "pending",
	[HC_READING] = "reading",
	[HC_ANSWERING] = "answering",
};

struct http_conn {
	struct http_srv			*srv;
	enum http_conn_state		 state;
	/* HC_PENDING: our reference; then NULL. */
	struct bufferevent		*bev;
	/* Both NULL while HC_PENDING. */
	struct evhttp_connection	*evcon;
	struct http_client		*client;
	int				 over;	/* past max_connections */
	struct event			*deadline; /* request_timeout */
	struct http_ctx			*kept;	/* a deferred answer, or NULL */
	int				 corked; /* TCP_CORK for a file body */
	TAILQ_ENTRY(http_conn)		 pending; /* srv->pending */
	LIST_ENTRY(http_conn)		 entry;	/* srv->conns[] */
};

struct http_route {
	const char	*prefix;	/* matched against the decoded path */
	size_t		 plen;
	int		 exact;		/* path must equal prefix */
	int		 methods;	/* HTTP_M_* */
	enum http_acl	 acl;
	void		(*fn)(struct http_ctx *);
	void		*arg;
	uint64_t	 replies[HTTP_CLASSES];	/* by status class */
};

struct http_srv {
	struct bootd		*bd;
	struct evhttp		*http;
	struct http_route	 routes[HTTP_ROUTES_MAX];
	size_t			 nroutes;
	uint64_t		 unrouted[HTTP_CLASSES]; /* no route matched */
	struct evconnlistener	*lev;	/* freed by evhttp_free() */
	struct event		*ev_adopt; /* runs http_adopt() */
	int			 full;	/* listener paused at the cap */
	unsigned		 nconns; /* pending and adopted */
	TAILQ_HEAD(, http_conn)	 pending;
	/* Adopted connections by evcon; clients by IP. */
	LIST_HEAD(, http_conn)	 conns[HTTP_BUCKETS];
	LIST_HEAD(, http_client) clients[HTTP_BUCKETS];
	struct http_stats	 st;
};

static const struct {
	int		 code;
	const char	*reason;
} http_reasons[] = {
	{ HTTP_C_OK, "OK" },
	{ HTTP_C_PARTIAL, "Partial Content" },
	{ HTTP_C_NOTMODIFIED, "Not Modified" },
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
	char			 n[24], esc[160];
	uint64_t		*by;

	/* Counted by route and class; one access line, through the limiter. */
	by = c->route >= 0 ? c->srv->routes[c->route].replies :
	    c->srv->unrouted;
	by[code / 100 % HTTP_CLASSES]++;
	if (log_cur_level >= LOG_LVL_INFO) {
		log_sanitise(esc, sizeof(esc), c->path, strlen(c->path));
		log_note_info("http: %s %s %s %d %" PRIu64 " bytes %.1f ms",
		    c->peer, c->cmd == EVHTTP_REQ_HEAD ? "HEAD" :
		    c->cmd == EVHTTP_REQ_POST ? "POST" :
		    c->cmd == EVHTTP_REQ_GET ? "GET" : "other", esc, code, len,
		    (double)(clock_mono_us() - c->t0_us) / 1000.0);
	}
	/* A deferred answer is answered: no gone() from here on. */
	if (c->conn != NULL) {
		c->conn->kept = NULL;
		c->conn = NULL;
	}
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

/*
 * The error reply of a refusal: the status line, and for a peer in
 * http.admin_networks a second line saying why (and the detail), escaped
 * to printable ASCII and cut at HTTP_WHY_MAX / HTTP_DETAIL_MAX input
 * bytes. Others get the status line alone: a reason may name a path, a
 * file or a host that a stranger has no business learning.
 */
static void
http_error_why(struct http_ctx *c, int code, const char *why,
    const char *detail)
{
	const char	*reason = http_reason(&code);
	char		 ew[ESCAPE_BUFSZ(HTTP_WHY_MAX)];
	char		 ed[ESCAPE_BUFSZ(HTTP_DETAIL_MAX)];
	char		 body[64 + sizeof(ew) + sizeof(ed)];
	int		 n;

	if (!c->admin || why == NULL || *why == '\0') {
		http_error(c, code);
		return;
	}
	escape_bytes(ew, sizeof(ew), why, strlen(why), HTTP_WHY_MAX,
	    ESCAPE_C);
	ed[0] = '\0';
	if (detail != NULL && *detail != '\0')
		escape_bytes(ed, sizeof(ed), detail, strlen(detail),
		    HTTP_DETAIL_MAX, ESCAPE_C);
	n = snprintf(body, sizeof(body), "%d %s\n%s%s%s\n", code, reason, ew,
	    *ed != '\0' ? ": " : "", ed);
	/* Plain text, never sniffed as HTML: the detail may be a peer's. */
	evhttp_add_header(evhttp_request_get_output_headers(c->req),
	    "X-Content-Type-Options", "nosniff");
	http_reply(c, code, NULL, body, (size_t)n);
}

void
http_refuse_detail(struct http_ctx *c, int code, const char *why,
    const char *detail)
{
	const char	*sep = detail != NULL && *detail != '\0' ? ": " : "";
	char		 esc[160];

	if (*sep == '\0')
		detail = "";
	log_sanitise(esc, sizeof(esc), c->path, strlen(c->path));
	/* One limiter slot per reason: a flood of one hides no other. */
	switch (code) {
	case HTTP_C_FORBIDDEN:
		log_peer_keyed_warnx(why, "http: %s: %s: forbidden: %s%s%s",
		    c->peer, esc, why, sep, detail);
		break;
	case HTTP_C_NOTFOUND:
		log_peer_keyed_info(why, "http: %s: %s: not found: %s%s%s",
		    c->peer, esc, why, sep, detail);
		break;
	case HTTP_C_BADREQ:
		log_peer_keyed_info(why, "http: %s: %s: bad request: %s%s%s",
		    c->peer, esc, why, sep, detail);
		break;
	default:
		log_peer_keyed_warnx(why, "http: %s: %s: %d: %s%s%s", c->peer,
		    esc, code, why, sep, detail);
		break;
	}
	http_error_why(c, code, why, detail);
}

void
http_refuse(struct http_ctx *c, int code, const char *why)
{
	http_refuse_detail(c, code, why, NULL);
}

void
http_forbid(struct http_ctx *c, const char *why)
{
	http_refuse(c, HTTP_C_FORBIDDEN, why);
}

int
http_allow(struct http_ctx *c, uint32_t owner_ip, uint32_t owner2_ip,
    const char *what)
{
	if (c->admin || (c->peer_ip != 0 && (owner_ip == c->peer_ip ||
	    owner2_ip == c->peer_ip)))
		return 1;
	http_forbid(c, what);
	return 0;
}

static struct http_conn *http_conn_find(struct http_srv *,
    struct evhttp_connection *);

/*
 * Holds (on != 0) or releases hc's partial TCP segments. A file body goes
 * out corked, as nginx's tcp_nopush does: the header leaves with the
 * first bytes of the file, and the end of each sendfile(2) piece waits
 * for the next one instead of leaving as a short segment. On loopback,
 * where the sender also pays for the receiver's side of TCP, that cut
 * bootd's CPU per GiB sent by 40-47 % (bench/RESULTS-http.md). The cork
 * comes off when the reply is complete (http_req_done()), so a
 * keep-alive client never waits for the kernel's own 200 ms limit on a
 * held segment.
 */
static void
http_conn_cork(struct http_conn *hc, int on)
{
	struct bufferevent	*bev;
	int			 fd;

	if (hc->evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(hc->evcon)) == NULL ||
	    (fd = bufferevent_getfd(bev)) == -1)
		return;
	/* Harmless when it fails: the bytes leave uncorked. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == 0)
		hc->corked = on;
	else
		log_debug("http: TCP_CORK %d: %s", on, strerror(errno));
}

/*
 * Adds len bytes of seg to b as chains of HTTP_SENDFILE_CHUNK bytes (more
 * for a file past HTTP_SENDFILE_CHAINS of them), one reference each.
 * libevent 2.1 sends a file chain with one sendfile(2) of all its bytes
 * per write event, whatever bufferevent_set_max_single_write() says: on a
 * fast reader that one call runs on for many megabytes while the receiver
 * waits, and a 1 GiB download measured 85 % of nginx's (bench/http.sh,
 * RESULTS-http.md). A chain per chunk bounds each call as nginx's
 * sendfile_max_chunk does (2 MiB by default) and gives the loop back
 * between chunks. Returns 0, or -1 out of memory.
 */
static int
http_add_file(struct evbuffer *b, struct evbuffer_file_segment *seg,
    uint64_t len)
{
	uint64_t	chunk = HTTP_SENDFILE_CHUNK, off, n;

	if (len / chunk >= HTTP_SENDFILE_CHAINS)
		chunk = len / HTTP_SENDFILE_CHAINS + 1;
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		if (evbuffer_add_file_segment(b, seg, (ev_off_t)off,
		    (ev_off_t)n) == -1)
			return -1;
	}
	return 0;
}

void
http_reply_entity(struct http_ctx *c, int fd, char *mem, uint64_t size)
{
	struct evkeyvalq		*ih, *oh;
	struct evbuffer			*b = NULL;
	struct evbuffer_file_segment	*seg;
	struct evhttp_connection	*evcon;
	struct http_conn		*hc;
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
		r = http_add_file(b, seg, len);
		/* b holds its own references now. */
		evbuffer_file_segment_free(seg);
		if (r == -1)
			goto fail;
		/* Only a tracked connection: its reply's end uncorks it. */
		if ((evcon = evhttp_request_get_connection(c->req)) != NULL &&
		    (hc = http_conn_find(c->srv, evcon)) != NULL)
			http_conn_cork(hc, 1);
	}
	http_send(c, code, "application/octet-stream", b, len);
	goto done;
fail:
	log_peer_warnx("http: %s: %s: out of memory", c->peer,
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
 * Connections. libevent 2.1 has no public hook between accept(2) and
 * evhttp, nor one when a request starts (2.2's evhttp_set_newreqcb), so
 * bootd follows each connection from the two hooks it has:
 *
 *  - evhttp_set_bevcb(): evhttp asks us for the bufferevent of every
 *    connection it accepts, synchronously in the listener's callback. We
 *    count it there (and disable the listener at http.max_connections, so
 *    libevent's accept loop stops at once), keep a reference on the
 *    bufferevent and queue a record for http_adopt(), an event made active
 *    for this loop pass.
 *  - http_adopt() then finds evhttp's connection as the argument of the
 *    callbacks evhttp gave the bufferevent (evhttp_connection_get_
 *    bufferevent() confirms it), sets our close callback on it, counts the
 *    client and refuses it over http.max_per_client, and starts the
 *    request deadline. No callbacks mean evhttp failed and freed it; our
 *    reference kept the memory valid to find that out.
 *
 * The deadline starts when a connection is adopted and again when a reply
 * has gone out (keep-alive: the idle time counts against the next request)
 * and stops when the request reaches its route, so a long /files/ download
 * is never cut (evhttp's own timeout still bounds a peer that stops
 * reading). A connection past it is freed with evhttp_connection_free()
 * from our timer, outside any evhttp callback, while no route holds one
 * of its requests.
 */

static uint32_t
http_hash(uintptr_t v)
{
	/* Fibonacci hashing; chains are bounded by http.max_connections. */
	return (uint32_t)(((uint64_t)v * 0x9e3779b97f4a7c15ULL) >> 56) %
	    HTTP_BUCKETS;
}

/*
 * Pauses the listener at http.max_connections (full != 0): new connections
 * wait in the listen queue meanwhile. Below the cap (full == 0, at every
 * close) it is enabled, which also ends an accept(2) pause early, rightly
 * so: a descriptor has just been freed.
 */
static void
http_set_full(struct http_srv *srv, int full)
{
	if (srv->lev == NULL)
		return;
	if (full && !srv->full) {
		srv->st.full++;
		evconnlistener_disable(srv->lev);
	} else if (!full)
		evconnlistener_enable(srv->lev);
	srv->full = full;
}

/* The count of ip's connections; a new one at 0. NULL: out of memory. */
static struct http_client *
http_client_get(struct http_srv *srv, uint32_t ip)
{
	struct http_client	*cl;
	uint32_t		 h = http_hash(ip);

	LIST_FOREACH(cl, &srv->clients[h], entry)
		if (cl->ip == ip)
			return cl;
	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return NULL;
	cl->ip = ip;
	LIST_INSERT_HEAD(&srv->clients[h], cl, entry);
	return cl;
}

static void
http_conn_set_state(struct http_conn *c, enum http_conn_state st)
{
	struct timeval tv = { c->srv->bd->cfg->http.request_timeout, 0 };

	if (st == HC_READING)
		evtimer_add(c->deadline, &tv);
	else
		evtimer_del(c->deadline);
	log_debug("http: connection %p: %s -> %s", (void *)c,
	    http_conn_state_names[c->state], http_conn_state_names[st]);
	c->state = st;
}

/*
 * The connection of a deferred answer is going: its owner is told, and
 * the kept context freed. When evhttp saw the peer's end of file first it
 * has already let go of the request (it waits for a reply that would
 * free it): then it is ours to free.
 */
static void
http_kept_gone(struct http_ctx *k)
{
	k->conn = NULL;
	k->gone(k->gone_arg);
	if (evhttp_request_get_connection(k->req) == NULL)
		evhttp_request_free(k->req);
	free(k->pathbuf);
	free(k);
}

/* Forgets c (any state); the listener resumes below the cap. */
static void
http_conn_free(struct http_conn *c)
{
	struct http_srv		*srv = c->srv;
	struct http_ctx		*k;

	if ((k = c->kept) != NULL) {
		c->kept = NULL;
		http_kept_gone(k);
	}
	event_free(c->deadline);
	if (c->state == HC_PENDING) {
		TAILQ_REMOVE(&srv->pending, c, pending);
		bufferevent_decref(c->bev);
	} else
		LIST_REMOVE(c, entry);
	if (c->client != NULL && --c->client->n == 0) {
		LIST_REMOVE(c->client, entry);
		free(c->client);
	}
	free(c);
	srv->nconns--;
	if (srv->nconns < (unsigned)srv->bd->cfg->http.max_connections)
		http_set_full(srv, 0);
}

/* evhttp's close callback: the connection is being freed. */
static void
http_conn_closed(struct evhttp_connection *evcon, void *arg)
{
	http_conn_free(arg);
}

/* The record of evcon, or NULL when it went untracked. */
static struct http_conn *
http_conn_find(struct http_srv *srv, struct evhttp_connection *evcon)
{
	struct http_conn *c;

	LIST_FOREACH(c, &srv->conns[http_hash((uintptr_t)evcon)], entry)
		if (c->evcon == evcon)
			return c;
	return NULL;
}

static void
http_conn_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn	*c = arg;
	char			*addr = NULL;
	ev_uint16_t		 port = 0;

	c->srv->st.deadline++;
	evhttp_connection_get_peer(c->evcon, &addr, &port);
	log_peer_info("http: %s: no complete request within "
	    "http.request_timeout (%d s); closing", addr ? addr : "?",
	    c->srv->bd->cfg->http.request_timeout);
	/* Calls http_conn_closed(), which frees c. */
	evhttp_connection_free(c->evcon);
}

/* What a client over a cap gets before the close. */
static const char http_busy_reply[] =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 48\r\n"
    "Retry-After: 5\r\n"
    "Connection: close\r\n"
    "\r\n"
    "503 Service Unavailable: too many connections\r\n";

/* See the comment above http_hash(). Consumes c's bufferevent reference. */
static void
http_conn_adopt(struct http_conn *c)
{
	struct http_srv		*srv = c->srv;
	struct bufferevent	*bev = c->bev;
	bufferevent_data_cb	 rcb = NULL;
	void			*arg = NULL;
	char			*addr = NULL;
	ev_uint16_t		 port = 0;
	uint32_t		 ip = 0;
	int			 max = srv->bd->cfg->http.max_per_client;

	bufferevent_getcb(bev, &rcb, NULL, NULL, &arg);
	if (rcb == NULL || arg == NULL ||
	    evhttp_connection_get_bufferevent(arg) != bev) {
		/* evhttp gave up on it and freed it; only our ref is left. */
		http_conn_free(c);
		return;
	}
	TAILQ_REMOVE(&srv->pending, c, pending);
	c->bev = NULL;
	c->evcon = arg;
	LIST_INSERT_HEAD(&srv->conns[http_hash((uintptr_t)c->evcon)], c,
	    entry);
	evhttp_connection_set_closecb(c->evcon, http_conn_closed, c);
	http_conn_set_state(c, HC_READING);
	evhttp_connection_get_peer(c->evcon, &addr, &port);
	if (addr == NULL || addr_ip4_parse(addr, &ip) == -1)
		ip = 0;
	if ((c->client = http_client_get(srv, ip)) == NULL) {
		srv->st.nomem++;
		log_peer_warnx("http: %s: out of memory; connection closed",
		    addr ? addr : "?");
		evhttp_connection_free(c->evcon);	/* frees c */
		goto done;
	}
	if (++c->client->n > (unsigned)max || c->over) {
		if (c->over) {
			srv->st.refused_full++;
			log_peer_warnx("http: %s: more than "
			    "http.max_connections (%d) connections; refused "
			    "(%" PRIu64 " so far)", addr ? addr : "?",
			    srv->bd->cfg->http.max_connections,
			    srv->st.refused_full);
		} else {
			srv->st.refused_client++;
			log_peer_warnx("http: %s: more than "
			    "http.max_per_client (%d) connections; refused "
			    "(%" PRIu64 " so far)", addr ? addr : "?", max,
			    srv->st.refused_client);
		}
		/* Best effort: a socket buffer that is full drops it. */
		(void)send(bufferevent_getfd(bev), http_busy_reply,
		    sizeof(http_busy_reply) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		evhttp_connection_free(c->evcon);	/* frees c */
	}
done:
	bufferevent_decref(bev);
}

struct http_ctx *
http_defer(struct http_ctx *c, void (*gone)(void *), void *arg)
{
	struct evhttp_connection	*evcon;
	struct http_conn		*hc;
	struct http_ctx			*k;

	if ((evcon = evhttp_request_get_connection(c->req)) == NULL ||
	    (hc = http_conn_find(c->srv, evcon)) == NULL || hc->kept != NULL)
		return NULL;
	if ((k = malloc(sizeof(*k))) == NULL)
		return NULL;
	*k = *c;
	if ((k->pathbuf = strdup(c->path)) == NULL) {
		free(k);
		return NULL;
	}
	k->path = k->pathbuf;
	k->rest = k->pathbuf + (c->rest != NULL ? c->rest - c->path : 0);
	k->conn = hc;
	k->gone = gone;
	k->gone_arg = arg;
	hc->kept = k;
	return k;
}

int
http_defer_alive(const struct http_ctx *kc)
{
	struct bufferevent	*bev;
	char			 b;
	ssize_t			 n;

	if (kc->conn == NULL || kc->conn->evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(kc->conn->evcon)) ==
	    NULL)
		return 1;
	n = recv(bufferevent_getfd(bev), &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR) ? 0 : 1;
}

void
http_defer_free(struct http_ctx *kc)
{
	struct http_conn *hc;

	if (kc == NULL)
		return;
	if ((hc = kc->conn) != NULL) {
		/* Not answered: close it; the close frees the request. */
		hc->kept = NULL;
		kc->conn = NULL;
		evhttp_connection_free(hc->evcon);
	}
	free(kc->pathbuf);
	free(kc);
}

/* ev_adopt: every connection accepted since the last run. */
static void
http_adopt(evutil_socket_t fd, short what, void *arg)
{
	struct http_srv		*srv = arg;
	struct http_conn	*c;

	while ((c = TAILQ_FIRST(&srv->pending)) != NULL)
		http_conn_adopt(c);
}

/*
 * evhttp's bufferevent callback, once per accepted connection (see the
 * comment above http_hash()). NULL makes evhttp create its own: the
 * connection then goes untracked, only when memory is short.
 */
static struct bufferevent *
http_conn_bev(struct event_base *base, void *arg)
{
	struct http_srv		*srv = arg;
	struct http_conn	*c;
	unsigned		 max = srv->bd->cfg->http.max_connections;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->deadline = evtimer_new(base, http_conn_deadline, c)) == NULL ||
	    (c->bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		if (c != NULL && c->deadline != NULL)
			event_free(c->deadline);
		free(c);
		srv->st.nomem++;
		return NULL;
	}
	c->srv = srv;
	c->state = HC_PENDING;
	/* Keeps the memory valid until http_adopt() looks at it. */
	bufferevent_incref(c->bev);
	TAILQ_INSERT_TAIL(&srv->pending, c, pending);
	srv->st.accepted++;
	/* Past the cap only after an accept(2) pause or a lower cap (HUP). */
	c->over = srv->nconns >= max;
	/* At the cap, libevent's accept loop stops after this connection. */
	if (++srv->nconns >= max)
		http_set_full(srv, 1);
	event_active(srv->ev_adopt, 0, 0);
	return c->bev;
}

/*
 * A reply has gone out (all of it handed to the kernel): its held bytes
 * go now, and the next request's deadline starts.
 */
static void
http_req_done(struct evhttp_request *req, void *arg)
{
	struct http_conn *hc = arg;

	if (hc->corked)
		http_conn_cork(hc, 0);
	http_conn_set_state(hc, HC_READING);
}

static void
http_accept_resume(evutil_socket_t fd, short what, void *arg)
{
	evconnlistener_enable(arg);
}

/*
 * The listener's error callback: accept(2) failed with more than EAGAIN,
 * mostly EMFILE or ENFILE (out of descriptors), ENOBUFS or ENOMEM. The
 * socket stays readable, so instead of a spin the listener pauses for
 * HTTP_ACCEPT_PAUSE_MS, or until a connection closes (http_set_full()).
 * arg is evhttp's (evhttp_bind_listener() sets the listener's argument),
 * so this works from the listener alone. Should the pause end while the
 * listener is full, the next connection is refused (http_conn_adopt()).
 */
static void
http_accept_error(struct evconnlistener *lev, void *arg)
{
	struct timeval	tv = { HTTP_ACCEPT_PAUSE_MS / 1000,
			    (HTTP_ACCEPT_PAUSE_MS % 1000) * 1000 };
	int		e = EVUTIL_SOCKET_ERROR();

	log_peer_warnx("http: accept: %s; pausing %d ms (see "
	    "http.max_connections and LimitNOFILE=)", strerror(e),
	    HTTP_ACCEPT_PAUSE_MS);
	evconnlistener_disable(lev);
	/* Without memory for the timer, the pause ends at the next close. */
	(void)event_base_once(evconnlistener_get_base(lev), -1, EV_TIMEOUT,
	    http_accept_resume, lev, &tv);
}

/*
 * A non-blocking listening socket on http.listen:http.port. Returns the fd
 * or -1 with err naming the address and the reason.
 */
static int
http_listen_socket(const struct bootd_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_in	sin;
	int			fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)cfg->http.port);
	sin.sin_addr.s_addr = htonl(cfg->http.listen_ip);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		snprintf(err, errlen, "cannot listen on %s:%d/tcp: %s%s",
		    cfg->http.listen, cfg->http.port, strerror(errno),
		    errno == EACCES ? " (needs root or CAP_NET_BIND_SERVICE)" :
		    errno == EADDRINUSE ? " (another server has the port)" :
		    "");
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
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
	return r->methods == HTTP_M_POST ? "POST" : "GET, HEAD";
}

/* The route for the decoded path: the longest prefix that matches. */
static const struct http_route *
route_find(const struct http_srv *srv, const char *path)
{
	const struct http_route	*r, *best = NULL;
	size_t			 i;

	for (i = 0; i < srv->nroutes; i++) {
		r = &srv->routes[i];
		if (r->exact ? strcmp(path, r->prefix) != 0 :
		    strncmp(path, r->prefix, r->plen) != 0)
			continue;
		if (best == NULL || r->plen > best->plen ||
		    (r->plen == best->plen && r->exact))
			best = r;
	}
	return best;
}

int
http_route_add(struct http_srv *srv, const char *prefix, int exact,
    int methods, enum http_acl acl, void (*fn)(struct http_ctx *),
    void *arg, char *err, size_t errlen)
{
	struct http_route	*r;
	size_t			 i;

	for (i = 0; i < srv->nroutes; i++)
		if (srv->routes[i].exact == exact &&
		    strcmp(srv->routes[i].prefix, prefix) == 0) {
			snprintf(err, errlen, "http: route %s%s registered "
			    "twice", prefix, exact ? "" : "*");
			return -1;
		}
	if (srv->nroutes == HTTP_ROUTES_MAX) {
		snprintf(err, errlen, "http: more than %d routes",
		    HTTP_ROUTES_MAX);
		return -1;
	}
	r = &srv->routes[srv->nroutes++];
	r->prefix = prefix;
	r->plen = strlen(prefix);
	r->exact = exact;
	r->methods = methods;
	r->acl = acl;
	r->fn = fn;
	r->arg = arg;
	return 0;
}

static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http_srv		*srv = arg;
	struct http_ctx		 c;
	const struct http_route	*r;
	const struct evhttp_uri	*uri;
	const char		*path;
	struct http_conn	*hc;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	char			*dpath = NULL;
	size_t			 n;
	int			 m;

	/*
	 * The request is in: its deadline ends until the reply has gone.
	 * Every connection is adopted by now: http_adopt() runs in the loop
	 * pass of the accept, before epoll reports the first byte.
	 */
	if (evcon != NULL && (hc = http_conn_find(srv, evcon)) != NULL) {
		http_conn_set_state(hc, HC_ANSWERING);
		evhttp_request_set_on_complete_cb(req, http_req_done, hc);
	}
	memset(&c, 0, sizeof(c));
	c.route = -1;
	c.t0_us = clock_mono_us();
	c.bd = srv->bd;
	c.srv = srv;
	c.req = req;
	c.cmd = evhttp_request_get_command(req);
	c.path = "";
	if (peer_ip(req, &c.peer_ip, c.peer, sizeof(c.peer)) == -1)
		c.peer_ip = 0;
	c.admin = c.peer_ip != 0 && config_is_admin(srv->bd->cfg, c.peer_ip);
	if (c.cmd == EVHTTP_REQ_GET || c.cmd == EVHTTP_REQ_HEAD)
		m = HTTP_M_GET;
	else if (c.cmd == EVHTTP_REQ_POST)
		m = HTTP_M_POST;
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
	if ((r = route_find(srv, dpath)) != NULL) {
		c.rest = dpath + r->plen;
		c.arg = r->arg;
		c.route = (int)(r - srv->routes);
		if ((r->methods & m) == 0) {
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Allow", route_allow(r));
			http_error(&c, HTTP_C_BADMETHOD);
			goto done;
		}
		if (r->acl == HTTP_ACL_ADMIN && !c.admin) {
			http_refuse(&c, HTTP_C_FORBIDDEN,
			    "not in http.admin_networks");
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
	struct http_srv			*srv;
	struct evconnlistener		*lev;
	const struct bootd_config	*cfg = bd->cfg;
	size_t				 i;
	int				 fd;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->bd = bd;
	TAILQ_INIT(&srv->pending);
	for (i = 0; i < HTTP_BUCKETS; i++) {
		LIST_INIT(&srv->conns[i]);
		LIST_INIT(&srv->clients[i]);
	}
	if ((srv->http = evhttp_new(bd->base)) == NULL ||
	    (srv->ev_adopt = event_new(bd->base, -1, 0, http_adopt,
	    srv)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	evhttp_set_max_headers_size(srv->http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(srv->http, HTTP_MAX_BODY);
	evhttp_set_timeout(srv->http, HTTP_TIMEOUT);
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST);
	evhttp_set_gencb(srv->http, http_dispatch, srv);
	evhttp_set_bevcb(srv->http, http_conn_bev, srv);
	if ((fd = http_listen_socket(cfg, err, errlen)) == -1)
		goto fail;
	/* Backlog 0: the socket listens already. The listener owns fd. */
	if ((lev = evconnlistener_new(bd->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd)) == NULL) {
		close(fd);
		snprintf(err, errlen, "cannot add the listener event");
		goto fail;
	}
	if (evhttp_bind_listener(srv->http, lev) == NULL) {
		evconnlistener_free(lev);
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	srv->lev = lev;
	/* After evhttp_bind_listener(), which sets only the accept callback. */
	evconnlistener_set_error_cb(lev, http_accept_error);
	log_info("http: listening on %s:%d (at most %d connections, %d per "
	    "client, %d s per request)", cfg->http.listen, cfg->http.port,
	    cfg->http.max_connections, cfg->http.max_per_client,
	    cfg->http.request_timeout);
	return srv;
fail:
	http_stop(srv);
	return NULL;
}

size_t
http_routes_n(const struct http_srv *srv)
{
	return srv->nroutes;
}

const uint64_t *
http_route_replies(const struct http_srv *srv, size_t i, const char **prefix)
{
	if (i < srv->nroutes) {
		*prefix = srv->routes[i].prefix;
		return srv->routes[i].replies;
	}
	*prefix = NULL;
	return i == srv->nroutes ? srv->unrouted : NULL;
}

const struct http_stats *
http_stats(const struct http_srv *srv)
{
	return &srv->st;
}

void
http_stop(struct http_srv *srv)
{
	struct http_conn	*c;

	if (srv == NULL)
		return;
	if (srv->st.accepted > 0)
		log_info("http: %" PRIu64 " connections: %" PRIu64 " refused "
		    "over http.max_per_client, %" PRIu64 " over "
		    "http.max_connections (reached %" PRIu64 " times), %"
		    PRIu64 " closed by http.request_timeout, %" PRIu64
		    " untracked for want of memory", srv->st.accepted,
		    srv->st.refused_client, srv->st.refused_full,
		    srv->st.full, srv->st.deadline, srv->st.nomem);
	/* evhttp_free() frees the listener, then every connection. */
	srv->lev = NULL;
	if (srv->http != NULL)
		evhttp_free(srv->http);
	/* Records evhttp never saw through, with their references. */
	while ((c = TAILQ_FIRST(&srv->pending)) != NULL)
		http_conn_free(c);
	if (srv->ev_adopt != NULL)
		event_free(srv->ev_adopt);
	free(srv);
}
