/* SPDX-License-Identifier: ISC */
/*
 * render: the per-host parts of the two answers that grow with the
 * inventory, GET /api/hosts and /metrics with metrics.per_host, written
 * in slices: each call examines at most max hosts from a cursor and
 * returns, so that the caller (slice_io.c) can give the loop back between
 * calls. The text is the same whatever the slices, byte for byte. Host
 * rows come from a snapshot the caller holds; their states from the
 * watch as it is at each call, found by name once the watch has moved to
 * another snapshot (watch_host_of()). Also the JSON writing helpers of
 * the API. Pure: no I/O, no clock, no logging.
 */
#ifndef BOOTD_RENDER_H
#define BOOTD_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "bootd/metrics.h"
#include "bootd/strbuf.h"
#include "daemon/api_query.h"
#include "daemon/watch.h"

/* Where a render in slices stands; all zero at the start. */
struct render_cur {
	size_t		 i;	/* the next host of the snapshot */
	size_t		 n;	/* hosts written so far */
	int		 phase;	/* RENDER_* below, private */
};

/* JSON: "s" escaped (escape_json()). */
void	render_json_str(struct strbuf *sb, const char *s);

/* ,"key":"value" (no comma when first). */
void	render_json_kstr(struct strbuf *sb, const char *key, const char *s,
	    int first);

/* ,"key":"value", or null when s is NULL or "". */
void	render_json_kstr_null(struct strbuf *sb, const char *key,
	    const char *s);

/* ,"key":N, or null when n is 0. */
void	render_json_kms_null(struct strbuf *sb, const char *key, int64_t n);

/*
 * The fields of host h (without braces) as /api/hosts and /api/hosts/NAME
 * show them: wh its watch record (NULL: unseen), s its state.
 */
void	render_host_fields(struct strbuf *sb, const struct inv_host *h,
	    const struct watch_host *wh, enum hs_state s);

/*
 * GET /api/hosts into sb: {"now":now_ms,"generation":G,"hosts":[...]}
 * with the hosts of snap (borrowed, may be NULL; the caller holds it for
 * the whole render) that match q, each with its state at now_ms
 * (def_stall_ms: status.stall_timeout). Each call goes on from *cur and
 * examines at most max hosts (max 0 is taken as 1). Returns 1 when the
 * document is complete, 0 when more calls are needed. Errors stick in
 * sb->err.
 */
int	render_api_hosts(struct strbuf *sb, const struct watch *w,
	    const struct inv_snapshot *snap, const struct api_query *q,
	    int64_t now_ms, int64_t def_stall_ms, struct render_cur *cur,
	    size_t max);

/*
 * The per-host families of /metrics (metrics.per_host) into m:
 * bootd_host_state (each host's current state, 1) and
 * bootd_host_last_event_timestamp_seconds (hosts with an event), the
 * hosts of snap (borrowed, NULL: nothing) as render_api_hosts() takes
 * them. Returns 1 when both are complete, 0 when more calls are needed;
 * errors stick in m (metrics_done()).
 */
int	render_metrics_hosts(struct metrics *m, const struct watch *w,
	    const struct inv_snapshot *snap, int64_t now_ms,
	    int64_t def_stall_ms, struct render_cur *cur, size_t max);

#endif
