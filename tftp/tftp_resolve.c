/* SPDX-License-Identifier: ISC */
/*
 * tftp_resolve: virtual or real file, or refused, and why (see the
 * header). Menus come from doc_render(). Pure: no I/O, no logging.
 */
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_resolve.h"

static enum tftp_rkind
refuse(struct tftp_resolved *r, int res, const char *why)
{
	r->kind = TFTP_R_REFUSED;
	r->path_res = res;
	r->why = why;
	r->tftp_code = tftp_path_tftp_err(res);
	r->http_code = tftp_path_http_code(res);
	return r->kind;
}

/* Renders menu kind of h (NULL: the default one) into r. */
static enum tftp_rkind
render(struct tftp_resolved *r, enum doc_kind kind, const struct inv_host *h)
{
	struct doc_req	req = { r->cfg, r->snap, h, kind, NULL };
	char		why[640];

	if (doc_render(&req, &r->body, &r->len, why, sizeof(why)) != DOC_OK) {
		snprintf(r->detail, sizeof(r->detail), "%s (host \"%s\", %s)",
		    why, h != NULL ? h->hostname : "unknown",
		    doc_kind_names[kind]);
		refuse(r, TFTP_PATH_EIO, "menu does not render; see the "
		    "server log");
		r->tftp_code = TFTP_EUNDEF;
		r->http_code = 500;
		return r->kind;
	}
	r->kind = TFTP_R_VIRTUAL;
	return r->kind;
}

enum tftp_rkind
tftp_resolve(struct tftp_resolved *r, const struct bootd_config *cfg,
    const struct inv_snapshot *snap, const char *name, uint32_t peer)
{
	const struct inv_host	*h;
	enum doc_kind		 kind;
	int			 vn;

	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->snap = snap;
	switch ((vn = doc_vname(snap, name, &kind, &h))) {
	case DOC_VN_HOST:
		return render(r, kind, h);
	case DOC_VN_NOHOST:
		return refuse(r, TFTP_PATH_ENOENT, "no such host");
	case DOC_VN_PEER:
		/* After DHCP from bootd the peer has its inventory IP. */
		h = snap != NULL && peer != 0 ? inv_by_ip(snap, peer) : NULL;
		r->peer_host = h != NULL && h->enabled ? h : NULL;
		r->peer_kind = kind;
		/* FALLTHROUGH */
	case DOC_VN_DEFAULT:
		r->fallback = vn;
		break;
	default:
		break;
	}
	r->kind = TFTP_R_OPEN;
	return r->kind;
}

enum tftp_rkind
tftp_resolve_opened(struct tftp_resolved *r, int path_res, const char *why)
{
	if (path_res == TFTP_PATH_OK) {
		r->kind = TFTP_R_REAL;
		r->path_res = path_res;
		return r->kind;
	}
	/* Nothing there: the menu. Anything else there: its reason. */
	if (path_res == TFTP_PATH_ENOENT && r->fallback == DOC_VN_DEFAULT)
		return render(r, DOC_PXELINUX, NULL);
	if (path_res == TFTP_PATH_ENOENT && r->fallback == DOC_VN_PEER)
		return render(r, r->peer_kind, r->peer_host);
	return refuse(r, path_res, why != NULL ? why :
	    tftp_path_str(path_res));
}
