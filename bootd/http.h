/* SPDX-License-Identifier: ISC */
/*
 * http: the evhttp server: route table, admin-network and owner ACLs,
 * limits, the one place that picks status codes and sends replies, and
 * /files/ (the TFTP root over HTTP, with Range). Route handlers read the
 * current snapshot from struct bootd and never block.
 */
#ifndef BOOTD_HTTP_H
#define BOOTD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/http.h>

struct bootd;
struct http_srv;
struct inv_host;
struct ks_http;

#define HTTP_MAX_HEADERS	8192	/* bytes of request headers */
#define HTTP_MAX_BODY		65536	/* bytes of request body */
/*
 * Seconds evhttp waits for a peer to send or take the next bytes; a reply
 * being written is bounded by it alone. A request's arrival is bounded as
 * a whole by http.request_timeout.
 */
#define HTTP_TIMEOUT		30
/* Status codes bootd sends; http_send() knows each one's reason phrase. */
enum http_code {
	HTTP_C_OK = 200,
	HTTP_C_PARTIAL = 206,
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
	struct ks_http		*ks;	/* templates (kickstart/ks_http.c) */
	struct evhttp_request	*req;
	enum evhttp_cmd_type	 cmd;
	const char		*path;	/* decoded, without NUL bytes */
	const char		*rest;	/* path after the route's prefix */
	uint32_t		 peer_ip;	/* host order; 0 if not IPv4 */
	int			 admin;	/* peer in http.admin_networks */
	char			 peer[64];	/* printable peer address */
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

/* Replies with code and a one-line text body ("404 Not Found"). */
void	http_error(struct http_ctx *c, int code);

/*
 * The owner ACL for per-host documents, which may hold secrets: true when
 * the peer is in http.admin_networks or has the IP of owner or of owner2
 * (either may be NULL). Otherwise logs one line naming the peer, path and
 * what (a short static reason, see http_refuse()), answers 403, and
 * returns 0.
 */
int	http_allow(struct http_ctx *c, const struct inv_host *owner,
	    const struct inv_host *owner2, const char *what);

/*
 * Logs "http: <peer>: <path>: <kind>: <why>" through the peer log limiter
 * and answers code with http_error(). why should be a static string: its
 * address keys the limiter's slot (log_peer_keyed_*), so each reason gets
 * one line a second and a flood of one reason hides no other.
 */
void	http_refuse(struct http_ctx *c, int code, const char *why);

/* http_refuse(c, HTTP_C_FORBIDDEN, why): "forbidden" at warning level. */
void	http_forbid(struct http_ctx *c, const char *why);

#endif
