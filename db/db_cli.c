/* SPDX-License-Identifier: ISC */
/*
 * db_cli: database access shared by the one-shot commands.
 */
#include <stdio.h>

#include "db/db_cli.h"
#include "db/db_conn.h"
#include "db/db_load.h"
#include "db/migrate.h"

MYSQL *
db_cli_connect(const struct bootd_config *cfg)
{
	struct db_params	 p;
	MYSQL			*my;
	char			 err[DB_ERRLEN];

	if (db_params_from_config(&p, cfg) == -1) {
		fprintf(stderr, "bootd: out of memory\n");
		return NULL;
	}
	if ((my = db_connect(&p, err, sizeof(err))) == NULL)
		fprintf(stderr, "bootd: database: %s\n", err);
	db_params_clear(&p);
	return my;
}

struct inv_snapshot *
db_cli_snapshot(const struct bootd_config *cfg)
{
	struct inv_snapshot	*snap = NULL;
	struct inv_rows		*rows = NULL;
	MYSQL			*my;
	char			 err[DB_ERRLEN];

	if ((my = db_cli_connect(cfg)) == NULL)
		return NULL;
	if (migrate_check(my, err, sizeof(err)) == -1 ||
	    (rows = db_load_rows(my, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bootd: database: %s\n", err);
		goto done;
	}
	if ((snap = inv_build(rows)) == NULL)
		fprintf(stderr, "bootd: out of memory\n");
done:
	inv_rows_free(rows);
	mysql_close(my);
	return snap;
}
