/* SPDX-License-Identifier: ISC */
/*
 * tmpl: compiles a mustache-like template once into a flat instruction
 * array, then renders it against nested variable scopes into a bounded
 * buffer. Pure: no I/O, no logging, no globals; rendering is re-entrant.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootd/escape.h"
#include "bootd/strbuf.h"
#include "kickstart/tmpl.h"

#define TMPL_QUOTE_MAX	40	/* bytes of source quoted in a message */

enum tmpl_op {
	TMPL_OP_TEXT,		/* copy s[0..len) */
	TMPL_OP_VAR,		/* {{s}} */
	TMPL_OP_SECTION,	/* {{#s}}; jump: index of its END */
	TMPL_OP_INVERTED,	/* {{^s}}; jump: index of its END */
	TMPL_OP_END,		/* {{/s}}; jump: index of its opener */
};

struct tmpl_ins {
	const char	*s;	/* into tmpl.pool; names are NUL-terminated */
	uint32_t	 len;	/* of the text or name */
	uint32_t	 jump;
	int		 line;	/* of the tag or text start, for errors */
	enum tmpl_op	 op;
};

struct tmpl {
	struct tmpl_ins	*ins;
	size_t		 nins;
	size_t		 inscap;
	/*
	 * Literal text and NUL-terminated names, allocated once at the source
	 * length (see tmpl_pool_add()), so tmpl_ins.s never moves.
	 */
	char		*pool;
	size_t		 poollen;
	size_t		 poolcap;
	size_t		 textlen;	/* literal bytes: a first output size */
};

/* Compiler state: one pass over the source, a stack of open sections. */
struct tmpl_parse {
	struct tmpl		*t;
	const char		*src;
	size_t			 len;
	size_t			 pos;		/* next byte to consume */
	size_t			 linestart;	/* offset of line's 1st byte */
	int			 line;		/* 1-based line of linestart */
	int			 textline;	/* line after last text */
	size_t			 open[TMPL_DEPTH_MAX];	/* opener indices */
	int			 depth;
	struct tmpl_error	*err;
};

/* One entered section while rendering. */
struct tmpl_frame {
	const struct tmpl_list	*list;	/* NULL: the body runs once */
	const struct tmpl_scope	*scope;	/* current item, or NULL */
	size_t			 i;	/* index of the current item */
};

static void	tmpl_seterr(struct tmpl_error *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Fills err, which may be NULL. The caller adds the file name and line
 * when it logs (bootd check prints "path:line: msg").
 */
static void
tmpl_seterr(struct tmpl_error *err, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/*
 * Writes up to TMPL_QUOTE_MAX bytes of s[0..n) into dst (dstsz bytes) so
 * that it can sit between double quotes in a message: printable ASCII as
 * is, '"' and '\' escaped, anything else as \n, \r, \t or \xHH; "..." marks
 * a cut. Template sources are admin-written but may hold any byte.
 */
static void
tmpl_quote(char *dst, size_t dstsz, const char *s, size_t n)
{
	escape_bytes(dst, dstsz, s, n, TMPL_QUOTE_MAX, ESCAPE_QUOTES |
	    ESCAPE_C);
}

static int
tmpl_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
tmpl_is_name1(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
tmpl_is_name(char c)
{
	return tmpl_is_name1(c) || (c >= '0' && c <= '9') || c == '.' ||
	    c == '-';
}

/* Advances p->line and p->linestart over the newlines in src[from..to). */
static void
tmpl_count_lines(struct tmpl_parse *p, size_t from, size_t to)
{
	const char	*nl;

	while (from < to &&
	    (nl = memchr(p->src + from, '\n', to - from)) != NULL) {
		from = (size_t)(nl - p->src) + 1;
		p->line++;
		p->linestart = from;
	}
}

/* Returns a new, zeroed instruction slot or NULL on ENOMEM. */
static struct tmpl_ins *
tmpl_ins_add(struct tmpl *t)
{
	struct tmpl_ins	*n;
	size_t		 cap;

	if (t->nins == t->inscap) {
		cap = t->inscap ? t->inscap * 2 : 16;
		if ((n = reallocarray(t->ins, cap, sizeof(*n))) == NULL)
			return NULL;
		t->ins = n;
		t->inscap = cap;
	}
	n = &t->ins[t->nins++];
	memset(n, 0, sizeof(*n));
	return n;
}

/*
 * Copies n bytes into the pool. The pool is sized at the source length: a
 * text copies source bytes, and a name plus its NUL is shorter than the
 * "{{" and "}}" around it, so the total never exceeds the source. The
 * check keeps that argument honest.
 */
static char *
tmpl_pool_add(struct tmpl *t, const char *s, size_t n, int nul)
{
	char	*d;

	if (n + (nul ? 1 : 0) > t->poolcap - t->poollen)
		return NULL;
	d = t->pool + t->poollen;
	memcpy(d, s, n);
	t->poollen += n;
	if (nul)
		t->pool[t->poollen++] = '\0';
	return d;
}

/*
 * Appends the literal text src[from..to), which starts on line. It joins a
 * text instruction just before it (only a comment came between) when that
 * keeps the line numbers of its bytes right: a removed standalone comment
 * line would not.
 */
static int
tmpl_emit_text(struct tmpl_parse *p, size_t from, size_t to, int line)
{
	struct tmpl	*t = p->t;
	struct tmpl_ins	*in;
	const char	*s;
	size_t		 i, n = to - from;
	int		 join;

	if (n == 0)
		return 0;
	join = t->nins > 0 && t->ins[t->nins - 1].op == TMPL_OP_TEXT &&
	    p->textline == line;
	if ((s = tmpl_pool_add(t, p->src + from, n, 0)) == NULL)
		goto fail;
	t->textlen += n;
	p->textline = line;
	for (i = 0; i < n; i++)
		if (s[i] == '\n')
			p->textline++;
	/* Only tags add to the pool between two texts, and each adds an op. */
	if (join) {
		t->ins[t->nins - 1].len += (uint32_t)n;
		return 0;
	}
	if ((in = tmpl_ins_add(t)) == NULL)
		goto fail;
	in->op = TMPL_OP_TEXT;
	in->s = s;
	in->len = (uint32_t)n;
	in->line = line;
	return 0;
fail:
	tmpl_seterr(p->err, p->line, "out of memory");
	return -1;
}

static const char *
tmpl_sigil(enum tmpl_op op)
{
	switch (op) {
	case TMPL_OP_SECTION:
		return "#";
	case TMPL_OP_INVERTED:
		return "^";
	case TMPL_OP_END:
		return "/";
	default:
		return "";
	}
}

/*
 * Emits the instruction for a tag of kind op named src[name..name+nlen)
 * found on line, and keeps the stack of open sections.
 */
static int
tmpl_emit_tag(struct tmpl_parse *p, enum tmpl_op op, size_t name,
    size_t nlen, int line)
{
	struct tmpl	*t = p->t;
	struct tmpl_ins	*in, *o;
	const char	*s;
	size_t		 idx;

	if (op == TMPL_OP_END) {
		if (p->depth == 0) {
			tmpl_seterr(p->err, line,
			    "\"{{/%.*s}}\" closes no open section",
			    (int)nlen, p->src + name);
			return -1;
		}
		o = &t->ins[p->open[p->depth - 1]];
		if (o->len != nlen || memcmp(o->s, p->src + name, nlen) != 0) {
			tmpl_seterr(p->err, line,
			    "\"{{/%.*s}}\" does not match \"{{%s%s}}\" opened "
			    "on line %d", (int)nlen, p->src + name,
			    tmpl_sigil(o->op), o->s, o->line);
			return -1;
		}
	} else if (op != TMPL_OP_VAR && p->depth == TMPL_DEPTH_MAX) {
		tmpl_seterr(p->err, line,
		    "section \"%.*s\" nested deeper than %d",
		    (int)nlen, p->src + name, TMPL_DEPTH_MAX);
		return -1;
	}

	idx = t->nins;
	if ((in = tmpl_ins_add(t)) == NULL ||
	    (s = tmpl_pool_add(t, p->src + name, nlen, 1)) == NULL) {
		tmpl_seterr(p->err, line, "out of memory");
		return -1;
	}
	in->op = op;
	in->s = s;
	in->len = (uint32_t)nlen;
	in->line = line;
	if (op == TMPL_OP_SECTION || op == TMPL_OP_INVERTED)
		p->open[p->depth++] = idx;
	else if (op == TMPL_OP_END) {
		p->depth--;
		in->jump = (uint32_t)p->open[p->depth];
		t->ins[in->jump].jump = (uint32_t)idx;
	}
	return 0;
}

/*
 * Checks the name between a tag's sigil and its "}}": src[from..to),
 * whitespace allowed around it. On success sets *name and *nlen. The tag
 * starts at src[tag], for messages.
 */
static int
tmpl_parse_name(struct tmpl_parse *p, size_t tag, size_t from, size_t to,
    int line, size_t *name, size_t *nlen)
{
	char	 q[ESCAPE_BUFSZ(TMPL_QUOTE_MAX)];
	size_t	 i;

	while (from < to && tmpl_is_ws(p->src[from]))
		from++;
	while (to > from && tmpl_is_ws(p->src[to - 1]))
		to--;
	if (from == to) {
		tmpl_quote(q, sizeof(q), p->src + tag, to + 2 - tag);
		tmpl_seterr(p->err, line, "empty name in \"%s\"",
		    q);
		return -1;
	}
	for (i = from; i < to; i++)
		if (!(i == from ? tmpl_is_name1(p->src[i]) :
		    tmpl_is_name(p->src[i])))
			break;
	if (i < to) {
		tmpl_quote(q, sizeof(q), p->src + from, to - from);
		tmpl_seterr(p->err, line, "invalid name \"%s\": "
		    "use a letter or '_', then letters, digits, '_', '.', '-'",
		    q);
		return -1;
	}
	if (to - from > TMPL_NAME_MAX) {
		tmpl_quote(q, sizeof(q), p->src + from, to - from);
		tmpl_seterr(p->err, line,
		    "name \"%s\" longer than %d bytes", q, TMPL_NAME_MAX);
		return -1;
	}
	*name = from;
	*nlen = to - from;
	return 0;
}

/*
 * Whether a non-interpolation tag at src[tag..end) stands alone on its
 * line(s): only spaces or tabs before it since the line start, and only
 * spaces or tabs, then "\n", "\r\n" or the end of the source after it. On
 * yes, *after is where the next line starts.
 */
static int
tmpl_standalone(const struct tmpl_parse *p, size_t ls, size_t tag,
    size_t end, size_t *after)
{
	size_t	 i;

	for (i = ls; i < tag; i++)
		if (p->src[i] != ' ' && p->src[i] != '\t')
			return 0;
	for (i = end; i < p->len && (p->src[i] == ' ' || p->src[i] == '\t');
	    i++)
		;
	if (i == p->len)
		*after = i;
	else if (p->src[i] == '\n')
		*after = i + 1;
	else if (p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n')
		*after = i + 2;
	else
		return 0;
	return 1;
}

/* Returns the offset of the next "{{" at or after from, or len. */
static size_t
tmpl_find_open(const char *src, size_t len, size_t from)
{
	const char	*b;

	while (from + 1 < len &&
	    (b = memchr(src + from, '{', len - from - 1)) != NULL) {
		if (b[1] == '{')
			return (size_t)(b - src);
		from = (size_t)(b - src) + 1;
	}
	return len;
}

/*
 * Parses the tag at p->src[tag] ("{{"), emitting the text before it (less
 * the indentation of a standalone line) and its instruction.
 */
static int
tmpl_parse_tag(struct tmpl_parse *p, size_t tag)
{
	char		 q[ESCAPE_BUFSZ(TMPL_QUOTE_MAX)];
	const char	*src = p->src, *e;
	size_t		 len = p->len, k = tag + 2, i, end, next, ls, stop;
	size_t		 name = 0, nlen = 0, textend = tag;
	enum tmpl_op	 op = TMPL_OP_VAR;
	int		 line, textline = p->line, comment = 0;

	tmpl_count_lines(p, p->pos, tag);
	line = p->line;
	ls = p->linestart;

	if (k < len) {
		switch (src[k]) {
		case '!':
			comment = 1;
			k++;
			break;
		case '#':
			op = TMPL_OP_SECTION;
			k++;
			break;
		case '^':
			op = TMPL_OP_INVERTED;
			k++;
			break;
		case '/':
			op = TMPL_OP_END;
			k++;
			break;
		case '{':
		case '&':
			tmpl_seterr(p->err, line, "unsupported tag "
			    "\"{{%c\": output is never escaped, use {{name}}",
			    src[k]);
			return -1;
		case '>':
			tmpl_seterr(p->err, line, "unsupported tag "
			    "\"{{>\": there are no partials");
			return -1;
		case '=':
			tmpl_seterr(p->err, line, "unsupported tag "
			    "\"{{=\": delimiters cannot be changed");
			return -1;
		}
	}

	if (comment) {
		/* Anything but "}}" may appear in a comment, newlines too. */
		e = k < len ? memmem(src + k, len - k, "}}", 2) : NULL;
		if (e == NULL) {
			tmpl_quote(q, sizeof(q), src + tag, len - tag);
			tmpl_seterr(p->err, line,
			    "unterminated comment \"%s\"", q);
			return -1;
		}
		end = (size_t)(e - src) + 2;
	} else {
		/* A "{{" before "}}" means this tag was never closed. */
		for (i = k; i + 1 < len; i++) {
			if (src[i] == '}' && src[i + 1] == '}')
				break;
			if (src[i] == '{' && src[i + 1] == '{')
				break;
		}
		if (i + 1 >= len || src[i] == '{') {
			stop = i + 1 >= len ? len : i;
			e = memchr(src + tag, '\n', stop - tag);
			tmpl_quote(q, sizeof(q), src + tag,
			    e ? (size_t)(e - (src + tag)) : stop - tag);
			tmpl_seterr(p->err, line,
			    "unterminated tag \"%s\"", q);
			return -1;
		}
		end = i + 2;
		if (tmpl_parse_name(p, tag, k, i, line, &name, &nlen) == -1)
			return -1;
	}

	/* The tag itself may span lines; the standalone test uses ls. */
	tmpl_count_lines(p, tag, end);
	next = end;
	if ((op != TMPL_OP_VAR || comment) &&
	    tmpl_standalone(p, ls, tag, end, &next)) {
		if (next > end && src[next - 1] == '\n') {
			p->line++;
			p->linestart = next;
		}
		textend = ls > p->pos ? ls : p->pos;
	}
	if (tmpl_emit_text(p, p->pos, textend, textline) == -1)
		return -1;
	if (!comment && tmpl_emit_tag(p, op, name, nlen, line) == -1)
		return -1;
	p->pos = next;
	return 0;
}

struct tmpl *
tmpl_compile(const char *src, size_t len, const char *name,
    struct tmpl_error *err)
{
	struct tmpl_parse	 p;
	struct tmpl		*t = NULL;
	struct tmpl_ins		*o;
	const char		*z;
	size_t			 tag;

	/* name goes unused: callers put it before err->msg themselves. */
	if (err != NULL) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	if (len > TMPL_SRC_MAX) {
		tmpl_seterr(err, 0, "template is %zu bytes, over the "
		    "limit of %d", len, TMPL_SRC_MAX);
		goto fail;
	}
	if (len > 0 && (z = memchr(src, '\0', len)) != NULL) {
		memset(&p, 0, sizeof(p));
		p.src = src;
		p.line = 1;
		tmpl_count_lines(&p, 0, (size_t)(z - src));
		tmpl_seterr(err, p.line, "NUL byte in template");
		goto fail;
	}

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->pool = malloc(len + 1)) == NULL) {
		tmpl_seterr(err, 0, "out of memory");
		goto fail;
	}
	t->poolcap = len + 1;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.src = src;
	p.len = len;
	p.line = 1;
	p.err = err;
	while (p.pos < len) {
		if ((tag = tmpl_find_open(src, len, p.pos)) == len) {
			if (tmpl_emit_text(&p, p.pos, len, p.line) == -1)
				goto fail;
			break;
		}
		if (tmpl_parse_tag(&p, tag) == -1)
			goto fail;
	}
	if (p.depth > 0) {
		o = &t->ins[p.open[p.depth - 1]];
		tmpl_seterr(err, o->line,
		    "section \"{{%s%s}}\" opened on line %d is never closed",
		    tmpl_sigil(o->op), o->s, o->line);
		goto fail;
	}
	return t;
fail:
	tmpl_free(t);
	return NULL;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->ins);
	free(t->pool);
	free(t);
}

static const struct tmpl_var *
tmpl_scope_find(const struct tmpl_scope *sc, const char *name)
{
	const char	*n;
	size_t		 i;

	for (i = 0; i < sc->nvars; i++) {
		n = sc->vars[i].name;
		if (n != NULL && n[0] == name[0] && strcmp(n, name) == 0)
			return &sc->vars[i];
	}
	return NULL;
}

/* Searches the entered list items, innermost first, then root. */
static const struct tmpl_var *
tmpl_lookup(const struct tmpl_frame *f, int nf,
    const struct tmpl_scope *root, const char *name)
{
	const struct tmpl_var	*v;

	while (nf-- > 0)
		if (f[nf].scope != NULL &&
		    (v = tmpl_scope_find(f[nf].scope, name)) != NULL)
			return v;
	return root != NULL ? tmpl_scope_find(root, name) : NULL;
}

/*
 * A list is true when it has items; a string unless it is "", "0", or
 * (in any case) "false" or "no"; a variable with neither is false.
 */
static int
tmpl_var_true(const struct tmpl_var *v)
{
	const char	*s;

	if (v == NULL)
		return 0;
	if (v->list != NULL)
		return v->list->nitems > 0 && v->list->items != NULL;
	if ((s = v->str) == NULL)
		return 0;
	return s[0] != '\0' && strcmp(s, "0") != 0 &&
	    strcasecmp(s, "false") != 0 && strcasecmp(s, "no") != 0;
}

int
tmpl_render(const struct tmpl *t, const struct tmpl_scope *root,
    size_t maxlen, char **out, size_t *outlen, struct tmpl_error *err)
{
	struct tmpl_frame	 f[TMPL_DEPTH_MAX];
	struct strbuf		 o;
	const struct tmpl_ins	*in = NULL;
	const struct tmpl_var	*v;
	struct tmpl_frame	*top;
	size_t			 pc = 0, steps = 0, i, hint;
	int			 nf = 0, line;

	*out = NULL;
	*outlen = 0;
	if (err != NULL) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	strbuf_init(&o, maxlen);
	/* The text plus a quarter for the variables, within the bound. */
	hint = t->textlen + t->textlen / 4 + 64;
	if (strbuf_reserve(&o, hint < o.max ? hint : o.max) == -1) {
		tmpl_seterr(err, 0, "out of memory");
		goto fail;
	}

	while (pc < t->nins) {
		in = &t->ins[pc];
		if (++steps > TMPL_STEPS_MAX) {
			tmpl_seterr(err, in->line, "rendering took "
			    "over %d steps: sections nested over large lists?",
			    TMPL_STEPS_MAX);
			goto fail;
		}
		switch (in->op) {
		case TMPL_OP_TEXT:
			(void)strbuf_add(&o, in->s, in->len);
			pc++;
			break;
		case TMPL_OP_VAR:
			v = tmpl_lookup(f, nf, root, in->s);
			if (v == NULL) {
				tmpl_seterr(err, in->line,
				    "unknown variable \"%s\"", in->s);
				goto fail;
			}
			if (v->list != NULL) {
				tmpl_seterr(err, in->line,
				    "variable \"%s\" is a list: use "
				    "{{#%s}}...{{/%s}}", in->s, in->s, in->s);
				goto fail;
			}
			if (v->str == NULL) {
				tmpl_seterr(err, in->line,
				    "variable \"%s\" has no value", in->s);
				goto fail;
			}
			(void)strbuf_puts(&o, v->str);
			pc++;
			break;
		case TMPL_OP_SECTION:
		case TMPL_OP_INVERTED:
			v = tmpl_lookup(f, nf, root, in->s);
			if (tmpl_var_true(v) != (in->op == TMPL_OP_SECTION)) {
				pc = in->jump + 1;
				break;
			}
			/* Compilation bounds the nesting, so f has room. */
			top = &f[nf++];
			top->list = NULL;
			top->scope = NULL;
			top->i = 0;
			if (in->op == TMPL_OP_SECTION && v->list != NULL) {
				top->list = v->list;
				top->scope = &v->list->items[0];
			}
			pc++;
			break;
		case TMPL_OP_END:
			top = &f[nf - 1];
			if (top->list != NULL &&
			    ++top->i < top->list->nitems) {
				top->scope = &top->list->items[top->i];
				pc = in->jump + 1;
			} else {
				nf--;
				pc++;
			}
			break;
		}
		if (o.err == STRBUF_TOOBIG) {
			/* Name the line of the first byte that did not fit. */
			line = in->line;
			if (in->op == TMPL_OP_TEXT)
				for (i = 0; i < o.max - o.len; i++)
					if (in->s[i] == '\n')
						line++;
			tmpl_seterr(err, line,
			    "output exceeds %zu bytes", maxlen);
			goto fail;
		}
		if (o.err == STRBUF_NOMEM) {
			tmpl_seterr(err, in->line, "out of memory");
			goto fail;
		}
	}
	if ((*out = strbuf_take(&o, outlen)) == NULL) {
		tmpl_seterr(err, 0, "out of memory");
		goto fail;
	}
	return 0;
fail:
	strbuf_free(&o);
	return -1;
}
