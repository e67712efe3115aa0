/* SPDX-License-Identifier: ISC */
/*
 * tftp_xfer: the transfers. Each has its own socket (TID), a state changed
 * only by xfer_set_state(), a retransmit timer (arithmetic in the pure
 * tftp_rto), a packet buffer and a reference to a shared open file
 * (tftp_file). It only moves packets: what they hold and what an ACK
 * means are tftp_proto's decisions. Nothing here blocks: sockets are
 * non-blocking and files are in the page cache or read in small chunks.
 *
 * Per-packet cost is what limits a TFTP server, so: a small block of a
 * real file that several transfers share (a boot storm) leaves straight
 * from the file's mapping (tftp_file), its header and data gathered by the
 * send, with no copy in user space; other small blocks come from a
 * per-transfer read-ahead chunk (one pread per TFTP_RA_BYTES); and a
 * window of a real file in octet mode leaves as UDP GSO batches (one
 * preadv and one sendmsg for up to TFTP_GSO_SEGS blocks; the kernel, or a
 * NIC that offloads it, cuts them into one datagram per block). A path
 * that refuses GSO (blocks above the route's MTU, no checksum offload)
 * falls back to one send per block for that transfer.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bootd/bootd.h"
#include "bootd/clock.h"
#include "bootd/log.h"
#include "db/db_thread.h"
#include "db/inventory.h"
#include "tftp/tftp_xfer.h"

#define TFTP_FINAL_RESENDS	6	/* of the last block, unacknowledged */
#define TFTP_SNDBUF_MAX		(4 * 1024 * 1024)
#define TFTP_RA_BYTES		(32 * 1024)	/* read-ahead chunk */
#define TFTP_RA_MAX_BLKSIZE	8192		/* read-ahead up to this */

const char	tftp_busy[] = "server busy, try again";

_Static_assert(TFTP_XS_NEW == 0, "tftp_xfer_new() relies on calloc");

static const char *const tftp_state_names[TFTP_XS_MAX] = {
	[TFTP_XS_NEW] = "new",
	[TFTP_XS_OACK] = "oack",
	[TFTP_XS_WINDOW] = "window",
	[TFTP_XS_BLOCKED] = "blocked",
	[TFTP_XS_LAST] = "last",
	[TFTP_XS_DONE] = "done",
};

static int	xfer_send_window(struct tftp_xfer *, uint64_t);

static int64_t
now_us(void)
{
	return (int64_t)clock_mono_us();
}

void
tftp_send_error(int fd, const struct sockaddr_in *to, enum tftp_err code,
    const char *msg)
{
	uint8_t	pkt[4 + TFTP_ERRMSG_MAX + 1];
	ssize_t	n;

	if ((n = tftp_error_build(pkt, sizeof(pkt), code, msg)) > 0)
		(void)sendto(fd, pkt, (size_t)n, 0, (const struct sockaddr *)to,
		    sizeof(*to));
}

/*
 * Reads n bytes at off of x's file. Small blocks of a real file come from
 * the transfer's read-ahead chunk, refilled at off when off..off+n is not
 * in it (a resend before the chunk reads it again). Returns what
 * tftp_file_read() does.
 */
static ssize_t
xfer_read(struct tftp_xfer *x, uint64_t off, uint8_t *dst, size_t n)
{
	ssize_t	r;
	size_t	avail;

	if (x->file->fd == -1 || x->opts.blksize > TFTP_RA_MAX_BLKSIZE ||
	    n > TFTP_RA_BYTES)
		return tftp_file_read(x->file, off, dst, n);
	if (x->ra == NULL && (x->ra = malloc(TFTP_RA_BYTES)) == NULL)
		return tftp_file_read(x->file, off, dst, n);
	if (off < x->ra_off || off + n > x->ra_off + x->ra_len) {
		if ((r = tftp_file_read(x->file, off, x->ra,
		    TFTP_RA_BYTES)) < 0) {
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
 * When the transfer ends unless an ACK advances it: first_ack_timeout
 * after the start while the client has not ACKed at all, stall_timeout
 * after the last progress once it has. Whatever the retries and backoff
 * would allow, nothing a peer starts outlives this.
 */
static int64_t
xfer_deadline(const struct tftp_xfer *x)
{
	const struct bootd_config *cfg = x->srv->bd->cfg;

	return tftp_rto_deadline(x->t_progress, x->proven ?
	    cfg->tftp.stall_timeout : cfg->tftp.first_ack_timeout);
}

/* Sets the timer event us from now, due at x->t_due. */
static void
xfer_timer_set(struct tftp_xfer *x, int64_t us)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	if (evtimer_add(x->timer, &tv) == 0)
		x->t_armed = x->t_due;
}

/*
 * The retransmit timer: after the timeout, or at the deadline if sooner.
 * Lazily: in lock-step every ACK moves the time later, so the event is
 * set again only when the new time is sooner than the one it is set for,
 * or it is not set; xfer_timer_cb() sets it again when it fires before
 * t_due. That spares a timer heap update per block.
 */
static void
xfer_arm_timer(struct tftp_xfer *x)
{
	int64_t	now = now_us(), us;

	us = tftp_rto_wait(&x->rto, now, xfer_deadline(x));
	x->t_due = now + us;
	if (x->t_armed == 0 || x->t_armed > x->t_due)
		xfer_timer_set(x, us);
}

/*
 * x's file name escaped for a log line into esc (TFTP_NAME_ESC bytes): a
 * normalised name has no control bytes, but may hold quotes, backslashes
 * and bytes that are not UTF-8.
 */
#define TFTP_NAME_ESC	(TFTP_PATH_MAX * 4 + 8)

static const char *
xfer_esc_name(const struct tftp_xfer *x, char *esc)
{
	return log_sanitise(esc, TFTP_NAME_ESC, x->name, strlen(x->name));
}

/* The debug line of a state change (apart: no escape buffer otherwise). */
static void
xfer_log_state(const struct tftp_xfer *x, enum tftp_state st)
{
	char esc[TFTP_NAME_ESC];

	log_debug("tftp: %s: \"%s\" %s -> %s", x->peerstr,
	    xfer_esc_name(x, esc), tftp_state_names[x->state],
	    tftp_state_names[st]);
}

/*
 * The one place a transfer's state changes, and what each state waits
 * for: OACK, WINDOW and LAST the retransmit timer (re-armed on every
 * call, so a resent or next window gets its full timeout), BLOCKED the
 * socket's write event as well. Leaving BLOCKED any other way (a timer
 * resend that went out) drops the write event. NEW waits for nothing;
 * DONE neither (tftp_xfer_free() removes the events).
 */
static void
xfer_set_state(struct tftp_xfer *x, enum tftp_state st)
{
	if (st != x->state) {
		if (log_cur_level >= LOG_LVL_DEBUG)
			xfer_log_state(x, st);
		if (x->state == TFTP_XS_BLOCKED &&
		    event_pending(x->wev, EV_WRITE, NULL))
			event_del(x->wev);
		x->state = st;
	}
	switch (st) {
	case TFTP_XS_BLOCKED:
		event_add(x->wev, NULL);
		/* FALLTHROUGH */
	case TFTP_XS_OACK:
	case TFTP_XS_WINDOW:
	case TFTP_XS_LAST:
		xfer_arm_timer(x);
		break;
	case TFTP_XS_NEW:
	case TFTP_XS_DONE:
	case TFTP_XS_MAX:
		break;
	}
}

/* The memory of a transfer whose socket and events are gone. */
static void
xfer_release_mem(struct tftp_xfer *x)
{
	tftp_file_unref(x->file);
	free(x->buf);
	free(x->scratch);
	free(x->ra);
	free(x);
}

void
tftp_xfer_free(struct tftp_xfer *x)
{
	int fd;

	if (x == NULL)
		return;
	if (x->rev != NULL)
		event_free(x->rev);
	if (x->wev != NULL)
		event_free(x->wev);
	if (x->timer != NULL)
		event_free(x->timer);
	if (x->ringed) {
		/*
		 * Released (its memory and file reference: the mapping a
		 * queued send reads) now, or when the ring is done.
		 */
		fd = x->fd;
		tftp_ring_forget(x->srv->ring, &x->rs);
		close(fd);
		return;
	}
	if (x->fd != -1)
		close(x->fd);
	xfer_release_mem(x);
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

void
tftp_xfer_end(struct tftp_xfer *x, const char *result, uint64_t *counter)
{
	struct tftp_srv	*srv = x->srv;
	char		 esc[TFTP_NAME_ESC], detail[400];
	double		 ms = (double)(now_us() - x->t_start) / 1000.0;
	int		 ok = strncmp(result, "done", 4) == 0;

	xfer_set_state(x, TFTP_XS_DONE);
	(*counter)++;
	if (counter == &srv->st.done)
		metrics_hist_observe(&srv->st.duration, ms / 1000.0);
	xfer_esc_name(x, esc);
	/*
	 * A peer can end transfers as fast as it can start them: completed
	 * ones are records of exchanges (their own budget, so a boot storm
	 * keeps its trail), the rest go through the peer-line limiter.
	 */
	if (ok)
		log_note_info("tftp: %s: \"%s\" %s: %" PRIu64 " bytes in "
		    "%.1f ms (blksize %u, window %u, %" PRIu64 " resent)",
		    x->peerstr, esc, result, x->bytes, ms, x->opts.blksize,
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
	tftp_xfer_free(x);
}

/*
 * Ends a transfer whose file could not be read (TFTP_RD_EIO) or changed
 * under it (TFTP_RD_CHANGED), telling the client: without an ERROR it
 * would wait out its retries, and a changed file must not be completed
 * from the new content. One shared file is not re-shared once changed:
 * tftp_file_open() matches on size and mtime.
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
	tftp_xfer_end(x, why, &srv->st.failed);
}

/*
 * Builds the netascii block b (b is na_block or na_block + 1) into buf.
 * Returns the payload length, or what tftp_file_read() returns on a
 * failure.
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
 * Where block b's data at off (n bytes, 0 for the empty last block) can
 * be sent from without a copy: the file's mapping, in octet mode, for
 * blocks the read-ahead would serve, while another transfer shares the
 * file. A lone transfer reads ahead instead: each page of a fresh mapping
 * costs a page fault on first use (on this project's virtualised machines
 * more than the copy saves: a 64 MiB lock-step transfer took 6 % more CPU,
 * 64 KiB blocks twice as much), while transfers sharing a file share its
 * mapping's pages, faulted once. The file is checked (one fstat) when the
 * block leaves the TFTP_RA_BYTES last found unchanged, so a file rewritten
 * or truncated in place ends the transfer as "file changed" within that
 * span. Sets *p (NULL: read the block) and returns 0, or TFTP_RD_CHANGED.
 */
static ssize_t
xfer_mapped(struct tftp_xfer *x, uint64_t off, size_t n, const uint8_t **p)
{
	*p = NULL;
	if (x->mode != TFTP_MODE_OCTET ||
	    x->opts.blksize > TFTP_RA_MAX_BLKSIZE || x->file->refcnt < 2 ||
	    (*p = tftp_file_span(x->file, off, n)) == NULL)
		return 0;
	if (!x->chk_ok || off < x->chk_off ||
	    off + n > x->chk_off + TFTP_RA_BYTES) {
		if (!tftp_file_unchanged(x->file))
			return TFTP_RD_CHANGED;
		x->chk_off = off;
		x->chk_ok = 1;
	}
	return 0;
}

/*
 * Block b as a header (in buf) and its data: from the file's mapping
 * (*data, no copy) or after the header in buf (*data = buf + 4: netascii,
 * a virtual file, no mapping). Returns the data's length, or TFTP_RD_EIO /
 * TFTP_RD_CHANGED.
 */
static ssize_t
xfer_block(struct tftp_xfer *x, uint64_t b, const uint8_t **data)
{
	uint64_t	off;
	size_t		n;
	ssize_t		r;

	tftp_data_hdr(x->buf, tftp_block_wire(b));
	*data = x->buf + TFTP_HDR_LEN;
	if (x->mode == TFTP_MODE_NETASCII)
		return xfer_netascii_block(x, b);
	if (tftp_block_span(x->file->size, x->opts.blksize, b, &off, &n) == -1)
		return TFTP_RD_EIO;
	/*
	 * Whatever the path, a real file is checked before its last block:
	 * a transfer never completes once its file changed, even where the
	 * bytes sent were all read before the change.
	 */
	if (b == x->total && !tftp_file_unchanged(x->file))
		return TFTP_RD_CHANGED;
	if ((r = xfer_mapped(x, off, n, data)) < 0)
		return r;
	if (*data != NULL)
		return (ssize_t)n;
	*data = x->buf + TFTP_HDR_LEN;
	if (n > 0 &&
	    (r = xfer_read(x, off, x->buf + TFTP_HDR_LEN, n)) != (ssize_t)n)
		return r < 0 ? r : TFTP_RD_CHANGED;
	return (ssize_t)n;
}

/*
 * Sends one block of n data bytes (xfer_block()) at once: the header and
 * the data gathered by one sendmsg. Returns 0 or -1 with errno.
 */
static int
xfer_sendmsg(struct tftp_xfer *x, const uint8_t *data, size_t n)
{
	struct iovec	iov[2];
	struct msghdr	msg;

	memset(&msg, 0, sizeof(msg));
	iov[0].iov_base = x->buf;
	iov[0].iov_len = TFTP_HDR_LEN;
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = n;
	msg.msg_name = &x->peer;
	msg.msg_namelen = sizeof(x->peer);
	msg.msg_iov = iov;
	msg.msg_iovlen = n > 0 ? 2 : 1;
	return sendmsg(x->fd, &msg, 0) == -1 ? -1 : 0;
}

/*
 * A send that failed with EFAULT read a mapping past the file's end: the
 * file was truncated under the transfer (as "file changed").
 */
static int
xfer_send_fault(int err)
{
	return err == EFAULT;
}

/*
 * Sends (or resends) the OACK and waits for ACK 0. Returns -1 when the
 * transfer ended (x is freed), else 0.
 */
static int
xfer_send_oack(struct tftp_xfer *x)
{
	ssize_t n;

	if ((n = tftp_oack_build(x->buf, x->buflen, &x->opts)) == -1) {
		tftp_xfer_end(x, "cannot build OACK", &x->srv->st.failed);
		return -1;
	}
	/* A full socket: the timer sends it again. */
	if (sendto(x->fd, x->buf, (size_t)n, 0, (struct sockaddr *)&x->peer,
	    sizeof(x->peer)) == -1 && errno != EAGAIN && errno != EINTR &&
	    errno != ENOBUFS) {
		tftp_xfer_end(x, strerror(errno), &x->srv->st.failed);
		return -1;
	}
	xfer_set_state(x, TFTP_XS_OACK);
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
 * The path refused a GSO batch (blocks above the route's MTU, no offload,
 * no GSO): this transfer sends one block at a time from now on. Said once
 * at info (a NIC without checksum offload refuses every batch), then at
 * debug.
 */
static void
xfer_gso_refused(struct tftp_xfer *x, int err)
{
	char esc[TFTP_NAME_ESC];

	x->nogso = 1;
	if (x->srv->gso_refused++ == 0)
		log_info("tftp: %s: \"%s\": UDP GSO refused (%s), one send "
		    "per block (logged once)", x->peerstr,
		    xfer_esc_name(x, esc), strerror(err));
	else if (log_cur_level >= LOG_LVL_DEBUG)
		log_debug("tftp: %s: \"%s\": UDP GSO refused (%s)",
		    x->peerstr, xfer_esc_name(x, esc), strerror(err));
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
	size_t		 stride = TFTP_HDR_LEN + x->opts.blksize;
	size_t		 want = 0, n = 0;
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
	/* As tftp_file_read(): all of it, and the file as it was opened. */
	if (r != (ssize_t)want || !tftp_file_unchanged(x->file)) {
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
			xfer_gso_refused(x, errno);
			return 0;
		}
		tftp_xfer_end(x, strerror(errno), &srv->st.failed);
		return -1;
	}
	for (i = 0; i < k; i++)
		xfer_count(x, i + 1 < k ? x->opts.blksize : n);
	return (int)k;
}

/*
 * Sends blocks from..acked+window (RFC 7440), in GSO batches where it can,
 * then enters the state that says what is awaited: BLOCKED when the
 * socket buffer filled (the rest goes when it is writable), LAST when
 * every block has been sent, else WINDOW. Returns -1 when the transfer
 * ended on an error (x is freed), else 0.
 */
static int
xfer_send_window(struct tftp_xfer *x, uint64_t from)
{
	struct tftp_srv	*srv = x->srv;
	uint64_t	 last = x->acked + x->opts.windowsize;
	const uint8_t	*data;
	ssize_t		 n;
	int		 k, full = 0;

	if (from == x->acked + 1 && from > x->sent)
		tftp_rto_sent(&x->rto, now_us());	/* a fresh window */
	x->next = from;
	while (x->next <= last && x->next <= x->total) {
		if ((k = xfer_send_gso(x, last < x->total ? last :
		    x->total)) == -1)
			return -1;
		if (k > 0)
			continue;
		if (k == -2) {
			full = 1;
			break;
		}
		if ((n = xfer_block(x, x->next, &data)) < 0) {
			xfer_read_failed(x, n);
			return -1;
		}
		/*
		 * Lock-step through the ring: the block leaves with the
		 * other transfers' at the end of this loop pass (its header
		 * copied, its data read then). No entry free: as if lost,
		 * the timer resends.
		 */
		if (x->ringed && x->opts.windowsize == 1) {
			if ((data == x->buf + TFTP_HDR_LEN ?
			    tftp_ring_send(srv->ring, &x->rs, NULL, 0, x->buf,
			    TFTP_HDR_LEN + (size_t)n, &x->peer) :
			    tftp_ring_send(srv->ring, &x->rs, x->buf,
			    TFTP_HDR_LEN, data, (size_t)n, &x->peer)) == -1)
				break;
		} else if (xfer_sendmsg(x, data, (size_t)n) == -1) {
			if (errno == EAGAIN || errno == ENOBUFS) {
				full = 1;
				break;
			}
			if (errno == EINTR)
				continue;
			if (xfer_send_fault(errno)) {
				xfer_read_failed(x, TFTP_RD_CHANGED);
				return -1;
			}
			tftp_xfer_end(x, strerror(errno), &srv->st.failed);
			return -1;
		}
		xfer_count(x, (size_t)n);
	}
	xfer_set_state(x, full ? TFTP_XS_BLOCKED : x->sent == x->total ?
	    TFTP_XS_LAST : TFTP_XS_WINDOW);
	return 0;
}

static void
xfer_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_xfer *x = arg;

	if (x->state == TFTP_XS_BLOCKED)
		(void)xfer_send_window(x, x->next);
}

static void
xfer_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_xfer	*x = arg;
	struct tftp_srv		*srv = x->srv;
	int64_t			 now = now_us();
	int			 over;

	/* Set for a time an ACK has since moved later: wait on. */
	x->t_armed = 0;
	if (now < x->t_due) {
		xfer_timer_set(x, x->t_due - now);
		return;
	}
	/*
	 * Over: past the deadline (xfer_deadline()), or out of retries. The
	 * adaptive timer starts small; only timeouts at the full timeout
	 * count as retries, so a client that re-ACKs slowly (atftp waits
	 * 5 s) is not given up on after a few fast resends.
	 */
	over = tftp_rto_expired(now, xfer_deadline(x)) ||
	    (tftp_rto_full(&x->rto) &&
	    ++x->retries > srv->bd->cfg->tftp.retries);
	if (over && !x->proven) {
		/*
		 * No first ACK: whoever sent the request (perhaps not the
		 * address it names) gets nothing more, not even an ERROR.
		 * A one-block file lands here too when its only ACK is lost;
		 * counting that as "done" would let spoofed requests write
		 * unlimited log lines.
		 */
		tftp_xfer_end(x, "no first ACK in time", &srv->st.unacked);
		return;
	}
	/*
	 * Everything was sent and only the last ACK is missing: clients
	 * exit right after the last block, so a lost final ACK is common
	 * and harmless (RFC 1350 §6). A few resends, then done.
	 */
	if (x->state == TFTP_XS_LAST && (over ||
	    ++x->final_tries > TFTP_FINAL_RESENDS)) {
		tftp_xfer_end(x, "done (no final ACK)", &srv->st.done);
		return;
	}
	if (over) {
		tftp_xfer_end(x, "timed out", &srv->st.failed);
		return;
	}
	tftp_rto_backoff(&x->rto);
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
	int64_t			 now;

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
			tftp_xfer_end(x, msg, &srv->st.aborted);
		} else {
			snprintf(msg, sizeof(msg), "client error %u \"%s\"",
			    pkt.code, esc);
			tftp_xfer_end(x, msg, &srv->st.failed);
		}
		return 1;
	case TFTP_OP_ACK:
		break;
	default:
		srv->st.bad_packets++;
		return 0;
	}
	now = now_us();
	if (x->state == TFTP_XS_OACK) {
		if (pkt.block != 0)
			return 0;
		tftp_rto_ack(&x->rto, now);
		x->proven = 1;
		x->t_progress = now;
		x->retries = 0;
		return xfer_send_window(x, 1) == -1;
	}
	switch (tftp_ack_classify(x->acked, x->sent, pkt.block, &abs)) {
	case TFTP_ACK_NEW:
		if (abs == x->sent)
			tftp_rto_ack(&x->rto, now);
		/* Progress ends a backoff (as TCP does after new data). */
		tftp_rto_reset(&x->rto);
		x->proven = 1;
		x->t_progress = now;
		x->acked = abs;
		x->retries = 0;
		x->final_tries = 0;
		if (x->acked >= x->total) {
			tftp_xfer_end(x, "done", &srv->st.done);
			return 1;
		}
		/*
		 * A whole window acknowledged: the next one. A partial ACK
		 * means the client saw a gap: resend from there (RFC 7440).
		 */
		if (x->state == TFTP_XS_BLOCKED && x->next > x->acked)
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
 * A datagram on x's socket (trunc: cut short by the receive buffer):
 * from its peer it drives x, a stranger gets error 5. Returns 1 when x
 * ended (it is freed).
 */
static int
xfer_input(struct tftp_xfer *x, const struct sockaddr_in *from,
    const uint8_t *p, size_t len, int trunc)
{
	struct tftp_srv *srv = x->srv;

	if (from->sin_family != AF_INET ||
	    from->sin_addr.s_addr != x->peer.sin_addr.s_addr ||
	    from->sin_port != x->peer.sin_port) {
		/* RFC 1350 §4: a stranger gets error 5, we go on. */
		srv->st.wrong_tid++;
		tftp_send_error(x->fd, from, TFTP_EBADID, NULL);
		return 0;
	}
	if (trunc) {
		/* Longer than any ACK or ERROR a reading client sends. */
		srv->st.bad_packets++;
		return 0;
	}
	return xfer_packet(x, p, len);
}

/*
 * Reads the transfer's socket (the epoll path). Stops after data went out
 * (its ACK is a round trip away, so no recvfrom that finds nothing), at
 * EAGAIN, or after a burst. The read event is level-triggered, so a
 * packet left behind brings the loop back at once. (Edge-triggered, it
 * waited for the next packet or the retransmit timer: a stale ACK read
 * first and a newer one left queued stalled lossy windowed transfers for
 * seconds.)
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
		next = x->next;
		if (xfer_input(x, &from, srv->rbuf, (size_t)n, 0) ||
		    x->next != next)
			return;
	}
}

/* The io_uring path (tftp_ring.h): the same, one datagram at a time. */
#define XFER_OF(s)	((struct tftp_xfer *)(void *)((char *)(s) - \
			    offsetof(struct tftp_xfer, rs)))

static void
xfer_ring_packet(struct tftp_ring_sock *s, const struct sockaddr_in *from,
    const uint8_t *p, size_t len, int trunc)
{
	(void)xfer_input(XFER_OF(s), from, p, len, trunc);
}

static void
xfer_ring_error(struct tftp_ring_sock *s, int err, int recv)
{
	struct tftp_xfer	*x = XFER_OF(s);
	char			 why[128];

	if (!recv && xfer_send_fault(err)) {
		xfer_read_failed(x, TFTP_RD_CHANGED);
		return;
	}
	snprintf(why, sizeof(why), "%s: %s", recv ? "receive" : "send",
	    strerror(err));
	tftp_xfer_end(x, why, &x->srv->st.failed);
}

static void
xfer_ring_release(struct tftp_ring_sock *s)
{
	xfer_release_mem(XFER_OF(s));
}

const struct tftp_ring_ops tftp_xfer_ring_ops = {
	.packet = xfer_ring_packet,
	.error = xfer_ring_error,
	.release = xfer_ring_release,
};

struct tftp_xfer *
tftp_xfer_new(struct tftp_srv *srv, const struct sockaddr_in *peer,
    const char *peerstr, const char *name, enum tftp_mode mode,
    const struct tftp_opts *opts, struct tftp_file *f, struct in_addr local,
    const char **why, int *nofd)
{
	const struct bootd_config	*cfg = srv->bd->cfg;
	const struct inv_host		*h;
	struct tftp_xfer		*x;
	struct sockaddr_in		 sin;
	int				 sndbuf, e;

	*nofd = 0;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		tftp_file_unref(f);
		*why = "out of memory";
		return NULL;
	}
	/* calloc: in TFTP_XS_NEW (0), nothing sent, no estimate. */
	x->fd = -1;
	x->srv = srv;
	x->file = f;
	x->peer = *peer;
	snprintf(x->peerstr, sizeof(x->peerstr), "%s", peerstr);
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->mode = mode;
	x->opts = *opts;
	x->total = mode == TFTP_MODE_NETASCII ? UINT64_MAX :
	    tftp_file_blocks(f->size, opts->blksize);
	x->buflen = TFTP_HDR_LEN + (opts->blksize > 512 ? opts->blksize : 512);
	tftp_netascii_init(&x->na);
	tftp_rto_init(&x->rto, opts->timeout > 0 ?
	    (int64_t)opts->timeout * 1000000 :
	    (int64_t)cfg->tftp.timeout_ms * 1000);
	if ((x->buf = malloc(x->buflen)) == NULL ||
	    (mode == TFTP_MODE_NETASCII &&
	    (x->scratch = malloc(opts->blksize)) == NULL)) {
		*why = "out of memory";
		goto fail;
	}

	/* A new TID: our own socket on the address the request came to. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = local;
	if ((x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		e = errno;
		if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM)
			*nofd = e;
		*why = "no socket";
		goto fail;
	}
	if (bind(x->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		/* EADDRINUSE: no ephemeral port left. */
		*why = tftp_busy;
		goto fail;
	}
	sndbuf = (opts->blksize + 64) * opts->windowsize * 2;
	if (sndbuf > TFTP_SNDBUF_MAX)
		sndbuf = TFTP_SNDBUF_MAX;
	if (sndbuf > 212992)
		(void)setsockopt(x->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf));
	x->wev = event_new(srv->bd->base, x->fd, EV_WRITE, xfer_write_cb, x);
	x->timer = evtimer_new(srv->bd->base, xfer_timer_cb, x);
	if (x->wev == NULL || x->timer == NULL) {
		*why = "out of memory";
		goto fail;
	}
	if (srv->ring != NULL) {
		if (tftp_ring_watch(srv->ring, &x->rs, x->fd) == -1) {
			*why = tftp_busy;
			goto fail;
		}
		x->ringed = 1;
	} else if ((x->rev = event_new(srv->bd->base, x->fd,
	    EV_READ | EV_PERSIST, xfer_read_cb, x)) == NULL ||
	    event_add(x->rev, NULL) == -1) {
		*why = "out of memory";
		goto fail;
	}
	x->t_start = now_us();
	if (srv->bd->snap != NULL &&
	    (h = inv_by_ip(srv->bd->snap, ntohl(peer->sin_addr.s_addr))) !=
	    NULL) {
		snprintf(x->host, sizeof(x->host), "%s", h->hostname);
		snprintf(x->mac, sizeof(x->mac), "%s", h->macstr);
	}
	return x;
fail:
	tftp_xfer_free(x);
	return NULL;
}

void
tftp_xfer_start(struct tftp_xfer *x)
{
	struct tftp_srv	*srv = x->srv;
	char		 esc[TFTP_NAME_ESC];

	TAILQ_INSERT_TAIL(&srv->xfers, x, entry);
	srv->nxfers++;
	srv->st.requests++;
	if (log_cur_level >= LOG_LVL_DEBUG)
		log_debug("tftp: %s: RRQ \"%s\" size %" PRIu64 " blksize %u "
		    "window %u", x->peerstr, xfer_esc_name(x, esc),
		    x->file->size, x->opts.blksize, x->opts.windowsize);
	xfer_event(x, "tftp-start", x->name);
	x->t_progress = now_us();
	/* On a send error these end (and free) the transfer themselves. */
	if (x->opts.norder > 0) {
		tftp_rto_sent(&x->rto, x->t_progress);	/* time ACK 0 */
		(void)xfer_send_oack(x);
	} else
		(void)xfer_send_window(x, 1);
}
