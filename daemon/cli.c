/* SPDX-License-Identifier: ISC */
/*
 * cli: the one-shot subcommands (check, hosts, db migrate). They may block:
 * none of this runs inside the daemon's event loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootd/config.h"
#include "bootd/fdlimit.h"
#include "bootd/log.h"
#include "bootd/priv.h"
#include "daemon/daemon.h"
#include "db/db_admin.h"
#include "db/db_cli.h"
#include "db/db_conn.h"
#include "db/db_load.h"
#include "db/inv_bootfile.h"
#include "db/inv_cache.h"
#include "db/migrate.h"
#include "dhcp/dhcp_msg.h"
#include "doc/doc.h"
#include "doc/doc_tfile.h"

#define CHECK_HOST_ERRORS_MAX	5	/* per template, then a count */

static struct bootd_config *
cli_config(const char *path)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN];

	if ((cfg = config_load(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "bootd: %s\n", err);
	return cfg;
}

int
cli_migrate(const char *config_path)
{
	struct bootd_config	*cfg;
	MYSQL			*my = NULL;
	char			 err[DB_ERRLEN];
	int			 from, to, rc = 1;

	if ((cfg = cli_config(config_path)) == NULL ||
	    (my = db_cli_connect(cfg)) == NULL)
		goto done;
	if (migrate_run(my, &from, &to, stderr, err, sizeof(err)) == -1) {
		fprintf(stderr, "bootd: db migrate: %s\n", err);
		goto done;
	}
	if (from == to)
		printf("schema is current (version %d)\n", to);
	else
		printf("schema migrated from version %d to %d\n", from, to);
	rc = 0;
done:
	if (my != NULL)
		mysql_close(my);
	config_free(cfg);
	return rc;
}

/* One failure text (without host) and how many hosts hit it. */
struct check_fail {
	char	*why;
	size_t	 n;
};

/*
 * Prints "why (host "H", KIND)" for the first CHECK_HOST_ERRORS_MAX hosts
 * with the same failure. Returns 1 for a failure not seen before (a
 * template problem), else 0.
 */
static int
check_fail(struct check_fail **f, size_t *nf, const char *why,
    const struct inv_host *h, enum doc_kind k)
{
	struct check_fail	*nfail;
	size_t			 i;

	for (i = 0; i < *nf; i++)
		if (strcmp((*f)[i].why, why) == 0)
			break;
	if (i == *nf) {
		if ((nfail = realloc(*f, (*nf + 1) * sizeof(**f))) == NULL)
			goto nomem;
		*f = nfail;
		if ((nfail[i].why = strdup(why)) == NULL)
			goto nomem;
		nfail[i].n = 0;
		(*nf)++;
	}
	if ((*f)[i].n++ < CHECK_HOST_ERRORS_MAX)
		printf("%s (host \"%s\", %s)\n", why, h->hostname,
		    doc_kind_names[k]);
	return (*f)[i].n == 1;
nomem:
	printf("%s (host \"%s\", %s)\n", why, h->hostname, doc_kind_names[k]);
	return 1;
}

/*
 * Renders every document of every enabled host, and the menus of unknown
 * hosts, with doc_render(), from the template set the HTTP server would
 * hold (doc_tset_load(): paths.templates, else the built-ins), exactly as
 * HTTP, TFTP and `bootd render` do, so what passes here is what the
 * servers send. Then names each template file
 * in paths.templates that does not load though no host uses it. Returns
 * the number of distinct problems.
 */
static int
cli_check_templates(const struct bootd_config *cfg,
    const struct inv_snapshot *snap)
{
	static const enum doc_kind unknown[] = { DOC_PXELINUX, DOC_GRUB,
	    DOC_AUTOEXEC };
	const struct inv_host	*h;
	const struct doc_tfile	*t;
	struct doc_tset		*ts;
	struct doc_templates	 view;
	struct doc_req		 req;
	struct check_fail	*f = NULL;
	const char		*na;
	char			*out, why[1024];
	size_t			 i, j, len, nf = 0;
	int			 k, problems = 0;

	if ((ts = doc_tset_load(cfg->paths.templates, snap)) == NULL) {
		printf("templates: out of memory\n");
		return 1;
	}
	view = doc_tset_view(ts);
	req.cfg = cfg;
	req.snap = snap;
	req.tset = &view;
	for (i = 0; i < snap->nhosts; i++) {
		h = &snap->hosts[i];
		for (k = 0; k < DOC_KIND_MAX; k++) {
			if (!doc_applies((enum doc_kind)k, h, &na))
				continue;
			req.host = h;
			req.kind = (enum doc_kind)k;
			if (doc_render(&req, &out, &len, why, sizeof(why)) ==
			    DOC_OK)
				free(out);
			else
				problems += check_fail(&f, &nf, why, h,
				    (enum doc_kind)k);
		}
	}
	/* What unknown hosts get: pxelinux.cfg/default, grub/grub.cfg and
	 * autoexec.ipxe. */
	req.host = NULL;
	for (j = 0; j < sizeof(unknown) / sizeof(*unknown); j++) {
		k = (int)unknown[j];
		req.kind = unknown[j];
		if (doc_render(&req, &out, &len, why, sizeof(why)) == DOC_OK)
			free(out);
		else {
			printf("%s (unknown hosts, %s)\n", why,
			    doc_kind_names[k]);
			problems++;
		}
	}
	for (j = 0; j < nf; j++) {
		if (f[j].n > CHECK_HOST_ERRORS_MAX)
			printf("%s: %zu more hosts\n", f[j].why,
			    f[j].n - CHECK_HOST_ERRORS_MAX);
	}
	for (j = 0; j < view.n; j++) {
		t = &view.ent[j];
		if (t->t != NULL)
			continue;
		for (i = 0; i < nf; i++)
			if (strcmp(f[i].why, t->err) == 0)
				break;
		if (i == nf) {
			printf("%s (used by no enabled host)\n", t->err);
			problems++;
		}
	}
	for (j = 0; j < nf; j++)
		free(f[j].why);
	free(f);
	doc_tset_free(ts);
	return problems;
}

/* One path the daemon's user must reach, and how. */
struct check_access {
	const char	*setting;	/* "paths.cache" */
	const char	*path;		/* as configured */
	int		 dir;		/* check the directory holding path */
	int		 mode;		/* access(2) mode */
	const char	*what;		/* "write", "read" */
};

struct check_as {
	struct check_access	 a[8];
	int			 n;
	const char		*user;
};

/* Runs as process.user (priv_run_as): prints each path it cannot use. */
static int
cli_check_as_user(void *arg)
{
	const struct check_as	*c = arg;
	char			 buf[PATH_MAX];
	const char		*p;
	int			 i, problems = 0;

	for (i = 0; i < c->n; i++) {
		p = c->a[i].path;
		if (c->a[i].dir) {
			snprintf(buf, sizeof(buf), "%s", p);
			p = dirname(buf);
		}
		if (access(p, c->a[i].mode) == -1) {
			printf("%s %s: user %s cannot %s %s%s: %s\n",
			    c->a[i].setting, c->a[i].path, c->user,
			    c->a[i].what, c->a[i].dir ? "in its directory " :
			    "", c->a[i].dir ? p : "", strerror(errno));
			problems++;
		}
	}
	return problems;
}

/*
 * What the daemon needs from the file system once it runs as process.user:
 * tftp_root and templates readable, the directory of the cache (and its
 * journal) and of dhcpgen.output writable, the DB socket usable. Checked
 * by a child that has become that user, so groups and ACLs count as they
 * will. Paths missing altogether are named first.
 */
static int
cli_check_access(const struct bootd_config *cfg, int tftp_ok, int tmpl_ok)
{
	struct priv_ids		 ids;
	struct check_as		 c;
	struct stat		 st;
	char			 buf[PATH_MAX], err[512];
	int			 problems = 0, rc;

	if (cfg->paths.cache[0] != '\0') {
		snprintf(buf, sizeof(buf), "%s", cfg->paths.cache);
		if (stat(dirname(buf), &st) == -1) {
			printf("paths.cache %s: directory %s: %s\n",
			    cfg->paths.cache, buf, strerror(errno));
			problems++;
		} else if (!S_ISDIR(st.st_mode)) {
			printf("paths.cache %s: %s is not a directory\n",
			    cfg->paths.cache, buf);
			problems++;
		}
	}
	if (priv_lookup(cfg->process.user, cfg->process.group, &ids, err,
	    sizeof(err)) == -1) {
		printf("%s\n", err);
		return problems + 1;
	}
	memset(&c, 0, sizeof(c));
	c.user = ids.user;
#define CHECK(s, p, d, m, w) do {					\
	c.a[c.n].setting = (s); c.a[c.n].path = (p); c.a[c.n].dir = (d);\
	c.a[c.n].mode = (m); c.a[c.n].what = (w); c.n++;		\
} while (0)
	if (tftp_ok)
		CHECK("paths.tftp_root", cfg->paths.tftp_root, 0,
		    R_OK | X_OK, "read");
	if (tmpl_ok)
		CHECK("paths.templates", cfg->paths.templates, 0,
		    R_OK | X_OK, "read");
	if (cfg->paths.cache[0] != '\0' && problems == 0)
		CHECK("paths.cache", cfg->paths.cache, 1, W_OK | X_OK,
		    "write");
	if (cfg->paths.cache[0] != '\0' && access(cfg->paths.cache, F_OK) == 0)
		CHECK("paths.cache", cfg->paths.cache, 0, R_OK, "read");
	if (cfg->dhcpgen.format[0] != '\0' && cfg->dhcpgen.output[0] != '\0')
		CHECK("dhcpgen.output", cfg->dhcpgen.output, 1, W_OK | X_OK,
		    "write");
	if (cfg->database.socket[0] != '\0')
		CHECK("database.socket", cfg->database.socket, 0, W_OK,
		    "connect to");
#undef CHECK
	fflush(stdout);
	if ((rc = priv_run_as(&ids, cli_check_as_user, &c, err,
	    sizeof(err))) == -1)
		printf("warning: paths not checked as user %s: %s\n",
		    ids.user, err);
	else
		problems += rc;
	return problems;
}

static int
cli_check_paths(const struct bootd_config *cfg)
{
	struct stat	st;
	char		err[CONFIG_ERRLEN];
	int		n, problems = 0, tftp_ok = 0, tmpl_ok = 0;

	/* HTTP's /files/ serves the TFTP root too. */
	if (!cfg->tftp.enabled && !cfg->http.enabled)
		;
	else if (stat(cfg->paths.tftp_root, &st) == -1) {
		printf("paths.tftp_root %s: %s\n", cfg->paths.tftp_root,
		    strerror(errno));
		problems++;
	} else if (!S_ISDIR(st.st_mode)) {
		printf("paths.tftp_root %s: not a directory\n",
		    cfg->paths.tftp_root);
		problems++;
	} else
		tftp_ok = 1;
	if (stat(cfg->paths.templates, &st) == -1 || !S_ISDIR(st.st_mode)) {
		printf("paths.templates %s: not a directory\n",
		    cfg->paths.templates);
		problems++;
	} else
		tmpl_ok = 1;
	/* Serve and SIGHUP refuse the same. */
	if ((n = config_check_paths(cfg, err, sizeof(err))) > 0) {
		printf("%s\n", err);
		problems += n;
	}
	if (cfg->http.enabled && cfg->http.public_url[0] == '\0' &&
	    strcmp(cfg->http.listen, "0.0.0.0") == 0)
		printf("warning: http.public_url is empty and http.listen is "
		    "0.0.0.0: templates will name http://0.0.0.0:%d\n",
		    cfg->http.port);
	return problems + cli_check_access(cfg, tftp_ok, tmpl_ok);
}

/*
 * The descriptor budget of the caps against the hard RLIMIT_NOFILE of
 * this process, which is what bootd raises its soft limit to when started
 * from here; under systemd, LimitNOFILE= sets it. A warning, not a
 * problem: bootd pauses accepting instead of failing when it runs out.
 */
static void
cli_check_fds(const struct bootd_config *cfg)
{
	struct fdlimit_budget	b;
	struct rlimit		rl;
	char			msg[512];

	fdlimit_budget(cfg, &b);
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		printf("warning: getrlimit(RLIMIT_NOFILE): %s\n",
		    strerror(errno));
		return;
	}
	if (fdlimit_check(&b, rl.rlim_max == RLIM_INFINITY ? UINT64_MAX :
	    (uint64_t)rl.rlim_max, msg, sizeof(msg)))
		printf("warning: %s (the hard limit here)\n", msg);
	else
		printf("descriptor budget %llu: fits the open files limit "
		    "%llu\n", (unsigned long long)b.total,
		    (unsigned long long)rl.rlim_max);
}

/*
 * What check says of an enabled host beyond its row: with subnets
 * configured (for DHCP, dhcpgen and the netmask/gateway template
 * variables), its IP must lie in one of them; its iPXE boot file (its
 * profile's bootfile_ipxe, else dhcp.bootfile.ipxe), grown by its
 * {{placeholders}} as the DHCP server's own code expands them, must fit
 * option 67, or bootd's DHCP would leave its iPXE requests unanswered.
 * Calls emit(arg, line) for each problem, in host order (subnets first);
 * returns how many.
 */
int
cli_host_problems(const struct bootd_config *cfg,
    const struct inv_snapshot *snap,
    void (*emit)(void *arg, const char *line), void *arg)
{
	const struct inv_host	*h;
	const char		*tmpl;
	char			 buf[DHCP_BOOTFILE_MAX], line[1024];
	struct buf_wr		 w;
	size_t			 i;
	int			 problems = 0;

	for (i = 0; cfg->dhcp.nsubnets > 0 && i < snap->nhosts; i++) {
		h = &snap->hosts[i];
		if (h->enabled && config_subnet_for(cfg, h->ip) == NULL) {
			snprintf(line, sizeof(line), "host \"%s\": IP %s is in "
			    "no dhcp.subnets entry", h->hostname, h->ipstr);
			emit(arg, line);
			problems++;
		}
	}
	for (i = 0; i < snap->nhosts; i++) {
		h = &snap->hosts[i];
		tmpl = h->profile->bootfile[INV_BOOT_IPXE];
		if (tmpl[0] == '\0')
			tmpl = cfg->dhcp.bootfile.ipxe;
		if (!h->enabled || strstr(tmpl, "{{") == NULL)
			continue;
		buf_wr_init(&w, buf, sizeof(buf));
		if (inv_bootfile_subst(&w, tmpl, h) == 0)
			continue;
		if (tmpl == cfg->dhcp.bootfile.ipxe)
			snprintf(line, sizeof(line), "host \"%s\": "
			    "dhcp.bootfile.ipxe is longer than %d bytes (DHCP "
			    "option 67) for this host", h->hostname,
			    DHCP_BOOTFILE_MAX);
		else
			snprintf(line, sizeof(line), "host \"%s\": profile "
			    "\"%s\" bootfile_ipxe is longer than %d bytes "
			    "(DHCP option 67) for this host", h->hostname,
			    h->profile->name, DHCP_BOOTFILE_MAX);
		emit(arg, line);
		problems++;
	}
	return problems;
}

static void
check_emit(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

int
cli_check(const char *config_path, int print)
{
	struct bootd_config	*cfg;
	struct inv_snapshot	*snap = NULL;
	size_t			 i;
	int			 problems = 0, tproblems = 0;

	if ((cfg = cli_config(config_path)) == NULL)
		return 1;
	if (print) {
		config_print(cfg, stdout, 0);
		config_free(cfg);
		return 0;
	}
	printf("config %s: ok\n", config_path);
	problems += cli_check_paths(cfg);
	cli_check_fds(cfg);
	if ((snap = db_cli_snapshot_with(cfg, &bootd_inv_opts)) == NULL)
		problems++;
	else {
		printf("schema version %d: ok\n", migrate_binary_version());
		problems += db_cli_check_grants(cfg);
		for (i = 0; i < snap->nrejects; i++)
			printf("rejected %s\n", snap->rejects[i]);
		problems += (int)snap->nrejects;
		if (cfg->dhcp.enabled && cfg->dhcp.nsubnets == 0) {
			printf("dhcp.enabled is true but dhcp.subnets is "
			    "empty\n");
			problems++;
		}
		problems += cli_host_problems(cfg, snap, check_emit, NULL);
		tproblems = cli_check_templates(cfg, snap);
		problems += tproblems;
		printf("generation %llu: %zu hosts, %zu profiles, %zu rejected "
		    "rows, %d template problems\n",
		    (unsigned long long)snap->generation, snap->nhosts,
		    snap->nprofiles, snap->nrejects, tproblems);
	}
	printf("%s\n", problems ? "check FAILED" : "check ok");
	inv_unref(snap);
	config_free(cfg);
	return problems ? 1 : 0;
}

int
cli_reinstall(const char *config_path, int n, char **names)
{
	struct bootd_config	*cfg;
	MYSQL			*my = NULL;
	char			 err[CONFIG_ERRLEN];
	int			 rc = 1, i;

	if ((cfg = cli_config(config_path)) == NULL)
		return 1;
	if ((my = db_cli_connect(cfg)) == NULL)
		goto done;
	if (db_admin_reinstall(my, (const char *const *)names, (size_t)n, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "bootd: reinstall: %s; nothing changed\n", err);
		goto done;
	}
	printf("build flag set for");
	for (i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf(": %s at the next network boot\n", n == 1 ? "it installs" :
	    "they install");
	rc = fflush(stdout) == 0 ? 0 : 1;
done:
	if (my != NULL)
		mysql_close(my);
	config_free(cfg);
	return rc;
}
