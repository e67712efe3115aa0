/* SPDX-License-Identifier: ISC */
/*
 * api_query: the query string of a /api/ request (?state=&profile=&q=
 * &after=) parsed and checked. Pure: no I/O, no allocation, no logging.
 */
#ifndef BOOTD_API_QUERY_H
#define BOOTD_API_QUERY_H

#include <stdint.h>

#include "db/inventory.h"

/* Which parameters a route takes (a mask). */
#define API_P_STATE	0x1	/* a state name, hs_state_name() */
#define API_P_PROFILE	0x2	/* a profile name, matched exactly */
#define API_P_Q		0x4	/* a substring, ASCII case-insensitive */
#define API_P_AFTER	0x8	/* an event seq, decimal */

struct api_query {
	int		 state;			/* enum hs_state; -1 any */
	char		 profile[INV_NAME_MAX + 1];	/* "" any */
	char		 q[INV_NAME_MAX + 1];		/* "" any */
	uint64_t	 after;			/* 0: from the oldest */
};

/*
 * Parses query (the part after '?', NULL or "" for none; "a=1&b=2",
 * %XX and '+' decoded) into *out, every parameter optional. Refused, with
 * *why a static reason for a 400: a parameter outside allowed or twice,
 * one without '=', a bad %-escape or a NUL in a value, an unknown state,
 * a profile or q longer than INV_NAME_MAX bytes, after not a decimal
 * number below 2^64. Returns 0 or -1.
 */
int	api_query_parse(const char *query, int allowed, struct api_query *out,
	    const char **why);

#endif
