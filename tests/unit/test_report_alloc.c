// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures in the report's loader and analysis, on a real
 * campaign folder (tests/data/report/review-tcg, written by a TCG guest
 * campaign): realloc() and calloc() are wrapped at link time and the Nth
 * call fails, for every N until a whole analysis succeeds. Each time the
 * loader returns NULL with a message or rp_analyse() returns -1 with
 * ENOMEM; nothing crashes or reads freed memory (ASan).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sanitizer/common_interface_defs.h>

#include "../../report/report.h"

#ifndef DATA
#define DATA "tests/data/report/review-tcg"
#endif

void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t n, size_t size);

static long fail_at = -1;	/* the call that fails; -1 none */
static long calls;
static long trace_at = -2;	/* ALLOC_TRACE=N: print where allocation N is made */

static void *failed(void)
{
	if (calls - 1 == trace_at)
		__sanitizer_print_stack_trace();
	errno = ENOMEM;
	return NULL;
}

void *__wrap_realloc(void *p, size_t n)
{
	if (calls++ == fail_at)
		return failed();
	return __real_realloc(p, n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (calls++ == fail_at)
		return failed();
	return __real_calloc(n, size);
}

/* 0 analysed, 1 the loader refused, 2 the analysis refused. */
static int attempt(long fail)
{
	struct rp_options o = { .alpha = 0.05, .level = 0.95, .nboot = 100, .seed = 1 };
	struct rp_analysis a = { 0 };
	struct rp_campaign *c;
	char err[512] = "";
	int rc;

	calls = 0;
	fail_at = fail;
	c = rp_campaign_load(DATA, err, sizeof(err));
	if (!c) {
		fail_at = -1;
		assert_non_null(strstr(err, "out of memory"));
		return 1;
	}
	a.main = a.base = c;
	a.side[0].camp = a.side[1].camp = c;
	a.side[0].kernel = "baseline";
	a.side[1].kernel = "patched";
	errno = 0;
	rc = rp_analyse(&a, &o);
	fail_at = -1;
	if (rc < 0)
		assert_int_equal(errno, ENOMEM);
	rp_analysis_free(&a);
	rp_campaign_free(c);
	return rc < 0 ? 2 : 0;
}

static void test_every_allocation_fails_once(void **state)
{
	long total, loader = 0, analysis = 0, bad = 0;

	(void)state;
	if (getenv("ALLOC_TRACE"))
		trace_at = atol(getenv("ALLOC_TRACE"));
	assert_int_equal(attempt(-1), 0);
	total = calls;
	assert_true(total > 10);
	for (long n = 0; n < total; n++) {
		int r = attempt(n);

		loader += r == 1;
		analysis += r == 2;
		/* A failed allocation is never mistaken for a finished analysis. */
		if (r == 0) {
			print_error("allocation %ld of %ld failed but the analysis said ok\n", n, total);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_true(loader > 0);
	assert_true(analysis > 0);
}

/* The side names live in the analysis (no global): a --baseline campaign's
 * side of the same kernel says so. */
static void test_side_names(void **state)
{
	struct rp_options o = { .alpha = 0.05, .level = 0.95, .nboot = 100, .seed = 1 };
	struct rp_analysis a = { 0 };
	struct rp_campaign *c1, *c2;
	char err[512];

	(void)state;
	c1 = rp_campaign_load(DATA, err, sizeof(err));
	c2 = rp_campaign_load(DATA, err, sizeof(err));
	assert_non_null(c1);
	assert_non_null(c2);
	a.main = c1;
	a.base = c2;
	a.side[0].camp = c2;
	a.side[1].camp = c1;
	a.side[0].kernel = a.side[1].kernel = "patched";
	assert_int_equal(rp_analyse(&a, &o), 0);
	assert_string_equal(rp_side_name(&a, 0), "patched (baseline campaign)");
	assert_string_equal(rp_side_name(&a, 1), "patched");
	rp_analysis_free(&a);
	rp_campaign_free(c1);
	rp_campaign_free(c2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_fails_once),
		cmocka_unit_test(test_side_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
