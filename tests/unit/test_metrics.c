/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for bootd/metrics: the exposition text, HELP and TYPE once per
 * family, label value escaping, and the names refused.
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
