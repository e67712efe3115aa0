/* SPDX-License-Identifier: ISC */
/*
 * db_load: SQL -> raw inventory rows. Validation happens later, in the pure
 * inventory module; this file only moves bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/strbuf.h"
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

/* Seed strings: offsets into the text while it grows, pointers after. */
#define SEED_OFF(o)	((const char *)(uintptr_t)(o))

/* Appends cell (NULL: "") with its NUL; returns its offset as a pointer. */
static const char *
seed_str(struct strbuf *sb, const char *cell, unsigned long len)
{
	size_t off = sb->len;

	if (cell != NULL)
		strbuf_add(sb, cell, len);
	strbuf_add(sb, "", 1);
	return SEED_OFF(off);
}

static const char *
seed_fix(const char *off, const char *text)
{
	return text + (uintptr_t)off;
}

/* "1700000000.123" (UNIX_TIMESTAMP of a TIMESTAMP(3)) in microseconds. */
static int64_t
seed_time(const char *s)
{
	return s != NULL ? (int64_t)(strtod(s, NULL) * 1e6 + 0.5) : 0;
}

/*
 * Runs sql and hands each row to fn, which returns 0 or -1 (no memory).
 * Returns 0 or -1 with err.
 */
static int
seed_query(MYSQL *my, const char *sql, const char *what,
    int (*fn)(void *, MYSQL_ROW, unsigned long *), void *arg, char *err,
    size_t errlen)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 rc = -1;

	if (mysql_query(my, sql) != 0 ||
	    (res = mysql_use_result(my)) == NULL) {
		snprintf(err, errlen, "reading %s: %s", what, mysql_error(my));
		return -1;
	}
	while ((row = mysql_fetch_row(res)) != NULL)
		if (fn(arg, row, mysql_fetch_lengths(res)) == -1) {
			snprintf(err, errlen, "reading %s: out of memory",
			    what);
			goto done;
		}
	if (mysql_errno(my) != 0) {
		snprintf(err, errlen, "reading %s: %s", what, mysql_error(my));
		goto done;
	}
	rc = 0;
done:
	mysql_free_result(res);
	return rc;
}

struct seed_ctx {
	struct db_seed	*seed;
	struct strbuf	 text;
	size_t		 max;
};

static int
seed_event_row(void *arg, MYSQL_ROW row, unsigned long *len)
{
	struct seed_ctx		*c = arg;
	struct db_seed_event	*e;

	if (c->seed->nevents == c->max)
		return 0;
	e = &c->seed->events[c->seed->nevents++];
	e->at_us = seed_time(row[0]);
	e->mac = seed_str(&c->text, row[1], len[1]);
	e->hostname = seed_str(&c->text, row[2], len[2]);
	e->stage = seed_str(&c->text, row[3], len[3]);
	e->detail = seed_str(&c->text, row[4], len[4]);
	return c->text.err == STRBUF_OK ? 0 : -1;
}

static int
seed_disc_row(void *arg, MYSQL_ROW row, unsigned long *len)
{
	struct seed_ctx		*c = arg;
	struct db_seed_disc	*d;

	if (c->seed->ndisc == c->max)
		return 0;
	d = &c->seed->disc[c->seed->ndisc++];
	d->first_us = seed_time(row[0]);
	d->last_us = seed_time(row[1]);
	d->arch = row[2] != NULL ? atoi(row[2]) : -1;
	d->mac = seed_str(&c->text, row[3], len[3]);
	d->vendor_class = seed_str(&c->text, row[4], len[4]);
	d->relay = seed_str(&c->text, row[5], len[5]);
	return c->text.err == STRBUF_OK ? 0 : -1;
}

struct db_seed *
db_load_seed(MYSQL *my, size_t nevents, size_t ndisc, int64_t since_us,
    char *err, size_t errlen)
{
	struct seed_ctx	 c;
	struct db_seed	*s;
	char		 sql[256], why[DB_ERRLEN];
	size_t		 i, j;

	memset(&c, 0, sizeof(c));
	strbuf_init(&c.text, STRBUF_NOMAX);
	if ((s = c.seed = calloc(1, sizeof(*s))) == NULL ||
	    (nevents > 0 && (s->events = calloc(nevents,
	    sizeof(*s->events))) == NULL) ||
	    (ndisc > 0 && (s->disc = calloc(ndisc, sizeof(*s->disc))) ==
	    NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->since_us = since_us;
	if (db_exec(my, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
	    why, sizeof(why)) == -1) {
		snprintf(err, errlen, "starting read: %s", why);
		goto fail;
	}
	c.max = nevents;
	snprintf(sql, sizeof(sql), "SELECT UNIX_TIMESTAMP(ts), mac, hostname, "
	    "stage, detail FROM boot_events ORDER BY id DESC LIMIT %zu",
	    nevents);
	if (nevents > 0 && seed_query(my, sql, "boot_events", seed_event_row,
	    &c, err, errlen) == -1)
		goto fail_tx;
	c.max = ndisc;
	snprintf(sql, sizeof(sql), "SELECT UNIX_TIMESTAMP(first_seen), "
	    "UNIX_TIMESTAMP(last_seen), arch, mac, vendor_class, relay FROM "
	    "discovered ORDER BY last_seen DESC LIMIT %zu", ndisc);
	if (ndisc > 0 && seed_query(my, sql, "discovered", seed_disc_row, &c,
	    err, errlen) == -1)
		goto fail_tx;
	db_exec(my, "COMMIT", why, sizeof(why));
	/* Newest first from the query; oldest first for whoever folds them. */
	for (i = 0, j = s->nevents; i + 1 < j; i++, j--) {
		struct db_seed_event t = s->events[i];

		s->events[i] = s->events[j - 1];
		s->events[j - 1] = t;
	}
	if ((s->text = strbuf_take(&c.text, NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < s->nevents; i++) {
		struct db_seed_event *e = &s->events[i];

		e->mac = seed_fix(e->mac, s->text);
		e->hostname = seed_fix(e->hostname, s->text);
		e->stage = seed_fix(e->stage, s->text);
		e->detail = seed_fix(e->detail, s->text);
	}
	for (i = 0; i < s->ndisc; i++) {
		struct db_seed_disc *d = &s->disc[i];

		d->mac = seed_fix(d->mac, s->text);
		d->vendor_class = seed_fix(d->vendor_class, s->text);
		d->relay = seed_fix(d->relay, s->text);
	}
	return s;
fail_tx:
	db_exec(my, "ROLLBACK", why, sizeof(why));
fail:
	strbuf_free(&c.text);
	db_seed_free(s);
	return NULL;
}
