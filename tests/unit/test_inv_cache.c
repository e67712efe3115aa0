/* SPDX-License-Identifier: ISC */
/*
 * test_inv_cache: the cache file codec (round trip, every decode error,
 * truncation at every offset, flipped bytes) and the atomic write/read.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/inv_cache.h"

static void
add(struct inv_rows *rows, enum inv_table_id t, const char *const *c,
    const size_t *l)
{
	assert_int_equal(inv_rows_add(rows, t, c, l), 0);
}

/* Rows with NULLs, empty strings and binary bytes. */
static struct inv_rows *
sample(void)
{
	static const char *const p[INV_P_NCOLS] = { "rocky9", "install",
	    "vmlinuz", "initrd.img", "ks={{ks_url}}", NULL, "", "1",
	    "lpxelinux.0", "", NULL, "http://boot/{{hostname}}.ipxe", "600" };
	static const char *const h[INV_H_NCOLS] = { "web1",
	    "52:54:00:00:00:01", "10.0.0.1", "rocky9", "1", NULL, "", NULL,
	    "2048", "2", "2024-05-01 12:00:00" };
	static const char *const v[INV_V_NCOLS] = { "web1", "blob",
	    "\0\x01\xff\n\"" };
	static const size_t vl[INV_V_NCOLS] = { 4, 4, 5 };
	struct inv_rows *rows;

	assert_non_null(rows = inv_rows_new(0x0123456789abcdefULL));
	add(rows, INV_T_PROFILES, p, NULL);
	add(rows, INV_T_HOSTS, h, NULL);
	add(rows, INV_T_VARS, v, vl);
	return rows;
}

static void
assert_rows_equal(const struct inv_rows *a, const struct inv_rows *b)
{
	const char	*x, *y;
	size_t		 r, lx, ly;
	int		 t, c;

	assert_int_equal(inv_rows_generation(a), inv_rows_generation(b));
	for (t = 0; t < INV_T_MAX; t++) {
		assert_int_equal(inv_rows_count(a, t), inv_rows_count(b, t));
		for (r = 0; r < inv_rows_count(a, t); r++)
			for (c = 0; c < inv_ncols[t]; c++) {
				x = inv_rows_cell(a, t, r, c, &lx);
				y = inv_rows_cell(b, t, r, c, &ly);
				assert_int_equal(x == NULL, y == NULL);
				assert_int_equal(lx, ly);
				if (x != NULL)
					assert_memory_equal(x, y, lx + 1);
			}
	}
}

static void
encode(const struct inv_rows *rows, uint8_t **buf, size_t *len)
{
	assert_int_equal(inv_cache_encode(rows, buf, len), 0);
	assert_non_null(*buf);
}

/* Decoding must fail with exactly this reason. */
static void
decode_fails(const uint8_t *buf, size_t len, const char *want)
{
	char		 err[256] = "";

	assert_null(inv_cache_decode(buf, len, err, sizeof(err)));
	assert_string_equal(err, want);
}

static void
t_roundtrip(void **state)
{
	struct inv_rows	*rows, *back;
	uint8_t		*buf, *buf2;
	size_t		 len, len2;
	char		 err[256];

	rows = sample();
	encode(rows, &buf, &len);
	assert_memory_equal(buf, INV_CACHE_MAGIC, 8);
	assert_non_null(back = inv_cache_decode(buf, len, err, sizeof(err)));
	assert_rows_equal(rows, back);
	/* Encoding is canonical: decode + encode gives the same bytes. */
	encode(back, &buf2, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	free(buf);
	free(buf2);
	inv_rows_free(rows);
	inv_rows_free(back);
}

static void
t_roundtrip_empty(void **state)
{
	struct inv_rows	*rows, *back;
	uint8_t		*buf;
	size_t		 len;

	assert_non_null(rows = inv_rows_new(0));
	encode(rows, &buf, &len);
	assert_int_equal(len, INV_CACHE_HDRLEN + 8 * INV_T_MAX + 8);
	assert_non_null(back = inv_cache_decode(buf, len, NULL, 0));
	assert_rows_equal(rows, back);
	free(buf);
	inv_rows_free(rows);
	inv_rows_free(back);
}

/* Decoded rows build the same snapshot. */
static void
t_roundtrip_build(void **state)
{
	struct inv_rows	*rows, *back;
	struct inv_snapshot *s;
	uint8_t		*buf;
	size_t		 len;

	rows = sample();
	encode(rows, &buf, &len);
	assert_non_null(back = inv_cache_decode(buf, len, NULL, 0));
	assert_non_null(s = inv_build(back));
	assert_int_equal(s->nhosts, 1);
	assert_int_equal(s->generation, 0x0123456789abcdefULL);
	/* the boot file overrides survive; NULL and "" both mean none */
	assert_int_equal(s->nprofiles, 1);
	assert_string_equal(s->profiles[0].bootfile[INV_BOOT_BIOS],
	    "lpxelinux.0");
	assert_string_equal(s->profiles[0].bootfile[INV_BOOT_EFI64], "");
	assert_string_equal(s->profiles[0].bootfile[INV_BOOT_ARM64], "");
	assert_string_equal(s->profiles[0].bootfile[INV_BOOT_IPXE],
	    "http://boot/{{hostname}}.ipxe");
	/* the binary var is rejected, with its bytes escaped */
	assert_int_equal(s->nrejects, 1);
	assert_string_equal(s->rejects[0],
	    "host_vars \"web1\".\"blob\": NUL byte in value");
	inv_unref(s);
	free(buf);
	inv_rows_free(rows);
	inv_rows_free(back);
}

static void
t_truncated_everywhere(void **state)
{
	struct inv_rows	*rows;
	uint8_t		*buf, *copy;
	size_t		 len, n;
	char		 err[256], want[64];

	rows = sample();
	encode(rows, &buf, &len);
	for (n = 0; n < len; n++) {
		/* An exact-size copy, so ASan sees any overread. */
		assert_non_null(copy = malloc(n > 0 ? n : 1));
		memcpy(copy, buf, n);
		err[0] = '\0';
		assert_null(inv_cache_decode(copy, n, err, sizeof(err)));
		assert_true(err[0] != '\0');
		if (n == 0)
			assert_string_equal(err, "empty");
		else if (n < INV_CACHE_HDRLEN) {
			snprintf(want, sizeof(want), "truncated at byte %zu "
			    "(header is %d)", n, INV_CACHE_HDRLEN);
			assert_string_equal(err, want);
		} else {
			snprintf(want, sizeof(want), "truncated at byte %zu "
			    "of %zu", n, len);
			assert_string_equal(err, want);
		}
		free(copy);
	}
	free(buf);
	inv_rows_free(rows);
}

static void
t_flipped_bytes(void **state)
{
	struct inv_rows	*rows;
	uint8_t		*buf;
	size_t		 len, i;
	char		 err[256];
	int		 bit;

	rows = sample();
	encode(rows, &buf, &len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			err[0] = '\0';
			assert_null(inv_cache_decode(buf, len, err,
			    sizeof(err)));
			/* past the fixed header, only the checksum sees it */
			if (i >= 24)
				assert_string_equal(err, "checksum mismatch");
			else
				assert_true(err[0] != '\0');
			buf[i] ^= (uint8_t)(1 << bit);
		}
	assert_non_null(rows != NULL);
	free(buf);
	inv_rows_free(rows);
}

static void
t_bad_header(void **state)
{
	struct inv_rows	*rows;
	uint8_t		*buf, *big;
	size_t		 len;
	char		 want[64];

	rows = sample();
	encode(rows, &buf, &len);

	buf[0] = 'X';
	decode_fails(buf, len, "bad magic");
	decode_fails(buf, 3, "bad magic");
	decode_fails((const uint8_t *)"BOOTDIN", 7,
	    "truncated at byte 7 (header is 32)");
	buf[0] = 'B';

	buf[8] = 9;
	decode_fails(buf, len, "unsupported version 9");
	/* Caches written before profiles had bootfile_* and stall_timeout. */
	assert_int_equal(INV_CACHE_VERSION, 3);
	buf[8] = 1;
	decode_fails(buf, len, "unsupported version 1");
	buf[8] = 2;
	decode_fails(buf, len, "unsupported version 2");
	buf[8] = INV_CACHE_VERSION;

	buf[12] = 4;
	decode_fails(buf, len, "table count 4, expected 3");
	buf[12] = 3;

	/* longer than the header says */
	assert_non_null(big = malloc(len + 5));
	memcpy(big, buf, len);
	memset(big + len, 0, 5);
	snprintf(want, sizeof(want), "5 stray bytes after byte %zu", len);
	decode_fails(big, len + 5, want);
	/* a length below the minimum */
	big[16] = 10;
	memset(big + 17, 0, 7);
	decode_fails(big, len + 5, "bad length 10");
	free(big);
	free(buf);
	inv_rows_free(rows);
}

/* Structural errors behind a valid checksum (a crafted or buggy file). */
static void
t_bad_structure(void **state)
{
	struct inv_rows	*rows;
	uint8_t		*buf, *b2;
	size_t		 len, hosts = INV_CACHE_HDRLEN + 8;
	char		 want[64];

	rows = sample();
	encode(rows, &buf, &len);
	assert_non_null(b2 = malloc(len + 8));

	memcpy(b2, buf, len);
	b2[hosts] = 5;
	assert_int_equal(inv_cache_seal(b2, len), 0);
	decode_fails(b2, len, "column count 5 for hosts, expected 11");

	memcpy(b2, buf, len);
	memset(b2 + hosts + 4, 0xff, 4);
	inv_cache_seal(b2, len);
	decode_fails(b2, len, "too many rows in hosts: 4294967295");

	memcpy(b2, buf, len);
	b2[hosts + 4] = 100;	/* 100 host rows need 4400 bytes */
	inv_cache_seal(b2, len);
	decode_fails(b2, len, "too many rows in hosts: 100");

	/* one var row more than there is */
	memcpy(b2, buf, len);
	b2[hosts + 12] = 2;
	inv_cache_seal(b2, len);
	snprintf(want, sizeof(want), "truncated at byte %zu of %zu", len - 8,
	    len - 8);
	decode_fails(b2, len, want);

	/* no var rows: their 25 bytes are left over */
	memcpy(b2, buf, len);
	b2[hosts + 12] = 0;
	inv_cache_seal(b2, len);
	decode_fails(b2, len, "25 stray bytes before the checksum");

	/* the first cell (profile name) claims nearly 4 GiB */
	memcpy(b2, buf, len);
	memcpy(b2 + INV_CACHE_HDRLEN + 24, "\xf0\xff\xff\xff", 4);
	inv_cache_seal(b2, len);
	decode_fails(b2, len, "cell of 4294967280 bytes at byte 56 overruns "
	    "the end");

	/* 8 zero bytes before the checksum: the last var row is short */
	memcpy(b2, buf, len - 8);
	memset(b2 + len - 8, 0, 8);
	inv_cache_seal(b2, len + 8);
	decode_fails(b2, len + 8, "8 stray bytes before the checksum");

	assert_int_equal(inv_cache_seal(b2, 39), -1);
	free(b2);
	free(buf);
	inv_rows_free(rows);
}

static char tmpdir[] = "/tmp/test_inv_cache.XXXXXX";

static int
count_entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
t_write_read(void **state)
{
	struct inv_rows	*rows, *back;
	struct stat	 st;
	char		 path[512], err[512];
	mode_t		 old;

	snprintf(path, sizeof(path), "%s/inventory.cache", tmpdir);
	rows = sample();
	old = umask(0);		/* the file must be 0600 anyway */
	assert_int_equal(inv_cache_write(path, rows, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(tmpdir), 1);
	assert_non_null(back = inv_cache_read(path, err, sizeof(err)));
	assert_rows_equal(rows, back);
	inv_rows_free(back);

	/* Overwrite: replaced atomically, still one file. */
	inv_rows_set_generation(rows, 99);
	assert_int_equal(inv_cache_write(path, rows, err, sizeof(err)), 0);
	assert_int_equal(count_entries(tmpdir), 1);
	assert_non_null(back = inv_cache_read(path, err, sizeof(err)));
	assert_int_equal(inv_rows_generation(back), 99);
	inv_rows_free(back);
	inv_rows_free(rows);
	assert_int_equal(unlink(path), 0);
}

static void
t_write_fails(void **state)
{
	struct inv_rows	*rows;
	char		 path[512], err[512], want[600];

	rows = sample();
	snprintf(path, sizeof(path), "%s/missing/inventory.cache", tmpdir);
	assert_int_equal(inv_cache_write(path, rows, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: creating the temp file: No such "
	    "file or directory", path);
	assert_string_equal(err, want);

	/* rename onto a directory fails: the temp file must go */
	snprintf(path, sizeof(path), "%s/adir", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(inv_cache_write(path, rows, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "renaming the temp file"));
	assert_int_equal(count_entries(tmpdir), 1);
	assert_int_equal(rmdir(path), 0);
	inv_rows_free(rows);
}

static void
t_read_errors(void **state)
{
	char		 path[512], err[512], want[600];
	int		 fd;

	snprintf(path, sizeof(path), "%s/none", tmpdir);
	errno = 0;
	assert_null(inv_cache_read(path, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);

	assert_null(inv_cache_read(tmpdir, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: not a regular file (directory)",
	    tmpdir);
	assert_string_equal(err, want);

	/* bad contents */
	snprintf(path, sizeof(path), "%s/junk", tmpdir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) >= 0);
	assert_int_equal(write(fd, "hello", 5), 5);
	errno = 0;
	assert_null(inv_cache_read(path, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	snprintf(want, sizeof(want), "%s: bad magic", path);
	assert_string_equal(err, want);

	/* over the size limit (sparse: costs no disk) */
	assert_int_equal(ftruncate(fd, (off_t)INV_CACHE_FILE_MAX + 1), 0);
	close(fd);
	errno = 0;
	assert_null(inv_cache_read(path, err, sizeof(err)));
	assert_int_equal(errno, EFBIG);
	snprintf(want, sizeof(want), "%s: too large (1073741825 bytes, "
	    "limit 1073741824)", path);
	assert_string_equal(err, want);
	assert_int_equal(unlink(path), 0);
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
		cmocka_unit_test(t_roundtrip),
		cmocka_unit_test(t_roundtrip_empty),
		cmocka_unit_test(t_roundtrip_build),
		cmocka_unit_test(t_truncated_everywhere),
		cmocka_unit_test(t_flipped_bytes),
		cmocka_unit_test(t_bad_header),
		cmocka_unit_test(t_bad_structure),
		cmocka_unit_test(t_write_read),
		cmocka_unit_test(t_write_fails),
		cmocka_unit_test(t_read_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
