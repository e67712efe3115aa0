/* SPDX-License-Identifier: ISC */
/*
 * http: the evhttp server: route table, admin-network ACL, limits. Route
 * handlers read the current snapshot from struct bootd and never block.
 */
#ifndef BOOTD_HTTP_H
#define BOOTD_HTTP_H

#include <stddef.h>

struct bootd;
struct http_srv;

#define HTTP_MAX_HEADERS	8192	/* bytes of request headers */
#define HTTP_MAX_BODY		65536	/* bytes of request body */
#define HTTP_TIMEOUT		30	/* seconds per request */

/*
 * Binds http.listen:http.port and serves on bd->base. Returns the server
 * (http_stop() it) or NULL with err filled.
 */
struct http_srv *http_start(struct bootd *bd, char *err, size_t errlen);

/* Closes the listener and frees. Accepts NULL. */
void	http_stop(struct http_srv *srv);

#endif
