/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tftp/tftp_proto.c: request parsing and every malformed
 * shape, option negotiation against limits, exact OACK/DATA/ACK/ERROR
 * bytes, packet parsing, block rollover over a 70 MiB transfer, ACK
 * classification, and the netascii encoder across block boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tftp/tftp_proto.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
/* A packet from a string literal, which holds its NULs explicitly. */
#define PKT(s)		((const uint8_t *)(s)), (sizeof(s) - 1)
#define RRQ		"\0\1"
#define WRQ		"\0\2"
#define MIB		((uint64_t)1 << 20)

static const struct tftp_limits	nocaps = { 0, 0, 0, 0 };

static void
parse_ok(const uint8_t *p, size_t len, struct tftp_req *q)
{
	const char	*why = NULL;

	if (tftp_req_parse(p, len, q, &why) != 0)
		fail_msg("parse failed: %s", why);
}

/*
 * Appends the strings (each with its NUL) to buf at *len. Returns the
 * new length.
 */
static size_t
put(uint8_t *buf, size_t len, const char *s)
{
	size_t	n = strlen(s) + 1;

	memcpy(buf + len, s, n);
	return len + n;
}

/* --- requests --- */

static void
test_req_plain_rrq(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(RRQ "pxelinux.0\0octet\0"), &q);
	assert_int_equal(q.op, TFTP_OP_RRQ);
	assert_int_equal(q.mode, TFTP_MODE_OCTET);
	assert_string_equal(q.filename, "pxelinux.0");
	assert_int_equal(q.present, 0);
	assert_int_equal(q.invalid, 0);
	assert_int_equal(q.norder, 0);
	assert_int_equal(q.nopts, 0);
}

static void
test_req_wrq_recorded(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(WRQ "upload.bin\0octet\0tsize\0" "99\0"), &q);
	assert_int_equal(q.op, TFTP_OP_WRQ);
	assert_string_equal(q.filename, "upload.bin");
	assert_true(q.present & TFTP_OPTBIT(TFTP_OPT_TSIZE));
	assert_int_equal(q.val[TFTP_OPT_TSIZE], 99);
}

static void
test_req_mode_case(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(RRQ "f\0NetASCII\0"), &q);
	assert_int_equal(q.mode, TFTP_MODE_NETASCII);
	parse_ok(PKT(RRQ "f\0netascii\0"), &q);
	assert_int_equal(q.mode, TFTP_MODE_NETASCII);
	parse_ok(PKT(RRQ "f\0OCTET\0"), &q);
	assert_int_equal(q.mode, TFTP_MODE_OCTET);
	parse_ok(PKT(RRQ "f\0oCtEt\0"), &q);
	assert_int_equal(q.mode, TFTP_MODE_OCTET);
}

static void
test_req_filename_bytes(void **state)
{
	struct tftp_req	q;

	(void)state;
	/* Kept as sent: normalising is tftp_path's job. */
	parse_ok(PKT(RRQ "/grub/x86_64-efi/grub.cfg\0octet\0"), &q);
	assert_string_equal(q.filename, "/grub/x86_64-efi/grub.cfg");
	parse_ok(PKT(RRQ "boot\\pxeboot.n12\0octet\0"), &q);
	assert_string_equal(q.filename, "boot\\pxeboot.n12");
	parse_ok(PKT(RRQ "caf\xc3\xa9\0octet\0"), &q);
	assert_string_equal(q.filename, "caf\xc3\xa9");
}

static void
test_req_filename_255(void **state)
{
	uint8_t		pkt[600];
	char		name[300];
	struct tftp_req	q;
	const char	*why = NULL;
	size_t		len;

	(void)state;
	memset(name, 'a', 255);
	name[255] = '\0';
	pkt[0] = 0;
	pkt[1] = 1;
	len = put(pkt, 2, name);
	len = put(pkt, len, "octet");
	parse_ok(pkt, len, &q);
	assert_int_equal(strlen(q.filename), 255);
	assert_memory_equal(q.filename, name, 256);

	name[255] = 'a';
	name[256] = '\0';
	len = put(pkt, 2, name);
	len = put(pkt, len, "octet");
	assert_int_equal(tftp_req_parse(pkt, len, &q, &why), -1);
	assert_string_equal(why, "file name too long");
}

struct bad_req {
	const char	*pkt;
	size_t		 len;
	const char	*why;
};
#define BAD(s, w)	{ (s), sizeof(s) - 1, (w) }

static const struct bad_req	bad_reqs[] = {
	BAD("", "truncated request"),
	BAD("\0", "truncated request"),
	BAD("\0\1", "file name not terminated"),
	BAD("\0\3" "f\0octet\0", "not a read or write request"),
	BAD("\0\4" "\0\1", "not a read or write request"),
	BAD("\0\0" "f\0octet\0", "not a read or write request"),
	BAD("\0\7" "f\0octet\0", "not a read or write request"),
	BAD("\1\1" "f\0octet\0", "not a read or write request"),
	/* no NULs at all */
	BAD(RRQ "pxelinux.0", "file name not terminated"),
	BAD(RRQ "\0octet\0", "empty file name"),
	/* missing or unterminated mode */
	BAD(RRQ "pxelinux.0\0", "transfer mode missing or not terminated"),
	BAD(RRQ "pxelinux.0\0octet",
	    "transfer mode missing or not terminated"),
	BAD(RRQ "f\0\0", "unknown transfer mode"),
	BAD(RRQ "f\0mail\0", "mail mode not supported"),
	BAD(RRQ "f\0MAIL\0", "mail mode not supported"),
	BAD(RRQ "f\0binary\0", "unknown transfer mode"),
	BAD(RRQ "f\0octets\0", "unknown transfer mode"),
	BAD(RRQ "f\0octe\0", "unknown transfer mode"),
	BAD(RRQ "f\0 octet\0", "unknown transfer mode"),
	/* control bytes in the name */
	BAD(RRQ "a\nb\0octet\0", "control character in file name"),
	BAD(RRQ "a\tb\0octet\0", "control character in file name"),
	BAD(RRQ "\x1b[2J\0octet\0", "control character in file name"),
	BAD(RRQ "a\x7f\0octet\0", "control character in file name"),
	/* odd option pairs */
	BAD(RRQ "f\0octet\0blksize\0", "option without a terminated value"),
	BAD(RRQ "f\0octet\0blksize\0" "1024",
	    "option without a terminated value"),
	BAD(RRQ "f\0octet\0blksize", "option name not terminated"),
	BAD(RRQ "f\0octet\0blksize\0" "1024\0tsize\0",
	    "option without a terminated value"),
	BAD(RRQ "f\0octet\0blksize\0" "1024\0x",
	    "option name not terminated"),
	/* padding is only NULs */
	BAD(RRQ "f\0octet\0\0\0x", "option name not terminated"),
	BAD(RRQ "f\0octet\0\0x", "option without a terminated value"),
};

static void
test_req_malformed(void **state)
{
	struct tftp_req	q;
	const char	*why;
	size_t		i;

	(void)state;
	for (i = 0; i < NITEMS(bad_reqs); i++) {
		why = NULL;
		if (tftp_req_parse((const uint8_t *)bad_reqs[i].pkt,
		    bad_reqs[i].len, &q, &why) != -1)
			fail_msg("bad_reqs[%zu]: parsed", i);
		if (why == NULL || strcmp(why, bad_reqs[i].why) != 0)
			fail_msg("bad_reqs[%zu]: why \"%s\", want \"%s\"", i,
			    why ? why : "(null)", bad_reqs[i].why);
	}
}

/* Every strict prefix of a good request is refused, never over-read. */
static void
test_req_every_truncation(void **state)
{
	static const char	good[] = RRQ "pxelinux.0\0octet\0"
	    "blksize\0" "1468\0tsize\0" "0\0";
	struct tftp_req		q;
	const char		*why;
	uint8_t			*copy;
	size_t			len = sizeof(good) - 1, n;

	(void)state;
	for (n = 0; n < len; n++) {
		/* An exact-size heap copy, so ASan sees any over-read. */
		copy = malloc(n > 0 ? n : 1);
		assert_non_null(copy);
		memcpy(copy, good, n);
		why = NULL;
		/* Cut right after "octet\0" or a whole pair is a whole RRQ. */
		if (n == 2 + 11 + 6 || n == 2 + 11 + 6 + 8 + 5)
			assert_int_equal(tftp_req_parse(copy, n, &q, &why), 0);
		else {
			assert_int_equal(tftp_req_parse(copy, n, &q, &why),
			    -1);
			assert_non_null(why);
		}
		free(copy);
	}
	parse_ok((const uint8_t *)good, len, &q);
	assert_int_equal(q.norder, 2);
}

static void
test_req_options(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(RRQ "bootx64.efi\0octet\0"
	    "tsize\0" "0\0BlkSize\0" "1428\0TIMEOUT\0" "5\0"
	    "windowsize\0" "16\0"), &q);
	assert_int_equal(q.present, TFTP_OPTBIT(TFTP_OPT_BLKSIZE) |
	    TFTP_OPTBIT(TFTP_OPT_TSIZE) | TFTP_OPTBIT(TFTP_OPT_TIMEOUT) |
	    TFTP_OPTBIT(TFTP_OPT_WINDOWSIZE));
	assert_int_equal(q.invalid, 0);
	assert_int_equal(q.val[TFTP_OPT_BLKSIZE], 1428);
	assert_int_equal(q.val[TFTP_OPT_TSIZE], 0);
	assert_int_equal(q.val[TFTP_OPT_TIMEOUT], 5);
	assert_int_equal(q.val[TFTP_OPT_WINDOWSIZE], 16);
	assert_int_equal(q.norder, 4);
	assert_int_equal(q.order[0], TFTP_OPT_TSIZE);
	assert_int_equal(q.order[1], TFTP_OPT_BLKSIZE);
	assert_int_equal(q.order[2], TFTP_OPT_TIMEOUT);
	assert_int_equal(q.order[3], TFTP_OPT_WINDOWSIZE);
	assert_int_equal(q.nopts, 4);
}

static void
test_req_unknown_ignored(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(RRQ "f\0octet\0multicast\0\0rollover\0" "0\0"
	    "blksize2\0" "1024\0blksize\0" "1024\0"), &q);
	assert_int_equal(q.present, TFTP_OPTBIT(TFTP_OPT_BLKSIZE));
	assert_int_equal(q.val[TFTP_OPT_BLKSIZE], 1024);
	assert_int_equal(q.norder, 1);
	assert_int_equal(q.nopts, 4);
}

static void
test_req_duplicates_first_wins(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(RRQ "f\0octet\0blksize\0" "1024\0tsize\0" "0\0"
	    "BLKSIZE\0" "512\0"), &q);
	assert_int_equal(q.val[TFTP_OPT_BLKSIZE], 1024);
	assert_int_equal(q.norder, 2);
	/* A junk first value decides too: the option is ignored. */
	parse_ok(PKT(RRQ "f\0octet\0blksize\0" "big\0blksize\0" "1024\0"), &q);
	assert_int_equal(q.present, 0);
	assert_int_equal(q.invalid, TFTP_OPTBIT(TFTP_OPT_BLKSIZE));
	assert_int_equal(q.norder, 0);
}

static void
test_req_non_numeric(void **state)
{
	static const char *const junk[] = {
		"", "abc", "12a", "+512", "-1", " 512", "512 ", "0x200",
		"1e3", "5.0", "\xef\xbc\x95",
	};
	uint8_t		pkt[128];
	struct tftp_req	q;
	size_t		i, len;
	unsigned int	o;

	(void)state;
	for (o = 0; o < TFTP_OPT_MAX; o++) {
		for (i = 0; i < NITEMS(junk); i++) {
			memcpy(pkt, RRQ, 2);
			len = put(pkt, 2, "f");
			len = put(pkt, len, "octet");
			len = put(pkt, len, tftp_opt_name(o));
			len = put(pkt, len, junk[i]);
			parse_ok(pkt, len, &q);
			assert_int_equal(q.present, 0);
			assert_int_equal(q.invalid, TFTP_OPTBIT(o));
			assert_int_equal(q.nopts, 1);
		}
	}
}

static void
test_req_huge_values(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(RRQ "f\0octet\0tsize\0" "18446744073709551615\0"), &q);
	assert_int_equal(q.present, TFTP_OPTBIT(TFTP_OPT_TSIZE));
	assert_true(q.val[TFTP_OPT_TSIZE] == UINT64_MAX);
	parse_ok(PKT(RRQ "f\0octet\0tsize\0" "18446744073709551616\0"), &q);
	assert_int_equal(q.present, 0);
	assert_int_equal(q.invalid, TFTP_OPTBIT(TFTP_OPT_TSIZE));
	parse_ok(PKT(RRQ "f\0octet\0blksize\0"
	    "99999999999999999999999999999999999999999999999999\0"), &q);
	assert_int_equal(q.invalid, TFTP_OPTBIT(TFTP_OPT_BLKSIZE));
	parse_ok(PKT(RRQ "f\0octet\0blksize\0" "00000000000000000000001468\0"),
	    &q);
	assert_int_equal(q.val[TFTP_OPT_BLKSIZE], 1468);
	parse_ok(PKT(RRQ "f\0octet\0windowsize\0" "4294967297\0"), &q);
	assert_true(q.val[TFTP_OPT_WINDOWSIZE] == 4294967297ULL);
}

/* 1000 option pairs: the first TFTP_OPTS_MAX count, the shape of all. */
static void
test_req_thousand_options(void **state)
{
	static uint8_t	pkt[20000];
	struct tftp_req	q;
	const char	*why;
	char		name[16];
	size_t		len, i;

	(void)state;
	memcpy(pkt, RRQ, 2);
	len = put(pkt, 2, "f");
	len = put(pkt, len, "octet");
	len = put(pkt, len, "tsize");
	len = put(pkt, len, "0");
	for (i = 1; i < 1000; i++) {
		if (i == TFTP_OPTS_MAX - 1)
			snprintf(name, sizeof(name), "timeout");
		else if (i == TFTP_OPTS_MAX)
			snprintf(name, sizeof(name), "blksize");
		else
			snprintf(name, sizeof(name), "x%zu", i);
		len = put(pkt, len, name);
		len = put(pkt, len, "1024");
	}
	assert_true(len < sizeof(pkt));
	parse_ok(pkt, len, &q);
	assert_int_equal(q.nopts, 1000);
	/* Pair 32 is looked at, pair 33 is not. */
	assert_int_equal(q.present, TFTP_OPTBIT(TFTP_OPT_TSIZE) |
	    TFTP_OPTBIT(TFTP_OPT_TIMEOUT));
	assert_int_equal(q.val[TFTP_OPT_TIMEOUT], 1024);

	/* A bad pair far past the cap still spoils the request. */
	len = put(pkt, len, "dangling");
	why = NULL;
	assert_int_equal(tftp_req_parse(pkt, len, &q, &why), -1);
	assert_string_equal(why, "option without a terminated value");
}

/*
 * A 64 KiB request of empty pairs ending in a real one: linear work, each
 * empty pair counted, and the real one past the cap ignored.
 */
static void
test_req_empty_pairs(void **state)
{
	static uint8_t	pkt[65507];
	struct tftp_req	q;
	size_t		len, npairs;

	(void)state;
	memcpy(pkt, RRQ, 2);
	len = put(pkt, 2, "f");
	len = put(pkt, len, "octet");
	npairs = (sizeof(pkt) - len - 16) / 2;
	memset(pkt + len, 0, npairs * 2);
	len += npairs * 2;
	len = put(pkt, len, "blksize");
	len = put(pkt, len, "1024");
	parse_ok(pkt, len, &q);
	assert_int_equal(q.nopts, npairs + 1);
	assert_int_equal(q.present, 0);
}

static void
test_req_nul_padding(void **state)
{
	struct tftp_req	q;

	(void)state;
	parse_ok(PKT(RRQ "f\0octet\0\0"), &q);
	assert_int_equal(q.nopts, 0);
	parse_ok(PKT(RRQ "f\0octet\0\0\0\0\0\0\0\0"), &q);
	parse_ok(PKT(RRQ "f\0octet\0blksize\0" "1024\0\0\0"), &q);
	assert_int_equal(q.val[TFTP_OPT_BLKSIZE], 1024);
	assert_int_equal(q.nopts, 1);
}

/* --- negotiation --- */

static void
negotiate(const char *pkt, size_t len, const struct tftp_limits *lim,
    uint64_t size, struct tftp_opts *o, int want_n)
{
	struct tftp_req	q;

	parse_ok((const uint8_t *)pkt, len, &q);
	assert_int_equal(tftp_negotiate(&q, lim, size, o), want_n);
	assert_int_equal(o->norder, want_n);
}
#define NEG(s, lim, size, o, n)	\
	negotiate((s), sizeof(s) - 1, (lim), (size), (o), (n))

static void
test_neg_none(void **state)
{
	struct tftp_opts	o;

	(void)state;
	NEG(RRQ "f\0octet\0", &nocaps, 1234, &o, 0);
	assert_int_equal(o.blksize, 512);
	assert_int_equal(o.windowsize, 1);
	assert_int_equal(o.timeout, 0);
	assert_int_equal(o.ack, 0);
}

static void
test_neg_blksize(void **state)
{
	struct tftp_limits	lim;
	struct tftp_opts	o;

	(void)state;
	NEG(RRQ "f\0octet\0blksize\0" "8\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.blksize, 8);
	assert_int_equal(o.ack, TFTP_OPTBIT(TFTP_OPT_BLKSIZE));
	NEG(RRQ "f\0octet\0blksize\0" "65464\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.blksize, 65464);
	/* Out of RFC 2348's range: ignored, so 512 and no OACK. */
	NEG(RRQ "f\0octet\0blksize\0" "7\0", &nocaps, 0, &o, 0);
	assert_int_equal(o.blksize, 512);
	NEG(RRQ "f\0octet\0blksize\0" "0\0", &nocaps, 0, &o, 0);
	NEG(RRQ "f\0octet\0blksize\0" "65465\0", &nocaps, 0, &o, 0);
	NEG(RRQ "f\0octet\0blksize\0" "70000\0", &nocaps, 0, &o, 0);
	assert_int_equal(o.blksize, 512);
	assert_int_equal(o.ack, 0);

	/* Capped by configuration, by the MTU, by both. */
	lim = (struct tftp_limits){ 1468, 0, 0, 0 };
	NEG(RRQ "f\0octet\0blksize\0" "65464\0", &lim, 0, &o, 1);
	assert_int_equal(o.blksize, 1468);
	lim = (struct tftp_limits){ 8192, 1468, 0, 0 };
	NEG(RRQ "f\0octet\0blksize\0" "65464\0", &lim, 0, &o, 1);
	assert_int_equal(o.blksize, 1468);
	lim = (struct tftp_limits){ 1024, 1468, 0, 0 };
	NEG(RRQ "f\0octet\0blksize\0" "1468\0", &lim, 0, &o, 1);
	assert_int_equal(o.blksize, 1024);
	/* Never more than asked. */
	NEG(RRQ "f\0octet\0blksize\0" "600\0", &lim, 0, &o, 1);
	assert_int_equal(o.blksize, 600);
	/* A cap below the protocol minimum still yields a valid value. */
	lim = (struct tftp_limits){ 4, 0, 0, 0 };
	NEG(RRQ "f\0octet\0blksize\0" "1468\0", &lim, 0, &o, 1);
	assert_int_equal(o.blksize, 8);
}

static void
test_neg_windowsize(void **state)
{
	struct tftp_limits	lim = { 0, 0, 16, 0 };
	struct tftp_opts	o;

	(void)state;
	NEG(RRQ "f\0octet\0windowsize\0" "1\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.windowsize, 1);
	assert_int_equal(o.ack, TFTP_OPTBIT(TFTP_OPT_WINDOWSIZE));
	NEG(RRQ "f\0octet\0windowsize\0" "64\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.windowsize, 64);
	NEG(RRQ "f\0octet\0windowsize\0" "65535\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.windowsize, 65535);
	NEG(RRQ "f\0octet\0windowsize\0" "64\0", &lim, 0, &o, 1);
	assert_int_equal(o.windowsize, 16);
	NEG(RRQ "f\0octet\0windowsize\0" "8\0", &lim, 0, &o, 1);
	assert_int_equal(o.windowsize, 8);
	NEG(RRQ "f\0octet\0windowsize\0" "0\0", &nocaps, 0, &o, 0);
	assert_int_equal(o.windowsize, 1);
	NEG(RRQ "f\0octet\0windowsize\0" "65536\0", &nocaps, 0, &o, 0);
	assert_int_equal(o.windowsize, 1);
}

static void
test_neg_netascii_window1(void **state)
{
	struct tftp_opts	o;

	(void)state;
	NEG(RRQ "f\0netascii\0windowsize\0" "64\0blksize\0" "1024\0",
	    &nocaps, 0, &o, 2);
	assert_int_equal(o.windowsize, 1);
	assert_int_equal(o.blksize, 1024);
	assert_true(o.ack & TFTP_OPTBIT(TFTP_OPT_WINDOWSIZE));
	NEG(RRQ "f\0NETASCII\0windowsize\0" "1\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.windowsize, 1);
}

static void
test_neg_timeout(void **state)
{
	struct tftp_opts	o;

	(void)state;
	NEG(RRQ "f\0octet\0timeout\0" "1\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.timeout, 1);
	NEG(RRQ "f\0octet\0timeout\0" "255\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.timeout, 255);
	NEG(RRQ "f\0octet\0timeout\0" "0\0", &nocaps, 0, &o, 0);
	assert_int_equal(o.timeout, 0);
	NEG(RRQ "f\0octet\0timeout\0" "256\0", &nocaps, 0, &o, 0);
	assert_int_equal(o.timeout, 0);
}

/* tftp.max_timeout: above the cap the option is declined, not lowered. */
static void
test_neg_timeout_cap(void **state)
{
	struct tftp_limits	lim = { 0, 0, 0, 5 };
	struct tftp_opts	o;

	(void)state;
	NEG(RRQ "f\0octet\0timeout\0" "5\0", &lim, 0, &o, 1);
	assert_int_equal(o.timeout, 5);
	NEG(RRQ "f\0octet\0timeout\0" "6\0", &lim, 0, &o, 0);
	assert_int_equal(o.timeout, 0);
	NEG(RRQ "f\0octet\0timeout\0" "255\0tsize\0" "0\0", &lim, 77, &o, 1);
	assert_int_equal(o.timeout, 0);
	assert_int_equal(o.ack, TFTP_OPTBIT(TFTP_OPT_TSIZE));
	assert_int_equal(o.order[0], TFTP_OPT_TSIZE);
}

static void
test_neg_tsize(void **state)
{
	struct tftp_opts	o;

	(void)state;
	NEG(RRQ "f\0octet\0tsize\0" "0\0", &nocaps, 34567890, &o, 1);
	assert_int_equal(o.tsize, 34567890);
	assert_int_equal(o.ack, TFTP_OPTBIT(TFTP_OPT_TSIZE));
	/* Whatever the client claims, it learns the real size. */
	NEG(RRQ "f\0octet\0tsize\0" "99\0", &nocaps, 0, &o, 1);
	assert_int_equal(o.tsize, 0);
	NEG(RRQ "f\0octet\0tsize\0" "0\0", &nocaps, 70 * MIB, &o, 1);
	assert_true(o.tsize == 70 * MIB);
	/* Unknown size (netascii of a file not yet read): left out. */
	NEG(RRQ "f\0netascii\0tsize\0" "0\0", &nocaps, TFTP_TSIZE_UNKNOWN,
	    &o, 0);
	assert_int_equal(o.ack, 0);
	NEG(RRQ "f\0octet\0tsize\0" "x\0", &nocaps, 10, &o, 0);
}

static void
test_mtu_blksize(void **state)
{
	(void)state;
	assert_int_equal(tftp_mtu_blksize(1500), 1468);
	assert_int_equal(tftp_mtu_blksize(576), 544);
	assert_int_equal(tftp_mtu_blksize(9000), 8968);
	assert_int_equal(tftp_mtu_blksize(40), 8);
	assert_int_equal(tftp_mtu_blksize(0), 8);
	assert_int_equal(tftp_mtu_blksize(65496), 65464);
	assert_int_equal(tftp_mtu_blksize(1000000), 65464);
}

/* --- building --- */

static void
test_oack_bytes(void **state)
{
	static const char	want[] = "\0\6" "tsize\0" "1048576\0"
	    "blksize\0" "1428\0" "timeout\0" "3\0" "windowsize\0" "8\0";
	struct tftp_limits	lim = { 1428, 0, 8, 0 };
	struct tftp_opts	o;
	uint8_t			buf[TFTP_PKT_MAX];
	size_t			cap;

	(void)state;
	NEG(RRQ "f\0octet\0TSIZE\0" "0\0blksize\0" "1468\0x\0y\0timeout\0"
	    "3\0windowsize\0" "64\0", &lim, MIB, &o, 4);
	assert_int_equal(tftp_oack_build(buf, sizeof(buf), &o),
	    sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
	/* Every buffer one byte too short fails. */
	for (cap = 0; cap < sizeof(want) - 1; cap++)
		assert_int_equal(tftp_oack_build(buf, cap, &o), -1);
	assert_int_equal(tftp_oack_build(buf, sizeof(want) - 1, &o),
	    sizeof(want) - 1);
}

static void
test_oack_tsize_max_and_zero(void **state)
{
	static const char	want_big[] = "\0\6" "tsize\0"
	    "18446744073709551614\0";
	static const char	want_zero[] = "\0\6" "tsize\0" "0\0";
	struct tftp_opts	o;
	uint8_t			buf[64];

	(void)state;
	NEG(RRQ "f\0octet\0tsize\0" "0\0", &nocaps, UINT64_MAX - 1, &o, 1);
	assert_int_equal(tftp_oack_build(buf, sizeof(buf), &o),
	    sizeof(want_big) - 1);
	assert_memory_equal(buf, want_big, sizeof(want_big) - 1);
	NEG(RRQ "f\0octet\0tsize\0" "0\0", &nocaps, 0, &o, 1);
	assert_int_equal(tftp_oack_build(buf, sizeof(buf), &o),
	    sizeof(want_zero) - 1);
	assert_memory_equal(buf, want_zero, sizeof(want_zero) - 1);
	/* Nothing acknowledged: no OACK. */
	NEG(RRQ "f\0octet\0", &nocaps, 0, &o, 0);
	assert_int_equal(tftp_oack_build(buf, sizeof(buf), &o), -1);
}

static void
test_data_encoding(void **state)
{
	uint8_t	buf[TFTP_PKT_MAX + 16];
	uint8_t	*big;

	(void)state;
	assert_int_equal(tftp_data_hdr(buf, 0x1234), 4);
	assert_memory_equal(buf, "\0\3\x12\x34", 4);
	assert_int_equal(tftp_data_hdr(buf, 0), 4);
	assert_memory_equal(buf, "\0\3\0\0", 4);

	assert_int_equal(tftp_data_build(buf, sizeof(buf), 65535,
	    (const uint8_t *)"abc", 3), 7);
	assert_memory_equal(buf, "\0\3\xff\xff" "abc", 7);
	/* The final empty block. */
	assert_int_equal(tftp_data_build(buf, sizeof(buf), 7, NULL, 0), 4);
	assert_memory_equal(buf, "\0\3\0\7", 4);
	/* Data already in place (read straight into the packet). */
	memcpy(buf + 4, "xyz", 3);
	assert_int_equal(tftp_data_build(buf, sizeof(buf), 2, buf + 4, 3),
	    7);
	assert_memory_equal(buf, "\0\3\0\2xyz", 7);
	/* Overlapping source just before the payload. */
	memcpy(buf, "hello", 5);
	assert_int_equal(tftp_data_build(buf, sizeof(buf), 1, buf, 5), 9);
	assert_memory_equal(buf, "\0\3\0\1hello", 9);
	/* Bounds. */
	assert_int_equal(tftp_data_build(buf, 6, 1,
	    (const uint8_t *)"abc", 3), -1);
	assert_int_equal(tftp_data_build(buf, 3, 1, NULL, 0), -1);
	big = calloc(1, TFTP_BLKSIZE_MAX + 1);
	assert_non_null(big);
	assert_int_equal(tftp_data_build(buf, sizeof(buf), 1, big,
	    TFTP_BLKSIZE_MAX), TFTP_PKT_MAX);
	assert_int_equal(tftp_data_build(buf, sizeof(buf), 1, big,
	    TFTP_BLKSIZE_MAX + 1), -1);
	free(big);
}

static void
test_ack_encoding(void **state)
{
	uint8_t	buf[8];

	(void)state;
	assert_int_equal(tftp_ack_build(buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "\0\4\0\0", 4);
	assert_int_equal(tftp_ack_build(buf, sizeof(buf), 0xfffe), 4);
	assert_memory_equal(buf, "\0\4\xff\xfe", 4);
	assert_int_equal(tftp_ack_build(buf, 3, 1), -1);
}

static void
test_error_encoding(void **state)
{
	static const char	want_nf[] = "\0\5\0\1" "file not found\0";
	static const char	want_own[] = "\0\5\0\2"
	    "outside tftp root\0";
	uint8_t			buf[600];
	char			longmsg[1000];
	unsigned int		c;

	(void)state;
	assert_int_equal(tftp_error_build(buf, sizeof(buf), TFTP_ENOTFOUND,
	    NULL), sizeof(want_nf) - 1);
	assert_memory_equal(buf, want_nf, sizeof(want_nf) - 1);
	assert_int_equal(tftp_error_build(buf, sizeof(buf), TFTP_EACCESS,
	    "outside tftp root"), sizeof(want_own) - 1);
	assert_memory_equal(buf, want_own, sizeof(want_own) - 1);
	assert_int_equal(tftp_error_build(buf, sizeof(buf), TFTP_EOPTNEG,
	    ""), 5);
	assert_memory_equal(buf, "\0\5\0\x08\0", 5);
	/* Non-printable bytes, as a client's name might hold, become '?'. */
	assert_int_equal(tftp_error_build(buf, sizeof(buf), TFTP_EUNDEF,
	    "a\tb\x1b\xc3\xa9"), 4 + 6 + 1);
	assert_memory_equal(buf, "\0\5\0\0a?b???\0", 11);
	/* Long messages are cut to 255 bytes, and to the buffer. */
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	assert_int_equal(tftp_error_build(buf, sizeof(buf), TFTP_EUNDEF,
	    longmsg), 4 + TFTP_ERRMSG_MAX + 1);
	assert_int_equal(buf[4 + TFTP_ERRMSG_MAX], 0);
	assert_int_equal(tftp_error_build(buf, 10, TFTP_EBADOP, NULL), 10);
	assert_memory_equal(buf, "\0\5\0\4illeg\0", 10);
	assert_int_equal(tftp_error_build(buf, 5, TFTP_EBADOP, NULL), 5);
	assert_int_equal(tftp_error_build(buf, 4, TFTP_EBADOP, NULL), -1);
	/* Codes outside the table. */
	assert_int_equal(tftp_error_build(buf, sizeof(buf), TFTP_ERR_MAX,
	    NULL), -1);
	assert_int_equal(tftp_error_build(buf, sizeof(buf),
	    (enum tftp_err)-1, "x"), -1);
	/* The table: every code has text. */
	for (c = 0; c < TFTP_ERR_MAX; c++) {
		assert_non_null(tftp_err_str(c));
		assert_true(strlen(tftp_err_str(c)) > 0);
		assert_true(tftp_error_build(buf, sizeof(buf), c, NULL) > 5);
	}
	assert_string_equal(tftp_err_str(TFTP_EBADID), "unknown transfer ID");
	assert_string_equal(tftp_err_str(TFTP_ERR_MAX), "unknown error");
	assert_null(tftp_opt_name(TFTP_OPT_MAX));
	assert_string_equal(tftp_opt_name(TFTP_OPT_WINDOWSIZE), "windowsize");
}

/* --- packets on a transfer socket --- */

static void
test_pkt_ack(void **state)
{
	struct tftp_pkt	pk;
	const char	*why = NULL;

	(void)state;
	assert_int_equal(tftp_pkt_parse(PKT("\0\4\0\7"), &pk, &why), 0);
	assert_int_equal(pk.op, TFTP_OP_ACK);
	assert_int_equal(pk.block, 7);
	assert_int_equal(tftp_pkt_parse(PKT("\0\4\xff\xff"), &pk, &why), 0);
	assert_int_equal(pk.block, 65535);
	/* Trailing bytes are ignored. */
	assert_int_equal(tftp_pkt_parse(PKT("\0\4\1\0\0\0\0\0"), &pk, &why),
	    0);
	assert_int_equal(pk.block, 256);
	assert_int_equal(tftp_pkt_parse(PKT("\0\4\0"), &pk, &why), -1);
	assert_string_equal(why, "truncated ACK");
	assert_int_equal(tftp_pkt_parse(PKT("\0\4"), &pk, &why), -1);
}

static void
test_pkt_error(void **state)
{
	uint8_t		pkt[1100];
	struct tftp_pkt	pk;
	const char	*why = NULL;

	(void)state;
	assert_int_equal(tftp_pkt_parse(PKT("\0\5\0\x08"
	    "blksize refused\0"), &pk, &why), 0);
	assert_int_equal(pk.op, TFTP_OP_ERROR);
	assert_int_equal(pk.code, TFTP_EOPTNEG);
	assert_string_equal(pk.msg, "blksize refused");
	/* No message, no NUL, a code outside the table. */
	assert_int_equal(tftp_pkt_parse(PKT("\0\5\0\1"), &pk, &why), 0);
	assert_string_equal(pk.msg, "");
	assert_int_equal(tftp_pkt_parse(PKT("\0\5\0\0abc"), &pk, &why), 0);
	assert_string_equal(pk.msg, "abc");
	assert_int_equal(tftp_pkt_parse(PKT("\0\5\x12\x34" "x\0y"), &pk,
	    &why), 0);
	assert_int_equal(pk.code, 0x1234);
	assert_string_equal(pk.msg, "x");
	/* A long message is cut to 255 bytes. */
	memcpy(pkt, "\0\5\0\0", 4);
	memset(pkt + 4, 'e', 1000);
	assert_int_equal(tftp_pkt_parse(pkt, 1004, &pk, &why), 0);
	assert_int_equal(strlen(pk.msg), TFTP_ERRMSG_MAX);
	assert_int_equal(tftp_pkt_parse(PKT("\0\5\0"), &pk, &why), -1);
	assert_string_equal(why, "truncated ERROR");
}

static void
test_pkt_data_and_others(void **state)
{
	static const uint8_t	dpkt[] = { 0, 3, 0, 1, 'a', 'b', 'c' };
	uint8_t			*big;
	struct tftp_pkt		pk;
	const char		*why = NULL;

	(void)state;
	assert_int_equal(tftp_pkt_parse(dpkt, sizeof(dpkt), &pk, &why), 0);
	assert_int_equal(pk.op, TFTP_OP_DATA);
	assert_int_equal(pk.block, 1);
	assert_ptr_equal(pk.data, dpkt + 4);
	assert_int_equal(pk.datalen, 3);
	assert_int_equal(tftp_pkt_parse(PKT("\0\3\0\2"), &pk, &why), 0);
	assert_int_equal(pk.datalen, 0);
	assert_int_equal(tftp_pkt_parse(PKT("\0\3\0"), &pk, &why), -1);
	big = calloc(1, TFTP_PKT_MAX + 1);
	assert_non_null(big);
	big[1] = TFTP_OP_DATA;
	assert_int_equal(tftp_pkt_parse(big, TFTP_PKT_MAX, &pk, &why), 0);
	assert_int_equal(pk.datalen, TFTP_BLKSIZE_MAX);
	assert_int_equal(tftp_pkt_parse(big, TFTP_PKT_MAX + 1, &pk, &why),
	    -1);
	free(big);

	assert_int_equal(tftp_pkt_parse(PKT(RRQ "f\0octet\0"), &pk, &why), 0);
	assert_int_equal(pk.op, TFTP_OP_RRQ);
	assert_int_equal(tftp_pkt_parse(PKT(WRQ), &pk, &why), 0);
	assert_int_equal(pk.op, TFTP_OP_WRQ);
	assert_int_equal(tftp_pkt_parse(PKT("\0\6blksize\0" "512\0"), &pk,
	    &why), 0);
	assert_int_equal(pk.op, TFTP_OP_OACK);

	assert_int_equal(tftp_pkt_parse(PKT("\0\0\0\1"), &pk, &why), -1);
	assert_string_equal(why, "unknown opcode");
	assert_int_equal(tftp_pkt_parse(PKT("\0\7\0\1"), &pk, &why), -1);
	assert_int_equal(tftp_pkt_parse(PKT("\xff\xff"), &pk, &why), -1);
	assert_int_equal(tftp_pkt_parse(PKT("\4\0\0\1"), &pk, &why), -1);
	assert_int_equal(tftp_pkt_parse(PKT("\0"), &pk, &why), -1);
	assert_string_equal(why, "truncated packet");
	assert_int_equal(tftp_pkt_parse(PKT(""), &pk, &why), -1);
}

/* --- blocks --- */

static void
test_block_wire_expand(void **state)
{
	uint64_t	r;

	(void)state;
	assert_int_equal(tftp_block_wire(1), 1);
	assert_int_equal(tftp_block_wire(65535), 65535);
	assert_int_equal(tftp_block_wire(65536), 0);
	assert_int_equal(tftp_block_wire(65537), 1);
	assert_int_equal(tftp_block_wire(143361), 143361 - 2 * 65536);

	assert_true(tftp_block_expand(0, 0) == 0);
	assert_true(tftp_block_expand(0, 65535) == 65535);
	assert_true(tftp_block_expand(65535, 0) == 65536);
	assert_true(tftp_block_expand(65535, 65535) == 65535);
	assert_true(tftp_block_expand(65536, 0) == 65536);
	assert_true(tftp_block_expand(65536, 65535) == 2 * 65536 - 1);
	/* Several rollovers in. */
	r = 5 * 65536ULL + 100;
	assert_true(tftp_block_expand(r, 100) == r);
	assert_true(tftp_block_expand(r, 164) == r + 64);
	assert_true(tftp_block_expand(r, 99) == r + 65535);
	assert_true(tftp_block_expand(r, 0) == 6 * 65536ULL);
	r = (1ULL << 40) + 65530;
	assert_true(tftp_block_expand(r, 5) == (1ULL << 40) + 65536 + 5);
}

static void
test_file_blocks_and_span(void **state)
{
	uint64_t	off;
	size_t		n;

	(void)state;
	assert_true(tftp_file_blocks(70 * MIB, 512) == 143361);
	assert_true(tftp_file_blocks(0, 512) == 1);
	assert_true(tftp_file_blocks(1, 512) == 1);
	assert_true(tftp_file_blocks(511, 512) == 1);
	assert_true(tftp_file_blocks(512, 512) == 2);
	assert_true(tftp_file_blocks(513, 512) == 2);
	assert_true(tftp_file_blocks(70 * MIB + 1, 512) == 143361);
	assert_true(tftp_file_blocks(70 * MIB, 1468) == 50001);
	assert_true(tftp_file_blocks(100, 0) == 0);

	assert_int_equal(tftp_block_span(70 * MIB, 512, 1, &off, &n), 0);
	assert_true(off == 0);
	assert_int_equal(n, 512);
	assert_int_equal(tftp_block_span(70 * MIB, 512, 143360, &off, &n),
	    0);
	assert_true(off == 70 * MIB - 512);
	assert_int_equal(n, 512);
	assert_int_equal(tftp_block_span(70 * MIB, 512, 143361, &off, &n),
	    0);
	assert_true(off == 70 * MIB);
	assert_int_equal(n, 0);
	assert_int_equal(tftp_block_span(70 * MIB, 512, 143362, &off, &n),
	    -1);
	assert_int_equal(tftp_block_span(70 * MIB, 512, 0, &off, &n), -1);
	assert_int_equal(tftp_block_span(1000, 512, 2, &off, &n), 0);
	assert_true(off == 512);
	assert_int_equal(n, 488);
	assert_int_equal(tftp_block_span(1000, 512, 3, &off, &n), -1);
	assert_int_equal(tftp_block_span(0, 512, 1, &off, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(tftp_block_span(10, 0, 1, &off, &n), -1);
}

static void
test_ack_classify(void **state)
{
	uint64_t	abs;

	(void)state;
	/* Lock-step: block 5 out, ACK 5 in; ACK 4 again is stale. */
	assert_int_equal(tftp_ack_classify(4, 5, 5, &abs), TFTP_ACK_NEW);
	assert_true(abs == 5);
	assert_int_equal(tftp_ack_classify(5, 5, 5, &abs), TFTP_ACK_DUP);
	assert_true(abs == 5);
	assert_int_equal(tftp_ack_classify(5, 5, 4, &abs), TFTP_ACK_OUTSIDE);
	assert_int_equal(tftp_ack_classify(5, 5, 6, &abs), TFTP_ACK_OUTSIDE);
	assert_true(abs == 6);
	/* A window 101..164 out: any block in it acknowledges up to it. */
	assert_int_equal(tftp_ack_classify(100, 164, 164, &abs),
	    TFTP_ACK_NEW);
	assert_true(abs == 164);
	assert_int_equal(tftp_ack_classify(100, 164, 101, &abs),
	    TFTP_ACK_NEW);
	assert_int_equal(tftp_ack_classify(100, 164, 130, &abs),
	    TFTP_ACK_NEW);
	assert_true(abs == 130);
	assert_int_equal(tftp_ack_classify(100, 164, 100, &abs),
	    TFTP_ACK_DUP);
	assert_int_equal(tftp_ack_classify(100, 164, 99, &abs),
	    TFTP_ACK_OUTSIDE);
	assert_int_equal(tftp_ack_classify(100, 164, 36, &abs),
	    TFTP_ACK_OUTSIDE);
	assert_int_equal(tftp_ack_classify(100, 164, 165, &abs),
	    TFTP_ACK_OUTSIDE);
	/* Across the rollover: acked 65530, sent 65540 (wire 4). */
	assert_int_equal(tftp_ack_classify(65530, 65540, 2, &abs),
	    TFTP_ACK_NEW);
	assert_true(abs == 65538);
	assert_int_equal(tftp_ack_classify(65530, 65540, 65535, &abs),
	    TFTP_ACK_NEW);
	assert_true(abs == 65535);
	assert_int_equal(tftp_ack_classify(65530, 65540, 0, &abs),
	    TFTP_ACK_NEW);
	assert_true(abs == 65536);
	assert_int_equal(tftp_ack_classify(65530, 65540, 65530, &abs),
	    TFTP_ACK_DUP);
	assert_int_equal(tftp_ack_classify(65530, 65540, 65529, &abs),
	    TFTP_ACK_OUTSIDE);
	assert_int_equal(tftp_ack_classify(65530, 65540, 5, &abs),
	    TFTP_ACK_OUTSIDE);
	/* Nothing sent beyond what is acked: only duplicates. */
	assert_int_equal(tftp_ack_classify(0, 0, 0, &abs), TFTP_ACK_DUP);
	assert_int_equal(tftp_ack_classify(0, 0, 1, &abs), TFTP_ACK_OUTSIDE);
}

/*
 * A whole 70 MiB transfer at 512-byte blocks, lock-step, with the client
 * repeating every ACK and replaying an old one: each DATA goes out once
 * (no Sorcerer's Apprentice), wire numbers roll over twice, and the
 * sender ends on the empty block 143361.
 */
static void
test_transfer_70mib_lockstep(void **state)
{
	const uint64_t	total = tftp_file_blocks(70 * MIB, 512);
	uint64_t	acked = 0, sent = 0, abs, sends = 0, wraps = 0;
	uint64_t	off;
	size_t		n;
	uint16_t	wire, prev = 0;

	(void)state;
	assert_true(total == 143361);
	while (acked < total) {
		sent = acked + 1;
		sends++;
		wire = tftp_block_wire(sent);
		if (wire < prev)
			wraps++;
		prev = wire;
		assert_int_equal(tftp_block_span(70 * MIB, 512, sent, &off,
		    &n), 0);
		assert_int_equal(n, sent == total ? 0 : 512);
		/* The client's ACK, a duplicate, and a stale one. */
		assert_int_equal(tftp_ack_classify(acked, sent, wire, &abs),
		    TFTP_ACK_NEW);
		assert_true(abs == sent);
		acked = abs;
		assert_int_equal(tftp_ack_classify(acked, sent, wire, &abs),
		    TFTP_ACK_DUP);
		if (acked > 1)
			assert_int_equal(tftp_ack_classify(acked, sent,
			    tftp_block_wire(acked - 1), &abs),
			    TFTP_ACK_OUTSIDE);
	}
	assert_true(sends == total);
	assert_true(acked == 143361);
	assert_true(wraps == 2);
	assert_int_equal(tftp_block_wire(acked), 143361 - 131072);
}

/*
 * The same transfer with windowsize 64, the client losing a block now
 * and then (it acknowledges the last block it holds in order, RFC 7440
 * §4) and late ACKs from earlier windows arriving.
 */
static void
test_transfer_70mib_window(void **state)
{
	const uint64_t	total = tftp_file_blocks(70 * MIB, 512);
	const uint64_t	win = 64;
	uint64_t	acked = 0, sent, abs, last, lossy = 0, rounds = 0;

	(void)state;
	while (acked < total) {
		sent = acked + win < total ? acked + win : total;
		rounds++;
		/* Every 7th window loses its 10th block. */
		last = sent;
		if (rounds % 7 == 0 && sent - acked > 10) {
			last = acked + 9;
			lossy++;
		}
		if (acked >= win)
			assert_int_equal(tftp_ack_classify(acked, sent,
			    tftp_block_wire(acked - win / 2), &abs),
			    TFTP_ACK_OUTSIDE);
		assert_int_equal(tftp_ack_classify(acked, sent,
		    tftp_block_wire(sent + 1), &abs), TFTP_ACK_OUTSIDE);
		assert_int_equal(tftp_ack_classify(acked, sent,
		    tftp_block_wire(last), &abs), TFTP_ACK_NEW);
		assert_true(abs == last);
		acked = abs;
		assert_int_equal(tftp_ack_classify(acked, sent,
		    tftp_block_wire(last), &abs), TFTP_ACK_DUP);
	}
	assert_true(acked == total);
	assert_true(lossy > 0);
}

/* --- netascii --- */

static size_t
netascii_ref(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
		} else if (in[i] == '\r') {
			out[o++] = '\r';
			out[o++] = '\0';
		} else
			out[o++] = in[i];
	}
	return o;
}

static void
test_netascii_basic(void **state)
{
	struct tftp_netascii	na;
	uint8_t			out[32];
	size_t			used, n;

	(void)state;
	tftp_netascii_init(&na);
	n = tftp_netascii_encode(&na, (const uint8_t *)"a\nb\rc", 5, &used,
	    out, sizeof(out));
	assert_int_equal(n, 7);
	assert_int_equal(used, 5);
	assert_memory_equal(out, "a\r\nb\r\0c", 7);
	assert_int_equal(tftp_netascii_pending(&na), 0);
	/* A DOS line end is two bytes of file, so four on the wire. */
	n = tftp_netascii_encode(&na, (const uint8_t *)"\r\n", 2, &used, out,
	    sizeof(out));
	assert_int_equal(n, 4);
	assert_memory_equal(out, "\r\0\r\n", 4);
	/* No room at all. */
	n = tftp_netascii_encode(&na, (const uint8_t *)"x", 1, &used, out, 0);
	assert_int_equal(n, 0);
	assert_int_equal(used, 0);
	assert_true(tftp_netascii_size((const uint8_t *)"a\r\nb", 4) == 6);
	assert_true(tftp_netascii_size((const uint8_t *)"", 0) == 0);
	assert_true(tftp_netascii_size((const uint8_t *)"\n\n\r", 3) == 6);
}

static void
test_netascii_split_pair(void **state)
{
	struct tftp_netascii	na;
	uint8_t			out[8];
	size_t			used, n;

	(void)state;
	tftp_netascii_init(&na);
	/* "abc\n" into 4 bytes: the LF's CR fits, the LF waits. */
	n = tftp_netascii_encode(&na, (const uint8_t *)"abc\nd", 5, &used,
	    out, 4);
	assert_int_equal(n, 4);
	assert_int_equal(used, 4);
	assert_memory_equal(out, "abc\r", 4);
	assert_int_equal(tftp_netascii_pending(&na), 1);
	/* Next block starts with it, then goes on with the input. */
	n = tftp_netascii_encode(&na, (const uint8_t *)"d", 1, &used, out, 4);
	assert_int_equal(n, 2);
	assert_int_equal(used, 1);
	assert_memory_equal(out, "\nd", 2);
	assert_int_equal(tftp_netascii_pending(&na), 0);
	/* Same for CR NUL, with the input already used up. */
	n = tftp_netascii_encode(&na, (const uint8_t *)"\r", 1, &used, out,
	    1);
	assert_int_equal(n, 1);
	assert_int_equal(used, 1);
	assert_int_equal(out[0], '\r');
	assert_int_equal(tftp_netascii_pending(&na), 1);
	n = tftp_netascii_encode(&na, NULL, 0, &used, out, 1);
	assert_int_equal(n, 1);
	assert_int_equal(used, 0);
	assert_int_equal(out[0], '\0');
	assert_int_equal(tftp_netascii_pending(&na), 0);
}

/*
 * Runs the recipe of tftp_proto.h over file, as the I/O layer will:
 * DATA blocks of exactly blksize bytes but the last, concatenated into
 * wire. Returns the number of blocks.
 */
static uint64_t
netascii_blocks(const uint8_t *file, size_t size, uint16_t blksize,
    uint8_t *wire, size_t *wirelen)
{
	struct tftp_netascii	na;
	uint8_t			pkt[TFTP_HDR_LEN + 4096];
	uint8_t			scratch[4096];
	uint64_t		nblocks = 0;
	size_t			off = 0, fill, used, chunk;

	tftp_netascii_init(&na);
	*wirelen = 0;
	for (;;) {
		fill = 0;
		do {
			/* "pread" at most blksize - fill bytes at off */
			chunk = size - off < (size_t)(blksize - fill) ?
			    size - off : (size_t)(blksize - fill);
			memcpy(scratch, file + off, chunk);
			fill += tftp_netascii_encode(&na, scratch, chunk,
			    &used, pkt + TFTP_HDR_LEN + fill, blksize - fill);
			off += used;
		} while (fill < blksize &&
		    (off < size || tftp_netascii_pending(&na)));
		nblocks++;
		memcpy(wire + *wirelen, pkt + TFTP_HDR_LEN, fill);
		*wirelen += fill;
		if (fill < blksize)
			break;
		assert_int_equal(fill, blksize);
	}
	assert_int_equal(off, size);
	assert_int_equal(tftp_netascii_pending(&na), 0);
	return nblocks;
}

static void
check_netascii_file(const uint8_t *file, size_t size, uint16_t blksize)
{
	uint8_t		*want, *got;
	size_t		wantlen, gotlen;
	uint64_t	nblocks, sz = 0;
	size_t		i;

	want = malloc(2 * size + 1);
	got = malloc(2 * size + blksize + 1);
	assert_non_null(want);
	assert_non_null(got);
	wantlen = netascii_ref(file, size, want);
	nblocks = netascii_blocks(file, size, blksize, got, &gotlen);
	assert_int_equal(gotlen, wantlen);
	assert_memory_equal(got, want, wantlen);
	/* tsize of the converted file, summed over arbitrary chunks. */
	for (i = 0; i < size; i += 7)
		sz += tftp_netascii_size(file + i, size - i < 7 ? size - i : 7);
	assert_true(sz == wantlen);
	assert_true(tftp_netascii_size(file, size) == wantlen);
	assert_true(nblocks == tftp_file_blocks(sz, blksize));
	free(want);
	free(got);
}

static void
test_netascii_blocks(void **state)
{
	static const uint16_t	sizes[] = { 8, 9, 13, 512, 1468 };
	uint8_t			*file;
	size_t			i, n = 40000;
	uint32_t		x = 12345;

	(void)state;
	/* A pair split across each boundary: "ab\r\n" at blksize 3. */
	check_netascii_file((const uint8_t *)"ab\r\n", 4, 3);
	check_netascii_file((const uint8_t *)"ab\n", 3, 3);
	/* Converted size a multiple of blksize: ends with an empty block. */
	check_netascii_file((const uint8_t *)"\n\n\n\n", 4, 8);
	check_netascii_file((const uint8_t *)"", 0, 8);
	check_netascii_file((const uint8_t *)"\r", 1, 8);
	/* Text with many line ends, and bytes of every value. */
	file = malloc(n);
	assert_non_null(file);
	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		switch ((x >> 16) % 8) {
		case 0:
			file[i] = '\n';
			break;
		case 1:
			file[i] = '\r';
			break;
		default:
			file[i] = (uint8_t)(x >> 8);
		}
	}
	for (i = 0; i < NITEMS(sizes); i++) {
		check_netascii_file(file, n, sizes[i]);
		check_netascii_file(file, 1 + i * 97, sizes[i]);
	}
	free(file);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_req_plain_rrq),
		cmocka_unit_test(test_req_wrq_recorded),
		cmocka_unit_test(test_req_mode_case),
		cmocka_unit_test(test_req_filename_bytes),
		cmocka_unit_test(test_req_filename_255),
		cmocka_unit_test(test_req_malformed),
		cmocka_unit_test(test_req_every_truncation),
		cmocka_unit_test(test_req_options),
		cmocka_unit_test(test_req_unknown_ignored),
		cmocka_unit_test(test_req_duplicates_first_wins),
		cmocka_unit_test(test_req_non_numeric),
		cmocka_unit_test(test_req_huge_values),
		cmocka_unit_test(test_req_thousand_options),
		cmocka_unit_test(test_req_empty_pairs),
		cmocka_unit_test(test_req_nul_padding),
		cmocka_unit_test(test_neg_none),
		cmocka_unit_test(test_neg_blksize),
		cmocka_unit_test(test_neg_windowsize),
		cmocka_unit_test(test_neg_netascii_window1),
		cmocka_unit_test(test_neg_timeout),
		cmocka_unit_test(test_neg_timeout_cap),
		cmocka_unit_test(test_neg_tsize),
		cmocka_unit_test(test_mtu_blksize),
		cmocka_unit_test(test_oack_bytes),
		cmocka_unit_test(test_oack_tsize_max_and_zero),
		cmocka_unit_test(test_data_encoding),
		cmocka_unit_test(test_ack_encoding),
		cmocka_unit_test(test_error_encoding),
		cmocka_unit_test(test_pkt_ack),
		cmocka_unit_test(test_pkt_error),
		cmocka_unit_test(test_pkt_data_and_others),
		cmocka_unit_test(test_block_wire_expand),
		cmocka_unit_test(test_file_blocks_and_span),
		cmocka_unit_test(test_ack_classify),
		cmocka_unit_test(test_transfer_70mib_lockstep),
		cmocka_unit_test(test_transfer_70mib_window),
		cmocka_unit_test(test_netascii_basic),
		cmocka_unit_test(test_netascii_split_pair),
		cmocka_unit_test(test_netascii_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
