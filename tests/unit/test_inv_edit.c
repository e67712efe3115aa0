/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for db/inv_edit: the parse of field=value arguments, an edit
 * applied to raw rows and judged by inv_build_with() (check's own words),
 * and the new-lines difference that decides a refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/inv_edit.h"
#include "db/inventory.h"
#include "kickstart/ks_vars.h"
#include "inv_rows_add.h"

static void
host(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip, const char *dom0)
{
	add(rows, INV_T_HOSTS, name, mac, ip, "p", "1", "0", dom0,
	    dom0 != NULL ? "/dev/vg/x" : NULL, NULL, NULL, "");
}

/* Profile "p"; dom0 "d0" with guests g1, g2; "solo"; a var on d0, g1. */
static struct inv_rows *
base(void)
{
	struct inv_rows *rows;

	assert_non_null(rows = inv_rows_new(3));
	add(rows, INV_T_PROFILES, "p", "install", "k", "i", "", "x.ks",
	    NULL, "0", NULL, NULL, NULL, NULL, NULL);
	host(rows, "d0", "52:54:00:00:00:01", "10.0.0.1", NULL);
	host(rows, "g1", "52:54:00:00:00:02", "10.0.0.2", "d0");
	host(rows, "g2", "52:54:00:00:00:03", "10.0.0.3", "D0");
	host(rows, "solo", "52:54:00:00:00:04", "10.0.0.4", NULL);
	add(rows, INV_T_VARS, "d0", "bridge", "br0");
	add(rows, INV_T_VARS, "g1", "Color", "red");
	return rows;
}

static struct inv_snapshot *
build(const struct inv_rows *rows)
{
	const struct inv_build_opts opts = { ks_vars_reserved };
	struct inv_snapshot *s;

	assert_non_null(s = inv_build_with(rows, &opts));
	return s;
}

static void
t_parse(void **state)
{
	struct inv_edit	 e;
	char		 err[256];

	(void)state;
	inv_edit_init(&e, INV_EDIT_SET, "h");
	assert_int_equal(inv_edit_assign(&e, "mac=52-54-00-AA-bb-01", err,
	    sizeof(err)), 0);
	assert_true(e.given[INV_H_MAC]);
	assert_string_equal(e.cell[INV_H_MAC], "52:54:00:aa:bb:01");
	assert_int_equal(inv_edit_assign(&e, "ip=10.1.2.3", err,
	    sizeof(err)), 0);
	assert_string_equal(e.cell[INV_H_IP], "10.1.2.3");
	/* A value may hold '='; "" clears the optional columns. */
	assert_int_equal(inv_edit_assign(&e, "vdisk=/dev/x=y", err,
	    sizeof(err)), 0);
	assert_string_equal(e.cell[INV_H_VDISK], "/dev/x=y");
	assert_int_equal(inv_edit_assign(&e, "dom0=", err, sizeof(err)), 0);
	assert_true(e.given[INV_H_DOM0]);
	assert_null(e.cell[INV_H_DOM0]);
	assert_int_equal(inv_edit_assign(&e, "memory=", err, sizeof(err)), 0);
	assert_null(e.cell[INV_H_MEMORY_MB]);
	/* The validators judge values, not the parse. */
	assert_int_equal(inv_edit_assign(&e, "vcpus=lots", err,
	    sizeof(err)), 0);
	assert_string_equal(e.cell[INV_H_VCPUS], "lots");
	assert_int_equal(inv_edit_assign(&e, "enabled=0", err, sizeof(err)),
	    0);
	assert_int_equal(inv_edit_assign(&e, "build=1", err, sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "profile=", err, sizeof(err)), 0);
	assert_string_equal(e.cell[INV_H_PROFILE], "");
	/* Variables: set, remove, a name the validators will judge. */
	assert_int_equal(inv_edit_assign(&e, "var.rootpw=a=b", err,
	    sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "var.old=", err, sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "var.=x", err, sizeof(err)), 0);
	assert_int_equal(e.nvars, 3);
	assert_int_equal(e.vars[0].namelen, 6);
	assert_memory_equal(e.vars[0].name, "rootpw", 6);
	assert_string_equal(e.vars[0].value, "a=b");
	assert_null(e.vars[1].value);
	assert_int_equal(e.vars[2].namelen, 0);
	/* Refusals. */
	assert_int_equal(inv_edit_assign(&e, "mac", err, sizeof(err)), -1);
	assert_string_equal(err, "\"mac\": want field=value");
	assert_int_equal(inv_edit_assign(&e, "ip=1.1.1.1", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "ip given twice");
	assert_int_equal(inv_edit_assign(&e, "var.ROOTPW=x", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "var.ROOTPW given twice");
	assert_int_equal(inv_edit_assign(&e, "hostname=x", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "unknown field \"hostname\" (fields: mac ip "
	    "profile dom0 vdisk memory vcpus enabled build, var.NAME)");
	assert_int_equal(inv_edit_assign(&e, "=x", err, sizeof(err)), -1);
	assert_int_equal(inv_edit_assign_var(&e, "old=1", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "var.old given twice");
	assert_int_equal(inv_edit_assign_var(&e, "new=1=2", err,
	    sizeof(err)), 0);
	assert_int_equal(e.vars[3].namelen, 3);
	assert_string_equal(e.vars[3].value, "1=2");
	assert_int_equal(inv_edit_assign_var(&e, "k", err, sizeof(err)), -1);
	assert_string_equal(err, "\"k\": want NAME=value");
	assert_int_equal(inv_edit_field(&e, "memory_mb", "1", err,
	    sizeof(err)), -1);
}

static void
t_vars_max(void **state)
{
	static char	 names[INV_EDIT_VARS_MAX + 1][16];
	struct inv_edit	 e;
	char		 err[256];
	int		 i;

	(void)state;
	inv_edit_init(&e, INV_EDIT_ADD, "h");
	for (i = 0; i <= INV_EDIT_VARS_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "var.v%d=1", i);
		assert_int_equal(inv_edit_assign(&e, names[i], err,
		    sizeof(err)), i < INV_EDIT_VARS_MAX ? 0 : -1);
	}
	assert_string_equal(err, "more than 256 variables");
}

/* Applies e to base() and returns the snapshot of the result. */
static struct inv_snapshot *
applied(const struct inv_edit *e, struct inv_rows **in,
    struct inv_edit_result *res)
{
	char	 err[256];

	*in = base();
	assert_int_equal(inv_edit_apply(*in, e, res, err, sizeof(err)), 0);
	assert_int_equal(inv_rows_generation(res->rows), 3);
	return build(res->rows);
}

static void
t_add(void **state)
{
	struct inv_edit_result	 res;
	struct inv_rows		*in;
	struct inv_snapshot	*s;
	const struct inv_host	*h;
	struct inv_edit		 e;
	char			 err[256];

	(void)state;
	inv_edit_init(&e, INV_EDIT_ADD, "g3");
	assert_int_equal(inv_edit_assign(&e, "mac=52:54:00:00:00:05", err,
	    sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "ip=10.0.0.5", err,
	    sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "profile=p", err, sizeof(err)),
	    0);
	assert_int_equal(inv_edit_assign(&e, "dom0=d0", err, sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "vdisk=/dev/vg/g3", err,
	    sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "var.k=v", err, sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "var.gone=", err, sizeof(err)),
	    0);
	s = applied(&e, &in, &res);
	assert_int_equal(s->nrejects, 0);
	assert_non_null(h = inv_by_name(s, "g3"));
	/* The schema's defaults, written explicitly. */
	assert_int_equal(h->enabled, 1);
	assert_int_equal(h->build, 1);
	assert_string_equal(h->dom0->hostname, "d0");
	assert_int_equal(h->nvars, 1);
	assert_string_equal(inv_var_get(h, "k"), "v");
	assert_int_equal(inv_by_name(s, "d0")->nguests, 3);
	assert_int_equal(res.nremoved, 0);
	inv_unref(s);
	inv_edit_result_clear(&res);
	inv_rows_free(in);
}

/* Each refusal check gives, as a new reject line of the rows after. */
static void
t_add_rejects(void **state)
{
	static const struct {
		const char	*args[4];
		const char	*want;
	} cases[] = {
		{ { "mac=zz", "ip=10.0.0.9", "profile=p" },
		    "hosts \"n\": malformed MAC \"zz\"" },
		{ { "mac=52:54:00:00:00:09", "ip=10.0.0.4", "profile=p" },
		    "hosts \"n\": duplicate IP 10.0.0.4 (also \"solo\")" },
		{ { "mac=52-54-00-00-00-04", "ip=10.0.0.9", "profile=p" },
		    "hosts \"n\": duplicate MAC 52:54:00:00:00:04 (also "
		    "\"solo\")" },
		{ { "mac=52:54:00:00:00:09", "ip=10.0.0.9", "profile=q" },
		    "hosts \"n\": unknown profile \"q\"" },
		{ { "mac=52:54:00:00:00:09", "ip=10.0.0.9", "profile=p",
		    "dom0=nope" }, "hosts \"n\": dom0 \"nope\" not found" },
		{ { "mac=52:54:00:00:00:09", "ip=10.0.0.9", "profile=p",
		    "var.hostname=x" }, "host_vars \"n\".\"hostname\": " },
		{ { "mac=52:54:00:00:00:09", "ip=10.0.0.9", "profile=p",
		    "var.9x=y" }, "host_vars \"n\".\"9x\": " },
	};
	struct inv_edit_result	 res;
	struct inv_rows		*in;
	struct inv_snapshot	*before, *after;
	struct inv_edit		 e;
	size_t			*news, i, j;
	char			 err[256];
	long			 n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inv_edit_init(&e, INV_EDIT_ADD, "n");
		for (j = 0; j < 4 && cases[i].args[j] != NULL; j++)
			assert_int_equal(inv_edit_assign(&e, cases[i].args[j],
			    err, sizeof(err)), 0);
		after = applied(&e, &in, &res);
		before = build(in);
		assert_int_equal(before->nrejects, 0);
		n = inv_edit_news(before->rejects, before->nrejects,
		    after->rejects, after->nrejects, &news);
		assert_true(n >= 1);
		for (j = 0; j < (size_t)n; j++)
			if (strncmp(after->rejects[news[j]], cases[i].want,
			    strlen(cases[i].want)) == 0)
				break;
		if (j == (size_t)n)
			fail_msg("no new line \"%s\"; first: %s",
			    cases[i].want, after->rejects[news[0]]);
		free(news);
		inv_unref(before);
		inv_unref(after);
		inv_edit_result_clear(&res);
		inv_rows_free(in);
	}
}

static void
t_set(void **state)
{
	struct inv_edit_result	 res;
	struct inv_rows		*in;
	struct inv_snapshot	*s;
	const struct inv_host	*h;
	struct inv_edit		 e;
	char			 err[256];

	(void)state;
	/* Case-insensitive names; var.color replaces "Color". */
	inv_edit_init(&e, INV_EDIT_SET, "G1");
	assert_int_equal(inv_edit_assign(&e, "memory=4096", err,
	    sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "var.color=blue", err,
	    sizeof(err)), 0);
	assert_int_equal(inv_edit_assign(&e, "build=1", err, sizeof(err)), 0);
	s = applied(&e, &in, &res);
	assert_int_equal(s->nrejects, 0);
	h = inv_by_name(s, "g1");
	assert_int_equal(h->memory_mb, 4096);
	assert_int_equal(h->build, 1);
	assert_string_equal(h->ipstr, "10.0.0.2");
	assert_int_equal(h->nvars, 1);
	assert_string_equal(inv_var_get(h, "color"), "blue");
	inv_unref(s);
	inv_edit_result_clear(&res);
	inv_rows_free(in);

	/* Remove a variable, leave the others. */
	inv_edit_init(&e, INV_EDIT_SET, "g1");
	assert_int_equal(inv_edit_assign(&e, "var.COLOR=", err,
	    sizeof(err)), 0);
	s = applied(&e, &in, &res);
	assert_int_equal(inv_by_name(s, "g1")->nvars, 0);
	assert_int_equal(inv_by_name(s, "d0")->nvars, 1);
	inv_unref(s);
	inv_edit_result_clear(&res);
	inv_rows_free(in);

	/* No such host. */
	in = base();
	inv_edit_init(&e, INV_EDIT_SET, "nope");
	assert_int_equal(inv_edit_apply(in, &e, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "no host \"nope\"");
	assert_null(res.rows);
	inv_rows_free(in);
}

static void
t_rm(void **state)
{
	struct inv_edit_result	 res;
	struct inv_rows		*in;
	struct inv_snapshot	*s;
	struct inv_edit		 e;
	char			 err[256];

	(void)state;
	in = base();
	inv_edit_init(&e, INV_EDIT_RM, "d0");
	assert_int_equal(inv_edit_apply(in, &e, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "host \"d0\" has guests g1, g2: remove them "
	    "first, or --force removes them too");
	inv_rows_free(in);

	e.force = 1;
	s = applied(&e, &in, &res);
	assert_int_equal(s->nrejects, 0);
	assert_int_equal(s->nhosts, 1);
	assert_non_null(inv_by_name(s, "solo"));
	assert_int_equal(inv_rows_count(res.rows, INV_T_VARS), 0);
	assert_int_equal(res.nremoved, 3);
	assert_string_equal(res.removed[0], "d0");
	assert_string_equal(res.removed[2], "g2");
	inv_unref(s);
	inv_edit_result_clear(&res);
	inv_rows_free(in);

	inv_edit_init(&e, INV_EDIT_RM, "SOLO");
	s = applied(&e, &in, &res);
	assert_int_equal(s->nhosts, 3);
	assert_int_equal(res.nremoved, 1);
	assert_string_equal(res.removed[0], "solo");
	inv_unref(s);
	inv_edit_result_clear(&res);
	inv_rows_free(in);

	in = base();
	inv_edit_init(&e, INV_EDIT_RM, "nope");
	assert_int_equal(inv_edit_apply(in, &e, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "no host \"nope\"");
	inv_rows_free(in);
}

static void
t_news(void **state)
{
	static const char *const before[] = { "b", "a", "c" };
	static const char *const after[] = { "a", "x", "c", "y" };
	size_t	*news;

	(void)state;
	assert_int_equal(inv_edit_news(before, 3, after, 4, &news), 2);
	assert_int_equal(news[0], 1);
	assert_int_equal(news[1], 3);
	free(news);
	assert_int_equal(inv_edit_news(after, 4, before + 1, 1, &news), 0);
	assert_null(news);
	assert_int_equal(inv_edit_news(NULL, 0, after, 1, &news), 1);
	free(news);
	assert_int_equal(inv_edit_news(before, 3, NULL, 0, &news), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_parse),
		cmocka_unit_test(t_vars_max),
		cmocka_unit_test(t_add),
		cmocka_unit_test(t_add_rejects),
		cmocka_unit_test(t_set),
		cmocka_unit_test(t_rm),
		cmocka_unit_test(t_news),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
