/* SPDX-License-Identifier: ISC */
/*
 * inv_report: human-readable views of a snapshot (the `bootd hosts` table,
 * one host's fields). Writes to a FILE; no other I/O.
 */
#ifndef BOOTD_INV_REPORT_H
#define BOOTD_INV_REPORT_H

#include <stdio.h>

#include "db/inventory.h"

/* One line per host: hostname, MAC, IP, profile, kind, state, dom0. */
void	inv_report_hosts(FILE *fp, const struct inv_snapshot *snap);

/* "key=value" lines for one host, its vars (var.NAME=) and its guests. */
void	inv_report_host(FILE *fp, const struct inv_host *h);

/* "ready", "build" (install at next boot) or "disabled". */
const char *inv_host_state(const struct inv_host *h);

#endif
