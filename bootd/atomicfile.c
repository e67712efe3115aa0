/* SPDX-License-Identifier: ISC */
/*
 * atomicfile: write-temporary, fsync, rename, fsync-directory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bootd/atomicfile.h"

/* Directory part of path, for fsync after the rename. */
static void
dir_of(const char *path, char *dir, size_t sz)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, sz, ".");
	else if (slash == path)
		snprintf(dir, sz, "/");
	else
		snprintf(dir, sz, "%.*s", (int)(slash - path), path);
}

int
atomicfile_write(const char *path, const void *buf, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	const char	*p = buf;
	char		 tmp[PATH_MAX], dir[PATH_MAX];
	const char	*step = NULL, *what = path;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd = -1, dfd = -1, made = 0, rv = -1, saved = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	    (long)getpid()) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	/* A leftover of a crashed process with our pid is ours to replace. */
	(void)unlink(tmp);
	what = tmp;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1)
		goto fail;
	made = 1;
	step = "chmod";
	if (fchmod(fd, mode) == -1)
		goto fail;
	step = "write";
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	step = "fsync";
	if (fsync(fd) == -1)
		goto fail;
	step = "close";
	n = close(fd);
	fd = -1;
	if (n == -1)
		goto fail;
	step = "rename";
	what = path;
	if (rename(tmp, path) == -1)
		goto fail;
	made = 0;
	/* Make the rename itself durable. */
	dir_of(path, dir, sizeof(dir));
	step = "fsync";
	what = dir;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fsync(dfd) == -1 && errno != EINVAL))
		goto fail;
	rv = 0;
	goto done;
fail:
	saved = errno;
	if (step != NULL)
		snprintf(err, errlen, "%s: %s: %s", what, step,
		    strerror(saved));
	else
		snprintf(err, errlen, "%s: %s", what, strerror(saved));
done:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	if (made)
		(void)unlink(tmp);
	if (rv == -1)
		errno = saved;
	return rv;
}
