/* SPDX-License-Identifier: ISC */
/*
 * doc_cli: `bootd render KIND HOST`, what HOST would get from the HTTP and
 * TFTP servers: doc_render() over the database's inventory (the cache
 * file when the database cannot give it) and the template set the HTTP
 * server would hold (doc_tset_load(): paths.templates, else the built-in
 * ones). HOST "default" (when no host has that name) with kind pxelinux
 * or grub is the menu an unknown host gets (pxelinux.cfg/default,
 * grub/grub.cfg). A one-shot command: it may block, and never runs inside
 * the daemon's event loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/addr.h"
#include "bootd/config.h"
#include "db/db_cli.h"
#include "doc/doc.h"
#include "doc/doc_tfile.h"
#include "doc/doc_cli.h"
#include "kickstart/ks_vars.h"

int
cli_render(const char *config_path, const char *kind, const char *host)
{
	const struct inv_build_opts opts = { ks_vars_reserved };
	struct bootd_config	*cfg;
	struct inv_snapshot	*snap = NULL;
	struct doc_tset		*ts = NULL;
	struct doc_templates	 view;
	struct doc_req		 req;
	const struct inv_host	*h;
	uint8_t			 mac[ADDR_MAC_LEN];
	char			*out = NULL, err[CONFIG_ERRLEN], why[1024];
	size_t			 len = 0;
	uint32_t		 ip;
	int			 k, r, rc = 1, unknown = 0;

	if ((k = doc_kind_parse(kind)) == -1) {
		fprintf(stderr, "bootd: render: unknown kind \"%s\" (ks, xen, "
		    "xen-install, libvirt, libvirt-install, firstboot, guests, "
		    "ipxe, pxelinux, grub, grub-http, autoexec)\n", kind);
		return 2;
	}
	if ((cfg = config_load(config_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bootd: %s\n", err);
		return 1;
	}
	if ((snap = db_cli_snapshot_or_cache_with(cfg, &opts)) == NULL)
		goto done;
	h = addr_mac_parse(host, mac) == 0 ? inv_by_mac(snap, mac) :
	    inv_by_name(snap, host);
	/*
	 * autoexec.ipxe goes by the client's address: an IPv4 address
	 * gets what a TFTP client there would (the default for one of no
	 * enabled host).
	 */
	if (k == DOC_AUTOEXEC && addr_ip4_parse(host, &ip) == 0) {
		h = inv_by_ip(snap, ip);
		unknown = h == NULL || !h->enabled;
	}
	/* "default": the document an unknown host gets (no host so named). */
	if (h == NULL && strcmp(host, "default") == 0 &&
	    (k == DOC_PXELINUX || k == DOC_GRUB || k == DOC_AUTOEXEC))
		unknown = 1;
	if (h == NULL && !unknown) {
		fprintf(stderr, "bootd: render: no host \"%s\" in the "
		    "inventory (see bootd check)\n", host);
		goto done;
	}
	if ((ts = doc_tset_load(cfg->paths.templates, snap)) == NULL) {
		fprintf(stderr, "bootd: render: out of memory\n");
		goto done;
	}
	view = doc_tset_view(ts);
	req.cfg = cfg;
	req.snap = snap;
	req.host = unknown ? NULL : h;
	req.kind = (enum doc_kind)k;
	req.tset = &view;
	if ((r = doc_render(&req, &out, &len, why, sizeof(why))) != DOC_OK) {
		fprintf(stderr, "bootd: render: %s%s (host \"%s\", %s)\n",
		    r == DOC_ENOTAPPLY ? "no such document: " : "", why,
		    unknown ? host : h->hostname, kind);
		goto done;
	}
	if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
		perror("bootd: render: stdout");
		goto done;
	}
	rc = 0;
done:
	free(out);
	doc_tset_free(ts);
	inv_unref(snap);
	config_free(cfg);
	return rc;
}
