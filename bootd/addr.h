/* SPDX-License-Identifier: ISC */
/*
 * addr: parse and print MAC addresses, IPv4 addresses and CIDR networks.
 * Pure: no I/O, no allocation, no logging.
 */
#ifndef BOOTD_ADDR_H
#define BOOTD_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#define ADDR_MAC_LEN	6
#define ADDR_MAC_STRLEN	18	/* "aa:bb:cc:dd:ee:ff" + NUL */
#define ADDR_IP4_STRLEN	16	/* "255.255.255.255" + NUL */

/*
 * Parses "aa:bb:cc:dd:ee:ff" or "aa-bb-cc-dd-ee-ff", any case, exactly two
 * hex digits per byte and one separator kind. Returns 0 and fills mac[6],
 * or -1 for anything else.
 */
int	addr_mac_parse(const char *s, uint8_t mac[ADDR_MAC_LEN]);

/* Writes the canonical lowercase colon form into buf (>= ADDR_MAC_STRLEN). */
void	addr_mac_str(const uint8_t mac[ADDR_MAC_LEN], char *buf);

/*
 * Parses a dotted-quad IPv4 address: four decimal parts 0..255, no leading
 * zeros beyond "0", nothing else. Fills *ip in host byte order. Returns 0 or -1.
 */
int	addr_ip4_parse(const char *s, uint32_t *ip);

/* Writes dotted-quad of a host-order address into buf (>= ADDR_IP4_STRLEN). */
void	addr_ip4_str(uint32_t ip, char *buf);

/*
 * Parses "a.b.c.d/n" (n 0..32; a bare address means /32). The host bits must
 * be zero. Fills *net (host order) and *prefix. Returns 0 or -1.
 */
int	addr_cidr_parse(const char *s, uint32_t *net, int *prefix);

/* Netmask for a prefix length 0..32, host byte order. */
uint32_t addr_prefix_mask(int prefix);

/* "a.b.c.d:port" of an IPv4 socket address into buf (len bytes). */
void	addr_sin_str(const struct sockaddr_in *sin, char *buf, size_t len);

/* Non-zero when ip (host order) lies in net/prefix. */
int	addr_in_net(uint32_t ip, uint32_t net, int prefix);

#endif
