/* SPDX-License-Identifier: ISC */
/*
 * ks_status: parses the form body of POST /status/<host> (see ks_status.h).
 * Pure: no I/O, no libevent, no logging, no allocation; reads at most
 * KS_STATUS_MAX bytes and writes only into the caller's struct.
 */
#include <string.h>
#include <sys/types.h>

#include "kickstart/ks_status.h"

/* The value of a hex digit, or -1. */
static int
hexdigit(unsigned char c)
{
	unsigned char	l = c | 0x20;	/* 'A'-'F' to 'a'-'f' */

	if (c >= '0' && c <= '9')
		return c - '0';
	return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

/*
 * Decodes the n form-encoded bytes at s ('+' a space, %XX a byte) into out,
 * cap bytes with the NUL (out may be NULL when cap is 0: a check only).
 * Bytes past cap - 1 are counted, not written, so the caller can refuse a
 * long value by its real length. Returns the decoded length, or -1 with
 * *why set for a bad escape or a decoded NUL.
 */
static ssize_t
form_decode(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	size_t	i, o = 0;
	int	c, hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (n - i < 3 ||
			    (hi = hexdigit((unsigned char)s[i + 1])) == -1 ||
			    (lo = hexdigit((unsigned char)s[i + 2])) == -1) {
				*why = "'%' without two hex digits";
				return -1;
			}
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == '\0') {
			*why = "NUL byte in a field (%00)";
			return -1;
		}
		if (o + 1 < cap)
			out[o] = (char)c;
		o++;
	}
	if (cap > 0)
		out[o < cap ? o : cap - 1] = '\0';
	return (ssize_t)o;
}

/* stage: [a-z0-9-]+ (boot_events.stage). */
static int
stage_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return 0;
	return 1;
}

/* detail: no control byte but tab (it is shown in logs and the admin UI). */
static int
detail_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

enum ks_status_field {
	KS_F_OTHER,
	KS_F_STAGE,
	KS_F_DETAIL
};

/* Which field the n encoded name bytes at s decode to, or -1 (*why set). */
static int
field_of(const char *s, size_t n, const char **why)
{
	char	name[8];	/* longer than any name we look for */
	ssize_t	len;

	if ((len = form_decode(s, n, name, sizeof(name), why)) == -1)
		return -1;
	if ((size_t)len >= sizeof(name))
		return KS_F_OTHER;
	if (strcmp(name, "stage") == 0)
		return KS_F_STAGE;
	if (strcmp(name, "detail") == 0)
		return KS_F_DETAIL;
	return KS_F_OTHER;
}

enum ks_status_rc
ks_status_parse(const char *body, size_t len, struct ks_status *out,
    const char **why)
{
	const char	*f, *amp, *eq;
	size_t		 i, flen, nlen;
	ssize_t		 n;
	int		 field, seen_stage = 0, seen_detail = 0;

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
		if ((field = field_of(f, nlen, why)) == -1)
			return KS_STATUS_EINVAL;
		switch (field) {
		case KS_F_STAGE:
			*why = "stage given twice";
			if (seen_stage++)
				return KS_STATUS_EINVAL;
			n = form_decode(eq + 1, flen - nlen - 1, out->stage,
			    sizeof(out->stage), why);
			if (n == -1)
				return KS_STATUS_EINVAL;
			*why = "stage must be 1 to 31 of a-z 0-9 -";
			if (n < 1 || n > KS_STATUS_STAGE_MAX ||
			    !stage_ok(out->stage))
				return KS_STATUS_EINVAL;
			break;
		case KS_F_DETAIL:
			*why = "detail given twice";
			if (seen_detail++)
				return KS_STATUS_EINVAL;
			n = form_decode(eq + 1, flen - nlen - 1, out->detail,
			    sizeof(out->detail), why);
			if (n == -1)
				return KS_STATUS_EINVAL;
			*why = "detail must be at most 255 bytes";
			if (n > KS_STATUS_DETAIL_MAX)
				return KS_STATUS_EINVAL;
			*why = "detail must hold no control byte but tab";
			if (!detail_ok(out->detail))
				return KS_STATUS_EINVAL;
			break;
		default:
			/* Ignored, but a form is well-formed throughout. */
			if (form_decode(eq + 1, flen - nlen - 1, NULL, 0,
			    why) == -1)
				return KS_STATUS_EINVAL;
			break;
		}
	}
	*why = "no stage field";
	if (!seen_stage)
		return KS_STATUS_EINVAL;
	*why = NULL;
	return KS_STATUS_OK;
}
