/* SPDX-License-Identifier: ISC */
/*
 * http_range: the Range request header (RFC 7233 §2.1), pure.
 */
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include "bootd/http_range.h"

/* Decimal digits at *p into *v; no sign, no overflow. Returns digits. */
static int
range_num(const char **p, uint64_t *v)
{
	const char	*s = *p;
	uint64_t	 n = 0, d;

	while (*s >= '0' && *s <= '9') {
		d = (uint64_t)(*s - '0');
		if (n > (UINT64_MAX - d) / 10)
			return 0;
		n = n * 10 + d;
		s++;
	}
	if (s == *p)
		return 0;
	*v = n;
	*p = s;
	return 1;
}

int
http_range_parse(const char *h, uint64_t size, uint64_t *off, uint64_t *len)
{
	uint64_t	 first, last;
	const char	*p = h;

	if (h == NULL)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "bytes", 5) != 0)
		return 0;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '=')
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-') {
		/* Suffix range: the last N bytes (§2.1). */
		p++;
		if (!range_num(&p, &last))
			return 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0')
			return 0;	/* several ranges or junk: ignored */
		if (last == 0 || size == 0)
			return -1;
		*len = last < size ? last : size;
		*off = size - *len;
		return 1;
	}
	if (!range_num(&p, &first) || *p++ != '-')
		return 0;
	if (!range_num(&p, &last))
		last = UINT64_MAX;
	else if (last < first)
		return 0;		/* syntactically invalid: ignored */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return 0;
	if (first >= size)
		return -1;
	if (last >= size)
		last = size - 1;
	*off = first;
	*len = last - first + 1;
	return 1;
}
