/* SPDX-License-Identifier: ISC */
/*
 * ratelimit: token buckets and keyed log slots. Pure: time comes in as an
 * argument.
 */
#include <stddef.h>

#include "bootd/ratelimit.h"

void
rl_bucket_init(struct rl_bucket *b, int64_t rate, int64_t burst,
    int64_t now_ms)
{
	b->rate = rate;
	b->burst = burst;
	b->milli = burst * 1000;
	b->last_ms = now_ms;
}

int
rl_bucket_take(struct rl_bucket *b, int64_t now_ms)
{
	if (now_ms > b->last_ms) {
		b->milli += (now_ms - b->last_ms) * b->rate;
		if (b->milli > b->burst * 1000)
			b->milli = b->burst * 1000;
		b->last_ms = now_ms;
	}
	if (b->milli < 1000)
		return 0;
	b->milli -= 1000;
	return 1;
}

void
rl_log_init(struct rl_log *rl, int64_t interval_ms, int64_t rate,
    int64_t burst, int64_t now_ms)
{
	size_t i;

	rl->interval_ms = interval_ms;
	rl->suppressed = 0;
	rl_bucket_init(&rl->shared, rate, burst, now_ms);
	for (i = 0; i < RL_KEYS; i++) {
		rl->keys[i].key = NULL;
		rl->keys[i].last_ms = 0;
		rl->keys[i].held = 0;
	}
}

int
rl_log_ok(struct rl_log *rl, const void *key, int64_t now_ms, uint64_t *held)
{
	struct rl_key	*e = NULL, *oldest = &rl->keys[0];
	size_t		 i;

	for (i = 0; i < RL_KEYS; i++) {
		if (rl->keys[i].key == key) {
			e = &rl->keys[i];
			break;
		}
		if (rl->keys[i].key == NULL || (oldest->key != NULL &&
		    rl->keys[i].last_ms < oldest->last_ms))
			oldest = &rl->keys[i];
	}
	if (e == NULL) {
		/* A recycled key's held count is lost; it was said long ago. */
		e = oldest;
		e->key = key;
		e->last_ms = now_ms - rl->interval_ms;
		e->held = 0;
	}
	if (now_ms - e->last_ms < rl->interval_ms ||
	    !rl_bucket_take(&rl->shared, now_ms)) {
		e->held++;
		rl->suppressed++;
		return 0;
	}
	*held = e->held;
	e->held = 0;
	e->last_ms = now_ms;
	return 1;
}
