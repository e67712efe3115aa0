/* SPDX-License-Identifier: ISC */
/*
 * tftp_path: requested name → open regular file under the TFTP root.
 * Normalisation is pure string work and refuses rather than resolves;
 * opening relies on the kernel (openat2 RESOLVE_BENEATH) to stay under
 * the root, with a symlink-refusing component walk for kernels before
 * 5.6. No logging, no globals, no static buffers.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <unistd.h>

#include "tftp/tftp_path.h"

#define OPEN_TRIES	3	/* openat2 EAGAIN/EINTR retries */

/* The one table: result → TFTP error code, HTTP status and reason. */
static const struct {
	enum tftp_err	 code;
	int		 http;
	const char	*why;
} path_res[] = {
	[-TFTP_PATH_OK] = { TFTP_EUNDEF, 200, "ok" },
	[-TFTP_PATH_ENOENT] = { TFTP_ENOTFOUND, 404, "no such file" },
	[-TFTP_PATH_EOUTSIDE] = { TFTP_EACCESS, 403, "outside tftp root" },
	[-TFTP_PATH_ENOTREG] = { TFTP_EACCESS, 404, "not a regular file" },
	[-TFTP_PATH_EPERM] = { TFTP_EACCESS, 403, "permission denied" },
	[-TFTP_PATH_ESYMLINK] = { TFTP_EACCESS, 403, "symlink not followed" },
	[-TFTP_PATH_EINVAL] = { TFTP_EACCESS, 400, "bad file name" },
	[-TFTP_PATH_EIO] = { TFTP_EUNDEF, 500, "cannot open file" },
	[-TFTP_PATH_ENFILE] = { TFTP_EUNDEF, 500, "server busy, try again" },
};

int
tftp_path_http_code(int res)
{
	if (res > 0 || res <= TFTP_PATH_RES_MIN)
		return 500;
	return path_res[-res].http;
}

enum tftp_err
tftp_path_tftp_err(int res)
{
	if (res > 0 || res <= TFTP_PATH_RES_MIN)
		return TFTP_EUNDEF;
	return path_res[-res].code;
}

const char *
tftp_path_str(int res)
{
	if (res > 0 || res <= TFTP_PATH_RES_MIN)
		return "unknown result";
	return path_res[-res].why;
}

static int
is_sep(char c)
{
	return c == '/' || c == '\\';
}

int
tftp_path_normalise(const char *name, char *out, size_t outlen,
    const char **why)
{
	size_t	n, i, start, clen, o = 0;

	n = strnlen(name, TFTP_PATH_MAX + 1);
	if (n > TFTP_PATH_MAX) {
		*why = "file name too long";
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
			*why = "control character in file name";
			goto fail;
		}
	}
	i = 0;
	while (i < n) {
		while (i < n && is_sep(name[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_sep(name[i]))
			i++;
		clen = i - start;
		if (clen == 1 && name[start] == '.')
			continue;
		/*
		 * Refuse, don't resolve: "a/../b" is surely meant to be b,
		 * but no boot client needs it and every escape starts so.
		 */
		if (clen == 2 && name[start] == '.' && name[start + 1] == '.') {
			*why = "\"..\" in file name";
			goto fail;
		}
		if (outlen - o < (o > 0) + clen + 1) {
			*why = "file name too long";
			goto fail;
		}
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, name + start, clen);
		o += clen;
	}
	if (o == 0) {
		*why = "empty file name";
		goto fail;
	}
	out[o] = '\0';
	return TFTP_PATH_OK;
fail:
	if (outlen > 0)
		out[0] = '\0';
	return TFTP_PATH_EINVAL;
}

/* Whether name is its own normal form: opening checks its input again. */
static int
is_normalised(const char *name)
{
	char		 tmp[TFTP_PATH_MAX + 1];
	const char	*why;

	return tftp_path_normalise(name, tmp, sizeof(tmp), &why) == 0 &&
	    strcmp(tmp, name) == 0;
}

static int
errno_res(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return TFTP_PATH_ENOENT;
	case EXDEV:		/* RESOLVE_BENEATH: ".." or "/" would leave */
		return TFTP_PATH_EOUTSIDE;
	case ELOOP:		/* loop, magic link, or O_NOFOLLOW hit one */
		return TFTP_PATH_ESYMLINK;
	case EACCES:
	case EPERM:
		return TFTP_PATH_EPERM;
	case ENXIO:		/* a socket */
	case ENODEV:
	case EISDIR:
		return TFTP_PATH_ENOTREG;
	case ENAMETOOLONG:
		return TFTP_PATH_EINVAL;
	case EMFILE:		/* the process's or the system's limit */
	case ENFILE:
		return TFTP_PATH_ENFILE;
	default:
		return TFTP_PATH_EIO;
	}
}

/*
 * Only regular files, and only world-readable ones: the root may hold
 * files meant for other daemons, and tftpd has always asked for o+r.
 */
static int
check_mode(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return TFTP_PATH_ENOTREG;
	if ((st->st_mode & S_IROTH) == 0) {
		errno = EACCES;
		return TFTP_PATH_EPERM;
	}
	return TFTP_PATH_OK;
}

/* The opened fd must be the file that was checked through its O_PATH fd. */
static int
check_same(int fd, const struct stat *want, struct stat *st)
{
	int	res;

	if (fstat(fd, st) == -1)
		return TFTP_PATH_EIO;
	if ((res = check_mode(st)) != TFTP_PATH_OK)
		return res;
	if (st->st_dev != want->st_dev || st->st_ino != want->st_ino) {
		errno = ESTALE;		/* replaced between the two opens */
		return TFTP_PATH_EIO;
	}
	return TFTP_PATH_OK;
}

static int
open_beneath(int dirfd, const char *name, uint64_t flags)
{
	struct open_how	how;
	long		fd;
	int		tries = 0;

	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	/*
	 * EAGAIN: a concurrent rename made the kernel unsure a ".." in a
	 * symlink target stayed beneath; openat2(2) invites a retry.
	 */
	do
		fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	while (fd == -1 && (errno == EAGAIN || errno == EINTR) &&
	    ++tries < OPEN_TRIES);
	return (int)fd;
}

/* Closes fd when open, keeping errno for the caller's log line. */
static void
close_keep_errno(int fd)
{
	int	saved = errno;

	if (fd != -1)
		close(fd);
	errno = saved;
}

int
tftp_path_open(int rootfd, const char *name, int *fdp, uint64_t *size,
    const char **why)
{
	struct stat	st, st2;
	int		pfd = -1, fd = -1, res;

	*fdp = -1;
	if (!is_normalised(name)) {
		errno = EINVAL;
		res = TFTP_PATH_EINVAL;
		goto fail;
	}
	/*
	 * Resolve without opening: a device's open() can act on it.
	 * ENOSYS: a kernel before 5.6, or a seccomp filter.
	 */
	if ((pfd = open_beneath(rootfd, name, O_PATH | O_CLOEXEC)) == -1) {
		if (errno == ENOSYS)
			return tftp_path_open_walk(rootfd, name, fdp, size,
			    why);
		res = errno_res(errno);
		goto fail;
	}
	if (fstat(pfd, &st) == -1) {
		res = TFTP_PATH_EIO;
		goto fail;
	}
	if ((res = check_mode(&st)) != TFTP_PATH_OK)
		goto fail;
	/* O_NONBLOCK: should a FIFO be swapped in meanwhile, don't wait. */
	fd = open_beneath(rootfd, name,
	    O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		res = errno_res(errno);
		goto fail;
	}
	if ((res = check_same(fd, &st, &st2)) != TFTP_PATH_OK)
		goto fail;
	close(pfd);
	*fdp = fd;
	*size = (uint64_t)st2.st_size;
	return TFTP_PATH_OK;
fail:
	close_keep_errno(pfd);
	close_keep_errno(fd);
	*why = tftp_path_str(res);
	return res;
}

int
tftp_path_open_walk(int rootfd, const char *name, int *fdp, uint64_t *size,
    const char **why)
{
	char		 comp[TFTP_PATH_MAX + 1];
	struct stat	 st, st2;
	const char	*s, *slash;
	size_t		 n;
	int		 dfd = -1, pfd = -1, fd = -1, res;

	*fdp = -1;
	if (!is_normalised(name)) {
		errno = EINVAL;
		res = TFTP_PATH_EINVAL;
		goto fail;
	}
	/*
	 * A normalised name has no "..", "." or empty component, so each
	 * step goes one level down; O_NOFOLLOW keeps symlinks from taking
	 * it anywhere else. O_PATH fds are checked before they are used.
	 */
	for (s = name;; s = slash + 1) {
		slash = strchr(s, '/');
		n = slash != NULL ? (size_t)(slash - s) : strlen(s);
		memcpy(comp, s, n);
		comp[n] = '\0';
		pfd = openat(dfd == -1 ? rootfd : dfd, comp,
		    O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (pfd == -1) {
			res = errno_res(errno);
			goto fail;
		}
		if (fstat(pfd, &st) == -1) {
			res = TFTP_PATH_EIO;
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			errno = ELOOP;
			res = TFTP_PATH_ESYMLINK;
			goto fail;
		}
		if (slash == NULL)
			break;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			res = TFTP_PATH_ENOENT;
			goto fail;
		}
		if (dfd != -1)
			close(dfd);
		dfd = pfd;
		pfd = -1;
	}
	if ((res = check_mode(&st)) != TFTP_PATH_OK)
		goto fail;
	fd = openat(dfd == -1 ? rootfd : dfd, comp,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		res = errno_res(errno);
		goto fail;
	}
	if ((res = check_same(fd, &st, &st2)) != TFTP_PATH_OK)
		goto fail;
	if (dfd != -1)
		close(dfd);
	close(pfd);
	*fdp = fd;
	*size = (uint64_t)st2.st_size;
	return TFTP_PATH_OK;
fail:
	close_keep_errno(dfd);
	close_keep_errno(pfd);
	close_keep_errno(fd);
	*why = tftp_path_str(res);
	return res;
}
