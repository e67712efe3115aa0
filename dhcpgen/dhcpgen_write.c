/* SPDX-License-Identifier: ISC */
/*
 * dhcpgen_write: the atomic compare-and-write of a rendered map, and the
 * serve-mode pipeline render (on the loop) -> write (child) -> reload
 * (child) -> on failure restore (child). The loop never touches the file:
 * fsync may stall for seconds on a busy disk, and rule 10 says no waiting.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bootd/atomicfile.h"
#include "bootd/child.h"
#include "bootd/clock.h"
#include "bootd/log.h"
#include "dhcpgen/dhcpgen.h"
#include "dhcpgen/dhcpgen_write.h"

/* Exit codes of the jobs run in children (beside 0 and 1 for failure). */
#define JOB_EXIT_OK		0	/* written, or restored */
#define JOB_EXIT_FAIL		1
#define JOB_EXIT_NOTHING	3	/* content was there already; or no
					   previous file to restore */
#define JOB_MSG_MAX		1024

/* One state enum, changed only by dhcpgen_set_state(). */
enum dhcpgen_state {
	DG_IDLE,
	DG_WRITING,		/* child: dhcpgen_file_put() */
	DG_RELOADING,		/* child: reload_command */
	DG_RESTORING,		/* child: dhcpgen_file_restore() */
	DG_STATE_MAX
};

static const char *const dhcpgen_state_names[DG_STATE_MAX] = {
	[DG_IDLE] = "idle",
	[DG_WRITING] = "writing",
	[DG_RELOADING] = "reloading",
	[DG_RESTORING] = "restoring",
};

/* What a child job reads: prepared by the parent, read in the child. */
struct dhcpgen_job {
	char	*path;
	char	*tmp;		/* <path>.tmp.<bootd pid> */
	char	*prev;		/* <dir>/.<name>.prev, or NULL: no reload */
	char	*buf;		/* the content being written */
	size_t	 len;
};

struct dhcpgen_srv {
	struct bootd		*bd;
	struct child_set	*cs;
	enum dhcpgen_state	 state;
	char			*path;		/* output that disk/failed are
						   about */
	char			*disk;		/* content known to be in path;
						   NULL = unknown */
	size_t			 disklen;
	char			*want;		/* newest render not yet handed
						   to a job, or NULL */
	size_t			 wantlen;
	char			*failed;	/* content whose reload
						   failed */
	size_t			 failedlen;
	struct dhcpgen_job	 job;		/* the running job's */
};

static void	dhcpgen_next(struct dhcpgen_srv *);

/* Async-signal-safe file work */

/* Appends s to m (JOB_MSG_MAX bytes, n used); always NUL-terminated. */
static void
msg_cat(char *m, size_t *n, const char *s)
{
	while (*s != '\0' && *n < JOB_MSG_MAX - 1)
		m[(*n)++] = *s++;
	m[*n] = '\0';
}

/* "path: step: reason\n" to fd 2, which the parent logs. */
static void
job_report(const char *path, const char *step, int e)
{
	char		 m[JOB_MSG_MAX];
	const char	*why;
	size_t		 n = 0;

	/* strerrordesc_np() reads a static table: no locale, no malloc. */
	if ((why = strerrordesc_np(e)) == NULL)
		why = "unknown error";
	msg_cat(m, &n, path);
	msg_cat(m, &n, ": ");
	msg_cat(m, &n, step);
	msg_cat(m, &n, ": ");
	msg_cat(m, &n, why);
	msg_cat(m, &n, "\n");
	(void)!write(2, m, n);
}

int
dhcpgen_file_put(const char *path, const char *tmp, const char *prev,
    const char *buf, size_t len, const char **step)
{
	enum atomicfile_step	 st;

	if (atomicfile_same(path, buf, len))
		return DHCPGEN_PUT_SAME;
	if (atomicfile_put(path, tmp, prev, buf, len, 0644, &st) == -1) {
		*step = atomicfile_step_names[st];
		return DHCPGEN_PUT_FAILED;
	}
	return DHCPGEN_PUT_WRITTEN;
}

int
dhcpgen_file_restore(const char *path, const char *prev, const char **step)
{
	*step = "putting the previous file back";
	if (rename(prev, path) == -1)
		return errno == ENOENT ? 0 : -1;
	*step = atomicfile_step_names[AF_STEP_DIRSYNC];
	if (atomicfile_dirsync(path) == -1)
		return -1;
	return 1;
}

/* In the child: the write job. */
static int
job_write(void *arg)
{
	const struct dhcpgen_job	*j = arg;
	const char			*step = "";

	switch (dhcpgen_file_put(j->path, j->tmp, j->prev, j->buf, j->len,
	    &step)) {
	case DHCPGEN_PUT_WRITTEN:
		return JOB_EXIT_OK;
	case DHCPGEN_PUT_SAME:
		return JOB_EXIT_NOTHING;
	default:
		job_report(j->path, step, errno);
		return JOB_EXIT_FAIL;
	}
}

/* In the child: the restore job. */
static int
job_restore(void *arg)
{
	const struct dhcpgen_job	*j = arg;
	const char			*step = "";

	switch (dhcpgen_file_restore(j->path, j->prev, &step)) {
	case 1:
		return JOB_EXIT_OK;
	case 0:
		return JOB_EXIT_NOTHING;
	default:
		job_report(j->path, step, errno);
		return JOB_EXIT_FAIL;
	}
}

/* Serve mode */

static int
same(const char *a, size_t alen, const char *b, size_t blen)
{
	return a != NULL && b != NULL && alen == blen &&
	    memcmp(a, b, alen) == 0;
}

/* Non-zero when a wait status (-1: lost) is a normal exit with code. */
static int
exited(int status, int code)
{
	return status != -1 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == code;
}

static void
dhcpgen_set_state(struct dhcpgen_srv *srv, enum dhcpgen_state st)
{
	if (st != srv->state)
		log_debug("dhcpgen: %s -> %s", dhcpgen_state_names[srv->state],
		    dhcpgen_state_names[st]);
	srv->state = st;
}

static void
job_clear(struct dhcpgen_job *j)
{
	free(j->path);
	free(j->tmp);
	free(j->prev);
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

/* What path holds becomes buf (taken over), or unknown when NULL. */
static void
disk_set(struct dhcpgen_srv *srv, char *buf, size_t len)
{
	free(srv->disk);
	srv->disk = buf;
	srv->disklen = len;
}

/*
 * Fills srv->job for path with the pending content (taken from want):
 * the temp name, and the prev name when a reload will follow. The prev
 * name starts with a dot so that a conf-dir (dnsmasq) skips it.
 */
static int
job_prepare(struct dhcpgen_srv *srv, const char *path, int reload)
{
	struct dhcpgen_job	*j = &srv->job;
	const char		*slash = strrchr(path, '/');
	int			 dirlen = slash == NULL ? 0 :
				    (int)(slash - path + 1);

	memset(j, 0, sizeof(*j));
	if ((j->path = strdup(path)) == NULL)
		goto fail;
	if (asprintf(&j->tmp, "%s.tmp.%ld", path, (long)getpid()) == -1) {
		j->tmp = NULL;		/* undefined after a failure */
		goto fail;
	}
	if (reload && asprintf(&j->prev, "%.*s.%s.prev", dirlen, path,
	    path + dirlen) == -1) {
		j->prev = NULL;
		goto fail;
	}
	j->buf = srv->want;
	j->len = srv->wantlen;
	srv->want = NULL;
	srv->wantlen = 0;
	return 0;
fail:
	job_clear(j);
	return -1;
}

static void
restore_done(int status, void *arg)
{
	struct dhcpgen_srv	*srv = arg;
	const char		*path = srv->job.path;

	if (exited(status, JOB_EXIT_OK))
		log_warnx("dhcpgen: put the previous %s back after the "
		    "failed reload", path);
	else if (exited(status, JOB_EXIT_NOTHING))
		log_warnx("dhcpgen: no previous %s to put back; the new one "
		    "stays", path);
	else
		log_warnx("dhcpgen: could not put the previous %s back", path);
	job_clear(&srv->job);
	dhcpgen_set_state(srv, DG_IDLE);
	dhcpgen_next(srv);
}

static void
reload_done(int status, void *arg)
{
	struct dhcpgen_srv	*srv = arg;

	if (exited(status, 0)) {
		job_clear(&srv->job);
		dhcpgen_set_state(srv, DG_IDLE);
		dhcpgen_next(srv);
		return;
	}
	/*
	 * The server refused the new map (or the command broke): keep what
	 * it ran with, remember the content so that the same bytes are not
	 * tried again, and wait for the inventory to change.
	 */
	free(srv->failed);
	srv->failed = srv->disk;
	srv->failedlen = srv->disklen;
	srv->disk = NULL;
	if (srv->job.prev == NULL)	/* reload_command set by a SIGHUP */
		log_warnx("dhcpgen: reload command failed for %s; no copy of "
		    "the previous file was kept", srv->job.path);
	else
		log_warnx("dhcpgen: reload command failed for %s; keeping the "
		    "previous file", srv->job.path);
	if (srv->job.prev == NULL ||
	    child_start_fn(srv->cs, "dhcpgen: restore", job_restore,
	    &srv->job, DHCPGEN_JOB_TIMEOUT, restore_done, srv) == -1) {
		if (srv->job.prev != NULL)
			log_warn("dhcpgen: cannot start the restore");
		job_clear(&srv->job);
		dhcpgen_set_state(srv, DG_IDLE);
		dhcpgen_next(srv);
		return;
	}
	dhcpgen_set_state(srv, DG_RESTORING);
}

static void
write_done(int status, void *arg)
{
	struct dhcpgen_srv	*srv = arg;
	struct dhcpgen_job	*j = &srv->job;
	const char		*cmd = srv->bd->cfg->dhcpgen.reload_command;

	if (exited(status, JOB_EXIT_NOTHING)) {
		log_info("dhcpgen: %s is up to date", j->path);
		disk_set(srv, j->buf, j->len);
		j->buf = NULL;
	} else if (!exited(status, JOB_EXIT_OK)) {
		log_warnx("dhcpgen: writing %s failed; the previous file "
		    "stays", j->path);
		disk_set(srv, NULL, 0);
	} else {
		log_info("dhcpgen: wrote %s (%zu bytes)", j->path, j->len);
		disk_set(srv, j->buf, j->len);
		j->buf = NULL;
		free(srv->failed);
		srv->failed = NULL;
		if (cmd[0] != '\0') {
			if (child_start_shell(srv->cs, "dhcpgen: reload", cmd,
			    DHCPGEN_RELOAD_TIMEOUT, reload_done, srv) != -1) {
				dhcpgen_set_state(srv, DG_RELOADING);
				return;
			}
			log_warn("dhcpgen: cannot start the reload command");
		}
	}
	job_clear(j);
	dhcpgen_set_state(srv, DG_IDLE);
	dhcpgen_next(srv);
}

/* Starts the next job when idle and a render is waiting. */
static void
dhcpgen_next(struct dhcpgen_srv *srv)
{
	const struct bootd_config	*cfg = srv->bd->cfg;
	const char			*path = cfg->dhcpgen.output;

	if (srv->state != DG_IDLE || srv->want == NULL)
		return;
	if (cfg->dhcpgen.format[0] == '\0' || path[0] == '\0') {
		free(srv->want);
		srv->want = NULL;
		return;
	}
	if (srv->path == NULL || strcmp(srv->path, path) != 0) {
		/* A new output (SIGHUP): nothing is known about it. */
		free(srv->path);
		srv->path = strdup(path);
		disk_set(srv, NULL, 0);
		free(srv->failed);
		srv->failed = NULL;
	}
	if (same(srv->want, srv->wantlen, srv->disk, srv->disklen) ||
	    same(srv->want, srv->wantlen, srv->failed, srv->failedlen)) {
		log_debug("dhcpgen: %s: no change%s", path,
		    srv->disk == NULL ? " from the map the reload refused" :
		    "");
		free(srv->want);
		srv->want = NULL;
		return;
	}
	if (job_prepare(srv, path, cfg->dhcpgen.reload_command[0] != '\0') ==
	    -1) {
		log_warnx("dhcpgen: out of memory; %s not written", path);
		return;
	}
	if (child_start_fn(srv->cs, "dhcpgen: write", job_write, &srv->job,
	    DHCPGEN_JOB_TIMEOUT, write_done, srv) == -1) {
		log_warn("dhcpgen: cannot start the writer for %s", path);
		job_clear(&srv->job);
		disk_set(srv, NULL, 0);
		return;
	}
	dhcpgen_set_state(srv, DG_WRITING);
}

static struct dhcpgen_srv *
dhcpgen_srv_get(struct bootd *bd)
{
	struct dhcpgen_srv *srv;

	if (bd->dhcpgen != NULL)
		return bd->dhcpgen;
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->bd = bd;
	if ((srv->cs = child_set_new(bd->base)) == NULL) {
		free(srv);
		return NULL;
	}
	return bd->dhcpgen = srv;
}

void
dhcpgen_on_snapshot(struct bootd *bd)
{
	const struct bootd_config	*cfg = bd->cfg;
	struct dhcpgen_srv		*srv;
	uint64_t			 t0;
	char				 err[CONFIG_ERRLEN], *out;
	size_t				 len;
	int				 fmt;

	if (cfg->dhcpgen.format[0] == '\0' || bd->snap == NULL)
		return;
	if (cfg->dhcpgen.output[0] == '\0') {
		log_warnx("dhcpgen: format \"%s\" but dhcpgen.output is "
		    "empty: nothing written", cfg->dhcpgen.format);
		return;
	}
	if ((fmt = dhcpgen_format_parse(cfg->dhcpgen.format)) == -1) {
		log_warnx("dhcpgen: unknown format \"%s\"",
		    cfg->dhcpgen.format);
		return;
	}
	if ((srv = dhcpgen_srv_get(bd)) == NULL) {
		log_warnx("dhcpgen: cannot set up: out of memory");
		return;
	}
	t0 = clock_mono_us();
	if (dhcpgen_render(bd->snap, cfg, fmt, &out, &len, err,
	    sizeof(err)) == -1) {
		log_warnx("dhcpgen: %s; %s not rewritten", err,
		    cfg->dhcpgen.output);
		return;
	}
	log_debug("dhcpgen: rendered %zu bytes (%s) in %.2f ms", len,
	    cfg->dhcpgen.format, (double)(clock_mono_us() - t0) / 1e3);
	/* Coalesce: only the newest render waits for the running job. */
	free(srv->want);
	srv->want = out;
	srv->wantlen = len;
	dhcpgen_next(srv);
}

void
dhcpgen_stop(struct bootd *bd)
{
	struct dhcpgen_srv *srv = bd->dhcpgen;

	if (srv == NULL)
		return;
	child_set_free(srv->cs);
	job_clear(&srv->job);
	free(srv->path);
	free(srv->disk);
	free(srv->want);
	free(srv->failed);
	free(srv);
	bd->dhcpgen = NULL;
}
