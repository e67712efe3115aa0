/* SPDX-License-Identifier: ISC */
/*
 * tftp_file: the files transfers read. A real file under the TFTP root is
 * opened once and shared, refcounted, by every transfer of it while it is
 * unchanged; a virtual file (a rendered menu) belongs to one transfer.
 * Reads check that a real file is still the one that was opened. Private
 * to tftp/: no logging (results are returned), no event loop.
 */
#ifndef BOOTD_TFTP_FILE_H
#define BOOTD_TFTP_FILE_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tftp_file {
	LIST_ENTRY(tftp_file)	 entry;
	int			 refcnt;
	int			 fd;		/* -1 for virtual */
	char			*data;		/* virtual content */
	/*
	 * A real file mapped whole (PROT_READ, shared), or NULL (empty, or
	 * mmap refused: read it). Only the kernel may read it, as the
	 * iovecs of a send: a file truncated under the mapping makes a
	 * user-space read raise SIGBUS, where the kernel's copy fails with
	 * EFAULT. Reads in user space go through tftp_file_read().
	 */
	const uint8_t		*map;
	uint64_t		 size;
	dev_t			 dev;
	ino_t			 ino;
	struct timespec		 mtime;
	int			 shared;	/* in a struct tftp_files */
};

/* The open real files, for sharing. The server owns one. */
LIST_HEAD(tftp_files, tftp_file);

/* What tftp_file_read() returns besides a length. */
#define TFTP_RD_EIO		(-1)	/* the read failed */
#define TFTP_RD_CHANGED		(-2)	/* not the file that was opened */

/*
 * Opens normalised name under rootfd (tftp_path_open(); borrowed), or
 * shares the open copy in files of the same file (device, inode, size,
 * mtime) and takes a reference to it. Returns a reference (release with
 * tftp_file_unref()) or NULL with *res (enum tftp_path_res) and *why
 * (static) set and errno from the failing call (TFTP_PATH_ENFILE: out of
 * descriptors).
 */
struct tftp_file *tftp_file_open(struct tftp_files *files, int rootfd,
	    const char *name, int *res, const char **why);

/*
 * A virtual file of len bytes; takes ownership of data (malloc'd), also
 * on failure. Returns the only reference, or NULL when out of memory.
 */
struct tftp_file *tftp_file_virtual(char *data, size_t len);

/* Drops a reference; the last one closes and frees. Accepts NULL. */
void	tftp_file_unref(struct tftp_file *f);

/*
 * Whether a real file still has the size and mtime it had when opened
 * (a virtual one always has). Truncated, grown or rewritten in place, it
 * would reach the client as a mix of two files; a replacement renamed
 * into place is not a change (the open descriptor reads the old one).
 */
int	tftp_file_unchanged(const struct tftp_file *f);

/*
 * Where a send may take block data from: the n bytes at off of f's
 * mapping (see map), or NULL when f has none or off..off+n is past its
 * size. Does not check the file: callers call tftp_file_unchanged() often
 * enough (once per TFTP_RA_BYTES of a transfer, and before its last block).
 */
const uint8_t *tftp_file_span(const struct tftp_file *f, uint64_t off,
	    size_t n);

/*
 * Reads up to n bytes at off into dst. A real file must give exactly
 * what its size at open says is there and still be unchanged (one fstat
 * per call: callers read chunks of 32 KiB or whole blocks). Returns the
 * bytes read (0 at or past the end), TFTP_RD_CHANGED or TFTP_RD_EIO.
 */
ssize_t	tftp_file_read(const struct tftp_file *f, uint64_t off, uint8_t *dst,
	    size_t n);

#endif
