/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/fdlimit: the descriptor budget from the caps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "bootd/config.h"
#include "bootd/fdlimit.h"

/* Defaults: DHCP off, TFTP 1024 transfers, HTTP 512 connections. */
static void
test_defaults(void **state)
{
	struct bootd_config	*cfg = config_default();
	struct fdlimit_budget	 b;
	char			 msg[512];

	assert_non_null(cfg);
	fdlimit_budget(cfg, &b);
	assert_int_equal(b.base, FDLIMIT_BASE);
	assert_int_equal(b.listeners, 4);
	assert_int_equal(b.tftp, 1024 * 2);
	assert_int_equal(b.http, 512 * 2);
	assert_int_equal(b.db, FDLIMIT_DB);
	assert_int_equal(b.total, FDLIMIT_BASE + 4 + 2048 + 1024 + FDLIMIT_DB);
	/* The usual soft limit of 1,024 is too small, the hard one is not. */
	assert_int_equal(fdlimit_check(&b, 1024, msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "descriptor budget 3111"));
	assert_non_null(strstr(msg, "limit 1024"));
	assert_non_null(strstr(msg,
	    "lower tftp.max_transfers or http.max_connections, or raise"));
	assert_non_null(strstr(msg, "LimitNOFILE="));
	assert_int_equal(fdlimit_check(&b, 524288, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	/* Exactly the budget fits. */
	assert_int_equal(fdlimit_check(&b, b.total, msg, sizeof(msg)), 0);
	assert_int_equal(fdlimit_check(&b, b.total - 1, msg, sizeof(msg)), 1);
	config_free(cfg);
}

/* Disabled services cost nothing and are not named. */
static void
test_disabled(void **state)
{
	struct bootd_config	*cfg = config_default();
	struct fdlimit_budget	 b;
	char			 msg[512];

	assert_non_null(cfg);
	cfg->tftp.enabled = 0;
	cfg->dhcp.enabled = 1;
	fdlimit_budget(cfg, &b);
	assert_int_equal(b.tftp, 0);
	assert_int_equal(b.listeners, 3);
	assert_int_equal(b.total, FDLIMIT_BASE + 3 + 1024 + FDLIMIT_DB);
	assert_int_equal(fdlimit_check(&b, 256, msg, sizeof(msg)), 1);
	assert_null(strstr(msg, "tftp"));
	assert_non_null(strstr(msg, "lower http.max_connections, or raise"));
	cfg->http.enabled = 0;
	fdlimit_budget(cfg, &b);
	assert_int_equal(b.total, FDLIMIT_BASE + 1 + FDLIMIT_DB);
	assert_int_equal(fdlimit_check(&b, 16, msg, sizeof(msg)), 1);
	assert_null(strstr(msg, "lower"));
	assert_non_null(strstr(msg, ": raise the limit"));
	config_free(cfg);
}

/* The largest caps do not overflow, and a short buffer is cut safely. */
static void
test_extremes(void **state)
{
	struct bootd_config	*cfg = config_default();
	struct fdlimit_budget	 b;
	char			 msg[16];

	assert_non_null(cfg);
	cfg->tftp.max_transfers = 65535;
	cfg->http.max_connections = 65535;
	fdlimit_budget(cfg, &b);
	assert_int_equal(b.total, FDLIMIT_BASE + 4 + 65535 * 4 + FDLIMIT_DB);
	assert_int_equal(fdlimit_check(&b, UINT64_MAX, msg, sizeof(msg)), 0);
	assert_int_equal(fdlimit_check(&b, 0, msg, sizeof(msg)), 1);
	assert_int_equal(strlen(msg), sizeof(msg) - 1);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
