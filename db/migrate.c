/* SPDX-License-Identifier: ISC */
/*
 * migrate: apply the embedded schema steps and check a DB's version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysqld_error.h>

#include "db/db_conn.h"
#include "db/migrate.h"

int
migrate_binary_version(void)
{
	return migrate_nsteps > 0 ? migrate_steps[migrate_nsteps - 1].version
	    : 0;
}

int
migrate_db_version(MYSQL *my, int *ver, char *err, size_t errlen)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;

	if (mysql_query(my, "SELECT COALESCE(MAX(version), 0) "
	    "FROM schema_version") != 0) {
		if (mysql_errno(my) == ER_NO_SUCH_TABLE) {
			*ver = 0;
			return 0;
		}
		snprintf(err, errlen, "reading schema_version: %s",
		    mysql_error(my));
		return -1;
	}
	if ((res = mysql_store_result(my)) == NULL ||
	    (row = mysql_fetch_row(res)) == NULL || row[0] == NULL) {
		snprintf(err, errlen, "reading schema_version: no result");
		if (res != NULL)
			mysql_free_result(res);
		return -1;
	}
	*ver = atoi(row[0]);
	mysql_free_result(res);
	return 0;
}

/* "bootd: db migrate: FILE:LINE: <the statement's first line, cut>". */
static void
migrate_progress(FILE *f, const struct migrate_step *st, int line,
    const char *stmt)
{
	int	n = (int)strcspn(stmt, "\n");

	fprintf(f, "bootd: db migrate: %s:%d: %.*s%s\n", st->name, line,
	    n > 60 ? 60 : n, stmt, n > 60 ? " ..." : "");
	fflush(f);
}

/*
 * Runs the statements of one step. A statement ends with ';' as the last
 * non-blank character of a line; lines starting with "--" are comments.
 */
static int
migrate_apply(MYSQL *my, const struct migrate_step *st, FILE *progress,
    char *err, size_t errlen)
{
	const char	*p = st->sql, *eol;
	char		*stmt = NULL;
	size_t		 len = 0, cap = 0, n, t;
	int		 line = 0, start_line = 0, rc = -1;

	while (*p != '\0') {
		line++;
		eol = strchr(p, '\n');
		n = eol ? (size_t)(eol - p) : strlen(p);
		if (!(n >= 2 && p[0] == '-' && p[1] == '-')) {
			if (len == 0)
				start_line = line;
			if (len + n + 2 > cap) {
				char *nb;

				cap = (len + n + 2) * 2;
				if ((nb = realloc(stmt, cap)) == NULL) {
					snprintf(err, errlen, "out of memory");
					goto done;
				}
				stmt = nb;
			}
			memcpy(stmt + len, p, n);
			len += n;
			stmt[len++] = '\n';
			stmt[len] = '\0';
			t = n;
			while (t > 0 && (p[t - 1] == ' ' || p[t - 1] == '\t' ||
			    p[t - 1] == '\r'))
				t--;
			if (t > 0 && p[t - 1] == ';') {
				if (progress != NULL)
					migrate_progress(progress, st,
					    start_line, stmt);
				if (db_exec(my, stmt, err + 0, errlen) == -1) {
					char why[DB_ERRLEN];

					snprintf(why, sizeof(why), "%s", err);
					snprintf(err, errlen, "%s:%d: %s",
					    st->name, start_line, why);
					goto done;
				}
				len = 0;
			}
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	rc = 0;
done:
	free(stmt);
	return rc;
}

int
migrate_run(MYSQL *my, int *from, int *to, FILE *progress, char *err,
    size_t errlen)
{
	struct timespec	 t0, t1;
	char		 sql[128];
	int		 i, ver;

	if (migrate_db_version(my, &ver, err, errlen) == -1)
		return -1;
	*from = *to = ver;
	if (ver > migrate_binary_version()) {
		snprintf(err, errlen, "database schema version %d is newer than "
		    "this bootd's %d: upgrade bootd", ver,
		    migrate_binary_version());
		return -1;
	}
	for (i = 0; i < migrate_nsteps; i++) {
		if (migrate_steps[i].version <= ver)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (migrate_apply(my, &migrate_steps[i], progress, err,
		    errlen) == -1)
			return -1;
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version "
		    "(version) VALUES (%d)", migrate_steps[i].version);
		if (db_exec(my, sql, err, errlen) == -1)
			return -1;
		*to = migrate_steps[i].version;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (progress != NULL)
			fprintf(progress, "bootd: db migrate: %s: applied in "
			    "%.1f s\n", migrate_steps[i].name,
			    (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	return 0;
}

int
migrate_check(MYSQL *my, char *err, size_t errlen)
{
	int ver, want = migrate_binary_version();

	if (migrate_db_version(my, &ver, err, errlen) == -1)
		return -1;
	if (ver < want) {
		snprintf(err, errlen, "database schema version %d is older than "
		    "this bootd's %d: run `bootd db migrate`", ver, want);
		return -1;
	}
	if (ver > want) {
		snprintf(err, errlen, "database schema version %d is newer than "
		    "this bootd's %d: upgrade bootd", ver, want);
		return -1;
	}
	return 0;
}
