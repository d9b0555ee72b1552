/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_HIST_H
#define ISOLBENCH_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A latency histogram with fixed-width buckets, the one type every reader
 * (oslat, cyclictest, isolbench-entry) loads into and the report computes from.
 *
 * Buckets. Bucket i holds the values v with i * width <= v < (i + 1) * width;
 * it is labelled by its upper edge (i + 1) * width, as oslat and
 * isolbench-entry label theirs. The "last edge" is nbuckets * width; values
 * >= last edge are counted in overflow only, their exact values are unknown.
 * A histogram with nbuckets == 0 has every sample in overflow.
 *
 * Units. Values are in ns or in TSC cycles (enum ib_unit). For cycles,
 * tsc_hz (when not 0) turns them into ns: ns = cycles * 1e9 / tsc_hz.
 *
 * Exact values. min, max and sum are exact when has_min / has_max / has_sum
 * say so: ib_hist_add() keeps them, ib_hist_add_bucket() (bucket counts only)
 * clears them, and a reader sets min/max as the tool reported them with
 * ib_hist_set_minmax().
 *
 * Statistics (ib_hist_stats()), like rteval's but from buckets:
 *  - samples: sum of all bucket counts plus overflow.
 *  - Percentile p (0 <= p <= 100), nearest rank: rank r = ceil(p / 100 * samples),
 *    at least 1, where p is first rounded to 1e-4 (so p99.99 is exact, and
 *    r is computed in integer arithmetic). The result is the upper edge of
 *    the first bucket whose cumulative count reaches r, clamped to
 *    [min, max] when those are exact. It is never below the true r-th value
 *    and at most one width above it (exactly one width for a value on a
 *    bucket's lower edge). If r falls among the overflows the
 *    value is not known: the result is the last edge with in_overflow set,
 *    to be read as ">= last edge".
 *  - median = the p50 percentile (same rule).
 *  - mode = midpoint (i + 0.5) * width of the most populated bucket (the
 *    lowest on ties); overflow never counts as the mode.
 *  - mean = sum / samples when has_sum; otherwise from buckets, every sample
 *    taken at its bucket's midpoint and every overflow at the last edge.
 *  - mad (mean absolute deviation around the mean) and stddev (sample
 *    standard deviation, divisor samples - 1; 0 for fewer than 2 samples, as
 *    rteval does) use the same bucket midpoints and the last edge for
 *    overflows.
 *    When overflow > 0, moments_low is set: a mean from buckets is then a
 *    lower bound, and mad and stddev are estimates that are usually too
 *    small (exact ones would need the overflowed values).
 *  - min / max: the exact values when known; otherwise the lower edge of
 *    the lowest non-empty bucket and the upper edge of the highest one (the
 *    last edge, with max_low set, when there are overflows).
 *  - range = max - min as above.
 */

enum ib_unit {
	IB_UNIT_NS = 0,
	IB_UNIT_CYCLES = 1,
};

struct ib_hist {
	enum ib_unit unit;
	uint64_t width;		/* bucket width in @unit, >= 1 */
	size_t nbuckets;
	uint64_t *counts;	/* nbuckets counts */
	uint64_t overflow;	/* samples >= nbuckets * width */
	uint64_t samples;	/* sum of counts + overflow */
	uint64_t tsc_hz;	/* TSC frequency when unit is cycles, 0 = unknown */
	bool has_min, has_max, has_sum;
	uint64_t min, max;	/* exact, in @unit, when has_min / has_max */
	long double sum;	/* exact, in @unit, when has_sum */
};

/* One percentile: see the rule above. */
struct ib_pct {
	double value;		/* in the histogram's unit */
	bool in_overflow;	/* the value is only a lower bound (>= last edge) */
};

struct ib_hist_stats {
	enum ib_unit unit;	/* unit of every value below */
	uint64_t samples;
	double min, max, mean, median, mode, range, mad, stddev;
	bool min_exact, max_exact, mean_exact;
	bool max_low;		/* max is only a lower bound (overflows, no exact max) */
	bool moments_low;	/* overflows: mean (unless mean_exact) low, mad/stddev rough */
	struct ib_pct p50, p90, p99, p999, p9999;
};

/**
 * ib_hist_create() - allocate an empty histogram.
 * @unit:     IB_UNIT_NS or IB_UNIT_CYCLES
 * @width:    bucket width in @unit, >= 1
 * @nbuckets: number of buckets (0 allowed: everything is overflow), at most 1 << 26
 * @tsc_hz:   TSC frequency for cycles, 0 when unknown (ignored for ns)
 *
 * Return: the histogram, or NULL with errno = EINVAL (bad argument) or ENOMEM.
 */
struct ib_hist *ib_hist_create(enum ib_unit unit, uint64_t width, size_t nbuckets,
			       uint64_t tsc_hz);

/** ib_hist_free() - release @h; NULL is fine. */
void ib_hist_free(struct ib_hist *h);

/**
 * ib_hist_clone() - a deep copy of @h.
 * @h: the histogram
 *
 * Return: the copy, or NULL with errno = ENOMEM.
 */
struct ib_hist *ib_hist_clone(const struct ib_hist *h);

/**
 * ib_hist_add() - add one exactly known sample.
 * @h:     the histogram
 * @value: the sample, in the histogram's unit
 *
 * Keeps min, max and sum exact as long as every sample came this way.
 *
 * Return: 0, or -1 with errno = EOVERFLOW when a count would wrap.
 */
int ib_hist_add(struct ib_hist *h, uint64_t value);

/**
 * ib_hist_add_bucket() - add @count samples to bucket @index (a reader's call).
 * @h:     the histogram
 * @index: bucket index; nbuckets or more adds to overflow
 * @count: number of samples
 *
 * The exact min, max and sum are forgotten (has_* cleared) when @count > 0.
 *
 * Return: 0, or -1 with errno = EOVERFLOW when a count would wrap.
 */
int ib_hist_add_bucket(struct ib_hist *h, size_t index, uint64_t count);

/**
 * ib_hist_set_minmax() - record the exact min and max a tool reported.
 * @h:   the histogram, not empty
 * @min: smallest sample in the histogram's unit
 * @max: largest sample
 *
 * Return: 0, or -1 with errno = EINVAL when @min > @max or @h is empty.
 */
int ib_hist_set_minmax(struct ib_hist *h, uint64_t min, uint64_t max);

/**
 * ib_hist_merge() - add the samples of @src to @dst.
 * @dst: the histogram that grows
 * @src: the other one: same unit and width (and same tsc_hz for cycles)
 *
 * The result has min(dst, src) buckets: buckets of the longer one beyond
 * that move to overflow, so the result stays exact. min/max/sum stay exact
 * only when both were.
 *
 * Return: 0, or -1 with errno = EINVAL (different unit, width or tsc_hz) or
 * EOVERFLOW.
 */
int ib_hist_merge(struct ib_hist *dst, const struct ib_hist *src);

/** ib_hist_last_edge() - nbuckets * width: overflows are >= this value. */
uint64_t ib_hist_last_edge(const struct ib_hist *h);

/**
 * ib_hist_count_from() - samples in the buckets from @threshold up, overflows included.
 * @h:         the histogram
 * @threshold: a bucket edge in the histogram's unit (a multiple of the width)
 * @count:     the result
 *
 * Counts every bucket whose lower edge is >= @threshold, and the overflows
 * (they are >= the last edge). With a threshold beyond the last edge only the
 * exact max can tell: 0 when it is below @threshold.
 *
 * Return: 0, or -1 with errno = EINVAL (not a bucket edge) or ERANGE (beyond
 * the last edge with overflows whose values are unknown).
 */
int ib_hist_count_from(const struct ib_hist *h, uint64_t threshold, uint64_t *count);

/**
 * ib_hist_percentile() - the p-th percentile (rule in the comment at the top).
 * @h:   the histogram
 * @p:   0 <= p <= 100
 * @out: the result
 *
 * Return: 0, or -1 with errno = EINVAL (p out of range) or ENODATA (empty).
 */
int ib_hist_percentile(const struct ib_hist *h, double p, struct ib_pct *out);

/**
 * ib_hist_stats() - every statistic of @h (rules in the comment at the top).
 * @h:  the histogram
 * @st: the result, in the histogram's unit
 *
 * Return: 0, or -1 with errno = ENODATA when @h is empty.
 */
int ib_hist_stats(const struct ib_hist *h, struct ib_hist_stats *st);

/**
 * ib_hist_value_ns() - a value of @h in ns.
 * @h:     the histogram (its unit and tsc_hz)
 * @value: a value in the histogram's unit
 * @ns:    the result: @value itself for ns, @value * 1e9 / tsc_hz for cycles
 *
 * Return: 0, or -1 with errno = EINVAL when the unit is cycles and tsc_hz is 0.
 */
int ib_hist_value_ns(const struct ib_hist *h, double value, double *ns);

/**
 * ib_hist_cycles_to_ns() - @cycles at @tsc_hz in ns (NAN when @tsc_hz is 0).
 * @cycles: a number of TSC cycles
 * @tsc_hz: TSC frequency in Hz
 */
double ib_hist_cycles_to_ns(double cycles, uint64_t tsc_hz);

/**
 * ib_hist_stats_to_ns() - convert every value of @st (computed from @h) to ns.
 * @h:  the histogram the statistics came from
 * @st: statistics; unit becomes IB_UNIT_NS
 *
 * Return: 0 (nothing to do for ns), or -1 with errno = EINVAL when @h counts
 * cycles with tsc_hz 0.
 */
int ib_hist_stats_to_ns(const struct ib_hist *h, struct ib_hist_stats *st);

/** ib_unit_name() - "ns" or "cycles". */
const char *ib_unit_name(enum ib_unit unit);

#endif
