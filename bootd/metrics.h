/* SPDX-License-Identifier: ISC */
/*
 * metrics: writes counter, gauge and histogram families in the Prometheus
 * text exposition format 0.0.4 into a strbuf: a HELP and a TYPE line once
 * per family, then its samples, with label values escaped. It refuses
 * names outside bootd's conventions (see metrics_family()). It also keeps
 * fixed-bucket histograms (struct metrics_hist) for the modules to observe
 * into. Pure: no I/O, no clock, no logging; it knows no module (the
 * daemon reads the counters).
 */
#ifndef BOOTD_METRICS_H
#define BOOTD_METRICS_H

#include <stdint.h>

#include "bootd/strbuf.h"

#define METRICS_NAME_MAX	128	/* bytes of a family or label name */
#define METRICS_HIST_MAX_BUCKETS 16	/* finite bounds of a histogram */

enum metrics_type {
	METRICS_COUNTER,	/* only goes up; the name ends in _total */
	METRICS_GAUGE,
	METRICS_HISTOGRAM,	/* samples by metrics_hist_series() only */
	METRICS_TYPE_MAX
};

/*
 * A histogram with fixed buckets, the Prometheus kind: bucket i counts the
 * observations v with bounds[i - 1] < v <= bounds[i] ("less than or
 * equal"); those above the last bound are only in count (the +Inf
 * bucket). counts are per bucket here, made cumulative when written.
 * Observing costs a scan of the bounds, no allocation, no clock.
 */
struct metrics_hist {
	const double	*bounds;	/* borrowed; increasing, finite */
	size_t		 nb;		/* at most METRICS_HIST_MAX_BUCKETS */
	uint64_t	 counts[METRICS_HIST_MAX_BUCKETS];
	uint64_t	 count;		/* every observation */
	double		 sum;		/* of every observation */
};

/*
 * One rendering. Errors stick: the first one sets why (a static reason)
 * and every later call returns -1 and writes nothing, so a writer appends
 * without checking and looks at metrics_done() once. out is borrowed.
 */
struct metrics {
	struct strbuf		*out;
	struct strbuf		 seen;	/* family names, "\n" after each */
	char			 family[METRICS_NAME_MAX + 1]; /* "" at first */
	enum metrics_type	 type;
	const char		*why;
};

/* Starts a rendering into out (borrowed until metrics_done()). */
void	metrics_init(struct metrics *m, struct strbuf *out);

/*
 * Writes "# HELP name help" and "# TYPE name type" and makes name the
 * family that the next samples belong to. name must be "bootd_" followed
 * by [a-z0-9_], at most METRICS_NAME_MAX bytes; a counter's must end in
 * "_total" and a gauge's or histogram's must not; no unit but base units
 * (a name ending in _ms, _milliseconds, _kilobytes, ... is refused); a
 * histogram's must not end in _bucket, _sum or _count either. A family
 * written once before in this rendering is refused too (HELP and TYPE
 * once per family). help is escaped (backslash, newline). Returns 0, or
 * -1 with m->why set.
 */
int	metrics_family(struct metrics *m, const char *name,
	    enum metrics_type type, const char *help);

/*
 * Writes one sample of the current family: its name, the labels, value.
 * labels is NULL or a NULL-terminated list of name, value pairs
 * ({ "result", "done", NULL }), borrowed for the call; label names are
 * [a-z_][a-z0-9_]* (not "__..."), values any bytes, escaped per the
 * format (backslash, double quote, newline). Returns 0, or -1 with m->why
 * set (no family yet, a bad label name, the buffer's error).
 */
int	metrics_u64(struct metrics *m, const char *const *labels, uint64_t v);

/*
 * Same with a double (a gauge's seconds): NaN and infinities allowed.
 * Neither writes into a histogram family (metrics_hist_series() does).
 */
int	metrics_double(struct metrics *m, const char *const *labels, double v);

/*
 * Empties h and gives it nb bounds (borrowed for h's lifetime: a static
 * array). Returns 0, or -1 when nb is 0 or above METRICS_HIST_MAX_BUCKETS
 * or the bounds are not finite and strictly increasing (h left empty,
 * observing nothing into a bucket).
 */
int	metrics_hist_init(struct metrics_hist *h, const double *bounds,
	    size_t nb);

/*
 * Counts v (in the family's base unit: seconds) in the first bucket whose
 * bound is >= v, or only in count when above them all; adds it to sum.
 * A NaN lands in +Inf and makes sum NaN, as in Prometheus' own clients.
 */
void	metrics_hist_observe(struct metrics_hist *h, double v);

/*
 * Writes one series of the current family, which must be a histogram:
 * name_bucket{labels,le="bound"} cumulative counts, one per bound and
 * then le="+Inf" (equal to count), name_sum and name_count. labels as in
 * metrics_u64(), without "le". h is borrowed for the call. Returns 0, or
 * -1 with m->why set (not a histogram family, a bad label, bad bounds).
 */
int	metrics_hist_series(struct metrics *m, const char *const *labels,
	    const struct metrics_hist *h);

/*
 * metrics_family(m, name, METRICS_HISTOGRAM, help) and one series. A
 * histogram's name ends neither in _total nor in _bucket, _sum or _count
 * (its samples' suffixes). Returns 0 or -1 as those two.
 */
int	metrics_histogram(struct metrics *m, const char *name,
	    const char *help, const char *const *labels,
	    const struct metrics_hist *h);

/*
 * Ends the rendering and frees what m holds (not out). Returns 0, or -1
 * when an error stuck, with *why (when why != NULL) its static reason;
 * out's own error (too big, no memory) counts as one.
 */
int	metrics_done(struct metrics *m, const char **why);

/* The Content-Type of the format. */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

#endif
