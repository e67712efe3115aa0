/* SPDX-License-Identifier: ISC */
/*
 * child: runs commands (reload hooks) and short jobs in child processes on
 * behalf of the event loop, which never waits for them: fork, stdin from
 * /dev/null, stdout and stderr into the log, a bounded run time (SIGTERM,
 * then SIGKILL), and reaping on a SIGCHLD event (dnsmasq's helper.c does
 * the same job with a pipe). Main thread only.
 */
#ifndef BOOTD_CHILD_H
#define BOOTD_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#include <event2/event.h>

#define CHILD_KILL_GRACE	5	/* seconds from SIGTERM to SIGKILL */
#define CHILD_OUT_MAX		4096	/* output bytes kept per child */
#define CHILD_TAG_MAX		48

struct child_set;

/*
 * A set of children on base (borrowed; must outlive the set). Adds a
 * SIGCHLD event to base. Only this set may reap its children: code that
 * calls waitpid(-1, ...) in the same process would steal their status.
 * Returns NULL on ENOMEM or when the event cannot be added.
 */
struct child_set *child_set_new(struct event_base *base);

/*
 * Frees the set. Children still running get SIGTERM (their process group)
 * and are not waited for; their done callbacks are not called. Accepts
 * NULL.
 */
void	child_set_free(struct child_set *cs);

/*
 * Starts "/bin/sh -c cmd" (cmd copied) in its own process group. Its
 * output is kept (at most CHILD_OUT_MAX bytes) and logged line by line when
 * it ends, as info after exit status 0 and as warnings otherwise, followed
 * by one line with the exit status and run time, all prefixed by tag (for
 * instance "dhcpgen: reload"; copied, cut at CHILD_TAG_MAX). After
 * timeout_s seconds its process group gets SIGTERM, CHILD_KILL_GRACE
 * seconds later SIGKILL. Once it is reaped, done(status, arg) runs on the
 * loop with the wait status (see waitpid(2)), or -1 when the status was
 * lost. Returns the pid, or -1 with errno (pipe, fork or ENOMEM).
 */
pid_t	child_start_shell(struct child_set *cs, const char *tag,
	    const char *cmd, int timeout_s, void (*done)(int, void *),
	    void *arg);

/*
 * Same, but the child runs fn(fnarg) and exits with its return value; its
 * exit line is logged at debug level when that is 0 (the caller reports the
 * outcome of such a job itself).
 * fn runs in a forked copy of a threaded process: it may call only
 * async-signal-safe functions (signal-safety(7)): no malloc, no stdio, no
 * log_*(). Whatever it writes to fd 1 or 2 is logged as above. fnarg is
 * read by the child's copy of memory, so the parent may change or free it
 * as soon as this returns.
 */
pid_t	child_start_fn(struct child_set *cs, const char *tag,
	    int (*fn)(void *), void *fnarg, int timeout_s,
	    void (*done)(int, void *), void *arg);

/* Children started and not yet reaped. */
size_t	child_count(const struct child_set *cs);

#endif
