/* SPDX-License-Identifier: ISC */
/* Unit tests for bootd/addr: MAC, IPv4 and CIDR parsing and printing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bootd/addr.h"

static void
test_mac(void **state)
{
	static const char *const good[] = {
		"52:54:00:ab:CD:ef", "52-54-00-AB-cd-EF", "00:00:00:00:00:00",
	};
	static const char *const bad[] = {
		"", "52:54:00:ab:cd", "52:54:00:ab:cd:ef:01", "52:54-00:ab:cd:ef",
		"zz:54:00:ab:cd:ef", "5:254:00:ab:cd:ef", "52:54:00:ab:cd:e",
		"52.54.00.ab.cd.ef", "52:54:00:ab:cd:ef ", " 52:54:00:ab:cd:ef",
	};
	uint8_t	mac[ADDR_MAC_LEN];
	char	s[ADDR_MAC_STRLEN];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(addr_mac_parse(good[i], mac), 0);
		addr_mac_str(mac, s);
		if (i < 2)
			assert_string_equal(s, "52:54:00:ab:cd:ef");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(addr_mac_parse(bad[i], mac), -1);
	assert_int_equal(addr_mac_parse(NULL, mac), -1);
}

static void
test_ip4(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04", "1..2.3",
		"a.b.c.d", "1.2.3.4 ", "-1.2.3.4", "1.2.3.4/24", "1.2.3.1000",
	};
	uint32_t ip;
	char	 s[ADDR_IP4_STRLEN];
	size_t	 i;

	assert_int_equal(addr_ip4_parse("10.213.0.1", &ip), 0);
	assert_int_equal(ip, 0x0ad50001u);
	addr_ip4_str(ip, s);
	assert_string_equal(s, "10.213.0.1");
	assert_int_equal(addr_ip4_parse("255.255.255.255", &ip), 0);
	assert_int_equal(ip, 0xffffffffu);
	assert_int_equal(addr_ip4_parse("0.0.0.0", &ip), 0);
	assert_int_equal(ip, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(addr_ip4_parse(bad[i], &ip), -1);
}

static void
test_cidr(void **state)
{
	uint32_t net;
	int	 prefix;

	assert_int_equal(addr_cidr_parse("10.213.0.0/16", &net, &prefix), 0);
	assert_int_equal(net, 0x0ad50000u);
	assert_int_equal(prefix, 16);
	assert_int_equal(addr_cidr_parse("10.0.0.7", &net, &prefix), 0);
	assert_int_equal(prefix, 32);
	assert_int_equal(addr_cidr_parse("0.0.0.0/0", &net, &prefix), 0);
	assert_int_equal(prefix, 0);
	assert_int_equal(addr_cidr_parse("10.0.0.1/8", &net, &prefix), -1);
	assert_int_equal(addr_cidr_parse("10.0.0.0/33", &net, &prefix), -1);
	assert_int_equal(addr_cidr_parse("10.0.0.0/", &net, &prefix), -1);
	assert_int_equal(addr_cidr_parse("10.0.0.0/008", &net, &prefix), -1);
	assert_int_equal(addr_cidr_parse("10.0.0.0/8x", &net, &prefix), -1);
	assert_int_equal(addr_prefix_mask(0), 0);
	assert_int_equal(addr_prefix_mask(24), 0xffffff00u);
	assert_int_equal(addr_prefix_mask(32), 0xffffffffu);
	assert_true(addr_in_net(0x0ad50105u, 0x0ad50000u, 16));
	assert_false(addr_in_net(0x0ad60105u, 0x0ad50000u, 16));
	assert_true(addr_in_net(0x01020304u, 0, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_ip4),
		cmocka_unit_test(test_cidr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
