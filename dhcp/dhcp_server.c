/* SPDX-License-Identifier: ISC */
/*
 * dhcp_server: the :67 listener. Reads a bounded burst of requests per
 * callback, learns the receiving interface and address from IP_PKTINFO,
 * parses (dhcp_msg), decides (dhcp_policy), builds the replies and sends a
 * burst's together (dhcp_txq, one sendmmsg()), and queues discovered MACs
 * and boot events to the DB thread through rate limiters. Every protocol
 * decision lives in the pure core; this file only moves packets, counts
 * and logs. Nothing here blocks.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "bootd/clock.h"
#include "bootd/log.h"
#include "bootd/pktinfo.h"
#include "bootd/pxe_arch.h"
#include "bootd/ratelimit.h"
#include "db/db_thread.h"
#include "db/inventory.h"
#include "dhcp/dhcp_msg.h"
#include "dhcp/dhcp_policy.h"
#include "dhcp/dhcp_server.h"
#include "dhcp/dhcp_txq.h"

_Static_assert(DHCP_DISC_SLOTS % DHCP_DISC_WAYS == 0,
    "DHCP_DISC_SLOTS must be a multiple of DHCP_DISC_WAYS");

_Static_assert(DHCP_PKT_MAX == 4096, "update the \"datagram longer\" reason");

_Static_assert(DHCP_TXQ_PKT == DHCP_REPLY_MAX, "a reply fits a queue slot");
_Static_assert(DHCP_TXQ_MAX >= DHCP_RECV_BURST,
    "a read burst's replies leave in one sendmmsg()");

#define DISC_SETS	(DHCP_DISC_SLOTS / DHCP_DISC_WAYS)

/* A MAC whose discovery was written at seen_ms (0: empty slot). */
struct disc_slot {
	uint8_t		 mac[ADDR_MAC_LEN];
	int64_t		 seen_ms;
};

/* An interface's name and primary address, as looked up at at_ms. */
struct dhcp_iface {
	int		 ifindex;	/* 0: free slot */
	int64_t		 at_ms;
	char		 name[IF_NAMESIZE];
	uint32_t	 addr;		/* host order; 0: none */
};

/* Where a request came from and how it arrived. */
struct dhcp_rx {
	struct sockaddr_in peer;
	int		 ifindex;
	char		 ifname[IF_NAMESIZE];
	uint32_t	 ifaddr;	/* its primary address, or 0 */
	uint32_t	 dst;		/* header destination, host order */
	uint32_t	 spec_dst;	/* kernel's local address for it */
	int64_t		 now_ms;
	uint64_t	 read_us;	/* clock_mono_us() after the read */
};

/*
 * A queued reply: what its request left to do once it is sent (count,
 * record, log). host is borrowed from bd->snap: replies are flushed
 * before the callback that queued them returns, and a new snapshot only
 * arrives in another callback.
 */
struct dhcp_sent {
	struct dhcp_rx		 rx;
	const struct inv_host	*host;
	enum dhcp_action	 action;
	const char		*why;		/* static, or NULL */
	char			 macstr[ADDR_MAC_STRLEN];
	uint8_t			 req_type;	/* enum dhcp_msg_type */
	uint32_t		 giaddr;
	int			 has_arch;
	uint16_t		 arch;
	int			 is_ipxe;
	uint8_t			 type;		/* the reply's */
	uint32_t		 yiaddr;
	uint32_t		 dest_ip;
	uint16_t		 dest_port;
	char			 bootfile[DHCP_BOOTFILE_MAX + 1];
};

struct dhcp_srv {
	struct bootd		*bd;
	int			 fd;
	struct event		*ev;
	struct dhcp_stats	 st;
	struct rl_bucket	 disc_rate;
	struct rl_bucket	 event_rate;
	uint32_t		 seed;		/* disc table hash */
	struct disc_slot	 disc[DHCP_DISC_SLOTS];
	struct dhcp_iface	 ifc[DHCP_IFACE_CACHE];
	uint8_t			 rbuf[DHCP_RECV_BATCH][DHCP_PKT_MAX];
	struct dhcp_txq		 txq;		/* replies not sent yet */
	struct dhcp_sent	 sent[DHCP_TXQ_MAX];	/* txq's, by index */
	uint64_t		 sent_us;	/* clock after the last send */
};

/* The time in the rate limiters' and slots' ms out of clock_mono_us(). */
static int64_t
us_to_ms(uint64_t us)
{
	/* +1 s so that 0 never names a real time (empty disc slots). */
	return (int64_t)(us / 1000) + 1000;
}

static int64_t
now_ms(void)
{
	return us_to_ms(clock_mono_us());
}

/* Upper bounds of bootd_dhcp_reply_latency_seconds' buckets. */
static const double dhcp_latency_bounds[] = {
	0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.1,
};

/*
 * FNV-1a over the MAC, salted per run: a MAC list that crowds one set here
 * spreads out at the next start. Not a keyed hash; the global bucket bounds
 * the writes whatever the sets do.
 */
static size_t
disc_set(uint32_t seed, const uint8_t *mac)
{
	uint32_t	 h = 2166136261u ^ seed;
	int		 i;

	for (i = 0; i < ADDR_MAC_LEN; i++) {
		h ^= mac[i];
		h *= 16777619u;
	}
	return (size_t)(h % DISC_SETS);
}

enum disc_verdict {
	DISC_WRITE,		/* queue the row */
	DISC_HELD_MAC,		/* written less than the interval ago */
	DISC_HELD_RATE		/* over the global rate; retried next time */
};

/*
 * Decides whether the discovery of mac at now goes to the DB: once per MAC
 * per DHCP_DISC_INTERVAL, and only while the global bucket has tokens. A
 * MAC held back by the global rate is not remembered, so its next
 * DISCOVER (clients retry every few seconds) gets another chance.
 */
static enum disc_verdict
disc_check(struct disc_slot *table, uint32_t seed, struct rl_bucket *rate,
    const uint8_t *mac, int64_t now)
{
	struct disc_slot	*set, *victim;
	size_t			 i;

	set = &table[disc_set(seed, mac) * DHCP_DISC_WAYS];
	victim = &set[0];
	for (i = 0; i < DHCP_DISC_WAYS; i++) {
		if (set[i].seen_ms != 0 &&
		    memcmp(set[i].mac, mac, ADDR_MAC_LEN) == 0) {
			if (now - set[i].seen_ms <
			    (int64_t)DHCP_DISC_INTERVAL * 1000)
				return DISC_HELD_MAC;
			victim = &set[i];
			break;
		}
		if (set[i].seen_ms < victim->seen_ms)
			victim = &set[i];
	}
	if (!rl_bucket_take(rate, now))
		return DISC_HELD_RATE;
	memcpy(victim->mac, mac, ADDR_MAC_LEN);
	victim->seen_ms = now;
	return DISC_WRITE;
}

/* I/O helpers. */

/* The interface's name ("if7" when it is gone). */
static void
iface_name(int fd, int ifindex, char name[IF_NAMESIZE])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = ifindex;
	if (ifindex > 0 && ioctl(fd, SIOCGIFNAME, &ifr) == 0) {
		memcpy(name, ifr.ifr_name, IF_NAMESIZE);
		name[IF_NAMESIZE - 1] = '\0';
	} else
		snprintf(name, IF_NAMESIZE, "if%d", ifindex);
}

/* The primary IPv4 address of the interface (host order), or 0. */
static uint32_t
iface_addr(int fd, const char *name)
{
	struct ifreq		 ifr;
	struct sockaddr_in	 sin;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr) == -1)
		return 0;
	memcpy(&sin, &ifr.ifr_addr, sizeof(sin));
	return ntohl(sin.sin_addr.s_addr);
}

/*
 * Fills rx's interface name and address from the cache, looking them up
 * (two ioctls) when the index is not there or its entry is older than
 * DHCP_IFACE_TTL_MS: per packet they were a third of the system calls of
 * an exchange. A full cache reuses its oldest entry.
 */
static void
iface_get(struct dhcp_srv *srv, struct dhcp_rx *rx)
{
	struct dhcp_iface	*e = NULL, *oldest = &srv->ifc[0];
	int			 i;

	for (i = 0; i < DHCP_IFACE_CACHE; i++) {
		if (srv->ifc[i].ifindex == rx->ifindex) {
			e = &srv->ifc[i];
			break;
		}
		if (srv->ifc[i].at_ms < oldest->at_ms)
			oldest = &srv->ifc[i];
	}
	if (e == NULL || rx->now_ms - e->at_ms >= DHCP_IFACE_TTL_MS) {
		if (e == NULL)
			e = oldest;
		e->ifindex = rx->ifindex;
		e->at_ms = rx->now_ms;
		iface_name(srv->fd, rx->ifindex, e->name);
		e->addr = iface_addr(srv->fd, e->name);
	}
	memcpy(rx->ifname, e->name, IF_NAMESIZE);
	rx->ifaddr = e->addr;
}

static int
iface_allowed(const struct bootd_config *cfg, const char *name)
{
	int i;

	if (cfg->dhcp.interfaces.n == 0)
		return 1;
	for (i = 0; i < cfg->dhcp.interfaces.n; i++)
		if (strcmp(cfg->dhcp.interfaces.items[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The address a request reached us at (RFC 2131 §4.1: the server
 * identifier must be one the client or relay can reach): the header
 * destination when it is a local unicast address (the kernel's spec_dst
 * equals it then), else the receiving interface's primary address.
 */
static uint32_t
server_ip_for(const struct dhcp_rx *rx)
{
	if (rx->dst != 0 && rx->dst == rx->spec_dst)
		return rx->dst;
	return rx->ifaddr;
}

/*
 * Every warning a peer can cause: "what: why[: detail]" through the one
 * limiter (log_peer_keyed_warnx), keyed by why (a static string), so one
 * line per reason per LOG_PEER_INTERVAL_MS with the count held back.
 */
static void
warn_limited(struct dhcp_srv *srv, const struct dhcp_rx *rx, const char *what,
    const char *why, const char *detail)
{
	char peer[32];

	addr_sin_str(&rx->peer, peer, sizeof(peer));
	log_peer_keyed_warnx(why, "dhcp: %s %s: %s: %s%s%s", rx->ifname, peer,
	    what, why, detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

/* Queues ev to the DB thread when there is one; counts a full queue. */
static int
db_queue(struct dhcp_srv *srv, const struct db_event *ev)
{
	if (srv->bd->db == NULL)
		return -1;
	if (db_thread_event(srv->bd->db, ev) == -1) {
		srv->st.db_queue_full++;
		return -1;
	}
	return 0;
}

/*
 * Whether a boot event may be queued now (DHCP_EVENT_RATE): 1, or 0 when
 * it is over the rate (and counted).
 */
static int
boot_event_ok(struct dhcp_srv *srv, const struct dhcp_rx *rx)
{
	if (!rl_bucket_take(&srv->event_rate, rx->now_ms)) {
		srv->st.events_suppressed++;
		return 0;
	}
	return 1;
}

/* Queues a boot event of a known host; boot_event_ok() said yes. */
static void
boot_event(struct dhcp_srv *srv, const struct inv_host *h, const char *stage,
    const char *detail)
{
	struct db_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = DB_EV_BOOT;
	ev.src = DB_SRC_DHCP;
	ev.arch = -1;
	snprintf(ev.mac, sizeof(ev.mac), "%s", h->macstr);
	snprintf(ev.hostname, sizeof(ev.hostname), "%s", h->hostname);
	snprintf(ev.stage, sizeof(ev.stage), "%s", stage);
	snprintf(ev.detail, sizeof(ev.detail), "%s", detail);
	if (db_queue(srv, &ev) == 0)
		srv->st.events_queued++;
}

/* An unknown MAC's DISCOVER: a row in discovered, rate-limited. */
static void
discovered(struct dhcp_srv *srv, const struct dhcp_rx *rx,
    const struct dhcp_msg *m, const char *macstr)
{
	struct db_event	 ev;
	char		 relay[ADDR_IP4_STRLEN] = "";

	switch (disc_check(srv->disc, srv->seed, &srv->disc_rate, m->chaddr,
	    rx->now_ms)) {
	case DISC_HELD_MAC:
		srv->st.disc_suppressed_mac++;
		return;
	case DISC_HELD_RATE:
		srv->st.disc_suppressed_rate++;
		warn_limited(srv, rx, "discovered MACs",
		    "over the rate limit; not all are recorded", NULL);
		return;
	case DISC_WRITE:
		break;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = DB_EV_DISCOVERED;
	ev.src = DB_SRC_DHCP;
	snprintf(ev.mac, sizeof(ev.mac), "%s", macstr);
	ev.arch = m->has_arch ? m->arch : -1;
	log_sanitise(ev.vendor_class, sizeof(ev.vendor_class), m->vendor_class,
	    m->vendor_class_len);
	if (m->giaddr != 0)
		addr_ip4_str(m->giaddr, relay);
	snprintf(ev.relay, sizeof(ev.relay), "%s", relay);
	log_note_info("dhcp: %s: DISCOVER from unknown MAC %s%s%s (arch %s, "
	    "vendor class \"%s\"): recorded, not answered", rx->ifname, macstr,
	    relay[0] != '\0' ? " via " : "", relay,
	    m->has_arch ? pxe_arch_name(m->arch) : "none", ev.vendor_class);
	if (db_queue(srv, &ev) == 0)
		srv->st.disc_queued++;
}

/* Reasons that point at the config or the inventory, not at the client. */
static int
reason_is_setup(enum dhcp_reason r)
{
	return r == DHCP_R_NO_SERVER_IP || r == DHCP_R_NO_SUBNET ||
	    r == DHCP_R_OUTSIDE_SUBNET || r == DHCP_R_BOOTFILE_LONG;
}

static void
handle_ignored(struct dhcp_srv *srv, const struct dhcp_rx *rx,
    const struct dhcp_msg *m, const struct dhcp_decision *d,
    const char *macstr, const char *why)
{
	srv->st.ignored++;
	if (d->reason < DHCP_R_MAX)
		srv->st.ignored_by[d->reason]++;
	if (d->discovered) {
		discovered(srv, rx, m, macstr);
		return;
	}
	/*
	 * Nothing is sent for these, so nothing else bounds them: the log
	 * line shares the boot events' rate.
	 */
	if (d->host != NULL && (d->reason == DHCP_R_RELEASE ||
	    d->reason == DHCP_R_DECLINE)) {
		if (boot_event_ok(srv, rx)) {
			boot_event(srv, d->host, d->reason == DHCP_R_RELEASE ?
			    "dhcp-release" : "dhcp-decline", why);
			log_note_info("dhcp: %s: %s from %s (%s)", rx->ifname,
			    dhcp_msg_type_name(m->type), macstr,
			    d->host->hostname);
		}
		return;
	}
	if (reason_is_setup(d->reason))
		warn_limited(srv, rx, macstr, why, NULL);
	else
		log_note_debug("dhcp: %s: %s from %s ignored: %s", rx->ifname,
		    dhcp_msg_type_name(m->type), macstr, why);
}

/* A reply has left: count, note the arch, log, record. */
static void
answer_sent(struct dhcp_srv *srv, const struct dhcp_sent *s)
{
	const struct dhcp_rx	*rx = &s->rx;
	const char		*stage, *name, *why = s->why;
	char			 yi[ADDR_IP4_STRLEN], to[ADDR_IP4_STRLEN];
	char			 via[ADDR_IP4_STRLEN + 8] = "", arch[48];
	char			 file[DHCP_BOOTFILE_MAX * 4 + 8];
	char			 detail[sizeof(file) + 160];
	int			 want_event;

	metrics_hist_observe(&srv->st.decide_send,
	    (double)(srv->sent_us - rx->read_us) / 1e6);
	switch (s->action) {
	case DHCP_ACT_OFFER:
		srv->st.offers++;
		stage = "dhcp-offer";
		break;
	case DHCP_ACT_ACK:
		srv->st.acks++;
		stage = "dhcp-ack";
		/* TFTP applies per-firmware limits by this. */
		if (s->has_arch && s->yiaddr != 0)
			archmap_set(&srv->bd->archmap, s->yiaddr, s->arch);
		break;
	default:
		srv->st.naks++;
		stage = "dhcp-nak";
		break;
	}
	/*
	 * The strings below cost more than building the reply: make them
	 * only for the info log or a boot event within its rate.
	 */
	want_event = boot_event_ok(srv, rx);
	if (!want_event && log_cur_level < LOG_LVL_INFO)
		return;
	name = dhcp_msg_type_name(s->type);
	addr_ip4_str(s->yiaddr, yi);
	addr_ip4_str(s->dest_ip, to);
	if (s->giaddr != 0) {
		memcpy(via, " via ", 6);
		addr_ip4_str(s->giaddr, via + 5);
	}
	if (s->has_arch)
		snprintf(arch, sizeof(arch), "%u (%s)", (unsigned int)s->arch,
		    pxe_arch_name(s->arch));
	else
		snprintf(arch, sizeof(arch), "none");
	log_sanitise(file, sizeof(file), s->bootfile, strlen(s->bootfile));
	if (s->action == DHCP_ACT_NAK) {
		log_note_info("dhcp: %s: NAK to %s (%s) for %s%s: %s",
		    rx->ifname, s->macstr, s->host->hostname,
		    dhcp_msg_type_name(s->req_type), via, why);
		snprintf(detail, sizeof(detail), "%s%s", why, via);
	} else {
		log_note_info("dhcp: %s: %s %s to %s (%s)%s arch %s%s file "
		    "\"%s\" -> %s:%u%s%s", rx->ifname, name, yi, s->macstr,
		    s->host->hostname, via, arch, s->is_ipxe ? " iPXE" : "",
		    file, to, s->dest_port, why != NULL ? ": " : "",
		    why != NULL ? why : "");
		snprintf(detail, sizeof(detail), "ip=%s arch=%s%s file=%s%s",
		    s->req_type == DHCP_INFORM ? "-" : yi, arch,
		    s->is_ipxe ? " ipxe" : "", file, via);
	}
	if (want_event)
		boot_event(srv, s->host, stage, detail);
}

/* dhcp_txq_flush()'s send: sendmmsg() on the listener, timed. */
static int
txq_send(void *arg, struct mmsghdr *v, unsigned int n)
{
	struct dhcp_srv	*srv = arg;
	int		 k;

	k = sendmmsg(srv->fd, v, n, 0);
	srv->sent_us = clock_mono_us();
	srv->st.send_calls++;
	return k;
}

/* dhcp_txq_flush()'s report on each reply: sent, or counted as not. */
static void
txq_done(void *arg, unsigned int i, int err)
{
	struct dhcp_srv		*srv = arg;
	const struct dhcp_sent	*s = &srv->sent[i];

	if (err != 0) {
		srv->st.send_errors++;
		warn_limited(srv, &s->rx, s->macstr, "reply not sent",
		    strerror(err));
		return;
	}
	answer_sent(srv, s);
}

/*
 * Sends the queued replies: the one place replies leave, one sendmmsg()
 * for all when nothing fails.
 */
static void
txq_flush(struct dhcp_srv *srv)
{
	dhcp_txq_flush(&srv->txq, txq_send, txq_done, srv);
}

/*
 * OFFER, ACK or NAK: built into the send queue where the policy planned
 * it (broadcasts out of the receiving interface, every reply from the
 * server address); answer_sent() does the rest once it has left.
 */
static void
handle_answer(struct dhcp_srv *srv, const struct dhcp_rx *rx,
    const struct dhcp_msg *m, const struct dhcp_decision *d,
    const char *macstr, const char *why)
{
	const struct dhcp_reply	*r = &d->reply;
	struct dhcp_sent	*s;
	uint8_t			*buf;
	ssize_t			 n;
	unsigned int		 i;

	if ((buf = dhcp_txq_next(&srv->txq)) == NULL) {
		txq_flush(srv);
		buf = dhcp_txq_next(&srv->txq);
	}
	if ((n = dhcp_reply_build(r, m, buf, DHCP_TXQ_PKT)) < 0) {
		srv->st.build_errors++;
		warn_limited(srv, rx, macstr, "reply does not fit the "
		    "client's maximum message size", NULL);
		return;
	}
	i = dhcp_txq_push(&srv->txq, (size_t)n, r->dest_ip, r->dest_port,
	    r->server_id, r->dest == DHCP_DEST_BROADCAST ? rx->ifindex : 0);
	s = &srv->sent[i];
	s->rx = *rx;
	s->host = d->host;
	s->action = d->action;
	s->why = why;
	memcpy(s->macstr, macstr, sizeof(s->macstr));
	s->req_type = m->type;
	s->giaddr = m->giaddr;
	s->has_arch = m->has_arch;
	s->arch = m->arch;
	s->is_ipxe = m->is_ipxe;
	s->type = r->type;
	s->yiaddr = r->yiaddr;
	s->dest_ip = r->dest_ip;
	s->dest_port = r->dest_port;
	memcpy(s->bootfile, r->bootfile, sizeof(s->bootfile));
}

static void
handle_packet(struct dhcp_srv *srv, const uint8_t *p, size_t len,
    const struct dhcp_rx *rx)
{
	const struct bootd_config *cfg = srv->bd->cfg;
	struct dhcp_msg		 m;
	struct dhcp_decision	 d;
	const char		*why;
	char			 macstr[ADDR_MAC_STRLEN];
	uint32_t		 server_ip;

	if (!iface_allowed(cfg, rx->ifname)) {
		srv->st.other_iface++;
		return;
	}
	if (dhcp_msg_parse(p, len, &m, &why) == -1) {
		srv->st.malformed++;
		warn_limited(srv, rx, "malformed packet dropped", why, NULL);
		return;
	}
	addr_mac_str(m.chaddr, macstr);
	server_ip = server_ip_for(rx);
	dhcp_policy_decide(&m, srv->bd->snap, cfg, server_ip, &d, &why);
	log_note_debug("dhcp: %s: %s xid %08" PRIx32 " from %s: %s",
	    rx->ifname, dhcp_msg_type_name(m.type), m.xid, macstr,
	    dhcp_action_name(d.action));
	if (d.action == DHCP_ACT_IGNORE)
		handle_ignored(srv, rx, &m, &d, macstr, why);
	else
		handle_answer(srv, rx, &m, &d, macstr, why);
}

/* One datagram as recvmmsg() left it: where it came from, then handle it. */
static void
rx_packet(struct dhcp_srv *srv, struct msghdr *msg, size_t len, uint64_t now)
{
	struct dhcp_rx		 rx;
	struct in_pktinfo	 pi;

	srv->st.received++;
	memset(&rx, 0, sizeof(rx));
	memcpy(&rx.peer, msg->msg_name, sizeof(rx.peer));
	rx.now_ms = us_to_ms(now);
	rx.read_us = now;
	if (pktinfo_get(msg, &pi) == 0) {
		rx.ifindex = pi.ipi_ifindex;
		rx.dst = ntohl(pi.ipi_addr.s_addr);
		rx.spec_dst = ntohl(pi.ipi_spec_dst.s_addr);
	}
	iface_get(srv, &rx);
	if (msg->msg_namelen < sizeof(rx.peer) ||
	    rx.peer.sin_family != AF_INET || rx.peer.sin_port == 0 ||
	    rx.ifindex == 0) {
		srv->st.malformed++;
		warn_limited(srv, &rx, "packet dropped",
		    "no source port or receiving interface", NULL);
		return;
	}
	if (msg->msg_flags & MSG_TRUNC) {
		srv->st.malformed++;
		warn_limited(srv, &rx, "malformed packet dropped",
		    "datagram longer than 4096 bytes", NULL);
		return;
	}
	handle_packet(srv, msg->msg_iov[0].iov_base, len, &rx);
}

/*
 * Reads up to DHCP_RECV_BURST datagrams, DHCP_RECV_BATCH per recvmmsg():
 * a short batch means the socket is empty, so a quiet server makes one
 * call per wakeup and a busy one a call per batch, not one per datagram
 * plus the EAGAIN. The burst's replies then leave in one sendmmsg().
 */
static void
listener_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dhcp_srv		*srv = arg;
	struct mmsghdr		 mm[DHCP_RECV_BATCH];
	struct iovec		 iov[DHCP_RECV_BATCH];
	struct sockaddr_in	 peer[DHCP_RECV_BATCH];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	}			 cbuf[DHCP_RECV_BATCH];
	uint64_t		 now;
	int			 i, n, total = 0;

	(void)fd;
	(void)what;
	do {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < DHCP_RECV_BATCH; i++) {
			iov[i].iov_base = srv->rbuf[i];
			iov[i].iov_len = sizeof(srv->rbuf[i]);
			mm[i].msg_hdr.msg_name = &peer[i];
			mm[i].msg_hdr.msg_namelen = sizeof(peer[i]);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_control = &cbuf[i];
			mm[i].msg_hdr.msg_controllen = sizeof(cbuf[i]);
		}
		do
			n = recvmmsg(srv->fd, mm, DHCP_RECV_BATCH, MSG_DONTWAIT,
			    NULL);
		while (n == -1 && errno == EINTR);
		if (n <= 0)
			break;	/* EAGAIN: the burst is over */
		/* The one clock read per batch, shared by its datagrams. */
		now = clock_mono_us();
		for (i = 0; i < n; i++)
			rx_packet(srv, &mm[i].msg_hdr, mm[i].msg_len, now);
		total += n;
	} while (n == DHCP_RECV_BATCH && total < DHCP_RECV_BURST);
	txq_flush(srv);
}

struct dhcp_srv *
dhcp_start(struct bootd *bd, char *err, size_t errlen)
{
	const struct bootd_config	*cfg = bd->cfg;
	struct dhcp_srv			*srv;
	struct sockaddr_in		 sin;
	int64_t				 now = now_ms();
	int				 on = 1, rcvbuf = DHCP_RCVBUF;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->bd = bd;
	srv->fd = -1;
	if (metrics_hist_init(&srv->st.decide_send, dhcp_latency_bounds,
	    sizeof(dhcp_latency_bounds) / sizeof(*dhcp_latency_bounds)) == -1) {
		snprintf(err, errlen, "bad reply latency buckets");
		goto fail;
	}
	rl_bucket_init(&srv->disc_rate, DHCP_DISC_RATE, DHCP_DISC_BURST, now);
	rl_bucket_init(&srv->event_rate, DHCP_EVENT_RATE, DHCP_EVENT_BURST, now);
	/* Without entropy the table still works; it is only less salted. */
	if (getrandom(&srv->seed, sizeof(srv->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(srv->seed))
		srv->seed = (uint32_t)now ^ (uint32_t)getpid();

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)cfg->dhcp.port);
	sin.sin_addr.s_addr = htonl(cfg->dhcp.listen_ip);
	if ((srv->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(srv->fd, IPPROTO_IP, IP_PKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(srv->fd, SOL_SOCKET, SO_BROADCAST, &on,
	    sizeof(on)) == -1 ||
	    /* No SO_REUSEADDR: a second bootd on this port must fail. */
	    bind(srv->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(err, errlen, "cannot listen on %s:%d/udp: %s",
		    cfg->dhcp.listen, cfg->dhcp.port, strerror(errno));
		goto fail;
	}
	/*
	 * With the default buffer (about 200 KiB: a hundred requests, as
	 * the kernel counts them) a loop held up for 20 ms during a boot
	 * storm of 5,000 requests/s drops some, and each costs its client a
	 * retransmission seconds later. Best effort: past net.core.rmem_max
	 * only with CAP_NET_ADMIN (SO_RCVBUFFORCE).
	 */
	if (setsockopt(srv->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1 && setsockopt(srv->fd, SOL_SOCKET,
	    SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == -1)
		log_warn("dhcp: SO_RCVBUF %d", rcvbuf);
	if ((srv->ev = event_new(bd->base, srv->fd, EV_READ | EV_PERSIST,
	    listener_cb, srv)) == NULL || event_add(srv->ev, NULL) == -1) {
		snprintf(err, errlen, "cannot add the listener event");
		goto fail;
	}
	log_info("dhcp: listening on %s:%d%s", cfg->dhcp.listen,
	    cfg->dhcp.port, cfg->dhcp.interfaces.n > 0 ?
	    " (configured interfaces only)" : "");
	return srv;
fail:
	dhcp_stop(srv);
	return NULL;
}

void
dhcp_stop(struct dhcp_srv *srv)
{
	const struct dhcp_stats *st;

	if (srv == NULL)
		return;
	st = &srv->st;
	if (srv->ev != NULL)
		log_info("dhcp: stopping: received %" PRIu64 ", offers %" PRIu64
		    ", acks %" PRIu64 ", naks %" PRIu64 ", ignored %" PRIu64
		    " (unknown MAC %" PRIu64 "), malformed %" PRIu64
		    ", other interfaces %" PRIu64 ", build errors %" PRIu64
		    ", send errors %" PRIu64 ", sendmmsg calls %" PRIu64
		    ", discovered queued %" PRIu64
		    " suppressed %" PRIu64 " (per MAC %" PRIu64 ", rate %"
		    PRIu64 "), events queued %" PRIu64 " suppressed %" PRIu64
		    ", DB queue full %" PRIu64,
		    st->received, st->offers, st->acks, st->naks, st->ignored,
		    st->ignored_by[DHCP_R_UNKNOWN_MAC], st->malformed,
		    st->other_iface, st->build_errors, st->send_errors,
		    st->send_calls,
		    st->disc_queued,
		    st->disc_suppressed_mac + st->disc_suppressed_rate,
		    st->disc_suppressed_mac, st->disc_suppressed_rate,
		    st->events_queued, st->events_suppressed,
		    st->db_queue_full);
	if (srv->ev != NULL)
		event_free(srv->ev);
	if (srv->fd != -1)
		close(srv->fd);
	free(srv);
}

const struct dhcp_stats *
dhcp_stats(const struct dhcp_srv *srv)
{
	return &srv->st;
}
