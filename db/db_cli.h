/* SPDX-License-Identifier: ISC */
/*
 * db_cli: what every one-shot command needs from the database: connect
 * with the config's settings, and load + validate the inventory. Messages
 * go to stderr as one line ("bootd: database: ..."). Blocking: commands
 * only, never the daemon's event loop.
 */
#ifndef BOOTD_DB_CLI_H
#define BOOTD_DB_CLI_H

#include <stdio.h>

#include <mysql.h>

#include "bootd/config.h"
#include "db/inventory.h"

/* Connects; NULL after printing why. mysql_close() the result. */
MYSQL	*db_cli_connect(const struct bootd_config *cfg);

/*
 * What a command that reads or writes the tables starts with: loads the
 * config at config_path into *cfg (NULL when it does not load), connects
 * and checks the schema version. Returns the connection (mysql_close()
 * it), or NULL after printing why; either way config_free(*cfg) after.
 */
MYSQL	*db_cli_open(const char *config_path, struct bootd_config **cfg);

/*
 * Connects, checks the schema version, loads and validates every row with
 * inv_build_with(rows, opts) (opts borrowed for the call; NULL for none).
 * Returns a snapshot (inv_unref() it) or NULL after printing why.
 */
struct inv_snapshot *db_cli_snapshot_with(const struct bootd_config *cfg,
	    const struct inv_build_opts *opts);

/*
 * As db_cli_snapshot_with(), but when the database cannot give the
 * inventory (down, refusing bootd, wrong schema), the cache file the daemon
 * would serve (paths.cache), after saying so on stderr ("bootd: using the
 * cache file ... (generation N) instead"). NULL after printing why neither
 * works.
 */
struct inv_snapshot *db_cli_snapshot_or_cache_with(
	    const struct bootd_config *cfg, const struct inv_build_opts *opts);

/*
 * As db_cli_snapshot_or_cache_with(), and *myp gets the connection the
 * snapshot came through (mysql_close() it), or NULL when it came from the
 * cache file.
 */
struct inv_snapshot *db_cli_snapshot_conn(const struct bootd_config *cfg,
	    const struct inv_build_opts *opts, MYSQL **myp);

/*
 * Writes s as a JSON string, quotes included (escape_json()), to fp;
 * NULL as null. For the --json output of the commands.
 */
void	db_cli_json_str(FILE *fp, const char *s);

/*
 * The same with opts NULL: no host_var name reserved. A command that
 * renders templates passes the template side's names (ks_vars_reserved).
 */
struct inv_snapshot *db_cli_snapshot(const struct bootd_config *cfg);
struct inv_snapshot *db_cli_snapshot_or_cache(const struct bootd_config *cfg);

/*
 * Tries, without changing a row, every kind of statement the daemon runs
 * with the config's account: SELECT on the inventory tables, UPDATE of
 * hosts.build, the INSERT of boot_events and the upsert of discovered,
 * and (only while retention is on for that table) the SELECT and DELETE
 * of pruning. Prints a line on stdout for each one the server refuses,
 * naming the grant and what needs it. Returns the number of such lines
 * (a failed connect counts one, after printing why).
 */
int	db_cli_check_grants(const struct bootd_config *cfg);

#endif
