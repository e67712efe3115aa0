/* SPDX-License-Identifier: ISC */
/*
 * main: argv and subcommands. No logic beyond dispatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/config.h"
#include "daemon/daemon.h"
#include "db/db_events.h"
#include "dhcp/dhcp_cli.h"
#include "dhcpgen/dhcpgen_cli.h"
#include "doc/doc_cli.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: bootd [--config PATH] COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n"
	    "  serve              run the boot server in the foreground\n"
	    "  check [--print]    check config, schema, every row and template;\n"
	    "                     --print shows the effective config\n"
	    "  hosts [NAME...] [--state S] [--profile P] [--json]\n"
	    "                     the inventory with each host's state, last\n"
	    "                     stage and when; one NAME: that host in full\n"
	    "  host add NAME MAC IP PROFILE [--dom0 D --vdisk V --memory MB\n"
	    "           --vcpus N] [--var K=V]... [--disabled] [--build 0|1]\n"
	    "  host set NAME FIELD=VALUE...  (mac ip profile dom0 vdisk memory\n"
	    "                     vcpus enabled build var.K; var.K= removes)\n"
	    "  host rm NAME [--force]  (--force: a dom0 with its guests)\n"
	    "                     each edit is checked as bootd check would\n"
	    "                     and written in one transaction, or refused\n"
	    "  discovered [--json]  list MACs that asked for DHCP but are unknown\n"
	    "  discovered promote MAC NAME IP PROFILE\n"
	    "                     add the host, remove its discovered row\n"
	    "  render KIND HOST   print what HOST would get; KIND is one of\n"
	    "                     ks xen xen-install libvirt libvirt-install\n"
	    "                     firstboot guests ipxe pxelinux grub\n"
	    "                     grub-http autoexec (autoexec: HOST may\n"
	    "                     be an IPv4 address)\n"
	    "  events [HOST|MAC] [--since N[smhd]|DATE] [--limit N] [--follow]\n"
	    "         [--json]\n"
	    "                     the boot timeline from boot_events\n"
	    "  reinstall HOST...  set the build flag: each HOST installs itself\n"
	    "                     at its next network boot\n"
	    "  dhcpgen --format isc|kea|dnsmasq [-o FILE]\n"
	    "                     write DHCP maps for an existing DHCP server\n"
	    "  db migrate         create or upgrade the database schema\n"
	    "\n"
	    "options:\n"
	    "  -c, --config PATH  config file (default %s)\n"
	    "  -h, --help         this text\n"
	    "  -V, --version      print the version\n"
	    "  --example-config   print a config with every setting, its\n"
	    "                     default and its documentation\n"
	    "  --man-config       print the manual page bootd.conf(5) (roff)\n"
	    "\n"
	    "exit status: 0 done, 1 failed or refused (said why on stderr),\n"
	    "2 usage error\n",
	    CONFIG_DEFAULT_PATH);
}

static int
example_config(void)
{
	struct bootd_config *def;

	if ((def = config_default()) == NULL)
		return 1;
	config_print(def, stdout, 1);
	config_free(def);
	return 0;
}

/* A command that takes no arguments beyond its name(s). */
static int
no_more(int argc, char **argv, int used)
{
	if (argc > used) {
		fprintf(stderr, "bootd: %s: unexpected argument \"%s\"\n",
		    argv[0], argv[used]);
		return 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	const char	*config = CONFIG_DEFAULT_PATH;
	int		 i;

	/* Global options come before the command. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
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
		} else if (strcmp(argv[i], "--example-config") == 0)
			return example_config();
		else if (strcmp(argv[i], "--man-config") == 0) {
			config_print_man(stdout);
			return fflush(stdout) == 0 ? 0 : 1;
		}
		else {
			fprintf(stderr, "bootd: unknown option %s (try "
			    "--help)\n", argv[i]);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	argc -= i;
	argv += i;
	if (strcmp(argv[0], "serve") == 0)
		return no_more(argc, argv, 1) ? bootd_serve(config) : 2;
	if (strcmp(argv[0], "check") == 0) {
		if (argc == 2 && strcmp(argv[1], "--print") == 0)
			return cli_check(config, 1);
		return no_more(argc, argv, 1) ? cli_check(config, 0) : 2;
	}
	if (strcmp(argv[0], "hosts") == 0)
		return cli_hosts_list(config, argc, argv);
	if (strcmp(argv[0], "host") == 0)
		return cli_host(config, argc, argv);
	if (strcmp(argv[0], "discovered") == 0) {
		if (argc >= 2 && strcmp(argv[1], "promote") == 0)
			return cli_promote(config, argc, argv);
		if (argc == 2 && strcmp(argv[1], "--json") == 0)
			return cli_discovered(config, 1);
		return no_more(argc, argv, 1) ? cli_discovered(config, 0) : 2;
	}
	if (strcmp(argv[0], "render") == 0) {
		if (argc != 3) {
			fprintf(stderr, "bootd: render needs KIND and HOST\n");
			return 2;
		}
		return cli_render(config, argv[1], argv[2]);
	}
	if (strcmp(argv[0], "events") == 0)
		return db_events_cli(config, argc, argv);
	if (strcmp(argv[0], "reinstall") == 0) {
		if (argc < 2) {
			fprintf(stderr, "bootd: reinstall needs a HOST\n");
			return 2;
		}
		return cli_reinstall(config, argc - 1, argv + 1);
	}
	if (strcmp(argv[0], "dhcpgen") == 0)
		return cli_dhcpgen(config, argc, argv);
	if (strcmp(argv[0], "db") == 0 && argc == 2 &&
	    strcmp(argv[1], "migrate") == 0)
		return cli_migrate(config);
	fprintf(stderr, "bootd: unknown command \"%s\" (try --help)\n",
	    argv[0]);
	return 2;
}
