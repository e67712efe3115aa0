/* SPDX-License-Identifier: ISC */
/*
 * tftp_http: the TFTP root over HTTP (/files/<path>), with the TFTP
 * server's path rules and virtual menus.
 */
#ifndef BOOTD_TFTP_HTTP_H
#define BOOTD_TFTP_HTTP_H

#include <stddef.h>

struct bootd;
struct http_srv;

/*
 * Registers GET /files/ on http. bd is borrowed for the server's lifetime;
 * its cfg, snap and rootfd are read at each request. Returns 0, or -1
 * with err.
 */
int	tftp_http_routes(struct bootd *bd, struct http_srv *http, char *err,
	    size_t errlen);

#endif
