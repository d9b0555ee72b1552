// SPDX-License-Identifier: GPL-2.0
/*
 * burst: interrupt a CPU for a known time, a known number of times.
 * Pinned to one CPU at SCHED_FIFO 50, it sleeps GAP_MS, then spins for
 * BUSY_US (measured with CLOCK_MONOTONIC), N times, and prints how many
 * bursts it made and the shortest and longest spin in ns. A SCHED_FIFO 1
 * oslat thread on the same CPU sees one gap of at least the spin per burst.
 *   burst CPU N BUSY_US GAP_MS
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 50 };
	long long mn = -1, mx = 0;
	cpu_set_t set;
	int cpu, n, busy_us, gap_ms;

	if (argc != 5)
		return 2;
	cpu = atoi(argv[1]);
	n = atoi(argv[2]);
	busy_us = atoi(argv[3]);
	gap_ms = atoi(argv[4]);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) || sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("burst");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct timespec gap = { gap_ms / 1000, (gap_ms % 1000) * 1000000L };
		long long t0, t;

		nanosleep(&gap, NULL);
		t0 = now_ns();
		do
			t = now_ns();
		while (t - t0 < busy_us * 1000LL);
		if (mn < 0 || t - t0 < mn)
			mn = t - t0;
		if (t - t0 > mx)
			mx = t - t0;
	}
	printf("bursts %d busy_min_ns %lld busy_max_ns %lld\n", n, mn, mx);
	return 0;
}
