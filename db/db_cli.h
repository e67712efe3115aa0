/* SPDX-License-Identifier: ISC */
/*
 * db_cli: what every one-shot command needs from the database: connect
 * with the config's settings, and load + validate the inventory. Messages
 * go to stderr as one line ("bootd: database: ..."). Blocking: commands
 * only, never the daemon's event loop.
 */
#ifndef BOOTD_DB_CLI_H
#define BOOTD_DB_CLI_H

#include <mysql.h>

#include "bootd/config.h"
#include "db/inventory.h"

/* Connects; NULL after printing why. mysql_close() the result. */
MYSQL	*db_cli_connect(const struct bootd_config *cfg);

/*
 * Connects, checks the schema version, loads and validates every row.
 * Returns a snapshot (inv_unref() it) or NULL after printing why.
 */
struct inv_snapshot *db_cli_snapshot(const struct bootd_config *cfg);

#endif
