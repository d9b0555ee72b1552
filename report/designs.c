// SPDX-License-Identifier: GPL-2.0
/*
 * Campaigns with more than two kernels ("designs"): one baseline and any
 * number of variants. Every variant is compared with the baseline exactly as
 * a two-kernel campaign is (its own analysis, report and gates, written
 * into <outdir>/<variant>/ by report.c); this file writes what puts them
 * side by side: the top-level report with the headline table (one column per
 * kernel) and verdict.json with one verdict per variant.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonout.h"
#include "report.h"

/* Cells of one row, freed after the row is written. */
struct dcells {
	char *c[64];
	size_t n;
};

static const char *dcell(struct dcells *cs, char *s)
{
	if (cs->n < sizeof(cs->c) / sizeof(cs->c[0]))
		cs->c[cs->n++] = s;
	return s;
}

static void dcells_free(struct dcells *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->c[i]);
	cs->n = 0;
}

static char *numtxt(double v)
{
	char b[64];

	rp_fmt_num(b, sizeof(b), v);
	return rp_strdup(b);
}

size_t rp_campaign_kernel_names(const struct rp_campaign *c, const char **names, size_t max)
{
	struct json_object *ks = rp_jget(c->campaign, "kernels", json_type_array);
	size_t n = 0;

	for (size_t i = 0; ks && i < json_object_array_length(ks); i++) {
		const char *k = rp_jstr(json_object_array_get_idx(ks, i), "name", NULL);

		if (k && n < max)
			names[n++] = k;
	}
	return n;
}

static const struct rp_ipi_case *ipi_named(const struct rp_analysis *a, const char *name)
{
	for (size_t i = 0; i < a->nipi; i++)
		if (!strcmp(a->ipi[i].case_name, name))
			return &a->ipi[i];
	return NULL;
}

static const struct rp_bad_case *bad_named(const struct rp_analysis *a, const char *name)
{
	for (size_t i = 0; i < a->nbad; i++)
		if (!strcmp(a->bad[i].case_name, name))
			return &a->bad[i];
	return NULL;
}

/*
 * Deferrable IPIs into user space per isolated CPU-second in user space, side
 * @s of @ic: the mean over runs; NAN when not classified. *all gets the rate
 * over all contexts (per isolated CPU-second) as a fallback.
 */
static double user_rate(const struct rp_ipi_case *ic, int s, double *all)
{
	*all = ic && ic->nruns[s] ? ic->deferrable_rate[s] : NAN;
	if (!ic || ic->source != RP_SRC_TRACE || !ic->nuser[s])
		return NAN;
	return ic->user_ci[s].est;
}

static const char *rate_cell(struct dcells *cs, const struct rp_ipi_case *ic, int s)
{
	double all, u = user_rate(ic, s, &all);

	if (!ic || !ic->nruns[s])
		return "no usable run";
	if (ic->source != RP_SRC_TRACE)
		return "not recorded (no ipi.json)";
	if (isfinite(u))
		return dcell(cs, rp_printf("%s (%zu run%s)", dcell(cs, numtxt(u)), ic->nuser[s],
					   ic->nuser[s] == 1 ? "" : "s"));
	return dcell(cs, rp_printf("not classified; all contexts: %s per isolated CPU-second",
				   dcell(cs, numtxt(all))));
}

static const char *saved_cell(struct dcells *cs, const struct rp_ipi_case *b,
			      const struct rp_ipi_case *v)
{
	double ab, av, ub = user_rate(b, 0, &ab), uv = user_rate(v, 1, &av);

	if (!b || b->source != RP_SRC_TRACE)
		return "-";
	if (isfinite(ub) && isfinite(uv))
		return dcell(cs, numtxt(ub - uv));
	if (isfinite(ab) && isfinite(av))
		return dcell(cs, rp_printf("%s (all contexts, per isolated CPU-second)",
					   dcell(cs, numtxt(ab - av))));
	return "-";
}

/* The rate a cost is shown at: "max" when measured, else the highest target. */
static const struct rp_bad_rate *top_rate(const struct rp_bad_case *b)
{
	const struct rp_bad_rate *best = NULL;

	for (size_t k = 0; b && k < b->nrates; k++) {
		const struct rp_bad_rate *br = &b->rates[k];

		if (!br->n[0] && !br->n[1])
			continue;
		if (!best || !br->target || (best->target && br->target > best->target))
			best = br;
	}
	return best;
}

static const char *cost_cell(struct dcells *cs, const struct rp_bad_case *b, int s, bool tcg)
{
	const struct rp_bad_rate *br = top_rate(b);

	if (!b)
		return "-";
	if (tcg)
		return "emulated, not comparable";
	if (!br || !br->n[s])
		return "no usable run";
	return dcell(cs, rp_printf("%s ns (median of %zu runs)", dcell(cs, numtxt(br->ci[s].est)),
				   br->n[s]));
}

static const char *instr_cell(struct dcells *cs, const struct rp_analysis *a, bool hk, int s,
			      double base)
{
	double m, lo, hi;

	if (rp_instr_cost(a, "getpid", hk, s, &m, &lo, &hi))
		return "-";
	if (s == 0 || !isfinite(base))
		return dcell(cs, rp_printf("%.1f [%.1f, %.1f]", m, lo, hi));
	return dcell(cs, rp_printf("%.1f [%.1f, %.1f] (%+.1f)", m, lo, hi, m - base));
}

/*
 * Break-even in icount mode: one IPI costs the baseline's isolated vCPU C
 * instructions (the ipi kind), the variant adds D instructions to each
 * getpid entry there and saves S deferrable IPIs per isolated CPU-second
 * (all contexts, the case that saves most): below S x C / D entries per
 * second the variant executes fewer instructions than the baseline.
 */
static const char *instr_breakeven_cell(struct dcells *cs, const struct rp_analysis *a)
{
	double c, d, lo, hi, base, var, saved;
	const char *from = NULL;

	if (rp_instr_cost(a, "getpid", false, 0, &base, &lo, &hi) ||
	    rp_instr_cost(a, "getpid", false, 1, &var, &lo, &hi))
		return "-";
	d = var - base;
	if (!(d > 0))
		return dcell(cs, rp_printf("none: adds %.1f instructions per entry", d));
	if (rp_instr_cost(a, "ipi", false, 0, &c, &lo, &hi))
		return "not computed: no IPI cost (entry kind ipi)";
	saved = rp_ipi_saved_per_s(a, &from);
	if (!from || !(saved > 0))
		return "not computed: no IPIs saved in any case";
	return dcell(cs, rp_printf("%s entries/s per isolated CPU (%s saved x %.1f / %.1f; %s)",
				   dcell(cs, numtxt(saved * c / d)), dcell(cs, numtxt(saved)), c, d,
				   from));
}

static const char *breakeven_cell(struct dcells *cs, const struct rp_bad_case *b)
{
	if (!b)
		return "-";
	if (!b->be.computed)
		return dcell(cs, rp_printf("not computed: %s", b->be.why));
	if (isinf(b->be.rate))
		return dcell(cs, rp_strdup(b->be.where));
	return dcell(cs, rp_printf("%s entries/s per isolated CPU", dcell(cs, numtxt(b->be.rate))));
}

static const char *result_of(const struct rp_verdict *v)
{
	bool pass = true;

	for (size_t i = 0; i < v->n; i++)
		pass &= v->g[i].pass;
	return v->nerrors ? "error" : !v->any_gates ? "no gates" : pass ? "pass" : "fail";
}

static void designs_table(struct rp_doc *d, const struct rp_campaign *c, const char *base,
			  const struct rp_design *dv, size_t nv, const struct rp_options *o)
{
	const char *head[64], *row[64];
	size_t ncols = 2 + 1 + nv;
	struct dcells cs = { 0 };
	double ib, ilo, ihi;
	bool tcg = c->tcg;
	const struct rp_analysis *a0 = &dv[0].a;

	if (ncols > 64)
		ncols = 64, nv = 61;
	head[0] = "question";
	head[1] = "case";
	head[2] = base;
	for (size_t i = 0; i < nv; i++)
		head[3 + i] = dv[i].kernel;
	rp_doc_heading(d, 2, "designs", "The designs side by side");
	rp_doc_table(d, "Table 0: each kernel against the same load (mean over runs; the run is "
		     "the unit)", ncols, head);
	for (size_t k = 0; k < a0->nipi; k++) {
		const char *name = a0->ipi[k].case_name;
		bool traced = false;

		/* Cases without ipi.json on any kernel (entry cases in icount mode): no rows. */
		for (size_t i = 0; i < nv; i++) {
			const struct rp_ipi_case *ic = ipi_named(&dv[i].a, name);

			traced |= ic && ic->source == RP_SRC_TRACE;
		}
		if (!traced)
			continue;

		row[0] = "deferrable IPIs that interrupted user space, per isolated CPU-second in "
			 "user space";
		row[1] = name;
		row[2] = rate_cell(&cs, &a0->ipi[k], 0);
		for (size_t i = 0; i < nv; i++)
			row[3 + i] = rate_cell(&cs, ipi_named(&dv[i].a, name), 1);
		rp_doc_row(d, row);
		dcells_free(&cs);
		row[0] = "IPIs into user space saved, per isolated CPU-second in user space";
		row[2] = "-";
		for (size_t i = 0; i < nv; i++)
			row[3 + i] = saved_cell(&cs, ipi_named(&dv[i].a, name),
						ipi_named(&dv[i].a, name));
		rp_doc_row(d, row);
		dcells_free(&cs);
	}
	if (!rp_instr_cost(a0, "getpid", false, 0, &ib, &ilo, &ihi)) {
		for (int hk = 0; hk < 2; hk++) {
			double b0 = NAN;

			row[0] = hk ? "instructions per getpid entry on housekeeping vCPUs (icount; "
				      "[smallest, largest run] (change))" :
				 "instructions per getpid entry on isolated vCPUs (icount; [smallest, "
				 "largest run] (change))";
			row[1] = rp_instr_case_of(a0, "getpid", hk);
			rp_instr_cost(a0, "getpid", hk, 0, &b0, &ilo, &ihi);
			row[2] = instr_cell(&cs, a0, hk, 0, NAN);
			for (size_t i = 0; i < nv; i++)
				row[3 + i] = instr_cell(&cs, &dv[i].a, hk, 1, b0);
			rp_doc_row(d, row);
			dcells_free(&cs);
		}
		row[0] = "break-even entry rate (icount: below it the variant executes fewer "
			 "instructions on an isolated vCPU than the baseline)";
		row[2] = "-";
		for (size_t i = 0; i < nv; i++)
			row[3 + i] = instr_breakeven_cell(&cs, &dv[i].a);
		rp_doc_row(d, row);
		dcells_free(&cs);
	}
	for (size_t k = 0; k < a0->nbad; k++) {
		const char *name = a0->bad[k].case_name;

		if (rp_instr_has_case(a0, name))
			continue;	/* in instructions above */

		row[0] = dcell(&cs, rp_printf("cost per kernel entry on isolated CPUs (%s)",
					      a0->bad[k].kind ? a0->bad[k].kind : "?"));
		row[1] = name;
		row[2] = cost_cell(&cs, &a0->bad[k], 0, tcg);
		for (size_t i = 0; i < nv; i++)
			row[3 + i] = cost_cell(&cs, bad_named(&dv[i].a, name), 1, tcg);
		rp_doc_row(d, row);
		dcells_free(&cs);
		row[0] = "break-even entry rate (fewer entries per second: the variant gains)";
		row[2] = "-";
		for (size_t i = 0; i < nv; i++)
			row[3 + i] = breakeven_cell(&cs, bad_named(&dv[i].a, name));
		rp_doc_row(d, row);
		dcells_free(&cs);
	}
	rp_doc_table_end(d);
	rp_doc_para(d, "Each variant was compared with %s exactly as in a two-kernel campaign; "
		       "its own report (in its folder, e.g. %s/report.md) has the evidence, the "
		       "statistics and its gates. An IPI \"interrupted user space\" when the isolated "
		       "CPU was running user space as it arrived (ipi.json \"context\"); the divisor "
		       "is the time the isolated CPUs spent in user space inside the counting window "
		       "(guest time). Saved: the baseline's rate minus the variant's. The cost per "
		       "entry is the median over runs of each run's median%s.", base, dv[0].kernel,
		    tcg ? "; under TCG it is emulated time and is not shown" : ", in ns");
	(void)o;
}

int rp_designs_write(const struct rp_campaign *c, const char *base, const struct rp_design *dv,
		     size_t nv, const struct rp_options *o)
{
	struct json_object *root, *arr;
	struct rp_doc *d;
	char *title, *path;
	bool any_error = false, any_fail = false, any_gates = false;
	int rc;

	title = rp_printf("isolbench report: %s, %zu kernels against %s", c->name, nv, base);
	d = rp_doc_open(o->outdir, title);
	free(title);
	if (!d)
		return -1;
	if (c->tcg)
		rp_doc_warn(d, "The guests ran under TCG (emulation, no KVM): every latency and cost "
			       "in this report is emulated and says nothing about hardware. Only the "
			       "counts (IPIs, interrupts, deferrals) are meaningful.");
	rp_doc_para(d, "Campaign %s, baseline kernel %s, %zu variants, isolated CPUs %s.", c->dir,
		    base, nv, c->iso_str);
	designs_table(d, c, base, dv, nv, o);
	rp_doc_heading(d, 2, "variants", "Each variant against %s", base);
	for (size_t i = 0; i < nv; i++) {
		const struct rp_verdict *v = &dv[i].v;

		rp_doc_item(d, "%s: report %s/report.md; %zu runs, %zu did not end ok; gates: %s",
			    dv[i].kernel, dv[i].kernel, dv[i].a.runs_total, dv[i].a.runs_failed,
			    result_of(v));
	}
	rp_doc_list_end(d);
	rc = rp_doc_close(d);
	if (rc < 0)
		return rc;

	root = json_object_new_object();
	arr = json_object_new_array();
	json_object_object_add(root, "tool", json_object_new_string("isolbench-report"));
	json_object_object_add(root, "schema", json_object_new_int(2));
	json_object_object_add(root, "campaign", json_object_new_string(c->dir));
	json_object_object_add(root, "baseline", json_object_new_string(base));
	for (size_t i = 0; i < nv; i++) {
		struct json_object *e = json_object_new_object(), *vj;
		const char *r = result_of(&dv[i].v);
		char *vp = rp_printf("%s/verdict.json", dv[i].outdir);

		json_object_object_add(e, "kernel", json_object_new_string(dv[i].kernel));
		json_object_object_add(e, "result", json_object_new_string(r));
		/* The variant's own verdict.json, as written next to its report. */
		vj = json_object_from_file(vp);
		free(vp);
		json_object_object_add(e, "gates", vj ? json_object_get(
			rp_jget(vj, "gates", json_type_array)) : json_object_new_array());
		json_object_object_add(e, "errors", vj ? json_object_get(
			rp_jget(vj, "errors", json_type_array)) : json_object_new_array());
		json_object_put(vj);
		json_object_array_add(arr, e);
		any_error |= !strcmp(r, "error");
		any_fail |= !strcmp(r, "fail");
		any_gates |= dv[i].v.any_gates;
	}
	json_object_object_add(root, "variants", arr);
	json_object_object_add(root, "result", json_object_new_string(
		any_error ? "error" : !any_gates ? "no gates" : any_fail ? "fail" : "pass"));
	path = rp_printf("%s/verdict.json", o->outdir);
	rc = ib_json_write(root, path);
	free(path);
	json_object_put(root);
	return rc;
}
