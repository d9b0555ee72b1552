// SPDX-License-Identifier: GPL-2.0
/* Unit tests of bench/entry_stats.c: histogram, percentiles, rate lists. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../bench/entry_stats.h"

static void test_hist_buckets_and_overflow(void **state)
{
	struct entry_hist h;

	(void)state;
	assert_int_equal(entry_hist_init(&h, 10, 4), 0);
	entry_hist_add(&h, 0);		/* bucket 0: [0, 10) */
	entry_hist_add(&h, 9);		/* bucket 0 */
	entry_hist_add(&h, 10);		/* bucket 1 */
	entry_hist_add(&h, 39);		/* bucket 3, the last */
	entry_hist_add(&h, 40);		/* overflow */
	entry_hist_add(&h, 1000);	/* overflow */
	assert_int_equal(h.buckets[0], 2);
	assert_int_equal(h.buckets[1], 1);
	assert_int_equal(h.buckets[2], 0);
	assert_int_equal(h.buckets[3], 1);
	assert_int_equal(h.overflow, 2);
	assert_int_equal(h.count, 6);
	assert_int_equal(h.min, 0);
	assert_int_equal(h.max, 1000);
	assert_int_equal(h.sum, 0 + 9 + 10 + 39 + 40 + 1000);
	entry_hist_reset(&h);
	assert_int_equal(h.count, 0);
	assert_int_equal(h.overflow, 0);
	assert_int_equal(h.buckets[0], 0);
	assert_int_equal(entry_hist_percentile(&h, 50), 0);
	entry_hist_free(&h);
}

static void test_hist_init_rejects_zero(void **state)
{
	struct entry_hist h;

	(void)state;
	assert_int_equal(entry_hist_init(&h, 0, 10), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(entry_hist_init(&h, 10, 0), -1);
}

static void test_samples_nearest_rank(void **state)
{
	uint64_t v[] = { 50, 10, 40, 20, 30 };
	uint64_t hundred[100];

	(void)state;
	/* Sorted: 10 20 30 40 50; rank ceil(p/100*5). */
	assert_int_equal(percentile_of_samples(v, 5, 50), 30);
	assert_int_equal(percentile_of_samples(v, 5, 20), 10);
	assert_int_equal(percentile_of_samples(v, 5, 21), 20);
	assert_int_equal(percentile_of_samples(v, 5, 99), 50);
	assert_int_equal(percentile_of_samples(v, 5, 100), 50);
	assert_int_equal(percentile_of_samples(v, 0, 50), 0);
	for (int i = 0; i < 100; i++)
		hundred[i] = 100 - i;		/* 1..100, reversed */
	assert_int_equal(percentile_of_samples(hundred, 100, 99), 99);
	assert_int_equal(percentile_of_samples(hundred, 100, 50), 50);
	assert_int_equal(percentile_of_samples(hundred, 100, 1), 1);
}

static void test_hist_percentile_small(void **state)
{
	struct entry_hist h;

	(void)state;
	assert_int_equal(entry_hist_init(&h, 10, 100), 0);
	/* 99 values of 712 and one of 905: median in bucket [710, 720). */
	for (int i = 0; i < 99; i++)
		entry_hist_add(&h, 712);
	entry_hist_add(&h, 905);
	assert_int_equal(entry_hist_percentile(&h, 50), 720);
	assert_int_equal(entry_hist_percentile(&h, 99), 720);
	/* Rank 100 is the 905: its bucket edge 910 is clamped to the max. */
	assert_int_equal(entry_hist_percentile(&h, 100), 905);
	assert_false(entry_hist_rank_in_overflow(&h, 99));
	entry_hist_free(&h);
}

static void test_hist_percentile_clamped_to_min(void **state)
{
	struct entry_hist h;

	(void)state;
	assert_int_equal(entry_hist_init(&h, 100, 10), 0);
	entry_hist_add(&h, 55);
	entry_hist_add(&h, 57);
	/* Bucket edge 100 is above the max 57. */
	assert_int_equal(entry_hist_percentile(&h, 50), 57);
	entry_hist_free(&h);
}

static void test_hist_percentile_in_overflow(void **state)
{
	struct entry_hist h;

	(void)state;
	assert_int_equal(entry_hist_init(&h, 10, 10), 0);	/* range 0..99 */
	for (int i = 0; i < 90; i++)
		entry_hist_add(&h, 50);
	for (int i = 0; i < 10; i++)
		entry_hist_add(&h, 5000 + i);
	assert_int_equal(entry_hist_percentile(&h, 90), 60);
	assert_false(entry_hist_rank_in_overflow(&h, 90));
	assert_true(entry_hist_rank_in_overflow(&h, 91));
	assert_true(entry_hist_rank_in_overflow(&h, 99));
	assert_int_equal(entry_hist_percentile(&h, 99), 5009);
	entry_hist_free(&h);
}

/*
 * The bucket percentile is the upper edge of the exact percentile's bucket,
 * clamped to the max: never below it, at most one width above.
 */
static void test_hist_percentile_matches_samples(void **state)
{
	enum { N = 20000 };
	static const double ps[] = { 1, 10, 50, 90, 99, 99.9, 100 };
	uint64_t *v = malloc(N * sizeof(*v));
	struct entry_hist h;
	uint64_t x = 12345;

	(void)state;
	assert_non_null(v);
	assert_int_equal(entry_hist_init(&h, 10, 4000), 0);
	for (int i = 0; i < N; i++) {
		/* xorshift, skewed like entry times: mostly ~700, a long tail. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v[i] = 650 + x % 100 + ((x >> 20) % 50 == 0 ? (x >> 32) % 30000 : 0);
		entry_hist_add(&h, v[i]);
	}
	for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
		uint64_t exact = percentile_of_samples(v, N, ps[k]);
		uint64_t approx = entry_hist_percentile(&h, ps[k]);
		uint64_t edge = (exact / h.width + 1) * h.width;

		assert_int_equal(approx, edge < h.max ? edge : h.max);
		assert_true(approx >= exact);
		assert_true(approx - exact <= h.width);
	}
	entry_hist_free(&h);
	free(v);
}

static void test_rates_ok(void **state)
{
	uint64_t r[ENTRY_MAX_RATES];
	char err[256];
	size_t n;

	(void)state;
	assert_int_equal(entry_parse_rates("1000,10000,100000,max", r, ENTRY_MAX_RATES, &n,
					   err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(r[0], 1000);
	assert_int_equal(r[1], 10000);
	assert_int_equal(r[2], 100000);
	assert_int_equal(r[3], 0);
	assert_int_equal(entry_parse_rates(" 10k, 2M ,max ", r, ENTRY_MAX_RATES, &n, err,
					   sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0], 10000);
	assert_int_equal(r[1], 2000000);
	assert_int_equal(r[2], 0);
	assert_int_equal(entry_parse_rates("max", r, ENTRY_MAX_RATES, &n, NULL, 0), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0], 0);
}

static void test_rates_bad(void **state)
{
	static const char *const bad[] = {
		"", ",", "1000,", ",1000", "1000,,max", "0", "abc", "10x", "-5", "100000001",
		"1e3", "maxx",
	};
	uint64_t r[ENTRY_MAX_RATES];
	char err[256];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(entry_parse_rates(bad[i], r, ENTRY_MAX_RATES, &n, err,
						   sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	/* The range is in the message. */
	assert_int_equal(entry_parse_rates("0", r, ENTRY_MAX_RATES, &n, err, sizeof(err)), -1);
	assert_int_equal(errno, ERANGE);
	assert_non_null(strstr(err, "1..100000000"));
	/* No room: too many rates. */
	assert_int_equal(entry_parse_rates("1,2,3", r, 2, &n, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "at most 2"));
	/* A NULL message buffer is allowed. */
	assert_int_equal(entry_parse_rates("x", r, ENTRY_MAX_RATES, &n, NULL, 0), -1);
}

/* icount mode: width-1 buckets give exact values, not upper edges. */
static void test_exact_percentile_and_mode(void **state)
{
	struct entry_hist h;
	uint64_t n;

	(void)state;
	assert_int_equal(entry_hist_init(&h, 1, 1000), 0);
	for (int i = 0; i < 7; i++)
		entry_hist_add(&h, 412);
	entry_hist_add(&h, 405);
	entry_hist_add(&h, 900);
	entry_hist_add(&h, 5000);		/* overflow */
	/* The upper-edge percentile says 413; the exact one 412. */
	assert_int_equal(entry_hist_percentile(&h, 50), 413);
	assert_int_equal(entry_hist_exact_percentile(&h, 50), 412);
	assert_int_equal(entry_hist_exact_percentile(&h, 1), 405);
	assert_int_equal(entry_hist_exact_percentile(&h, 100), 5000);
	assert_int_equal(entry_hist_mode(&h, &n), 412);
	assert_int_equal(n, 7);
	entry_hist_reset(&h);
	assert_int_equal(entry_hist_exact_percentile(&h, 50), 0);
	assert_int_equal(entry_hist_mode(&h, NULL), 0);
	entry_hist_free(&h);
}

/*
 * Three spinning vCPUs (w0, w1, w2) and a sender, run in turn by QEMU's
 * round robin: sender, w0, w1, w2. Round 1: the sender sleeps; w0 runs
 * [100,400), w1 [400,700), w2 [700,1000). Round 2: the sender runs
 * [1000,1300) and sends at 1050; each worker takes the IPI when its turn
 * starts (200 instructions) and reads the TSC 10 later. Round 3: the sender
 * returns at 2550, the workers resume with only the 10 of their loop.
 */
static void test_ipi_split(void **state)
{
	static const struct entry_gap g0[] = { { 399, 1510 }, { 1699, 2610 }, { 2899, 3510 } };
	static const struct entry_gap g1[] = { { 699, 1910 }, { 2099, 2910 }, { 3199, 3810 } };
	static const struct entry_gap g2[] = { { 999, 2310 }, { 2499, 3210 }, { 3499, 4110 } };
	static const struct entry_gap sends[] = { { 1050, 2550 } };
	const struct entry_gap *gaps[] = { g0, g1, g2 };
	struct entry_hist ipi, control;

	(void)state;
	for (unsigned int r = 0; r < 3; r++) {
		/* A worker's last gaps have no later gaps of the others around
		 * them (the log ends); judge the receiver on the rest. */
		size_t ngaps[] = { 3, 3, 3 };

		ngaps[r] = r ? 2 : 3;
		assert_int_equal(entry_hist_init(&ipi, 1, 10000), 0);
		assert_int_equal(entry_hist_init(&control, 1, 10000), 0);
		entry_ipi_split(gaps, ngaps, 3, r, sends, 1, &ipi, &control);
		if (r == 0) {
			/* The sender ran just before w0 took its IPI, and again
			 * before its next turn: only the third gap is usable. */
			assert_int_equal(ipi.count, 0);
			assert_int_equal(control.count, 1);
			assert_int_equal(control.min, 11);
		} else {
			/* The handler's 200 and the loop's 11 (from the last read of
			 * the previous vCPU to the first read of this one). */
			assert_int_equal(ipi.count, 1);
			assert_int_equal(ipi.min, 211);
			assert_int_equal(control.count, 1);
			assert_int_equal(control.min, 11);
		}
		entry_hist_free(&ipi);
		entry_hist_free(&control);
	}
	/* Without the send every gap with a neighbour is a control. */
	{
		size_t ngaps[] = { 3, 2, 3 };

		assert_int_equal(entry_hist_init(&ipi, 1, 10000), 0);
		assert_int_equal(entry_hist_init(&control, 1, 10000), 0);
		entry_ipi_split(gaps, ngaps, 3, 1, sends, 0, &ipi, &control);
		assert_int_equal(ipi.count, 0);
		assert_int_equal(control.count, 2);
		assert_int_equal(control.max, 211);
		entry_hist_free(&ipi);
		entry_hist_free(&control);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_buckets_and_overflow),
		cmocka_unit_test(test_hist_init_rejects_zero),
		cmocka_unit_test(test_samples_nearest_rank),
		cmocka_unit_test(test_hist_percentile_small),
		cmocka_unit_test(test_hist_percentile_clamped_to_min),
		cmocka_unit_test(test_hist_percentile_in_overflow),
		cmocka_unit_test(test_hist_percentile_matches_samples),
		cmocka_unit_test(test_rates_ok),
		cmocka_unit_test(test_rates_bad),
		cmocka_unit_test(test_exact_percentile_and_mode),
		cmocka_unit_test(test_ipi_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
