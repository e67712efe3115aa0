/* SPDX-License-Identifier: ISC */
/*
 * clock: the one monotonic clock helper, for timeouts, backoff, rate
 * limits and durations. Not for pure code, which takes the time as an
 * argument (rule 1).
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

#endif
