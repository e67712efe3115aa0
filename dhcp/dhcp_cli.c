/* SPDX-License-Identifier: ISC */
/* cli_discovered: placeholder until its issue lands. */
#include <stdio.h>

#include "bootd/bootd.h"

int
cli_discovered(const char *config_path)
{
	fprintf(stderr, "bootd: cli_discovered is not built yet\n");
	return 1;
}
