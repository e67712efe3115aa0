/* SPDX-License-Identifier: ISC */
/*
 * tftp_resolve: the one answer to "which file is this name under the TFTP
 * root: a menu of the document service, the real file, or neither, and
 * why", for the TFTP server and for HTTP's /files/ alike. Pure: the
 * caller opens the real file (its own way: TFTP shares open files) and
 * reports the result. No I/O, no logging.
 *
 *	tftp_resolve(&r, cfg, snap, name);
 *	if (r.kind == TFTP_R_OPEN) {
 *		res = tftp_path_open(rootfd, name, &fd, &size, &why);
 *		tftp_resolve_opened(&r, res, why);
 *	}
 *	switch (r.kind) ... (free(r.body) unless taken)
 *
 * A host's menu name (pxelinux.cfg/01-<mac>, grub.cfg-<HEXIP>, ...) is
 * always the menu; one of no enabled host is not found. At
 * pxelinux.cfg/default a real file wins; the default menu is served only
 * when nothing is there (ENOENT). The same holds at grub/grub.cfg, where
 * signed GRUB looks, with the menu of the requesting client's host. A
 * file that is there but cannot be served (unreadable, not a regular
 * file, a refused symlink) is refused with its reason, over TFTP and
 * HTTP alike: it is what the admin put there, and a menu in its place
 * would hide the mistake.
 */
#ifndef BOOTD_TFTP_RESOLVE_H
#define BOOTD_TFTP_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "doc/doc.h"
#include "tftp/tftp_proto.h"

enum tftp_rkind {
	TFTP_R_OPEN,		/* open the real file, then _opened() */
	TFTP_R_REAL,		/* serve the real file the caller opened */
	TFTP_R_VIRTUAL,		/* serve body (len bytes) */
	TFTP_R_REFUSED		/* answer tftp_code / http_code with why */
};

#define TFTP_RESOLVE_DETAIL	768	/* bytes of tftp_resolved.detail */

struct tftp_resolved {
	enum tftp_rkind		 kind;
	char			*body;	/* VIRTUAL: the caller frees it */
	size_t			 len;
	int			 path_res;	/* tftp_path result */
	const char		*why;		/* REFUSED: static reason */
	enum tftp_err		 tftp_code;	/* REFUSED */
	int			 http_code;	/* REFUSED: 404, 403, 500 ... */
	/* Why a menu failed to render ("" otherwise): log it. */
	char			 detail[TFTP_RESOLVE_DETAIL];
	/* private */
	const struct bootd_config	*cfg;
	const struct inv_snapshot	*snap;
	int				 fallback;	/* a DOC_VN_* */
	const struct inv_host		*peer_host;	/* or NULL */
	enum doc_kind			 peer_kind;	/* its document */
};

/*
 * Resolves normalised name (tftp_path_normalise()) against snap (may be
 * NULL: no host known) into r, borrowing cfg and snap until
 * tftp_resolve_opened(). peer is the requesting client's IPv4 address
 * (host order; 0: not known): it picks the document of the names that
 * carry no host (doc_vname()): grub/grub.cfg (the signed netboot GRUB's
 * menu) and autoexec.ipxe (signed iPXE's script), each the one of the
 * enabled host whose inventory IP is peer, else the one for unknown
 * addresses. Returns r->kind:
 * TFTP_R_VIRTUAL (a host's menu), TFTP_R_REFUSED (not found: a menu name
 * of no enabled host; or a menu that does not render, detail saying why)
 * or TFTP_R_OPEN.
 */
enum tftp_rkind tftp_resolve(struct tftp_resolved *r,
	    const struct bootd_config *cfg, const struct inv_snapshot *snap,
	    const char *name, uint32_t peer);

/*
 * After TFTP_R_OPEN: path_res and why are what opening the real file gave
 * (tftp_path_open()'s result; TFTP_PATH_ENOENT when there is no root).
 * Returns r->kind: TFTP_R_REAL, TFTP_R_VIRTUAL (when nothing is there: at
 * pxelinux.cfg/default the default menu; at grub/grub.cfg and
 * autoexec.ipxe the document of the enabled host whose inventory IP is the
 * peer, else the one for unknown addresses) or TFTP_R_REFUSED (the open's reason and codes; path_res
 * says TFTP_PATH_ENFILE for "out of descriptors").
 */
enum tftp_rkind tftp_resolve_opened(struct tftp_resolved *r, int path_res,
	    const char *why);

#endif
