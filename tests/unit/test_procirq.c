// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/procirq.c on this host's real /proc/interrupts and
 * /proc/softirqs (two copies 5 s apart) and on hand-written 4-CPU guest
 * snapshots (tests/data/README.md says which is which).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "procirq.h"
#include "datapath.h"

static char err[1024];

static struct ib_irq_snap *snap(const char *rel)
{
	struct ib_irq_snap *s = ib_irq_snap_load(test_data(rel), err, sizeof(err));

	if (!s)
		fail_msg("%s: %s", rel, err);
	return s;
}

static struct ib_irq_diff *diff_of(const char *a, const char *b)
{
	struct ib_irq_snap *x = snap(a), *y = snap(b);
	struct ib_irq_diff *d = ib_irq_diff_compute(x, y, err, sizeof(err));

	if (!d)
		fail_msg("%s -> %s: %s", a, b, err);
	ib_irq_snap_free(x);
	ib_irq_snap_free(y);
	return d;
}

static uint64_t cpu_delta(const struct ib_irq_diff *d, const char *name, unsigned int cpu)
{
	uint64_t v = 0;

	if (ib_irq_diff_cpu(d, name, cpu, &v))
		fail_msg("no %s on CPU%u", name, cpu);
	return v;
}

static void test_parse_host(void **state)
{
	struct ib_irq_snap *s = snap("procirq/host-interrupts-a.txt");
	const struct ib_irq_row *r;

	(void)state;
	assert_int_equal(s->ncpus, 2);
	assert_int_equal(s->cpus[0], 0);
	assert_int_equal(s->cpus[1], 1);
	r = ib_irq_snap_find(s, "CAL");
	assert_non_null(r);
	assert_false(r->global);
	assert_int_equal(r->counts[0], 170049);
	assert_int_equal(r->counts[1], 225487);
	assert_string_equal(r->desc, "Function call interrupts");
	r = ib_irq_snap_find(s, "28");
	assert_non_null(r);
	assert_string_equal(r->desc, "PCI-MSIX-0000:00:01.0   0-edge      virtio0-config");
	r = ib_irq_snap_find(s, "ERR");
	assert_true(r->global);
	assert_int_equal(r->counts[0], 0);
	assert_string_equal(r->desc, "");
	assert_non_null(ib_irq_snap_find(s, "PIW"));
	assert_null(ib_irq_snap_find(s, "IPI0"));
	ib_irq_snap_free(s);

	s = snap("procirq/host-softirqs-a.txt");
	assert_int_equal(s->ncpus, 2);
	assert_int_equal(s->nrows, 10);
	r = ib_irq_snap_find(s, "IRQ_POLL");
	assert_non_null(r);
	assert_string_equal(r->desc, "");
	ib_irq_snap_free(s);
}

static void test_diff_host(void **state)
{
	struct ib_irq_diff *d = diff_of("procirq/host-interrupts-a.txt",
					"procirq/host-interrupts-b.txt");
	uint64_t sum;

	(void)state;
	assert_int_equal(cpu_delta(d, "CAL", 0), 83);
	assert_int_equal(cpu_delta(d, "CAL", 1), 21);
	assert_int_equal(cpu_delta(d, "LOC", 0), 1416);
	assert_int_equal(cpu_delta(d, "LOC", 1), 1394);
	assert_int_equal(cpu_delta(d, "36", 1), 258);
	assert_int_equal(cpu_delta(d, "NMI", 1), 0);
	assert_int_equal(d->dropped_rows, 0);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_find(d, "TLB"), NULL, &sum), 0);
	assert_int_equal(sum, 13 + 15);
	ib_irq_diff_free(d);
}

static void test_diff_guest4(void **state)
{
	struct ib_irq_diff *d = diff_of("procirq/guest4-interrupts-before.txt",
					"procirq/guest4-interrupts-after.txt");
	const struct ib_irq_delta_row *r;
	struct ib_cpuset iso, bad;
	uint64_t v;

	(void)state;
	assert_int_equal(ib_cpuset_parse("2-3", &iso, NULL, 0), 0);
	assert_int_equal(d->ncpus, 4);
	assert_int_equal(cpu_delta(d, "CAL", 0), 100);
	assert_int_equal(cpu_delta(d, "CAL", 2), 12);
	assert_int_equal(cpu_delta(d, "CAL", 3), 3);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_kind(d, IB_IRQ_CAL), &iso, &v), 0);
	assert_int_equal(v, 15);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_kind(d, IB_IRQ_TLB), &iso, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_kind(d, IB_IRQ_RES), &iso, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_kind(d, IB_IRQ_LOC), &iso, &v), 0);
	assert_int_equal(v, 9);
	/* ERR is one system-wide count */
	r = ib_irq_diff_find(d, "ERR");
	assert_true(r->global);
	assert_int_equal(r->delta[0], 1);
	assert_int_equal(ib_irq_diff_cpu(d, "ERR", 0, &v), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ib_irq_diff_row_sum(d, r, &iso, &v), 0);
	assert_int_equal(v, 1);
	/* IRQ 26 appeared, IRQ 8 went away */
	r = ib_irq_diff_find(d, "26");
	assert_true(r->added);
	assert_int_equal(r->delta[1], 7);
	assert_null(ib_irq_diff_find(d, "8"));
	assert_int_equal(d->dropped_rows, 1);
	/* A CPU that is not a column */
	assert_int_equal(ib_cpuset_parse("3,7", &bad, NULL, 0), 0);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_find(d, "CAL"), &bad, &v), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(ib_irq_diff_cpu(d, "CAL", 7, &v), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(ib_irq_diff_cpu(d, "XYZ", 0, &v), -1);
	assert_int_equal(errno, ENOENT);
	ib_irq_diff_free(d);
}

static void test_softirqs_guest4(void **state)
{
	struct ib_irq_diff *d = diff_of("procirq/guest4-softirqs-before.txt",
					"procirq/guest4-softirqs-after.txt");
	struct ib_cpuset iso;
	uint64_t v;

	(void)state;
	assert_int_equal(ib_cpuset_parse("2-3", &iso, NULL, 0), 0);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_find(d, "TIMER"), &iso, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ib_irq_diff_row_sum(d, ib_irq_diff_find(d, "SCHED"), &iso, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(cpu_delta(d, "RCU", 3), 1);
	assert_int_equal(cpu_delta(d, "RCU", 0), 300);
	assert_null(ib_irq_diff_kind(d, IB_IRQ_CAL));
	ib_irq_diff_free(d);
}

static void test_cpu_offline(void **state)
{
	struct ib_irq_snap *a = snap("procirq/guest4-interrupts-before.txt");
	struct ib_irq_snap *b = snap("procirq/guest4-interrupts-cpu2off.txt");

	(void)state;
	assert_int_equal(b->ncpus, 3);
	assert_int_equal(b->cpus[2], 3);
	assert_int_equal(ib_irq_snap_find(b, "CAL")->counts[2], 88);	/* CPU3 */
	assert_null(ib_irq_diff_compute(a, b, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "CPU columns differ: before has CPUs 0-3, after has 0-1,3"));
	ib_irq_snap_free(a);
	ib_irq_snap_free(b);
}

static void test_wrap(void **state)
{
	struct ib_irq_diff *d = diff_of("procirq/guest4-interrupts-wrap-before.txt",
					"procirq/guest4-interrupts-wrap-after.txt");

	(void)state;
	assert_int_equal(cpu_delta(d, "LOC", 0), 16);		/* 4294967290 -> 10 */
	assert_true(ib_irq_diff_find(d, "LOC")->wrapped);
	assert_false(ib_irq_diff_find(d, "CAL")->wrapped);
	ib_irq_diff_free(d);
}

static void test_parse_errors(void **state)
{
	struct ib_irq_snap *s;

	(void)state;
	s = ib_irq_snap_load(test_data("procirq/guest4-interrupts-truncated.txt"), err,
			     sizeof(err));
	assert_null(s);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "line 15: row \"RES\" has 2 counts for 4 CPU columns"));

	assert_null(ib_irq_snap_parse("  0:  1  2  IO-APIC\n", "x", err, sizeof(err)));
	assert_non_null(strstr(err, "x: line 1: expected the CPU header"));
	assert_null(ib_irq_snap_parse("", "empty", err, sizeof(err)));
	assert_non_null(strstr(err, "no CPU header"));
	assert_null(ib_irq_snap_parse("   CPU0   CPU1\nLOC: 1 2 x\nLOC: 3 4 x\n", "dup", err,
				      sizeof(err)));
	assert_non_null(strstr(err, "line 3: row \"LOC\" appears twice"));
	assert_null(ib_irq_snap_parse("   CPU0   CPU1\njunk without colon\n", "j", err,
				      sizeof(err)));
	assert_non_null(strstr(err, "line 2"));
	assert_null(ib_irq_snap_parse("   CPU1   CPU0\n", "order", err, sizeof(err)));
	assert_null(ib_irq_snap_parse("   CPU0\nLOC: 99999999999999999999999 x\n", "big", err,
				      sizeof(err)));
	assert_non_null(strstr(err, "out of range"));
	assert_null(ib_irq_snap_load(test_data("procirq/none.txt"), err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
}

/* arm64 names its IPIs IPI0..; the kinds are found by description. */
static void test_kind_by_description(void **state)
{
	static const char before[] =
		"           CPU0       CPU1\n"
		" 11:       1000       1000     GICv3  27 Level     arch_timer\n"
		"IPI0:        10         20       Rescheduling interrupts\n"
		"IPI1:         5          6       Function call interrupts\n"
		"Err:          0\n";
	static const char after[] =
		"           CPU0       CPU1\n"
		" 11:       1100       1003     GICv3  27 Level     arch_timer\n"
		"IPI0:        12         21       Rescheduling interrupts\n"
		"IPI1:         9          6       Function call interrupts\n"
		"Err:          0\n";
	struct ib_irq_snap *a = ib_irq_snap_parse(before, "b", err, sizeof(err));
	struct ib_irq_snap *b = ib_irq_snap_parse(after, "a", err, sizeof(err));
	struct ib_irq_diff *d;
	uint64_t v;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_true(ib_irq_snap_find(a, "Err")->global);
	d = ib_irq_diff_compute(a, b, err, sizeof(err));
	assert_non_null(d);
	assert_string_equal(ib_irq_diff_kind(d, IB_IRQ_CAL)->name, "IPI1");
	assert_int_equal(ib_irqstat_cpu_delta(d, IB_IRQ_CAL, 0, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(ib_irqstat_cpu_delta(d, IB_IRQ_RES, 1, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ib_irqstat_cpu_delta(d, IB_IRQ_TLB, 0, &v), -1);
	assert_int_equal(errno, ENOENT);
	ib_irq_diff_free(d);
	ib_irq_snap_free(a);
	ib_irq_snap_free(b);
}

static json_object *member(json_object *o, const char *k)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

/* The diff JSON, written and read back as the campaign summary will. */
static void test_json_roundtrip(void **state)
{
	struct ib_irq_diff *di = diff_of("procirq/guest4-interrupts-before.txt",
					 "procirq/guest4-interrupts-after.txt");
	struct ib_irq_diff *ds = diff_of("procirq/guest4-softirqs-before.txt",
					 "procirq/guest4-softirqs-after.txt");
	struct ib_irq_diff *back, *soft;
	char path[] = "/tmp/test_procirq_XXXXXX";
	struct ib_cpuset iso;
	json_object *root, *cal, *tot;
	FILE *f;
	int fd;
	uint64_t v;

	(void)state;
	assert_int_equal(ib_cpuset_parse("2-3", &iso, NULL, 0), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_int_equal(ib_irq_diff_write_json(f, di, ds, &iso, "b", "a"), 0);
	fclose(f);

	root = json_object_from_file(path);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(member(root, "tool")), "isolbench-irqstat");
	assert_int_equal(json_object_array_length(member(root, "cpus")), 4);
	assert_int_equal(json_object_array_length(member(root, "selected_cpus")), 2);
	cal = member(member(root, "highlight"), "CAL");
	assert_int_equal(json_object_get_int64(member(cal, "selected_total")), 15);
	assert_int_equal(json_object_get_int64(member(cal, "all_total")), 205);
	assert_int_equal(json_object_get_int64(json_object_array_get_idx(member(cal, "per_cpu"),
									  2)), 12);
	tot = member(root, "totals");
	/* CPUs 2-3: LOC 9 + RES 3 + CAL 15 + TLB 1 + MCP 2 */
	assert_int_equal(json_object_get_int64(member(tot, "interrupts_selected")), 30);
	/* LOC 2009 + RES 93 + CAL 205 + TLB 39 + IRQ25 300 + IRQ26 7 + MCP 4 */
	assert_int_equal(json_object_get_int64(member(tot, "interrupts_all")), 2657);
	assert_int_equal(json_object_get_int64(member(tot, "softirqs_selected")), 1 + 5 + 1);
	json_object_put(root);

	back = ib_irqstat_load(path, &soft, err, sizeof(err));
	if (!back)
		fail_msg("%s", err);
	assert_non_null(soft);
	assert_int_equal(ib_irqstat_cpu_delta(back, IB_IRQ_CAL, 2, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(ib_irqstat_cpu_delta(back, IB_IRQ_TLB, 3, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ib_irqstat_cpu_delta(back, IB_IRQ_TLB, 2, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(back->dropped_rows, 1);
	assert_true(ib_irq_diff_find(back, "26")->added);
	assert_int_equal(ib_irq_diff_find(back, "ERR")->delta[0], 1);
	assert_int_equal(cpu_delta(soft, "SCHED", 2), 3);
	assert_int_equal(ib_irqstat_cpu_delta(back, IB_IRQ_CAL, 9, &v), -1);
	assert_int_equal(errno, ENOENT);
	ib_irq_diff_free(back);
	ib_irq_diff_free(soft);

	/* A CPU of the set that is not a column refuses to write. */
	f = fopen(path, "w");
	assert_int_equal(ib_cpuset_parse("4", &iso, NULL, 0), 0);
	assert_int_equal(ib_irq_diff_write_json(f, di, NULL, &iso, "b", "a"), -1);
	assert_int_equal(errno, ENOENT);
	fclose(f);
	unlink(path);
	ib_irq_diff_free(di);
	ib_irq_diff_free(ds);
}

static void test_irqstat_files(void **state)
{
	struct ib_irq_diff *d, *soft;
	uint64_t v;

	(void)state;
	/* Written by the isolbench-irqstat binary itself. */
	d = ib_irqstat_load(test_data("procirq/irqstat-diff-guest4.json"), &soft, err,
			    sizeof(err));
	if (!d)
		fail_msg("%s", err);
	assert_int_equal(d->ncpus, 4);
	assert_int_equal(ib_irqstat_cpu_delta(d, IB_IRQ_CAL, 2, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(ib_irqstat_cpu_delta(d, IB_IRQ_LOC, 3, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(cpu_delta(soft, "TIMER", 1), 90);
	ib_irq_diff_free(d);
	ib_irq_diff_free(soft);

	assert_null(ib_irqstat_load(test_data("entry/entry-handmade.json"), NULL, err,
				    sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "not an isolbench-irqstat diff"));
	assert_null(ib_irqstat_load(test_data("procirq/irqstat-diff-truncated.json"), NULL, err,
				    sizeof(err)));
	assert_non_null(strstr(err, "cut short"));
	assert_null(ib_irqstat_load(test_data("procirq/irqstat-diff-misaligned.json"), NULL, err,
				    sizeof(err)));
	assert_non_null(strstr(err, "\"per_cpu\" has 3 values for 4 CPUs"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_host),
		cmocka_unit_test(test_diff_host),
		cmocka_unit_test(test_diff_guest4),
		cmocka_unit_test(test_softirqs_guest4),
		cmocka_unit_test(test_cpu_offline),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_kind_by_description),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_irqstat_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
