/* SPDX-License-Identifier: ISC */
/*
 * ks_vars: host + profile + host_vars + subnet + server settings (+ a dom0's
 * guests) -> the variables every template sees. Pure: no I/O, no logging.
 */
#ifndef BOOTD_KS_VARS_H
#define BOOTD_KS_VARS_H

#include <stddef.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "kickstart/tmpl.h"

#define KS_APPEND_MAX	4096	/* a rendered kernel command line */

struct ks_strs;

/* The variables of one host; scope is what tmpl_render() takes. */
struct ks_vars {
	struct tmpl_scope	 scope;
	/* private */
	struct tmpl_var		*vars;
	size_t			 cap;	/* guest_vars allocated */
	struct tmpl_scope	*guest_scopes;
	struct tmpl_var	       **guest_vars;
	struct tmpl_list	 guests;
	struct ks_strs		*strs;
};

/*
 * The names of the variables ks_vars_build() defines for every host (the
 * list above: hostname, mac, ... guests), NULL-terminated. A host_var may
 * not take one: pass the list to the inventory build (struct
 * inv_build_opts.reserved_vars), which rejects such rows.
 */
extern const char *const ks_vars_reserved[];

/*
 * Fills kv for host h (borrowed from a snapshot the caller holds; kv borrows
 * from it and from cfg until ks_vars_clear()). Variables: hostname, mac, ip,
 * profile, kind, kernel, initrd, menu_label, build, enabled, server_url,
 * ks_url, and when known netmask, gateway, dns (comma-separated), domain,
 * tftp_server, dom0, vdisk, memory_mb, vcpus; each host_var by its name;
 * append (the profile's append template rendered over the others); for a
 * dom0 the list "guests", each with the same variables for that guest.
 * Returns 0, or -1 with err (the append template's error, or ENOMEM).
 */
int	ks_vars_build(struct ks_vars *kv, const struct bootd_config *cfg,
	    const struct inv_host *h, struct tmpl_error *err);

/* Releases what ks_vars_build() made. Accepts a zeroed kv. */
void	ks_vars_clear(struct ks_vars *kv);

/* "http://listen:port" or http.public_url, without a trailing slash. */
void	ks_server_url(const struct bootd_config *cfg, char *buf, size_t len);

#endif
