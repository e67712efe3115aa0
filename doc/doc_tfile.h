/* SPDX-License-Identifier: ISC */
/*
 * doc_tfile: the I/O side of the document service's templates. One
 * template file is read from paths.templates, else taken from the
 * built-ins (templates/ compiled into the binary, a file of the same name
 * winning); a set of them (doc_tset) is what `bootd render`, `bootd
 * check` and the HTTP server render from, kept fresh by doc_tset_sync().
 * Reads bounded local files; never logs (the owner's hook does); no
 * event loop, no libevent.
 */
#ifndef BOOTD_DOC_TFILE_H
#define BOOTD_DOC_TFILE_H

#include <stddef.h>

#include "bootd/embed.h"
#include "db/inventory.h"
#include "doc/doc.h"

/*
 * The templates shipped in templates/, compiled into the binary at
 * configure time (doc/CMakeLists.txt, cmake/embed_files.cmake).
 */
extern const struct embedded doc_builtins[];
extern const size_t doc_builtins_n;

/* Non-zero when name may name a template: relative, no "..", bounded. */
int	doc_tname_ok(const char *name);

/*
 * Loads template name under dir into f (cleared first). Reads one regular
 * file of at most TMPL_SRC_MAX bytes through safeopen_read() (no symlink
 * as the last component; a FIFO or device is an error, never a wait);
 * only when nothing is there, the built-in of that name. Returns 0 when
 * f->t is set, else -1 with f->err ("PATH: not a regular file (fifo)",
 * "PATH:LINE: text").
 */
int	doc_tfile_load(struct doc_tfile *f, const char *dir, const char *name);

/* Non-zero when dir/f->name is no longer what f was loaded from. */
int	doc_tfile_changed(const struct doc_tfile *f, const char *dir);

/* Frees f->t and clears f. Accepts a zeroed f. */
void	doc_tfile_clear(struct doc_tfile *f);

/*
 * Called by a set after each (re)load of f (reload: a file changed), so
 * the owner can count and log it; borrowed for the call.
 */
typedef void	doc_tset_hook(void *arg, const struct doc_tfile *f,
		    int reload);

struct doc_tset;

/*
 * A set of at most cap templates read from one directory. hook (may be
 * NULL) hears of every load. Returns NULL on ENOMEM. Release with
 * doc_tset_free().
 */
struct doc_tset *doc_tset_new(size_t cap, doc_tset_hook *hook, void *arg);

/* Accepts NULL. */
void	doc_tset_free(struct doc_tset *s);

/*
 * Brings s up to date with dir and snap (may be NULL): a different dir
 * empties it; templates whose file changed (device, inode, size, mtime,
 * ctime), appeared or went away are reloaded; the built-in names and, once
 * per snapshot generation, every profile's kickstart are loaded when not
 * yet there. At most cap lstat(2) calls plus the reads of what changed.
 */
void	doc_tset_sync(struct doc_tset *s, const char *dir,
	    const struct inv_snapshot *snap);

/*
 * Template name from s, loaded now when s lacks it (a bounded read of one
 * file). When s is full it is loaded into tmp for this one use (the caller
 * clears tmp; tmp->ver is 0). Borrowed until the next call on s.
 */
const struct doc_tfile *doc_tset_get(struct doc_tset *s, const char *name,
	    struct doc_tfile *tmp);

/*
 * A set holding every template snap's documents can use (the built-in
 * names and each profile's kickstart), read from dir now: what the HTTP
 * server's set holds once synced. For one-shot commands (`bootd render`,
 * `bootd check`). Returns NULL on ENOMEM; doc_tset_free() it.
 */
struct doc_tset *doc_tset_load(const char *dir,
	    const struct inv_snapshot *snap);

/* The templates of s, for doc_render(); valid until the next call on s. */
struct doc_templates doc_tset_view(const struct doc_tset *s);

/* The directory s reads from ("" before the first sync). */
const char *doc_tset_dir(const struct doc_tset *s);

#endif
