/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/pktinfo: the IP_PKTINFO walk and builder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "bootd/pktinfo.h"

/* Control data with an unrelated message before IP_PKTINFO. */
union two_cmsgs {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(int)) +
			    CMSG_SPACE(sizeof(struct in_pktinfo))];
};

static void
pi_make(struct in_pktinfo *pi, int ifindex, const char *addr,
    const char *spec)
{
	memset(pi, 0, sizeof(*pi));
	pi->ipi_ifindex = ifindex;
	inet_pton(AF_INET, addr, &pi->ipi_addr);
	inet_pton(AF_INET, spec, &pi->ipi_spec_dst);
}

static void
test_roundtrip(void **state)
{
	union pktinfo_cmsg	cm;
	struct msghdr		msg;
	struct in_pktinfo	in, out;

	(void)state;
	memset(&msg, 0, sizeof(msg));
	pi_make(&in, 7, "10.213.0.1", "10.213.0.2");
	pktinfo_set(&msg, &cm, &in);
	assert_ptr_equal(msg.msg_control, cm.buf);
	assert_int_equal(msg.msg_controllen, sizeof(cm.buf));
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(pktinfo_get(&msg, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));
}

static void
test_among_others(void **state)
{
	union two_cmsgs		cb;
	struct msghdr		msg;
	struct cmsghdr		*cm;
	struct in_pktinfo	in, out;
	int			one = 1;

	(void)state;
	memset(&cb, 0, sizeof(cb));
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = cb.buf;
	msg.msg_controllen = sizeof(cb.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SO_TIMESTAMP;
	cm->cmsg_len = CMSG_LEN(sizeof(one));
	memcpy(CMSG_DATA(cm), &one, sizeof(one));
	pi_make(&in, 3, "127.0.0.1", "127.0.0.2");
	cm = CMSG_NXTHDR(&msg, cm);
	assert_non_null(cm);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(in));
	memcpy(CMSG_DATA(cm), &in, sizeof(in));
	assert_int_equal(pktinfo_get(&msg, &out), 0);
	assert_int_equal(out.ipi_ifindex, 3);
	assert_int_equal(out.ipi_addr.s_addr, htonl(0x7f000001));
	assert_int_equal(out.ipi_spec_dst.s_addr, htonl(0x7f000002));

	/* Only the unrelated message: none found, *out untouched. */
	msg.msg_controllen = CMSG_SPACE(sizeof(int));
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(pktinfo_get(&msg, &out), -1);
	assert_int_equal(out.ipi_ifindex, (int)0xa5a5a5a5);
}

static void
test_none(void **state)
{
	union pktinfo_cmsg	cb;
	struct msghdr		msg;
	struct in_pktinfo	out;
	struct cmsghdr		*cm;

	(void)state;
	memset(&msg, 0, sizeof(msg));
	assert_int_equal(pktinfo_get(&msg, &out), -1);	/* no control */
	msg.msg_control = cb.buf;
	msg.msg_controllen = 0;				/* recvmsg: none */
	assert_int_equal(pktinfo_get(&msg, &out), -1);

	/* A message too short to hold the struct is not read. */
	memset(&cb, 0, sizeof(cb));
	msg.msg_controllen = sizeof(cb.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	assert_int_equal(pktinfo_get(&msg, &out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_among_others),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
