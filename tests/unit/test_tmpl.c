/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for kickstart/tmpl.c: every construct, standalone lines, every
 * compile and render error with its line, the output bound, the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kickstart/tmpl.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define BIG		((size_t)1 << 20)
/* A compile error for a string literal, which may hold a NUL. */
#define CERR(src, line, what)	\
	expect_compile_err((src), sizeof(src) - 1, (line), (what))

/*
 * root: strings of every truthiness, names with '.' and '-', a list
 * "guests" whose items hold a nested list "disks" and shadow "hostname".
 */
static const struct tmpl_var disk_a[] = {
	{ "dev", "xvda", NULL },
	{ "size", "20G", NULL },
};
static const struct tmpl_var disk_b[] = {
	{ "dev", "xvdb", NULL },
	{ "size", "100G", NULL },
};
static const struct tmpl_scope disk_items[] = {
	{ disk_a, NITEMS(disk_a) },
	{ disk_b, NITEMS(disk_b) },
};
static const struct tmpl_list disks = { disk_items, NITEMS(disk_items) };
static const struct tmpl_list empty_list = { NULL, 0 };
static const struct tmpl_list broken_list = { NULL, 3 };

static const struct tmpl_var guest1[] = {
	{ "name", "g1", NULL },
	{ "mem", "1024", NULL },
	{ "disks", NULL, &disks },
};
static const struct tmpl_var guest2[] = {
	{ "name", "g2", NULL },
	{ "mem", "2048", NULL },
	{ "disks", NULL, &empty_list },
	{ "hostname", "shadow", NULL },
};
static const struct tmpl_scope guest_items[] = {
	{ guest1, NITEMS(guest1) },
	{ guest2, NITEMS(guest2) },
};
static const struct tmpl_list guests = { guest_items, NITEMS(guest_items) };

static const struct tmpl_var root_vars[] = {
	{ "hostname", "web01", NULL },
	{ "ip", "10.0.0.5", NULL },
	{ "empty", "", NULL },
	{ "zero", "0", NULL },
	{ "false", "false", NULL },
	{ "FALSE", "FALSE", NULL },
	{ "no", "no", NULL },
	{ "No", "No", NULL },
	{ "yes", "yes", NULL },
	{ "one", "1", NULL },
	{ "off", "off", NULL },
	{ "space", " ", NULL },
	{ "nothing", NULL, NULL },
	{ "os.version", "9.4", NULL },
	{ "boot-dev", "eth0", NULL },
	{ "_x", "u", NULL },
	{ "html", "<a href=\"x\">&amp;'{{hostname}}</a>", NULL },
	{ "guests", NULL, &guests },
	{ "noguests", NULL, &empty_list },
	{ "broken", NULL, &broken_list },
};
static const struct tmpl_scope root = { root_vars, NITEMS(root_vars) };

/* line -1: any line > 0. */
static void	expect_render_err(const char *, const struct tmpl_scope *,
		    size_t, int, const char *);

/* Compiles and renders src against sc; fails the test on any error. */
static char *
render(const char *src, const struct tmpl_scope *sc, size_t maxlen)
{
	struct tmpl_error	 err;
	struct tmpl		*t;
	char			*out = NULL;
	size_t			 outlen = 0;

	t = tmpl_compile(src, strlen(src), "t", &err);
	if (t == NULL)
		fail_msg("compile \"%s\": %s", src, err.msg);
	if (tmpl_render(t, sc, maxlen, &out, &outlen, &err) == -1)
		fail_msg("render \"%s\": %s", src, err.msg);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "");
	assert_non_null(out);
	assert_int_equal(outlen, strlen(out));
	tmpl_free(t);
	return out;
}

static void
expect(const char *src, const char *want)
{
	char	*out = render(src, &root, BIG);

	assert_string_equal(out, want);
	free(out);
}

static void
expect_compile_err(const char *src, size_t len, int line, const char *what)
{
	struct tmpl_error	 err;
	struct tmpl		*t;

	t = tmpl_compile(src, len, "t", &err);
	if (t != NULL)
		fail_msg("\"%s\" compiled; wanted %s", src, what);
	assert_int_equal(err.line, line);
	if (strstr(err.msg, what) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", src, err.msg,
		    what);
}

static void
expect_render_err(const char *src, const struct tmpl_scope *sc,
    size_t maxlen, int line, const char *what)
{
	struct tmpl_error	 err;
	struct tmpl		*t;
	char			*out = (char *)"junk";
	size_t			 outlen = 99;

	t = tmpl_compile(src, strlen(src), "t", &err);
	if (t == NULL)
		fail_msg("compile \"%s\": %s", src, err.msg);
	assert_int_equal(tmpl_render(t, sc, maxlen, &out, &outlen, &err), -1);
	assert_null(out);
	assert_int_equal(outlen, 0);
	if (line >= 0)
		assert_int_equal(err.line, line);
	else
		assert_true(err.line > 0);
	if (strstr(err.msg, what) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", src, err.msg,
		    what);
	tmpl_free(t);
}

static void
test_interpolation(void **state)
{
	expect("", "");
	expect("plain text\n", "plain text\n");
	expect("Hello {{hostname}}!", "Hello web01!");
	expect("{{ hostname }}|{{\thostname\t}}|{{\n hostname\r\n}}",
	    "web01|web01|web01");
	expect("{{hostname}}{{ip}}", "web0110.0.0.5");
	expect("{{os.version}} {{boot-dev}} {{_x}}", "9.4 eth0 u");
	expect("[{{empty}}][{{zero}}]", "[][0]");
	/* Single braces and stray closers are text. */
	expect("{ {x} } }} {", "{ {x} } }} {");
	expect("a}}b{", "a}}b{");
}

static void
test_no_escaping(void **state)
{
	/* Values go out verbatim and are never parsed as templates. */
	expect("{{html}}", "<a href=\"x\">&amp;'{{hostname}}</a>");
}

static void
test_list_section(void **state)
{
	/* Item scope first (guest2 shadows hostname), then root. */
	expect("{{#guests}}{{name}}:{{mem}}:{{hostname}}:{{ip}};{{/guests}}",
	    "g1:1024:web01:10.0.0.5;g2:2048:shadow:10.0.0.5;");
	/* Item variables are gone after the section. */
	expect_render_err("{{#guests}}{{/guests}}{{mem}}", &root, BIG, 1,
	    "unknown variable \"mem\"");
	expect("{{#noguests}}x{{/noguests}}", "");
	expect("{{#broken}}x{{/broken}}", "");
	expect("{{#absent}}x{{/absent}}y", "y");
}

static void
test_nested_sections(void **state)
{
	expect("{{#guests}}{{name}}[{{#disks}}{{dev}}={{size}}@{{name}}/"
	    "{{hostname}},{{/disks}}]{{/guests}}",
	    "g1[xvda=20G@g1/web01,xvdb=100G@g1/web01,]g2[]");
	/* A section over a string inside a list, and a list inside it. */
	expect("{{#guests}}{{#yes}}{{name}}{{/yes}}{{#zero}}!{{/zero}}"
	    "{{/guests}}", "g1g2");
	expect("{{#yes}}{{#guests}}{{name}}{{/guests}}{{/yes}}", "g1g2");
	/* Sections of one name may nest; the inner finds the outer list. */
	expect("{{#guests}}{{#guests}}{{name}}{{/guests}};{{/guests}}",
	    "g1g2;g1g2;");
	expect("{{#guests}}{{^disks}}{{name}} has none{{/disks}}{{/guests}}",
	    "g2 has none");
}

static void
test_truthiness(void **state)
{
	static const char *const t[] = { "yes", "one", "hostname", "off",
	    "space", "os.version" };
	static const char *const f[] = { "empty", "zero", "false", "FALSE",
	    "no", "No", "nothing", "absent", "noguests", "broken" };
	char	 src[128];
	size_t	 i;

	for (i = 0; i < NITEMS(t); i++) {
		snprintf(src, sizeof(src), "{{#%s}}T{{/%s}}{{^%s}}F{{/%s}}",
		    t[i], t[i], t[i], t[i]);
		expect(src, "T");
	}
	for (i = 0; i < NITEMS(f); i++) {
		snprintf(src, sizeof(src), "{{#%s}}T{{/%s}}{{^%s}}F{{/%s}}",
		    f[i], f[i], f[i], f[i]);
		expect(src, "F");
	}
	/* A string section pushes no scope: lookups go on to root. */
	expect("{{#yes}}{{hostname}}{{/yes}}", "web01");
}

static void
test_inverted(void **state)
{
	expect("{{^absent}}a{{/absent}}", "a");
	expect("{{^empty}}b{{/empty}}", "b");
	expect("{{^zero}}c{{/zero}}", "c");
	expect("{{^noguests}}none{{/noguests}}", "none");
	expect("{{^nothing}}d{{/nothing}}", "d");
	expect("{{^guests}}e{{/guests}}", "");
	expect("{{^yes}}f{{/yes}}", "");
	/* An inverted section pushes no scope either. */
	expect("{{^absent}}{{hostname}}{{/absent}}", "web01");
}

static void
test_comments(void **state)
{
	expect("a{{! hi }}b", "ab");
	expect("a{{!}}b", "ab");
	expect("a{{!\nmulti\nline\n}}b", "ab");
	/* A comment ends at the first "}}". */
	expect("a{{! {{ b }}c", "ac");
	expect("a{{! {{b}} }}c", "a }}c");
	/* Invalid names and unsupported sigils are fine inside comments. */
	expect("{{! {{{x}}}", "}");
}

static void
test_standalone(void **state)
{
	expect("begin\n{{#yes}}\nin\n{{/yes}}\nend\n", "begin\nin\nend\n");
	expect("  {{#yes}}  \n  in\n\t{{/yes}}\t\nend", "  in\nend");
	expect("a\r\n  {{#yes}}\r\nb\r\n{{/yes}}\r\nc\r\n", "a\r\nb\r\nc\r\n");
	expect("{{#yes}}\nx\n{{/yes}}", "x\n");
	expect("a\n{{#zero}}\nx\n{{/zero}}\nb\n", "a\nb\n");
	expect("a\n{{^yes}}\nx\n{{/yes}}\nb\n", "a\nb\n");
	expect("a\n  {{! note }}\nb\n", "a\nb\n");
	expect("a\n{{! x\n y }}  \nb\n", "a\nb\n");
	expect("{{#guests}}\n- {{name}}\n{{/guests}}\n", "- g1\n- g2\n");
	expect("{{#yes}}\nx\n  {{/yes}}", "x\n");
	/* Not standalone: other text, two tags, an interpolation. */
	expect("a {{#yes}}\nx{{/yes}} b\n", "a \nx b\n");
	expect("{{#yes}}{{/yes}}\nx", "\nx");
	expect("  {{empty}}\nx", "  \nx");
	expect("  {{hostname}} {{#yes}}\nx{{/yes}}", "  web01 \nx");
	expect("{{#yes}} x\n{{/yes}}", " x\n");
	/* A lone CR does not end a line. */
	expect("{{#yes}}\rx{{/yes}}", "\rx");
	/* Standalone on each line, whatever came on the line before. */
	expect("{{#yes}}\n{{#one}}\n{{! c }}\n{{/one}}\n{{/yes}}\nz", "z");
}

static void
test_compile_errors(void **state)
{
	char	 name[TMPL_NAME_MAX + 16];
	char	 src[3 * TMPL_NAME_MAX];

	CERR("line1\n{{foo", 2, "unterminated tag \"{{foo\"");
	CERR("{{foo {{bar}}", 1, "unterminated tag \"{{foo ");
	CERR("x\ny\n{{", 3, "unterminated tag");
	CERR("{{#", 1, "unterminated tag \"{{#\"");
	CERR("{{ab\ncd", 1, "unterminated tag \"{{ab\"");
	CERR("a\n{{! foo", 2, "unterminated comment");
	CERR("x\n{{}}", 2, "empty name in \"{{}}\"");
	CERR("{{#  }}", 1, "empty name in \"{{#  }}\"");
	CERR("{{/}}", 1, "empty name");
	CERR("\n\n{{foo bar}}", 3,
	    "invalid name \"foo bar\"");
	CERR("{{1abc}}", 1, "invalid name \"1abc\"");
	CERR("{{a$b}}", 1, "invalid name \"a$b\"");
	CERR("{{#a/b}}", 1, "invalid name \"a/b\"");
	CERR("{{a}b}}", 1, "invalid name \"a}b\"");
	CERR("{{.}}", 1, "invalid name \".\"");
	CERR("{{a\x01\"}}", 1, "invalid name \"a\\x01\\\"\"");
	CERR("a\n{{/x}}", 2,
	    "\"{{/x}}\" closes no open section");
	CERR("{{#a}}{{/a}}{{/a}}", 1, "closes no open");
	CERR("{{#a}}\n\n{{/b}}", 3,
	    "\"{{/b}}\" does not match \"{{#a}}\" opened on line 1");
	CERR("{{#a}}\n{{^b}}\n{{/a}}", 3,
	    "\"{{/a}}\" does not match \"{{^b}}\" opened on line 2");
	CERR("x\n{{^a}}\ny", 2,
	    "\"{{^a}}\" opened on line 2 is never closed");
	CERR("{{#a}}\n{{#b}}\n{{/b}}\n", 1,
	    "\"{{#a}}\" opened on line 1 is never closed");
	CERR("x\n{{{x}}}", 2, "unsupported tag \"{{{\"");
	CERR("{{&x}}", 1, "unsupported tag \"{{&\"");
	CERR("{{>p}}", 1, "partials");
	CERR("{{=<% %>=}}", 1, "delimiters");
	CERR("ab\ncd\0ef", 2, "NUL byte");
	CERR("\0", 1, "NUL byte");

	/* Names: TMPL_NAME_MAX bytes are fine, one more is not. */
	memset(name, 'n', TMPL_NAME_MAX);
	name[TMPL_NAME_MAX] = '\0';
	snprintf(src, sizeof(src), "{{#%s}}{{/%s}}", name, name);
	free(render(src, &root, BIG));
	name[TMPL_NAME_MAX] = 'n';
	name[TMPL_NAME_MAX + 1] = '\0';
	snprintf(src, sizeof(src), "\n{{%s}}", name);
	expect_compile_err(src, strlen(src), 2, "longer than 64 bytes");
}

static void
test_error_message(void **state)
{
	struct tmpl_error	 err;

	/* The text alone: callers add "path:line: ". */
	assert_null(tmpl_compile("a\n\n{{/x}}", 9, "ks/rhel9.ks", &err));
	assert_int_equal(err.line, 3);
	assert_string_equal(err.msg, "\"{{/x}}\" closes no open section");
	assert_null(tmpl_compile("{{", 2, NULL, &err));
	assert_int_equal(err.line, 1);
	assert_string_equal(err.msg, "unterminated tag \"{{\"");
	/* err may be NULL. */
	assert_null(tmpl_compile("{{", 2, "x", NULL));
	tmpl_free(NULL);
}

static void
test_line_numbers(void **state)
{
	/* Lines count inside tags, comments and removed standalone lines. */
	CERR("{{!\n\n}}\n{{bad", 4, "unterminated");
	CERR("{{#a}}\n{{\nb\n}}\n{{/a}}{{/c}}", 5,
	    "closes no open");
	CERR("a\r\n{{#yes}}\r\n{{/x}}", 3, "does not match");
	expect_render_err("a\nb {{missing}}", &root, BIG, 2,
	    "unknown variable \"missing\"");
	expect_render_err("{{#guests}}\n{{nope}}\n{{/guests}}", &root, BIG, 2,
	    "unknown variable \"nope\"");
	expect_render_err("{{! x\n}}y\n{{nope}}", &root, BIG, 3, "\"nope\"");
}

static void
test_render_errors(void **state)
{
	expect_render_err("\n{{guests}}", &root, BIG, 2,
	    "variable \"guests\" is a list");
	expect_render_err("{{#yes}}\n\n{{nothing}}{{/yes}}", &root, BIG, 3,
	    "variable \"nothing\" has no value");
	expect_render_err("{{x}}", NULL, BIG, 1, "unknown variable \"x\"");
	expect_render_err("{{absent}}", &root, BIG, 1,
	    "unknown variable \"absent\"");
	/* A NULL root is an empty scope. */
	free(render("{{#x}}a{{/x}}{{^x}}b{{/x}}", NULL, BIG));
}

static void
test_maxlen(void **state)
{
	char	*out;

	out = render("{{hostname}}", &root, 5);
	assert_string_equal(out, "web01");
	free(out);
	expect_render_err("{{hostname}}", &root, 4, 1,
	    "output exceeds 4 bytes");
	out = render("abcdef", &root, 6);
	assert_string_equal(out, "abcdef");
	free(out);
	expect_render_err("abcdef", &root, 5, 1, "output exceeds 5 bytes");
	out = render("", &root, 0);
	assert_string_equal(out, "");
	free(out);
	out = render("{{empty}}{{#zero}}x{{/zero}}", &root, 0);
	free(out);
	expect_render_err("x", &root, 0, 1, "output exceeds 0 bytes");
	/* The line of the first byte that does not fit. */
	expect_render_err("a\nb\ncccc", &root, 5, 3, "exceeds 5 bytes");
	expect_render_err("a\nb\n{{hostname}}", &root, 5, 3, "exceeds");
	/* Text around removed lines and comments keeps its lines. */
	expect_render_err("a\n{{! c }}\nbbbb", &root, 3, 3, "exceeds");
	expect_render_err("a\nb{{! c }}\ncc", &root, 4, 3, "exceeds");
	expect_render_err("a\n{{#yes}}\nb\n{{/yes}}\ncc", &root, 4, 5,
	    "exceeds");
	/* Over a list: "g1;g2;" is 6 bytes. */
	out = render("{{#guests}}{{name}};{{/guests}}", &root, 6);
	assert_string_equal(out, "g1;g2;");
	free(out);
	expect_render_err("{{#guests}}\n{{name}};{{/guests}}", &root, 5, 2,
	    "exceeds 5 bytes");
}

static void
test_reentrant(void **state)
{
	static const struct tmpl_var other_vars[] = {
		{ "hostname", "db02", NULL },
	};
	static const struct tmpl_scope other = { other_vars, 1 };
	struct tmpl_error	 err;
	struct tmpl		*t;
	char			*a, *b;
	size_t			 alen, blen;

	t = tmpl_compile("host {{hostname}}\n", 18, "t", &err);
	assert_non_null(t);
	assert_int_equal(tmpl_render(t, &root, BIG, &a, &alen, &err), 0);
	assert_int_equal(tmpl_render(t, &other, BIG, &b, &blen, &err), 0);
	assert_string_equal(a, "host web01\n");
	assert_string_equal(b, "host db02\n");
	assert_int_equal(alen, 11);
	assert_int_equal(blen, 10);
	free(a);
	free(b);
	tmpl_free(t);
}

static void
test_kickstart(void **state)
{
	static const char src[] =
	    "# kickstart for {{hostname}}\n"
	    "{{! network first, then disks }}\n"
	    "network --device={{boot-dev}} --ip={{ip}} "
	    "--hostname={{hostname}}\n"
	    "{{#guests}}\n"
	    "# guest {{name}} ({{mem}} MiB)\n"
	    "  {{#disks}}\n"
	    "disk {{name}}-{{dev}} {{size}}\n"
	    "  {{/disks}}\n"
	    "  {{^disks}}\n"
	    "# {{name}}: no disks\n"
	    "  {{/disks}}\n"
	    "{{/guests}}\n"
	    "{{^noguests}}\n"
	    "%end\n"
	    "{{/noguests}}\n";
	static const char want[] =
	    "# kickstart for web01\n"
	    "network --device=eth0 --ip=10.0.0.5 --hostname=web01\n"
	    "# guest g1 (1024 MiB)\n"
	    "disk g1-xvda 20G\n"
	    "disk g1-xvdb 100G\n"
	    "# guest g2 (2048 MiB)\n"
	    "# g2: no disks\n"
	    "%end\n";

	expect(src, want);
}

static void
test_large(void **state)
{
	struct tmpl_var		*items_vars;
	struct tmpl_scope	*items, sc;
	struct tmpl_list	 list;
	struct tmpl_var		 rv[2];
	struct tmpl_error	 err;
	struct tmpl		*t;
	char			*src, *out, num[16 * 1000];
	size_t			 i, n, outlen;

	/* 10000 interpolations. */
	n = 10000;
	src = malloc(n * 13 + 1);
	assert_non_null(src);
	for (i = 0; i < n; i++)
		memcpy(src + i * 13, "{{hostname}}\n", 13);
	src[n * 13] = '\0';
	out = render(src, &root, BIG);
	assert_int_equal(strlen(out), n * 6);
	assert_memory_equal(out + (n - 1) * 6, "web01\n", 6);
	free(out);
	free(src);

	/* A list of 1000 items. */
	items_vars = calloc(1000, sizeof(*items_vars));
	items = calloc(1000, sizeof(*items));
	assert_non_null(items_vars);
	assert_non_null(items);
	for (i = 0; i < 1000; i++) {
		snprintf(num + i * 16, 16, "%zu", i);
		items_vars[i].name = "i";
		items_vars[i].str = num + i * 16;
		items[i].vars = &items_vars[i];
		items[i].nvars = 1;
	}
	list.items = items;
	list.nitems = 1000;
	rv[0] = (struct tmpl_var){ "l", NULL, &list };
	rv[1] = (struct tmpl_var){ "sep", ",", NULL };
	sc.vars = rv;
	sc.nvars = 2;
	out = render("{{#l}}{{i}}{{sep}}{{/l}}", &sc, BIG);
	assert_int_equal(strlen(out), 10 * 2 + 90 * 3 + 900 * 4);
	assert_memory_equal(out, "0,1,2,", 6);
	assert_string_equal(out + strlen(out) - 4, "999,");
	free(out);
	free(items);
	free(items_vars);

	/* TMPL_SRC_MAX bytes compile; one more does not. */
	src = malloc(TMPL_SRC_MAX + 1);
	assert_non_null(src);
	memset(src, 'x', TMPL_SRC_MAX + 1);
	t = tmpl_compile(src, TMPL_SRC_MAX, "big", &err);
	assert_non_null(t);
	assert_int_equal(tmpl_render(t, &root, TMPL_SRC_MAX, &out, &outlen,
	    &err), 0);
	assert_int_equal(outlen, TMPL_SRC_MAX);
	free(out);
	tmpl_free(t);
	expect_compile_err(src, TMPL_SRC_MAX + 1, 0, "over the limit");
	free(src);
}

/* Writes n nested sections over name, one tag a line, with body inside. */
static char *
nest(int n, const char *name, const char *body)
{
	char	*s, *p;
	int	 i;

	s = p = malloc((size_t)n * (2 * (strlen(name) + 8)) + strlen(body) + 1);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		p += sprintf(p, "{{#%s}}\n", name);
	p += sprintf(p, "%s", body);
	for (i = 0; i < n; i++)
		p += sprintf(p, "{{/%s}}\n", name);
	return s;
}

static void
test_depth(void **state)
{
	static const struct tmpl_var three[] = { { "v", "x", NULL } };
	static const struct tmpl_scope items[] = {
		{ three, 1 }, { three, 1 }, { three, 1 },
	};
	static const struct tmpl_list l3 = { items, 3 };
	static const struct tmpl_var rv[] = { { "l", NULL, &l3 } };
	static const struct tmpl_scope sc = { rv, 1 };
	char	*s, *out;

	s = nest(TMPL_DEPTH_MAX, "yes", "deep\n");
	out = render(s, &root, BIG);
	assert_string_equal(out, "deep\n");
	free(out);
	free(s);
	s = nest(TMPL_DEPTH_MAX + 1, "yes", "deep\n");
	expect_compile_err(s, strlen(s), TMPL_DEPTH_MAX + 1,
	    "section \"yes\" nested deeper than 16");
	free(s);

	/* 3^16 passes with no output: stopped by the step bound. */
	s = nest(TMPL_DEPTH_MAX, "l", "");
	expect_render_err(s, &sc, BIG, -1, "steps");
	free(s);
	/* 3^10 passes are fine: "x\n" each. */
	s = nest(10, "l", "{{v}}\n");
	out = render(s, &sc, BIG);
	assert_int_equal(strlen(out), 59049 * 2);
	free(out);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interpolation),
		cmocka_unit_test(test_no_escaping),
		cmocka_unit_test(test_list_section),
		cmocka_unit_test(test_nested_sections),
		cmocka_unit_test(test_truthiness),
		cmocka_unit_test(test_inverted),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_standalone),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_maxlen),
		cmocka_unit_test(test_reentrant),
		cmocka_unit_test(test_kickstart),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
