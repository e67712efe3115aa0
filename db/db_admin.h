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
#include <mysql.h>

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

#endif
