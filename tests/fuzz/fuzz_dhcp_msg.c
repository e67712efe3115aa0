/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for dhcp/dhcp_msg.c and dhcp/dhcp_policy.c: parses the
 * input as a BOOTREQUEST; when it parses, decides on it against a fixed
 * small inventory and config, and builds the reply into buffers of several
 * sizes. Aborts when a result breaks a contract: an unterminated string, a
 * length past its bound, a reply longer than option 57 allows or shorter
 * than 300 bytes, or a reply that does not parse back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/config.h"
#include "db/inventory.h"
#include "dhcp/dhcp_msg.h"
#include "dhcp/dhcp_policy.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The corpus uses these MACs, interface and relay addresses. */
static const char fuzz_conf[] =
    "http = { port = 8080; };\n"
    "dhcp = { enabled = true;\n"
    "  bootfile = { ipxe = \"http://b/{{mac}}/{{hostname}}/{{ip}}\"; };\n"
    "  subnets = (\n"
    "    { network = \"10.0.0.0/24\"; router = \"10.0.0.1\";\n"
    "      dns = [ \"10.0.0.1\", \"10.0.0.3\" ];\n"
    "      domain = \"lab.example.org\"; lease_time = 3600; },\n"
    "    { network = \"10.1.0.0/24\"; lease_time = 600; } ); };\n";

static const char *const hosts[][4] = {
	{ "web1", "52:54:00:00:00:01", "10.0.0.5", "1" },
	{ "off1", "52:54:00:00:00:02", "10.0.0.6", "0" },
	{ "far1", "52:54:00:00:00:03", "10.1.0.7", "1" },
	{ "out1", "52:54:00:00:00:04", "192.168.5.5", "1" },
};

/* Built once for the process; the harness is not library code. */
static struct inv_snapshot *fuzz_snap;
static struct bootd_config *fuzz_cfg;

static void
fuzz_init(void)
{
	const char	*p[INV_P_NCOLS] = { NULL }, *h[INV_H_NCOLS] = { NULL };
	struct inv_rows	*rows;
	char		 err[CONFIG_ERRLEN];
	size_t		 i;

	fuzz_cfg = config_load_string(fuzz_conf, "fuzz.conf", err,
	    sizeof(err));
	if (fuzz_cfg == NULL || (rows = inv_rows_new(1)) == NULL)
		abort();
	p[INV_P_NAME] = "p";
	p[INV_P_KIND] = "install";
	p[INV_P_SELECTABLE] = "1";
	if (inv_rows_add(rows, INV_T_PROFILES, p, NULL) == -1)
		abort();
	for (i = 0; i < NITEMS(hosts); i++) {
		h[INV_H_HOSTNAME] = hosts[i][0];
		h[INV_H_MAC] = hosts[i][1];
		h[INV_H_IP] = hosts[i][2];
		h[INV_H_PROFILE] = "p";
		h[INV_H_ENABLED] = hosts[i][3];
		h[INV_H_BUILD] = "0";
		if (inv_rows_add(rows, INV_T_HOSTS, h, NULL) == -1)
			abort();
	}
	if ((fuzz_snap = inv_build(rows)) == NULL ||
	    fuzz_snap->nhosts != NITEMS(hosts))
		abort();
	inv_rows_free(rows);
}

static void
check_str(const char *s, size_t size, size_t len)
{
	if (len >= size || s[len] != '\0')
		abort();
}

static void
check_msg(const struct dhcp_msg *m)
{
	check_str(m->sname, sizeof(m->sname), strlen(m->sname));
	check_str(m->file, sizeof(m->file), strlen(m->file));
	check_str(m->vendor_class, sizeof(m->vendor_class),
	    m->vendor_class_len);
	check_str(m->hostname, sizeof(m->hostname), m->hostname_len);
	if (m->hlen > DHCP_CHADDR_LEN || m->op != DHCP_BOOTREQUEST ||
	    m->max_size < DHCP_MIN_MAX_SIZE || m->prl_len > DHCP_OPT_MAX ||
	    m->client_id_len > DHCP_OPT_MAX ||
	    m->user_class_len > DHCP_OPT_MAX ||
	    m->relay_info_len > DHCP_OPT_MAX ||
	    (m->is_bootp && m->type != DHCP_NONE) ||
	    (!m->is_bootp && m->type == DHCP_NONE) ||
	    (m->is_ipxe && m->user_class_len == 0))
		abort();
}

/* Builds d's reply into cap bytes and checks it; parses it back. */
static void
check_build(const struct dhcp_decision *d, const struct dhcp_msg *m,
    size_t cap)
{
	static uint8_t	 buf[2048];
	struct dhcp_msg	 back;
	const char	*why;
	size_t		 limit, keep;
	ssize_t		 n;

	limit = (size_t)m->max_size - DHCP_IPUDP_LEN;
	if (limit > cap)
		limit = cap;
	n = dhcp_reply_build(&d->reply, m, buf, cap);
	if (n == -1) {
		/* Only when 53, 54 and 82 cannot fit. */
		keep = 3 + 6 + (m->has_relay_info ? 2 + m->relay_info_len : 0);
		if (limit >= DHCP_BOOTP_MIN_LEN &&
		    limit >= DHCP_MIN_LEN + 1 + keep)
			abort();
		return;
	}
	if (n < DHCP_BOOTP_MIN_LEN || (size_t)n > limit ||
	    buf[0] != DHCP_BOOTREPLY)
		abort();
	/* The reply, read as a request, holds well-formed options. */
	buf[0] = DHCP_BOOTREQUEST;
	if (dhcp_msg_parse(buf, (size_t)n, &back, &why) == -1 ||
	    back.type != d->reply.type || back.xid != m->xid ||
	    back.has_relay_info != m->has_relay_info ||
	    back.relay_info_len != m->relay_info_len ||
	    memcmp(back.relay_info, m->relay_info, m->relay_info_len) != 0 ||
	    !back.has_server_id || back.server_id != d->reply.server_id)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t servers[] = { 0x0a000002, 0x0a010002, 0 };
	struct dhcp_decision d;
	struct dhcp_msg	 m;
	enum dhcp_action a;
	const char	*why;
	size_t		 i;

	if (fuzz_cfg == NULL)
		fuzz_init();
	if (dhcp_msg_parse(data, size, &m, &why) == -1) {
		if (why == NULL || *why == '\0')
			abort();
		return 0;
	}
	if (why != NULL)
		abort();
	check_msg(&m);
	for (i = 0; i < NITEMS(servers); i++) {
		a = dhcp_policy_decide(&m, fuzz_snap, fuzz_cfg, servers[i], &d,
		    &why);
		if (a != d.action || a < 0 || a >= DHCP_ACT_MAX)
			abort();
		if (a == DHCP_ACT_IGNORE) {
			if (why == NULL || d.reply.dest != DHCP_DEST_NONE)
				abort();
			continue;
		}
		if (d.reply.dest == DHCP_DEST_NONE ||
		    memchr(d.reply.bootfile, '\0',
		    sizeof(d.reply.bootfile)) == NULL ||
		    (a == DHCP_ACT_NAK) != (d.reply.type == DHCP_NAK) ||
		    (a != DHCP_ACT_NAK && d.host == NULL))
			abort();
		check_build(&d, &m, 2048);
		check_build(&d, &m, 548);
		check_build(&d, &m, 300);
	}
	return 0;
}
