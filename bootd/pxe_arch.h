/* SPDX-License-Identifier: ISC */
/*
 * pxe_arch: the one table of PXE client architectures (DHCP option 93,
 * RFC 4578 §2.1 and the IANA "Processor Architecture Types" registry) and
 * the rules bootd applies by them: the name, which boot file a client gets
 * (and whether by TFTP or as a UEFI HTTP boot URL), which TFTP limits
 * apply. DHCP, TFTP and dhcpgen ask here; no architecture number appears
 * anywhere else. Pure: no I/O, no globals beyond the constant table.
 */
#ifndef BOOTD_PXE_ARCH_H
#define BOOTD_PXE_ARCH_H

/* The registry's values: what a client sends in option 93. */
enum pxe_arch {
	PXE_ARCH_X86_BIOS = 0,
	PXE_ARCH_NEC_PC98 = 1,
	PXE_ARCH_ITANIUM = 2,
	PXE_ARCH_DEC_ALPHA = 3,
	PXE_ARCH_ARC_X86 = 4,
	PXE_ARCH_INTEL_LEAN = 5,
	PXE_ARCH_X86_UEFI = 6,
	PXE_ARCH_X64_UEFI = 7,		/* RFC 4578: "EFI BC" */
	PXE_ARCH_EFI_XSCALE = 8,
	PXE_ARCH_EBC = 9,		/* RFC 4578: "EFI x86-64" */
	PXE_ARCH_ARM32_UEFI = 10,
	PXE_ARCH_ARM64_UEFI = 11,
	PXE_ARCH_PPC_OPEN_FW = 12,
	PXE_ARCH_PPC_EPAPR = 13,
	PXE_ARCH_POWER_OPAL = 14,
	PXE_ARCH_X86_UEFI_HTTP = 15,
	PXE_ARCH_X64_UEFI_HTTP = 16,
	PXE_ARCH_EBC_HTTP = 17,
	PXE_ARCH_ARM32_UEFI_HTTP = 18,
	PXE_ARCH_ARM64_UEFI_HTTP = 19,
	PXE_ARCH_X86_BIOS_HTTP = 20,
	PXE_ARCH_ARM32_UBOOT = 21,
	PXE_ARCH_ARM64_UBOOT = 22,
	PXE_ARCH_ARM32_UBOOT_HTTP = 23,
	PXE_ARCH_ARM64_UBOOT_HTTP = 24,
	PXE_ARCH_RISCV32_UEFI = 25,
	PXE_ARCH_RISCV32_UEFI_HTTP = 26,
	PXE_ARCH_RISCV64_UEFI = 27,
	PXE_ARCH_RISCV64_UEFI_HTTP = 28,
	PXE_ARCH_RISCV128_UEFI = 29,
	PXE_ARCH_RISCV128_UEFI_HTTP = 30,
	PXE_ARCH_S390_BASIC = 31,
	PXE_ARCH_S390_EXTENDED = 32,
	PXE_ARCH_MIPS32_UEFI = 33,
	PXE_ARCH_MIPS64_UEFI = 34,
	PXE_ARCH_SUNWAY32_UEFI = 35,
	PXE_ARCH_SUNWAY64_UEFI = 36,
	PXE_ARCH_LOONGARCH32_UEFI = 37,
	PXE_ARCH_LOONGARCH32_UEFI_HTTP = 38,
	PXE_ARCH_LOONGARCH64_UEFI = 39,
	PXE_ARCH_LOONGARCH64_UEFI_HTTP = 40,
	PXE_ARCH_ARM_RPIBOOT = 41,
	PXE_ARCH_MAX
};

/*
 * The boot file an architecture gets: the setting dhcp.bootfile.<name>
 * (and a profile's bootfile_<name>). PXE_BOOT_NONE: bootd has no loader
 * for it (the DHCP server sends the BIOS file and says so).
 */
enum pxe_boot {
	PXE_BOOT_NONE,
	PXE_BOOT_BIOS,
	PXE_BOOT_EFI64,
	PXE_BOOT_ARM64,
	PXE_BOOT_MAX
};

/* The firmware class whose TFTP limits (tftp.bios, tftp.efi) apply. */
enum pxe_limits {
	PXE_LIMITS_NONE,	/* no per-firmware limit */
	PXE_LIMITS_BIOS,
	PXE_LIMITS_EFI
};

/*
 * The registry's name of arch ("x64 UEFI"), or "unknown" for a value
 * outside it (any int, -1 included). Static.
 */
const char	*pxe_arch_name(int arch);

/* The boot file arch gets; PXE_BOOT_NONE for any unsupported int. */
enum pxe_boot	 pxe_arch_boot(int arch);

/*
 * 1 when arch is a UEFI HTTP boot client that bootd serves (its boot file
 * goes out as a URL and the offer must say "HTTPClient"), else 0.
 */
int		 pxe_arch_is_http(int arch);

/* The TFTP limits class of arch (-1, "not seen", gives PXE_LIMITS_NONE). */
enum pxe_limits	 pxe_arch_limits(int arch);

/*
 * The smallest architecture above after (-1 to start) that fetches boot
 * file b by TFTP (not HTTP boot), or -1 when there is none: the values a
 * DHCP server's "option 93 is one of" test for b lists, in order.
 */
int		 pxe_arch_next_tftp(enum pxe_boot b, int after);

#endif
