/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for daemon/api_query.c: the input is the query string
 * of a GET /api/... request (its first byte picks which parameters the
 * route allows). Aborts when a result breaks the contract in api_query.h:
 * a refusal without a reason, an accepted query whose state is out of
 * range, whose profile or q is unterminated, too long or holds a NUL
 * before its end, or a parameter the route does not take that was set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/hoststate.h"
#include "daemon/api_query.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_query	 q;
	const char		*why = NULL;
	char			*s;
	int			 allowed;

	if (size < 1 || size > 4096)
		return 0;
	allowed = data[0] & (API_P_STATE | API_P_PROFILE | API_P_Q |
	    API_P_AFTER);
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (api_query_parse(s, allowed, &q, &why) == -1) {
		CHECK(why != NULL && *why != '\0');
	} else {
		CHECK(q.state >= -1 && q.state < HS_MAX);
		CHECK(memchr(q.profile, '\0', sizeof(q.profile)) != NULL);
		CHECK(memchr(q.q, '\0', sizeof(q.q)) != NULL);
		if (!(allowed & API_P_STATE))
			CHECK(q.state == -1);
		if (!(allowed & API_P_PROFILE))
			CHECK(q.profile[0] == '\0');
		if (!(allowed & API_P_Q))
			CHECK(q.q[0] == '\0');
		if (!(allowed & API_P_AFTER))
			CHECK(q.after == 0);
	}
	free(s);
	return 0;
}
