/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/strbuf: growth, the bound, sticky errors, take. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bootd/strbuf.h"

static void
t_append(void **state)
{
	struct strbuf	 sb;
	char		*s;
	size_t		 len = 99;
	int		 i;

	strbuf_init(&sb, STRBUF_NOMAX);
	assert_null(sb.buf);
	assert_int_equal(strbuf_puts(&sb, "ab"), 0);
	assert_int_equal(strbuf_add(&sb, "c\0d", 3), 0);
	assert_int_equal(strbuf_printf(&sb, "-%d-%s", 42, "x"), 0);
	assert_int_equal(sb.len, 10);
	assert_memory_equal(sb.buf, "abc\0d-42-x", 11);
	/* Growth past the first allocation keeps the text. */
	for (i = 0; i < 1000; i++)
		assert_int_equal(strbuf_printf(&sb, "%04d", i), 0);
	assert_int_equal(sb.len, 4010);
	assert_string_equal(sb.buf + 4006, "0999");
	assert_non_null(s = strbuf_take(&sb, &len));
	assert_int_equal(len, 4010);
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	free(s);
	/* Nothing appended: "", not NULL. */
	assert_non_null(s = strbuf_take(&sb, &len));
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s);
}

static void
t_bound(void **state)
{
	struct strbuf	 sb;
	char		*s;
	size_t		 len;

	strbuf_init(&sb, 5);
	assert_int_equal(strbuf_puts(&sb, "abc"), 0);
	/* All or nothing: "def" would pass 5, so nothing is appended. */
	assert_int_equal(strbuf_puts(&sb, "def"), -1);
	assert_int_equal(sb.err, STRBUF_TOOBIG);
	assert_int_equal(sb.len, 3);
	assert_string_equal(sb.buf, "abc");
	/* The error sticks, also for appends that would fit. */
	assert_int_equal(strbuf_puts(&sb, "d"), -1);
	assert_int_equal(strbuf_printf(&sb, "%s", ""), -1);
	assert_null(strbuf_take(&sb, &len));
	assert_int_equal(sb.err, STRBUF_OK);
	assert_int_equal(sb.max, 5);
	/* Exactly max fits, with its NUL. */
	assert_int_equal(strbuf_printf(&sb, "%05d", 7), 0);
	assert_int_equal(sb.cap, 6);
	assert_string_equal(sb.buf, "00007");
	assert_int_equal(strbuf_add(&sb, "", 0), 0);
	assert_int_equal(strbuf_add(&sb, "x", 1), -1);
	strbuf_free(&sb);
	assert_null(sb.buf);
	/* A reserve past max fails. */
	assert_int_equal(strbuf_reserve(&sb, 6), -1);
	assert_int_equal(sb.err, STRBUF_TOOBIG);
	strbuf_free(&sb);
	assert_int_equal(sb.err, STRBUF_OK);
	s = NULL;
	(void)s;
}

static void
t_room(void **state)
{
	struct strbuf	 sb;
	char		*p;

	strbuf_init(&sb, 64);
	assert_int_equal(strbuf_puts(&sb, "x="), 0);
	assert_non_null(p = strbuf_room(&sb, 10));
	memcpy(p, "'abc'", 5);
	strbuf_commit(&sb, 5);
	assert_int_equal(sb.len, 7);
	assert_string_equal(sb.buf, "x='abc'");
	assert_null(strbuf_room(&sb, 100));
	assert_int_equal(sb.err, STRBUF_TOOBIG);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_append),
		cmocka_unit_test(t_bound),
		cmocka_unit_test(t_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
