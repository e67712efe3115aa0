/* SPDX-License-Identifier: ISC */
/*
 * strbuf: a bounded, growable, NUL-terminated string buffer. Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/strbuf.h"

#define STRBUF_FIRST	256	/* first allocation, unless asked for more */

void
strbuf_init(struct strbuf *sb, size_t max)
{
	memset(sb, 0, sizeof(*sb));
	sb->max = max < STRBUF_NOMAX ? max : STRBUF_NOMAX;
}

static int
strbuf_fail(struct strbuf *sb, enum strbuf_err e)
{
	if (sb->err == STRBUF_OK)
		sb->err = e;
	return -1;
}

int
strbuf_reserve(struct strbuf *sb, size_t n)
{
	size_t	 cap;
	char	*p;

	if (sb->err != STRBUF_OK)
		return -1;
	if (n > sb->max - sb->len)
		return strbuf_fail(sb, STRBUF_TOOBIG);
	if (n < sb->cap - sb->len)		/* the NUL fits too */
		return 0;
	/* Doubling, clamped to max + 1, which cannot wrap (max <= NOMAX). */
	cap = sb->cap > 0 ? sb->cap : STRBUF_FIRST;
	while (cap - sb->len <= n && cap <= sb->max)
		cap *= 2;
	if (cap > sb->max + 1)
		cap = sb->max + 1;
	if ((p = realloc(sb->buf, cap)) == NULL)
		return strbuf_fail(sb, STRBUF_NOMEM);
	if (sb->buf == NULL)
		p[0] = '\0';
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

int
strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
	if (strbuf_reserve(sb, n) == -1)
		return -1;
	if (n > 0)
		memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int
strbuf_puts(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int
strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;

	if (sb->err != STRBUF_OK)
		return -1;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return strbuf_fail(sb, STRBUF_NOMEM);
	if (strbuf_reserve(sb, (size_t)n) == -1)
		return -1;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

char *
strbuf_room(struct strbuf *sb, size_t n)
{
	if (strbuf_reserve(sb, n) == -1)
		return NULL;
	return sb->buf + sb->len;
}

void
strbuf_commit(struct strbuf *sb, size_t used)
{
	if (sb->buf == NULL || used >= sb->cap - sb->len)
		return;
	sb->len += used;
	sb->buf[sb->len] = '\0';
}

char *
strbuf_take(struct strbuf *sb, size_t *len)
{
	char	*s = NULL;
	size_t	 max = sb->max;

	if (sb->err == STRBUF_OK) {
		if (sb->buf == NULL)
			(void)strbuf_reserve(sb, 0);
		if (sb->err == STRBUF_OK) {
			s = sb->buf;
			if (len != NULL)
				*len = sb->len;
			sb->buf = NULL;
		}
	}
	strbuf_free(sb);
	sb->max = max;
	return s;
}

void
strbuf_free(struct strbuf *sb)
{
	size_t	 max = sb->max;

	free(sb->buf);
	strbuf_init(sb, max);
}
