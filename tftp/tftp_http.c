/* SPDX-License-Identifier: ISC */
/*
 * tftp_http: /files/<path>, the TFTP root over HTTP, to anyone (the TFTP
 * root is public by nature). UEFI HTTP boot and iPXE load kernels and
 * initrds from here. The same path rules as TFTP (tftp_path.h) and the
 * same answer, a virtual menu, the real file or a refusal
 * (tftp_resolve.h); the reply, Range and sendfile are the HTTP core's
 * (bootd/http.c). Registered into the HTTP server by the daemon; nothing
 * here blocks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "bootd/bootd.h"
#include "bootd/http.h"
#include "bootd/log.h"
#include "db/db_thread.h"
#include "db/inventory.h"
#include "tftp/tftp_http.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_resolve.h"

/*
 * A file of the root went out by GET to an enabled host's inventory IP:
 * boot event http-file, detail "<name> <size> bytes", the HTTP twin of
 * tftp-done, so a UEFI HTTP boot has its loader, kernel and initrd in the
 * host's timeline. HEAD sends no file and records nothing. A full DB queue
 * costs the row (db_thread counts it), never the reply.
 */
static void
files_event(struct http_ctx *c, const char *name, uint64_t size)
{
	struct bootd		*bd = c->bd;
	const struct inv_host	*h;
	struct db_event		 ev;

	if (c->cmd != EVHTTP_REQ_GET || bd->db == NULL || bd->snap == NULL ||
	    c->peer_ip == 0 || (h = inv_by_ip(bd->snap, c->peer_ip)) == NULL ||
	    !h->enabled)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = DB_EV_BOOT;
	ev.src = DB_SRC_HTTP;
	ev.arch = -1;
	snprintf(ev.mac, sizeof(ev.mac), "%s", h->macstr);
	snprintf(ev.hostname, sizeof(ev.hostname), "%s", h->hostname);
	snprintf(ev.stage, sizeof(ev.stage), "http-file");
	/* name is a file that is there (or a menu): the admin's bytes. */
	snprintf(ev.detail, sizeof(ev.detail), "%s %" PRIu64 " bytes", name,
	    size);
	db_thread_event(bd->db, &ev);
}

/* GET /files/<path>: c->arg is the root struct bootd. */
static void
route_files(struct http_ctx *c)
{
	struct bootd		*bd = c->arg;
	struct tftp_resolved	 r;
	char			 name[TFTP_PATH_MAX + 1];
	const char		*why = NULL;
	uint64_t		 size = 0;
	int			 res, fd = -1;

	if (tftp_path_normalise(c->rest, name, sizeof(name), &why) != 0) {
		http_refuse(c, HTTP_C_BADREQ, why);
		return;
	}
	/* tftp_resolve.h: the answer the TFTP server gives too. */
	if (tftp_resolve(&r, bd->cfg, bd->snap, name, c->peer_ip) ==
	    TFTP_R_OPEN) {
		/* The TFTP root (bootd.h: one owner, swapped on SIGHUP). */
		res = bd->rootfd == -1 ? TFTP_PATH_ENOENT :
		    tftp_path_open(bd->rootfd, name, &fd, &size, &why);
		tftp_resolve_opened(&r, res, res == TFTP_PATH_OK ? NULL : why);
	}
	switch (r.kind) {
	case TFTP_R_REAL:
		files_event(c, name, size);
		http_reply_entity(c, fd, NULL, size);
		break;
	case TFTP_R_VIRTUAL:
		files_event(c, name, r.len);
		http_reply_entity(c, -1, r.body, r.len);
		break;
	default:
		/* One line: the refusal and, for a menu, what failed. */
		http_refuse_detail(c, r.http_code, r.why, r.detail);
	}
}

int
tftp_http_routes(struct bootd *bd, struct http_srv *http, char *err,
    size_t errlen)
{
	return http_route_add(http, "/files/", 0, HTTP_M_GET, HTTP_ACL_ANY,
	    route_files, bd, err, errlen);
}
