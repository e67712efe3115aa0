/* SPDX-License-Identifier: ISC */
/*
 * metrics: the Prometheus text exposition format 0.0.4 writer and the
 * fixed-bucket histogram. Owns the naming rules and the escaping; the
 * values come from the caller. Pure: no I/O, no clock, no logging.
 */
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/metrics.h"
#include "bootd/utf8.h"

#define METRICS_PREFIX	"bootd_"
#define METRICS_TOTAL	"_total"

static const char *const metrics_type_names[METRICS_TYPE_MAX] = {
	[METRICS_COUNTER] = "counter",
	[METRICS_GAUGE] = "gauge",
	[METRICS_HISTOGRAM] = "histogram",
};

/* A histogram's samples: name_bucket, name_sum, name_count. */
static const char *const metrics_hist_suffixes[] = {
	"_bucket", "_sum", "_count",
};

/*
 * Prometheus wants base units (seconds, bytes); these suffixes name
 * others. Not every unit in the world: the ones a C programmer reaches
 * for first.
 */
static const char *const metrics_bad_units[] = {
	"_ms", "_us", "_ns", "_msec", "_usec", "_milliseconds",
	"_microseconds", "_nanoseconds", "_minutes", "_hours", "_days",
	"_kb", "_mb", "_gb", "_kib", "_mib", "_gib", "_kilobytes",
	"_megabytes", "_gigabytes", "_bits",
};

static int
fail(struct metrics *m, const char *why)
{
	if (m->why == NULL)
		m->why = why;
	return -1;
}

static int
ends_with(const char *s, size_t len, const char *suffix)
{
	size_t	n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* The name with _total taken off, for the unit check. */
static const char *
name_check(const char *name, enum metrics_type type)
{
	size_t	len = strlen(name), stem, i;

	if (len > METRICS_NAME_MAX)
		return "metric name too long";
	if (strncmp(name, METRICS_PREFIX, strlen(METRICS_PREFIX)) != 0)
		return "metric name lacks the bootd_ prefix";
	if (len == strlen(METRICS_PREFIX))
		return "metric name is the prefix alone";
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return "metric name holds a byte outside [a-z0-9_]";
	stem = len;
	if (type == METRICS_COUNTER) {
		if (!ends_with(name, len, METRICS_TOTAL))
			return "counter name does not end in _total";
		stem -= strlen(METRICS_TOTAL);
	} else if (ends_with(name, len, METRICS_TOTAL))
		return type == METRICS_GAUGE ? "gauge name ends in _total" :
		    "histogram name ends in _total";
	if (type == METRICS_HISTOGRAM)
		for (i = 0; i < sizeof(metrics_hist_suffixes) /
		    sizeof(*metrics_hist_suffixes); i++)
			if (ends_with(name, len, metrics_hist_suffixes[i]))
				return "histogram name ends in a sample's "
				    "suffix";
	for (i = 0; i < sizeof(metrics_bad_units) / sizeof(*metrics_bad_units);
	    i++)
		if (ends_with(name, stem, metrics_bad_units[i]))
			return "metric name has a unit that is not a base unit";
	return NULL;
}

static int
label_name_ok(const char *s)
{
	size_t	i, len = strlen(s);

	if (len == 0 || len > METRICS_NAME_MAX || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	/* Names beginning with __ are reserved for Prometheus itself. */
	if (s[0] == '_' && s[1] == '_')
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * Appends s escaped as the format wants: in a label value (quote != 0)
 * backslash, double quote and newline become \\, \" and \n; in HELP only
 * backslash and newline. bootd/escape.c's \xNN forms are not escapes of
 * this format, hence this one. The format is UTF-8: a byte that starts
 * no well-formed sequence becomes U+FFFD.
 */
static void
put_escaped(struct strbuf *sb, const char *s, int quote)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), i, n, run;

	for (i = 0; i < len; i += n) {
		/* Copy the run of bytes that need nothing in one append. */
		for (run = i; run < len && p[run] >= 0x20 && p[run] < 0x7f &&
		    p[run] != '\\' && p[run] != '"'; run++)
			;
		if (run > i) {
			strbuf_add(sb, p + i, run - i);
			n = run - i;
			continue;
		}
		n = 1;
		if (p[i] == '\\')
			strbuf_puts(sb, "\\\\");
		else if (p[i] == '\n')
			strbuf_puts(sb, "\\n");
		else if (p[i] == '"')
			strbuf_puts(sb, quote ? "\\\"" : "\"");
		else if (p[i] >= 0x80 && (n = utf8_seqlen(p + i, len - i)) > 0)
			strbuf_add(sb, p + i, n);
		else if (p[i] >= 0x80) {
			strbuf_puts(sb, "\xef\xbf\xbd");
			n = 1;
		} else
			/* Other control bytes are valid UTF-8: kept. */
			strbuf_add(sb, p + i, 1);
	}
}

void
metrics_init(struct metrics *m, struct strbuf *out)
{
	memset(m, 0, sizeof(*m));
	m->out = out;
	strbuf_init(&m->seen, STRBUF_NOMAX);
	m->type = METRICS_GAUGE;
}

/* True when name was a family of this rendering already. */
static int
seen(const struct metrics *m, const char *name)
{
	size_t		 len = strlen(name);
	const char	*p = m->seen.buf, *nl;

	if (p == NULL)
		return 0;
	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if ((size_t)(nl - p) == len && memcmp(p, name, len) == 0)
			return 1;
	return 0;
}

int
metrics_family(struct metrics *m, const char *name, enum metrics_type type,
    const char *help)
{
	const char	*why;

	if (m->why != NULL)
		return -1;
	if ((unsigned)type >= METRICS_TYPE_MAX)
		return fail(m, "unknown metric type");
	if ((why = name_check(name, type)) != NULL)
		return fail(m, why);
	if (seen(m, name))
		return fail(m, "metric family written twice");
	if (strbuf_puts(&m->seen, name) == -1 ||
	    strbuf_puts(&m->seen, "\n") == -1)
		return fail(m, "out of memory");
	strbuf_printf(m->out, "# HELP %s ", name);
	put_escaped(m->out, help, 0);
	strbuf_printf(m->out, "\n# TYPE %s %s\n", name,
	    metrics_type_names[type]);
	if (m->out->err != STRBUF_OK)
		return fail(m, "output buffer full");
	memcpy(m->family, name, strlen(name) + 1);
	m->type = type;
	return 0;
}

/* The labels' names, before anything is written; le is the histogram's. */
static int
labels_check(struct metrics *m, const char *const *labels)
{
	size_t	i;

	for (i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		if (labels[i + 1] == NULL)
			return fail(m, "label without a value");
		if (!label_name_ok(labels[i]))
			return fail(m, "bad label name");
		if (m->type == METRICS_HISTOGRAM &&
		    strcmp(labels[i], "le") == 0)
			return fail(m, "label le in a histogram");
	}
	return 0;
}

/*
 * The sample's name (the family's, then suffix) and labels, then le when
 * it is not NULL, up to the value's space. The labels are checked.
 */
static void
sample_head(struct metrics *m, const char *suffix, const char *const *labels,
    const char *le)
{
	size_t	i;

	strbuf_puts(m->out, m->family);
	strbuf_puts(m->out, suffix);
	for (i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		strbuf_printf(m->out, "%s%s=\"", i == 0 ? "{" : ",", labels[i]);
		put_escaped(m->out, labels[i + 1], 1);
		strbuf_puts(m->out, "\"");
	}
	if (le != NULL)
		strbuf_printf(m->out, "%sle=\"%s\"", i == 0 ? "{" : ",", le);
	strbuf_puts(m->out, i > 0 || le != NULL ? "} " : " ");
}

/* Whether a plain sample (counter, gauge) may be written now. */
static int
plain_ok(struct metrics *m, const char *const *labels)
{
	if (m->why != NULL)
		return -1;
	if (m->family[0] == '\0')
		return fail(m, "sample before any family");
	if (m->type == METRICS_HISTOGRAM)
		return fail(m, "plain sample in a histogram family");
	return labels_check(m, labels);
}

/*
 * v as the format writes it into num (32 bytes). %.17g always reads back
 * as the same double, but writes 0.0018 as 0.0018000000000000001: the
 * short form when it reads back the same.
 */
static void
fmt_double(char *num, size_t size, double v)
{
	if (isnan(v))
		snprintf(num, size, "NaN");
	else if (isinf(v))
		snprintf(num, size, "%s", v > 0 ? "+Inf" : "-Inf");
	else {
		snprintf(num, size, "%.15g", v);
		if (strtod(num, NULL) != v)
			snprintf(num, size, "%.17g", v);
	}
}

int
metrics_u64(struct metrics *m, const char *const *labels, uint64_t v)
{
	if (plain_ok(m, labels) == -1)
		return -1;
	sample_head(m, "", labels, NULL);
	if (strbuf_printf(m->out, "%" PRIu64 "\n", v) == -1)
		return fail(m, "output buffer full");
	return 0;
}

int
metrics_double(struct metrics *m, const char *const *labels, double v)
{
	char	num[32];

	if (plain_ok(m, labels) == -1)
		return -1;
	sample_head(m, "", labels, NULL);
	fmt_double(num, sizeof(num), v);
	if (strbuf_printf(m->out, "%s\n", num) == -1)
		return fail(m, "output buffer full");
	return 0;
}

/* Whether bounds[0..nb) can be a histogram's. */
static int
bounds_ok(const double *bounds, size_t nb)
{
	size_t	i;

	if (bounds == NULL || nb == 0 || nb > METRICS_HIST_MAX_BUCKETS)
		return 0;
	for (i = 0; i < nb; i++)
		if (!isfinite(bounds[i]) ||
		    (i > 0 && bounds[i] <= bounds[i - 1]))
			return 0;
	return 1;
}

int
metrics_hist_init(struct metrics_hist *h, const double *bounds, size_t nb)
{
	memset(h, 0, sizeof(*h));
	if (!bounds_ok(bounds, nb))
		return -1;
	h->bounds = bounds;
	h->nb = nb;
	return 0;
}

void
metrics_hist_observe(struct metrics_hist *h, double v)
{
	size_t	i;

	/* A dozen bounds: a scan is as quick as a binary search. */
	for (i = 0; i < h->nb; i++)
		if (v <= h->bounds[i]) {
			h->counts[i]++;
			break;
		}
	h->count++;
	h->sum += v;
}

int
metrics_hist_series(struct metrics *m, const char *const *labels,
    const struct metrics_hist *h)
{
	char		num[32];
	uint64_t	cum = 0;
	size_t		i;

	if (m->why != NULL)
		return -1;
	if (m->family[0] == '\0' || m->type != METRICS_HISTOGRAM)
		return fail(m, "histogram series outside a histogram family");
	if (labels_check(m, labels) == -1)
		return -1;
	if (!bounds_ok(h->bounds, h->nb))
		return fail(m, "histogram without valid bounds");
	for (i = 0; i < h->nb; i++) {
		cum += h->counts[i];
		fmt_double(num, sizeof(num), h->bounds[i]);
		sample_head(m, "_bucket", labels, num);
		strbuf_printf(m->out, "%" PRIu64 "\n", cum);
	}
	sample_head(m, "_bucket", labels, "+Inf");
	strbuf_printf(m->out, "%" PRIu64 "\n", h->count);
	fmt_double(num, sizeof(num), h->sum);
	sample_head(m, "_sum", labels, NULL);
	strbuf_printf(m->out, "%s\n", num);
	sample_head(m, "_count", labels, NULL);
	if (strbuf_printf(m->out, "%" PRIu64 "\n", h->count) == -1 ||
	    m->out->err != STRBUF_OK)
		return fail(m, "output buffer full");
	return 0;
}

int
metrics_histogram(struct metrics *m, const char *name, const char *help,
    const char *const *labels, const struct metrics_hist *h)
{
	if (metrics_family(m, name, METRICS_HISTOGRAM, help) == -1)
		return -1;
	return metrics_hist_series(m, labels, h);
}

int
metrics_done(struct metrics *m, const char **why)
{
	if (m->why == NULL && m->out->err != STRBUF_OK)
		m->why = m->out->err == STRBUF_TOOBIG ? "output buffer full" :
		    "out of memory";
	strbuf_free(&m->seen);
	if (why != NULL)
		*why = m->why;
	return m->why != NULL ? -1 : 0;
}
