/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/errbuf and bootd/clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "bootd/clock.h"
#include "bootd/errbuf.h"

static void
t_errbuf(void **state)
{
	char	 err[8];

	assert_int_equal(errbuf_set(err, sizeof(err), "%s %d", "bad", 42), -1);
	assert_string_equal(err, "bad 42");
	errbuf_set(err, sizeof(err), "%s", "much too long");
	assert_string_equal(err, "much to");
	/* No buffer: nothing written, still -1. */
	assert_int_equal(errbuf_set(NULL, 0, "x"), -1);
	memset(err, 'z', sizeof(err));
	assert_int_equal(errbuf_set(err, 0, "x"), -1);
	assert_int_equal(err[0], 'z');
}

static void
t_clock(void **state)
{
	uint64_t a, b, ms;

	a = clock_mono_us();
	ms = clock_mono_ms();
	b = clock_mono_us();
	assert_true(a > 0);
	assert_true(b >= a);
	assert_true(ms >= a / 1000 && ms <= b / 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_errbuf),
		cmocka_unit_test(t_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
