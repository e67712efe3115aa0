/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tftp/tftp_resolve and the menus of doc/doc_menu.c:
 * per-host pxelinux and GRUB menus rendered from a real snapshot, which
 * names are virtual at all, and the one answer for a real file standing
 * at a virtual name.
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
#include "doc/doc.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_resolve.h"

struct fix {
	struct bootd_config	*cfg;
	struct inv_snapshot	*snap;
	char			*out;
	char			 why[768];
};

/* What a name resolves to, the real file being absent (ENOENT). */
enum {
	V_REAL = 0,		/* a real name: no menu */
	V_OK = 1,		/* a host's menu */
	V_FALLBACK = 2,		/* the default menu, behind a real file */
	V_NOTFOUND = -1,
	V_ERROR = -2
};

/* Resolves name with cfg/snap as both servers do, into f->out. */
static int
resolve(struct fix *f, const struct bootd_config *cfg,
    const struct inv_snapshot *snap, const char *name)
{
	struct tftp_resolved	r;
	int			open = 0;

	free(f->out);
	f->out = NULL;
	f->why[0] = '\0';
	if (tftp_resolve(&r, cfg, snap, name) == TFTP_R_OPEN) {
		open = 1;
		tftp_resolve_opened(&r, TFTP_PATH_ENOENT, "no such file");
	}
	switch (r.kind) {
	case TFTP_R_VIRTUAL:
		f->out = r.body;
		return open ? V_FALLBACK : V_OK;
	case TFTP_R_REFUSED:
		snprintf(f->why, sizeof(f->why), "%s", r.detail);
		if (!open && r.tftp_code == TFTP_ENOTFOUND)
			return V_NOTFOUND;
		if (open && r.tftp_code == TFTP_ENOTFOUND)
			return V_REAL;
		return V_ERROR;
	default:
		return -99;
	}
}

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
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "d66", "diskless", "k/6.6", "",
	    "v=6.6 {{hostname}}", NULL, NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "inst", "install", "inst/vmlinuz",
	    "inst/initrd", "ks={{ks_url}}", NULL, NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "hidden", "diskless", "k/h", "", "x", NULL,
	    NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "broken", "diskless", "k/b", "",
	    "{{nosuch}}", NULL, NULL, "1",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
	add(rows, INV_T_PROFILES, "disk", "local", NULL, NULL, NULL, NULL,
	    NULL, "0",
	    (const char *)NULL, (const char *)NULL,
	    (const char *)NULL, (const char *)NULL, (const char *)NULL);
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
	return resolve(f, f->cfg, f->snap, name);
}

static void
test_host_menu(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-01-01"),
	    V_OK);
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
	    V_OK);
	first = strdup(f->out);
	assert_int_equal(render(f, "pxelinux.cfg/0AD5000B"), V_OK);
	assert_string_equal(f->out, first);
	assert_int_equal(render(f, "pxelinux.cfg/0ad5000b"), V_OK);
	assert_string_equal(f->out, first);
	assert_int_equal(render(f, "efi64/pxelinux.cfg/01-52-54-00-00-01-01"),
	    V_OK);
	assert_string_equal(f->out, first);
	free(first);
	/* pxelinux's shorter hex prefixes are real names, not hosts. */
	assert_int_equal(render(f, "pxelinux.cfg/0AD5000"), V_REAL);
	assert_int_equal(render(f, "pxelinux.0"), V_REAL);
	assert_int_equal(render(f, "xpxelinux.cfg/default"), V_REAL);
	assert_int_equal(render(f, "pxelinux.cfg/a/01-52-54-00-00-01-01"),
	    V_REAL);
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-99-99-99"),
	    V_NOTFOUND);
	/* Disabled hosts get nothing. */
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-03-01"),
	    V_NOTFOUND);
}

static void
test_install_and_local(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-02-01"),
	    V_OK);
	assert_non_null(strstr(f->out, "DEFAULT inst\n"));
	assert_non_null(strstr(f->out, "APPEND ks=http://0.0.0.0:80/ks/i1\n"));
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-02-02"),
	    V_OK);
	assert_non_null(strstr(f->out, "DEFAULT local\n"));
	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-05-01"),
	    V_OK);
	assert_non_null(strstr(f->out, "DEFAULT local\n"));
	assert_null(strstr(f->out, "LABEL disk"));
}

static void
test_broken_own_profile(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "pxelinux.cfg/01-52-54-00-00-04-01"),
	    V_ERROR);
	assert_null(f->out);
	assert_non_null(strstr(f->why, "unknown variable \"nosuch\""));
	assert_non_null(strstr(f->why, "host \"bad\", pxelinux"));
}

static void
test_grub(void **state)
{
	struct fix *f = *state;

	assert_int_equal(render(f, "grub/grub.cfg-01-52-54-00-00-01-01"),
	    V_OK);
	assert_non_null(strstr(f->out, "set default=\"d61\"\nset timeout=3\n"));
	assert_non_null(strstr(f->out, "menuentry \"Linux 6.1\" --id d61 {\n"
	    "  linux /k/6.1 ip=10.213.0.11 gw=10.213.0.1\n"
	    "  initrd /i/6.1\n}\n"));
	assert_non_null(strstr(f->out, "--id local {\n  exit\n}\n"));
	assert_int_equal(render(f, "grub.cfg-0AD5000B"), V_OK);
	assert_int_equal(render(f, "grub/grub.cfg"), V_REAL);
}

static void
test_default(void **state)
{
	struct fix		*f = *state;
	struct bootd_config	*menu;
	char			 err[CONFIG_ERRLEN];

	assert_int_equal(render(f, "pxelinux.cfg/default"), V_FALLBACK);
	assert_non_null(strstr(f->out, "DEFAULT local\n"));
	assert_null(strstr(f->out, "LABEL d66"));
	menu = config_load_string("tftp = { default_menu = \"menu\"; };",
	    "m.conf", err, sizeof(err));
	assert_non_null(menu);
	assert_int_equal(resolve(f, menu, f->snap, "pxelinux.cfg/default"),
	    V_FALLBACK);
	/* Only lines that need no host: d66 needs {{hostname}}, so none. */
	assert_null(strstr(f->out, "LABEL d61"));
	assert_non_null(strstr(f->out, "LABEL local"));
	config_free(menu);
	/* Without a snapshot nothing is known. */
	assert_int_equal(resolve(f, f->cfg, NULL,
	    "pxelinux.cfg/01-52-54-00-00-01-01"), V_NOTFOUND);
}

/*
 * pxelinux.cfg/default: a real file wins; nothing there gives the menu;
 * a file there that cannot be served is refused with its own reason, the
 * same TFTP code and HTTP status for both servers, never the menu.
 */
static void
test_real_at_default(void **state)
{
	struct fix		*f = *state;
	struct tftp_resolved	 r;

	assert_int_equal(tftp_resolve(&r, f->cfg, f->snap,
	    "pxelinux.cfg/default"), TFTP_R_OPEN);
	assert_int_equal(tftp_resolve_opened(&r, TFTP_PATH_OK, NULL),
	    TFTP_R_REAL);
	assert_null(r.body);
	assert_int_equal(tftp_resolve(&r, f->cfg, f->snap,
	    "pxelinux.cfg/default"), TFTP_R_OPEN);
	assert_int_equal(tftp_resolve_opened(&r, TFTP_PATH_EPERM,
	    "permission denied"), TFTP_R_REFUSED);
	assert_null(r.body);
	assert_int_equal(r.tftp_code, TFTP_EACCESS);
	assert_int_equal(r.http_code, 403);
	assert_string_equal(r.why, "permission denied");
	assert_int_equal(tftp_resolve(&r, f->cfg, f->snap,
	    "pxelinux.cfg/default"), TFTP_R_OPEN);
	assert_int_equal(tftp_resolve_opened(&r, TFTP_PATH_ENOTREG,
	    "not a regular file"), TFTP_R_REFUSED);
	assert_int_equal(r.http_code, 404);
	/* Out of descriptors stays what it is: the caller answers busy. */
	assert_int_equal(tftp_resolve(&r, f->cfg, f->snap,
	    "pxelinux.cfg/default"), TFTP_R_OPEN);
	assert_int_equal(tftp_resolve_opened(&r, TFTP_PATH_ENFILE, "x"),
	    TFTP_R_REFUSED);
	assert_int_equal(r.path_res, TFTP_PATH_ENFILE);
	/* A real name is only ever the real file. */
	assert_int_equal(tftp_resolve(&r, f->cfg, f->snap, "pxelinux.0"),
	    TFTP_R_OPEN);
	assert_int_equal(tftp_resolve_opened(&r, TFTP_PATH_ENOENT,
	    "no such file"), TFTP_R_REFUSED);
	assert_int_equal(r.http_code, 404);
	assert_int_equal(r.tftp_code, TFTP_ENOTFOUND);
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
		cmocka_unit_test_setup_teardown(test_real_at_default, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
