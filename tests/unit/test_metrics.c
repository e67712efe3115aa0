/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for bootd/metrics: the exposition text, HELP and TYPE once per
 * family, label value escaping, the names refused, and histograms (buckets
 * "less than or equal", cumulative, +Inf equal to the count).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/metrics.h"

/* An unbounded buffer and a rendering into it. */
static void
start(struct metrics *m, struct strbuf *sb)
{
	strbuf_init(sb, STRBUF_NOMAX);
	metrics_init(m, sb);
}

/* Renders into *text (caller frees); returns metrics_done()'s result. */
static int
finish(struct metrics *m, struct strbuf *sb, char **text, const char **why)
{
	int	rc = metrics_done(m, why);

	*text = strbuf_take(sb, NULL);
	return rc;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
t_families(void **state)
{
	struct strbuf		 sb;
	struct metrics		 m;
	const char		*why = "x";
	char			*s;
	const char *const	 done[] = { "result", "done", NULL };
	const char *const	 failed[] = { "result", "failed", NULL };

	start(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_tftp_transfers_total",
	    METRICS_COUNTER, "TFTP transfers by result."), 0);
	assert_int_equal(metrics_u64(&m, done, 7), 0);
	assert_int_equal(metrics_u64(&m, failed, UINT64_MAX), 0);
	assert_int_equal(metrics_family(&m, "bootd_start_time_seconds",
	    METRICS_GAUGE, "Start time, a \\ and a\nnewline."), 0);
	assert_int_equal(metrics_double(&m, NULL, 1765050000.5), 0);
	assert_int_equal(metrics_family(&m, "bootd_x_seconds",
	    METRICS_GAUGE, "h"), 0);
	assert_int_equal(metrics_double(&m, NULL, 0.0018), 0);
	assert_int_equal(metrics_double(&m, NULL, 0.1 + 0.2), 0);
	assert_int_equal(metrics_double(&m, NULL, NAN), 0);
	assert_int_equal(metrics_double(&m, NULL, -INFINITY), 0);
	assert_int_equal(finish(&m, &sb, &s, &why), 0);
	assert_null(why);
	assert_string_equal(s,
	    "# HELP bootd_tftp_transfers_total TFTP transfers by result.\n"
	    "# TYPE bootd_tftp_transfers_total counter\n"
	    "bootd_tftp_transfers_total{result=\"done\"} 7\n"
	    "bootd_tftp_transfers_total{result=\"failed\"} "
	    "18446744073709551615\n"
	    "# HELP bootd_start_time_seconds Start time, a \\\\ and a\\n"
	    "newline.\n"
	    "# TYPE bootd_start_time_seconds gauge\n"
	    "bootd_start_time_seconds 1765050000.5\n"
	    "# HELP bootd_x_seconds h\n"
	    "# TYPE bootd_x_seconds gauge\n"
	    "bootd_x_seconds 0.0018\n"
	    "bootd_x_seconds 0.30000000000000004\n"
	    "bootd_x_seconds NaN\n"
	    "bootd_x_seconds -Inf\n");
	/* Two samples, one HELP and one TYPE line. */
	assert_int_equal(count(s, "# TYPE bootd_tftp_transfers_total"), 1);
	assert_int_equal(count(s, "# HELP bootd_tftp_transfers_total"), 1);
	free(s);
}

static void
t_twice(void **state)
{
	struct strbuf	 sb;
	struct metrics	 m;
	const char	*why;
	char		*s;

	start(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_a_total", METRICS_COUNTER,
	    "a"), 0);
	assert_int_equal(metrics_u64(&m, NULL, 1), 0);
	assert_int_equal(metrics_family(&m, "bootd_b", METRICS_GAUGE, "b"), 0);
	/* A family again would be a second HELP/TYPE: refused. */
	assert_int_equal(metrics_family(&m, "bootd_a_total", METRICS_COUNTER,
	    "a"), -1);
	/* The error sticks. */
	assert_int_equal(metrics_u64(&m, NULL, 2), -1);
	assert_int_equal(metrics_family(&m, "bootd_c", METRICS_GAUGE, "c"), -1);
	assert_int_equal(finish(&m, &sb, &s, &why), -1);
	assert_string_equal(why, "metric family written twice");
	assert_int_equal(count(s, "# TYPE bootd_a_total"), 1);
	assert_null(strstr(s, "bootd_c"));
	free(s);
}

static void
t_escape(void **state)
{
	struct strbuf		 sb;
	struct metrics		 m;
	char			*s;
	const char *const	 l[] = { "reason", "a\\b\"c\nd", "v",
	    "\xff\xc3\xa9", NULL };

	start(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_info", METRICS_GAUGE,
	    "quote \" kept"), 0);
	assert_int_equal(metrics_u64(&m, l, 1), 0);
	assert_int_equal(finish(&m, &sb, &s, NULL), 0);
	assert_string_equal(s,
	    "# HELP bootd_info quote \" kept\n"
	    "# TYPE bootd_info gauge\n"
	    "bootd_info{reason=\"a\\\\b\\\"c\\nd\","
	    "v=\"\xef\xbf\xbd\xc3\xa9\"} 1\n");
	free(s);
}

/* Each name must be refused with the reason given, writing nothing. */
static void
refused(const char *name, enum metrics_type type, const char *want)
{
	struct strbuf	 sb;
	struct metrics	 m;
	const char	*why;
	char		*s;

	start(&m, &sb);
	assert_int_equal(metrics_family(&m, name, type, "h"), -1);
	assert_int_equal(finish(&m, &sb, &s, &why), -1);
	assert_string_equal(why, want);
	assert_string_equal(s, "");
	free(s);
}

static void
t_bad_names(void **state)
{
	char	long_name[METRICS_NAME_MAX + 2];

	refused("tftp_bytes_total", METRICS_COUNTER,
	    "metric name lacks the bootd_ prefix");
	refused("bootd_", METRICS_GAUGE, "metric name is the prefix alone");
	refused("bootd_tftp_bytes", METRICS_COUNTER,
	    "counter name does not end in _total");
	refused("bootd_up_total", METRICS_GAUGE, "gauge name ends in _total");
	refused("bootd_Tftp_total", METRICS_COUNTER,
	    "metric name holds a byte outside [a-z0-9_]");
	refused("bootd_a:b", METRICS_GAUGE,
	    "metric name holds a byte outside [a-z0-9_]");
	refused("bootd_load_ms", METRICS_GAUGE,
	    "metric name has a unit that is not a base unit");
	refused("bootd_sent_kilobytes_total", METRICS_COUNTER,
	    "metric name has a unit that is not a base unit");
	memset(long_name, 'a', sizeof(long_name) - 1);
	memcpy(long_name, "bootd_", 6);
	long_name[sizeof(long_name) - 1] = '\0';
	refused(long_name, METRICS_GAUGE, "metric name too long");
}

static void
t_bad_samples(void **state)
{
	struct strbuf		 sb;
	struct metrics		 m;
	const char		*why;
	char			*s;
	const char *const	 reserved[] = { "__name__", "x", NULL };
	const char *const	 upper[] = { "Reason", "x", NULL };
	const char *const	 digit[] = { "1a", "x", NULL };

	/* A sample before any family. */
	start(&m, &sb);
	assert_int_equal(metrics_u64(&m, NULL, 1), -1);
	assert_int_equal(finish(&m, &sb, &s, &why), -1);
	assert_string_equal(why, "sample before any family");
	free(s);

	metrics_init(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_g", METRICS_GAUGE, "g"), 0);
	assert_int_equal(metrics_u64(&m, reserved, 1), -1);
	assert_int_equal(finish(&m, &sb, &s, &why), -1);
	assert_string_equal(why, "bad label name");
	assert_null(strstr(s, "__name__"));
	free(s);

	metrics_init(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_g", METRICS_GAUGE, "g"), 0);
	assert_int_equal(metrics_u64(&m, upper, 1), -1);
	assert_int_equal(metrics_done(&m, NULL), -1);
	strbuf_free(&sb);

	metrics_init(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_g", METRICS_GAUGE, "g"), 0);
	assert_int_equal(metrics_u64(&m, digit, 1), -1);
	assert_int_equal(metrics_done(&m, NULL), -1);
	strbuf_free(&sb);
}

/* A bound on the output is an error, not a cut exposition. */
static void
t_full(void **state)
{
	struct strbuf	 sb;
	struct metrics	 m;
	const char	*why;
	int		 i;

	strbuf_init(&sb, 100);
	metrics_init(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_g", METRICS_GAUGE, "g"), 0);
	for (i = 0; i < 20; i++)
		(void)metrics_u64(&m, NULL, 1);
	assert_int_equal(metrics_done(&m, &why), -1);
	assert_string_equal(why, "output buffer full");
	strbuf_free(&sb);
}

static const double	t_bounds[] = { 0.00005, 0.1, 1 };

static void
t_hist(void **state)
{
	struct strbuf		 sb;
	struct metrics		 m;
	struct metrics_hist	 h;
	const char		*why = "x";
	char			*s;
	const char *const	 l[] = { "op", "a\"b", NULL };

	assert_int_equal(metrics_hist_init(&h, t_bounds, 3), 0);
	/* On a bound: in that bound's bucket, not the next one. */
	metrics_hist_observe(&h, 0.00005);
	metrics_hist_observe(&h, 0);
	metrics_hist_observe(&h, 0.07);
	metrics_hist_observe(&h, 0.1);
	/* Above every bound: only +Inf. */
	metrics_hist_observe(&h, 2.5);
	assert_int_equal(h.count, 5);
	assert_int_equal(h.counts[0], 2);
	assert_int_equal(h.counts[1], 2);
	assert_int_equal(h.counts[2], 0);

	start(&m, &sb);
	assert_int_equal(metrics_histogram(&m, "bootd_x_seconds",
	    "Time of x.", NULL, &h), 0);
	assert_int_equal(metrics_family(&m, "bootd_y_seconds",
	    METRICS_HISTOGRAM, "Time of y."), 0);
	assert_int_equal(metrics_hist_series(&m, l, &h), 0);
	assert_int_equal(finish(&m, &sb, &s, &why), 0);
	assert_null(why);
	assert_string_equal(s,
	    "# HELP bootd_x_seconds Time of x.\n"
	    "# TYPE bootd_x_seconds histogram\n"
	    "bootd_x_seconds_bucket{le=\"5e-05\"} 2\n"
	    "bootd_x_seconds_bucket{le=\"0.1\"} 4\n"
	    "bootd_x_seconds_bucket{le=\"1\"} 4\n"
	    "bootd_x_seconds_bucket{le=\"+Inf\"} 5\n"
	    "bootd_x_seconds_sum 2.67005\n"
	    "bootd_x_seconds_count 5\n"
	    "# HELP bootd_y_seconds Time of y.\n"
	    "# TYPE bootd_y_seconds histogram\n"
	    "bootd_y_seconds_bucket{op=\"a\\\"b\",le=\"5e-05\"} 2\n"
	    "bootd_y_seconds_bucket{op=\"a\\\"b\",le=\"0.1\"} 4\n"
	    "bootd_y_seconds_bucket{op=\"a\\\"b\",le=\"1\"} 4\n"
	    "bootd_y_seconds_bucket{op=\"a\\\"b\",le=\"+Inf\"} 5\n"
	    "bootd_y_seconds_sum{op=\"a\\\"b\"} 2.67005\n"
	    "bootd_y_seconds_count{op=\"a\\\"b\"} 5\n");
	free(s);
}

/* Many observations: cumulative, never down, +Inf equal to the count. */
static void
t_hist_many(void **state)
{
	static const double	 b[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256,
	    512, 1024, 2048, 4096, 8192, 16384, 32768 };
	struct metrics_hist	 h;
	uint64_t		 cum = 0;
	size_t			 i;
	int			 v;

	assert_int_equal(metrics_hist_init(&h, b, 16), 0);
	for (v = 0; v < 40000; v++)
		metrics_hist_observe(&h, v);
	assert_int_equal(h.count, 40000);
	for (i = 0; i < 16; i++) {
		cum += h.counts[i];
		/* 0..b[i] inclusive. */
		assert_int_equal(cum, (uint64_t)b[i] + 1);
	}
	assert_true(h.sum == 39999.0 * 40000 / 2);
}

/* Ends a rendering that must have failed with want. */
static void
failed_with(struct metrics *m, struct strbuf *sb, const char *want)
{
	const char	*why;
	char		*s;

	assert_int_equal(finish(m, sb, &s, &why), -1);
	assert_string_equal(why, want);
	/* Nothing of a refused series is written. */
	assert_null(strstr(s, "_bucket"));
	free(s);
}

static void
t_hist_refused(void **state)
{
	static const double	 unsorted[] = { 1, 0.5 };
	static const double	 twice[] = { 1, 1 };
	static const double	 inf[] = { 1, INFINITY };
	static const double	 many[METRICS_HIST_MAX_BUCKETS + 1] = { 0 };
	struct strbuf		 sb;
	struct metrics		 m;
	struct metrics_hist	 h, none;
	const char *const	 le[] = { "le", "1", NULL };

	assert_int_equal(metrics_hist_init(&h, unsorted, 2), -1);
	assert_int_equal(metrics_hist_init(&h, twice, 2), -1);
	assert_int_equal(metrics_hist_init(&h, inf, 2), -1);
	assert_int_equal(metrics_hist_init(&h, many,
	    METRICS_HIST_MAX_BUCKETS + 1), -1);
	assert_int_equal(metrics_hist_init(&h, t_bounds, 0), -1);
	/* Left empty: observing only counts. */
	metrics_hist_observe(&h, 1);
	assert_int_equal(h.count, 1);

	refused("bootd_x_total", METRICS_HISTOGRAM,
	    "histogram name ends in _total");
	refused("bootd_x_count", METRICS_HISTOGRAM,
	    "histogram name ends in a sample's suffix");
	refused("bootd_x_bucket", METRICS_HISTOGRAM,
	    "histogram name ends in a sample's suffix");
	refused("bootd_x_ms", METRICS_HISTOGRAM,
	    "metric name has a unit that is not a base unit");

	assert_int_equal(metrics_hist_init(&h, t_bounds, 3), 0);
	memset(&none, 0, sizeof(none));
	start(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_x_seconds",
	    METRICS_HISTOGRAM, "h"), 0);
	assert_int_equal(metrics_u64(&m, NULL, 1), -1);
	failed_with(&m, &sb, "plain sample in a histogram family");

	start(&m, &sb);
	assert_int_equal(metrics_family(&m, "bootd_g", METRICS_GAUGE, "g"), 0);
	assert_int_equal(metrics_hist_series(&m, NULL, &h), -1);
	failed_with(&m, &sb, "histogram series outside a histogram family");

	/* le is the histogram's own label. */
	start(&m, &sb);
	assert_int_equal(metrics_histogram(&m, "bootd_x_seconds", "h", le,
	    &h), -1);
	failed_with(&m, &sb, "label le in a histogram");

	/* Never initialised. */
	start(&m, &sb);
	assert_int_equal(metrics_histogram(&m, "bootd_x_seconds", "h", NULL,
	    &none), -1);
	failed_with(&m, &sb, "histogram without valid bounds");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_families),
		cmocka_unit_test(t_twice),
		cmocka_unit_test(t_escape),
		cmocka_unit_test(t_bad_names),
		cmocka_unit_test(t_bad_samples),
		cmocka_unit_test(t_full),
		cmocka_unit_test(t_hist),
		cmocka_unit_test(t_hist_many),
		cmocka_unit_test(t_hist_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
