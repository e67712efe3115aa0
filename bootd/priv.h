/* SPDX-License-Identifier: ISC */
/*
 * priv: the daemon's identity. Looks up process.user and process.group,
 * and drops to them once every listener is bound: no root, no
 * capabilities, no way back. Also runs a check as that user (bootd check:
 * can it write the cache directory?). Start-up and command-line code only.
 */
#ifndef BOOTD_PRIV_H
#define BOOTD_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#define PRIV_NAMELEN	64

struct priv_ids {
	uid_t	uid;
	gid_t	gid;
	char	user[PRIV_NAMELEN];
	char	group[PRIV_NAMELEN];
};

/*
 * Resolves user and group (group "" = the user's login group) through
 * NSS into *ids. Returns 0, or -1 with err filled ("process.user
 * \"bootd\": no such user ...").
 */
int	priv_lookup(const char *user, const char *group, struct priv_ids *ids,
	    char *err, size_t errlen);

/*
 * Becomes ids for good. Empties the capability bounding set when it may
 * (CAP_SETPCAP: as root), so no child regains a capability through a
 * setuid binary. As root (or with CAP_SETUID/CAP_SETGID): sets the
 * supplementary groups to ids->gid alone, then the real, effective and
 * saved gid and uid, and checks that root cannot be regained (setuid(0)
 * must fail). Already running as ids (a systemd unit's User=), nothing is
 * switched. Either way, every capability set (permitted, effective,
 * inheritable, ambient) ends empty. Sets *switched to 1 when the ids
 * changed. Returns 0, or -1 with err.
 */
int	priv_drop(const struct priv_ids *ids, int *switched, char *err,
	    size_t errlen);

/*
 * Runs fn(arg) in a child process that has become ids (as priv_drop),
 * and returns what fn returned (0..125), or -1 with err when the child
 * could not become ids or died. The caller flushes its stdio buffers
 * first; fn may print.
 */
int	priv_run_as(const struct priv_ids *ids, int (*fn)(void *), void *arg,
	    char *err, size_t errlen);

#endif
