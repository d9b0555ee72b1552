// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.json: the campaign's numbers for machines (CI trend tracking,
 * isolbench-compare), one flat row per run and metric with its unit.
 * Written from the loaded campaign (report/campaign.c) by isolbench-report;
 * docs/results.md holds the schema. Only what a run itself measured is
 * here: the comparisons and statistics stay in report.md.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "jsonout.h"
#include "latency.h"
#include "procirq.h"
#include "report.h"

struct rows {
	struct json_object *arr;
	const struct rp_run *r;
	bool oom;
};

/* One row; @cpu < 0 and @rate == UINT64_MAX leave those keys out. */
static void row(struct rows *rs, const char *metric, int cpu, uint64_t rate, double value,
		const char *unit, bool lower_bound)
{
	const struct rp_run *r = rs->r;
	struct json_object *o = json_object_new_object();

	if (!o || !isfinite(value)) {
		rs->oom |= !o;
		json_object_put(o);
		return;
	}
	json_object_object_add(o, "run", json_object_new_string(r->slug));
	json_object_object_add(o, "kernel", json_object_new_string(r->kernel));
	json_object_object_add(o, "case", json_object_new_string(r->case_name));
	json_object_object_add(o, "case_kind", json_object_new_string(r->case_kind));
	json_object_object_add(o, "repetition", json_object_new_int(r->rep));
	json_object_object_add(o, "status", json_object_new_string(r->status));
	json_object_object_add(o, "used", json_object_new_boolean(r->used));
	json_object_object_add(o, "metric", json_object_new_string(metric));
	if (cpu >= 0)
		json_object_object_add(o, "cpu", json_object_new_int(cpu));
	if (rate != UINT64_MAX)
		json_object_object_add(o, "rate", json_object_new_int64((int64_t)rate));
	json_object_object_add(o, "value", ib_json_double(value));
	json_object_object_add(o, "unit", json_object_new_string(unit));
	if (lower_bound)
		json_object_object_add(o, "lower_bound", json_object_new_boolean(1));
	if (json_object_array_add(rs->arr, o) < 0) {
		rs->oom = true;
		json_object_put(o);
	}
}

/* p50, p99 and max of each series of an oslat or cyclictest file, in ns. */
static void latency_rows(struct rows *rs, const struct ib_lat_file *lf, const char *tool)
{
	char name[64];

	for (size_t i = 0; lf && i < lf->n; i++) {
		const struct ib_lat_series *se = &lf->series[i];
		struct ib_hist_stats st;
		struct ib_hist *h;
		uint64_t res;

		if (se->cpu < 0 || !ib_cpuset_test(&rs->r->iso, (unsigned int)se->cpu))
			continue;
		errno = 0;
		h = ib_lat_true_hist(lf, se, &res);
		if (!h) {
			rs->oom |= errno == ENOMEM;
			continue;
		}
		if (h->samples && ib_hist_stats(h, &st) == 0 && ib_hist_stats_to_ns(h, &st) == 0) {
			snprintf(name, sizeof(name), "%s.p50", tool);
			row(rs, name, se->cpu, UINT64_MAX, st.p50.value, "ns", st.p50.in_overflow);
			snprintf(name, sizeof(name), "%s.p99", tool);
			row(rs, name, se->cpu, UINT64_MAX, st.p99.value, "ns", st.p99.in_overflow);
			snprintf(name, sizeof(name), "%s.max", tool);
			row(rs, name, se->cpu, UINT64_MAX, st.max, "ns", st.max_low);
			snprintf(name, sizeof(name), "%s.samples", tool);
			row(rs, name, se->cpu, UINT64_MAX, (double)st.samples, "samples", false);
		}
		ib_hist_free(h);
	}
}

/* Per-entry cost (median, ns) and achieved rate of each CPU and rate. */
static void entry_rows(struct rows *rs, const struct ib_lat_file *lf)
{
	for (size_t i = 0; lf && i < lf->n; i++) {
		const struct ib_lat_series *se = &lf->series[i];
		struct ib_hist_stats st;

		if (se->cpu < 0)
			continue;
		if (se->hist && se->hist->samples && ib_hist_stats(se->hist, &st) == 0 &&
		    ib_hist_stats_to_ns(se->hist, &st) == 0)
			row(rs, "entry.cost.p50", se->cpu, se->target_rate, st.p50.value, "ns",
			    st.p50.in_overflow);
		row(rs, "entry.achieved_rate", se->cpu, se->target_rate, se->achieved_rate,
		    "entries/s", false);
	}
}

static void run_rows(struct rows *rs)
{
	const struct rp_run *r = rs->r;
	int cpu;

	row(rs, "run.wall", -1, UINT64_MAX, r->wall_s, "s", false);
	if (r->window_s > 0)
		row(rs, "run.window", -1, UINT64_MAX, r->window_s, "s", false);
	latency_rows(rs, r->oslat, "oslat");
	latency_rows(rs, r->cyclic, "cyclictest");
	entry_rows(rs, r->entry);
	/* Interrupts each isolated CPU took during the run (/proc/interrupts). */
	ib_cpuset_for_each(cpu, &r->iso) {
		uint64_t d;

		if (r->irq && ib_irqstat_cpu_delta(r->irq, IB_IRQ_CAL, cpu, &d) == 0)
			row(rs, "irq.CAL", cpu, UINT64_MAX, (double)d, "interrupts", false);
		if (r->irq && ib_irqstat_cpu_delta(r->irq, IB_IRQ_TLB, cpu, &d) == 0)
			row(rs, "irq.TLB", cpu, UINT64_MAX, (double)d, "interrupts", false);
	}
	if (r->ipi) {
		row(rs, "ipi.total", -1, UINT64_MAX, rp_jnum(r->ipi, "ipis_total", NAN), "IPIs", false);
		row(rs, "ipi.lost_events", -1, UINT64_MAX, rp_jnum(r->ipi, "lost_events", NAN),
		    "events", false);
	}
}

int rp_metrics_write(const struct rp_campaign *c, const char *path)
{
	struct json_object *top = json_object_new_object();
	struct rows rs = { .arr = json_object_new_array() };
	int rc;

	if (!top || !rs.arr) {
		json_object_put(top);
		json_object_put(rs.arr);
		errno = ENOMEM;
		return -1;
	}
	json_object_object_add(top, "tool", json_object_new_string("isolbench-report"));
	json_object_object_add(top, "schema", json_object_new_int(1));
	json_object_object_add(top, "campaign", json_object_new_string(c->name));
	for (size_t i = 0; i < c->nruns && !rs.oom; i++) {
		rs.r = &c->runs[i];
		run_rows(&rs);
	}
	json_object_object_add(top, "metrics", rs.arr);
	if (rs.oom) {
		json_object_put(top);
		errno = ENOMEM;
		return -1;
	}
	rc = ib_json_write(top, path);
	json_object_put(top);
	return rc;
}
