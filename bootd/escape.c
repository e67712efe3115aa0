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
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)src;
	char			 e[ESCAPE_JSON_PER_BYTE + 1];
	size_t			 i = 0, o = 0, el, sl;

	if (dstlen == 0)
		return 0;
	while (i < srclen) {
		sl = 1;
		if (p[i] == '"' || p[i] == '\\') {
			e[0] = '\\';
			e[1] = (char)p[i];
			el = 2;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			memcpy(e, "\\u00", 4);
			e[4] = hex[p[i] >> 4];
			e[5] = hex[p[i] & 15];
			el = 6;
		} else if (p[i] < 0x80) {
			e[0] = (char)p[i];
			el = 1;
		} else if ((sl = utf8_seqlen(p + i, srclen - i)) > 0) {
			memcpy(e, p + i, sl);
			el = sl;
		} else {
			memcpy(e, "\\ufffd", 6);
			el = 6;
			sl = 1;
		}
		if (el >= dstlen - o)
			break;
		memcpy(dst + o, e, el);
		o += el;
		i += sl;
	}
	dst[o] = '\0';
	return o;
}
