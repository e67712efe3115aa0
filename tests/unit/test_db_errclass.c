/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for db/db_errclass: refusals told from outages, and the
 * client's errno values made words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "db/db_errclass.h"

static void
test_refusal(void **state)
{
	/* Wrong password, no grant on the DB, unknown DB, table grant. */
	assert_non_null(db_err_refusal(1045));
	assert_string_equal(db_err_refusal(1045),
	    "wrong user name or password");
	assert_non_null(db_err_refusal(1044));
	assert_string_equal(db_err_refusal(1049), "unknown database");
	assert_non_null(db_err_refusal(1142));
	assert_non_null(db_err_refusal(1698));
	/* Outages and statement errors are no refusal. */
	assert_null(db_err_refusal(0));
	assert_null(db_err_refusal(2002));	/* CR_CONNECTION_ERROR */
	assert_null(db_err_refusal(2013));	/* CR_SERVER_LOST */
	assert_null(db_err_refusal(1205));	/* lock wait timeout */
	assert_null(db_err_refusal(1406));	/* data too long */
	/* The writer's classes are unchanged: a grant is per statement. */
	assert_int_equal(db_errclass(1142), DB_ERR_GRANT);
	assert_int_equal(db_errclass(2002), DB_ERR_TRANSIENT);
}

static void
text_is(const char *msg, int why, const char *want)
{
	char out[256];

	db_errtext(out, sizeof(out), msg, why);
	assert_string_equal(out, want);
}

static void
test_errtext(void **state)
{
	text_is("Can't connect to local server through socket '/x.sock' (2)",
	    0, "Can't connect to local server through socket '/x.sock' "
	    "(no such socket file)");
	text_is("Can't connect to local server through socket '/x' (13)", 0,
	    "Can't connect to local server through socket '/x' "
	    "(permission denied)");
	text_is("Can't connect to server on '10.0.0.1' (113)", 0,
	    "Can't connect to server on '10.0.0.1' (host unreachable)");
	/* libmariadb says EINPROGRESS; the probe's answer wins. */
	text_is("Can't connect to server on '127.0.0.1' (115)", ECONNREFUSED,
	    "Can't connect to server on '127.0.0.1' (connection refused)");
	text_is("Can't connect to server on 'db' (115)", ETIMEDOUT,
	    "Can't connect to server on 'db' (timed out)");
	text_is("Can't connect to server on 'db' (115)", 0,
	    "Can't connect to server on 'db' (no connection)");
	/* Anything else is left alone. */
	text_is("Access denied for user 'bootd'@'localhost' (using "
	    "password: YES)", 0, "Access denied for user 'bootd'@'localhost' "
	    "(using password: YES)");
	text_is("Unknown server host 'nope' (-2)", 0,
	    "Unknown server host 'nope' (-2)");
	text_is("odd (99999)", 0, "odd (99999)");
	text_is("(2)", 0, "(2)");
	text_is("", 0, "");
	text_is("x (12)", 0, "x (12)");	/* ENOMEM: no words here */
}

static void
test_errtext_bounds(void **state)
{
	char out[8];

	db_errtext(out, sizeof(out), "abc (2)", 0);
	assert_string_equal(out, "abc (no");
	db_errtext(out, 1, "abc (2)", 0);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_errtext),
		cmocka_unit_test(test_errtext_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
