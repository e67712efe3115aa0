/* SPDX-License-Identifier: ISC */
/*
 * escape: the one escaper family, for bytes that may hold anything (a
 * peer's, a database row's, a template's) on their way into a log line,
 * a message or a terminal. Printable ASCII passes; the flags say what else
 * is escaped and how. Pure: no I/O, no allocation, no globals.
 */
#ifndef BOOTD_ESCAPE_H
#define BOOTD_ESCAPE_H

#include <stddef.h>

/*
 * Bytes outside printable ASCII (0x20..0x7e) always become \xNN (lowercase
 * hex). The flags add:
 *   ESCAPE_QUOTES_HEX	'"' and '\' as \x22 and \x5c (log lines);
 *   ESCAPE_QUOTES	'"' and '\' as \" and \\ (a value between quotes);
 *   ESCAPE_C		newline, CR and tab as \n, \r, \t;
 *   ESCAPE_NOMARK	a cut copy ends without "...".
 */
#define ESCAPE_QUOTES_HEX	0x1
#define ESCAPE_QUOTES		0x2
#define ESCAPE_C		0x4
#define ESCAPE_NOMARK		0x8

/* The most bytes one input byte becomes. */
#define ESCAPE_PER_BYTE		4

/* dst room for all of maxin input bytes, "..." and the NUL. */
#define ESCAPE_BUFSZ(maxin)	((maxin) * ESCAPE_PER_BYTE + 4)

/*
 * Copies src (srclen bytes, may hold NULs) into dst (dstlen >= 1),
 * escaped as flags say, reading at most maxin bytes of src. A copy cut
 * short, by maxin or by dstlen, ends in "..." (unless ESCAPE_NOMARK): a
 * copy too long for dst keeps what fits with the "..." and the NUL, which
 * may cut an escape in two. Always NUL-terminates. Returns the length
 * written before the NUL.
 */
size_t	escape_bytes(char *dst, size_t dstlen, const char *src, size_t srclen,
	    size_t maxin, int flags);

/* The most bytes one input byte becomes in escape_json(). */
#define ESCAPE_JSON_PER_BYTE	6

/* dst room for all of srclen input bytes and the NUL. */
#define ESCAPE_JSON_BUFSZ(srclen)	((srclen) * ESCAPE_JSON_PER_BYTE + 1)

/*
 * Copies src (srclen bytes, may hold anything) into dst (dstlen >= 1) as
 * the inside of a JSON string (RFC 8259 §7): '"' and '\' get a
 * backslash, control bytes (below 0x20, and 0x7f) become \u00XX,
 * well-formed UTF-8 stays as it is and every other byte becomes \ufffd,
 * so the output is always valid JSON text in UTF-8. Stops before an
 * escape that would not fit (ESCAPE_JSON_BUFSZ() always fits); always
 * NUL-terminates. Returns the length written before the NUL.
 */
size_t	escape_json(char *dst, size_t dstlen, const char *src, size_t srclen);

#endif
