/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/archmap: IP -> client architecture. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "bootd/archmap.h"

static void
test_set_get(void **state)
{
	struct archmap *m = calloc(1, sizeof(*m));

	assert_int_equal(archmap_get(m, 0x0ad5000b), -1);
	archmap_set(m, 0x0ad5000b, 7);
	archmap_set(m, 0x0ad5000c, 0);
	assert_int_equal(archmap_get(m, 0x0ad5000b), 7);
	assert_int_equal(archmap_get(m, 0x0ad5000c), 0);
	archmap_set(m, 0x0ad5000b, 11);
	assert_int_equal(archmap_get(m, 0x0ad5000b), 11);
	archmap_set(m, 0, 7);
	assert_int_equal(archmap_get(m, 0), -1);
	free(m);
}

static void
test_many(void **state)
{
	struct archmap	*m = calloc(1, sizeof(*m));
	uint32_t	 ip, found = 0;

	/* More addresses than slots: recent ones stay, nothing crashes. */
	for (ip = 1; ip <= 3 * ARCHMAP_SIZE; ip++)
		archmap_set(m, 0x0a000000 + ip, (int)(ip % 20));
	for (ip = 1; ip <= 3 * ARCHMAP_SIZE; ip++) {
		int a = archmap_get(m, 0x0a000000 + ip);

		if (a != -1) {
			assert_int_equal(a, (int)(ip % 20));
			found++;
		}
	}
	assert_true(found > ARCHMAP_SIZE / 2);
	assert_true(found <= ARCHMAP_SIZE);
	assert_int_equal(archmap_get(m, 0x0a000000 + 3 * ARCHMAP_SIZE),
	    (int)((3 * ARCHMAP_SIZE) % 20));
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
