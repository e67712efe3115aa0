/* SPDX-License-Identifier: ISC */
/*
 * main: argv and subcommands. No logic beyond dispatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/bootd.h"
#include "bootd/config.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: bootd [--config PATH] COMMAND\n"
	    "\n"
	    "commands:\n"
	    "  serve            run the boot server in the foreground\n"
	    "  check [--print]  check config, schema, every row and template;\n"
	    "                   --print shows the effective config\n"
	    "  hosts            list the inventory\n"
	    "  db migrate       create or upgrade the database schema\n"
	    "\n"
	    "options:\n"
	    "  -c, --config PATH  config file (default %s)\n"
	    "  -h, --help         this text\n"
	    "  -V, --version      print the version\n"
	    "  --example-config   print a config with every setting, its\n"
	    "                     default and its documentation\n",
	    CONFIG_DEFAULT_PATH);
}

int
main(int argc, char **argv)
{
	const char	*config = CONFIG_DEFAULT_PATH;
	const char	*words[4];
	int		 i, nwords = 0, print = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0) {
			if (++i == argc) {
				fprintf(stderr, "bootd: %s needs a path\n",
				    argv[i - 1]);
				return 2;
			}
			config = argv[i];
		} else if (strncmp(argv[i], "--config=", 9) == 0)
			config = argv[i] + 9;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("bootd %s\n", BOOTD_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--example-config") == 0) {
			struct bootd_config *def = config_default();

			if (def == NULL)
				return 1;
			config_print(def, stdout, 1);
			config_free(def);
			return 0;
		} else if (strcmp(argv[i], "--print") == 0)
			print = 1;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "bootd: unknown option %s (try "
			    "--help)\n", argv[i]);
			return 2;
		} else if (nwords < 4)
			words[nwords++] = argv[i];
		else {
			fprintf(stderr, "bootd: too many arguments\n");
			return 2;
		}
	}
	if (nwords == 0) {
		usage(stderr);
		return 2;
	}
	if (print && strcmp(words[0], "check") != 0) {
		fprintf(stderr, "bootd: --print goes with check\n");
		return 2;
	}
	if (strcmp(words[0], "serve") == 0 && nwords == 1)
		return bootd_serve(config);
	if (strcmp(words[0], "check") == 0 && nwords == 1)
		return cli_check(config, print);
	if (strcmp(words[0], "hosts") == 0 && nwords == 1)
		return cli_hosts(config);
	if (strcmp(words[0], "db") == 0 && nwords == 2 &&
	    strcmp(words[1], "migrate") == 0)
		return cli_migrate(config);
	fprintf(stderr, "bootd: unknown command \"%s\" (try --help)\n",
	    words[0]);
	return 2;
}
