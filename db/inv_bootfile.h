/* SPDX-License-Identifier: ISC */
/*
 * inv_bootfile: DHCP boot file names that come with a host: what a
 * profile's bootfile_* override may hold, and the {{mac}}, {{ip}} and
 * {{hostname}} placeholders of an iPXE boot file (dhcp.bootfile.ipxe or a
 * profile's bootfile_ipxe). The one scanner of those placeholders: the
 * DHCP server expands them, dhcpgen rewrites them for iPXE. Pure.
 */
#ifndef BOOTD_INV_BOOTFILE_H
#define BOOTD_INV_BOOTFILE_H

#include <stddef.h>

#include "bootd/buf.h"
#include "db/inventory.h"

enum inv_bootvar {
	INV_BV_MAC,
	INV_BV_HOSTNAME,
	INV_BV_IP,
	INV_BV_MAX
};

/* "mac", "hostname", "ip": the names between the braces. */
extern const char *const inv_bootvar_names[INV_BV_MAX];

/* What inv_bootfile_walk() calls: each returns 0, or -1 to stop. */
struct inv_bootfile_ops {
	int	(*text)(void *ctx, const char *s, size_t n);
	int	(*var)(void *ctx, enum inv_bootvar v);
};

/*
 * Walks tmpl (NUL-terminated, borrowed): ops->var for each {{mac}},
 * {{hostname}} and {{ip}}, ops->text for the text between them, any other
 * braces included (the boot file is a URL, not a template). Returns 0, or
 * -1 as soon as a callback does.
 */
int	inv_bootfile_walk(const char *tmpl, const struct inv_bootfile_ops *ops,
	    void *ctx);

/*
 * Appends tmpl to w with the placeholders replaced by h's canonical MAC,
 * hostname and IP (h borrowed). Returns 0, or -1 when w is full.
 */
int	inv_bootfile_subst(struct buf_wr *w, const char *tmpl,
	    const struct inv_host *h);

/*
 * Why a stored override of len bytes (no NUL inside) cannot be served, or
 * NULL when it can: longer than INV_BOOTFILE_MAX, whitespace, a control or
 * non-ASCII byte, one of '"' '\' ',' '#' (which one of the dhcpgen formats
 * cannot quote), or a start dnsmasq reads as a tag ("tag:", "set:",
 * "net:"). What passes is written by every dhcpgen format, so one bad
 * profile never stops a whole map. The reason is static.
 */
const char *inv_bootfile_why(const char *s, size_t len);

#endif
