// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of collectors/ipi_match.c (CSD -> IPI matching, per-callback
 * counts) and collectors/tracecmd_report.c (trace-cmd report parser).
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

#include "../../collectors/ipi_match.h"
#include "../../collectors/tracecmd_report.h"

#define CSD_CB		IB_IPI_CSD_CALLBACK
#define OECM		"on_each_cpu_cond_mask+0x20"
#define SCSQ		"__smp_call_single_queue+0x9c"
#define MS		1000000ULL

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR	"tests/data/ipi"
#endif

static struct ib_ipi_match *new_matcher(const char *isolated)
{
	struct ib_cpuset set;
	struct ib_ipi_match *m;

	assert_int_equal(ib_cpuset_parse(isolated, &set, NULL, 0), 0);
	m = ib_ipi_match_new(&set, 1);
	assert_non_null(m);
	return m;
}

static void csd(struct ib_ipi_match *m, uint64_t ts, int sender, int target,
		const char *callsite, const char *func)
{
	struct ib_ipi_rec r = {
		.type = IB_IPI_REC_CSD_QUEUE, .ts_ns = ts, .cpu = sender, .comm = "kworker",
		.target = target, .callsite = callsite, .func = func,
	};

	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
}

static void send_cpu(struct ib_ipi_match *m, uint64_t ts, int sender, int target,
		     const char *callsite, const char *callback)
{
	struct ib_ipi_rec r = {
		.type = IB_IPI_REC_SEND_CPU, .ts_ns = ts, .cpu = sender, .comm = "kworker",
		.target = target, .callsite = callsite, .func = callback,
	};

	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
}

static void send_mask(struct ib_ipi_match *m, uint64_t ts, int sender, const char *targets,
		      const char *callsite, const char *callback)
{
	struct ib_cpuset set;
	struct ib_ipi_rec r = {
		.type = IB_IPI_REC_SEND_CPUMASK, .ts_ns = ts, .cpu = sender, .comm = "bpf-jit",
		.targets = &set, .callsite = callsite, .func = callback,
	};

	assert_int_equal(ib_cpuset_parse(targets, &set, NULL, 0), 0);
	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
}

static struct ib_ipi_totals totals(const struct ib_ipi_match *m)
{
	struct ib_ipi_totals t;

	ib_ipi_match_totals(m, &t);
	/* Invariants that hold after ib_ipi_match_finish(). */
	assert_int_equal(t.ipis, t.ipis_csd + t.ipis_direct + t.ipis_unmatched);
	assert_int_equal(t.csd_queued, t.csd_with_ipi + t.csd_without_ipi + t.csd_unmatched);
	assert_int_equal(t.csd_with_ipi, t.ipis_csd);
	return t;
}

static void test_single_csd_send_cpu(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");
	struct ib_ipi_totals t;

	(void)state;
	csd(m, 10, 0, 2, OECM, "do_sync_core");
	send_cpu(m, 11, 0, 2, OECM, CSD_CB);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(t.ipis, 1);
	assert_int_equal(t.ipis_csd, 1);
	assert_int_equal(ib_ipi_match_count(m, "do_sync_core", 2), 1);
	assert_int_equal(ib_ipi_match_count(m, "do_sync_core", 3), 0);
	assert_int_equal(ib_ipi_match_count(m, CSD_CB, -1), 0);
	assert_int_equal(ib_ipi_match_csd_count(m, "do_sync_core", "with_ipi"), 1);
	ib_ipi_match_free(m);
}

static void test_several_csd_one_cpumask(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");
	struct ib_ipi_totals t;

	(void)state;
	/* on_each_cpu(do_flush_tlb_all) from CPU 0 to CPUs 1-3. */
	csd(m, 10, 0, 1, OECM, "do_flush_tlb_all");
	csd(m, 11, 0, 2, OECM, "do_flush_tlb_all");
	csd(m, 12, 0, 3, OECM, "do_flush_tlb_all");
	send_mask(m, 13, 0, "1-3", OECM, CSD_CB);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(t.ipis, 2);
	assert_int_equal(t.csd_queued, 2);		/* CPU 1 is housekeeping */
	assert_int_equal(t.ignored, 1);
	assert_int_equal(ib_ipi_match_count(m, "do_flush_tlb_all", 2), 1);
	assert_int_equal(ib_ipi_match_count(m, "do_flush_tlb_all", 3), 1);
	assert_int_equal(ib_ipi_match_count(m, "do_flush_tlb_all", -1), 2);
	assert_int_equal(t.ipis_unmatched, 0);
	ib_ipi_match_free(m);
}

static void test_coalesced_without_ipi(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");
	struct ib_ipi_totals t;

	(void)state;
	/* CPU 2's queue was not empty: only CPU 3 gets the IPI. */
	csd(m, 10, 0, 2, OECM, "do_sync_core");
	csd(m, 11, 0, 3, OECM, "do_sync_core");
	send_cpu(m, 12, 0, 3, OECM, CSD_CB);
	/* Twice the same target and callsite without a send in between. */
	csd(m, 20, 1, 2, SCSQ, "nohz_full_kick_func");
	csd(m, 21, 1, 2, SCSQ, "nohz_full_kick_func");
	send_cpu(m, 22, 1, 2, SCSQ, CSD_CB);
	/* A whole batch coalesced: no send at all. */
	csd(m, 30, 0, 2, OECM, "do_kernel_range_flush");
	csd(m, 31, 0, 3, OECM, "do_kernel_range_flush");
	csd(m, 40, 0, 2, OECM, "do_kernel_range_flush");
	csd(m, 41, 0, 3, OECM, "do_kernel_range_flush");
	send_mask(m, 42, 0, "3", OECM, CSD_CB);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(t.ipis, 3);
	assert_int_equal(t.csd_queued, 8);
	assert_int_equal(t.csd_without_ipi, 5);
	assert_int_equal(t.csd_unmatched, 0);
	assert_int_equal(ib_ipi_match_csd_count(m, "do_sync_core", "without_ipi"), 1);
	assert_int_equal(ib_ipi_match_csd_count(m, "nohz_full_kick_func", "without_ipi"), 1);
	assert_int_equal(ib_ipi_match_csd_count(m, "do_kernel_range_flush", "without_ipi"), 3);
	assert_int_equal(ib_ipi_match_count(m, "do_kernel_range_flush", 3), 1);
	assert_int_equal(ib_ipi_match_count(m, "do_kernel_range_flush", 2), 0);
	ib_ipi_match_free(m);
}

static void test_ipi_without_csd(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");
	struct ib_ipi_totals t;

	(void)state;
	/* Reschedule: 6.12 passes a NULL callback, later kernels scheduler_ipi. */
	send_cpu(m, 10, 0, 2, "resched_curr+0x5c", NULL);
	send_cpu(m, 11, 1, 3, "resched_curr+0x5c", "scheduler_ipi");
	/* A CSD of another callsite is waiting: a reschedule must not take it. */
	csd(m, 12, 0, 2, SCSQ, "sched_ttwu_pending");
	send_cpu(m, 13, 0, 2, "resched_curr+0x5c", NULL);
	send_cpu(m, 14, 0, 2, SCSQ, CSD_CB);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(t.ipis, 4);
	assert_int_equal(t.ipis_direct, 3);
	assert_int_equal(t.ipis_unmatched, 0);
	assert_int_equal(ib_ipi_match_count(m, NULL, 2), 2);
	assert_int_equal(ib_ipi_match_count(m, IB_IPI_NULL_CALLBACK, -1), 2);
	assert_int_equal(ib_ipi_match_count(m, "scheduler_ipi", 3), 1);
	assert_int_equal(ib_ipi_match_count(m, "sched_ttwu_pending", 2), 1);
	ib_ipi_match_free(m);
}

static void test_unmatched(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");
	struct ib_ipi_totals t;

	(void)state;
	/* A CSD-carrying IPI whose CSD was lost. */
	send_cpu(m, 10, 0, 2, OECM, CSD_CB);
	/* A CSD on CPU 0 does not explain an IPI sent by CPU 1. */
	csd(m, 20, 0, 3, OECM, "do_sync_core");
	send_cpu(m, 21, 1, 3, OECM, CSD_CB);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(t.ipis, 2);
	assert_int_equal(t.ipis_unmatched, 2);
	assert_int_equal(t.csd_unmatched, 1);
	assert_int_equal(ib_ipi_match_count(m, CSD_CB, -1), 2);
	assert_int_equal(ib_ipi_match_csd_count(m, "do_sync_core", "unmatched"), 1);
	ib_ipi_match_free(m);
}

static void test_callsite_fallback_and_nesting(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");
	struct ib_ipi_totals t;

	(void)state;
	/* Callsites differ (e.g. not inlined): a CSD-carrying send still matches. */
	csd(m, 10, 0, 2, "smp_call_function_many_cond+0x1a0", "do_sync_core");
	send_cpu(m, 11, 0, 2, "smp_call_function_many_cond+0x2f0", CSD_CB);
	/* An interrupt queues and sends its own CSD in the middle of a batch. */
	csd(m, 20, 0, 2, OECM, "do_flush_tlb_all");
	csd(m, 21, 0, 3, "irq_work_queue_on+0x6e", "nohz_full_kick_func");
	send_cpu(m, 22, 0, 3, "irq_work_queue_on+0x6e", CSD_CB);
	csd(m, 23, 0, 3, OECM, "do_flush_tlb_all");	/* queue of 3 not empty */
	send_cpu(m, 24, 0, 2, OECM, CSD_CB);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(t.ipis, 3);
	assert_int_equal(t.ipis_unmatched, 0);
	assert_int_equal(ib_ipi_match_count(m, "do_sync_core", 2), 1);
	assert_int_equal(ib_ipi_match_count(m, "nohz_full_kick_func", 3), 1);
	assert_int_equal(ib_ipi_match_count(m, "do_flush_tlb_all", 2), 1);
	assert_int_equal(ib_ipi_match_csd_count(m, "do_flush_tlb_all", "without_ipi"), 1);
	ib_ipi_match_free(m);
}

static void test_received_ct_work_timeline_json(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");
	struct json_object *root = json_object_new_object(), *o, *tl, *e;
	struct ib_ipi_rec r = { .type = IB_IPI_REC_RECV, .ts_ns = 5, .cpu = 2,
				.recv = IB_IPI_RECV_CALL_FUNCTION_SINGLE };

	(void)state;
	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
	r.cpu = 0;	/* housekeeping: ignored */
	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
	r = (struct ib_ipi_rec){ .type = IB_IPI_REC_CT_DEFER, .ts_ns = 6, .cpu = 0, .target = 3,
				 .work = "0x1" };
	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
	r = (struct ib_ipi_rec){ .type = IB_IPI_REC_CT_RUN, .ts_ns = 7, .cpu = 3, .work = "0x1" };
	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
	r.cpu = IB_MAX_CPUS;
	assert_int_equal(ib_ipi_match_feed(m, &r), -1);
	assert_int_equal(errno, EINVAL);

	csd(m, 100 * MS, 0, 2, OECM, "do_sync_core");
	send_cpu(m, 100 * MS + 1, 0, 2, OECM, CSD_CB);
	csd(m, 2500 * MS, 0, 2, OECM, "do_sync_core");
	send_cpu(m, 2500 * MS + 1, 0, 2, OECM, CSD_CB);
	send_cpu(m, 2600 * MS, 0, 3, "resched_curr+0x5c", NULL);
	ib_ipi_match_finish(m);
	assert_int_equal(ib_ipi_match_received(m, IB_IPI_RECV_CALL_FUNCTION_SINGLE, 2), 1);
	assert_int_equal(ib_ipi_match_received(m, IB_IPI_RECV_CALL_FUNCTION_SINGLE, 0), 0);

	assert_int_equal(ib_ipi_match_json(m, root), 0);
	assert_true(json_object_object_get_ex(root, "per_callback", &o));
	assert_int_equal(json_object_array_length(o), 2);
	e = json_object_array_get_idx(o, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "callback")),
			    "do_sync_core");
	assert_string_equal(json_object_get_string(json_object_object_get(e, "source")), "csd");
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_object_get(e, "per_cpu"), "2")), 2);
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_object_get(e, "callsites"), OECM)), 2);
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_object_get(e, "senders"), "kworker")), 2);
	assert_true(json_object_object_get_ex(root, "ct_work", &o));
	assert_int_equal(json_object_get_int(json_object_object_get(json_object_object_get(
		json_object_object_get(o, "deferred"), "0x1"), "3")), 2);
	assert_int_equal(json_object_get_int(json_object_object_get(json_object_object_get(
		json_object_object_get(o, "run"), "0x1"), "3")), 1);
	assert_true(json_object_object_get_ex(root, "received", &o));
	assert_int_equal(json_object_get_int(json_object_object_get(json_object_object_get(
		o, "call_function_single"), "2")), 1);
	/* Timeline: t0 = 1 ns; seconds 0 and 2. */
	assert_true(json_object_object_get_ex(root, "timeline", &tl));
	assert_int_equal(json_object_array_length(tl), 3);
	e = json_object_array_get_idx(tl, 0);
	assert_int_equal(json_object_get_int(json_object_object_get(e, "t")), 0);
	assert_int_equal(json_object_get_int(json_object_object_get(e, "count")), 1);
	e = json_object_array_get_idx(tl, 1);
	assert_int_equal(json_object_get_int(json_object_object_get(e, "t")), 2);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "callback")),
			    IB_IPI_NULL_CALLBACK);
	json_object_put(root);
	ib_ipi_match_free(m);
}

static void test_report_lines(void **state)
{
	struct ib_tcr_event ev;

	(void)state;
	assert_int_equal(ib_tcr_parse_line("cpus=2\n", &ev), 0);
	assert_int_equal(ib_tcr_parse_line(
		"ibtc25110:             bash-31494 [000]  1090.996705: csd_queue_cpu:        "
		"cpu=1 callsite=on_each_cpu_cond_mask+0x20 func=do_sync_core "
		"csd=0xffff888627d2e420\n", &ev), 1);
	assert_int_equal(ev.rec.type, IB_IPI_REC_CSD_QUEUE);
	assert_string_equal(ev.comm, "bash");
	assert_int_equal(ev.rec.cpu, 0);
	assert_int_equal(ev.rec.target, 1);
	assert_int_equal(ev.rec.ts_ns, 1090996705000ULL);
	assert_string_equal(ev.rec.callsite, OECM);
	assert_string_equal(ev.rec.func, "do_sync_core");

	/* The kernel's own text format: flags column, callsite with size. */
	assert_int_equal(ib_tcr_parse_line(
		"  kworker/2:0-13856 [002] ...1.  3517.445719: ipi_send_cpumask: cpumask=0-1,3-79 "
		"callsite=on_each_cpu_cond_mask+0x20/0x60 callback=do_flush_tlb_all+0x0", &ev), 1);
	assert_int_equal(ev.rec.type, IB_IPI_REC_SEND_CPUMASK);
	assert_string_equal(ev.comm, "kworker/2:0");
	assert_int_equal(ev.rec.cpu, 2);
	assert_int_equal(ib_cpuset_count(ev.rec.targets), 79);
	assert_false(ib_cpuset_test(ev.rec.targets, 2));
	assert_string_equal(ev.rec.callsite, OECM);
	assert_string_equal(ev.rec.func, "do_flush_tlb_all");

	assert_int_equal(ib_tcr_parse_line(
		"           <...>-3734  [042]   392.890491123: ipi_send_cpu:         cpu=42 "
		"callsite=resched_curr+0x5c callback=0x0", &ev), 1);
	assert_string_equal(ev.comm, "<...>");
	assert_int_equal(ev.rec.ts_ns, 392890491123ULL);
	assert_null(ev.rec.func);

	assert_int_equal(ib_tcr_parse_line(
		" Web Content-2001  [003]  10.000001: reschedule_entry: vector=253", &ev), 1);
	assert_string_equal(ev.comm, "Web Content");
	assert_int_equal(ev.rec.type, IB_IPI_REC_RECV);
	assert_int_equal(ev.rec.recv, IB_IPI_RECV_RESCHEDULE);
	assert_int_equal(ev.rec.cpu, 3);

	assert_int_equal(ib_tcr_parse_line(
		"   bpf-77 [000]  10.5: ct_work_defer: work=0x2 cpu=3", &ev), 1);
	assert_int_equal(ev.rec.type, IB_IPI_REC_CT_DEFER);
	assert_int_equal(ev.rec.target, 3);
	assert_string_equal(ev.rec.work, "0x2");

	/* Other events are skipped, broken known ones reported. */
	assert_int_equal(ib_tcr_parse_line(
		"   bash-1 [000]  10.5: sched_switch: prev_comm=bash", &ev), 0);
	assert_string_equal(ev.event, "sched_switch");
	assert_int_equal(ib_tcr_parse_line(
		"   bash-1 [000]  10.5: ipi_send_cpu: cpu=x callsite=a+0x1 callback=0x0", &ev), -1);
	assert_int_equal(ib_tcr_parse_line(
		"   bash-1 [000]  10.5: ipi_send_cpumask: callsite=a+0x1 callback=0x0", &ev), -1);
}

/*
 * A real `trace-cmd report` (host kernel 6.18, 2 CPUs, CPU 1 as "isolated",
 * extracted from an instance, so every line has the instance prefix).
 * Expected values counted from the file with grep.
 */
static void test_report_file(void **state)
{
	FILE *f = fopen(TEST_DATA_DIR "/host-6.18-isol1.report.txt", "r");
	struct ib_ipi_match *m = new_matcher("1");
	struct ib_tcr_stats st;
	struct ib_ipi_totals t;

	(void)state;
	assert_non_null(f);
	assert_int_equal(ib_tcr_feed(f, m, &st, NULL, NULL), 0);
	fclose(f);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(st.lines, 349);
	assert_int_equal(st.decoded, 348);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(t.csd_queued, 90);		/* grep -c csd_queue_cpu */
	assert_int_equal(t.ipis, 138);			/* grep -c ipi_send_cpu */
	assert_int_equal(t.ipis_direct, 75);		/* callback=0x0 */
	assert_int_equal(t.ipis_csd + t.ipis_unmatched, 63);
	assert_int_equal(t.ipis_unmatched, 0);
	assert_int_equal(ib_ipi_match_count(m, IB_IPI_NULL_CALLBACK, 1), 75);
	assert_int_equal(ib_ipi_match_count(m, "do_sync_core", 1) +
			 ib_ipi_match_count(m, "flush_tlb_func", 1), 63);
	assert_int_equal(ib_ipi_match_received(m, IB_IPI_RECV_CALL_FUNCTION_SINGLE, 1), 45);
	assert_int_equal(ib_ipi_match_received(m, IB_IPI_RECV_RESCHEDULE, 1), 75);
	ib_ipi_match_free(m);
}

/*
 * A line of the real report cut short before its timestamp (a truncated
 * file's last line): the parser looped forever on the newline. alarm()
 * turns a hang into a failed test.
 */
static void test_report_cut_line(void **state)
{
	struct ib_tcr_event ev;
	FILE *f;

	(void)state;
	alarm(10);
	assert_int_equal(ib_tcr_parse_line("  kworker/2:0-13856 [002] ...1.\n", &ev), 0);
	assert_int_equal(ib_tcr_parse_line("  kworker/2:0-13856 [002] ...1.\r\n", &ev), 0);
	assert_int_equal(ib_tcr_parse_line("bash-31494 [000] \v", &ev), 0);
	f = fmemopen((char *)"  kworker/2:0-13856 [002] ...1.\n", 32, "r");
	assert_non_null(f);
	{
		struct ib_ipi_match *m = new_matcher("1");
		struct ib_tcr_stats st;

		assert_int_equal(ib_tcr_feed(f, m, &st, NULL, NULL), 0);
		assert_int_equal(st.lines, 1);
		assert_int_equal(st.decoded, 0);
		ib_ipi_match_free(m);
	}
	fclose(f);
	alarm(0);
}

/* Only the events inside [from, to] count (first event 1362.154771). */
static void test_report_window(void **state)
{
	FILE *f = fopen(TEST_DATA_DIR "/host-6.18-isol1.report.txt", "r");
	struct ib_ipi_match *m = new_matcher("1");
	struct ib_tcr_stats st;
	struct ib_ipi_totals t;

	(void)state;
	assert_non_null(f);
	assert_int_equal(ib_tcr_feed_window(f, m, &st, 1362154771000ULL, 1362154792000ULL,
					    NULL, NULL), 0);
	fclose(f);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(st.decoded, 2);
	assert_int_equal(t.csd_queued, 2);
	assert_int_equal(t.ipis, 0);
	ib_ipi_match_free(m);
}

/* One context or vector event on an isolated CPU. */
static void on_cpu(struct ib_ipi_match *m, uint64_t ts, int cpu, enum ib_ipi_rec_type type,
		   enum ib_ipi_recv_kind recv, bool idle_exit)
{
	struct ib_ipi_rec r = {
		.type = type, .ts_ns = ts, .cpu = cpu, .recv = recv, .idle_exit = idle_exit,
		.target = -1,
	};

	assert_int_equal(ib_ipi_match_feed(m, &r), 0);
}

#define USER_ENTER(m, ts, cpu)	on_cpu(m, ts, cpu, IB_IPI_REC_USER_ENTER, 0, false)
#define USER_EXIT(m, ts, cpu)	on_cpu(m, ts, cpu, IB_IPI_REC_USER_EXIT, 0, false)
#define IDLE(m, ts, cpu)	on_cpu(m, ts, cpu, IB_IPI_REC_IDLE, 0, false)
#define IDLE_EXIT(m, ts, cpu)	on_cpu(m, ts, cpu, IB_IPI_REC_IDLE, 0, true)
#define VEC(m, ts, cpu, k)	on_cpu(m, ts, cpu, IB_IPI_REC_RECV, IB_IPI_RECV_##k, false)

#define CTX(m, cb, cpu, c)	ib_ipi_match_context_count(m, cb, cpu, IB_IPI_CTX_##c)

/*
 * The rules of ipi_match.c's "Context", one case each; the order of events
 * is the one the kernel traces (user_exit before the vector's entry when an
 * interrupt comes from user space).
 */
static void test_context_rules(void **state)
{
	struct ib_ipi_match *m = new_matcher("2-3");

	(void)state;
	/* Before any context event: unknown. */
	csd(m, 1 * MS, 0, 2, OECM, "do_sync_core");
	send_cpu(m, 1 * MS + 1, 0, 2, OECM, CSD_CB);
	VEC(m, 1 * MS + 5000, 2, CALL_FUNCTION_SINGLE);
	USER_ENTER(m, 2 * MS, 2);
	/* Into user space: user_exit, then the vector's entry. */
	csd(m, 10 * MS, 0, 2, OECM, "do_sync_core");
	send_cpu(m, 10 * MS + 1, 0, 2, OECM, CSD_CB);
	USER_EXIT(m, 10 * MS + 3000, 2);
	VEC(m, 10 * MS + 4000, 2, CALL_FUNCTION_SINGLE);
	USER_ENTER(m, 10 * MS + 9000, 2);
	/* A second vector before returning to user space: kernel. */
	USER_EXIT(m, 20 * MS, 2);
	VEC(m, 20 * MS + 1000, 2, LOCAL_TIMER);
	csd(m, 20 * MS + 1500, 0, 2, OECM, "do_flush_tlb_all");
	send_cpu(m, 20 * MS + 1501, 0, 2, OECM, CSD_CB);
	VEC(m, 20 * MS + 3000, 2, CALL_FUNCTION_SINGLE);
	USER_ENTER(m, 20 * MS + 9000, 2);
	/* The CPU queued a CSD itself after user_exit: it is in the kernel. */
	USER_EXIT(m, 30 * MS, 2);
	csd(m, 30 * MS + 100, 2, 3, OECM, "do_sync_core");	/* to CPU 3, ignored there */
	send_cpu(m, 30 * MS + 200, 0, 2, "resched_curr+0x5c", NULL);
	VEC(m, 30 * MS + 900, 2, RESCHEDULE);
	USER_ENTER(m, 30 * MS + 9000, 2);
	/* A syscall: user_exit ... user_enter without a vector. */
	USER_EXIT(m, 40 * MS, 2);
	USER_ENTER(m, 40 * MS + 500, 2);
	/* Idle: cpu_idle, the vector, then the idle exit. */
	IDLE(m, 50 * MS, 3);
	send_mask(m, 50 * MS + 100, 0, "2-3", OECM, CSD_CB);
	VEC(m, 50 * MS + 600, 3, CALL_FUNCTION);
	IDLE_EXIT(m, 50 * MS + 900, 3);
	/* CPU 2 never received the cpumask IPI: unknown, at its send time. */
	ib_ipi_match_finish(m);

	assert_int_equal(CTX(m, "do_sync_core", 2, UNKNOWN), 1);
	assert_int_equal(CTX(m, "do_sync_core", 2, USER), 1);
	assert_int_equal(CTX(m, "do_flush_tlb_all", 2, KERNEL), 1);
	assert_int_equal(CTX(m, "do_flush_tlb_all", 2, USER), 0);
	assert_int_equal(CTX(m, IB_IPI_NULL_CALLBACK, 2, KERNEL), 1);
	assert_int_equal(CTX(m, CSD_CB, 3, IDLE), 1);
	assert_int_equal(CTX(m, CSD_CB, 2, UNKNOWN), 1);
	assert_int_equal(CTX(m, CSD_CB, -1, UNKNOWN), 1);
	assert_int_equal(ib_ipi_match_untraced_entries(m, 2), 1);
	assert_int_equal(ib_ipi_match_untraced_entries(m, 3), 0);
	ib_ipi_match_free(m);
}

/* Counts and times inside the window only; JSON members. */
static void test_context_window_json(void **state)
{
	struct ib_ipi_match *m = new_matcher("2");
	struct json_object *root = json_object_new_object(), *ctx = json_object_new_object();
	struct json_object *row, *o;

	(void)state;
	USER_ENTER(m, 0 * MS + 1, 2);
	for (int i = 1; i <= 9; i++) {
		uint64_t t = i * 100 * MS;

		csd(m, t, 0, 2, OECM, "do_sync_core");
		send_cpu(m, t + 1, 0, 2, OECM, CSD_CB);
		USER_EXIT(m, t + 10 * MS, 2);
		VEC(m, t + 10 * MS + 1, 2, CALL_FUNCTION_SINGLE);
		USER_ENTER(m, t + 20 * MS, 2);
	}
	IDLE(m, 950 * MS, 2);
	IDLE_EXIT(m, 1000 * MS, 2);
	ib_ipi_match_finish(m);
	/* [250, 750) ms: arrivals at 310, 410, 510, 610, 710 ms. */
	ib_ipi_match_set_window(m, 250 * MS, 750 * MS);
	assert_int_equal(CTX(m, "do_sync_core", 2, USER), 5);
	/* In the kernel 10 ms per IPI, from 310 to 320, ..., 710 to 720. */
	assert_int_equal(ib_ipi_match_context_time(m, 2, IB_IPI_CTX_KERNEL), 50 * MS);
	assert_int_equal(ib_ipi_match_context_time(m, 2, IB_IPI_CTX_USER), 450 * MS);
	assert_int_equal(ib_ipi_match_context_time(m, 2, IB_IPI_CTX_IDLE), 0);
	ib_ipi_match_set_window(m, 900 * MS, 1100 * MS);
	assert_int_equal(ib_ipi_match_context_time(m, 2, IB_IPI_CTX_IDLE), 50 * MS);
	assert_int_equal(ib_ipi_match_context_time(m, 2, IB_IPI_CTX_KERNEL), 10 * MS + 100 * MS);
	assert_int_equal(ib_ipi_match_context_time(m, 2, IB_IPI_CTX_USER), 40 * MS);

	ib_ipi_match_set_window(m, 250 * MS, 750 * MS);
	assert_int_equal(ib_ipi_match_json(m, root), 0);
	assert_int_equal(ib_ipi_match_context_json(m, ctx), 0);
	row = json_object_array_get_idx(json_object_object_get(root, "per_callback"), 0);
	/* total covers every record; per_context the window. */
	assert_int_equal(json_object_get_int(json_object_object_get(row, "total")), 9);
	o = json_object_object_get(row, "per_context");
	assert_int_equal(json_object_get_int(json_object_object_get(o, "user")), 5);
	assert_int_equal(json_object_get_int(json_object_object_get(o, "kernel")), 0);
	o = json_object_object_get(json_object_object_get(row, "per_cpu_context"), "2");
	assert_int_equal(json_object_get_int(json_object_object_get(o, "user")), 5);
	o = json_object_object_get(json_object_object_get(ctx, "time_s"), "2");
	assert_true(json_object_get_double(json_object_object_get(o, "user")) == 0.45);
	assert_int_equal(json_object_get_int(json_object_object_get(ctx, "unclassified_ipis")), 0);
	json_object_put(root);
	json_object_put(ctx);
	ib_ipi_match_free(m);
}

/*
 * A real trace (tests/data/README.md): the contexts, worked out by reading
 * it line by line. First excerpt, CPUs idle: sched_ttwu_pending to 2 and 3
 * arrives before either CPU traced a context event (unknown, 2);
 * nohz_full_kick_func and a reschedule (NULL) to each arrive between
 * cpu_idle state=1 and its exit (idle, 2 each); do_sync_core twice to 2-3,
 * four arrivals in idle.
 * Second excerpt, oslat spinning: every arrival is user_exit then the
 * vector; do_sync_core to CPU 2 at 18.05, 18.39, 18.42, 18.54 and CPU 3 at
 * 18.05, 18.42 (user, 4 + 2); do_flush_tlb_all to CPU 2 at 18.27, 18.35,
 * 18.59 and CPU 3 at 18.27, 18.35, 18.42 (user, 3 + 3), CPU 3's at 18.59
 * not in the excerpt (unknown). Three CSDs got no IPI (their queues were
 * not empty): CPU 3's do_sync_core at 18.390 and 18.540 and CPU 2's
 * do_flush_tlb_all at 18.422.
 */
static void test_context_real_trace(void **state)
{
	FILE *f = fopen(TEST_DATA_DIR "/context-6.12-baseline-tcg.report.txt", "r");
	struct ib_ipi_match *m = new_matcher("2-3");
	struct ib_tcr_stats st;
	struct ib_ipi_totals t;

	(void)state;
	assert_non_null(f);
	assert_int_equal(ib_tcr_feed(f, m, &st, NULL, NULL), 0);
	fclose(f);
	ib_ipi_match_finish(m);
	t = totals(m);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.decoded, 108);		/* every line but "cpus=4" */
	assert_int_equal(CTX(m, "sched_ttwu_pending", -1, UNKNOWN), 2);
	assert_int_equal(CTX(m, "nohz_full_kick_func", -1, IDLE), 2);
	assert_int_equal(CTX(m, IB_IPI_NULL_CALLBACK, -1, IDLE), 2);
	assert_int_equal(CTX(m, "do_sync_core", -1, IDLE), 4);
	assert_int_equal(CTX(m, "do_sync_core", -1, UNKNOWN), 0);
	assert_int_equal(CTX(m, "do_sync_core", 2, USER), 4);
	assert_int_equal(CTX(m, "do_sync_core", 3, USER), 2);
	assert_int_equal(CTX(m, "do_sync_core", -1, KERNEL), 0);
	assert_int_equal(CTX(m, "do_flush_tlb_all", 2, USER), 3);
	assert_int_equal(CTX(m, "do_flush_tlb_all", 3, USER), 3);
	assert_int_equal(CTX(m, "do_flush_tlb_all", 3, UNKNOWN), 1);
	assert_int_equal(CTX(m, "do_flush_tlb_all", -1, KERNEL), 0);
	assert_int_equal(t.csd_without_ipi, 3);
	assert_int_equal(ib_ipi_match_untraced_entries(m, 2), 0);
	assert_int_equal(ib_ipi_match_untraced_entries(m, 3), 0);
	ib_ipi_match_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_csd_send_cpu),
		cmocka_unit_test(test_several_csd_one_cpumask),
		cmocka_unit_test(test_coalesced_without_ipi),
		cmocka_unit_test(test_ipi_without_csd),
		cmocka_unit_test(test_unmatched),
		cmocka_unit_test(test_callsite_fallback_and_nesting),
		cmocka_unit_test(test_received_ct_work_timeline_json),
		cmocka_unit_test(test_report_lines),
		cmocka_unit_test(test_report_file),
		cmocka_unit_test(test_report_window),
		cmocka_unit_test(test_report_cut_line),
		cmocka_unit_test(test_context_rules),
		cmocka_unit_test(test_context_window_json),
		cmocka_unit_test(test_context_real_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
