/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for kickstart/ks_vars: the variables a host's templates see,
 * rendered through the real template engine over a real snapshot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "kickstart/ks_vars.h"
#include "kickstart/tmpl.h"

struct fix {
	struct bootd_config	*cfg;
	struct inv_snapshot	*snap;
};

static void
add_row(struct inv_rows *rows, enum inv_table_id t, int n, ...)
{
	const char	*cells[16];
	size_t		 lens[16];
	va_list		 ap;
	int		 i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		cells[i] = va_arg(ap, const char *);
		lens[i] = cells[i] ? strlen(cells[i]) : 0;
	}
	va_end(ap);
	assert_int_equal(n, inv_ncols[t]);
	assert_int_equal(inv_rows_add(rows, t, cells, lens), 0);
}

static int
setup(void **state)
{
	struct fix	*f = calloc(1, sizeof(*f));
	struct inv_rows	*rows;
	char		 err[CONFIG_ERRLEN];

	f->cfg = config_load_string(
	    "http = { listen = \"127.0.0.1\"; port = 8080;"
	    "  public_url = \"http://boot.example.org/\"; };\n"
	    "tftp = { listen = \"10.213.0.2\"; };\n"
	    "dhcp = { subnets = ( { network = \"10.213.0.0/24\";"
	    "  router = \"10.213.0.1\"; dns = [ \"10.213.0.1\", \"10.213.0.3\" ];"
	    "  domain = \"demo.test\"; } ); };\n", "t.conf", err, sizeof(err));
	assert_non_null(f->cfg);
	rows = inv_rows_new(7);
	add_row(rows, INV_T_PROFILES, INV_P_NCOLS, "inst", "install", "k/vmlinuz",
	    "k/initrd", "ks={{ks_url}} ip={{ip}}::{{gateway}}:{{netmask}}", "i.ks",
	    NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add_row(rows, INV_T_PROFILES, INV_P_NCOLS, "bad", "install", NULL, NULL,
	    "x={{nope}}", NULL, NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add_row(rows, INV_T_HOSTS, INV_H_NCOLS, "dom0", "52:54:00:00:02:01",
	    "10.213.0.21", "inst", "1", "1", NULL, NULL, "65536", "16", "");
	add_row(rows, INV_T_HOSTS, INV_H_NCOLS, "vm2", "52:54:00:00:03:02",
	    "10.213.0.32", "inst", "1", "1", "dom0", "/dev/vg/vm2", "4096", "2",
	    "");
	add_row(rows, INV_T_HOSTS, INV_H_NCOLS, "vm1", "52:54:00:00:03:01",
	    "10.213.0.31", "inst", "1", "0", "dom0", "/dev/vg/vm1", "2048", "1",
	    "");
	add_row(rows, INV_T_HOSTS, INV_H_NCOLS, "far", "52:54:00:00:04:01",
	    "192.168.9.9", "inst", "1", "0", NULL, NULL, NULL, NULL, NULL);
	add_row(rows, INV_T_HOSTS, INV_H_NCOLS, "oops", "52:54:00:00:05:01",
	    "10.213.0.50", "bad", "1", "0", NULL, NULL, NULL, NULL, NULL);
	add_row(rows, INV_T_VARS, INV_V_NCOLS, "dom0", "bridge", "xenbr0");
	add_row(rows, INV_T_VARS, INV_V_NCOLS, "vm1", "role", "db");
	f->snap = inv_build(rows);
	inv_rows_free(rows);
	assert_non_null(f->snap);
	assert_int_equal(f->snap->nrejects, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	inv_unref(f->snap);
	config_free(f->cfg);
	free(f);
	return 0;
}

/* Renders src for host name; returns the output (free it) or NULL. */
static char *
render(struct fix *f, const char *name, const char *src,
    struct tmpl_error *err)
{
	struct tmpl	*t;
	struct ks_vars	 kv;
	char		*out = NULL;
	size_t		 len;

	t = tmpl_compile(src, strlen(src), "test", err);
	assert_non_null(t);
	if (ks_vars_build(&kv, f->cfg, inv_by_name(f->snap, name), err) == 0) {
		if (tmpl_render(t, &kv.scope, 65536, &out, &len, err) == -1)
			out = NULL;
		ks_vars_clear(&kv);
	}
	tmpl_free(t);
	return out;
}

/*
 * ks_vars_reserved names exactly the variables a host gets besides its
 * host_vars: the inventory rejects a host_var of such a name, so a name
 * missing from the list could be shadowed, and a name too many would
 * refuse a harmless one.
 */
static void
test_reserved(void **state)
{
	struct fix		*f = *state;
	struct ks_vars		 kv;
	struct tmpl_error	 err;
	const struct inv_host	*h = inv_by_name(f->snap, "vm1");
	size_t			 i, j, n = 0, nres = 0;

	assert_int_equal(ks_vars_build(&kv, f->cfg, h, &err), 0);
	for (i = 0; ks_vars_reserved[i] != NULL; i++)
		nres++;
	for (i = 0; i < kv.scope.nvars; i++) {
		if (inv_var_get(h, kv.scope.vars[i].name) != NULL)
			continue;	/* a host_var */
		n++;
		for (j = 0; j < nres; j++)
			if (strcmp(kv.scope.vars[i].name,
			    ks_vars_reserved[j]) == 0)
				break;
		if (j == nres)
			fail_msg("\"%s\" is not in ks_vars_reserved",
			    kv.scope.vars[i].name);
	}
	/* vm1 is a guest in a subnet: it gets every variable there is. */
	assert_int_equal(n, nres);
	ks_vars_clear(&kv);
}

static void
test_host_fields(void **state)
{
	struct tmpl_error	 err;
	char			*out;

	out = render(*state, "vm1", "{{hostname}} {{mac}} {{ip}} {{profile}} "
	    "{{kind}} {{kernel}} {{initrd}} {{build}} {{enabled}} {{dom0}} "
	    "{{vdisk}} {{memory_mb}} {{vcpus}} {{role}}", &err);
	assert_non_null(out);
	assert_string_equal(out, "vm1 52:54:00:00:03:01 10.213.0.31 inst install "
	    "k/vmlinuz k/initrd 0 1 dom0 /dev/vg/vm1 2048 1 db");
	free(out);
}

static void
test_network_and_urls(void **state)
{
	struct tmpl_error	 err;
	char			*out;

	out = render(*state, "vm2", "{{netmask}} {{gateway}} {{dns}} {{domain}} "
	    "{{server_url}} {{ks_url}} {{tftp_server}}|{{append}}", &err);
	assert_non_null(out);
	assert_string_equal(out, "255.255.255.0 10.213.0.1 10.213.0.1,10.213.0.3 "
	    "demo.test http://boot.example.org http://boot.example.org/ks/vm2 "
	    "10.213.0.2|ks=http://boot.example.org/ks/vm2 "
	    "ip=10.213.0.32::10.213.0.1:255.255.255.0");
	free(out);
}

static void
test_guests(void **state)
{
	struct tmpl_error	 err;
	char			*out;

	out = render(*state, "dom0", "{{#guests}}{{hostname}}:{{vdisk}}:"
	    "{{memory_mb}}:{{bridge}}:{{dom0}}\n{{/guests}}"
	    "{{^dom0}}not a guest{{/dom0}}", &err);
	assert_non_null(out);
	/* Sorted by hostname; an outer var (bridge) is visible in a guest. */
	assert_string_equal(out, "vm1:/dev/vg/vm1:2048:xenbr0:dom0\n"
	    "vm2:/dev/vg/vm2:4096:xenbr0:dom0\nnot a guest");
	free(out);
	out = render(*state, "vm1", "[{{#guests}}x{{/guests}}]", &err);
	assert_non_null(out);
	assert_string_equal(out, "[]");
	free(out);
}

static void
test_outside_subnet(void **state)
{
	struct tmpl_error	 err;
	char			*out;

	/* No subnet holds 192.168.9.9: no gateway, so the append fails. */
	out = render(*state, "far", "{{ip}}", &err);
	assert_null(out);
	assert_non_null(strstr(err.msg, "\"gateway\""));
	out = render(*state, "oops", "{{ip}}", &err);
	assert_null(out);
	assert_non_null(strstr(err.msg, "nope"));
	assert_int_equal(err.line, 1);
}

static void
test_server_url_default(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], url[256];

	cfg = config_load_string("http = { listen = \"127.0.0.1\"; port = 81; };",
	    "u.conf", err, sizeof(err));
	assert_non_null(cfg);
	ks_server_url(cfg, url, sizeof(url));
	assert_string_equal(url, "http://127.0.0.1:81");
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_network_and_urls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_guests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_subnet, setup,
		    teardown),
		cmocka_unit_test(test_server_url_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
