/* SPDX-License-Identifier: ISC */
/*
 * db_admin: the inventory changes an admin makes from the command line
 * instead of writing SQL. Each is one transaction: every name is checked
 * first, and a refusal writes nothing. Blocking: commands only, never the
 * daemon's event loop (the daemon sees the change through the generation
 * triggers, as for any edit of the tables).
 */
#ifndef BOOTD_DB_ADMIN_H
#define BOOTD_DB_ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include <mysql.h>

#include "db/inv_edit.h"

#define DB_ADMIN_NAMES_MAX	1024	/* hosts one command names */

/*
 * Sets the build flag of the hosts names[0..n-1] (hostnames, matched as
 * the tables do: ASCII case-insensitively) so that each installs itself
 * at its next network boot. Returns the number of hosts set, or -1 with
 * err filled ("no host \"x\"", "host \"x\" named twice", or the server's
 * error) and nothing written.
 */
int	db_admin_reinstall(MYSQL *my, const char *const *names, size_t n,
	    char *err, size_t errlen);

/*
 * Writes the edit e, which inv_edit_apply() turned into res (both
 * borrowed) and the caller judged against the rows of generation gen, in
 * one transaction: the generation row is read FOR UPDATE first, which
 * holds every other writer of the inventory tables (their triggers update
 * that row) until the COMMIT, and must still read gen. promote_mac (NULL
 * for none), a canonical MAC: its discovered row is deleted in the same
 * transaction, and refuses the edit when it is not there.
 * Returns 0 when committed; 1 when the generation moved (nothing written:
 * load, judge and try again); -1 with err ("no discovered MAC ...", or the
 * server's error), nothing written.
 */
int	db_admin_edit(MYSQL *my, const struct inv_edit *e,
	    const struct inv_edit_result *res, uint64_t gen,
	    const char *promote_mac, char *err, size_t errlen);

#endif
