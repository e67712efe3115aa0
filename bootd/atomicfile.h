/* SPDX-License-Identifier: ISC */
/*
 * atomicfile: the one way bootd replaces a file it owns (the inventory
 * cache, the build-flag journal, dhcpgen's maps): a whole new file or the
 * old one, also after a crash or power loss. Blocking (fsync): DB thread,
 * child or CLI only, never the event loop.
 */
#ifndef BOOTD_ATOMICFILE_H
#define BOOTD_ATOMICFILE_H

#include <sys/types.h>
#include <stddef.h>

/* What failed, for the caller's message: atomicfile_step_names[]. */
enum atomicfile_step {
	AF_STEP_UNLINK,		/* removing a leftover temporary file */
	AF_STEP_CREATE,
	AF_STEP_CHMOD,
	AF_STEP_WRITE,
	AF_STEP_FSYNC,
	AF_STEP_CLOSE,
	AF_STEP_KEEP,		/* linking the old file as keep */
	AF_STEP_RENAME,
	AF_STEP_DIRSYNC,
	AF_STEP_MAX
};

/* "creating the temp file", "renaming the temp file", ... */
extern const char *const atomicfile_step_names[AF_STEP_MAX];

/*
 * Makes path hold exactly len bytes of buf: removes a leftover tmp (a name
 * in path's directory), creates tmp with exactly mode (umask aside, and a
 * symbolic link there is refused, never followed), writes and fsyncs it;
 * with keep != NULL links the old path as keep (a name in the same
 * directory; no old path, no keep); renames tmp over path and fsyncs the
 * directory. Until the rename, path is untouched, and a failure removes
 * tmp. Async-signal-safe (system calls only, no allocation): usable in a
 * forked child of the threaded daemon. Returns 0, or -1 with errno set and
 * *step naming what failed.
 */
int	atomicfile_put(const char *path, const char *tmp, const char *keep,
	    const void *buf, size_t len, mode_t mode,
	    enum atomicfile_step *step);

/*
 * 1 when the file at path holds exactly len bytes of buf; 0 when it does
 * not, or cannot be read. Async-signal-safe.
 */
int	atomicfile_same(const char *path, const void *buf, size_t len);

/*
 * fsyncs the directory holding path, so that a rename there is durable; a
 * file system that cannot (EINVAL) counts as done. Returns 0, or -1 with
 * errno. Async-signal-safe.
 */
int	atomicfile_dirsync(const char *path);

/*
 * atomicfile_put() with tmp path.tmp.<pid> and no keep. Returns 0, or -1
 * with errno set and "path: step: reason" in err.
 */
int	atomicfile_write(const char *path, const void *buf, size_t len,
	    mode_t mode, char *err, size_t errlen);

#endif
