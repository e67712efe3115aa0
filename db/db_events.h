/* SPDX-License-Identifier: ISC */
/*
 * db_events: `bootd events [HOST|MAC]... [--since T] [--limit N]
 * [--follow] [--json]`, the boot timeline from boot_events in the terminal.
 */
#ifndef BOOTD_DB_EVENTS_H
#define BOOTD_DB_EVENTS_H

/*
 * argv[0] is "events". Prints the last --limit (50) rows that match every
 * filter given (hostname, MAC in any usual form, --since N[smhd] or
 * YYYY-MM-DD[ HH:MM[:SS]]), oldest first, one a line: time to the
 * millisecond, host (or MAC), stage, detail (control bytes escaped; cut to
 * the terminal's width when stdout is one). --follow then prints new rows
 * once a second until SIGINT or SIGTERM. --json: one JSON document,
 * {"events":[{"id","ts","hostname","mac","stage","detail"}...]} (null
 * for NULL, nothing cut), or with --follow one such object a line.
 * Returns the exit status: 0, 1 (database), 2 (usage).
 */
int	db_events_cli(const char *config_path, int argc, char **argv);

#endif
