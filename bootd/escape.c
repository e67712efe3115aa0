/* SPDX-License-Identifier: ISC */
/*
 * escape: bytes of any origin -> printable ASCII, bounded. Pure.
 */
#include <string.h>

#include "bootd/escape.h"
#include "bootd/utf8.h"

/* The escaped form of c into e (ESCAPE_PER_BYTE bytes); returns its length. */
static size_t
escape_one(unsigned char c, int flags, char e[ESCAPE_PER_BYTE])
{
	static const char hex[] = "0123456789abcdef";

	if ((c == '"' || c == '\\') && (flags & ESCAPE_QUOTES)) {
		e[0] = '\\';
		e[1] = (char)c;
		return 2;
	}
	if ((flags & ESCAPE_C) && (c == '\n' || c == '\r' || c == '\t')) {
		e[0] = '\\';
		e[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		return 2;
	}
	if (c >= 0x20 && c < 0x7f && !((c == '"' || c == '\\') &&
	    (flags & ESCAPE_QUOTES_HEX))) {
		e[0] = (char)c;
		return 1;
	}
	e[0] = '\\';
	e[1] = 'x';
	e[2] = hex[c >> 4];
	e[3] = hex[c & 15];
	return 4;
}

size_t
escape_bytes(char *dst, size_t dstlen, const char *src, size_t srclen,
    size_t maxin, int flags)
{
	char	 e[ESCAPE_PER_BYTE];
	size_t	 i, o = 0, n, el;
	int	 mark = !(flags & ESCAPE_NOMARK);

	if (dstlen == 0)
		return 0;
	n = srclen < maxin ? srclen : maxin;
	for (i = 0; i < n; i++) {
		el = escape_one((unsigned char)src[i], flags, e);
		if (el >= dstlen - o)
			goto cut;
		memcpy(dst + o, e, el);
		o += el;
	}
	if (n < srclen && mark) {
		if (dstlen - o > 3) {
			memcpy(dst + o, "...", 3);
			o += 3;
		} else
			goto cut;
	}
	dst[o] = '\0';
	return o;
cut:
	/* What fits, then "..." over its tail. */
	if (mark && dstlen >= 4) {
		if (o > dstlen - 4)
			o = dstlen - 4;
		memcpy(dst + o, "...", 3);
		o += 3;
	} else if (mark)
		o = 0;
	dst[o] = '\0';
	return o;
}

size_t
escape_json(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)src;
	const char	*from;
	char		 e[ESCAPE_JSON_PER_BYTE];
	size_t		 i = 0, o = 0, el, n;
	unsigned char	 c;

	while (i < srclen) {
		c = p[i];
		from = e;
		n = 1;
		el = 2;
		e[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			e[1] = (char)c;
			break;
		case '\b':
			e[1] = 'b';
			break;
		case '\f':
			e[1] = 'f';
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\t':
			e[1] = 't';
			break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				e[0] = (char)c;
				el = 1;
			} else if (c >= 0x80 &&
			    (n = utf8_seqlen(p + i, srclen - i)) > 0) {
				from = src + i;
				el = n;
			} else {
				n = 1;
				memcpy(e, "\\u00", 4);
				e[4] = hex[c >> 4];
				e[5] = hex[c & 15];
				el = 6;
			}
		}
		if (o + el < dstlen)
			memcpy(dst + o, from, el);
		o += el;
		i += n;
	}
	if (o < dstlen)
		dst[o] = '\0';
	else if (dstlen > 0)
		dst[0] = '\0';
	return o;
}

int
hex_digit(unsigned char c)
{
	unsigned char	l = c | 0x20;	/* 'A'-'F' to 'a'-'f' */

	if (c >= '0' && c <= '9')
		return c - '0';
	return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

ssize_t
form_decode(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	size_t	i, o = 0;
	int	c, hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (n - i < 3 ||
			    (hi = hex_digit((unsigned char)s[i + 1])) == -1 ||
			    (lo = hex_digit((unsigned char)s[i + 2])) == -1) {
				*why = "'%' without two hex digits";
				return -1;
			}
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == '\0') {
			*why = "NUL byte in a field (%00)";
			return -1;
		}
		if (o + 1 < cap)
			out[o] = (char)c;
		o++;
	}
	if (cap > 0)
		out[o < cap ? o : cap - 1] = '\0';
	return (ssize_t)o;
}
