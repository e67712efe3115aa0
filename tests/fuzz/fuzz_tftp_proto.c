/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for tftp/tftp_proto.c and tftp_path_normalise(): the
 * input is a packet. As a request it is parsed, negotiated under several
 * limits, and its OACK built and read back; as a transfer packet it is
 * parsed; its file name and the raw input are normalised; and the input
 * goes through the netascii encoder in small blocks. Aborts when a result
 * breaks a contract in tftp_proto.h or tftp_path.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tftp/tftp_path.h"
#include "tftp/tftp_proto.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct tftp_limits	limits[] = {
	{ 0, 0, 0, 0 },
	{ 1468, 0, 64, 5 },
	{ 8192, 1468, 16, 255 },
	{ 4, 4, 1, 1 },
};

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* The OACK read back as the options of a request must say the same. */
static void
check_oack(const struct tftp_opts *o, const uint8_t *oack, size_t len)
{
	static const uint8_t	hdr[] = "\0\1f\0octet";
	uint8_t			pkt[sizeof(hdr) + 512];
	struct tftp_req		q;
	const char		*why;
	unsigned int		i;

	CHECK(len >= 2 && len - 2 <= 512);
	CHECK(oack[0] == 0 && oack[1] == TFTP_OP_OACK);
	memcpy(pkt, hdr, sizeof(hdr));
	memcpy(pkt + sizeof(hdr), oack + 2, len - 2);
	CHECK(tftp_req_parse(pkt, sizeof(hdr) + len - 2, &q, &why) == 0);
	CHECK(q.present == o->ack && q.invalid == 0);
	CHECK(q.norder == o->norder);
	for (i = 0; i < q.norder; i++)
		CHECK(q.order[i] == o->order[i]);
	if (o->ack & TFTP_OPTBIT(TFTP_OPT_BLKSIZE))
		CHECK(q.val[TFTP_OPT_BLKSIZE] == o->blksize);
	if (o->ack & TFTP_OPTBIT(TFTP_OPT_TSIZE))
		CHECK(q.val[TFTP_OPT_TSIZE] == o->tsize);
	if (o->ack & TFTP_OPTBIT(TFTP_OPT_TIMEOUT))
		CHECK(q.val[TFTP_OPT_TIMEOUT] == o->timeout);
	if (o->ack & TFTP_OPTBIT(TFTP_OPT_WINDOWSIZE))
		CHECK(q.val[TFTP_OPT_WINDOWSIZE] == o->windowsize);
}

static void
check_negotiation(const struct tftp_req *q, const struct tftp_limits *lim,
    uint64_t size)
{
	struct tftp_opts	o;
	uint8_t			buf[512], small[16];
	ssize_t			n;
	int			nack;

	nack = tftp_negotiate(q, lim, size, &o);
	CHECK(nack == o.norder && nack <= TFTP_OPT_MAX);
	CHECK((o.ack & ~q->present) == 0);
	CHECK(o.blksize >= TFTP_BLKSIZE_MIN && o.blksize <= TFTP_BLKSIZE_MAX);
	CHECK(o.windowsize >= 1);
	if (o.ack & TFTP_OPTBIT(TFTP_OPT_BLKSIZE))
		CHECK(o.blksize <= q->val[TFTP_OPT_BLKSIZE]);
	else
		CHECK(o.blksize == TFTP_BLKSIZE_DEFAULT);
	if (o.ack & TFTP_OPTBIT(TFTP_OPT_WINDOWSIZE))
		CHECK(o.windowsize <= q->val[TFTP_OPT_WINDOWSIZE]);
	else
		CHECK(o.windowsize == 1);
	if (q->mode == TFTP_MODE_NETASCII)
		CHECK(o.windowsize == 1);
	if (o.ack & TFTP_OPTBIT(TFTP_OPT_TIMEOUT)) {
		CHECK(o.timeout >= TFTP_TIMEOUT_MIN);
		CHECK(o.timeout == q->val[TFTP_OPT_TIMEOUT]);
		CHECK(lim->max_timeout == 0 || o.timeout <= lim->max_timeout);
	} else
		CHECK(o.timeout == 0);
	if (o.ack & TFTP_OPTBIT(TFTP_OPT_TSIZE))
		CHECK(o.tsize == size && size != TFTP_TSIZE_UNKNOWN);

	n = tftp_oack_build(buf, sizeof(buf), &o);
	if (nack == 0) {
		CHECK(n == -1);
		return;
	}
	CHECK(n > 2 && (size_t)n <= sizeof(buf));
	check_oack(&o, buf, (size_t)n);
	n = tftp_oack_build(small, sizeof(small), &o);
	CHECK(n == -1 || (size_t)n <= sizeof(small));
}

static void
check_normalise(const char *name)
{
	char		out[TFTP_PATH_MAX + 1], again[TFTP_PATH_MAX + 1];
	const char	*why = NULL, *c;
	size_t		len;

	if (tftp_path_normalise(name, out, sizeof(out), &why) != 0) {
		CHECK(why != NULL && out[0] == '\0');
		return;
	}
	len = strlen(out);
	CHECK(len > 0 && len <= TFTP_PATH_MAX);
	CHECK(out[0] != '/' && out[len - 1] != '/');
	CHECK(strchr(out, '\\') == NULL && strstr(out, "//") == NULL);
	for (c = out; c != NULL; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		CHECK(strncmp(c, "./", 2) != 0 && strcmp(c, ".") != 0);
		CHECK(strncmp(c, "../", 3) != 0 && strcmp(c, "..") != 0);
	}
	for (c = out; *c != '\0'; c++)
		CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
	CHECK(tftp_path_normalise(out, again, sizeof(again), &why) == 0);
	CHECK(strcmp(out, again) == 0);
}

static void
check_request(const uint8_t *data, size_t size)
{
	static const uint64_t	sizes[] = { 0, 512, 70 << 20,
	    TFTP_TSIZE_UNKNOWN };
	struct tftp_req		q;
	const char		*why = NULL;
	size_t			i, len;

	if (tftp_req_parse(data, size, &q, &why) != 0) {
		CHECK(why != NULL);
		return;
	}
	CHECK(q.op == TFTP_OP_RRQ || q.op == TFTP_OP_WRQ);
	len = strnlen(q.filename, sizeof(q.filename));
	CHECK(len >= 1 && len <= TFTP_FILENAME_MAX);
	CHECK((q.present & q.invalid) == 0);
	CHECK(q.norder <= TFTP_OPT_MAX);
	CHECK(q.nopts >= q.norder);
	for (i = 0; i < NITEMS(limits); i++)
		check_negotiation(&q, &limits[i], sizes[i]);
	check_normalise(q.filename);
}

static void
check_packet(const uint8_t *data, size_t size)
{
	struct tftp_pkt	pk;
	const char	*why = NULL;
	uint64_t	abs, acked;
	enum tftp_ack	a;

	if (tftp_pkt_parse(data, size, &pk, &why) != 0) {
		CHECK(why != NULL);
		return;
	}
	switch (pk.op) {
	case TFTP_OP_DATA:
		CHECK(pk.data == data + TFTP_HDR_LEN);
		CHECK(pk.datalen == size - TFTP_HDR_LEN);
		CHECK(pk.datalen <= TFTP_BLKSIZE_MAX);
		break;
	case TFTP_OP_ERROR:
		CHECK(memchr(pk.msg, '\0', sizeof(pk.msg)) != NULL);
		break;
	case TFTP_OP_ACK:
		/* Against a window ending at a block built from the input. */
		acked = (uint64_t)pk.block * 3 + (size > 4 ? data[4] : 0);
		a = tftp_ack_classify(acked, acked + 64, pk.block, &abs);
		CHECK(tftp_block_wire(abs) == pk.block);
		CHECK(abs >= acked && abs - acked <= 65535);
		CHECK((a == TFTP_ACK_DUP) == (abs == acked));
		CHECK((a == TFTP_ACK_NEW) == (abs > acked &&
		    abs <= acked + 64));
		break;
	default:
		CHECK(pk.op >= TFTP_OP_RRQ && pk.op <= TFTP_OP_OACK);
	}
}

static void
check_netascii(const uint8_t *data, size_t size)
{
	struct tftp_netascii	na;
	uint8_t			blk[13];
	uint64_t		total = 0;
	size_t			off = 0, used, n;

	tftp_netascii_init(&na);
	do {
		n = tftp_netascii_encode(&na, data + off, size - off, &used,
		    blk, sizeof(blk));
		CHECK(n <= sizeof(blk) && used <= size - off);
		CHECK(n > 0 || (off == size && !tftp_netascii_pending(&na)));
		off += used;
		total += n;
	} while (n == sizeof(blk));
	CHECK(off == size && !tftp_netascii_pending(&na));
	CHECK(total == tftp_netascii_size(data, size));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*name;

	check_request(data, size);
	check_packet(data, size);
	check_netascii(data, size);
	/* The raw input as a name, after the opcode. */
	if ((name = malloc(size + 1)) == NULL)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	check_normalise(size >= 2 ? name + 2 : name);
	free(name);
	return 0;
}
