/* SPDX-License-Identifier: ISC */
/*
 * utf8: validation (RFC 3629 §4, the table of well-formed byte sequences)
 * and the one cleaner for strings bound for the database.
 */
#include <string.h>

#include "bootd/utf8.h"

size_t
utf8_seqlen(const unsigned char *p, size_t n)
{
	unsigned char	c = p[0], lo = 0x80, hi = 0xbf;
	size_t		len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (c == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;		/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;		/* past U+10FFFF */
	} else
		return 0;
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

size_t
utf8_clean(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i = 0, o = 0, n, room, k = 0;
	size_t			 starts[3] = { 0, 0, 0 };	/* last 3 */
	char			 esc[4];
	const char		*piece;

	if (dstlen == 0)
		return 0;
	/* Room for "..." once a piece does not fit. */
	room = dstlen - 1;
	while (i < srclen) {
		n = utf8_seqlen(s + i, srclen - i);
		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\') &&
		    s[i] != '\t')
			n = 0;
		if (n == 0) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[s[i] >> 4];
			esc[3] = hex[s[i] & 15];
			piece = esc;
			n = 4;
		} else
			piece = (const char *)s + i;
		if (room - o < n)
			goto cut;
		memcpy(dst + o, piece, n);
		starts[k++ % 3] = o;
		o += n;
		i += piece == esc ? 1 : n;
	}
	dst[o] = '\0';
	return o;
cut:
	/*
	 * Whole pieces only (a character or an escape): drop the last ones
	 * until "..." fits. Each is at least a byte, so three always do.
	 */
	if (room >= 3) {
		while (o > room - 3 && k > 0)
			o = starts[--k % 3];
		memcpy(dst + o, "...", 3);
		o += 3;
	} else
		o = 0;
	dst[o] = '\0';
	return o;
}
