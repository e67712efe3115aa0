/* SPDX-License-Identifier: ISC */
/*
 * http: the evhttp server of the base library: connection caps and
 * deadlines, a route table that modules register into (http_route_add()),
 * the admin-network and owner ACLs, and the one place that picks status
 * codes and sends replies (also files, with Range, by sendfile). It knows
 * no module: the routes and what they serve come from the modules and the
 * daemon. Route handlers never block.
 */
#ifndef BOOTD_HTTP_H
#define BOOTD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/http.h>

struct bootd;
struct http_srv;

#define HTTP_MAX_HEADERS	8192	/* bytes of request headers */
#define HTTP_MAX_BODY		65536	/* bytes of request body */
/*
 * Seconds evhttp waits for a peer to send or take the next bytes; a reply
 * being written is bounded by it alone. A request's arrival is bounded as
 * a whole by http.request_timeout.
 */
#define HTTP_TIMEOUT		30
/* A file body goes out in sendfile(2) calls of at most this many bytes, */
#define HTTP_SENDFILE_CHUNK	(2 * 1024 * 1024)
/* and in at most this many libevent chains (~100 bytes each). */
#define HTTP_SENDFILE_CHAINS	1024
/* Status codes bootd sends; http_send() knows each one's reason phrase. */
enum http_code {
	HTTP_C_OK = 200,
	HTTP_C_PARTIAL = 206,
	HTTP_C_NOTMODIFIED = 304,
	HTTP_C_BADREQ = 400,
	HTTP_C_FORBIDDEN = 403,
	HTTP_C_NOTFOUND = 404,
	HTTP_C_BADMETHOD = 405,
	HTTP_C_TOOLARGE = 413,
	HTTP_C_RANGE = 416,
	HTTP_C_INTERNAL = 500,
	HTTP_C_UNAVAIL = 503
};

/*
 * One request as a route handler sees it. Built by the dispatcher on its
 * stack: valid only during the handler call, which must answer exactly once
 * through http_reply(), http_reply_take(), http_error() or http_forbid().
 */
struct http_ctx {
	struct http_srv		*srv;	/* private to http.c */
	struct bootd		*bd;
	void			*arg;	/* the route's, from http_route_add() */
	struct evhttp_request	*req;
	enum evhttp_cmd_type	 cmd;
	const char		*path;	/* decoded, without NUL bytes */
	const char		*rest;	/* path after the route's prefix */
	uint32_t		 peer_ip;	/* host order; 0 if not IPv4 */
	int			 admin;	/* peer in http.admin_networks */
	char			 peer[64];	/* printable peer address */
	/* Private to http.c: the route's index (-1: none), the start. */
	int			 route;
	uint64_t		 t0_us;
	/* Private to http.c: a deferred answer's (http_defer()). */
	struct http_conn	*conn;		/* NULL once answered */
	void			(*gone)(void *);
	void			*gone_arg;
	char			*pathbuf;
};

/*
 * Binds http.listen:http.port and serves on bd->base with the caps
 * http.max_connections, http.max_per_client and http.request_timeout
 * (read from bd->cfg at each use, so a reload changes them). Returns the
 * server (http_stop() it) or NULL with err filled, e.g. "cannot listen on
 * 0.0.0.0:80/tcp: Address already in use (...)".
 */
struct http_srv *http_start(struct bootd *bd, char *err, size_t errlen);

/* Closes the listener and frees. Accepts NULL. */
void	http_stop(struct http_srv *srv);

/* Counted every time a cap or a failure is hit. */
struct http_stats {
	uint64_t	accepted;
	uint64_t	refused_client;	/* over max_per_client */
	uint64_t	refused_full;	/* over max_connections */
	uint64_t	full;		/* paused at max_connections */
	uint64_t	deadline;	/* closed by request_timeout */
	uint64_t	nomem;		/* a connection untracked */
};

/* The server's counters, borrowed until http_stop(). */
const struct http_stats *http_stats(const struct http_srv *srv);

/* Replies by status class: 1xx .. 5xx at [1] .. [5]; [0] unused. */
#define HTTP_CLASSES	6

/*
 * The replies sent for route i (0 .. http_routes_n() - 1; its prefix in
 * *prefix) or, for i == http_routes_n(), for requests that matched no
 * route (*prefix NULL), by status class. Borrowed until http_stop().
 * Returns NULL past the end.
 */
size_t	 http_routes_n(const struct http_srv *srv);
const uint64_t *http_route_replies(const struct http_srv *srv, size_t i,
	    const char **prefix);

/* Who may call a route. */
enum http_acl {
	HTTP_ACL_ANY,	/* anyone; the handler may check more (http_allow) */
	HTTP_ACL_ADMIN	/* only http.admin_networks; others get 403 */
};

/* Methods of a route (a mask); GET includes HEAD. */
#define HTTP_M_GET	0x1
#define HTTP_M_POST	0x2

#define HTTP_ROUTES_MAX	32	/* routes one server holds */

/*
 * Registers fn for the decoded paths equal to prefix (exact != 0) or
 * starting with it; the longest matching prefix wins, so the order of
 * registration does not matter. A method outside methods gets 405 with
 * an Allow header; a peer the acl refuses gets 403 (logged through the
 * peer limiter). fn gets arg as c->arg and c->rest as the path after
 * prefix. prefix and arg are borrowed until http_stop(): a module that
 * registers must outlive the server. Returns 0, or -1 with err for a
 * prefix already taken or a full table (HTTP_ROUTES_MAX).
 */
int	http_route_add(struct http_srv *srv, const char *prefix, int exact,
	    int methods, enum http_acl acl, void (*fn)(struct http_ctx *),
	    void *arg, char *err, size_t errlen);

/*
 * Replies 200 (or 206 for one satisfiable Range; 416 otherwise) with size
 * bytes of an entity as application/octet-stream: a file (fd != -1,
 * taken over: closed in every case), sent by sendfile(2) as the socket
 * drains so it is never read into memory, or memory (mem, from malloc(),
 * taken over). HEAD gets the headers only.
 */
void	http_reply_entity(struct http_ctx *c, int fd, char *mem,
	    uint64_t size);

/*
 * Replies with code and body (len bytes, copied; NULL for none) as
 * Content-Type ctype (NULL: text/plain). HEAD gets the headers only.
 */
void	http_reply(struct http_ctx *c, int code, const char *ctype,
	    const char *body, size_t len);

/* Same, taking over body (from malloc(); freed once it is sent). */
void	http_reply_take(struct http_ctx *c, int code, const char *ctype,
	    char *body, size_t len);

/*
 * Same, borrowing body: done(body, len, arg) runs once nothing refers to
 * it any more (after the reply is written, or at once on failure or HEAD).
 */
void	http_reply_ref(struct http_ctx *c, int code, const char *ctype,
	    const char *body, size_t len, evbuffer_ref_cleanup_cb done,
	    void *arg);

/*
 * Deferred answers, for a handler whose work spans several loop turns
 * (daemon/slice_io.c renders large documents in slices). http_defer()
 * returns a copy of c on the heap that stays valid after the handler
 * returns; the handler then returns without answering. Later, from any
 * loop callback, the owner answers once through the kept context with
 * any of the reply functions above and then calls http_defer_free().
 * Should the connection go away first (the peer closed it, a deadline,
 * http_stop()), gone(arg) runs once from http.c and the kept context is
 * freed right after it: the owner forgets it in gone() and must not
 * answer or free it. Returns NULL (out of memory, or a connection bootd
 * does not track) and then c must be answered at once as usual. At most
 * one deferred answer per connection (evhttp reads the next request only
 * after the reply).
 */
struct http_ctx *http_defer(struct http_ctx *c, void (*gone)(void *),
	    void *arg);

/*
 * 1 while the peer of a deferred answer is still there, 0 once it has
 * closed its side (a read would return end of file); a cheap peek, for
 * an owner to stop work nobody waits for. Pipelined bytes count as there.
 */
int	http_defer_alive(const struct http_ctx *kc);

/*
 * Ends a deferred answer: after the reply was sent, frees kc; before
 * (the peer is gone, or the owner gives up without a word), closes the
 * connection too, without calling gone(). Accepts NULL.
 */
void	http_defer_free(struct http_ctx *kc);

/* Replies with code and a one-line text body ("404 Not Found"). */
void	http_error(struct http_ctx *c, int code);

/*
 * The owner ACL for per-host documents, which may hold secrets: true when
 * the peer is in http.admin_networks or has the IPv4 address owner_ip or
 * owner2_ip (host order; 0 for none). Otherwise logs one line naming the
 * peer, path and what (a short static reason, see http_refuse()), answers
 * 403, and returns 0.
 */
int	http_allow(struct http_ctx *c, uint32_t owner_ip, uint32_t owner2_ip,
	    const char *what);

/* Input bytes of a refusal's reason and detail an admin's body carries. */
#define HTTP_WHY_MAX		200
#define HTTP_DETAIL_MAX		400

/*
 * Logs "http: <peer>: <path>: <kind>: <why>" through the peer log limiter
 * and answers code. why should be a static string: its address keys the
 * limiter's slot (log_peer_keyed_*), so each reason gets one line a second
 * and a flood of one reason hides no other. The body is http_error()'s
 * status line; a peer in http.admin_networks (c->admin) also gets a
 * second line, "<why>" or "<why>: <detail>", escaped to printable ASCII
 * (escape.h, ESCAPE_C) and cut at HTTP_WHY_MAX / HTTP_DETAIL_MAX bytes.
 */
void	http_refuse(struct http_ctx *c, int code, const char *why);

/*
 * http_refuse() with detail (may be NULL or ""; not a limiter key, e.g. a
 * template's "file:line: text") appended to the same one log line.
 */
void	http_refuse_detail(struct http_ctx *c, int code, const char *why,
	    const char *detail);

/* http_refuse(c, HTTP_C_FORBIDDEN, why): "forbidden" at warning level. */
void	http_forbid(struct http_ctx *c, const char *why);

#endif
