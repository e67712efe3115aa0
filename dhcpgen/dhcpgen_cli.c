/* SPDX-License-Identifier: ISC */
/* cli_dhcpgen: placeholder until its issue lands. */
#include <stdio.h>

#include "bootd/bootd.h"

int
cli_dhcpgen(const char *config_path, int argc, char **argv)
{
	fprintf(stderr, "bootd: cli_dhcpgen is not built yet\n");
	return 1;
}
