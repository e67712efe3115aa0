/* SPDX-License-Identifier: ISC */
/*
 * safeopen: open a local file to read without blocking on what is there
 * (FIFO, device, socket), and read it whole within a caller's size cap.
 * Never logs: the reason goes back in err for the caller to name.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootd/errbuf.h"
#include "bootd/safeopen.h"

const char *
safeopen_type(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular file";
	if (S_ISFIFO(mode))
		return "fifo";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISSOCK(mode))
		return "socket";
	if (S_ISLNK(mode))
		return "symbolic link";
	return "unknown type";
}

/*
 * open(2) failed with errno e: O_NOFOLLOW says ELOOP for a symlink, and a
 * socket cannot be opened at all (ENXIO); lstat() tells which it was.
 */
static int
open_failed(const char *path, int e, char *err, size_t errlen)
{
	struct stat	 lst;

	if ((e == ELOOP || e == ENXIO) && lstat(path, &lst) == 0) {
		if (S_ISLNK(lst.st_mode)) {
			errbuf_set(err, errlen, "is a symbolic link");
			e = ELOOP;
		} else if (!S_ISREG(lst.st_mode)) {
			errbuf_set(err, errlen, "not a regular file (%s)",
			    safeopen_type(lst.st_mode));
			e = EINVAL;
		} else
			errbuf_set(err, errlen, "%s", strerror(e));
	} else
		errbuf_set(err, errlen, "%s", strerror(e));
	return e;
}

int
safeopen(const char *path, off_t max, int flags, struct stat *stp,
    char *err, size_t errlen)
{
	struct stat	 st;
	int		 fd, fl, oflags, e = 0;

	oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
	if (!(flags & SAFEOPEN_FOLLOW))
		oflags |= O_NOFOLLOW;
	if ((fd = open(path, oflags)) == -1) {
		e = open_failed(path, errno, err, errlen);
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		e = errno;
		errbuf_set(err, errlen, "fstat: %s", strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		errbuf_set(err, errlen, "not a regular file (%s)",
		    safeopen_type(st.st_mode));
		goto fail;
	}
	if (st.st_size > max) {
		e = EFBIG;
		errbuf_set(err, errlen, "too large (%lld bytes, limit %lld)",
		    (long long)st.st_size, (long long)max);
		goto fail;
	}
	/* Reads of a regular file ignore it; cleared for whoever reads on. */
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    ((fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) ==
	    -1)) {
		e = errno;
		errbuf_set(err, errlen, "fcntl: %s", strerror(e));
		goto fail;
	}
	if (stp != NULL)
		*stp = st;
	return fd;
fail:
	if (fd != -1)
		close(fd);
	errno = e;
	return -1;
}

char *
safeopen_read(const char *path, size_t max, int flags, size_t *lenp,
    struct stat *stp, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len, off = 0;
	ssize_t		 n;
	int		 fd, e = 0;

	*lenp = 0;
	if (max > (size_t)INT64_MAX - 1)
		max = (size_t)INT64_MAX - 1;
	if ((fd = safeopen(path, (off_t)max, flags, &st, err, errlen)) == -1)
		return NULL;
	len = (size_t)st.st_size;
	if ((buf = malloc(len + 1)) == NULL) {
		e = errno;
		errbuf_set(err, errlen, "%s", strerror(e));
		goto fail;
	}
	while (off < len) {
		if ((n = read(fd, buf + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			errbuf_set(err, errlen, "read: %s", strerror(e));
			goto fail;
		}
		if (n == 0)
			break;	/* shrank under us */
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*lenp = off;
	if (stp != NULL)
		*stp = st;
	return buf;
fail:
	close(fd);
	free(buf);
	errno = e;
	return NULL;
}
