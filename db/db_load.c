/* SPDX-License-Identifier: ISC */
/*
 * db_load: SQL -> raw inventory rows. Validation happens later, in the pure
 * inventory module; this file only moves bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_conn.h"
#include "db/db_load.h"

int
db_load_generation(MYSQL *my, uint64_t *gen, char *err, size_t errlen)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 rc = -1;

	if (mysql_query(my, "SELECT gen FROM generation WHERE id = 1") != 0) {
		snprintf(err, errlen, "reading generation: %s", mysql_error(my));
		return -1;
	}
	if ((res = mysql_store_result(my)) == NULL) {
		snprintf(err, errlen, "reading generation: %s", mysql_error(my));
		return -1;
	}
	if ((row = mysql_fetch_row(res)) == NULL || row[0] == NULL)
		snprintf(err, errlen, "generation table is empty: "
		    "run `bootd db migrate`");
	else {
		*gen = strtoull(row[0], NULL, 10);
		rc = 0;
	}
	mysql_free_result(res);
	return rc;
}

/* Streams one table into rows: SELECT of its columns in inv_col_names order. */
static int
load_table(MYSQL *my, struct inv_rows *rows, enum inv_table_id t, char *err,
    size_t errlen)
{
	char		 sql[512];
	size_t		 off, lens[16];
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	unsigned long	*ml;
	int		 c, n = inv_ncols[t], rc = -1;

	off = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
	for (c = 0; c < n; c++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s`%s`",
		    c ? ", " : "", inv_col_names[t][c]);
	/*
	 * No ORDER BY: the server returns rows in primary-key order without a
	 * sort, and inv_build() sorts and indexes them itself.
	 */
	snprintf(sql + off, sizeof(sql) - off, " FROM `%s`", inv_table_names[t]);
	if (mysql_query(my, sql) != 0 ||
	    (res = mysql_use_result(my)) == NULL) {
		snprintf(err, errlen, "loading %s: %s", inv_table_names[t],
		    mysql_error(my));
		return -1;
	}
	if ((int)mysql_num_fields(res) != n) {
		snprintf(err, errlen, "loading %s: %u columns, expected %d",
		    inv_table_names[t], mysql_num_fields(res), n);
		goto done;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		ml = mysql_fetch_lengths(res);
		for (c = 0; c < n; c++)
			lens[c] = ml[c];
		if (inv_rows_add(rows, t, (const char *const *)row, lens) == -1) {
			snprintf(err, errlen, "loading %s: out of memory",
			    inv_table_names[t]);
			goto done;
		}
	}
	if (mysql_errno(my) != 0) {
		snprintf(err, errlen, "loading %s: %s", inv_table_names[t],
		    mysql_error(my));
		goto done;
	}
	rc = 0;
done:
	/* mysql_free_result() also drains an unread use_result stream. */
	mysql_free_result(res);
	return rc;
}

struct inv_rows *
db_load_rows(MYSQL *my, char *err, size_t errlen)
{
	struct inv_rows	*rows = NULL;
	uint64_t	 gen;
	char		 why[DB_ERRLEN];
	int		 t;

	/* One read view, so the generation matches the rows read with it. */
	if (db_exec(my, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
	    why, sizeof(why)) == -1) {
		snprintf(err, errlen, "starting read: %s", why);
		return NULL;
	}
	if (db_load_generation(my, &gen, err, errlen) == -1)
		goto fail;
	if ((rows = inv_rows_new(gen)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (t = 0; t < INV_T_MAX; t++)
		if (load_table(my, rows, (enum inv_table_id)t, err, errlen) == -1)
			goto fail;
	if (db_exec(my, "COMMIT", why, sizeof(why)) == -1) {
		snprintf(err, errlen, "ending read: %s", why);
		goto fail;
	}
	return rows;
fail:
	inv_rows_free(rows);
	db_exec(my, "ROLLBACK", why, sizeof(why));
	return NULL;
}
