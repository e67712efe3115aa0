/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tftp/tftp_path.c: the normalisation table (traversal,
 * slashes, backslashes, dots, lengths, control bytes) and opening under a
 * temporary root: regular files, missing ones, symlinks inside and out,
 * directories, FIFOs (without blocking), sockets, devices, unreadable
 * files, for openat2 and for the fallback walker, and that an openat2
 * failing with ENOSYS (seccomp, old kernels) falls back to the walker.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tftp/tftp_path.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct norm_case {
	const char	*in;
	const char	*out;	/* NULL: refused */
};

static const struct norm_case	norm_cases[] = {
	{ "pxelinux.0", "pxelinux.0" },
	{ "pxelinux.cfg/default", "pxelinux.cfg/default" },
	{ "pxelinux.cfg/01-52-54-00-12-34-56",
	    "pxelinux.cfg/01-52-54-00-12-34-56" },
	{ "/grub/grub.cfg", "grub/grub.cfg" },
	{ "///grub//x86_64-efi///grub.cfg", "grub/x86_64-efi/grub.cfg" },
	/* /etc/passwd is etc/passwd under the root, never the real one */
	{ "/etc/passwd", "etc/passwd" },
	{ "./a/./b/.", "a/b" },
	{ "a/", "a" },
	{ "a/b/", "a/b" },
	{ "\\boot\\pxeboot.n12", "boot/pxeboot.n12" },
	{ "a\\b/c\\\\d", "a/b/c/d" },
	{ ".hidden", ".hidden" },
	{ "...", "..." },
	{ "..a", "..a" },
	{ "a..", "a.." },
	{ "a/..b/c", "a/..b/c" },
	{ "a/b..", "a/b.." },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "a b", "a b" },
	/* refused */
	{ "../etc/passwd", NULL },
	{ "a/../../x", NULL },
	{ "..", NULL },
	{ "a/..", NULL },
	{ "a/../b", NULL },
	{ "/..", NULL },
	{ "/../x", NULL },
	{ "./../x", NULL },
	{ "..//x", NULL },
	{ "..\\x", NULL },
	{ "\\..\\..\\windows\\win.ini", NULL },
	{ "a\\..\\b", NULL },
	{ "a/b/c/../../..", NULL },
	{ "", NULL },
	{ "/", NULL },
	{ "//", NULL },
	{ ".", NULL },
	{ "./", NULL },
	{ "/././/./", NULL },
	{ "\\", NULL },
	{ "a\nb", NULL },
	{ "a\rb", NULL },
	{ "\x1b", NULL },
	{ "a\x7f", NULL },
};

static void
test_normalise_table(void **state)
{
	char		out[TFTP_PATH_MAX + 1];
	const char	*why;
	size_t		i;
	int		rc;

	(void)state;
	for (i = 0; i < NITEMS(norm_cases); i++) {
		why = NULL;
		memset(out, 'X', sizeof(out));
		rc = tftp_path_normalise(norm_cases[i].in, out, sizeof(out),
		    &why);
		if (norm_cases[i].out == NULL) {
			if (rc != TFTP_PATH_EINVAL || why == NULL)
				fail_msg("\"%s\": accepted as \"%s\"",
				    norm_cases[i].in, out);
			assert_string_equal(out, "");
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\": refused: %s", norm_cases[i].in, why);
		if (strcmp(out, norm_cases[i].out) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"",
			    norm_cases[i].in, out, norm_cases[i].out);
	}
}

static void
test_normalise_reasons_and_limits(void **state)
{
	char		name[300], out[TFTP_PATH_MAX + 1];
	const char	*why = NULL;

	(void)state;
	assert_int_equal(tftp_path_normalise("../etc/passwd", out,
	    sizeof(out), &why), TFTP_PATH_EINVAL);
	assert_string_equal(why, "\"..\" in file name");
	assert_int_equal(tftp_path_normalise("//", out, sizeof(out), &why),
	    TFTP_PATH_EINVAL);
	assert_string_equal(why, "empty file name");
	assert_int_equal(tftp_path_normalise("a\tb", out, sizeof(out), &why),
	    TFTP_PATH_EINVAL);
	assert_string_equal(why, "control character in file name");

	/* 255 bytes pass, 256 do not, even when slashes would shrink it. */
	memset(name, 'n', 255);
	name[255] = '\0';
	assert_int_equal(tftp_path_normalise(name, out, sizeof(out), &why),
	    0);
	assert_int_equal(strlen(out), 255);
	name[0] = '/';
	name[255] = 'n';
	name[256] = '\0';
	assert_int_equal(tftp_path_normalise(name, out, sizeof(out), &why),
	    TFTP_PATH_EINVAL);
	assert_string_equal(why, "file name too long");

	/* The output buffer bounds the result. */
	assert_int_equal(tftp_path_normalise("abc", out, 3, &why),
	    TFTP_PATH_EINVAL);
	assert_string_equal(why, "file name too long");
	assert_int_equal(tftp_path_normalise("/abc", out, 4, &why), 0);
	assert_string_equal(out, "abc");
	assert_int_equal(tftp_path_normalise("a/b", out, 3, &why),
	    TFTP_PATH_EINVAL);
	assert_int_equal(tftp_path_normalise("a/b", out, 0, &why),
	    TFTP_PATH_EINVAL);
}

/* Normalising twice changes nothing. */
static void
test_normalise_idempotent(void **state)
{
	char		a[TFTP_PATH_MAX + 1], b[TFTP_PATH_MAX + 1];
	const char	*why;
	size_t		i;

	(void)state;
	for (i = 0; i < NITEMS(norm_cases); i++) {
		if (norm_cases[i].out == NULL)
			continue;
		assert_int_equal(tftp_path_normalise(norm_cases[i].in, a,
		    sizeof(a), &why), 0);
		assert_int_equal(tftp_path_normalise(a, b, sizeof(b), &why),
		    0);
		assert_string_equal(a, b);
	}
}

static void
test_result_table(void **state)
{
	(void)state;
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_ENOENT),
	    TFTP_ENOTFOUND);
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_EOUTSIDE),
	    TFTP_EACCESS);
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_ENOTREG), TFTP_EACCESS);
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_EPERM), TFTP_EACCESS);
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_ESYMLINK),
	    TFTP_EACCESS);
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_EINVAL), TFTP_EACCESS);
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_EIO), TFTP_EUNDEF);
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_ENFILE), TFTP_EUNDEF);
	assert_string_equal(tftp_path_str(TFTP_PATH_ENFILE),
	    "server busy, try again");
	assert_int_equal(tftp_path_tftp_err(TFTP_PATH_RES_MIN), TFTP_EUNDEF);
	assert_int_equal(tftp_path_tftp_err(3), TFTP_EUNDEF);
	assert_string_equal(tftp_path_str(TFTP_PATH_ENOENT), "no such file");
	assert_string_equal(tftp_path_str(TFTP_PATH_EOUTSIDE),
	    "outside tftp root");
	assert_string_equal(tftp_path_str(TFTP_PATH_ENOTREG),
	    "not a regular file");
	assert_string_equal(tftp_path_str(TFTP_PATH_EPERM),
	    "permission denied");
	assert_string_equal(tftp_path_str(-100), "unknown result");
}

/* --- opening, in a temporary root --- */

struct root {
	char	dir[64];
	int	fd;
	int	have_dev;	/* made a char device node */
};

typedef int	(*open_fn)(int, const char *, int *, uint64_t *,
		    const char **);

static void
mkfile(const struct root *r, const char *name, const char *body,
    mode_t mode)
{
	int	fd;

	fd = openat(r->fd, name, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, body, strlen(body)), (ssize_t)strlen(body));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int
setup_root(void **state)
{
	struct sockaddr_un	sun;
	struct root		*r;
	int			s;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -1;
	snprintf(r->dir, sizeof(r->dir), "/tmp/test_tftp_path.XXXXXX");
	if (mkdtemp(r->dir) == NULL)
		return -1;
	r->fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->fd == -1)
		return -1;
	if (mkdirat(r->fd, "sub", 0755) == -1 ||
	    mkdirat(r->fd, "sub/dir", 0755) == -1)
		return -1;
	mkfile(r, "file", "hello", 0644);
	mkfile(r, "sub/dir/f", "nested", 0644);
	mkfile(r, "secret", "key", 0600);
	/* inside */
	if (symlinkat("file", r->fd, "link") == -1 ||
	    symlinkat("sub", r->fd, "linkdir") == -1 ||
	    symlinkat("../../file", r->fd, "sub/dir/back") == -1 ||
	    /* outside, absolute and relative */
	    symlinkat("/etc", r->fd, "etc") == -1 ||
	    symlinkat("/etc/passwd", r->fd, "passwd") == -1 ||
	    symlinkat("../../../../../../../../etc/passwd", r->fd,
	    "up") == -1 ||
	    symlinkat("..", r->fd, "parent") == -1 ||
	    symlinkat("/dev/null", r->fd, "null") == -1 ||
	    symlinkat("/proc/self/root/etc/passwd", r->fd, "magic") == -1 ||
	    symlinkat("loop", r->fd, "loop") == -1 ||
	    /* the root's own absolute path: still refused */
	    symlinkat(r->dir, r->fd, "self") == -1)
		return -1;
	if (mkfifoat(r->fd, "fifo", 0644) == -1)
		return -1;
	/* A char device node like /dev/null; root only. */
	r->have_dev = mknodat(r->fd, "chardev", S_IFCHR | 0666,
	    makedev(1, 3)) == 0;
	/* A socket. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", r->dir);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return -1;
	close(s);
	*state = r;
	return 0;
}

static int
teardown_root(void **state)
{
	struct root	*r = *state;
	char		cmd[128];

	close(r->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	if (system(cmd) != 0)
		return -1;
	free(r);
	return 0;
}

static void
expect_ok(open_fn fn, const struct root *r, const char *name,
    const char *body)
{
	char		buf[64];
	const char	*why = NULL;
	uint64_t	size = 0;
	ssize_t		n;
	int		fd = -2, fl;

	if (fn(r->fd, name, &fd, &size, &why) != 0)
		fail_msg("\"%s\": %s (%s)", name, why, strerror(errno));
	assert_true(fd >= 0);
	assert_true(size == strlen(body));
	n = read(fd, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)strlen(body));
	assert_memory_equal(buf, body, strlen(body));
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDONLY);
	assert_true(fl & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

static void
expect_res(open_fn fn, const struct root *r, const char *name, int want)
{
	const char	*why = NULL;
	uint64_t	size = 77;
	int		fd = -2, rc;

	rc = fn(r->fd, name, &fd, &size, &why);
	if (rc != want)
		fail_msg("\"%s\": got %d (%s), want %d (%s)", name, rc,
		    why ? why : "ok", want, tftp_path_str(want));
	assert_int_equal(fd, -1);
	assert_string_equal(why, tftp_path_str(want));
}

/* Cases where openat2 and the walker agree. */
static void
common_cases(open_fn fn, const struct root *r)
{
	expect_ok(fn, r, "file", "hello");
	expect_ok(fn, r, "sub/dir/f", "nested");

	expect_res(fn, r, "missing", TFTP_PATH_ENOENT);
	expect_res(fn, r, "sub/missing", TFTP_PATH_ENOENT);
	expect_res(fn, r, "nodir/x", TFTP_PATH_ENOENT);
	expect_res(fn, r, "file/x", TFTP_PATH_ENOENT);

	expect_res(fn, r, "sub", TFTP_PATH_ENOTREG);
	expect_res(fn, r, "sub/dir", TFTP_PATH_ENOTREG);
	expect_res(fn, r, "sock", TFTP_PATH_ENOTREG);
	/* Must come back at once: alarm() kills the test if it blocks. */
	alarm(5);
	expect_res(fn, r, "fifo", TFTP_PATH_ENOTREG);
	alarm(0);
	if (r->have_dev)
		expect_res(fn, r, "chardev", TFTP_PATH_ENOTREG);

	expect_res(fn, r, "secret", TFTP_PATH_EPERM);

	/* Names that are not normalised never reach the filesystem. */
	expect_res(fn, r, "/file", TFTP_PATH_EINVAL);
	expect_res(fn, r, "./file", TFTP_PATH_EINVAL);
	expect_res(fn, r, "sub//dir/f", TFTP_PATH_EINVAL);
	expect_res(fn, r, "sub/dir/f/", TFTP_PATH_EINVAL);
	expect_res(fn, r, "../file", TFTP_PATH_EINVAL);
	expect_res(fn, r, "sub/../file", TFTP_PATH_EINVAL);
	expect_res(fn, r, "sub\\dir\\f", TFTP_PATH_EINVAL);
	expect_res(fn, r, "", TFTP_PATH_EINVAL);
}

static void
test_open_openat2(void **state)
{
	const struct root	*r = *state;

	common_cases(tftp_path_open, r);
	/* Symlinks that stay inside are followed... */
	expect_ok(tftp_path_open, r, "link", "hello");
	expect_ok(tftp_path_open, r, "linkdir/dir/f", "nested");
	expect_ok(tftp_path_open, r, "sub/dir/back", "hello");
	/* ...those that leave, or might, are not. */
	expect_res(tftp_path_open, r, "etc/passwd", TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "etc", TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "passwd", TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "up", TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "parent/etc/passwd",
	    TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "null", TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "magic", TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "self/file", TFTP_PATH_EOUTSIDE);
	expect_res(tftp_path_open, r, "loop", TFTP_PATH_ESYMLINK);
}

static void
test_open_walk(void **state)
{
	const struct root	*r = *state;

	common_cases(tftp_path_open_walk, r);
	/* The fallback follows no symlink at all. */
	expect_res(tftp_path_open_walk, r, "link", TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "linkdir/dir/f",
	    TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "sub/dir/back",
	    TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "etc/passwd", TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "passwd", TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "up", TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "parent/etc/passwd",
	    TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "null", TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "magic", TFTP_PATH_ESYMLINK);
	expect_res(tftp_path_open_walk, r, "loop", TFTP_PATH_ESYMLINK);
}

/* Makes openat2 fail with ENOSYS in this process, as on kernels < 5.6. */
static int
deny_openat2(void)
{
	struct sock_filter	f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	prog = { (unsigned short)NITEMS(f), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* In a child: 0 when every case behaves like the walker, else a line. */
static int
enosys_child(const struct root *r)
{
	static const struct {
		const char	*name;
		int		 res;
	} cases[] = {
		{ "file", TFTP_PATH_OK },
		{ "sub/dir/f", TFTP_PATH_OK },
		{ "link", TFTP_PATH_ESYMLINK },
		{ "etc/passwd", TFTP_PATH_ESYMLINK },
		{ "missing", TFTP_PATH_ENOENT },
		{ "sub", TFTP_PATH_ENOTREG },
		{ "fifo", TFTP_PATH_ENOTREG },
	};
	const char	*why;
	uint64_t	 size;
	size_t		 i;
	int		 fd, rc;

	if (deny_openat2() == -1)
		return 77;
	if (syscall(SYS_openat2, r->fd, "file", NULL, 0) != -1 ||
	    errno != ENOSYS)
		return 2;
	for (i = 0; i < NITEMS(cases); i++) {
		rc = tftp_path_open(r->fd, cases[i].name, &fd, &size, &why);
		if (rc != cases[i].res)
			return 10 + (int)i;
		if (rc == 0)
			close(fd);
	}
	return 0;
}

static void
test_open_enosys_fallback(void **state)
{
	const struct root	*r = *state;
	pid_t			 pid;
	int			 st;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		alarm(5);
		_exit(enosys_child(r));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	if (WEXITSTATUS(st) != 0)
		fail_msg("fallback case failed: child exit %d",
		    WEXITSTATUS(st));
}

/* Normalise then open, as the server does, for hostile requests. */
static void
test_request_to_file(void **state)
{
	static const struct {
		const char	*req;
		int		 res;
	} cases[] = {
		{ "/file", TFTP_PATH_OK },
		{ "\\sub\\dir\\f", TFTP_PATH_OK },
		{ "//sub/./dir//f", TFTP_PATH_OK },
		{ "/etc/passwd", TFTP_PATH_EOUTSIDE },
		{ "../etc/passwd", TFTP_PATH_EINVAL },
		{ "sub/../../etc/passwd", TFTP_PATH_EINVAL },
		{ "..\\..\\etc\\passwd", TFTP_PATH_EINVAL },
		{ "/sub/", TFTP_PATH_ENOTREG },
	};
	const struct root	*r = *state;
	char			 norm[TFTP_PATH_MAX + 1];
	const char		*why;
	uint64_t		 size;
	size_t			 i;
	int			 fd, rc;

	for (i = 0; i < NITEMS(cases); i++) {
		rc = tftp_path_normalise(cases[i].req, norm, sizeof(norm),
		    &why);
		if (rc == 0) {
			rc = tftp_path_open(r->fd, norm, &fd, &size, &why);
			if (rc == 0)
				close(fd);
		}
		if (rc != cases[i].res)
			fail_msg("\"%s\": got %d (%s), want %d", cases[i].req,
			    rc, rc ? why : "ok", cases[i].res);
	}
}

/* Out of descriptors is its own result (the server answers "busy"). */
static void
test_open_emfile(void **state)
{
	const struct root	*r = *state;
	struct rlimit		 old, low;
	int			 fd;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	/* The lowest free descriptor becomes the limit: nothing opens. */
	fd = dup(0);
	assert_true(fd >= 0);
	close(fd);
	low = old;
	low.rlim_cur = (rlim_t)fd;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	expect_res(tftp_path_open, r, "file", TFTP_PATH_ENFILE);
	expect_res(tftp_path_open_walk, r, "sub/dir/f", TFTP_PATH_ENFILE);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	expect_ok(tftp_path_open, r, "file", "hello");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_normalise_table),
		cmocka_unit_test(test_normalise_reasons_and_limits),
		cmocka_unit_test(test_normalise_idempotent),
		cmocka_unit_test(test_result_table),
		cmocka_unit_test(test_open_openat2),
		cmocka_unit_test(test_open_walk),
		cmocka_unit_test(test_open_enosys_fallback),
		cmocka_unit_test(test_open_emfile),
		cmocka_unit_test(test_request_to_file),
	};

	return cmocka_run_group_tests(tests, setup_root, teardown_root);
}
