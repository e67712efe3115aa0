/* SPDX-License-Identifier: ISC */
/*
 * web_assets: the files of daemon/web/ (the status page's HTML, CSS and
 * JS), compiled into the binary by daemon/CMakeLists.txt
 * (cmake/embed_files.cmake). statuspage.c picks each one's Content-Type
 * by its extension and its strong ETag from the hash of its bytes.
 * Read-only data: nothing here changes after the build.
 */
#ifndef BOOTD_WEB_ASSETS_H
#define BOOTD_WEB_ASSETS_H

#include <stddef.h>

#include "bootd/embed.h"

/* The table, web_assets_n rows, sorted by name (web_builtin.c). */
extern const struct embedded	web_assets[];
extern const size_t		web_assets_n;

#endif
