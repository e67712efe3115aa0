/* SPDX-License-Identifier: ISC */
/*
 * tftp_path: turns a requested file name into an open regular file under
 * the TFTP root, never outside it. tftp_path_normalise() is pure string
 * work; tftp_path_open() touches the filesystem through openat2(2) and
 * fstat(2) only. No logging, no globals.
 */
#ifndef BOOTD_TFTP_PATH_H
#define BOOTD_TFTP_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "tftp/tftp_proto.h"

#define TFTP_PATH_MAX	255	/* bytes of a name, without the NUL */

/* Why a name was refused; each has one TFTP error code and text. */
enum tftp_path_res {
	TFTP_PATH_OK = 0,
	TFTP_PATH_ENOENT = -1,		/* no such file */
	TFTP_PATH_EOUTSIDE = -2,	/* outside tftp root */
	TFTP_PATH_ENOTREG = -3,		/* not a regular file */
	TFTP_PATH_EPERM = -4,		/* permission denied */
	TFTP_PATH_ESYMLINK = -5,	/* symlink refused (loop, fallback) */
	TFTP_PATH_EINVAL = -6,		/* name not normalised */
	TFTP_PATH_EIO = -7,		/* anything else: errno says more */
	TFTP_PATH_ENFILE = -8,		/* out of descriptors */
	TFTP_PATH_RES_MIN = -9
};

/*
 * Normalises a requested name (pure): '\' counts as '/' (some Windows and
 * PXE clients send it), leading slashes go (GRUB asks for "/grub/x",
 * pxelinux for "pxelinux.cfg/x": both mean a file under the root), empty
 * and "." components go, and any ".." component refuses the name: it is
 * never resolved, so "a/../b" is refused too. Also refused: control
 * bytes, names longer than TFTP_PATH_MAX, names that come out empty.
 * Writes the result, NUL-terminated, to out (outlen bytes). Returns 0, or
 * TFTP_PATH_EINVAL with *why set (answered with TFTP_EACCESS).
 */
int	 tftp_path_normalise(const char *name, char *out, size_t outlen,
	    const char **why);

/*
 * Opens normalised name (the output of tftp_path_normalise(), checked
 * again) read-only under the directory rootfd, never leaving it:
 * openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so relative
 * symlinks that stay under the root work and any that leave it (absolute
 * ones included) are refused. The name is first resolved with O_PATH and
 * must be a regular file: devices, FIFOs, sockets and directories are
 * refused without ever being opened (opening a device can act on it; a
 * FIFO could block). Then it is opened O_RDONLY | O_NONBLOCK | O_CLOEXEC |
 * O_NOCTTY and must still be the same file. Like classic tftpd, a file
 * must be world-readable. On kernels without openat2 (ENOSYS) it falls
 * back to tftp_path_open_walk(). Returns 0 with *fd (the caller closes it)
 * and *size, or a negative enum tftp_path_res with *why set, *fd -1 and
 * errno from the failing call where there was one. Borrows rootfd.
 */
int	 tftp_path_open(int rootfd, const char *name, int *fd,
	    uint64_t *size, const char **why);

/*
 * The fallback of tftp_path_open(), public so tests run it on any kernel:
 * walks the components with O_NOFOLLOW and refuses every symlink.
 * Same contract otherwise.
 */
int	 tftp_path_open_walk(int rootfd, const char *name, int *fd,
	    uint64_t *size, const char **why);

/* The TFTP error code to answer res with (TFTP_EUNDEF when out of range). */
enum tftp_err tftp_path_tftp_err(int res);

/*
 * The HTTP status /files/ answers res with (404, 403, 400, 500; 500 when
 * out of range).
 */
int	tftp_path_http_code(int res);

/* The reason text of res. */
const char *tftp_path_str(int res);

#endif
