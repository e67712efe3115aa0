/* SPDX-License-Identifier: ISC */
/*
 * tftp_server: the TFTP listener and its transfers on the event loop. Each
 * transfer has its own socket (a new TID), state, timer and packet buffer
 * (tftp_xfer.c); open files are shared by all transfers of them
 * (tftp_file.c). Read-only.
 */
#ifndef BOOTD_TFTP_SERVER_H
#define BOOTD_TFTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "bootd/metrics.h"

struct bootd;
struct tftp_srv;

struct tftp_stats {
	uint64_t	requests;	/* RRQs accepted for a transfer */
	uint64_t	done;		/* transfers completed */
	uint64_t	failed;		/* timed out, client error, I/O error */
	uint64_t	aborted;	/* client ended after the OACK (probe) */
	uint64_t	refused;	/* not found, access, WRQ, bad request */
	uint64_t	busy;		/* refused by max_transfers/per_client */
	uint64_t	bytes;		/* file bytes sent, first copies only */
	uint64_t	retransmits;	/* DATA/OACK packets sent again */
	uint64_t	bad_packets;	/* malformed or unexpected, dropped */
	uint64_t	wrong_tid;	/* packets from a stranger, answered 5 */
	uint64_t	virtual_files;	/* menus rendered */
	uint64_t	unacked;	/* dropped: no first ACK in time */
	uint64_t	changed;	/* ended: file changed under it */
	uint64_t	nofd;		/* busy: out of descriptors */
	uint64_t	io_uring;	/* 1: transfers through io_uring */
	/*
	 * Seconds from a transfer's creation (its RRQ taken) to its end,
	 * completed transfers only (those counted in done); the clock read
	 * is the one the end's log line takes anyway.
	 */
	struct metrics_hist duration;
};

/*
 * Binds tftp.listen:tftp.port. Files come from bd->rootfd (paths.tftp_root,
 * owned by daemon/server.c and swapped there on SIGHUP; borrowed for the
 * length of each request), which must be open. Returns the server
 * (tftp_stop() it) or NULL with err filled.
 */
struct tftp_srv *tftp_start(struct bootd *bd, char *err, size_t errlen);

/* Ends every transfer, closes everything, frees. Accepts NULL. */
void	tftp_stop(struct tftp_srv *srv);

/* Transfers in flight. */
size_t	tftp_active(const struct tftp_srv *srv);

const struct tftp_stats *tftp_stats(const struct tftp_srv *srv);

#endif
