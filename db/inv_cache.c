/* SPDX-License-Identifier: ISC */
/*
 * inv_cache: encode/decode raw inventory rows (pure, bounded by the input
 * on hostile bytes) and write/read them as one file, atomically replaced.
 * No logging: errors go back to the DB thread or startup code in err.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootd/atomicfile.h"
#include "bootd/errbuf.h"
#include "bootd/safeopen.h"
#include "db/inv_cache.h"

#define MAGIC_LEN	8
#define SUM_LEN		8
#define DIR_LEN		(8 * INV_T_MAX)
#define CELLS_MAX	16		/* >= every inv_ncols[] */

_Static_assert(INV_P_NCOLS <= CELLS_MAX && INV_H_NCOLS <= CELLS_MAX &&
    INV_V_NCOLS <= CELLS_MAX, "CELLS_MAX too small");
_Static_assert(sizeof(INV_CACHE_MAGIC) - 1 == MAGIC_LEN, "magic length");

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

uint64_t
inv_cache_checksum(const uint8_t *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= buf[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int
inv_cache_seal(uint8_t *buf, size_t len)
{
	if (len < INV_CACHE_HDRLEN + SUM_LEN)
		return -1;
	put64(buf + 16, len);
	put64(buf + len - SUM_LEN, inv_cache_checksum(buf, len - SUM_LEN));
	return 0;
}

int
inv_cache_encode(const struct inv_rows *rows, uint8_t **bufp, size_t *lenp)
{
	const char	*s;
	uint8_t		*buf, *p;
	size_t		 size, n, r, len;
	int		 t, c;

	*bufp = NULL;
	*lenp = 0;
	size = INV_CACHE_HDRLEN + DIR_LEN + SUM_LEN;
	for (t = 0; t < INV_T_MAX; t++) {
		n = inv_rows_count(rows, t);
		if (n > UINT32_MAX) {
			errno = EFBIG;
			return -1;
		}
		for (r = 0; r < n; r++)
			for (c = 0; c < inv_ncols[t]; c++) {
				inv_rows_cell(rows, t, r, c, &len);
				if (len >= INV_CACHE_NULL ||
				    size > SIZE_MAX - 4 - len) {
					errno = EFBIG;
					return -1;
				}
				size += 4 + len;
			}
	}
	if ((buf = malloc(size)) == NULL)
		return -1;
	memcpy(buf, INV_CACHE_MAGIC, MAGIC_LEN);
	put32(buf + 8, INV_CACHE_VERSION);
	put32(buf + 12, INV_T_MAX);
	put64(buf + 24, inv_rows_generation(rows));
	p = buf + INV_CACHE_HDRLEN;
	for (t = 0; t < INV_T_MAX; t++, p += 8) {
		put32(p, (uint32_t)inv_ncols[t]);
		put32(p + 4, (uint32_t)inv_rows_count(rows, t));
	}
	for (t = 0; t < INV_T_MAX; t++) {
		n = inv_rows_count(rows, t);
		for (r = 0; r < n; r++)
			for (c = 0; c < inv_ncols[t]; c++) {
				s = inv_rows_cell(rows, t, r, c, &len);
				if (s == NULL) {
					put32(p, INV_CACHE_NULL);
					p += 4;
					continue;
				}
				put32(p, (uint32_t)len);
				if (len > 0)
					memcpy(p + 4, s, len);
				p += 4 + len;
			}
	}
	inv_cache_seal(buf, size);
	*bufp = buf;
	*lenp = size;
	return 0;
}

/*
 * Header and length checks come before the checksum, so a short file says
 * "truncated" and a wrong one "bad magic"; everything after the header is
 * trusted only once the checksum matches, and is still bounds-checked.
 */
struct inv_rows *
inv_cache_decode(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct inv_rows	*rows = NULL;
	const char	*cells[CELLS_MAX];
	size_t		 lens[CELLS_MAX];
	uint64_t	 total, need;
	uint32_t	 v, ncols[INV_T_MAX], nrows[INV_T_MAX], cl;
	size_t		 pos, end, r;
	int		 t, c;

	if (len == 0) {
		errbuf_set(err, errlen, "empty");
		goto fail;
	}
	if (memcmp(buf, INV_CACHE_MAGIC, len < MAGIC_LEN ? len : MAGIC_LEN) !=
	    0) {
		errbuf_set(err, errlen, "bad magic");
		goto fail;
	}
	if (len < INV_CACHE_HDRLEN) {
		errbuf_set(err, errlen, "truncated at byte %zu (header is %d)",
		    len, INV_CACHE_HDRLEN);
		goto fail;
	}
	if ((v = get32(buf + 8)) != INV_CACHE_VERSION) {
		errbuf_set(err, errlen, "unsupported version %u", v);
		goto fail;
	}
	if ((v = get32(buf + 12)) != INV_T_MAX) {
		errbuf_set(err, errlen, "table count %u, expected %d", v,
		    INV_T_MAX);
		goto fail;
	}
	total = get64(buf + 16);
	if (total < INV_CACHE_HDRLEN + DIR_LEN + SUM_LEN ||
	    total > SIZE_MAX) {
		errbuf_set(err, errlen, "bad length %llu",
		    (unsigned long long)total);
		goto fail;
	}
	if (len < total) {
		errbuf_set(err, errlen, "truncated at byte %zu of %llu", len,
		    (unsigned long long)total);
		goto fail;
	}
	if (len > total) {
		errbuf_set(err, errlen, "%llu stray bytes after byte %llu",
		    (unsigned long long)(len - total),
		    (unsigned long long)total);
		goto fail;
	}
	end = (size_t)total - SUM_LEN;
	if (get64(buf + end) != inv_cache_checksum(buf, end)) {
		errbuf_set(err, errlen, "checksum mismatch");
		goto fail;
	}

	/* Every cell takes at least 4 bytes: bounds the row counts. */
	pos = INV_CACHE_HDRLEN;
	need = 0;
	for (t = 0; t < INV_T_MAX; t++, pos += 8) {
		ncols[t] = get32(buf + pos);
		nrows[t] = get32(buf + pos + 4);
		if (ncols[t] != (uint32_t)inv_ncols[t]) {
			errbuf_set(err, errlen, "column count %u for %s, "
			    "expected %d", ncols[t], inv_table_names[t],
			    inv_ncols[t]);
			goto fail;
		}
		need += (uint64_t)nrows[t] * ncols[t] * 4;
		if (nrows[t] > INV_ROWS_MAX ||
		    need > end - INV_CACHE_HDRLEN - DIR_LEN) {
			errbuf_set(err, errlen, "too many rows in %s: %u",
			    inv_table_names[t], nrows[t]);
			goto fail;
		}
	}
	if ((rows = inv_rows_new(get64(buf + 24))) == NULL)
		goto nomem;
	for (t = 0; t < INV_T_MAX; t++) {
		if (inv_rows_reserve(rows, t, nrows[t]) == -1)
			goto nomem;
		for (r = 0; r < nrows[t]; r++) {
			for (c = 0; c < inv_ncols[t]; c++) {
				if (end - pos < 4) {
					errbuf_set(err, errlen, "truncated at "
					    "byte %zu of %zu", pos, end);
					goto fail;
				}
				cl = get32(buf + pos);
				pos += 4;
				if (cl == INV_CACHE_NULL) {
					cells[c] = NULL;
					lens[c] = 0;
					continue;
				}
				if (cl > end - pos) {
					errbuf_set(err, errlen, "cell of %u "
					    "bytes at byte %zu overruns the "
					    "end", cl, pos - 4);
					goto fail;
				}
				cells[c] = (const char *)buf + pos;
				lens[c] = cl;
				pos += cl;
			}
			if (inv_rows_add(rows, t, cells, lens) == -1)
				goto nomem;
		}
	}
	if (pos != end) {
		errbuf_set(err, errlen, "%zu stray bytes before the checksum",
		    end - pos);
		goto fail;
	}
	return rows;
nomem:
	errbuf_set(err, errlen, "out of memory");
fail:
	inv_rows_free(rows);
	return NULL;
}

int
inv_cache_write(const char *path, const struct inv_rows *rows, char *err,
    size_t errlen)
{
	uint8_t	*buf = NULL;
	size_t	 len;
	int	 rv, saved;

	if (inv_cache_encode(rows, &buf, &len) == -1) {
		errbuf_set(err, errlen, "%s: encode: %s", path,
		    strerror(errno));
		return -1;
	}
	/* Exactly 0600 whatever the umask: it may hold template variables. */
	rv = atomicfile_write(path, buf, len, 0600, err, errlen);
	saved = errno;
	free(buf);
	errno = saved;
	return rv;
}

struct inv_rows *
inv_cache_read(const char *path, char *err, size_t errlen)
{
	struct inv_rows	*rows = NULL;
	char		 why[256];
	uint8_t		*buf;
	size_t		 len;

	/*
	 * Not blocking on a FIFO put here (bootd would hang before it binds),
	 * and no symlink as the file: bootd writes this file itself.
	 */
	if ((buf = (uint8_t *)safeopen_read(path, INV_CACHE_FILE_MAX, 0, &len,
	    NULL, why, sizeof(why))) == NULL) {
		errbuf_set(err, errlen, "%s: %s", path, why);
		return NULL;	/* errno from safeopen_read() */
	}
	if ((rows = inv_cache_decode(buf, len, why, sizeof(why))) == NULL)
		errbuf_set(err, errlen, "%s: %s", path, why);
	free(buf);
	if (rows == NULL)
		errno = EINVAL;
	return rows;
}
