/* SPDX-License-Identifier: ISC */
/*
 * dhcp_txq: the replies of one read burst, each with its own destination
 * and IP_PKTINFO (source address, outgoing interface), sent together by
 * one sendmmsg(). Pure: the send is a function the caller passes
 * (dhcp_server wraps sendmmsg(); the unit test scripts failures), nothing
 * here logs or reads the clock. Header-only, like bootd/buf.h: small and
 * on the hot path.
 */
#ifndef BOOTD_DHCP_TXQ_H
#define BOOTD_DHCP_TXQ_H

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bootd/pktinfo.h"
#include "dhcp/dhcp_msg.h"

/* Replies held at most (dhcp_server: one read burst's). */
#define DHCP_TXQ_MAX	64
/* Room for one reply: an Ethernet MTU less the IPv4 and UDP headers. */
#define DHCP_TXQ_PKT	(1500 - DHCP_IPUDP_LEN)

/*
 * The queue: n replies, the i-th built in buf[i] and described to
 * sendmmsg() by mm[i], which points into iov[i], to[i] and cm[i]. Keep it
 * where it does not move while replies are queued (the pointers are its
 * own). Zeroed is empty.
 */
struct dhcp_txq {
	unsigned int		 n;
	struct mmsghdr		 mm[DHCP_TXQ_MAX];
	struct iovec		 iov[DHCP_TXQ_MAX];
	struct sockaddr_in	 to[DHCP_TXQ_MAX];
	union pktinfo_cmsg	 cm[DHCP_TXQ_MAX];
	uint8_t			 buf[DHCP_TXQ_MAX][DHCP_TXQ_PKT];
};

/*
 * The buffer (DHCP_TXQ_PKT bytes, owned by q) the next reply is to be
 * built in, or NULL when q is full: flush it first.
 */
static inline uint8_t *
dhcp_txq_next(struct dhcp_txq *q)
{
	return q->n < DHCP_TXQ_MAX ? q->buf[q->n] : NULL;
}

/*
 * Queues the reply of len bytes (<= DHCP_TXQ_PKT) built in
 * dhcp_txq_next()'s buffer, to dest_ip:dest_port, from address src, out
 * of interface ifindex (0: wherever the route says), as one sendmsg()
 * with an IP_PKTINFO of { ifindex, src } would send it. Addresses in host
 * order. Returns the reply's index in q (what dhcp_txq_flush() reports
 * it by); q must not be full.
 */
static inline unsigned int
dhcp_txq_push(struct dhcp_txq *q, size_t len, uint32_t dest_ip,
    uint16_t dest_port, uint32_t src, int ifindex)
{
	unsigned int		 i = q->n++;
	struct msghdr		*h = &q->mm[i].msg_hdr;
	struct in_pktinfo	 pi;

	memset(&q->to[i], 0, sizeof(q->to[i]));
	q->to[i].sin_family = AF_INET;
	q->to[i].sin_addr.s_addr = htonl(dest_ip);
	q->to[i].sin_port = htons(dest_port);
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst.s_addr = htonl(src);
	pi.ipi_ifindex = ifindex;
	q->iov[i].iov_base = q->buf[i];
	q->iov[i].iov_len = len;
	memset(&q->mm[i], 0, sizeof(q->mm[i]));
	h->msg_name = &q->to[i];
	h->msg_namelen = sizeof(q->to[i]);
	h->msg_iov = &q->iov[i];
	h->msg_iovlen = 1;
	pktinfo_set(h, &q->cm[i], &pi);
	return i;
}

/*
 * Whether a failed send says the socket, not this datagram, is out of
 * room (buffer full, no memory): the rest would fail alike, and the loop
 * never waits for room.
 */
static inline int
dhcp_txq_err_is_full(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS ||
	    err == ENOMEM;
}

/*
 * Sends q's replies in order and empties q. send(arg, v, n) must act as
 * sendmmsg(fd, v, n, 0) does: the number of leading messages sent, or -1
 * with errno set when the first of them failed. A short count goes on
 * from the first unsent reply; -1 with EINTR retries it; an error of
 * that one reply (ENETUNREACH to its destination, ...) drops it and goes
 * on with the next; a full socket (dhcp_txq_err_is_full) drops it and
 * every one after it. done(arg, i, err) is called once for every queued
 * reply, in order: err 0 when it was sent, else the errno that dropped
 * it, so nothing leaves the queue unaccounted. Returns the number of
 * send() calls.
 */
static inline unsigned int
dhcp_txq_flush(struct dhcp_txq *q,
    int (*send)(void *, struct mmsghdr *, unsigned int),
    void (*done)(void *, unsigned int, int), void *arg)
{
	unsigned int	 off = 0, calls = 0, end;
	int		 k, err;

	while (off < q->n) {
		k = send(arg, &q->mm[off], q->n - off);
		calls++;
		if (k > 0) {
			end = off + (unsigned int)k > q->n ? q->n :
			    off + (unsigned int)k;
			for (; off < end; off++)
				done(arg, off, 0);
			continue;
		}
		/* 0 would be a broken send(); drop one so the loop ends. */
		err = k == 0 ? EIO : errno;
		if (err == EINTR)
			continue;
		end = dhcp_txq_err_is_full(err) ? q->n : off + 1;
		for (; off < end; off++)
			done(arg, off, err);
	}
	q->n = 0;
	return calls;
}

#endif
