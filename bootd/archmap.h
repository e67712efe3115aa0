/* SPDX-License-Identifier: ISC */
/*
 * archmap: the client architecture (DHCP option 93, an enum pxe_arch
 * value) last seen for each client IP, so TFTP can apply per-firmware
 * limits (pxe_arch_limits(), hence the include). Fixed size, no
 * allocation; old entries are overwritten. Pure.
 */
#ifndef BOOTD_ARCHMAP_H
#define BOOTD_ARCHMAP_H

#include <stdint.h>

#include "bootd/pxe_arch.h"

#define ARCHMAP_SIZE	4096	/* slots; a power of two */
#define ARCHMAP_PROBE	8	/* slots tried per lookup */

struct archmap_ent {
	uint32_t	ip;	/* host order; 0 = empty */
	int32_t		arch;
};

struct archmap {
	struct archmap_ent	e[ARCHMAP_SIZE];
	uint32_t		next_evict;
};

/* Records arch for ip (host order, not 0). */
void	archmap_set(struct archmap *m, uint32_t ip, int arch);

/* The arch last recorded for ip, or -1. */
int	archmap_get(const struct archmap *m, uint32_t ip);

#endif
