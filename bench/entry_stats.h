/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_ENTRY_STATS_H
#define ISOLBENCH_ENTRY_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Statistics of isolbench-entry: a fixed-width histogram of entry times in
 * TSC cycles, and the parser of the rate list.
 *
 * Bucket j holds the values in [j * width, (j + 1) * width) and is labelled
 * by its upper edge (j + 1) * width, as oslat does. Values >= nbuckets *
 * width are counted in overflow only (oslat folds them into the last bucket;
 * keeping them apart lets the reader see how many there were).
 */
struct entry_hist {
	uint64_t width;		/* cycles per bucket */
	uint64_t nbuckets;
	uint64_t *buckets;
	uint64_t overflow;
	uint64_t count;
	uint64_t min;
	uint64_t max;
	uint64_t sum;
};

/**
 * entry_hist_init() - allocate an empty histogram.
 * @h:        the histogram
 * @width:    bucket width in cycles (>= 1)
 * @nbuckets: number of buckets (>= 1)
 *
 * Return: 0, or -1 with errno = ENOMEM.
 */
int entry_hist_init(struct entry_hist *h, uint64_t width, uint64_t nbuckets);

/** entry_hist_reset() - forget every value, keep the buckets. */
void entry_hist_reset(struct entry_hist *h);

/** entry_hist_free() - release the buckets. */
void entry_hist_free(struct entry_hist *h);

/* On the measurement path: no calls, no branches that are hard to predict. */
static inline void entry_hist_add(struct entry_hist *h, uint64_t v)
{
	uint64_t j = v / h->width;

	if (j < h->nbuckets)
		h->buckets[j]++;
	else
		h->overflow++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->sum += v;
	h->count++;
}

/**
 * entry_hist_percentile() - the p-th percentile of the values, from buckets.
 * @h: the histogram
 * @p: percentile, 0 < p <= 100
 *
 * Nearest rank: the value of rank ceil(p / 100 * count) in sorted order. It
 * is computed from the buckets, not from the samples (entry keeps no samples:
 * at "max" rate that would be tens of millions per CPU and second), so the
 * result is the upper edge of the bucket holding that rank (the same number
 * as that bucket's key in the JSON histogram), clamped to [min, max]: never
 * below the exact percentile and at most one bucket width above it.
 * When the rank falls among the overflows the exact value is unknown and
 * max is returned.
 *
 * Return: the percentile in cycles, 0 when the histogram is empty.
 */
uint64_t entry_hist_percentile(const struct entry_hist *h, double p);

/**
 * entry_hist_rank_in_overflow() - whether the p-th percentile is an overflow.
 * @h: the histogram
 * @p: percentile, 0 < p <= 100
 *
 * Return: 1 when the nearest-rank sample of @p lies beyond the last bucket.
 */
int entry_hist_rank_in_overflow(const struct entry_hist *h, double p);

/**
 * percentile_of_samples() - the nearest-rank p-th percentile of @n samples.
 * @v: the samples; sorted in place
 * @n: how many
 * @p: percentile, 0 < p <= 100
 *
 * The exact counterpart of entry_hist_percentile(), used to check it.
 *
 * Return: the percentile, 0 when @n is 0.
 */
uint64_t percentile_of_samples(uint64_t *v, size_t n, double p);

/**
 * entry_hist_exact_percentile() - the p-th percentile as a bucket's lower edge.
 * @h: the histogram
 * @p: percentile, 0 < p <= 100
 *
 * Nearest rank, like entry_hist_percentile(), but the value is the lower
 * edge j * width of the bucket holding the rank: with a width of 1 (icount
 * mode, where one TSC tick is one guest instruction) that is the exact
 * sample value. Overflowing ranks give max.
 *
 * Return: the percentile in cycles, 0 when the histogram is empty.
 */
uint64_t entry_hist_exact_percentile(const struct entry_hist *h, double p);

/**
 * entry_hist_mode() - the most frequent bucket.
 * @h:     the histogram
 * @count: its number of samples (may be NULL)
 *
 * Return: the lower edge of the fullest bucket (the smallest one on a tie),
 * 0 when the histogram is empty.
 */
uint64_t entry_hist_mode(const struct entry_hist *h, uint64_t *count);

/*
 * The ipi kind (icount mode only). Every measured CPU spins in user space
 * reading the TSC and logs each gap: the last read before it (a) and the
 * first read after it (b). Single-threaded TCG runs one vCPU at a time and
 * icount makes the TSC one clock for all of them, advanced by every
 * instruction any vCPU executes; so a gap holds other vCPUs' turns plus
 * whatever this vCPU did in the kernel. An IPI is taken when the receiver's
 * turn starts, so the receiver's own share of the gap is b minus the last
 * read (m) of the vCPU that ran just before it. The sender logs each send
 * as (a = TSC before the membarrier() call, b = TSC after it returned).
 */
struct entry_gap {
	uint64_t a;
	uint64_t b;
};

/**
 * entry_ipi_split() - the receiver's own part of each gap, IPI or not.
 * @gaps:    per measured CPU, its gaps in time order
 * @ngaps:   per measured CPU, how many
 * @ncpus:   measured CPUs
 * @r:       the receiver (index into @gaps)
 * @sends:   the sender's sends in time order
 * @nsends:  how many
 * @ipi:     gets b - m of each gap that took an IPI (the first gap of @r
 *           ending inside a send), when no sender code ran between m and b
 * @control: gets b - m of each gap that no send overlaps
 *
 * A gap whose m cannot be found (no other CPU was inside a gap at b) is
 * skipped. The instructions one IPI costs the receiver are then the median
 * of @ipi minus the median of @control (the spin loop's own share).
 */
void entry_ipi_split(const struct entry_gap *const *gaps, const size_t *ngaps, unsigned int ncpus,
		     unsigned int r, const struct entry_gap *sends, size_t nsends,
		     struct entry_hist *ipi, struct entry_hist *control);

/* At most this many rates per sweep. */
#define ENTRY_MAX_RATES 64
/* Largest target rate, entries per second and CPU. */
#define ENTRY_MAX_RATE 100000000ULL

/**
 * entry_parse_rates() - parse a rate list such as "1000,10k,100000,max".
 * @s:      the text: comma-separated rates in entries per second (1 ..
 *          ENTRY_MAX_RATE, k/M suffixes allowed) or "max" (as fast as
 *          possible, stored as 0)
 * @rates:  the result, in the given order
 * @max:    room in @rates
 * @n:      number of rates stored
 * @err:    on failure, a message (may be NULL)
 * @errlen: size of @err
 *
 * Return: 0, or -1 with errno EINVAL (malformed, empty, too many rates) or
 * ERANGE (a rate out of range).
 */
int entry_parse_rates(const char *s, uint64_t *rates, size_t max, size_t *n,
		      char *err, size_t errlen);

#endif
