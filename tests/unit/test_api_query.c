/* SPDX-License-Identifier: ISC */
/* test_api_query: /api/ query strings, what passes and why the rest not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bootd/hoststate.h"
#include "daemon/api_query.h"

#define HOSTS	(API_P_STATE | API_P_PROFILE | API_P_Q)

static void
test_ok(void **state)
{
	struct api_query	 q;
	const char		*why = NULL;

	(void)state;
	assert_int_equal(api_query_parse(NULL, HOSTS, &q, &why), 0);
	assert_int_equal(q.state, -1);
	assert_string_equal(q.profile, "");
	assert_int_equal(api_query_parse("", HOSTS, &q, &why), 0);
	assert_int_equal(api_query_parse("state=stalled&profile=rocky%399"
	    "&q=rack+1%2fa", HOSTS, &q, &why), 0);
	assert_int_equal(q.state, HS_STALLED);
	assert_string_equal(q.profile, "rocky99");
	assert_string_equal(q.q, "rack 1/a");
	/* Empty pieces are nothing; an empty value is "any". */
	assert_int_equal(api_query_parse("&q=&", HOSTS, &q, &why), 0);
	assert_string_equal(q.q, "");
	assert_int_equal(api_query_parse("after=18446744073709551615",
	    API_P_AFTER, &q, &why), 0);
	assert_true(q.after == UINT64_MAX);
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*query;
		int		 allowed;
		const char	*why;
	} bad[] = {
		{ "state=sleeping", HOSTS, "unknown state" },
		{ "state=", HOSTS, "unknown state" },
		{ "after=5", HOSTS, "unknown query parameter" },
		{ "state=booting", API_P_AFTER, "unknown query parameter" },
		{ "bogus=1", HOSTS, "unknown query parameter" },
		{ "q", HOSTS, "query parameter without a value" },
		{ "q=a&q=b", HOSTS, "query parameter given twice" },
		{ "q=%4", HOSTS, "bad %-escape in the query" },
		{ "q=%zz", HOSTS, "bad %-escape in the query" },
		{ "q=a%00b", HOSTS, "NUL byte in the query" },
		{ "after=-1", API_P_AFTER, "after is not an event number" },
		{ "after=1x", API_P_AFTER, "after is not an event number" },
		{ "after=", API_P_AFTER, "after is not an event number" },
		{ "after=18446744073709551616", API_P_AFTER,
		    "after is not an event number" },
	};
	struct api_query	 q;
	const char		*why;
	char			 longq[300];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(api_query_parse(bad[i].query, bad[i].allowed,
		    &q, &why), -1);
		assert_non_null(why);
		assert_string_equal(why, bad[i].why);
	}
	memset(longq, 'a', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	memcpy(longq, "q=", 2);
	assert_int_equal(api_query_parse(longq, HOSTS, &q, &why), -1);
	assert_string_equal(why, "query value too long");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
