/* SPDX-License-Identifier: ISC */
/*
 * metrics: writes counter and gauge families in the Prometheus text
 * exposition format 0.0.4 into a strbuf: a HELP and a TYPE line once per
 * family, then its samples, with label values escaped. It refuses names
 * outside bootd's conventions (see metrics_family()). Pure: no I/O, no
 * clock, no logging; it knows no module (the daemon reads the counters).
 */
#ifndef BOOTD_METRICS_H
#define BOOTD_METRICS_H

#include <stdint.h>

#include "bootd/strbuf.h"

#define METRICS_NAME_MAX	128	/* bytes of a family or label name */

enum metrics_type {
	METRICS_COUNTER,	/* only goes up; the name ends in _total */
	METRICS_GAUGE,
	METRICS_TYPE_MAX
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
 * "_total" and a gauge's must not; no unit but base units (a name ending
 * in _ms, _milliseconds, _kilobytes, ... is refused). A family written
 * once before in this rendering is refused too (HELP and TYPE once per
 * family). help is escaped (backslash, newline). Returns 0, or -1 with
 * m->why set.
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

/* Same with a double (a gauge's seconds): NaN and infinities allowed. */
int	metrics_double(struct metrics *m, const char *const *labels, double v);

/*
 * Ends the rendering and frees what m holds (not out). Returns 0, or -1
 * when an error stuck, with *why (when why != NULL) its static reason;
 * out's own error (too big, no memory) counts as one.
 */
int	metrics_done(struct metrics *m, const char **why);

/* The Content-Type of the format. */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

#endif
