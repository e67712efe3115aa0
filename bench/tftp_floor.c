/* SPDX-License-Identifier: ISC */
/*
 * tftp_floor: the floor reference for the lock-step benchmarks (not part of
 * bootd). The least a TFTP server can do per block and still serve many
 * transfers at once: the file in memory, one connected socket per transfer
 * (its TID), one epoll loop, and per ACK one recv and one send. No timers,
 * no retransmission, no logging, no access checks, one file: whatever bootd
 * spends above this per block is its own cost; what this spends is the
 * kernel's. Loopback benchmarks only (it trusts its peer completely).
 *
 *   tftp_floor [-u] ADDR PORT FILE
 *
 * -u: the same through one io_uring (liburing): a multishot receive armed
 * per transfer socket and the sends of one pass submitted together with
 * the wait, one io_uring_enter() per pass: the floor for a server that
 * batches its system calls across transfers (bootd's tftp.io_uring).
 *
 * Serves FILE for any read request (octet; blksize 8..65464 and tsize are
 * answered with an OACK, other options ignored). A transfer whose client
 * went away stays until exit: the benchmark starts it, runs its clients
 * (which finish or time out together) and kills it.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OP_RRQ		1
#define OP_DATA		3
#define OP_ACK		4
#define OP_OACK		6
#define MAXBLK		65464

struct xfer {
	int		 fd;
	unsigned int	 blksize;
	uint64_t	 next;		/* block number sent last (0: OACK) */
	uint64_t	 nblocks;	/* blocks in the file, the short one too */
	uint8_t		*out;		/* -u: its own packet, sent async */
};

static const uint8_t	*file;
static size_t		 fsize;
static uint8_t		 pkt[4 + MAXBLK];

/* -u: the ring, its provided receive buffers (group 1). */
#define RBUFS		1024
#define RBUFSZ		64
static int			 uring;
static struct io_uring		 ring;
static struct io_uring_buf_ring	*br;
static uint8_t			*rbufs;

static void	die(const char *);

static struct io_uring_sqe *
sqe_get(void)
{
	struct io_uring_sqe *sqe;

	while ((sqe = io_uring_get_sqe(&ring)) == NULL)
		io_uring_submit(&ring);
	return sqe;
}

static void
uring_recv(struct xfer *x)
{
	struct io_uring_sqe *sqe = sqe_get();

	io_uring_prep_recv_multishot(sqe, x->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 1;
	io_uring_sqe_set_data(sqe, x);
}

/* Sends len bytes of x->out (-u) or pkt on x's connected socket. */
static void
xsend(struct xfer *x, const uint8_t *p, size_t len)
{
	struct io_uring_sqe *sqe;

	if (!uring) {
		(void)send(x->fd, p, len, 0);
		return;
	}
	if (p != x->out)
		memcpy(x->out, p, len);
	sqe = sqe_get();
	io_uring_prep_send(sqe, x->fd, x->out, len, 0);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	io_uring_sqe_set_data(sqe, NULL);
}

static void
uring_init(void)
{
	struct io_uring_params	p = { .flags = IORING_SETUP_COOP_TASKRUN };
	struct io_uring_buf_reg	reg = { .ring_entries = RBUFS, .bgid = 1 };
	int			i;

	if (io_uring_queue_init_params(1024, &ring, &p) < 0)
		die("io_uring");
	if (posix_memalign((void **)&br, 4096, RBUFS * sizeof(*br->bufs)) ||
	    (rbufs = malloc(RBUFS * RBUFSZ)) == NULL)
		die("malloc");
	io_uring_buf_ring_init(br);
	reg.ring_addr = (unsigned long)br;
	if (io_uring_register_buf_ring(&ring, &reg, 0) < 0)
		die("buf ring");
	for (i = 0; i < RBUFS; i++)
		io_uring_buf_ring_add(br, rbufs + i * RBUFSZ, RBUFSZ, i,
		    io_uring_buf_ring_mask(RBUFS), i);
	io_uring_buf_ring_advance(br, RBUFS);
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* Sends block n of x (1-based). */
static void
send_block(struct xfer *x, uint64_t n)
{
	size_t	off = (size_t)(n - 1) * x->blksize, len = 0;

	if (off < fsize)
		len = fsize - off < x->blksize ? fsize - off : x->blksize;
	pkt[0] = 0;
	pkt[1] = OP_DATA;
	pkt[2] = (uint8_t)(n >> 8);
	pkt[3] = (uint8_t)n;
	memcpy(pkt + 4, file + off, len);
	xsend(x, pkt, 4 + len);
	x->next = n;
}

static void
xfer_end(int ep, struct xfer *x)
{
	if (uring) {
		/* Its receive may still complete: x stays (a benchmark). */
		shutdown(x->fd, SHUT_RDWR);
		return;
	}
	epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
	close(x->fd);
	free(x);
}

/* A new transfer for the RRQ in buf (n bytes) from peer. */
static void
xfer_start(int ep, const struct sockaddr_in *me, const uint8_t *buf, size_t n,
    const struct sockaddr_in *peer)
{
	struct xfer		*x;
	struct epoll_event	 ev;
	struct sockaddr_in	 a = *me;
	const char		*p = (const char *)buf + 2, *end = (const char *)buf + n;
	size_t			 olen = 2;
	int			 i, oack = 0;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return;
	x->blksize = 512;
	/* filename, mode, then option/value pairs */
	for (i = 0; p < end; i++) {
		const char *v, *name = p;

		p += strnlen(p, (size_t)(end - p)) + 1;
		if (i < 2 || p >= end)
			continue;
		v = p;
		p += strnlen(p, (size_t)(end - p)) + 1;
		if (strcasecmp(name, "blksize") == 0) {
			long b = atol(v);

			if (b < 8 || b > MAXBLK)
				continue;
			x->blksize = (unsigned int)b;
			olen += (size_t)sprintf((char *)pkt + olen,
			    "blksize%c%ld%c", 0, b, 0);
			oack = 1;
		} else if (strcasecmp(name, "tsize") == 0) {
			olen += (size_t)sprintf((char *)pkt + olen,
			    "tsize%c%zu%c", 0, fsize, 0);
			oack = 1;
		}
	}
	x->nblocks = fsize / x->blksize + 1;
	a.sin_port = 0;
	if ((x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(x->fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    connect(x->fd, (const struct sockaddr *)peer, sizeof(*peer)) == -1) {
		if (x->fd != -1)
			close(x->fd);
		free(x);
		return;
	}
	ev.events = EPOLLIN;
	ev.data.ptr = x;
	if (uring) {
		if ((x->out = malloc(4 + x->blksize)) == NULL)
			die("malloc");
		uring_recv(x);
	} else if (epoll_ctl(ep, EPOLL_CTL_ADD, x->fd, &ev) == -1) {
		close(x->fd);
		free(x);
		return;
	}
	if (oack) {
		pkt[0] = 0;
		pkt[1] = OP_OACK;
		if (uring && olen > 4 + x->blksize)
			olen = 4 + x->blksize;	/* a tiny blksize: cut */
		xsend(x, pkt, olen);
		x->next = 0;
	} else
		send_block(x, 1);
}

static void	xfer_ack(int, struct xfer *, const uint8_t *, ssize_t);

/* An ACK (or anything) on a transfer's socket. */
static void
xfer_input(int ep, struct xfer *x)
{
	uint8_t	b[516];

	xfer_ack(ep, x, b, recv(x->fd, b, sizeof(b), 0));
}

/* -u: a completion: a datagram for x, or the end of its receive. */
static void
uring_cqe(int ep, const struct io_uring_cqe *c)
{
	struct xfer	*x = io_uring_cqe_get_data(c);
	unsigned int	 bid;

	if (x == NULL)
		return;
	if (c->flags & IORING_CQE_F_BUFFER) {
		bid = c->flags >> IORING_CQE_BUFFER_SHIFT;
		if (c->res > 0)
			xfer_ack(ep, x, rbufs + bid * RBUFSZ, c->res);
		io_uring_buf_ring_add(br, rbufs + bid * RBUFSZ, RBUFSZ, bid,
		    io_uring_buf_ring_mask(RBUFS), 0);
		io_uring_buf_ring_advance(br, 1);
	}
	if (!(c->flags & IORING_CQE_F_MORE) && c->res == -ENOBUFS)
		uring_recv(x);
}

static void
xfer_ack(int ep, struct xfer *x, const uint8_t *b, ssize_t n)
{
	uint64_t	acked;

	if (n < 4 || b[1] != OP_ACK)
		return;
	/* The 16-bit block number rolls over; the ACK is of x->next. */
	acked = (x->next & ~(uint64_t)0xffff) | ((unsigned)b[2] << 8 | b[3]);
	if (acked != x->next)
		return;			/* a duplicate: lock-step, ignore */
	if (acked == x->nblocks) {
		xfer_end(ep, x);
		return;
	}
	send_block(x, acked + 1);
}

/* Read requests waiting on the listener: a transfer for each RRQ. */
static void
listener_input(int ep, int lfd, const struct sockaddr_in *me)
{
	struct sockaddr_in	peer;
	socklen_t		plen = sizeof(peer);
	uint8_t			buf[1500];
	ssize_t			n;

	while ((n = recvfrom(lfd, buf, sizeof(buf) - 1, 0,
	    (struct sockaddr *)&peer, &plen)) >= 4) {
		buf[n] = 0;
		if (buf[0] == 0 && buf[1] == OP_RRQ)
			xfer_start(ep, me, buf, (size_t)n, &peer);
		plen = sizeof(peer);
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 me = { .sin_family = AF_INET };
	struct epoll_event	 evs[256], ev;
	struct stat		 st;
	int			 lfd, ep, fd, i, k;

	if (argc == 5 && strcmp(argv[1], "-u") == 0) {
		uring = 1;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: tftp_floor [-u] ADDR PORT FILE\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &me.sin_addr) != 1)
		die("address");
	me.sin_port = htons((uint16_t)atoi(argv[2]));
	if ((fd = open(argv[3], O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		die(argv[3]);
	fsize = (size_t)st.st_size;
	file = fsize == 0 ? (const uint8_t *)"" :
	    mmap(NULL, fsize, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (file == MAP_FAILED)
		die("mmap");
	close(fd);
	if ((lfd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&me, sizeof(me)) == -1)
		die("listen");
	if ((ep = epoll_create1(0)) == -1)
		die("epoll");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		die("epoll_ctl");
	if (uring) {
		struct io_uring_sqe	*sqe;
		struct io_uring_cqe	*c;
		unsigned int		 head, cnt;

		uring_init();
		/* The listener through the ring too: a multishot poll. */
		sqe = sqe_get();
		io_uring_prep_poll_multishot(sqe, lfd, EPOLLIN);
		io_uring_sqe_set_data(sqe, &lfd);
		for (;;) {
			io_uring_submit_and_wait(&ring, 1);
			cnt = 0;
			k = 0;
			io_uring_for_each_cqe(&ring, head, c) {
				cnt++;
				if (io_uring_cqe_get_data(c) == &lfd)
					k = 1;
				else
					uring_cqe(ep, c);
			}
			io_uring_cq_advance(&ring, cnt);
			if (k)
				listener_input(ep, lfd, &me);
		}
	}
	for (;;) {
		if ((k = epoll_wait(ep, evs, 256, -1)) == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < k; i++) {
			if (evs[i].data.ptr != NULL) {
				xfer_input(ep, evs[i].data.ptr);
				continue;
			}
			listener_input(ep, lfd, &me);
		}
	}
}
