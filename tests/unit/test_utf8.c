/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/utf8: validation and the DB-bound string cleaner. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "bootd/utf8.h"

static void
clean_is(const char *in, size_t inlen, size_t dstlen, const char *want)
{
	char	out[256];
	size_t	n;

	assert_true(dstlen <= sizeof(out));
	n = utf8_clean(out, dstlen, in, inlen);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void
test_clean(void **state)
{
	/* ASCII, tab and valid multi-byte characters are kept. */
	clean_is("disk ok", 7, 64, "disk ok");
	clean_is("a\tb", 3, 64, "a\tb");
	clean_is("disk ok \xe2\x9c\x93", 11, 64, "disk ok \xe2\x9c\x93");
	clean_is("\xf0\x9f\x98\x80", 4, 64, "\xf0\x9f\x98\x80");
	/* The red team's bytes: invalid lead bytes are escaped. */
	clean_is("\xff\xfe/grub.cfg", 11, 64, "\\xff\\xfe/grub.cfg");
	/* Controls, NUL, DEL and the backslash itself. */
	clean_is("a\nb\0c\x7f\\", 7, 64, "a\\x0ab\\x00c\\x7f\\x5c");
	/* Overlong, surrogate, past U+10FFFF, truncated sequence. */
	clean_is("\xc0\xaf", 2, 64, "\\xc0\\xaf");
	clean_is("\xe0\x80\xaf", 3, 64, "\\xe0\\x80\\xaf");
	clean_is("\xed\xa0\x80", 3, 64, "\\xed\\xa0\\x80");
	clean_is("\xf4\x90\x80\x80", 4, 64, "\\xf4\\x90\\x80\\x80");
	clean_is("ok\xe2\x9c", 4, 64, "ok\\xe2\\x9c");
	/* Latin-1 as an installer might send it. */
	clean_is("caf\xe9", 4, 64, "caf\\xe9");
}

static void
test_bounds(void **state)
{
	char	out[8];

	/* Exactly fits: no cut. */
	clean_is("abcdefg", 7, 8, "abcdefg");
	/* One more: cut with "...". */
	clean_is("abcdefgh", 8, 8, "abcd...");
	/* Never inside a character or an escape. */
	clean_is("ab\xe2\x9c\x93\xe2\x9c\x93", 8, 8, "ab...");
	clean_is("a\xff\xff", 3, 8, "a...");
	clean_is("\xff\xff", 2, 9, "\\xff\\xff");
	/* Tiny buffers. */
	clean_is("abc", 3, 1, "");
	clean_is("ab", 2, 3, "ab");
	clean_is("abc", 3, 3, "");	/* no room to say it was cut */
	clean_is("abcd", 4, 3, "");
	assert_int_equal(utf8_clean(out, 0, "x", 1), 0);
}

static void
test_seqlen(void **state)
{
	const unsigned char	e2[] = { 0xe2, 0x9c, 0x93 };
	const unsigned char	bad[] = { 0x80 };

	assert_int_equal(utf8_seqlen(e2, 3), 3);
	assert_int_equal(utf8_seqlen(e2, 2), 0);
	assert_int_equal(utf8_seqlen(bad, 1), 0);
	assert_int_equal(utf8_seqlen((const unsigned char *)"A", 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_seqlen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
