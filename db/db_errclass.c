/* SPDX-License-Identifier: ISC */
/*
 * db_errclass: one table from error number to what the DB writer does.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "db/db_errclass.h"

const char *const db_errclass_names[DB_ERR_MAX] = {
	[DB_ERR_TRANSIENT] = "transient",
	[DB_ERR_DATA] = "data",
	[DB_ERR_CONSTRAINT] = "constraint",
	[DB_ERR_SQL] = "sql",
	[DB_ERR_GRANT] = "grant",
	[DB_ERR_OTHER] = "other",
};

static const struct {
	unsigned int		 code;
	enum db_errclass	 cls;
} db_errs[] = {
	/* Retry: the server or the path to it, locks, resources. */
	{ ER_DISK_FULL, DB_ERR_TRANSIENT },
	{ ER_CON_COUNT_ERROR, DB_ERR_TRANSIENT },
	{ ER_OUT_OF_RESOURCES, DB_ERR_TRANSIENT },
	/* Galera: "WSREP has not yet prepared node for application use". */
	{ ER_UNKNOWN_COM_ERROR, DB_ERR_TRANSIENT },
	{ ER_SERVER_SHUTDOWN, DB_ERR_TRANSIENT },
	{ ER_RECORD_FILE_FULL, DB_ERR_TRANSIENT },
	{ ER_NET_PACKETS_OUT_OF_ORDER, DB_ERR_TRANSIENT },
	{ ER_NET_READ_ERROR, DB_ERR_TRANSIENT },
	{ ER_NET_READ_INTERRUPTED, DB_ERR_TRANSIENT },
	{ ER_NET_ERROR_ON_WRITE, DB_ERR_TRANSIENT },
	{ ER_NET_WRITE_INTERRUPTED, DB_ERR_TRANSIENT },
	{ ER_TOO_MANY_USER_CONNECTIONS, DB_ERR_TRANSIENT },
	{ ER_LOCK_WAIT_TIMEOUT, DB_ERR_TRANSIENT },
	{ ER_LOCK_TABLE_FULL, DB_ERR_TRANSIENT },
	{ ER_LOCK_DEADLOCK, DB_ERR_TRANSIENT },
	/* --read-only: a replica that is being promoted. */
	{ ER_OPTION_PREVENTS_STATEMENT, DB_ERR_TRANSIENT },
	{ ER_QUERY_INTERRUPTED, DB_ERR_TRANSIENT },
	{ ER_LOCK_ABORTED, DB_ERR_TRANSIENT },
	{ ER_READ_ONLY_MODE, DB_ERR_TRANSIENT },
	{ ER_CONNECTION_KILLED, DB_ERR_TRANSIENT },
	{ ER_STATEMENT_TIMEOUT, DB_ERR_TRANSIENT },
	/* The value. */
	{ ER_BAD_NULL_ERROR, DB_ERR_DATA },
	{ ER_WARN_DATA_OUT_OF_RANGE, DB_ERR_DATA },
	{ WARN_DATA_TRUNCATED, DB_ERR_DATA },
	{ ER_TRUNCATED_WRONG_VALUE, DB_ERR_DATA },
	{ ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, DB_ERR_DATA },
	{ ER_DATA_TOO_LONG, DB_ERR_DATA },
	{ ER_CANNOT_CONVERT_CHARACTER, DB_ERR_DATA },
	/* Constraints. */
	{ ER_DUP_ENTRY, DB_ERR_CONSTRAINT },
	{ ER_DUP_KEY, DB_ERR_CONSTRAINT },
	{ ER_NO_REFERENCED_ROW_2, DB_ERR_CONSTRAINT },
	{ ER_ROW_IS_REFERENCED_2, DB_ERR_CONSTRAINT },
	{ ER_CONSTRAINT_FAILED, DB_ERR_CONSTRAINT },
	/* The statement or the schema it names. */
	{ ER_PARSE_ERROR, DB_ERR_SQL },
	{ ER_SYNTAX_ERROR, DB_ERR_SQL },
	{ ER_BAD_FIELD_ERROR, DB_ERR_SQL },
	{ ER_NO_SUCH_TABLE, DB_ERR_SQL },
	{ ER_BAD_TABLE_ERROR, DB_ERR_SQL },
	/* Grants. */
	{ ER_DBACCESS_DENIED_ERROR, DB_ERR_GRANT },
	{ ER_ACCESS_DENIED_ERROR, DB_ERR_GRANT },
	{ ER_TABLEACCESS_DENIED_ERROR, DB_ERR_GRANT },
	{ ER_COLUMNACCESS_DENIED_ERROR, DB_ERR_GRANT },
	{ ER_SPECIFIC_ACCESS_DENIED_ERROR, DB_ERR_GRANT },
};

enum db_errclass
db_errclass(unsigned int code)
{
	size_t i;

	if (code >= CR_MIN_ERROR && code <= CR_MAX_ERROR)
		return DB_ERR_TRANSIENT;
	for (i = 0; i < sizeof(db_errs) / sizeof(db_errs[0]); i++)
		if (db_errs[i].code == code)
			return db_errs[i].cls;
	return DB_ERR_OTHER;
}

static const struct {
	unsigned int	 code;
	const char	*hint;
} db_refusals[] = {
	{ ER_ACCESS_DENIED_ERROR, "wrong user name or password" },
	{ ER_ACCESS_DENIED_NO_PASSWORD_ERROR, "access denied to this user" },
	/* MariaDB says this too for a database that does not exist. */
	{ ER_DBACCESS_DENIED_ERROR, "no grant on this database, or no such "
	    "database" },
	{ ER_BAD_DB_ERROR, "unknown database" },
	{ ER_TABLEACCESS_DENIED_ERROR, "a table grant is missing" },
	{ ER_COLUMNACCESS_DENIED_ERROR, "a column grant is missing" },
	{ ER_SPECIFIC_ACCESS_DENIED_ERROR, "a privilege is missing" },
	{ ER_PROCACCESS_DENIED_ERROR, "a routine grant is missing" },
	{ ER_HOST_NOT_PRIVILEGED, "this host may not connect" },
	{ ER_HOST_IS_BLOCKED, "this host is blocked (mariadb-admin "
	    "flush-hosts)" },
	{ ER_NOT_SUPPORTED_AUTH_MODE, "authentication method not supported" },
	{ ER_MUST_CHANGE_PASSWORD_LOGIN, "the password has expired" },
	{ ER_ACCOUNT_HAS_BEEN_LOCKED, "the account is locked" },
};

const char *
db_err_refusal(unsigned int code)
{
	size_t i;

	for (i = 0; i < sizeof(db_refusals) / sizeof(db_refusals[0]); i++)
		if (db_refusals[i].code == code)
			return db_refusals[i].hint;
	return NULL;
}

static const struct {
	int		 e;
	const char	*words;
} db_errnos[] = {
	{ ECONNREFUSED, "connection refused" },
	{ EHOSTUNREACH, "host unreachable" },
	{ ENETUNREACH, "network unreachable" },
	{ ETIMEDOUT, "timed out" },
	{ ENOENT, "no such socket file" },
	{ EACCES, "permission denied" },
	{ ECONNRESET, "connection reset" },
	{ EADDRNOTAVAIL, "address not available" },
	{ ENOTSOCK, "not a socket" },
	{ EINPROGRESS, "no connection" },
};

const char *
db_errno_words(int e)
{
	size_t i;

	for (i = 0; i < sizeof(db_errnos) / sizeof(db_errnos[0]); i++)
		if (db_errnos[i].e == e)
			return db_errnos[i].words;
	return NULL;
}

void
db_errtext(char *dst, size_t dstlen, const char *msg, int why)
{
	const char	*open, *words;
	char		*end;
	size_t		 len = strlen(msg);
	long		 e;

	snprintf(dst, dstlen, "%s", msg);
	/* " (115)" at the very end: digits between the parentheses. */
	if (len < 4 || msg[len - 1] != ')' ||
	    (open = strrchr(msg, '(')) == NULL || open == msg ||
	    open[-1] != ' ' || open[1] < '0' || open[1] > '9')
		return;
	e = strtol(open + 1, &end, 10);
	if (end != msg + len - 1 || e <= 0 || e > 4095)
		return;
	if (e == EINPROGRESS && why != 0)
		e = why;
	if ((words = db_errno_words((int)e)) == NULL)
		return;
	snprintf(dst, dstlen, "%.*s(%s)", (int)(open - msg), msg, words);
}
