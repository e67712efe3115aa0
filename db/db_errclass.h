/* SPDX-License-Identifier: ISC */
/*
 * db_errclass: what a MariaDB/MySQL error number means for a write that
 * failed: try the batch again later (the connection, a lock, the server
 * going away), or give up on that one statement (its data, a constraint,
 * the SQL, a grant, the schema), which must never block the ones behind
 * it. Pure: a table of numbers; no libmysqlclient call.
 */
#ifndef BOOTD_DB_ERRCLASS_H
#define BOOTD_DB_ERRCLASS_H

#include <stddef.h>

enum db_errclass {
	DB_ERR_TRANSIENT,	/* retry the batch later */
	DB_ERR_DATA,		/* a value the column cannot hold */
	DB_ERR_CONSTRAINT,	/* duplicate, foreign key, check */
	DB_ERR_SQL,		/* syntax, unknown column or table */
	DB_ERR_GRANT,		/* the account may not do it */
	DB_ERR_OTHER,		/* anything else the server refused */
	DB_ERR_MAX
};

extern const char *const db_errclass_names[DB_ERR_MAX];

/*
 * The class of error number code (mysql_errno()). Client-side errors
 * (2000-2999: connection lost, server gone, cannot connect) and the
 * server's lock, deadlock, shutdown, read-only, resource and interruption
 * errors are transient; every other number is permanent for the statement.
 */
enum db_errclass db_errclass(unsigned int code);

/*
 * Non-NULL when code means the server refuses bootd itself (wrong user
 * or password, unknown database, a missing grant, a locked account): no
 * outage, and no retry will help until someone changes the DB or the
 * config. Returns a short hint for the log ("wrong user or password");
 * NULL for every other number.
 */
const char *db_err_refusal(unsigned int code);

/*
 * Words for an errno value a client library puts in parentheses
 * ("connection refused", "host unreachable", "timed out"), or NULL when
 * the number has none here.
 */
const char *db_errno_words(int e);

/*
 * Copies msg into dst (dstlen >= 1, always terminated), with a trailing
 * " (N)" (an errno value, as libmariadb writes it) made words: " (host
 * unreachable)". When N is EINPROGRESS (libmariadb's non-blocking connect
 * reports that whatever went wrong) and why is not 0, why's words are
 * used instead. Anything else is copied as is.
 */
void	db_errtext(char *dst, size_t dstlen, const char *msg, int why);

#endif
