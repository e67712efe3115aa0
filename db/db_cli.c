/* SPDX-License-Identifier: ISC */
/*
 * db_cli: database access shared by the one-shot commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/escape.h"

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

MYSQL *
db_cli_open(const char *config_path, struct bootd_config **cfg)
{
	MYSQL	*my;
	char	 err[CONFIG_ERRLEN];

	if ((*cfg = config_load(config_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bootd: %s\n", err);
		return NULL;
	}
	if ((my = db_cli_connect(*cfg)) == NULL)
		return NULL;
	if (migrate_check(my, err, sizeof(err)) == -1) {
		fprintf(stderr, "bootd: database: %s\n", err);
		mysql_close(my);
		return NULL;
	}
	return my;
}

/* Loads and builds through my; NULL after printing why. */
static struct inv_snapshot *
snapshot_from(MYSQL *my, const struct inv_build_opts *opts)
{
	struct inv_snapshot	*snap = NULL;
	struct inv_rows		*rows = NULL;
	char			 err[DB_ERRLEN];

	if (migrate_check(my, err, sizeof(err)) == -1 ||
	    (rows = db_load_rows(my, err, sizeof(err))) == NULL) {
		db_cli_say(mysql_errno(my), err);
		goto done;
	}
	if ((snap = inv_build_with(rows, opts)) == NULL)
		fprintf(stderr, "bootd: out of memory\n");
done:
	inv_rows_free(rows);
	return snap;
}

struct inv_snapshot *
db_cli_snapshot_with(const struct bootd_config *cfg,
    const struct inv_build_opts *opts)
{
	struct inv_snapshot	*snap;
	MYSQL			*my;

	if ((my = db_cli_connect(cfg)) == NULL)
		return NULL;
	snap = snapshot_from(my, opts);
	mysql_close(my);
	return snap;
}

/* The cache file the daemon would serve; NULL after printing why. */
static struct inv_snapshot *
snapshot_cache(const struct bootd_config *cfg,
    const struct inv_build_opts *opts)
{
	struct inv_snapshot	*snap;
	struct inv_rows		*rows;
	char			 err[DB_ERRLEN];

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
	snap = inv_build_with(rows, opts);
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

struct inv_snapshot *
db_cli_snapshot_or_cache_with(const struct bootd_config *cfg,
    const struct inv_build_opts *opts)
{
	struct inv_snapshot	*snap;

	if ((snap = db_cli_snapshot_with(cfg, opts)) != NULL)
		return snap;
	return snapshot_cache(cfg, opts);
}

struct inv_snapshot *
db_cli_snapshot_conn(const struct bootd_config *cfg,
    const struct inv_build_opts *opts, MYSQL **myp)
{
	struct inv_snapshot	*snap;

	*myp = NULL;
	if ((*myp = db_cli_connect(cfg)) != NULL) {
		if ((snap = snapshot_from(*myp, opts)) != NULL)
			return snap;
		mysql_close(*myp);
		*myp = NULL;
	}
	return snapshot_cache(cfg, opts);
}

void
db_cli_json_str(FILE *fp, const char *s)
{
	char	 small[256], *buf = small;
	size_t	 len, need;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	len = strlen(s);
	if ((need = escape_json(small, sizeof(small), s, len)) >=
	    sizeof(small)) {
		if ((buf = malloc(need + 1)) == NULL) {
			/* Valid JSON still; the value is lost, said so. */
			fputs("\"(out of memory)\"", fp);
			return;
		}
		escape_json(buf, need + 1, s, len);
	}
	fputc('"', fp);
	fwrite(buf, 1, need, fp);
	fputc('"', fp);
	if (buf != small)
		free(buf);
}

struct inv_snapshot *
db_cli_snapshot(const struct bootd_config *cfg)
{
	return db_cli_snapshot_with(cfg, NULL);
}

struct inv_snapshot *
db_cli_snapshot_or_cache(const struct bootd_config *cfg)
{
	return db_cli_snapshot_or_cache_with(cfg, NULL);
}

/*
 * Each probe matches no row (WHERE 1 = 0, LIMIT 0), so nothing is written
 * and no trigger fires, yet the server checks the statement's privileges
 * as for a real one.
 */
static const struct {
	const char	*grant;		/* what the account lacks */
	const char	*why;		/* what needs it */
	int		 retention;	/* 1: boot_events, 2: discovered */
	const char	*sql;
} db_probes[] = {
	{ "SELECT on profiles", "the inventory", 0,
	    "SELECT name FROM profiles LIMIT 0" },
	{ "SELECT on hosts", "the inventory", 0,
	    "SELECT hostname FROM hosts LIMIT 0" },
	{ "SELECT on host_vars", "the inventory", 0,
	    "SELECT name FROM host_vars LIMIT 0" },
	{ "SELECT on generation", "polling for changes", 0,
	    "SELECT gen FROM generation LIMIT 0" },
	{ "SELECT on schema_version", "the schema check", 0,
	    "SELECT version FROM schema_version LIMIT 0" },
	{ "UPDATE (build) on hosts", "install-done clearing the build flag",
	    0, "UPDATE hosts SET build = build WHERE 1 = 0" },
	{ "INSERT on boot_events", "boot events", 0,
	    "INSERT INTO boot_events (stage) SELECT 'x' FROM DUAL WHERE 1 = 0" },
	{ "INSERT, UPDATE on discovered", "recording unknown MACs", 0,
	    "INSERT INTO discovered (mac) SELECT 'x' FROM DUAL WHERE 1 = 0 "
	    "ON DUPLICATE KEY UPDATE last_seen = CURRENT_TIMESTAMP, "
	    "arch = VALUES(arch), vendor_class = VALUES(vendor_class), "
	    "relay = VALUES(relay)" },
	{ "SELECT, DELETE on boot_events", "retention.events_*", 1,
	    "DELETE FROM boot_events WHERE 1 = 0" },
	{ "SELECT on boot_events", "retention.events_rows", 1,
	    "SELECT id FROM boot_events LIMIT 0" },
	{ "SELECT, DELETE on discovered", "retention.discovered_*", 2,
	    "DELETE FROM discovered WHERE 1 = 0" },
	{ "SELECT on discovered", "retention.discovered_rows", 2,
	    "SELECT last_seen FROM discovered LIMIT 0" },
};

int
db_cli_check_grants(const struct bootd_config *cfg)
{
	MYSQL		*my;
	MYSQL_RES	*res;
	size_t		 i;
	int		 problems = 0, on[3];

	on[0] = 1;
	on[1] = cfg->retention.events_days > 0 ||
	    cfg->retention.events_rows > 0;
	on[2] = cfg->retention.discovered_days > 0 ||
	    cfg->retention.discovered_rows > 0;
	if ((my = db_cli_connect(cfg)) == NULL)
		return 1;
	for (i = 0; i < sizeof(db_probes) / sizeof(db_probes[0]); i++) {
		if (!on[db_probes[i].retention])
			continue;
		if (mysql_query(my, db_probes[i].sql) == 0) {
			if ((res = mysql_store_result(my)) != NULL)
				mysql_free_result(res);
			continue;
		}
		problems++;
		if (db_errclass(mysql_errno(my)) == DB_ERR_GRANT)
			printf("database: user %s lacks %s (needed for %s): "
			    "%s\n", cfg->database.user, db_probes[i].grant,
			    db_probes[i].why, mysql_error(my));
		else
			printf("database: %s (for %s) failed: %s\n",
			    db_probes[i].grant, db_probes[i].why,
			    mysql_error(my));
	}
	if (problems == 0)
		printf("database grants: ok\n");
	mysql_close(my);
	return problems;
}
