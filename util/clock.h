/* SPDX-License-Identifier: MIT */
/* Milliseconds on CLOCK_MONOTONIC, for deadlines and durations: one definition for every room */
#ifndef VIRTCAP_UTIL_CLOCK_H
#define VIRTCAP_UTIL_CLOCK_H

#include <time.h>

static inline long long clock_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

#endif
