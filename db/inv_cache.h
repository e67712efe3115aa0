/* SPDX-License-Identifier: ISC */
/*
 * inv_cache: the last-good-inventory file. The DB thread saves the raw rows
 * of each successful load; a bootd started while the DB is down reads them
 * back and runs inv_build() on them. The codec is pure; only
 * inv_cache_write() and inv_cache_read() touch the file system.
 *
 * Format (integers little-endian):
 *	0	8	magic "BOOTDINV"
 *	8	4	format version (INV_CACHE_VERSION)
 *	12	4	number of tables (INV_T_MAX)
 *	16	8	total length of the file, checksum included
 *	24	8	generation
 *	32	8 * ntables	per table: u32 column count, u32 row count
 *	...		cells, row by row, table by table: u32 length, then
 *			that many bytes; length INV_CACHE_NULL is SQL NULL
 *	len - 8	8	FNV-1a 64 of every byte before it
 */
#ifndef BOOTD_INV_CACHE_H
#define BOOTD_INV_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "db/inventory.h"

#define INV_CACHE_MAGIC		"BOOTDINV"
#define INV_CACHE_VERSION	3	/* 2: profiles gained bootfile_*,
					   3: stall_timeout */
#define INV_CACHE_HDRLEN	32		/* before the table directory */
#define INV_CACHE_NULL		UINT32_MAX	/* cell length of SQL NULL */
#define INV_CACHE_FILE_MAX	(1024UL * 1024 * 1024)	/* read limit */

/*
 * Encodes rows into a new buffer (*buf, *len; free() it). Pure. Returns 0,
 * or -1 with errno ENOMEM, or EFBIG when the rows cannot be encoded.
 */
int	 inv_cache_encode(const struct inv_rows *rows, uint8_t **buf,
	    size_t *len);

/*
 * Decodes buf (borrowed) into new rows (release with inv_rows_free()).
 * Pure; safe on hostile input: allocations are bounded by len. Returns
 * NULL with a reason in err ("bad magic", "unsupported version 9",
 * "truncated at byte 17 of 40", "checksum mismatch", "column count 5 for
 * hosts, expected 11", "too many rows in hosts: 4000000000", ...).
 * err may be NULL when errlen is 0.
 */
struct inv_rows *inv_cache_decode(const uint8_t *buf, size_t len, char *err,
	    size_t errlen);

/* FNV-1a 64 of buf, as stored in the trailer. */
uint64_t inv_cache_checksum(const uint8_t *buf, size_t len);

/*
 * Rewrites the length and checksum fields of an encoding of len bytes in
 * place, so that a deliberately altered encoding (tests, fuzzing) reaches
 * the structural checks. Returns 0, or -1 when len is too short.
 */
int	 inv_cache_seal(uint8_t *buf, size_t len);

/*
 * Writes rows to path atomically: path.tmp.<pid> (mode 0600, since it may
 * hold template variables), fsync, rename over path, fsync the directory.
 * The temporary file is removed on failure. Returns 0, or -1 with a reason
 * naming the file in err.
 */
int	 inv_cache_write(const char *path, const struct inv_rows *rows,
	    char *err, size_t errlen);

/*
 * Reads and decodes path (at most INV_CACHE_FILE_MAX bytes) through
 * safeopen_read(): never blocks on a FIFO, refuses a symlink as the file.
 * Returns new rows, or NULL with a reason naming path in err ("PATH: not
 * a regular file (fifo)", "PATH: is a symbolic link", "PATH: bad magic");
 * errno is then ENOENT when the file does not exist (a first start),
 * EINVAL when it is not a regular file or its contents are bad, ELOOP for
 * a symlink, EFBIG when too large.
 */
struct inv_rows *inv_cache_read(const char *path, char *err, size_t errlen);

#endif
