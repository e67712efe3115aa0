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

/* JSON: quotes, controls as \u00XX, UTF-8 kept, bad bytes \ufffd. */
static void
t_json(void **state)
{
	char		 out[ESCAPE_JSON_BUFSZ(16)], small[8];
	const char	*in = "a\"b\\c\n\x01\x7f\xc3\xa9\xff\xc3";
	size_t		 n;

	(void)state;
	n = escape_json(out, sizeof(out), in, strlen(in));
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, "a\\\"b\\\\c\\u000a\\u0001\\u007f"
	    "\xc3\xa9\\ufffd\\ufffd");
	/* A NUL inside is a control byte like any other. */
	escape_json(out, sizeof(out), "x\0y", 3);
	assert_string_equal(out, "x\\u0000y");
	/* Never half an escape: "ab" then \u0001 does not fit in 8. */
	escape_json(small, sizeof(small), "ab\x01", 3);
	assert_string_equal(small, "ab");
	escape_json(small, 1, "ab", 2);
	assert_string_equal(small, "");
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
