/* SPDX-License-Identifier: ISC */
/*
 * tftp_file: open files shared by the transfers that read them, and the
 * checked reads. Touches the filesystem (open, fstat, pread) only; it
 * neither logs nor knows the event loop.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tftp/tftp_file.h"
#include "tftp/tftp_path.h"

/*
 * The whole of a real file, mapped for sends to read from (see map in
 * tftp_file.h), or NULL: a file's transfers then read it in chunks. An
 * empty file has nothing to map; a mapping refused (address space, a file
 * system without mmap) costs only speed.
 */
static const uint8_t *
tftp_file_mapping(int fd, uint64_t size)
{
	void *p;

	if (size == 0 || size > SIZE_MAX)
		return NULL;
	p = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

void
tftp_file_unref(struct tftp_file *f)
{
	if (f == NULL || --f->refcnt > 0)
		return;
	if (f->shared)
		LIST_REMOVE(f, entry);
	if (f->map != NULL)
		(void)munmap((void *)(uintptr_t)f->map, (size_t)f->size);
	if (f->fd != -1)
		close(f->fd);
	free(f->data);
	free(f);
}

struct tftp_file *
tftp_file_open(struct tftp_files *files, int rootfd, const char *name,
    int *res, const char **why)
{
	struct tftp_file	*f;
	struct stat		 st;
	uint64_t		 size;
	int			 fd;

	if ((*res = tftp_path_open(rootfd, name, &fd, &size, why)) !=
	    TFTP_PATH_OK)
		return NULL;
	if (fstat(fd, &st) == -1) {
		close(fd);
		*res = TFTP_PATH_EIO;
		*why = "fstat failed";
		return NULL;
	}
	LIST_FOREACH(f, files, entry)
		if (f->dev == st.st_dev && f->ino == st.st_ino &&
		    f->size == size && f->mtime.tv_sec == st.st_mtim.tv_sec &&
		    f->mtime.tv_nsec == st.st_mtim.tv_nsec) {
			close(fd);
			f->refcnt++;
			return f;
		}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		close(fd);
		*res = TFTP_PATH_EIO;
		*why = "out of memory";
		return NULL;
	}
	f->refcnt = 1;
	f->fd = fd;
	f->size = size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mtime = st.st_mtim;
	f->shared = 1;
	f->map = tftp_file_mapping(fd, size);
	LIST_INSERT_HEAD(files, f, entry);
	return f;
}

struct tftp_file *
tftp_file_virtual(char *data, size_t len)
{
	struct tftp_file *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		free(data);
		return NULL;
	}
	f->refcnt = 1;
	f->fd = -1;
	f->data = data;
	f->size = len;
	return f;
}

int
tftp_file_unchanged(const struct tftp_file *f)
{
	struct stat st;

	if (f->fd == -1)
		return 1;
	return fstat(f->fd, &st) == 0 && (uint64_t)st.st_size == f->size &&
	    st.st_mtim.tv_sec == f->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == f->mtime.tv_nsec;
}

const uint8_t *
tftp_file_span(const struct tftp_file *f, uint64_t off, size_t n)
{
	if (f->map == NULL || off > f->size || n > f->size - off)
		return NULL;
	return f->map + off;
}

ssize_t
tftp_file_read(const struct tftp_file *f, uint64_t off, uint8_t *dst,
    size_t n)
{
	size_t	want;
	ssize_t	r;

	want = off >= f->size ? 0 : n < f->size - off ? n :
	    (size_t)(f->size - off);
	if (f->fd == -1) {
		if (want > 0)
			memcpy(dst, f->data + off, want);
		return (ssize_t)want;
	}
	do
		r = pread(f->fd, dst, n, (off_t)off);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return TFTP_RD_EIO;
	if ((size_t)r != want || !tftp_file_unchanged(f))
		return TFTP_RD_CHANGED;
	return r;
}
