/* SPDX-License-Identifier: ISC */
/*
 * utf8: make bytes from the network valid, bounded UTF-8 before they reach
 * the database or a document. Pure: no I/O, no allocation.
 */
#ifndef BOOTD_UTF8_H
#define BOOTD_UTF8_H

#include <stddef.h>

/*
 * Copies src (srclen bytes, may hold anything, NULs included) into dst
 * (dstlen >= 1) as valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF): well-formed sequences are kept,
 * every other byte and every control byte but tab becomes the four ASCII
 * bytes \xNN, and a backslash becomes \x5c so the escape reads back
 * unambiguously. Cuts only between characters, ending a cut copy with
 * "..."; always NUL-terminates. Returns the number of bytes written
 * before the NUL.
 */
size_t	utf8_clean(char *dst, size_t dstlen, const char *src, size_t srclen);

/*
 * Length of the well-formed UTF-8 sequence at p (1..4), or 0 when the
 * bytes there (n of them available) are not one.
 */
size_t	utf8_seqlen(const unsigned char *p, size_t n);

#endif
