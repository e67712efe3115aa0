/* SPDX-License-Identifier: ISC */
/*
 * tftp_ring against the real kernel on loopback: datagrams arrive in
 * order through the multishot receive, also past the provided buffers
 * running out (the receive ends with ENOBUFS and is armed again); a
 * forgotten socket with a send in flight is released only after it, once;
 * a send the kernel refuses reaches the error callback; freeing the ring
 * releases what is still in it. Skipped where the kernel refuses io_uring
 * (tftp_ring_new() says why; 53-tftp-io-paths checks that fallback).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "tftp/tftp_ring.h"

struct owner {
	struct tftp_ring_sock	 rs;
	unsigned int		 got;		/* datagrams, in order */
	unsigned int		 bad;		/* out of order or wrong */
	int			 err, err_recv;
	int			 released;
};

#define OWNER(s)	((struct owner *)(void *)((char *)(s) - \
			    offsetof(struct owner, rs)))

static void
on_packet(struct tftp_ring_sock *s, const struct sockaddr_in *from,
    const uint8_t *p, size_t len, int trunc)
{
	struct owner	*o = OWNER(s);
	uint32_t	 n;

	if (len != sizeof(n) + 16 || trunc || from->sin_family != AF_INET) {
		o->bad++;
		return;
	}
	memcpy(&n, p, sizeof(n));
	if (n != o->got)
		o->bad++;
	o->got++;
}

static void
on_error(struct tftp_ring_sock *s, int err, int recv)
{
	OWNER(s)->err = err;
	OWNER(s)->err_recv = recv;
}

static void
on_release(struct tftp_ring_sock *s)
{
	OWNER(s)->released++;
}

static const struct tftp_ring_ops ops = {
	.packet = on_packet, .error = on_error, .release = on_release
};

struct fixture {
	struct event_base	*base;
	struct tftp_ring	*ring;
	int			 a, b;		/* a watched, b the peer */
	struct sockaddr_in	 aa, ba;
};

static int
udp_bound(struct sockaddr_in *sin)
{
	socklen_t	len = sizeof(*sin);
	int		fd, big = 1 << 20;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd != -1);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	return fd;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	const char	*why = NULL;

	assert_non_null(f);
	assert_non_null(f->base = event_base_new());
	if ((f->ring = tftp_ring_new(f->base, &ops, &why)) == NULL) {
		event_base_free(f->base);
		free(f);
		print_message("skipped: %s\n", why);
		skip();
	}
	f->a = udp_bound(&f->aa);
	f->b = udp_bound(&f->ba);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tftp_ring_free(f->ring);
	close(f->a);
	close(f->b);
	event_base_free(f->base);
	free(f);
	return 0;
}

/* Runs the loop until done(o) or 2 s pass. */
static void
run_until(struct fixture *f, int (*done)(const struct owner *),
    const struct owner *o)
{
	int i;

	for (i = 0; i < 2000 && !done(o); i++) {
		event_base_loop(f->base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
}

static void
send_n(struct fixture *f, unsigned int from, unsigned int n)
{
	uint8_t		pkt[sizeof(uint32_t) + 16];
	uint32_t	i;

	memset(pkt, 0x5a, sizeof(pkt));
	for (i = from; i < from + n; i++) {
		memcpy(pkt, &i, sizeof(i));
		assert_int_equal(sendto(f->b, pkt, sizeof(pkt), 0,
		    (struct sockaddr *)&f->aa, sizeof(f->aa)), sizeof(pkt));
	}
}

static unsigned int want;
static int got_all(const struct owner *o) { return o->got >= want; }
static int released(const struct owner *o) { return o->released > 0; }
static int errored(const struct owner *o) { return o->err != 0; }

/*
 * 1,100 datagrams, more than the ring's 1,024 buffers, sent before the
 * loop runs: the first fill the buffers, the receive ends with ENOBUFS,
 * the rest wait in the socket until it is armed again.
 */
static void
test_order_past_buffers(void **state)
{
	struct fixture	*f = *state;
	struct owner	 o;

	memset(&o, 0, sizeof(o));
	assert_int_equal(tftp_ring_watch(f->ring, &o.rs, f->a), 0);
	tftp_ring_flush(f->ring);
	send_n(f, 0, 1100);
	want = 1100;
	run_until(f, got_all, &o);
	assert_int_equal(o.got, 1100);
	assert_int_equal(o.bad, 0);
	assert_int_equal(o.err, 0);
	send_n(f, 1100, 10);
	want = 1110;
	run_until(f, got_all, &o);
	assert_int_equal(o.got, 1110);
	tftp_ring_forget(f->ring, &o.rs);
	run_until(f, released, &o);
	assert_int_equal(o.released, 1);
}

/* Queues len bytes of buf to f->b, no header. */
static int
send1(struct fixture *f, struct owner *o, const void *buf, size_t len)
{
	return tftp_ring_send(f->ring, &o->rs, NULL, 0, buf, len, &f->ba);
}

/* A send queued, then forgotten at once: it still leaves; one release. */
static void
test_forget_with_send_in_flight(void **state)
{
	struct fixture	*f = *state;
	struct owner	 o;
	uint8_t		*buf = malloc(64), got[64];
	ssize_t		 n = -1;
	int		 i;

	assert_non_null(buf);
	memset(buf, 0xa5, 64);
	memset(&o, 0, sizeof(o));
	assert_int_equal(tftp_ring_watch(f->ring, &o.rs, f->a), 0);
	assert_int_equal(send1(f, &o, buf, 64), 0);
	tftp_ring_forget(f->ring, &o.rs);
	assert_int_equal(o.released, 0);	/* the send and the receive */
	run_until(f, released, &o);
	assert_int_equal(o.released, 1);
	for (i = 0; i < 2000 && n == -1; i++) {
		n = recv(f->b, got, sizeof(got), 0);
		usleep(1000);
	}
	assert_int_equal(n, 64);
	assert_memory_equal(got, buf, 64);
	assert_int_equal(o.got, 0);
	assert_int_equal(o.err, 0);
	free(buf);
}

/* The kernel refuses a send (larger than UDP allows): the error. */
static void
test_send_error(void **state)
{
	struct fixture	*f = *state;
	struct owner	 o;
	size_t		 len = 70000;
	uint8_t		*buf = calloc(1, len);

	assert_non_null(buf);
	memset(&o, 0, sizeof(o));
	assert_int_equal(tftp_ring_watch(f->ring, &o.rs, f->a), 0);
	assert_int_equal(send1(f, &o, buf, len), 0);
	run_until(f, errored, &o);
	assert_int_equal(o.err, EMSGSIZE);
	assert_int_equal(o.err_recv, 0);
	tftp_ring_forget(f->ring, &o.rs);
	run_until(f, released, &o);
	assert_int_equal(o.released, 1);
	free(buf);
}

/*
 * A header and data make one datagram, in order. The header and the
 * address are copied: the caller's are overwritten before the sends leave
 * (as a transfer's buffer would be by a second block in the same pass),
 * and each of 100 sends queued in one pass arrives with its own header.
 * A header longer than TFTP_RING_HDR is refused.
 */
static void
test_send_copies_header(void **state)
{
	struct fixture		*f = *state;
	struct owner		 o;
	struct sockaddr_in	 to;
	uint8_t			 hdr[4], data[100], got[64];
	ssize_t			 n;
	int			 i, k, seen = 0;

	memset(&o, 0, sizeof(o));
	assert_int_equal(tftp_ring_watch(f->ring, &o.rs, f->a), 0);
	for (i = 0; i < 100; i++) {
		hdr[0] = 0;
		hdr[1] = 3;
		hdr[2] = (uint8_t)(i >> 8);
		hdr[3] = (uint8_t)i;
		data[i] = (uint8_t)(i * 7);
		to = f->ba;
		assert_int_equal(tftp_ring_send(f->ring, &o.rs, hdr, 4,
		    &data[i], 1, &to), 0);
		memset(hdr, 0xff, sizeof(hdr));
		memset(&to, 0, sizeof(to));
	}
	assert_int_equal(tftp_ring_send(f->ring, &o.rs, data,
	    TFTP_RING_HDR + 1, NULL, 0, &f->ba), -1);
	tftp_ring_flush(f->ring);
	for (k = 0; k < 4000 && seen < 100; k++) {
		n = recv(f->b, got, sizeof(got), MSG_DONTWAIT);
		if (n == -1) {
			usleep(1000);
			continue;
		}
		assert_int_equal(n, 5);
		i = got[2] << 8 | got[3];
		assert_true(i < 100);
		assert_int_equal(got[0], 0);
		assert_int_equal(got[1], 3);
		assert_int_equal(got[4], data[i]);
		seen++;
	}
	assert_int_equal(seen, 100);
	tftp_ring_forget(f->ring, &o.rs);
	run_until(f, released, &o);
	assert_int_equal(o.released, 1);
	assert_int_equal(o.err, 0);
}

/* Freeing the ring releases a forgotten socket still in it. */
static void
test_free_releases(void **state)
{
	struct fixture	*f = *state;
	struct owner	*o = calloc(1, sizeof(*o));

	assert_non_null(o);
	assert_int_equal(tftp_ring_watch(f->ring, &o->rs, f->a), 0);
	tftp_ring_flush(f->ring);
	send_n(f, 0, 1);
	tftp_ring_forget(f->ring, &o->rs);
	tftp_ring_free(f->ring);	/* before the loop ran at all */
	f->ring = NULL;
	assert_int_equal(o->released, 1);
	assert_int_equal(o->got, 0);
	free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_past_buffers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget_with_send_in_flight,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_copies_header, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_free_releases, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
