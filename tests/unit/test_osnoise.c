// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of collectors/osnoise_agg.c on real osnoise tracer output: the
 * "trace" text of the osnoise collector's instance, captured in a guest
 * (tests/data/osnoise/trace.txt, see README there), summed by the parser
 * and compared with sums.txt, which tests/data/osnoise/sums.awk computed
 * from the same file independently.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../collectors/osnoise_agg.h"
#include "datapath.h"

static struct osn_agg *load_trace(const char *workload, uint64_t *lines)
{
	struct osn_agg *a = osn_agg_new(workload);
	FILE *f = fopen(test_data("osnoise/trace.txt"), "r");
	char buf[1024];

	assert_non_null(a);
	assert_non_null(f);
	*lines = 0;
	while (fgets(buf, sizeof(buf), f)) {
		int r = osn_agg_line(a, buf);

		assert_true(r >= 0);
		*lines += r;
	}
	fclose(f);
	return a;
}

static double stat_sum(struct json_object *cpu, const char *kind, const char *what, bool max)
{
	struct json_object *k = json_object_object_get(cpu, kind);
	double v = 0;

	json_object_object_foreach(k, name, st) {
		double x = json_object_get_double(json_object_object_get(st, what));

		(void)name;
		v = max ? (x > v ? x : v) : v + x;
	}
	return v;
}

/* Every *_noise line parses, and the sums agree with awk's, per CPU and event. */
static void test_real_trace_sums(void **state)
{
	FILE *f = fopen(test_data("osnoise/sums.txt"), "r");
	struct json_object *j;
	struct osn_agg *a;
	uint64_t lines, awk_events = 0;
	char ev[32];
	long long count, total, max;
	int cpu, checked = 0;

	(void)state;
	a = load_trace("oslat", &lines);
	assert_int_equal(osn_agg_bad_lines(a), 0);
	assert_int_equal(osn_agg_events(a), lines);
	j = osn_agg_json(a, NULL, 0, 0);
	assert_non_null(j);
	assert_non_null(f);
	while (fscanf(f, "%d %31s %lld %lld %lld", &cpu, ev, &count, &total, &max) == 5) {
		char key[16];
		struct json_object *c;
		double n, t, m;

		snprintf(key, sizeof(key), "%d", cpu);
		c = json_object_object_get(j, key);
		assert_non_null(c);
		n = stat_sum(c, ev, "count", false);
		t = stat_sum(c, ev, "total_ns", false);
		m = stat_sum(c, ev, "max_ns", true);
		if (!strcmp(ev, "thread")) {
			/* awk sums every thread; the parser keeps the workload and idle apart. */
			n += stat_sum(c, "workload", "count", false) + stat_sum(c, "idle", "count", false);
			t += stat_sum(c, "workload", "total_ns", false) +
			     stat_sum(c, "idle", "total_ns", false);
			m = m > stat_sum(c, "workload", "max_ns", true) ? m :
			    stat_sum(c, "workload", "max_ns", true);
			m = m > stat_sum(c, "idle", "max_ns", true) ? m : stat_sum(c, "idle", "max_ns", true);
		}
		assert_int_equal((long long)n, count);
		assert_int_equal((long long)t, total);
		assert_int_equal((long long)m, max);
		awk_events += count;
		checked++;
	}
	fclose(f);
	assert_true(checked > 0);
	assert_int_equal(awk_events, osn_agg_events(a));
	json_object_put(j);
	osn_agg_free(a);
}

/* noise_ns leaves the workload and idle out; noise_pct is noise over the window. */
static void test_real_trace_noise_totals(void **state)
{
	struct json_object *j;
	struct osn_agg *a;
	uint64_t lines;

	(void)state;
	a = load_trace("oslat", &lines);
	j = osn_agg_json(a, NULL, 0, 10.0);
	assert_non_null(j);
	json_object_object_foreach(j, cpu, c) {
		double noise = 0;
		static const char *const kinds[] = { "irq", "softirq", "thread", "nmi" };

		(void)cpu;
		for (int i = 0; i < 4; i++)
			noise += stat_sum(c, kinds[i], "total_ns", false);
		assert_int_equal((long long)noise,
				 json_object_get_int64(json_object_object_get(c, "noise_ns")));
		assert_true(fabs(json_object_get_double(json_object_object_get(c, "noise_pct")) -
				 noise / 1e10 * 100) < 1e-9);
	}
	json_object_put(j);
	osn_agg_free(a);
}

/* CPUs asked for are listed even without an event; the others only with events. */
static void test_cpus_without_events(void **state)
{
	struct osn_agg *a = osn_agg_new(NULL);
	int cpus[] = { 2, 3 };
	struct json_object *j, *c;

	(void)state;
	assert_non_null(a);
	j = osn_agg_json(a, cpus, 2, 1.0);
	assert_non_null(j);
	c = json_object_object_get(j, "3");
	assert_non_null(c);
	assert_int_equal(json_object_get_int64(json_object_object_get(c, "noise_count")), 0);
	assert_null(json_object_object_get(j, "0"));
	json_object_put(j);
	osn_agg_free(a);
}

/* A *_noise line cut short (no duration) is counted as unparsed, not summed. */
static void test_cut_line(void **state)
{
	struct osn_agg *a = osn_agg_new(NULL);
	FILE *f = fopen(test_data("osnoise/trace.txt"), "r");
	char buf[1024], *d = NULL;

	(void)state;
	assert_non_null(a);
	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f))
		if (strstr(buf, "_noise: ") && (d = strstr(buf, " duration ")))
			break;
	fclose(f);
	assert_non_null(d);
	*d = '\0';
	assert_int_equal(osn_agg_line(a, buf), -1);
	assert_int_equal(osn_agg_bad_lines(a), 1);
	assert_int_equal(osn_agg_events(a), 0);
	assert_int_equal(osn_agg_line(a, "# tracer: osnoise"), 0);
	osn_agg_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_trace_sums),
		cmocka_unit_test(test_real_trace_noise_totals),
		cmocka_unit_test(test_cpus_without_events),
		cmocka_unit_test(test_cut_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
