// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic mode's figures: runs whose guest clock was QEMU's
 * instruction counter (run.json "guest_clock": "icount", entry.json
 * "guest_clock": "icount"), where one TSC tick is one guest instruction.
 * Per entry case, kind and class of vCPU (isolated, housekeeping): the
 * instructions per kernel entry of each run, their mean and spread across
 * repetitions, the patched kernel's delta; the instructions one
 * call-function IPI costs an isolated CPU (entry kind "ipi"); and the
 * break-even entry rate computed from those two counts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "instr.h"

static const char *const cls_name[CLS_N] = { "isolated", "housekeeping" };

static void note(struct rp_instr *in, char *msg)
{
	char **n = realloc(in->notes, (in->nnotes + 1) * sizeof(*n));

	if (!n) {
		free(msg);
		return;
	}
	in->notes = n;
	in->notes[in->nnotes++] = msg;
}

static struct instr_row *row_for(struct rp_instr *in, const char *case_name, const char *kind,
				 int cls)
{
	struct instr_row *rows;

	for (size_t i = 0; i < in->nrows; i++)
		if (!strcmp(in->rows[i].case_name, case_name) && in->rows[i].cls == cls)
			return &in->rows[i];
	rows = realloc(in->rows, (in->nrows + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	in->rows = rows;
	memset(&rows[in->nrows], 0, sizeof(rows[0]));
	rows[in->nrows].case_name = rp_strdup(case_name);
	rows[in->nrows].kind = rp_strdup(kind);
	rows[in->nrows].cls = cls;
	return &rows[in->nrows++];
}

static int row_add(struct instr_row *row, int side, double v)
{
	double *nv = realloc(row->v[side], (row->n[side] + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	row->v[side] = nv;
	nv[row->n[side]++] = v;
	return 0;
}

/*
 * One run's out/entry.json: per class, the mean over CPUs and passes of
 * "instructions_median" (or, for the ipi kind, "instructions_per_ipi").
 */
static int read_run(struct rp_instr *in, const struct rp_run *r, int side)
{
	struct json_object *root, *results;
	const char *kind, *key;
	double sum[CLS_N] = { 0, 0 }, lo[CLS_N], hi[CLS_N];
	size_t n[CLS_N] = { 0, 0 };
	char path[4096];
	int ret = 0;

	snprintf(path, sizeof(path), "%s/out/entry.json", r->dir);
	root = json_object_from_file(path);
	if (!root) {
		note(in, rp_printf("%s: not readable", path));
		return 0;
	}
	if (strcmp(rp_jstr(root, "guest_clock", "host"), "icount")) {
		json_object_put(root);
		return 0;
	}
	kind = rp_jstr(root, "kind", "?");
	key = !strcmp(kind, "ipi") ? "instructions_per_ipi" : "instructions_median";
	results = rp_jget(root, "results", json_type_array);
	for (int c = 0; c < CLS_N; c++) {
		lo[c] = INFINITY;
		hi[c] = -INFINITY;
	}
	for (size_t i = 0; results && i < json_object_array_length(results); i++) {
		struct json_object *res = json_object_array_get_idx(results, i);
		double v = rp_jnum(res, key, NAN);
		int cpu = (int)rp_jnum(res, "cpu", -1);
		int c;

		if (!isfinite(v) || cpu < 0)
			continue;
		c = ib_cpuset_test(&r->iso, cpu) ? CLS_ISO : CLS_HK;
		sum[c] += v;
		n[c]++;
		if (v < lo[c])
			lo[c] = v;
		if (v > hi[c])
			hi[c] = v;
	}
	in->runs++;
	for (int c = 0; c < CLS_N; c++) {
		struct instr_row *row;
		double spread;

		if (!n[c])
			continue;
		row = row_for(in, r->case_name, kind, c);
		if (!row || row_add(row, side, sum[c] / n[c])) {
			ret = -1;
			break;
		}
		/* Passes and CPUs of one boot: the same count, or the mode is not exact. */
		spread = sum[c] > 0 ? (hi[c] - lo[c]) / (sum[c] / n[c]) * 100 : 0;
		if (spread > row->pass_spread[side])
			row->pass_spread[side] = spread;
	}
	json_object_put(root);
	return ret;
}

int rp_instr_analyse(struct rp_analysis *a)
{
	const struct rp_campaign *camps[2] = { a->main, a->base != a->main ? a->base : NULL };
	struct rp_instr *in = calloc(1, sizeof(*in));

	if (!in)
		return -1;
	a->instr = in;
	for (int ci = 0; ci < 2; ci++) {
		const struct rp_campaign *c = camps[ci];

		for (size_t i = 0; c && i < c->nruns; i++) {
			const struct rp_run *r = &c->runs[i];

			if (!r->ok || strcmp(r->case_kind, "entry"))
				continue;
			for (int s = 0; s < 2; s++) {
				if (!rp_run_on_side(r, &a->side[s]))
					continue;
				if (read_run(in, r, s)) {
					errno = ENOMEM;
					return -1;
				}
				/* Both sides name one kernel: count the run once. */
				break;
			}
		}
	}
	return 0;
}

void rp_instr_free(struct rp_analysis *a)
{
	struct rp_instr *in = a->instr;

	if (!in)
		return;
	for (size_t i = 0; i < in->nrows; i++) {
		free(in->rows[i].case_name);
		free(in->rows[i].kind);
		free(in->rows[i].v[0]);
		free(in->rows[i].v[1]);
	}
	for (size_t i = 0; i < in->nnotes; i++)
		free(in->notes[i]);
	free(in->notes);
	free(in->rows);
	free(in);
	a->instr = NULL;
}


static void fmt(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "-");
}

static void fmt_side(char *buf, size_t len, const struct instr_row *row, int s)
{
	double m, lo, hi;

	rp_instr_summarise(row->v[s], row->n[s], &m, &lo, &hi);
	if (!row->n[s])
		snprintf(buf, len, "-");
	else if (row->n[s] == 1)
		snprintf(buf, len, "%.1f (1 run)", m);
	else
		snprintf(buf, len, "%.1f [%.1f, %.1f] (%zu runs, spread %.3f %%)", m, lo, hi,
			 row->n[s], m > 0 ? (hi - lo) / m * 100 : 0);
}

void rp_instr_section(struct rp_doc *d, const struct rp_analysis *a)
{
	static const char *const head[] = { "case", "kind", "vCPUs", "baseline", "patched",
					     "delta", "delta range" };
	const struct rp_instr *in = a->instr;
	const struct instr_row *ipi, *entry;
	double cost[2] = { NAN, NAN }, lo, hi, delta, spread, saved;
	const char *from;

	if (!in || !in->nrows)
		return;
	rp_doc_heading(d, 2, "instructions", "Bad case in guest instructions (icount mode)");
	rp_doc_para(d, "These runs ran under QEMU's TCG, single-threaded, with `-icount "
		       "shift=0,sleep=off`: the guest's clock advances 2^0 ns per guest instruction "
		       "and its TSC one tick per ns, so a TSC difference is the number of guest "
		       "instructions executed in between, exactly and whatever the host's load. "
		       "Each figure counts instructions, not cycles: an atomic, a serialising "
		       "instruction (CR3 write, IRET, CPUID) or a cache miss counts as one "
		       "instruction like any other, so a change that adds few but expensive "
		       "instructions looks cheap here; KVM on real hardware is needed for cycles. "
		       "One vCPU runs at a time and the clock is shared, so a timed entry that "
		       "spans the switch to another vCPU also counts that vCPU's instructions: "
		       "the per-entry figure of a run is therefore the median of its entries "
		       "(histogram buckets of one instruction), i.e. the instructions of the "
		       "common path, averaged over the run's vCPUs of that class and its "
		       "passes. Baseline and patched columns give the mean over repetitions, "
		       "[smallest, largest] and their spread (largest - smallest, in %% of the "
		       "mean).");
	rp_doc_table(d, "Instructions per kernel entry, per repetition", 7, head);
	for (size_t i = 0; i < in->nrows; i++) {
		const struct instr_row *row = &in->rows[i];
		char b[128], p[128], dl[32], dr[64];
		double m[2], l[2], h[2];
		const char *cells[7];

		if (!strcmp(row->kind, "ipi"))
			continue;
		fmt_side(b, sizeof(b), row, 0);
		fmt_side(p, sizeof(p), row, 1);
		rp_instr_summarise(row->v[0], row->n[0], &m[0], &l[0], &h[0]);
		rp_instr_summarise(row->v[1], row->n[1], &m[1], &l[1], &h[1]);
		fmt(dl, sizeof(dl), m[1] - m[0]);
		if (isfinite(m[1] - m[0]))
			snprintf(dr, sizeof(dr), "[%.1f, %.1f]", l[1] - h[0], h[1] - l[0]);
		else
			snprintf(dr, sizeof(dr), "-");
		cells[0] = row->case_name;
		cells[1] = row->kind;
		cells[2] = cls_name[row->cls];
		cells[3] = b;
		cells[4] = p;
		cells[5] = dl;
		cells[6] = dr;
		rp_doc_row(d, cells);
	}
	rp_doc_table_end(d);
	for (size_t i = 0; i < in->nrows; i++)
		for (int s = 0; s < 2; s++)
			if (in->rows[i].pass_spread[s] > 0.5)
				rp_doc_warn(d, "%s, %s vCPUs, %s: the passes and vCPUs of one boot "
					       "differ by up to %.2f %%: the median is not one exact "
					       "path there.", in->rows[i].case_name,
					    cls_name[in->rows[i].cls], rp_side_name(a, s),
					    in->rows[i].pass_spread[s]);

	ipi = rp_instr_find_row(a, "ipi", CLS_ISO);
	if (ipi) {
		char b[128], p[128];

		fmt_side(b, sizeof(b), ipi, 0);
		fmt_side(p, sizeof(p), ipi, 1);
		rp_instr_summarise(ipi->v[0], ipi->n[0], &cost[0], &lo, &hi);
		rp_instr_summarise(ipi->v[1], ipi->n[1], &cost[1], &lo, &hi);
		rp_doc_para(d, "Cost of one call-function IPI to an isolated vCPU (case %s), in "
			       "instructions: baseline %s, patched %s. Every measured vCPU spins in "
			       "user space reading the TSC while a housekeeping vCPU sends "
			       "membarrier(GLOBAL_EXPEDITED) IPIs; the receiver takes an IPI when "
			       "its turn starts, so its own share of the gap is its first read "
			       "after the gap minus the last read of the vCPU that ran just before "
			       "it. The figure is the median of that share over gaps with an IPI "
			       "minus its median over gaps without one: the instructions from the "
			       "interrupt to the return to user space, for a callback that is a "
			       "single memory barrier (the deferred callbacks, sync_core and kernel "
			       "TLB flushes, add their own few instructions).",
			    ipi->case_name, b, p);
	} else {
		rp_doc_para(d, "No IPI cost was measured: add an entry case with `entry: {kind: "
			       "ipi}` to the campaign (configs/deterministic.yml has one).");
	}

	entry = rp_instr_find_row(a, "getpid", CLS_ISO);
	if (!entry || rp_instr_delta(a, "getpid", false, &delta, &spread)) {
		rp_doc_para(d, "Break-even: needs getpid entries in icount mode on both kernels.");
	} else if (!isfinite(cost[0])) {
		rp_doc_para(d, "Break-even: needs the IPI cost on the baseline (the ipi kind).");
	} else if (!(delta > 0)) {
		rp_doc_para(d, "Break-even: the patched kernel adds no instructions per getpid entry "
			       "on isolated vCPUs (delta %.1f): the deferral costs nothing per entry "
			       "here, at any entry rate.", delta);
	} else {
		double per_ipi = cost[0] / delta;

		saved = rp_ipi_saved_per_s(a, &from);
		rp_doc_para(d, "Break-even: one IPI costs the baseline %.1f instructions and the "
			       "patched kernel adds %.1f instructions to every getpid entry on an "
			       "isolated vCPU, so the deferral pays for itself while an isolated "
			       "CPU enters the kernel fewer than %.1f / %.1f = %.1f times per IPI "
			       "it saves.", cost[0], delta, cost[0], delta, per_ipi);
		if (isfinite(saved) && saved > 0)
			rp_doc_para(d, "In case %s the series saved %.3g deferrable IPIs per isolated "
				       "CPU and second of guest time, so the break-even entry rate is "
				       "%.1f x %.3g / %.1f = %.4g entries per second (per isolated CPU, "
				       "guest time): below it the patched kernel executes fewer "
				       "instructions on the isolated CPU than the baseline.",
				    from, saved, cost[0], saved, delta, per_ipi * saved);
		else
			rp_doc_para(d, "No case of this campaign measured how many IPIs the series "
				       "saves per second (a case with the ipi collector and deferrable "
				       "IPIs on the baseline): multiply %.1f by that rate to get the "
				       "break-even entry rate.", per_ipi);
	}
	for (size_t i = 0; i < in->nnotes; i++)
		rp_doc_warn(d, "%s", in->notes[i]);
}
