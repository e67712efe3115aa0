/* SPDX-License-Identifier: ISC */
/*
 * strbuf: the one growable string buffer. Appends bytes or printf output
 * up to a bound, keeps the text NUL-terminated, and hands the result over.
 * Errors stick (the first one wins), so a writer appends without checking
 * and looks once at the end. Pure: no I/O, no logging, no globals.
 * Not strbuf_append/strbuf_release: libconfig exports those two names, and
 * a definition here would replace its own.
 */
#ifndef BOOTD_STRBUF_H
#define BOOTD_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#define STRBUF_NOMAX	((size_t)-1 / 2)	/* no bound but memory */

enum strbuf_err {
	STRBUF_OK,
	STRBUF_TOOBIG,		/* an append would pass max: not made */
	STRBUF_NOMEM
};

/*
 * buf[0..len) is the text, NUL-terminated when buf != NULL (buf stays NULL
 * until the first byte). Callers may read buf and len, may shorten the
 * text (len decreased, buf[len] = '\0'), and may set err to pass on a
 * failure of their own (a nested buffer's); everything else goes through
 * the functions below.
 */
struct strbuf {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 max;	/* bytes the text may hold, NUL aside */
	enum strbuf_err	 err;
};

/* An empty buffer holding at most max bytes (STRBUF_NOMAX: no bound). */
void	strbuf_init(struct strbuf *sb, size_t max);

/*
 * Makes room for n more bytes (and the NUL) without appending, so that a
 * writer of known size allocates once. Returns 0, or -1 with sb->err set
 * (STRBUF_TOOBIG past max, STRBUF_NOMEM); after an error, always -1.
 */
int	strbuf_reserve(struct strbuf *sb, size_t n);

/* Appends n bytes of p (may hold NULs). Returns 0, or -1 as above. */
int	strbuf_add(struct strbuf *sb, const void *p, size_t n);

/* Appends the string s. Returns 0, or -1 as above. */
int	strbuf_puts(struct strbuf *sb, const char *s);

/* Appends printf output; all of it or nothing. Returns 0, or -1. */
int	strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/*
 * Room to write up to n bytes in place (e.g. an escaping function's
 * output): returns where they go, or NULL with sb->err set. Commit what
 * was written with strbuf_commit(sb, used), used <= n.
 */
char	*strbuf_room(struct strbuf *sb, size_t n);
void	 strbuf_commit(struct strbuf *sb, size_t used);

/*
 * Hands the text over: a malloc'd NUL-terminated string ("" when nothing
 * was appended) that the caller frees, its length in *len when len !=
 * NULL. Returns NULL when an error stuck (or on ENOMEM for ""); either
 * way sb is left empty, as after strbuf_init() with the same max.
 */
char	*strbuf_take(struct strbuf *sb, size_t *len);

/* Releases the text; sb is left empty. Accepts an initialised sb only. */
void	 strbuf_free(struct strbuf *sb);

#endif
