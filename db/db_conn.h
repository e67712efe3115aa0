/* SPDX-License-Identifier: ISC */
/*
 * db_conn: connection parameters copied out of the config, and connecting
 * to MariaDB/MySQL with bounded timeouts. Blocking: DB thread and CLI only,
 * never the event loop.
 */
#ifndef BOOTD_DB_CONN_H
#define BOOTD_DB_CONN_H

#include <stddef.h>

#include <mysql.h>

#include "bootd/config.h"

#define DB_ERRLEN	512

/* A private copy of config's database section (the DB thread's own). */
struct db_params {
	char	*host;
	int	 port;
	char	*socket;
	char	*user;
	char	*password;
	char	*name;
	double	 poll_interval;
	double	 retry_max;
	int	 connect_timeout;
	/* retention: not part of the connection, never a reason to reconnect */
	int	 keep_events_days, keep_events_rows;
	int	 keep_disc_days, keep_disc_rows;
	double	 prune_interval;
};

/* Fills p with copies of cfg's settings. Returns 0, or -1 on ENOMEM. */
int	db_params_from_config(struct db_params *p,
	    const struct bootd_config *cfg);
/* Releases the strings in p (not p itself). Accepts a zeroed p. */
void	db_params_clear(struct db_params *p);
/* Non-zero when two parameter sets would reach another server or user. */
int	db_params_differ(const struct db_params *a, const struct db_params *b);

/*
 * Connects with connect/read/write timeouts of p->connect_timeout seconds,
 * utf8mb4, autocommit on. Returns a handle (mysql_close() it) or NULL with
 * err filled ("cannot connect to localhost:3306: ... (connection
 * refused)": the client's errno values in words, see db_errtext()) and,
 * when code is not NULL, the error number in *code (mysql_errno(), 0 for
 * none; db_err_refusal() tells a refusal from an outage).
 */
MYSQL	*db_connect(const struct db_params *p, unsigned int *code, char *err,
	    size_t errlen);

/* Runs one statement that returns no rows. Returns 0 or -1 with err. */
int	db_exec(MYSQL *my, const char *sql, char *err, size_t errlen);

#endif
