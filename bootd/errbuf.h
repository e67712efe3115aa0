/* SPDX-License-Identifier: ISC */
/*
 * errbuf: filling a caller's "char *err, size_t errlen" reason buffer
 * (rule 6: errors are returned, the boundary logs them once).
 */
#ifndef BOOTD_ERRBUF_H
#define BOOTD_ERRBUF_H

#include <stddef.h>

/*
 * Formats into err (errlen bytes, cut to fit, NUL-terminated); does
 * nothing when err is NULL or errlen 0. Returns -1, so that a failing
 * function can end in `return errbuf_set(err, errlen, ...);`.
 */
int	errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
