/* SPDX-License-Identifier: ISC */
/*
 * ratelimit: the one rate limiter. A token bucket, and a table of keyed
 * "one line per interval" slots behind a shared bucket, for every log line
 * a peer can trigger. Pure: the caller passes the time (milliseconds on
 * a monotonic clock); no I/O, no clock, no globals, no locking.
 */
#ifndef BOOTD_RATELIMIT_H
#define BOOTD_RATELIMIT_H

#include <stdint.h>

/* A token bucket in thousandths of a token, so refills need no floats. */
struct rl_bucket {
	int64_t		 milli;		/* tokens x 1000 */
	int64_t		 last_ms;
	int64_t		 rate;		/* tokens per second */
	int64_t		 burst;		/* tokens */
};

/* A full bucket of burst tokens that refills at rate per second. */
void	rl_bucket_init(struct rl_bucket *b, int64_t rate, int64_t burst,
	    int64_t now_ms);

/* Takes one token if there is one. Returns 1 when taken, 0 when empty. */
int	rl_bucket_take(struct rl_bucket *b, int64_t now_ms);

#define RL_KEYS		64	/* keys tracked at once; the oldest recycles */

struct rl_key {
	const void	*key;		/* compared by address; NULL: free slot */
	int64_t		 last_ms;	/* last line written */
	uint64_t	 held;		/* lines suppressed since then */
};

/*
 * Keyed lines: at most one per key per interval_ms, and all keys together
 * at most the shared bucket's rate. Keys are static strings (a reason, a
 * call site), compared by address.
 */
struct rl_log {
	int64_t		 interval_ms;
	struct rl_bucket shared;
	uint64_t	 suppressed;	/* lines held back, all keys, ever */
	struct rl_key	 keys[RL_KEYS];
};

void	rl_log_init(struct rl_log *rl, int64_t interval_ms, int64_t rate,
	    int64_t burst, int64_t now_ms);

/*
 * Returns 1 when a line keyed by key may be written at now_ms, with *held
 * set to the lines of that key suppressed since its last one (to be said
 * in the line); 0 when this one is to be suppressed (it is counted).
 */
int	rl_log_ok(struct rl_log *rl, const void *key, int64_t now_ms,
	    uint64_t *held);

#endif
