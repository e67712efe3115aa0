/* SPDX-License-Identifier: ISC */
/*
 * dhcpgen_write: puts a rendered DHCP map on disk (compare, temp file,
 * fsync, rename, fsync the directory: only when the content changed) and,
 * while bootd serves, runs dhcpgen.reload_command after each rewrite. The
 * event loop only renders; writing and reloading happen in child processes
 * (bootd/child.h).
 */
#ifndef BOOTD_DHCPGEN_WRITE_H
#define BOOTD_DHCPGEN_WRITE_H

#include <stddef.h>

#include "bootd/bootd.h"

#define DHCPGEN_JOB_TIMEOUT	60	/* seconds for a write or a restore */
#define DHCPGEN_RELOAD_TIMEOUT	60	/* seconds for reload_command */

enum dhcpgen_put {
	DHCPGEN_PUT_FAILED = -1,
	DHCPGEN_PUT_SAME = 0,		/* path held buf already: untouched */
	DHCPGEN_PUT_WRITTEN = 1
};

/*
 * Makes the file at path hold exactly buf (len bytes). When it does, it
 * is not touched (its mtime stays). Otherwise bootd/atomicfile.h's
 * atomicfile_put(): writes tmp (any old tmp is removed first; created 0644
 * whatever the umask), fsyncs it, renames it over path and fsyncs the
 * directory. With prev != NULL the old path is
 * first hard-linked as prev (a name in the same directory), for
 * dhcpgen_file_restore(). Until the rename path is untouched; a failure
 * before it removes tmp.
 *
 * Async-signal-safe (it runs in a forked child of the threaded daemon):
 * system calls only, no allocation. Returns an enum dhcpgen_put; on
 * DHCPGEN_PUT_FAILED *step names what failed ("create", "write",
 * "rename", ...) and errno says why.
 */
int	dhcpgen_file_put(const char *path, const char *tmp, const char *prev,
	    const char *buf, size_t len, const char **step);

/*
 * Puts prev back as path (rename, fsync of the directory). Returns 1, 0
 * when there is no prev, or -1 with *step and errno. Async-signal-safe.
 */
int	dhcpgen_file_restore(const char *path, const char *prev,
	    const char **step);

/*
 * Serve mode; call after every snapshot swap (bd->snap set). When
 * dhcpgen.format is set: renders bd->snap on the loop (pure CPU, about a
 * millisecond per thousand hosts) and hands the result to a child that
 * writes dhcpgen.output when the content differs; after a rewrite a second
 * child runs dhcpgen.reload_command through /bin/sh. One job runs at a
 * time: snapshots that arrive meanwhile are coalesced into one more run,
 * with the newest content, after it. A render, write or reload failure is
 * logged and the previous file kept: after a failed reload the file is put
 * back as it was, and the same content is not tried again until the
 * inventory renders differently.
 */
void	dhcpgen_on_snapshot(struct bootd *bd);

/*
 * Frees dhcpgen's state at shutdown: a child still writing or reloading
 * gets SIGTERM. Call before event_base_free(); safe when dhcpgen never ran.
 */
void	dhcpgen_stop(struct bootd *bd);

#endif
