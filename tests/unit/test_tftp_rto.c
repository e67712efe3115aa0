/* SPDX-License-Identifier: ISC */
/* Unit tests for tftp/tftp_rto: RTT estimate, timeout, backoff, deadline. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tftp/tftp_rto.h"

#define SEC	1000000

/* No sample yet: the full timeout; reset keeps it (nothing to reset to). */
static void
test_init(void **state)
{
	struct tftp_rto r;

	(void)state;
	tftp_rto_init(&r, SEC);
	assert_int_equal(r.rto_us, SEC);
	assert_true(tftp_rto_full(&r));
	tftp_rto_reset(&r);
	assert_int_equal(r.rto_us, SEC);
}

/* The first sample: srtt = s, rttvar = s / 2, rto = 3 s, clamped. */
static void
test_first_sample(void **state)
{
	struct tftp_rto r;

	(void)state;
	tftp_rto_init(&r, SEC);
	tftp_rto_sent(&r, 5 * SEC);
	tftp_rto_ack(&r, 5 * SEC + 100000);		/* 100 ms */
	assert_int_equal(r.srtt_us, 100000);
	assert_int_equal(r.rttvar_us, 50000);
	assert_int_equal(r.rto_us, 300000);
	assert_false(tftp_rto_full(&r));

	/* A tiny RTT (loopback): the floor. */
	tftp_rto_init(&r, SEC);
	tftp_rto_sent(&r, 0);
	tftp_rto_ack(&r, 30);
	assert_int_equal(r.rto_us, TFTP_RTO_MIN_US);

	/* A huge one: the negotiated timeout. */
	tftp_rto_init(&r, SEC);
	tftp_rto_sent(&r, 0);
	tftp_rto_ack(&r, 2 * SEC);
	assert_int_equal(r.rto_us, SEC);

	/* A timeout below the floor wins over the floor (tftp.timeout_ms 10). */
	tftp_rto_init(&r, 10000);
	tftp_rto_sent(&r, 0);
	tftp_rto_ack(&r, 10);
	assert_int_equal(r.rto_us, 10000);
}

/* Later samples smooth: srtt 7/8 old + 1/8 new, rttvar 3/4 + 1/4 |d|. */
static void
test_smoothing(void **state)
{
	struct tftp_rto r;

	(void)state;
	tftp_rto_init(&r, 10 * SEC);
	tftp_rto_sent(&r, 0);
	tftp_rto_ack(&r, 80000);		/* srtt 80 ms, rttvar 40 */
	tftp_rto_sent(&r, SEC);
	tftp_rto_ack(&r, SEC + 160000);		/* sample 160 ms */
	assert_int_equal(r.rttvar_us, (3 * 40000 + 80000) / 4);	/* 50000 */
	assert_int_equal(r.srtt_us, (7 * 80000 + 160000) / 8);	/* 90000 */
	assert_int_equal(r.rto_us, 90000 + 4 * 50000);
}

/* Karn: a resent window gives no sample until a fresh one is timed. */
static void
test_karn(void **state)
{
	struct tftp_rto r;

	(void)state;
	tftp_rto_init(&r, SEC);
	tftp_rto_sent(&r, 0);
	tftp_rto_backoff(&r);
	tftp_rto_ack(&r, 500000);
	assert_int_equal(r.srtt_us, 0);
	assert_int_equal(r.rto_us, 2 * SEC);
	tftp_rto_sent(&r, SEC);
	tftp_rto_ack(&r, SEC + 40000);
	assert_int_equal(r.srtt_us, 40000);
	assert_int_equal(r.rto_us, 40000 + 4 * 20000);
}

/* Backoff doubles up to TFTP_BACKOFF_FACTOR x; progress ends it. */
static void
test_backoff(void **state)
{
	struct tftp_rto	r;
	int		i;

	(void)state;
	tftp_rto_init(&r, SEC);
	tftp_rto_sent(&r, 0);
	tftp_rto_ack(&r, 50000);		/* rto 150 ms */
	assert_int_equal(r.rto_us, 150000);
	tftp_rto_backoff(&r);
	assert_int_equal(r.rto_us, 300000);
	assert_false(tftp_rto_full(&r));
	tftp_rto_backoff(&r);
	tftp_rto_backoff(&r);
	assert_int_equal(r.rto_us, 1200000);
	assert_true(tftp_rto_full(&r));
	for (i = 0; i < 20; i++)
		tftp_rto_backoff(&r);
	assert_int_equal(r.rto_us, (int64_t)TFTP_BACKOFF_FACTOR * SEC);
	tftp_rto_reset(&r);
	assert_int_equal(r.rto_us, 150000);
}

/* The deadline and when the timer fires: the sooner of the two. */
static void
test_deadline(void **state)
{
	struct tftp_rto	r;
	int64_t		dl;

	(void)state;
	dl = tftp_rto_deadline(3 * SEC, 5);
	assert_int_equal(dl, 8 * SEC);
	assert_false(tftp_rto_expired(8 * SEC - TFTP_DEADLINE_SLACK_US - 1,
	    dl));
	assert_true(tftp_rto_expired(8 * SEC - TFTP_DEADLINE_SLACK_US, dl));
	assert_true(tftp_rto_expired(9 * SEC, dl));

	tftp_rto_init(&r, SEC);
	assert_int_equal(tftp_rto_wait(&r, 3 * SEC, dl), SEC);
	assert_int_equal(tftp_rto_wait(&r, 7 * SEC + 400000, dl), 600000);
	assert_int_equal(tftp_rto_wait(&r, 8 * SEC, dl), 0);
	assert_int_equal(tftp_rto_wait(&r, 9 * SEC, dl), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_first_sample),
		cmocka_unit_test(test_smoothing),
		cmocka_unit_test(test_karn),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
