/* SPDX-License-Identifier: ISC */
/*
 * For unit tests: add(rows, table, col1, col2, ...) adds one raw row,
 * one string (or NULL) per column of the table, and fails the test when
 * inv_rows_add() refuses it. Include after <cmocka.h> and db/inventory.h.
 */
#ifndef BOOTD_TEST_INV_ROWS_ADD_H
#define BOOTD_TEST_INV_ROWS_ADD_H

#include <stdarg.h>

static void
add(struct inv_rows *rows, enum inv_table_id t, ...)
{
	const char	*c[16];
	va_list		 ap;
	int		 i;

	va_start(ap, t);
	for (i = 0; i < inv_ncols[t]; i++)
		c[i] = va_arg(ap, const char *);
	va_end(ap);
	assert_int_equal(inv_rows_add(rows, t, c, NULL), 0);
}

#endif
