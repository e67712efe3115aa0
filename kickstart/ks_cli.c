/* SPDX-License-Identifier: ISC */
/* cli_render: placeholder until its issue lands. */
#include <stdio.h>

#include "bootd/bootd.h"

int
cli_render(const char *config_path, const char *kind, const char *host)
{
	fprintf(stderr, "bootd: cli_render is not built yet\n");
	return 1;
}
