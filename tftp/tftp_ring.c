/* SPDX-License-Identifier: ISC */
/*
 * tftp_ring: transfer sockets through one io_uring (see tftp_ring.h).
 *
 * Why: in a lock-step boot storm a TFTP server does per block one receive
 * and one send, and on this project's machines (virtualised, with the
 * usual mitigations) the kernel entry and exit of those two system calls
 * cost about a third of all the server's CPU (measured against the floor
 * reference, bench/RESULTS-tftp.md). Transfers have a socket each (their
 * TID), so sendmmsg() cannot batch them; io_uring can: receives are
 * multishot (armed once per transfer, no syscall per datagram) and the
 * sends of one loop pass go in one io_uring_enter().
 *
 * Each request's user_data is the socket's address with the kind in its
 * two low bits. A socket is counted (refs) while a request of it is in the
 * kernel, and released to its owner only when forgotten and at zero, so a
 * completion never reaches freed memory.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <liburing.h>

#include "tftp/tftp_ring.h"

#define RING_SQ		1024		/* submission entries */
#define RING_CQ		16384		/* completion entries */
#define RING_BUFS	1024		/* provided receive buffers (2^n) */
/*
 * A receive buffer: the recvmsg header, the peer's address, and the
 * datagram: ACKs are 4 bytes, an ERROR at most 4 + 255 + 1. Anything
 * longer arrives truncated (and is no valid packet of a reading client).
 */
#define RING_BUFSZ	512
#define RING_BGID	1
#define RING_BURST	4096		/* completions per callback */

enum ring_kind {
	RK_RECV = 0,
	RK_SEND = 1,
	RK_CANCEL = 2
};

/*
 * What a queued send's entry points to, kept per submission slot: the
 * kernel reads it when it takes the entry in, and the send is made then
 * (MSG_DONTWAIT), so it need live only until the slot is reused.
 */
struct ring_sendhdr {
	struct msghdr		msg;
	struct iovec		iov[2];
	struct sockaddr_in	to;
	uint8_t			hdr[TFTP_RING_HDR];
};

struct tftp_ring {
	struct io_uring			 ring;
	struct ring_sendhdr		*sh;	/* one per submission slot */
	unsigned int			 nsh;
	struct io_uring_buf_ring	*br;
	uint8_t				*bufs;
	struct event			*ev;
	struct event			*fev;	/* the end-of-pass flush */
	int				 fpending;
	const struct tftp_ring_ops	*ops;
	struct msghdr			 rmsg;	/* the multishot layout */
	LIST_HEAD(, tftp_ring_sock)	 socks;
	int				 inited;
};

_Static_assert(_Alignof(struct tftp_ring_sock) >= 4,
    "two low bits of user_data hold the kind");

static uint64_t
ring_ud(struct tftp_ring_sock *s, enum ring_kind k)
{
	return (uint64_t)(uintptr_t)s | (uint64_t)k;
}

/*
 * An entry, after a submit to make room if the queue is full; or NULL.
 * What is queued goes to the kernel when the callbacks of this loop pass
 * are done (the flush event, made active here once per pass), so every
 * caller, a timer's resend as much as a packet's answer, is batched.
 */
static struct io_uring_sqe *
ring_sqe(struct tftp_ring *r)
{
	struct io_uring_sqe *sqe;

	if ((sqe = io_uring_get_sqe(&r->ring)) == NULL) {
		tftp_ring_flush(r);
		sqe = io_uring_get_sqe(&r->ring);
	}
	if (sqe != NULL && !r->fpending) {
		r->fpending = 1;
		event_active(r->fev, EV_TIMEOUT, 0);
	}
	return sqe;
}

static void
ring_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	tftp_ring_flush(arg);
}

static void
ring_recycle(struct tftp_ring *r, unsigned int bid)
{
	io_uring_buf_ring_add(r->br, r->bufs + (size_t)bid * RING_BUFSZ,
	    RING_BUFSZ, (unsigned short)bid, io_uring_buf_ring_mask(RING_BUFS),
	    0);
	io_uring_buf_ring_advance(r->br, 1);
}

static int
ring_arm(struct tftp_ring *r, struct tftp_ring_sock *s)
{
	struct io_uring_sqe *sqe;

	if ((sqe = ring_sqe(r)) == NULL)
		return -1;
	io_uring_prep_recvmsg_multishot(sqe, s->fd, &r->rmsg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = RING_BGID;
	io_uring_sqe_set_data64(sqe, ring_ud(s, RK_RECV));
	s->refs++;
	s->armed = 1;
	return 0;
}

/* A forgotten socket with nothing left in the kernel goes to its owner. */
static void
ring_maybe_release(struct tftp_ring *r, struct tftp_ring_sock *s)
{
	if (s->dead && s->refs == 0) {
		LIST_REMOVE(s, entry);
		r->ops->release(s);
	}
}

/* One datagram in buffer bid (res bytes of it are the recvmsg output). */
static void
ring_deliver(struct tftp_ring *r, struct tftp_ring_sock *s, unsigned int bid,
    int res)
{
	struct io_uring_recvmsg_out	*o;
	struct sockaddr_in		 from;
	void				*buf = r->bufs + (size_t)bid * RING_BUFSZ;

	if ((o = io_uring_recvmsg_validate(buf, res, &r->rmsg)) == NULL)
		return;
	memset(&from, 0, sizeof(from));
	memcpy(&from, io_uring_recvmsg_name(o), o->namelen < sizeof(from) ?
	    o->namelen : sizeof(from));
	r->ops->packet(s, &from, io_uring_recvmsg_payload(o, &r->rmsg),
	    io_uring_recvmsg_payload_length(o, res, &r->rmsg),
	    (o->flags & MSG_TRUNC) != 0);
}

static void
ring_cqe(struct tftp_ring *r, const struct io_uring_cqe *cqe)
{
	uint64_t		 ud = io_uring_cqe_get_data64(cqe);
	struct tftp_ring_sock	*s = (struct tftp_ring_sock *)(uintptr_t)
				    (ud & ~(uint64_t)3);
	int			 res = cqe->res;

	if (s == NULL)
		return;			/* a cancel's failure: nothing to do */
	if ((ud & 3) == RK_SEND) {
		if (res < 0 && !s->dead && res != -EAGAIN && res != -ENOBUFS &&
		    res != -EINTR)
			r->ops->error(s, -res, 0);
		s->refs--;
		ring_maybe_release(r, s);
		return;
	}
	/* The request's own count is dropped last: callbacks may forget s. */
	if (cqe->flags & IORING_CQE_F_BUFFER) {
		unsigned int bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

		if (res > 0 && !s->dead)
			ring_deliver(r, s, bid, res);
		ring_recycle(r, bid);
	}
	if (!(cqe->flags & IORING_CQE_F_MORE)) {
		s->armed = 0;
		/*
		 * A multishot receive ends when the buffers ran out (ENOBUFS:
		 * the datagram waits in the socket) or the kernel chose to;
		 * arm it again. Any other end is the owner's to hear.
		 */
		if (!s->dead && res != -ECANCELED &&
		    (res >= 0 || res == -ENOBUFS)) {
			if (ring_arm(r, s) == -1)
				r->ops->error(s, ENOBUFS, 1);
		} else if (!s->dead)
			r->ops->error(s, res < 0 ? -res : EIO, 1);
		s->refs--;
	}
	ring_maybe_release(r, s);
}

static void
ring_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_ring	*r = arg;
	struct io_uring_cqe	*cqe;
	unsigned int		 head, n, total = 0;

	do {
		n = 0;
		io_uring_for_each_cqe(&r->ring, head, cqe) {
			ring_cqe(r, cqe);
			if (++n + total >= RING_BURST)
				break;
		}
		io_uring_cq_advance(&r->ring, n);
		total += n;
	} while (n > 0 && total < RING_BURST);
	/* Completions that did not fit wait in the kernel: fetch them. */
	if (io_uring_cq_has_overflow(&r->ring))
		(void)io_uring_get_events(&r->ring);
}

struct tftp_ring *
tftp_ring_new(struct event_base *base, const struct tftp_ring_ops *ops,
    const char **why)
{
	struct tftp_ring		*r;
	struct io_uring_params		 p;
	struct io_uring_probe		*probe;
	struct io_uring_buf_reg		 reg;
	unsigned int			 i;
	int				 e;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	r->ops = ops;
	LIST_INIT(&r->socks);
	memset(&p, 0, sizeof(p));
	/*
	 * COOP_TASKRUN: completions are made when the loop enters the kernel
	 * anyway (epoll_wait), not by interrupting it. Not SINGLE_ISSUER: it
	 * would tie the ring to the task that made it.
	 */
	p.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_CQSIZE;
	p.cq_entries = RING_CQ;
	if ((e = io_uring_queue_init_params(RING_SQ, &r->ring, &p)) < 0) {
		*why = e == -ENOSYS ? "io_uring_setup: no such system call" :
		    e == -EPERM ? "io_uring_setup: not permitted (disabled by "
		    "sysctl kernel.io_uring_disabled or a seccomp filter)" :
		    e == -EINVAL ? "io_uring_setup: kernel too old" :
		    "io_uring_setup failed (out of memory?)";
		goto fail;
	}
	r->inited = 1;
	r->nsh = r->ring.sq.ring_entries;
	if ((r->sh = calloc(r->nsh, sizeof(*r->sh))) == NULL) {
		*why = "out of memory";
		goto fail;
	}
	/*
	 * Multishot receives came with Linux 6.0, as did zero-copy sends:
	 * the probe answers for the latter, which stands for the former.
	 */
	if ((probe = io_uring_get_probe_ring(&r->ring)) == NULL) {
		*why = "cannot probe io_uring";
		goto fail;
	}
	e = io_uring_opcode_supported(probe, IORING_OP_RECVMSG) &&
	    io_uring_opcode_supported(probe, IORING_OP_SEND) &&
	    io_uring_opcode_supported(probe, IORING_OP_SENDMSG) &&
	    io_uring_opcode_supported(probe, IORING_OP_ASYNC_CANCEL) &&
	    io_uring_opcode_supported(probe, IORING_OP_SEND_ZC);
	io_uring_free_probe(probe);
	if (!e) {
		*why = "kernel without multishot receive (before Linux 6.0)";
		goto fail;
	}
	if (posix_memalign((void **)&r->br, (size_t)sysconf(_SC_PAGESIZE),
	    RING_BUFS * sizeof(struct io_uring_buf)) != 0) {
		r->br = NULL;
		*why = "out of memory";
		goto fail;
	}
	if ((r->bufs = malloc((size_t)RING_BUFS * RING_BUFSZ)) == NULL) {
		*why = "out of memory";
		goto fail;
	}
	io_uring_buf_ring_init(r->br);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (uint64_t)(uintptr_t)r->br;
	reg.ring_entries = RING_BUFS;
	reg.bgid = RING_BGID;
	if (io_uring_register_buf_ring(&r->ring, &reg, 0) < 0) {
		*why = "kernel without provided buffer rings (before 5.19)";
		goto fail;
	}
	for (i = 0; i < RING_BUFS; i++)
		io_uring_buf_ring_add(r->br, r->bufs + (size_t)i * RING_BUFSZ,
		    RING_BUFSZ, (unsigned short)i,
		    io_uring_buf_ring_mask(RING_BUFS), (int)i);
	io_uring_buf_ring_advance(r->br, RING_BUFS);
	r->rmsg.msg_namelen = sizeof(struct sockaddr_in);
	if ((r->fev = event_new(base, -1, 0, ring_flush_cb, r)) == NULL ||
	    (r->ev = event_new(base, r->ring.ring_fd, EV_READ | EV_PERSIST,
	    ring_cb, r)) == NULL || event_add(r->ev, NULL) == -1) {
		*why = "cannot add the io_uring event";
		goto fail;
	}
	return r;
fail:
	tftp_ring_free(r);
	return NULL;
}

void
tftp_ring_free(struct tftp_ring *r)
{
	struct tftp_ring_sock *s;

	if (r == NULL)
		return;
	if (r->ev != NULL)
		event_free(r->ev);
	if (r->fev != NULL)
		event_free(r->fev);
	/* Exiting the ring cancels every request and waits for them. */
	if (r->inited)
		io_uring_queue_exit(&r->ring);
	while ((s = LIST_FIRST(&r->socks)) != NULL) {
		LIST_REMOVE(s, entry);
		s->refs = 0;
		if (s->dead)
			r->ops->release(s);
	}
	free(r->br);
	free(r->bufs);
	free(r->sh);
	free(r);
}

int
tftp_ring_watch(struct tftp_ring *r, struct tftp_ring_sock *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	if (ring_arm(r, s) == -1)
		return -1;
	LIST_INSERT_HEAD(&r->socks, s, entry);
	return 0;
}

int
tftp_ring_send(struct tftp_ring *r, struct tftp_ring_sock *s, const void *hdr,
    size_t hlen, const void *data, size_t dlen, const struct sockaddr_in *to)
{
	struct io_uring_sqe	*sqe;
	struct ring_sendhdr	*h;
	size_t			 slot, n = 0;

	if (hlen > TFTP_RING_HDR)
		return -1;
	if ((sqe = ring_sqe(r)) == NULL)
		return -1;
	slot = (size_t)(sqe - r->ring.sq.sqes);
	if (slot >= r->nsh) {
		/* Cannot be (the ring has nsh slots); the entry does nothing. */
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 0);
		return -1;
	}
	h = &r->sh[slot];
	h->to = *to;
	/*
	 * MSG_DONTWAIT makes the kernel fail a send with EAGAIN rather than
	 * park it until the socket has room (REQ_F_NOWAIT): nothing it
	 * points to is read after the submit. One piece is a plain send
	 * with the destination in the entry (less for the kernel to take in
	 * than a message header), two a sendmsg.
	 */
	if (hlen == 0) {
		io_uring_prep_send(sqe, s->fd, data, dlen, MSG_DONTWAIT);
		sqe->addr2 = (uint64_t)(uintptr_t)&h->to;
		sqe->addr_len = (uint16_t)sizeof(h->to);
	} else {
		memcpy(h->hdr, hdr, hlen);
		h->iov[n].iov_base = h->hdr;
		h->iov[n++].iov_len = hlen;
		if (dlen > 0) {
			h->iov[n].iov_base = (void *)(uintptr_t)data;
			h->iov[n++].iov_len = dlen;
		}
		memset(&h->msg, 0, sizeof(h->msg));
		h->msg.msg_name = &h->to;
		h->msg.msg_namelen = sizeof(h->to);
		h->msg.msg_iov = h->iov;
		h->msg.msg_iovlen = n;
		io_uring_prep_sendmsg(sqe, s->fd, &h->msg, MSG_DONTWAIT);
	}
	io_uring_sqe_set_data64(sqe, ring_ud(s, RK_SEND));
	s->refs++;
	return 0;
}

void
tftp_ring_forget(struct tftp_ring *r, struct tftp_ring_sock *s)
{
	struct io_uring_sqe *sqe;

	s->dead = 1;
	if (s->armed && (sqe = ring_sqe(r)) != NULL) {
		io_uring_prep_cancel64(sqe, ring_ud(s, RK_RECV), 0);
		io_uring_sqe_set_data64(sqe, ring_ud(NULL, RK_CANCEL));
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	}
	/*
	 * Now, not at the end of the pass: queued requests name s->fd by
	 * number, and the owner closes it and may open another on return.
	 */
	tftp_ring_flush(r);
	ring_maybe_release(r, s);
}

void
tftp_ring_flush(struct tftp_ring *r)
{
	if (io_uring_sq_ready(&r->ring) > 0)
		(void)io_uring_submit(&r->ring);
	r->fpending = 0;
}
