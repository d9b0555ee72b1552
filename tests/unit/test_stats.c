// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of report/stats.c against values computed elsewhere.
 *
 * Mann-Whitney U: the example of R. Shier, "Statistics: 2.3 The Mann-Whitney
 * U Test", Mathematics Learning Support Centre, 2004, as reproduced in the
 * SciPy documentation of scipy.stats.mannwhitneyu (males 19 22 16 29 24,
 * females 20 11 17 12): U_M = 17, U_F = 3, exact two-sided p = 1/9
 * (0.1111111111111111), normal approximation with continuity correction
 * p = 0.11134688653314041.
 * The other expected values were computed by hand (U, shown in comments)
 * and with the normal formula in plain Python (math.erfc), not with this code.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../report/stats.h"

static void test_mwu_shier_exact(void **state)
{
	const double males[] = { 19, 22, 16, 29, 24 }, females[] = { 20, 11, 17, 12 };
	struct rs_mwu r;

	(void)state;
	assert_int_equal(rs_mwu(males, 5, females, 4, &r), 0);
	assert_true(r.exact);
	assert_false(r.ties);
	assert_float_equal(r.u1, 17, 1e-12);
	assert_float_equal(r.u2, 3, 1e-12);
	assert_float_equal(r.p, 0.1111111111111111, 1e-12);
	/* Swapping the samples swaps U and keeps p. */
	assert_int_equal(rs_mwu(females, 4, males, 5, &r), 0);
	assert_float_equal(r.u1, 3, 1e-12);
	assert_float_equal(r.p, 0.1111111111111111, 1e-12);
}

/*
 * Ties: the p-values below are the exact two-sided permutation test on
 * mid-ranks, computed by tests/unit/perm_ref.py, which enumerates every
 * split of the pooled values with itertools.combinations in exact
 * fractions (independent of the recurrence in report/stats.c).
 */
static void test_mwu_shier_with_tie(void **state)
{
	/*
	 * Shier's data with 17 -> 16, tying a male 16. Pairs (x > y),
	 * x = females: 20 > 19 16 = 2; 11: 0; 16 vs 16 = 0.5; 12: 0 -> U1 = 2.5.
	 * perm_ref.py: p = 5/63.
	 */
	const double males[] = { 19, 22, 16, 29, 24 }, females[] = { 20, 11, 16, 12 };
	struct rs_mwu r;

	(void)state;
	assert_int_equal(rs_mwu(females, 4, males, 5, &r), 0);
	assert_true(r.exact);
	assert_true(r.ties);
	assert_float_equal(r.u1, 2.5, 1e-12);
	assert_float_equal(r.u2, 17.5, 1e-12);
	assert_float_equal(r.p, 5.0 / 63.0, 1e-12);
}

static void test_mwu_ties_exact(void **state)
{
	/*
	 * x = 1 2 2 3 5 8, y = 2 3 4 4 6 7 9. U1 by pairs: 1: 0; 2, 2: 0.5 each;
	 * 3: 1 + 0.5; 5: 4; 8: 6 -> 12.5. Ties: {2,2,2} and {3,3} and {4,4}.
	 * perm_ref.py: p = 421/1716 (the normal approximation said 0.249).
	 */
	const double x[] = { 1, 2, 2, 3, 5, 8 }, y[] = { 2, 3, 4, 4, 6, 7, 9 };
	struct rs_mwu r;

	(void)state;
	assert_int_equal(rs_mwu(x, 6, y, 7, &r), 0);
	assert_true(r.exact);
	assert_float_equal(r.u1, 12.5, 1e-12);
	assert_float_equal(r.u2, 29.5, 1e-12);
	assert_float_equal(r.p, 421.0 / 1716.0, 1e-12);
}

static void test_mwu_runs_small_n_ties(void **state)
{
	/*
	 * What runs give: a few values per kernel, often equal counts.
	 * perm_ref.py: {5, 5} vs {5, 7}: p = 1 (every split is as far from the
	 * mean); {0, 0, 0} vs {0, 0, 4}: p = 1; {10, 10, 12} vs {20, 20, 25}:
	 * complete separation, p = 1/10 = the smallest p of 3 vs 3.
	 */
	const double a[] = { 5, 5 }, b[] = { 5, 7 }, c[] = { 0, 0, 0 }, d[] = { 0, 0, 4 };
	const double e[] = { 10, 10, 12 }, f[] = { 20, 20, 25 };
	struct rs_mwu r;

	(void)state;
	assert_int_equal(rs_mwu(a, 2, b, 2, &r), 0);
	assert_true(r.exact && r.ties);
	assert_float_equal(r.u1, 1, 1e-12);
	assert_float_equal(r.p, 1.0, 1e-12);
	assert_int_equal(rs_mwu(c, 3, d, 3, &r), 0);
	assert_float_equal(r.u1, 3, 1e-12);
	assert_float_equal(r.p, 1.0, 1e-12);
	assert_int_equal(rs_mwu(e, 3, f, 3, &r), 0);
	assert_float_equal(r.u1, 0, 1e-12);
	assert_float_equal(r.p, 0.1, 1e-12);
	assert_float_equal(r.min_p, 0.1, 1e-12);
	/* 2 vs 2 can never go below 2/6: not evaluable at alpha 0.05. */
	assert_float_equal(rs_mwu_min_p(2, 2), 1.0 / 3.0, 1e-12);
}

static void test_mwu_exact_10v10(void **state)
{
	/*
	 * x = 11 13 ... 29, y = 20 22 ... 38, no ties. U1 = 0+0+0+0+0+1+2+3+4+5 = 15.
	 * perm_ref.py: p = 316/46189 (the normal approximation said 0.0091).
	 */
	double x[10], y[10];
	struct rs_mwu r;

	(void)state;
	for (int i = 0; i < 10; i++) {
		x[i] = 11 + 2 * i;
		y[i] = 20 + 2 * i;
	}
	assert_int_equal(rs_mwu(x, 10, y, 10, &r), 0);
	assert_true(r.exact);
	assert_float_equal(r.u1, 15, 1e-12);
	assert_float_equal(r.p, 316.0 / 46189.0, 1e-12);
}

static void test_mwu_large_normal(void **state)
{
	/*
	 * 41 and 41 values (82 > RS_EXACT_MAX_N), no ties: the normal method.
	 * x = 0 .. 40, y = 20.5 .. 60.5: U1 = 210. Python (math.erfc, continuity
	 * 1/2): z = 5.842628456054942, p = 5.138353568120135e-09.
	 */
	double x[41], y[41];
	struct rs_mwu r;

	(void)state;
	for (int i = 0; i < 41; i++) {
		x[i] = i;
		y[i] = i + 20.5;
	}
	assert_int_equal(rs_mwu(x, 41, y, 41, &r), 0);
	assert_false(r.exact);
	assert_float_equal(r.u1, 210, 1e-12);
	assert_float_equal(r.z, 5.842628456054942, 1e-9);
	assert_float_equal(r.p, 5.138353568120135e-09, 1e-15);
}

static void test_holm(void **state)
{
	/*
	 * Holm (1979) by hand, m = 3 tests (the NaN is no test): sorted 0.005,
	 * 0.01, 0.04 -> 3 x 0.005 = 0.015, 2 x 0.01 = 0.02, 1 x 0.04 = 0.04.
	 * perm_ref.py's holm() on 0.01 0.04 0.03 0.005 (m = 4): 0.03 0.06 0.06 0.02
	 * (0.04 is raised to the running maximum 0.06).
	 */
	const double p[] = { 0.01, NAN, 0.04, 0.005 }, q[] = { 0.01, 0.04, 0.03, 0.005 };
	double adj[4];

	(void)state;
	assert_int_equal(rs_holm(p, 4, adj), 0);
	assert_float_equal(adj[0], 0.02, 1e-12);
	assert_true(isnan(adj[1]));
	assert_float_equal(adj[2], 0.04, 1e-12);
	assert_float_equal(adj[3], 0.015, 1e-12);
	assert_int_equal(rs_holm(q, 4, adj), 0);
	assert_float_equal(adj[0], 0.03, 1e-12);
	assert_float_equal(adj[1], 0.06, 1e-12);
	assert_float_equal(adj[2], 0.06, 1e-12);
	assert_float_equal(adj[3], 0.02, 1e-12);
}

static void test_mean_ci(void **state)
{
	/*
	 * 1 2 3 4: mean 2.5, sd 1.2909944487358056, t(0.975, 3) = 3.182446305284263
	 * (R: qt(0.975, 3)) -> half-width 2.054260256760879.
	 */
	const double x[] = { 1, 2, 3, 4 };
	struct rs_ci ci;

	(void)state;
	rs_mean_ci(x, 4, 0.95, &ci);
	assert_true(ci.ok);
	assert_float_equal(ci.est, 2.5, 1e-12);
	assert_float_equal(ci.lo, 2.5 - 2.054260256760879, 1e-9);
	assert_float_equal(ci.hi, 2.5 + 2.054260256760879, 1e-9);
	rs_mean_ci(x, 1, 0.95, &ci);
	assert_false(ci.ok);
	assert_float_equal(ci.est, 1, 0);
}

static void test_mwu_small_samples(void **state)
{
	/*
	 * Complete separation: 3 vs 3 has C(6,3) = 20 arrangements, two are as
	 * extreme -> p = 0.1; 6 vs 6: C(12,6) = 924 -> p = 2/924.
	 */
	const double a[] = { 1, 2, 3, 4, 5, 6 }, b[] = { 7, 8, 9, 10, 11, 12 };
	struct rs_mwu r;

	(void)state;
	assert_int_equal(rs_mwu(a, 3, b, 3, &r), 0);
	assert_true(r.exact);
	assert_float_equal(r.u1, 0, 1e-12);
	assert_float_equal(r.p, 0.1, 1e-12);
	assert_float_equal(r.min_p, 0.1, 1e-12);
	assert_int_equal(rs_mwu(a, 6, b, 6, &r), 0);
	assert_float_equal(r.p, 2.0 / 924.0, 1e-12);
	assert_float_equal(rs_mwu_min_p(1, 1), 1.0, 1e-12);
	/* Identical samples: all tied, p = 1. */
	assert_int_equal(rs_mwu(a, 1, a, 1, &r), 0);
	assert_float_equal(r.p, 1.0, 1e-12);
	assert_int_equal(rs_mwu(a, 0, b, 3, &r), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_quantiles(void **state)
{
	const double x[] = { 5, 1, 4, 2, 3 }, even[] = { 4, 1, 3, 2 };

	(void)state;
	assert_float_equal(rs_median(x, 5), 3, 1e-12);
	assert_float_equal(rs_median(even, 4), 2.5, 1e-12);
	/* GSL: (n - 1) q = 3.96 -> 4 + 0.96 * (5 - 4) */
	assert_float_equal(rs_quantile(x, 5, 0.99), 4.96, 1e-12);
	assert_true(isnan(rs_median(x, 0)));
	/* The input is not reordered. */
	assert_float_equal(x[0], 5, 0);
}

static void test_bootstrap(void **state)
{
	const double c[] = { 7, 7, 7, 7 }, x[] = { 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 };
	const double y[] = { 20, 22, 24, 26, 28, 30, 32, 34, 36, 38 };
	struct rs_ci a, b;

	(void)state;
	/* A constant sample: every resample has the same median. */
	assert_int_equal(rs_boot_ci(c, 4, RS_MEDIAN, 0.95, 1000, 1, &a), 0);
	assert_true(a.ok);
	assert_float_equal(a.lo, 7, 0);
	assert_float_equal(a.hi, 7, 0);
	/* The interval holds the estimate, lies within the data, is reproducible. */
	assert_int_equal(rs_boot_ci(x, 10, RS_MEDIAN, 0.95, 2000, 42, &a), 0);
	assert_float_equal(a.est, 14.5, 1e-12);
	assert_true(a.lo <= a.est && a.est <= a.hi);
	assert_true(a.lo >= 10 && a.hi <= 19 && a.hi - a.lo >= 1);
	assert_int_equal(rs_boot_ci(x, 10, RS_MEDIAN, 0.95, 2000, 42, &b), 0);
	assert_float_equal(a.lo, b.lo, 0);
	assert_float_equal(a.hi, b.hi, 0);
	assert_int_equal(rs_boot_ci(x, 10, RS_P99, 0.95, 2000, 42, &a), 0);
	assert_float_equal(a.est, 18.91, 1e-12);
	assert_true(a.hi <= 19);
	/* Too few values: no interval. */
	assert_int_equal(rs_boot_ci(x, 2, RS_MEDIAN, 0.95, 1000, 1, &a), 0);
	assert_false(a.ok);
	assert_float_equal(a.est, 10.5, 1e-12);
	/* Contrasts: y's median 29 vs x's 14.5 -> +14.5 and +100%. */
	assert_int_equal(rs_boot_ci2(x, 10, y, 10, RS_MEDIAN, RS_DIFF, 0.95, 2000, 3, &a), 0);
	assert_float_equal(a.est, 14.5, 1e-12);
	assert_true(a.ok && a.lo > 0 && a.lo <= 14.5 && a.hi >= 14.5);
	assert_int_equal(rs_boot_ci2(x, 10, y, 10, RS_MEDIAN, RS_PCT, 0.95, 2000, 3, &a), 0);
	assert_float_equal(a.est, 100, 1e-9);
	assert_true(a.ok && a.lo > 0 && a.lo <= 100 && a.hi >= 100);
	assert_int_equal(rs_boot_ci(x, 0, RS_MEDIAN, 0.95, 1000, 1, &a), -1);
	assert_int_equal(rs_boot_ci(x, 10, RS_MEDIAN, 1.5, 1000, 1, &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mwu_shier_exact),
		cmocka_unit_test(test_mwu_shier_with_tie),
		cmocka_unit_test(test_mwu_ties_exact),
		cmocka_unit_test(test_mwu_runs_small_n_ties),
		cmocka_unit_test(test_mwu_exact_10v10),
		cmocka_unit_test(test_mwu_large_normal),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_mean_ci),
		cmocka_unit_test(test_mwu_small_samples),
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_bootstrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
