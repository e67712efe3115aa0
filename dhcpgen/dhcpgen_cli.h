/* SPDX-License-Identifier: ISC */
/*
 * dhcpgen_cli: `bootd dhcpgen FORMAT [FILE]`, the DHCP maps for an external
 * server written once from the database (or the cache). Command-line only.
 */
#ifndef BOOTD_DHCPGEN_CLI_H
#define BOOTD_DHCPGEN_CLI_H

/* argv[0] is "dhcpgen". Returns the exit status (2: a usage error). */
int	cli_dhcpgen(const char *config_path, int argc, char **argv);

#endif
