/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/hoststate: boot events to the state an admin sees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bootd/hoststate.h"

#define MIN	(60 * 1000)

/* Folds "stage" events one minute apart from t = 1 min, build fixed. */
static struct hs_track
fold(int build, const char *const *stages)
{
	struct hs_track	t;
	int64_t		at = MIN;

	hs_track_init(&t);
	for (; *stages != NULL; stages++, at += MIN)
		hs_track_event(&t, *stages, at, build);
	return t;
}

static void
test_names(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < HS_MAX; i++)
		assert_int_equal(hs_state_parse(hs_state_name(i)), i);
	assert_int_equal(hs_state_parse("Installed"), -1);
	assert_int_equal(hs_state_parse(""), -1);
	assert_string_equal(hs_state_name(HS_MAX), "?");
	assert_string_equal(hs_state_name(-1), "?");
}

static void
test_install(void **state)
{
	static const char *const boot[] = { "dhcp-offer", "dhcp-ack",
	    "tftp-start", "tftp-done", NULL };
	static const char *const inst[] = { "dhcp-ack", "tftp-done",
	    "ks-served", "install-start", "tftp-start", NULL };
	static const char *const done[] = { "dhcp-ack", "ks-served",
	    "install-start", "install-done", NULL };
	struct hs_track	t;

	(void)state;
	hs_track_init(&t);
	assert_int_equal(t.state, HS_UNSEEN);
	assert_int_equal(hs_state_now(&t, 1, 1, MIN, 10 * MIN), HS_UNSEEN);

	t = fold(1, boot);
	assert_int_equal(t.state, HS_BOOTING);
	assert_int_equal(t.began_ms, 2 * MIN);	/* the ACK, not the offer */
	assert_int_equal(t.last_ms, 4 * MIN);

	/* A TFTP fetch while installing does not go back to booting. */
	t = fold(1, inst);
	assert_int_equal(t.state, HS_INSTALLING);
	assert_int_equal(t.began_ms, 1 * MIN);

	t = fold(1, done);
	assert_int_equal(t.state, HS_INSTALLED);
	assert_int_equal(t.began_ms, 0);
	/* Installed is never stalled, however old. */
	assert_int_equal(hs_state_now(&t, 1, 1, MIN, 1000 * MIN),
	    HS_INSTALLED);
}

static void
test_build0(void **state)
{
	static const char *const reboot[] = { "install-done", "dhcp-ack",
	    "tftp-start", "tftp-done", NULL };
	static const char *const fresh[] = { "dhcp-ack", "tftp-done", NULL };
	struct hs_track	t;

	(void)state;
	/* With build = 0 an installed host boots from its disk. */
	t = fold(0, reboot);
	assert_int_equal(t.state, HS_INSTALLED);
	assert_int_equal(t.last_ms, 4 * MIN);
	/* With build = 1 the same rows are a reinstall. */
	t = fold(1, reboot);
	assert_int_equal(t.state, HS_BOOTING);
	assert_int_equal(t.began_ms, 2 * MIN);
	/* A host never installed boots, build or not; never stalled. */
	t = fold(0, fresh);
	assert_int_equal(t.state, HS_BOOTING);
	assert_int_equal(hs_state_now(&t, 1, 0, MIN, 1000 * MIN),
	    HS_BOOTING);
}

static void
test_failed(void **state)
{
	static const char *const tf[] = { "dhcp-ack", "tftp-failed", NULL };
	static const char *const retry[] = { "dhcp-ack", "tftp-failed",
	    "tftp-start", NULL };
	static const char *const guest[] = { "guest-install-start",
	    "guest-failed", NULL };
	static const char *const again[] = { "install-start",
	    "firstboot-failed", "dhcp-ack", NULL };
	static const char *const quiet[] = { "install-start", "dhcp-release",
	    "dhcp-decline", "dhcp-nak", NULL };
	struct hs_track	t;

	(void)state;
	t = fold(1, tf);
	assert_int_equal(t.state, HS_FAILED);
	/* A retry after a failure is the same boot: began stays. */
	t = fold(1, retry);
	assert_int_equal(t.state, HS_BOOTING);
	assert_int_equal(t.began_ms, 1 * MIN);
	t = fold(1, guest);
	assert_int_equal(t.state, HS_FAILED);
	/* A new DHCP ACK after a failure begins a new boot. */
	t = fold(1, again);
	assert_int_equal(t.state, HS_BOOTING);
	assert_int_equal(t.began_ms, 3 * MIN);
	/* Releases and NAKs change nothing but the time. */
	t = fold(1, quiet);
	assert_int_equal(t.state, HS_INSTALLING);
	assert_int_equal(t.last_ms, 4 * MIN);
}

static void
test_now(void **state)
{
	static const char *const boot[] = { "dhcp-ack", "ks-served", NULL };
	struct hs_track	t;

	(void)state;
	t = fold(1, boot);		/* began at 1 min */
	assert_int_equal(hs_state_now(&t, 1, 1, 30 * MIN, 31 * MIN),
	    HS_INSTALLING);		/* exactly the timeout: not yet */
	assert_int_equal(hs_state_now(&t, 1, 1, 30 * MIN, 31 * MIN + 1),
	    HS_STALLED);
	assert_int_equal(hs_state_now(&t, 1, 0, 30 * MIN, 100 * MIN),
	    HS_INSTALLING);		/* build cleared: not stalled */
	assert_int_equal(hs_state_now(&t, 1, 1, 0, 100 * MIN),
	    HS_INSTALLING);		/* no timeout */
	assert_int_equal(hs_state_now(&t, 0, 1, 30 * MIN, 100 * MIN),
	    HS_DISABLED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_install),
		cmocka_unit_test(test_build0),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
