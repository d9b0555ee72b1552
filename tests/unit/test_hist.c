// SPDX-License-Identifier: GPL-2.0
/* Unit tests of lib/hist.c: percentiles, rteval-like statistics, merge, units. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"

static struct ib_hist *hist_of(uint64_t width, size_t nb, const uint64_t *values, size_t n)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, width, nb, 0);

	assert_non_null(h);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ib_hist_add(h, values[i]), 0);
	return h;
}

static double pct(const struct ib_hist *h, double p, bool *ovf)
{
	struct ib_pct r;

	assert_int_equal(ib_hist_percentile(h, p, &r), 0);
	if (ovf)
		*ovf = r.in_overflow;
	else
		assert_false(r.in_overflow);
	return r.value;
}

/* 5 samples, width 10: ranks by hand. */
static void test_percentile_small(void **state)
{
	static const uint64_t v[] = { 5, 15, 15, 25, 95 };
	struct ib_hist *h = hist_of(10, 10, v, 5);

	(void)state;
	assert_int_equal(h->samples, 5);
	/* p50: rank ceil(2.5) = 3 -> bucket 1 [10,20) -> edge 20 */
	assert_true(pct(h, 50, NULL) == 20.0);
	/* p20: rank exactly 1 -> bucket 0 -> edge 10 */
	assert_true(pct(h, 20, NULL) == 10.0);
	/* p20.0001: rank 2 -> edge 20 */
	assert_true(pct(h, 20.0001, NULL) == 20.0);
	/* p0 is rank 1 */
	assert_true(pct(h, 0, NULL) == 10.0);
	/* p100: rank 5 -> bucket 9 -> edge 100, clamped to the exact max 95 */
	assert_true(pct(h, 100, NULL) == 95.0);
	ib_hist_free(h);
}

/* The classic float trap: 99.9% of 1000 is rank 999, not 1000. */
static void test_percentile_integer_rank(void **state)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, 10, 1000, 0);

	(void)state;
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(ib_hist_add_bucket(h, i, 1), 0);
	assert_false(h->has_max);
	assert_true(pct(h, 99.9, NULL) == 9990.0);
	assert_true(pct(h, 99.99, NULL) == 10000.0);	/* rank ceil(999.9) = 1000 */
	assert_true(pct(h, 0.1, NULL) == 10.0);
	assert_true(pct(h, 0.1001, NULL) == 20.0);	/* rank ceil(1.001) = 2 */
	assert_true(pct(h, 90, NULL) == 9000.0);
	ib_hist_free(h);
}

static void test_percentile_overflow(void **state)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, 100, 4, 0);
	bool ovf;

	(void)state;
	assert_int_equal(ib_hist_add_bucket(h, 0, 10), 0);
	assert_int_equal(ib_hist_add_bucket(h, 2, 5), 0);
	assert_int_equal(ib_hist_add_bucket(h, 4, 5), 0);	/* index >= nbuckets: overflow */
	assert_int_equal(h->overflow, 5);
	assert_int_equal(h->samples, 20);
	assert_int_equal(ib_hist_last_edge(h), 400);
	assert_true(pct(h, 50, &ovf) == 100.0);		/* rank 10 */
	assert_false(ovf);
	assert_true(pct(h, 75, &ovf) == 300.0);		/* rank 15 */
	assert_false(ovf);
	assert_true(pct(h, 76, &ovf) == 400.0);		/* rank 16: an overflow */
	assert_true(ovf);
	assert_true(pct(h, 99.99, &ovf) == 400.0);
	assert_true(ovf);
	ib_hist_free(h);
}

/* Every sample exact: mean from the sum, moments from bucket midpoints. */
static void test_stats_exact(void **state)
{
	static const uint64_t v[] = { 10, 20, 20, 30, 70 };
	struct ib_hist *h = hist_of(10, 10, v, 5);
	struct ib_hist_stats st;

	(void)state;
	assert_int_equal(ib_hist_stats(h, &st), 0);
	assert_int_equal(st.samples, 5);
	assert_true(st.min_exact && st.max_exact && st.mean_exact);
	assert_false(st.moments_low);
	assert_false(st.max_low);
	assert_true(st.min == 10.0);
	assert_true(st.max == 70.0);
	assert_true(st.range == 60.0);
	assert_true(st.mean == 30.0);			/* 150 / 5 */
	assert_true(st.mode == 25.0);			/* bucket [20,30) holds 2 */
	assert_true(st.median == 30.0);			/* rank 3 -> bucket 2 -> edge 30 */
	/* midpoints 15 25 25 35 75 around 30: |d| 15 5 5 5 45 */
	assert_true(fabs(st.mad - 15.0) < 1e-12);
	/* (225 + 25 + 25 + 25 + 2025) / 4 = 581.25 */
	assert_true(fabs(st.stddev - sqrt(581.25)) < 1e-9);
	assert_true(st.p99.value == 70.0);		/* edge 80 clamped to max */
	ib_hist_free(h);
}

/* Bucket counts only: everything from the buckets. */
static void test_stats_buckets_only(void **state)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, 10, 10, 0);
	struct ib_hist_stats st;

	(void)state;
	assert_int_equal(ib_hist_add_bucket(h, 1, 1), 0);
	assert_int_equal(ib_hist_add_bucket(h, 2, 2), 0);
	assert_int_equal(ib_hist_add_bucket(h, 3, 1), 0);
	assert_int_equal(ib_hist_add_bucket(h, 7, 1), 0);
	assert_int_equal(ib_hist_stats(h, &st), 0);
	assert_false(st.min_exact || st.max_exact || st.mean_exact);
	assert_true(st.min == 10.0);			/* lower edge of bucket 1 */
	assert_true(st.max == 80.0);			/* upper edge of bucket 7 */
	assert_true(st.range == 70.0);
	assert_true(st.mean == 35.0);			/* (15 + 25 + 25 + 35 + 75) / 5 */
	assert_true(st.median == 30.0);
	/* around 35: 20 10 10 0 40 -> 80 / 5 */
	assert_true(fabs(st.mad - 16.0) < 1e-12);
	/* (400 + 100 + 100 + 0 + 1600) / 4 = 550 */
	assert_true(fabs(st.stddev - sqrt(550.0)) < 1e-9);
	ib_hist_free(h);
}

static void test_stats_overflow_bounds(void **state)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, 10, 2, 0);
	struct ib_hist_stats st;

	(void)state;
	assert_int_equal(ib_hist_add_bucket(h, 1, 2), 0);
	assert_int_equal(ib_hist_add_bucket(h, 2, 2), 0);
	assert_int_equal(ib_hist_stats(h, &st), 0);
	assert_true(st.moments_low);
	assert_true(st.max_low);
	assert_true(st.max == 20.0);
	assert_true(st.mean == 17.5);			/* (15 * 2 + 20 * 2) / 4 */
	assert_true(st.p50.value == 20.0 && !st.p50.in_overflow);
	assert_true(st.p90.in_overflow && st.p90.value == 20.0);
	ib_hist_free(h);
}

static void test_stats_one_sample(void **state)
{
	static const uint64_t v[] = { 123 };
	struct ib_hist *h = hist_of(10, 100, v, 1);
	struct ib_hist_stats st;

	(void)state;
	assert_int_equal(ib_hist_stats(h, &st), 0);
	assert_true(st.stddev == 0.0);			/* rteval: no spread below 2 samples */
	assert_true(st.mean == 123.0);
	assert_true(st.p9999.value == 123.0);		/* edge 130 clamped to max */
	assert_true(st.p50.value == 123.0);
	ib_hist_free(h);
}

static void test_merge(void **state)
{
	static const uint64_t va[] = { 5, 45 }, vb[] = { 25, 35 };
	struct ib_hist *a = hist_of(10, 5, va, 2), *b = hist_of(10, 3, vb, 2), *c;

	(void)state;
	assert_int_equal(b->overflow, 1);		/* 35 >= 3 * 10 */
	assert_int_equal(ib_hist_merge(a, b), 0);
	assert_int_equal(a->nbuckets, 3);		/* the shorter one wins */
	assert_int_equal(a->counts[0], 1);
	assert_int_equal(a->counts[2], 1);
	assert_int_equal(a->overflow, 2);		/* 45 moved, 35 was */
	assert_int_equal(a->samples, 4);
	assert_true(a->has_min && a->has_max && a->has_sum);
	assert_int_equal(a->min, 5);
	assert_int_equal(a->max, 45);
	assert_true(a->sum == 110);

	c = ib_hist_create(IB_UNIT_NS, 20, 3, 0);
	assert_int_equal(ib_hist_merge(a, c), -1);
	assert_int_equal(errno, EINVAL);
	ib_hist_free(c);
	c = ib_hist_create(IB_UNIT_CYCLES, 10, 3, 2000000000);
	assert_int_equal(ib_hist_merge(a, c), -1);	/* ns with cycles */
	ib_hist_free(c);
	ib_hist_free(a);
	ib_hist_free(b);
}

static void test_merge_cycles_freq(void **state)
{
	struct ib_hist *a = ib_hist_create(IB_UNIT_CYCLES, 10, 4, 2000000000);
	struct ib_hist *b = ib_hist_create(IB_UNIT_CYCLES, 10, 4, 2100000000);
	struct ib_hist *c = ib_hist_create(IB_UNIT_CYCLES, 10, 4, 2000000000);

	(void)state;
	assert_int_equal(ib_hist_add_bucket(b, 1, 3), 0);
	assert_int_equal(ib_hist_merge(a, b), -1);	/* cycles of another clock */
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ib_hist_add_bucket(c, 1, 3), 0);
	assert_int_equal(ib_hist_merge(a, c), 0);
	assert_int_equal(a->counts[1], 3);
	assert_false(a->has_min);
	ib_hist_free(a);
	ib_hist_free(b);
	ib_hist_free(c);
}

static void test_clone(void **state)
{
	static const uint64_t v[] = { 1, 2, 300 };
	struct ib_hist *h = hist_of(1, 100, v, 3), *c = ib_hist_clone(h);

	(void)state;
	assert_non_null(c);
	assert_ptr_not_equal(c->counts, h->counts);
	assert_int_equal(c->overflow, 1);
	assert_int_equal(c->counts[2], 1);
	h->counts[2] = 7;
	assert_int_equal(c->counts[2], 1);
	ib_hist_free(h);
	ib_hist_free(c);
}

static void test_cycles_to_ns(void **state)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_CYCLES, 100, 10, 2000000000);
	struct ib_hist_stats st;
	double ns;

	(void)state;
	assert_int_equal(ib_hist_value_ns(h, 1000, &ns), 0);
	assert_true(ns == 500.0);
	assert_int_equal(ib_hist_add(h, 300), 0);
	assert_int_equal(ib_hist_add(h, 500), 0);
	assert_int_equal(ib_hist_stats(h, &st), 0);
	assert_int_equal(st.unit, IB_UNIT_CYCLES);
	assert_true(st.max == 500.0);
	assert_int_equal(ib_hist_stats_to_ns(h, &st), 0);
	assert_int_equal(st.unit, IB_UNIT_NS);
	assert_true(st.max == 250.0);
	assert_true(st.min == 150.0);
	assert_true(st.mean == 200.0);
	assert_true(isnan(ib_hist_cycles_to_ns(10, 0)));
	assert_true(ib_hist_cycles_to_ns(2100, 2100000000) == 1000.0);
	h->tsc_hz = 0;
	assert_int_equal(ib_hist_value_ns(h, 1000, &ns), -1);
	assert_int_equal(errno, EINVAL);
	ib_hist_free(h);
	assert_string_equal(ib_unit_name(IB_UNIT_CYCLES), "cycles");
}

static void test_errors(void **state)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, 10, 10, 0);
	struct ib_hist_stats st;
	struct ib_pct p;

	(void)state;
	assert_int_equal(ib_hist_percentile(h, 50, &p), -1);
	assert_int_equal(errno, ENODATA);
	assert_int_equal(ib_hist_stats(h, &st), -1);
	assert_int_equal(errno, ENODATA);
	assert_int_equal(ib_hist_set_minmax(h, 1, 2), -1);	/* empty */
	assert_int_equal(ib_hist_add(h, 5), 0);
	assert_int_equal(ib_hist_percentile(h, 100.5, &p), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ib_hist_percentile(h, NAN, &p), -1);
	assert_int_equal(ib_hist_percentile(h, -1, &p), -1);
	assert_int_equal(ib_hist_set_minmax(h, 9, 2), -1);
	assert_int_equal(errno, EINVAL);
	ib_hist_free(h);
	assert_null(ib_hist_create(IB_UNIT_NS, 0, 10, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(ib_hist_create(IB_UNIT_NS, UINT64_MAX / 2, 10, 0));
	ib_hist_free(NULL);
}

static void test_all_overflow(void **state)
{
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, 1000, 0, 0);
	struct ib_hist_stats st;
	bool ovf;

	(void)state;
	assert_int_equal(ib_hist_add_bucket(h, 0, 7), 0);
	assert_int_equal(h->overflow, 7);
	assert_true(pct(h, 1, &ovf) == 0.0);
	assert_true(ovf);
	assert_int_equal(ib_hist_stats(h, &st), 0);
	assert_true(st.max_low && st.moments_low);
	ib_hist_free(h);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Against the samples themselves: the bucket percentile is never below the
 * exact nearest-rank value and at most one width above it.
 */
static void test_percentile_bound_random(void **state)
{
	enum { N = 20011 };
	static const double ps[] = { 1, 10, 50, 90, 99, 99.9, 99.99, 100 };
	uint64_t *v = malloc(N * sizeof(*v));
	struct ib_hist *h = ib_hist_create(IB_UNIT_NS, 7, 100000, 0);
	unsigned int seed = 12345;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		v[i] = (seed >> 8) % 5000 + ((seed & 0xff) == 0 ? 100000 : 0);
		assert_int_equal(ib_hist_add(h, v[i]), 0);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
		uint64_t rank = (uint64_t)ceil(ps[k] * N / 100.0 - 1e-9);
		double exact = (double)v[(rank ? rank : 1) - 1], got = pct(h, ps[k], NULL);

		assert_true(got >= exact);
		assert_true(got <= exact + 7);
	}
	free(v);
	ib_hist_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_small),
		cmocka_unit_test(test_percentile_integer_rank),
		cmocka_unit_test(test_percentile_overflow),
		cmocka_unit_test(test_stats_exact),
		cmocka_unit_test(test_stats_buckets_only),
		cmocka_unit_test(test_stats_overflow_bounds),
		cmocka_unit_test(test_stats_one_sample),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_cycles_freq),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_cycles_to_ns),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_all_overflow),
		cmocka_unit_test(test_percentile_bound_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
