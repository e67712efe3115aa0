/* SPDX-License-Identifier: ISC */
/*
 * clock: the one clock helper: monotonic for timeouts, backoff, rate
 * limits and durations, the wall clock for times shown. Not for pure
 * code, which takes the time as an argument (rule 1).
 */
#ifndef BOOTD_CLOCK_H
#define BOOTD_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Microseconds on CLOCK_MONOTONIC (from an unspecified start). */
static inline uint64_t
clock_mono_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Milliseconds on CLOCK_MONOTONIC. */
static inline uint64_t
clock_mono_ms(void)
{
	return clock_mono_us() / 1000;
}

/*
 * Milliseconds since the epoch (CLOCK_REALTIME): for times shown to people
 * (boot events, the status API), never for durations.
 */
static inline int64_t
clock_real_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
