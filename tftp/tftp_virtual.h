/* SPDX-License-Identifier: ISC */
/*
 * tftp_virtual: files rendered from the inventory snapshot instead of read
 * from disk: pxelinux.cfg/01-<mac>, pxelinux.cfg/<HEX-IP>, pxelinux.cfg/
 * default (also under an EFI loader's directory), and GRUB's
 * grub.cfg-01-<mac>. Pure: no I/O, no logging.
 */
#ifndef BOOTD_TFTP_VIRTUAL_H
#define BOOTD_TFTP_VIRTUAL_H

#include <stddef.h>

#include "bootd/config.h"
#include "db/inventory.h"

#define TFTP_VIRTUAL_MAX	(256 * 1024)	/* a rendered menu, at most */

enum tftp_vres {
	TFTP_V_REAL = 0,	/* not a virtual name: serve the real file */
	TFTP_V_OK = 1,		/* rendered into *out */
	TFTP_V_FALLBACK = 2,	/* rendered, but a real file of the name wins */
	TFTP_V_NOTFOUND = -1,	/* a virtual name for no known, enabled host */
	TFTP_V_ERROR = -2	/* a template failed: why says which */
};

/*
 * Renders the virtual file called name (normalised, see tftp_path.h) for
 * the inventory snap (may be NULL: nothing is known) into a new buffer
 * (*out, free() it; *outlen bytes). For a known host the menu's default is
 * its own profile (kind "install": only while its build flag is set, else
 * local disk; kind "local": local disk), followed by every other profile
 * marked selectable, then local disk. Kernel command lines are the
 * profiles' append templates rendered for that host; a profile whose line
 * does not render is an error for its own profile and left out otherwise.
 * Returns an enum tftp_vres; on TFTP_V_ERROR, why (whylen bytes) says why.
 */
int	tftp_virtual_render(const struct bootd_config *cfg,
	    const struct inv_snapshot *snap, const char *name, char **out,
	    size_t *outlen, char *why, size_t whylen);

#endif
