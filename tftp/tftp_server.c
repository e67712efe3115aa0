/* SPDX-License-Identifier: ISC */
/*
 * tftp_server: the :69 listener and request intake: parse, refuse (caps
 * on transfers, per client and on descriptors, write requests, names
 * outside the root), find the file (virtual menu or real file), negotiate
 * options within the configured and per-firmware limits, then hand the
 * request to a transfer (tftp_xfer.c). The open files transfers share
 * are tftp_file.c's. Nothing here blocks: the socket is non-blocking.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "bootd/log.h"
#include "bootd/pktinfo.h"
#include "tftp/tftp_file.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_proto.h"
#include "tftp/tftp_resolve.h"
#include "tftp/tftp_server.h"
#include "tftp/tftp_xfer.h"

/* Upper bounds of bootd_tftp_transfer_duration_seconds' buckets. */
static const double tftp_duration_bounds[] = {
	0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
};

/* Log keys (log_peer_keyed_*): one line a second per reason at most. */
static const char	TFTP_NOFD[] = "out of descriptors";

/* Requests. */

/* The MTU of the interface a request came in on, or 0 when unknown. */
static unsigned int
iface_mtu(int fd, int ifindex)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ifindex <= 0 || if_indextoname((unsigned int)ifindex,
	    ifr.ifr_name) == NULL || ioctl(fd, SIOCGIFMTU, &ifr) == -1)
		return 0;
	return (unsigned int)ifr.ifr_mtu;
}

/*
 * Per-firmware limits from the config, for the architecture bootd's DHCP
 * server last saw at this IP (RFC 4578 option 93; -1 unknown).
 */
static void
arch_limits(const struct bootd_config *cfg, int arch, struct tftp_limits *lim)
{
	int bs, ws;

	switch (pxe_arch_limits(arch)) {
	case PXE_LIMITS_BIOS:
		bs = cfg->tftp.bios.max_blksize;
		ws = cfg->tftp.bios.max_windowsize;
		break;
	case PXE_LIMITS_EFI:
		bs = cfg->tftp.efi.max_blksize;
		ws = cfg->tftp.efi.max_windowsize;
		break;
	default:
		return;
	}
	if (bs > 0 && bs < lim->max_blksize)
		lim->max_blksize = (uint16_t)bs;
	if (ws > 0 && ws < lim->max_windowsize)
		lim->max_windowsize = (uint16_t)ws;
}

static size_t
client_count(const struct tftp_srv *srv, const struct sockaddr_in *peer)
{
	const struct tftp_xfer	*x;
	size_t			 n = 0;

	TAILQ_FOREACH(x, &srv->xfers, entry)
		if (x->peer.sin_addr.s_addr == peer->sin_addr.s_addr)
			n++;
	return n;
}

static int
is_duplicate(const struct tftp_srv *srv, const struct sockaddr_in *peer)
{
	const struct tftp_xfer *x;

	TAILQ_FOREACH(x, &srv->xfers, entry)
		if (x->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
		    x->peer.sin_port == peer->sin_port)
			return 1;
	return 0;
}

/*
 * Refuses a request: error packet from the listener, a log line, a count.
 * why is a static string: it keys the log limiter, so each reason gets
 * its line a second however many requests are refused.
 */
static void
refuse_detail(struct tftp_srv *srv, const struct sockaddr_in *peer,
    const char *peerstr, const char *name, enum tftp_err code,
    const char *why, const char *detail, uint64_t *counter)
{
	char esc[TFTP_PATH_MAX * 4 + 8];

	(*counter)++;
	if (detail != NULL && *detail != '\0') {
		/* What failed is the admin's to fix: a warning. */
		log_sanitise(esc, sizeof(esc), name, strlen(name));
		log_peer_keyed_warnx(why, "tftp: %s: \"%s\" refused: %s: %s",
		    peerstr, esc, why, detail);
	} else if (log_cur_level >= LOG_LVL_INFO) {
		log_sanitise(esc, sizeof(esc), name, strlen(name));
		log_peer_keyed_info(why, "tftp: %s: \"%s\" refused: %s",
		    peerstr, esc, why);
	}
	tftp_send_error(srv->fd, peer, code, why);
}

static void
refuse(struct tftp_srv *srv, const struct sockaddr_in *peer,
    const char *peerstr, const char *name, enum tftp_err code,
    const char *why, uint64_t *counter)
{
	refuse_detail(srv, peer, peerstr, name, code, why, NULL, counter);
}

/*
 * Out of descriptors (EMFILE, ENFILE) for the transfer's socket or file:
 * the client hears "server busy" and retries later, like at a cap; the
 * log says what ran out, at most once a second.
 */
static void
refuse_nofd(struct tftp_srv *srv, const struct sockaddr_in *peer,
    const char *peerstr, const char *what, int err)
{
	srv->st.busy++;
	srv->st.nofd++;
	log_peer_keyed_warnx(TFTP_NOFD, "tftp: %s: out of descriptors for "
	    "the %s (%s): answered \"%s\"", peerstr, what, strerror(err),
	    tftp_busy);
	tftp_send_error(srv->fd, peer, TFTP_EUNDEF, tftp_busy);
}

/*
 * Finds the file for a request from peer (host order): virtual menus
 * first, then the root (tftp_resolve()).
 * Returns a reference, or NULL with *code and *why (static) set, and
 * detail (detaillen bytes) saying what failed for a menu that does not
 * render ("" otherwise); *res is the tftp_path result (TFTP_PATH_ENFILE:
 * out of descriptors). Logs nothing: the caller logs the refusal once.
 */
static struct tftp_file *
request_file(struct tftp_srv *srv, const char *name, uint32_t peer,
    enum tftp_err *code, const char **why, int *res, char *detail,
    size_t detaillen)
{
	struct tftp_resolved	 r;
	struct tftp_file	*f = NULL;
	int			 e;

	/* tftp_resolve.h: the answer HTTP's /files/ gives too. */
	*res = TFTP_PATH_OK;
	*code = TFTP_EUNDEF;
	if (tftp_resolve(&r, srv->bd->cfg, srv->bd->snap, name,
	    peer) == TFTP_R_OPEN) {
		f = tftp_file_open(&srv->files, srv->bd->rootfd, name, res,
		    why);
		e = errno;
		tftp_resolve_opened(&r, *res, f != NULL ? NULL : *why);
		errno = e;	/* for refuse_nofd() */
	}
	switch (r.kind) {
	case TFTP_R_REAL:
		return f;
	case TFTP_R_VIRTUAL:
		srv->st.virtual_files++;
		if ((f = tftp_file_virtual(r.body, r.len)) == NULL) {
			*code = TFTP_EUNDEF;
			*why = "out of memory";
		}
		return f;
	default:
		snprintf(detail, detaillen, "%s", r.detail);
		*res = r.path_res;
		*code = r.tftp_code;
		*why = r.why;
		return NULL;
	}
}

static void
handle_request(struct tftp_srv *srv, const uint8_t *p, size_t len,
    const struct sockaddr_in *peer, struct in_addr local, int ifindex)
{
	struct bootd_config	*cfg = srv->bd->cfg;
	struct tftp_file	*f = NULL;
	struct tftp_xfer	*x;
	struct tftp_req		 req;
	struct tftp_limits	 lim;
	struct tftp_opts	 opts;
	const char		*why;
	char			 peerstr[32], norm[TFTP_PATH_MAX + 1];
	char			 detail[TFTP_RESOLVE_DETAIL];
	enum tftp_err		 code;
	uint64_t		 tsize;
	unsigned int		 mtu;
	int			 res, nofd;

	addr_sin_str(peer, peerstr, sizeof(peerstr));
	/*
	 * DATA, ACK, ERROR or OACK at the listener belong to no transfer:
	 * dropped and counted, never answered (an ERROR must not be).
	 */
	if (len >= 2 && p[0] == 0 && p[1] >= TFTP_OP_DATA &&
	    p[1] <= TFTP_OP_OACK) {
		srv->st.bad_packets++;
		return;
	}
	if (tftp_req_parse(p, len, &req, &why) == -1) {
		srv->st.bad_packets++;
		refuse(srv, peer, peerstr, "", TFTP_EBADOP, why,
		    &srv->st.refused);
		return;
	}
	if (req.op == TFTP_OP_WRQ) {
		refuse(srv, peer, peerstr, req.filename, TFTP_EACCESS,
		    "write requests are refused", &srv->st.refused);
		return;
	}
	/* A retransmitted RRQ: the transfer for it is already running. */
	if (is_duplicate(srv, peer))
		return;
	if (srv->nxfers >= (size_t)cfg->tftp.max_transfers ||
	    client_count(srv, peer) >= (size_t)cfg->tftp.max_per_client) {
		refuse(srv, peer, peerstr, req.filename, TFTP_EUNDEF,
		    tftp_busy, &srv->st.busy);
		return;
	}
	if (tftp_path_normalise(req.filename, norm, sizeof(norm), &why) == -1) {
		refuse(srv, peer, peerstr, req.filename, TFTP_EACCESS, why,
		    &srv->st.refused);
		return;
	}
	if ((f = request_file(srv, norm, ntohl(peer->sin_addr.s_addr), &code,
	    &why, &res, detail, sizeof(detail))) == NULL) {
		if (res == TFTP_PATH_ENFILE)
			refuse_nofd(srv, peer, peerstr, "file", errno);
		else
			refuse_detail(srv, peer, peerstr, norm, code, why,
			    detail, &srv->st.refused);
		return;
	}

	/* Negotiation (pure): limits from the config and the path MTU. */
	memset(&lim, 0, sizeof(lim));
	lim.max_blksize = (uint16_t)cfg->tftp.max_blksize;
	lim.max_windowsize = (uint16_t)cfg->tftp.max_windowsize;
	lim.max_timeout = (uint8_t)cfg->tftp.max_timeout;
	if ((mtu = iface_mtu(srv->fd, ifindex)) > 0)
		lim.mtu_blksize = tftp_mtu_blksize(mtu);
	arch_limits(cfg, archmap_get(&srv->bd->archmap,
	    ntohl(peer->sin_addr.s_addr)), &lim);
	tsize = f->size;
	if (req.mode == TFTP_MODE_NETASCII)
		tsize = f->fd == -1 ? tftp_netascii_size(
		    (const uint8_t *)f->data, f->size) : TFTP_TSIZE_UNKNOWN;
	/* curl refuses an OACK with tsize 0: an empty file acks no tsize. */
	if (tsize == 0)
		tsize = TFTP_TSIZE_UNKNOWN;
	if (tftp_negotiate(&req, &lim, tsize, &opts) == -1) {
		refuse(srv, peer, peerstr, norm, TFTP_EOPTNEG,
		    "option negotiation failed", &srv->st.refused);
		tftp_file_unref(f);
		return;
	}
	/* The transfer takes f over, also when it cannot be set up. */
	if ((x = tftp_xfer_new(srv, peer, peerstr, norm, req.mode, &opts, f,
	    local, &why, &nofd)) == NULL) {
		if (nofd != 0)
			refuse_nofd(srv, peer, peerstr, "socket", nofd);
		else
			refuse(srv, peer, peerstr, norm, TFTP_EUNDEF, why,
			    &srv->st.busy);
		return;
	}
	tftp_xfer_start(x);
}

static void
listener_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_srv		*srv = arg;
	struct sockaddr_in	 peer;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct in_pktinfo	 pi;
	struct in_addr		 local;
	union pktinfo_cmsg	 cbuf;
	ssize_t			 n;
	int			 i, ifindex;

	for (i = 0; i < TFTP_RECV_BURST; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = srv->rbuf;
		iov.iov_len = sizeof(srv->rbuf);
		msg.msg_name = &peer;
		msg.msg_namelen = sizeof(peer);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = &cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if ((n = recvmsg(srv->fd, &msg, 0)) == -1)
			return;
		if (peer.sin_family != AF_INET || peer.sin_port == 0) {
			srv->st.bad_packets++;
			continue;
		}
		local.s_addr = htonl(srv->bd->cfg->tftp.listen_ip);
		ifindex = 0;
		if (pktinfo_get(&msg, &pi) == 0) {
			local = pi.ipi_addr;
			ifindex = pi.ipi_ifindex;
		}
		handle_request(srv, srv->rbuf, (size_t)n, &peer, local,
		    ifindex);
	}
}

/*
 * The transfers' I/O path, said once in the log: io_uring when
 * tftp.io_uring is "auto" and the kernel allows it, else epoll. Either
 * serves; the ring only costs fewer system calls per block.
 */
static void
tftp_ring_choose(struct tftp_srv *srv)
{
	const char *why = NULL;

	if (strcmp(srv->bd->cfg->tftp.io_uring, "off") == 0)
		log_info("tftp: transfers on epoll (tftp.io_uring = off)");
	else if ((srv->ring = tftp_ring_new(srv->bd->base,
	    &tftp_xfer_ring_ops, &why)) == NULL)
		log_info("tftp: io_uring unavailable (%s); transfers on epoll",
		    why);
	else {
		srv->st.io_uring = 1;
		log_info("tftp: transfers on io_uring (multishot receives, "
		    "sends batched per loop pass)");
	}
}

struct tftp_srv *
tftp_start(struct bootd *bd, char *err, size_t errlen)
{
	const struct bootd_config	*cfg = bd->cfg;
	struct tftp_srv			*srv;
	struct sockaddr_in		 sin;
	int				 on = 1;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->bd = bd;
	srv->fd = -1;
	TAILQ_INIT(&srv->xfers);
	LIST_INIT(&srv->files);
	if (metrics_hist_init(&srv->st.duration, tftp_duration_bounds,
	    sizeof(tftp_duration_bounds) / sizeof(*tftp_duration_bounds)) ==
	    -1) {
		snprintf(err, errlen, "bad transfer duration buckets");
		goto fail;
	}
	if (bd->rootfd == -1) {
		snprintf(err, errlen, "paths.tftp_root %s is not open",
		    cfg->paths.tftp_root);
		goto fail;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)cfg->tftp.port);
	sin.sin_addr.s_addr = htonl(cfg->tftp.listen_ip);
	if ((srv->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(srv->fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == -1 ||
	    /* No SO_REUSEADDR: a second bootd on this port must fail. */
	    bind(srv->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(err, errlen, "cannot listen on %s:%d/udp: %s",
		    cfg->tftp.listen, cfg->tftp.port, strerror(errno));
		goto fail;
	}
	if ((srv->ev = event_new(bd->base, srv->fd, EV_READ | EV_PERSIST,
	    listener_cb, srv)) == NULL || event_add(srv->ev, NULL) == -1) {
		snprintf(err, errlen, "cannot add the listener event");
		goto fail;
	}
	tftp_ring_choose(srv);
	return srv;
fail:
	tftp_stop(srv);
	return NULL;
}

void
tftp_stop(struct tftp_srv *srv)
{
	struct tftp_xfer *x;

	if (srv == NULL)
		return;
	while ((x = TAILQ_FIRST(&srv->xfers)) != NULL)
		tftp_xfer_end(x, "server stopping", &srv->st.failed);
	/* After the transfers: it releases those with a send in flight. */
	tftp_ring_free(srv->ring);
	if (srv->ev != NULL)
		event_free(srv->ev);
	if (srv->fd != -1)
		close(srv->fd);
	free(srv);
}

size_t
tftp_active(const struct tftp_srv *srv)
{
	return srv != NULL ? srv->nxfers : 0;
}

const struct tftp_stats *
tftp_stats(const struct tftp_srv *srv)
{
	return &srv->st;
}
