/* SPDX-License-Identifier: ISC */
/*
 * dhcp_msg: the BOOTP/DHCP wire format (RFC 951, 2131, 2132, 4578, 3004,
 * 3046, 6842): parse a request into struct dhcp_msg, encode a reply planned
 * by dhcp_policy into bytes. Pure: no I/O, no clock, no logging, no globals.
 */
#ifndef DHCP_MSG_H
#define DHCP_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

#define DHCP_CHADDR_LEN		16
#define DHCP_SNAME_LEN		64
#define DHCP_FILE_LEN		128
#define DHCP_FIXED_LEN		236	/* op .. file */
#define DHCP_MIN_LEN		240	/* fixed part and magic cookie */
#define DHCP_BOOTP_MIN_LEN	300	/* RFC 951 packet size; ROMs want it */
#define DHCP_OPT_MAX		255	/* longest option body */
#define DHCP_MIN_MAX_SIZE	576	/* RFC 2132 §9.10: smallest option 57 */
#define DHCP_IPUDP_LEN		28	/* IPv4 header without options + UDP */
#define DHCP_FLAG_BROADCAST	0x8000	/* RFC 2131 §2, flags */
#define DHCP_HTYPE_ETHER	1

enum dhcp_op {
	DHCP_BOOTREQUEST = 1,
	DHCP_BOOTREPLY = 2
};

/* Option 53 values (RFC 2132 §9.6); 0 stands for "none" (BOOTP). */
enum dhcp_msg_type {
	DHCP_NONE = 0,
	DHCP_DISCOVER = 1,
	DHCP_OFFER,
	DHCP_REQUEST,
	DHCP_DECLINE,
	DHCP_ACK,
	DHCP_NAK,
	DHCP_RELEASE,
	DHCP_INFORM,
	DHCP_MSG_TYPE_MAX
};

/* The option codes bootd reads or writes. */
enum dhcp_opt {
	DHO_PAD = 0,
	DHO_SUBNET_MASK = 1,
	DHO_ROUTER = 3,
	DHO_DNS = 6,
	DHO_HOSTNAME = 12,
	DHO_DOMAIN = 15,
	DHO_VENDOR_OPTS = 43,
	DHO_REQUESTED_IP = 50,
	DHO_LEASE_TIME = 51,
	DHO_OVERLOAD = 52,
	DHO_MSG_TYPE = 53,
	DHO_SERVER_ID = 54,
	DHO_PRL = 55,
	DHO_MESSAGE = 56,
	DHO_MAX_SIZE = 57,
	DHO_T1 = 58,
	DHO_T2 = 59,
	DHO_VENDOR_CLASS = 60,
	DHO_CLIENT_ID = 61,
	DHO_TFTP_SERVER = 66,
	DHO_BOOTFILE = 67,
	DHO_USER_CLASS = 77,
	DHO_RELAY_INFO = 82,
	DHO_CLIENT_ARCH = 93,
	DHO_CLIENT_NDI = 94,
	DHO_CLIENT_UUID = 97,
	DHO_IPXE_ENCAP = 175,
	DHO_END = 255
};

/* Option 52 values (RFC 2132 §9.3): which fields also hold options. */
#define DHCP_OVERLOAD_FILE	1
#define DHCP_OVERLOAD_SNAME	2

/* iPXE's encapsulated option 175, sub-option 176: skip ProxyDHCP wait. */
#define DHCP_IPXE_NO_PXEDHCP	176

/* PXE 2.1 spec: option 43 sub-option 6, PXE_DISCOVERY_CONTROL. */
#define DHCP_PXE_DISCOVERY_CONTROL	6
#define DHCP_PXE_DC_USE_BOOTFILE 0x08	/* boot file now, no discovery */

/*
 * A parsed request. Addresses are in host byte order. Every string is
 * NUL-terminated and bounded; its _len counts the bytes the client sent
 * (up to the buffer) and it may hold NULs of its own, so use _len, not
 * strlen(), when the exact bytes matter. Repeated options are concatenated
 * (RFC 3396 §7) up to DHCP_OPT_MAX bytes.
 */
struct dhcp_msg {
	uint8_t		 op;
	uint8_t		 htype;
	uint8_t		 hlen;		/* <= DHCP_CHADDR_LEN */
	uint8_t		 hops;
	uint32_t	 xid;
	uint16_t	 secs;
	uint16_t	 flags;
	uint32_t	 ciaddr;
	uint32_t	 yiaddr;
	uint32_t	 siaddr;
	uint32_t	 giaddr;
	uint8_t		 chaddr[DHCP_CHADDR_LEN];
	char		 sname[DHCP_SNAME_LEN + 1];	/* "" when overloaded */
	char		 file[DHCP_FILE_LEN + 1];	/* "" when overloaded */

	uint8_t		 overload;	/* option 52: DHCP_OVERLOAD_* bits */
	int		 is_bootp;	/* no option 53 */
	uint8_t		 type;		/* enum dhcp_msg_type; 0 for BOOTP */

	int		 has_requested_ip;
	uint32_t	 requested_ip;	/* 50 */
	int		 has_server_id;
	uint32_t	 server_id;	/* 54 */

	uint8_t		 prl[DHCP_OPT_MAX];	/* 55, in the client's order */
	size_t		 prl_len;
	uint16_t	 max_size;	/* 57, >= 576; 576 when absent */

	char		 vendor_class[DHCP_OPT_MAX + 1];	/* 60 */
	size_t		 vendor_class_len;
	int		 is_pxe;	/* 60 starts with "PXEClient" */
	int		 is_http;	/* 60 starts with "HTTPClient" */

	uint8_t		 client_id[DHCP_OPT_MAX];	/* 61, raw */
	size_t		 client_id_len;

	uint8_t		 user_class[DHCP_OPT_MAX];	/* 77, raw */
	size_t		 user_class_len;
	int		 is_ipxe;	/* 77 is "iPXE", bare or RFC 3004 */

	int		 has_arch;
	uint16_t	 arch;		/* 93: the first value */
	int		 has_ndi;
	uint8_t		 ndi[3];	/* 94: type, major, minor */
	int		 has_uuid;
	uint8_t		 uuid[16];	/* 97 with type 0 */

	char		 hostname[DHCP_OPT_MAX + 1];	/* 12 */
	size_t		 hostname_len;

	uint8_t		 relay_info[DHCP_OPT_MAX];	/* 82, echoed back */
	size_t		 relay_info_len;
	int		 has_relay_info;

	int		 has_ipxe_encap;	/* 175 present */
};

/* Where the I/O layer sends a reply (RFC 2131 §4.1). */
enum dhcp_dest {
	DHCP_DEST_NONE,		/* nothing to send */
	DHCP_DEST_RELAY,	/* unicast to giaddr, server port */
	DHCP_DEST_UNICAST,	/* unicast to ciaddr, client port */
	DHCP_DEST_BROADCAST	/* 255.255.255.255, client port */
};

#define DHCP_BOOTFILE_MAX	254	/* option 67 plus its NUL in 255 */
#define DHCP_MAX_DNS		8

/*
 * A reply as planned by dhcp_policy_decide() and encoded by
 * dhcp_reply_build(). Addresses in host byte order; 0 means "none" where
 * that is not a valid value. domain and hostname are borrowed from the
 * config and the inventory snapshot: keep both held until the reply is
 * built.
 */
struct dhcp_reply {
	uint8_t		 type;		/* DHCP_OFFER, DHCP_ACK or DHCP_NAK */
	uint32_t	 server_id;	/* 54, also the source address */
	uint32_t	 ciaddr;	/* ACK: the request's ciaddr */
	uint32_t	 yiaddr;
	uint32_t	 siaddr;	/* next server (TFTP) */
	uint16_t	 flags;		/* usually the request's */
	uint32_t	 lease_time;	/* 51; 0: no 51, 58, 59 (INFORM) */
	uint32_t	 t1;		/* 58 */
	uint32_t	 t2;		/* 59 */
	int		 has_netmask;
	uint32_t	 netmask;	/* 1 */
	uint32_t	 router;	/* 3; 0 = none */
	uint32_t	 dns[DHCP_MAX_DNS];	/* 6 */
	int		 ndns;
	const char	*domain;	/* 15; NULL or "" = none */
	const char	*hostname;	/* 12; NULL or "" = none */
	char		 tftp_server[16];	/* 66; "" = none */
	char		 bootfile[DHCP_BOOTFILE_MAX + 1];	/* 67, file */
	int		 boot_always;	/* send 66/67 even when not asked */
	const char	*vendor_class;	/* 60 echo: "PXEClient", NULL */
	int		 pxe_discovery;	/* 43 { 6: 8 } with "PXEClient" */
	int		 ipxe_no_pxedhcp;	/* 175 { 176: 1 } */
	const char	*message;	/* 56 (NAK); NULL = none */

	enum dhcp_dest	 dest;
	uint32_t	 dest_ip;
	uint16_t	 dest_port;
};

/*
 * Parses a BOOTREQUEST of len bytes at p (RFC 2131 §2, §4.1; RFC 2132).
 * Options come from the options field, then from file and sname when option
 * 52 in the options field says so (an option 52 inside those fields is
 * skipped). A walk ends at END or, leniently, exactly at the end of its
 * field. Returns 0 and fills *out, or -1 with *why set to a static reason:
 * shorter than 240 bytes, op not BOOTREQUEST, hlen > 16, bad magic cookie,
 * an option running past the end of its field, a malformed option 50, 53
 * or 54, or an option 82 too long to echo. A request without option 53
 * parses with is_bootp set. p is only read during the call.
 */
int	dhcp_msg_parse(const uint8_t *p, size_t len, struct dhcp_msg *out,
	    const char **why);

/*
 * Encodes r as the BOOTREPLY to req into buf (cap bytes): xid, flags (r's),
 * giaddr, htype, hlen and chaddr echoed; file holds r->bootfile when it
 * fits with its NUL. Options: 53, 54 first; then the ones the client asked
 * for in option 55, in its order (no 55 at all: all of them); then the
 * mandatory ones (51, 1, 61 echo per RFC 6842, 66/67 when r->boot_always,
 * 60 with 43, 175); 82 last (RFC 3046 §2.2); END; zero padding to 300
 * bytes. r's strings must be NUL-terminated. A NAK carries only 53,
 * 54, 56, 61 and 82 (RFC 2131 table 3). The packet never exceeds
 * min(cap, option 57 - 28): whole options are dropped, least important
 * first, rather than truncated. Returns the length, or -1 when r is not an
 * OFFER, ACK or NAK, or when 300 bytes or 53, 54 and 82 do not fit.
 */
ssize_t	dhcp_reply_build(const struct dhcp_reply *r, const struct dhcp_msg *req,
	    uint8_t *buf, size_t cap);

/* "DISCOVER", ..., "BOOTP" for 0, "unknown" otherwise. Static. */
const char *dhcp_msg_type_name(int type);

#endif
