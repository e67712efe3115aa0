/* SPDX-License-Identifier: ISC */
/*
 * tftp_xfer: one transfer on the event loop (struct tftp_xfer: its own
 * socket, a new TID; its state, retransmit timer, packet buffer and a
 * reference to the file) and struct tftp_srv, the listener's state the
 * transfers share. Private to tftp/: tftp_server.c takes requests in and
 * hands each accepted one to tftp_xfer_new() and tftp_xfer_start(). The
 * wire format and every decision about options, blocks and ACKs live in
 * the pure tftp_proto, the timer arithmetic in the pure tftp_rto.
 */
#ifndef BOOTD_TFTP_XFER_H
#define BOOTD_TFTP_XFER_H

#include <sys/queue.h>

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "bootd/addr.h"
#include "tftp/tftp_file.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_proto.h"
#include "tftp/tftp_ring.h"
#include "tftp/tftp_rto.h"
#include "tftp/tftp_server.h"

struct bootd;
struct event;

#define TFTP_RECV_BURST		64	/* packets read per callback */
/* A GSO batch: below the 65,507-byte UDP limit; Linux 6.1 caps at 64. */
#define TFTP_GSO_BYTES		65000
#define TFTP_GSO_SEGS		64

/*
 * A transfer's states; only xfer_set_state() in tftp_xfer.c changes them,
 * and it arms the retransmit timer and the write event to match.
 * The client's first ACK (of the OACK or of a block) is a fact apart
 * (struct tftp_xfer's proven): until it comes the peer has proven nothing,
 * not even that its address is its own, so the transfer lives
 * tftp.first_ack_timeout seconds at most and then ends without a word.
 * Once it has, tftp.stall_timeout seconds without an ACK that advances
 * end it.
 */
enum tftp_state {
	TFTP_XS_NEW,		/* set up, nothing sent yet */
	TFTP_XS_OACK,		/* OACK sent: waiting for ACK 0 */
	TFTP_XS_WINDOW,		/* a window sent: waiting for its ACK */
	TFTP_XS_BLOCKED,	/* socket full mid-window: waiting to write */
	TFTP_XS_LAST,		/* every block sent: waiting for the last ACK */
	TFTP_XS_DONE,		/* ended: logged and counted, being freed */
	TFTP_XS_MAX
};

struct tftp_xfer {
	TAILQ_ENTRY(tftp_xfer)	 entry;
	struct tftp_srv		*srv;
	int			 fd;
	struct event		*rev, *wev, *timer;
	struct sockaddr_in	 peer;
	char			 peerstr[32];
	char			 name[TFTP_PATH_MAX + 1];
	struct tftp_file	*file;
	enum tftp_mode		 mode;
	struct tftp_opts	 opts;
	enum tftp_state		 state;
	int			 proven;	/* the client has ACKed */
	uint64_t		 total;		/* blocks; UINT64_MAX unknown */
	uint64_t		 acked;		/* highest block acknowledged */
	uint64_t		 sent;		/* highest block sent */
	uint64_t		 next;		/* next block to send */
	int			 retries;
	int			 final_tries;	/* resends of the last window */
	struct tftp_rto		 rto;
	int64_t			 t_start;
	int64_t			 t_progress;	/* start, ACK that advanced */
	/* The retransmit timer: when it is due, when it is set (0: not) */
	int64_t			 t_due;
	int64_t			 t_armed;
	/* netascii: the block in buf is block na_block; source offset */
	struct tftp_netascii	 na;
	uint64_t		 na_block;
	uint64_t		 na_off;
	size_t			 na_len;	/* payload bytes of na_block */
	uint8_t			*scratch;	/* netascii source, blksize */
	uint8_t			*buf;		/* 4 + blksize */
	size_t			 buflen;
	uint8_t			*ra;		/* read-ahead, TFTP_RA_BYTES */
	uint64_t		 ra_off;
	size_t			 ra_len;
	/*
	 * Blocks sent from the file's mapping: the file was last found
	 * unchanged for the TFTP_RA_BYTES at chk_off (chk_ok set).
	 */
	uint64_t		 chk_off;
	int			 chk_ok;
	int			 nogso;		/* GSO refused on this path */
	uint64_t		 bytes;
	uint64_t		 resent;
	char			 host[254], mac[ADDR_MAC_STRLEN];
	/*
	 * Through srv->ring (ringed): its receives, and in lock-step its
	 * DATA sends, from buf and the file's mapping. The ring may outlive
	 * the transfer's end by a send in flight: then the memory and the
	 * file reference go with the ring's release.
	 */
	int			 ringed;
	struct tftp_ring_sock	 rs;
};

TAILQ_HEAD(tftp_xfers, tftp_xfer);

/* The server: owned by tftp_server.c, shared with its transfers. */
struct tftp_srv {
	struct bootd		*bd;
	int			 fd;
	struct event		*ev;
	struct tftp_xfers	 xfers;
	size_t			 nxfers;
	struct tftp_files	 files;
	struct tftp_stats	 st;
	uint8_t			 rbuf[TFTP_PKT_MAX];
	uint64_t		 gso_refused;	/* transfers that fell back */
	struct tftp_ring	*ring;		/* NULL: epoll per socket */
	uint8_t			 gbuf[TFTP_GSO_BYTES];	/* one GSO batch */
};

/* What a client that got "busy" is told (and retries on). */
extern const char tftp_busy[];

/* How srv->ring reaches the transfers (tftp_ring_new()'s ops). */
extern const struct tftp_ring_ops tftp_xfer_ring_ops;

/*
 * Sends an ERROR packet (RFC 1350 §5) from fd to to: the one place errors
 * leave, from the listener and from transfers. msg NULL: code's text.
 */
void	tftp_send_error(int fd, const struct sockaddr_in *to,
	    enum tftp_err code, const char *msg);

/*
 * A transfer of name (normalised; copied) in mode with the negotiated
 * opts to peer (peerstr its text; both copied), from a new socket bound
 * to local, the address the request came to: a new TID (RFC 1350 §4).
 * Takes over the reference f, also on failure. Looks the peer up in the
 * current snapshot for its boot events. Returns the transfer in
 * TFTP_XS_NEW, not yet in srv's list (tftp_xfer_start() it, or
 * tftp_xfer_free() it), or NULL with *why (static) set; *nofd is then the
 * errno when the socket failed for want of descriptors or buffers, else 0.
 */
struct tftp_xfer *tftp_xfer_new(struct tftp_srv *srv,
	    const struct sockaddr_in *peer, const char *peerstr,
	    const char *name, enum tftp_mode mode,
	    const struct tftp_opts *opts, struct tftp_file *f,
	    struct in_addr local, const char **why, int *nofd);

/*
 * Adds a new transfer to its server's list, counts the request, records
 * the start event and sends the OACK or the first window. x may be freed
 * on return: a send error ends the transfer.
 */
void	tftp_xfer_start(struct tftp_xfer *x);

/*
 * Ends a started transfer: logs it once, counts it in *counter (a field of
 * srv->st; which one also says how it is logged), records the boot event,
 * takes it off the list and frees it. result is "done...", or what went
 * wrong (a static or a local string).
 */
void	tftp_xfer_end(struct tftp_xfer *x, const char *result,
	    uint64_t *counter);

/*
 * Frees a transfer that never started (or a half-built one inside
 * tftp_xfer_new()): events, socket, file reference, buffers. Accepts NULL.
 */
void	tftp_xfer_free(struct tftp_xfer *x);

#endif
