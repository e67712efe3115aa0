/* SPDX-License-Identifier: ISC */
/*
 * tftp_proto: the TFTP wire format (RFC 1350) and its options (RFC 2347,
 * 2348 blksize, 2349 timeout and tsize, 7440 windowsize): request and
 * packet parsing, OACK/DATA/ACK/ERROR building, option negotiation,
 * block-number rollover, ACK classification and the netascii encoder.
 * Pure: no I/O, no clock, no globals, no logging. Failures return -1 (or a
 * classification) and a static reason string through `why`.
 */
#ifndef BOOTD_TFTP_PROTO_H
#define BOOTD_TFTP_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TFTP_HDR_LEN		4	/* opcode + block, or opcode + code */
#define TFTP_BLKSIZE_DEFAULT	512	/* RFC 1350 */
#define TFTP_BLKSIZE_MIN	8	/* RFC 2348 */
#define TFTP_BLKSIZE_MAX	65464	/* RFC 2348 */
#define TFTP_PKT_MAX		(TFTP_HDR_LEN + TFTP_BLKSIZE_MAX)
#define TFTP_WINDOWSIZE_MAX	65535	/* RFC 7440 */
#define TFTP_TIMEOUT_MIN	1	/* RFC 2349, seconds */
#define TFTP_TIMEOUT_MAX	255
#define TFTP_FILENAME_MAX	255	/* bytes, without the NUL */
#define TFTP_ERRMSG_MAX		255	/* bytes, without the NUL */
#define TFTP_OPTS_MAX		32	/* option pairs looked at per request */
#define TFTP_TSIZE_UNKNOWN	UINT64_MAX	/* tftp_negotiate(): no tsize */

enum tftp_op {
	TFTP_OP_RRQ = 1,
	TFTP_OP_WRQ = 2,
	TFTP_OP_DATA = 3,
	TFTP_OP_ACK = 4,
	TFTP_OP_ERROR = 5,
	TFTP_OP_OACK = 6		/* RFC 2347 */
};

/* Error codes: RFC 1350 (0-7) and RFC 2347 (8). */
enum tftp_err {
	TFTP_EUNDEF = 0,		/* see the message */
	TFTP_ENOTFOUND = 1,
	TFTP_EACCESS = 2,
	TFTP_ENOSPACE = 3,
	TFTP_EBADOP = 4,		/* illegal TFTP operation */
	TFTP_EBADID = 5,		/* unknown transfer ID */
	TFTP_EEXISTS = 6,
	TFTP_ENOUSER = 7,
	TFTP_EOPTNEG = 8,		/* option negotiation refused */
	TFTP_ERR_MAX
};

enum tftp_mode {
	TFTP_MODE_OCTET,
	TFTP_MODE_NETASCII
};

/* Options bootd understands; a request's others are ignored (RFC 2347). */
enum tftp_opt {
	TFTP_OPT_BLKSIZE,
	TFTP_OPT_TSIZE,
	TFTP_OPT_TIMEOUT,
	TFTP_OPT_WINDOWSIZE,
	TFTP_OPT_MAX
};
#define TFTP_OPTBIT(o)	(1u << (o))

/* A parsed RRQ or WRQ. */
struct tftp_req {
	enum tftp_op	 op;		/* TFTP_OP_RRQ or TFTP_OP_WRQ */
	enum tftp_mode	 mode;
	char		 filename[TFTP_FILENAME_MAX + 1]; /* as sent */
	unsigned int	 present;	/* TFTP_OPTBIT()s sent with a number */
	unsigned int	 invalid;	/* TFTP_OPTBIT()s sent with junk */
	uint64_t	 val[TFTP_OPT_MAX];	/* requested, where present */
	uint8_t		 order[TFTP_OPT_MAX];	/* present ones, as sent */
	uint8_t		 norder;
	uint16_t	 nopts;		/* option pairs in the packet */
};

/*
 * What the server grants. Each cap of 0 means "no cap from this source".
 * Config validation keeps the caps in range; tftp_negotiate() clamps to
 * the protocol limits regardless.
 */
struct tftp_limits {
	uint16_t	max_blksize;	/* configured cap, 8..65464 */
	/*
	 * Largest blksize whose DATA fits one unfragmented IP packet on the
	 * reply path (tftp_mtu_blksize()). Many PXE ROMs cannot reassemble
	 * IP fragments yet ask for blksize 65464 or 1468 over smaller MTUs.
	 */
	uint16_t	mtu_blksize;
	uint16_t	max_windowsize;	/* configured cap, 1..65535 */
	/*
	 * Largest timeout option granted, 1..255 s. A larger one is declined
	 * (left out of the OACK, RFC 2349 lets the server), not lowered: a
	 * client told a smaller timeout than it asked for may not cope, and
	 * one that asks for 255 s mostly wants to hold a slot.
	 */
	uint8_t		max_timeout;
};

/* The outcome of negotiation for one transfer. */
struct tftp_opts {
	uint16_t	blksize;	/* effective; 512 unless negotiated */
	uint16_t	windowsize;	/* effective; 1 unless negotiated */
	uint8_t		timeout;	/* seconds; 0: not negotiated */
	uint64_t	tsize;		/* sent when TFTP_OPT_TSIZE is acked */
	unsigned int	ack;		/* TFTP_OPTBIT()s going into the OACK */
	uint8_t		order[TFTP_OPT_MAX];	/* acked ones, request order */
	uint8_t		norder;		/* 0: send no OACK */
};

/* A parsed packet other than a request (see tftp_pkt_parse()). */
struct tftp_pkt {
	enum tftp_op	 op;
	uint16_t	 block;		/* DATA, ACK: wire block number */
	uint16_t	 code;		/* ERROR: as sent, maybe unknown */
	char		 msg[TFTP_ERRMSG_MAX + 1]; /* ERROR: NUL-terminated */
	const uint8_t	*data;		/* DATA: payload, borrowed from p */
	size_t		 datalen;
};

/* How an ACK relates to the send window (tftp_ack_classify()). */
enum tftp_ack {
	TFTP_ACK_NEW,		/* acknowledges unacked blocks: advance */
	TFTP_ACK_DUP,		/* repeats the last ACK: ignore */
	TFTP_ACK_OUTSIDE	/* older than that, or for an unsent block */
};

/*
 * Netascii encoder state for one transfer (RFC 1350 §1 / RFC 764): LF
 * becomes CR LF and CR becomes CR NUL. The second byte of a pair that
 * did not fit in the previous block waits here.
 */
struct tftp_netascii {
	uint8_t	pend;
	uint8_t	npend;		/* 0 or 1 */
};

/* Default text for code (RFC 1350); "unknown error" when out of range. */
const char	*tftp_err_str(enum tftp_err code);

/* Lower-case wire name of o ("blksize"), or NULL when out of range. */
const char	*tftp_opt_name(enum tftp_opt o);

/*
 * Parses an RRQ or WRQ of len bytes at p (RFC 1350 §5, RFC 2347) into
 * *out. Filename and mode must each end in a NUL inside the packet; the
 * filename is 1..255 bytes without control bytes and is copied (it is not
 * normalised: see tftp_path_normalise()). Mode is "octet" or "netascii",
 * any case; "mail" is refused. Then name/value pairs: names match in any
 * case, unknown names are ignored, only the first TFTP_OPTS_MAX pairs are
 * looked at, and for a repeated option the first one wins. A recognised
 * option whose value is not a plain decimal number that fits 64 bits is
 * marked in out->invalid and then ignored, as RFC 2347 allows. NUL bytes
 * after the last whole pair are padding; any other partial pair is an
 * error. A WRQ parses like an RRQ; refusing it is the caller's business.
 * Returns 0, or -1 with *why set; answer -1 with TFTP_EBADOP. Borrows p.
 */
int	 tftp_req_parse(const uint8_t *p, size_t len, struct tftp_req *out,
	    const char **why);

/*
 * Decides the options of a read transfer (RFC 2347, 2348, 2349, 7440)
 * into *out, acknowledging only what req asked for and bootd grants:
 * blksize 8..65464 → min(asked, lim caps), anything else ignored;
 * timeout 1..255 as asked when within lim->max_timeout, else ignored (the
 * server then uses its own timeout); tsize → file_size, unless that is
 * TFTP_TSIZE_UNKNOWN; windowsize 1..65535 → min(asked, lim cap), else
 * ignored, and always 1 in netascii mode. file_size is what the client
 * will receive: for netascii the converted size (tftp_netascii_size()),
 * or TFTP_TSIZE_UNKNOWN when working it out would mean reading the whole
 * file now. Returns the number of options to acknowledge: with 0, send no
 * OACK and start with DATA block 1. Borrows req and lim for the call.
 */
int	 tftp_negotiate(const struct tftp_req *req,
	    const struct tftp_limits *lim, uint64_t file_size,
	    struct tftp_opts *out);

/*
 * The blksize whose DATA packet exactly fills an IPv4 packet of mtu bytes
 * (mtu - 20 IP - 8 UDP - 4 TFTP), within 8..65464.
 */
uint16_t tftp_mtu_blksize(unsigned int mtu);

/*
 * Builds the OACK for o into buf (cap bytes), options in request order,
 * names in lower case (RFC 2347: names match in any case). Returns its
 * length, or -1 when it does not fit or o acknowledges nothing.
 */
ssize_t	 tftp_oack_build(uint8_t *buf, size_t cap, const struct tftp_opts *o);

/*
 * Writes the 4-byte DATA header for wire block number block at buf, which
 * must hold at least TFTP_HDR_LEN bytes. The hot path reads file data
 * straight into buf + TFTP_HDR_LEN and sends TFTP_HDR_LEN + n bytes: no
 * copy. Returns TFTP_HDR_LEN.
 */
size_t	 tftp_data_hdr(uint8_t *buf, uint16_t block);

/*
 * Builds DATA (RFC 1350 §5) for block from n bytes at data (which may be
 * NULL when n is 0, and may be buf + TFTP_HDR_LEN). Returns the packet
 * length, or -1 when n > TFTP_BLKSIZE_MAX or it does not fit in cap.
 */
ssize_t	 tftp_data_build(uint8_t *buf, size_t cap, uint16_t block,
	    const uint8_t *data, size_t n);

/* Builds an ACK for block. Returns 4, or -1 when cap < 4. */
ssize_t	 tftp_ack_build(uint8_t *buf, size_t cap, uint16_t block);

/*
 * The one builder of ERROR packets (RFC 1350 §5): code with msg, or with
 * tftp_err_str(code) when msg is NULL. The message is cut to
 * TFTP_ERRMSG_MAX bytes and to what fits in cap, and bytes that are not
 * printable ASCII become '?' (it is netascii and may quote a client).
 * Returns the length, or -1 when code is out of range or cap < 5.
 */
ssize_t	 tftp_error_build(uint8_t *buf, size_t cap, enum tftp_err code,
	    const char *msg);

/*
 * Parses a packet arriving on a transfer socket: DATA (block and payload,
 * borrowed from p), ACK (block; trailing bytes ignored), ERROR (code and a
 * bounded copy of the message, whose NUL may be missing: it is only ever
 * logged). For RRQ, WRQ and OACK only out->op is set. Returns 0, or -1
 * with *why for a short packet, an unknown opcode or an oversized DATA;
 * answer -1 with TFTP_EBADOP. Borrows p for out->data.
 */
int	 tftp_pkt_parse(const uint8_t *p, size_t len, struct tftp_pkt *out,
	    const char **why);

/*
 * Block numbers. A transfer counts blocks in 64 bits from 1; the wire
 * carries the low 16 bits, so block 65536 goes out as 0, 65537 as 1 and
 * so on. Rolling over to 0 (not 1) is what tftp-hpa and atftp do and what
 * most client firmware expects; RFC 1350 says nothing, and a transfer
 * without rollover stops at 32 MiB with 512-byte blocks.
 */
uint16_t tftp_block_wire(uint64_t block);

/*
 * The absolute block number that wire denotes, taken as at or after ref:
 * the smallest n >= ref with n mod 65536 == wire.
 */
uint64_t tftp_block_expand(uint64_t ref, uint16_t wire);

/*
 * Classifies an ACK for wire block wire, for a sender whose client has
 * acknowledged every block up to acked (0 before the first DATA) and
 * which has sent up to block sent (acked <= sent <= acked + 65535).
 * TFTP_ACK_NEW: *abs in (acked, sent]; the client has everything up to
 * *abs, so send on from *abs + 1 (RFC 7440 §4: after a gap the client
 * acknowledges the last block it holds in order). TFTP_ACK_DUP: the ACK
 * for acked again. It must not trigger a resend: answering each duplicate
 * with data doubles the traffic for the rest of the transfer (the
 * Sorcerer's Apprentice syndrome, RFC 1123 §4.2.3.1); the retransmission
 * timer recovers real loss. TFTP_ACK_OUTSIDE: anything else, ignored. An
 * ACK more than 65535 - (sent - acked) blocks old cannot be told from a
 * new one; keep windows small. The ACK 0 of an OACK is the caller's state,
 * not this. *abs is set in all three cases.
 */
enum tftp_ack tftp_ack_classify(uint64_t acked, uint64_t sent,
	    uint16_t wire, uint64_t *abs);

/*
 * Blocks a transfer of size bytes takes: size / blksize + 1, since a
 * short block ends a transfer and a size that is a multiple of blksize
 * (0 included) therefore ends with an empty block. 0 when blksize is 0.
 */
uint64_t tftp_file_blocks(uint64_t size, uint16_t blksize);

/*
 * Where absolute block (1-based) of an octet transfer lies in a file of
 * size bytes: *off and *n bytes (0 for the final empty block). Returns 0,
 * or -1 when block is 0 or past tftp_file_blocks() or blksize is 0.
 */
int	 tftp_block_span(uint64_t size, uint16_t blksize, uint64_t block,
	    uint64_t *off, size_t *n);

void	 tftp_netascii_init(struct tftp_netascii *na);

/*
 * Encodes src (srclen bytes of file) into dst (dstcap bytes) as netascii,
 * carrying a pair split at the end of dst over to the next call. Sets
 * *used to the input bytes consumed and returns the bytes written; stops
 * when dst is full or the input and pending byte are used up.
 *
 * One DATA block in netascii mode, with off the file offset after the
 * previous block: pread up to blksize bytes at off into a scratch buffer,
 * encode into pkt + TFTP_HDR_LEN with dstcap blksize, off += *used;
 * repeat while the block is short and the file is not at EOF. A block
 * shorter than blksize, when the file is at EOF and nothing is pending,
 * is the last. Windowsize is 1 in netascii (tftp_negotiate()), so the
 * state only ever moves forward and a resend reuses the packet buffer.
 */
size_t	 tftp_netascii_encode(struct tftp_netascii *na, const uint8_t *src,
	    size_t srclen, size_t *used, uint8_t *dst, size_t dstcap);

/* Whether a byte of a split pair is waiting (1) or not (0). */
int	 tftp_netascii_pending(const struct tftp_netascii *na);

/*
 * Netascii size of n bytes of file: n plus one per CR and per LF. Every
 * byte converts on its own, so a file's size is the sum over its chunks.
 */
uint64_t tftp_netascii_size(const uint8_t *p, size_t n);

#endif
