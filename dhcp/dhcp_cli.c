/* SPDX-License-Identifier: ISC */
/*
 * dhcp_cli: `bootd discovered`, the MACs that asked for DHCP but are not in
 * the inventory, newest first. One-shot and blocking: never runs inside the
 * daemon's event loop.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "bootd/config.h"
#include "bootd/escape.h"
#include "bootd/pxe_arch.h"
#include "db/db_cli.h"
#include "dhcp/dhcp_cli.h"
#include "dhcp/dhcp_msg.h"

#define DISC_QUERY \
	"SELECT mac, first_seen, last_seen, arch, vendor_class, relay " \
	"FROM discovered ORDER BY last_seen DESC, mac"

static const char *
col(MYSQL_ROW row, int i)
{
	return row[i] != NULL ? row[i] : "-";
}

/* One row as a JSON object (the stored text, unescaped further). */
static void
disc_json(MYSQL_ROW row, int first)
{
	printf("%s\n{\"mac\":", first ? "" : ",");
	db_cli_json_str(stdout, row[0]);
	printf(",\"first_seen\":");
	db_cli_json_str(stdout, row[1]);
	printf(",\"last_seen\":");
	db_cli_json_str(stdout, row[2]);
	if (row[3] != NULL) {
		printf(",\"arch\":%d,\"arch_name\":", atoi(row[3]));
		db_cli_json_str(stdout, pxe_arch_name(atoi(row[3])));
	}
	else
		printf(",\"arch\":null,\"arch_name\":null");
	printf(",\"vendor_class\":");
	db_cli_json_str(stdout, row[4]);
	printf(",\"relay\":");
	db_cli_json_str(stdout, row[5]);
	printf("}");
}

int
cli_discovered(const char *config_path, int json)
{
	struct bootd_config	*cfg = NULL;
	MYSQL			*my;
	MYSQL_RES		*res = NULL;
	MYSQL_ROW		 row;
	char			 arch[64], vclass[512];
	size_t			 n;
	int			 rc = 1;

	if ((my = db_cli_open(config_path, &cfg)) == NULL)
		goto done;
	if (mysql_query(my, DISC_QUERY) != 0 ||
	    (res = mysql_store_result(my)) == NULL) {
		fprintf(stderr, "bootd: database: reading discovered: %s\n",
		    mysql_error(my));
		goto done;
	}
	if (json) {
		printf("{\"discovered\":[");
		for (n = 0; (row = mysql_fetch_row(res)) != NULL; n++)
			disc_json(row, n == 0);
		printf("]}\n");
	} else
		printf("%-17s  %-19s  %-19s  %-22s  %-32s  %s\n", "MAC",
		    "FIRST_SEEN", "LAST_SEEN", "ARCH", "VENDOR_CLASS", "RELAY");
	while (!json && (row = mysql_fetch_row(res)) != NULL) {
		if (row[3] != NULL)
			snprintf(arch, sizeof(arch), "%s %s", row[3],
			    pxe_arch_name(atoi(row[3])));
		else
			snprintf(arch, sizeof(arch), "-");
		/*
		 * The daemon stores vendor classes escaped already
		 * (log_sanitise); rows written by anyone else get their
		 * control bytes escaped here, and nothing else, so that
		 * stored escapes are not doubled.
		 */
		escape_bytes(vclass, sizeof(vclass), col(row, 4),
		    strlen(col(row, 4)), SIZE_MAX, ESCAPE_NOMARK);
		printf("%-17s  %-19s  %-19s  %-22s  %-32s  %s\n", col(row, 0),
		    col(row, 1), col(row, 2), arch, vclass, col(row, 5));
	}
	if (mysql_errno(my) != 0) {
		fprintf(stderr, "bootd: database: reading discovered: %s\n",
		    mysql_error(my));
		goto done;
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
done:
	if (res != NULL)
		mysql_free_result(res);
	if (my != NULL)
		mysql_close(my);
	config_free(cfg);
	return rc;
}
