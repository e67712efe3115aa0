/* SPDX-License-Identifier: ISC */
/*
 * dhcpgen: the inventory snapshot as a config for an existing DHCP server:
 * ISC dhcpd (a dhcpd.conf), Kea (a Dhcp4 JSON config) or dnsmasq (a conf
 * file). Pure: no I/O, no logging, no clock; the same snapshot and config
 * always give the same bytes.
 */
#ifndef BOOTD_DHCPGEN_H
#define BOOTD_DHCPGEN_H

#include <stddef.h>

#include "bootd/config.h"
#include "db/inventory.h"

enum dhcpgen_format {
	DHCPGEN_ISC,
	DHCPGEN_KEA,
	DHCPGEN_DNSMASQ,
	DHCPGEN_FMT_MAX
};

/* "isc", "kea", "dnsmasq": as dhcpgen.format and --format spell them. */
extern const char *const dhcpgen_format_names[DHCPGEN_FMT_MAX];

/* The BOOTP file field holds 128 bytes with its NUL (RFC 951). */
#define DHCPGEN_BOOTFILE_MAX	127
/* Hosts named in the "left out" comment, then a count. */
#define DHCPGEN_LEFT_OUT_NAMED	20

/* name -> enum dhcpgen_format, or -1 for anything else ("" too). */
int	dhcpgen_format_parse(const char *name);

/*
 * Renders the enabled hosts of snap with the subnets and boot files of cfg
 * (both borrowed for the call) in format fmt. On success returns 0 and a
 * new NUL-terminated buffer in *out (free() it) of *len bytes.
 *
 * What goes in, for every format:
 * - one declaration per configured subnet (dhcp.subnets, in config order)
 *   with its router, DNS servers, domain and lease time, and no dynamic
 *   range: only the reservations are served, as bootd's own DHCP does;
 * - one reservation per enabled host whose IP lies in a configured subnet,
 *   in snapshot order (by hostname); enabled hosts outside every subnet are
 *   left out and named in a comment (Kea: the Dhcp4 "user-context"), since
 *   Kea refuses a reservation outside its subnet and the other two would
 *   not serve it either;
 * - the boot file by client architecture, as dhcp_policy picks it (option
 *   93, RFC 4578 §2.1; the values from bootd/pxe_arch.h, fetched by
 *   TFTP): x64 UEFI and EBC dhcp.bootfile.efi64, ARM64 UEFI arm64,
 *   anything else bios; iPXE (user class "iPXE") first, with
 *   dhcp.bootfile.ipxe or bootd's script URL <server>/ipxe/${mac}.
 *   {{mac}}, {{ip}} and {{hostname}} in dhcp.bootfile.ipxe are written as
 *   iPXE's own ${mac}, ${ip} and ${hostname}, which iPXE expands in the
 *   DHCP filename itself, so the rule stays one global rule (Kea has no
 *   per-host conditional);
 * - a profile's boot file overrides (bootfile_bios, _efi64, _arm64,
 *   _ipxe; the iPXE one rewritten the same way) for the served hosts of
 *   that profile, as the whole rule set of those hosts (each override,
 *   else the config's file): ISC, the same if/elsif chain inside each
 *   host block (dhcpd runs host statements after global ones); Kea, a
 *   class "bootd-p-<profile>" matching the hosts' MACs (pkt4.mac) with
 *   rule classes "bootd-p-<profile>/<rule>" behind it, while the config's
 *   classes skip the class "bootd-own"; dnsmasq, a tag set on the hosts'
 *   dhcp-host lines, "bootd-p-<profile>", with its own dhcp-boot lines,
 *   while the config's lines skip the tag "bootd-own" (tag-if). Kea and
 *   dnsmasq tests stay exclusive, so no order of theirs decides; ISC
 *   host scope is the innermost (checked with the real servers by
 *   tests/integration/80-dhcpgen.sh). UEFI HTTP boot (pxe_arch_is_http())
 *   is not written in any map;
 * - dhcp.next_server, when set, as the servers' siaddr setting.
 * No generation number or time goes in: an inventory change that the map
 * does not show (a host_var, a profile's kernel) gives the same bytes.
 *
 * Every string from the config (and, again, each override, which the
 * inventory already limits to what every format can carry) is validated
 * for its format: boot file names must be printable ASCII without spaces,
 * at most DHCPGEN_BOOTFILE_MAX bytes, and without the characters the
 * format cannot quote (ISC: '"' and '\'; dnsmasq: also ',' and '#'); Kea
 * strings are JSON-escaped. Domains must be DNS names (RFC 1123 labels).
 * Returns -1 with err (errlen bytes) naming the setting when something
 * cannot be written safely, when dhcp.subnets is empty, or on ENOMEM.
 */
int	dhcpgen_render(const struct inv_snapshot *snap,
	    const struct bootd_config *cfg, enum dhcpgen_format fmt, char **out,
	    size_t *len, char *err, size_t errlen);

#endif
