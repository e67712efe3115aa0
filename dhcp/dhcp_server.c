/* SPDX-License-Identifier: ISC */
/* dhcp_server: placeholder until the DHCP server lands (issue 4). */
#include <stdio.h>

#include "dhcp/dhcp_server.h"

struct dhcp_srv *
dhcp_start(struct bootd *bd, char *err, size_t errlen)
{
	snprintf(err, errlen, "the built-in DHCP server is not built yet; "
	    "set dhcp.enabled = false");
	return NULL;
}

void
dhcp_stop(struct dhcp_srv *srv)
{
}
