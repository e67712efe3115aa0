/* SPDX-License-Identifier: ISC */
/*
 * tftp_client: a small, fast TFTP read client for benchmarks (not part of
 * bootd). It fetches one file over one or many concurrent transfers (one
 * socket each, one epoll loop), asks for blksize/windowsize/tsize (RFC
 * 2347-2349, 7440), receives with recvmmsg, ACKs once per window and hashes
 * the byte stream instead of writing it. It never talks to anything but the
 * address it is given; every run is bounded by a deadline.
 *
 *   tftp_client [-b blksize] [-w window] [-T] [-n transfers] [-t rto_ms]
 *               [-r retries] [-D deadline_s] [-e hash] [-o file] [-P] [-q]
 *               HOST PORT FILE
 *   tftp_client -H FILE          hash of a local file (same function)
 *
 * Output (one line): "ok" or "FAIL", then key=value pairs: transfers, failed,
 * bytes (per transfer), secs (wall, first RRQ to last byte), MBps (all bytes
 * / wall, 10^6 bytes), hash, timeouts. Exit 0 only when every transfer
 * finished with the expected hash (when -e is given).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OP_RRQ		1
#define OP_DATA		3
#define OP_ACK		4
#define OP_ERROR	5
#define OP_OACK		6
#define VLEN_MAX	64	/* datagrams per recvmmsg */
#define HASH_SEED	0x9e3779b97f4a7c15ULL

struct xfer {
	int		 fd;
	struct sockaddr_in srv;		/* listener, then the server's TID */
	int		 have_tid;
	unsigned int	 blksize, window;
	uint64_t	 got;		/* blocks received in order */
	uint16_t	 lastwire;	/* wire number of block `got` */
	uint64_t	 winbase;	/* `got` when the last ACK went out */
	int		 dupacked;	/* ACKed since the last progress */
	uint64_t	 bytes;
	uint64_t	 hash;
	uint8_t		 tail[8];	/* bytes not yet hashed (< 8) */
	unsigned int	 ntail;
	int		 done, failed;
	const char	*why;
	char		 errmsg[128];
	int64_t		 t_last;	/* last progress or send, us */
	int		 retries;
	uint64_t	 timeouts;
	uint8_t		*bufs;		/* vlen * pktlen */
	size_t		 pktlen;
	unsigned int	 vlen;
};

static const char *host, *port_s, *fname;
static unsigned int o_blksize, o_window = 1, o_tsize, o_n = 1, o_quiet;
static unsigned int o_rto_ms = 1000, o_retries = 5, o_deadline = 120;
static int o_busy, outfd = -1;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * A fast 64-bit stream hash: one multiply-xorshift step per 8-byte word,
 * the length folded in at the end. It detects lost, duplicated, reordered
 * or corrupted bytes (not an adversary); -H gives the same value for a file.
 */
static inline uint64_t
mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static void
hash_update(struct xfer *x, const uint8_t *p, size_t n)
{
	uint64_t w;

	x->bytes += n;
	while (x->ntail > 0 && x->ntail < 8 && n > 0) {
		x->tail[x->ntail++] = *p++;
		n--;
	}
	if (x->ntail == 8) {
		memcpy(&w, x->tail, 8);
		x->hash = mix(x->hash, w);
		x->ntail = 0;
	}
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		x->hash = mix(x->hash, w);
	}
	memcpy(x->tail, p, n);
	x->ntail = (unsigned int)n;
}

static uint64_t
hash_final(const struct xfer *x)
{
	uint64_t w = 0, h = x->hash;

	if (x->ntail > 0) {
		memcpy(&w, x->tail, x->ntail);
		h = mix(h, w);
	}
	return mix(h, x->bytes);
}

static int
hash_file(const char *path)
{
	static uint8_t	buf[1 << 20];
	struct xfer	x;
	ssize_t		r;
	int		fd;

	memset(&x, 0, sizeof(x));
	x.hash = HASH_SEED;
	if ((fd = open(path, O_RDONLY)) == -1) {
		perror(path);
		return 1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		hash_update(&x, buf, (size_t)r);
	close(fd);
	if (r == -1) {
		perror(path);
		return 1;
	}
	printf("%016" PRIx64 "\n", hash_final(&x));
	return 0;
}

static void
xfer_fail(struct xfer *x, const char *why)
{
	if (x->done || x->failed)
		return;
	x->failed = 1;
	x->why = why;
}

static void
send_pkt(struct xfer *x, const void *p, size_t len)
{
	if (sendto(x->fd, p, len, 0, (struct sockaddr *)&x->srv,
	    sizeof(x->srv)) == -1 && errno != EAGAIN && errno != ENOBUFS)
		xfer_fail(x, "sendto failed");
	x->t_last = now_us();
}

static void
send_ack(struct xfer *x)
{
	uint8_t a[4] = { 0, OP_ACK, (uint8_t)(x->lastwire >> 8),
	    (uint8_t)x->lastwire };

	send_pkt(x, a, sizeof(a));
	x->winbase = x->got;
}

static size_t
put_opt(uint8_t *p, size_t off, const char *name, unsigned int val)
{
	off += (size_t)sprintf((char *)p + off, "%s", name) + 1;
	off += (size_t)sprintf((char *)p + off, "%u", val) + 1;
	return off;
}

static void
send_rrq(struct xfer *x)
{
	uint8_t	p[600];
	size_t	off = 2;

	p[0] = 0;
	p[1] = OP_RRQ;
	off += (size_t)snprintf((char *)p + off, 300, "%s", fname) + 1;
	off += (size_t)sprintf((char *)p + off, "octet") + 1;
	if (o_blksize)
		off = put_opt(p, off, "blksize", o_blksize);
	if (o_window > 1)
		off = put_opt(p, off, "windowsize", o_window);
	if (o_tsize)
		off = put_opt(p, off, "tsize", 0);
	send_pkt(x, p, off);
}

/* OACK: take the values the server acknowledged (RFC 2347 §3). */
static void
got_oack(struct xfer *x, const uint8_t *p, size_t len)
{
	const char	*name, *val, *end = (const char *)p + len;
	const char	*s = (const char *)p + 2;
	unsigned long	 v;

	x->blksize = 512;
	x->window = 1;
	while (s < end) {
		name = s;
		if ((s = memchr(s, 0, (size_t)(end - s))) == NULL)
			break;
		val = ++s;
		if ((s = memchr(s, 0, (size_t)(end - s))) == NULL)
			break;
		s++;
		v = strtoul(val, NULL, 10);
		if (strcasecmp(name, "blksize") == 0 && v >= 8 && v <= 65464)
			x->blksize = (unsigned int)v;
		else if (strcasecmp(name, "windowsize") == 0 && v >= 1)
			x->window = (unsigned int)v;
	}
	if (x->blksize + 4 > x->pktlen) {
		xfer_fail(x, "server granted a larger blksize than asked");
		return;
	}
	send_ack(x);	/* ACK 0 */
}

static void
got_packet(struct xfer *x, const uint8_t *p, size_t len,
    const struct sockaddr_in *from)
{
	uint16_t	op, blk;
	size_t		n;

	if (x->done || x->failed || len < 4)
		return;
	if (!x->have_tid) {
		if (from->sin_addr.s_addr != x->srv.sin_addr.s_addr)
			return;
		x->srv.sin_port = from->sin_port;
		x->have_tid = 1;
	} else if (from->sin_port != x->srv.sin_port ||
	    from->sin_addr.s_addr != x->srv.sin_addr.s_addr)
		return;
	op = (uint16_t)(p[0] << 8 | p[1]);
	blk = (uint16_t)(p[2] << 8 | p[3]);
	switch (op) {
	case OP_OACK:
		if (x->got == 0 && x->lastwire == 0)
			got_oack(x, p, len);
		return;
	case OP_ERROR:
		snprintf(x->errmsg, sizeof(x->errmsg), "server error %u: %.*s",
		    blk, (int)(len > 100 ? 96 : len - 4), (const char *)p + 4);
		xfer_fail(x, x->errmsg);
		return;
	case OP_DATA:
		break;
	default:
		return;
	}
	if (blk != (uint16_t)(x->lastwire + 1)) {
		/*
		 * A gap or an old block: ACK the last in-order block once
		 * per episode (RFC 7440 §4), the server resends from there.
		 */
		if (!x->dupacked) {
			x->dupacked = 1;
			send_ack(x);
		}
		return;
	}
	n = len - 4;
	if (n > x->blksize) {
		xfer_fail(x, "DATA longer than blksize");
		return;
	}
	hash_update(x, p + 4, n);
	if (outfd != -1 && n > 0 && write(outfd, p + 4, n) != (ssize_t)n)
		xfer_fail(x, "write failed");
	x->got++;
	x->lastwire = blk;
	x->dupacked = 0;
	x->retries = 0;
	if (n < x->blksize) {
		send_ack(x);
		x->done = 1;
		return;
	}
	if (x->got - x->winbase >= x->window)
		send_ack(x);
	else
		x->t_last = now_us();
}

/* Reads what is queued (up to vlen per call). Returns datagrams read. */
static int
xfer_read(struct xfer *x, int flags)
{
	struct mmsghdr		msgs[VLEN_MAX];
	struct iovec		iov[VLEN_MAX];
	struct sockaddr_in	from[VLEN_MAX];
	unsigned int		i;
	int			n;

	for (i = 0; i < x->vlen; i++) {
		iov[i].iov_base = x->bufs + i * x->pktlen;
		iov[i].iov_len = x->pktlen;
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	n = recvmmsg(x->fd, msgs, x->vlen, flags, NULL);
	if (n <= 0)
		return 0;
	for (i = 0; i < (unsigned int)n; i++)
		got_packet(x, x->bufs + i * x->pktlen, msgs[i].msg_len,
		    &from[i]);
	return n;
}

/* No progress for one RTO: resend what the server waits for. */
static void
xfer_timeout(struct xfer *x, int64_t now)
{
	if (x->done || x->failed || now - x->t_last < (int64_t)o_rto_ms * 1000)
		return;
	x->timeouts++;
	if (++x->retries > (int)o_retries) {
		xfer_fail(x, "timed out");
		return;
	}
	if (!x->have_tid)
		send_rrq(x);
	else
		send_ack(x);
}

static int
xfer_init(struct xfer *x, const struct sockaddr_in *srv)
{
	struct sockaddr_in	sin;
	unsigned int		bs = o_blksize ? o_blksize : 512;
	int			rcvbuf;

	memset(x, 0, sizeof(*x));
	x->srv = *srv;
	x->hash = HASH_SEED;
	x->blksize = 512;
	x->window = 1;
	x->pktlen = (bs > 512 ? bs : 512) + 4;
	x->vlen = o_window < VLEN_MAX ? o_window : VLEN_MAX;
	if ((x->bufs = malloc(x->vlen * x->pktlen)) == NULL)
		return -1;
	if ((x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC |
	    (o_n > 1 || o_busy ? SOCK_NONBLOCK : 0), 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (bind(x->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return -1;
	/*
	 * Room for two whole windows (the kernel counts a datagram's buffer,
	 * up to twice its payload), so a window never overflows.
	 */
	rcvbuf = (int)((x->pktlen * 2 + 1024) * o_window * 2);
	if (rcvbuf > 64 << 20)
		rcvbuf = 64 << 20;
	if (rcvbuf > 212992 && setsockopt(x->fd, SOL_SOCKET, SO_RCVBUFFORCE,
	    &rcvbuf, sizeof(rcvbuf)) == -1)
		(void)setsockopt(x->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: tftp_client [-b blksize] [-w window] [-T] "
	    "[-n transfers] [-t rto_ms] [-r retries] [-D deadline_s]\n"
	    "                   [-e hash] [-o file] [-P] [-q] HOST PORT FILE\n"
	    "       tftp_client -H FILE\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 srv;
	struct epoll_event	 ev, evs[256];
	struct xfer		*xs;
	struct timeval		 tv;
	const char		*expect = NULL;
	char			 hex[17] = "-";
	int64_t			 t0, t1, deadline, now;
	uint64_t		 h0 = 0, timeouts = 0, bytes = 0;
	unsigned int		 i, left, nfail = 0, nbad = 0, mixed = 0;
	int			 c, ep = -1, k, n;

	while ((c = getopt(argc, argv, "b:w:Tn:t:r:D:e:o:H:Pq")) != -1)
		switch (c) {
		case 'b': o_blksize = (unsigned int)atoi(optarg); break;
		case 'w': o_window = (unsigned int)atoi(optarg); break;
		case 'T': o_tsize = 1; break;
		case 'n': o_n = (unsigned int)atoi(optarg); break;
		case 't': o_rto_ms = (unsigned int)atoi(optarg); break;
		case 'r': o_retries = (unsigned int)atoi(optarg); break;
		case 'D': o_deadline = (unsigned int)atoi(optarg); break;
		case 'e': expect = optarg; break;
		case 'o':
			if ((outfd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC,
			    0644)) == -1) {
				perror(optarg);
				return 2;
			}
			break;
		case 'H': return hash_file(optarg);
		case 'P': o_busy = 1; break;
		case 'q': o_quiet = 1; break;
		default: usage();
		}
	if (argc - optind != 3 || o_n < 1 || o_n > 4096 || o_window < 1 ||
	    (o_blksize && (o_blksize < 8 || o_blksize > 65464)) ||
	    o_rto_ms < 1 || o_deadline < 1 || (outfd != -1 && o_n != 1))
		usage();
	host = argv[optind];
	port_s = argv[optind + 1];
	fname = argv[optind + 2];
	memset(&srv, 0, sizeof(srv));
	srv.sin_family = AF_INET;
	srv.sin_port = htons((uint16_t)atoi(port_s));
	if (inet_pton(AF_INET, host, &srv.sin_addr) != 1)
		usage();
	if ((xs = calloc(o_n, sizeof(*xs))) == NULL)
		return 2;
	if (o_n > 1 && (ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return 2;
	for (i = 0; i < o_n; i++) {
		if (xfer_init(&xs[i], &srv) == -1) {
			perror("tftp_client: socket");
			return 2;
		}
		if (ep != -1) {
			ev.events = EPOLLIN;
			ev.data.u32 = i;
			if (epoll_ctl(ep, EPOLL_CTL_ADD, xs[i].fd, &ev) == -1)
				return 2;
		}
	}
	if (o_n == 1 && !o_busy) {
		tv.tv_sec = o_rto_ms / 1000;
		tv.tv_usec = (o_rto_ms % 1000) * 1000;
		(void)setsockopt(xs[0].fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv));
	}
	t0 = now_us();
	deadline = t0 + (int64_t)o_deadline * 1000000;
	for (i = 0; i < o_n; i++)
		send_rrq(&xs[i]);
	left = o_n;
	while (left > 0) {
		if (o_n == 1) {
			/* One transfer: block (or spin) in recvmmsg itself. */
			xfer_read(&xs[0], o_busy ? MSG_DONTWAIT :
			    MSG_WAITFORONE);
		} else {
			n = epoll_wait(ep, evs, 256, 10);
			for (k = 0; k < n; k++)
				xfer_read(&xs[evs[k].data.u32], MSG_DONTWAIT);
		}
		now = now_us();
		left = 0;
		for (i = 0; i < o_n; i++) {
			if (now > deadline)
				xfer_fail(&xs[i], "deadline");
			xfer_timeout(&xs[i], now);
			if (!xs[i].done && !xs[i].failed)
				left++;
		}
	}
	t1 = now_us();
	for (i = 0; i < o_n; i++) {
		uint64_t h = hash_final(&xs[i]);

		timeouts += xs[i].timeouts;
		bytes += xs[i].bytes;
		if (xs[i].failed) {
			nfail++;
			if (!o_quiet)
				fprintf(stderr, "tftp_client: transfer %u: %s "
				    "after %" PRIu64 " bytes\n", i, xs[i].why,
				    xs[i].bytes);
			continue;
		}
		if (i == 0 || h0 == 0)
			h0 = h;
		else if (h != h0)
			mixed = 1;
		snprintf(hex, sizeof(hex), "%016" PRIx64, h);
		if (expect != NULL && strcmp(hex, expect) != 0)
			nbad++;
	}
	if (mixed)
		snprintf(hex, sizeof(hex), "mixed");
	printf("%s transfers=%u failed=%u badhash=%u bytes=%" PRIu64
	    " secs=%.3f MBps=%.2f hash=%s timeouts=%" PRIu64 "\n",
	    nfail || nbad ? "FAIL" : "ok", o_n, nfail, nbad,
	    o_n ? xs[0].bytes : 0, (double)(t1 - t0) / 1e6,
	    (double)bytes / ((double)(t1 - t0) / 1e6) / 1e6, hex, timeouts);
	for (i = 0; i < o_n; i++) {
		close(xs[i].fd);
		free(xs[i].bufs);
	}
	free(xs);
	if (outfd != -1)
		close(outfd);
	return nfail || nbad ? 1 : 0;
}
