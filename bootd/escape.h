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
#include <sys/types.h>

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

/* The most bytes one input byte becomes in escape_json() (\u00NN). */
#define ESCAPE_JSON_PER_BYTE	6

/* dst room for the JSON form of any maxin input bytes and the NUL. */
#define ESCAPE_JSON_BUFSZ(maxin)	((maxin) * ESCAPE_JSON_PER_BYTE + 1)

/*
 * The body of a JSON string (RFC 8259 §7, without the quotes) for src
 * (srclen bytes, may hold anything, NULs included): '"' and '\' as \" and
 * \\; \b \f \n \r \t; every other byte below 0x20 and DEL as \u00NN;
 * well-formed UTF-8 (utf8_seqlen()) kept as it is; any other byte (not
 * UTF-8, so not JSON text) as \u00NN, its Latin-1 reading, so nothing is
 * lost and the result is always valid JSON. Never cuts: writes the whole
 * form and its NUL when it fits dst (dstlen bytes), else dst[0] = '\0'
 * when dstlen > 0. Returns the length of the whole form, as snprintf()
 * does: >= dstlen means it did not fit (ESCAPE_JSON_BUFSZ(srclen) always
 * does).
 */
size_t	escape_json(char *dst, size_t dstlen, const char *src, size_t srclen);

/* The value of hex digit c (either case), or -1. */
int	hex_digit(unsigned char c);

/*
 * Decodes the n form-encoded bytes at s (application/x-www-form-urlencoded
 * and query strings: '+' a space, %XX a byte) into out, cap bytes with the
 * NUL (out may be NULL when cap is 0: a check only). Bytes past cap - 1
 * are counted, not written, so the caller can refuse a long value by its
 * real length. Returns the decoded length, or -1 with *why (static) set:
 * "'%' without two hex digits", or "NUL byte in a field (%00)".
 */
ssize_t	form_decode(const char *s, size_t n, char *out, size_t cap,
	    const char **why);

#endif
