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
 * The exact permutation distribution of the rank sum of the first sample,
 * ties given their mid-ranks: every way to choose which @m of the @n pooled
 * values belong to the first sample is equally likely under the null
 * hypothesis. Doubled mid-ranks are whole numbers, so a knapsack recurrence
 * over (values chosen, doubled rank sum) counts the choices; the two-sided
 * p is the share of choices whose rank sum lies at least as far from its
 * mean as the observed one. Counts are doubles: only their ratio matters.
 */
static double exact_perm_p(const double *rank2, size_t n, size_t m, long obs2)
{
	size_t maxsum = 0, cols;
	double *dp, total = 0, far = 0;
	long sum2 = 0, dev;

	for (size_t i = 0; i < n; i++) {
		maxsum += (size_t)rank2[i];
		sum2 += (long)rank2[i];
	}
	cols = maxsum + 1;
	dp = calloc((m + 1) * cols, sizeof(*dp));
	if (!dp)
		return NAN;
	dp[0] = 1;
	for (size_t r = 0; r < n; r++) {
		size_t w = (size_t)rank2[r];

		for (size_t j = (r + 1 < m ? r + 1 : m); j >= 1; j--)
			for (size_t s = maxsum; s >= w; s--)
				dp[j * cols + s] += dp[(j - 1) * cols + s - w];
	}
	/* |s - m sum / n| >= |obs - m sum / n|, multiplied by n to stay whole. */
	dev = labs(obs2 * (long)n - (long)m * sum2);
	for (size_t s = 0; s <= maxsum; s++) {
		double c = dp[m * cols + s];

		if (!c)
			continue;
		total += c;
		if (labs((long)s * (long)n - (long)m * sum2) >= dev)
			far += c;
	}
	free(dp);
	return far / total;
}

int rs_mwu(const double *x, size_t nx, const double *y, size_t ny, struct rs_mwu *out)
{
	size_t n = nx + ny, i, j;
	struct ranked *all;
	double r1 = 0, tie_sum = 0, mean, var, umax, *rank2;

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
	rank2 = malloc(n * sizeof(*rank2));
	if (!rank2) {
		free(all);
		errno = ENOMEM;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	/* Mid-ranks for ties; t^3 - t per tie group for the variance. */
	for (i = 0; i < n; i = j) {
		double t, rank;

		for (j = i + 1; j < n && all[j].v == all[i].v; j++)
			;
		t = (double)(j - i);
		rank = ((double)i + 1 + (double)j) / 2.0;
		for (size_t k = i; k < j; k++) {
			rank2[k] = 2 * rank;
			if (!all[k].group)
				r1 += rank;
		}
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
	mean = (double)(nx * ny) / 2.0;

	if (n <= RS_EXACT_MAX_N) {
		double p = exact_perm_p(rank2, n, nx, lround(2 * r1));

		if (!isnan(p)) {
			free(rank2);
			out->exact = true;
			out->p = fmin(1.0, p);
			return 0;
		}
	}
	free(rank2);
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

struct p_index {
	double p;
	size_t i;
};

static int cmp_p_index(const void *a, const void *b)
{
	double x = ((const struct p_index *)a)->p, y = ((const struct p_index *)b)->p;

	return x < y ? -1 : x > y;
}

int rs_holm(const double *p, size_t n, double *adj)
{
	struct p_index *s = malloc((n ? n : 1) * sizeof(*s));
	size_t m = 0;
	double run = 0;

	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i]))
			s[m++] = (struct p_index){ p[i], i };
	qsort(s, m, sizeof(*s), cmp_p_index);
	for (size_t i = 0; i < n; i++)
		if (isnan(p[i]))
			adj[i] = NAN;
	for (size_t k = 0; k < m; k++) {
		double v = fmin(1.0, (double)(m - k) * s[k].p);

		run = fmax(run, v);
		adj[s[k].i] = run;
	}
	free(s);
	return 0;
}

void rs_mean_ci(const double *x, size_t n, double level, struct rs_ci *out)
{
	double mean = 0, ss = 0, half;

	out->ok = false;
	out->est = out->lo = out->hi = NAN;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	out->est = out->lo = out->hi = mean;
	if (n < 2 || !(level > 0 && level < 1))
		return;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	half = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, (double)(n - 1)) * sqrt(ss / (double)(n - 1)) /
	       sqrt((double)n);
	out->lo = mean - half;
	out->hi = mean + half;
	out->ok = true;
}
