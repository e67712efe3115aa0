/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for kickstart/tmpl.c: compiles the input as a template
 * and, when it compiles, renders it against a fixed scope (strings of each
 * truthiness, a list of scopes holding a nested list) and against no scope.
 * Aborts when a result breaks the tmpl.h contract.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kickstart/tmpl.h"

#define FUZZ_MAXLEN	(64 * 1024)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct tmpl_var disk_a[] = {
	{ "dev", "xvda", NULL },
	{ "size", "20G", NULL },
};
static const struct tmpl_var disk_b[] = {
	{ "dev", "xvdb", NULL },
};
static const struct tmpl_scope disk_items[] = {
	{ disk_a, NITEMS(disk_a) },
	{ disk_b, NITEMS(disk_b) },
};
static const struct tmpl_list disks = { disk_items, NITEMS(disk_items) };
static const struct tmpl_list none = { NULL, 0 };

static const struct tmpl_var guest1[] = {
	{ "name", "g1", NULL },
	{ "mem", "1024", NULL },
	{ "disks", NULL, &disks },
};
static const struct tmpl_var guest2[] = {
	{ "name", "g2", NULL },
	{ "disks", NULL, &none },
	{ "hostname", "shadow", NULL },
	{ "x", NULL, NULL },
};
static const struct tmpl_scope guest_items[] = {
	{ guest1, NITEMS(guest1) },
	{ guest2, NITEMS(guest2) },
};
static const struct tmpl_list guests = { guest_items, NITEMS(guest_items) };

static const struct tmpl_var root_vars[] = {
	{ "hostname", "web01.example.org", NULL },
	{ "ip", "10.0.0.5", NULL },
	{ "a", "A", NULL },
	{ "b", "{{a}}", NULL },
	{ "e", "", NULL },
	{ "z", "0", NULL },
	{ "f", "false", NULL },
	{ "n", NULL, NULL },
	{ "os.version", "9.4", NULL },
	{ "guests", NULL, &guests },
	{ "l", NULL, &guests },
	{ "none", NULL, &none },
};
static const struct tmpl_scope root = { root_vars, NITEMS(root_vars) };

static void
fuzz_render(const struct tmpl *t, const struct tmpl_scope *sc)
{
	struct tmpl_error	 err;
	char			*out = NULL;
	size_t			 outlen = 0;

	if (tmpl_render(t, sc, FUZZ_MAXLEN, &out, &outlen, &err) == 0) {
		if (out == NULL || outlen > FUZZ_MAXLEN || out[outlen] != '\0')
			abort();
		/* Neither source nor values hold a NUL. */
		if (strlen(out) != outlen)
			abort();
		free(out);
	} else if (out != NULL || err.line < 0 || err.msg[0] == '\0' ||
	    memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_error	 err;
	struct tmpl		*t;

	t = tmpl_compile((const char *)data, size, "fuzz", &err);
	if (t == NULL) {
		if (err.line < 0 || err.msg[0] == '\0' ||
		    memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	fuzz_render(t, &root);
	fuzz_render(t, NULL);
	tmpl_free(t);
	return 0;
}
