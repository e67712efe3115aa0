/* SPDX-License-Identifier: ISC */
/*
 * tmpl: a small, safe, logic-less, mustache-like template language:
 * {{var}}, sections {{#name}}...{{/name}} (over a list, or once when a value
 * is truthy), inverted sections {{^name}}...{{/name}}, comments {{! ...}}.
 * Pure: no I/O, no logging. Output is bounded; errors carry line numbers.
 */
#ifndef BOOTD_TMPL_H
#define BOOTD_TMPL_H

#include <stddef.h>

#define TMPL_SRC_MAX	(1024 * 1024)	/* largest template source */
#define TMPL_DEPTH_MAX	16		/* section nesting */
#define TMPL_NAME_MAX	64		/* variable / section name */
/*
 * Instructions one render may execute: bounds the work of sections nested
 * over big lists, which need not produce output (16 nested sections over
 * a list of 3 items make 3^16 passes).
 */
#define TMPL_STEPS_MAX	(16 * 1024 * 1024)

/*
 * msg is the text alone, without template name or line: callers print
 * "path:line: msg" themselves.
 */
struct tmpl_error {
	int	line;		/* 1-based; 0 when no line applies */
	char	msg[192];
};

struct tmpl_list;

/*
 * One variable: a string (str != NULL) or a list (list != NULL; list wins
 * if both are set). With neither, the variable exists but has no value: it
 * is false for sections, and {{name}} on it is an error. A name is matched
 * whole, "a.b" being one name, not a path.
 */
struct tmpl_var {
	const char		*name;
	const char		*str;
	const struct tmpl_list	*list;
};

/* A set of variables; lookups search the innermost scope first. */
struct tmpl_scope {
	const struct tmpl_var	*vars;
	size_t			 nvars;
};

struct tmpl_list {
	const struct tmpl_scope	*items;
	size_t			 nitems;
};

struct tmpl;

/*
 * Compiles src (len bytes) named name (used in messages only). Returns a new
 * template (release with tmpl_free()) or NULL with err filled: unterminated
 * tag, empty or invalid name, unbalanced or mismatched section, nesting
 * too deep, source too large, NUL byte.
 */
struct tmpl *tmpl_compile(const char *src, size_t len, const char *name,
	    struct tmpl_error *err);

/* Accepts NULL. */
void	tmpl_free(struct tmpl *t);

/*
 * Renders t against root into a new NUL-terminated buffer (*out, free()
 * it; *outlen its length). At most maxlen bytes of output. Returns 0, or -1
 * with err filled and *out NULL: a {{var}} with no such variable, a {{var}}
 * naming a list, output over maxlen, ENOMEM. Sections and inverted sections
 * over absent names are not errors: they test presence.
 * A string is false when it is "", "0", or "false" or "no" in any case; a
 * list when it is empty. Borrows t and root for the call only; t may be
 * rendered by many threads at once.
 */
int	tmpl_render(const struct tmpl *t, const struct tmpl_scope *root,
	    size_t maxlen, char **out, size_t *outlen, struct tmpl_error *err);

#endif
