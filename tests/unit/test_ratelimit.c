/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/ratelimit: token buckets and keyed log slots. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bootd/ratelimit.h"

static void
test_bucket(void **state)
{
	struct rl_bucket	b;
	int			i, n = 0;

	rl_bucket_init(&b, 10, 5, 1000);
	for (i = 0; i < 100; i++)
		n += rl_bucket_take(&b, 1000);
	assert_int_equal(n, 5);			/* the burst, then empty */
	assert_int_equal(rl_bucket_take(&b, 1099), 0);	/* 0.99 token */
	assert_int_equal(rl_bucket_take(&b, 1100), 1);	/* 1 token at 10/s */
	assert_int_equal(rl_bucket_take(&b, 1100), 0);
	/* A long pause refills to the burst, no more. */
	for (i = 0, n = 0; i < 100; i++)
		n += rl_bucket_take(&b, 100000);
	assert_int_equal(n, 5);
	/* Time going backwards adds nothing. */
	assert_int_equal(rl_bucket_take(&b, 50000), 0);
}

static void
test_keyed(void **state)
{
	static const char	a[] = "a", b[] = "b";
	struct rl_log		rl;
	uint64_t		held = 99;
	int			i;

	rl_log_init(&rl, 1000, 100, 100, 0);
	assert_int_equal(rl_log_ok(&rl, a, 0, &held), 1);
	assert_int_equal(held, 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(rl_log_ok(&rl, a, 10 + i, &held), 0);
	/* Another key is not held back by the first. */
	assert_int_equal(rl_log_ok(&rl, b, 20, &held), 1);
	/* A second later the key speaks again and says what it held. */
	assert_int_equal(rl_log_ok(&rl, a, 999, &held), 0);
	assert_int_equal(rl_log_ok(&rl, a, 1000, &held), 1);
	assert_int_equal(held, 8);
	assert_int_equal(rl.suppressed, 8);
}

/* The shared bucket bounds all keys together: many keys, few lines. */
static void
test_shared(void **state)
{
	static const char	keys[RL_KEYS * 2];
	struct rl_log		rl;
	uint64_t		held;
	int64_t			t;
	int			i, n = 0;

	rl_log_init(&rl, 1000, 10, 20, 0);
	for (t = 0; t < 10000; t += 10)
		for (i = 0; i < RL_KEYS * 2; i++)
			n += rl_log_ok(&rl, &keys[i], t, &held);
	/* 20 at once, then 10 a second for 10 s: 20 + 100 at the most. */
	assert_true(n <= 120);
	assert_true(n >= 100);
}

/* More keys than slots: the oldest recycles, nothing overflows. */
static void
test_recycle(void **state)
{
	static const char	keys[RL_KEYS + 5];
	struct rl_log		rl;
	uint64_t		held;
	int			i;

	rl_log_init(&rl, 1000, 1000, 1000, 0);
	for (i = 0; i < RL_KEYS + 5; i++)
		assert_int_equal(rl_log_ok(&rl, &keys[i], i, &held), 1);
	/* keys[0] was recycled: it is new again, so it may speak. */
	assert_int_equal(rl_log_ok(&rl, &keys[0], 100, &held), 1);
	/* The newest is still tracked and held back. */
	assert_int_equal(rl_log_ok(&rl, &keys[RL_KEYS + 4], 101, &held), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_recycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
