/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/http_range: the Range header (RFC 7233 §2.1). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bootd/http_range.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct rcase {
	const char	*h;
	uint64_t	 size;
	int		 rc;
	uint64_t	 off, len;
};

static void
test_ranges(void **state)
{
	static const struct rcase cases[] = {
		/* satisfiable */
		{ "bytes=0-0", 100, 1, 0, 1 },
		{ "bytes=0-99", 100, 1, 0, 100 },
		{ "bytes=10-", 100, 1, 10, 90 },
		{ "bytes=10-1000", 100, 1, 10, 90 },	/* last clamped */
		{ "bytes=99-99", 100, 1, 99, 1 },
		{ "bytes=-10", 100, 1, 90, 10 },	/* suffix */
		{ "bytes=-1000", 100, 1, 0, 100 },	/* suffix > size */
		{ "  BYTES = 5-9 ", 100, 1, 5, 5 },	/* case, blanks */
		{ "bytes=0-18446744073709551615", 100, 1, 0, 100 },
		/* unsatisfiable: 416 */
		{ "bytes=100-", 100, -1, 0, 0 },
		{ "bytes=100-200", 100, -1, 0, 0 },
		{ "bytes=-0", 100, -1, 0, 0 },
		{ "bytes=0-", 0, -1, 0, 0 },		/* empty entity */
		{ "bytes=-5", 0, -1, 0, 0 },
		/* ignored: the whole entity */
		{ "", 100, 0, 0, 0 },
		{ "bytes", 100, 0, 0, 0 },
		{ "bytes=", 100, 0, 0, 0 },
		{ "bytes=-", 100, 0, 0, 0 },
		{ "bytes=5", 100, 0, 0, 0 },
		{ "bytes=9-5", 100, 0, 0, 0 },		/* last < first */
		{ "bytes=0-1,5-6", 100, 0, 0, 0 },	/* several */
		{ "bytes=-5,0-1", 100, 0, 0, 0 },
		{ "bytes=+1-2", 100, 0, 0, 0 },
		{ "bytes=0x10-", 100, 0, 0, 0 },
		{ "items=0-1", 100, 0, 0, 0 },
		{ "bytes=18446744073709551616-", 100, 0, 0, 0 },	/* overflow */
		{ "bytes=-18446744073709551616", 100, 0, 0, 0 },
		{ "bytes=1-2 junk", 100, 0, 0, 0 },
		{ "bytes=5 - 9", 100, 0, 0, 0 },	/* no blanks inside */
	};
	uint64_t	off, len;
	size_t		i;
	int		rc;

	for (i = 0; i < NITEMS(cases); i++) {
		off = len = 12345;
		rc = http_range_parse(cases[i].h, cases[i].size, &off, &len);
		if (rc != cases[i].rc)
			fail_msg("\"%s\" size %ju: %d, want %d", cases[i].h,
			    (uintmax_t)cases[i].size, rc, cases[i].rc);
		if (rc == 1) {
			assert_int_equal(off, cases[i].off);
			assert_int_equal(len, cases[i].len);
		}
	}
	assert_int_equal(http_range_parse(NULL, 100, &off, &len), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
