/* SPDX-License-Identifier: ISC */
/*
 * errbuf: one formatter for reason buffers. Pure.
 */
#include <stdarg.h>
#include <stdio.h>

#include "bootd/errbuf.h"

int
errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
