/* SPDX-License-Identifier: ISC */
/* api_query: /api/ query strings (see api_query.h). Pure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/escape.h"
#include "bootd/hoststate.h"
#include "daemon/api_query.h"

/*
 * Decodes p[0..n) (form encoding: %XX, '+' is a space; form_decode())
 * into dst (len bytes with the NUL). Returns 0, or -1 with *why.
 */
static int
decode(const char *p, size_t n, char *dst, size_t len, const char **why)
{
	ssize_t	r;

	if ((r = form_decode(p, n, dst, len, why)) == -1) {
		*why = **why == '\'' ? "bad %-escape in the query" :
		    "NUL byte in the query";
		return -1;
	}
	if ((size_t)r >= len) {
		*why = "query value too long";
		return -1;
	}
	return 0;
}

static const struct {
	const char	*name;
	int		 bit;
} params[] = {
	{ "state", API_P_STATE },
	{ "profile", API_P_PROFILE },
	{ "q", API_P_Q },
	{ "after", API_P_AFTER },
};

int
api_query_parse(const char *query, int allowed, struct api_query *out,
    const char **why)
{
	const char	*p, *end, *eq;
	char		 v[INV_NAME_MAX + 1], *ep;
	size_t		 i, klen;
	int		 seen = 0, bit;
	unsigned long long n;

	memset(out, 0, sizeof(*out));
	out->state = -1;
	for (p = query; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		if ((end = strchr(p, '&')) == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;	/* "a=1&&b=2" */
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL) {
			*why = "query parameter without a value";
			return -1;
		}
		klen = (size_t)(eq - p);
		for (i = 0, bit = 0; i < sizeof(params) / sizeof(params[0]);
		    i++)
			if (strlen(params[i].name) == klen &&
			    memcmp(params[i].name, p, klen) == 0)
				bit = params[i].bit;
		if (bit == 0 || !(allowed & bit)) {
			*why = "unknown query parameter";
			return -1;
		}
		if (seen & bit) {
			*why = "query parameter given twice";
			return -1;
		}
		seen |= bit;
		if (decode(eq + 1, (size_t)(end - eq - 1), v, sizeof(v),
		    why) == -1)
			return -1;
		switch (bit) {
		case API_P_STATE:
			if ((out->state = hs_state_parse(v)) == -1) {
				*why = "unknown state";
				return -1;
			}
			break;
		case API_P_PROFILE:
			memcpy(out->profile, v, sizeof(v));
			break;
		case API_P_Q:
			memcpy(out->q, v, sizeof(v));
			break;
		case API_P_AFTER:
			errno = 0;
			n = strtoull(v, &ep, 10);
			if (v[0] < '0' || v[0] > '9' || *ep != '\0' ||
			    errno == ERANGE) {
				*why = "after is not an event number";
				return -1;
			}
			out->after = n;
			break;
		}
	}
	return 0;
}
