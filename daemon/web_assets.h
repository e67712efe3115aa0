/* SPDX-License-Identifier: ISC */
/*
 * web_assets: the files of daemon/web/ (the status page's HTML, CSS and
 * JS), compiled into the binary by daemon/CMakeLists.txt, which also
 * picks each one's Content-Type and strong ETag (a hash of its bytes).
 * Read-only data: nothing here changes after the build.
 */
#ifndef BOOTD_WEB_ASSETS_H
#define BOOTD_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char	*name;	/* file name under daemon/web/, e.g. app.js */
	const char	*ctype;	/* Content-Type */
	const char	*etag;	/* "\"<16 hex digits of its SHA-256>\"" */
	const char	*body;	/* len bytes, and a NUL after them */
	size_t		 len;
};

/* The table, web_nassets rows, sorted by name (web_builtin.c). */
extern const struct web_asset	web_assets[];
extern const size_t		web_nassets;

#endif
