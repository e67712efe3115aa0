/* SPDX-License-Identifier: ISC */
/*
 * test_watch: the daemon's host states in memory: events found by host
 * name or MAC, per-host chains through the ring (eviction breaks them
 * cleanly), snapshot swaps keep tracks by name, a seed and the events
 * that came after it, stalls counted once, discovered MACs by recency.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/watch.h"
#include "db/inventory.h"
#include "inv_rows_add.h"

#define S	1000000LL	/* a second in microseconds */

/* Hosts a (build 1), b (build 0), c (build 1, disabled) and extra. */
static struct inv_snapshot *
snap_of(int with_a, int with_d)
{
	struct inv_rows		*rows = inv_rows_new(1);
	struct inv_snapshot	*snap;

	assert_non_null(rows);
	add(rows, INV_T_PROFILES, "p", "install", "vmlinuz", "initrd.img",
	    NULL, NULL, NULL, "1", NULL, NULL, NULL, NULL, (const char *)NULL);
	if (with_a)
		add(rows, INV_T_HOSTS, "a", "52:54:00:00:00:01", "10.0.0.1",
		    "p", "1", "1", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "b", "52:54:00:00:00:02", "10.0.0.2", "p", "1",
	    "0", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "c", "52:54:00:00:00:03", "10.0.0.3", "p", "0",
	    "1", NULL, NULL, NULL, NULL, NULL);
	if (with_d)
		add(rows, INV_T_HOSTS, "d", "52:54:00:00:00:04", "10.0.0.4",
		    "p", "1", "1", NULL, NULL, NULL, NULL, NULL);
	snap = inv_build(rows);
	inv_rows_free(rows);
	assert_non_null(snap);
	assert_int_equal(snap->nrejects, 0);
	return snap;
}

static uint64_t
ev(struct watch *w, int64_t at_us, const char *host, const char *mac,
    const char *stage)
{
	struct watch_in in = { at_us, WATCH_SRC_DHCP, mac, host, stage, "d" };

	return watch_event(w, &in);
}

/* Index of host name in the watch's snapshot. */
static size_t
idx(const struct watch *w, const char *name)
{
	const struct inv_host *h = inv_by_name(w->snap, name);

	assert_non_null(h);
	return (size_t)(h - w->snap->hosts);
}

/* Host name's timeline after seq as "stage,stage,...". */
static void
timeline_is(const struct watch *w, const char *name, uint64_t after,
    const char *want)
{
	const struct watch_event	**a;
	char				 got[512] = "";
	size_t				 n, i;

	assert_int_equal(watch_timeline(w, idx(w, name), after, &a, &n), 0);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(got, ",");
		strcat(got, a[i]->stage);
	}
	free(a);
	assert_string_equal(got, want);
}

static void
test_events_by_name_and_mac(void **state)
{
	struct inv_snapshot	*snap = snap_of(1, 0);
	struct watch		*w = watch_new(100, 10);
	uint64_t		 s1, s2;

	(void)state;
	assert_int_equal(watch_set_snapshot(w, snap), 0);
	inv_unref(snap);
	s1 = ev(w, 10 * S, "A", "", "dhcp-ack");
	s2 = ev(w, 11 * S, "", "52-54-00-00-00-01", "tftp-done");
	assert_int_equal(s1, 1);
	assert_int_equal(s2, 2);
	assert_int_equal(ev(w, 12 * S, "nobody", "", "dhcp-ack"), 0);
	assert_int_equal(ev(w, 12 * S, "", "52:54:00:99:99:99", "x"), 0);
	assert_int_equal(w->unknown, 2);
	ev(w, 13 * S, "b", "", "dhcp-ack");
	ev(w, 14 * S, "a", "", "ks-served");
	timeline_is(w, "a", 0, "dhcp-ack,tftp-done,ks-served");
	timeline_is(w, "a", 2, "ks-served");
	timeline_is(w, "b", 0, "dhcp-ack");
	timeline_is(w, "c", 0, "");
	assert_int_equal(watch_state(w, idx(w, "a"), 15000, 0), HS_INSTALLING);
	assert_int_equal(w->hosts[idx(w, "a")].t.began_ms, 10000);
	assert_string_equal(w->hosts[idx(w, "a")].last_stage, "ks-served");
	/* build = 0: from its disk, b is not installing anything. */
	assert_int_equal(watch_state(w, idx(w, "b"), 15000, 0), HS_BOOTING);
	assert_int_equal(watch_state(w, idx(w, "c"), 15000, 0), HS_DISABLED);
	watch_free(w);
}

/* A small ring: old events go, chains stop there, seq keeps growing. */
static void
test_ring_eviction(void **state)
{
	struct inv_snapshot	*snap = snap_of(1, 0);
	struct watch		*w = watch_new(3, 0);

	(void)state;
	assert_int_equal(watch_set_snapshot(w, snap), 0);
	inv_unref(snap);
	ev(w, 1 * S, "a", "", "dhcp-ack");
	ev(w, 2 * S, "b", "", "dhcp-ack");
	ev(w, 3 * S, "a", "", "tftp-done");
	ev(w, 4 * S, "b", "", "tftp-done");
	assert_int_equal(ev(w, 5 * S, "a", "", "ks-served"), 5);
	timeline_is(w, "a", 0, "tftp-done,ks-served");
	timeline_is(w, "b", 0, "tftp-done");
	assert_null(watch_event_at(w, 2));
	assert_non_null(watch_event_at(w, 3));
	/* The track remembers what the ring forgot. */
	assert_int_equal(w->hosts[idx(w, "a")].t.began_ms, 1000);
	watch_free(w);
}

/* Long strings are cut between UTF-8 characters. */
static void
test_cut_utf8(void **state)
{
	struct inv_snapshot	*snap = snap_of(1, 0);
	struct watch		*w = watch_new(4, 0);
	struct watch_in		 in;
	char			 detail[400];
	const struct watch_event *e;
	size_t			 i;

	(void)state;
	assert_int_equal(watch_set_snapshot(w, snap), 0);
	inv_unref(snap);
	for (i = 0; i + 2 < sizeof(detail); i += 2)
		memcpy(detail + i, "\xc3\xa9", 2);	/* e acute */
	detail[i] = '\0';
	memset(&in, 0, sizeof(in));
	in.hostname = "a";
	in.stage = "install-start";
	in.detail = detail;
	in.mac = "";
	e = watch_event_at(w, watch_event(w, &in));
	assert_non_null(e);
	/* 255 bytes would end half-way through a character. */
	assert_int_equal(strlen(e->detail), 254);
	watch_free(w);
}

static void
test_snapshot_swap_keeps_tracks(void **state)
{
	struct inv_snapshot	*s1 = snap_of(1, 0), *s2 = snap_of(0, 1);
	struct watch		*w = watch_new(10, 0);

	(void)state;
	assert_int_equal(watch_set_snapshot(w, s1), 0);
	ev(w, 1 * S, "a", "", "dhcp-ack");
	ev(w, 2 * S, "b", "", "dhcp-ack");
	ev(w, 3 * S, "b", "", "install-done");
	/* a goes, d comes; b keeps its track and timeline. */
	assert_int_equal(watch_set_snapshot(w, s2), 0);
	inv_unref(s1);
	inv_unref(s2);
	assert_null(inv_by_name(w->snap, "a"));
	assert_int_equal(w->snap->nhosts, 3);
	assert_int_equal(watch_state(w, idx(w, "b"), 4000, 0), HS_INSTALLED);
	timeline_is(w, "b", 0, "dhcp-ack,install-done");
	assert_int_equal(watch_state(w, idx(w, "d"), 4000, 0), HS_UNSEEN);
	timeline_is(w, "d", 0, "");
	assert_int_equal(ev(w, 4 * S, "a", "", "dhcp-ack"), 0);
	assert_int_equal(watch_set_snapshot(w, NULL), 0);
	assert_int_equal(ev(w, 5 * S, "b", "", "dhcp-ack"), 0);
	watch_free(w);
}

/* The seed replaces what came before it; what came after is kept. */
static void
test_seed(void **state)
{
	struct inv_snapshot	*snap = snap_of(1, 0);
	struct watch		*w = watch_new(10, 10);
	struct db_seed_event	 se[] = {
		{ 1 * S, "", "a", "dhcp-ack", "old" },
		{ 2 * S, "52:54:00:00:00:02", "", "dhcp-ack", "by mac" },
		{ 3 * S, "", "gone", "dhcp-ack", "" },
		{ 4 * S, "", "a", "tftp-done", "" },
	};
	struct db_seed_disc	 sd[] = {
		{ 1000 * 1000, 9000 * 1000, 7, "aa:00:00:00:00:02", "PXE", "" },
		{ 500 * 1000, 8000 * 1000, -1, "aa:00:00:00:00:01", "", "" },
	};
	struct db_seed		 seed = { se, 4, sd, 2, 5 * S, NULL };
	const struct watch_event *e;

	(void)state;
	assert_int_equal(watch_set_snapshot(w, snap), 0);
	inv_unref(snap);
	/* Before since: in the DB already (the seed has it or dropped it). */
	ev(w, 4 * S, "a", "", "tftp-done");
	/* After since: the DB did not have it yet. */
	ev(w, 6 * S, "a", "", "ks-served");
	watch_discovered(w, "aa:00:00:00:00:01", 9500, 9500, 0, "new", "");
	watch_discovered(w, "aa:00:00:00:00:03", 1000, 1000, 0, "old", "");
	assert_int_equal(watch_seed(w, &seed), 0);
	timeline_is(w, "a", 0, "dhcp-ack,tftp-done,ks-served");
	timeline_is(w, "b", 0, "dhcp-ack");
	assert_int_equal(watch_state(w, idx(w, "a"), 7000, 0), HS_INSTALLING);
	assert_int_equal(w->hosts[idx(w, "a")].t.began_ms, 1000);
	/* Seqs only grow: 1 and 2 before, 3..6 now (4 kept, "gone" not). */
	e = watch_event_at(w, w->hosts[idx(w, "a")].last_seq);
	assert_non_null(e);
	assert_int_equal(e->seq, 6);
	assert_string_equal(e->detail, "d");
	/* MACs: 01 seen after since (kept, first seen from the DB), 02
	 * from the DB, 03 only before since (the DB would have it). */
	assert_int_equal(w->ndisc, 2);
	assert_string_equal(w->disc[w->disc_newest - 1].mac,
	    "aa:00:00:00:00:01");
	assert_int_equal(w->disc[w->disc_newest - 1].first_ms, 500);
	assert_string_equal(w->disc[w->disc_newest - 1].vendor_class, "new");
	assert_string_equal(w->disc[w->disc_oldest - 1].mac,
	    "aa:00:00:00:00:02");
	assert_int_equal(w->disc[w->disc_oldest - 1].arch, 7);
	watch_free(w);
}

static void
count_cb(void *arg, size_t i)
{
	(void)i;
	(*(int *)arg)++;
}

static void
test_stall_once(void **state)
{
	struct inv_snapshot	*snap = snap_of(1, 0);
	struct watch		*w = watch_new(10, 0);
	uint64_t		 c[HS_MAX];
	int			 n = 0;

	(void)state;
	assert_int_equal(watch_set_snapshot(w, snap), 0);
	inv_unref(snap);
	ev(w, 10 * S, "a", "", "dhcp-ack");
	ev(w, 10 * S, "b", "", "dhcp-ack");	/* build = 0: never */
	ev(w, 10 * S, "c", "", "dhcp-ack");	/* disabled */
	assert_int_equal(watch_stall_scan(w, 12000, 2000, count_cb, &n), 0);
	assert_int_equal(watch_stall_scan(w, 12001, 2000, count_cb, &n), 1);
	assert_int_equal(watch_stall_scan(w, 20000, 2000, count_cb, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(w->stalled_total, 1);
	watch_counts(w, 20000, 2000, c);
	assert_int_equal(c[HS_STALLED], 1);
	assert_int_equal(c[HS_BOOTING], 1);
	assert_int_equal(c[HS_DISABLED], 1);
	watch_counts(w, 20000, 0, c);
	assert_int_equal(c[HS_STALLED], 0);
	/* A new boot may stall again; install-done ends it. */
	ev(w, 30 * S, "a", "", "dhcp-ack");
	assert_int_equal(watch_stall_scan(w, 33000, 2000, count_cb, &n), 1);
	ev(w, 34 * S, "a", "", "install-done");
	assert_int_equal(watch_stall_scan(w, 99000, 2000, count_cb, &n), 0);
	assert_int_equal(w->stalled_total, 2);
	watch_free(w);
}

static void
test_discovered_lru(void **state)
{
	struct watch	*w = watch_new(1, 2);
	const char	*m1 = "aa:00:00:00:00:01", *m2 = "aa:00:00:00:00:02";
	const char	*m3 = "aa:00:00:00:00:03";

	(void)state;
	watch_discovered(w, m1, 1, 1, 0, "", "");
	watch_discovered(w, m2, 2, 2, 0, "", "");
	watch_discovered(w, m1, 3, 3, 7, "v", "10.0.0.1");
	/* Full: m2 is the least recently seen and goes. */
	watch_discovered(w, m3, 4, 4, -1, "", "");
	assert_int_equal(w->ndisc, 2);
	assert_string_equal(w->disc[w->disc_newest - 1].mac, m3);
	assert_string_equal(w->disc[w->disc_oldest - 1].mac, m1);
	assert_int_equal(w->disc[w->disc_oldest - 1].first_ms, 1);
	assert_int_equal(w->disc[w->disc_oldest - 1].last_ms, 3);
	assert_int_equal(w->disc[w->disc_oldest - 1].arch, 7);
	/* m2 again: a new entry, m1 goes. */
	watch_discovered(w, m2, 5, 5, 0, "", "");
	assert_string_equal(w->disc[w->disc_newest - 1].mac, m2);
	assert_string_equal(w->disc[w->disc_oldest - 1].mac, m3);
	assert_int_equal(w->disc[w->disc_newest - 1].first_ms, 5);
	watch_free(w);
	w = watch_new(1, 0);
	watch_discovered(w, m1, 1, 1, 0, "", "");
	assert_int_equal(w->ndisc, 0);
	watch_free(w);
}

static void
test_src_of(void **state)
{
	(void)state;
	assert_int_equal(watch_src_of("dhcp-ack"), WATCH_SRC_DHCP);
	assert_int_equal(watch_src_of("tftp-failed"), WATCH_SRC_TFTP);
	assert_int_equal(watch_src_of("install-done"), WATCH_SRC_HTTP);
	assert_string_equal(watch_src_names[WATCH_SRC_TFTP], "tftp");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_by_name_and_mac),
		cmocka_unit_test(test_ring_eviction),
		cmocka_unit_test(test_cut_utf8),
		cmocka_unit_test(test_snapshot_swap_keeps_tracks),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_stall_once),
		cmocka_unit_test(test_discovered_lru),
		cmocka_unit_test(test_src_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
