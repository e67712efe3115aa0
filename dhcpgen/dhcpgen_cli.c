/* SPDX-License-Identifier: ISC */
/*
 * cli_dhcpgen: `bootd dhcpgen [--format isc|kea|dnsmasq] [-o FILE]`: the
 * inventory, read from the database (the cache file when the database
 * cannot give it), as a DHCP server's config on stdout or written
 * atomically to FILE (left alone when it holds the same bytes).
 * One-shot and blocking: never runs inside the daemon's event loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootd/config.h"
#include "db/db_cli.h"
#include "db/db_conn.h"
#include "db/db_load.h"
#include "db/migrate.h"
#include "dhcpgen/dhcpgen.h"
#include "dhcpgen/dhcpgen_cli.h"
#include "dhcpgen/dhcpgen_write.h"

/* buf to path, atomically, unless path holds it already. 0 or -1. */
static int
dhcpgen_cli_write(const char *path, const char *buf, size_t len)
{
	const char	*step = "";
	char		*tmp;
	int		 rc;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) == -1) {
		fprintf(stderr, "bootd: out of memory\n");
		return -1;
	}
	rc = dhcpgen_file_put(path, tmp, NULL, buf, len, &step);
	if (rc == DHCPGEN_PUT_FAILED)
		fprintf(stderr, "bootd: dhcpgen: %s: %s: %s\n", path, step,
		    strerror(errno));
	free(tmp);
	return rc == DHCPGEN_PUT_FAILED ? -1 : 0;
}

int
cli_dhcpgen(const char *config_path, int argc, char **argv)
{
	struct bootd_config	*cfg = NULL;
	struct inv_snapshot	*snap = NULL;
	const char		*format = NULL, *output = NULL;
	char			 err[CONFIG_ERRLEN], *out = NULL;
	size_t			 len;
	int			 i, fmt, rc = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			format = argv[i] + 9;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			output = argv[++i];
		else {
			fprintf(stderr, "bootd: dhcpgen: unexpected argument "
			    "\"%s\" (usage: dhcpgen [--format isc|kea|dnsmasq] "
			    "[-o FILE])\n", argv[i]);
			return 1;
		}
	}
	if ((cfg = config_load(config_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bootd: %s\n", err);
		return 1;
	}
	if (format == NULL)
		format = cfg->dhcpgen.format;
	if ((fmt = dhcpgen_format_parse(format)) == -1) {
		fprintf(stderr, "bootd: dhcpgen: %s: give --format isc, kea "
		    "or dnsmasq, or set dhcpgen.format\n", format[0] == '\0' ?
		    "no format" : "unknown format");
		goto done;
	}
	if ((snap = db_cli_snapshot_or_cache(cfg)) == NULL)
		goto done;
	if (dhcpgen_render(snap, cfg, fmt, &out, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "bootd: dhcpgen: %s\n", err);
		goto done;
	}
	if (output != NULL) {
		if (dhcpgen_cli_write(output, out, len) == -1)
			goto done;
	} else if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "bootd: dhcpgen: standard output: %s\n",
		    strerror(errno));
		goto done;
	}
	if (snap->nrejects > 0)
		fprintf(stderr, "bootd: %zu rejected rows left out: run bootd "
		    "check\n", snap->nrejects);
	rc = 0;
done:
	free(out);
	inv_unref(snap);
	config_free(cfg);
	return rc;
}
