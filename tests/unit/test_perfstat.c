// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/perfstat.c. host-*.csv were written by perf 6.1 on the
 * development machine, a VM without a PMU (every hardware counter is
 * "<not supported>", task-clock is counted); kvm-*.csv are hand-written in
 * the documented `perf stat -x,` field order (see tests/data/README.md),
 * because this machine has no counters to show.
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

#include "perfstat.h"
#include "datapath.h"

static char err[512];

static struct ib_perf_stat *load_ok(const char *rel)
{
	struct ib_perf_stat *ps;

	err[0] = '\0';
	ps = ib_perf_load(test_data(rel), err, sizeof(err));
	if (!ps)
		fail_msg("%s: %s", rel, err);
	return ps;
}

static void host_no_pmu(void **state)
{
	struct ib_perf_stat *ps = load_ok("perf/host-nopmu-cycles-instructions.csv");
	double v = 1;

	(void)state;
	assert_int_equal(ps->n, 2);
	assert_string_equal(ps->c[0].event, "cycles");
	assert_int_equal(ps->c[0].cpu, -1);
	assert_int_equal(ps->c[0].state, IB_PERF_NOT_SUPPORTED);
	assert_true(isnan(ps->c[0].value));
	assert_int_equal(ib_perf_sum(ps, "instructions", NULL, &v), -1);
	assert_int_equal(errno, ENOTSUP);
	assert_int_equal(ib_perf_sum(ps, "cycles:k", NULL, &v), -1);
	assert_int_equal(errno, ENOENT);
	ib_perf_free(ps);

	ps = load_ok("perf/host-nopmu-per-cpu.csv");
	assert_int_equal(ps->n, 4);
	assert_int_equal(ps->c[3].cpu, 0);
	assert_string_equal(ps->c[3].event, "instructions:k");
	ib_perf_free(ps);
}

static void host_software_events(void **state)
{
	struct ib_perf_stat *ps = load_ok("perf/host-software-events.csv");
	double v;

	(void)state;
	assert_int_equal(ps->n, 3);
	assert_string_equal(ps->c[0].event, "task-clock");
	assert_string_equal(ps->c[0].unit, "msec");
	assert_int_equal(ps->c[0].state, IB_PERF_COUNTED);
	assert_true(fabs(ps->c[0].value - 0.71) < 1e-9);
	assert_int_equal(ps->c[0].run_ns, 712683);
	assert_true(fabs(ps->c[0].running_pct - 100.0) < 1e-9);
	assert_int_equal(ib_perf_sum(ps, "context-switches", NULL, &v), 0);
	assert_true(v == 0);
	ib_perf_free(ps);
}

static void kvm_per_cpu(void **state)
{
	struct ib_perf_stat *ps = load_ok("perf/kvm-per-cpu.csv");
	struct ib_cpuset only3;
	struct json_object *j, *e, *x;
	double v;

	(void)state;
	assert_int_equal(ps->n, 8);
	assert_int_equal(ib_perf_sum(ps, "cycles", NULL, &v), 0);
	assert_true(v == 25004312345.0 + 24990011223.0);
	assert_int_equal(ib_perf_sum(ps, "instructions:k", NULL, &v), 0);
	assert_true(v == 4199000000.0);
	/* Multiplexed: the value is perf's scaled estimate, the share is kept. */
	assert_true(fabs(ps->c[4].running_pct - 50.0) < 1e-9);
	assert_int_equal(ps->c[4].run_ns, 5000617283ULL);
	ib_cpuset_zero(&only3);
	ib_cpuset_set(&only3, 3);
	assert_int_equal(ib_perf_sum(ps, "cycles:k", &only3, &v), 0);
	assert_true(v == 4999000000.0);

	j = ib_perf_to_json(ps);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "cycles:k", &e));
	assert_string_equal(json_object_get_string(json_object_object_get(e, "state")), "counted");
	assert_true(json_object_get_double(json_object_object_get(e, "total")) == 9999123456.0);
	assert_true(json_object_object_get_ex(json_object_object_get(e, "per_cpu"), "2", &x));
	assert_true(json_object_get_double(x) == 5000123456.0);
	json_object_put(j);
	ib_perf_free(ps);
}

static void kvm_aggregated_not_counted(void **state)
{
	struct ib_perf_stat *ps = load_ok("perf/kvm-aggregated.csv");
	struct json_object *j;
	double v;

	(void)state;
	assert_int_equal(ps->n, 3);
	assert_int_equal(ps->c[1].cpu, -1);
	assert_int_equal(ib_perf_sum(ps, "instructions", NULL, &v), 0);
	assert_true(v == 59999999999.0);
	assert_int_equal(ps->c[2].state, IB_PERF_NOT_COUNTED);
	assert_int_equal(ib_perf_sum(ps, "cycles:k", NULL, &v), -1);
	assert_int_equal(errno, ENOTSUP);
	j = ib_perf_to_json(ps);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_object_get(j, "cycles:k"), "state")), "not counted");
	assert_true(json_object_is_type(json_object_object_get(
		json_object_object_get(j, "cycles:k"), "total"), json_type_null));
	json_object_put(j);
	ib_perf_free(ps);
}

static void broken_files(void **state)
{
	static const struct {
		const char *rel;
		int errnum;
		const char *text;
	} cases[] = {
		{ "perf/broken-interval.csv", EINVAL, "line 2: no event name" },
		{ "perf/broken-header-only.csv", EINVAL, "no counter lines" },
		{ "perf/broken-value.csv", EINVAL, "value '12x34'" },
		{ "perf/no-such-file.csv", ENOENT, "No such file" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		errno = 0;
		assert_null(ib_perf_load(test_data(cases[i].rel), err, sizeof(err)));
		assert_int_equal(errno, cases[i].errnum);
		if (!strstr(err, cases[i].text) || !strstr(err, cases[i].rel))
			fail_msg("%s: message \"%s\" lacks \"%s\" or the path", cases[i].rel, err,
				 cases[i].text);
	}
	assert_null(ib_perf_parse("CPU999999,1,,cycles,1,100.00,,\n", err, sizeof(err)));
	assert_non_null(strstr(err, "bad CPU field"));
	assert_null(ib_perf_parse("1,cycles\n", err, sizeof(err)));
	assert_non_null(strstr(err, "2 fields"));
}

/* The command isolbench-run runs around isolbench-entry when the guest has a PMU. */
static void stat_command(void **state)
{
	const char *argv[16];
	const char *want[] = { "perf", "stat", "-x,", "-a", "-A", "-C", "2-3", "-e",
			       IB_PERF_EVENTS, "-o", "/r/perf.csv", "--" };
	int n;

	(void)state;
	n = ib_perf_stat_argv("2-3", IB_PERF_EVENTS, "/r/perf.csv", argv, 16);
	assert_int_equal(n, 12);
	for (int i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
	assert_string_equal(IB_PERF_EVENTS, "cycles,instructions,cycles:k,instructions:k");
	errno = 0;
	assert_int_equal(ib_perf_stat_argv("2-3", "cycles", "x", argv, 5), -1);
	assert_int_equal(errno, ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_no_pmu),
		cmocka_unit_test(host_software_events),
		cmocka_unit_test(kvm_per_cpu),
		cmocka_unit_test(kvm_aggregated_not_counted),
		cmocka_unit_test(broken_files),
		cmocka_unit_test(stat_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
