/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for bootd/config.c: defaults, every setting, each error with
 * its exact "file:line: text", password_file, lookups, printing, the
 * example config, golden files and print/parse round trips.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bootd/addr.h"
#include "bootd/config.h"
#include "bootd/log.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Helpers */

static uint32_t
ip4(const char *s)
{
	uint32_t ip;

	assert_int_equal(addr_ip4_parse(s, &ip), 0);
	return ip;
}

/* config_print() output as a malloc'd string. */
static char *
print_cfg(const struct bootd_config *cfg, int docs)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	config_print(cfg, fp, docs);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static char *
slurp(const char *path)
{
	char	*buf = NULL;
	size_t	 len = 0, n;
	FILE	*fp, *out;
	char	 chunk[4096];

	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(fp);
	fclose(out);
	return buf;
}

/* $BOOTD_SRC/rel, malloc'd. */
static char *
src_path(const char *rel)
{
	const char	*src = getenv("BOOTD_SRC");
	char		*p;

	if (src == NULL)
		fail_msg("BOOTD_SRC is not set (run under ctest)");
	assert_true(asprintf(&p, "%s/%s", src, rel) > 0);
	return p;
}

/* A temporary file holding len bytes of data; returns its malloc'd path. */
static char *
tmp_file(const void *data, size_t len)
{
	const char	*dir = getenv("TMPDIR");
	char		*path;
	int		 fd;

	assert_true(asprintf(&path, "%s/test_config.XXXXXX",
	    dir != NULL ? dir : "/tmp") > 0);
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void
tmp_remove(char *path)
{
	unlink(path);
	free(path);
}

static void
assert_list_equal(const struct config_strlist *a,
    const struct config_strlist *b)
{
	int i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		assert_string_equal(a->items[i], b->items[i]);
}

/* Every field but path; a setting missing here is a setting untested. */
static void
assert_cfg_equal(const struct bootd_config *a, const struct bootd_config *b)
{
	const struct config_subnet	*x, *y;
	int				 i, j;

	assert_string_equal(a->database.host, b->database.host);
	assert_int_equal(a->database.port, b->database.port);
	assert_string_equal(a->database.socket, b->database.socket);
	assert_string_equal(a->database.user, b->database.user);
	assert_string_equal(a->database.password, b->database.password);
	assert_string_equal(a->database.password_file,
	    b->database.password_file);
	assert_string_equal(a->database.name, b->database.name);
	assert_true(a->database.poll_interval == b->database.poll_interval);
	assert_true(a->database.retry_max == b->database.retry_max);
	assert_int_equal(a->database.connect_timeout,
	    b->database.connect_timeout);
	assert_string_equal(a->paths.tftp_root, b->paths.tftp_root);
	assert_string_equal(a->paths.templates, b->paths.templates);
	assert_string_equal(a->paths.cache, b->paths.cache);
	assert_int_equal(a->tftp.enabled, b->tftp.enabled);
	assert_string_equal(a->tftp.listen, b->tftp.listen);
	assert_int_equal(a->tftp.listen_ip, b->tftp.listen_ip);
	assert_int_equal(a->tftp.port, b->tftp.port);
	assert_int_equal(a->http.enabled, b->http.enabled);
	assert_string_equal(a->http.listen, b->http.listen);
	assert_int_equal(a->http.listen_ip, b->http.listen_ip);
	assert_int_equal(a->http.port, b->http.port);
	assert_string_equal(a->http.public_url, b->http.public_url);
	assert_list_equal(&a->http.admin_networks, &b->http.admin_networks);
	for (i = 0; i < a->http.admin_networks.n; i++) {
		assert_int_equal(a->http.admin_nets[i].net,
		    b->http.admin_nets[i].net);
		assert_int_equal(a->http.admin_nets[i].prefix,
		    b->http.admin_nets[i].prefix);
	}
	assert_int_equal(a->dhcp.enabled, b->dhcp.enabled);
	assert_string_equal(a->dhcp.listen, b->dhcp.listen);
	assert_int_equal(a->dhcp.listen_ip, b->dhcp.listen_ip);
	assert_int_equal(a->dhcp.port, b->dhcp.port);
	assert_list_equal(&a->dhcp.interfaces, &b->dhcp.interfaces);
	assert_string_equal(a->dhcp.next_server, b->dhcp.next_server);
	assert_int_equal(a->dhcp.next_server_ip, b->dhcp.next_server_ip);
	assert_string_equal(a->dhcp.bootfile.bios, b->dhcp.bootfile.bios);
	assert_string_equal(a->dhcp.bootfile.efi64, b->dhcp.bootfile.efi64);
	assert_string_equal(a->dhcp.bootfile.arm64, b->dhcp.bootfile.arm64);
	assert_string_equal(a->dhcp.bootfile.ipxe, b->dhcp.bootfile.ipxe);
	assert_int_equal(a->dhcp.nsubnets, b->dhcp.nsubnets);
	for (i = 0; i < a->dhcp.nsubnets; i++) {
		x = &a->dhcp.subnets[i];
		y = &b->dhcp.subnets[i];
		assert_string_equal(x->network, y->network);
		assert_int_equal(x->net, y->net);
		assert_int_equal(x->prefix, y->prefix);
		assert_string_equal(x->router, y->router);
		assert_int_equal(x->router_ip, y->router_ip);
		assert_list_equal(&x->dns, &y->dns);
		for (j = 0; j < x->dns.n; j++)
			assert_int_equal(x->dns_ip[j], y->dns_ip[j]);
		assert_string_equal(x->domain, y->domain);
		assert_int_equal(x->lease_time, y->lease_time);
	}
	assert_int_equal(a->log.level, b->log.level);
	assert_int_equal(a->log.syslog, b->log.syslog);
}

/* Prints cfg, reads it back, and checks both are equal. */
static void
assert_round_trip(const struct bootd_config *cfg, int docs)
{
	struct bootd_config	*back;
	char			 err[CONFIG_ERRLEN] = "";
	char			*text, *again;

	text = print_cfg(cfg, docs);
	back = config_load_string(text, "printed", err, sizeof(err));
	if (back == NULL)
		fail_msg("printed config does not parse: %s\n%s", err, text);
	assert_cfg_equal(cfg, back);
	again = print_cfg(back, docs);
	assert_string_equal(text, again);
	free(again);
	free(text);
	config_free(back);
}

/* Defaults */

static void
test_defaults(void **state)
{
	struct bootd_config *cfg = config_default();

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(cfg->path, "");
	assert_string_equal(cfg->database.host, "localhost");
	assert_int_equal(cfg->database.port, 3306);
	assert_string_equal(cfg->database.socket, "");
	assert_string_equal(cfg->database.user, "bootd");
	assert_string_equal(cfg->database.password, "");
	assert_string_equal(cfg->database.password_file, "");
	assert_string_equal(cfg->database.name, "bootd");
	assert_true(cfg->database.poll_interval == 1.0);
	assert_true(cfg->database.retry_max == 30.0);
	assert_int_equal(cfg->database.connect_timeout, 5);
	assert_string_equal(cfg->paths.tftp_root, "/srv/tftp");
	assert_string_equal(cfg->paths.templates, "/etc/bootd/templates");
	assert_string_equal(cfg->paths.cache, "/var/lib/bootd/inventory.cache");
	assert_string_equal(cfg->process.user, "bootd");
	assert_string_equal(cfg->process.group, "");
	assert_int_equal(cfg->tftp.enabled, 1);
	assert_string_equal(cfg->tftp.listen, "0.0.0.0");
	assert_int_equal(cfg->tftp.listen_ip, 0);
	assert_int_equal(cfg->tftp.port, 69);
	assert_int_equal(cfg->http.enabled, 1);
	assert_string_equal(cfg->http.listen, "0.0.0.0");
	assert_int_equal(cfg->http.port, 80);
	assert_string_equal(cfg->http.public_url, "");
	assert_int_equal(cfg->http.admin_networks.n, 0);
	assert_int_equal(cfg->dhcp.enabled, 0);
	assert_string_equal(cfg->dhcp.listen, "0.0.0.0");
	assert_int_equal(cfg->dhcp.port, 67);
	assert_int_equal(cfg->dhcp.interfaces.n, 0);
	assert_string_equal(cfg->dhcp.next_server, "");
	assert_int_equal(cfg->dhcp.next_server_ip, 0);
	assert_string_equal(cfg->dhcp.bootfile.bios, "pxelinux.0");
	assert_string_equal(cfg->dhcp.bootfile.efi64, "grubx64.efi");
	assert_string_equal(cfg->dhcp.bootfile.arm64, "grubaa64.efi");
	assert_string_equal(cfg->dhcp.bootfile.ipxe, "");
	assert_int_equal(cfg->dhcp.nsubnets, 0);
	assert_int_equal(cfg->log.level, LOG_LVL_INFO);
	assert_int_equal(cfg->log.syslog, 0);
	config_free(cfg);
}

/* An empty file, and one with only empty groups, are all defaults. */
static void
test_empty_is_default(void **state)
{
	static const char *const texts[] = {
		"",
		"# nothing\n",
		"database = { }; paths = { }; tftp = { }; http = { };\n"
		"dhcp = { bootfile = { }; subnets = ( ); }; log = { };\n",
		"http = { admin_networks = ( ); };\n"
		"dhcp = { subnets = [ ]; interfaces = ( ); };\n",
	};
	struct bootd_config	*def = config_default(), *cfg;
	char			 err[CONFIG_ERRLEN];
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(texts); i++) {
		cfg = config_load_string(texts[i], "empty.conf", err,
		    sizeof(err));
		if (cfg == NULL)
			fail_msg("%s", err);
		assert_string_equal(cfg->path, "empty.conf");
		assert_cfg_equal(def, cfg);
		config_free(cfg);
	}
	config_free(def);
}

/* Every setting */

static void
test_full(void **state)
{
	struct bootd_config		*cfg;
	const struct config_subnet	*sn;
	char				 err[CONFIG_ERRLEN];
	char				*path;

	(void)state;
	path = src_path("tests/golden/config-full.in");
	cfg = config_load(path, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->database.host, "db1.example.org");
	assert_int_equal(cfg->database.port, 3307);
	assert_string_equal(cfg->database.socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(cfg->database.user, "pxe");
	assert_string_equal(cfg->database.password, "s3cret");
	assert_string_equal(cfg->database.password_file, "");
	assert_string_equal(cfg->database.name, "inventory");
	assert_true(cfg->database.poll_interval == 0.25);
	assert_true(cfg->database.retry_max == 120.0);
	assert_int_equal(cfg->database.connect_timeout, 10);
	assert_string_equal(cfg->paths.tftp_root, "/var/lib/tftpboot");
	assert_string_equal(cfg->paths.templates,
	    "/usr/local/etc/bootd/templates");
	assert_string_equal(cfg->paths.cache, "/var/cache/bootd/inv.cache");
	assert_string_equal(cfg->process.user, "pxeboot");
	assert_string_equal(cfg->process.group, "netboot");
	assert_int_equal(cfg->tftp.enabled, 0);
	assert_string_equal(cfg->tftp.listen, "192.168.1.2");
	assert_int_equal(cfg->tftp.listen_ip, ip4("192.168.1.2"));
	assert_int_equal(cfg->tftp.port, 1069);
	assert_int_equal(cfg->http.enabled, 0);
	assert_string_equal(cfg->http.listen, "192.168.1.2");
	assert_int_equal(cfg->http.listen_ip, ip4("192.168.1.2"));
	assert_int_equal(cfg->http.port, 8080);
	assert_string_equal(cfg->http.public_url,
	    "https://boot.example.org/bootd");
	assert_int_equal(cfg->http.admin_networks.n, 3);
	assert_string_equal(cfg->http.admin_networks.items[1], "192.168.1.10");
	assert_int_equal(cfg->http.admin_nets[0].net, ip4("10.0.0.0"));
	assert_int_equal(cfg->http.admin_nets[0].prefix, 8);
	assert_int_equal(cfg->http.admin_nets[1].net, ip4("192.168.1.10"));
	assert_int_equal(cfg->http.admin_nets[1].prefix, 32);
	assert_int_equal(cfg->http.admin_nets[2].net, ip4("172.16.0.0"));
	assert_int_equal(cfg->http.admin_nets[2].prefix, 12);
	assert_int_equal(cfg->dhcp.enabled, 1);
	assert_string_equal(cfg->dhcp.listen, "192.168.1.2");
	assert_int_equal(cfg->dhcp.listen_ip, ip4("192.168.1.2"));
	assert_int_equal(cfg->dhcp.port, 1067);
	assert_int_equal(cfg->dhcp.interfaces.n, 2);
	assert_string_equal(cfg->dhcp.interfaces.items[0], "eth0");
	assert_string_equal(cfg->dhcp.interfaces.items[1], "br-pxe");
	assert_string_equal(cfg->dhcp.next_server, "192.168.1.3");
	assert_int_equal(cfg->dhcp.next_server_ip, ip4("192.168.1.3"));
	assert_string_equal(cfg->dhcp.bootfile.bios, "lpxelinux.0");
	assert_string_equal(cfg->dhcp.bootfile.efi64, "shimx64.efi");
	assert_string_equal(cfg->dhcp.bootfile.arm64, "shimaa64.efi");
	assert_string_equal(cfg->dhcp.bootfile.ipxe,
	    "http://192.168.1.2:8080/ipxe");
	assert_int_equal(cfg->dhcp.nsubnets, 2);
	sn = &cfg->dhcp.subnets[0];
	assert_string_equal(sn->network, "192.168.1.0/24");
	assert_int_equal(sn->net, ip4("192.168.1.0"));
	assert_int_equal(sn->prefix, 24);
	assert_string_equal(sn->router, "192.168.1.1");
	assert_int_equal(sn->router_ip, ip4("192.168.1.1"));
	assert_int_equal(sn->dns.n, 2);
	assert_string_equal(sn->dns.items[1], "9.9.9.9");
	assert_int_equal(sn->dns_ip[0], ip4("192.168.1.1"));
	assert_int_equal(sn->dns_ip[1], ip4("9.9.9.9"));
	assert_string_equal(sn->domain, "lab.example.org");
	assert_int_equal(sn->lease_time, 3600);
	sn = &cfg->dhcp.subnets[1];
	assert_string_equal(sn->network, "10.20.0.0/16");
	assert_int_equal(sn->net, ip4("10.20.0.0"));
	assert_int_equal(sn->prefix, 16);
	assert_string_equal(sn->router, "");
	assert_int_equal(sn->router_ip, 0);
	assert_int_equal(sn->dns.n, 0);
	assert_string_equal(sn->domain, "");
	assert_int_equal(sn->lease_time, 60);
	assert_int_equal(cfg->log.level, LOG_LVL_DEBUG);
	assert_int_equal(cfg->log.syslog, 1);
	config_free(cfg);
	free(path);
}

/* Numbers: an integer where a float goes, 64-bit and hex literals. */
static void
test_numbers(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN];

	(void)state;
	cfg = config_load_string("database = { poll_interval = 2; "
	    "retry_max = 7L; port = 0x10; connect_timeout = 300L; };",
	    "n.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(cfg->database.poll_interval == 2.0);
	assert_true(cfg->database.retry_max == 7.0);
	assert_int_equal(cfg->database.port, 16);
	assert_int_equal(cfg->database.connect_timeout, 300);
	config_free(cfg);

	/* Range ends are inclusive. */
	cfg = config_load_string("database = { poll_interval = 0.05; "
	    "retry_max = 3600; connect_timeout = 1; port = 65535; };\n"
	    "dhcp = { subnets = ( { network = \"10.0.0.0/8\"; "
	    "lease_time = 31536000; }, { network = \"11.0.0.0/8\"; "
	    "lease_time = 60; } ); };", "n.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(cfg->database.poll_interval == 0.05);
	assert_int_equal(cfg->dhcp.subnets[0].lease_time, 31536000);
	assert_int_equal(cfg->dhcp.subnets[1].lease_time, 60);
	config_free(cfg);
}

/* Errors */

struct err_case {
	const char	*text;
	const char	*want;
};

static const struct err_case err_cases[] = {
	/* Syntax, from libconfig. */
	{ "database = {\n    port = ;\n};\n",
	    "bootd.conf:2: syntax error" },
	{ "tftp = { port = 69; };\ntftp = { port = 70; };\n",
	    "bootd.conf:2: duplicate setting name" },
	/* Unknown settings, with their full path. */
	{ "\nlisten = \"0.0.0.0\";\n",
	    "bootd.conf:2: unknown setting \"listen\"" },
	{ "tftp = {\n    enabled = true;\n    blocksize = 1468;\n};\n",
	    "bootd.conf:3: unknown setting \"tftp.blocksize\"" },
	{ "dhcp = {\n  bootfile = {\n    efi32 = \"x.efi\";\n  };\n};\n",
	    "bootd.conf:3: unknown setting \"dhcp.bootfile.efi32\"" },
	{ "dhcp = {\n subnets = (\n  { network = \"10.0.0.0/24\"; },\n"
	    "  { network = \"10.1.0.0/24\";\n    gateway = \"10.1.0.1\"; }\n"
	    " );\n};\n",
	    "bootd.conf:5: unknown setting \"dhcp.subnets[1].gateway\"" },
	{ "database = { Host = \"db\"; };",
	    "bootd.conf:1: unknown setting \"database.Host\"" },
	/* Groups. */
	{ "tftp = 69;\n", "bootd.conf:1: tftp: expected a group" },
	{ "dhcp = { bootfile = \"pxelinux.0\"; };",
	    "bootd.conf:1: dhcp.bootfile: expected a group" },
	{ "log = ( \"info\" );", "bootd.conf:1: log: expected a group" },
	/* Types. */
	{ "database = {\n    port = 3306.0;\n};",
	    "bootd.conf:2: database.port: expected an integer" },
	{ "database = { port = \"3306\"; };",
	    "bootd.conf:1: database.port: expected an integer" },
	{ "tftp = { port = true; };",
	    "bootd.conf:1: tftp.port: expected an integer" },
	{ "tftp = { enabled = 1; };",
	    "bootd.conf:1: tftp.enabled: expected true or false" },
	{ "log = { syslog = \"yes\"; };",
	    "bootd.conf:1: log.syslog: expected true or false" },
	{ "database = { host = 5; };",
	    "bootd.conf:1: database.host: expected a string" },
	{ "tftp = { listen = [ \"0.0.0.0\" ]; };",
	    "bootd.conf:1: tftp.listen: expected a string" },
	{ "log = { level = 3; };",
	    "bootd.conf:1: log.level: expected a string" },
	{ "database = { poll_interval = \"1\"; };",
	    "bootd.conf:1: database.poll_interval: expected a number" },
	{ "database = { retry_max = false; };",
	    "bootd.conf:1: database.retry_max: expected a number" },
	{ "http = { admin_networks = \"10.0.0.0/8\"; };",
	    "bootd.conf:1: http.admin_networks: expected a list of strings" },
	{ "dhcp = { interfaces = { eth0 = 1; }; };",
	    "bootd.conf:1: dhcp.interfaces: expected a list of strings" },
	{ "dhcp = {\n  interfaces = [ 1, 2 ];\n};",
	    "bootd.conf:2: dhcp.interfaces[0]: expected a string" },
	{ "dhcp = { interfaces = ( \"eth0\", 2 ); };",
	    "bootd.conf:1: dhcp.interfaces[1]: expected a string" },
	{ "dhcp = { subnets = ( { network = \"10.0.0.0/24\"; "
	    "dns = \"10.0.0.1\"; } ); };",
	    "bootd.conf:1: dhcp.subnets[0].dns: expected a list of strings" },
	{ "dhcp = { subnets = { network = \"10.0.0.0/24\"; }; };",
	    "bootd.conf:1: dhcp.subnets: expected a list of groups" },
	{ "dhcp = { subnets = [ \"10.0.0.0/24\" ]; };",
	    "bootd.conf:1: dhcp.subnets: expected a list of groups" },
	{ "dhcp = { subnets = (\n \"10.0.0.0/24\"\n ); };",
	    "bootd.conf:1: dhcp.subnets[0]: expected a group" },
	{ "dhcp = { subnets = ( { network = \"10.0.0.0/24\"; "
	    "lease_time = 600.0; } ); };",
	    "bootd.conf:1: dhcp.subnets[0].lease_time: expected an integer" },
	/* Ranges. */
	{ "database = { port = 0; };",
	    "bootd.conf:1: database.port: 0 is out of range 1..65535" },
	{ "http = { port = 65536; };",
	    "bootd.conf:1: http.port: 65536 is out of range 1..65535" },
	{ "dhcp = { port = -67; };",
	    "bootd.conf:1: dhcp.port: -67 is out of range 1..65535" },
	{ "tftp = { port = 70000000000L; };",
	    "bootd.conf:1: tftp.port: 70000000000 is out of range 1..65535" },
	{ "database = { connect_timeout = 301; };",
	    "bootd.conf:1: database.connect_timeout: 301 is out of range "
	    "1..300" },
	{ "database = { poll_interval = 0.01; };",
	    "bootd.conf:1: database.poll_interval: 0.01 is out of range "
	    "0.05..3600" },
	{ "database = { retry_max = 0.5; };",
	    "bootd.conf:1: database.retry_max: 0.5 is out of range 1..3600" },
	{ "database = { retry_max = 3601; };",
	    "bootd.conf:1: database.retry_max: 3601 is out of range 1..3600" },
	{ "dhcp = { subnets = ( { network = \"10.0.0.0/24\";\n"
	    "lease_time = 59; } ); };",
	    "bootd.conf:2: dhcp.subnets[0].lease_time: 59 is out of range "
	    "60..31536000" },
	{ "dhcp = { subnets = ( { network = \"10.0.0.0/24\"; "
	    "lease_time = 31536001; } ); };",
	    "bootd.conf:1: dhcp.subnets[0].lease_time: 31536001 is out of "
	    "range 60..31536000" },
	{ "log = { level = \"verbose\"; };",
	    "bootd.conf:1: log.level: \"verbose\" is not one of error, warn, "
	    "info, debug" },
	{ "log = { level = \"INFO\"; };",
	    "bootd.conf:1: log.level: \"INFO\" is not one of error, warn, "
	    "info, debug" },
	/* Values are escaped in messages. */
	{ "log = { level = \"in\\\"fo\\n\"; };",
	    "bootd.conf:1: log.level: \"in\\x22fo\\x0a\" is not one of error, "
	    "warn, info, debug" },
	/* Addresses. */
	{ "tftp = { listen = \"1.2.3\"; };",
	    "bootd.conf:1: tftp.listen: \"1.2.3\" is not an IPv4 address" },
	{ "http = { listen = \"\"; };",
	    "bootd.conf:1: http.listen: \"\" is not an IPv4 address" },
	{ "dhcp = { listen = \"localhost\"; };",
	    "bootd.conf:1: dhcp.listen: \"localhost\" is not an IPv4 "
	    "address" },
	{ "dhcp = { next_server = \"10.0.0.256\"; };",
	    "bootd.conf:1: dhcp.next_server: \"10.0.0.256\" is not an IPv4 "
	    "address" },
	{ "dhcp = { interfaces = [ \"eth0\", \"\" ]; };",
	    "bootd.conf:1: dhcp.interfaces[1]: \"\" is not an interface "
	    "name" },
	{ "dhcp = { interfaces = [ \"averyveryverylongname0\" ]; };",
	    "bootd.conf:1: dhcp.interfaces[0]: \"averyveryverylongname0\" is "
	    "not an interface name" },
	{ "http = {\n  admin_networks = [\n    \"10.0.0.0/8\",\n"
	    "    \"10.0.0.0/33\"\n  ];\n};",
	    "bootd.conf:2: http.admin_networks[1]: \"10.0.0.0/33\" is not a "
	    "network in CIDR form (a.b.c.d/n, host bits zero)" },
	{ "http = { admin_networks = [ \"10.0.0.1/8\" ]; };",
	    "bootd.conf:1: http.admin_networks[0]: \"10.0.0.1/8\" is not a "
	    "network in CIDR form (a.b.c.d/n, host bits zero)" },
	{ "dhcp = { subnets = (\n  {\n    network = \"10.0.0.1/24\";\n  }\n"
	    "); };",
	    "bootd.conf:3: dhcp.subnets[0].network: \"10.0.0.1/24\" is not a "
	    "network in CIDR form (a.b.c.d/n, host bits zero)" },
	{ "dhcp = { subnets = ( { network = \"10.0.0/24\"; } ); };",
	    "bootd.conf:1: dhcp.subnets[0].network: \"10.0.0/24\" is not a "
	    "network in CIDR form (a.b.c.d/n, host bits zero)" },
	{ "dhcp = { subnets = ( { network = \"10.0.0.0/24\"; "
	    "router = \"gw\"; } ); };",
	    "bootd.conf:1: dhcp.subnets[0].router: \"gw\" is not an IPv4 "
	    "address" },
	{ "dhcp = { subnets = ( { network = \"10.0.0.0/24\";\n"
	    "dns = [ \"10.0.0.1\", \"ns.example.org\" ]; } ); };",
	    "bootd.conf:2: dhcp.subnets[0].dns[1]: \"ns.example.org\" is not "
	    "an IPv4 address" },
	{ "dhcp = { subnets = ( { network = \"10.0.0.0/24\"; dns = [ "
	    "\"1.1.1.1\", \"1.1.1.2\", \"1.1.1.3\", \"1.1.1.4\", \"1.1.1.5\", "
	    "\"1.1.1.6\", \"1.1.1.7\", \"1.1.1.8\", \"1.1.1.9\" ]; } ); };",
	    "bootd.conf:1: dhcp.subnets[0].dns: more than 8 entries" },
	{ "dhcp = {\n  subnets = (\n    {\n      router = \"10.0.0.1\";\n"
	    "    }\n  );\n};",
	    "bootd.conf:3: dhcp.subnets[0]: missing \"network\"" },
	{ "dhcp = { subnets = ( {\n  network = \"10.0.0.0/24\";\n"
	    "  router = \"10.0.1.1\";\n} ); };",
	    "bootd.conf:3: dhcp.subnets[0].router: 10.0.1.1 is outside "
	    "10.0.0.0/24" },
	{ "dhcp = { subnets = (\n  { network = \"10.0.0.0/24\"; },\n"
	    "  { network = \"10.0.1.0/24\"; },\n"
	    "  { network = \"10.0.0.128/25\"; }\n); };",
	    "bootd.conf:4: dhcp.subnets[2].network: 10.0.0.128/25 overlaps "
	    "dhcp.subnets[0] (10.0.0.0/24)" },
	{ "dhcp = { subnets = (\n  { network = \"10.0.1.0/24\"; },\n"
	    "  { network = \"10.0.0.0/16\"; }\n); };",
	    "bootd.conf:3: dhcp.subnets[1].network: 10.0.0.0/16 overlaps "
	    "dhcp.subnets[0] (10.0.1.0/24)" },
	{ "dhcp = { subnets = (\n  { network = \"10.0.0.0/24\"; },\n"
	    "  { network = \"10.0.0.0/24\"; }\n); };",
	    "bootd.conf:3: dhcp.subnets[1].network: 10.0.0.0/24 overlaps "
	    "dhcp.subnets[0] (10.0.0.0/24)" },
	/* URL. */
	{ "http = { public_url = \"ftp://boot\"; };",
	    "bootd.conf:1: http.public_url: \"ftp://boot\" is not an http:// "
	    "or https:// URL" },
	{ "http = { public_url = \"http://\"; };",
	    "bootd.conf:1: http.public_url: \"http://\" is not an http:// or "
	    "https:// URL" },
	/* A URL goes out as one word: an iPXE script line, a DHCP field. */
	{ "tftp = { autoexec_default = \"http://boot/x\\nshell\"; };",
	    "bootd.conf:1: tftp.autoexec_default: \"http://boot/x\\x0ashell\" "
	    "is not a URL: holds a blank or a quote" },
	{ "tftp = { autoexec_default = \"tftp://boot/x\"; };",
	    "bootd.conf:1: tftp.autoexec_default: \"tftp://boot/x\" is not "
	    "an http:// or https:// URL" },
	{ "http = { public_url = \"boot.example.org\"; };",
	    "bootd.conf:1: http.public_url: \"boot.example.org\" is not an "
	    "http:// or https:// URL" },
	/* Password. */
	{ "database = {\n  password = \"x\";\n"
	    "  password_file = \"/etc/bootd/db.pass\";\n};",
	    "bootd.conf:3: database.password_file: cannot be used together "
	    "with database.password" },
	{ "database = { password_file = \"/nonexistent/db.pass\"; };",
	    "bootd.conf:1: database.password_file: \"/nonexistent/db.pass\": "
	    "No such file or directory" },
	{ "database = { password_file = \"/\"; };",
	    "bootd.conf:1: database.password_file: \"/\": not a regular file "
	    "(directory)" },
};

static void
test_errors(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN];
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(err_cases); i++) {
		snprintf(err, sizeof(err), "(unset)");
		cfg = config_load_string(err_cases[i].text, "bootd.conf", err,
		    sizeof(err));
		if (cfg != NULL) {
			config_free(cfg);
			fail_msg("case %zu loaded: %s", i, err_cases[i].text);
		}
		if (strcmp(err, err_cases[i].want) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, err,
			    err_cases[i].want);
	}
}

/* More entries than a list holds: one past CONFIG_MAX_LIST. */
static void
test_too_many(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], *text = NULL, *want;
	size_t			 len = 0;
	FILE			*fp;
	int			 i, n;

	(void)state;
	for (n = CONFIG_MAX_LIST; n <= CONFIG_MAX_LIST + 1; n++) {
		fp = open_memstream(&text, &len);
		assert_non_null(fp);
		fputs("http = { admin_networks = [", fp);
		for (i = 0; i < n; i++)
			fprintf(fp, "%s \"10.0.%d.0/24\"", i ? "," : "", i);
		fputs(" ]; };\ndhcp = { subnets = (", fp);
		for (i = 0; i < n; i++)
			fprintf(fp, "%s { network = \"10.1.%d.0/24\"; }",
			    i ? "," : "", i);
		fputs(" ); };\n", fp);
		fclose(fp);
		cfg = config_load_string(text, "bootd.conf", err, sizeof(err));
		if (n == CONFIG_MAX_LIST) {
			if (cfg == NULL)
				fail_msg("%s", err);
			assert_int_equal(cfg->http.admin_networks.n, n);
			assert_int_equal(cfg->dhcp.nsubnets, n);
			assert_true(config_is_admin(cfg, ip4("10.0.63.9")));
			assert_non_null(config_subnet_for(cfg,
			    ip4("10.1.63.9")));
		} else {
			assert_null(cfg);
			assert_true(asprintf(&want, "bootd.conf:1: "
			    "http.admin_networks: more than %d entries",
			    CONFIG_MAX_LIST) > 0);
			assert_string_equal(err, want);
			free(want);
		}
		config_free(cfg);
		free(text);
		text = NULL;
	}

	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	fputs("dhcp = {\n  subnets = (", fp);
	for (i = 0; i <= CONFIG_MAX_LIST; i++)
		fprintf(fp, "%s { network = \"10.1.%d.0/24\"; }", i ? "," : "",
		    i);
	fputs(" );\n};\n", fp);
	fclose(fp);
	assert_null(config_load_string(text, "bootd.conf", err, sizeof(err)));
	assert_true(asprintf(&want, "bootd.conf:2: dhcp.subnets: more than "
	    "%d entries", CONFIG_MAX_LIST) > 0);
	assert_string_equal(err, want);
	free(want);
	free(text);
}

/* Errors from files: missing, a directory, syntax and setting errors. */
static void
test_file_errors(void **state)
{
	static const char bad_syntax[] = "tftp = {\n\n  port 69;\n};\n";
	static const char bad_value[] = "# comment\n\ntftp = {\n"
	    "  port = 0;\n};\n";
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], want[CONFIG_ERRLEN];
	char			*path;

	(void)state;
	cfg = config_load("/nonexistent/bootd.conf", err, sizeof(err));
	assert_null(cfg);
	assert_string_equal(err,
	    "/nonexistent/bootd.conf: No such file or directory");

	cfg = config_load("/", err, sizeof(err));
	assert_null(cfg);
	assert_string_equal(err, "/: not a regular file (directory)");

	path = tmp_file(bad_syntax, sizeof(bad_syntax) - 1);
	assert_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:3: syntax error", path);
	assert_string_equal(err, want);
	tmp_remove(path);

	path = tmp_file(bad_value, sizeof(bad_value) - 1);
	assert_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: tftp.port: 0 is out of range "
	    "1..65535", path);
	assert_string_equal(err, want);
	tmp_remove(path);

	/* A string error names the string. */
	assert_null(config_load_string("foo = ;", "other.conf", err,
	    sizeof(err)));
	assert_string_equal(err, "other.conf:1: syntax error");
}

/* Password file */

static struct bootd_config *
load_pwfile(const char *content, size_t len, char *err, size_t errlen,
    char **pathp)
{
	struct bootd_config	*cfg;
	char			*text;

	*pathp = tmp_file(content, len);
	assert_true(asprintf(&text, "database = {\n  user = \"u\";\n"
	    "  password_file = \"%s\";\n};\n", *pathp) > 0);
	cfg = config_load_string(text, "bootd.conf", err, errlen);
	free(text);
	return cfg;
}

static void
test_password_file(void **state)
{
	static const struct {
		const char	*content;
		const char	*password;
	} ok[] = {
		{ "s3cret\n", "s3cret" },
		{ "s3cret", "s3cret" },
		{ "s3cret\r\n", "s3cret" },
		{ "first line\nsecond line\n", "first line" },
		{ " spaced \t\n", " spaced \t" },
	};
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], want[CONFIG_ERRLEN];
	char			 big[1030], *path, *out;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(ok); i++) {
		cfg = load_pwfile(ok[i].content, strlen(ok[i].content), err,
		    sizeof(err), &path);
		if (cfg == NULL)
			fail_msg("%s", err);
		assert_string_equal(cfg->database.password, ok[i].password);
		assert_string_equal(cfg->database.password_file, path);
		/* Printed without the password, and it reads back. */
		out = print_cfg(cfg, 0);
		assert_null(strstr(out, ok[i].password));
		assert_non_null(strstr(out, "    password = \"\";\n"));
		free(out);
		assert_round_trip(cfg, 0);
		config_free(cfg);
		tmp_remove(path);
	}

	/* 1024 bytes is the longest line. */
	memset(big, 'p', sizeof(big));
	big[1024] = '\n';
	cfg = load_pwfile(big, 1025, err, sizeof(err), &path);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(strlen(cfg->database.password), 1024);
	config_free(cfg);
	tmp_remove(path);

	big[1024] = 'p';
	cfg = load_pwfile(big, sizeof(big), err, sizeof(err), &path);
	assert_null(cfg);
	snprintf(want, sizeof(want), "bootd.conf:3: database.password_file: "
	    "\"%s\": first line is longer than 1024 bytes", path);
	assert_string_equal(err, want);
	tmp_remove(path);

	cfg = load_pwfile("\nsecond\n", 8, err, sizeof(err), &path);
	assert_null(cfg);
	snprintf(want, sizeof(want), "bootd.conf:3: database.password_file: "
	    "\"%s\": first line is empty", path);
	assert_string_equal(err, want);
	tmp_remove(path);

	cfg = load_pwfile("", 0, err, sizeof(err), &path);
	assert_null(cfg);
	snprintf(want, sizeof(want), "bootd.conf:3: database.password_file: "
	    "\"%s\": first line is empty", path);
	assert_string_equal(err, want);
	tmp_remove(path);

	cfg = load_pwfile("a\0b\n", 4, err, sizeof(err), &path);
	assert_null(cfg);
	snprintf(want, sizeof(want), "bootd.conf:3: database.password_file: "
	    "\"%s\": first line is not text", path);
	assert_string_equal(err, want);
	tmp_remove(path);

	/* An empty password beside password_file is no conflict. */
	path = tmp_file("pw\n", 3);
	snprintf(want, sizeof(want), "database = { password = \"\"; "
	    "password_file = \"%s\"; };", path);
	cfg = config_load_string(want, "bootd.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->database.password, "pw");
	config_free(cfg);

	/* Unreadable: skipped when root, who reads anything. */
	if (geteuid() != 0) {
		assert_int_equal(chmod(path, 0), 0);
		snprintf(want, sizeof(want), "database = { "
		    "password_file = \"%s\"; };", path);
		assert_null(config_load_string(want, "bootd.conf", err,
		    sizeof(err)));
		snprintf(want, sizeof(want), "bootd.conf:1: "
		    "database.password_file: \"%s\": Permission denied", path);
		assert_string_equal(err, want);
	}
	tmp_remove(path);
}

/* Lookups */

static void
test_subnet_for(void **state)
{
	struct bootd_config		*cfg;
	const struct config_subnet	*sn;
	char				 err[CONFIG_ERRLEN];

	(void)state;
	cfg = config_load_string("dhcp = { subnets = (\n"
	    " { network = \"10.0.0.0/24\"; router = \"10.0.0.1\"; },\n"
	    " { network = \"10.1.0.0/16\"; },\n"
	    " { network = \"192.168.7.7\"; }\n); };", "s.conf", err,
	    sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	sn = config_subnet_for(cfg, ip4("10.0.0.77"));
	assert_ptr_equal(sn, &cfg->dhcp.subnets[0]);
	assert_ptr_equal(config_subnet_for(cfg, ip4("10.0.0.0")), sn);
	assert_ptr_equal(config_subnet_for(cfg, ip4("10.0.0.255")), sn);
	assert_null(config_subnet_for(cfg, ip4("10.0.1.0")));
	assert_ptr_equal(config_subnet_for(cfg, ip4("10.1.255.254")),
	    &cfg->dhcp.subnets[1]);
	assert_ptr_equal(config_subnet_for(cfg, ip4("192.168.7.7")),
	    &cfg->dhcp.subnets[2]);
	assert_int_equal(cfg->dhcp.subnets[2].prefix, 32);
	assert_null(config_subnet_for(cfg, ip4("192.168.7.8")));
	assert_null(config_subnet_for(cfg, ip4("11.0.0.1")));
	config_free(cfg);

	cfg = config_default();
	assert_null(config_subnet_for(cfg, ip4("10.0.0.1")));
	config_free(cfg);
}

static void
test_is_admin(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN];

	(void)state;
	cfg = config_default();
	assert_false(config_is_admin(cfg, ip4("127.0.0.1")));
	assert_false(config_is_admin(cfg, ip4("10.0.0.1")));
	config_free(cfg);

	cfg = config_load_string("http = { admin_networks = [ "
	    "\"10.0.0.0/8\", \"192.168.1.10\", \"172.16.0.0/31\" ]; };",
	    "a.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(config_is_admin(cfg, ip4("10.0.0.0")));
	assert_true(config_is_admin(cfg, ip4("10.255.255.255")));
	assert_false(config_is_admin(cfg, ip4("11.0.0.0")));
	assert_true(config_is_admin(cfg, ip4("192.168.1.10")));
	assert_false(config_is_admin(cfg, ip4("192.168.1.11")));
	assert_false(config_is_admin(cfg, ip4("192.168.1.9")));
	assert_true(config_is_admin(cfg, ip4("172.16.0.1")));
	assert_false(config_is_admin(cfg, ip4("172.16.0.2")));
	config_free(cfg);

	cfg = config_load_string("http = { admin_networks = [ \"0.0.0.0/0\" "
	    "]; };", "a.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(config_is_admin(cfg, ip4("203.0.113.9")));
	config_free(cfg);
}

/* Printing */

static void
test_print_masks_password(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], *out;

	(void)state;
	cfg = config_load_string("database = { password = \"hunter2\"; };",
	    "p.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->database.password, "hunter2");
	out = print_cfg(cfg, 0);
	assert_null(strstr(out, "hunter2"));
	assert_non_null(strstr(out, "\n    password = \"********\";\n"));
	free(out);
	out = print_cfg(cfg, 1);
	assert_null(strstr(out, "hunter2"));
	assert_non_null(strstr(out, "\n    password = \"********\";\n"));
	free(out);
	config_free(cfg);

	/* No password: nothing to mask. */
	cfg = config_default();
	out = print_cfg(cfg, 0);
	assert_non_null(strstr(out, "\n    password = \"\";\n"));
	free(out);
	config_free(cfg);
}

/* Quotes, backslashes and control characters print back as themselves. */
static void
test_print_escapes(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], *out;

	(void)state;
	cfg = config_load_string("database = { user = \"a\\\"b\\\\c\"; "
	    "name = \"t\\tn\\nx\\x01\\x7f\"; };\n"
	    "dhcp = { subnets = ( { network = \"10.0.0.0/8\"; "
	    "domain = \"caf\\xc3\\xa9.example\"; } ); };", "e.conf", err,
	    sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->database.user, "a\"b\\c");
	assert_string_equal(cfg->database.name, "t\tn\nx\x01\x7f");
	assert_string_equal(cfg->dhcp.subnets[0].domain, "caf\xc3\xa9.example");
	out = print_cfg(cfg, 0);
	assert_non_null(strstr(out, "user = \"a\\\"b\\\\c\";"));
	assert_non_null(strstr(out, "name = \"t\\tn\\nx\\x01\\x7f\";"));
	free(out);
	assert_round_trip(cfg, 0);
	assert_round_trip(cfg, 1);
	config_free(cfg);
}

/* Doubles print exactly and read back as floats. */
static void
test_print_doubles(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "1", "1.0" },
		{ "30", "30.0" },
		{ "3600", "3600.0" },
		{ "0.05", "0.05" },
		{ "0.1", "0.1" },
		{ "1.5", "1.5" },
		{ "2.718281828459045", "2.718281828459045" },
		{ "123.456", "123.456" },
	};
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], text[128], want[128];
	char			*out;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		snprintf(text, sizeof(text), "database = { poll_interval = "
		    "%s; };", cases[i].in);
		cfg = config_load_string(text, "d.conf", err, sizeof(err));
		if (cfg == NULL)
			fail_msg("%s", err);
		out = print_cfg(cfg, 0);
		snprintf(want, sizeof(want), "    poll_interval = %s;\n",
		    cases[i].out);
		if (strstr(out, want) == NULL)
			fail_msg("%s: want \"%s\" in\n%s", cases[i].in, want,
			    out);
		free(out);
		assert_round_trip(cfg, 0);
		config_free(cfg);
	}
}

/* The documented output has a doc line per setting, and samples. */
static void
test_print_docs(void **state)
{
	struct bootd_config	*cfg = config_default();
	char			*out, *line, *next;
	const char		*prev;

	(void)state;
	out = print_cfg(cfg, 1);
	assert_non_null(strstr(out, "    # Server TCP port, 1..65535 "
	    "(default: 3306)\n    port = 3306;\n"));
	assert_non_null(strstr(out, "(default: \"info\")\n    level = "
	    "\"info\";\n"));
	assert_non_null(strstr(out, "    # admin_networks = [ \"10.0.0.0/8\", "
	    "\"192.168.1.10\" ];\n    admin_networks = [ ];\n"));
	assert_non_null(strstr(out, "    # subnets = (\n    #     {\n"));
	assert_non_null(strstr(out, "    #         network = "
	    "\"10.0.0.0/24\";\n"));
	assert_non_null(strstr(out, "    #         router = \"10.0.0.1\";\n"));
	assert_non_null(strstr(out, "    #         dns = [ \"10.0.0.1\" ];\n"));
	assert_non_null(strstr(out, "    # );\n    subnets = ( );\n"));
	/* Every setting line follows a comment; no line is too wide. */
	prev = "";
	for (line = out; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		if ((size_t)(next - line - 1) > 79)
			fail_msg("line wider than 79: %s", line);
		if (strstr(line, " = ") != NULL && line[strspn(line, " ")] !=
		    '#' && strstr(prev, "#") == NULL)
			fail_msg("no doc above: %s", line);
		if (line[0] != '\0' && line[strlen(line) - 1] == ' ')
			fail_msg("trailing space: \"%s\"", line);
		prev = line;
	}
	free(out);

	/* No docs: no comments at all. */
	out = print_cfg(cfg, 0);
	assert_null(strchr(out, '#'));
	free(out);
	config_free(cfg);
}

/* bootd.conf.example is exactly what the table prints. */
static void
test_example_file(void **state)
{
	struct bootd_config	*cfg = config_default(), *ex;
	char			*path = src_path("bootd.conf.example");
	char			*want, *got, err[CONFIG_ERRLEN];

	(void)state;
	got = slurp(path);
	want = print_cfg(cfg, 1);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs from config_print(config_default(), fp, "
		    "1); regenerate it", path);
	/* And it loads as the defaults. */
	ex = config_load(path, err, sizeof(err));
	if (ex == NULL)
		fail_msg("%s", err);
	assert_cfg_equal(cfg, ex);
	config_free(ex);
	free(got);
	free(want);
	free(path);
	config_free(cfg);
}

/* man/bootd.conf.5 is exactly what the table prints as a manual page. */
static void
test_man_file(void **state)
{
	char	*path = src_path("man/bootd.conf.5");
	char	*want = NULL, *got;
	size_t	 len = 0;
	FILE	*fp;

	(void)state;
	got = slurp(path);
	fp = open_memstream(&want, &len);
	assert_non_null(fp);
	config_print_man(fp);
	assert_int_equal(fclose(fp), 0);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs from config_print_man(); regenerate it "
		    "with bootd --man-config", path);
	/* Elements of a list of groups are named as such. */
	assert_non_null(strstr(got, "\\fBdhcp.subnets[\\fIn\\fB].lease_time"));
	assert_non_null(strstr(got, "\\fBlog.syslog\\fR"));
	free(got);
	free(want);
	free(path);
}

/* Golden files: tests/golden/config-NAME.in printed is config-NAME.ok. */
static void
test_golden(void **state)
{
	static const char *const names[] = { "full", "quirks" };
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], rel[128];
	char			*in, *ok, *want, *got;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(names); i++) {
		snprintf(rel, sizeof(rel), "tests/golden/config-%s.in",
		    names[i]);
		in = src_path(rel);
		snprintf(rel, sizeof(rel), "tests/golden/config-%s.ok",
		    names[i]);
		ok = src_path(rel);
		cfg = config_load(in, err, sizeof(err));
		if (cfg == NULL)
			fail_msg("%s", err);
		want = slurp(ok);
		got = print_cfg(cfg, 0);
		if (strcmp(got, want) != 0)
			fail_msg("%s: output differs from %s:\n%s", in, ok,
			    got);
		free(got);
		free(want);
		config_free(cfg);
		free(in);
		free(ok);
	}
}

/* Round trips */

static void
test_round_trip_defaults(void **state)
{
	struct bootd_config *cfg = config_default();

	(void)state;
	assert_round_trip(cfg, 0);
	assert_round_trip(cfg, 1);
	config_free(cfg);
}

static void
test_round_trip_full(void **state)
{
	struct bootd_config	*cfg;
	char			 err[CONFIG_ERRLEN], *text, *path;

	(void)state;
	path = tmp_file("db-pass\n", 8);
	assert_true(asprintf(&text,
	    "database = { host = \"db\"; port = 1; socket = \"/s\";\n"
	    "  user = \"u\"; password_file = \"%s\"; name = \"n\";\n"
	    "  poll_interval = 3600; retry_max = 1.25; connect_timeout = 300; "
	    "};\n"
	    "paths = { tftp_root = \"/t\"; templates = \"/tp\"; "
	    "cache = \"\"; };\n"
	    "tftp = { enabled = false; listen = \"127.0.0.1\"; port = 65535; "
	    "};\n"
	    "http = { enabled = false; listen = \"127.0.0.2\"; port = 8; "
	    "public_url = \"http://x\";\n"
	    "  admin_networks = [ \"127.0.0.0/8\", \"10.0.0.5\" ]; };\n"
	    "dhcp = { enabled = true; listen = \"127.0.0.3\"; port = 6767;\n"
	    "  interfaces = [ \"lo\" ]; next_server = \"127.0.0.4\";\n"
	    "  bootfile = { bios = \"b\"; efi64 = \"e\"; arm64 = \"a\"; "
	    "ipxe = \"i\"; };\n"
	    "  subnets = (\n"
	    "    { network = \"10.0.0.0/24\"; router = \"10.0.0.254\";\n"
	    "      dns = [ \"10.0.0.1\", \"10.0.0.2\" ]; domain = \"d\";\n"
	    "      lease_time = 600; },\n"
	    "    { network = \"10.0.1.0/24\"; lease_time = 31536000; }\n"
	    "  ); };\n"
	    "log = { level = \"error\"; syslog = true; };\n", path) > 0);
	cfg = config_load_string(text, "rt.conf", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->database.password, "db-pass");
	assert_int_equal(cfg->dhcp.nsubnets, 2);
	assert_int_equal(cfg->log.level, LOG_LVL_ERROR);
	assert_round_trip(cfg, 0);
	assert_round_trip(cfg, 1);
	config_free(cfg);
	free(text);
	tmp_remove(path);
}

/* Every golden input round-trips too. */
static void
test_round_trip_golden(void **state)
{
	static const char *const names[] = { "config-full.in",
	    "config-quirks.in" };
	struct bootd_config	*cfg, *back;
	char			 err[CONFIG_ERRLEN], rel[128], *in, *text;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(names); i++) {
		snprintf(rel, sizeof(rel), "tests/golden/%s", names[i]);
		in = src_path(rel);
		cfg = config_load(in, err, sizeof(err));
		if (cfg == NULL)
			fail_msg("%s", err);
		text = print_cfg(cfg, 0);
		back = config_load_string(text, "printed", err, sizeof(err));
		if (back == NULL)
			fail_msg("%s", err);
		/* The one thing printing hides. */
		if (strcmp(cfg->database.password, "") != 0)
			assert_string_equal(back->database.password,
			    "********");
		free(back->database.password);
		back->database.password = strdup(cfg->database.password);
		assert_non_null(back->database.password);
		assert_cfg_equal(cfg, back);
		config_free(back);
		config_free(cfg);
		free(text);
		free(in);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_is_default),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_password_file),
		cmocka_unit_test(test_subnet_for),
		cmocka_unit_test(test_is_admin),
		cmocka_unit_test(test_print_masks_password),
		cmocka_unit_test(test_print_escapes),
		cmocka_unit_test(test_print_doubles),
		cmocka_unit_test(test_print_docs),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_man_file),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_round_trip_defaults),
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_round_trip_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
