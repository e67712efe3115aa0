/* SPDX-License-Identifier: ISC */
/*
 * dhcp_cli: `bootd discovered`, the MACs the DHCP server saw and did not
 * know, read from the database. Command-line only: never on the loop.
 */
#ifndef BOOTD_DHCP_CLI_H
#define BOOTD_DHCP_CLI_H

/*
 * Prints the discovered table (newest first) for the database that the
 * config at config_path names; json: one JSON document instead,
 * {"discovered":[{"mac","first_seen","last_seen","arch","arch_name",
 * "vendor_class","relay"}...]}, null for NULL. Returns the exit status:
 * 0, or 1 with the reason on stderr.
 */
int	cli_discovered(const char *config_path, int json);

#endif
