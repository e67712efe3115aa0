/* SPDX-License-Identifier: ISC */
/*
 * cli_host: `bootd host add|set|rm` and `bootd discovered promote`, a host
 * edited without SQL. The edit is applied to a copy of the rows the daemon
 * loads (inv_edit), judged by the daemon's own validators and check's host
 * checks, and written in one transaction only when it adds nothing that
 * `bootd check` would complain of, in check's own words. Blocking: a
 * command, never the daemon's loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/config.h"
#include "daemon/daemon.h"
#include "db/db_admin.h"
#include "db/db_cli.h"
#include "db/db_conn.h"
#include "db/db_load.h"
#include "db/inv_edit.h"
#include "db/inventory.h"

/*
 * The generation moves under an edit when anyone else (the daemon's
 * install-done, another admin) writes meanwhile: load and judge again.
 */
#define EDIT_TRIES	5

/* Each line check would print about a snapshot. */
struct problems {
	char	**line;
	size_t	  n;
	int	  enomem;
};

static void
problems_add(void *arg, const char *line)
{
	struct problems	 *p = arg;
	char		**nl;

	if (p->enomem)
		return;
	if ((nl = realloc(p->line, (p->n + 1) * sizeof(*nl))) == NULL ||
	    (nl[p->n] = strdup(line)) == NULL) {
		if (nl != NULL)
			p->line = nl;
		p->enomem = 1;
		return;
	}
	p->line = nl;
	p->n++;
}

static void
problems_clear(struct problems *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		free(p->line[i]);
	free(p->line);
	memset(p, 0, sizeof(*p));
}

/* What `bootd check` prints about the rows and hosts of snap. */
static int
problems_of(const struct bootd_config *cfg, const struct inv_snapshot *snap,
    struct problems *p)
{
	char	 line[1100];
	size_t	 i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < snap->nrejects; i++) {
		snprintf(line, sizeof(line), "rejected %s", snap->rejects[i]);
		problems_add(p, line);
	}
	cli_host_problems(cfg, snap, problems_add, p);
	return p->enomem ? -1 : 0;
}

/* One command: what it is called in messages, its edit. */
struct host_cmd {
	const char	*verb;		/* "host add" */
	struct inv_edit	 e;
	const char	*promote_mac;	/* discovered promote: its MAC */
};

enum judge {
	JUDGE_OK,
	JUDGE_REFUSED,		/* said why */
	JUDGE_FAILED		/* said why */
};

/*
 * Applies c's edit to rows and judges it: refused when it fails to apply
 * or adds a line check would print. res is filled on JUDGE_OK.
 */
static enum judge
host_judge(const struct bootd_config *cfg, const struct host_cmd *c,
    const struct inv_rows *rows, struct inv_edit_result *res)
{
	struct inv_snapshot	*before = NULL, *after = NULL;
	struct problems		 pb, pa;
	size_t			*news = NULL;
	char			 err[1024];
	long			 n, i;
	enum judge		 j = JUDGE_FAILED;

	memset(&pb, 0, sizeof(pb));
	memset(&pa, 0, sizeof(pa));
	if (inv_edit_apply(rows, &c->e, res, err, sizeof(err)) == -1) {
		fprintf(stderr, "bootd: %s: %s; nothing changed\n", c->verb,
		    err);
		return JUDGE_REFUSED;
	}
	if ((before = inv_build_with(rows, &bootd_inv_opts)) == NULL ||
	    (after = inv_build_with(res->rows, &bootd_inv_opts)) == NULL ||
	    problems_of(cfg, before, &pb) == -1 ||
	    problems_of(cfg, after, &pa) == -1 ||
	    (n = inv_edit_news((const char *const *)pb.line, pb.n,
	    (const char *const *)pa.line, pa.n, &news)) == -1) {
		fprintf(stderr, "bootd: %s: out of memory\n", c->verb);
		goto done;
	}
	for (i = 0; i < n; i++)
		fprintf(stderr, "bootd: %s: %s\n", c->verb, pa.line[news[i]]);
	if (n > 0) {
		fprintf(stderr, "bootd: %s: refused (what bootd check would "
		    "say); nothing changed\n", c->verb);
		j = JUDGE_REFUSED;
	} else
		j = JUDGE_OK;
done:
	if (j != JUDGE_OK)
		inv_edit_result_clear(res);
	free(news);
	problems_clear(&pb);
	problems_clear(&pa);
	inv_unref(before);
	inv_unref(after);
	return j;
}

static void
host_said(const struct host_cmd *c, const struct inv_edit_result *res)
{
	size_t	 i;

	switch (c->e.op) {
	case INV_EDIT_ADD:
		if (c->promote_mac != NULL)
			printf("%s promoted: host %s added, its discovered "
			    "row removed\n", c->promote_mac, c->e.hostname);
		else
			printf("host %s added\n", c->e.hostname);
		break;
	case INV_EDIT_SET:
		printf("host %s changed\n", c->e.hostname);
		break;
	case INV_EDIT_RM:
		printf("host %s removed", c->e.hostname);
		for (i = 1; i < res->nremoved; i++)
			printf("%s%s", i == 1 ? ", with its guests " : ", ",
			    res->removed[i]);
		printf("\n");
		break;
	}
}

/* Loads, judges and writes c; retries while the generation moves. */
static int
host_run(const char *config_path, const struct host_cmd *c)
{
	struct bootd_config	*cfg = NULL;
	struct inv_edit_result	 res;
	struct inv_rows		*rows = NULL;
	MYSQL			*my;
	char			 err[DB_ERRLEN];
	int			 tries, r, rc = 1;
	enum judge		 j;

	memset(&res, 0, sizeof(res));
	if ((my = db_cli_open(config_path, &cfg)) == NULL)
		goto done;
	for (tries = 0; tries < EDIT_TRIES; tries++) {
		if ((rows = db_load_rows(my, err, sizeof(err))) == NULL) {
			fprintf(stderr, "bootd: database: %s\n", err);
			goto done;
		}
		if ((j = host_judge(cfg, c, rows, &res)) != JUDGE_OK)
			goto done;
		r = db_admin_edit(my, &c->e, &res, inv_rows_generation(rows),
		    c->promote_mac, err, sizeof(err));
		if (r == -1) {
			fprintf(stderr, "bootd: %s: %s; nothing changed\n",
			    c->verb, err);
			goto done;
		}
		if (r == 0) {
			host_said(c, &res);
			rc = fflush(stdout) == 0 ? 0 : 1;
			goto done;
		}
		inv_edit_result_clear(&res);
		inv_rows_free(rows);
		rows = NULL;
	}
	fprintf(stderr, "bootd: %s: the inventory changed under each of %d "
	    "tries; nothing changed\n", c->verb, EDIT_TRIES);
done:
	inv_edit_result_clear(&res);
	inv_rows_free(rows);
	if (my != NULL)
		mysql_close(my);
	config_free(cfg);
	return rc;
}

static int
usage_err(const char *what)
{
	fprintf(stderr, "bootd: %s\nusage: bootd host add NAME MAC IP PROFILE "
	    "[--dom0 D --vdisk V --memory MB --vcpus N]\n"
	    "                      [--var K=V]... [--disabled] [--build 0|1]\n"
	    "       bootd host set NAME FIELD=VALUE...   (%s, var.K=V, "
	    "var.K=)\n"
	    "       bootd host rm NAME [--force]\n"
	    "       bootd discovered promote MAC NAME IP PROFILE\n", what,
	    inv_edit_field_list);
	return 2;
}

/* add's options after NAME MAC IP PROFILE (argv[i..]). */
static int
add_options(struct inv_edit *e, int argc, char **argv, int i, char *err,
    size_t errlen)
{
	static const char *const valued[] = {
		"--dom0", "--vdisk", "--memory", "--vcpus", "--build",
	};
	size_t	 k;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "--disabled") == 0) {
			if (inv_edit_field(e, "enabled", "0", err,
			    errlen) == -1)
				return -1;
			continue;
		}
		if (i + 1 == argc) {
			snprintf(err, errlen, "unknown option or missing "
			    "value: %.64s", argv[i]);
			return -1;
		}
		if (strcmp(argv[i], "--var") == 0) {
			if (inv_edit_assign_var(e, argv[++i], err,
			    errlen) == -1)
				return -1;
			continue;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (strcmp(argv[i], valued[k]) == 0)
				break;
		if (k == sizeof(valued) / sizeof(valued[0])) {
			snprintf(err, errlen, "unknown option %.64s", argv[i]);
			return -1;
		}
		if (inv_edit_field(e, valued[k] + 2, argv[i + 1], err,
		    errlen) == -1)
			return -1;
		i++;
	}
	return 0;
}

/* NAME MAC IP PROFILE at argv[i..i+3] into e. */
static int
add_positional(struct inv_edit *e, char **argv, int i, char *err,
    size_t errlen)
{
	inv_edit_init(e, INV_EDIT_ADD, argv[i]);
	if (inv_edit_field(e, "mac", argv[i + 1], err, errlen) == -1 ||
	    inv_edit_field(e, "ip", argv[i + 2], err, errlen) == -1 ||
	    inv_edit_field(e, "profile", argv[i + 3], err, errlen) == -1)
		return -1;
	return 0;
}

int
cli_host(const char *config_path, int argc, char **argv)
{
	struct host_cmd	 c;
	char		 err[512];
	int		 i;

	memset(&c, 0, sizeof(c));
	if (argc < 3)
		return usage_err("host needs add, set or rm and a NAME");
	if (strcmp(argv[1], "add") == 0) {
		c.verb = "host add";
		if (argc < 6)
			return usage_err("host add needs NAME MAC IP PROFILE");
		if (add_positional(&c.e, argv, 2, err, sizeof(err)) == -1 ||
		    add_options(&c.e, argc, argv, 6, err, sizeof(err)) == -1)
			return usage_err(err);
	} else if (strcmp(argv[1], "set") == 0) {
		c.verb = "host set";
		inv_edit_init(&c.e, INV_EDIT_SET, argv[2]);
		if (argc < 4)
			return usage_err("host set needs FIELD=VALUE");
		for (i = 3; i < argc; i++)
			if (inv_edit_assign(&c.e, argv[i], err,
			    sizeof(err)) == -1)
				return usage_err(err);
	} else if (strcmp(argv[1], "rm") == 0) {
		c.verb = "host rm";
		inv_edit_init(&c.e, INV_EDIT_RM, argv[2]);
		for (i = 3; i < argc; i++) {
			if (strcmp(argv[i], "--force") != 0)
				return usage_err("host rm takes NAME and "
				    "--force only");
			c.e.force = 1;
		}
	} else
		return usage_err("host needs add, set or rm");
	return host_run(config_path, &c);
}

int
cli_promote(const char *config_path, int argc, char **argv)
{
	struct host_cmd	 c;
	char		 err[512];

	memset(&c, 0, sizeof(c));
	c.verb = "discovered promote";
	if (argc != 6)
		return usage_err("discovered promote needs MAC NAME IP "
		    "PROFILE");
	inv_edit_init(&c.e, INV_EDIT_ADD, argv[3]);
	if (inv_edit_field(&c.e, "mac", argv[2], err, sizeof(err)) == -1 ||
	    inv_edit_field(&c.e, "ip", argv[4], err, sizeof(err)) == -1 ||
	    inv_edit_field(&c.e, "profile", argv[5], err, sizeof(err)) == -1)
		return usage_err(err);
	c.promote_mac = c.e.cell[INV_H_MAC];
	return host_run(config_path, &c);
}
