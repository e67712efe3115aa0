/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for kickstart/ks_status.c: the input is a POST /status
 * body. Aborts when a result breaks the contract in ks_status.h: a code out
 * of range, a reason where none belongs (or none where one does), 413 for
 * a body that fits, a stage or detail unterminated, too long or holding a
 * byte it may not; and when an accepted report, encoded again, does not
 * parse back the same, when a trailing '&' changes the answer, or when a
 * second stage field is not refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kickstart/ks_status.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* The length of s within size bytes; aborts when it is not terminated. */
static size_t
check_str(const char *s, size_t size)
{
	const char	*nul = memchr(s, '\0', size);

	CHECK(nul != NULL);
	return (size_t)(nul - s);
}

static void
check_status(const struct ks_status *st)
{
	size_t	i, n;

	n = check_str(st->stage, sizeof(st->stage));
	CHECK(n >= 1 && n <= KS_STATUS_STAGE_MAX);
	for (i = 0; i < n; i++)
		CHECK((st->stage[i] >= 'a' && st->stage[i] <= 'z') ||
		    (st->stage[i] >= '0' && st->stage[i] <= '9') ||
		    st->stage[i] == '-');
	n = check_str(st->detail, sizeof(st->detail));
	CHECK(n <= KS_STATUS_DETAIL_MAX);
	for (i = 0; i < n; i++)
		CHECK(((unsigned char)st->detail[i] >= 0x20 ||
		    st->detail[i] == '\t') && st->detail[i] != 0x7f);
}

/* Form-encodes s at the end of b (cap bytes; always fits here). */
static size_t
encode(char *b, size_t n, size_t cap, const char *s)
{
	for (; *s != '\0' && n + 4 < cap; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-')
			b[n++] = *s;
		else
			n += (size_t)snprintf(b + n, cap - n, "%%%02X",
			    (unsigned char)*s);
	}
	return n;
}

/* stage and detail encoded again parse back to the same report. */
static void
check_roundtrip(const struct ks_status *st)
{
	static char		 b[KS_STATUS_MAX];
	struct ks_status	 back;
	const char		*why;
	size_t			 n;

	/* 6 + 3 * 31 + 8 + 3 * 255 bytes at the most: it fits. */
	n = (size_t)snprintf(b, sizeof(b), "stage=");
	n = encode(b, n, sizeof(b), st->stage);
	n += (size_t)snprintf(b + n, sizeof(b) - n, "&detail=");
	n = encode(b, n, sizeof(b), st->detail);
	CHECK(ks_status_parse(b, n, &back, &why) == KS_STATUS_OK);
	CHECK(strcmp(back.stage, st->stage) == 0);
	CHECK(strcmp(back.detail, st->detail) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 more[] = "&stage=x";
	struct ks_status	 st, again;
	enum ks_status_rc	 rc;
	const char		*why, *why2;
	char			*b;

	rc = ks_status_parse((const char *)data, size, &st, &why);
	CHECK(rc == KS_STATUS_OK || rc == KS_STATUS_ETOOLARGE ||
	    rc == KS_STATUS_EINVAL);
	CHECK((rc == KS_STATUS_ETOOLARGE) == (size > KS_STATUS_MAX));
	if (rc != KS_STATUS_OK) {
		CHECK(why != NULL && *why != '\0');
		return 0;
	}
	CHECK(why == NULL);
	CHECK(memchr(data, '\0', size) == NULL);
	check_status(&st);
	check_roundtrip(&st);

	/* A copy with room for the suffixes below. */
	if ((b = malloc(size + sizeof(more))) == NULL)
		return 0;
	memcpy(b, data, size);
	/* An empty field at the end changes nothing. */
	b[size] = '&';
	rc = ks_status_parse(b, size + 1, &again, &why2);
	if (size + 1 <= KS_STATUS_MAX) {
		CHECK(rc == KS_STATUS_OK);
		CHECK(strcmp(again.stage, st.stage) == 0);
		CHECK(strcmp(again.detail, st.detail) == 0);
	} else
		CHECK(rc == KS_STATUS_ETOOLARGE);
	/* Nor does a second stage go unnoticed. */
	memcpy(b + size, more, sizeof(more) - 1);
	rc = ks_status_parse(b, size + sizeof(more) - 1, &again, &why2);
	CHECK(rc != KS_STATUS_OK);
	if (size + sizeof(more) - 1 <= KS_STATUS_MAX)
		CHECK(strcmp(why2, "stage given twice") == 0);
	free(b);
	return 0;
}
