/* SPDX-License-Identifier: ISC */
/*
 * fdlimit: the descriptor budget, pure arithmetic from the configured
 * caps: how many file descriptors bootd may hold at once in the worst
 * case, and the advice when that does not fit RLIMIT_NOFILE. Pure: no
 * getrlimit(), no logging; server.c and cli.c do the I/O.
 */
#ifndef BOOTD_FDLIMIT_H
#define BOOTD_FDLIMIT_H

#include <stddef.h>
#include <stdint.h>

struct bootd_config;

/*
 * Descriptors that do not grow with clients: stdio, syslog, the event
 * base (epoll, its signal and notify pipes), the DB thread's notify,
 * dhcpgen's files and child pipe, libc and libmysqlclient internals,
 * with room to spare.
 */
#define FDLIMIT_BASE		32
#define FDLIMIT_DB		3	/* MariaDB socket, cache file, dir */

/* The worst case, part by part; every field is a descriptor count. */
struct fdlimit_budget {
	uint64_t	base;		/* FDLIMIT_BASE */
	uint64_t	listeners;	/* sockets and their roots */
	uint64_t	tftp;		/* tftp.max_transfers x 2 */
	uint64_t	http;		/* http.max_connections x 2 */
	uint64_t	db;		/* FDLIMIT_DB */
	uint64_t	total;
};

/*
 * Fills b from cfg (borrowed): a TFTP transfer holds its socket and an
 * open file (files are shared between transfers of one file, but the
 * worst case is one each), an HTTP connection its socket and, for
 * /files/, an open file for sendfile(2). Disabled services count zero.
 */
void	fdlimit_budget(const struct bootd_config *cfg,
	    struct fdlimit_budget *b);

/*
 * Returns 0 when b->total fits limit (the soft RLIMIT_NOFILE bootd runs
 * with). Otherwise returns 1 and writes into msg (len bytes, always
 * NUL-terminated) one line naming the parts, the settings to lower and
 * LimitNOFILE=.
 */
int	fdlimit_check(const struct fdlimit_budget *b, uint64_t limit,
	    char *msg, size_t len);

#endif
