/* SPDX-License-Identifier: ISC */
/*
 * db_conn: MariaDB/MySQL connection setup shared by the DB thread and the
 * command line. Blocking by nature: never called on the event loop.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <errmsg.h>

#include "bootd/clock.h"
#include "db/db_conn.h"
#include "db/db_errclass.h"

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

/*
 * libmariadb connects without blocking and reports EINPROGRESS whatever
 * went wrong, so one plain TCP connect, bounded by timeout seconds, finds
 * the real reason: an errno value, or 0 when the port answers (the
 * trouble is past the TCP handshake). DB thread and CLI only.
 */
static int
db_tcp_probe(const char *host, int port, int timeout)
{
	struct addrinfo	 hints, *ai = NULL;
	struct pollfd	 pfd;
	socklen_t	 len = sizeof(int);
	char		 serv[16];
	int		 fd = -1, e, n;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof(serv), "%d", port);
	if (getaddrinfo(host, serv, &hints, &ai) != 0 || ai == NULL)
		return 0;
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1) {
		e = 0;
		goto done;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		e = 0;
		goto done;
	}
	if ((e = errno) != EINPROGRESS)
		goto done;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	while ((n = poll(&pfd, 1, timeout * 1000)) == -1 && errno == EINTR)
		;
	if (n == 0)
		e = ETIMEDOUT;
	else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		e = 0;
done:
	if (fd != -1)
		close(fd);
	freeaddrinfo(ai);
	return e;
}

MYSQL *
db_connect(const struct db_params *p, unsigned int *code, char *err,
    size_t errlen)
{
	MYSQL		*my;
	unsigned int	 timeout = (unsigned int)p->connect_timeout, num;
	const char	*where;
	char		 text[DB_ERRLEN];
	uint64_t	 t0;
	int		 why = 0;

	if (code != NULL)
		*code = 0;
	if ((my = mysql_init(NULL)) == NULL) {
		snprintf(err, errlen, "mysql_init: out of memory");
		return NULL;
	}
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	t0 = clock_mono_ms();
	/* A site's my.cnf must not change where bootd connects. */
	if (mysql_real_connect(my, p->socket[0] ? NULL : p->host, p->user,
	    p->password, p->name, (unsigned int)p->port,
	    p->socket[0] ? p->socket : NULL, 0) == NULL) {
		num = mysql_errno(my);
		if (code != NULL)
			*code = num;
		/* A TCP connect that failed: find out why (see above). */
		if (p->socket[0] == '\0' && (num == CR_CONNECTION_ERROR ||
		    num == CR_CONN_HOST_ERROR)) {
			if ((double)(clock_mono_ms() - t0) / 1e3 >=
			    (double)timeout - 0.25)
				why = ETIMEDOUT;
			else
				why = db_tcp_probe(p->host, p->port,
				    p->connect_timeout);
		}
		db_errtext(text, sizeof(text), mysql_error(my), why);
		where = p->socket[0] ? p->socket : p->host;
		if (p->socket[0])
			snprintf(err, errlen, "cannot connect to %s: %s",
			    where, text);
		else
			snprintf(err, errlen, "cannot connect to %s:%d: %s",
			    where, p->port, text);
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
