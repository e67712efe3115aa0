/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for bootd/safeopen: a regular file opens and reads whole; a
 * FIFO (no writer: an open without O_NONBLOCK would wait forever),
 * symlink, directory, socket, missing and too large file are refused at
 * once with their reason and errno. Also config_path_within() and
 * config_check_paths() (bootd/config.c), which guard the same files.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bootd/config.h"
#include "bootd/safeopen.h"

static char tmpdir[] = "/tmp/test_safeopen.XXXXXX";

static void
in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void
put_file(const char *path, const char *text)
{
	int fd;

	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >=
	    0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
t_regular(void **state)
{
	struct stat	 st;
	char		 path[PATH_MAX], err[128], *buf;
	size_t		 len;
	int		 fd, fl;

	in_tmp(path, sizeof(path), "regular");
	put_file(path, "hello\n");
	assert_true((fd = safeopen(path, 6, 0, &st, err, sizeof(err))) >= 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 6);
	/* O_NONBLOCK cleared, O_CLOEXEC kept */
	assert_true((fl = fcntl(fd, F_GETFL)) != -1);
	assert_int_equal(fl & O_NONBLOCK, 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);

	assert_non_null(buf = safeopen_read(path, 100, 0, &len, &st, err,
	    sizeof(err)));
	assert_int_equal(len, 6);
	assert_string_equal(buf, "hello\n");
	free(buf);

	/* empty: a valid, NUL-terminated buffer of length 0 */
	put_file(path, "");
	assert_non_null(buf = safeopen_read(path, 100, 0, &len, NULL, err,
	    sizeof(err)));
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	assert_int_equal(unlink(path), 0);
}

static void
t_fifo(void **state)
{
	char	 path[PATH_MAX], err[128];
	size_t	 len;

	in_tmp(path, sizeof(path), "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Would block forever without O_NONBLOCK: nobody writes. */
	errno = 0;
	assert_int_equal(safeopen(path, 100, 0, NULL, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "not a regular file (fifo)");
	errno = 0;
	assert_null(safeopen_read(path, 100, SAFEOPEN_FOLLOW, &len, NULL, err,
	    sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "not a regular file (fifo)");
	assert_int_equal(unlink(path), 0);
}

static void
t_symlink(void **state)
{
	char	 path[PATH_MAX], target[PATH_MAX], err[128], *buf;
	size_t	 len;

	in_tmp(target, sizeof(target), "target");
	in_tmp(path, sizeof(path), "link");
	put_file(target, "x");
	assert_int_equal(symlink(target, path), 0);
	errno = 0;
	assert_int_equal(safeopen(path, 100, 0, NULL, err, sizeof(err)), -1);
	assert_int_equal(errno, ELOOP);
	assert_string_equal(err, "is a symbolic link");
	/* SAFEOPEN_FOLLOW: the target, checked like any file */
	assert_non_null(buf = safeopen_read(path, 100, SAFEOPEN_FOLLOW, &len,
	    NULL, err, sizeof(err)));
	assert_string_equal(buf, "x");
	free(buf);
	/* a dangling link is still "a symbolic link", not "missing" */
	assert_int_equal(unlink(target), 0);
	assert_int_equal(safeopen(path, 100, 0, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "is a symbolic link");
	/* ... and followed, it is missing */
	errno = 0;
	assert_int_equal(safeopen(path, 100, SAFEOPEN_FOLLOW, NULL, err,
	    sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	/* a link to a FIFO, followed: still refused, still at once */
	assert_int_equal(mkfifo(target, 0600), 0);
	assert_int_equal(safeopen(path, 100, SAFEOPEN_FOLLOW, NULL, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "not a regular file (fifo)");
	assert_int_equal(unlink(target), 0);
	assert_int_equal(unlink(path), 0);
}

static void
t_directory_socket_device(void **state)
{
	struct sockaddr_un	 sun;
	char			 path[sizeof(sun.sun_path)], err[128];
	int			 s;

	errno = 0;
	assert_int_equal(safeopen(tmpdir, 100, 0, NULL, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "not a regular file (directory)");

	assert_int_equal(safeopen("/dev/null", 100, 0, NULL, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "not a regular file (character device)");

	/* A socket cannot be opened at all (ENXIO): named all the same. */
	in_tmp(path, sizeof(path), "sock");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, sizeof(path));
	assert_true((s = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	errno = 0;
	assert_int_equal(safeopen(path, 100, 0, NULL, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "not a regular file (socket)");
	close(s);
	assert_int_equal(unlink(path), 0);
}

static void
t_missing(void **state)
{
	char	 path[PATH_MAX], err[128];
	size_t	 len = 99;

	in_tmp(path, sizeof(path), "none");
	errno = 0;
	assert_null(safeopen_read(path, 100, 0, &len, NULL, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(len, 0);
	assert_string_equal(err, strerror(ENOENT));
	/* err may be NULL */
	assert_int_equal(safeopen(path, 100, 0, NULL, NULL, 0), -1);
	assert_int_equal(errno, ENOENT);
}

static void
t_too_large(void **state)
{
	char	 path[PATH_MAX], err[128];
	size_t	 len;
	int	 fd;

	in_tmp(path, sizeof(path), "big");
	put_file(path, "0123456789");
	/* exactly the cap is fine */
	assert_true((fd = safeopen(path, 10, 0, NULL, err, sizeof(err))) >= 0);
	close(fd);
	errno = 0;
	assert_int_equal(safeopen(path, 9, 0, NULL, err, sizeof(err)), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(err, "too large (10 bytes, limit 9)");
	errno = 0;
	assert_null(safeopen_read(path, 9, 0, &len, NULL, err, sizeof(err)));
	assert_int_equal(errno, EFBIG);
	assert_string_equal(err, "too large (10 bytes, limit 9)");
	assert_int_equal(unlink(path), 0);
}

static void
t_types(void **state)
{
	assert_string_equal(safeopen_type(S_IFREG | 0644), "regular file");
	assert_string_equal(safeopen_type(S_IFIFO), "fifo");
	assert_string_equal(safeopen_type(S_IFLNK), "symbolic link");
	assert_string_equal(safeopen_type(0), "unknown type");
}

static void
t_path_within(void **state)
{
	assert_true(config_path_within("/srv/tftp", "/srv/tftp"));
	assert_true(config_path_within("/srv/tftp/t", "/srv/tftp"));
	assert_true(config_path_within("/srv/tftp/a/b", "/srv/tftp"));
	assert_false(config_path_within("/srv/tftp2", "/srv/tftp"));
	assert_false(config_path_within("/srv/tft", "/srv/tftp"));
	assert_false(config_path_within("/srv", "/srv/tftp"));
	assert_false(config_path_within("/etc/bootd", "/srv/tftp"));
	assert_true(config_path_within("/etc", "/"));
	assert_true(config_path_within("/", "/"));
}

static void
t_check_paths(void **state)
{
	struct bootd_config	*cfg;
	char			 root[PATH_MAX], tpl[PATH_MAX], link[PATH_MAX];
	char			 text[4 * PATH_MAX], err[CONFIG_ERRLEN];

	in_tmp(root, sizeof(root), "root");
	in_tmp(tpl, sizeof(tpl), "root/tpl");
	in_tmp(link, sizeof(link), "tpl-link");
	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(mkdir(tpl, 0700), 0);
	assert_int_equal(symlink(tpl, link), 0);

	/* apart: fine; a missing templates dir is not this check's job */
	snprintf(text, sizeof(text), "paths = { tftp_root = \"%s\"; "
	    "templates = \"%s/none\"; cache = \"%s/inv.cache\"; };", root,
	    tmpdir, tmpdir);
	assert_non_null(cfg = config_load_string(text, "t.conf", err,
	    sizeof(err)));
	assert_int_equal(config_check_paths(cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	config_free(cfg);

	/* templates through a symlink, the cache in the root itself */
	snprintf(text, sizeof(text), "paths = { tftp_root = \"%s\"; "
	    "templates = \"%s\"; cache = \"%s/inv.cache\"; };", root, link,
	    root);
	assert_non_null(cfg = config_load_string(text, "t.conf", err,
	    sizeof(err)));
	assert_int_equal(config_check_paths(cfg, err, sizeof(err)), 2);
	assert_non_null(strstr(err, "paths.templates \""));
	assert_non_null(strstr(err, " is inside paths.tftp_root \""));
	assert_non_null(strstr(err, "raw templates would be served to "
	    "anyone"));
	assert_non_null(strstr(err, "; paths.cache \""));
	assert_non_null(strstr(err, "inventory cache would be served"));
	/* the resolved path is named when it differs from the setting */
	assert_non_null(strstr(err, tpl));
	config_free(cfg);

	/* "a/../.." does not hide it either; the root itself counts */
	snprintf(text, sizeof(text), "paths = { tftp_root = \"%s/tpl/..\"; "
	    "templates = \"%s\"; cache = \"\"; };", root, root);
	assert_non_null(cfg = config_load_string(text, "t.conf", err,
	    sizeof(err)));
	assert_int_equal(config_check_paths(cfg, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "paths.templates"));
	config_free(cfg);

	assert_int_equal(unlink(link), 0);
	assert_int_equal(rmdir(tpl), 0);
	assert_int_equal(rmdir(root), 0);
}

static int
setup(void **state)
{
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_regular),
		cmocka_unit_test(t_fifo),
		cmocka_unit_test(t_symlink),
		cmocka_unit_test(t_directory_socket_device),
		cmocka_unit_test(t_missing),
		cmocka_unit_test(t_too_large),
		cmocka_unit_test(t_types),
		cmocka_unit_test(t_path_within),
		cmocka_unit_test(t_check_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
