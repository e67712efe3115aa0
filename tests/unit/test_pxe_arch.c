/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for bootd/pxe_arch: the PXE architecture table and its rules.
 * The numbers here are the registry's (RFC 4578 §2.1, IANA), written out
 * on purpose: the test is the spec the table is checked against.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "bootd/pxe_arch.h"

static void
test_names(void **state)
{
	int a;

	(void)state;
	assert_string_equal(pxe_arch_name(0), "x86 BIOS");
	assert_string_equal(pxe_arch_name(6), "x86 UEFI");
	assert_string_equal(pxe_arch_name(7), "x64 UEFI");
	assert_string_equal(pxe_arch_name(9), "EBC");
	assert_string_equal(pxe_arch_name(10), "ARM32 UEFI");
	assert_string_equal(pxe_arch_name(11), "ARM64 UEFI");
	assert_string_equal(pxe_arch_name(16), "x64 UEFI HTTP");
	assert_string_equal(pxe_arch_name(19), "ARM64 UEFI HTTP");
	assert_string_equal(pxe_arch_name(41), "ARM rpiboot");
	assert_string_equal(pxe_arch_name(42), "unknown");
	assert_string_equal(pxe_arch_name(65535), "unknown");
	assert_string_equal(pxe_arch_name(-1), "unknown");
	/* Every registered value has its row. */
	assert_int_equal(PXE_ARCH_MAX, 42);
	for (a = 0; a < PXE_ARCH_MAX; a++) {
		assert_non_null(pxe_arch_name(a));
		assert_string_not_equal(pxe_arch_name(a), "unknown");
	}
	assert_int_equal(PXE_ARCH_X64_UEFI, 7);
	assert_int_equal(PXE_ARCH_EBC, 9);
	assert_int_equal(PXE_ARCH_ARM64_UEFI, 11);
	assert_int_equal(PXE_ARCH_X64_UEFI_HTTP, 16);
	assert_int_equal(PXE_ARCH_ARM64_UEFI_HTTP, 19);
}

/* The rules as the DHCP server had them before the table (f735e5c). */
static enum pxe_boot
old_boot(int a, int *http)
{
	*http = a == 16 || a == 19;
	switch (a) {
	case 0:
		return PXE_BOOT_BIOS;
	case 7: case 9: case 16:
		return PXE_BOOT_EFI64;
	case 11: case 19:
		return PXE_BOOT_ARM64;
	default:
		return PXE_BOOT_NONE;
	}
}

/* ... and TFTP's arch_limits(). */
static enum pxe_limits
old_limits(int a)
{
	switch (a) {
	case 0:
		return PXE_LIMITS_BIOS;
	case 6: case 7: case 9: case 10: case 11: case 16: case 19:
		return PXE_LIMITS_EFI;
	default:
		return PXE_LIMITS_NONE;
	}
}

/* Every value option 93 can carry, and -1 ("not seen"): no change. */
static void
test_rules_unchanged(void **state)
{
	int a, http;

	(void)state;
	for (a = -1; a <= 65535; a++) {
		assert_int_equal(pxe_arch_boot(a), old_boot(a, &http));
		assert_int_equal(pxe_arch_is_http(a), http);
		assert_int_equal(pxe_arch_limits(a), old_limits(a));
	}
	assert_int_equal(pxe_arch_boot(-5), PXE_BOOT_NONE);
	assert_int_equal(pxe_arch_boot(1 << 20), PXE_BOOT_NONE);
	assert_int_equal(pxe_arch_limits(1 << 20), PXE_LIMITS_NONE);
}

/* The option 93 lists dhcpgen writes for each loader. */
static void
test_next_tftp(void **state)
{
	(void)state;
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_EFI64, -1), 7);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_EFI64, 7), 9);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_EFI64, 9), -1);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_ARM64, -1), 11);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_ARM64, 11), -1);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_BIOS, -1), 0);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_BIOS, 0), -1);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_NONE, -1), -1);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_EFI64, 65535), -1);
	assert_int_equal(pxe_arch_next_tftp(PXE_BOOT_EFI64, -7), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rules_unchanged),
		cmocka_unit_test(test_next_tftp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
