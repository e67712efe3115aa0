/* SPDX-License-Identifier: ISC */
/*
 * addr: MAC, IPv4 and CIDR parsing and printing.
 * Pure: no I/O, no allocation, no logging.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "bootd/addr.h"
#include "bootd/escape.h"

int
addr_mac_parse(const char *s, uint8_t mac[ADDR_MAC_LEN])
{
	char	 sep;
	int	 i, hi, lo;

	if (s == NULL || strlen(s) != ADDR_MAC_STRLEN - 1)
		return -1;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -1;
	for (i = 0; i < ADDR_MAC_LEN; i++) {
		hi = hex_digit((unsigned char)s[i * 3]);
		lo = hex_digit((unsigned char)s[i * 3 + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		if (i < ADDR_MAC_LEN - 1 && s[i * 3 + 2] != sep)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
addr_mac_str(const uint8_t mac[ADDR_MAC_LEN], char *buf)
{
	snprintf(buf, ADDR_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int
addr_ip4_parse(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	int	 part, digits, val;

	if (s == NULL)
		return -1;
	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (*s != '.')
				return -1;
			s++;
		}
		val = 0;
		for (digits = 0; *s >= '0' && *s <= '9'; digits++, s++) {
			if (digits > 0 && val == 0)
				return -1;	/* leading zero: "01" */
			val = val * 10 + (*s - '0');
			if (val > 255)
				return -1;
		}
		if (digits == 0)
			return -1;
		v = v << 8 | (uint32_t)val;
	}
	if (*s != '\0')
		return -1;
	*ip = v;
	return 0;
}

void
addr_ip4_str(uint32_t ip, char *buf)
{
	snprintf(buf, ADDR_IP4_STRLEN, "%u.%u.%u.%u", ip >> 24,
	    (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

uint32_t
addr_prefix_mask(int prefix)
{
	if (prefix <= 0)
		return 0;
	if (prefix >= 32)
		return 0xffffffffu;
	return ~(0xffffffffu >> prefix);
}

int
addr_cidr_parse(const char *s, uint32_t *net, int *prefix)
{
	char		 ipbuf[ADDR_IP4_STRLEN];
	const char	*slash;
	size_t		 n;
	int		 p = 32, digits;
	uint32_t	 ip;

	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(ipbuf))
		return -1;
	memcpy(ipbuf, s, n);
	ipbuf[n] = '\0';
	if (addr_ip4_parse(ipbuf, &ip) == -1)
		return -1;
	if (slash != NULL) {
		p = 0;
		for (digits = 0, s = slash + 1; *s >= '0' && *s <= '9';
		    s++, digits++) {
			p = p * 10 + (*s - '0');
			if (p > 32)
				return -1;
		}
		if (digits == 0 || digits > 2 || *s != '\0')
			return -1;
	}
	if ((ip & ~addr_prefix_mask(p)) != 0)
		return -1;
	*net = ip;
	*prefix = p;
	return 0;
}

int
addr_in_net(uint32_t ip, uint32_t net, int prefix)
{
	uint32_t mask = addr_prefix_mask(prefix);

	return (ip & mask) == (net & mask);
}

void
addr_sin_str(const struct sockaddr_in *sin, char *buf, size_t len)
{
	char ip[ADDR_IP4_STRLEN];

	addr_ip4_str(ntohl(sin->sin_addr.s_addr), ip);
	snprintf(buf, len, "%s:%u", ip, ntohs(sin->sin_port));
}
