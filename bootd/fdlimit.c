/* SPDX-License-Identifier: ISC */
/*
 * fdlimit: the descriptor budget from the configured caps (fdlimit.h).
 * Pure: reads only the config struct it is given; no syscalls, no logging.
 */
#include <inttypes.h>
#include <stdio.h>

#include "bootd/config.h"
#include "bootd/fdlimit.h"

void
fdlimit_budget(const struct bootd_config *cfg, struct fdlimit_budget *b)
{
	b->base = FDLIMIT_BASE;
	b->listeners = 0;
	b->tftp = 0;
	b->http = 0;
	b->db = FDLIMIT_DB;
	if (cfg->dhcp.enabled)
		b->listeners += 1;
	if (cfg->tftp.enabled) {
		b->listeners += 2;	/* socket and the root directory */
		b->tftp = (uint64_t)cfg->tftp.max_transfers * 2;
	}
	if (cfg->http.enabled) {
		b->listeners += 2;	/* socket and the /files/ root */
		b->http = (uint64_t)cfg->http.max_connections * 2;
	}
	b->total = b->base + b->listeners + b->tftp + b->http + b->db;
}

int
fdlimit_check(const struct fdlimit_budget *b, uint64_t limit, char *msg,
    size_t len)
{
	const char *lower;

	if (len > 0)
		msg[0] = '\0';
	if (b->total <= limit)
		return 0;
	if (b->tftp > 0 && b->http > 0)
		lower = "tftp.max_transfers or http.max_connections";
	else if (b->tftp > 0)
		lower = "tftp.max_transfers";
	else if (b->http > 0)
		lower = "http.max_connections";
	else
		lower = NULL;
	snprintf(msg, len, "descriptor budget %" PRIu64 " (base %" PRIu64
	    ", listeners %" PRIu64 ", TFTP %" PRIu64 ", HTTP %" PRIu64
	    ", DB %" PRIu64 ") exceeds the open files limit %" PRIu64 ": %s%s%s"
	    "raise the limit (LimitNOFILE= in the systemd unit, ulimit -n)",
	    b->total, b->base, b->listeners, b->tftp, b->http, b->db, limit,
	    lower != NULL ? "lower " : "", lower != NULL ? lower : "",
	    lower != NULL ? ", or " : "");
	return 1;
}
