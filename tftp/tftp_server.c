/* SPDX-License-Identifier: ISC */
/*
 * tftp_server: the :69 listener, request intake with caps, and the
 * transfers: one struct tftp_xfer each, with its own socket (TID), state,
 * timer, packet buffer and a reference to a shared open file. The wire
 * format and every decision about options, blocks and ACKs live in the pure
 * tftp_proto; this file only moves packets. Nothing here blocks: sockets are
 * non-blocking and files are in the page cache or read in small chunks.
 *
 * Per-packet cost is what limits a TFTP server, so: small blocks of a real
 * file come from a per-transfer read-ahead chunk (one pread per
 * TFTP_RA_BYTES), and a window of a real file in octet mode leaves as UDP
 * GSO batches (one preadv and one sendmsg for up to TFTP_GSO_SEGS blocks;
 * the kernel, or a NIC that offloads it, cuts them into one datagram per
 * block). A path that refuses GSO (blocks above the route's MTU, no
 * checksum offload) falls back to one send per block for that transfer.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "bootd/log.h"
#include "db/db_thread.h"
#include "db/inventory.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_proto.h"
#include "tftp/tftp_server.h"
#include "tftp/tftp_resolve.h"

#define TFTP_RECV_BURST		64	/* packets read per callback */
#define TFTP_RTO_MIN_US		20000	/* adaptive retransmit floor */
/*
 * Consecutive timeouts back off up to 8x the timeout. A client whose own
 * timer restarts on every duplicate DATA (atftp ignores duplicates without
 * re-ACKing) only re-ACKs once our resends are further apart than its
 * timeout, so the backoff must grow past it.
 */
#define TFTP_BACKOFF_FACTOR	8
#define TFTP_FINAL_RESENDS	6	/* of the last block, unacknowledged */
/*
 * libevent times a timer from the time it cached at the top of the loop,
 * so a timer armed for the deadline can fire a little before it by our
 * clock: within this much, the deadline counts as reached.
 */
#define TFTP_DEADLINE_SLACK_US	10000
#define TFTP_SNDBUF_MAX		(4 * 1024 * 1024)
#define TFTP_RA_BYTES		(32 * 1024)	/* read-ahead chunk */
#define TFTP_RA_MAX_BLKSIZE	8192		/* read-ahead up to this */
/* A GSO batch: below the 65,507-byte UDP limit; Linux 6.1 caps at 64. */
#define TFTP_GSO_BYTES		65000
#define TFTP_GSO_SEGS		64

/*
 * An open file shared by every transfer of it (real files), or a rendered
 * menu owned by one transfer (virtual files).
 */
struct tftp_file {
	LIST_ENTRY(tftp_file)	 entry;
	int			 refcnt;
	int			 fd;		/* -1 for virtual */
	char			*data;		/* virtual content */
	uint64_t		 size;
	dev_t			 dev;
	ino_t			 ino;
	struct timespec		 mtime;
	int			 shared;	/* in srv->files */
};

/* What file_read() and the reads built on it return besides a length. */
#define TFTP_RD_EIO		(-1)	/* the read failed */
#define TFTP_RD_CHANGED		(-2)	/* not the file that was opened */

/* What a client that got "busy" is told (and retries on). */
static const char	TFTP_BUSY[] = "server busy, try again";
/* Log keys (log_peer_keyed_*): one line a second per reason at most. */
static const char	TFTP_NOFD[] = "out of descriptors";

/*
 * A transfer's states. Only xfer_set_state() changes them. Until the
 * client's first ACK (OACK, FIRST) the peer has proven nothing, not even
 * that its address is its own: such a transfer lives
 * tftp.first_ack_timeout seconds at most and then goes without a word.
 * In DATA, an ACK that advances is progress; tftp.stall_timeout seconds
 * without one end the transfer.
 */
enum tftp_state {
	TFTP_XS_NEW,		/* accepted, nothing sent yet */
	TFTP_XS_OACK,		/* OACK sent, waiting for ACK 0 */
	TFTP_XS_FIRST,		/* no OACK: block 1 sent, no ACK yet */
	TFTP_XS_DATA,		/* the client has ACKed: windows */
	TFTP_XS_MAX
};

static const char *const tftp_state_names[TFTP_XS_MAX] = {
	[TFTP_XS_NEW] = "new",
	[TFTP_XS_OACK] = "oack",
	[TFTP_XS_FIRST] = "first",
	[TFTP_XS_DATA] = "data",
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
	uint64_t		 total;		/* blocks; UINT64_MAX unknown */
	uint64_t		 acked;		/* highest block acknowledged */
	uint64_t		 sent;		/* highest block sent */
	uint64_t		 next;		/* next block to send */
	int			 blocked;	/* waiting for EV_WRITE */
	int			 retries;
	int			 final_tries;	/* resends of the last window */
	int			 rexmit;	/* window was resent: no RTT */
	int64_t			 rto_us, srtt_us, rttvar_us, rto_max_us;
	int64_t			 t_win, t_start;
	int64_t			 t_progress;	/* state change, new ACK */
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
	int			 nogso;		/* GSO refused on this path */
	uint64_t		 bytes;
	uint64_t		 resent;
	char			 host[254], mac[ADDR_MAC_STRLEN];
};

TAILQ_HEAD(tftp_xfers, tftp_xfer);
LIST_HEAD(tftp_files, tftp_file);

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
	uint8_t			 gbuf[TFTP_GSO_BYTES];	/* one GSO batch */
};

static int	xfer_send_window(struct tftp_xfer *, uint64_t);
static void	xfer_end(struct tftp_xfer *, const char *, uint64_t *);

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sends an ERROR packet: the one place errors leave (RFC 1350 §5). */
static void
tftp_send_error(int fd, const struct sockaddr_in *to, enum tftp_err code,
    const char *msg)
{
	uint8_t	pkt[4 + TFTP_ERRMSG_MAX + 1];
	ssize_t	n;

	if ((n = tftp_error_build(pkt, sizeof(pkt), code, msg)) > 0)
		(void)sendto(fd, pkt, (size_t)n, 0, (const struct sockaddr *)to,
		    sizeof(*to));
}

/* Files. */

static void
file_unref(struct tftp_srv *srv, struct tftp_file *f)
{
	if (f == NULL || --f->refcnt > 0)
		return;
	if (f->shared)
		LIST_REMOVE(f, entry);
	if (f->fd != -1)
		close(f->fd);
	free(f->data);
	free(f);
}

/*
 * Opens name under the root, sharing an already open copy of the same
 * unchanged file. Returns a reference or NULL with *res set.
 */
static struct tftp_file *
file_open_real(struct tftp_srv *srv, const char *name, int *res,
    const char **why)
{
	struct tftp_file	*f;
	struct stat		 st;
	uint64_t		 size;
	int			 fd;

	if ((*res = tftp_path_open(srv->bd->rootfd, name, &fd, &size, why)) !=
	    TFTP_PATH_OK)
		return NULL;
	if (fstat(fd, &st) == -1) {
		close(fd);
		*res = TFTP_PATH_EIO;
		*why = "fstat failed";
		return NULL;
	}
	LIST_FOREACH(f, &srv->files, entry)
		if (f->dev == st.st_dev && f->ino == st.st_ino &&
		    f->size == size && f->mtime.tv_sec == st.st_mtim.tv_sec &&
		    f->mtime.tv_nsec == st.st_mtim.tv_nsec) {
			close(fd);
			f->refcnt++;
			return f;
		}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		close(fd);
		*res = TFTP_PATH_EIO;
		*why = "out of memory";
		return NULL;
	}
	f->refcnt = 1;
	f->fd = fd;
	f->size = size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mtime = st.st_mtim;
	f->shared = 1;
	LIST_INSERT_HEAD(&srv->files, f, entry);
	return f;
}

static struct tftp_file *
file_virtual(char *data, size_t len)
{
	struct tftp_file *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		free(data);
		return NULL;
	}
	f->refcnt = 1;
	f->fd = -1;
	f->data = data;
	f->size = len;
	return f;
}

/*
 * Whether a real file still has the size and mtime it had when opened.
 * Truncated, grown or rewritten in place, it would reach the client as a
 * mix of two files (a replacement renamed into place is not a change:
 * the open descriptor keeps reading the old one).
 */
static int
file_unchanged(const struct tftp_file *f)
{
	struct stat st;

	if (f->fd == -1)
		return 1;
	return fstat(f->fd, &st) == 0 && (uint64_t)st.st_size == f->size &&
	    st.st_mtim.tv_sec == f->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == f->mtime.tv_nsec;
}

/*
 * Reads up to n bytes at off. A real file must give exactly what its size
 * at open says is there, and fstat must still show that size and mtime
 * (one fstat per read: reads are chunks of 32 KiB or more, or whole
 * blocks). Returns the bytes read, TFTP_RD_CHANGED or TFTP_RD_EIO.
 */
static ssize_t
file_read(const struct tftp_file *f, uint64_t off, uint8_t *dst, size_t n)
{
	size_t	want;
	ssize_t	r;

	want = off >= f->size ? 0 : n < f->size - off ? n :
	    (size_t)(f->size - off);
	if (f->fd == -1) {
		if (want > 0)
			memcpy(dst, f->data + off, want);
		return (ssize_t)want;
	}
	do
		r = pread(f->fd, dst, n, (off_t)off);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return TFTP_RD_EIO;
	if ((size_t)r != want || !file_unchanged(f))
		return TFTP_RD_CHANGED;
	return r;
}

/* Transfers. */

/*
 * Reads n bytes at off of x's file. Small blocks of a real file come from
 * the transfer's read-ahead chunk, refilled at off when off..off+n is not
 * in it (a resend before the chunk reads it again). Returns what
 * file_read() does.
 */
static ssize_t
xfer_read(struct tftp_xfer *x, uint64_t off, uint8_t *dst, size_t n)
{
	ssize_t	r;
	size_t	avail;

	if (x->file->fd == -1 || x->opts.blksize > TFTP_RA_MAX_BLKSIZE ||
	    n > TFTP_RA_BYTES)
		return file_read(x->file, off, dst, n);
	if (x->ra == NULL && (x->ra = malloc(TFTP_RA_BYTES)) == NULL)
		return file_read(x->file, off, dst, n);
	if (off < x->ra_off || off + n > x->ra_off + x->ra_len) {
		if ((r = file_read(x->file, off, x->ra, TFTP_RA_BYTES)) < 0) {
			x->ra_len = 0;
			return r;
		}
		x->ra_off = off;
		x->ra_len = (size_t)r;
	}
	avail = (size_t)(x->ra_off + x->ra_len - off);
	if (n > avail)
		n = avail;
	memcpy(dst, x->ra + (off - x->ra_off), n);
	return (ssize_t)n;
}

/*
 * The one place a transfer's state changes. Entering a state counts as
 * progress: the deadline (xfer_deadline()) runs from here.
 */
static void
xfer_set_state(struct tftp_xfer *x, enum tftp_state st)
{
	log_debug("tftp: %s: \"%s\" %s -> %s", x->peerstr, x->name,
	    tftp_state_names[x->state], tftp_state_names[st]);
	x->state = st;
	x->t_progress = now_us();
}

/*
 * When the transfer ends unless an ACK advances it: first_ack_timeout
 * after the start while the client has not ACKed at all, stall_timeout
 * after the last progress once it has. Whatever the retries and backoff
 * would allow, nothing a peer starts outlives this.
 */
static int64_t
xfer_deadline(const struct tftp_xfer *x)
{
	const struct bootd_config	*cfg = x->srv->bd->cfg;
	int				 secs;

	secs = x->state == TFTP_XS_DATA ? cfg->tftp.stall_timeout :
	    cfg->tftp.first_ack_timeout;
	return x->t_progress + (int64_t)secs * 1000000;
}

/* The retransmit timer: after rto_us, or at the deadline if sooner. */
static void
xfer_arm_timer(struct tftp_xfer *x)
{
	struct timeval	tv;
	int64_t		us = x->rto_us, left;

	left = xfer_deadline(x) - now_us();
	if (left < us)
		us = left > 0 ? left : 0;
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	evtimer_add(x->timer, &tv);
}

static void
xfer_free(struct tftp_xfer *x)
{
	if (x == NULL)
		return;
	if (x->rev != NULL)
		event_free(x->rev);
	if (x->wev != NULL)
		event_free(x->wev);
	if (x->timer != NULL)
		event_free(x->timer);
	if (x->fd != -1)
		close(x->fd);
	file_unref(x->srv, x->file);
	free(x->buf);
	free(x->scratch);
	free(x->ra);
	free(x);
}

static void
xfer_event(struct tftp_xfer *x, const char *stage, const char *detail)
{
	struct bootd	*bd = x->srv->bd;
	struct db_event	 ev;

	if (x->host[0] == '\0' || bd->db == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = DB_EV_BOOT;
	ev.src = DB_SRC_TFTP;
	snprintf(ev.mac, sizeof(ev.mac), "%s", x->mac);
	snprintf(ev.hostname, sizeof(ev.hostname), "%s", x->host);
	snprintf(ev.stage, sizeof(ev.stage), "%s", stage);
	snprintf(ev.detail, sizeof(ev.detail), "%s", detail);
	db_thread_event(bd->db, &ev);
}

/*
 * Ends a transfer: logs it once, counts it, records the boot event, frees.
 * result is "done", "aborted" or a failure reason; counter is the stat.
 */
static void
xfer_end(struct tftp_xfer *x, const char *result, uint64_t *counter)
{
	struct tftp_srv	*srv = x->srv;
	char		 esc[TFTP_PATH_MAX * 4 + 8], detail[400];
	double		 ms = (double)(now_us() - x->t_start) / 1000.0;
	int		 ok = strncmp(result, "done", 4) == 0;

	(*counter)++;
	log_sanitise(esc, sizeof(esc), x->name, strlen(x->name));
	/*
	 * A peer can end transfers as fast as it can start them: completed
	 * ones are records of exchanges (their own budget, so a boot storm
	 * keeps its trail), the rest go through the peer-line limiter.
	 */
	if (ok)
		log_note_info("tftp: %s: \"%s\" %s: %" PRIu64 " bytes in %.1f ms "
		    "(blksize %u, window %u, %" PRIu64 " resent)", x->peerstr,
		    esc, result, x->bytes, ms, x->opts.blksize,
		    x->opts.windowsize, x->resent);
	else if (counter == &srv->st.aborted)
		log_peer_info("tftp: %s: \"%s\" %s: %" PRIu64 " bytes in "
		    "%.1f ms", x->peerstr, esc, result, x->bytes, ms);
	else if (counter == &srv->st.unacked)
		log_peer_info("tftp: %s: \"%s\" dropped: %s", x->peerstr, esc,
		    result);
	else
		log_peer_warnx("tftp: %s: \"%s\" failed after %" PRIu64
		    " bytes: %s", x->peerstr, esc, x->bytes, result);
	snprintf(detail, sizeof(detail), "%s %" PRIu64 " bytes %.0f ms%s%s",
	    x->name, x->bytes, ms, ok ? "" : ": ", ok ? "" : result);
	if (counter != &srv->st.aborted)
		xfer_event(x, ok ? "tftp-done" : "tftp-failed", detail);
	TAILQ_REMOVE(&srv->xfers, x, entry);
	srv->nxfers--;
	xfer_free(x);
}

/* The retransmit timeout from the RTT estimate, without backoff. */
static void
xfer_rto_reset(struct tftp_xfer *x)
{
	if (x->srtt_us == 0)
		return;
	x->rto_us = x->srtt_us + 4 * x->rttvar_us;
	if (x->rto_us < TFTP_RTO_MIN_US)
		x->rto_us = TFTP_RTO_MIN_US;
	if (x->rto_us > x->rto_max_us)
		x->rto_us = x->rto_max_us;
}

/* One RTT sample (Karn: only windows that were not resent). */
static void
xfer_rtt(struct tftp_xfer *x)
{
	int64_t sample, d;

	if (x->rexmit)
		return;
	sample = now_us() - x->t_win;
	if (x->srtt_us == 0) {
		x->srtt_us = sample;
		x->rttvar_us = sample / 2;
	} else {
		d = x->srtt_us - sample;
		x->rttvar_us = (3 * x->rttvar_us + (d < 0 ? -d : d)) / 4;
		x->srtt_us = (7 * x->srtt_us + sample) / 8;
	}
	x->rto_us = x->srtt_us + 4 * x->rttvar_us;
	if (x->rto_us < TFTP_RTO_MIN_US)
		x->rto_us = TFTP_RTO_MIN_US;
	if (x->rto_us > x->rto_max_us)
		x->rto_us = x->rto_max_us;
}

/*
 * Ends a transfer whose file could not be read (TFTP_RD_EIO) or changed
 * under it (TFTP_RD_CHANGED), telling the client: without an ERROR it
 * would wait out its retries, and a changed file must not be completed
 * from the new content. One shared file is not re-shared once changed:
 * file_open_real() matches on size and mtime.
 */
static void
xfer_read_failed(struct tftp_xfer *x, ssize_t r)
{
	struct tftp_srv	*srv = x->srv;
	const char	*why = r == TFTP_RD_CHANGED ? "file changed" :
			    "read error";

	if (r == TFTP_RD_CHANGED)
		srv->st.changed++;
	tftp_send_error(x->fd, &x->peer, TFTP_EUNDEF, why);
	xfer_end(x, why, &srv->st.failed);
}

/*
 * Builds the netascii block b (b is na_block or na_block + 1) into buf.
 * Returns the payload length, or what file_read() returns on a failure.
 */
static ssize_t
xfer_netascii_block(struct tftp_xfer *x, uint64_t b)
{
	size_t	 out = 0, used, room = x->opts.blksize, w;
	ssize_t	 r;
	uint8_t	*dst = x->buf + TFTP_HDR_LEN;

	if (b == x->na_block)
		return (ssize_t)x->na_len;
	while (out < room) {
		/* Drain a pending half pair first, then read on. */
		r = xfer_read(x, x->na_off, x->scratch, room - out);
		if (r < 0)
			return r;
		w = tftp_netascii_encode(&x->na, x->scratch, (size_t)r, &used,
		    dst + out, room - out);
		out += w;
		x->na_off += used;
		if (r == 0 && !tftp_netascii_pending(&x->na))
			break;
		if (w == 0 && used == 0)
			break;
	}
	x->na_block = b;
	x->na_len = out;
	if (out < room)
		x->total = b;	/* a short block ends the transfer */
	return (ssize_t)out;
}

/*
 * Puts block b into buf. Returns the packet length, or TFTP_RD_EIO /
 * TFTP_RD_CHANGED.
 */
static ssize_t
xfer_fill(struct tftp_xfer *x, uint64_t b)
{
	uint64_t	off;
	size_t		n;
	ssize_t		r;

	tftp_data_hdr(x->buf, tftp_block_wire(b));
	if (x->mode == TFTP_MODE_NETASCII) {
		if ((r = xfer_netascii_block(x, b)) < 0)
			return r;
		return TFTP_HDR_LEN + r;
	}
	if (tftp_block_span(x->file->size, x->opts.blksize, b, &off, &n) == -1)
		return TFTP_RD_EIO;
	if (n > 0 && (r = xfer_read(x, off, x->buf + TFTP_HDR_LEN, n)) !=
	    (ssize_t)n)
		return r < 0 ? r : TFTP_RD_CHANGED;
	return (ssize_t)(TFTP_HDR_LEN + n);
}

/* Returns -1 when the transfer ended (x is freed), else 0. */
static int
xfer_send_oack(struct tftp_xfer *x)
{
	ssize_t n;

	if ((n = tftp_oack_build(x->buf, x->buflen, &x->opts)) == -1) {
		xfer_end(x, "cannot build OACK", &x->srv->st.failed);
		return -1;
	}
	if (sendto(x->fd, x->buf, (size_t)n, 0, (struct sockaddr *)&x->peer,
	    sizeof(x->peer)) == -1 && errno != EAGAIN && errno != EINTR &&
	    errno != ENOBUFS) {
		xfer_end(x, strerror(errno), &x->srv->st.failed);
		return -1;
	}
	x->t_win = now_us();
	xfer_arm_timer(x);
	return 0;
}

/* Counts block x->next as sent (payload bytes), first copy or resend. */
static void
xfer_count(struct tftp_xfer *x, size_t payload)
{
	struct tftp_srv *srv = x->srv;

	if (x->next > x->sent) {
		x->sent = x->next;
		x->bytes += payload;
		srv->st.bytes += payload;
	} else {
		srv->st.retransmits++;
		x->resent++;
	}
	x->next++;
}

/*
 * Sends blocks x->next..last of a real file in octet mode as one UDP GSO
 * batch: the headers at a stride of 4 + blksize in the server's batch
 * buffer, the data read into the gaps by one preadv, one sendmsg with
 * UDP_SEGMENT. Returns the blocks sent (0: nothing to batch or GSO refused,
 * send them one by one), -2 when the socket is full, -1 when the transfer
 * ended on an error (x is freed).
 */
static int
xfer_send_gso(struct tftp_xfer *x, uint64_t last)
{
	struct tftp_srv	*srv = x->srv;
	struct iovec	 iov[TFTP_GSO_SEGS], siov;
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(uint16_t))];
	}		 cbuf;
	size_t		 stride = TFTP_HDR_LEN + x->opts.blksize, want = 0, n = 0;
	uint64_t	 k, i, off, off0 = 0;
	uint16_t	 seg = (uint16_t)stride;
	ssize_t		 r;

	if (x->nogso || x->mode != TFTP_MODE_OCTET || x->file->fd == -1)
		return 0;
	k = last - x->next + 1;
	if (k > TFTP_GSO_BYTES / stride)
		k = TFTP_GSO_BYTES / stride;
	if (k > TFTP_GSO_SEGS)
		k = TFTP_GSO_SEGS;
	if (k < 2)
		return 0;
	for (i = 0; i < k; i++) {
		if (tftp_block_span(x->file->size, x->opts.blksize, x->next + i,
		    &off, &n) == -1) {
			xfer_read_failed(x, TFTP_RD_EIO);
			return -1;
		}
		if (i == 0)
			off0 = off;
		tftp_data_hdr(srv->gbuf + i * stride,
		    tftp_block_wire(x->next + i));
		iov[i].iov_base = srv->gbuf + i * stride + TFTP_HDR_LEN;
		iov[i].iov_len = n;
		want += n;
	}
	do
		r = preadv(x->file->fd, iov, (int)k, (off_t)off0);
	while (r == -1 && errno == EINTR);
	/* As file_read(): all of it, and the file as it was opened. */
	if (r != (ssize_t)want || !file_unchanged(x->file)) {
		xfer_read_failed(x, r == -1 ? TFTP_RD_EIO : TFTP_RD_CHANGED);
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	siov.iov_base = srv->gbuf;
	siov.iov_len = (size_t)(k - 1) * stride + TFTP_HDR_LEN + n;
	msg.msg_name = &x->peer;
	msg.msg_namelen = sizeof(x->peer);
	msg.msg_iov = &siov;
	msg.msg_iovlen = 1;
	memset(&cbuf, 0, sizeof(cbuf));
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	while (sendmsg(x->fd, &msg, 0) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == ENOBUFS)
			return -2;
		if (errno == EINVAL || errno == EIO || errno == EMSGSIZE ||
		    errno == ENOPROTOOPT || errno == EOPNOTSUPP) {
			/*
			 * Blocks above the route's MTU, no offload, no GSO:
			 * said once at info (a NIC without checksum offload
			 * refuses every batch), then at debug.
			 */
			if (srv->gso_refused++ == 0)
				log_info("tftp: %s: \"%s\": UDP GSO refused (%s), "
				    "one send per block (logged once)",
				    x->peerstr, x->name, strerror(errno));
			else
				log_debug("tftp: %s: \"%s\": UDP GSO refused "
				    "(%s)", x->peerstr, x->name,
				    strerror(errno));
			x->nogso = 1;
			return 0;
		}
		xfer_end(x, strerror(errno), &srv->st.failed);
		return -1;
	}
	for (i = 0; i < k; i++)
		xfer_count(x, i + 1 < k ? x->opts.blksize : n);
	return (int)k;
}

/*
 * Sends blocks from..acked+window (RFC 7440), in GSO batches where it can.
 * A full socket buffer parks the rest until the socket is writable.
 * Re-arms the retransmit timer. Returns -1 when the transfer ended on an
 * error (x is freed), else 0.
 */
static int
xfer_send_window(struct tftp_xfer *x, uint64_t from)
{
	struct tftp_srv	*srv = x->srv;
	uint64_t	 last = x->acked + x->opts.windowsize;
	ssize_t		 n;
	int		 k;

	if (from == x->acked + 1 && from > x->sent) {
		/* A fresh window: time it. */
		x->t_win = now_us();
		x->rexmit = 0;
	}
	x->next = from;
	x->blocked = 0;
	while (x->next <= last && x->next <= x->total) {
		if ((k = xfer_send_gso(x, last < x->total ? last :
		    x->total)) == -1)
			return -1;
		if (k > 0)
			continue;
		if (k == -2) {
			x->blocked = 1;
			event_add(x->wev, NULL);
			break;
		}
		if ((n = xfer_fill(x, x->next)) < 0) {
			xfer_read_failed(x, n);
			return -1;
		}
		if (sendto(x->fd, x->buf, (size_t)n, 0,
		    (struct sockaddr *)&x->peer, sizeof(x->peer)) == -1) {
			if (errno == EAGAIN || errno == ENOBUFS) {
				x->blocked = 1;
				event_add(x->wev, NULL);
				break;
			}
			if (errno == EINTR)
				continue;
			xfer_end(x, strerror(errno), &srv->st.failed);
			return -1;
		}
		xfer_count(x, (size_t)n - TFTP_HDR_LEN);
	}
	xfer_arm_timer(x);
	return 0;
}

static void
xfer_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_xfer *x = arg;

	if (x->blocked)
		(void)xfer_send_window(x, x->next);
}

static void
xfer_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_xfer	*x = arg;
	struct tftp_srv		*srv = x->srv;
	int			 over;

	/*
	 * Over: past the deadline (xfer_deadline()), or out of retries. The
	 * adaptive timer starts small; only timeouts at the full timeout
	 * count as retries, so a client that re-ACKs slowly (atftp waits
	 * 5 s) is not given up on after a few fast resends.
	 */
	over = now_us() + TFTP_DEADLINE_SLACK_US >= xfer_deadline(x) ||
	    (x->rto_us >= x->rto_max_us &&
	    ++x->retries > srv->bd->cfg->tftp.retries);
	if (over && x->state != TFTP_XS_DATA) {
		/*
		 * No first ACK: whoever sent the request (perhaps not the
		 * address it names) gets nothing more, not even an ERROR.
		 * A one-block file lands here too when its only ACK is lost;
		 * counting that as "done" would let spoofed requests write
		 * unlimited log lines.
		 */
		xfer_end(x, "no first ACK in time", &srv->st.unacked);
		return;
	}
	/*
	 * Everything was sent and only the last ACK is missing: clients
	 * exit right after the last block, so a lost final ACK is common
	 * and harmless (RFC 1350 §6). A few resends, then done.
	 */
	if (x->sent == x->total && (over ||
	    ++x->final_tries > TFTP_FINAL_RESENDS)) {
		xfer_end(x, "done (no final ACK)", &srv->st.done);
		return;
	}
	if (over) {
		xfer_end(x, "timed out", &srv->st.failed);
		return;
	}
	x->rexmit = 1;
	x->rto_us *= 2;
	if (x->rto_us > x->rto_max_us * TFTP_BACKOFF_FACTOR)
		x->rto_us = x->rto_max_us * TFTP_BACKOFF_FACTOR;
	if (x->state == TFTP_XS_OACK) {
		srv->st.retransmits++;
		x->resent++;
		(void)xfer_send_oack(x);
	} else
		(void)xfer_send_window(x, x->acked + 1);
}

/* Returns 1 when the transfer ended (x is freed). */
static int
xfer_packet(struct tftp_xfer *x, const uint8_t *p, size_t len)
{
	struct tftp_srv		*srv = x->srv;
	struct tftp_pkt		 pkt;
	const char		*why;
	char			 msg[TFTP_ERRMSG_MAX * 4 + 64], esc[1024];
	uint64_t		 abs;

	if (tftp_pkt_parse(p, len, &pkt, &why) == -1) {
		srv->st.bad_packets++;
		return 0;
	}
	switch (pkt.op) {
	case TFTP_OP_ERROR:
		log_sanitise(esc, sizeof(esc), pkt.msg, strlen(pkt.msg));
		if (x->state == TFTP_XS_OACK) {
			/*
			 * UEFI firmware reads tsize from the OACK and ends
			 * there ("abort"), then asks again: normal traffic.
			 */
			snprintf(msg, sizeof(msg), "ended by the client after "
			    "the OACK (error %u \"%s\")", pkt.code, esc);
			xfer_end(x, msg, &srv->st.aborted);
		} else {
			snprintf(msg, sizeof(msg), "client error %u \"%s\"",
			    pkt.code, esc);
			xfer_end(x, msg, &srv->st.failed);
		}
		return 1;
	case TFTP_OP_ACK:
		break;
	default:
		srv->st.bad_packets++;
		return 0;
	}
	if (x->state == TFTP_XS_OACK) {
		if (pkt.block != 0)
			return 0;
		xfer_rtt(x);
		x->retries = 0;
		xfer_set_state(x, TFTP_XS_DATA);
		return xfer_send_window(x, 1) == -1;
	}
	switch (tftp_ack_classify(x->acked, x->sent, pkt.block, &abs)) {
	case TFTP_ACK_NEW:
		if (abs == x->sent)
			xfer_rtt(x);
		/* Progress ends a backoff (as TCP does after new data). */
		xfer_rto_reset(x);
		if (x->state == TFTP_XS_FIRST)
			xfer_set_state(x, TFTP_XS_DATA);
		x->t_progress = now_us();
		x->acked = abs;
		x->retries = 0;
		x->final_tries = 0;
		if (x->acked >= x->total) {
			xfer_end(x, "done", &srv->st.done);
			return 1;
		}
		/*
		 * A whole window acknowledged: the next one. A partial ACK
		 * means the client saw a gap: resend from there (RFC 7440).
		 */
		if (x->blocked && x->next > x->acked)
			return xfer_send_window(x, x->next) == -1; /* pushing */
		return xfer_send_window(x, x->acked + 1) == -1;
	case TFTP_ACK_DUP:
	case TFTP_ACK_OUTSIDE:
		/* Never answer a duplicate: Sorcerer's Apprentice. */
		return 0;
	}
	return 0;
}

/*
 * Reads the transfer's socket: packets from its peer drive it, strangers
 * get error 5. Stops after data went out (its ACK is a round trip away, so
 * no recvfrom that finds nothing), at EAGAIN, or after a burst. The read
 * event is level-triggered, so a packet left behind brings the loop back
 * at once. (Edge-triggered, it waited for the next packet or the
 * retransmit timer: a stale ACK read first and a newer one left queued
 * stalled lossy windowed transfers for seconds.)
 */
static void
xfer_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_xfer	*x = arg;
	struct tftp_srv		*srv = x->srv;
	struct sockaddr_in	 from;
	socklen_t		 flen;
	uint64_t		 next;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < TFTP_RECV_BURST; i++) {
		flen = sizeof(from);
		n = recvfrom(x->fd, srv->rbuf, sizeof(srv->rbuf), 0,
		    (struct sockaddr *)&from, &flen);
		if (n == -1)
			return;	/* EAGAIN, or an ICMP error: the timer copes */
		if (from.sin_family != AF_INET ||
		    from.sin_addr.s_addr != x->peer.sin_addr.s_addr ||
		    from.sin_port != x->peer.sin_port) {
			/* RFC 1350 §4: a stranger gets error 5, we go on. */
			srv->st.wrong_tid++;
			tftp_send_error(x->fd, &from, TFTP_EBADID, NULL);
			continue;
		}
		next = x->next;
		if (xfer_packet(x, srv->rbuf, (size_t)n) || x->next != next)
			return;
	}
}

/* Requests. */

/* The MTU of the interface a request came in on, or 0 when unknown. */
static unsigned int
iface_mtu(int fd, int ifindex)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ifindex <= 0 || if_indextoname((unsigned int)ifindex,
	    ifr.ifr_name) == NULL || ioctl(fd, SIOCGIFMTU, &ifr) == -1)
		return 0;
	return (unsigned int)ifr.ifr_mtu;
}

/*
 * Per-firmware limits from the config, for the architecture bootd's DHCP
 * server last saw at this IP (RFC 4578 option 93; -1 unknown).
 */
static void
arch_limits(const struct bootd_config *cfg, int arch, struct tftp_limits *lim)
{
	int bs, ws;

	switch (pxe_arch_limits(arch)) {
	case PXE_LIMITS_BIOS:
		bs = cfg->tftp.bios.max_blksize;
		ws = cfg->tftp.bios.max_windowsize;
		break;
	case PXE_LIMITS_EFI:
		bs = cfg->tftp.efi.max_blksize;
		ws = cfg->tftp.efi.max_windowsize;
		break;
	default:
		return;
	}
	if (bs > 0 && bs < lim->max_blksize)
		lim->max_blksize = (uint16_t)bs;
	if (ws > 0 && ws < lim->max_windowsize)
		lim->max_windowsize = (uint16_t)ws;
}

static size_t
client_count(const struct tftp_srv *srv, const struct sockaddr_in *peer)
{
	const struct tftp_xfer	*x;
	size_t			 n = 0;

	TAILQ_FOREACH(x, &srv->xfers, entry)
		if (x->peer.sin_addr.s_addr == peer->sin_addr.s_addr)
			n++;
	return n;
}

static int
is_duplicate(const struct tftp_srv *srv, const struct sockaddr_in *peer)
{
	const struct tftp_xfer *x;

	TAILQ_FOREACH(x, &srv->xfers, entry)
		if (x->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
		    x->peer.sin_port == peer->sin_port)
			return 1;
	return 0;
}

/*
 * Refuses a request: error packet from the listener, a log line, a count.
 * why is a static string: it keys the log limiter, so each reason gets
 * its line a second however many requests are refused.
 */
static void
refuse(struct tftp_srv *srv, const struct sockaddr_in *peer,
    const char *peerstr, const char *name, enum tftp_err code,
    const char *why, uint64_t *counter)
{
	char esc[TFTP_PATH_MAX * 4 + 8];

	(*counter)++;
	if (log_cur_level >= LOG_LVL_INFO) {
		log_sanitise(esc, sizeof(esc), name, strlen(name));
		log_peer_keyed_info(why, "tftp: %s: \"%s\" refused: %s",
		    peerstr, esc, why);
	}
	tftp_send_error(srv->fd, peer, code, why);
}

/*
 * Out of descriptors (EMFILE, ENFILE) for the transfer's socket or file:
 * the client hears "server busy" and retries later, like at a cap; the
 * log says what ran out, at most once a second.
 */
static void
refuse_nofd(struct tftp_srv *srv, const struct sockaddr_in *peer,
    const char *peerstr, const char *what, int err)
{
	srv->st.busy++;
	srv->st.nofd++;
	log_peer_keyed_warnx(TFTP_NOFD, "tftp: %s: out of descriptors for "
	    "the %s (%s): answered \"%s\"", peerstr, what, strerror(err),
	    TFTP_BUSY);
	tftp_send_error(srv->fd, peer, TFTP_EUNDEF, TFTP_BUSY);
}

/*
 * Finds the file for a request: virtual menus first, then the root.
 * Returns a reference, or NULL with *code and *why (static) set; *res is
 * the tftp_path result (TFTP_PATH_ENFILE: out of descriptors).
 */
static struct tftp_file *
request_file(struct tftp_srv *srv, const char *name, const char *peerstr,
    enum tftp_err *code, const char **why, int *res)
{
	struct tftp_resolved	 r;
	struct tftp_file	*f = NULL;
	int			 e;

	/* tftp_resolve.h: the answer HTTP's /files/ gives too. */
	*res = TFTP_PATH_OK;
	*code = TFTP_EUNDEF;
	if (tftp_resolve(&r, srv->bd->cfg, srv->bd->snap, name) ==
	    TFTP_R_OPEN) {
		f = file_open_real(srv, name, res, why);
		e = errno;
		tftp_resolve_opened(&r, *res, f != NULL ? NULL : *why);
		errno = e;	/* for refuse_nofd() */
	}
	switch (r.kind) {
	case TFTP_R_REAL:
		return f;
	case TFTP_R_VIRTUAL:
		srv->st.virtual_files++;
		if ((f = file_virtual(r.body, r.len)) == NULL) {
			*code = TFTP_EUNDEF;
			*why = "out of memory";
		}
		return f;
	default:
		if (r.detail[0] != '\0')
			log_peer_warnx("tftp: %s: %s", peerstr, r.detail);
		*res = r.path_res;
		*code = r.tftp_code;
		*why = r.why;
		return NULL;
	}
}

static void
handle_request(struct tftp_srv *srv, const uint8_t *p, size_t len,
    const struct sockaddr_in *peer, struct in_addr local, int ifindex)
{
	struct bootd_config	*cfg = srv->bd->cfg;
	const struct inv_host	*h;
	struct tftp_xfer	*x = NULL;
	struct tftp_req		 req;
	struct tftp_limits	 lim;
	struct sockaddr_in	 sin;
	const char		*why;
	char			 peerstr[32], norm[TFTP_PATH_MAX + 1];
	enum tftp_err		 code;
	uint64_t		 tsize;
	unsigned int		 mtu;
	int			 sndbuf, res;

	addr_sin_str(peer, peerstr, sizeof(peerstr));
	/*
	 * DATA, ACK, ERROR or OACK at the listener belong to no transfer:
	 * dropped and counted, never answered (an ERROR must not be).
	 */
	if (len >= 2 && p[0] == 0 && p[1] >= TFTP_OP_DATA &&
	    p[1] <= TFTP_OP_OACK) {
		srv->st.bad_packets++;
		return;
	}
	if (tftp_req_parse(p, len, &req, &why) == -1) {
		srv->st.bad_packets++;
		refuse(srv, peer, peerstr, "", TFTP_EBADOP, why,
		    &srv->st.refused);
		return;
	}
	if (req.op == TFTP_OP_WRQ) {
		refuse(srv, peer, peerstr, req.filename, TFTP_EACCESS,
		    "write requests are refused", &srv->st.refused);
		return;
	}
	/* A retransmitted RRQ: the transfer for it is already running. */
	if (is_duplicate(srv, peer))
		return;
	if (srv->nxfers >= (size_t)cfg->tftp.max_transfers ||
	    client_count(srv, peer) >= (size_t)cfg->tftp.max_per_client) {
		refuse(srv, peer, peerstr, req.filename, TFTP_EUNDEF,
		    TFTP_BUSY, &srv->st.busy);
		return;
	}
	if (tftp_path_normalise(req.filename, norm, sizeof(norm), &why) == -1) {
		refuse(srv, peer, peerstr, req.filename, TFTP_EACCESS, why,
		    &srv->st.refused);
		return;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		refuse(srv, peer, peerstr, norm, TFTP_EUNDEF, "out of memory",
		    &srv->st.busy);
		return;
	}
	x->fd = -1;
	x->srv = srv;
	x->peer = *peer;
	snprintf(x->peerstr, sizeof(x->peerstr), "%s", peerstr);
	snprintf(x->name, sizeof(x->name), "%s", norm);
	x->mode = req.mode;
	if ((x->file = request_file(srv, norm, peerstr, &code, &why,
	    &res)) == NULL) {
		if (res == TFTP_PATH_ENFILE)
			refuse_nofd(srv, peer, peerstr, "file", errno);
		else
			refuse(srv, peer, peerstr, norm, code, why,
			    &srv->st.refused);
		goto fail;
	}

	/* Negotiation (pure): limits from the config and the path MTU. */
	memset(&lim, 0, sizeof(lim));
	lim.max_blksize = (uint16_t)cfg->tftp.max_blksize;
	lim.max_windowsize = (uint16_t)cfg->tftp.max_windowsize;
	lim.max_timeout = (uint8_t)cfg->tftp.max_timeout;
	if ((mtu = iface_mtu(srv->fd, ifindex)) > 0)
		lim.mtu_blksize = tftp_mtu_blksize(mtu);
	arch_limits(cfg, archmap_get(&srv->bd->archmap,
	    ntohl(peer->sin_addr.s_addr)), &lim);
	tsize = x->file->size;
	if (req.mode == TFTP_MODE_NETASCII)
		tsize = x->file->fd == -1 ? tftp_netascii_size(
		    (const uint8_t *)x->file->data, x->file->size) :
		    TFTP_TSIZE_UNKNOWN;
	/* curl refuses an OACK with tsize 0: an empty file acks no tsize. */
	if (tsize == 0)
		tsize = TFTP_TSIZE_UNKNOWN;
	if (tftp_negotiate(&req, &lim, tsize, &x->opts) == -1) {
		refuse(srv, peer, peerstr, norm, TFTP_EOPTNEG,
		    "option negotiation failed", &srv->st.refused);
		goto fail;
	}
	x->total = req.mode == TFTP_MODE_NETASCII ? UINT64_MAX :
	    tftp_file_blocks(x->file->size, x->opts.blksize);
	x->buflen = TFTP_HDR_LEN + (x->opts.blksize > 512 ? x->opts.blksize :
	    512);
	if ((x->buf = malloc(x->buflen)) == NULL ||
	    (req.mode == TFTP_MODE_NETASCII &&
	    (x->scratch = malloc(x->opts.blksize)) == NULL)) {
		refuse(srv, peer, peerstr, norm, TFTP_EUNDEF, "out of memory",
		    &srv->st.busy);
		goto fail;
	}
	tftp_netascii_init(&x->na);

	/* A new TID: our own socket on the address the request came to. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = local;
	sndbuf = (x->opts.blksize + 64) * x->opts.windowsize * 2;
	if (sndbuf > TFTP_SNDBUF_MAX)
		sndbuf = TFTP_SNDBUF_MAX;
	if ((x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			refuse_nofd(srv, peer, peerstr, "socket", errno);
		else
			refuse(srv, peer, peerstr, norm, TFTP_EUNDEF,
			    "no socket", &srv->st.busy);
		goto fail;
	}
	if (bind(x->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		/* EADDRINUSE: no ephemeral port left. */
		refuse(srv, peer, peerstr, norm, TFTP_EUNDEF, TFTP_BUSY,
		    &srv->st.busy);
		goto fail;
	}
	if (sndbuf > 212992)
		(void)setsockopt(x->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf));
	x->rev = event_new(srv->bd->base, x->fd, EV_READ | EV_PERSIST,
	    xfer_read_cb, x);
	x->wev = event_new(srv->bd->base, x->fd, EV_WRITE, xfer_write_cb, x);
	x->timer = evtimer_new(srv->bd->base, xfer_timer_cb, x);
	if (x->rev == NULL || x->wev == NULL || x->timer == NULL ||
	    event_add(x->rev, NULL) == -1) {
		refuse(srv, peer, peerstr, norm, TFTP_EUNDEF, "out of memory",
		    &srv->st.busy);
		goto fail;
	}
	x->rto_max_us = x->opts.timeout > 0 ? (int64_t)x->opts.timeout *
	    1000000 : (int64_t)cfg->tftp.timeout_ms * 1000;
	x->rto_us = x->rto_max_us;
	x->t_start = now_us();
	x->na_block = 0;
	if (srv->bd->snap != NULL &&
	    (h = inv_by_ip(srv->bd->snap, ntohl(peer->sin_addr.s_addr))) !=
	    NULL) {
		snprintf(x->host, sizeof(x->host), "%s", h->hostname);
		snprintf(x->mac, sizeof(x->mac), "%s", h->macstr);
	}
	TAILQ_INSERT_TAIL(&srv->xfers, x, entry);
	srv->nxfers++;
	srv->st.requests++;
	log_debug("tftp: %s: RRQ \"%s\" size %" PRIu64 " blksize %u window %u",
	    peerstr, norm, x->file->size, x->opts.blksize, x->opts.windowsize);
	xfer_event(x, "tftp-start", norm);
	/* On a send error these end (and free) the transfer themselves. */
	if (x->opts.norder > 0) {
		xfer_set_state(x, TFTP_XS_OACK);
		(void)xfer_send_oack(x);
	} else {
		xfer_set_state(x, TFTP_XS_FIRST);
		(void)xfer_send_window(x, 1);
	}
	return;
fail:
	xfer_free(x);
}

static void
listener_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_srv		*srv = arg;
	struct sockaddr_in	 peer;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	struct in_pktinfo	*pi;
	struct in_addr		 local;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	}			 cbuf;
	ssize_t			 n;
	int			 i, ifindex;

	for (i = 0; i < TFTP_RECV_BURST; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = srv->rbuf;
		iov.iov_len = sizeof(srv->rbuf);
		msg.msg_name = &peer;
		msg.msg_namelen = sizeof(peer);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = &cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if ((n = recvmsg(srv->fd, &msg, 0)) == -1)
			return;
		if (peer.sin_family != AF_INET || peer.sin_port == 0) {
			srv->st.bad_packets++;
			continue;
		}
		local.s_addr = htonl(srv->bd->cfg->tftp.listen_ip);
		ifindex = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				pi = (struct in_pktinfo *)CMSG_DATA(cm);
				local = pi->ipi_addr;
				ifindex = pi->ipi_ifindex;
			}
		handle_request(srv, srv->rbuf, (size_t)n, &peer, local,
		    ifindex);
	}
}

struct tftp_srv *
tftp_start(struct bootd *bd, char *err, size_t errlen)
{
	const struct bootd_config	*cfg = bd->cfg;
	struct tftp_srv			*srv;
	struct sockaddr_in		 sin;
	int				 on = 1;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->bd = bd;
	srv->fd = -1;
	TAILQ_INIT(&srv->xfers);
	LIST_INIT(&srv->files);
	if (bd->rootfd == -1) {
		snprintf(err, errlen, "paths.tftp_root %s is not open",
		    cfg->paths.tftp_root);
		goto fail;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)cfg->tftp.port);
	sin.sin_addr.s_addr = htonl(cfg->tftp.listen_ip);
	if ((srv->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(srv->fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == -1 ||
	    /* No SO_REUSEADDR: a second bootd on this port must fail. */
	    bind(srv->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(err, errlen, "cannot listen on %s:%d/udp: %s",
		    cfg->tftp.listen, cfg->tftp.port, strerror(errno));
		goto fail;
	}
	if ((srv->ev = event_new(bd->base, srv->fd, EV_READ | EV_PERSIST,
	    listener_cb, srv)) == NULL || event_add(srv->ev, NULL) == -1) {
		snprintf(err, errlen, "cannot add the listener event");
		goto fail;
	}
	return srv;
fail:
	tftp_stop(srv);
	return NULL;
}

void
tftp_stop(struct tftp_srv *srv)
{
	struct tftp_xfer *x;

	if (srv == NULL)
		return;
	while ((x = TAILQ_FIRST(&srv->xfers)) != NULL)
		xfer_end(x, "server stopping", &srv->st.failed);
	if (srv->ev != NULL)
		event_free(srv->ev);
	if (srv->fd != -1)
		close(srv->fd);
	free(srv);
}

size_t
tftp_active(const struct tftp_srv *srv)
{
	return srv != NULL ? srv->nxfers : 0;
}

const struct tftp_stats *
tftp_stats(const struct tftp_srv *srv)
{
	return &srv->st;
}
