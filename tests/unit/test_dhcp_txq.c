/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for dhcp/dhcp_txq.h: the replies of a burst queued with
 * their own destination and IP_PKTINFO, and the flush through a scripted
 * sendmmsg(): partial sends, an error of one datagram, a full socket,
 * EINTR. Every queued reply must be reported once, in order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>

#include "dhcp/dhcp_txq.h"

#define CALLS_MAX	16

/* A scripted sendmmsg(): ret[c] for call c (> 0: that many sent). */
struct script {
	int		 ret[CALLS_MAX];
	int		 err[CALLS_MAX];
	unsigned int	 ncalls;
	unsigned int	 first[CALLS_MAX];	/* dest port of v[0] per call */
	unsigned int	 asked[CALLS_MAX];	/* n per call */
	int		 done_err[DHCP_TXQ_MAX];
	unsigned int	 done_idx[DHCP_TXQ_MAX];
	unsigned int	 ndone;
};

static int
fake_send(void *arg, struct mmsghdr *v, unsigned int n)
{
	struct script		*s = arg;
	struct sockaddr_in	*to = v[0].msg_hdr.msg_name;
	unsigned int		 c = s->ncalls++;

	assert_true(c < CALLS_MAX);
	s->first[c] = ntohs(to->sin_port);
	s->asked[c] = n;
	if (s->ret[c] < 0)
		errno = s->err[c];
	else if ((unsigned int)s->ret[c] > n)
		return (int)n;
	return s->ret[c];
}

static void
fake_done(void *arg, unsigned int i, int err)
{
	struct script *s = arg;

	assert_true(s->ndone < DHCP_TXQ_MAX);
	s->done_idx[s->ndone] = i;
	s->done_err[s->ndone] = err;
	s->ndone++;
}

/* Queues n replies; reply i goes to 10.213.1.i port 1000 + i. */
static void
fill(struct dhcp_txq *q, unsigned int n)
{
	unsigned int	 i;
	uint8_t		*b;

	for (i = 0; i < n; i++) {
		b = dhcp_txq_next(q);
		assert_non_null(b);
		memset(b, (int)i, 300);
		assert_int_equal(dhcp_txq_push(q, 300 + i,
		    0x0ad50100u + i, (uint16_t)(1000 + i), 0x0ad50002u,
		    (int)i % 3), i);
	}
}

/* Runs a flush of n replies against the script; checks the reports. */
static unsigned int
run(struct script *s, unsigned int n, const int *want_err)
{
	static struct dhcp_txq	 q;
	unsigned int		 calls, i;

	memset(&q, 0, sizeof(q));
	fill(&q, n);
	calls = dhcp_txq_flush(&q, fake_send, fake_done, s);
	assert_int_equal(calls, s->ncalls);
	assert_int_equal(q.n, 0);
	assert_int_equal(s->ndone, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(s->done_idx[i], i);
		assert_int_equal(s->done_err[i], want_err[i]);
	}
	return calls;
}

static void
test_push_fields(void **state)
{
	static struct dhcp_txq	 q;
	struct in_pktinfo	 pi;
	struct sockaddr_in	*to;
	unsigned int		 i;

	(void)state;
	memset(&q, 0, sizeof(q));
	fill(&q, 3);
	for (i = 0; i < 3; i++) {
		struct msghdr *h = &q.mm[i].msg_hdr;

		to = h->msg_name;
		assert_int_equal(h->msg_namelen, sizeof(*to));
		assert_int_equal(to->sin_family, AF_INET);
		assert_int_equal(ntohl(to->sin_addr.s_addr), 0x0ad50100u + i);
		assert_int_equal(ntohs(to->sin_port), 1000 + i);
		assert_int_equal(h->msg_iovlen, 1);
		assert_ptr_equal(h->msg_iov[0].iov_base, q.buf[i]);
		assert_int_equal(h->msg_iov[0].iov_len, 300 + i);
		assert_int_equal(((uint8_t *)h->msg_iov[0].iov_base)[0], i);
		/* Each its own IP_PKTINFO: the source, the interface. */
		assert_int_equal(pktinfo_get(h, &pi), 0);
		assert_int_equal(ntohl(pi.ipi_spec_dst.s_addr), 0x0ad50002u);
		assert_int_equal(pi.ipi_ifindex, (int)i % 3);
		assert_ptr_equal(h->msg_control, q.cm[i].buf);
	}
}

static void
test_full(void **state)
{
	static struct dhcp_txq	 q;

	(void)state;
	memset(&q, 0, sizeof(q));
	fill(&q, DHCP_TXQ_MAX);
	assert_null(dhcp_txq_next(&q));
}

static void
test_empty(void **state)
{
	struct script	 s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(&s, 0, NULL), 0);
}

static void
test_one_call(void **state)
{
	struct script	 s;
	int		 want[20] = { 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ret[0] = 20;
	assert_int_equal(run(&s, 20, want), 1);
	assert_int_equal(s.asked[0], 20);
}

/* sendmmsg() may send fewer than asked: the rest go in the next call. */
static void
test_partial(void **state)
{
	struct script	 s;
	int		 want[5] = { 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ret[0] = 2;
	s.ret[1] = 1;
	s.ret[2] = 2;
	assert_int_equal(run(&s, 5, want), 3);
	assert_int_equal(s.first[1], 1002);
	assert_int_equal(s.asked[1], 3);
	assert_int_equal(s.first[2], 1003);
	assert_int_equal(s.asked[2], 2);
}

/*
 * The third datagram has no route: sendmmsg() sends two, then fails on
 * it. It alone is dropped (reported with its errno); the two after it
 * still leave.
 */
static void
test_one_unroutable(void **state)
{
	struct script	 s;
	int		 want[5] = { 0, 0, ENETUNREACH, 0, 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ret[0] = 2;
	s.ret[1] = -1;
	s.err[1] = ENETUNREACH;
	s.ret[2] = 2;
	assert_int_equal(run(&s, 5, want), 3);
	assert_int_equal(s.first[1], 1002);
	assert_int_equal(s.first[2], 1003);
	assert_int_equal(s.asked[2], 2);
}

/* A full socket buffer: that reply and all after it dropped, one call. */
static void
test_full_socket(void **state)
{
	struct script	 s;
	int		 want[6] = { 0, EAGAIN, EAGAIN, EAGAIN, EAGAIN, EAGAIN };
	int		 want2[4] = { ENOBUFS, ENOBUFS, ENOBUFS, ENOBUFS };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ret[0] = 1;
	s.ret[1] = -1;
	s.err[1] = EAGAIN;
	assert_int_equal(run(&s, 6, want), 2);
	memset(&s, 0, sizeof(s));
	s.ret[0] = -1;
	s.err[0] = ENOBUFS;
	assert_int_equal(run(&s, 4, want2), 1);
}

static void
test_eintr(void **state)
{
	struct script	 s;
	int		 want[3] = { 0, 0, 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ret[0] = -1;
	s.err[0] = EINTR;
	s.ret[1] = 3;
	assert_int_equal(run(&s, 3, want), 2);
	assert_int_equal(s.first[1], 1000);
}

/* A send() that returns 0 must not loop: one reply dropped per call. */
static void
test_zero(void **state)
{
	struct script	 s;
	int		 want[2] = { EIO, 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ret[0] = 0;
	s.ret[1] = 1;
	assert_int_equal(run(&s, 2, want), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_fields),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_call),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_one_unroutable),
		cmocka_unit_test(test_full_socket),
		cmocka_unit_test(test_eintr),
		cmocka_unit_test(test_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
