/* SPDX-License-Identifier: ISC */
/*
 * child: one struct child per running process, with its output pipe, its
 * run-time timer and its state; a SIGCHLD event reaps them with
 * waitpid(pid, WNOHANG), one pid at a time, so children of other code are
 * left alone. Nothing here blocks: the pipe is non-blocking and the only
 * wait is WNOHANG.
 */
#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bootd/child.h"
#include "bootd/clock.h"
#include "bootd/log.h"

#define CHILD_READS_MAX	16	/* reads per readable event: bound the work */
#define CHILD_LINE_LOG	256	/* bytes of one output line in the log */

extern char **environ;

enum child_state {
	CHILD_RUNNING,
	CHILD_TERMINATING,	/* SIGTERM sent after the time limit */
	CHILD_KILLING,		/* SIGKILL sent after the grace period */
	CHILD_STATE_MAX
};

static const char *const child_state_names[CHILD_STATE_MAX] = {
	[CHILD_RUNNING] = "running",
	[CHILD_TERMINATING] = "terminating",
	[CHILD_KILLING] = "killing",
};

struct child {
	LIST_ENTRY(child)	 entry;
	struct child_set	*cs;
	pid_t			 pid;
	char			 tag[CHILD_TAG_MAX];
	enum child_state	 state;
	int			 timeout_s;
	uint64_t		 started;	/* clock_mono_us() */
	int			 fd;		/* output pipe; -1: closed */
	struct event		*ev_out;
	struct event		*ev_timer;
	char			 out[CHILD_OUT_MAX];
	size_t			 outlen;
	size_t			 dropped;	/* output bytes past out[] */
	void			(*done)(int, void *);
	void			*arg;
	int			 quiet;		/* a job: success at debug */
};

struct child_set {
	struct event_base	*base;
	struct event		*ev_chld;
	LIST_HEAD(, child)	 children;
	size_t			 n;
};

static double
child_elapsed(const struct child *c)
{
	return (double)(clock_mono_us() - c->started) / 1e6;
}

/* The process group when the child made one, else the child alone. */
static void
child_kill(const struct child *c, int sig)
{
	if (kill(-c->pid, sig) == -1)
		kill(c->pid, sig);
}

/* The one place that changes c->state; also arms the timer for it. */
static void
child_set_state(struct child *c, enum child_state st)
{
	struct timeval tv = { 0, 0 };

	if (st != c->state)
		log_debug("%s: pid %ld %s -> %s", c->tag, (long)c->pid,
		    child_state_names[c->state], child_state_names[st]);
	c->state = st;
	switch (st) {
	case CHILD_RUNNING:
		tv.tv_sec = c->timeout_s;
		break;
	case CHILD_TERMINATING:
		child_kill(c, SIGTERM);
		tv.tv_sec = CHILD_KILL_GRACE;
		break;
	case CHILD_KILLING:
		child_kill(c, SIGKILL);
		return;		/* nothing left to escalate to */
	case CHILD_STATE_MAX:
		return;
	}
	evtimer_add(c->ev_timer, &tv);
}

static void
child_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct child *c = arg;

	if (c->state == CHILD_RUNNING) {
		log_warnx("%s: pid %ld still running after %d s; sending "
		    "SIGTERM", c->tag, (long)c->pid, c->timeout_s);
		child_set_state(c, CHILD_TERMINATING);
	} else if (c->state == CHILD_TERMINATING) {
		log_warnx("%s: pid %ld ignored SIGTERM for %d s; sending "
		    "SIGKILL", c->tag, (long)c->pid, CHILD_KILL_GRACE);
		child_set_state(c, CHILD_KILLING);
	}
}

static void
child_close_out(struct child *c)
{
	if (c->ev_out != NULL) {
		event_free(c->ev_out);
		c->ev_out = NULL;
	}
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
}

/* Reads what the pipe holds now; at most CHILD_READS_MAX reads. */
static void
child_drain(struct child *c)
{
	char	 buf[1024];
	ssize_t	 n;
	size_t	 keep;
	int	 i;

	for (i = 0; i < CHILD_READS_MAX && c->fd != -1; i++) {
		if ((n = read(c->fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				child_close_out(c);
			return;
		}
		if (n == 0) {
			child_close_out(c);
			return;
		}
		keep = sizeof(c->out) - c->outlen;
		if (keep > (size_t)n)
			keep = (size_t)n;
		memcpy(c->out + c->outlen, buf, keep);
		c->outlen += keep;
		c->dropped += (size_t)n - keep;
	}
}

static void
child_readable(evutil_socket_t fd, short what, void *arg)
{
	child_drain(arg);
}

/* The kept output, a log line per line, at the level the status asks. */
static void
child_log_output(const struct child *c, int ok)
{
	char		 line[CHILD_LINE_LOG];
	const char	*p = c->out, *end = c->out + c->outlen, *nl;
	size_t		 n;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0) {
			log_sanitise(line, sizeof(line), p, n);
			if (ok)
				log_info("%s: %s", c->tag, line);
			else
				log_warnx("%s: %s", c->tag, line);
		}
		p = nl + 1;
	}
	if (c->dropped > 0)
		log_warnx("%s: %zu more bytes of output not logged", c->tag,
		    c->dropped);
}

static void
child_free(struct child *c)
{
	if (c == NULL)
		return;
	child_close_out(c);
	if (c->ev_timer != NULL)
		event_free(c->ev_timer);
	free(c);
}

/* c was reaped with status (or -1): log, unlink, call back, free. */
static void
child_finish(struct child *c, int status)
{
	struct child_set	*cs = c->cs;
	double			 secs = child_elapsed(c);
	int			 ok;

	child_drain(c);
	ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	child_log_output(c, ok);
	if (ok && c->quiet)
		log_debug("%s: pid %ld exited 0 after %.2f s", c->tag,
		    (long)c->pid, secs);
	else if (ok)
		log_info("%s: pid %ld exited 0 after %.2f s", c->tag,
		    (long)c->pid, secs);
	else if (status == -1)
		log_warnx("%s: pid %ld was reaped elsewhere; exit status "
		    "unknown", c->tag, (long)c->pid);
	else if (WIFEXITED(status))
		log_warnx("%s: pid %ld failed with exit status %d after "
		    "%.2f s", c->tag, (long)c->pid, WEXITSTATUS(status), secs);
	else
		log_warnx("%s: pid %ld killed by signal %d after %.2f s%s",
		    c->tag, (long)c->pid, WTERMSIG(status), secs,
		    c->state != CHILD_RUNNING ? " (over its time limit)" : "");
	LIST_REMOVE(c, entry);
	cs->n--;
	if (c->done != NULL)
		c->done(status, c->arg);
	child_free(c);
}

/* SIGCHLD: reap our own children only, each by its pid. */
static void
child_sigchld(evutil_socket_t sig, short what, void *arg)
{
	struct child_set	*cs = arg;
	struct child		*c, *next;
	pid_t			 r;
	int			 status;

	for (c = LIST_FIRST(&cs->children); c != NULL; c = next) {
		/* done() may start a child: it goes to the head, unvisited. */
		next = LIST_NEXT(c, entry);
		do
			r = waitpid(c->pid, &status, WNOHANG);
		while (r == -1 && errno == EINTR);
		if (r == 0)
			continue;
		child_finish(c, r == c->pid ? status : -1);
	}
}

/*
 * In the child, between fork and exec or _exit: async-signal-safe calls
 * only, since other threads may have held locks at the fork.
 */
static void __attribute__((noreturn))
child_in_child(int out, const char *cmd, int (*fn)(void *), void *fnarg)
{
	struct sigaction	 sa;
	sigset_t		 none;
	char			*argv[4];
	int			 sig, fd;

	/* libevent's handlers would write to the parent's signal pipe. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 0) == -1 ||
	    dup2(out, 1) == -1 || dup2(out, 2) == -1)
		_exit(127);
	/* Sockets, the DB connection, the listeners: none of its business. */
	if (close_range(3, ~0U, 0) == -1)
		for (fd = 3; fd < 1024; fd++)
			close(fd);
	if (fn != NULL)
		_exit(fn(fnarg));
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = (char *)cmd;
	argv[3] = NULL;
	execve("/bin/sh", argv, environ);
	(void)!write(2, "cannot run /bin/sh\n", 19);
	_exit(127);
}

static pid_t
child_start(struct child_set *cs, const char *tag, const char *cmd,
    int (*fn)(void *), void *fnarg, int timeout_s,
    void (*done)(int, void *), void *arg)
{
	struct child	*c;
	sigset_t	 all, old;
	pid_t		 pid;
	int		 p[2] = { -1, -1 }, saved;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->cs = cs;
	c->fd = -1;
	c->timeout_s = timeout_s > 0 ? timeout_s : 1;
	c->done = done;
	c->arg = arg;
	c->quiet = fn != NULL;
	strncpy(c->tag, tag, sizeof(c->tag) - 1);
	if (pipe2(p, O_CLOEXEC) == -1)
		goto fail;
	c->fd = p[0];
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) == -1 ||
	    (c->ev_out = event_new(cs->base, c->fd, EV_READ | EV_PERSIST,
	    child_readable, c)) == NULL ||
	    (c->ev_timer = evtimer_new(cs->base, child_timeout, c)) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	/*
	 * Signals stay blocked across fork until the child has reset their
	 * handlers: a signal in between would run libevent's handler there.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_in_child(p[1], cmd, fn, fnarg);
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	p[1] = -1;
	if (pid == -1) {
		errno = saved;
		goto fail;
	}
	/* Also here, so that a kill before the child ran reaches the group. */
	setpgid(pid, pid);
	c->pid = pid;
	c->started = clock_mono_us();
	event_add(c->ev_out, NULL);
	LIST_INSERT_HEAD(&cs->children, c, entry);
	cs->n++;
	child_set_state(c, CHILD_RUNNING);	/* arms the time limit */
	log_debug("%s: started pid %ld", c->tag, (long)pid);
	return pid;
fail:
	saved = errno;
	if (p[1] != -1)
		close(p[1]);
	child_free(c);
	errno = saved;
	return -1;
}

pid_t
child_start_shell(struct child_set *cs, const char *tag, const char *cmd,
    int timeout_s, void (*done)(int, void *), void *arg)
{
	return child_start(cs, tag, cmd, NULL, NULL, timeout_s, done, arg);
}

pid_t
child_start_fn(struct child_set *cs, const char *tag, int (*fn)(void *),
    void *fnarg, int timeout_s, void (*done)(int, void *), void *arg)
{
	return child_start(cs, tag, NULL, fn, fnarg, timeout_s, done, arg);
}

size_t
child_count(const struct child_set *cs)
{
	return cs->n;
}

struct child_set *
child_set_new(struct event_base *base)
{
	struct child_set *cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	cs->base = base;
	LIST_INIT(&cs->children);
	if ((cs->ev_chld = evsignal_new(base, SIGCHLD, child_sigchld,
	    cs)) == NULL || evsignal_add(cs->ev_chld, NULL) == -1) {
		child_set_free(cs);
		return NULL;
	}
	return cs;
}

void
child_set_free(struct child_set *cs)
{
	struct child *c;

	if (cs == NULL)
		return;
	while ((c = LIST_FIRST(&cs->children)) != NULL) {
		log_warnx("%s: pid %ld still running at stop; sending SIGTERM",
		    c->tag, (long)c->pid);
		child_kill(c, SIGTERM);
		LIST_REMOVE(c, entry);
		child_free(c);
	}
	if (cs->ev_chld != NULL)
		event_free(cs->ev_chld);
	free(cs);
}
