/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_REPORT_STATS_H
#define ISOLBENCH_REPORT_STATS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The statistics of isolbench-report, on GSL: the Mann-Whitney U test,
 * sample medians and quantiles, and percentile-bootstrap confidence
 * intervals. Samples are small here (one value per repetition and isolated
 * CPU), so every function works on plain arrays of doubles and copies them
 * before sorting.
 */

/**
 * struct rs_mwu - result of a two-sided Mann-Whitney U test.
 * @n1, @n2: sample sizes
 * @u1:      U of the first sample: pairs (x, y) with x > y, ties counting 1/2
 * @u2:      n1 * n2 - u1
 * @z:       standardised statistic (normal method; 0 for exact)
 * @p:       two-sided p-value
 * @exact:   p is from the exact permutation distribution (n1 + n2 <= RS_EXACT_MAX_N,
 *           ties or not)
 * @ties:    the pooled sample has ties
 * @min_p:   the smallest two-sided p these sample sizes can give at all
 *           (2 / C(n1 + n2, n1)): with 3 and 3 values it is 0.1, so no
 *           difference can be "significant" at 0.05
 */
struct rs_mwu {
	size_t n1, n2;
	double u1, u2, z, p, min_p;
	bool exact, ties;
};

/* Up to this many pooled values the p-value is exact (the recurrence table stays small). */
#define RS_EXACT_MAX_N 80

/**
 * rs_mwu() - two-sided Mann-Whitney U (Wilcoxon rank-sum) test of @x against @y.
 * @x:   first sample (not changed)
 * @nx:  its size, >= 1
 * @y:   second sample
 * @ny:  its size, >= 1
 * @out: the result
 *
 * Ties get mid-ranks. With nx + ny <= RS_EXACT_MAX_N the p-value is exact:
 * the share of the C(nx + ny, nx) ways to split the pooled values into the
 * two samples whose rank sum lies at least as far from its mean as the
 * observed one (the exact permutation test on mid-ranks, right with ties and
 * at any small n; what coin::wilcox_test(distribution = "exact") gives).
 * Larger samples use the normal approximation with the tie correction of
 * the variance, n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), and a
 * continuity correction of 1/2.
 *
 * Return: 0, or -1 with errno = EINVAL (an empty sample, a NaN) or ENOMEM.
 */
int rs_mwu(const double *x, size_t nx, const double *y, size_t ny, struct rs_mwu *out);

/** rs_mwu_min_p() - 2 / C(n1 + n2, n1), capped at 1. */
double rs_mwu_min_p(size_t n1, size_t n2);

/**
 * rs_holm() - Holm's step-down adjustment of @n p-values (a family of tests).
 * @p:   p-values; NaN ones are not tests and stay NaN
 * @n:   how many
 * @adj: the adjusted p-values, in the order of @p (may be @p itself)
 *
 * Sorted ascending, p_(i) becomes max over j <= i of min(1, (m - j + 1) p_(j)),
 * m the number of non-NaN values: rejecting where adj < alpha keeps the
 * family-wise error rate at alpha (Holm 1979).
 *
 * Return: 0, or -1 with errno = ENOMEM.
 */
int rs_holm(const double *p, size_t n, double *adj);

/**
 * rs_mean_ci() - mean of @x with a Student-t interval (the runs are the unit).
 * @x:     sample
 * @n:     size; with n < 2 @out->ok is false (no interval from one run)
 * @level: e.g. 0.95
 * @out:   est = mean, lo/hi = mean -/+ t(level, n - 1) * sd / sqrt(n)
 */
struct rs_ci;
void rs_mean_ci(const double *x, size_t n, double level, struct rs_ci *out);

/**
 * rs_quantile() - the @q quantile (0..1) of @x, GSL's linear interpolation
 * between order statistics (gsl_stats_quantile_from_sorted_data).
 * @x: sample (not changed)
 * @n: size; NAN when 0
 * @q: 0 <= q <= 1
 */
double rs_quantile(const double *x, size_t n, double q);

/** rs_median() - rs_quantile(x, n, 0.5). */
double rs_median(const double *x, size_t n);

/* What a bootstrap interval is about. */
enum rs_stat {
	RS_MEDIAN,	/* the sample median */
	RS_P99,		/* the 0.99 quantile, as rs_quantile() */
};

/**
 * struct rs_ci - a point estimate with a percentile-bootstrap interval.
 * @est: the statistic of the data itself
 * @lo:  lower end of the interval
 * @hi:  upper end
 * @ok:  an interval was computed (false: too few values; lo = hi = est)
 */
struct rs_ci {
	double est, lo, hi;
	bool ok;
};

/* Fewer values than this give no interval: resampling 1 or 2 values says nothing. */
#define RS_BOOT_MIN_N 3

/**
 * rs_boot_ci() - percentile-bootstrap interval of a statistic of @x.
 * @x:      sample
 * @n:      size
 * @stat:   the statistic
 * @level:  confidence level, e.g. 0.95
 * @nboot:  resamples (>= 100)
 * @seed:   seed of GSL's mt19937, so a report is reproducible
 * @out:    the result
 *
 * Return: 0, or -1 with errno = EINVAL (n == 0, bad level or nboot) or ENOMEM.
 */
int rs_boot_ci(const double *x, size_t n, enum rs_stat stat, double level, unsigned int nboot,
	       unsigned long seed, struct rs_ci *out);

/* How two samples' statistics are compared. */
enum rs_contrast {
	RS_DIFF,	/* stat(y) - stat(x) */
	RS_PCT,		/* (stat(y) / stat(x) - 1) * 100; undefined when stat(x) == 0 */
};

/**
 * rs_boot_ci2() - bootstrap interval of a contrast between two samples,
 * each resampled on its own (independent samples).
 * @x, @nx:  the reference sample (baseline)
 * @y, @ny:  the other (patched)
 * @stat:    statistic of each sample
 * @contrast: RS_DIFF or RS_PCT
 * @level, @nboot, @seed, @out: as rs_boot_ci()
 *
 * Resamples whose reference statistic is 0 are skipped for RS_PCT; when
 * more than half are, @out->ok is false and est is NAN.
 *
 * Return: as rs_boot_ci().
 */
int rs_boot_ci2(const double *x, size_t nx, const double *y, size_t ny, enum rs_stat stat,
		enum rs_contrast contrast, double level, unsigned int nboot, unsigned long seed,
		struct rs_ci *out);

#endif
