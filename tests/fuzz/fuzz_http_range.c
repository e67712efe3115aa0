/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for bootd/http_range.c: the first 8 bytes of the input
 * are the entity size, the rest the Range header value as a client sends
 * it. Aborts when a result breaks the contract in http_range.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/http_range.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t	 sizes[] = { 0, 1, 100, UINT64_MAX };
	uint64_t		 esize = 0, off, len;
	char			*h;
	size_t			 i;
	int			 rc;

	if (size >= sizeof(esize)) {
		memcpy(&esize, data, sizeof(esize));
		data += sizeof(esize);
		size -= sizeof(esize);
	}
	if ((h = malloc(size + 1)) == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	for (i = 0; i <= sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t s = i == 0 ? esize : sizes[i - 1];

		rc = http_range_parse(h, s, &off, &len);
		CHECK(rc >= -1 && rc <= 1);
		if (rc == 1)
			CHECK(len >= 1 && off < s && len <= s - off);
		if (rc == -1)
			CHECK(s == 0 || strchr(h, '=') != NULL);
	}
	free(h);
	return 0;
}
