/* SPDX-License-Identifier: ISC */
/*
 * tftp_proto: TFTP wire format, option negotiation, block numbering and
 * netascii (RFC 1350, 2347, 2348, 2349, 7440). Pure: all wire access goes
 * through bootd/buf.h; no I/O, no clock, no globals, no logging.
 */
#include <string.h>
#include <strings.h>

#include "bootd/buf.h"
#include "tftp/tftp_proto.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* The one table of error texts; tftp_error_build() is its one user. */
static const char *const tftp_err_text[TFTP_ERR_MAX] = {
	[TFTP_EUNDEF] = "undefined error",
	[TFTP_ENOTFOUND] = "file not found",
	[TFTP_EACCESS] = "access violation",
	[TFTP_ENOSPACE] = "disk full or allocation exceeded",
	[TFTP_EBADOP] = "illegal TFTP operation",
	[TFTP_EBADID] = "unknown transfer ID",
	[TFTP_EEXISTS] = "file already exists",
	[TFTP_ENOUSER] = "no such user",
	[TFTP_EOPTNEG] = "option negotiation failed",
};

static const char *const tftp_opt_names[TFTP_OPT_MAX] = {
	[TFTP_OPT_BLKSIZE] = "blksize",		/* RFC 2348 */
	[TFTP_OPT_TSIZE] = "tsize",		/* RFC 2349 */
	[TFTP_OPT_TIMEOUT] = "timeout",		/* RFC 2349 */
	[TFTP_OPT_WINDOWSIZE] = "windowsize",	/* RFC 7440 */
};

const char *
tftp_err_str(enum tftp_err code)
{
	if ((unsigned int)code >= TFTP_ERR_MAX)
		return "unknown error";
	return tftp_err_text[code];
}

const char *
tftp_opt_name(enum tftp_opt o)
{
	if ((unsigned int)o >= TFTP_OPT_MAX)
		return NULL;
	return tftp_opt_names[o];
}

/*
 * Takes the NUL-terminated string at the cursor: *s points into the
 * packet, *n is its length. -1 when no NUL lies within the packet.
 */
static int
get_str(struct buf_rd *r, const char **s, size_t *n)
{
	const uint8_t	*nul;

	if (r->rem == 0 || (nul = memchr(r->p, '\0', r->rem)) == NULL)
		return -1;
	*s = (const char *)r->p;
	*n = (size_t)(nul - r->p);
	return buf_skip(r, *n + 1);
}

/* Digits only, no sign or blanks, 1..20 of them, no 64-bit overflow. */
static int
parse_dec(const char *s, size_t n, uint64_t *v)
{
	uint64_t	x = 0;
	size_t		i;
	unsigned int	d;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned int)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static void
req_opt(struct tftp_req *q, const char *name, const char *val, size_t vlen)
{
	unsigned int	i, bit;
	uint64_t	v;

	for (i = 0; i < TFTP_OPT_MAX; i++)
		if (strcasecmp(name, tftp_opt_names[i]) == 0)
			break;
	if (i == TFTP_OPT_MAX)
		return;			/* RFC 2347: unknown: ignore */
	bit = TFTP_OPTBIT(i);
	if ((q->present | q->invalid) & bit)
		return;			/* repeated: the first one counts */
	if (parse_dec(val, vlen, &v) == -1) {
		q->invalid |= bit;
		return;
	}
	q->present |= bit;
	q->val[i] = v;
	q->order[q->norder++] = (uint8_t)i;
}

/*
 * Past the last non-NUL byte of the packet: from there on it is padding.
 * Found once, so a packet of empty pairs costs linear time.
 */
static const uint8_t *
pad_start(const uint8_t *p, size_t len)
{
	while (len > 0 && p[len - 1] == '\0')
		len--;
	return p + len;
}

int
tftp_req_parse(const uint8_t *p, size_t len, struct tftp_req *out,
    const char **why)
{
	struct buf_rd	 r;
	const uint8_t	*pad;
	const char	*fname, *mode, *name, *val;
	size_t		 flen, mlen, nlen, vlen, i;
	uint16_t	 op;

	memset(out, 0, sizeof(*out));
	buf_rd_init(&r, p, len);
	pad = pad_start(p, len);
	if (buf_get_u16(&r, &op) == -1) {
		*why = "truncated request";
		goto fail;
	}
	if (op != TFTP_OP_RRQ && op != TFTP_OP_WRQ) {
		*why = "not a read or write request";
		goto fail;
	}
	out->op = op;
	if (get_str(&r, &fname, &flen) == -1) {
		*why = "file name not terminated";
		goto fail;
	}
	if (flen == 0) {
		*why = "empty file name";
		goto fail;
	}
	if (flen > TFTP_FILENAME_MAX) {
		*why = "file name too long";
		goto fail;
	}
	for (i = 0; i < flen; i++) {
		if ((uint8_t)fname[i] < 0x20 || fname[i] == 0x7f) {
			*why = "control character in file name";
			goto fail;
		}
	}
	memcpy(out->filename, fname, flen);
	out->filename[flen] = '\0';

	if (get_str(&r, &mode, &mlen) == -1) {
		*why = "transfer mode missing or not terminated";
		goto fail;
	}
	if (strcasecmp(mode, "octet") == 0)
		out->mode = TFTP_MODE_OCTET;
	else if (strcasecmp(mode, "netascii") == 0)
		out->mode = TFTP_MODE_NETASCII;
	else if (strcasecmp(mode, "mail") == 0) {
		*why = "mail mode not supported";
		goto fail;
	} else {
		*why = "unknown transfer mode";
		goto fail;
	}

	/* RFC 2347 Packet Formats: name/value pairs, each NUL-ended. */
	while (r.rem > 0) {
		/*
		 * NUL padding after the last pair holds no option; accept it
		 * rather than fail a client over zero bytes.
		 */
		if (r.p >= pad)
			break;
		if (get_str(&r, &name, &nlen) == -1) {
			*why = "option name not terminated";
			goto fail;
		}
		if (get_str(&r, &val, &vlen) == -1) {
			*why = "option without a terminated value";
			goto fail;
		}
		/* Keep checking the shape of the rest, but look no further. */
		if (out->nopts < UINT16_MAX)
			out->nopts++;
		if (out->nopts <= TFTP_OPTS_MAX)
			req_opt(out, name, val, vlen);
	}
	return 0;
fail:
	return -1;
}

static uint64_t
min_cap(uint64_t v, uint64_t cap)
{
	return cap != 0 && cap < v ? cap : v;
}

static void
ack_opt(struct tftp_opts *o, unsigned int i)
{
	o->ack |= TFTP_OPTBIT(i);
	o->order[o->norder++] = (uint8_t)i;
}

int
tftp_negotiate(const struct tftp_req *req, const struct tftp_limits *lim,
    uint64_t file_size, struct tftp_opts *out)
{
	uint64_t	v;
	unsigned int	i, opt;

	memset(out, 0, sizeof(*out));
	out->blksize = TFTP_BLKSIZE_DEFAULT;
	out->windowsize = 1;

	/* Acknowledge in the order the client asked. */
	for (i = 0; i < req->norder && i < TFTP_OPT_MAX; i++) {
		opt = req->order[i];
		if (opt >= TFTP_OPT_MAX || !(req->present & TFTP_OPTBIT(opt)))
			continue;
		v = req->val[opt];
		switch (opt) {
		case TFTP_OPT_BLKSIZE:
			/*
			 * RFC 2348: valid values are 8..65464; we answer with
			 * a value no larger than asked. An out-of-range
			 * request gets no answer, and so 512.
			 */
			if (v < TFTP_BLKSIZE_MIN || v > TFTP_BLKSIZE_MAX)
				break;
			v = min_cap(v, lim->max_blksize);
			v = min_cap(v, lim->mtu_blksize);
			if (v < TFTP_BLKSIZE_MIN)
				v = TFTP_BLKSIZE_MIN;
			out->blksize = (uint16_t)v;
			ack_opt(out, opt);
			break;
		case TFTP_OPT_TSIZE:
			/*
			 * RFC 2349 tsize: in an RRQ the client sends 0 and the
			 * OACK carries the size; whatever it sent, answer
			 * with the size it will get.
			 */
			if (file_size == TFTP_TSIZE_UNKNOWN)
				break;
			out->tsize = file_size;
			ack_opt(out, opt);
			break;
		case TFTP_OPT_TIMEOUT:
			/*
			 * RFC 2349 timeout: 1..255 s, acknowledged as asked,
			 * or declined above the cap (§"Timeout Interval
			 * Option": the server may decline any option).
			 */
			if (v < TFTP_TIMEOUT_MIN || v > TFTP_TIMEOUT_MAX)
				break;
			if (lim->max_timeout > 0 && v > lim->max_timeout)
				break;
			out->timeout = (uint8_t)v;
			ack_opt(out, opt);
			break;
		case TFTP_OPT_WINDOWSIZE:
			/* RFC 7440 §3: 1..65535 blocks. */
			if (v < 1 || v > TFTP_WINDOWSIZE_MAX)
				break;
			v = min_cap(v, lim->max_windowsize);
			/*
			 * Netascii output has no fixed relation to file
			 * offsets, and the encoder carries state from one
			 * block into the next. Resending a window from its
			 * first unacknowledged block (RFC 7440 §4) would mean
			 * keeping a restart point per block in flight; with
			 * one block in flight the packet buffer is the only
			 * copy needed. Acknowledge 1 rather than drop the
			 * option so the client knows not to wait for more.
			 */
			if (req->mode == TFTP_MODE_NETASCII)
				v = 1;
			out->windowsize = (uint16_t)v;
			ack_opt(out, opt);
			break;
		}
	}
	return out->norder;
}

uint16_t
tftp_mtu_blksize(unsigned int mtu)
{
	const unsigned int	hdrs = 20 + 8 + TFTP_HDR_LEN;

	if (mtu < hdrs + TFTP_BLKSIZE_MIN)
		return TFTP_BLKSIZE_MIN;
	if (mtu - hdrs > TFTP_BLKSIZE_MAX)
		return TFTP_BLKSIZE_MAX;
	return (uint16_t)(mtu - hdrs);
}

/* Writes v in decimal with its NUL. */
static int
put_dec(struct buf_wr *w, uint64_t v)
{
	char	tmp[21];
	size_t	i = sizeof(tmp);

	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return buf_put_bytes(w, tmp + i, sizeof(tmp) - i);
}

ssize_t
tftp_oack_build(uint8_t *buf, size_t cap, const struct tftp_opts *o)
{
	struct buf_wr	w;
	uint64_t	v;
	unsigned int	i, opt;

	if (o->norder == 0)
		return -1;
	buf_wr_init(&w, buf, cap);
	if (buf_put_u16(&w, TFTP_OP_OACK) == -1)
		return -1;
	for (i = 0; i < o->norder && i < TFTP_OPT_MAX; i++) {
		opt = o->order[i];
		switch (opt) {
		case TFTP_OPT_BLKSIZE:
			v = o->blksize;
			break;
		case TFTP_OPT_TSIZE:
			v = o->tsize;
			break;
		case TFTP_OPT_TIMEOUT:
			v = o->timeout;
			break;
		case TFTP_OPT_WINDOWSIZE:
			v = o->windowsize;
			break;
		default:
			return -1;
		}
		if (buf_put_str(&w, tftp_opt_names[opt]) == -1 ||
		    put_dec(&w, v) == -1)
			return -1;
	}
	return (ssize_t)w.len;
}

size_t
tftp_data_hdr(uint8_t *buf, uint16_t block)
{
	struct buf_wr	w;

	buf_wr_init(&w, buf, TFTP_HDR_LEN);
	(void)buf_put_u16(&w, TFTP_OP_DATA);
	(void)buf_put_u16(&w, block);
	return TFTP_HDR_LEN;
}

ssize_t
tftp_data_build(uint8_t *buf, size_t cap, uint16_t block,
    const uint8_t *data, size_t n)
{
	if (n > TFTP_BLKSIZE_MAX || cap < TFTP_HDR_LEN ||
	    cap - TFTP_HDR_LEN < n)
		return -1;
	/* memmove: data may already sit in the packet, at or near buf. */
	if (n > 0 && data != buf + TFTP_HDR_LEN)
		memmove(buf + TFTP_HDR_LEN, data, n);
	tftp_data_hdr(buf, block);
	return (ssize_t)(TFTP_HDR_LEN + n);
}

ssize_t
tftp_ack_build(uint8_t *buf, size_t cap, uint16_t block)
{
	struct buf_wr	w;

	buf_wr_init(&w, buf, cap);
	if (buf_put_u16(&w, TFTP_OP_ACK) == -1 ||
	    buf_put_u16(&w, block) == -1)
		return -1;
	return (ssize_t)w.len;
}

ssize_t
tftp_error_build(uint8_t *buf, size_t cap, enum tftp_err code,
    const char *msg)
{
	struct buf_wr	w;
	size_t		n, i;
	uint8_t		c;

	if ((unsigned int)code >= TFTP_ERR_MAX || cap < TFTP_HDR_LEN + 1)
		return -1;
	if (msg == NULL)
		msg = tftp_err_text[code];
	n = strnlen(msg, TFTP_ERRMSG_MAX);
	if (n > cap - TFTP_HDR_LEN - 1)
		n = cap - TFTP_HDR_LEN - 1;
	buf_wr_init(&w, buf, cap);
	if (buf_put_u16(&w, TFTP_OP_ERROR) == -1 ||
	    buf_put_u16(&w, (uint16_t)code) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		c = (uint8_t)msg[i];
		if (c < 0x20 || c > 0x7e)
			c = '?';
		if (buf_put_u8(&w, c) == -1)
			return -1;
	}
	if (buf_put_u8(&w, '\0') == -1)
		return -1;
	return (ssize_t)w.len;
}

int
tftp_pkt_parse(const uint8_t *p, size_t len, struct tftp_pkt *out,
    const char **why)
{
	struct buf_rd	 r;
	const uint8_t	*m, *nul;
	size_t		 n;
	uint16_t	 op;

	memset(out, 0, sizeof(*out));
	buf_rd_init(&r, p, len);
	if (buf_get_u16(&r, &op) == -1) {
		*why = "truncated packet";
		goto fail;
	}
	switch (op) {
	case TFTP_OP_RRQ:
	case TFTP_OP_WRQ:
	case TFTP_OP_OACK:
		break;
	case TFTP_OP_DATA:
		if (buf_get_u16(&r, &out->block) == -1) {
			*why = "truncated DATA";
			goto fail;
		}
		if (r.rem > TFTP_BLKSIZE_MAX) {
			*why = "DATA larger than any block size";
			goto fail;
		}
		out->data = r.p;
		out->datalen = r.rem;
		break;
	case TFTP_OP_ACK:
		if (buf_get_u16(&r, &out->block) == -1) {
			*why = "truncated ACK";
			goto fail;
		}
		break;
	case TFTP_OP_ERROR:
		if (buf_get_u16(&r, &out->code) == -1) {
			*why = "truncated ERROR";
			goto fail;
		}
		n = r.rem;
		if ((nul = memchr(r.p, '\0', n)) != NULL)
			n = (size_t)(nul - r.p);
		if (n > TFTP_ERRMSG_MAX)
			n = TFTP_ERRMSG_MAX;
		if (buf_get_bytes(&r, n, &m) == -1) {
			*why = "truncated ERROR";
			goto fail;
		}
		memcpy(out->msg, m, n);
		out->msg[n] = '\0';
		break;
	default:
		*why = "unknown opcode";
		goto fail;
	}
	out->op = op;
	return 0;
fail:
	return -1;
}

uint16_t
tftp_block_wire(uint64_t block)
{
	return (uint16_t)(block & 0xffff);
}

uint64_t
tftp_block_expand(uint64_t ref, uint16_t wire)
{
	return ref + (uint16_t)(wire - tftp_block_wire(ref));
}

enum tftp_ack
tftp_ack_classify(uint64_t acked, uint64_t sent, uint16_t wire,
    uint64_t *abs)
{
	*abs = tftp_block_expand(acked, wire);
	if (*abs == acked)
		return TFTP_ACK_DUP;
	if (*abs <= sent)
		return TFTP_ACK_NEW;
	return TFTP_ACK_OUTSIDE;
}

uint64_t
tftp_file_blocks(uint64_t size, uint16_t blksize)
{
	if (blksize == 0)
		return 0;
	return size / blksize + 1;
}

int
tftp_block_span(uint64_t size, uint16_t blksize, uint64_t block,
    uint64_t *off, size_t *n)
{
	uint64_t	o;

	if (block == 0 || block > tftp_file_blocks(size, blksize))
		return -1;
	o = (block - 1) * blksize;
	*off = o;
	*n = size - o < blksize ? (size_t)(size - o) : blksize;
	return 0;
}

void
tftp_netascii_init(struct tftp_netascii *na)
{
	na->pend = 0;
	na->npend = 0;
}

size_t
tftp_netascii_encode(struct tftp_netascii *na, const uint8_t *src,
    size_t srclen, size_t *used, uint8_t *dst, size_t dstcap)
{
	size_t	i = 0, o = 0;
	uint8_t	c;

	if (na->npend && o < dstcap) {
		dst[o++] = na->pend;
		na->npend = 0;
	}
	while (!na->npend && i < srclen && o < dstcap) {
		c = src[i++];
		if (c != '\n' && c != '\r') {
			dst[o++] = c;
			continue;
		}
		/* RFC 1350 §1, RFC 764: LF → CR LF, CR → CR NUL. */
		dst[o++] = '\r';
		na->pend = c == '\n' ? '\n' : '\0';
		na->npend = 1;
		if (o < dstcap) {
			dst[o++] = na->pend;
			na->npend = 0;
		}
	}
	*used = i;
	return o;
}

int
tftp_netascii_pending(const struct tftp_netascii *na)
{
	return na->npend != 0;
}

uint64_t
tftp_netascii_size(const uint8_t *p, size_t n)
{
	uint64_t	sz = n;
	size_t		i;

	for (i = 0; i < n; i++)
		if (p[i] == '\n' || p[i] == '\r')
			sz++;
	return sz;
}
