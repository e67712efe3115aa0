/* SPDX-License-Identifier: ISC */
/*
 * atomicfile: write-temporary, fsync, rename, fsync-directory. Everything
 * but atomicfile_write() is async-signal-safe: system calls only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bootd/atomicfile.h"
#include "bootd/errbuf.h"

#define CMP_CHUNK	8192

const char *const atomicfile_step_names[AF_STEP_MAX] = {
	[AF_STEP_UNLINK] = "removing an old temp file",
	[AF_STEP_CREATE] = "creating the temp file",
	[AF_STEP_CHMOD] = "setting the temp file's mode",
	[AF_STEP_WRITE] = "writing the temp file",
	[AF_STEP_FSYNC] = "fsync of the temp file",
	[AF_STEP_CLOSE] = "closing the temp file",
	[AF_STEP_KEEP] = "keeping the old file",
	[AF_STEP_RENAME] = "renaming the temp file",
	[AF_STEP_DIRSYNC] = "fsync of the directory",
};

int
atomicfile_same(const char *path, const void *buf, size_t len)
{
	const char	*b = buf;
	char		 chunk[CMP_CHUNK];
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, same = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || (size_t)n > len - off ||
		    memcmp(chunk, b + off, (size_t)n) != 0)
			break;
		if (n == 0) {
			same = off == len;
			break;
		}
		off += (size_t)n;
	}
	close(fd);
	return same;
}

int
atomicfile_dirsync(const char *path)
{
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');
	size_t		 n;
	int		 fd, rc, saved;

	if (slash == NULL)
		fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd == -1)
		return -1;
	rc = fsync(fd) == -1 && errno != EINVAL ? -1 : 0;
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
atomicfile_put(const char *path, const char *tmp, const char *keep,
    const void *buf, size_t len, mode_t mode, enum atomicfile_step *step)
{
	const char	*p = buf;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd = -1, saved;

	/* A leftover of a killed writer is ours to replace. */
	*step = AF_STEP_UNLINK;
	if (unlink(tmp) == -1 && errno != ENOENT)
		return -1;
	*step = AF_STEP_CREATE;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1)
		return -1;
	*step = AF_STEP_CHMOD;
	if (fchmod(fd, mode) == -1)
		goto fail;
	*step = AF_STEP_WRITE;
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	*step = AF_STEP_FSYNC;
	if (fsync(fd) == -1)
		goto fail;
	*step = AF_STEP_CLOSE;
	n = close(fd);
	fd = -1;
	if (n == -1)
		goto fail;
	if (keep != NULL) {
		*step = AF_STEP_KEEP;
		if ((unlink(keep) == -1 && errno != ENOENT) ||
		    (link(path, keep) == -1 && errno != ENOENT))
			goto fail;
	}
	*step = AF_STEP_RENAME;
	if (rename(tmp, path) == -1)
		goto fail;
	*step = AF_STEP_DIRSYNC;
	return atomicfile_dirsync(path);
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	errno = saved;
	return -1;
}

int
atomicfile_write(const char *path, const void *buf, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	char			 tmp[PATH_MAX];
	enum atomicfile_step	 step;
	int			 saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	    (long)getpid()) >= sizeof(tmp)) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(ENAMETOOLONG));
		errno = ENAMETOOLONG;
		return -1;
	}
	if (atomicfile_put(path, tmp, NULL, buf, len, mode, &step) == 0)
		return 0;
	saved = errno;
	errbuf_set(err, errlen, "%s: %s: %s", path, atomicfile_step_names[step],
	    strerror(saved));
	errno = saved;
	return -1;
}
