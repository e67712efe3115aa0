/* SPDX-License-Identifier: ISC */
/*
 * dhcp_server: the DHCP listener on the event loop: receives requests
 * (IP_PKTINFO tells the interface), asks the pure dhcp_policy what to do,
 * sends the reply where the policy says, and queues discovered MACs and
 * dhcp-offer/dhcp-ack boot events to the DB thread (rate-limited).
 */
#ifndef BOOTD_DHCP_SERVER_H
#define BOOTD_DHCP_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct bootd;
struct dhcp_srv;

/*
 * Binds dhcp.listen:dhcp.port (on dhcp.interfaces when set). Returns the
 * server (dhcp_stop() it) or NULL with err filled.
 */
struct dhcp_srv *dhcp_start(struct bootd *bd, char *err, size_t errlen);

/* Closes and frees. Accepts NULL. */
void	dhcp_stop(struct dhcp_srv *srv);

#endif
