/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for dhcp/dhcp_msg.c: requests shaped like those of a PXE ROM,
 * iPXE and udhcpc; every malformed shape the parser must refuse or survive
 * (short, bad cookie, lengths past the end, overload games, hlen 17, no
 * END, pad runs); replies checked byte by byte: header echo, option order,
 * option 57 limit, 300-byte minimum, relay information echo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bootd/pxe_arch.h"
#include "dhcp/dhcp_msg.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Offsets in the fixed BOOTP header (RFC 2131 §2). */
#define O_OP		0
#define O_HTYPE		1
#define O_HLEN		2
#define O_HOPS		3
#define O_XID		4
#define O_SECS		8
#define O_FLAGS		10
#define O_CIADDR	12
#define O_YIADDR	16
#define O_SIADDR	20
#define O_GIADDR	24
#define O_CHADDR	28
#define O_SNAME		44
#define O_FILE		108
#define O_COOKIE	236
#define O_OPTIONS	240

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const char pxe_vc[] = "PXEClient:Arch:00000:UNDI:002001";

/* A request under construction. */
struct pkt {
	uint8_t		 b[2048];
	size_t		 len;
};

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Fixed header, cookie and, unless type is 0, option 53. */
static void
pkt_init(struct pkt *p, uint8_t type)
{
	memset(p, 0, sizeof(*p));
	p->b[O_OP] = DHCP_BOOTREQUEST;
	p->b[O_HTYPE] = 1;
	p->b[O_HLEN] = 6;
	be32(p->b + O_XID, 0xdeadbeef);
	p->b[O_SECS + 1] = 4;
	memcpy(p->b + O_CHADDR, mac1, 6);
	be32(p->b + O_COOKIE, 0x63825363);
	p->len = O_OPTIONS;
	if (type != 0) {
		p->b[p->len++] = DHO_MSG_TYPE;
		p->b[p->len++] = 1;
		p->b[p->len++] = type;
	}
}

static void
pkt_opt(struct pkt *p, uint8_t code, const void *data, size_t len)
{
	assert_true(len <= 255 && p->len + 2 + len <= sizeof(p->b));
	p->b[p->len++] = code;
	p->b[p->len++] = (uint8_t)len;
	memcpy(p->b + p->len, data, len);
	p->len += len;
}

static void
pkt_u8s(struct pkt *p, uint8_t code, const char *s)
{
	pkt_opt(p, code, s, strlen(s));
}

/* END, then zero padding to 300 bytes as real clients send. */
static void
pkt_end(struct pkt *p)
{
	p->b[p->len++] = DHO_END;
	if (p->len < 300)
		p->len = 300;
}

static void
parse_ok(const struct pkt *p, struct dhcp_msg *m)
{
	const char	*why = "unset";

	if (dhcp_msg_parse(p->b, p->len, m, &why) != 0)
		fail_msg("parse failed: %s", why);
	assert_null(why);
}

static void
parse_err(const struct pkt *p, const char *want)
{
	struct dhcp_msg	 m;
	const char	*why = NULL;

	assert_int_equal(dhcp_msg_parse(p->b, p->len, &m, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want);
	/* A refused packet leaves nothing half-filled. */
	assert_int_equal(m.type, 0);
	assert_int_equal(m.xid, 0);
}

/* A PXE ROM DISCOVER (iPXE's ROM in QEMU, SeaBIOS). */
static void
pxe_discover(struct pkt *p)
{
	static const uint8_t prl[] = { 1, 2, 3, 5, 6, 11, 12, 13, 15, 16,
	    17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66,
	    67, 128, 129, 130, 131, 132, 133, 134, 135 };
	static const uint8_t msz[] = { 0x05, 0xc0 };	/* 1472 */
	static const uint8_t arch[] = { 0, 0 };
	static const uint8_t ndi[] = { 1, 2, 1 };
	uint8_t		 uuid[17];
	int		 i;

	pkt_init(p, DHCP_DISCOVER);
	p->b[O_FLAGS] = 0x80;
	pkt_opt(p, DHO_MAX_SIZE, msz, sizeof(msz));
	pkt_opt(p, DHO_CLIENT_ARCH, arch, sizeof(arch));
	pkt_opt(p, DHO_CLIENT_NDI, ndi, sizeof(ndi));
	uuid[0] = 0;
	for (i = 1; i < 17; i++)
		uuid[i] = (uint8_t)(0xa0 + i);
	pkt_opt(p, DHO_CLIENT_UUID, uuid, sizeof(uuid));
	pkt_opt(p, DHO_PRL, prl, sizeof(prl));
	pkt_u8s(p, DHO_VENDOR_CLASS, pxe_vc);
	pkt_end(p);
}

static void
test_parse_pxe_rom(void **state)
{
	struct dhcp_msg	 m;
	struct pkt	 p;
	int		 i;

	(void)state;
	pxe_discover(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.op, DHCP_BOOTREQUEST);
	assert_int_equal(m.htype, 1);
	assert_int_equal(m.hlen, 6);
	assert_int_equal(m.xid, 0xdeadbeef);
	assert_int_equal(m.secs, 4);
	assert_int_equal(m.flags, DHCP_FLAG_BROADCAST);
	assert_memory_equal(m.chaddr, mac1, 6);
	assert_int_equal(m.type, DHCP_DISCOVER);
	assert_false(m.is_bootp);
	assert_int_equal(m.max_size, 1472);
	assert_true(m.has_arch);
	assert_int_equal(m.arch, 0);
	assert_true(m.has_ndi);
	assert_int_equal(m.ndi[0], 1);
	assert_int_equal(m.ndi[1], 2);
	assert_int_equal(m.ndi[2], 1);
	assert_true(m.has_uuid);
	for (i = 0; i < 16; i++)
		assert_int_equal(m.uuid[i], 0xa1 + i);
	assert_int_equal(m.prl_len, 35);
	assert_int_equal(m.prl[0], 1);
	assert_int_equal(m.prl[34], 135);
	assert_string_equal(m.vendor_class, pxe_vc);
	assert_int_equal(m.vendor_class_len, strlen(pxe_vc));
	assert_true(m.is_pxe);
	assert_false(m.is_http);
	assert_false(m.is_ipxe);
	assert_false(m.has_ipxe_encap);
	assert_false(m.has_requested_ip);
	assert_false(m.has_server_id);
	assert_false(m.has_relay_info);
	assert_string_equal(m.file, "");
	assert_string_equal(m.sname, "");
	assert_string_equal(pxe_arch_name(m.arch), "x86 BIOS");
}

/* iPXE's REQUEST: user class "iPXE" bare, option 175 with features. */
static void
test_parse_ipxe(void **state)
{
	static const uint8_t encap[] = { 177, 5, 1, 0x10, 0xec, 0x80, 0x00,
	    19, 1, 1, 21, 1, 1, 24, 1, 1, 235, 3, 1, 0, 2 };
	static const uint8_t arch[] = { 0, 7 };
	uint8_t		 cid[7] = { 1 }, ip[4], sid[4];
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pkt_init(&p, DHCP_REQUEST);
	memcpy(cid + 1, mac1, 6);
	be32(ip, 0x0a000005);
	be32(sid, 0x0a000002);
	pkt_opt(&p, DHO_IPXE_ENCAP, encap, sizeof(encap));
	pkt_opt(&p, DHO_CLIENT_ARCH, arch, sizeof(arch));
	pkt_u8s(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003010");
	pkt_u8s(&p, DHO_USER_CLASS, "iPXE");
	pkt_opt(&p, DHO_CLIENT_ID, cid, sizeof(cid));
	pkt_opt(&p, DHO_REQUESTED_IP, ip, 4);
	pkt_opt(&p, DHO_SERVER_ID, sid, 4);
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.type, DHCP_REQUEST);
	assert_true(m.is_ipxe);
	assert_true(m.has_ipxe_encap);
	assert_true(m.is_pxe);
	assert_int_equal(m.arch, 7);
	assert_int_equal(m.user_class_len, 4);
	assert_memory_equal(m.user_class, "iPXE", 4);
	assert_int_equal(m.client_id_len, 7);
	assert_memory_equal(m.client_id, cid, 7);
	assert_true(m.has_requested_ip);
	assert_int_equal(m.requested_ip, 0x0a000005);
	assert_true(m.has_server_id);
	assert_int_equal(m.server_id, 0x0a000002);
	/* Without 57: the RFC 2132 minimum. */
	assert_int_equal(m.max_size, 576);
}

static void
test_parse_user_class(void **state)
{
	static const struct {
		const char	*uc;
		size_t		 len;
		int		 ipxe;
	} cases[] = {
		{ "iPXE", 4, 1 },
		{ "\004iPXE", 5, 1 },			/* RFC 3004 */
		{ "\003abc\004iPXE", 9, 1 },		/* second instance */
		{ "\005iPXE", 5, 0 },			/* length past end */
		{ "gPXE", 4, 0 },
		{ "ipxe", 4, 0 },
		{ "iPXE2", 5, 0 },
		{ "\000\004iPXE", 6, 0 },		/* empty instance */
		{ "", 0, 0 },
	};
	struct dhcp_msg	 m;
	struct pkt	 p;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		pkt_init(&p, DHCP_DISCOVER);
		pkt_opt(&p, DHO_USER_CLASS, cases[i].uc, cases[i].len);
		pkt_end(&p);
		parse_ok(&p, &m);
		if (m.is_ipxe != cases[i].ipxe)
			fail_msg("case %zu: is_ipxe %d", i, m.is_ipxe);
		assert_int_equal(m.user_class_len, cases[i].len);
	}
}

/* busybox udhcpc 1.35: client id, hostname, 57 = 576, its own 55. */
static void
test_parse_udhcpc(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 28, 42 };
	static const uint8_t msz[] = { 0x02, 0x40 };
	uint8_t		 cid[7] = { 1 };
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	memcpy(cid + 1, mac1, 6);
	pkt_opt(&p, DHO_CLIENT_ID, cid, sizeof(cid));
	pkt_opt(&p, DHO_MAX_SIZE, msz, sizeof(msz));
	pkt_u8s(&p, DHO_VENDOR_CLASS, "udhcp 1.35.0");
	pkt_u8s(&p, DHO_HOSTNAME, "client1");
	pkt_opt(&p, DHO_PRL, prl, sizeof(prl));
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.type, DHCP_DISCOVER);
	assert_false(m.is_pxe);
	assert_false(m.is_ipxe);
	assert_false(m.has_arch);
	assert_int_equal(m.max_size, 576);
	assert_string_equal(m.hostname, "client1");
	assert_int_equal(m.hostname_len, 7);
	assert_string_equal(m.vendor_class, "udhcp 1.35.0");
	assert_int_equal(m.prl_len, sizeof(prl));
	assert_memory_equal(m.prl, prl, sizeof(prl));
}

static void
test_parse_bootp(void **state)
{
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pkt_init(&p, 0);
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_true(m.is_bootp);
	assert_int_equal(m.type, DHCP_NONE);
	assert_string_equal(dhcp_msg_type_name(m.type), "BOOTP");
}

static void
test_parse_short(void **state)
{
	struct pkt	 p;

	(void)state;
	pkt_init(&p, 0);
	p.len = 239;
	parse_err(&p, "shorter than 240 bytes");
	p.len = 0;
	parse_err(&p, "shorter than 240 bytes");
	/* Exactly 240: header and cookie, no options: a BOOTP request. */
	p.len = 240;
	{
		struct dhcp_msg	 m;

		parse_ok(&p, &m);
		assert_true(m.is_bootp);
	}
}

static void
test_parse_header_errors(void **state)
{
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pxe_discover(&p);
	p.b[O_COOKIE + 3] = 0x64;
	parse_err(&p, "bad magic cookie");

	pxe_discover(&p);
	p.b[O_OP] = DHCP_BOOTREPLY;
	parse_err(&p, "not a BOOTREQUEST");
	p.b[O_OP] = 0;
	parse_err(&p, "not a BOOTREQUEST");

	pxe_discover(&p);
	p.b[O_HLEN] = 17;
	parse_err(&p, "hardware address length over 16");
	p.b[O_HLEN] = 255;
	parse_err(&p, "hardware address length over 16");
	p.b[O_HLEN] = 16;
	parse_ok(&p, &m);
	assert_int_equal(m.hlen, 16);
}

static void
test_parse_option_past_end(void **state)
{
	struct pkt	 p;

	(void)state;
	/* A length byte promising more than the packet holds. */
	pkt_init(&p, DHCP_DISCOVER);
	p.b[p.len++] = DHO_HOSTNAME;
	p.b[p.len++] = 10;
	memcpy(p.b + p.len, "abc", 3);
	p.len += 3;
	parse_err(&p, "option runs past the end of the packet");

	/* A code byte and nothing after it: no length to read. */
	pkt_init(&p, DHCP_DISCOVER);
	p.b[p.len++] = DHO_HOSTNAME;
	parse_err(&p, "option runs past the end of the packet");

	/* 255 as a length at the very end. */
	pkt_init(&p, DHCP_DISCOVER);
	p.b[p.len++] = DHO_VENDOR_CLASS;
	p.b[p.len++] = 255;
	parse_err(&p, "option runs past the end of the packet");
}

static void
test_parse_bad_fixed_options(void **state)
{
	static const uint8_t two[] = { 1, 3 }, zero[] = { 0 };
	static const uint8_t three[] = { 10, 0, 0 };
	static const uint8_t five[] = { 10, 0, 0, 2, 9 };
	struct pkt	 p;

	(void)state;
	pkt_init(&p, 0);
	pkt_opt(&p, DHO_MSG_TYPE, two, sizeof(two));
	pkt_end(&p);
	parse_err(&p, "malformed message type (option 53)");

	pkt_init(&p, 0);
	pkt_opt(&p, DHO_MSG_TYPE, zero, sizeof(zero));
	pkt_end(&p);
	parse_err(&p, "malformed message type (option 53)");

	/* Two 53s concatenate (RFC 3396) into a 2-byte value. */
	pkt_init(&p, DHCP_DISCOVER);
	p.b[p.len++] = DHO_MSG_TYPE;
	p.b[p.len++] = 1;
	p.b[p.len++] = DHCP_REQUEST;
	pkt_end(&p);
	parse_err(&p, "malformed message type (option 53)");

	pkt_init(&p, DHCP_REQUEST);
	pkt_opt(&p, DHO_REQUESTED_IP, three, sizeof(three));
	pkt_end(&p);
	parse_err(&p, "malformed requested IP (option 50)");

	pkt_init(&p, DHCP_REQUEST);
	pkt_opt(&p, DHO_SERVER_ID, five, sizeof(five));
	pkt_end(&p);
	parse_err(&p, "malformed server identifier (option 54)");
}

/* Informational options of the wrong shape are dropped, not fatal. */
static void
test_parse_lenient_options(void **state)
{
	static const uint8_t one[] = { 7 }, archs[] = { 0, 9, 0, 7 };
	static const uint8_t msz_small[] = { 0x01, 0x2c };	/* 300 */
	static const uint8_t msz_bad[] = { 0x05, 0xc0, 0 };
	static const uint8_t uuid1[17] = { 1 };
	static const uint8_t ndi4[] = { 1, 2, 1, 0 };
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_CLIENT_ARCH, one, sizeof(one));
	pkt_opt(&p, DHO_MAX_SIZE, msz_small, sizeof(msz_small));
	pkt_opt(&p, DHO_CLIENT_UUID, uuid1, sizeof(uuid1));
	pkt_opt(&p, DHO_CLIENT_NDI, ndi4, sizeof(ndi4));
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_false(m.has_arch);
	assert_int_equal(m.max_size, 576);	/* clamped */
	assert_false(m.has_uuid);
	assert_false(m.has_ndi);

	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_CLIENT_ARCH, archs, sizeof(archs));
	pkt_opt(&p, DHO_MAX_SIZE, msz_bad, sizeof(msz_bad));
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_true(m.has_arch);
	assert_int_equal(m.arch, 9);	/* the first of the list */
	assert_int_equal(m.max_size, 576);
}

static void
test_parse_no_end(void **state)
{
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	/* The options stop exactly at the end of the packet. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_u8s(&p, DHO_HOSTNAME, "noend");
	parse_ok(&p, &m);
	assert_int_equal(m.type, DHCP_DISCOVER);
	assert_string_equal(m.hostname, "noend");
}

static void
test_parse_pad_runs(void **state)
{
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	/* 255 pad bytes before the options: skipped one by one. */
	pkt_init(&p, 0);
	memset(p.b + p.len, DHO_PAD, 255);
	p.len += 255;
	p.b[p.len++] = DHO_MSG_TYPE;
	p.b[p.len++] = 1;
	p.b[p.len++] = DHCP_INFORM;
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.type, DHCP_INFORM);

	/* 255 bytes of 0xff: the first one ends the options. */
	pkt_init(&p, 0);
	memset(p.b + p.len, DHO_END, 255);
	p.len += 255;
	parse_ok(&p, &m);
	assert_true(m.is_bootp);

	/* Bytes after END are not options, even malformed ones. */
	pkt_init(&p, DHCP_DISCOVER);
	p.b[p.len++] = DHO_END;
	p.b[p.len++] = DHO_HOSTNAME;
	p.b[p.len++] = 200;
	parse_ok(&p, &m);
	assert_int_equal(m.hostname_len, 0);
}

static void
test_parse_fields(void **state)
{
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	memcpy(p.b + O_FILE, "pxelinux.0", 10);
	memset(p.b + O_SNAME, 'x', DHCP_SNAME_LEN);	/* no NUL in it */
	be32(p.b + O_CIADDR, 0x0a000005);
	be32(p.b + O_GIADDR, 0x0a010001);
	be32(p.b + O_YIADDR, 1);
	be32(p.b + O_SIADDR, 2);
	p.b[O_HOPS] = 3;
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_string_equal(m.file, "pxelinux.0");
	assert_int_equal(strlen(m.sname), DHCP_SNAME_LEN);
	assert_int_equal(m.ciaddr, 0x0a000005);
	assert_int_equal(m.giaddr, 0x0a010001);
	assert_int_equal(m.yiaddr, 1);
	assert_int_equal(m.siaddr, 2);
	assert_int_equal(m.hops, 3);
	assert_int_equal(m.overload, 0);
}

/* Option 52: file then sname also hold options. */
static void
test_parse_overload(void **state)
{
	static const uint8_t both[] = { 3 };
	struct dhcp_msg	 m;
	struct pkt	 p;
	uint8_t		*f, *s;

	(void)state;
	pkt_init(&p, 0);
	pkt_opt(&p, DHO_OVERLOAD, both, 1);
	pkt_u8s(&p, DHO_VENDOR_CLASS, "PXEClient:");	/* first part */
	pkt_end(&p);
	f = p.b + O_FILE;
	f[0] = DHO_MSG_TYPE;
	f[1] = 1;
	f[2] = DHCP_DISCOVER;
	f[3] = DHO_VENDOR_CLASS;
	f[4] = 4;
	memcpy(f + 5, "Arch", 4);
	f[9] = DHO_END;
	s = p.b + O_SNAME;
	s[0] = DHO_HOSTNAME;
	s[1] = 3;
	memcpy(s + 2, "ovl", 3);
	s[5] = DHO_END;
	parse_ok(&p, &m);
	assert_int_equal(m.overload, 3);
	assert_int_equal(m.type, DHCP_DISCOVER);
	/* RFC 3396: options field first, then file. */
	assert_string_equal(m.vendor_class, "PXEClient:Arch");
	assert_true(m.is_pxe);
	assert_string_equal(m.hostname, "ovl");
	assert_string_equal(m.file, "");
	assert_string_equal(m.sname, "");

	/* Overload 1 only: sname is a string again, not options. */
	pkt_init(&p, 0);
	pkt_opt(&p, DHO_OVERLOAD, (const uint8_t[]){ 1 }, 1);
	pkt_end(&p);
	memcpy(p.b + O_FILE, (const uint8_t[]){ DHO_MSG_TYPE, 1, 3, 255 },
	    4);
	memcpy(p.b + O_SNAME, "bootsrv", 7);
	parse_ok(&p, &m);
	assert_int_equal(m.type, DHCP_REQUEST);
	assert_string_equal(m.sname, "bootsrv");
	assert_string_equal(m.file, "");
}

/* Overloaded fields that overload again, or hold garbage. */
static void
test_parse_overload_hostile(void **state)
{
	static const uint8_t both[] = { 3 }, bad[] = { 7 };
	struct dhcp_msg	 m;
	struct pkt	 p;
	uint8_t		*f;

	(void)state;
	/* file says "overload" again (and asks for sname): skipped, no loop. */
	pkt_init(&p, 0);
	pkt_opt(&p, DHO_OVERLOAD, (const uint8_t[]){ 1 }, 1);
	pkt_end(&p);
	f = p.b + O_FILE;
	f[0] = DHO_OVERLOAD;
	f[1] = 1;
	f[2] = 3;
	f[3] = DHO_MSG_TYPE;
	f[4] = 1;
	f[5] = DHCP_DISCOVER;
	f[6] = DHO_END;
	memcpy(p.b + O_SNAME, "\x0c\x05" "xxxxx\xff", 8);
	parse_ok(&p, &m);
	assert_int_equal(m.overload, 1);
	assert_int_equal(m.type, DHCP_DISCOVER);
	assert_int_equal(m.hostname_len, 0);	/* sname never walked */

	/* Option 52 twice in the options field: the first counts. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_OVERLOAD, (const uint8_t[]){ 2 }, 1);
	pkt_opt(&p, DHO_OVERLOAD, both, 1);
	pkt_end(&p);
	memcpy(p.b + O_FILE, "\x0c\x05" "xxxxx\xff", 8);
	parse_ok(&p, &m);
	assert_int_equal(m.overload, 2);
	assert_int_equal(m.hostname_len, 0);

	/* An out-of-range overload value is ignored. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_OVERLOAD, bad, 1);
	pkt_end(&p);
	memcpy(p.b + O_FILE, "\x0c\xff", 2);
	parse_ok(&p, &m);
	assert_int_equal(m.overload, 0);
	assert_string_equal(m.file, "\x0c\xff");

	/* Garbage in file: a length past the 128 bytes. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_OVERLOAD, both, 1);
	pkt_end(&p);
	memset(p.b + O_FILE, DHO_PAD, DHCP_FILE_LEN);
	p.b[O_FILE + 120] = DHO_HOSTNAME;
	p.b[O_FILE + 121] = 10;
	parse_err(&p, "option runs past the end of the file field");

	/* Garbage in sname; file is all pad and has no END: fine. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_OVERLOAD, both, 1);
	pkt_end(&p);
	memset(p.b + O_SNAME, DHO_HOSTNAME, DHCP_SNAME_LEN);
	parse_err(&p, "option runs past the end of the sname field");

	/* A code as the last byte of sname. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_OVERLOAD, (const uint8_t[]){ 2 }, 1);
	pkt_end(&p);
	p.b[O_SNAME + DHCP_SNAME_LEN - 1] = DHO_HOSTNAME;
	parse_err(&p, "option runs past the end of the sname field");

	/* Both fields full of pad and no END: nothing, no error. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_OVERLOAD, both, 1);
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.type, DHCP_DISCOVER);
}

static void
test_parse_concat(void **state)
{
	static const uint8_t prl1[] = { 1, 3 }, prl2[] = { 6, 67 };
	uint8_t		 big[200];
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_PRL, prl1, sizeof(prl1));
	pkt_u8s(&p, DHO_HOSTNAME, "ab");
	pkt_opt(&p, DHO_PRL, prl2, sizeof(prl2));
	pkt_u8s(&p, DHO_HOSTNAME, "cd");
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.prl_len, 4);
	assert_memory_equal(m.prl, "\x01\x03\x06\x43", 4);
	assert_string_equal(m.hostname, "abcd");

	/* Strings past 255 bytes in total are cut and stay terminated. */
	memset(big, 'h', sizeof(big));
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_HOSTNAME, big, sizeof(big));
	pkt_opt(&p, DHO_HOSTNAME, big, sizeof(big));
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.hostname_len, 255);
	assert_int_equal(strlen(m.hostname), 255);

	/* 82 must be echoed whole: over 255 bytes is refused. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_RELAY_INFO, big, sizeof(big));
	pkt_opt(&p, DHO_RELAY_INFO, big, sizeof(big));
	pkt_end(&p);
	parse_err(&p, "relay agent information (option 82) too long");
}

/* Strings may hold NULs: lengths say how much came in. */
static void
test_parse_embedded_nul(void **state)
{
	struct dhcp_msg	 m;
	struct pkt	 p;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_VENDOR_CLASS, "PXEClient\0zz", 12);
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_int_equal(m.vendor_class_len, 12);
	assert_string_equal(m.vendor_class, "PXEClient");
	assert_true(m.is_pxe);
}

/*
 * Reply checks. opt_find() is this test's own TLV walk over the options of
 * a reply; it fails the test on any malformed option.
 */
static const uint8_t *
opt_find(const uint8_t *b, size_t len, uint8_t code, size_t *olen)
{
	size_t	 i = O_OPTIONS;

	while (i < len) {
		if (b[i] == DHO_PAD) {
			i++;
			continue;
		}
		if (b[i] == DHO_END)
			return NULL;
		assert_true(i + 1 < len);
		assert_true(i + 2 + b[i + 1] <= len);
		if (b[i] == code) {
			*olen = b[i + 1];
			return b + i + 2;
		}
		i += 2 + (size_t)b[i + 1];
	}
	fail_msg("no END option");
	return NULL;
}

/* The codes of a reply's options in order, END excluded. */
static size_t
opt_codes(const uint8_t *b, size_t len, uint8_t *codes, size_t max)
{
	size_t	 i = O_OPTIONS, n = 0;

	while (i < len && b[i] != DHO_END) {
		assert_true(i + 1 < len && b[i] != DHO_PAD);
		assert_true(n < max);
		codes[n++] = b[i];
		i += 2 + (size_t)b[i + 1];
	}
	assert_true(i < len);
	return n;
}

static size_t
end_at(const uint8_t *b, size_t len)
{
	size_t	 i = O_OPTIONS;

	while (i < len && b[i] != DHO_END)
		i += 2 + (size_t)b[i + 1];
	assert_true(i < len);
	return i;
}

static void
reply_base(struct dhcp_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->type = DHCP_OFFER;
	r->server_id = 0x0a000002;
	r->yiaddr = 0x0a000005;
	r->siaddr = 0x0a000003;
	r->flags = DHCP_FLAG_BROADCAST;
	r->lease_time = 3600;
	r->t1 = 1800;
	r->t2 = 3150;
	r->has_netmask = 1;
	r->netmask = 0xffffff00;
	r->router = 0x0a000001;
	r->dns[0] = 0x0a000001;
	r->dns[1] = 0x09090909;
	r->ndns = 2;
	r->domain = "lab.example.org";
	r->hostname = "web1";
	strcpy(r->tftp_server, "10.0.0.3");
	strcpy(r->bootfile, "pxelinux.0");
	r->boot_always = 1;
	r->vendor_class = "PXEClient";
	r->pxe_discovery = 1;
}

static void
test_build_offer(void **state)
{
	uint8_t		 b[1500];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	const uint8_t	*o;
	size_t		 ol;
	ssize_t		 n;

	(void)state;
	pxe_discover(&p);
	be32(p.b + O_GIADDR, 0x0a010001);
	p.b[O_HOPS] = 1;
	parse_ok(&p, &m);
	reply_base(&r);
	memset(b, 0xee, sizeof(b));
	n = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_true(n >= 300);
	assert_true((size_t)n <= 1472 - 28);
	assert_int_equal(b[O_OP], DHCP_BOOTREPLY);
	assert_int_equal(b[O_HTYPE], 1);
	assert_int_equal(b[O_HLEN], 6);
	assert_int_equal(b[O_HOPS], 0);
	assert_int_equal(rd32(b + O_XID), 0xdeadbeef);
	assert_int_equal(b[O_SECS], 0);
	assert_int_equal(b[O_SECS + 1], 0);
	assert_int_equal(b[O_FLAGS], 0x80);
	assert_int_equal(b[O_FLAGS + 1], 0);
	assert_int_equal(rd32(b + O_CIADDR), 0);
	assert_int_equal(rd32(b + O_YIADDR), 0x0a000005);
	assert_int_equal(rd32(b + O_SIADDR), 0x0a000003);
	assert_int_equal(rd32(b + O_GIADDR), 0x0a010001);
	assert_memory_equal(b + O_CHADDR, mac1, 6);
	assert_int_equal(b[O_CHADDR + 6], 0);
	assert_int_equal(b[O_SNAME], 0);
	assert_string_equal((const char *)b + O_FILE, "pxelinux.0");
	assert_int_equal(rd32(b + O_COOKIE), 0x63825363);
	/* 53 then 54 lead. */
	assert_int_equal(b[O_OPTIONS], DHO_MSG_TYPE);
	assert_int_equal(b[O_OPTIONS + 1], 1);
	assert_int_equal(b[O_OPTIONS + 2], DHCP_OFFER);
	assert_int_equal(b[O_OPTIONS + 3], DHO_SERVER_ID);
	assert_int_equal(b[O_OPTIONS + 4], 4);
	assert_int_equal(rd32(b + O_OPTIONS + 5), 0x0a000002);

	assert_non_null(o = opt_find(b, (size_t)n, DHO_LEASE_TIME, &ol));
	assert_int_equal(ol, 4);
	assert_int_equal(rd32(o), 3600);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_T1, &ol));
	assert_int_equal(rd32(o), 1800);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_T2, &ol));
	assert_int_equal(rd32(o), 3150);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_SUBNET_MASK, &ol));
	assert_int_equal(rd32(o), 0xffffff00);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_ROUTER, &ol));
	assert_int_equal(rd32(o), 0x0a000001);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_DNS, &ol));
	assert_int_equal(ol, 8);
	assert_int_equal(rd32(o + 4), 0x09090909);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_DOMAIN, &ol));
	assert_int_equal(ol, 15);
	assert_memory_equal(o, "lab.example.org", 15);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_HOSTNAME, &ol));
	assert_int_equal(ol, 4);
	assert_memory_equal(o, "web1", 4);
	/* 66 and 67 carry their NUL for ROMs that read C strings. */
	assert_non_null(o = opt_find(b, (size_t)n, DHO_TFTP_SERVER, &ol));
	assert_int_equal(ol, 9);
	assert_memory_equal(o, "10.0.0.3", 9);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_BOOTFILE, &ol));
	assert_int_equal(ol, 11);
	assert_memory_equal(o, "pxelinux.0", 11);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_VENDOR_CLASS, &ol));
	assert_int_equal(ol, 9);
	assert_memory_equal(o, "PXEClient", 9);
	assert_non_null(o = opt_find(b, (size_t)n, DHO_VENDOR_OPTS, &ol));
	assert_int_equal(ol, 4);
	assert_memory_equal(o, "\x06\x01\x08\xff", 4);
	assert_null(opt_find(b, (size_t)n, DHO_IPXE_ENCAP, &ol));
	assert_null(opt_find(b, (size_t)n, DHO_CLIENT_ID, &ol));
	assert_null(opt_find(b, (size_t)n, DHO_RELAY_INFO, &ol));
	assert_null(opt_find(b, (size_t)n, DHO_MESSAGE, &ol));
	/* Padding after END is zero. */
	for (ol = end_at(b, (size_t)n) + 1; ol < (size_t)n; ol++)
		assert_int_equal(b[ol], 0);
}

/* Options follow the client's option 55 order; unasked ones are left out. */
static void
test_build_prl_order(void **state)
{
	static const uint8_t prl[] = { 6, 15, 3, 1, 12, 54 };
	static const uint8_t want[] = { DHO_MSG_TYPE, DHO_SERVER_ID, DHO_DNS,
	    DHO_DOMAIN, DHO_ROUTER, DHO_SUBNET_MASK, DHO_HOSTNAME,
	    DHO_LEASE_TIME };
	uint8_t		 b[1500], codes[64];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	size_t		 n;
	ssize_t		 len;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_PRL, prl, sizeof(prl));
	pkt_end(&p);
	parse_ok(&p, &m);
	reply_base(&r);
	r.boot_always = 0;
	r.vendor_class = NULL;
	r.pxe_discovery = 0;
	assert_true((len = dhcp_reply_build(&r, &m, b, sizeof(b))) > 0);
	n = opt_codes(b, (size_t)len, codes, sizeof(codes));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
	/* The file field still carries the boot file, BOOTP style. */
	assert_string_equal((const char *)b + O_FILE, "pxelinux.0");

	/* Mandatory boot options come after the asked-for ones. */
	r.boot_always = 1;
	assert_true((len = dhcp_reply_build(&r, &m, b, sizeof(b))) > 0);
	n = opt_codes(b, (size_t)len, codes, sizeof(codes));
	assert_int_equal(n, sizeof(want) + 2);
	assert_memory_equal(codes, want, sizeof(want));
	assert_int_equal(codes[n - 2], DHO_TFTP_SERVER);
	assert_int_equal(codes[n - 1], DHO_BOOTFILE);
}

/* No option 55 at all: everything configured is sent. */
static void
test_build_no_prl(void **state)
{
	uint8_t		 b[1500];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	size_t		 ol;
	ssize_t		 len;

	(void)state;
	pkt_init(&p, DHCP_REQUEST);
	pkt_end(&p);
	parse_ok(&p, &m);
	reply_base(&r);
	r.type = DHCP_ACK;
	r.boot_always = 0;
	assert_true((len = dhcp_reply_build(&r, &m, b, sizeof(b))) > 0);
	assert_int_equal(b[O_OPTIONS + 2], DHCP_ACK);
	assert_non_null(opt_find(b, (size_t)len, DHO_ROUTER, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_DNS, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_DOMAIN, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_HOSTNAME, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_T1, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_T2, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_BOOTFILE, &ol));
}

/* Option 57: the reply never outgrows it; whole options are dropped. */
static void
test_build_max_size(void **state)
{
	static const uint8_t msz[] = { 0x02, 0x40 };	/* 576 */
	static const uint8_t msz_big[] = { 0x05, 0xdc };	/* 1500 */
	char		 dom[201], host[201];
	uint8_t		 b[1500];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	const uint8_t	*o;
	size_t		 ol;
	ssize_t		 len;

	(void)state;
	memset(dom, 'd', 200);
	dom[200] = '\0';
	memset(host, 'h', 200);
	host[200] = '\0';

	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_MAX_SIZE, msz, sizeof(msz));
	pkt_end(&p);
	parse_ok(&p, &m);
	reply_base(&r);
	r.domain = dom;
	r.hostname = host;
	memset(r.bootfile, 'f', 200);
	r.bootfile[200] = '\0';
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_true(len >= 300);
	assert_true(len <= 576 - 28);
	/* Kept: protocol and lease, mask, the boot file (before names). */
	assert_non_null(opt_find(b, (size_t)len, DHO_MSG_TYPE, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_SERVER_ID, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_LEASE_TIME, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_SUBNET_MASK, &ol));
	assert_non_null(o = opt_find(b, (size_t)len, DHO_BOOTFILE, &ol));
	assert_int_equal(ol, 201);		/* whole, with its NUL */
	assert_int_equal(o[199], 'f');
	assert_int_equal(o[200], '\0');
	/* Dropped whole: the 200-byte names do not fit any more. */
	assert_null(opt_find(b, (size_t)len, DHO_DOMAIN, &ol));
	assert_null(opt_find(b, (size_t)len, DHO_HOSTNAME, &ol));
	/* Smaller, less important ones still use the room left. */
	assert_non_null(opt_find(b, (size_t)len, DHO_ROUTER, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_T1, &ol));
	/* The file field cannot hold 200 bytes: empty. */
	assert_int_equal(b[O_FILE], 0);

	/* A big 57 but a small buffer: the buffer wins. */
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_MAX_SIZE, msz_big, sizeof(msz_big));
	pkt_end(&p);
	parse_ok(&p, &m);
	len = dhcp_reply_build(&r, &m, b, 600);
	assert_true(len >= 300 && len <= 600);
	assert_null(opt_find(b, (size_t)len, DHO_HOSTNAME, &ol));
	/* And with room, everything goes. */
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_true(len > 600 && len <= 1500 - 28);
	assert_non_null(o = opt_find(b, (size_t)len, DHO_DOMAIN, &ol));
	assert_int_equal(ol, 200);
	assert_non_null(opt_find(b, (size_t)len, DHO_HOSTNAME, &ol));
	assert_int_equal(ol, 200);
}

/* 60 and 43 go together: 43 alone would fit, but is dropped with 60. */
static void
test_build_pxe_pair(void **state)
{
	static const uint8_t prl[] = { 1, 3 };
	uint8_t		 b[1500], relay[200], cid[72];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	size_t		 ol;
	ssize_t		 len;

	(void)state;
	memset(relay, 0x82, sizeof(relay));
	memset(cid, 0x61, sizeof(cid));
	pkt_init(&p, DHCP_DISCOVER);
	pkt_opt(&p, DHO_PRL, prl, sizeof(prl));
	pkt_opt(&p, DHO_RELAY_INFO, relay, sizeof(relay));
	pkt_opt(&p, DHO_CLIENT_ID, cid, sizeof(cid));
	pkt_end(&p);
	parse_ok(&p, &m);
	reply_base(&r);
	r.boot_always = 0;
	/* Budget 307: 53 54 82 51 61 1 take 297; 10 left. */
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_true(len > 0 && len <= 548);
	assert_null(opt_find(b, (size_t)len, DHO_VENDOR_CLASS, &ol));
	assert_null(opt_find(b, (size_t)len, DHO_VENDOR_OPTS, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_ROUTER, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_CLIENT_ID, &ol));
	assert_int_equal(ol, sizeof(cid));
	assert_non_null(opt_find(b, (size_t)len, DHO_RELAY_INFO, &ol));

	/* A bigger limit has room for both. */
	p.len = O_OPTIONS + 3;
	pkt_opt(&p, DHO_MAX_SIZE, "\x05\xc0", 2);
	pkt_opt(&p, DHO_PRL, prl, sizeof(prl));
	pkt_opt(&p, DHO_RELAY_INFO, relay, sizeof(relay));
	pkt_opt(&p, DHO_CLIENT_ID, cid, sizeof(cid));
	pkt_end(&p);
	parse_ok(&p, &m);
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_non_null(opt_find(b, (size_t)len, DHO_VENDOR_CLASS, &ol));
	assert_non_null(opt_find(b, (size_t)len, DHO_VENDOR_OPTS, &ol));
}

static void
test_build_min_300(void **state)
{
	uint8_t		 b[1500];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	size_t		 i;
	ssize_t		 len;

	(void)state;
	pkt_init(&p, DHCP_REQUEST);
	pkt_opt(&p, DHO_PRL, "\x01", 1);
	pkt_end(&p);
	parse_ok(&p, &m);
	memset(&r, 0, sizeof(r));
	r.type = DHCP_ACK;
	r.server_id = 0x0a000002;
	memset(b, 0xee, sizeof(b));
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_int_equal(len, 300);
	/* 53, 54, END: 240 + 3 + 6 + 1 = 250; then zeros. */
	assert_int_equal(end_at(b, (size_t)len), 249);
	for (i = 250; i < 300; i++)
		assert_int_equal(b[i], 0);
	assert_int_equal(b[300], 0xee);		/* nothing written past */

	/* A buffer under 300 bytes cannot hold a reply. */
	assert_int_equal(dhcp_reply_build(&r, &m, b, 299), -1);
	assert_int_equal(dhcp_reply_build(&r, &m, b, 300), 300);
}

/* RFC 3046: option 82 echoed byte for byte, last; giaddr echoed. */
static void
test_build_relay_echo(void **state)
{
	static const uint8_t ri[] = { 1, 4, 'e', 't', 'h', '0', 2, 6, 0, 0x1b,
	    0x21, 0x33, 0x44, 0x55 };
	uint8_t		 b[1500], codes[64];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	const uint8_t	*o;
	size_t		 ol, n;
	ssize_t		 len;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	be32(p.b + O_GIADDR, 0x0a010001);
	pkt_opt(&p, DHO_RELAY_INFO, ri, sizeof(ri));
	pkt_u8s(&p, DHO_VENDOR_CLASS, pxe_vc);
	pkt_end(&p);
	parse_ok(&p, &m);
	assert_true(m.has_relay_info);
	assert_int_equal(m.relay_info_len, sizeof(ri));
	reply_base(&r);
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_true(len > 0);
	assert_int_equal(rd32(b + O_GIADDR), 0x0a010001);
	assert_non_null(o = opt_find(b, (size_t)len, DHO_RELAY_INFO, &ol));
	assert_int_equal(ol, sizeof(ri));
	assert_memory_equal(o, ri, sizeof(ri));
	n = opt_codes(b, (size_t)len, codes, sizeof(codes));
	assert_int_equal(codes[n - 1], DHO_RELAY_INFO);

	/* A NAK echoes it too. */
	r.type = DHCP_NAK;
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_non_null(o = opt_find(b, (size_t)len, DHO_RELAY_INFO, &ol));
	assert_memory_equal(o, ri, sizeof(ri));
}

/* RFC 2131 table 3: a NAK carries 53, 54, 56, 61, 82 and nothing else. */
static void
test_build_nak(void **state)
{
	uint8_t		 b[1500], codes[64], cid[7] = { 1 };
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	const uint8_t	*o;
	size_t		 ol, n;
	ssize_t		 len;

	(void)state;
	memcpy(cid + 1, mac1, 6);
	pkt_init(&p, DHCP_REQUEST);
	pkt_opt(&p, DHO_CLIENT_ID, cid, sizeof(cid));
	pkt_end(&p);
	parse_ok(&p, &m);
	reply_base(&r);
	r.type = DHCP_NAK;
	r.yiaddr = r.siaddr = 0;
	r.message = "requested IP is not the host's address";
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_int_equal(len, 300);
	assert_int_equal(rd32(b + O_YIADDR), 0);
	assert_int_equal(b[O_FILE], 0);
	n = opt_codes(b, (size_t)len, codes, sizeof(codes));
	assert_int_equal(n, 4);
	assert_memory_equal(codes, "\x35\x36\x38\x3d", 4);
	assert_int_equal(b[O_OPTIONS + 2], DHCP_NAK);
	assert_non_null(o = opt_find(b, (size_t)len, DHO_MESSAGE, &ol));
	assert_int_equal(ol, strlen(r.message));
	assert_non_null(o = opt_find(b, (size_t)len, DHO_CLIENT_ID, &ol));
	assert_memory_equal(o, cid, sizeof(cid));
}

static void
test_build_ipxe_and_http(void **state)
{
	uint8_t		 b[1500];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	const uint8_t	*o;
	size_t		 ol;
	ssize_t		 len;

	(void)state;
	pkt_init(&p, DHCP_DISCOVER);
	pkt_u8s(&p, DHO_USER_CLASS, "iPXE");
	pkt_end(&p);
	parse_ok(&p, &m);
	reply_base(&r);
	r.ipxe_no_pxedhcp = 1;
	strcpy(r.bootfile, "http://10.0.0.2:80/ipxe/52:54:00:12:34:56");
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_non_null(o = opt_find(b, (size_t)len, DHO_IPXE_ENCAP, &ol));
	assert_int_equal(ol, 3);
	assert_memory_equal(o, "\xb0\x01\x01", 3);

	/* HTTP boot: 60 says HTTPClient, no 43. */
	r.ipxe_no_pxedhcp = 0;
	r.vendor_class = "HTTPClient";
	r.pxe_discovery = 0;
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_non_null(o = opt_find(b, (size_t)len, DHO_VENDOR_CLASS, &ol));
	assert_int_equal(ol, 10);
	assert_memory_equal(o, "HTTPClient", 10);
	assert_null(opt_find(b, (size_t)len, DHO_VENDOR_OPTS, &ol));
	assert_null(opt_find(b, (size_t)len, DHO_IPXE_ENCAP, &ol));
}

static void
test_build_rejects(void **state)
{
	uint8_t		 b[1500];
	struct dhcp_reply r;
	struct dhcp_msg	 m;
	struct pkt	 p;
	char		 big[300];
	size_t		 ol;
	ssize_t		 len;

	(void)state;
	pxe_discover(&p);
	parse_ok(&p, &m);
	reply_base(&r);
	r.type = DHCP_DISCOVER;
	assert_int_equal(dhcp_reply_build(&r, &m, b, sizeof(b)), -1);
	r.type = 0;
	assert_int_equal(dhcp_reply_build(&r, &m, b, sizeof(b)), -1);
	r.type = DHCP_INFORM;
	assert_int_equal(dhcp_reply_build(&r, &m, b, sizeof(b)), -1);

	/* A domain too long for one option is left out, not cut. */
	reply_base(&r);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r.domain = big;
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_true(len > 0);
	assert_null(opt_find(b, (size_t)len, DHO_DOMAIN, &ol));

	/* An INFORM's ACK: no lease options at all. */
	reply_base(&r);
	r.type = DHCP_ACK;
	r.lease_time = 0;
	r.ciaddr = 0x0a000005;
	r.yiaddr = 0;
	len = dhcp_reply_build(&r, &m, b, sizeof(b));
	assert_true(len > 0);
	assert_int_equal(rd32(b + O_CIADDR), 0x0a000005);
	assert_null(opt_find(b, (size_t)len, DHO_LEASE_TIME, &ol));
	assert_null(opt_find(b, (size_t)len, DHO_T1, &ol));
	assert_null(opt_find(b, (size_t)len, DHO_T2, &ol));
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(dhcp_msg_type_name(DHCP_DISCOVER), "DISCOVER");
	assert_string_equal(dhcp_msg_type_name(DHCP_INFORM), "INFORM");
	assert_string_equal(dhcp_msg_type_name(0), "BOOTP");
	assert_string_equal(dhcp_msg_type_name(9), "unknown");
	assert_string_equal(dhcp_msg_type_name(-1), "unknown");
	/* The names themselves: tests/unit/test_pxe_arch.c. */
	assert_string_equal(pxe_arch_name(7), "x64 UEFI");
	assert_string_equal(pxe_arch_name(65535), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_pxe_rom),
		cmocka_unit_test(test_parse_ipxe),
		cmocka_unit_test(test_parse_user_class),
		cmocka_unit_test(test_parse_udhcpc),
		cmocka_unit_test(test_parse_bootp),
		cmocka_unit_test(test_parse_short),
		cmocka_unit_test(test_parse_header_errors),
		cmocka_unit_test(test_parse_option_past_end),
		cmocka_unit_test(test_parse_bad_fixed_options),
		cmocka_unit_test(test_parse_lenient_options),
		cmocka_unit_test(test_parse_no_end),
		cmocka_unit_test(test_parse_pad_runs),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_overload),
		cmocka_unit_test(test_parse_overload_hostile),
		cmocka_unit_test(test_parse_concat),
		cmocka_unit_test(test_parse_embedded_nul),
		cmocka_unit_test(test_build_offer),
		cmocka_unit_test(test_build_prl_order),
		cmocka_unit_test(test_build_no_prl),
		cmocka_unit_test(test_build_max_size),
		cmocka_unit_test(test_build_pxe_pair),
		cmocka_unit_test(test_build_min_300),
		cmocka_unit_test(test_build_relay_echo),
		cmocka_unit_test(test_build_nak),
		cmocka_unit_test(test_build_ipxe_and_http),
		cmocka_unit_test(test_build_rejects),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
