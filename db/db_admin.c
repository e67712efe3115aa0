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
#include "bootd/strbuf.h"
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

/* Appends s as a quoted SQL string (NULL: NULL); -1 on ENOMEM. */
static int
sql_str(MYSQL *my, struct strbuf *sb, const char *s, size_t len)
{
	char	*p;

	if (s == NULL)
		return strbuf_puts(sb, "NULL");
	if ((p = strbuf_room(sb, 2 * len + 3)) == NULL)
		return -1;
	p[0] = '\'';
	len = mysql_real_escape_string(my, p + 1, s, len);
	p[len + 1] = '\'';
	strbuf_commit(sb, len + 2);
	return 0;
}

/* Runs the statement in sb and empties it; -1 with err. */
static int
run_sb(MYSQL *my, struct strbuf *sb, const char *what, char *err,
    size_t errlen)
{
	int	rc;

	if (sb->err != STRBUF_OK) {
		errbuf_set(err, errlen, "%s: out of memory", what);
		strbuf_free(sb);
		return -1;
	}
	rc = mysql_real_query(my, sb->buf, sb->len) == 0 ? 0 : -1;
	if (rc == -1)
		errbuf_set(err, errlen, "%s: %s", what, mysql_error(my));
	strbuf_free(sb);
	return rc;
}

/* The generation under a lock held to COMMIT; -1 with err. */
static int
gen_lock(MYSQL *my, uint64_t *gen, char *err, size_t errlen)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 rc = -1;

	if (run(my, "SELECT gen FROM generation WHERE id = 1 FOR UPDATE",
	    "locking the generation", err, errlen) == -1)
		return -1;
	if ((res = mysql_store_result(my)) == NULL) {
		errbuf_set(err, errlen, "locking the generation: %s",
		    mysql_error(my));
		return -1;
	}
	if ((row = mysql_fetch_row(res)) == NULL || row[0] == NULL)
		errbuf_set(err, errlen, "generation table is empty");
	else {
		*gen = strtoull(row[0], NULL, 10);
		rc = 0;
	}
	mysql_free_result(res);
	return rc;
}

/* The hosts statement of e: INSERT, UPDATE or DELETE. */
static int
edit_hosts(MYSQL *my, struct strbuf *sb, const struct inv_edit *e,
    const struct inv_edit_result *res, char *err, size_t errlen)
{
	const char *const *col = inv_col_names[INV_T_HOSTS];
	const char	*v;
	size_t		 i;
	int		 c, n = 0;

	if (e->op == INV_EDIT_RM) {
		for (i = 0; i < res->nremoved; i++) {
			strbuf_puts(sb, i ? ", " : "DELETE FROM host_vars "
			    "WHERE hostname IN (");
			sql_str(my, sb, res->removed[i],
			    strlen(res->removed[i]));
		}
		strbuf_puts(sb, ")");
		if (run_sb(my, sb, "removing host_vars", err, errlen) == -1)
			return -1;
		for (i = 0; i < res->nremoved; i++) {
			strbuf_puts(sb, i ? ", " : "DELETE FROM hosts WHERE "
			    "hostname IN (");
			sql_str(my, sb, res->removed[i],
			    strlen(res->removed[i]));
		}
		strbuf_puts(sb, ")");
		return run_sb(my, sb, "removing hosts", err, errlen);
	}
	if (e->op == INV_EDIT_ADD) {
		/* enabled and build as inv_edit_apply() judged them. */
		strbuf_puts(sb, "INSERT INTO hosts (hostname");
		for (c = 1; c < INV_H_NCOLS; c++)
			if (e->given[c] || c == INV_H_ENABLED ||
			    c == INV_H_BUILD)
				strbuf_printf(sb, ", `%s`", col[c]);
		strbuf_puts(sb, ") VALUES (");
		sql_str(my, sb, e->hostname, strlen(e->hostname));
		for (c = 1; c < INV_H_NCOLS; c++) {
			if (e->given[c])
				v = e->cell[c];
			else if (c == INV_H_ENABLED || c == INV_H_BUILD)
				v = "1";
			else
				continue;
			strbuf_puts(sb, ", ");
			sql_str(my, sb, v, v != NULL ? strlen(v) : 0);
		}
		strbuf_puts(sb, ")");
		return run_sb(my, sb, "adding the host", err, errlen);
	}
	strbuf_puts(sb, "UPDATE hosts SET ");
	for (c = 1; c < INV_H_NCOLS; c++) {
		if (!e->given[c])
			continue;
		strbuf_printf(sb, "%s`%s` = ", n++ ? ", " : "", col[c]);
		v = e->cell[c];
		sql_str(my, sb, v, v != NULL ? strlen(v) : 0);
	}
	if (n == 0) {
		strbuf_free(sb);
		return 0;
	}
	strbuf_puts(sb, " WHERE hostname = ");
	sql_str(my, sb, e->hostname, strlen(e->hostname));
	return run_sb(my, sb, "updating the host", err, errlen);
}

/* Each var.K: the old K goes (any case, as the collation compares). */
static int
edit_vars(MYSQL *my, struct strbuf *sb, const struct inv_edit *e,
    char *err, size_t errlen)
{
	const struct inv_edit_var *v;
	size_t		 i;

	for (i = 0; i < e->nvars; i++) {
		v = &e->vars[i];
		strbuf_puts(sb, "DELETE FROM host_vars WHERE hostname = ");
		sql_str(my, sb, e->hostname, strlen(e->hostname));
		strbuf_puts(sb, " AND name = ");
		sql_str(my, sb, v->name, v->namelen);
		if (run_sb(my, sb, "removing a variable", err, errlen) == -1)
			return -1;
		if (v->value == NULL)
			continue;
		strbuf_puts(sb, "INSERT INTO host_vars (hostname, name, value) "
		    "VALUES (");
		sql_str(my, sb, e->hostname, strlen(e->hostname));
		strbuf_puts(sb, ", ");
		sql_str(my, sb, v->name, v->namelen);
		strbuf_puts(sb, ", ");
		sql_str(my, sb, v->value, strlen(v->value));
		strbuf_puts(sb, ")");
		if (run_sb(my, sb, "setting a variable", err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
db_admin_edit(MYSQL *my, const struct inv_edit *e,
    const struct inv_edit_result *res, uint64_t gen,
    const char *promote_mac, char *err, size_t errlen)
{
	struct strbuf	 sb;
	uint64_t	 now;
	int		 rc = -1;

	strbuf_init(&sb, STRBUF_NOMAX);
	if (run(my, "START TRANSACTION", "starting a transaction", err,
	    errlen) == -1)
		goto done;
	if (gen_lock(my, &now, err, errlen) == -1)
		goto fail;
	if (now != gen) {
		rc = 1;
		goto fail;
	}
	if (promote_mac != NULL) {
		strbuf_puts(&sb, "DELETE FROM discovered WHERE mac = ");
		sql_str(my, &sb, promote_mac, strlen(promote_mac));
		if (run_sb(my, &sb, "removing the discovered row", err,
		    errlen) == -1)
			goto fail;
		if (mysql_affected_rows(my) != 1) {
			errbuf_set(err, errlen, "no discovered MAC %s",
			    promote_mac);
			goto fail;
		}
	}
	if (edit_hosts(my, &sb, e, res, err, errlen) == -1 ||
	    (e->op != INV_EDIT_RM && edit_vars(my, &sb, e, err,
	    errlen) == -1))
		goto fail;
	if (run(my, "COMMIT", "committing", err, errlen) == -1)
		goto fail;
	rc = 0;
	goto done;
fail:
	(void)mysql_query(my, "ROLLBACK");
done:
	strbuf_free(&sb);
	return rc;
}
