// SPDX-License-Identifier: GPL-2.0
#include "tsc.h"

#include <errno.h>
#include <math.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

bool ib_tsc_readings_agree(double a, double b, double tolerance)
{
	double hi = a > b ? a : b;

	if (a <= 0 || b <= 0)
		return false;
	return fabs(a - b) <= tolerance * hi;
}

/*
 * One reading: the TSC and CLOCK_MONOTONIC are sampled back to back at both
 * ends of a ~100 ms busy wait. Busy waiting (not sleeping) keeps the CPU out
 * of idle states, where a non-invariant TSC would slow down.
 */
static double tsc_reading(void)
{
	uint64_t t0, t1, n0, n1;

	n0 = mono_ns();
	t0 = ib_tsc_read_ordered();
	do {
		n1 = mono_ns();
		t1 = ib_tsc_read_ordered();
	} while (n1 - n0 < IB_TSC_CAL_NS);
	return (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
}

int ib_tsc_calibrate(double *hz, int *tries)
{
	double prev = tsc_reading(), cur = prev;
	int n;

	for (n = 2; n <= IB_TSC_CAL_MAX_TRIES; n++) {
		cur = tsc_reading();
		if (ib_tsc_readings_agree(prev, cur, IB_TSC_CAL_TOLERANCE))
			break;
		prev = cur;
	}
	if (cur <= 0) {
		errno = EIO;
		return -1;
	}
	*hz = cur;
	if (tries)
		*tries = n > IB_TSC_CAL_MAX_TRIES ? IB_TSC_CAL_MAX_TRIES : n;
	return n > IB_TSC_CAL_MAX_TRIES ? 1 : 0;
}

bool ib_tsc_invariant(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx))
		return false;
	return edx & (1u << 8);
#else
	return true;
#endif
}
