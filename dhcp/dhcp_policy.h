/* SPDX-License-Identifier: ISC */
/*
 * dhcp_policy: who gets what (RFC 2131 §4.3, RFC 4578). A parsed request,
 * the inventory snapshot and the config in; OFFER, ACK, NAK or IGNORE out,
 * with the reply planned for dhcp_reply_build() and where to send it.
 * Pure: no I/O, no clock, no logging; every NAK-or-ignore choice is made in
 * one table in dhcp_policy.c.
 */
#ifndef DHCP_POLICY_H
#define DHCP_POLICY_H

#include <stdint.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "dhcp/dhcp_msg.h"

enum dhcp_action {
	DHCP_ACT_IGNORE,
	DHCP_ACT_OFFER,
	DHCP_ACT_ACK,
	DHCP_ACT_NAK,
	DHCP_ACT_MAX
};

/* Why a request was not answered normally; each maps to IGNORE or NAK. */
enum dhcp_reason {
	DHCP_R_NONE,		/* answered */
	DHCP_R_BOOTP,		/* no option 53 */
	DHCP_R_BAD_TYPE,	/* a server's message type, or unknown */
	DHCP_R_OTHER_SERVER,	/* option 54 names another server */
	DHCP_R_NOT_ETHERNET,	/* htype/hlen not 1/6 */
	DHCP_R_RELEASE,		/* recorded, never answered */
	DHCP_R_DECLINE,		/* recorded, never answered */
	DHCP_R_UNKNOWN_MAC,
	DHCP_R_DISABLED,
	DHCP_R_NO_SERVER_IP,	/* receiving interface has no address */
	DHCP_R_NO_SUBNET,
	DHCP_R_OUTSIDE_SUBNET,	/* host IP not in the selected subnet */
	DHCP_R_BOOTFILE_LONG,
	DHCP_R_NO_ADDRESS,	/* REQUEST with no 50, no 54, no ciaddr */
	DHCP_R_SELECT_WRONG_IP,	/* SELECTING: 50 is not the host's IP */
	DHCP_R_REBOOT_WRONG_IP,	/* INIT-REBOOT: 50 is not the host's IP */
	DHCP_R_RENEW_WRONG_IP,	/* RENEWING/REBINDING: ciaddr is not */
	DHCP_R_MAX
};

/*
 * The outcome of one request. host and subnet are borrowed from the
 * snapshot and the config (NULL when not found); reply is meaningful for
 * OFFER, ACK and NAK only and borrows strings from both (see dhcp_msg.h).
 */
struct dhcp_decision {
	enum dhcp_action action;
	enum dhcp_reason reason;
	int		 discovered;	/* DISCOVER from an unknown MAC */
	const struct inv_host *host;
	const struct config_subnet *subnet;
	const char	*note;		/* answered, but worth a debug line */
	struct dhcp_reply reply;
};

/*
 * Decides the answer to m (RFC 2131 §4.3) received on the interface whose
 * address is server_ip (host order). snap may be NULL (no inventory yet:
 * every MAC is unknown). Fills *d and returns d->action; *why is a static
 * reason for IGNORE and NAK, and d->note (often NULL) for OFFER and ACK.
 *
 * - Only known, enabled Ethernet MACs are answered: we are authoritative for
 *   them alone, so a REQUEST from an unknown MAC gets silence, not a NAK.
 *   A DISCOVER from an unknown MAC sets d->discovered.
 * - Subnet: the one holding giaddr when relayed, else the one holding
 *   server_ip; the host's IP must lie in it.
 * - DISCOVER → OFFER of the host's IP. REQUEST: SELECTING (54 present) for
 *   another server → IGNORE; 50 (or ciaddr) not the host's IP → NAK.
 *   INIT-REBOOT (50, no 54) and RENEWING/REBINDING (ciaddr only) → ACK when
 *   it is the host's IP, else NAK: this is how an IP changed in the DB
 *   reaches a client holding the old one. INFORM → ACK without yiaddr or
 *   lease (§4.3.5). RELEASE, DECLINE → IGNORE with their own reasons.
 * - Boot file by option 93 (RFC 4578 §2.1), iPXE (user class) first; the
 *   host's profile override (bootfile_bios, _efi64, _arm64, _ipxe) wins
 *   over the config's dhcp.bootfile.*; see dhcp_policy.c for the HTTP
 *   boot and iPXE URLs.
 * - d->reply.dest: relay → giaddr:port; NAK → broadcast (§4.1); ciaddr set
 *   → unicast to it; else broadcast. Ports: cfg->dhcp.port for relays, one
 *   more for clients (67 → 68, as udhcpc -P expects).
 */
enum dhcp_action dhcp_policy_decide(const struct dhcp_msg *m,
	    const struct inv_snapshot *snap, const struct bootd_config *cfg,
	    uint32_t server_ip, struct dhcp_decision *d, const char **why);

/*
 * The boot file an OFFER or ACK to host h (borrowed) would carry, from the
 * same code as dhcp_policy_decide(), for a request sent by firmware of
 * architecture arch (option 93, RFC 4578 §2.1; -1: no option 93, as old
 * BIOS ROMs do), or by iPXE when ipxe is set, received on server_ip (host
 * order; only used for an HTTP URL when neither http.public_url nor
 * http.listen names the address). Writes it NUL-terminated into out
 * (outlen >= 1). Returns 0; -1 when it is longer than option 67 holds
 * (the server would not answer) or than out. *note: a static remark
 * (e.g. the BIOS file sent for an unsupported arch) or NULL.
 */
int	dhcp_policy_bootfile(const struct inv_host *h,
	    const struct bootd_config *cfg, int arch, int ipxe,
	    uint32_t server_ip, char *out, size_t outlen, const char **note);

/* "IGNORE", "OFFER", "ACK", "NAK"; "unknown" otherwise. Static. */
const char *dhcp_action_name(int action);

/* The text of a reason ("unknown MAC", ...); "" for DHCP_R_NONE. Static. */
const char *dhcp_reason_text(int reason);

/*
 * A reason as a token ("unknown_mac", "bootp", ...; "none" for
 * DHCP_R_NONE, "unknown" out of range), for metrics labels. Static.
 */
const char *dhcp_reason_name(int reason);

#endif
