/* SPDX-License-Identifier: ISC */
/*
 * db_admin: command-line changes of the inventory, one transaction each
 * (see db_admin.h). Names reach SQL only through mysql_real_escape_string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootd/errbuf.h"
#include "db/db_admin.h"
#include "db/inventory.h"

/* Runs sql; -1 with err naming what failed. */
static int
run(MYSQL *my, const char *sql, const char *what, char *err, size_t errlen)
{
	if (mysql_query(my, sql) == 0)
		return 0;
	errbuf_set(err, errlen, "%s: %s", what, mysql_error(my));
	return -1;
}

/* 1 when hostname name has a row, 0 when not, -1 with err. */
static int
host_exists(MYSQL *my, const char *name, char *err, size_t errlen)
{
	char		 esc[2 * INV_NAME_MAX + 1];
	char		 sql[2 * INV_NAME_MAX + 96];
	MYSQL_RES	*res;
	int		 found;

	mysql_real_escape_string(my, esc, name, strlen(name));
	snprintf(sql, sizeof(sql), "SELECT 1 FROM hosts WHERE hostname = '%s' "
	    "FOR UPDATE", esc);
	if (run(my, sql, "reading hosts", err, errlen) == -1)
		return -1;
	if ((res = mysql_store_result(my)) == NULL) {
		errbuf_set(err, errlen, "reading hosts: %s", mysql_error(my));
		return -1;
	}
	found = mysql_num_rows(res) > 0;
	mysql_free_result(res);
	return found;
}

int
db_admin_reinstall(MYSQL *my, const char *const *names, size_t n,
    char *err, size_t errlen)
{
	char	esc[2 * INV_NAME_MAX + 1], sql[2 * INV_NAME_MAX + 96];
	size_t	i, j;
	int	r;

	if (n == 0 || n > DB_ADMIN_NAMES_MAX) {
		errbuf_set(err, errlen, "name 1 to %d hosts",
		    DB_ADMIN_NAMES_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i][0] == '\0' ||
		    strlen(names[i]) > INV_NAME_MAX) {
			errbuf_set(err, errlen, "no host \"%.*s\"",
			    INV_NAME_MAX, names[i]);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcasecmp(names[i], names[j]) == 0) {
				errbuf_set(err, errlen, "host \"%s\" named "
				    "twice", names[i]);
				return -1;
			}
	}
	if (run(my, "START TRANSACTION", "starting a transaction", err,
	    errlen) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((r = host_exists(my, names[i], err, errlen)) != 1) {
			if (r == 0)
				errbuf_set(err, errlen, "no host \"%s\"",
				    names[i]);
			goto fail;
		}
		mysql_real_escape_string(my, esc, names[i], strlen(names[i]));
		snprintf(sql, sizeof(sql), "UPDATE hosts SET build = 1 WHERE "
		    "hostname = '%s'", esc);
		if (run(my, sql, "setting the build flag", err, errlen) == -1)
			goto fail;
	}
	if (run(my, "COMMIT", "committing", err, errlen) == -1)
		goto fail;
	return (int)n;
fail:
	(void)mysql_query(my, "ROLLBACK");
	return -1;
}
