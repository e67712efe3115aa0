/* SPDX-License-Identifier: ISC */
/*
 * doc_menu: the menu half of doc_render(), private to doc/ (other modules
 * call doc_render()). Pure: no I/O, no logging.
 */
#ifndef BOOTD_DOC_MENU_H
#define BOOTD_DOC_MENU_H

#include <stddef.h>

#include "bootd/config.h"
#include "db/inventory.h"

/* doc_menu_host()'s kinds of menu. */
enum {
	DOC_MENU_PXELINUX = 0,
	DOC_MENU_GRUB = 1,
	DOC_MENU_GRUB_HTTP = 2	/* GRUB's, kernel and initrd under /files/ */
};

/*
 * Host h's menu (grub: a DOC_MENU_* value; 1 for GRUB's, 0 for pxelinux's)
 * over snap into a new buffer (*out, free() it; *outlen bytes), at most
 * DOC_MENU_MAX bytes.
 * Returns 0, or -1 with why ("profile \"P\" append:line: text" for h's
 * own profile; "menu larger than ...").
 */
int	doc_menu_host(const struct bootd_config *cfg,
	    const struct inv_snapshot *snap, const struct inv_host *h, int grub,
	    char **out, size_t *outlen, char *why, size_t whylen);

/*
 * The menu for unknown hosts (grub: GRUB's, at grub/grub.cfg; else
 * pxelinux.cfg/default): local disk, and with tftp.default_menu "menu"
 * every selectable profile whose append line needs nothing host-specific.
 * snap may be NULL. Same returns.
 */
int	doc_menu_default(const struct bootd_config *cfg,
	    const struct inv_snapshot *snap, int grub, char **out,
	    size_t *outlen, char *why, size_t whylen);

#endif
