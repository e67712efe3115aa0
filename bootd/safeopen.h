/* SPDX-License-Identifier: ISC */
/*
 * safeopen: the one way bootd opens a local file it reads at start or on
 * reload (the config file, database.password_file, paths.cache, the
 * templates). A FIFO, device or socket put at such a path must not block
 * bootd, and the error must say what is there: "not a regular file
 * (fifo)", "is a symbolic link", "too large (N bytes, limit M)".
 * Files only; never logs.
 */
#ifndef BOOTD_SAFEOPEN_H
#define BOOTD_SAFEOPEN_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * SAFEOPEN_FOLLOW: the last component may be a symbolic link. For paths
 * only the administrator names and controls (the config file,
 * database.password_file): /etc symlinks and mounted secrets are made of
 * them. Without it, a symlink as the last component is refused.
 */
#define SAFEOPEN_FOLLOW	0x1

/*
 * Opens path to read with O_RDONLY | O_NONBLOCK | O_CLOEXEC, and
 * O_NOFOLLOW unless flags has SAFEOPEN_FOLLOW. O_NONBLOCK makes the open
 * of a FIFO return at once instead of waiting for a writer; fstat() then
 * refuses anything but a regular file of at most max bytes, and only then
 * is O_NONBLOCK cleared. O_NOFOLLOW guards the last component only:
 * directories on the way may be symlinks, as the administrator set them up.
 * Returns the descriptor with *st filled (st may be NULL), or -1 with
 * errno and err set to the reason alone, without the path (callers name
 * the setting and the path):
 *	ENOENT etc.	strerror(errno), as open(2) failed
 *	ELOOP		"is a symbolic link"
 *	EINVAL		"not a regular file (fifo)", "(directory)",
 *			"(character device)", "(block device)", "(socket)"
 *	EFBIG		"too large (N bytes, limit M)"
 * err may be NULL when errlen is 0.
 */
int	 safeopen(const char *path, off_t max, int flags, struct stat *st,
	    char *err, size_t errlen);

/*
 * safeopen(), then reads the whole file (its size at the open: a file that
 * shrinks meanwhile gives what is left) into a new NUL-terminated buffer:
 * free() it. *lenp gets the length, *st (may be NULL) the fstat(). Returns
 * NULL with errno and err as safeopen(), or "read: <strerror>", or ENOMEM.
 */
char	*safeopen_read(const char *path, size_t max, int flags,
	    size_t *lenp, struct stat *st, char *err, size_t errlen);

/*
 * The name of a file type for messages: "regular file", "fifo",
 * "directory", "character device", "block device", "socket",
 * "symbolic link", "unknown type". Pure; static string.
 */
const char *safeopen_type(mode_t mode);

#endif
