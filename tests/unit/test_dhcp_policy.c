/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for dhcp/dhcp_policy.c against a small inventory built with
 * inv_build() and configs from config_load_string(): boot file by client
 * architecture and for iPXE, every REQUEST state, INFORM, unknown and
 * disabled MACs, relays and subnets, RELEASE/DECLINE, reply destinations,
 * and one policy → build round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "dhcp/dhcp_msg.h"
#include "dhcp/dhcp_policy.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SERVER_IP	0x0a000002u	/* 10.0.0.2, the receiving interface */
#define RELAY_IP	0x0a010001u	/* 10.1.0.1 */
#define WEB1_IP		0x0a000005u	/* 10.0.0.5 */
#define FAR1_IP		0x0a010007u	/* 10.1.0.7 */

static const uint8_t mac_web1[6] = { 0x52, 0x54, 0, 0, 0, 0x01 };
static const uint8_t mac_off1[6] = { 0x52, 0x54, 0, 0, 0, 0x02 };
static const uint8_t mac_far1[6] = { 0x52, 0x54, 0, 0, 0, 0x03 };
static const uint8_t mac_out1[6] = { 0x52, 0x54, 0, 0, 0, 0x04 };
static const uint8_t mac_unknown[6] = { 0x52, 0x54, 0, 0, 0, 0x99 };
/* cust1: profile "custom", every boot file overridden (10.0.0.8). */
static const uint8_t mac_cust1[6] = { 0x52, 0x54, 0, 0, 0, 0x05 };
/* efi1: profile "efionly", only bootfile_efi64 set, others ''. */
static const uint8_t mac_efi1[6] = { 0x52, 0x54, 0, 0, 0, 0x06 };
/* long1: profile "longipxe", whose bootfile_ipxe grows past 254 bytes. */
static const uint8_t mac_long1[6] = { 0x52, 0x54, 0, 0, 0, 0x07 };
#define MAC18	"{{mac}}{{mac}}{{mac}}{{mac}}{{mac}}{{mac}}"

/* printf format: the http group's settings, then extra dhcp settings. */
static const char conf_fmt[] =
    "http = { %s };\n"
    "dhcp = {\n"
    "  enabled = true;\n"
    "  %s\n"
    "  subnets = (\n"
    "    { network = \"10.0.0.0/24\"; router = \"10.0.0.1\";\n"
    "      dns = [ \"10.0.0.1\", \"9.9.9.9\" ];\n"
    "      domain = \"lab.example.org\"; lease_time = 3600; },\n"
    "    { network = \"10.1.0.0/24\"; router = \"10.1.0.1\";\n"
    "      lease_time = 600; }\n"
    "  );\n"
    "};\n";
#define HTTP_DEFAULT	"port = 8080;"

struct fixture {
	struct inv_snapshot	*snap;
	struct bootd_config	*cfg;
};

static void
add_host_p(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip, const char *enabled, const char *profile)
{
	const char	*c[INV_H_NCOLS] = { NULL };

	c[INV_H_HOSTNAME] = name;
	c[INV_H_MAC] = mac;
	c[INV_H_IP] = ip;
	c[INV_H_PROFILE] = profile;
	c[INV_H_ENABLED] = enabled;
	c[INV_H_BUILD] = "0";
	assert_int_equal(inv_rows_add(rows, INV_T_HOSTS, c, NULL), 0);
}

static void
add_host(struct inv_rows *rows, const char *name, const char *mac,
    const char *ip, const char *enabled)
{
	add_host_p(rows, name, mac, ip, enabled, "rocky9");
}

/* A profile with boot file overrides bios, efi64, arm64 and ipxe. */
static void
add_profile(struct inv_rows *rows, const char *name, const char *bios,
    const char *efi64, const char *arm64, const char *ipxe)
{
	const char	*p[INV_P_NCOLS] = { NULL };

	p[INV_P_NAME] = name;
	p[INV_P_KIND] = "install";
	p[INV_P_KERNEL] = "vmlinuz";
	p[INV_P_INITRD] = "initrd.img";
	p[INV_P_SELECTABLE] = "1";
	p[INV_P_BOOTFILE_BIOS] = bios;
	p[INV_P_BOOTFILE_EFI64] = efi64;
	p[INV_P_BOOTFILE_ARM64] = arm64;
	p[INV_P_BOOTFILE_IPXE] = ipxe;
	assert_int_equal(inv_rows_add(rows, INV_T_PROFILES, p, NULL), 0);
}

static struct inv_snapshot *
snap_new(void)
{
	struct inv_rows	*rows;
	struct inv_snapshot *snap;
	size_t		 i;

	assert_non_null(rows = inv_rows_new(1));
	/* rocky9: every override NULL, so the config's files serve. */
	add_profile(rows, "rocky9", NULL, NULL, NULL, NULL);
	add_profile(rows, "custom", "bios/lpxelinux.0", "efi/shimx64.efi",
	    "efi/shimaa64.efi", "http://boot/{{hostname}}/{{mac}}?ip={{ip}}");
	add_profile(rows, "efionly", "", "efi/only.efi", "", "");
	/* 126 bytes as stored, 306 once the 18 {{mac}} are expanded */
	add_profile(rows, "longipxe", NULL, NULL, NULL, MAC18 MAC18 MAC18);
	add_host(rows, "web1", "52:54:00:00:00:01", "10.0.0.5", "1");
	add_host(rows, "off1", "52:54:00:00:00:02", "10.0.0.6", "0");
	add_host(rows, "far1", "52:54:00:00:00:03", "10.1.0.7", "1");
	add_host(rows, "out1", "52:54:00:00:00:04", "192.168.5.5", "1");
	add_host_p(rows, "cust1", "52:54:00:00:00:05", "10.0.0.8", "1",
	    "custom");
	add_host_p(rows, "efi1", "52:54:00:00:00:06", "10.0.0.9", "1",
	    "efionly");
	add_host_p(rows, "long1", "52:54:00:00:00:07", "10.0.0.10", "1",
	    "longipxe");
	assert_non_null(snap = inv_build(rows));
	inv_rows_free(rows);
	for (i = 0; i < snap->nrejects; i++)
		print_message("reject: %s\n", snap->rejects[i]);
	assert_int_equal(snap->nrejects, 0);
	assert_int_equal(snap->nhosts, 7);
	return snap;
}

static struct bootd_config *
cfg_new(const char *http, const char *dhcp)
{
	struct bootd_config *cfg;
	char		 err[CONFIG_ERRLEN], text[4096];

	assert_true(snprintf(text, sizeof(text), conf_fmt, http, dhcp) <
	    (int)sizeof(text));
	cfg = config_load_string(text, "test.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("config: %s", err);
	return cfg;
}

static int
setup(void **state)
{
	struct fixture	*f;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->snap = snap_new();
	f->cfg = cfg_new(HTTP_DEFAULT, "");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	inv_unref(f->snap);
	config_free(f->cfg);
	free(f);
	return 0;
}

/* A request as dhcp_msg_parse() would leave it. */
static void
msg_init(struct dhcp_msg *m, uint8_t type, const uint8_t mac[6])
{
	memset(m, 0, sizeof(*m));
	m->op = DHCP_BOOTREQUEST;
	m->htype = DHCP_HTYPE_ETHER;
	m->hlen = 6;
	m->xid = 0x1234;
	memcpy(m->chaddr, mac, 6);
	m->type = type;
	m->max_size = DHCP_MIN_MAX_SIZE;
}

static void
msg_pxe(struct dhcp_msg *m, uint8_t type, const uint8_t mac[6], int arch)
{
	msg_init(m, type, mac);
	snprintf(m->vendor_class, sizeof(m->vendor_class),
	    "PXEClient:Arch:%05d:UNDI:003001", arch);
	m->vendor_class_len = strlen(m->vendor_class);
	m->is_pxe = 1;
	if (arch >= 0) {
		m->has_arch = 1;
		m->arch = (uint16_t)arch;
	}
}

static enum dhcp_action
decide(const struct fixture *f, const struct bootd_config *cfg,
    const struct dhcp_msg *m, uint32_t server_ip, struct dhcp_decision *d)
{
	enum dhcp_action a;
	const char	*why = "unset";

	a = dhcp_policy_decide(m, f->snap, cfg != NULL ? cfg : f->cfg,
	    server_ip, d, &why);
	assert_int_equal(a, d->action);
	if (a == DHCP_ACT_IGNORE || a == DHCP_ACT_NAK) {
		assert_non_null(why);
		assert_string_equal(why, dhcp_reason_text(d->reason));
		assert_int_not_equal(d->reason, DHCP_R_NONE);
	} else {
		assert_int_equal(d->reason, DHCP_R_NONE);
		assert_ptr_equal(why, d->note);
	}
	if (a == DHCP_ACT_IGNORE)
		assert_int_equal(d->reply.dest, DHCP_DEST_NONE);
	return a;
}

static void
expect_ignore(const struct fixture *f, const struct dhcp_msg *m,
    uint32_t server_ip, enum dhcp_reason reason)
{
	struct dhcp_decision d;

	assert_int_equal(decide(f, NULL, m, server_ip, &d), DHCP_ACT_IGNORE);
	if (d.reason != reason)
		fail_msg("reason %d (%s), want %d", d.reason,
		    dhcp_reason_text(d.reason), reason);
}

static void
test_discover_offer(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;
	const struct dhcp_reply *r = &d.reply;

	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	m.flags = DHCP_FLAG_BROADCAST;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_false(d.discovered);
	assert_non_null(d.host);
	assert_string_equal(d.host->hostname, "web1");
	assert_non_null(d.subnet);
	assert_string_equal(d.subnet->network, "10.0.0.0/24");
	assert_null(d.note);
	assert_int_equal(r->type, DHCP_OFFER);
	assert_int_equal(r->server_id, SERVER_IP);
	assert_int_equal(r->yiaddr, WEB1_IP);
	assert_int_equal(r->ciaddr, 0);
	assert_int_equal(r->siaddr, SERVER_IP);
	assert_string_equal(r->tftp_server, "10.0.0.2");
	assert_int_equal(r->flags, DHCP_FLAG_BROADCAST);
	assert_int_equal(r->lease_time, 3600);
	assert_int_equal(r->t1, 1800);
	assert_int_equal(r->t2, 3150);
	assert_true(r->has_netmask);
	assert_int_equal(r->netmask, 0xffffff00);
	assert_int_equal(r->router, 0x0a000001);
	assert_int_equal(r->ndns, 2);
	assert_int_equal(r->dns[0], 0x0a000001);
	assert_int_equal(r->dns[1], 0x09090909);
	assert_string_equal(r->domain, "lab.example.org");
	assert_string_equal(r->hostname, "web1");
	assert_string_equal(r->bootfile, "pxelinux.0");
	assert_true(r->boot_always);
	assert_string_equal(r->vendor_class, "PXEClient");
	assert_true(r->pxe_discovery);
	assert_false(r->ipxe_no_pxedhcp);
	assert_int_equal(r->dest, DHCP_DEST_BROADCAST);
	assert_int_equal(r->dest_ip, 0xffffffff);
	assert_int_equal(r->dest_port, 68);
}

/* A plain DHCP client (udhcpc): no PXE extras. */
static void
test_plain_client(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	msg_init(&m, DHCP_DISCOVER, mac_web1);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_false(d.reply.boot_always);
	assert_null(d.reply.vendor_class);
	assert_false(d.reply.pxe_discovery);
	assert_string_equal(d.reply.bootfile, "pxelinux.0");
}

static void
expect_bootfile(const struct fixture *f, const struct bootd_config *cfg,
    const struct dhcp_msg *m, const char *want, int noted)
{
	struct dhcp_decision d;

	assert_int_equal(decide(f, cfg, m, SERVER_IP, &d), DHCP_ACT_OFFER);
	if (strcmp(d.reply.bootfile, want) != 0)
		fail_msg("arch %d: boot file \"%s\", want \"%s\"", m->arch,
		    d.reply.bootfile, want);
	if (noted)
		assert_non_null(d.note);
	else
		assert_null(d.note);
}

static void
test_bootfile_by_arch(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	msg_pxe(&m, DHCP_DISCOVER, mac_web1, -1);	/* no option 93 */
	expect_bootfile(f, NULL, &m, "pxelinux.0", 0);
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	expect_bootfile(f, NULL, &m, "pxelinux.0", 0);
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 7);
	expect_bootfile(f, NULL, &m, "grubx64.efi", 0);
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 9);
	expect_bootfile(f, NULL, &m, "grubx64.efi", 0);
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 11);
	expect_bootfile(f, NULL, &m, "grubaa64.efi", 0);
	/* Unknown or unsupported: the BIOS file and a note. */
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 6);
	expect_bootfile(f, NULL, &m, "pxelinux.0", 1);
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 10);
	expect_bootfile(f, NULL, &m, "pxelinux.0", 1);
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 4000);
	expect_bootfile(f, NULL, &m, "pxelinux.0", 1);

	/* UEFI HTTP boot: a URL, and 60 must say HTTPClient. */
	msg_init(&m, DHCP_DISCOVER, mac_web1);
	strcpy(m.vendor_class, "HTTPClient:Arch:00016:UNDI:003001");
	m.vendor_class_len = strlen(m.vendor_class);
	m.is_http = 1;
	m.has_arch = 1;
	m.arch = 16;
	expect_bootfile(f, NULL, &m,
	    "http://10.0.0.2:8080/files/grubx64.efi", 0);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_string_equal(d.reply.vendor_class, "HTTPClient");
	assert_false(d.reply.pxe_discovery);
	assert_true(d.reply.boot_always);
	m.arch = 19;
	expect_bootfile(f, NULL, &m,
	    "http://10.0.0.2:8080/files/grubaa64.efi", 0);
}

static void msg_http(struct dhcp_msg *, const uint8_t [6], int);

static void
test_bootfile_http_config(void **state)
{
	struct fixture	*f = *state;
	struct bootd_config *cfg;
	struct dhcp_msg	 m;

	msg_init(&m, DHCP_DISCOVER, mac_web1);
	m.has_arch = 1;
	m.arch = 16;
	/* public_url wins; slashes are not doubled. */
	cfg = cfg_new("public_url = \"https://boot.example.org/bootd/\";",
	    "bootfile = { efi64 = \"/efi/shimx64.efi\"; };");
	expect_bootfile(f, cfg, &m,
	    "https://boot.example.org/bootd/files/efi/shimx64.efi", 0);
	config_free(cfg);
	/* A configured URL goes out as it is. */
	cfg = cfg_new(HTTP_DEFAULT,
	    "bootfile = { efi64 = \"http://mirror/x.efi\"; };");
	expect_bootfile(f, cfg, &m, "http://mirror/x.efi", 0);
	config_free(cfg);
	/* http.listen, when set, names the HTTP address. */
	cfg = cfg_new("listen = \"10.0.0.9\"; port = 80;", "");
	expect_bootfile(f, cfg, &m, "http://10.0.0.9:80/files/grubx64.efi", 0);
	config_free(cfg);

	/*
	 * efi64_http: HTTP boot clients' own loader; TFTP clients keep
	 * efi64, a profile's bootfile_efi64 wins for both.
	 */
	cfg = cfg_new(HTTP_DEFAULT,
	    "bootfile = { efi64_http = \"grubhttpx64.efi\"; };");
	expect_bootfile(f, cfg, &m,
	    "http://10.0.0.2:8080/files/grubhttpx64.efi", 0);
	msg_http(&m, mac_cust1, 16);
	expect_bootfile(f, cfg, &m,
	    "http://10.0.0.2:8080/files/efi/shimx64.efi", 0);
	msg_http(&m, mac_web1, 19);	/* arm64: not efi64's */
	expect_bootfile(f, cfg, &m,
	    "http://10.0.0.2:8080/files/grubaa64.efi", 0);
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 7);
	expect_bootfile(f, cfg, &m, "grubx64.efi", 0);
	config_free(cfg);

	/*
	 * Vendor class HTTPClient with a PXE architecture: still HTTP boot,
	 * a URL and HTTPClient echoed, never a TFTP name.
	 */
	msg_http(&m, mac_web1, 16);
	m.arch = 7;
	expect_bootfile(f, NULL, &m,
	    "http://10.0.0.2:8080/files/grubx64.efi", 0);
}

static void
test_bootfile_ipxe(void **state)
{
	struct fixture	*f = *state;
	struct bootd_config *cfg;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	/* iPXE sends its firmware's arch too; the user class wins. */
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 7);
	memcpy(m.user_class, "iPXE", 4);
	m.user_class_len = 4;
	m.is_ipxe = 1;
	m.has_ipxe_encap = 1;
	expect_bootfile(f, NULL, &m,
	    "http://10.0.0.2:8080/ipxe/52:54:00:00:00:01", 0);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_true(d.reply.ipxe_no_pxedhcp);
	assert_true(d.reply.boot_always);

	cfg = cfg_new(HTTP_DEFAULT, "bootfile = { ipxe = \"http://boot/"
	    "{{hostname}}/{{mac}}?ip={{ip}}&x={{other}}{{ip\"; };");
	expect_bootfile(f, cfg, &m, "http://boot/web1/52:54:00:00:00:01"
	    "?ip=10.0.0.5&x={{other}}{{ip", 0);
	config_free(cfg);
	cfg = cfg_new(HTTP_DEFAULT, "bootfile = { ipxe = \"boot.ipxe\"; };");
	expect_bootfile(f, cfg, &m, "boot.ipxe", 0);
	config_free(cfg);
	/* public_url also places the default script URL. */
	cfg = cfg_new("public_url = \"http://boot.example.org\";", "");
	expect_bootfile(f, cfg, &m,
	    "http://boot.example.org/ipxe/52:54:00:00:00:01", 0);
	config_free(cfg);

	/* 175 alone (a renamed user class) still gets no-pxedhcp. */
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	m.has_ipxe_encap = 1;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_true(d.reply.ipxe_no_pxedhcp);
	assert_string_equal(d.reply.bootfile, "pxelinux.0");
}

/* msg as an iPXE request (user class "iPXE", option 175). */
static void
msg_ipxe(struct dhcp_msg *m, const uint8_t mac[6], int arch)
{
	msg_pxe(m, DHCP_DISCOVER, mac, arch);
	memcpy(m->user_class, "iPXE", 4);
	m->user_class_len = 4;
	m->is_ipxe = 1;
	m->has_ipxe_encap = 1;
}

/* msg as a UEFI HTTP boot request for arch (16 or 19). */
static void
msg_http(struct dhcp_msg *m, const uint8_t mac[6], int arch)
{
	msg_init(m, DHCP_DISCOVER, mac);
	snprintf(m->vendor_class, sizeof(m->vendor_class),
	    "HTTPClient:Arch:%05d:UNDI:003001", arch);
	m->vendor_class_len = strlen(m->vendor_class);
	m->is_http = 1;
	m->has_arch = 1;
	m->arch = (uint16_t)arch;
}

enum client { PXE, HTTP, IPXE };

/* One DISCOVER and the boot file it must get (noted: with a note). */
struct bootcase {
	const uint8_t	*mac;
	enum client	 client;
	int		 arch;		/* -1: no option 93 */
	const char	*want;
	int		 noted;
};

static void
expect_bootcases(const struct fixture *f, const struct bootd_config *cfg,
    const struct bootcase *c, size_t n)
{
	struct dhcp_msg	 m;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (c[i].client == HTTP)
			msg_http(&m, c[i].mac, c[i].arch);
		else if (c[i].client == IPXE)
			msg_ipxe(&m, c[i].mac, c[i].arch);
		else
			msg_pxe(&m, DHCP_DISCOVER, c[i].mac, c[i].arch);
		expect_bootfile(f, cfg, &m, c[i].want, c[i].noted);
	}
}

#define CUST1_IPXE	"http://boot/cust1/52:54:00:00:00:05?ip=10.0.0.8"

/* A profile's override wins over dhcp.bootfile.* for its architecture. */
static void
test_bootfile_profile_override(void **state)
{
	static const struct bootcase own[] = {
		{ mac_cust1, PXE, 0, "bios/lpxelinux.0", 0 },
		{ mac_cust1, PXE, -1, "bios/lpxelinux.0", 0 },
		{ mac_cust1, PXE, 7, "efi/shimx64.efi", 0 },
		{ mac_cust1, PXE, 9, "efi/shimx64.efi", 0 },
		{ mac_cust1, PXE, 11, "efi/shimaa64.efi", 0 },
		/* Unsupported arch: the BIOS rule, so the BIOS override. */
		{ mac_cust1, PXE, 10, "bios/lpxelinux.0", 1 },
		/* UEFI HTTP boot: the efi64/arm64 override as a URL. */
		{ mac_cust1, HTTP, 16,
		    "http://10.0.0.2:8080/files/efi/shimx64.efi", 0 },
		{ mac_cust1, HTTP, 19,
		    "http://10.0.0.2:8080/files/efi/shimaa64.efi", 0 },
		/* iPXE: placeholders expanded for this host. */
		{ mac_cust1, IPXE, 7, CUST1_IPXE, 0 },
		{ mac_cust1, IPXE, 0, CUST1_IPXE, 0 },
	};
	/* The override also beats a configured default; others get it. */
	static const struct bootcase cfgd[] = {
		{ mac_cust1, PXE, 7, "efi/shimx64.efi", 0 },
		{ mac_cust1, IPXE, 0, CUST1_IPXE, 0 },
		{ mac_web1, PXE, 7, "cfg.efi", 0 },
		{ mac_web1, IPXE, 0, "http://cfg/52:54:00:00:00:01", 0 },
	};
	struct fixture	*f = *state;
	struct bootd_config *cfg;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	expect_bootcases(f, NULL, own, NITEMS(own));
	cfg = cfg_new(HTTP_DEFAULT, "bootfile = { bios = \"cfg.0\"; "
	    "efi64 = \"cfg.efi\"; ipxe = \"http://cfg/{{mac}}\"; };");
	expect_bootcases(f, cfg, cfgd, NITEMS(cfgd));
	config_free(cfg);

	/* A REQUEST (ACK) gets the same file as the DISCOVER (OFFER). */
	msg_pxe(&m, DHCP_REQUEST, mac_cust1, 11);
	m.has_requested_ip = 1;
	m.requested_ip = 0x0a000008u;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_ACK);
	assert_string_equal(d.reply.bootfile, "efi/shimaa64.efi");
}

/* NULL and '' overrides fall back to dhcp.bootfile.*, rule by rule. */
static void
test_bootfile_profile_fallback(void **state)
{
	static const struct bootcase c[] = {
		/* efionly: bios, arm64 and ipxe are '', efi64 is set. */
		{ mac_efi1, PXE, 0, "pxelinux.0", 0 },
		{ mac_efi1, PXE, 7, "efi/only.efi", 0 },
		{ mac_efi1, PXE, 11, "grubaa64.efi", 0 },
		{ mac_efi1, HTTP, 16,
		    "http://10.0.0.2:8080/files/efi/only.efi", 0 },
		{ mac_efi1, HTTP, 19,
		    "http://10.0.0.2:8080/files/grubaa64.efi", 0 },
		/* iPXE must get its script, not the efi64 override. */
		{ mac_efi1, IPXE, 7,
		    "http://10.0.0.2:8080/ipxe/52:54:00:00:00:06", 0 },
		/* rocky9 (all NULL): the config's files. */
		{ mac_web1, PXE, 9, "grubx64.efi", 0 },
		{ mac_web1, IPXE, 7,
		    "http://10.0.0.2:8080/ipxe/52:54:00:00:00:01", 0 },
	};

	expect_bootcases(*state, NULL, c, NITEMS(c));
}

/* A boot file too long for option 67 is refused, not cut. */
static void
test_bootfile_too_long(void **state)
{
	struct fixture	*f = *state;
	struct bootd_config *cfg;
	struct dhcp_decision d;
	struct dhcp_msg	 m;
	char		 name[256], extra[320];

	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	memset(name, 'b', 254);
	name[254] = '\0';
	snprintf(extra, sizeof(extra), "bootfile = { bios = \"%s\"; };", name);
	cfg = cfg_new(HTTP_DEFAULT, extra);
	expect_bootfile(f, cfg, &m, name, 0);	/* 254 fits */
	config_free(cfg);
	name[254] = 'b';
	name[255] = '\0';
	snprintf(extra, sizeof(extra), "bootfile = { bios = \"%s\"; };", name);
	cfg = cfg_new(HTTP_DEFAULT, extra);
	assert_int_equal(decide(f, cfg, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_BOOTFILE_LONG);
	config_free(cfg);

	/* A profile's iPXE URL that its placeholders make too long. */
	msg_ipxe(&m, mac_long1, 0);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_BOOTFILE_LONG);
	msg_pxe(&m, DHCP_DISCOVER, mac_long1, 0);	/* not iPXE: fine */
	expect_bootfile(f, NULL, &m, "pxelinux.0", 0);
}

static void
test_next_server(void **state)
{
	struct fixture	*f = *state;
	struct bootd_config *cfg;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	cfg = cfg_new(HTTP_DEFAULT, "next_server = \"10.0.0.3\";");
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	assert_int_equal(decide(f, cfg, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_int_equal(d.reply.siaddr, 0x0a000003);
	assert_string_equal(d.reply.tftp_server, "10.0.0.3");
	assert_int_equal(d.reply.server_id, SERVER_IP);
	config_free(cfg);
}

static void
test_request_selecting(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	msg_pxe(&m, DHCP_REQUEST, mac_web1, 0);
	m.has_server_id = 1;
	m.server_id = SERVER_IP;
	m.has_requested_ip = 1;
	m.requested_ip = WEB1_IP;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_ACK);
	assert_int_equal(d.reply.type, DHCP_ACK);
	assert_int_equal(d.reply.yiaddr, WEB1_IP);
	assert_int_equal(d.reply.lease_time, 3600);
	assert_int_equal(d.reply.dest, DHCP_DEST_BROADCAST);

	/* The client chose another server: silence, even if we know it. */
	m.server_id = 0x0a0000fe;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_OTHER_SERVER);
	msg_init(&m, DHCP_REQUEST, mac_unknown);
	m.has_server_id = 1;
	m.server_id = 0x0a0000fe;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_OTHER_SERVER);

	/* Ours, but asking for an address that is not the host's. */
	msg_init(&m, DHCP_REQUEST, mac_web1);
	m.has_server_id = 1;
	m.server_id = SERVER_IP;
	m.has_requested_ip = 1;
	m.requested_ip = 0x0a000063;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_NAK);
	assert_int_equal(d.reason, DHCP_R_SELECT_WRONG_IP);
	assert_int_equal(d.reply.type, DHCP_NAK);
	assert_int_equal(d.reply.server_id, SERVER_IP);
	assert_int_equal(d.reply.yiaddr, 0);
	assert_int_equal(d.reply.siaddr, 0);
	assert_int_equal(d.reply.lease_time, 0);
	assert_string_equal(d.reply.bootfile, "");
	assert_non_null(d.reply.message);
	assert_int_equal(d.reply.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(d.reply.dest_ip, 0xffffffff);

	/* SELECTING without 50 falls back to ciaddr (old clients). */
	m.has_requested_ip = 0;
	m.ciaddr = WEB1_IP;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_ACK);
}

/* INIT-REBOOT with the old address after the DB changed: NAK. */
static void
test_request_init_reboot(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	msg_init(&m, DHCP_REQUEST, mac_web1);
	m.has_requested_ip = 1;
	m.requested_ip = 0x0a000004;	/* the host's former IP */
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_NAK);
	assert_int_equal(d.reason, DHCP_R_REBOOT_WRONG_IP);
	assert_int_equal(d.reply.dest, DHCP_DEST_BROADCAST);

	m.requested_ip = WEB1_IP;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_ACK);
	assert_int_equal(d.reply.yiaddr, WEB1_IP);
	assert_int_equal(d.reply.ciaddr, 0);

	/* Unknown MAC: no record of it, so silence (§4.3.2). */
	msg_init(&m, DHCP_REQUEST, mac_unknown);
	m.has_requested_ip = 1;
	m.requested_ip = 0x0a000004;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_UNKNOWN_MAC);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_false(d.discovered);
}

static void
test_request_renewing(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	msg_init(&m, DHCP_REQUEST, mac_web1);
	m.ciaddr = WEB1_IP;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_ACK);
	assert_int_equal(d.reply.ciaddr, WEB1_IP);
	assert_int_equal(d.reply.yiaddr, WEB1_IP);
	assert_int_equal(d.reply.dest, DHCP_DEST_UNICAST);
	assert_int_equal(d.reply.dest_ip, WEB1_IP);
	assert_int_equal(d.reply.dest_port, 68);

	m.ciaddr = 0x0a000004;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_NAK);
	assert_int_equal(d.reason, DHCP_R_RENEW_WRONG_IP);
	/* §4.1: NAKs are broadcast when not relayed, ciaddr or not. */
	assert_int_equal(d.reply.dest, DHCP_DEST_BROADCAST);

	/* Neither 50, 54 nor ciaddr: not a REQUEST we can place. */
	m.ciaddr = 0;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_NO_ADDRESS);
}

static void
test_inform(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	msg_init(&m, DHCP_INFORM, mac_web1);
	m.ciaddr = WEB1_IP;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_ACK);
	assert_int_equal(d.reply.type, DHCP_ACK);
	assert_int_equal(d.reply.yiaddr, 0);
	assert_int_equal(d.reply.ciaddr, WEB1_IP);
	assert_int_equal(d.reply.lease_time, 0);
	assert_int_equal(d.reply.t1, 0);
	assert_true(d.reply.has_netmask);
	assert_int_equal(d.reply.router, 0x0a000001);
	assert_int_equal(d.reply.dest, DHCP_DEST_UNICAST);
	assert_int_equal(d.reply.dest_ip, WEB1_IP);
}

static void
test_unknown_and_disabled(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;
	const char	*why;

	msg_pxe(&m, DHCP_DISCOVER, mac_unknown, 0);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_UNKNOWN_MAC);
	assert_true(d.discovered);
	assert_null(d.host);

	msg_pxe(&m, DHCP_DISCOVER, mac_off1, 0);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_DISABLED);
	assert_false(d.discovered);
	assert_non_null(d.host);
	assert_string_equal(d.host->hostname, "off1");

	/* No snapshot yet: every MAC is unknown. */
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	assert_int_equal(dhcp_policy_decide(&m, NULL, f->cfg, SERVER_IP, &d,
	    &why), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_UNKNOWN_MAC);
	assert_true(d.discovered);
}

static void
test_relay(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	/* far1 lives behind the relay 10.1.0.1. */
	msg_pxe(&m, DHCP_DISCOVER, mac_far1, 0);
	m.giaddr = RELAY_IP;
	m.hops = 1;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_string_equal(d.subnet->network, "10.1.0.0/24");
	assert_int_equal(d.reply.yiaddr, FAR1_IP);
	assert_int_equal(d.reply.lease_time, 600);
	assert_int_equal(d.reply.router, 0x0a010001);
	assert_int_equal(d.reply.ndns, 0);
	assert_int_equal(d.reply.server_id, SERVER_IP);
	assert_int_equal(d.reply.dest, DHCP_DEST_RELAY);
	assert_int_equal(d.reply.dest_ip, RELAY_IP);
	assert_int_equal(d.reply.dest_port, 67);
	assert_int_equal(d.reply.flags & DHCP_FLAG_BROADCAST, 0);

	/* The same host asking on the local segment: wrong subnet. */
	m.giaddr = 0;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_OUTSIDE_SUBNET);
	/* web1 through the relay: also outside. */
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	m.giaddr = RELAY_IP;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_OUTSIDE_SUBNET);
	/* A relay in no configured subnet. */
	m.giaddr = 0xc0a80901;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_NO_SUBNET);

	/* A NAK through a relay: to the relay, broadcast bit set. */
	msg_init(&m, DHCP_REQUEST, mac_far1);
	m.giaddr = RELAY_IP;
	m.has_requested_ip = 1;
	m.requested_ip = 0x0a010063;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_NAK);
	assert_int_equal(d.reply.dest, DHCP_DEST_RELAY);
	assert_int_equal(d.reply.dest_ip, RELAY_IP);
	assert_int_equal(d.reply.flags & DHCP_FLAG_BROADCAST,
	    DHCP_FLAG_BROADCAST);
}

static void
test_outside_and_no_subnet(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	 m;

	msg_pxe(&m, DHCP_DISCOVER, mac_out1, 0);
	expect_ignore(f, &m, SERVER_IP, DHCP_R_OUTSIDE_SUBNET);
	/* An interface in no configured subnet. */
	msg_pxe(&m, DHCP_DISCOVER, mac_web1, 0);
	expect_ignore(f, &m, 0xc0a80002, DHCP_R_NO_SUBNET);
	expect_ignore(f, &m, 0, DHCP_R_NO_SERVER_IP);
}

static void
test_release_decline(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	msg_init(&m, DHCP_RELEASE, mac_web1);
	m.ciaddr = WEB1_IP;
	m.has_server_id = 1;
	m.server_id = SERVER_IP;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_RELEASE);
	assert_non_null(d.host);

	msg_init(&m, DHCP_DECLINE, mac_web1);
	m.has_requested_ip = 1;
	m.requested_ip = WEB1_IP;
	m.has_server_id = 1;
	m.server_id = SERVER_IP;
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_DECLINE);
	assert_false(d.discovered);

	/* For another server: not ours to record. */
	m.server_id = 0x0a0000fe;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_OTHER_SERVER);
	/* From an unknown MAC: still reported, without a host. */
	msg_init(&m, DHCP_RELEASE, mac_unknown);
	assert_int_equal(decide(f, NULL, &m, SERVER_IP, &d), DHCP_ACT_IGNORE);
	assert_int_equal(d.reason, DHCP_R_RELEASE);
	assert_null(d.host);
}

static void
test_other_ignores(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	 m;

	msg_init(&m, DHCP_NONE, mac_web1);
	m.is_bootp = 1;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_BOOTP);
	msg_init(&m, DHCP_OFFER, mac_web1);
	expect_ignore(f, &m, SERVER_IP, DHCP_R_BAD_TYPE);
	msg_init(&m, DHCP_ACK, mac_web1);
	expect_ignore(f, &m, SERVER_IP, DHCP_R_BAD_TYPE);
	msg_init(&m, 13, mac_web1);		/* LEASEQUERY */
	expect_ignore(f, &m, SERVER_IP, DHCP_R_BAD_TYPE);
	msg_init(&m, DHCP_DISCOVER, mac_web1);
	m.htype = 6;				/* IEEE 802 */
	expect_ignore(f, &m, SERVER_IP, DHCP_R_NOT_ETHERNET);
	msg_init(&m, DHCP_DISCOVER, mac_web1);
	m.hlen = 16;
	expect_ignore(f, &m, SERVER_IP, DHCP_R_NOT_ETHERNET);
}

/* With dhcp.port 1067, clients are answered on 1068 (udhcpc -P 1068). */
static void
test_ports(void **state)
{
	struct fixture	*f = *state;
	struct bootd_config *cfg;
	struct dhcp_decision d;
	struct dhcp_msg	 m;

	cfg = cfg_new(HTTP_DEFAULT, "port = 1067;");
	msg_init(&m, DHCP_DISCOVER, mac_web1);
	assert_int_equal(decide(f, cfg, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_int_equal(d.reply.dest_port, 1068);
	msg_init(&m, DHCP_DISCOVER, mac_far1);
	m.giaddr = RELAY_IP;
	assert_int_equal(decide(f, cfg, &m, SERVER_IP, &d), DHCP_ACT_OFFER);
	assert_int_equal(d.reply.dest_port, 1067);
	config_free(cfg);
}

/* Bytes in, policy, bytes out. */
static void
test_round_trip(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 43, 60, 66, 67 };
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;
	uint8_t		 in[300], out[1500];
	const char	*why;
	ssize_t		 n;
	size_t		 i;

	memset(in, 0, sizeof(in));
	in[0] = DHCP_BOOTREQUEST;
	in[1] = 1;
	in[2] = 6;
	memcpy(in + 4, "\x11\x22\x33\x44", 4);
	memcpy(in + 28, mac_web1, 6);
	memcpy(in + 236, "\x63\x82\x53\x63", 4);
	i = 240;
	memcpy(in + i, "\x35\x01\x01", 3);
	i += 3;
	memcpy(in + i, "\x5d\x02\x00\x07", 4);
	i += 4;
	in[i++] = DHO_PRL;
	in[i++] = sizeof(prl);
	memcpy(in + i, prl, sizeof(prl));
	i += sizeof(prl);
	in[i++] = DHO_VENDOR_CLASS;
	in[i++] = 32;
	memcpy(in + i, "PXEClient:Arch:00007:UNDI:003016", 32);
	i += 32;
	in[i] = DHO_END;
	assert_int_equal(dhcp_msg_parse(in, sizeof(in), &m, &why), 0);
	assert_int_equal(dhcp_policy_decide(&m, f->snap, f->cfg, SERVER_IP,
	    &d, &why), DHCP_ACT_OFFER);
	n = dhcp_reply_build(&d.reply, &m, out, sizeof(out));
	assert_true(n >= 300 && n <= 548);
	assert_int_equal(out[0], DHCP_BOOTREPLY);
	assert_memory_equal(out + 4, "\x11\x22\x33\x44", 4);
	assert_memory_equal(out + 16, "\x0a\x00\x00\x05", 4);	/* yiaddr */
	assert_memory_equal(out + 20, "\x0a\x00\x00\x02", 4);	/* siaddr */
	assert_string_equal((const char *)out + 108, "grubx64.efi");
	/* 53, 54, then the client's order: 1 3 6 12 15 43 60 66 67, 51. */
	i = 240;
	assert_memory_equal(out + i, "\x35\x01\x02", 3);
	i += 3;
	assert_memory_equal(out + i, "\x36\x04\x0a\x00\x00\x02", 6);
	i += 6;
	assert_memory_equal(out + i, "\x01\x04\xff\xff\xff\x00", 6);
	i += 6;
	assert_memory_equal(out + i, "\x03\x04\x0a\x00\x00\x01", 6);
	i += 6;
	assert_memory_equal(out + i, "\x06\x08\x0a\x00\x00\x01\x09\x09\x09\x09",
	    10);
	i += 10;
	assert_memory_equal(out + i, "\x0c\x04web1", 6);
	i += 6;
	assert_memory_equal(out + i, "\x0f\x0flab.example.org", 17);
	i += 17;
	assert_memory_equal(out + i, "\x2b\x04\x06\x01\x08\xff", 6);
	i += 6;
	assert_memory_equal(out + i, "\x3c\x09PXEClient", 11);
	i += 11;
	assert_memory_equal(out + i, "\x42\x09" "10.0.0.2\0", 11);
	i += 11;
	assert_memory_equal(out + i, "\x43\x0cgrubx64.efi\0", 14);
	i += 14;
	assert_memory_equal(out + i, "\x33\x04\x00\x00\x0e\x10", 6);
	i += 6;
	assert_int_equal(out[i], DHO_END);
}

static void
test_names(void **state)
{
	int	 i;

	(void)state;
	assert_string_equal(dhcp_action_name(DHCP_ACT_IGNORE), "IGNORE");
	assert_string_equal(dhcp_action_name(DHCP_ACT_OFFER), "OFFER");
	assert_string_equal(dhcp_action_name(DHCP_ACT_ACK), "ACK");
	assert_string_equal(dhcp_action_name(DHCP_ACT_NAK), "NAK");
	assert_string_equal(dhcp_action_name(DHCP_ACT_MAX), "unknown");
	assert_string_equal(dhcp_reason_text(DHCP_R_NONE), "");
	assert_string_equal(dhcp_reason_text(DHCP_R_UNKNOWN_MAC),
	    "unknown MAC");
	assert_string_equal(dhcp_reason_text(DHCP_R_MAX), "unknown");
	assert_string_equal(dhcp_reason_text(-1), "unknown");
	/* Every reason has a text. */
	for (i = 1; i < DHCP_R_MAX; i++)
		assert_true(strlen(dhcp_reason_text(i)) > 0);
	/* Every reason has its own token, a valid label value. */
	assert_string_equal(dhcp_reason_name(DHCP_R_UNKNOWN_MAC),
	    "unknown_mac");
	assert_string_equal(dhcp_reason_name(DHCP_R_MAX), "unknown");
	for (i = 0; i < DHCP_R_MAX; i++) {
		int	 j;

		assert_true(strlen(dhcp_reason_name(i)) > 0);
		assert_int_equal(strspn(dhcp_reason_name(i),
		    "abcdefghijklmnopqrstuvwxyz_"),
		    strlen(dhcp_reason_name(i)));
		for (j = 0; j < i; j++)
			assert_string_not_equal(dhcp_reason_name(i),
			    dhcp_reason_name(j));
	}
}

/*
 * dhcp_policy_bootfile() (the boot file `bootd hosts NAME` shows) gives
 * what a real DISCOVER from that firmware gets, for every host and arch.
 */
static void
test_bootfile_of_host(void **state)
{
	static const int archs[] = { -1, 0, 6, 7, 9, 11, 16, 19, 4000 };
	struct fixture	*f = *state;
	struct dhcp_decision d;
	struct dhcp_msg	 m;
	const struct inv_host *h;
	const char	*note;
	char		 bf[DHCP_BOOTFILE_MAX + 1], small[8];
	size_t		 i, a, offers = 0;
	int		 ipxe, rc;

	for (i = 0; i < f->snap->nhosts; i++) {
		h = &f->snap->hosts[i];
		for (a = 0; a < sizeof(archs) / sizeof(archs[0]); a++)
			for (ipxe = 0; ipxe < 2; ipxe++) {
				if (ipxe)
					msg_ipxe(&m, h->mac, archs[a]);
				else if (archs[a] == 16 || archs[a] == 19)
					msg_http(&m, h->mac, archs[a]);
				else
					msg_pxe(&m, DHCP_DISCOVER, h->mac,
					    archs[a]);
				rc = dhcp_policy_bootfile(h, f->cfg, archs[a],
				    ipxe, SERVER_IP, bf, sizeof(bf), &note);
				if (decide(f, NULL, &m, SERVER_IP, &d) !=
				    DHCP_ACT_OFFER) {
					/* Off, outside, or too long. */
					if (d.reason == DHCP_R_BOOTFILE_LONG)
						assert_int_equal(rc, -1);
					continue;
				}
				assert_int_equal(rc, 0);
				assert_string_equal(bf, d.reply.bootfile);
				offers++;
				assert_true((note != NULL) ==
				    (d.note != NULL));
			}
	}
	assert_true(offers >= 3 * 9 * 2);
	/* Too small a buffer: -1 and "", not a cut name. */
	h = inv_by_name(f->snap, "web1");
	assert_int_equal(dhcp_policy_bootfile(h, f->cfg, 7, 0, SERVER_IP,
	    small, sizeof(small), &note), -1);
	assert_string_equal(small, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover_offer),
		cmocka_unit_test(test_plain_client),
		cmocka_unit_test(test_bootfile_by_arch),
		cmocka_unit_test(test_bootfile_http_config),
		cmocka_unit_test(test_bootfile_ipxe),
		cmocka_unit_test(test_bootfile_too_long),
		cmocka_unit_test(test_bootfile_profile_override),
		cmocka_unit_test(test_bootfile_profile_fallback),
		cmocka_unit_test(test_next_server),
		cmocka_unit_test(test_request_selecting),
		cmocka_unit_test(test_request_init_reboot),
		cmocka_unit_test(test_request_renewing),
		cmocka_unit_test(test_inform),
		cmocka_unit_test(test_unknown_and_disabled),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_outside_and_no_subnet),
		cmocka_unit_test(test_release_decline),
		cmocka_unit_test(test_other_ignores),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_bootfile_of_host),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
