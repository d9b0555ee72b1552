// SPDX-License-Identifier: GPL-2.0
/*
 * The gates of a campaign: limits in the campaign file's top-level "gates"
 * mapping, judged against the report's numbers and written to verdict.json.
 * Adding a gate is one entry in gate_table[]: its name, the comparison, the
 * help text and the function that measures it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "report.h"

enum gate_op { AT_MOST, AT_LEAST };

struct gate_def {
	const char *name;
	enum gate_op op;
	const char *help;
	/* The measured value (NAN: unknown, with *detail saying why). */
	double (*measure)(const struct rp_analysis *a, struct json_object *arg, char **detail);
	bool needs_rate;	/* the limit is {rate: R, max: M} */
};

static double m_failed_runs(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	(void)arg;
	*detail = rp_printf("%zu of %zu runs did not end ok", a->runs_failed, a->runs_total);
	return (double)a->runs_failed;
}

static double m_deferrable_patched(const struct rp_analysis *a, struct json_object *arg,
				   char **detail)
{
	double sum = 0;
	size_t n = 0;

	(void)arg;
	for (size_t i = 0; i < a->nipi; i++) {
		if (a->ipi[i].source != RP_SRC_TRACE || !a->ipi[i].nruns[1])
			continue;
		sum += a->ipi[i].deferrable[1];
		n++;
	}
	if (!n) {
		*detail = rp_strdup("not collected: no case has ipi.json for every patched run "
				    "(add the ipi collector to the cases)");
		return NAN;
	}
	*detail = rp_printf("do_sync_core + do_flush_tlb_all + do_kernel_range_flush IPIs to the "
			    "isolated CPUs, %zu case(s), all runs", n);
	return sum;
}

/*
 * Judged per case: the smallest reduction over the cases where the baseline
 * took deferrable IPIs. Pooling the cases would let a case without any
 * (or with a longer window) move the result.
 */
static double m_reduction(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	double worst = NAN;
	char *list = rp_strdup(""), *t;
	size_t skipped = 0;

	(void)arg;
	for (size_t i = 0; i < a->nipi; i++) {
		const struct rp_ipi_case *ic = &a->ipi[i];
		double red;

		if (ic->source != RP_SRC_TRACE || !ic->nruns[0] || !ic->nruns[1] ||
		    !(ic->cpu_s[0] > 0) || !(ic->cpu_s[1] > 0))
			continue;
		if (!(ic->deferrable_rate[0] > 0)) {
			skipped++;
			continue;
		}
		red = (1 - ic->deferrable_rate[1] / ic->deferrable_rate[0]) * 100;
		t = rp_printf("%s%s%s %.1f%%", list, list[0] ? ", " : "", ic->case_name, red);
		free(list);
		list = t;
		if (isnan(worst) || red < worst)
			worst = red;
	}
	if (isnan(worst))
		*detail = rp_printf("not evaluable: no case has ipi.json for both kernels with "
				    "deferrable IPIs on the baseline (%zu case(s) without any)", skipped);
	else
		*detail = rp_printf("smallest per case, per isolated CPU-second: %s%s", list,
				    skipped ? "; cases without deferrable IPIs on the baseline "
					      "are not judged" : "");
	free(list);
	return worst;
}

static bool rate_matches(struct json_object *rate, uint64_t target)
{
	if (json_object_is_type(rate, json_type_string))
		return !strcmp(json_object_get_string(rate), "max") && target == 0;
	if (json_object_is_type(rate, json_type_int))
		return (uint64_t)json_object_get_int64(rate) == target;
	return false;
}

static double m_entry_overhead(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	struct json_object *rate = NULL;
	double worst = NAN;
	const char *where = NULL;

	json_object_object_get_ex(arg, "rate", &rate);
	for (size_t i = 0; i < a->nbad; i++) {
		for (size_t k = 0; k < a->bad[i].nrates; k++) {
			const struct rp_bad_rate *br = &a->bad[i].rates[k];

			if (!rate_matches(rate, br->target) || !isfinite(br->pct.est))
				continue;
			if (isnan(worst) || br->pct.est > worst) {
				worst = br->pct.est;
				where = a->bad[i].case_name;
			}
		}
	}
	if (isnan(worst))
		*detail = rp_printf("not measured: no entry case has rate %s for both kernels",
				    json_object_get_string(rate));
	else
		*detail = rp_printf("median cost per entry, patched vs baseline, at %s/s (%s)",
				    json_object_get_string(rate), where);
	return worst;
}

static double oslat_worst(const struct rp_analysis *a, bool p99, char **detail)
{
	double worst = NAN;
	bool low = false;

	for (size_t i = 0; i < a->ngood; i++) {
		const struct rp_good_case *g = &a->good[i];

		if (g->tool != IB_LAT_OSLAT)
			continue;
		for (size_t c = 0; c < g->ncpus[1]; c++) {
			const struct rp_good_cpu *gc = &g->cpus[1][c];
			double v;

			if (!gc->ok || gc->cpu >= 0)
				continue;	/* the "all CPUs" row */
			v = (p99 ? gc->st.p99.value : gc->st.max) / 1000.0;
			if (isnan(worst) || v > worst) {
				worst = v;
				low = p99 ? gc->st.p99.in_overflow : gc->st.max_low;
			}
		}
	}
	if (isnan(worst))
		*detail = rp_strdup("not measured: no oslat run of the patched kernel");
	else
		*detail = rp_printf("worst over the patched kernel's oslat cases, all isolated CPUs%s",
				    low ? "; a lower bound (samples beyond the last bucket)" : "");
	return low ? -worst : worst;	/* negative: only a lower bound */
}

static double m_oslat_max(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	(void)arg;
	return oslat_worst(a, false, detail);
}

static double m_oslat_p99(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	(void)arg;
	return oslat_worst(a, true, detail);
}

static double m_untrusted(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	double n = 0, traced = 0;

	(void)arg;
	for (size_t i = 0; i < a->nipi; i++) {
		n += (double)(a->ipi[i].untrusted[0] + a->ipi[i].untrusted[1]);
		traced += (double)(a->ipi[i].ntraced[0] + a->ipi[i].ntraced[1]);
	}
	*detail = rp_printf("ipi.json files with \"trustworthy\": false, of %.0f", traced);
	return n;
}

/*
 * A comparison that cannot reach significance at its n cannot show a
 * regression either: the gate is not evaluable unless every comparison is.
 */
static double m_regressions(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	double n = 0;
	size_t weak = 0, minn = SIZE_MAX;

	(void)arg;
	for (size_t i = 0; i < a->ncmp; i++) {
		const struct rp_cmp *c = &a->cmp[i];

		n += c->verdict > 0;
		if (!c->evaluable) {
			weak++;
			minn = c->n[0] < minn ? c->n[0] : minn;
			minn = c->n[1] < minn ? c->n[1] : minn;
		}
	}
	if (!a->ncmp) {
		*detail = rp_strdup("not evaluable: nothing was compared");
		return NAN;
	}
	if (weak) {
		*detail = rp_printf("not evaluable at n = %zu runs: %zu of %zu comparisons (Table %d) "
				    "cannot reach significance after Holm's correction (%.0f "
				    "significantly worse among the others)", minn, weak, a->ncmp,
				    a->cmp_table_no, n);
		return NAN;
	}
	*detail = rp_printf("comparisons (Table %d) where the patched kernel is significantly worse "
			    "(Holm-adjusted p < alpha)", a->cmp_table_no);
	return n;
}

static double m_instr_delta(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	double delta, spread;

	(void)arg;
	if (rp_instr_delta(a, "getpid", false, &delta, &spread)) {
		*detail = rp_strdup("not measured: no getpid entry runs in icount mode for both "
				    "kernels (guest.accel icount, or the case's when_tcg: icount)");
		return NAN;
	}
	*detail = rp_printf("patched - baseline guest instructions per getpid entry on isolated "
			    "vCPUs, mean over repetitions (spread %.3f %%)", spread);
	return delta;
}

static double m_instr_spread(const struct rp_analysis *a, struct json_object *arg, char **detail)
{
	static const char *const kinds[] = { "getpid", "pagefault", "inkernel", "ipi" };
	double worst = NAN;
	const char *where = NULL;

	(void)arg;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int hk = 0; hk < 2; hk++) {
			double delta, spread;

			if (rp_instr_delta(a, kinds[k], hk, &delta, &spread))
				continue;
			if (isnan(worst) || spread > worst) {
				worst = spread;
				where = kinds[k];
			}
		}
	}
	if (isnan(worst))
		*detail = rp_strdup("not measured: no entry runs in icount mode for both kernels");
	else
		*detail = rp_printf("largest difference between repetitions of an icount entry "
				    "figure, %% of its mean (worst: %s)", where);
	return worst;
}

static const struct gate_def gate_table[] = {
	{ "failed_runs", AT_MOST, "runs whose status is not ok (timeout, panic, failed, ...)",
	  m_failed_runs, false },
	{ "deferrable_ipis_patched", AT_MOST,
	  "IPIs with a deferrable callback (do_sync_core, do_flush_tlb_all, do_kernel_range_flush) "
	  "that reached the isolated CPUs on the patched kernel, all runs (needs ipi.json)",
	  m_deferrable_patched, false },
	{ "deferrable_ipis_reduction_pct", AT_LEAST,
	  "reduction of those IPIs per isolated CPU-second, baseline -> patched, in %, the "
	  "smallest over the cases where the baseline had any (needs ipi.json)",
	  m_reduction, false },
	{ "entry_overhead_pct", AT_MOST,
	  "{rate: N|max, max: M}: median per-entry cost of the patched kernel over the baseline's, "
	  "in %, at entry rate N (worst entry case)", m_entry_overhead, true },
	{ "entry_instr_delta_max", AT_MOST,
	  "icount mode: guest instructions the patched kernel adds per getpid entry on isolated "
	  "vCPUs (mean over repetitions)", m_instr_delta, false },
	{ "entry_instr_spread_max_pct", AT_MOST,
	  "icount mode: largest spread between repetitions of an instructions-per-entry figure, %",
	  m_instr_spread, false },
	{ "oslat_max_us_patched", AT_MOST, "largest oslat latency on the patched kernel, us",
	  m_oslat_max, false },
	{ "oslat_p99_us_patched", AT_MOST,
	  "oslat p99 of the patched kernel (all isolated CPUs pooled), us, worst case",
	  m_oslat_p99, false },
	{ "untrusted_ipi_runs", AT_MOST, "ipi.json files that lost events (\"trustworthy\": false)",
	  m_untrusted, false },
	{ "significant_regressions", AT_MOST,
	  "comparisons where the patched kernel is worse, Holm-adjusted p < alpha (exact "
	  "Mann-Whitney U over runs); not evaluable when the runs are too few",
	  m_regressions, false },
};

#define NGATES (sizeof(gate_table) / sizeof(gate_table[0]))

void rp_gates_help(FILE *f)
{
	for (size_t i = 0; i < NGATES; i++)
		fprintf(f, "  %-30s %s %s\n", gate_table[i].name,
			gate_table[i].op == AT_MOST ? "value <= limit:" : "value >= limit:",
			gate_table[i].help);
}

const char *rp_gates_names(void)
{
	static char buf[512];

	if (!buf[0]) {
		for (size_t i = 0; i < NGATES; i++)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? ", " : "",
				 gate_table[i].name);
	}
	return buf;
}

static void add_error(struct rp_verdict *v, char *msg)
{
	v->errors = realloc(v->errors, (v->nerrors + 1) * sizeof(*v->errors));
	v->errors[v->nerrors++] = msg;
}

static bool number_of(struct json_object *o, double *out)
{
	if (json_object_is_type(o, json_type_int) || json_object_is_type(o, json_type_double)) {
		*out = json_object_get_double(o);
		return isfinite(*out);
	}
	return false;
}

/*
 * The limit: a number, or {max: N} / {min: N} as the gate's direction wants,
 * with an optional allow_not_evaluable: true.
 */
static bool limit_of(const struct gate_def *g, struct json_object *val, double *limit, char **why)
{
	struct json_object *m;
	const char *key = g->op == AT_MOST ? "max" : "min";

	if (json_object_is_type(val, json_type_object) &&
	    json_object_object_get_ex(val, "allow_not_evaluable", &m) &&
	    !json_object_is_type(m, json_type_boolean)) {
		*why = rp_printf("gate %s: allow_not_evaluable must be true or false", g->name);
		return false;
	}

	if (!g->needs_rate && number_of(val, limit))
		return true;
	if (!json_object_is_type(val, json_type_object) || !json_object_object_get_ex(val, key, &m) ||
	    !number_of(m, limit)) {
		*why = g->needs_rate ?
		       rp_printf("gate %s: expected {rate: N or max, max: M}", g->name) :
		       rp_printf("gate %s: expected a number or {%s: N}", g->name, key);
		return false;
	}
	if (g->needs_rate) {
		struct json_object *r;
		bool ok = json_object_object_get_ex(val, "rate", &r) &&
			  ((json_object_is_type(r, json_type_int) && json_object_get_int64(r) > 0) ||
			   (json_object_is_type(r, json_type_string) &&
			    !strcmp(json_object_get_string(r), "max")));

		if (!ok) {
			*why = rp_printf("gate %s: rate must be a positive integer or \"max\"", g->name);
			return false;
		}
	}
	return true;
}

static void judge_one(const struct rp_analysis *a, const struct gate_def *g, const char *name,
		      struct json_object *val, struct rp_verdict *v)
{
	struct rp_gate_result *r;
	char *why = NULL, *detail = NULL;
	double limit, value;
	bool lower_bound;

	if (!limit_of(g, val, &limit, &why)) {
		add_error(v, why);
		return;
	}
	value = g->measure(a, val, &detail);
	/* oslat measures return -x for "at least x". */
	lower_bound = value < 0 && (g->measure == m_oslat_max || g->measure == m_oslat_p99);
	if (lower_bound)
		value = -value;
	v->g = realloc(v->g, (v->n + 1) * sizeof(*v->g));
	r = &v->g[v->n++];
	r->name = rp_strdup(name);
	r->value = value;
	r->limit = limit;
	r->op = g->op == AT_MOST ? "<=" : ">=";
	r->evaluable = !isnan(value);
	r->allowed = false;
	if (isnan(value)) {
		struct json_object *al;

		/* Not evaluable: fails unless the campaign file allows it for this gate. */
		r->allowed = json_object_is_type(val, json_type_object) &&
			     json_object_object_get_ex(val, "allow_not_evaluable", &al) &&
			     json_object_get_boolean(al);
		r->pass = r->allowed;
	}
	else if (g->op == AT_MOST)
		r->pass = value <= limit && !lower_bound;
	else
		r->pass = value >= limit;
	if (!r->evaluable) {
		r->detail = rp_printf("%s; %s", detail, r->allowed ?
				      "accepted: the gate says allow_not_evaluable: true" :
				      "counted as failed (allow_not_evaluable: true on the gate accepts "
				      "this)");
		free(detail);
	} else if (lower_bound && value <= limit) {
		r->detail = rp_printf("%s; unknown whether within the limit, counted as failed", detail);
		free(detail);
	} else {
		r->detail = detail;
	}
}

void rp_gates_judge(const struct rp_analysis *a, struct json_object *gates, struct rp_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (!gates)
		return;
	if (!json_object_is_type(gates, json_type_object)) {
		add_error(v, rp_strdup("gates: must be a mapping of gate name -> limit"));
		return;
	}
	json_object_object_foreach(gates, name, val) {
		const struct gate_def *g = NULL;

		v->any_gates = true;
		for (size_t i = 0; i < NGATES; i++)
			if (!strcmp(gate_table[i].name, name))
				g = &gate_table[i];
		if (!g) {
			add_error(v, rp_printf("unknown gate '%s'; known gates: %s", name,
					       rp_gates_names()));
			continue;
		}
		judge_one(a, g, name, val, v);
	}
}

size_t rp_gates_check(struct json_object *gates, struct rp_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (!gates)
		return 0;
	if (!json_object_is_type(gates, json_type_object)) {
		add_error(v, rp_strdup("gates: must be a mapping of gate name -> limit"));
		return v->nerrors;
	}
	json_object_object_foreach(gates, name, val) {
		const struct gate_def *g = NULL;
		char *why = NULL;
		double limit;

		for (size_t i = 0; i < NGATES; i++)
			if (!strcmp(gate_table[i].name, name))
				g = &gate_table[i];
		if (!g)
			add_error(v, rp_printf("unknown gate '%s'; known gates: %s", name,
					       rp_gates_names()));
		else if (!val || !limit_of(g, val, &limit, &why))
			add_error(v, why ? why : rp_printf("gate %s: no limit given", name));
	}
	return v->nerrors;
}

static struct json_object *num_or_null(double v)
{
	return isfinite(v) ? ib_json_double(v) : NULL;
}

int rp_gates_write(const struct rp_analysis *a, const struct rp_verdict *v, const char *path)
{
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array(), *e;
	bool pass = true;
	int rc;

	json_object_object_add(root, "tool", json_object_new_string("isolbench-report"));
	json_object_object_add(root, "schema", json_object_new_int(1));
	json_object_object_add(root, "campaign", json_object_new_string(a->main->dir));
	json_object_object_add(root, "baseline_campaign",
			       a->base != a->main ? json_object_new_string(a->base->dir) : NULL);
	e = json_object_new_object();
	json_object_object_add(e, "baseline", json_object_new_string(a->side[0].kernel));
	json_object_object_add(e, "patched", json_object_new_string(a->side[1].kernel));
	json_object_object_add(root, "kernels", e);
	json_object_object_add(root, "runs", json_object_new_int64((int64_t)a->runs_total));
	json_object_object_add(root, "runs_failed", json_object_new_int64((int64_t)a->runs_failed));
	for (size_t i = 0; i < v->n; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "name", json_object_new_string(v->g[i].name));
		json_object_object_add(e, "value", num_or_null(v->g[i].value));
		json_object_object_add(e, "op", json_object_new_string(v->g[i].op));
		json_object_object_add(e, "limit", ib_json_double(v->g[i].limit));
		json_object_object_add(e, "pass", json_object_new_boolean(v->g[i].pass));
		json_object_object_add(e, "evaluable", json_object_new_boolean(v->g[i].evaluable));
		if (!v->g[i].evaluable)
			json_object_object_add(e, "allow_not_evaluable",
					       json_object_new_boolean(v->g[i].allowed));
		json_object_object_add(e, "detail", json_object_new_string(v->g[i].detail));
		json_object_array_add(arr, e);
		pass &= v->g[i].pass;
	}
	json_object_object_add(root, "gates", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < v->nerrors; i++)
		json_object_array_add(arr, json_object_new_string(v->errors[i]));
	json_object_object_add(root, "errors", arr);
	json_object_object_add(root, "result", json_object_new_string(
		v->nerrors ? "error" : !v->any_gates ? "no gates" : pass ? "pass" : "fail"));
	rc = ib_json_write(root, path);
	json_object_put(root);
	return rc;
}

void rp_verdict_free(struct rp_verdict *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->g[i].name);
		free(v->g[i].detail);
	}
	free(v->g);
	for (size_t i = 0; i < v->nerrors; i++)
		free(v->errors[i]);
	free(v->errors);
}
