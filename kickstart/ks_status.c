/* SPDX-License-Identifier: ISC */
/*
 * ks_status: parses the form body of POST /status/<host> (see ks_status.h).
 * Pure: no I/O, no libevent, no logging, no allocation; reads at most
 * KS_STATUS_MAX bytes and writes only into the caller's struct.
 */
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#include "bootd/escape.h"
#include "kickstart/ks_status.h"

/* stage: 1 to 31 of [a-z0-9-] (boot_events.stage). NULL when good. */
static const char *
stage_why(const char *s, size_t n)
{
	static const char why[] = "stage must be 1 to 31 of a-z 0-9 -";

	if (n < 1 || n > KS_STATUS_STAGE_MAX)
		return why;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return why;
	return NULL;
}

/*
 * detail: at most 255 bytes (boot_events.detail), no control byte but tab
 * (it is shown in logs and the admin UI). NULL when good.
 */
static const char *
detail_why(const char *s, size_t n)
{
	if (n > KS_STATUS_DETAIL_MAX)
		return "detail must be at most 255 bytes";
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return "detail must hold no control byte but tab";
	return NULL;
}

/* The fields a report may hold; others are ignored. */
enum {
	KS_F_STAGE,		/* required */
	KS_F_DETAIL,
	KS_NFIELDS
};

static const struct ks_status_field {
	const char	*name;
	size_t		 off, size;	/* the string in struct ks_status */
	const char	*(*check)(const char *, size_t);
	const char	*twice;		/* the reason for a repeated field */
} fields[KS_NFIELDS] = {
	[KS_F_STAGE] = { "stage", offsetof(struct ks_status, stage),
	    sizeof(((struct ks_status *)NULL)->stage), stage_why,
	    "stage given twice" },
	[KS_F_DETAIL] = { "detail", offsetof(struct ks_status, detail),
	    sizeof(((struct ks_status *)NULL)->detail), detail_why,
	    "detail given twice" },
};

/*
 * The index in fields[] of the n encoded name bytes at s, KS_NFIELDS for
 * another name, or -1 with *why set.
 */
static int
field_of(const char *s, size_t n, const char **why)
{
	char	name[8];	/* longer than any name in fields[] */
	ssize_t	len;
	size_t	i;

	if ((len = form_decode(s, n, name, sizeof(name), why)) == -1)
		return -1;
	if ((size_t)len >= sizeof(name))
		return KS_NFIELDS;
	for (i = 0; i < KS_NFIELDS; i++)
		if (strcmp(name, fields[i].name) == 0)
			return (int)i;
	return KS_NFIELDS;
}

enum ks_status_rc
ks_status_parse(const char *body, size_t len, struct ks_status *out,
    const char **why)
{
	const struct ks_status_field	*fd;
	const char			*f, *amp, *eq;
	char				*dst;
	size_t				 i, flen, nlen;
	ssize_t				 n;
	unsigned int			 seen = 0;
	int				 k;

	memset(out, 0, sizeof(*out));
	*why = "body too large";
	if (len > KS_STATUS_MAX)
		return KS_STATUS_ETOOLARGE;
	*why = "NUL byte in body";
	if (len > 0 && memchr(body, '\0', len) != NULL)
		return KS_STATUS_EINVAL;
	/* Indexes, not pointers: body may be NULL when len is 0. */
	for (i = 0; i < len; i += flen + 1) {
		f = body + i;
		amp = memchr(f, '&', len - i);
		flen = amp != NULL ? (size_t)(amp - f) : len - i;
		if (flen == 0)
			continue;
		*why = "a field without '='";
		if ((eq = memchr(f, '=', flen)) == NULL)
			return KS_STATUS_EINVAL;
		nlen = (size_t)(eq - f);
		*why = "a field without a name";
		if (nlen == 0)
			return KS_STATUS_EINVAL;
		if ((k = field_of(f, nlen, why)) == -1)
			return KS_STATUS_EINVAL;
		if (k == KS_NFIELDS) {
			/* Ignored, but a form is well-formed throughout. */
			if (form_decode(eq + 1, flen - nlen - 1, NULL, 0,
			    why) == -1)
				return KS_STATUS_EINVAL;
			continue;
		}
		fd = &fields[k];
		*why = fd->twice;
		if (seen & 1u << k)
			return KS_STATUS_EINVAL;
		seen |= 1u << k;
		dst = (char *)out + fd->off;
		if ((n = form_decode(eq + 1, flen - nlen - 1, dst, fd->size,
		    why)) == -1)
			return KS_STATUS_EINVAL;
		/* A value cut at fd->size is refused here by its length. */
		if ((*why = fd->check(dst, (size_t)n)) != NULL)
			return KS_STATUS_EINVAL;
	}
	*why = "no stage field";
	if (!(seen & 1u << KS_F_STAGE))
		return KS_STATUS_EINVAL;
	*why = NULL;
	return KS_STATUS_OK;
}
