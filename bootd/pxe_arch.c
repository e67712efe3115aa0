/* SPDX-License-Identifier: ISC */
/*
 * pxe_arch: the architecture table and the rules read from it. Pure: no
 * I/O. A new loader (say RISC-V 64) is a column change here, then a
 * dhcp.bootfile setting; nothing else names a number.
 */
#include <stddef.h>

#include "bootd/pxe_arch.h"

/*
 * boot: the loader it gets (NONE: unsupported, BIOS file sent). http: the
 * loader goes out as a URL (UEFI HTTP boot). limits: the TFTP limits
 * class, which covers every UEFI firmware bootd has met, including the
 * ones it has no loader for (x86 and ARM32 UEFI still fetch the BIOS file
 * through their UEFI TFTP stack).
 */
static const struct {
	const char	*name;
	enum pxe_boot	 boot;
	int		 http;
	enum pxe_limits	 limits;
} archs[PXE_ARCH_MAX] = {
	[PXE_ARCH_X86_BIOS] = { "x86 BIOS", PXE_BOOT_BIOS, 0,
	    PXE_LIMITS_BIOS },
	[PXE_ARCH_NEC_PC98] = { "NEC/PC98", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_ITANIUM] = { "Itanium", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_DEC_ALPHA] = { "DEC Alpha", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_ARC_X86] = { "Arc x86", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_INTEL_LEAN] = { "Intel Lean Client", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_X86_UEFI] = { "x86 UEFI", PXE_BOOT_NONE, 0,
	    PXE_LIMITS_EFI },
	/* RFC 4578 said "EFI BC"; x64 firmware sends 7. */
	[PXE_ARCH_X64_UEFI] = { "x64 UEFI", PXE_BOOT_EFI64, 0,
	    PXE_LIMITS_EFI },
	[PXE_ARCH_EFI_XSCALE] = { "EFI Xscale", PXE_BOOT_NONE, 0, 0 },
	/* RFC 4578 said "EFI x86-64": older x64 ROMs send 9. */
	[PXE_ARCH_EBC] = { "EBC", PXE_BOOT_EFI64, 0, PXE_LIMITS_EFI },
	[PXE_ARCH_ARM32_UEFI] = { "ARM32 UEFI", PXE_BOOT_NONE, 0,
	    PXE_LIMITS_EFI },
	[PXE_ARCH_ARM64_UEFI] = { "ARM64 UEFI", PXE_BOOT_ARM64, 0,
	    PXE_LIMITS_EFI },
	[PXE_ARCH_PPC_OPEN_FW] = { "PowerPC Open Firmware", PXE_BOOT_NONE,
	    0, 0 },
	[PXE_ARCH_PPC_EPAPR] = { "PowerPC ePAPR", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_POWER_OPAL] = { "POWER OPAL v3", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_X86_UEFI_HTTP] = { "x86 UEFI HTTP", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_X64_UEFI_HTTP] = { "x64 UEFI HTTP", PXE_BOOT_EFI64, 1,
	    PXE_LIMITS_EFI },
	[PXE_ARCH_EBC_HTTP] = { "EBC HTTP", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_ARM32_UEFI_HTTP] = { "ARM32 UEFI HTTP", PXE_BOOT_NONE, 0,
	    0 },
	[PXE_ARCH_ARM64_UEFI_HTTP] = { "ARM64 UEFI HTTP", PXE_BOOT_ARM64, 1,
	    PXE_LIMITS_EFI },
	[PXE_ARCH_X86_BIOS_HTTP] = { "x86 BIOS HTTP", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_ARM32_UBOOT] = { "ARM32 U-Boot", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_ARM64_UBOOT] = { "ARM64 U-Boot", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_ARM32_UBOOT_HTTP] = { "ARM32 U-Boot HTTP", PXE_BOOT_NONE,
	    0, 0 },
	[PXE_ARCH_ARM64_UBOOT_HTTP] = { "ARM64 U-Boot HTTP", PXE_BOOT_NONE,
	    0, 0 },
	[PXE_ARCH_RISCV32_UEFI] = { "RISC-V 32 UEFI", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_RISCV32_UEFI_HTTP] = { "RISC-V 32 UEFI HTTP",
	    PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_RISCV64_UEFI] = { "RISC-V 64 UEFI", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_RISCV64_UEFI_HTTP] = { "RISC-V 64 UEFI HTTP",
	    PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_RISCV128_UEFI] = { "RISC-V 128 UEFI", PXE_BOOT_NONE, 0,
	    0 },
	[PXE_ARCH_RISCV128_UEFI_HTTP] = { "RISC-V 128 UEFI HTTP",
	    PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_S390_BASIC] = { "s390 Basic", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_S390_EXTENDED] = { "s390 Extended", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_MIPS32_UEFI] = { "MIPS32 UEFI", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_MIPS64_UEFI] = { "MIPS64 UEFI", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_SUNWAY32_UEFI] = { "Sunway32 UEFI", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_SUNWAY64_UEFI] = { "Sunway64 UEFI", PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_LOONGARCH32_UEFI] = { "LoongArch32 UEFI", PXE_BOOT_NONE,
	    0, 0 },
	[PXE_ARCH_LOONGARCH32_UEFI_HTTP] = { "LoongArch32 UEFI HTTP",
	    PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_LOONGARCH64_UEFI] = { "LoongArch64 UEFI", PXE_BOOT_NONE,
	    0, 0 },
	[PXE_ARCH_LOONGARCH64_UEFI_HTTP] = { "LoongArch64 UEFI HTTP",
	    PXE_BOOT_NONE, 0, 0 },
	[PXE_ARCH_ARM_RPIBOOT] = { "ARM rpiboot", PXE_BOOT_NONE, 0, 0 },
};

static int
known(int arch)
{
	return arch >= 0 && arch < PXE_ARCH_MAX;
}

const char *
pxe_arch_name(int arch)
{
	return known(arch) ? archs[arch].name : "unknown";
}

enum pxe_boot
pxe_arch_boot(int arch)
{
	return known(arch) ? archs[arch].boot : PXE_BOOT_NONE;
}

int
pxe_arch_is_http(int arch)
{
	return known(arch) && archs[arch].boot != PXE_BOOT_NONE &&
	    archs[arch].http;
}

enum pxe_limits
pxe_arch_limits(int arch)
{
	return known(arch) ? archs[arch].limits : PXE_LIMITS_NONE;
}

int
pxe_arch_next_tftp(enum pxe_boot b, int after)
{
	int a;

	for (a = after < 0 ? 0 : after + 1; a < PXE_ARCH_MAX; a++)
		if (archs[a].boot == b && b != PXE_BOOT_NONE &&
		    !archs[a].http)
			return a;
	return -1;
}
