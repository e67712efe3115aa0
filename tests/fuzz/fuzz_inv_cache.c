/* SPDX-License-Identifier: ISC */
/*
 * fuzz_inv_cache: inv_cache_decode() on arbitrary bytes, then inv_build()
 * on whatever decodes. Each input is also tried with its length and
 * checksum fields repaired, so mutations reach the structural checks
 * behind the checksum. Whatever decodes must re-encode to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/inv_cache.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const uint8_t *data, size_t size)
{
	struct inv_rows	*rows;
	struct inv_snapshot *snap;
	uint8_t		*enc;
	size_t		 len, i;
	char		 err[256];

	err[0] = '\0';
	if ((rows = inv_cache_decode(data, size, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();	/* every failure gives a reason */
		return;
	}
	/* The format has one encoding per set of rows. */
	if (inv_cache_encode(rows, &enc, &len) == -1)
		abort();
	if (len != size || memcmp(enc, data, size) != 0)
		abort();
	free(enc);
	if ((snap = inv_build(rows)) != NULL) {
		for (i = 0; i < snap->nhosts; i++)
			if (inv_by_mac(snap, snap->hosts[i].mac) !=
			    &snap->hosts[i] ||
			    inv_by_ip(snap, snap->hosts[i].ip) !=
			    &snap->hosts[i] ||
			    inv_by_name(snap, snap->hosts[i].hostname) !=
			    &snap->hosts[i])
				abort();
		inv_unref(snap);
	}
	inv_rows_free(rows);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		*copy;

	one(data, size);
	if (size < INV_CACHE_HDRLEN + 8 || (copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data, size);
	inv_cache_seal(copy, size);
	one(copy, size);
	free(copy);
	return 0;
}
