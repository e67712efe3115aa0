/* SPDX-License-Identifier: ISC */
/*
 * slice_io: answers that take long to write (GET /api/hosts, /metrics
 * with metrics.per_host, at 100k hosts: 23 MB and 14 MB of text) written
 * in slices across loop turns, so that DHCP, TFTP and HTTP are served
 * between two slices. Main thread only.
 *
 * Why slices on the loop and not a worker thread: the render reads the
 * watch, which the loop changes at every boot event; a thread would need
 * a copy of every host's state taken on the loop first (itself a pass
 * over 100k hosts) and a hand-back. Slices read the watch as it is, hold
 * the snapshot they started with (refcounted, immutable) and find a
 * host's state by name once the watch has moved to a newer snapshot
 * (render.h), so a swap mid-render neither restarts nor tears the text.
 */
#ifndef BOOTD_SLICE_IO_H
#define BOOTD_SLICE_IO_H

#include <stddef.h>

struct bootd;
struct http_ctx;

#define SLICE_JOBS_MAX		2	/* renders in slices at a time */
#define SLICE_BUDGET_US		2000	/* work per loop turn */
#define SLICE_CHUNK		64	/* hosts between two clock reads */
#define SLICE_RETRY_AFTER	"1"	/* seconds, with a 503 over the cap */

/* What a render in slices does; arg is the render's own state. */
struct slice_ops {
	/* Goes on for at most max hosts: 1 when complete, 0 more to do. */
	int	(*step)(void *arg, size_t max);
	/* The text is complete: answers c, once. */
	void	(*finish)(void *arg, struct http_ctx *c);
	/* Frees arg: after finish(), or when the client went away. */
	void	(*free)(void *arg);
};

/*
 * Renders for request c (the route handler's, answered by this call or
 * later). The first turn runs now; a render it completes is answered at
 * once. Otherwise the answer is deferred (http_defer()) and the render
 * goes on in later loop turns of at most SLICE_BUDGET_US each, with a
 * zero timeout between two so that the loop polls its sockets first; it
 * stops, freed, when the client goes away. Over SLICE_JOBS_MAX renders at
 * a time the request gets 503 with Retry-After (counted in
 * bd->slice_busy). Takes arg over in every case (ops->free()).
 */
void	slice_run(struct bootd *bd, struct http_ctx *c,
	    const struct slice_ops *ops, void *arg);

#endif
