/* SPDX-License-Identifier: ISC */
/*
 * dhcp_msg: parse BOOTREQUESTs and encode BOOTREPLYs (RFC 951, 2131, 2132,
 * 3004, 3046, 3396 §7, 4578, 6842). Pure: bytes in, struct or bytes out;
 * every read goes through the buf.h cursor. It decides nothing about who
 * gets what: that is dhcp_policy.c.
 */
#include <string.h>

#include "bootd/buf.h"
#include "dhcp/dhcp_msg.h"

#define DHCP_MAGIC	0x63825363u	/* 99.130.83.99, RFC 2131 §3 */

/*
 * The options read from a request, each concatenated over all its
 * instances in the options field, then file, then sname (RFC 3396 §7).
 */
enum opt_slot {
	S_HOSTNAME, S_REQIP, S_MSGTYPE, S_SERVERID, S_PRL, S_MAXSIZE,
	S_VCLASS, S_CLIENTID, S_UCLASS, S_RELAY, S_ARCH, S_NDI, S_UUID,
	S_IPXE, S_MAX
};

static const uint8_t slot_code[S_MAX] = {
	[S_HOSTNAME] = DHO_HOSTNAME,
	[S_REQIP] = DHO_REQUESTED_IP,
	[S_MSGTYPE] = DHO_MSG_TYPE,
	[S_SERVERID] = DHO_SERVER_ID,
	[S_PRL] = DHO_PRL,
	[S_MAXSIZE] = DHO_MAX_SIZE,
	[S_VCLASS] = DHO_VENDOR_CLASS,
	[S_CLIENTID] = DHO_CLIENT_ID,
	[S_UCLASS] = DHO_USER_CLASS,
	[S_RELAY] = DHO_RELAY_INFO,
	[S_ARCH] = DHO_CLIENT_ARCH,
	[S_NDI] = DHO_CLIENT_NDI,
	[S_UUID] = DHO_CLIENT_UUID,
	[S_IPXE] = DHO_IPXE_ENCAP,
};

struct opt_acc {
	uint8_t		 b[DHCP_OPT_MAX];
	size_t		 len;
	int		 seen;
	int		 over;	/* the instances held more than b */
};

struct opt_walk {
	struct opt_acc	 s[S_MAX];
	uint8_t		 overload;	/* option 52 from the options field */
	int		 has_overload;
};

static const char *const type_names[DHCP_MSG_TYPE_MAX] = {
	[DHCP_NONE] = "BOOTP",
	[DHCP_DISCOVER] = "DISCOVER",
	[DHCP_OFFER] = "OFFER",
	[DHCP_REQUEST] = "REQUEST",
	[DHCP_DECLINE] = "DECLINE",
	[DHCP_ACK] = "ACK",
	[DHCP_NAK] = "NAK",
	[DHCP_RELEASE] = "RELEASE",
	[DHCP_INFORM] = "INFORM",
};

const char *
dhcp_msg_type_name(int type)
{
	if (type < 0 || type >= DHCP_MSG_TYPE_MAX)
		return "unknown";
	return type_names[type];
}

static int
opt_slot_of(uint8_t code)
{
	int	 i;

	for (i = 0; i < S_MAX; i++)
		if (slot_code[i] == code)
			return i;
	return -1;
}

static void
opt_acc_add(struct opt_acc *a, const uint8_t *p, size_t n)
{
	size_t	 room = sizeof(a->b) - a->len;

	a->seen = 1;
	if (n > room) {
		a->over = 1;
		n = room;
	}
	memcpy(a->b + a->len, p, n);
	a->len += n;
}

/*
 * Walks one option area (RFC 2132 §2): pad and end are single bytes, every
 * other option has a length byte and a body, each checked against what is
 * left before it is read. Running out exactly at an option boundary with no
 * END is accepted: several ROMs omit END in the overloaded fields. Only the
 * options field may carry option 52, and only its first instance counts, so
 * an overloaded field naming itself cannot make the walk loop.
 */
static int
opt_walk_area(struct opt_walk *w, const uint8_t *p, size_t len,
    int options_field, const char *trunc_why, const char **why)
{
	struct buf_rd	 r;
	const uint8_t	*body;
	uint8_t		 code, olen;
	int		 i;

	buf_rd_init(&r, p, len);
	while (buf_get_u8(&r, &code) == 0) {
		if (code == DHO_PAD)
			continue;
		if (code == DHO_END)
			break;
		if (buf_get_u8(&r, &olen) == -1 ||
		    buf_get_bytes(&r, olen, &body) == -1) {
			*why = trunc_why;
			return -1;
		}
		if (code == DHO_OVERLOAD) {
			if (options_field && !w->has_overload && olen == 1 &&
			    body[0] >= 1 && body[0] <= 3) {
				w->has_overload = 1;
				w->overload = body[0];
			}
			continue;
		}
		if ((i = opt_slot_of(code)) != -1)
			opt_acc_add(&w->s[i], body, olen);
	}
	return 0;
}

/* Bounded copy of a fixed field up to its first NUL, NUL-terminated. */
static void
field_str(char *dst, const uint8_t *src, size_t n)
{
	const uint8_t	*nul;

	if ((nul = memchr(src, '\0', n)) != NULL)
		n = (size_t)(nul - src);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static uint32_t
get_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* Option 77 is "iPXE" bare (what iPXE sends) or as an RFC 3004 instance. */
static int
user_class_is_ipxe(const uint8_t *b, size_t len)
{
	size_t	 i, n;

	if (len == 4 && memcmp(b, "iPXE", 4) == 0)
		return 1;
	for (i = 0; i < len; i += n) {
		n = b[i++];
		if (n == 0 || n > len - i)
			return 0;	/* not RFC 3004 form */
		if (n == 4 && memcmp(b + i, "iPXE", 4) == 0)
			return 1;
	}
	return 0;
}

/* Turns the collected options into fields of out. -1 with *why if bad. */
static int
opt_interpret(const struct opt_walk *w, struct dhcp_msg *out,
    const char **why)
{
	const struct opt_acc *a;
	uint16_t	 v;

	a = &w->s[S_MSGTYPE];
	if (!a->seen)
		out->is_bootp = 1;
	else if (a->len != 1 || a->b[0] == DHCP_NONE) {
		*why = "malformed message type (option 53)";
		return -1;
	} else
		out->type = a->b[0];

	a = &w->s[S_REQIP];
	if (a->seen) {
		if (a->len != 4) {
			*why = "malformed requested IP (option 50)";
			return -1;
		}
		out->has_requested_ip = 1;
		out->requested_ip = get_be32(a->b);
	}
	a = &w->s[S_SERVERID];
	if (a->seen) {
		if (a->len != 4) {
			*why = "malformed server identifier (option 54)";
			return -1;
		}
		out->has_server_id = 1;
		out->server_id = get_be32(a->b);
	}
	a = &w->s[S_RELAY];
	if (a->seen) {
		/* RFC 3046 §2.2: echoed whole or not at all. */
		if (a->over) {
			*why = "relay agent information (option 82) too long";
			return -1;
		}
		out->has_relay_info = 1;
		memcpy(out->relay_info, a->b, a->len);
		out->relay_info_len = a->len;
	}

	a = &w->s[S_PRL];
	memcpy(out->prl, a->b, a->len);
	out->prl_len = a->len;

	/* RFC 2132 §9.10: the minimum legal value is 576. */
	out->max_size = DHCP_MIN_MAX_SIZE;
	a = &w->s[S_MAXSIZE];
	if (a->len == 2) {
		v = (uint16_t)(a->b[0] << 8 | a->b[1]);
		if (v > DHCP_MIN_MAX_SIZE)
			out->max_size = v;
	}

	a = &w->s[S_VCLASS];
	memcpy(out->vendor_class, a->b, a->len);
	out->vendor_class[a->len] = '\0';
	out->vendor_class_len = a->len;
	out->is_pxe = a->len >= 9 && memcmp(a->b, "PXEClient", 9) == 0;
	out->is_http = a->len >= 10 && memcmp(a->b, "HTTPClient", 10) == 0;

	a = &w->s[S_CLIENTID];
	memcpy(out->client_id, a->b, a->len);
	out->client_id_len = a->len;

	a = &w->s[S_UCLASS];
	memcpy(out->user_class, a->b, a->len);
	out->user_class_len = a->len;
	out->is_ipxe = user_class_is_ipxe(a->b, a->len);

	a = &w->s[S_HOSTNAME];
	memcpy(out->hostname, a->b, a->len);
	out->hostname[a->len] = '\0';
	out->hostname_len = a->len;

	/* RFC 4578 §2.1: a list of 16-bit types; the first one is used. */
	a = &w->s[S_ARCH];
	if (a->len >= 2) {
		out->has_arch = 1;
		out->arch = (uint16_t)(a->b[0] << 8 | a->b[1]);
	}
	/* RFC 4578 §2.2: type, major, minor. */
	a = &w->s[S_NDI];
	if (a->len == 3) {
		out->has_ndi = 1;
		memcpy(out->ndi, a->b, 3);
	}
	/* RFC 4578 §2.3: type 0, then a 16-byte GUID. */
	a = &w->s[S_UUID];
	if (a->len == 17 && a->b[0] == 0) {
		out->has_uuid = 1;
		memcpy(out->uuid, a->b + 1, 16);
	}
	out->has_ipxe_encap = w->s[S_IPXE].seen;
	return 0;
}

int
dhcp_msg_parse(const uint8_t *p, size_t len, struct dhcp_msg *out,
    const char **why)
{
	struct opt_walk	 w;
	struct buf_rd	 r;
	const uint8_t	*chaddr, *sname, *file;
	uint32_t	 magic;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	*why = NULL;

	buf_rd_init(&r, p, len);
	if (len < DHCP_MIN_LEN ||
	    buf_get_u8(&r, &out->op) == -1 ||
	    buf_get_u8(&r, &out->htype) == -1 ||
	    buf_get_u8(&r, &out->hlen) == -1 ||
	    buf_get_u8(&r, &out->hops) == -1 ||
	    buf_get_u32(&r, &out->xid) == -1 ||
	    buf_get_u16(&r, &out->secs) == -1 ||
	    buf_get_u16(&r, &out->flags) == -1 ||
	    buf_get_u32(&r, &out->ciaddr) == -1 ||
	    buf_get_u32(&r, &out->yiaddr) == -1 ||
	    buf_get_u32(&r, &out->siaddr) == -1 ||
	    buf_get_u32(&r, &out->giaddr) == -1 ||
	    buf_get_bytes(&r, DHCP_CHADDR_LEN, &chaddr) == -1 ||
	    buf_get_bytes(&r, DHCP_SNAME_LEN, &sname) == -1 ||
	    buf_get_bytes(&r, DHCP_FILE_LEN, &file) == -1 ||
	    buf_get_u32(&r, &magic) == -1) {
		*why = "shorter than 240 bytes";
		goto fail;
	}
	if (out->op != DHCP_BOOTREQUEST) {
		*why = "not a BOOTREQUEST";
		goto fail;
	}
	if (out->hlen > DHCP_CHADDR_LEN) {
		*why = "hardware address length over 16";
		goto fail;
	}
	if (magic != DHCP_MAGIC) {
		*why = "bad magic cookie";
		goto fail;
	}
	memcpy(out->chaddr, chaddr, DHCP_CHADDR_LEN);

	if (opt_walk_area(&w, r.p, r.rem, 1,
	    "option runs past the end of the packet", why) == -1)
		goto fail;
	/* RFC 2131 §4.1: file first, then sname. */
	if (w.overload & DHCP_OVERLOAD_FILE) {
		if (opt_walk_area(&w, file, DHCP_FILE_LEN, 0,
		    "option runs past the end of the file field", why) == -1)
			goto fail;
	} else
		field_str(out->file, file, DHCP_FILE_LEN);
	if (w.overload & DHCP_OVERLOAD_SNAME) {
		if (opt_walk_area(&w, sname, DHCP_SNAME_LEN, 0,
		    "option runs past the end of the sname field", why) == -1)
			goto fail;
	} else
		field_str(out->sname, sname, DHCP_SNAME_LEN);
	out->overload = w.overload;

	if (opt_interpret(&w, out, why) == -1)
		goto fail;
	rc = 0;
fail:
	if (rc == -1)
		memset(out, 0, sizeof(*out));
	return rc;
}

/*
 * Reply encoding. Options to send are collected as candidates first, so
 * that the ones which do not fit the client's limit can be dropped whole,
 * least important first, before anything is written.
 */
#define CAND_MAX	24

/* Drop order: higher goes first; 0 is never dropped. */
enum cand_prio {
	P_KEEP = 0,	/* 53, 54, 82 */
	P_LEASE,	/* 51, 61 */
	P_MASK,
	P_BOOT,		/* 66, 67 */
	P_PXE,		/* 60 + 43, 175 */
	P_ROUTER,
	P_DNS,
	P_NAME,		/* 12, 15 */
	P_TIMERS,	/* 58, 59 */
	P_MESSAGE	/* 56 */
};

struct cand {
	uint8_t		 code;
	uint8_t		 len;
	uint8_t		 prio;
	uint8_t		 pair;		/* non-zero: dropped with its twin */
	int		 tried;
	int		 dropped;
	int		 sent;
	const uint8_t	*data;
	uint8_t		 inl[DHCP_MAX_DNS * 4];	/* numbers, addresses */
};

struct cands {
	struct cand	 c[CAND_MAX];
	int		 n;
};

static struct cand *
cand_add(struct cands *cs, uint8_t code, enum cand_prio prio,
    const void *data, size_t len)
{
	struct cand	*c;

	if (cs->n >= CAND_MAX || len > DHCP_OPT_MAX)
		return NULL;
	c = &cs->c[cs->n++];
	memset(c, 0, sizeof(*c));
	c->code = code;
	c->prio = (uint8_t)prio;
	c->len = (uint8_t)len;
	c->data = data;
	return c;
}

static void
put_be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void
cand_u32(struct cands *cs, uint8_t code, enum cand_prio prio, uint32_t v)
{
	struct cand	*c;

	if ((c = cand_add(cs, code, prio, NULL, 4)) == NULL)
		return;
	put_be32(c->inl, v);
	c->data = c->inl;
}

/*
 * A string option. With nul, the NUL is sent too: several PXE ROMs copy
 * 66 and 67 as C strings out of the packet. Too long for one option
 * (RFC 3396 splitting is not done): not sent.
 */
static void
cand_str(struct cands *cs, uint8_t code, enum cand_prio prio, const char *s,
    int nul)
{
	size_t	 n;

	if (s == NULL || *s == '\0')
		return;
	n = strlen(s) + (nul ? 1 : 0);
	if (n <= DHCP_OPT_MAX)
		(void)cand_add(cs, code, prio, s, n);
}

/*
 * A client that sends no option 55 at all gets every option we have:
 * RFC 2131 §4.3.1 allows options not asked for, and such clients (BOOTP
 * style ROMs, minimal stacks) would otherwise get no router or DNS.
 */
static int
requested(const struct dhcp_msg *req, uint8_t code)
{
	return req->prl_len == 0 || memchr(req->prl, code, req->prl_len);
}

static void
cands_collect(struct cands *cs, const struct dhcp_reply *r,
    const struct dhcp_msg *req)
{
	static const uint8_t pxe_vendor[] = {
		DHCP_PXE_DISCOVERY_CONTROL, 1, DHCP_PXE_DC_USE_BOOTFILE,
		DHO_END
	};
	static const uint8_t ipxe_encap[] = { DHCP_IPXE_NO_PXEDHCP, 1, 1 };
	struct cand	*c, *v;
	int		 i, nak = r->type == DHCP_NAK;

	if ((c = cand_add(cs, DHO_MSG_TYPE, P_KEEP, NULL, 1)) != NULL) {
		c->inl[0] = r->type;
		c->data = c->inl;
	}
	cand_u32(cs, DHO_SERVER_ID, P_KEEP, r->server_id);
	if (!nak) {
		if (r->lease_time != 0) {
			cand_u32(cs, DHO_LEASE_TIME, P_LEASE, r->lease_time);
			if (requested(req, DHO_T1))
				cand_u32(cs, DHO_T1, P_TIMERS, r->t1);
			if (requested(req, DHO_T2))
				cand_u32(cs, DHO_T2, P_TIMERS, r->t2);
		}
		if (r->has_netmask)
			cand_u32(cs, DHO_SUBNET_MASK, P_MASK, r->netmask);
		if (r->router != 0 && requested(req, DHO_ROUTER))
			cand_u32(cs, DHO_ROUTER, P_ROUTER, r->router);
		if (r->ndns > 0 && r->ndns <= DHCP_MAX_DNS &&
		    requested(req, DHO_DNS) &&
		    (c = cand_add(cs, DHO_DNS, P_DNS, NULL,
		    (size_t)r->ndns * 4)) != NULL) {
			for (i = 0; i < r->ndns; i++)
				put_be32(c->inl + 4 * i, r->dns[i]);
			c->data = c->inl;
		}
		if (requested(req, DHO_DOMAIN))
			cand_str(cs, DHO_DOMAIN, P_NAME, r->domain, 0);
		if (requested(req, DHO_HOSTNAME))
			cand_str(cs, DHO_HOSTNAME, P_NAME, r->hostname, 0);
		if (r->boot_always || requested(req, DHO_TFTP_SERVER))
			cand_str(cs, DHO_TFTP_SERVER, P_BOOT, r->tftp_server,
			    1);
		if (r->boot_always || requested(req, DHO_BOOTFILE))
			cand_str(cs, DHO_BOOTFILE, P_BOOT, r->bootfile, 1);
		if (r->vendor_class != NULL && *r->vendor_class != '\0') {
			c = cand_add(cs, DHO_VENDOR_CLASS, P_PXE,
			    r->vendor_class, strlen(r->vendor_class));
			/*
			 * PXE 2.1 spec: a PXEClient offer without option 43
			 * sends the ROM to boot server discovery (EDK2 calls
			 * it a BINL offer and asks port 4011). Sub-option 6
			 * bit 3 makes it boot the file at once, so 60 and 43
			 * go out together or not at all.
			 */
			if (c != NULL && r->pxe_discovery &&
			    (v = cand_add(cs, DHO_VENDOR_OPTS, P_PXE,
			    pxe_vendor, sizeof(pxe_vendor))) != NULL)
				c->pair = v->pair = 1;
		}
		if (r->ipxe_no_pxedhcp)
			(void)cand_add(cs, DHO_IPXE_ENCAP, P_PXE, ipxe_encap,
			    sizeof(ipxe_encap));
	} else if (r->message != NULL)
		cand_str(cs, DHO_MESSAGE, P_MESSAGE, r->message, 0);
	/* RFC 6842 §3: echo the client identifier, NAKs included. */
	if (req->client_id_len > 0)
		(void)cand_add(cs, DHO_CLIENT_ID, P_LEASE, req->client_id,
		    req->client_id_len);
	if (req->has_relay_info)
		(void)cand_add(cs, DHO_RELAY_INFO, P_KEEP, req->relay_info,
		    req->relay_info_len);
}

/*
 * Keeps whole options, most important first (and among equals in the order
 * collected), while they fit in budget bytes; the rest are dropped, never
 * cut. A smaller, less important option may still take room a bigger one
 * could not use. Twins (60 and 43) are kept or dropped together. Returns
 * -1 when the P_KEEP ones do not fit.
 */
static int
cands_fit(struct cands *cs, size_t budget)
{
	struct cand	*c, *twin;
	size_t		 used = 0, need;
	int		 prio, i, j;

	for (i = 0; i < cs->n; i++)
		cs->c[i].dropped = 1;
	for (prio = P_KEEP; prio <= P_MESSAGE; prio++)
		for (i = 0; i < cs->n; i++) {
			c = &cs->c[i];
			if (c->prio != prio || c->tried)
				continue;
			c->tried = 1;
			need = 2 + (size_t)c->len;
			twin = NULL;
			for (j = 0; c->pair && j < cs->n; j++)
				if (j != i && cs->c[j].pair == c->pair)
					twin = &cs->c[j];
			if (twin != NULL) {
				twin->tried = 1;
				need += 2 + (size_t)twin->len;
			}
			if (need <= budget - used) {
				used += need;
				c->dropped = 0;
				if (twin != NULL)
					twin->dropped = 0;
			} else if (prio == P_KEEP)
				return -1;
		}
	return 0;
}

static int
cand_put(struct buf_wr *w, struct cand *c)
{
	if (c->dropped || c->sent)
		return 0;
	c->sent = 1;
	if (buf_put_u8(w, c->code) == -1 || buf_put_u8(w, c->len) == -1 ||
	    buf_put_bytes(w, c->data, c->len) == -1)
		return -1;
	return 0;
}

/*
 * Order: 53 and 54 first (some ROMs look no further for the type), then
 * the client's option 55 order, then the rest as collected, then 82
 * (RFC 3046 §2.2: the relay strips it; keep it at the end).
 */
static int
cands_put(struct buf_wr *w, struct cands *cs, const struct dhcp_msg *req)
{
	size_t	 i;
	int	 j;

	for (j = 0; j < cs->n; j++)
		if ((cs->c[j].code == DHO_MSG_TYPE ||
		    cs->c[j].code == DHO_SERVER_ID) &&
		    cand_put(w, &cs->c[j]) == -1)
			return -1;
	for (i = 0; i < req->prl_len; i++)
		for (j = 0; j < cs->n; j++)
			if (cs->c[j].code == req->prl[i] &&
			    cs->c[j].code != DHO_RELAY_INFO &&
			    cand_put(w, &cs->c[j]) == -1)
				return -1;
	for (j = 0; j < cs->n; j++)
		if (cs->c[j].code != DHO_RELAY_INFO &&
		    cand_put(w, &cs->c[j]) == -1)
			return -1;
	for (j = 0; j < cs->n; j++)
		if (cand_put(w, &cs->c[j]) == -1)
			return -1;
	return 0;
}

ssize_t
dhcp_reply_build(const struct dhcp_reply *r, const struct dhcp_msg *req,
    uint8_t *buf, size_t cap)
{
	struct cands	 cs;
	struct buf_wr	 w;
	uint8_t		 sname[DHCP_SNAME_LEN], file[DHCP_FILE_LEN];
	size_t		 limit, flen;
	ssize_t		 rc = -1;

	if (r->type != DHCP_OFFER && r->type != DHCP_ACK &&
	    r->type != DHCP_NAK)
		goto fail;
	/* RFC 2131 §2: option 57 counts the IP and UDP headers too. */
	limit = (size_t)req->max_size - DHCP_IPUDP_LEN;
	if (req->max_size < DHCP_MIN_MAX_SIZE)
		limit = DHCP_MIN_MAX_SIZE - DHCP_IPUDP_LEN;
	if (limit > cap)
		limit = cap;
	if (limit < DHCP_BOOTP_MIN_LEN)
		goto fail;

	memset(&cs, 0, sizeof(cs));
	cands_collect(&cs, r, req);
	if (cands_fit(&cs, limit - DHCP_MIN_LEN - 1) == -1)
		goto fail;

	memset(sname, 0, sizeof(sname));
	memset(file, 0, sizeof(file));
	flen = strlen(r->bootfile);
	if (r->type != DHCP_NAK && flen < DHCP_FILE_LEN)
		memcpy(file, r->bootfile, flen);

	/* Zero what the 300-byte padding may expose; nothing past it. */
	memset(buf, 0, DHCP_BOOTP_MIN_LEN);
	buf_wr_init(&w, buf, limit);
	if (buf_put_u8(&w, DHCP_BOOTREPLY) == -1 ||
	    buf_put_u8(&w, req->htype) == -1 ||
	    buf_put_u8(&w, req->hlen) == -1 ||
	    buf_put_u8(&w, 0) == -1 ||		/* hops */
	    buf_put_u32(&w, req->xid) == -1 ||
	    buf_put_u16(&w, 0) == -1 ||		/* secs */
	    buf_put_u16(&w, r->flags) == -1 ||
	    buf_put_u32(&w, r->ciaddr) == -1 ||
	    buf_put_u32(&w, r->yiaddr) == -1 ||
	    buf_put_u32(&w, r->siaddr) == -1 ||
	    buf_put_u32(&w, req->giaddr) == -1 ||
	    buf_put_bytes(&w, req->chaddr, DHCP_CHADDR_LEN) == -1 ||
	    buf_put_bytes(&w, sname, DHCP_SNAME_LEN) == -1 ||
	    buf_put_bytes(&w, file, DHCP_FILE_LEN) == -1 ||
	    buf_put_u32(&w, DHCP_MAGIC) == -1 ||
	    cands_put(&w, &cs, req) == -1 ||
	    buf_put_u8(&w, DHO_END) == -1)
		goto fail;
	if (w.len < DHCP_BOOTP_MIN_LEN)
		w.len = DHCP_BOOTP_MIN_LEN;
	rc = (ssize_t)w.len;
fail:
	return rc;
}
