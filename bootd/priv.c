/* SPDX-License-Identifier: ISC */
/*
 * priv: process.user/process.group lookup and the one-way drop to them.
 * Runs before the event loop serves anything (and in bootd check); never
 * logs: errors go back in err.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootd/priv.h"

#define PRIV_BUFLEN	16384	/* getpwnam_r/getgrnam_r scratch */

int
priv_lookup(const char *user, const char *group, struct priv_ids *ids,
    char *err, size_t errlen)
{
	struct passwd	 pw, *pwp = NULL;
	struct group	 gr, *grp = NULL;
	char		*buf;
	int		 rc = -1, e;

	memset(ids, 0, sizeof(*ids));
	if ((buf = malloc(PRIV_BUFLEN)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((e = getpwnam_r(user, &pw, buf, PRIV_BUFLEN, &pwp)) != 0 ||
	    pwp == NULL) {
		if (e != 0 && e != ENOENT && e != ESRCH)
			snprintf(err, errlen, "process.user \"%s\": cannot "
			    "look it up: %s", user, strerror(e));
		else
			snprintf(err, errlen, "process.user \"%s\": no such "
			    "user (create it, e.g. useradd --system "
			    "--user-group --no-create-home %s, or set "
			    "process.user)", user, user);
		goto done;
	}
	ids->uid = pw.pw_uid;
	ids->gid = pw.pw_gid;
	snprintf(ids->user, sizeof(ids->user), "%s", user);
	if (group[0] == '\0') {
		/* The login group may have no name; the number will do. */
		if (getgrgid_r(ids->gid, &gr, buf, PRIV_BUFLEN, &grp) == 0 &&
		    grp != NULL)
			snprintf(ids->group, sizeof(ids->group), "%s",
			    gr.gr_name);
		else
			snprintf(ids->group, sizeof(ids->group), "%lu",
			    (unsigned long)ids->gid);
		rc = 0;
		goto done;
	}
	if ((e = getgrnam_r(group, &gr, buf, PRIV_BUFLEN, &grp)) != 0 ||
	    grp == NULL) {
		if (e != 0 && e != ENOENT && e != ESRCH)
			snprintf(err, errlen, "process.group \"%s\": cannot "
			    "look it up: %s", group, strerror(e));
		else
			snprintf(err, errlen, "process.group \"%s\": no such "
			    "group", group);
		goto done;
	}
	ids->gid = gr.gr_gid;
	snprintf(ids->group, sizeof(ids->group), "%s", group);
	rc = 0;
done:
	free(buf);
	return rc;
}

/*
 * Empties the bounding set. Needs CAP_SETPCAP: a process started
 * unprivileged has none, and its service manager's bounding set
 * (CapabilityBoundingSet=) is what limits it, so EPERM is no error.
 */
static int
priv_drop_bounding(char *err, size_t errlen)
{
	int c, last = (int)cap_max_bits();

	for (c = 0; c < last; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1) {
			if (errno == EPERM)
				return 0;
			snprintf(err, errlen, "cannot drop capability %d from "
			    "the bounding set: %s", c, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Permitted, effective, inheritable and ambient sets emptied, checked. */
static int
priv_clear_caps(char *err, size_t errlen)
{
	cap_t	none = NULL, now = NULL;
	int	rc = -1;

	/* EINVAL: a kernel before 4.3 has no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL) {
		snprintf(err, errlen, "cannot clear the ambient capabilities: "
		    "%s", strerror(errno));
		return -1;
	}
	if ((none = cap_init()) == NULL || cap_set_proc(none) == -1) {
		snprintf(err, errlen, "cannot clear the capabilities: %s",
		    strerror(errno));
		goto done;
	}
	if ((now = cap_get_proc()) == NULL || cap_compare(now, none) != 0) {
		snprintf(err, errlen, "capabilities still held after "
		    "clearing them");
		goto done;
	}
	rc = 0;
done:
	if (now != NULL)
		cap_free(now);
	if (none != NULL)
		cap_free(none);
	return rc;
}

/* The name of the user running us, for messages. */
static void
priv_whoami(uid_t uid, char *buf, size_t len)
{
	struct passwd	 pw, *pwp = NULL;
	char		 scratch[4096];

	if (getpwuid_r(uid, &pw, scratch, sizeof(scratch), &pwp) == 0 &&
	    pwp != NULL)
		snprintf(buf, len, "%s (uid %lu)", pw.pw_name,
		    (unsigned long)uid);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)uid);
}

int
priv_drop(const struct priv_ids *ids, int *switched, char *err,
    size_t errlen)
{
	uid_t	ru, eu, su;
	gid_t	rg, eg, sg;
	char	me[PRIV_NAMELEN + 32];

	*switched = 0;
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1) {
		snprintf(err, errlen, "getresuid: %s", strerror(errno));
		return -1;
	}
	if (priv_drop_bounding(err, errlen) == -1)
		return -1;
	if (ru != ids->uid || eu != ids->uid || su != ids->uid ||
	    rg != ids->gid || eg != ids->gid || sg != ids->gid) {
		if (setgroups(1, &ids->gid) == -1 ||
		    setresgid(ids->gid, ids->gid, ids->gid) == -1 ||
		    setresuid(ids->uid, ids->uid, ids->uid) == -1) {
			if (errno == EPERM) {
				priv_whoami(eu, me, sizeof(me));
				snprintf(err, errlen, "running as %s, which "
				    "cannot become user %s and group %s: "
				    "start bootd as root, or set "
				    "process.user (and process.group) to the "
				    "user it runs as", me, ids->user,
				    ids->group);
			} else
				snprintf(err, errlen, "cannot become user %s "
				    "and group %s: %s", ids->user, ids->group,
				    strerror(errno));
			return -1;
		}
		*switched = 1;
	}
	/* The way back must be shut. */
	if ((ids->uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) ||
	    (ids->gid != 0 && (setgid(0) != -1 || setegid(0) != -1))) {
		snprintf(err, errlen, "could regain root after dropping to "
		    "user %s", ids->user);
		return -1;
	}
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1 ||
	    ru != ids->uid || eu != ids->uid || su != ids->uid ||
	    rg != ids->gid || eg != ids->gid || sg != ids->gid) {
		snprintf(err, errlen, "still not user %s and group %s after "
		    "dropping to them", ids->user, ids->group);
		return -1;
	}
	return priv_clear_caps(err, errlen);
}

int
priv_run_as(const struct priv_ids *ids, int (*fn)(void *), void *arg,
    char *err, size_t errlen)
{
	char	cerr[512];
	pid_t	pid;
	ssize_t	n;
	int	p[2], status, switched;

	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (priv_drop(ids, &switched, cerr, sizeof(cerr)) == -1) {
			(void)!write(p[1], cerr, strlen(cerr));
			_exit(126);
		}
		close(p[1]);
		status = fn(arg);
		fflush(NULL);
		_exit(status < 0 ? 125 : status > 125 ? 125 : status);
	}
	close(p[1]);
	while ((n = read(p[0], cerr, sizeof(cerr) - 1)) == -1 &&
	    errno == EINTR)
		;
	cerr[n > 0 ? n : 0] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (cerr[0] != '\0') {
		snprintf(err, errlen, "%s", cerr);
		return -1;
	}
	if (!WIFEXITED(status)) {
		snprintf(err, errlen, "check as user %s died (signal %d)",
		    ids->user, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		return -1;
	}
	return WEXITSTATUS(status);
}
