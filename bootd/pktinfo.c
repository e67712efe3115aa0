/* SPDX-License-Identifier: ISC */
/*
 * pktinfo: reads and writes IP_PKTINFO control messages. Pure: touches
 * only the message and buffers it is given.
 */
#include <string.h>

#include "bootd/pktinfo.h"

int
pktinfo_get(struct msghdr *msg, struct in_pktinfo *out)
{
	struct cmsghdr	*cm;
	int		 found = -1;

	if (msg->msg_control == NULL)
		return -1;
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(*out))) {
			memcpy(out, CMSG_DATA(cm), sizeof(*out));
			found = 0;
		}
	return found;
}

void
pktinfo_set(struct msghdr *msg, union pktinfo_cmsg *cm,
    const struct in_pktinfo *pi)
{
	struct cmsghdr *h;

	memset(cm, 0, sizeof(*cm));
	msg->msg_control = cm->buf;
	msg->msg_controllen = sizeof(cm->buf);
	h = CMSG_FIRSTHDR(msg);
	h->cmsg_level = IPPROTO_IP;
	h->cmsg_type = IP_PKTINFO;
	h->cmsg_len = CMSG_LEN(sizeof(*pi));
	memcpy(CMSG_DATA(h), pi, sizeof(*pi));
}
