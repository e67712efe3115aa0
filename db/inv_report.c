/* SPDX-License-Identifier: ISC */
/*
 * inv_report: text views of a snapshot for the CLI and the status routes.
 */
#include <string.h>

#include "db/inv_report.h"

const char *
inv_host_state(const struct inv_host *h)
{
	if (!h->enabled)
		return "disabled";
	if (h->build && h->profile->kind == INV_KIND_INSTALL)
		return "build";
	return "ready";
}

void
inv_report_hosts(FILE *fp, const struct inv_snapshot *snap)
{
	const struct inv_host	*h;
	size_t			 i, w = 8;

	for (i = 0; i < snap->nhosts; i++)
		if (strlen(snap->hosts[i].hostname) > w)
			w = strlen(snap->hosts[i].hostname);
	if (w > 40)
		w = 40;
	fprintf(fp, "%-*s  %-17s  %-15s  %-16s  %-8s  %-8s  %s\n", (int)w,
	    "HOSTNAME", "MAC", "IP", "PROFILE", "KIND", "STATE", "DOM0");
	for (i = 0; i < snap->nhosts; i++) {
		h = &snap->hosts[i];
		fprintf(fp, "%-*s  %-17s  %-15s  %-16s  %-8s  %-8s  %s\n",
		    (int)w, h->hostname, h->macstr, h->ipstr, h->profile->name,
		    inv_kind_names[h->profile->kind], inv_host_state(h),
		    h->dom0 != NULL ? h->dom0->hostname : "-");
	}
}

void
inv_report_host(FILE *fp, const struct inv_host *h)
{
	size_t i;

	fprintf(fp, "hostname=%s\nmac=%s\nip=%s\nprofile=%s\nkind=%s\n"
	    "state=%s\nenabled=%d\nbuild=%d\n", h->hostname, h->macstr,
	    h->ipstr, h->profile->name, inv_kind_names[h->profile->kind],
	    inv_host_state(h), h->enabled, h->build);
	/* Only the profile's overrides: the defaults are in the config. */
	for (i = 0; i < INV_BOOT_MAX; i++)
		if (h->profile->bootfile[i][0] != '\0')
			fprintf(fp, "bootfile_%s=%s\n", inv_boot_names[i],
			    h->profile->bootfile[i]);
	if (h->dom0 != NULL)
		fprintf(fp, "dom0=%s\n", h->dom0->hostname);
	if (h->vdisk[0] != '\0')
		fprintf(fp, "vdisk=%s\n", h->vdisk);
	if (h->memory_mb > 0)
		fprintf(fp, "memory_mb=%d\n", h->memory_mb);
	if (h->vcpus > 0)
		fprintf(fp, "vcpus=%d\n", h->vcpus);
	fprintf(fp, "updated_at=%s\n", h->updated_at);
	for (i = 0; i < h->nvars; i++)
		fprintf(fp, "var.%s=%s\n", h->vars[i].name, h->vars[i].value);
	for (i = 0; i < h->nguests; i++)
		fprintf(fp, "guest=%s\n", h->guests[i]->hostname);
}
