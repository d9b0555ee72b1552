// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic (icount) mode on real output of isolbench-entry
 * --icount in a guest under -icount shift=0 (tests/data/README.md): the
 * exact statistics recomputed from the JSON histogram match what the tool
 * wrote, the passes of one boot count the same instructions, the report's
 * reader accepts the file, and the IPI gap split of a real gap log gives
 * the tool's own per-IPI figure.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../bench/entry_stats.h"
#include "latency.h"
#include "datapath.h"

/* One result's histogram, rebuilt as the tool kept it. */
static void hist_of_result(struct json_object *res, struct entry_hist *h)
{
	struct json_object *hist, *v;
	uint64_t width, n;

	assert_true(json_object_object_get_ex(res, "bucket_width_cycles", &v));
	width = json_object_get_int64(v);
	assert_true(json_object_object_get_ex(res, "buckets", &v));
	n = json_object_get_int64(v);
	assert_int_equal(width, 1);
	assert_int_equal(entry_hist_init(h, width, n), 0);
	assert_true(json_object_object_get_ex(res, "histogram", &hist));
	json_object_object_foreach(hist, key, val) {
		uint64_t edge = strtoull(key, NULL, 10), count = json_object_get_int64(val);

		/* Keys are upper edges: bucket j holds [j, j + 1). */
		for (uint64_t i = 0; i < count; i++)
			entry_hist_add(h, edge - 1);
	}
	assert_true(json_object_object_get_ex(res, "overflow", &v));
	h->overflow += json_object_get_int64(v);
	h->count += json_object_get_int64(v);
}

static int64_t member(struct json_object *o, const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_int64(v);
}

static void check_exact(const char *file)
{
	struct json_object *root = json_object_from_file(test_data(file));
	struct json_object *results, *v;
	int64_t per_cpu[4] = { -1, -1, -1, -1 };

	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "guest_clock", &v));
	assert_string_equal(json_object_get_string(v), "icount");
	assert_true(json_object_object_get_ex(root, "results", &results));
	assert_int_equal(json_object_array_length(results), 8);
	for (size_t i = 0; i < json_object_array_length(results); i++) {
		struct json_object *res = json_object_array_get_idx(results, i);
		int cpu = member(res, "cpu");
		struct entry_hist h;
		uint64_t mode_n;

		hist_of_result(res, &h);
		assert_int_equal(h.count, member(res, "count"));
		assert_int_equal(entry_hist_exact_percentile(&h, 50), member(res, "instructions_median"));
		assert_int_equal(entry_hist_mode(&h, &mode_n), member(res, "instructions_mode"));
		/* The upper-edge median of the older field is one more. */
		assert_int_equal(member(res, "median_cycles"), member(res, "instructions_median") + 1);
		/* Both passes of one vCPU: the same count, exactly. */
		assert_true(cpu >= 0 && cpu < 4);
		if (per_cpu[cpu] < 0)
			per_cpu[cpu] = member(res, "instructions_median");
		assert_int_equal(per_cpu[cpu], member(res, "instructions_median"));
		entry_hist_free(&h);
	}
	/* Context tracking on the nohz_full vCPUs (2-3) costs more than on 0-1. */
	assert_int_equal(per_cpu[0], per_cpu[1]);
	assert_int_equal(per_cpu[2], per_cpu[3]);
	assert_true(per_cpu[2] > per_cpu[0]);
	json_object_put(root);
}

static void test_getpid_exact(void **state)
{
	(void)state;
	check_exact("entry/icount-getpid-baseline.json");
}

/* A page fault: about 6000 instructions, most entries exactly the same. */
static void test_pagefault_exact(void **state)
{
	(void)state;
	check_exact("entry/icount-pagefault-baseline.json");
}

/* The report reads the same file with lib/latency.c. */
static void test_getpid_reader(void **state)
{
	char err[512];
	struct ib_lat_file *f = ib_lat_load_entry(test_data("entry/icount-getpid-baseline.json"),
						  err, sizeof(err));

	(void)state;
	if (!f)
		fail_msg("%s", err);
	assert_int_equal(f->n, 8);
	ib_lat_file_free(f);
}

/* ipi-gaps.csv: rate,cpu,role,a,b; CPUs 0..3, role gap or send. */
struct gap_log {
	struct entry_gap *gaps[4];
	size_t n[4];
	struct entry_gap *sends;
	size_t nsends;
};

static void push(struct entry_gap **v, size_t *n, uint64_t a, uint64_t b)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	assert_non_null(*v);
	(*v)[*n].a = a;
	(*v)[(*n)++].b = b;
}

static void load_gaps(const char *path, struct gap_log *g)
{
	FILE *f = fopen(path, "r");
	char line[256], role[16];
	unsigned long long rate, a, b;
	int cpu;

	memset(g, 0, sizeof(*g));
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "rate,cpu,role,a,b\n");
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(sscanf(line, "%llu,%d,%15[a-z],%llu,%llu", &rate, &cpu, role, &a, &b), 5);
		assert_true(cpu >= 0 && cpu < 4 && a < b);
		if (!strcmp(role, "send"))
			push(&g->sends, &g->nsends, a, b);
		else
			push(&g->gaps[cpu], &g->n[cpu], a, b);
	}
	fclose(f);
}

/*
 * A window of 300 sends cut from a real gap log (the sender on vCPU 0,
 * spinning receivers on 1-3): split again, it must give the per-IPI cost
 * the tool computed over the whole run within 1 %, on both isolated vCPUs;
 * vCPU 1, which runs right after the sender, gets no usable IPI.
 */
static void test_ipi_split_real(void **state)
{
	struct json_object *root = json_object_from_file(test_data("entry/icount-ipi-baseline.json"));
	struct json_object *results;
	struct gap_log g;

	(void)state;
	assert_non_null(root);
	load_gaps(test_data("entry/icount-ipi-gaps-baseline.csv"), &g);
	assert_true(g.nsends >= 300 && g.nsends <= 302);
	assert_int_equal(g.n[0], 0);		/* the sender logs sends only */
	assert_true(json_object_object_get_ex(root, "results", &results));
	for (size_t i = 0; i < json_object_array_length(results); i++) {
		struct json_object *res = json_object_array_get_idx(results, i), *v;
		const struct entry_gap *gaps[3] = { g.gaps[1], g.gaps[2], g.gaps[3] };
		size_t n[3] = { g.n[1], g.n[2], g.n[3] };
		int cpu = member(res, "cpu");
		struct entry_hist ipi, control;
		double cost, full;

		assert_int_equal(entry_hist_init(&ipi, 1, 200000), 0);
		assert_int_equal(entry_hist_init(&control, 1, 200000), 0);
		entry_ipi_split(gaps, n, 3, cpu - 1, g.sends, g.nsends, &ipi, &control);
		assert_true(control.count > 1000);
		if (cpu == 1) {
			assert_int_equal(ipi.count, 0);
		} else {
			/* Nearly every send reached the isolated vCPU and was usable. */
			assert_true(ipi.count >= 290 && ipi.count <= g.nsends);
			cost = (double)entry_hist_exact_percentile(&ipi, 50) -
			       (double)entry_hist_exact_percentile(&control, 50);
			assert_true(json_object_object_get_ex(res, "instructions_per_ipi", &v));
			full = json_object_get_double(v);
			assert_true(full > 500 && full < 5000);
			assert_true(cost > 0.99 * full && cost < 1.01 * full);
		}
		entry_hist_free(&ipi);
		entry_hist_free(&control);
	}
	for (int c = 0; c < 4; c++)
		free(g.gaps[c]);
	free(g.sends);
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getpid_exact),
		cmocka_unit_test(test_pagefault_exact),
		cmocka_unit_test(test_getpid_reader),
		cmocka_unit_test(test_ipi_split_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
