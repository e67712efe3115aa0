/* SPDX-License-Identifier: ISC */
/*
 * dhcpload: a DHCPv4 load generator for the benchmarks (not part of bootd).
 * It plays relay agents (giaddr set, hops 1, from port 67 of each giaddr,
 * so it needs no raw socket and no broadcast) for N clients and runs 4-way
 * exchanges (DISCOVER, OFFER, REQUEST, ACK) at a fixed rate for a fixed
 * time: sends in batches with sendmmsg on a 1 ms tick, receives with
 * recvmmsg, one socket per giaddr, one epoll loop. It talks only to the
 * server address it is given, and every run is bounded by -d.
 *
 *   dhcpload -s SERVER -g GIADDR[,GIADDR...] [-p PORT] [-n CLIENTS]
 *            [-m BASEMAC] [-r RATE] [-d SECS] [-w WAIT_MS] [-E]
 *
 * Client i (0..N-1) has MAC BASEMAC + i (default 02:00:00:00:00:00) and
 * client id 01+MAC. Exchanges start at RATE a second, round-robin over the
 * clients and the giaddrs; an exchange is lost when its OFFER or ACK is not
 * back within WAIT_MS (default 1000). -E checks every OFFER and ACK
 * against the benchmark's reservations (client i gets 10.213.(1 + i / 250).
 * (1 + i % 250)) and counts the others as wrong.
 *
 * Output: one line of key=value pairs: started, acked, lost, naks, wrong,
 * rate (ACKs a second over the run), do_p50_us do_p99_us ra_p50_us
 * ra_p99_us (DISCOVER->OFFER and REQUEST->ACK delays), cpu_s (this
 * program's user + system time), send_drops (sends refused by the kernel).
 * Exit 0 when the run finished, 1 on a setup error.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXSOCK		16
#define BATCH		64		/* datagrams per sendmmsg/recvmmsg */
#define PKTLEN		300		/* every request we send */
#define RXLEN		1500
#define SLOTS		(1u << 20)	/* exchanges in flight, at most */
#define LATMAX_US	(1u << 20)	/* latency histogram: 1 us buckets */

enum { ST_FREE, ST_DISCOVER, ST_REQUEST };

struct xch {
	uint32_t	 xid;
	uint8_t		 state;
	uint32_t	 client;
	uint32_t	 sock;
	uint32_t	 yiaddr, server_id;	/* network order, from the OFFER */
	uint64_t	 sent_ns;
};

static struct xch	*slots;
static uint32_t		*lat_do, *lat_ra;	/* counts per microsecond */
static uint8_t		 basemac[6] = { 2, 0, 0, 0, 0, 0 };
static int		 check_ips;
static uint64_t		 started, acked, lost, naks, wrong, send_drops;
static uint64_t		 wait_ns = 1000000000ull;

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
usage(void)
{
	fprintf(stderr, "usage: dhcpload -s SERVER -g GIADDR[,GIADDR...] "
	    "[-p PORT] [-n CLIENTS] [-m BASEMAC] [-r RATE] [-d SECS] "
	    "[-w WAIT_MS] [-E]\n");
	exit(1);
}

static void
client_mac(uint32_t i, uint8_t mac[6])
{
	uint64_t	v = 0;
	int		k;

	for (k = 0; k < 6; k++)
		v = v << 8 | basemac[k];
	v += i;
	for (k = 5; k >= 0; k--, v >>= 8)
		mac[k] = (uint8_t)v;
}

/* The reservation of client i in the benchmark's inventory. */
static uint32_t
expected_ip(uint32_t i)
{
	return htonl(10u << 24 | 213u << 16 | (1 + i / 250) << 8 |
	    (1 + i % 250));
}

/* A DISCOVER or REQUEST for x into p (PKTLEN bytes). */
static void
build(uint8_t *p, const struct xch *x, uint32_t giaddr, int type)
{
	uint8_t	mac[6], *o;

	memset(p, 0, PKTLEN);
	client_mac(x->client, mac);
	p[0] = 1;			/* BOOTREQUEST */
	p[1] = 1;			/* Ethernet */
	p[2] = 6;
	p[3] = 1;			/* hops: one relay */
	memcpy(p + 4, &x->xid, 4);
	memcpy(p + 24, &giaddr, 4);
	memcpy(p + 28, mac, 6);
	o = p + 236;
	*o++ = 99; *o++ = 130; *o++ = 83; *o++ = 99;
	*o++ = 53; *o++ = 1; *o++ = (uint8_t)type;
	*o++ = 61; *o++ = 7; *o++ = 1;
	memcpy(o, mac, 6);
	o += 6;
	if (type == 3) {
		*o++ = 50; *o++ = 4;
		memcpy(o, &x->yiaddr, 4);
		o += 4;
		*o++ = 54; *o++ = 4;
		memcpy(o, &x->server_id, 4);
		o += 4;
	}
	*o++ = 55; *o++ = 4; *o++ = 1; *o++ = 3; *o++ = 6; *o++ = 15;
	*o = 255;
}

/* Message type, server id of a reply; -1 when it is not one. */
static int
parse(const uint8_t *p, size_t n, uint32_t *server_id)
{
	size_t	i = 240;
	int	type = -1;

	if (n < 240 || p[0] != 2 || memcmp(p + 236, "\x63\x82\x53\x63", 4))
		return -1;
	*server_id = 0;
	while (i < n && p[i] != 255) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= n || i + 2 + p[i + 1] > n)
			return -1;
		if (p[i] == 53 && p[i + 1] == 1)
			type = p[i + 2];
		else if (p[i] == 54 && p[i + 1] == 4)
			memcpy(server_id, p + i + 2, 4);
		i += 2 + (size_t)p[i + 1];
	}
	return type;
}

static void
lat_add(uint32_t *h, uint64_t ns)
{
	uint64_t	us = ns / 1000;

	h[us < LATMAX_US ? us : LATMAX_US - 1]++;
}

static uint64_t
lat_pct(const uint32_t *h, double q)
{
	uint64_t	total = 0, seen = 0, want;
	uint32_t	i;

	for (i = 0; i < LATMAX_US; i++)
		total += h[i];
	if (total == 0)
		return 0;
	want = (uint64_t)(q * (double)total);
	if (want == 0)
		want = 1;
	for (i = 0; i < LATMAX_US; i++)
		if ((seen += h[i]) >= want)
			return i;
	return LATMAX_US - 1;
}

struct out {
	struct mmsghdr	 m[BATCH];
	struct iovec	 iov[BATCH];
	uint8_t		 buf[BATCH][PKTLEN];
	unsigned int	 n;
};

static int			 socks[MAXSOCK];
static uint32_t			 gia[MAXSOCK];
static unsigned int		 nsock;
static struct sockaddr_in	 server;
static struct out		 outq[MAXSOCK];

static void
flush(unsigned int s)
{
	struct out	*q = &outq[s];
	unsigned int	 off = 0;
	int		 k;

	while (off < q->n) {
		k = sendmmsg(socks[s], q->m + off, q->n - off, 0);
		if (k <= 0) {
			send_drops += q->n - off;
			break;
		}
		off += (unsigned int)k;
	}
	q->n = 0;
}

static void
queue(const struct xch *x, int type)
{
	struct out	*q = &outq[x->sock];

	if (q->n == BATCH)
		flush(x->sock);
	build(q->buf[q->n], x, gia[x->sock], type);
	q->n++;
}

static void
receive(unsigned int s)
{
	static uint8_t		 rx[BATCH][RXLEN];
	struct mmsghdr		 m[BATCH];
	struct iovec		 iov[BATCH];
	struct xch		*x;
	uint32_t		 xid, sid, yi;
	uint64_t		 t;
	int			 k, i, type;

	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = rx[i];
		iov[i].iov_len = RXLEN;
		memset(&m[i].msg_hdr, 0, sizeof(m[i].msg_hdr));
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	while ((k = recvmmsg(socks[s], m, BATCH, MSG_DONTWAIT, NULL)) > 0) {
		t = now_ns();
		for (i = 0; i < k; i++) {
			type = parse(rx[i], m[i].msg_len, &sid);
			if (type < 0)
				continue;
			memcpy(&xid, rx[i] + 4, 4);
			memcpy(&yi, rx[i] + 16, 4);
			x = &slots[xid & (SLOTS - 1)];
			if (x->xid != xid || x->state == ST_FREE)
				continue;	/* late: counted as lost */
			if (type == 6) {	/* NAK */
				naks++;
				x->state = ST_FREE;
			} else if (type == 2 && x->state == ST_DISCOVER) {
				lat_add(lat_do, t - x->sent_ns);
				if (check_ips && yi != expected_ip(x->client))
					wrong++;
				x->yiaddr = yi;
				x->server_id = sid;
				x->state = ST_REQUEST;
				x->sent_ns = t;
				queue(x, 3);
			} else if (type == 5 && x->state == ST_REQUEST) {
				lat_add(lat_ra, t - x->sent_ns);
				if (check_ips && yi != expected_ip(x->client))
					wrong++;
				acked++;
				x->state = ST_FREE;
			}
		}
	}
	flush(s);
}

int
main(int argc, char **argv)
{
	struct epoll_event	 ev, evs[MAXSOCK];
	struct sockaddr_in	 a;
	struct rusage		 ru;
	char			*gl = NULL, *tok, *sv = NULL;
	uint64_t		 t0, tend, t, credit_ns = 0, last;
	uint64_t		 rate = 1000, secs = 10, nclients = 1000;
	uint32_t		 xid = 1, oldest = 1, cl = 0, i;
	unsigned int		 s, port = 67, one = 1;
	int			 c, ep, k;

	while ((c = getopt(argc, argv, "s:g:p:n:m:r:d:w:E")) != -1) {
		switch (c) {
		case 's': sv = optarg; break;
		case 'g': gl = optarg; break;
		case 'p': port = (unsigned int)atoi(optarg); break;
		case 'n': nclients = strtoull(optarg, NULL, 10); break;
		case 'm':
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
			    &basemac[0], &basemac[1], &basemac[2], &basemac[3],
			    &basemac[4], &basemac[5]) != 6)
				usage();
			break;
		case 'r': rate = strtoull(optarg, NULL, 10); break;
		case 'd': secs = strtoull(optarg, NULL, 10); break;
		case 'w': wait_ns = strtoull(optarg, NULL, 10) * 1000000ull;
			break;
		case 'E': check_ips = 1; break;
		default: usage();
		}
	}
	if (sv == NULL || gl == NULL || rate == 0 || rate > 10000000 ||
	    secs == 0 || secs > 3600 || nclients == 0 ||
	    nclients > 0xffffffu || wait_ns == 0)
		usage();
	memset(&server, 0, sizeof(server));
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, sv, &server.sin_addr) != 1)
		usage();
	slots = calloc(SLOTS, sizeof(*slots));
	lat_do = calloc(LATMAX_US, sizeof(*lat_do));
	lat_ra = calloc(LATMAX_US, sizeof(*lat_ra));
	if (slots == NULL || lat_do == NULL || lat_ra == NULL ||
	    (ep = epoll_create1(0)) == -1) {
		perror("dhcpload: setup");
		return 1;
	}
	for (tok = strtok(gl, ","); tok != NULL; tok = strtok(NULL, ",")) {
		if (nsock == MAXSOCK)
			usage();
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons(67);		/* replies go to giaddr:67 */
		if (inet_pton(AF_INET, tok, &a.sin_addr) != 1)
			usage();
		gia[nsock] = a.sin_addr.s_addr;
		if ((socks[nsock] = socket(AF_INET, SOCK_DGRAM |
		    SOCK_NONBLOCK, 0)) == -1 ||
		    setsockopt(socks[nsock], SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) == -1 ||
		    bind(socks[nsock], (struct sockaddr *)&a,
		    sizeof(a)) == -1) {
			fprintf(stderr, "dhcpload: %s:67: %s\n", tok,
			    strerror(errno));
			return 1;
		}
		for (i = 0; i < BATCH; i++) {
			outq[nsock].iov[i].iov_base = outq[nsock].buf[i];
			outq[nsock].iov[i].iov_len = PKTLEN;
			outq[nsock].m[i].msg_hdr.msg_name = &server;
			outq[nsock].m[i].msg_hdr.msg_namelen = sizeof(server);
			outq[nsock].m[i].msg_hdr.msg_iov = &outq[nsock].iov[i];
			outq[nsock].m[i].msg_hdr.msg_iovlen = 1;
		}
		ev.events = EPOLLIN;
		ev.data.u32 = nsock;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, socks[nsock], &ev) == -1) {
			perror("dhcpload: epoll_ctl");
			return 1;
		}
		nsock++;
	}
	if (nsock == 0)
		usage();

	t0 = last = now_ns();
	tend = t0 + secs * 1000000000ull;
	for (;;) {
		t = now_ns();
		if (t < tend) {
			/* Start the exchanges due since the last tick. */
			credit_ns += (t - last) * rate;
			last = t;
			while (credit_ns >= 1000000000ull) {
				struct xch *x = &slots[xid & (SLOTS - 1)];

				credit_ns -= 1000000000ull;
				if (x->state != ST_FREE)
					lost++;		/* its slot is reused */
				x->xid = xid++;
				x->state = ST_DISCOVER;
				x->client = cl;
				x->sock = cl % nsock;
				x->sent_ns = t;
				cl = (uint32_t)((cl + 1) % nclients);
				started++;
				queue(x, 1);
			}
			for (s = 0; s < nsock; s++)
				flush(s);
		} else if (t >= tend + wait_ns)
			break;
		/* Exchanges past their wait are lost: walk from the oldest
		 * started one, so each is looked at about once. */
		while (oldest != xid) {
			struct xch *x = &slots[oldest & (SLOTS - 1)];

			if (x->xid == oldest && x->state != ST_FREE) {
				if (t - x->sent_ns <= wait_ns)
					break;
				x->state = ST_FREE;
				lost++;
			}
			oldest++;
		}
		k = epoll_wait(ep, evs, MAXSOCK, 1);
		for (c = 0; c < k; c++)
			receive(evs[c].data.u32);
	}
	for (i = 0; i < SLOTS; i++)
		if (slots[i].state != ST_FREE)
			lost++;
	getrusage(RUSAGE_SELF, &ru);
	printf("started=%llu acked=%llu lost=%llu naks=%llu wrong=%llu "
	    "rate=%.0f do_p50_us=%llu do_p99_us=%llu ra_p50_us=%llu "
	    "ra_p99_us=%llu cpu_s=%.2f send_drops=%llu\n",
	    (unsigned long long)started, (unsigned long long)acked,
	    (unsigned long long)lost, (unsigned long long)naks,
	    (unsigned long long)wrong, (double)acked / (double)secs,
	    (unsigned long long)lat_pct(lat_do, 0.5),
	    (unsigned long long)lat_pct(lat_do, 0.99),
	    (unsigned long long)lat_pct(lat_ra, 0.5),
	    (unsigned long long)lat_pct(lat_ra, 0.99),
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	    (unsigned long long)send_drops);
	return 0;
}
