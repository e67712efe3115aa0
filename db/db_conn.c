/* SPDX-License-Identifier: ISC */
/*
 * db_conn: MariaDB/MySQL connection setup shared by the DB thread and the
 * command line. Blocking by nature: never called on the event loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_conn.h"

static char *
dupstr(const char *s)
{
	return strdup(s != NULL ? s : "");
}

int
db_params_from_config(struct db_params *p, const struct bootd_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->host = dupstr(cfg->database.host);
	p->socket = dupstr(cfg->database.socket);
	p->user = dupstr(cfg->database.user);
	p->password = dupstr(cfg->database.password);
	p->name = dupstr(cfg->database.name);
	p->port = cfg->database.port;
	p->poll_interval = cfg->database.poll_interval;
	p->retry_max = cfg->database.retry_max;
	p->connect_timeout = cfg->database.connect_timeout;
	p->keep_events_days = cfg->retention.events_days;
	p->keep_events_rows = cfg->retention.events_rows;
	p->keep_disc_days = cfg->retention.discovered_days;
	p->keep_disc_rows = cfg->retention.discovered_rows;
	p->prune_interval = cfg->retention.interval;
	if (p->host == NULL || p->socket == NULL || p->user == NULL ||
	    p->password == NULL || p->name == NULL) {
		db_params_clear(p);
		return -1;
	}
	return 0;
}

void
db_params_clear(struct db_params *p)
{
	free(p->host);
	free(p->socket);
	free(p->user);
	free(p->password);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

int
db_params_differ(const struct db_params *a, const struct db_params *b)
{
	return strcmp(a->host, b->host) != 0 || a->port != b->port ||
	    strcmp(a->socket, b->socket) != 0 ||
	    strcmp(a->user, b->user) != 0 ||
	    strcmp(a->password, b->password) != 0 ||
	    strcmp(a->name, b->name) != 0 ||
	    a->connect_timeout != b->connect_timeout;
}

MYSQL *
db_connect(const struct db_params *p, char *err, size_t errlen)
{
	MYSQL		*my;
	unsigned int	 timeout = (unsigned int)p->connect_timeout;
	const char	*where;

	if ((my = mysql_init(NULL)) == NULL) {
		snprintf(err, errlen, "mysql_init: out of memory");
		return NULL;
	}
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* A site's my.cnf must not change where bootd connects. */
	if (mysql_real_connect(my, p->socket[0] ? NULL : p->host, p->user,
	    p->password, p->name, (unsigned int)p->port,
	    p->socket[0] ? p->socket : NULL, 0) == NULL) {
		where = p->socket[0] ? p->socket : p->host;
		if (p->socket[0])
			snprintf(err, errlen, "cannot connect to %s: %s",
			    where, mysql_error(my));
		else
			snprintf(err, errlen, "cannot connect to %s:%d: %s",
			    where, p->port, mysql_error(my));
		mysql_close(my);
		return NULL;
	}
	return my;
}

int
db_exec(MYSQL *my, const char *sql, char *err, size_t errlen)
{
	MYSQL_RES *res;

	if (mysql_query(my, sql) != 0) {
		snprintf(err, errlen, "%s", mysql_error(my));
		return -1;
	}
	/* Drain a result set a statement may still return. */
	if ((res = mysql_store_result(my)) != NULL)
		mysql_free_result(res);
	return 0;
}
