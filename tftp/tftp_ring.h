/* SPDX-License-Identifier: ISC */
/*
 * tftp_ring: the transfers' sockets through one io_uring (Debian's
 * liburing), so that lock-step traffic costs fewer system calls per
 * block. Every watched socket has a multishot recvmsg armed on it: the
 * kernel receives into buffers from one shared, provided buffer ring and
 * posts a completion per datagram, with no syscall per packet. Sends are
 * queued as send entries and leave together in one io_uring_enter() per
 * loop pass, across all transfers. The ring's own fd
 * sits on the libevent loop; its callback drains the completions.
 *
 * It knows nothing of TFTP: what a packet means is the owner's business,
 * told through the callbacks of struct tftp_ring_ops. A socket's owner
 * embeds a struct tftp_ring_sock and gets it back in each callback.
 *
 * Only moves bytes; never blocks; never logs (tftp_ring_new() returns why
 * it cannot run, and the caller says so once).
 */
#ifndef BOOTD_TFTP_RING_H
#define BOOTD_TFTP_RING_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct tftp_ring;

/*
 * A watched socket, embedded in its owner. Between tftp_ring_watch() and
 * the ops' release callback the ring holds a pointer to it; the owner
 * ends its interest with tftp_ring_forget() and frees the memory only in
 * release (a send queued from its buffer may still be in flight).
 */
struct tftp_ring_sock {
	LIST_ENTRY(tftp_ring_sock) entry;
	int			 fd;
	unsigned int		 refs;		/* requests in the kernel */
	int			 dead;		/* forgotten: release at 0 refs */
	int			 armed;		/* a multishot recv is pending */
};

struct tftp_ring_ops {
	/*
	 * A datagram of len bytes from from on s (truncated to what a
	 * buffer holds: trunc set). p is valid only during the call. Not
	 * called for a forgotten socket.
	 */
	void	(*packet)(struct tftp_ring_sock *s,
		    const struct sockaddr_in *from, const uint8_t *p,
		    size_t len, int trunc);
	/*
	 * A queued send failed with errno err, or the receive ended with err
	 * (recv set). Not called for a forgotten socket, nor for a send that
	 * found the socket buffer full (EAGAIN, ENOBUFS: a lost datagram, the
	 * retransmit timer resends it).
	 */
	void	(*error)(struct tftp_ring_sock *s, int err, int recv);
	/* The ring is done with a forgotten s: the owner may free it. */
	void	(*release)(struct tftp_ring_sock *s);
};

/*
 * Sets up a ring and its buffers and puts its fd on base. ops and arg are
 * borrowed for the ring's life. Returns NULL with why (static) when the
 * kernel refuses io_uring (too old: no multishot receive, before 6.0;
 * io_uring_disabled; a seccomp filter, as container runtimes install) or
 * memory runs out: the caller then reads with recvfrom() on epoll.
 */
struct tftp_ring *tftp_ring_new(struct event_base *base,
	    const struct tftp_ring_ops *ops, const char **why);

/*
 * Frees the ring: every request is cancelled by the kernel, and every
 * socket still in it (forgotten or not) is released. Accepts NULL.
 */
void	tftp_ring_free(struct tftp_ring *r);

/*
 * Starts receiving on s->fd (non-blocking, a datagram socket): s is
 * initialised here. Like every request, it goes to the kernel at the end
 * of this loop pass, with all the others (one io_uring_enter()). Returns -1
 * when no submission entry is free even after a submit.
 */
int	tftp_ring_watch(struct tftp_ring *r, struct tftp_ring_sock *s, int fd);

/*
 * Queues a send to to of one datagram: hlen bytes of hdr (at most
 * TFTP_RING_HDR; copied, as is to; none: a plain send of data) then dlen
 * bytes of data (borrowed).
 * Sends are MSG_DONTWAIT: each is made when the entry goes to the kernel
 * at the end of this loop pass (or tftp_ring_flush()), or it fails there
 * with EAGAIN, a lost datagram; none waits for room. So data need stay
 * only until then, and two sends of one socket in one pass each leave
 * with their own header whatever the owner's buffer holds by then.
 * Returns -1 when no entry is free even after a submit: the caller treats
 * the datagram as lost.
 */
#define TFTP_RING_HDR	8
int	tftp_ring_send(struct tftp_ring *r, struct tftp_ring_sock *s,
	    const void *hdr, size_t hlen, const void *data, size_t dlen,
	    const struct sockaddr_in *to);

/*
 * The owner is done with s: its receive is cancelled, no callback but
 * release follows. The owner may close s->fd at once (the kernel holds
 * its own reference until the cancel lands).
 */
void	tftp_ring_forget(struct tftp_ring *r, struct tftp_ring_sock *s);

/* Submits what is queued now rather than at the end of the pass. */
void	tftp_ring_flush(struct tftp_ring *r);

#endif
