/* SPDX-License-Identifier: ISC */
/*
 * db_errclass: one table from error number to what the DB writer does.
 */
#include <stddef.h>

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
