/* SPDX-License-Identifier: ISC */
/*
 * pktinfo: IP_PKTINFO control messages, the one walk over what recvmsg()
 * left and the one builder for a sendmsg() from a given address or
 * interface. Pure: no I/O, the caller owns the message and its buffers.
 */
#ifndef BOOTD_PKTINFO_H
#define BOOTD_PKTINFO_H

#include <sys/socket.h>
#include <netinet/in.h>

/*
 * Room for one IP_PKTINFO control message, aligned as a cmsghdr must be:
 * give recvmsg() (msg_control, msg_controllen = sizeof) or pktinfo_set()
 * one of these.
 */
union pktinfo_cmsg {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
};

/*
 * Finds the IP_PKTINFO message in msg's control data (as recvmsg() left
 * it; msg is only read, CMSG_NXTHDR just takes it non-const) and copies
 * it to *out: the receiving interface (ipi_ifindex), the packet's
 * destination (ipi_addr) and the local address a reply would leave from
 * (ipi_spec_dst). Copied with memcpy: CMSG_DATA() promises no alignment
 * for the struct. When there are several, the last wins. Returns 0, or
 * -1 with *out untouched when there is none (or msg carries no control
 * data).
 */
int	pktinfo_get(struct msghdr *msg, struct in_pktinfo *out);

/*
 * Makes cm the control data of msg: one IP_PKTINFO message holding *pi,
 * so that sendmsg() on an IP_PKTINFO socket sends from pi->ipi_spec_dst
 * (when not 0.0.0.0) out of interface pi->ipi_ifindex (when not 0).
 * Borrows cm: it must outlive the sendmsg().
 */
void	pktinfo_set(struct msghdr *msg, union pktinfo_cmsg *cm,
	    const struct in_pktinfo *pi);

#endif
