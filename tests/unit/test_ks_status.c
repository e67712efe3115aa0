/* SPDX-License-Identifier: ISC */
/* Unit tests for kickstart/ks_status: the POST /status form body. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kickstart/ks_status.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct scase {
	const char		*body;
	enum ks_status_rc	 rc;
	const char		*stage;		/* when KS_STATUS_OK */
	const char		*detail;
	const char		*why;		/* when refused */
};

static void
test_forms(void **state)
{
	static const struct scase cases[] = {
		/* accepted, as the templates and tests send them */
		{ "stage=install-start", KS_STATUS_OK, "install-start", "",
		    NULL },
		{ "stage=install-done&detail=guest+of+dom0-01", KS_STATUS_OK,
		    "install-done", "guest of dom0-01", NULL },
		{ "detail=x&stage=a", KS_STATUS_OK, "a", "x", NULL },
		{ "stage=x&detail=", KS_STATUS_OK, "x", "", NULL },
		{ "stage=x&detail=a%09b", KS_STATUS_OK, "x", "a\tb", NULL },
		{ "stage=x&detail=%FF%FE", KS_STATUS_OK, "x", "\xff\xfe",
		    NULL },
		{ "stage=x&detail=disk+ok+%E2%9C%93", KS_STATUS_OK, "x",
		    "disk ok \xe2\x9c\x93", NULL },
		{ "stage=x&detail=a=b", KS_STATUS_OK, "x", "a=b", NULL },
		{ "stage=x&detail=a b", KS_STATUS_OK, "x", "a b", NULL },
		{ "stage=x&detail=%2b%26", KS_STATUS_OK, "x", "+&", NULL },
		{ "st%61ge=x", KS_STATUS_OK, "x", "", NULL },	/* names too */
		{ "stage=%61", KS_STATUS_OK, "a", "", NULL },
		/* empty fields */
		{ "stage=x&", KS_STATUS_OK, "x", "", NULL },
		{ "&&stage=x&&", KS_STATUS_OK, "x", "", NULL },
		{ "stage=x&other=1&junk=", KS_STATUS_OK, "x", "", NULL },
		{ "stage=0123456789012345678901234567890", KS_STATUS_OK,
		    "0123456789012345678901234567890", "", NULL },	/* 31 */
		/* refused */
		{ "", KS_STATUS_EINVAL, NULL, NULL, "no stage field" },
		{ "&", KS_STATUS_EINVAL, NULL, NULL, "no stage field" },
		{ "detail=x", KS_STATUS_EINVAL, NULL, NULL, "no stage field" },
		{ "Stage=x", KS_STATUS_EINVAL, NULL, NULL, "no stage field" },
		{ "stage", KS_STATUS_EINVAL, NULL, NULL,
		    "a field without '='" },
		{ "stage=x&detail", KS_STATUS_EINVAL, NULL, NULL,
		    "a field without '='" },
		{ "=x&stage=x", KS_STATUS_EINVAL, NULL, NULL,
		    "a field without a name" },
		{ "stage=", KS_STATUS_EINVAL, NULL, NULL,
		    "stage must be 1 to 31 of a-z 0-9 -" },
		{ "stage=Bad_Stage", KS_STATUS_EINVAL, NULL, NULL,
		    "stage must be 1 to 31 of a-z 0-9 -" },
		{ "stage=a+b", KS_STATUS_EINVAL, NULL, NULL,
		    "stage must be 1 to 31 of a-z 0-9 -" },
		{ "stage=01234567890123456789012345678901", KS_STATUS_EINVAL,
		    NULL, NULL, "stage must be 1 to 31 of a-z 0-9 -" }, /* 32 */
		{ "stage=x&stage=x", KS_STATUS_EINVAL, NULL, NULL,
		    "stage given twice" },
		{ "stage=x&detail=a&detail=b", KS_STATUS_EINVAL, NULL, NULL,
		    "detail given twice" },
		{ "stage=x&detail=a%01b", KS_STATUS_EINVAL, NULL, NULL,
		    "detail must hold no control byte but tab" },
		{ "stage=x&detail=a%0Ab", KS_STATUS_EINVAL, NULL, NULL,
		    "detail must hold no control byte but tab" },
		{ "stage=x&detail=a\rb", KS_STATUS_EINVAL, NULL, NULL,
		    "detail must hold no control byte but tab" },
		{ "stage=x&detail=%7f", KS_STATUS_EINVAL, NULL, NULL,
		    "detail must hold no control byte but tab" },
		{ "stage=x&detail=%00", KS_STATUS_EINVAL, NULL, NULL,
		    "NUL byte in a field (%00)" },
		{ "stage=x%00y", KS_STATUS_EINVAL, NULL, NULL,
		    "NUL byte in a field (%00)" },
		{ "stage=x&detail=50%", KS_STATUS_EINVAL, NULL, NULL,
		    "'%' without two hex digits" },
		{ "stage=x&detail=%4", KS_STATUS_EINVAL, NULL, NULL,
		    "'%' without two hex digits" },
		{ "stage=x&detail=%zz", KS_STATUS_EINVAL, NULL, NULL,
		    "'%' without two hex digits" },
		{ "stage=x&other=%g0", KS_STATUS_EINVAL, NULL, NULL,
		    "'%' without two hex digits" },	/* ignored, checked */
		{ "st%6=x", KS_STATUS_EINVAL, NULL, NULL,
		    "'%' without two hex digits" },
	};
	struct ks_status	 st;
	const char		*why;
	enum ks_status_rc	 rc;
	size_t			 i;

	for (i = 0; i < NITEMS(cases); i++) {
		why = "unset";
		rc = ks_status_parse(cases[i].body, strlen(cases[i].body), &st,
		    &why);
		if (rc != cases[i].rc)
			fail_msg("\"%s\": %d (%s), want %d", cases[i].body,
			    rc, why ? why : "-", cases[i].rc);
		if (rc == KS_STATUS_OK) {
			assert_null(why);
			assert_string_equal(st.stage, cases[i].stage);
			assert_string_equal(st.detail, cases[i].detail);
		} else
			assert_string_equal(why, cases[i].why);
	}
}

/* Not NUL-terminated, NULL when empty, NUL bytes, the size bounds. */
static void
test_bounds(void **state)
{
	struct ks_status	 st;
	const char		*why;
	char			*b;
	size_t			 n;

	assert_int_equal(ks_status_parse(NULL, 0, &st, &why),
	    KS_STATUS_EINVAL);
	assert_string_equal(why, "no stage field");
	/* Only len bytes are read: "stage=ab" without its "c". */
	assert_int_equal(ks_status_parse("stage=abc", 8, &st, &why),
	    KS_STATUS_OK);
	assert_string_equal(st.stage, "ab");
	/* A NUL byte, raw, anywhere. */
	assert_int_equal(ks_status_parse("stage=x\0&detail=y", 17, &st,
	    &why), KS_STATUS_EINVAL);
	assert_string_equal(why, "NUL byte in body");
	/* Over KS_STATUS_MAX: refused before a byte is read. */
	assert_int_equal(ks_status_parse(NULL, KS_STATUS_MAX + 1, &st, &why),
	    KS_STATUS_ETOOLARGE);
	assert_string_equal(why, "body too large");

	/* detail: 255 bytes decoded pass, 256 do not, however encoded. */
	assert_non_null(b = malloc(KS_STATUS_MAX + 1));
	n = (size_t)snprintf(b, KS_STATUS_MAX + 1, "stage=x&detail=");
	memset(b + n, 'a', KS_STATUS_DETAIL_MAX);
	n += KS_STATUS_DETAIL_MAX;
	assert_int_equal(ks_status_parse(b, n, &st, &why), KS_STATUS_OK);
	assert_int_equal(strlen(st.detail), KS_STATUS_DETAIL_MAX);
	b[n++] = 'a';
	assert_int_equal(ks_status_parse(b, n, &st, &why), KS_STATUS_EINVAL);
	assert_string_equal(why, "detail must be at most 255 bytes");
	n = (size_t)snprintf(b, KS_STATUS_MAX + 1, "stage=x&detail=");
	for (; n + 3 <= 15 + 3 * KS_STATUS_DETAIL_MAX; n += 3)
		memcpy(b + n, "%41", 3);
	assert_int_equal(ks_status_parse(b, n, &st, &why), KS_STATUS_OK);
	assert_int_equal(strlen(st.detail), KS_STATUS_DETAIL_MAX);
	memcpy(b + n, "%41", 3);
	assert_int_equal(ks_status_parse(b, n + 3, &st, &why),
	    KS_STATUS_EINVAL);

	/* The whole body: KS_STATUS_MAX bytes parse, one more is 413. */
	n = (size_t)snprintf(b, KS_STATUS_MAX + 1, "stage=x&pad=");
	memset(b + n, 'p', KS_STATUS_MAX - n);
	assert_int_equal(ks_status_parse(b, KS_STATUS_MAX, &st, &why),
	    KS_STATUS_OK);
	b[KS_STATUS_MAX] = 'p';
	assert_int_equal(ks_status_parse(b, KS_STATUS_MAX + 1, &st, &why),
	    KS_STATUS_ETOOLARGE);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
