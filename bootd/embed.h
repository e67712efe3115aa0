/* SPDX-License-Identifier: ISC */
/*
 * embed: files compiled into the binary at build time by
 * cmake/embed_files.cmake (the built-in templates, the status page), so
 * bootd serves them with nothing on disk. Read-only data.
 */
#ifndef BOOTD_EMBED_H
#define BOOTD_EMBED_H

#include <stddef.h>

struct embedded {
	const char	*name;	/* the file's name, no directory */
	const char	*data;	/* len bytes, and a NUL after them */
	size_t		 len;
	const char	*sha;	/* first 16 hex digits of its SHA-256 */
};

/* The row of t (n rows) named name (namelen bytes), or NULL. */
const struct embedded *embedded_find(const struct embedded *t, size_t n,
	    const char *name, size_t namelen);

#endif
