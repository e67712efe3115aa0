/* SPDX-License-Identifier: ISC */
/*
 * dhcp_server: the DHCP listener on the event loop: receives requests
 * (IP_PKTINFO tells the interface), asks the pure dhcp_policy what to do,
 * sends the reply where the policy says, and queues discovered MACs and
 * dhcp-offer/dhcp-ack boot events to the DB thread (rate-limited).
 *
 * Sockets and interfaces: one UDP socket on dhcp.listen:dhcp.port with
 * SO_BROADCAST and IP_PKTINFO. Broadcasts reach it only when dhcp.listen is
 * 0.0.0.0; a unicast address there serves relayed and unicast requests
 * only. When dhcp.interfaces is set, a request is answered only when the
 * interface it came in on has one of those names (looked up by index, so
 * an interface that appears later, or a HUP that changes the list,
 * applies at once; a renamed interface or a changed address is seen
 * within DHCP_IFACE_TTL_MS); nothing is bound per interface. A bridge's
 * ports are not interfaces here: list the bridge.
 *
 * The server address (option 54, siaddr fallback, reply source) is the
 * address the request was sent to when that is one of ours (relayed or
 * unicast), else the primary IPv4 address of the receiving interface.
 *
 * Destinations (RFC 2131 §4.1, planned by dhcp_policy): relayed → giaddr at
 * dhcp.port; ciaddr set → unicast to ciaddr at dhcp.port + 1; otherwise
 * 255.255.255.255 at dhcp.port + 1 out of the receiving interface (its
 * index in IP_PKTINFO). The replies to one read burst leave together in
 * one sendmmsg(), each with its own destination and IP_PKTINFO. A reply
 * that meets a full socket buffer is dropped and counted (with those
 * after it in its burst): the client retransmits, the loop never waits.
 */
#ifndef BOOTD_DHCP_SERVER_H
#define BOOTD_DHCP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "bootd/metrics.h"
#include "dhcp/dhcp_policy.h"

/* Datagrams read per callback before the loop gets a turn, and per call. */
#define DHCP_RECV_BURST		64
#define DHCP_RECV_BATCH		16
/*
 * Interfaces' names and primary addresses are cached by index: up to
 * DHCP_IFACE_CACHE of them, each looked up again after DHCP_IFACE_TTL_MS.
 */
#define DHCP_IFACE_CACHE	8
#define DHCP_IFACE_TTL_MS	1000
/* Receive buffer asked for, bytes (the kernel doubles it): see dhcp_start. */
#define DHCP_RCVBUF		(1024 * 1024)
/* Longest datagram read; a longer one is dropped as malformed. */
#define DHCP_PKT_MAX		4096
/* Longest reply: an Ethernet MTU less the IPv4 and UDP headers. */
#define DHCP_REPLY_MAX		(1500 - DHCP_IPUDP_LEN)

/*
 * Discovered MACs (unknown clients' DISCOVERs) reach the DB at most once per
 * MAC per DHCP_DISC_INTERVAL seconds, remembered in a table of
 * DHCP_DISC_SLOTS entries (DHCP_DISC_WAYS-way sets, the oldest entry of a
 * full set evicted), and at most DHCP_DISC_RATE per second over all MACs
 * (token bucket, bursts of DHCP_DISC_BURST). So a flood of N fresh MACs
 * over T seconds writes at most DHCP_DISC_BURST + DHCP_DISC_RATE * T rows.
 */
#define DHCP_DISC_INTERVAL	60
#define DHCP_DISC_SLOTS		4096
#define DHCP_DISC_WAYS		4
#define DHCP_DISC_RATE		50
#define DHCP_DISC_BURST		50

/* Boot events of known hosts (dhcp-offer, dhcp-ack, ...): a token bucket. */
#define DHCP_EVENT_RATE		100
#define DHCP_EVENT_BURST	200

/*
 * Every log line a peer can cause goes through bootd/log.h's limiter:
 * warnings one per reason per second (log_peer_keyed_warnx), the record
 * of each exchange and the debug trace on the notes' budget (log_note_*).
 */

struct bootd;
struct dhcp_srv;

struct dhcp_stats {
	uint64_t	received;	/* datagrams read */
	uint64_t	malformed;	/* bad, too long, no port: dropped */
	uint64_t	other_iface;	/* from an interface not in the list */
	uint64_t	offers;
	uint64_t	acks;
	uint64_t	naks;
	uint64_t	ignored;	/* all reasons */
	uint64_t	ignored_by[DHCP_R_MAX];	/* enum dhcp_reason */
	uint64_t	build_errors;	/* dhcp_reply_build() refused */
	uint64_t	send_errors;	/* replies not sent (full buffer, ...) */
	uint64_t	send_calls;	/* sendmmsg() calls made for them all */
	uint64_t	disc_queued;	/* discovered rows handed to the DB */
	uint64_t	disc_suppressed_mac;	/* seen within the interval */
	uint64_t	disc_suppressed_rate;	/* over the global rate */
	uint64_t	events_queued;	/* boot events handed to the DB */
	uint64_t	events_suppressed;	/* over DHCP_EVENT_RATE */
	uint64_t	db_queue_full;	/* db_thread_event() refused */
	/*
	 * Seconds from the read of a request's datagram to the sendmmsg()
	 * that sent its reply returning, replies sent only (one more clock
	 * read per sendmmsg()). A recvmmsg() batch shares its read time and
	 * a burst its send time, so a reply counts the wait for the others
	 * of its burst.
	 */
	struct metrics_hist decide_send;
};

/*
 * Binds dhcp.listen:dhcp.port (see above for dhcp.interfaces). bd is
 * borrowed for the server's lifetime; its cfg, snap and db are read at each
 * packet (db may still be NULL: no events are queued then). Returns the
 * server (dhcp_stop() it) or NULL with err filled.
 */
struct dhcp_srv *dhcp_start(struct bootd *bd, char *err, size_t errlen);

/* Logs the counters once, closes and frees. Accepts NULL. */
void	dhcp_stop(struct dhcp_srv *srv);

/*
 * The counters, each bumped where its event happens (see struct
 * dhcp_stats); borrowed, valid until dhcp_stop(). For /healthz.
 */
const struct dhcp_stats *dhcp_stats(const struct dhcp_srv *srv);

#endif
