/* SPDX-License-Identifier: ISC */
/*
 * doc_http: the HTTP routes of the document service (/ks, /guests,
 * /firstboot, /ipxe) and /status, which doc_http_routes() registers into
 * the HTTP server of the base library. Documents
 * come from doc_render() (doc/doc.h), the same function `bootd render`,
 * `bootd check` and the TFTP menus use; templates come from a doc_tset
 * (doc/doc_tfile.h) read from paths.templates with the built-in fallback.
 * The handlers never read a template file while answering except the
 * first time a name is asked for.
 */
#ifndef BOOTD_DOC_HTTP_H
#define BOOTD_DOC_HTTP_H

#include <stddef.h>

struct bootd;
struct http_ctx;
struct http_srv;
struct doc_http;

#define DOC_HTTP_CACHE_MAX	64	/* templates the HTTP cache holds */

/*
 * The HTTP side: a template set owned by the HTTP server, kept fresh by
 * a once-a-second timer on bd->base (doc_tset_sync(): file identities,
 * paths.templates after a SIGHUP, the kickstarts of new profiles).
 * Returns NULL with err.
 */
struct doc_http *doc_http_new(struct bootd *bd, char *err, size_t errlen);

/* Accepts NULL. */
void	doc_http_free(struct doc_http *ks);

/*
 * Registers /ks/, /guests/, /firstboot/, /ipxe/ (GET) and /status/ (POST)
 * on http, each with ks as its argument; ks must outlive http (free it
 * after http_stop()). Returns 0, or -1 with err.
 */
int	doc_http_routes(struct doc_http *ks, struct http_srv *http, char *err,
	    size_t errlen);

/* Route handlers; c->rest is the path's tail, c->arg the doc_http. */
void	doc_http_kickstart(struct http_ctx *c);	/* GET /ks/<host or MAC> */
void	doc_http_guests(struct http_ctx *c);	/* GET /guests/<dom0>[/...] */
void	doc_http_firstboot(struct http_ctx *c);	/* GET /firstboot/<dom0> */
void	doc_http_ipxe(struct http_ctx *c);	/* GET /ipxe/<MAC or host> */
void	doc_http_grub(struct http_ctx *c);	/* GET /grub/<MAC or host> */
void	doc_http_status(struct http_ctx *c);	/* POST /status/<host> */

#endif
