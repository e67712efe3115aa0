/* SPDX-License-Identifier: ISC */
/*
 * hoststate: the one rule that turns a host's boot events into the state an
 * admin sees (status page, /api/, /metrics, `bootd hosts`). Pure: the caller
 * passes the events in order and the time; no I/O, no clock, no globals.
 *
 * The states, in the words of the README:
 *   unseen      no event recorded for the host
 *   booting     a boot began (DHCP, TFTP, iPXE) and no installer spoke yet
 *   installing  its kickstart was served or its installer reported a stage
 *   installed   the installer (or a dom0's first boot) reported done
 *   failed      the last word was a failure ("...-failed", "tftp-failed")
 *   stalled     booting or installing with build = 1, and no install-done
 *               within the profile's stall timeout since the boot began
 *   disabled    hosts.enabled = 0 (whatever its events say)
 * While build = 0 a host boots from its disk: its boot events do not move
 * it out of installed.
 */
#ifndef BOOTD_HOSTSTATE_H
#define BOOTD_HOSTSTATE_H

#include <stdint.h>

enum hs_state {
	HS_UNSEEN,
	HS_BOOTING,
	HS_INSTALLING,
	HS_INSTALLED,
	HS_FAILED,
	HS_STALLED,
	HS_DISABLED,
	HS_MAX
};

/* What the rule keeps of a host's past: fold each event into it in order. */
struct hs_track {
	enum hs_state	 state;		/* UNSEEN..FAILED; never STALLED */
	int64_t		 began_ms;	/* when the current boot began; 0 */
	int64_t		 last_ms;	/* time of the last event; 0 none */
};

/* "unseen", "booting", ...; "?" out of range. */
const char	*hs_state_name(enum hs_state s);

/* The state named s (as hs_state_name() prints it), or -1. */
int		 hs_state_parse(const char *s);

/* A track with no event: unseen. */
void		 hs_track_init(struct hs_track *t);

/*
 * Folds one event: stage as in boot_events.stage, at_ms its time
 * (milliseconds since the epoch), build the host's build flag now. Events
 * older than the last one folded are taken as they come (clocks of
 * different sources may disagree by a little); the state follows the
 * order of the calls.
 */
void		 hs_track_event(struct hs_track *t, const char *stage,
		    int64_t at_ms, int build);

/*
 * The state to show now: disabled when !enabled, stalled when the track is
 * booting or installing with build set and began_ms is more than
 * stall_ms before now_ms (stall_ms <= 0: never stalled); else t->state.
 */
enum hs_state	 hs_state_now(const struct hs_track *t, int enabled,
		    int build, int64_t stall_ms, int64_t now_ms);

#endif
