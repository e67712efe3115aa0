/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/sockowner: /proc/net/{udp,tcp} lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "bootd/sockowner.h"

#define UDP_HDR	"   sl  local_address rem_address   st tx_queue rx_queue " \
	"tr tm->when retrnsmt   uid  timeout inode ref pointer drops"
#define UDP_69	"  812: 00000000:0045 00000000:0000 07 00000000:00000000 " \
	"00:00000000 00000000     0        0 4242 2 00000000c0ffee00 0"
#define UDP6_67	"  113: 00000000000000000000000000000000:0043 " \
	"00000000000000000000000000000000:0000 07 00000000:00000000 " \
	"00:00000000 00000000   998        0 777 2 0000000000000000 0"
#define TCP_80L	"   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 " \
	"00:00000000 00000000     0        0 31337 1 0000000000000000 100 0"
#define TCP_80E	"   1: 0100007F:0050 0100007F:C3DA 01 00000000:00000000 " \
	"02:00000A3B 00000000     0        0 31338 2 0000000000000000 20 4"

static void
test_parse(void **state)
{
	unsigned long ino = 0;

	assert_int_equal(sockowner_parse(UDP_HDR, 0, 69, &ino), 0);
	assert_int_equal(sockowner_parse(UDP_69, 0, 69, &ino), 1);
	assert_int_equal(ino, 4242);
	assert_int_equal(sockowner_parse(UDP_69, 0, 67, &ino), 0);
	assert_int_equal(sockowner_parse(UDP6_67, 0, 67, &ino), 1);
	assert_int_equal(ino, 777);
	/* TCP: the listener only, not a connection on the same port. */
	assert_int_equal(sockowner_parse(TCP_80L, 1, 80, &ino), 1);
	assert_int_equal(ino, 31337);
	assert_int_equal(sockowner_parse(TCP_80E, 1, 80, &ino), 0);
	/* Junk. */
	assert_int_equal(sockowner_parse("", 0, 69, &ino), 0);
	assert_int_equal(sockowner_parse("  1: zz:0045 0:0 07", 0, 69, &ino),
	    0);
	assert_int_equal(sockowner_parse("  1: 0:00G5 0:0 07 0:0 0:0 0 0 0 1",
	    0, 69, &ino), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
