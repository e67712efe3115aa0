/* SPDX-License-Identifier: ISC */
/*
 * db_cli: database access shared by the one-shot commands.
 */
#include <stdio.h>

#include "db/db_cli.h"
#include "db/db_conn.h"
#include "db/db_errclass.h"
#include "db/db_load.h"
#include "db/inv_cache.h"
#include "db/migrate.h"

/* "bootd: database: ..." with the refusal named when it is one. */
static void
db_cli_say(unsigned int code, const char *err)
{
	const char *why = db_err_refusal(code);

	if (why != NULL)
		fprintf(stderr, "bootd: database: the database refuses bootd "
		    "(%s): %s\n", why, err);
	else
		fprintf(stderr, "bootd: database: %s\n", err);
}

MYSQL *
db_cli_connect(const struct bootd_config *cfg)
{
	struct db_params	 p;
	MYSQL			*my;
	unsigned int		 code;
	char			 err[DB_ERRLEN];

	if (db_params_from_config(&p, cfg) == -1) {
		fprintf(stderr, "bootd: out of memory\n");
		return NULL;
	}
	if ((my = db_connect(&p, &code, err, sizeof(err))) == NULL)
		db_cli_say(code, err);
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
		db_cli_say(mysql_errno(my), err);
		goto done;
	}
	if ((snap = inv_build(rows)) == NULL)
		fprintf(stderr, "bootd: out of memory\n");
done:
	inv_rows_free(rows);
	mysql_close(my);
	return snap;
}

struct inv_snapshot *
db_cli_snapshot_or_cache(const struct bootd_config *cfg)
{
	struct inv_snapshot	*snap;
	struct inv_rows		*rows;
	char			 err[DB_ERRLEN];

	if ((snap = db_cli_snapshot(cfg)) != NULL)
		return snap;
	/* What the daemon would serve now. */
	if (cfg->paths.cache[0] == '\0') {
		fprintf(stderr, "bootd: no cache either (paths.cache is "
		    "empty)\n");
		return NULL;
	}
	if ((rows = inv_cache_read(cfg->paths.cache, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "bootd: no cache either: %s\n", err);
		return NULL;
	}
	snap = inv_build(rows);
	inv_rows_free(rows);
	if (snap == NULL) {
		fprintf(stderr, "bootd: out of memory\n");
		return NULL;
	}
	fprintf(stderr, "bootd: using the cache file %s (generation %llu) "
	    "instead\n", cfg->paths.cache,
	    (unsigned long long)snap->generation);
	return snap;
}
