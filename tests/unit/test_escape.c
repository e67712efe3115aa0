/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for bootd/escape (and log_sanitise, which is one mode of it):
 * each mode's output, the input bound and the cut at the buffer's end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "bootd/escape.h"
#include "bootd/log.h"

#define ALL	((size_t)-1)

static const char mixed[] = "a\"b\\c\n\r\t\x01\x7f\xff d";

static void
t_modes(void **state)
{
	char	 b[128];
	size_t	 n;

	n = escape_bytes(b, sizeof(b), mixed, sizeof(mixed) - 1, ALL,
	    ESCAPE_QUOTES_HEX);
	assert_string_equal(b,
	    "a\\x22b\\x5cc\\x0a\\x0d\\x09\\x01\\x7f\\xff d");
	assert_int_equal(n, strlen(b));
	escape_bytes(b, sizeof(b), mixed, sizeof(mixed) - 1, ALL,
	    ESCAPE_QUOTES);
	assert_string_equal(b, "a\\\"b\\\\c\\x0a\\x0d\\x09\\x01\\x7f\\xff d");
	escape_bytes(b, sizeof(b), mixed, sizeof(mixed) - 1, ALL,
	    ESCAPE_QUOTES | ESCAPE_C);
	assert_string_equal(b, "a\\\"b\\\\c\\n\\r\\t\\x01\\x7f\\xff d");
	escape_bytes(b, sizeof(b), mixed, sizeof(mixed) - 1, ALL,
	    ESCAPE_NOMARK);
	assert_string_equal(b, "a\"b\\c\\x0a\\x0d\\x09\\x01\\x7f\\xff d");
	/* NUL bytes inside the input are escaped, not an end. */
	escape_bytes(b, sizeof(b), "a\0b", 3, ALL, 0);
	assert_string_equal(b, "a\\x00b");
}

static void
t_maxin(void **state)
{
	char	 b[ESCAPE_BUFSZ(4)];

	escape_bytes(b, sizeof(b), "abcdef", 6, 4, ESCAPE_QUOTES);
	assert_string_equal(b, "abcd...");
	escape_bytes(b, sizeof(b), "abcd", 4, 4, ESCAPE_QUOTES);
	assert_string_equal(b, "abcd");
	escape_bytes(b, sizeof(b), "\x01\x02\x03\x04\x05", 5, 4,
	    ESCAPE_QUOTES);
	assert_string_equal(b, "\\x01\\x02\\x03\\x04...");
	escape_bytes(b, sizeof(b), "abcdef", 6, 4, ESCAPE_NOMARK);
	assert_string_equal(b, "abcd");
}

static void
t_cut(void **state)
{
	char	 b[10];

	/* Everything fits exactly: no mark. */
	escape_bytes(b, sizeof(b), "abcde\x01", 6, ALL, 0);
	assert_string_equal(b, "abcde\\x01");
	escape_bytes(b, sizeof(b), "abcdefghijkl", 12, ALL, 0);
	assert_string_equal(b, "abcdef...");
	/* The mark goes over the tail, even inside an escape. */
	escape_bytes(b, sizeof(b), "abc\x01\x02", 5, ALL, 0);
	assert_string_equal(b, "abc\\x0...");
	escape_bytes(b, sizeof(b), "abc\x01\x02", 5, ALL, ESCAPE_NOMARK);
	assert_string_equal(b, "abc\\x01");
	/* Too small for the mark: empty. */
	escape_bytes(b, 3, "abcdef", 6, ALL, 0);
	assert_string_equal(b, "");
	escape_bytes(b, 1, "abcdef", 6, ALL, 0);
	assert_string_equal(b, "");
	assert_int_equal(escape_bytes(b, 0, "x", 1, ALL, 0), 0);
}

/* log_sanitise() is the QUOTES_HEX mode with no input bound. */
static void
t_log_sanitise(void **state)
{
	char	 a[12], b[12];
	size_t	 len;
	const char *in = "x\"y\\z\x01\x80 long tail";

	for (len = 0; len <= strlen(in); len++) {
		log_sanitise(a, sizeof(a), in, len);
		escape_bytes(b, sizeof(b), in, len, ALL, ESCAPE_QUOTES_HEX);
		assert_string_equal(a, b);
	}
	log_sanitise(a, sizeof(a), "q\"", 2);
	assert_string_equal(a, "q\\x22");
}

/* escape_json: RFC 8259 escapes, UTF-8 kept, other bytes as \u00NN. */
static void
t_json(void **state)
{
	static const char in[] = "a\"b\\c\n\r\t\b\f\x01\x7f/\xc3\xa9\xe2\x9c"
	    "\x93\xff\xc3 \xed\xa0\x80";
	static const char want[] = "a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001"
	    "\\u007f/\xc3\xa9\xe2\x9c\x93\\u00ff\\u00c3 \\u00ed\\u00a0"
	    "\\u0080";
	char	 b[128], small[8];
	size_t	 n;

	(void)state;
	n = escape_json(b, sizeof(b), in, sizeof(in) - 1);
	assert_string_equal(b, want);
	assert_int_equal(n, strlen(want));
	/* A NUL inside is data. */
	n = escape_json(b, sizeof(b), "x\0y", 3);
	assert_string_equal(b, "x\\u0000y");
	assert_int_equal(n, 8);
	/* Too small: nothing cut in half, the length it needs. */
	memset(small, 'z', sizeof(small));
	n = escape_json(small, sizeof(small), "\n\n\n\n", 4);
	assert_int_equal(n, 8);
	assert_string_equal(small, "");
	n = escape_json(small, sizeof(small), "\n\n\n", 3);
	assert_int_equal(n, 6);
	assert_string_equal(small, "\\n\\n\\n");
	/* The bound holds for the worst byte. */
	n = escape_json(b, ESCAPE_JSON_BUFSZ(3), "\x01\x02\x03", 3);
	assert_int_equal(n, 18);
	assert_string_equal(b, "\\u0001\\u0002\\u0003");
	assert_int_equal(escape_json(b, 0, "abc", 3), 3);
	assert_int_equal(escape_json(b, sizeof(b), "", 0), 0);
	assert_string_equal(b, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_modes),
		cmocka_unit_test(t_maxin),
		cmocka_unit_test(t_cut),
		cmocka_unit_test(t_log_sanitise),
		cmocka_unit_test(t_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
