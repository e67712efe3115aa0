/* SPDX-License-Identifier: ISC */
/*
 * test_render: /api/hosts and the per-host /metrics families written in
 * slices are byte for byte the text of one pass, whatever the slice
 * size; a snapshot swap between two slices reads the states by name (a
 * host gone from the watch shows as unseen) and the text stays whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/render.h"
#include "daemon/watch.h"
#include "db/inventory.h"
#include "inv_rows_add.h"

#define NHOSTS	150
#define NOW	(1700000000000LL)	/* ms */

/* Hosts h000 .. h<n-1> (build 1, each third disabled), groups r0..r4. */
static struct inv_snapshot *
snap_n(int n, int reverse)
{
	struct inv_rows		*rows = inv_rows_new(1);
	struct inv_snapshot	*snap;
	char			 name[16], mac[24], ip[24], grp[8];
	int			 i, k;

	assert_non_null(rows);
	add(rows, INV_T_PROFILES, "p", "install", "vmlinuz", "initrd.img",
	    NULL, NULL, NULL, "1", NULL, NULL, NULL, NULL, (const char *)NULL);
	for (k = 0; k < n; k++) {
		i = reverse ? n - 1 - k : k;
		snprintf(name, sizeof(name), "h%03d", i);
		snprintf(mac, sizeof(mac), "52:54:00:00:%02x:%02x", i >> 8,
		    i & 255);
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i >> 8, (i & 255) + 1);
		snprintf(grp, sizeof(grp), "r%d", i % 5);
		add(rows, INV_T_HOSTS, name, mac, ip, "p", i % 3 ? "1" : "0",
		    "1", NULL, NULL, NULL, NULL, NULL);
		add(rows, INV_T_VARS, name, "group", grp);
	}
	snap = inv_build(rows);
	inv_rows_free(rows);
	assert_non_null(snap);
	assert_int_equal(snap->nrejects, 0);
	return snap;
}

/* A watch on snap with events for every host but skip (-1: none). */
static struct watch *
watch_on(struct inv_snapshot *snap, int skip)
{
	struct watch	*w = watch_new(1000, 0);
	struct watch_in	 in = { 0, WATCH_SRC_DHCP, "", NULL, NULL, "d\"x" };
	char		 name[16];
	int		 i;

	assert_non_null(w);
	assert_int_equal(watch_set_snapshot(w, snap), 0);
	for (i = 0; i < NHOSTS; i++) {
		if (i == skip || i % 7 == 0)	/* each 7th: never seen */
			continue;
		snprintf(name, sizeof(name), "h%03d", i);
		in.hostname = name;
		in.at_us = (NOW - 60000 + i) * 1000;
		in.stage = i % 2 ? "dhcp-ack" : "tftp-done";
		assert_int_not_equal(watch_event(w, &in), 0);
	}
	return w;
}

/* /api/hosts with q, in slices of max hosts; a new string. */
static char *
api_text(const struct watch *w, const struct inv_snapshot *snap,
    const char *qs, size_t max, struct watch *swap_w,
    struct inv_snapshot *swap_to)
{
	struct api_query	 q;
	struct render_cur	 cur;
	struct strbuf		 sb;
	const char		*why;
	size_t			 len, calls = 0;

	assert_int_equal(api_query_parse(qs, API_P_STATE | API_P_PROFILE |
	    API_P_Q, &q, &why), 0);
	memset(&cur, 0, sizeof(cur));
	strbuf_init(&sb, STRBUF_NOMAX);
	while (!render_api_hosts(&sb, w, snap, &q, NOW, 0, &cur, max)) {
		assert_true(++calls < 10 * NHOSTS);
		if (calls == 2 && swap_to != NULL)
			assert_int_equal(watch_set_snapshot(swap_w, swap_to),
			    0);
	}
	assert_int_equal(sb.err, STRBUF_OK);
	return strbuf_take(&sb, &len);
}

static char *
metrics_text(const struct watch *w, const struct inv_snapshot *snap,
    size_t max)
{
	struct render_cur	 cur;
	struct strbuf		 sb;
	struct metrics		 m;
	const char		*why;
	size_t			 len, calls = 0;

	memset(&cur, 0, sizeof(cur));
	strbuf_init(&sb, STRBUF_NOMAX);
	metrics_init(&m, &sb);
	while (!render_metrics_hosts(&m, w, snap, NOW, 0, &cur, max))
		assert_true(++calls < 10 * NHOSTS);
	assert_int_equal(metrics_done(&m, &why), 0);
	return strbuf_take(&sb, &len);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
test_api_slices_identical(void **state)
{
	static const char *const queries[] = { "", "q=R2", "state=disabled",
	    "state=unseen&profile=p", "q=nomatch" };
	static const size_t sizes[] = { 0, 1, 7, 64, NHOSTS - 1, NHOSTS };
	struct inv_snapshot	*snap = snap_n(NHOSTS, 0);
	struct watch		*w = watch_on(snap, -1);
	char			*one, *sl;
	size_t			 qi, si;

	(void)state;
	for (qi = 0; qi < sizeof(queries) / sizeof(queries[0]); qi++) {
		one = api_text(w, snap, queries[qi], SIZE_MAX, NULL, NULL);
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			sl = api_text(w, snap, queries[qi], sizes[si], NULL,
			    NULL);
			assert_string_equal(sl, one);
			free(sl);
		}
		free(one);
	}
	one = api_text(w, snap, "", 5, NULL, NULL);
	assert_int_equal(count(one, "\"name\":"), NHOSTS);
	assert_non_null(strstr(one, "\"name\":\"h001\",\"mac\":"
	    "\"52:54:00:00:00:01\""));
	free(one);
	/* No snapshot: an empty list. */
	one = api_text(w, NULL, "", 1, NULL, NULL);
	assert_string_equal(one, "{\"now\":1700000000000,\"generation\":0,"
	    "\"hosts\":[]}\n");
	free(one);
	watch_free(w);
	inv_unref(snap);
}

/*
 * The watch moves to a snapshot of h000 .. h099 only, in the reverse
 * order, after the first slice: the render goes on over the snapshot it
 * began with, h100 .. h149 as unseen, the others with their states,
 * found by name.
 */
static void
test_api_swap_mid_render(void **state)
{
	struct inv_snapshot	*snap = snap_n(NHOSTS, 0);
	struct inv_snapshot	*less = snap_n(100, 1);	/* h000 .. h099 */
	struct watch		*w = watch_on(snap, -1);
	struct watch		*w2 = watch_on(snap, 100);
	char			*want, *got;

	(void)state;
	want = api_text(w2, snap, "", SIZE_MAX, NULL, NULL);
	got = api_text(w, snap, "", 10, w, less);
	/* h100 .. h149 are gone from the watch: unseen now. */
	assert_int_equal(count(got, "\"name\":"), NHOSTS);
	assert_non_null(strstr(got, "\"name\":\"h120\""));
	assert_non_null(strstr(strstr(got, "\"name\":\"h101\""),
	    "\"state\":\"unseen\""));
	/* The hosts kept read the same as before the swap. */
	assert_memory_equal(got, want, (size_t)(strstr(want,
	    "\"name\":\"h100\"") - want));
	free(want);
	free(got);
	watch_free(w);
	watch_free(w2);
	inv_unref(snap);
	inv_unref(less);
}

static void
test_metrics_slices_identical(void **state)
{
	static const size_t sizes[] = { 0, 1, 13, NHOSTS, SIZE_MAX };
	struct inv_snapshot	*snap = snap_n(NHOSTS, 0);
	struct watch		*w = watch_on(snap, -1);
	char			*one, *sl;
	size_t			 si;

	(void)state;
	one = metrics_text(w, snap, SIZE_MAX);
	assert_int_equal(count(one, "bootd_host_state{"), NHOSTS);
	/* Each 7th host has no event: absent from the second family. */
	assert_int_equal(count(one, "bootd_host_last_event_timestamp_seconds{"),
	    NHOSTS - (NHOSTS + 6) / 7);
	assert_int_equal(count(one, "# TYPE "), 2);
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		sl = metrics_text(w, snap, sizes[si]);
		assert_string_equal(sl, one);
		free(sl);
	}
	free(one);
	one = metrics_text(w, NULL, 1);
	assert_string_equal(one, "");
	free(one);
	watch_free(w);
	inv_unref(snap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_slices_identical),
		cmocka_unit_test(test_api_swap_mid_render),
		cmocka_unit_test(test_metrics_slices_identical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
