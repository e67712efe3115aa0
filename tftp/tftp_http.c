/* SPDX-License-Identifier: ISC */
/*
 * tftp_http: /files/<path>, the TFTP root over HTTP, to anyone (the TFTP
 * root is public by nature). UEFI HTTP boot and iPXE load kernels and
 * initrds from here. The same path rules as TFTP (tftp_path.h) and the
 * same virtual menus (tftp_virtual.h); the reply, Range and sendfile are
 * the HTTP core's (bootd/http.c). Registered into the HTTP server by the
 * daemon; nothing here blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/bootd.h"
#include "bootd/http.h"
#include "bootd/log.h"
#include "tftp/tftp_http.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_virtual.h"

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

/* GET /files/<path>: c->arg is the root struct bootd. */
static void
route_files(struct http_ctx *c)
{
	struct bootd	*bd = c->arg;
	char		 name[TFTP_PATH_MAX + 1], esc[128], vwhy[256];
	char		*vout = NULL;
	const char	*why = NULL;
	uint64_t	 size = 0;
	size_t		 vlen = 0;
	int		 res, v, fd = -1, rootfd;

	if (tftp_path_normalise(c->rest, name, sizeof(name), &why) != 0) {
		http_refuse(c, HTTP_C_BADREQ, why);
		return;
	}
	v = tftp_virtual_render(bd->cfg, bd->snap, name, &vout, &vlen,
	    vwhy, sizeof(vwhy));
	switch (v) {
	case TFTP_V_OK:
		http_reply_entity(c, -1, vout, vlen);
		return;
	case TFTP_V_NOTFOUND:
		http_error(c, HTTP_C_NOTFOUND);
		return;
	case TFTP_V_ERROR:
		log_peer_warnx("http: %s: %s: %s", c->peer, log_sanitise(esc,
		    sizeof(esc), name, strlen(name)), vwhy);
		http_error(c, HTTP_C_INTERNAL);
		return;
	default:
		break;
	}
	/* The TFTP server's root (bootd.h: one owner, swapped on SIGHUP). */
	if ((rootfd = bd->rootfd) == -1) {
		free(vout);
		http_error(c, HTTP_C_NOTFOUND);
		return;
	}
	res = tftp_path_open(rootfd, name, &fd, &size, &why);
	if (res == TFTP_PATH_ENOENT && v == TFTP_V_FALLBACK) {
		http_reply_entity(c, -1, vout, vlen);
		return;
	}
	free(vout);
	if (res != TFTP_PATH_OK) {
		http_refuse(c, path_code(res), why);
		return;
	}
	http_reply_entity(c, fd, NULL, size);
}

int
tftp_http_routes(struct bootd *bd, struct http_srv *http, char *err,
    size_t errlen)
{
	return http_route_add(http, "/files/", 0, HTTP_M_GET, HTTP_ACL_ANY,
	    route_files, bd, err, errlen);
}
