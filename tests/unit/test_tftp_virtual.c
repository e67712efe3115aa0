/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tftp/tftp_virtual: per-host pxelinux and GRUB menus
 * rendered from a real snapshot, and which names are virtual at all.
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
#include "inv_rows_add.h"
#include "tftp/tftp_virtual.h"

struct fix {
	struct bootd_config	*cfg;
	struct inv_snapshot	*snap;
	char			*out;
	char			 why[256];
};

static int
setup(void **state)
{
	struct fix	*f = calloc(1, sizeof(*f));
	struct inv_rows	*rows = inv_rows_new(42);
	char		 err[CONFIG_ERRLEN];

	f->cfg = config_load_string("tftp = { listen = \"10.213.0.2\"; "
	    "menu_timeout = 30; };\n"
	    "dhcp = { subnets = ( { network = \"10.213.0.0/24\"; "
	    "router = \"10.213.0.1\"; } ); };\n", "t.conf", err, sizeof(err));
	assert_non_null(f->cfg);
	add(rows, INV_T_PROFILES, "d61", "diskless", "k/6.1", "i/6.1",
	    "ip={{ip}} gw={{gateway}}", NULL, "Linux 6.1", "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "d66", "diskless", "k/6.6", "",
	    "v=6.6 {{hostname}}", NULL, NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "inst", "install", "inst/vmlinuz",
	    "inst/initrd", "ks={{ks_url}}", NULL, NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "hidden", "diskless", "k/h", "", "x", NULL,
	    NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "broken", "diskless", "k/b", "",
	    "{{nosuch}}", NULL, NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "disk", "local", NULL, NULL, NULL, NULL,
	    NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_HOSTS, "n1", "52:54:00:00:01:01", "10.213.0.11", "d61",
	    "1", "0", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "i1", "52:54:00:00:02:01", "10.213.0.21",
	    "inst", "1", "1", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "i2", "52:54:00:00:02:02", "10.213.0.22",
	    "inst", "1", "0", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "off", "52:54:00:00:03:01", "10.213.0.31",
	    "d61", "0", "0", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "bad", "52:54:00:00:04:01", "10.213.0.41",
	    "broken", "1", "0", NULL, NULL, NULL, NULL, NULL);
	add(rows, INV_T_HOSTS, "loc", "52:54:00:00:05:01", "10.213.0.51",
	    "disk", "1", "0", NULL, NULL, NULL, NULL, NULL);
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

	free(f->out);
	inv_unref(f->snap);
	config_free(f->cfg);
	free(f);
	return 0;
}

static int
render(struct fix *f, const char *name)
{
	size_t len;

	free(f->out);
	f->out = NULL;
	return tftp_virtual_render(f->cfg, f->snap, name, &f->out, &len,
	    f->why, sizeof(f->why));
}

static void
test_host_menu(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-01-01"),
	    TFTP_V_OK);
	assert_non_null(strstr(f->out, "DEFAULT d61\nPROMPT 1\nTIMEOUT 30\n"));
	assert_non_null(strstr(f->out, "LABEL d61\n  MENU LABEL Linux 6.1\n"
	    "  KERNEL k/6.1\n  INITRD i/6.1\n  APPEND ip=10.213.0.11 "
	    "gw=10.213.0.1\n"));
	/* Another selectable profile, rendered for this host; no INITRD. */
	assert_non_null(strstr(f->out, "LABEL d66\n  MENU LABEL d66\n"
	    "  KERNEL k/6.6\n  APPEND v=6.6 n1\n"));
	/* Not selectable, broken or local-only profiles are left out. */
	assert_null(strstr(f->out, "LABEL hidden"));
	assert_null(strstr(f->out, "LABEL broken"));
	assert_null(strstr(f->out, "LABEL inst"));
	assert_non_null(strstr(f->out, "LABEL local\n"));
	/* Own profile first. */
	assert_true(strstr(f->out, "LABEL d61") < strstr(f->out, "LABEL d66"));
}

static void
test_names(void **state)
{
	struct fix	*f = *state;
	char		*first;

	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-01-01"),
	    TFTP_V_OK);
	first = strdup(f->out);
	assert_int_equal(render(f, "pxelinux.cfg/0AD5000B"), TFTP_V_OK);
	assert_string_equal(f->out, first);
	assert_int_equal(render(f, "pxelinux.cfg/0ad5000b"), TFTP_V_OK);
	assert_string_equal(f->out, first);
	assert_int_equal(render(f, "efi64/pxelinux.cfg/01-52-54-00-00-01-01"),
	    TFTP_V_OK);
	assert_string_equal(f->out, first);
	free(first);
	/* pxelinux's shorter hex prefixes are real names, not hosts. */
	assert_int_equal(render(f, "pxelinux.cfg/0AD5000"), TFTP_V_REAL);
	assert_int_equal(render(f, "pxelinux.0"), TFTP_V_REAL);
	assert_int_equal(render(f, "xpxelinux.cfg/default"), TFTP_V_REAL);
	assert_int_equal(render(f, "pxelinux.cfg/a/01-52-54-00-00-01-01"),
	    TFTP_V_REAL);
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-99-99-99"),
	    TFTP_V_NOTFOUND);
	/* Disabled hosts get nothing. */
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-03-01"),
	    TFTP_V_NOTFOUND);
}

static void
test_install_and_local(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-02-01"),
	    TFTP_V_OK);
	assert_non_null(strstr(f->out, "DEFAULT inst\n"));
	assert_non_null(strstr(f->out, "APPEND ks=http://0.0.0.0:80/ks/i1\n"));
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-02-02"),
	    TFTP_V_OK);
	assert_non_null(strstr(f->out, "DEFAULT local\n"));
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-05-01"),
	    TFTP_V_OK);
	assert_non_null(strstr(f->out, "DEFAULT local\n"));
	assert_null(strstr(f->out, "LABEL disk"));
}

static void
test_broken_own_profile(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-04-01"),
	    TFTP_V_ERROR);
	assert_null(f->out);
	assert_non_null(strstr(f->why, "unknown variable \"nosuch\""));
	assert_non_null(strstr(f->why, "host \"bad\""));
}

static void
test_grub(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "grub/grub.cfg-01-52-54-00-00-01-01"),
	    TFTP_V_OK);
	assert_non_null(strstr(f->out, "set default=\"d61\"\nset timeout=3\n"));
	assert_non_null(strstr(f->out, "menuentry \"Linux 6.1\" --id d61 {\n"
	    "  linux /k/6.1 ip=10.213.0.11 gw=10.213.0.1\n"
	    "  initrd /i/6.1\n}\n"));
	assert_non_null(strstr(f->out, "--id local {\n  exit\n}\n"));
	assert_int_equal(render(f, "grub.cfg-0AD5000B"), TFTP_V_OK);
	assert_int_equal(render(f, "grub/grub.cfg"), TFTP_V_REAL);
}

static void
test_default(void **state)
{
	struct fix		*f = *state;
	struct bootd_config	*menu;
	char			 err[CONFIG_ERRLEN];
	size_t			 len;

	assert_int_equal(render(f, "pxelinux.cfg/default"), TFTP_V_FALLBACK);
	assert_non_null(strstr(f->out, "DEFAULT local\n"));
	assert_null(strstr(f->out, "LABEL d66"));
	menu = config_load_string("tftp = { default_menu = \"menu\"; };",
	    "m.conf", err, sizeof(err));
	assert_non_null(menu);
	free(f->out);
	assert_int_equal(tftp_virtual_render(menu, f->snap,
	    "pxelinux.cfg/default", &f->out, &len, f->why, sizeof(f->why)),
	    TFTP_V_FALLBACK);
	/* Only lines that need no host: d66 needs {{hostname}}, so none. */
	assert_null(strstr(f->out, "LABEL d61"));
	assert_non_null(strstr(f->out, "LABEL local"));
	config_free(menu);
	/* Without a snapshot nothing is known. */
	free(f->out);
	assert_int_equal(tftp_virtual_render(f->cfg, NULL,
	    "pxelinux.cfg/01-52-54-00-00-01-01", &f->out, &len, f->why,
	    sizeof(f->why)), TFTP_V_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_menu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_and_local, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_broken_own_profile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_grub, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
