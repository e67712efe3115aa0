/* SPDX-License-Identifier: ISC */
/*
 * ks_cli: `bootd render KIND HOST`, what HOST would get from the HTTP and
 * TFTP servers, rendered from the database's inventory (the cache file
 * when the database cannot give it) and the templates under
 * paths.templates (or the built-in ones). A one-shot command: it may
 * block, and never runs inside the daemon's event loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "db/db_cli.h"
#include "kickstart/ks_http.h"
#include "kickstart/ks_vars.h"
#include "tftp/tftp_virtual.h"

/* A pxelinux or GRUB menu, as the TFTP server would send it. */
static int
render_menu(const struct bootd_config *cfg, const struct inv_snapshot *snap,
    const struct inv_host *h, int grub, char **out, size_t *len)
{
	char	name[64], why[512];
	size_t	i;
	int	rc;

	snprintf(name, sizeof(name), "%s01-%s", grub ? "grub/grub.cfg-" :
	    "pxelinux.cfg/", h->macstr);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == ':')
			name[i] = '-';
	rc = tftp_virtual_render(cfg, snap, name, out, len, why, sizeof(why));
	if (rc == TFTP_V_OK || rc == TFTP_V_FALLBACK)
		return 0;
	if (rc == TFTP_V_NOTFOUND)
		fprintf(stderr, "bootd: render: %s: host is disabled\n",
		    h->hostname);
	else
		fprintf(stderr, "bootd: render: %s\n", why);
	return -1;
}

/* A document from a template, as the HTTP server would send it. */
static int
render_doc(const struct bootd_config *cfg, enum ks_doc d,
    const struct inv_host *h, char **out, size_t *len)
{
	struct ks_tfile	 f;
	const char	*name = ks_doc_template(d, h);
	char		 why[768];
	int		 rc = -1;

	if ((d == KS_DOC_XEN || d == KS_DOC_XEN_INSTALL ||
	    d == KS_DOC_LIBVIRT || d == KS_DOC_LIBVIRT_INSTALL) &&
	    h->dom0 == NULL) {
		fprintf(stderr, "bootd: render: %s is not a guest (no dom0)\n",
		    h->hostname);
		return -1;
	}
	if (name[0] == '\0') {
		fprintf(stderr, "bootd: render: profile \"%s\" has no "
		    "kickstart\n", h->profile->name);
		return -1;
	}
	if (ks_tfile_load(&f, cfg->paths.templates, name) == -1)
		fprintf(stderr, "bootd: render: template %s\n", f.err);
	else if (ks_doc_render(d, cfg, h, f.t, f.path, out, len, why,
	    sizeof(why)) == -1)
		fprintf(stderr, "bootd: render: %s (host \"%s\")\n", why,
		    h->hostname);
	else
		rc = 0;
	ks_tfile_clear(&f);
	return rc;
}

int
cli_render(const char *config_path, const char *kind, const char *host)
{
	const struct inv_build_opts opts = { ks_vars_reserved };
	struct bootd_config	*cfg;
	struct inv_snapshot	*snap = NULL;
	const struct inv_host	*h;
	uint8_t			 mac[ADDR_MAC_LEN];
	char			*out = NULL, err[CONFIG_ERRLEN];
	size_t			 len = 0;
	int			 d, menu = -1, rc = 1;

	if (strcmp(kind, "pxelinux") == 0)
		menu = 0;
	else if (strcmp(kind, "grub") == 0)
		menu = 1;
	if ((d = ks_doc_parse(kind)) == -1 && menu == -1) {
		fprintf(stderr, "bootd: render: unknown kind \"%s\" (ks, xen, "
		    "xen-install, libvirt, libvirt-install, firstboot, "
		    "pxelinux, grub, ipxe)\n", kind);
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
	if (h == NULL) {
		fprintf(stderr, "bootd: render: no host \"%s\" in the "
		    "inventory (see bootd check)\n", host);
		goto done;
	}
	if (menu != -1 ? render_menu(cfg, snap, h, menu, &out, &len) == -1 :
	    render_doc(cfg, (enum ks_doc)d, h, &out, &len) == -1)
		goto done;
	if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
		perror("bootd: render: stdout");
		goto done;
	}
	rc = 0;
done:
	free(out);
	inv_unref(snap);
	config_free(cfg);
	return rc;
}
