/* SPDX-License-Identifier: ISC */
/*
 * inv_bootfile: checks of a profile's boot file overrides and the one
 * scanner of the {{mac}}/{{hostname}}/{{ip}} placeholders of iPXE boot
 * files. Pure: no I/O, no logging.
 */
#include <string.h>

#include "db/inv_bootfile.h"

const char *const inv_bootvar_names[INV_BV_MAX] = {
	[INV_BV_MAC] = "mac",
	[INV_BV_HOSTNAME] = "hostname",
	[INV_BV_IP] = "ip",
};

int
inv_bootfile_walk(const char *tmpl, const struct inv_bootfile_ops *ops,
    void *ctx)
{
	const char	*s, *e, *run = tmpl;
	size_t		 n;
	int		 v;

	for (s = tmpl; *s != '\0'; s++) {
		if (s[0] != '{' || s[1] != '{' ||
		    (e = strstr(s + 2, "}}")) == NULL)
			continue;
		n = (size_t)(e - (s + 2));
		for (v = 0; v < INV_BV_MAX; v++)
			if (strlen(inv_bootvar_names[v]) == n &&
			    memcmp(s + 2, inv_bootvar_names[v], n) == 0)
				break;
		if (v == INV_BV_MAX)
			continue;
		if ((s > run && ops->text(ctx, run, (size_t)(s - run)) == -1) ||
		    ops->var(ctx, (enum inv_bootvar)v) == -1)
			return -1;
		s = e + 1;
		run = e + 2;
	}
	if (s > run && ops->text(ctx, run, (size_t)(s - run)) == -1)
		return -1;
	return 0;
}

struct subst_ctx {
	struct buf_wr		*w;
	const struct inv_host	*h;
};

static int
subst_text(void *ctx, const char *s, size_t n)
{
	struct subst_ctx *c = ctx;

	return buf_put_bytes(c->w, s, n);
}

static int
subst_var(void *ctx, enum inv_bootvar v)
{
	struct subst_ctx *c = ctx;
	const char	*val;

	switch (v) {
	case INV_BV_MAC:
		val = c->h->macstr;
		break;
	case INV_BV_HOSTNAME:
		val = c->h->hostname;
		break;
	default:
		val = c->h->ipstr;
		break;
	}
	return buf_put_bytes(c->w, val, strlen(val));
}

int
inv_bootfile_subst(struct buf_wr *w, const char *tmpl,
    const struct inv_host *h)
{
	static const struct inv_bootfile_ops ops = { subst_text, subst_var };
	struct subst_ctx c = { w, h };

	return inv_bootfile_walk(tmpl, &ops, &c);
}

const char *
inv_bootfile_why(const char *s, size_t len)
{
	static const char *const tags[] = { "tag:", "set:", "net:" };
	size_t		 i;
	unsigned char	 c;

	if (len > INV_BOOTFILE_MAX)
		return "longer than 127 bytes (the DHCP file field)";
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == ' ' || (c >= '\t' && c <= '\r'))
			return "whitespace";
		if (c < 0x20 || c == 0x7f)
			return "control character";
		if (c >= 0x80)
			return "non-ASCII byte";
		if (strchr("\"\\,#", c) != NULL)
			return "'\"', '\\', ',' or '#', which a generated "
			    "DHCP config cannot carry";
	}
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (len >= 4 && memcmp(s, tags[i], 4) == 0)
			return "starts like a dnsmasq tag (tag:, set:, net:)";
	return NULL;
}
