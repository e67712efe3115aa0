/* SPDX-License-Identifier: ISC */
/*
 * clock: the monotonic clock in the units bootd counts in. Header only;
 * pure code takes times as arguments and never includes this.
 */
#ifndef BOOTD_CLOCK_H
#define BOOTD_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Microseconds on CLOCK_MONOTONIC (since an unspecified start). */
static inline uint64_t
clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Milliseconds on CLOCK_MONOTONIC (since an unspecified start). */
static inline uint64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif
