/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for doc/doc.c, the document service: which kinds apply to
 * which host (a dom0, its guest, a diskless node, an install host, a
 * disabled host), that doc_render() refuses every kind that does not
 * apply with doc_applies()'s reason, and that the kinds that do apply
 * render from the template set given (not from anything else), naming
 * file:line when a template fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "inv_rows_add.h"
#include "doc/doc.h"
#include "kickstart/tmpl.h"

struct fix {
	struct bootd_config	*cfg;
	struct inv_snapshot	*snap;
	struct doc_tfile	 t[4];
	struct doc_templates	 ts;
};

/* Compiles src as template name into slot i of f's set. */
static void
tfile(struct fix *f, size_t i, const char *name, const char *src)
{
	struct tmpl_error err;

	snprintf(f->t[i].name, sizeof(f->t[i].name), "%s", name);
	snprintf(f->t[i].path, sizeof(f->t[i].path), "/tpl/%s", name);
	f->t[i].t = tmpl_compile(src, strlen(src), f->t[i].path, &err);
	f->t[i].found = 1;
	assert_non_null(f->t[i].t);
}

static int
setup(void **state)
{
	struct fix	*f = calloc(1, sizeof(*f));
	struct inv_rows	*rows = inv_rows_new(7);
	char		 err[CONFIG_ERRLEN];

	assert_non_null(f);
	f->cfg = config_load_string("http = { public_url = "
	    "\"http://10.213.0.2\"; };\n"
	    "dhcp = { subnets = ( { network = \"10.213.0.0/24\"; "
	    "router = \"10.213.0.1\"; } ); };\n", "t.conf", err, sizeof(err));
	assert_non_null(f->cfg);
	add(rows, INV_T_PROFILES, "inst", "install", "inst/vmlinuz",
	    "inst/initrd", "ks={{ks_url}}", "inst.ks", NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "nks", "install", "inst/vmlinuz",
	    "inst/initrd", "x", NULL, NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "dl", "diskless", "k/6.6", "i/6.6",
	    "root=nfs", NULL, NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_HOSTS, "dom0", "52:54:00:00:01:01", "10.213.0.11",
	    "inst", "1", "1", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "vm1", "52:54:00:00:01:02", "10.213.0.12",
	    "inst", "1", "1", "dom0", "/dev/vg/vm1", "1024", "1", NULL);
	add(rows, INV_T_HOSTS, "node", "52:54:00:00:02:01", "10.213.0.21",
	    "dl", "1", "0", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "noks", "52:54:00:00:03:01", "10.213.0.31",
	    "nks", "1", "1", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "off", "52:54:00:00:04:01", "10.213.0.41",
	    "dl", "0", "0", NULL, NULL, NULL, NULL, NULL);
	f->snap = inv_build(rows);
	inv_rows_free(rows);
	assert_non_null(f->snap);
	assert_int_equal(f->snap->nrejects, 0);
	tfile(f, 0, "inst.ks", "# ks of {{hostname}}\nurl {{ks_url}}\n");
	tfile(f, 1, "xen.cfg", "name = \"{{hostname}}\" on {{bridge}}\n");
	tfile(f, 2, "firstboot.sh", "#!/bin/sh\n{{#guests}}{{hostname}} "
	    "{{/guests}}\n");
	tfile(f, 3, "ipxe.ipxe", "#!ipxe\n{{no_such_var}}\n");
	f->ts.ent = f->t;
	f->ts.n = 4;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;
	size_t		 i;

	for (i = 0; i < 4; i++)
		tmpl_free(f->t[i].t);
	inv_unref(f->snap);
	config_free(f->cfg);
	free(f);
	return 0;
}

static const struct inv_host *
host(struct fix *f, const char *name)
{
	const struct inv_host *h = inv_by_name(f->snap, name);

	assert_non_null(h);
	return h;
}

/* Renders kind for host name; *out is freed by the caller. */
static int
render(struct fix *f, enum doc_kind k, const char *name, char **out,
    char *why, size_t whylen)
{
	struct doc_req	r;
	size_t		len = 0;
	int		rc;

	memset(&r, 0, sizeof(r));
	r.cfg = f->cfg;
	r.snap = f->snap;
	r.host = host(f, name);
	r.kind = k;
	r.tset = &f->ts;
	*out = NULL;
	why[0] = '\0';
	rc = doc_render(&r, out, &len, why, whylen);
	if (rc == DOC_OK) {
		assert_non_null(*out);
		assert_int_equal(strlen(*out), len);
	} else
		assert_null(*out);
	return rc;
}

/* Which kinds apply to whom: the one table HTTP, TFTP and check share. */
static void
test_applies(void **state)
{
	struct fix	*f = *state;
	const char	*why;
	static const struct {
		const char	*host;
		const char	*yes;	/* kinds that apply, by name */
	} want[] = {
		{ "dom0", "ks firstboot guests ipxe pxelinux grub" },
		{ "vm1", "ks xen xen-install libvirt libvirt-install ipxe "
		    "pxelinux grub" },
		{ "node", "ipxe pxelinux grub" },
		{ "noks", "ipxe pxelinux grub" },
		{ "off", "" },
	};
	size_t		i;
	int		k, a;
	char		word[32], yes[160];

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(yes, sizeof(yes), " %s ", want[i].yes);
		for (k = 0; k < DOC_KIND_MAX; k++) {
			why = NULL;
			a = doc_applies((enum doc_kind)k,
			    host(f, want[i].host), &why);
			snprintf(word, sizeof(word), " %s ",
			    doc_kind_names[k]);
			if (a != (strstr(yes, word) != NULL)) {
				print_error("%s %s: applies %d\n",
				    want[i].host, doc_kind_names[k], a);
				fail();
			}
			if (!a)
				assert_non_null(why);
		}
	}
	assert_int_equal(doc_applies(DOC_FIRSTBOOT, host(f, "vm1"), &why), 0);
	assert_string_equal(why, "not a dom0 (no host names it as its dom0)");
}

/* A kind that does not apply is refused with the reason, no body. */
static void
test_not_applying_refused(void **state)
{
	struct fix	*f = *state;
	char		*out, why[512];
	const char	*w;

	assert_int_equal(render(f, DOC_FIRSTBOOT, "vm1", &out, why,
	    sizeof(why)), DOC_ENOTAPPLY);
	assert_int_equal(doc_applies(DOC_FIRSTBOOT, host(f, "vm1"), &w), 0);
	assert_string_equal(why, w);
	assert_int_equal(render(f, DOC_GUESTS, "node", &out, why,
	    sizeof(why)), DOC_ENOTAPPLY);
	assert_int_equal(render(f, DOC_XEN, "dom0", &out, why, sizeof(why)),
	    DOC_ENOTAPPLY);
	assert_int_equal(render(f, DOC_KS, "noks", &out, why, sizeof(why)),
	    DOC_ENOTAPPLY);
	assert_int_equal(render(f, DOC_PXELINUX, "off", &out, why,
	    sizeof(why)), DOC_ENOTAPPLY);
}

/* The kinds that apply render from the set given. */
static void
test_render_from_set(void **state)
{
	struct fix	*f = *state;
	char		*out, why[512];

	assert_int_equal(render(f, DOC_KS, "dom0", &out, why, sizeof(why)),
	    DOC_OK);
	assert_string_equal(out, "# ks of dom0\nurl http://10.213.0.2/ks/dom0"
	    "\n");
	free(out);
	assert_int_equal(render(f, DOC_XEN, "vm1", &out, why, sizeof(why)),
	    DOC_OK);
	assert_string_equal(out, "name = \"vm1\" on xenbr0\n");
	free(out);
	assert_int_equal(render(f, DOC_FIRSTBOOT, "dom0", &out, why,
	    sizeof(why)), DOC_OK);
	assert_string_equal(out, "#!/bin/sh\nvm1 \n");
	free(out);
	assert_int_equal(render(f, DOC_GUESTS, "dom0", &out, why,
	    sizeof(why)), DOC_OK);
	assert_string_equal(out, "vm1 inst inst/vmlinuz inst/initrd\n");
	free(out);
	assert_int_equal(render(f, DOC_PXELINUX, "node", &out, why,
	    sizeof(why)), DOC_OK);
	assert_non_null(strstr(out, "DEFAULT dl\n"));
	free(out);
	/* Not in the set: a failure naming the template, never a guess. */
	assert_int_equal(render(f, DOC_LIBVIRT, "vm1", &out, why,
	    sizeof(why)), DOC_EFAIL);
	assert_non_null(strstr(why, "libvirt.xml"));
}

/* A template that fails names file:line. */
static void
test_render_error_file_line(void **state)
{
	struct fix	*f = *state;
	char		*out, why[512];

	assert_int_equal(render(f, DOC_IPXE, "node", &out, why, sizeof(why)),
	    DOC_EFAIL);
	assert_non_null(strstr(why, "/tpl/ipxe.ipxe:2: "));
	assert_non_null(strstr(why, "no_such_var"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_applies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_applying_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_from_set, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_render_error_file_line,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
