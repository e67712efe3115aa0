/* SPDX-License-Identifier: ISC */
/* hoststate: boot events to a host's state (see hoststate.h). Pure. */
#include <string.h>

#include "bootd/hoststate.h"

static const char *const hs_names[HS_MAX] = {
	[HS_UNSEEN] = "unseen",
	[HS_BOOTING] = "booting",
	[HS_INSTALLING] = "installing",
	[HS_INSTALLED] = "installed",
	[HS_FAILED] = "failed",
	[HS_STALLED] = "stalled",
	[HS_DISABLED] = "disabled",
};

/* What a stage says, before the build flag and the past are weighed. */
enum hs_kind {
	HK_BOOT,	/* the firmware or a boot loader asked for something */
	HK_BEGIN,	/* a DHCP ACK: a boot begins here */
	HK_INSTALL,	/* the installer (or anything it posts) speaks */
	HK_DONE,
	HK_FAIL,
	HK_NONE		/* changes nothing (a release, a decline) */
};

const char *
hs_state_name(enum hs_state s)
{
	return (unsigned)s < HS_MAX ? hs_names[s] : "?";
}

int
hs_state_parse(const char *s)
{
	int	i;

	for (i = 0; i < HS_MAX; i++)
		if (strcmp(s, hs_names[i]) == 0)
			return i;
	return -1;
}

void
hs_track_init(struct hs_track *t)
{
	t->state = HS_UNSEEN;
	t->began_ms = 0;
	t->last_ms = 0;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t	n = strlen(s), m = strlen(suf);

	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static enum hs_kind
stage_kind(const char *stage)
{
	if (strcmp(stage, "dhcp-ack") == 0)
		return HK_BEGIN;
	if (strcmp(stage, "dhcp-release") == 0 ||
	    strcmp(stage, "dhcp-decline") == 0 ||
	    strcmp(stage, "dhcp-nak") == 0)
		return HK_NONE;
	if (has_suffix(stage, "-failed"))
		return HK_FAIL;
	/* A guest's rows carry its own name: guest-installed is its done. */
	if (strcmp(stage, "install-done") == 0 ||
	    strcmp(stage, "firstboot-done") == 0 ||
	    strcmp(stage, "guest-installed") == 0)
		return HK_DONE;
	if (strncmp(stage, "dhcp-", 5) == 0 || strncmp(stage, "tftp-", 5) == 0 ||
	    strncmp(stage, "ipxe-", 5) == 0 || strncmp(stage, "menu-", 5) == 0)
		return HK_BOOT;
	/* ks-served, install-start, and whatever else an installer posts. */
	return HK_INSTALL;
}

void
hs_track_event(struct hs_track *t, const char *stage, int64_t at_ms,
    int build)
{
	enum hs_kind	k = stage_kind(stage);

	t->last_ms = at_ms;
	switch (k) {
	case HK_NONE:
		return;
	case HK_DONE:
		t->state = HS_INSTALLED;
		t->began_ms = 0;
		return;
	case HK_FAIL:
		t->state = HS_FAILED;
		return;
	case HK_BEGIN:
	case HK_BOOT:
		/* From its disk: an installed host stays installed. */
		if (!build && t->state == HS_INSTALLED)
			return;
		/* A fetch during a boot or an install is part of it. */
		if (k == HK_BOOT && (t->state == HS_BOOTING ||
		    t->state == HS_INSTALLING))
			return;
		/* A DHCP ACK begins a boot; so does the first sign of one
		 * without it (a static address), but a retry after a
		 * failure is still the same boot. */
		if (k == HK_BEGIN || t->state != HS_FAILED || t->began_ms == 0)
			t->began_ms = at_ms;
		t->state = HS_BOOTING;
		return;
	case HK_INSTALL:
		if (t->began_ms == 0)
			t->began_ms = at_ms;
		t->state = HS_INSTALLING;
		return;
	}
}

enum hs_state
hs_state_now(const struct hs_track *t, int enabled, int build,
    int64_t stall_ms, int64_t now_ms)
{
	if (!enabled)
		return HS_DISABLED;
	if (build && stall_ms > 0 && t->began_ms != 0 &&
	    (t->state == HS_BOOTING || t->state == HS_INSTALLING) &&
	    now_ms - t->began_ms > stall_ms)
		return HS_STALLED;
	return t->state;
}
