// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of isolbench-report: Mann-Whitney U, quantiles, bootstrap.
 * See stats.h for the definitions.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "stats.h"

#define EXACT_MAX_SMALL	8	/* like SciPy: exact p when one sample has <= 8 values */
#define EXACT_MAX_TOTAL	400	/* keeps the recurrence table small */

struct ranked {
	double v;
	int group;	/* 0: x, 1: y */
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;

	return x < y ? -1 : x > y;
}

double rs_mwu_min_p(size_t n1, size_t n2)
{
	/* C(n1 + n2, n1) as a product, in doubles: only its size matters. */
	double c = 1;
	size_t k = n1 < n2 ? n1 : n2, n = n1 + n2;

	for (size_t i = 1; i <= k; i++)
		c = c * (double)(n - k + i) / (double)i;
	return c > 0 ? fmin(1.0, 2.0 / c) : 1.0;
}

/*
 * P(U_small <= u) for the sample of size m among N values without ties,
 * where U_small = (rank sum of the small sample) - m (m + 1) / 2: count the
 * m-subsets of the ranks 1..N by their sum (a knapsack recurrence).
 */
static double exact_cdf(size_t m, size_t N, double u)
{
	size_t maxsum = m * N, cols = maxsum + 1;
	double *dp = calloc((m + 1) * cols, sizeof(*dp)), total = 0, below = 0;
	double lim = u + (double)(m * (m + 1)) / 2.0;

	if (!dp)
		return NAN;
	dp[0] = 1;
	for (size_t r = 1; r <= N; r++) {
		for (size_t j = (r < m ? r : m); j >= 1; j--) {
			for (size_t s = maxsum; s >= r; s--)
				dp[j * cols + s] += dp[(j - 1) * cols + s - r];
		}
	}
	for (size_t s = 0; s <= maxsum; s++) {
		total += dp[m * cols + s];
		if ((double)s <= lim + 1e-9)
			below += dp[m * cols + s];
	}
	free(dp);
	return below / total;
}

int rs_mwu(const double *x, size_t nx, const double *y, size_t ny, struct rs_mwu *out)
{
	size_t n = nx + ny, i, j;
	struct ranked *all;
	double r1 = 0, tie_sum = 0, mean, var, umax, umin;

	if (!nx || !ny) {
		errno = EINVAL;
		return -1;
	}
	all = malloc(n * sizeof(*all));
	if (!all) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++) {
		all[i].v = i < nx ? x[i] : y[i - nx];
		all[i].group = i >= nx;
		if (isnan(all[i].v)) {
			free(all);
			errno = EINVAL;
			return -1;
		}
	}
	qsort(all, n, sizeof(*all), cmp_ranked);
	memset(out, 0, sizeof(*out));
	/* Mid-ranks for ties; t^3 - t per tie group for the variance. */
	for (i = 0; i < n; i = j) {
		double t, rank;

		for (j = i + 1; j < n && all[j].v == all[i].v; j++)
			;
		t = (double)(j - i);
		rank = ((double)i + 1 + (double)j) / 2.0;
		for (size_t k = i; k < j; k++)
			if (!all[k].group)
				r1 += rank;
		if (t > 1) {
			tie_sum += t * t * t - t;
			out->ties = true;
		}
	}
	free(all);
	out->n1 = nx;
	out->n2 = ny;
	out->u1 = r1 - (double)(nx * (nx + 1)) / 2.0;
	out->u2 = (double)(nx * ny) - out->u1;
	out->min_p = rs_mwu_min_p(nx, ny);
	umax = fmax(out->u1, out->u2);
	umin = fmin(out->u1, out->u2);
	mean = (double)(nx * ny) / 2.0;

	if (!out->ties && (nx <= EXACT_MAX_SMALL || ny <= EXACT_MAX_SMALL) &&
	    n <= EXACT_MAX_TOTAL) {
		/* The U distribution is symmetric: P(U >= umax) = P(U <= umin). */
		double cdf = exact_cdf(nx < ny ? nx : ny, n, umin);

		if (!isnan(cdf)) {
			out->exact = true;
			out->p = fmin(1.0, 2.0 * cdf);
			return 0;
		}
	}
	var = (double)(nx * ny) / 12.0 *
	      (((double)n + 1) - (n > 1 ? tie_sum / ((double)n * (double)(n - 1)) : 0));
	if (var <= 0) {
		/* Every value is the same: nothing tells the samples apart. */
		out->z = 0;
		out->p = 1;
		return 0;
	}
	out->z = (umax - mean - 0.5) / sqrt(var);
	if (out->z < 0)
		out->z = 0;
	out->p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(out->z));
	return 0;
}

static double quantile_sorted(const double *s, size_t n, double q)
{
	if (!n)
		return NAN;
	return gsl_stats_quantile_from_sorted_data(s, 1, n, q);
}

double rs_quantile(const double *x, size_t n, double q)
{
	double *s, r;

	if (!n || q < 0 || q > 1)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, x, n * sizeof(*s));
	gsl_sort(s, 1, n);
	r = quantile_sorted(s, n, q);
	free(s);
	return r;
}

double rs_median(const double *x, size_t n)
{
	return rs_quantile(x, n, 0.5);
}

static double stat_q(enum rs_stat stat)
{
	return stat == RS_P99 ? 0.99 : 0.5;
}

/* One resample of @x into @buf, sorted, and its statistic. */
static double resample_stat(const gsl_rng *rng, const double *x, size_t n, double *buf,
			    enum rs_stat stat)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[gsl_rng_uniform_int(rng, n)];
	gsl_sort(buf, 1, n);
	return quantile_sorted(buf, n, stat_q(stat));
}

static int interval(double *boot, size_t nb, double level, struct rs_ci *out)
{
	double a = (1 - level) / 2;

	gsl_sort(boot, 1, nb);
	out->lo = quantile_sorted(boot, nb, a);
	out->hi = quantile_sorted(boot, nb, 1 - a);
	out->ok = true;
	return 0;
}

int rs_boot_ci(const double *x, size_t n, enum rs_stat stat, double level, unsigned int nboot,
	       unsigned long seed, struct rs_ci *out)
{
	double *buf, *boot;
	gsl_rng *rng;

	if (!n || !(level > 0 && level < 1) || nboot < 100) {
		errno = EINVAL;
		return -1;
	}
	out->est = rs_quantile(x, n, stat_q(stat));
	out->lo = out->hi = out->est;
	out->ok = false;
	if (n < RS_BOOT_MIN_N)
		return 0;
	buf = malloc(n * sizeof(*buf));
	boot = malloc(nboot * sizeof(*boot));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!buf || !boot || !rng) {
		free(buf);
		free(boot);
		if (rng)
			gsl_rng_free(rng);
		errno = ENOMEM;
		return -1;
	}
	gsl_rng_set(rng, seed);
	for (unsigned int b = 0; b < nboot; b++)
		boot[b] = resample_stat(rng, x, n, buf, stat);
	interval(boot, nboot, level, out);
	free(buf);
	free(boot);
	gsl_rng_free(rng);
	return 0;
}

static double contrast_of(double sx, double sy, enum rs_contrast c)
{
	if (c == RS_DIFF)
		return sy - sx;
	if (sx == 0)
		return NAN;
	return (sy / sx - 1) * 100;
}

int rs_boot_ci2(const double *x, size_t nx, const double *y, size_t ny, enum rs_stat stat,
		enum rs_contrast contrast, double level, unsigned int nboot, unsigned long seed,
		struct rs_ci *out)
{
	double *bx, *by, *boot;
	size_t nb = 0;
	gsl_rng *rng;

	if (!nx || !ny || !(level > 0 && level < 1) || nboot < 100) {
		errno = EINVAL;
		return -1;
	}
	out->est = contrast_of(rs_quantile(x, nx, stat_q(stat)), rs_quantile(y, ny, stat_q(stat)),
			       contrast);
	out->lo = out->hi = out->est;
	out->ok = false;
	if (nx < RS_BOOT_MIN_N || ny < RS_BOOT_MIN_N || isnan(out->est))
		return 0;
	bx = malloc(nx * sizeof(*bx));
	by = malloc(ny * sizeof(*by));
	boot = malloc(nboot * sizeof(*boot));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!bx || !by || !boot || !rng) {
		free(bx);
		free(by);
		free(boot);
		if (rng)
			gsl_rng_free(rng);
		errno = ENOMEM;
		return -1;
	}
	gsl_rng_set(rng, seed);
	for (unsigned int b = 0; b < nboot; b++) {
		double sx = resample_stat(rng, x, nx, bx, stat);
		double sy = resample_stat(rng, y, ny, by, stat);
		double v = contrast_of(sx, sy, contrast);

		if (!isnan(v))
			boot[nb++] = v;
	}
	if (nb * 2 >= nboot)
		interval(boot, nb, level, out);
	free(bx);
	free(by);
	free(boot);
	gsl_rng_free(rng);
	return 0;
}
