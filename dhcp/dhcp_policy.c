/* SPDX-License-Identifier: ISC */
/*
 * dhcp_policy: the DHCP server's decisions (RFC 2131 §4.3, RFC 4578): which
 * requests are answered, with what address, options and boot file, sent
 * where. Pure: reads the request, the snapshot and the config; never logs,
 * never touches a socket or the clock. Unanswered requests all go through
 * refuse() and its table, the one place that says NAK or silence.
 */
#include <stdio.h>
#include <string.h>

#include "bootd/addr.h"
#include "bootd/buf.h"
#include "bootd/pxe_arch.h"
#include "db/inv_bootfile.h"
#include "dhcp/dhcp_policy.h"

/*
 * UEFI HTTP boot (pxe_arch_is_http()) fetches the loader by URL: a
 * configured boot file that is already a URL is sent as is, a plain name
 * is served from the HTTP server's view of the TFTP root under this path.
 */
#define DHCP_HTTP_FILES_PATH	"/files/"
/* iPXE's script when dhcp.bootfile.ipxe is "": <http base>/ipxe/<mac>. */
#define DHCP_IPXE_PATH		"/ipxe/"

_Static_assert(DHCP_MAX_DNS == CONFIG_MAX_DNS, "DNS list sizes differ");
_Static_assert(INV_BOOTFILE_MAX < DHCP_FILE_LEN,
    "a profile's boot file must fit the file field");

static const struct {
	enum dhcp_action action;
	const char	*name;	/* a token: metrics labels */
	const char	*text;
} refusals[DHCP_R_MAX] = {
	[DHCP_R_NONE] = { DHCP_ACT_IGNORE, "none", "" },
	[DHCP_R_BOOTP] = { DHCP_ACT_IGNORE, "bootp",
	    "BOOTP request (no option 53); BOOTP is not served" },
	[DHCP_R_BAD_TYPE] = { DHCP_ACT_IGNORE, "bad_type",
	    "message type not handled by a server" },
	/* RFC 2131 §4.3.2: the client chose another server. */
	[DHCP_R_OTHER_SERVER] = { DHCP_ACT_IGNORE, "other_server",
	    "server identifier is another server's" },
	[DHCP_R_NOT_ETHERNET] = { DHCP_ACT_IGNORE, "not_ethernet",
	    "hardware type is not Ethernet" },
	/* RFC 2131 §4.3.3, §4.3.4: never answered. */
	[DHCP_R_RELEASE] = { DHCP_ACT_IGNORE, "release", "RELEASE recorded" },
	[DHCP_R_DECLINE] = { DHCP_ACT_IGNORE, "decline",
	    "DECLINE recorded: the client found its address in use" },
	/* §4.3.2: no record of the client: remain silent. */
	[DHCP_R_UNKNOWN_MAC] = { DHCP_ACT_IGNORE, "unknown_mac",
	    "unknown MAC" },
	[DHCP_R_DISABLED] = { DHCP_ACT_IGNORE, "disabled", "host disabled" },
	[DHCP_R_NO_SERVER_IP] = { DHCP_ACT_IGNORE, "no_server_ip",
	    "receiving interface has no IPv4 address" },
	[DHCP_R_NO_SUBNET] = { DHCP_ACT_IGNORE, "no_subnet",
	    "no configured subnet holds the interface or relay address" },
	[DHCP_R_OUTSIDE_SUBNET] = { DHCP_ACT_IGNORE, "outside_subnet",
	    "host IP outside the subnet of the interface or relay" },
	[DHCP_R_BOOTFILE_LONG] = { DHCP_ACT_IGNORE, "bootfile_long",
	    "boot file name longer than 254 bytes" },
	[DHCP_R_NO_ADDRESS] = { DHCP_ACT_IGNORE, "no_address",
	    "REQUEST without requested IP, server identifier or ciaddr" },
	/* §4.3.2: wrong address in each REQUEST state → DHCPNAK. */
	[DHCP_R_SELECT_WRONG_IP] = { DHCP_ACT_NAK, "select_wrong_ip",
	    "requested IP is not the host's address" },
	[DHCP_R_REBOOT_WRONG_IP] = { DHCP_ACT_NAK, "reboot_wrong_ip",
	    "requested IP is not the host's address (INIT-REBOOT)" },
	[DHCP_R_RENEW_WRONG_IP] = { DHCP_ACT_NAK, "renew_wrong_ip",
	    "ciaddr is not the host's address (RENEWING)" },
};

static const char *const action_names[DHCP_ACT_MAX] = {
	[DHCP_ACT_IGNORE] = "IGNORE",
	[DHCP_ACT_OFFER] = "OFFER",
	[DHCP_ACT_ACK] = "ACK",
	[DHCP_ACT_NAK] = "NAK",
};

const char *
dhcp_action_name(int action)
{
	if (action < 0 || action >= DHCP_ACT_MAX)
		return "unknown";
	return action_names[action];
}

const char *
dhcp_reason_text(int reason)
{
	if (reason < 0 || reason >= DHCP_R_MAX)
		return "unknown";
	return refusals[reason].text;
}

const char *
dhcp_reason_name(int reason)
{
	if (reason < 0 || reason >= DHCP_R_MAX)
		return "unknown";
	return refusals[reason].name;
}

/*
 * Where a reply goes (RFC 2131 §4.1). Unicast to yiaddr before the client
 * has its address needs an ARP entry made by hand, which userspace cannot
 * do portably, so such replies are broadcast (what the broadcast flag asks
 * for anyway). A relayed INFORM goes to the relay too: §4.1 covers every
 * reply when giaddr is set, §4.3.5's "to ciaddr" the unrelayed case.
 * Client port = server port + 1, so an unprivileged test
 * server on 1067 answers a udhcpc run with -P 1068.
 */
static void
dest_pick(const struct dhcp_msg *m, const struct bootd_config *cfg,
    struct dhcp_reply *r)
{
	uint16_t	 sport, cport;

	sport = (uint16_t)cfg->dhcp.port;
	cport = sport == UINT16_MAX ? DHCP_CLIENT_PORT : (uint16_t)(sport + 1);
	if (m->giaddr != 0) {
		r->dest = DHCP_DEST_RELAY;
		r->dest_ip = m->giaddr;
		r->dest_port = sport;
		/* §4.3.2: the relay must broadcast a NAK. */
		if (r->type == DHCP_NAK)
			r->flags |= DHCP_FLAG_BROADCAST;
	} else if (r->type != DHCP_NAK && m->ciaddr != 0) {
		r->dest = DHCP_DEST_UNICAST;
		r->dest_ip = m->ciaddr;
		r->dest_port = cport;
	} else {
		r->dest = DHCP_DEST_BROADCAST;
		r->dest_ip = UINT32_MAX;
		r->dest_port = cport;
	}
}

/* The one place that maps a refusal to NAK or silence, and plans a NAK. */
static void
refuse(const struct dhcp_msg *m, const struct bootd_config *cfg,
    uint32_t server_ip, struct dhcp_decision *d, enum dhcp_reason reason,
    const char **why)
{
	struct dhcp_reply *r = &d->reply;

	d->reason = reason;
	d->action = refusals[reason].action;
	d->note = NULL;
	*why = refusals[reason].text;
	memset(r, 0, sizeof(*r));
	if (d->action == DHCP_ACT_NAK) {
		r->type = DHCP_NAK;
		r->server_id = server_ip;
		r->flags = m->flags;
		r->message = refusals[reason].text;
		dest_pick(m, cfg, r);
	} else
		r->dest = DHCP_DEST_NONE;
}

/* "http://…" or "https://…" */
static int
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/*
 * The base URL clients reach bootd's HTTP server at: http.public_url when
 * set, else http://<http.listen or the receiving address>:<http.port>.
 */
static int
http_base(struct buf_wr *w, const struct bootd_config *cfg,
    uint32_t server_ip)
{
	char	 ip[ADDR_IP4_STRLEN], base[64];
	size_t	 n;
	int	 len;

	n = strlen(cfg->http.public_url);
	if (n > 0) {
		while (n > 0 && cfg->http.public_url[n - 1] == '/')
			n--;
		return buf_put_bytes(w, cfg->http.public_url, n);
	}
	addr_ip4_str(cfg->http.listen_ip != 0 ? cfg->http.listen_ip :
	    server_ip, ip);
	len = snprintf(base, sizeof(base), "http://%s:%d", ip,
	    cfg->http.port);
	if (len < 0 || (size_t)len >= sizeof(base))
		return -1;
	return buf_put_bytes(w, base, (size_t)len);
}

/* A configured loader as a UEFI HTTP boot URI. */
static int
http_file(struct buf_wr *w, const char *file, const struct bootd_config *cfg,
    uint32_t server_ip)
{
	if (is_url(file))
		return buf_put_bytes(w, file, strlen(file));
	while (*file == '/')
		file++;
	if (http_base(w, cfg, server_ip) == -1 ||
	    buf_put_bytes(w, DHCP_HTTP_FILES_PATH,
	    strlen(DHCP_HTTP_FILES_PATH)) == -1 ||
	    buf_put_bytes(w, file, strlen(file)) == -1)
		return -1;
	return 0;
}

/*
 * A UEFI HTTP boot client (UEFI 2.x §24.7.2): its vendor class says
 * HTTPClient, or its option 93 is an HTTP boot architecture. Either way it
 * gets its loader as a URL and HTTPClient echoed in option 60.
 */
static int
is_http_client(const struct dhcp_msg *m)
{
	return m->is_http || (m->has_arch && pxe_arch_is_http(m->arch));
}

/* The profile column and setting of each loader pxe_arch picks. */
static const enum inv_boot boot_slot[PXE_BOOT_MAX] = {
	[PXE_BOOT_NONE] = INV_BOOT_BIOS,	/* not used: BIOS instead */
	[PXE_BOOT_BIOS] = INV_BOOT_BIOS,
	[PXE_BOOT_EFI64] = INV_BOOT_EFI64,
	[PXE_BOOT_ARM64] = INV_BOOT_ARM64,
};

/*
 * The boot file of rule b for host h: its profile's override when set,
 * else the config's dhcp.bootfile.<b>.
 */
static const char *
bootfile_for(const struct inv_host *h, const struct bootd_config *cfg,
    enum inv_boot b)
{
	const char *def[INV_BOOT_MAX] = {
		[INV_BOOT_BIOS] = cfg->dhcp.bootfile.bios,
		[INV_BOOT_EFI64] = cfg->dhcp.bootfile.efi64,
		[INV_BOOT_ARM64] = cfg->dhcp.bootfile.arm64,
		[INV_BOOT_IPXE] = cfg->dhcp.bootfile.ipxe,
	};

	if (h->profile->bootfile[b][0] != '\0')
		return h->profile->bootfile[b];
	return def[b];
}

/*
 * Picks the boot file (RFC 4578 §2.1) into r->bootfile; -1 when it does not
 * fit. Each rule takes the host's profile override before the config's
 * default (bootfile_for()). iPXE is recognised by its user class before
 * option 93, since iPXE sends the firmware's arch too and must get its
 * script, not the loader that would chain back into iPXE.
 */
static int
bootfile_pick(const struct dhcp_msg *m, const struct inv_host *h,
    const struct bootd_config *cfg, uint32_t server_ip,
    struct dhcp_reply *r, const char **note)
{
	struct buf_wr	 w;
	const char	*f;
	int		 arch = m->has_arch ? m->arch : PXE_ARCH_X86_BIOS;
	enum pxe_boot	 b;
	int		 rc;

	buf_wr_init(&w, r->bootfile, sizeof(r->bootfile) - 1);
	if (m->is_ipxe) {
		f = bootfile_for(h, cfg, INV_BOOT_IPXE);
		if (f[0] != '\0')
			rc = inv_bootfile_subst(&w, f, h);
		else if ((rc = http_base(&w, cfg, server_ip)) == 0 &&
		    (rc = buf_put_bytes(&w, DHCP_IPXE_PATH,
		    strlen(DHCP_IPXE_PATH))) == 0)
			rc = buf_put_bytes(&w, h->macstr, strlen(h->macstr));
		goto done;
	}
	b = pxe_arch_boot(arch);
	if (b == PXE_BOOT_NONE) {
		*note = "unsupported client architecture; sent the BIOS "
		    "boot file";
		b = PXE_BOOT_BIOS;
	}
	f = bootfile_for(h, cfg, boot_slot[b]);
	if (is_http_client(m)) {
		/*
		 * Its own loader when set: the TFTP one may not know HTTP.
		 * A profile's override still wins.
		 */
		if (b == PXE_BOOT_EFI64 &&
		    h->profile->bootfile[INV_BOOT_EFI64][0] == '\0' &&
		    cfg->dhcp.bootfile.efi64_http[0] != '\0')
			f = cfg->dhcp.bootfile.efi64_http;
		rc = http_file(&w, f, cfg, server_ip);
		goto done;
	}
	rc = buf_put_bytes(&w, f, strlen(f));
done:
	r->bootfile[w.len] = '\0';
	return rc;
}

int
dhcp_policy_bootfile(const struct inv_host *h, const struct bootd_config *cfg,
    int arch, int ipxe, uint32_t server_ip, char *out, size_t outlen,
    const char **note)
{
	struct dhcp_msg		m;
	struct dhcp_reply	r;
	int			rc;

	memset(&m, 0, sizeof(m));
	memset(&r, 0, sizeof(r));
	m.is_ipxe = ipxe;
	m.has_arch = arch >= 0;
	m.arch = arch >= 0 ? (uint16_t)arch : 0;
	*note = NULL;
	rc = bootfile_pick(&m, h, cfg, server_ip, &r, note);
	if (rc == 0 && strlen(r.bootfile) < outlen)
		memcpy(out, r.bootfile, strlen(r.bootfile) + 1);
	else {
		out[0] = '\0';
		rc = -1;
	}
	return rc;
}

/* Fills the reply for an OFFER or ACK to host h in subnet s. */
static int
reply_fill(const struct dhcp_msg *m, const struct inv_host *h,
    const struct config_subnet *s, const struct bootd_config *cfg,
    uint32_t server_ip, enum dhcp_msg_type type, struct dhcp_reply *r,
    const char **note)
{
	int	 i, http;

	memset(r, 0, sizeof(*r));
	r->type = (uint8_t)type;
	r->server_id = server_ip;
	r->flags = m->flags;
	/* RFC 2131 table 3: ciaddr echoed in an ACK, 0 in an OFFER. */
	if (type == DHCP_ACK)
		r->ciaddr = m->ciaddr;
	/* §4.3.5: an INFORM gets neither an address nor a lease. */
	if (m->type != DHCP_INFORM) {
		r->yiaddr = h->ip;
		r->lease_time = (uint32_t)s->lease_time;
		/* §4.4.5: T1 0.5, T2 0.875 of the lease. */
		r->t1 = r->lease_time / 2;
		r->t2 = (uint32_t)((uint64_t)r->lease_time * 7 / 8);
	}
	r->has_netmask = 1;
	r->netmask = addr_prefix_mask(s->prefix);
	r->router = s->router_ip;
	for (i = 0; i < s->dns.n && i < DHCP_MAX_DNS; i++)
		r->dns[i] = s->dns_ip[i];
	r->ndns = i;
	r->domain = s->domain;
	r->hostname = h->hostname;

	r->siaddr = cfg->dhcp.next_server_ip != 0 ?
	    cfg->dhcp.next_server_ip : server_ip;
	addr_ip4_str(r->siaddr, r->tftp_server);
	if (bootfile_pick(m, h, cfg, server_ip, r, note) == -1)
		return -1;

	http = is_http_client(m);
	r->boot_always = m->is_pxe || m->is_ipxe || m->has_arch || http;
	if (http)
		/* UEFI HTTP boot takes only offers that say HTTPClient. */
		r->vendor_class = "HTTPClient";
	else if (m->is_pxe) {
		r->vendor_class = "PXEClient";
		r->pxe_discovery = 1;
	}
	/* iPXE: skip the ~3 s wait for ProxyDHCP offers. */
	r->ipxe_no_pxedhcp = m->is_ipxe || m->has_ipxe_encap;
	dest_pick(m, cfg, r);
	return 0;
}

/* RFC 2131 §4.3.2: the address a REQUEST asks to use, by client state. */
static enum dhcp_reason
request_check(const struct dhcp_msg *m, uint32_t ip)
{
	if (m->has_server_id)		/* SELECTING */
		return (m->has_requested_ip ? m->requested_ip : m->ciaddr) ==
		    ip ? DHCP_R_NONE : DHCP_R_SELECT_WRONG_IP;
	if (m->has_requested_ip)	/* INIT-REBOOT */
		return m->requested_ip == ip ? DHCP_R_NONE :
		    DHCP_R_REBOOT_WRONG_IP;
	if (m->ciaddr != 0)		/* RENEWING, REBINDING */
		return m->ciaddr == ip ? DHCP_R_NONE : DHCP_R_RENEW_WRONG_IP;
	return DHCP_R_NO_ADDRESS;
}

enum dhcp_action
dhcp_policy_decide(const struct dhcp_msg *m, const struct inv_snapshot *snap,
    const struct bootd_config *cfg, uint32_t server_ip,
    struct dhcp_decision *d, const char **why)
{
	const struct config_subnet *s;
	const struct inv_host *h = NULL;
	enum dhcp_reason reason = DHCP_R_NONE;
	enum dhcp_msg_type type;

	memset(d, 0, sizeof(*d));
	*why = NULL;
	if (m->is_bootp) {
		reason = DHCP_R_BOOTP;
		goto refused;
	}
	switch (m->type) {
	case DHCP_DISCOVER:
	case DHCP_REQUEST:
	case DHCP_DECLINE:
	case DHCP_RELEASE:
	case DHCP_INFORM:
		break;
	default:
		reason = DHCP_R_BAD_TYPE;
		goto refused;
	}
	/* Checked before the MAC: silence for others' clients is normal. */
	if (m->has_server_id && m->server_id != server_ip &&
	    m->type != DHCP_DISCOVER && m->type != DHCP_INFORM) {
		reason = DHCP_R_OTHER_SERVER;
		goto refused;
	}
	if (m->htype != DHCP_HTYPE_ETHER || m->hlen != ADDR_MAC_LEN) {
		reason = DHCP_R_NOT_ETHERNET;
		goto refused;
	}
	if (snap != NULL)
		h = inv_by_mac(snap, m->chaddr);
	d->host = h;
	if (m->type == DHCP_RELEASE || m->type == DHCP_DECLINE) {
		reason = m->type == DHCP_RELEASE ? DHCP_R_RELEASE :
		    DHCP_R_DECLINE;
		goto refused;
	}
	if (h == NULL) {
		d->discovered = m->type == DHCP_DISCOVER;
		reason = DHCP_R_UNKNOWN_MAC;
		goto refused;
	}
	if (!h->enabled) {
		reason = DHCP_R_DISABLED;
		goto refused;
	}
	if (server_ip == 0) {
		reason = DHCP_R_NO_SERVER_IP;
		goto refused;
	}
	s = config_subnet_for(cfg, m->giaddr != 0 ? m->giaddr : server_ip);
	d->subnet = s;
	if (s == NULL) {
		reason = DHCP_R_NO_SUBNET;
		goto refused;
	}
	if (!addr_in_net(h->ip, s->net, s->prefix)) {
		reason = DHCP_R_OUTSIDE_SUBNET;
		goto refused;
	}
	if (m->type == DHCP_REQUEST &&
	    (reason = request_check(m, h->ip)) != DHCP_R_NONE)
		goto refused;

	type = m->type == DHCP_DISCOVER ? DHCP_OFFER : DHCP_ACK;
	if (reply_fill(m, h, s, cfg, server_ip, type, &d->reply,
	    &d->note) == -1) {
		reason = DHCP_R_BOOTFILE_LONG;
		goto refused;
	}
	d->action = type == DHCP_OFFER ? DHCP_ACT_OFFER : DHCP_ACT_ACK;
	*why = d->note;
refused:
	if (reason != DHCP_R_NONE)
		refuse(m, cfg, server_ip, d, reason, why);
	return d->action;
}
