/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_TSC_H
#define ISOLBENCH_TSC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Time stamp counter access, as rt-tests oslat does it. On x86 the TSC is
 * read with rdtsc; ib_tsc_read_ordered() puts an lfence in front so that
 * every earlier instruction (e.g. the syscall being timed) has completed
 * before the counter is read. Other architectures fall back to
 * CLOCK_MONOTONIC_RAW in nanoseconds (a "TSC" of 1 GHz), so that the code
 * builds and runs everywhere, with coarser timing.
 */

#if defined(__x86_64__) || defined(__i386__)
static inline uint64_t ib_tsc_read(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t ib_tsc_read_ordered(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void ib_cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}
#else
#include <time.h>

static inline uint64_t ib_tsc_read(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline uint64_t ib_tsc_read_ordered(void)
{
	return ib_tsc_read();
}

static inline void ib_cpu_relax(void)
{
	__asm__ __volatile__("" ::: "memory");
}
#endif

/* Calibration: readings of about 100 ms each, until two agree within 0.1%. */
#define IB_TSC_CAL_NS		100000000ULL
#define IB_TSC_CAL_TOLERANCE	0.001
#define IB_TSC_CAL_MAX_TRIES	20

/**
 * ib_tsc_calibrate() - measure the TSC frequency against CLOCK_MONOTONIC.
 * @hz:    the frequency in ticks per second (the last reading)
 * @tries: number of ~100 ms readings that were needed (may be NULL)
 *
 * Counts TSC ticks over about 100 ms of CLOCK_MONOTONIC, again and again,
 * until two consecutive readings agree within IB_TSC_CAL_TOLERANCE. The
 * caller should stay on one CPU meanwhile (TSCs of different CPUs may be
 * offset on machines without a synchronised TSC).
 *
 * Return: 0 when two readings agreed, 1 when IB_TSC_CAL_MAX_TRIES readings
 * never agreed (@hz then holds the last one), -1 with errno on failure.
 */
int ib_tsc_calibrate(double *hz, int *tries);

/**
 * ib_tsc_readings_agree() - whether two frequency readings agree.
 * @a: one reading
 * @b: the other
 * @tolerance: allowed relative difference (0.001 = 0.1%)
 *
 * Return: true when |a - b| <= tolerance * max(a, b) and both are positive.
 */
bool ib_tsc_readings_agree(double a, double b, double tolerance);

/**
 * ib_tsc_invariant() - whether the CPU says its TSC is invariant.
 *
 * Return: true when CPUID 0x80000007 EDX bit 8 (invariant TSC) is set, which
 * means the TSC ticks at a constant rate in every P-, C- and T-state. Always
 * true on non-x86 (the fallback clock is constant).
 */
bool ib_tsc_invariant(void);

#endif
