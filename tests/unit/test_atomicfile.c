/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for bootd/atomicfile: replace, compare, keep the old file,
 * exact mode, the step named on failure, no temporary file left.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootd/atomicfile.h"

static char	 dir[] = "/tmp/test_atomicfile.XXXXXX";

static int
entries(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
t_put(void **state)
{
	char			 path[256], tmp[256], keep[256], err[512];
	enum atomicfile_step	 step;
	struct stat		 st;
	mode_t			 old = umask(077);

	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(tmp, sizeof(tmp), "%s/f.tmp", dir);
	snprintf(keep, sizeof(keep), "%s/.f.prev", dir);
	assert_false(atomicfile_same(path, "", 0));	/* no file */
	/* No old file: nothing to keep. */
	assert_int_equal(atomicfile_put(path, tmp, keep, "one\n", 4, 0644,
	    &step), 0);
	assert_true(atomicfile_same(path, "one\n", 4));
	assert_false(atomicfile_same(path, "one", 3));
	assert_false(atomicfile_same(path, "one\nx", 5));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);	/* umask aside */
	assert_int_equal(entries(), 1);
	/* A leftover temporary file is replaced; the old file is kept. */
	assert_int_equal(symlink("/nonexistent", tmp), 0);
	assert_int_equal(atomicfile_put(path, tmp, keep, "two\n", 4, 0600,
	    &step), 0);
	assert_true(atomicfile_same(path, "two\n", 4));
	assert_true(atomicfile_same(keep, "one\n", 4));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(entries(), 2);
	assert_int_equal(unlink(keep), 0);
	/* atomicfile_write() names its own temporary file. */
	assert_int_equal(atomicfile_write(path, "three", 5, 0600, err,
	    sizeof(err)), 0);
	assert_true(atomicfile_same(path, "three", 5));
	assert_int_equal(entries(), 1);
	assert_int_equal(unlink(path), 0);
	umask(old);
}

static void
t_fail(void **state)
{
	char			 path[256], tmp[256], err[512], want[600];
	enum atomicfile_step	 step;

	snprintf(path, sizeof(path), "%s/missing/f", dir);
	snprintf(tmp, sizeof(tmp), "%s/missing/f.tmp", dir);
	errno = 0;
	assert_int_equal(atomicfile_put(path, tmp, NULL, "x", 1, 0644, &step),
	    -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(step, AF_STEP_CREATE);
	assert_string_equal(atomicfile_step_names[step],
	    "creating the temp file");
	assert_int_equal(atomicfile_write(path, "x", 1, 0600, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: creating the temp file: %s", path,
	    strerror(ENOENT));
	assert_string_equal(err, want);
	/* The rename fails onto a directory: the temporary file goes. */
	snprintf(path, sizeof(path), "%s/adir", dir);
	snprintf(tmp, sizeof(tmp), "%s/adir.tmp", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(atomicfile_put(path, tmp, NULL, "x", 1, 0644, &step),
	    -1);
	assert_int_equal(step, AF_STEP_RENAME);
	assert_int_equal(entries(), 1);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(atomicfile_dirsync("relative"), 0);
}

static int
setup(void **state)
{
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_put),
		cmocka_unit_test(t_fail),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
