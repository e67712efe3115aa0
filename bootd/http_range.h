/* SPDX-License-Identifier: ISC */
/*
 * http_range: the Range request header (RFC 7233), pure, so that it can be
 * unit-tested and fuzzed apart from the HTTP server.
 */
#ifndef BOOTD_HTTP_RANGE_H
#define BOOTD_HTTP_RANGE_H

#include <stdint.h>

/*
 * Parses a Range header value for an entity of size bytes (RFC 7233 §2.1,
 * one byte range only). Returns 1 with *off and *len set for a satisfiable
 * range (off + len <= size, len >= 1), 0 when the header is to be ignored
 * (absent, malformed, several ranges, another unit: the whole entity is
 * sent), or -1 when no byte of the entity is in range (416).
 */
int	http_range_parse(const char *h, uint64_t size, uint64_t *off,
	    uint64_t *len);

#endif
