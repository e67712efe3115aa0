/* SPDX-License-Identifier: ISC */
/*
 * atomicfile: the one way bootd replaces a file it owns (the inventory
 * cache, the build-flag journal): a whole new file or the old one, also
 * after a crash or power loss. Blocking (fsync): DB thread, child or CLI
 * only, never the event loop.
 */
#ifndef BOOTD_ATOMICFILE_H
#define BOOTD_ATOMICFILE_H

#include <sys/types.h>
#include <stddef.h>

/*
 * Writes len bytes of buf to path.tmp.<pid> with exactly mode (umask
 * aside), fsyncs it, renames it over path and fsyncs the directory. A
 * symbolic link at the temporary name is refused, never followed. The
 * temporary file is removed on failure. Returns 0, or -1 with errno set and
 * a reason naming the file in err.
 */
int	atomicfile_write(const char *path, const void *buf, size_t len,
	    mode_t mode, char *err, size_t errlen);

#endif
