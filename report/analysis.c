// SPDX-License-Identifier: GPL-2.0
/*
 * The numbers of isolbench-report, computed once from the loaded campaigns:
 * IPI counts per callback, oslat statistics, the entry-cost curve, the
 * run-by-run comparisons and the break-even rate. Nothing here writes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const deferrable_callbacks[] = {
	"do_sync_core", "do_flush_tlb_all", "do_kernel_range_flush", NULL,
};

bool rp_deferrable(const char *callback)
{
	size_t len = strcspn(callback, "+");

	for (int i = 0; deferrable_callbacks[i]; i++)
		if (strlen(deferrable_callbacks[i]) == len &&
		    !strncmp(callback, deferrable_callbacks[i], len))
			return true;
	return false;
}

bool rp_run_on_side(const struct rp_run *r, const struct rp_side *s)
{
	return r->camp == s->camp && !strcmp(r->kernel, s->kernel);
}

static void push(double **arr, size_t *n, double v)
{
	*arr = realloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = v;
}

/* Every run of side @s, across the campaign(s): a flat iteration helper. */
#define for_each_side_run(a, s, r)						\
	for (size_t _i = 0; _i < (a)->side[s].camp->nruns; _i++)		\
		if (((r) = &(a)->side[s].camp->runs[_i]),			\
		    rp_run_on_side((r), &(a)->side[s]))

/*
 * Seconds a run's counts cover (guest time): the counting window of ipi.json
 * schema 2 ("window".duration_s, the workload's steady state), else the
 * collector's own duration_s, else the run's measurement window, else the
 * campaign's duration.
 */
static double run_seconds(const struct rp_run *r, struct json_object *ipi)
{
	double s = rp_jnum(rp_jget(ipi, "window", json_type_object), "duration_s", 0);

	if (!(s > 0))
		s = rp_jnum(ipi, "duration_s", 0);
	if (!(s > 0))
		s = r->window_s;
	if (!(s > 0))
		s = r->camp->duration_s;
	return s > 0 ? s : NAN;
}

/* --- IPIs ------------------------------------------------------------ */

static struct rp_ipi_row *ipi_row(struct rp_ipi_case *ic, const char *name)
{
	size_t len = strcspn(name, "+");
	struct rp_ipi_row *row;

	for (size_t i = 0; i < ic->nrows; i++)
		if (strlen(ic->rows[i].name) == len && !strncmp(ic->rows[i].name, name, len))
			return &ic->rows[i];
	ic->rows = realloc(ic->rows, (ic->nrows + 1) * sizeof(*ic->rows));
	row = &ic->rows[ic->nrows++];
	memset(row, 0, sizeof(*row));
	row->name = strndup(name, len);
	row->deferrable = rp_deferrable(name);
	return row;
}

static struct rp_ct_row *ct_row(struct rp_ipi_case *ic, const char *type)
{
	for (size_t i = 0; i < ic->nct; i++)
		if (!strcmp(ic->ct[i].type, type))
			return &ic->ct[i];
	ic->ct = realloc(ic->ct, (ic->nct + 1) * sizeof(*ic->ct));
	memset(&ic->ct[ic->nct], 0, sizeof(*ic->ct));
	ic->ct[ic->nct].type = rp_strdup(type);
	return &ic->ct[ic->nct++];
}

/* A {"cpu": count} object summed over @iso (every CPU when @iso is NULL). */
static double per_cpu_sum(struct json_object *o, const struct ib_cpuset *iso)
{
	double sum = 0;

	if (!o || !json_object_is_type(o, json_type_object))
		return 0;
	json_object_object_foreach(o, key, val) {
		char *end;
		long cpu = strtol(key, &end, 10);

		if (*end || cpu < 0 || cpu >= IB_MAX_CPUS)
			continue;
		if (iso && !ib_cpuset_test(iso, (unsigned int)cpu))
			continue;
		if (json_object_is_type(val, json_type_int) || json_object_is_type(val, json_type_double))
			sum += json_object_get_double(val);
	}
	return sum;
}

static double per_cpu_get(struct json_object *o, int cpu)
{
	char key[16];

	snprintf(key, sizeof(key), "%d", cpu);
	return rp_jnum(o, key, 0);
}

static double irq_sum(const struct rp_run *r, enum ib_irq_kind kind)
{
	const struct ib_irq_delta_row *row = r->irq ? ib_irq_diff_kind(r->irq, kind) : NULL;
	uint64_t sum;

	if (!row || ib_irq_diff_row_sum(r->irq, row, &r->iso, &sum) < 0)
		return NAN;
	return (double)sum;
}

static double irq_cpu(const struct rp_run *r, enum ib_irq_kind kind, int cpu)
{
	uint64_t d;

	if (!r->irq || ib_irqstat_cpu_delta(r->irq, kind, (unsigned int)cpu, &d) < 0)
		return NAN;
	return (double)d;
}

static void add_or_nan(double *acc, double v)
{
	if (isnan(*acc))
		*acc = v;
	else if (!isnan(v))
		*acc += v;
}

static const char *const ctx_names[RP_CTX_N] = { "user", "kernel", "idle", "unknown" };

/* A {"cpu": {"user": N, ...}} object summed over @iso, one sum per context. */
static void per_cpu_ctx_sum(struct json_object *o, const struct ib_cpuset *iso, double *sum)
{
	json_object_object_foreach(o, key, val) {
		char *end;
		long cpu = strtol(key, &end, 10);

		if (*end || cpu < 0 || cpu >= IB_MAX_CPUS || !ib_cpuset_test(iso, (unsigned int)cpu))
			continue;
		for (int k = 0; k < RP_CTX_N; k++)
			sum[k] += rp_jnum(val, ctx_names[k], 0);
	}
}

static void set_unclassified(struct rp_ipi_case *ic, int s, const char *why)
{
	if (!ic->unclassified_why[s])
		ic->unclassified_why[s] = rp_strdup(why);
}

/*
 * ipi.json schema 2 "context": what each isolated CPU was doing when an IPI
 * arrived. Per run: the deferrable IPIs that interrupted user space over
 * the isolated CPU-seconds spent in user space inside the window.
 */
static void ipi_context(struct rp_ipi_case *ic, int s, const struct rp_run *r)
{
	struct json_object *ctx = rp_jget(r->ipi, "context", json_type_object);
	struct json_object *cl = rp_jget(ctx, "classified", json_type_boolean);
	struct json_object *pc = rp_jget(r->ipi, "per_callback", json_type_array);
	double t[RP_CTX_N] = { 0 }, user = 0;

	if (!ctx) {
		set_unclassified(ic, s,
				 "not recorded (ipi.json has no \"context\": an older collector)");
		return;
	}
	if (!cl || !json_object_get_boolean(cl)) {
		char *why = rp_printf("not classified: %s",
				      rp_jstr(ctx, "reason", "the collector gave no reason"));

		set_unclassified(ic, s, why);
		free(why);
		return;
	}
	per_cpu_ctx_sum(rp_jget(ctx, "time_s", json_type_object), &r->iso, t);
	for (size_t i = 0; pc && i < json_object_array_length(pc); i++) {
		struct json_object *e = json_object_array_get_idx(pc, i);
		struct json_object *pcc = rp_jget(e, "per_cpu_context", json_type_object);
		const char *name = rp_jstr(e, "callback", NULL);
		double c[RP_CTX_N] = { 0 };
		struct rp_ipi_row *row;

		if (!name)
			continue;
		if (pcc) {
			per_cpu_ctx_sum(pcc, &r->iso, c);
		} else {
			struct json_object *pcx = rp_jget(e, "per_context", json_type_object);

			for (int k = 0; k < RP_CTX_N; k++)
				c[k] = rp_jnum(pcx, ctx_names[k], 0);
		}
		row = ipi_row(ic, name);
		row->has_ctx[s] = true;
		for (int k = 0; k < RP_CTX_N; k++)
			row->ctx[s][k] += c[k];
		if (row->deferrable)
			user += c[RP_CTX_USER];
	}
	ic->nclassified[s]++;
	for (int k = 0; k < RP_CTX_N; k++)
		ic->ctx_time[s][k] += t[k];
	if (t[RP_CTX_USER] > 0)
		push(&ic->user_rate[s], &ic->nuser[s], user / t[RP_CTX_USER]);
	else
		set_unclassified(ic, s, "a run spent no time in user space on the isolated CPUs");
}

/* How the run's window was chosen ("steady-state" or "collector"), or "not recorded". */
static void ipi_window_how(struct rp_ipi_case *ic, int s, const struct rp_run *r)
{
	const char *how = !r->ipi ? "run's measurement (job-record.json)" :
			  rp_jstr(rp_jget(r->ipi, "window", json_type_object), "how", "not recorded");

	if (!ic->window_how[s]) {
		ic->window_how[s] = rp_strdup(how);
	} else if (strcmp(ic->window_how[s], how)) {
		free(ic->window_how[s]);
		ic->window_how[s] = rp_strdup("mixed");
	}
}

/*
 * The provokers' operations in a run, summed over its storm-*.json:
 * operations_in_window when every provoker knew the window, else
 * operations (older files: ops), and operations_target when given.
 */
static void ipi_operations(struct rp_ipi_case *ic, int s, const struct rp_run *r)
{
	double ops = 0, all = 0, ach = 0, tgt = 0;
	bool in_window = true, have_tgt = true;

	if (!r->nstorms)
		return;
	for (size_t i = 0; i < r->nstorms; i++) {
		struct json_object *o = r->storms[i];
		double w = rp_jnum(o, "operations_in_window", NAN);
		double n = rp_jnum(o, "operations", rp_jnum(o, "ops", NAN));

		if (isnan(w))
			in_window = false;
		ops += isnan(w) ? 0 : w;
		all += isnan(n) ? 0 : n;
		ach += rp_jnum(o, "achieved_rate", 0);
		tgt += rp_jnum(o, "operations_target", NAN);
		have_tgt &= !isnan(rp_jnum(o, "operations_target", NAN));
	}
	if (!ic->nops[s])
		ic->ops_in_window[s] = in_window;
	else
		ic->ops_in_window[s] &= in_window;
	push(&ic->ops_run[s], &ic->nops[s], in_window ? ops : all);
	ic->nops[s]--;
	push(&ic->ach_run[s], &ic->nops[s], ach);
	ic->ops_total[s] += in_window ? ops : all;
	if (have_tgt)
		push(&ic->tgt_run[s], &ic->ntarget[s], tgt);
}

static void ipi_from_trace(struct rp_ipi_case *ic, int s, const struct rp_run *r)
{
	struct json_object *pc = rp_jget(r->ipi, "per_callback", json_type_array);
	struct json_object *recv = rp_jget(r->ipi, "received", json_type_object);
	struct json_object *ct = rp_jget(r->ipi, "ct_work", json_type_object);
	double sec = run_seconds(r, r->ipi), v, d = 0;
	int cpu;

	for (size_t i = 0; pc && i < json_object_array_length(pc); i++) {
		struct json_object *e = json_object_array_get_idx(pc, i);
		struct json_object *per = rp_jget(e, "per_cpu", json_type_object);
		const char *name = rp_jstr(e, "callback", NULL);
		struct rp_ipi_row *row;

		if (!name)
			continue;
		row = ipi_row(ic, name);
		v = per ? per_cpu_sum(per, &r->iso) : rp_jnum(e, "total", 0);
		row->total[s] += v;
		if (row->deferrable)
			ic->deferrable[s] += v;
	}
	/* Per run (its isolated CPUs together), for the run-by-run comparison. */
	ib_cpuset_for_each(cpu, &r->iso) {
		for (size_t i = 0; pc && i < json_object_array_length(pc); i++) {
			struct json_object *e = json_object_array_get_idx(pc, i);

			if (rp_deferrable(rp_jstr(e, "callback", "")))
				d += per_cpu_get(rp_jget(e, "per_cpu", json_type_object), cpu);
		}
	}
	if (sec > 0 && ib_cpuset_count(&r->iso))
		push(&ic->unit_rate[s], &ic->nunit[s], d / (sec * ib_cpuset_count(&r->iso)));
	ipi_context(ic, s, r);
	add_or_nan(&ic->sent[s], rp_jnum(r->ipi, "ipis_total", NAN));
	if (recv) {
		v = per_cpu_sum(rp_jget(recv, "call_function", json_type_object), &r->iso) +
		    per_cpu_sum(rp_jget(recv, "call_function_single", json_type_object), &r->iso);
		add_or_nan(&ic->received[s], v);
	}
	add_or_nan(&ic->lost[s], rp_jnum(r->ipi, "lost_events", 0));
	{
		struct json_object *t;

		if (json_object_object_get_ex(r->ipi, "trustworthy", &t) &&
		    json_object_is_type(t, json_type_boolean) && !json_object_get_boolean(t))
			ic->untrusted[s]++;
	}
	if (ct && s == 1) {
		struct json_object *p, *def = rp_jget(ct, "deferred", json_type_object);
		struct json_object *run = rp_jget(ct, "run", json_type_object);

		if ((p = rp_jget(ct, "present", json_type_boolean)))
			ic->ct_present |= json_object_get_boolean(p);
		if (def) {
			json_object_object_foreach(def, type, counts) {
				ct_row(ic, type)->deferred += per_cpu_sum(counts, &r->iso);
				ic->ct_present = true;
			}
		}
		if (run) {
			json_object_object_foreach(run, type, counts)
				ct_row(ic, type)->run += per_cpu_sum(counts, &r->iso);
		}
	}
}

static const enum ib_irq_kind irq_kinds[] = { IB_IRQ_CAL, IB_IRQ_TLB, IB_IRQ_RES, IB_IRQ_LOC };
static const char *const irq_names[] = {
	"CAL (function call IPIs)", "TLB (TLB shootdowns)", "RES (rescheduling IPIs)",
	"LOC (local timer)",
};

static void ipi_from_procirq(struct rp_ipi_case *ic, int s, const struct rp_run *r)
{
	double sec = run_seconds(r, NULL), d = 0;
	int cpu;

	if (!r->irq)
		return;
	for (size_t k = 0; k < 4; k++) {
		struct rp_ipi_row *row = ipi_row(ic, irq_names[k]);
		double v = irq_sum(r, irq_kinds[k]);

		row->deferrable = false;
		if (!isnan(v))
			row->total[s] += v;
		if (k < 2 && !isnan(v))
			ic->deferrable[s] += v;
	}
	ib_cpuset_for_each(cpu, &r->iso)
		d += irq_cpu(r, IB_IRQ_CAL, cpu) + irq_cpu(r, IB_IRQ_TLB, cpu);
	if (!isnan(d) && sec > 0 && ib_cpuset_count(&r->iso))
		push(&ic->unit_rate[s], &ic->nunit[s], d / (sec * ib_cpuset_count(&r->iso)));
}

static void analyse_ipi_case(struct rp_analysis *a, struct rp_ipi_case *ic)
{
	const struct rp_run *r;

	for (int s = 0; s < 2; s++) {
		ic->sent[s] = ic->received[s] = ic->cal[s] = ic->lost[s] = NAN;
		for_each_side_run(a, s, r) {
			if (strcmp(r->case_name, ic->case_name) || !r->used)
				continue;
			ic->nruns[s]++;
			ic->ntraced[s] += r->ipi != NULL;
		}
	}
	if (!ic->nruns[0] && !ic->nruns[1])
		return;
	ic->source = RP_SRC_PROCIRQ;
	if (ic->ntraced[0] == ic->nruns[0] && ic->ntraced[1] == ic->nruns[1])
		ic->source = RP_SRC_TRACE;
	for (int s = 0; s < 2; s++) {
		double *win = NULL;
		size_t nwin = 0;

		for_each_side_run(a, s, r) {
			double sec;

			if (strcmp(r->case_name, ic->case_name) || !r->used)
				continue;
			sec = run_seconds(r, ic->source == RP_SRC_TRACE ? r->ipi : NULL);
			if (sec > 0) {
				ic->cpu_min[s] += sec / 60 * ib_cpuset_count(&r->iso);
				ic->cpu_s[s] += sec * ib_cpuset_count(&r->iso);
				push(&win, &nwin, sec);
			}
			ipi_window_how(ic, s, r);
			ipi_operations(ic, s, r);
			add_or_nan(&ic->cal[s], irq_sum(r, IB_IRQ_CAL));
			if (ic->source == RP_SRC_TRACE)
				ipi_from_trace(ic, s, r);
			else
				ipi_from_procirq(ic, s, r);
		}
		for (size_t i = 0; i < ic->nrows; i++)
			ic->rows[i].rate[s] = ic->cpu_s[s] > 0 ?
					      ic->rows[i].total[s] / ic->cpu_s[s] : NAN;
		ic->deferrable_rate[s] = ic->cpu_s[s] > 0 ? ic->deferrable[s] / ic->cpu_s[s] : NAN;
		ic->window_s[s] = nwin ? rs_median(win, nwin) : NAN;
		ic->window_min[s] = ic->window_max[s] = NAN;
		for (size_t i = 0; i < nwin; i++) {
			ic->window_min[s] = i ? fmin(ic->window_min[s], win[i]) : win[i];
			ic->window_max[s] = i ? fmax(ic->window_max[s], win[i]) : win[i];
		}
		free(win);
		ic->ops[s] = ic->nops[s] ? rs_median(ic->ops_run[s], ic->nops[s]) : NAN;
		ic->achieved[s] = ic->nops[s] ? rs_median(ic->ach_run[s], ic->nops[s]) : NAN;
		ic->target_ops[s] = ic->ntarget[s] ? rs_median(ic->tgt_run[s], ic->ntarget[s]) : NAN;
	}
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct rp_ipi_row *x = pa, *y = pb;
	double tx = x->total[0] + x->total[1], ty = y->total[0] + y->total[1];

	if (x->deferrable != y->deferrable)
		return x->deferrable ? -1 : 1;
	return tx < ty ? 1 : tx > ty ? -1 : strcmp(x->name, y->name);
}

/* --- sender stacks ---------------------------------------------------- */

/* "a+0x1\nb+0x2" -> "a\nb": the same path on two kernels has other offsets. */
static char *stack_key(struct json_object *frames)
{
	char *key = rp_strdup("");

	for (size_t i = 0; i < json_object_array_length(frames); i++) {
		const char *f = json_object_get_string(json_object_array_get_idx(frames, i));
		char *t;

		if (!f)
			continue;
		t = rp_printf("%s%s%.*s", key, i ? "\n" : "", (int)strcspn(f, "+"), f);
		free(key);
		key = t;
	}
	return key;
}

static char *stack_text(struct json_object *frames)
{
	char *text = rp_strdup("");

	for (size_t i = 0; i < json_object_array_length(frames); i++) {
		char *t = rp_printf("%s%s%s", text, i ? "\n" : "",
				    json_object_get_string(json_object_array_get_idx(frames, i)));

		free(text);
		text = t;
	}
	return text;
}

static struct rp_stack_cb *stack_cb(struct rp_stack_case *sc, int s, const char *callback)
{
	struct rp_stack_cb *cb;

	for (size_t i = 0; i < sc->ncb[s]; i++)
		if (!strcmp(sc->cb[s][i].callback, callback))
			return &sc->cb[s][i];
	sc->cb[s] = realloc(sc->cb[s], (sc->ncb[s] + 1) * sizeof(*cb));
	cb = &sc->cb[s][sc->ncb[s]++];
	memset(cb, 0, sizeof(*cb));
	cb->callback = rp_strdup(callback);
	cb->deferrable = rp_deferrable(callback);
	cb->sends = NAN;
	return cb;
}

static void stack_add(struct rp_stack_cb *cb, struct json_object *frames, double count)
{
	char *key = stack_key(frames);
	struct rp_stack *st = NULL;

	cb->total += count;
	for (size_t i = 0; i < cb->n; i++)
		if (!strcmp(cb->st[i].key, key))
			st = &cb->st[i];
	if (!st) {
		cb->st = realloc(cb->st, (cb->n + 1) * sizeof(*cb->st));
		st = &cb->st[cb->n++];
		memset(st, 0, sizeof(*st));
		st->key = key;
	} else {
		free(key);
	}
	st->count += count;
	if (count > st->best) {
		free(st->frames);
		st->frames = stack_text(frames);
		st->best = count;
	}
}

static int cmp_stack(const void *pa, const void *pb)
{
	const struct rp_stack *x = pa, *y = pb;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->key, y->key);
}

static int cmp_stack_cb(const void *pa, const void *pb)
{
	const struct rp_stack_cb *x = pa, *y = pb;

	if (x->deferrable != y->deferrable)
		return x->deferrable ? -1 : 1;
	return x->total < y->total ? 1 : x->total > y->total ? -1 : strcmp(x->callback, y->callback);
}

/*
 * The "stacks" of ipi.json (isolbench-ipi --stack: top stacks per callback
 * and run), merged over the runs of a case per kernel, each stack marked
 * with how often the other kernel sent the same path.
 */
static void analyse_stacks(struct rp_analysis *a, struct rp_stack_case *sc)
{
	const struct rp_run *r;

	for (int s = 0; s < 2; s++) {
		for_each_side_run(a, s, r) {
			struct json_object *stacks = rp_jget(r->ipi, "stacks", json_type_object);
			struct json_object *totals = rp_jget(r->ipi, "stacks_total", json_type_object);

			if (strcmp(r->case_name, sc->case_name) || !r->used || !stacks)
				continue;
			sc->nruns[s]++;
			json_object_object_foreach(stacks, callback, list) {
				struct rp_stack_cb *cb = stack_cb(sc, s, callback);
				double sends = rp_jnum(totals, callback, NAN);

				/* Older ipi.json files have only the top stacks. */
				cb->sends = isnan(cb->sends) ? sends : cb->sends + sends;

				for (size_t i = 0; json_object_is_type(list, json_type_array) &&
				     i < json_object_array_length(list); i++) {
					struct json_object *e = json_object_array_get_idx(list, i);
					struct json_object *fr = rp_jget(e, "frames", json_type_array);

					if (fr)
						stack_add(cb, fr, rp_jnum(e, "count", 0));
				}
			}
		}
		for (size_t i = 0; i < sc->ncb[s]; i++)
			qsort(sc->cb[s][i].st, sc->cb[s][i].n, sizeof(struct rp_stack), cmp_stack);
		if (sc->ncb[s])
			qsort(sc->cb[s], sc->ncb[s], sizeof(*sc->cb[s]), cmp_stack_cb);
	}
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < sc->ncb[s]; i++) {
			struct rp_stack_cb *cb = &sc->cb[s][i];
			const struct rp_stack_cb *o = NULL;

			for (size_t j = 0; j < sc->ncb[!s]; j++)
				if (!strcmp(sc->cb[!s][j].callback, cb->callback))
					o = &sc->cb[!s][j];
			cb->on_other = o != NULL;
			for (size_t k = 0; o && k < cb->n; k++)
				for (size_t j = 0; j < o->n; j++)
					if (!strcmp(o->st[j].key, cb->st[k].key))
						cb->st[k].other = o->st[j].count;
		}
	}
}

/* --- good case: oslat ------------------------------------------------- */

/* The fixed thresholds interruptions are counted above, in ns. */
static const uint64_t gap_thresholds_ns[3] = { 10000, 100000, 1000000 };

/*
 * Time lost to interruptions in @h (true gaps): every gap from 10 us up at
 * its bucket's midpoint, overflows at the last edge (oslat's JSON does not
 * record their sum, so with overflows this is a lower bound: *low).
 */
static double stolen_ns(const struct ib_hist *h, bool *low)
{
	double sum = 0, ns;
	size_t from = gap_thresholds_ns[0] / h->width;

	for (size_t i = from; i < h->nbuckets; i++)
		sum += (double)h->counts[i] * ((double)i + 0.5) * (double)h->width;
	sum += (double)h->overflow * (double)ib_hist_last_edge(h);
	*low |= h->overflow > 0;
	if (ib_hist_value_ns(h, sum, &ns) < 0)
		return NAN;
	return ns;
}

static int merge_into(struct ib_hist **dst, const struct ib_hist *src)
{
	if (!*dst) {
		*dst = ib_hist_clone(src);
		return *dst ? 0 : -1;
	}
	return ib_hist_merge(*dst, src);
}

static bool stats_ns(const struct ib_hist *h, struct ib_hist_stats *st)
{
	return h && h->samples && ib_hist_stats(h, st) == 0 && ib_hist_stats_to_ns(h, st) == 0;
}

/* Gaps > @thr per CPU-second of @h, NAN when the histogram cannot tell. */
static double gaps_per_s(const struct ib_hist *h, uint64_t thr, double cpu_s)
{
	uint64_t n;

	if (!h || !(cpu_s > 0) || h->unit != IB_UNIT_NS || ib_hist_count_from(h, thr, &n) < 0)
		return NAN;
	return (double)n / cpu_s;
}

static void analyse_good(struct rp_analysis *a, struct rp_good_case *g)
{
	const struct rp_run *r;

	for (int s = 0; s < 2; s++) {
		struct ib_hist **per = calloc(IB_MAX_CPUS, sizeof(*per));
		double per_dur[IB_MAX_CPUS] = { 0 }, all_dur = 0;
		uint64_t per_res[IB_MAX_CPUS] = { 0 };
		int cpus[IB_MAX_CPUS];
		size_t ncpu = 0;

		for_each_side_run(a, s, r) {
			const struct ib_lat_file *lf = g->tool == IB_LAT_CYCLICTEST ? r->cyclic : r->oslat;
			struct ib_hist *run_h = NULL;
			struct ib_hist_stats st;
			double run_dur = 0;
			bool low = false;

			if (strcmp(r->case_name, g->case_name) || !r->used || !lf)
				continue;
			g->nruns[s]++;
			if (!g->version[s] && lf->version)
				g->version[s] = rp_strdup(lf->version);
			for (size_t i = 0; i < lf->n; i++) {
				const struct ib_lat_series *se = &lf->series[i];
				double dur = se->duration_s > 0 ? se->duration_s : r->window_s;
				uint64_t res = 0;
				struct ib_hist *t;

				if (se->cpu < 0 || se->cpu >= IB_MAX_CPUS ||
				    !ib_cpuset_test(&r->iso, (unsigned int)se->cpu))
					continue;
				t = ib_lat_true_hist(lf, se, &res);
				if (!t)
					continue;
				if (!per[se->cpu])
					cpus[ncpu++] = se->cpu;
				merge_into(&per[se->cpu], t);
				merge_into(&g->all[s], t);
				merge_into(&run_h, t);
				per_res[se->cpu] = res;
				if (dur > 0 && g->tool == IB_LAT_OSLAT) {
					per_dur[se->cpu] += dur;
					all_dur += dur;
					run_dur += dur;
				}
				ib_hist_free(t);
			}
			if (!stats_ns(run_h, &st)) {
				ib_hist_free(run_h);
				continue;
			}
			push(&g->unit[s][RP_GM_P50], &g->nunit[s], st.p50.value);
			g->nunit[s]--;
			push(&g->unit[s][RP_GM_MAX], &g->nunit[s], st.max_low ? NAN : st.max);
			g->nunit[s]--;
			for (int k = 0; k < 3; k++) {
				/* Interruptions and lost time are oslat's: cyclictest sleeps. */
				push(&g->unit[s][RP_GM_GT10US + k], &g->nunit[s],
				     g->tool == IB_LAT_OSLAT ?
				     gaps_per_s(run_h, gap_thresholds_ns[k], run_dur) : NAN);
				g->nunit[s]--;
			}
			push(&g->unit[s][RP_GM_STOLEN], &g->nunit[s],
			     run_dur > 0 && g->tool == IB_LAT_OSLAT ?
			     stolen_ns(run_h, &low) / run_dur : NAN);
			g->stolen_low[s] |= low;
			ib_hist_free(run_h);
		}
		for (int k = 0; k < 3; k++)
			g->gt_rate[s][k] = g->tool == IB_LAT_OSLAT ?
					   gaps_per_s(g->all[s], gap_thresholds_ns[k], all_dur) : NAN;
		/* CPUs in ascending order, then the "all" row. */
		for (size_t i = 0; i < ncpu; i++)
			for (size_t j = i + 1; j < ncpu; j++)
				if (cpus[j] < cpus[i]) {
					int t = cpus[i];

					cpus[i] = cpus[j];
					cpus[j] = t;
				}
		g->cpus[s] = calloc(ncpu + 1, sizeof(*g->cpus[s]));
		for (size_t i = 0; i <= ncpu; i++) {
			struct rp_good_cpu *c = &g->cpus[s][i];
			const struct ib_hist *h = i < ncpu ? per[cpus[i]] : g->all[s];
			double dur = i < ncpu ? per_dur[cpus[i]] : all_dur;

			c->cpu = i < ncpu ? cpus[i] : -1;
			c->ok = stats_ns(h, &c->st);
			c->overflow = h ? h->overflow : 0;
			c->residual_ns = i < ncpu ? per_res[cpus[i]] : (ncpu ? per_res[cpus[0]] : 0);
			/* The loop's gaps add up to its duration: the exact mean. */
			c->exact_mean_ns = NAN;
			if (h && h->samples && dur > 0)
				c->exact_mean_ns = dur * 1e9 / (double)h->samples;
			if (c->ok && isfinite(c->exact_mean_ns)) {
				c->st.mean = c->exact_mean_ns;
				c->st.mean_exact = true;
			}
		}
		g->ncpus[s] = ncpu ? ncpu + 1 : 0;
		for (size_t i = 0; i < ncpu; i++)
			ib_hist_free(per[cpus[i]]);
		free(per);
	}
}

/* --- bad case: entry --------------------------------------------------- */

static struct rp_bad_rate *bad_rate(struct rp_bad_case *b, uint64_t target)
{
	for (size_t i = 0; i < b->nrates; i++)
		if (b->rates[i].target == target)
			return &b->rates[i];
	b->rates = realloc(b->rates, (b->nrates + 1) * sizeof(*b->rates));
	memset(&b->rates[b->nrates], 0, sizeof(*b->rates));
	b->rates[b->nrates].target = target;
	return &b->rates[b->nrates++];
}

static int cmp_rates(const void *pa, const void *pb)
{
	uint64_t x = ((const struct rp_bad_rate *)pa)->target, y = ((const struct rp_bad_rate *)pb)->target;

	/* 0 (as fast as possible) last */
	if (!x || !y)
		return !x - !y;
	return x < y ? -1 : x > y;
}

static const char *const perf_events[RP_PERF_N] = {
	"cycles:k", "instructions:k", "cycles", "instructions",
};

/*
 * perf stat around isolbench-entry: counts on the isolated CPUs over the
 * whole sweep, so kernel-mode cycles and instructions divided by the
 * entries of every rate are the cost of one entry (interrupts included).
 */
static void perf_of_run(struct rp_bad_case *b, int s, const struct rp_run *r)
{
	double entries = 0, v;

	if (!r->perf) {
		if (!b->perf_note && r->perf_note)
			b->perf_note = rp_strdup(r->perf_note);
		return;
	}
	for (size_t i = 0; i < r->entry->n; i++) {
		const struct ib_lat_series *se = &r->entry->series[i];

		if (se->cpu >= 0 && ib_cpuset_test(&r->iso, (unsigned int)se->cpu))
			entries += (double)se->hist->samples;
	}
	if (!(entries > 0))
		return;
	if (!b->nperf[0] && !b->nperf[1])
		for (int k = 0; k < 2; k++)
			for (int e = 0; e < RP_PERF_N; e++)
				b->perf[k][e] = 0;
	b->nperf[s]++;
	b->perf_entries[s] += entries;
	for (int e = 0; e < RP_PERF_N; e++) {
		if (ib_perf_sum(r->perf, perf_events[e], &r->iso, &v) == 0)
			b->perf[s][e] += v;
		else
			b->perf[s][e] = NAN;
	}
}

static void analyse_bad(struct rp_analysis *a, struct rp_bad_case *b, const struct rp_options *o)
{
	const struct rp_run *r;

	for (int s = 0; s < 2; s++) {
		for_each_side_run(a, s, r) {
			if (strcmp(r->case_name, b->case_name) || !r->used || !r->entry)
				continue;
			/* The ipi kind times IPIs, not entries: instr.c reports it. */
			if (r->entry->kind && !strcmp(r->entry->kind, "ipi"))
				continue;
			b->nruns[s]++;
			if (!b->kind && r->entry->kind)
				b->kind = rp_strdup(r->entry->kind);
			perf_of_run(b, s, r);
			/* One value per run and rate: its isolated CPUs' histograms merged. */
			for (size_t i = 0; i < r->entry->n; i++) {
				const struct ib_lat_series *se = &r->entry->series[i];
				struct rp_bad_rate *br;
				struct ib_hist *h = NULL;
				double ach = 0, ns;
				size_t ncpu = 0;
				struct ib_pct p;
				bool seen = false;

				for (size_t j = 0; j < i; j++)
					seen |= r->entry->series[j].target_rate == se->target_rate;
				if (seen)
					continue;
				for (size_t j = i; j < r->entry->n; j++) {
					const struct ib_lat_series *q = &r->entry->series[j];

					if (q->target_rate != se->target_rate || !q->hist->samples ||
					    q->cpu < 0 ||
					    !ib_cpuset_test(&r->iso, (unsigned int)q->cpu))
						continue;
					merge_into(&h, q->hist);
					ach += q->achieved_rate;
					ncpu++;
				}
				if (!h || ib_hist_percentile(h, 50, &p) < 0 ||
				    ib_hist_value_ns(h, p.value, &ns) < 0) {
					ib_hist_free(h);
					continue;
				}
				ib_hist_free(h);
				br = bad_rate(b, se->target_rate);
				push(&br->cost[s], &br->n[s], ns);
				br->n[s]--;
				/* Achieved entries per second and CPU, the mean of the run's CPUs. */
				push(&br->achieved[s], &br->n[s], ach / (double)ncpu);
			}
		}
	}
	if (b->nrates)
		qsort(b->rates, b->nrates, sizeof(*b->rates), cmp_rates);
	for (size_t i = 0; i < b->nrates; i++) {
		struct rp_bad_rate *br = &b->rates[i];

		for (int s = 0; s < 2; s++) {
			br->ci[s].est = br->achieved_med[s] = NAN;
			br->ci[s].ok = false;
			if (!br->n[s])
				continue;
			rs_boot_ci(br->cost[s], br->n[s], RS_MEDIAN, o->level, o->nboot, o->seed,
				   &br->ci[s]);
			br->achieved_med[s] = rs_median(br->achieved[s], br->n[s]);
		}
		br->pct.est = NAN;
		if (br->n[0] && br->n[1])
			rs_boot_ci2(br->cost[0], br->n[0], br->cost[1], br->n[1], RS_MEDIAN, RS_PCT,
				    o->level, o->nboot, o->seed, &br->pct);
		if (br->n[0] && br->n[1])
			br->have_mwu = rs_mwu(br->cost[0], br->n[0], br->cost[1], br->n[1],
					      &br->mwu) == 0;
	}
}

/* --- comparisons ------------------------------------------------------- */

static void add_cmp(struct rp_analysis *a, const struct rp_options *o, char *what, const char *unit,
		    int ref, double *x, size_t nx, double *y, size_t ny)
{
	struct rp_cmp *c;

	if (!nx || !ny) {
		free(what);
		return;
	}
	a->cmp = realloc(a->cmp, (a->ncmp + 1) * sizeof(*a->cmp));
	c = &a->cmp[a->ncmp++];
	memset(c, 0, sizeof(*c));
	c->what = what;
	c->unit = unit;
	c->ref_table = ref;
	c->lower_is_better = true;
	c->n[0] = nx;
	c->n[1] = ny;
	rs_boot_ci(x, nx, RS_MEDIAN, o->level, o->nboot, o->seed, &c->ci[0]);
	rs_boot_ci(y, ny, RS_MEDIAN, o->level, o->nboot, o->seed, &c->ci[1]);
	c->med[0] = c->ci[0].est;
	c->med[1] = c->ci[1].est;
	rs_boot_ci2(x, nx, y, ny, RS_MEDIAN, RS_DIFF, o->level, o->nboot, o->seed, &c->diff);
	c->have_mwu = nx >= 1 && ny >= 1 && rs_mwu(x, nx, y, ny, &c->mwu) == 0;
	c->p_holm = NAN;	/* holm_families() */
}

/*
 * Holm's adjustment over each table's comparisons (a table is one case: one
 * family of tests). A comparison is evaluable when the smallest p its n can
 * give, times the family size (Holm's first step), is below alpha; otherwise
 * nothing it shows can be significant and the report says "not evaluable".
 */
static void holm_families(struct rp_analysis *a, const struct rp_options *o)
{
	double *p = calloc(a->ncmp + 1, sizeof(*p)), *adj = calloc(a->ncmp + 1, sizeof(*adj));
	size_t *idx = calloc(a->ncmp + 1, sizeof(*idx));

	if (!p || !adj || !idx)
		goto out;
	for (size_t i = 0; i < a->ncmp; i++) {
		size_t m = 0;

		if (i && a->cmp[i].ref_table == a->cmp[i - 1].ref_table)
			continue;
		for (size_t j = i; j < a->ncmp && a->cmp[j].ref_table == a->cmp[i].ref_table; j++) {
			idx[m] = j;
			p[m++] = a->cmp[j].have_mwu ? a->cmp[j].mwu.p : NAN;
		}
		if (rs_holm(p, m, adj) < 0)
			goto out;
		for (size_t k = 0; k < m; k++) {
			struct rp_cmp *c = &a->cmp[idx[k]];
			size_t tested = 0;

			for (size_t j = 0; j < m; j++)
				tested += !isnan(p[j]);
			c->family = tested;
			c->p_holm = adj[k];
			c->evaluable = c->have_mwu && c->mwu.min_p * (double)tested < o->alpha;
			c->verdict = 0;
			if (c->evaluable && c->p_holm < o->alpha && c->med[0] != c->med[1])
				c->verdict = (c->med[1] < c->med[0]) == c->lower_is_better ? -1 : 1;
		}
	}
out:
	free(p);
	free(adj);
	free(idx);
}

/* Drop NaNs (a run without a duration) before comparing. */
static size_t finite_only(double *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			v[k++] = v[i];
	return k;
}

/* --- IPI cost and break-even ----------------------------------------- */

/* An IPI that costs an isolated CPU more than this is noise, not an IPI. */
#define IPI_COST_PLAUSIBLE_NS 100000.0

static const struct rp_ipi_case *ipi_case_named(const struct rp_analysis *a, const char *name)
{
	for (size_t i = 0; i < a->nipi; i++)
		if (!strcmp(a->ipi[i].case_name, name))
			return &a->ipi[i];
	return NULL;
}

/*
 * The IPIs the series saves, per isolated CPU and second, from a good case
 * (oslat: the isolated CPUs stay in user space): deferrable callbacks the
 * baseline received minus those the patched kernel still received. Of
 * several such cases (plain noise, provoked IPIs) the one where the series
 * saves the most: a case with no deferrable IPIs says nothing about what
 * the deferral is worth.
 */
static const struct rp_ipi_case *saving_case(const struct rp_analysis *a, double *saved)
{
	const struct rp_ipi_case *best = NULL;

	for (size_t i = 0; i < a->ngood; i++) {
		const struct rp_ipi_case *ic = ipi_case_named(a, a->good[i].case_name);
		double s;

		if (a->good[i].tool != IB_LAT_OSLAT)
			continue;
		if (!ic || !ic->nruns[0] || !ic->nruns[1] || !isfinite(ic->deferrable_rate[0]) ||
		    !isfinite(ic->deferrable_rate[1]))
			continue;
		s = ic->deferrable_rate[0] - ic->deferrable_rate[1];
		if (!best || s > *saved) {
			best = ic;
			*saved = s;
		}
	}
	return best;
}

static void estimate_ipi_cost(struct rp_analysis *a)
{
	const struct rp_ipi_case *ic;
	double saved = NAN;

	a->ipi_cost_est_ns = NAN;
	ic = saving_case(a, &saved);
	if (!ic) {
		snprintf(a->ipi_cost_why, sizeof(a->ipi_cost_why),
			 "no oslat case with IPI counts for both kernels");
		return;
	}
	for (size_t i = 0; i < a->ngood; i++) {
		const struct rp_good_case *g = &a->good[i];
		double st0, st1, n0, n1;

		if (strcmp(g->case_name, ic->case_name))
			continue;
		n0 = finite_only(g->unit[0][RP_GM_STOLEN], g->nunit[0]);
		n1 = finite_only(g->unit[1][RP_GM_STOLEN], g->nunit[1]);
		st0 = rs_median(g->unit[0][RP_GM_STOLEN], (size_t)n0);
		st1 = rs_median(g->unit[1][RP_GM_STOLEN], (size_t)n1);
		if (!(saved > 0)) {
			snprintf(a->ipi_cost_why, sizeof(a->ipi_cost_why),
				 "the patched kernel did not take fewer deferrable IPIs in %s",
				 ic->case_name);
			return;
		}
		if (!(st0 - st1 > 0)) {
			snprintf(a->ipi_cost_why, sizeof(a->ipi_cost_why),
				 "oslat on the patched kernel lost no less time than on the baseline "
				 "in %s (median %.0f vs %.0f ns/s), so an IPI's cost cannot be told "
				 "from noise", ic->case_name, st1, st0);
			return;
		}
		if (a->main->tcg || a->base->tcg) {
			snprintf(a->ipi_cost_why, sizeof(a->ipi_cost_why),
				 "the guests ran under TCG, where oslat's lost time is emulation, "
				 "not IPIs");
			return;
		}
		if ((st0 - st1) / saved > IPI_COST_PLAUSIBLE_NS) {
			snprintf(a->ipi_cost_why, sizeof(a->ipi_cost_why),
				 "the estimate from %s, %.0f ns per IPI, is implausible (> %.0f ns): "
				 "the lost-time difference is not explained by the deferred IPIs alone",
				 ic->case_name, (st0 - st1) / saved, IPI_COST_PLAUSIBLE_NS);
			return;
		}
		a->ipi_cost_est_ns = (st0 - st1) / saved;
		snprintf(a->ipi_cost_why, sizeof(a->ipi_cost_why),
			 "estimated from %s: oslat lost %.0f ns/s less per CPU on the patched kernel "
			 "while it took %.3g fewer deferrable IPIs per CPU-second",
			 ic->case_name, st0 - st1, saved);
		return;
	}
	snprintf(a->ipi_cost_why, sizeof(a->ipi_cost_why), "no oslat data for %s", ic->case_name);
}

static void breakeven(struct rp_analysis *a, struct rp_bad_case *b, const struct rp_options *o)
{
	struct rp_breakeven *be = &b->be;
	const struct rp_ipi_case *ic;
	double saved = NAN, gain, prev_r = 0, prev_net = NAN, last_d = 0;
	bool any_overhead = false;

	be->rate = NAN;
	if (a->main->tcg || a->base->tcg) {
		snprintf(be->why, sizeof(be->why),
			 "the guests ran under TCG: entry costs are emulated time, and a break-even "
			 "from them would say nothing about hardware");
		return;
	}
	ic = saving_case(a, &saved);
	if (!ic) {
		snprintf(be->why, sizeof(be->why),
			 "there is no good case (oslat) with IPI counts for both kernels, so the "
			 "IPIs the series saves are not known");
		return;
	}
	be->saved_per_s = saved;
	if (!(saved > 0)) {
		snprintf(be->why, sizeof(be->why),
			 "in %s the patched kernel took no fewer deferrable IPIs than the baseline "
			 "(%.3g vs %.3g per CPU-second): the deferral saved nothing to pay for its "
			 "cost", ic->case_name, ic->deferrable_rate[1], ic->deferrable_rate[0]);
		return;
	}
	if (o->ipi_cost_ns > 0) {
		be->ipi_cost_ns = o->ipi_cost_ns;
	} else if (isfinite(a->ipi_cost_est_ns)) {
		be->ipi_cost_ns = a->ipi_cost_est_ns;
		be->cost_measured = true;
	} else {
		snprintf(be->why, sizeof(be->why),
			 "the cost of one IPI is not known (%s); give it with --ipi-cost-ns",
			 a->ipi_cost_why);
		return;
	}
	gain = saved * be->ipi_cost_ns;	/* ns saved per CPU-second */
	for (size_t i = 0; i < b->nrates; i++) {
		const struct rp_bad_rate *br = &b->rates[i];
		double rate = br->achieved_med[1], d = br->ci[1].est - br->ci[0].est, net;

		if (!isfinite(rate) || !isfinite(d))
			continue;
		/* Overhead: more than rounding (0.5%) and an interval, if any, above 0. */
		if (d > 0.005 * br->ci[0].est && !(br->pct.ok && br->pct.lo <= 0))
			any_overhead = true;
		net = rate * d - gain;
		if (net > 0) {
			be->computed = true;
			if (isnan(prev_net)) {
				/* Cost per second grows as r x d: extrapolate down. */
				be->rate = gain / d;
				snprintf(be->where, sizeof(be->where),
					 "below the lowest measured rate (%.0f/s), extrapolated with "
					 "the extra %.0f ns per entry measured there", rate, d);
			} else {
				be->rate = prev_r + (rate - prev_r) * (-prev_net) / (net - prev_net);
				snprintf(be->where, sizeof(be->where),
					 "between %.0f/s and %.0f/s (linear interpolation)", prev_r, rate);
			}
			break;
		}
		prev_r = rate;
		prev_net = net;
		last_d = d;
	}
	if (!be->computed && any_overhead && last_d > 0) {
		be->computed = true;
		be->rate = gain / last_d;
		snprintf(be->where, sizeof(be->where),
			 "above the highest measured rate (%.0f/s), extrapolated with the extra "
			 "%.0f ns per entry measured there", prev_r, last_d);
	}
	if (!be->computed) {
		be->computed = true;
		be->rate = INFINITY;
		snprintf(be->where, sizeof(be->where), "%s up to the highest measured rate (%.0f/s)",
			 any_overhead ? "not reached" : "none: no overhead measured", prev_r);
	}
	snprintf(be->why, sizeof(be->why),
		 "saving %.3g IPIs per CPU-second (from %s) at %.0f ns each (%s) = %.0f ns per "
		 "CPU-second", saved, ic->case_name, be->ipi_cost_ns,
		 o->ipi_cost_ns > 0 ? "--ipi-cost-ns" : "estimated", gain);
}

/* --- all --------------------------------------------------------------- */

static bool has_case(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int rp_analyse(struct rp_analysis *a, const struct rp_options *o)
{
	char **names = NULL, **kinds = NULL;
	size_t nnames = 0;
	int table = 0, figure = 0;
	static const char *const gm_names[RP_GM_N] = {
		"p50", "max", "gaps > 10 us per CPU-second", "gaps > 100 us per CPU-second",
		"gaps > 1 ms per CPU-second", "time lost in gaps > 10 us per CPU-second",
	};
	static const char *const gm_units[RP_GM_N] = { "ns", "ns", "", "", "", "ns/s" };

	/* Cases in the order of the main campaign, then any only the baseline has. */
	for (int s = 1; s >= 0; s--) {
		const struct rp_run *r;

		for_each_side_run(a, s, r) {
			if (has_case(names, nnames, r->case_name))
				continue;
			names = realloc(names, (nnames + 1) * sizeof(*names));
			kinds = realloc(kinds, (nnames + 1) * sizeof(*kinds));
			names[nnames] = r->case_name;
			kinds[nnames++] = r->case_kind;
		}
	}
	for (int s = 0; s < 2; s++) {
		const struct rp_run *r;

		for_each_side_run(a, s, r) {
			a->runs_total++;
			a->runs_failed += !r->ok;
			a->runs_flagged += r->ok && r->nflags;
			a->flagged_included |= r->ok && r->nflags && r->used;
		}
	}

	a->ipi = calloc(nnames + 1, sizeof(*a->ipi));
	for (size_t i = 0; i < nnames; i++) {
		struct rp_ipi_case *ic = &a->ipi[a->nipi];

		ic->case_name = rp_strdup(names[i]);
		analyse_ipi_case(a, ic);
		if (ic->nrows)
			qsort(ic->rows, ic->nrows, sizeof(*ic->rows), cmp_rows);
		ic->table_no = ++table;
		ic->plot_no = o->plots && ic->nrows ? ++figure : 0;
		a->nipi++;
	}
	a->stk = calloc(nnames + 1, sizeof(*a->stk));
	for (size_t i = 0; i < nnames; i++) {
		struct rp_stack_case *sc = &a->stk[a->nstk];

		sc->case_name = rp_strdup(names[i]);
		analyse_stacks(a, sc);
		if (sc->nruns[0] || sc->nruns[1])
			a->nstk++;
		else
			free(sc->case_name);
	}
	a->good = calloc(nnames + 1, sizeof(*a->good));
	a->bad = calloc(nnames + 1, sizeof(*a->bad));
	for (size_t i = 0; i < nnames; i++) {
		if (!strcmp(kinds[i], "oslat") || !strcmp(kinds[i], "cyclictest")) {
			struct rp_good_case *g = &a->good[a->ngood++];

			g->case_name = rp_strdup(names[i]);
			g->tool = !strcmp(kinds[i], "oslat") ? IB_LAT_OSLAT : IB_LAT_CYCLICTEST;
			analyse_good(a, g);
			g->table_no = ++table;
			g->plot_no = o->plots && (g->all[0] || g->all[1]) ? ++figure : 0;
		}
	}
	for (size_t i = 0; i < nnames; i++) {
		if (!strcmp(kinds[i], "entry")) {
			struct rp_bad_case *b = &a->bad[a->nbad++];

			b->case_name = rp_strdup(names[i]);
			analyse_bad(a, b, o);
			b->table_no = ++table;
			b->plot_no = o->plots && b->nrates ? ++figure : 0;
		}
	}
	a->cmp_table_no = ++table;
	a->runs_table_no = ++table;

	for (size_t i = 0; i < a->nipi; i++) {
		struct rp_ipi_case *ic = &a->ipi[i];

		ic->nunit[0] = finite_only(ic->unit_rate[0], ic->nunit[0]);
		ic->nunit[1] = finite_only(ic->unit_rate[1], ic->nunit[1]);
		for (int s = 0; s < 2; s++) {
			rs_mean_ci(ic->unit_rate[s], ic->nunit[s], o->level, &ic->rate_ci[s]);
			rs_mean_ci(ic->user_rate[s], ic->nuser[s], o->level, &ic->user_ci[s]);
		}
		if (ic->nuser[0] && ic->nuser[1])
			add_cmp(a, o, rp_printf("%s: deferrable IPIs into user space per user "
						"CPU-second", ic->case_name), "", ic->table_no,
				ic->user_rate[0], ic->nuser[0], ic->user_rate[1], ic->nuser[1]);
		add_cmp(a, o, rp_printf("%s: %s per CPU-second", ic->case_name,
					ic->source == RP_SRC_TRACE ? "deferrable IPIs" : "CAL+TLB interrupts"),
			"", ic->table_no, ic->unit_rate[0], ic->nunit[0], ic->unit_rate[1], ic->nunit[1]);
	}
	for (size_t i = 0; i < a->ngood; i++) {
		struct rp_good_case *g = &a->good[i];

		for (int m = 0; m < RP_GM_N; m++) {
			size_t n0 = finite_only(g->unit[0][m], g->nunit[0]);
			size_t n1 = finite_only(g->unit[1][m], g->nunit[1]);

			add_cmp(a, o, rp_printf("%s: %s %s", g->case_name, ib_lat_tool_name(g->tool),
						gm_names[m]),
				gm_units[m], g->table_no, g->unit[0][m], n0, g->unit[1][m], n1);
		}
	}
	for (size_t i = 0; i < a->nbad; i++) {
		struct rp_bad_case *b = &a->bad[i];

		for (size_t k = 0; k < b->nrates; k++) {
			struct rp_bad_rate *br = &b->rates[k];
			char rate[96];

			/* Labelled by what the runs achieved, not by what was asked. */
			if (br->target)
				snprintf(rate, sizeof(rate), "%.0f/s achieved (target %llu/s)",
					 br->n[1] ? rs_median(br->achieved[1], br->n[1]) :
					 rs_median(br->achieved[0], br->n[0]),
					 (unsigned long long)br->target);
			else
				snprintf(rate, sizeof(rate), "max rate");
			add_cmp(a, o, rp_printf("%s: %s entry cost at %s", b->case_name,
						b->kind ? b->kind : "", rate),
				"ns", b->table_no, br->cost[0], br->n[0], br->cost[1], br->n[1]);
		}
	}
	holm_families(a, o);
	estimate_ipi_cost(a);
	for (size_t i = 0; i < a->nbad; i++)
		breakeven(a, &a->bad[i], o);
	free(names);
	free(kinds);
	return rp_instr_analyse(a);
}

void rp_analysis_free(struct rp_analysis *a)
{
	rp_instr_free(a);
	for (size_t i = 0; i < a->nipi; i++) {
		struct rp_ipi_case *ic = &a->ipi[i];

		for (size_t k = 0; k < ic->nrows; k++)
			free(ic->rows[k].name);
		for (size_t k = 0; k < ic->nct; k++)
			free(ic->ct[k].type);
		free(ic->rows);
		free(ic->ct);
		free(ic->case_name);
		free(ic->plot);
		for (int s = 0; s < 2; s++) {
			free(ic->unit_rate[s]);
			free(ic->user_rate[s]);
			free(ic->ops_run[s]);
			free(ic->ach_run[s]);
			free(ic->tgt_run[s]);
			free(ic->window_how[s]);
		}
		free(ic->unclassified_why[0]);
		free(ic->unclassified_why[1]);
	}
	free(a->ipi);
	for (size_t i = 0; i < a->ngood; i++) {
		struct rp_good_case *g = &a->good[i];

		for (int s = 0; s < 2; s++) {
			free(g->cpus[s]);
			ib_hist_free(g->all[s]);
			free(g->version[s]);
			for (int m = 0; m < RP_GM_N; m++)
				free(g->unit[s][m]);
		}
		free(g->case_name);
		free(g->plot);
	}
	free(a->good);
	for (size_t i = 0; i < a->nbad; i++) {
		struct rp_bad_case *b = &a->bad[i];

		for (size_t k = 0; k < b->nrates; k++) {
			for (int s = 0; s < 2; s++) {
				free(b->rates[k].cost[s]);
				free(b->rates[k].achieved[s]);
			}
		}
		free(b->rates);
		free(b->case_name);
		free(b->kind);
		free(b->perf_note);
		free(b->plot);
	}
	free(a->bad);
	for (size_t i = 0; i < a->nstk; i++) {
		struct rp_stack_case *sc = &a->stk[i];

		for (int s = 0; s < 2; s++) {
			for (size_t k = 0; k < sc->ncb[s]; k++) {
				struct rp_stack_cb *cb = &sc->cb[s][k];

				for (size_t j = 0; j < cb->n; j++) {
					free(cb->st[j].key);
					free(cb->st[j].frames);
				}
				free(cb->st);
				free(cb->callback);
			}
			free(sc->cb[s]);
		}
		free(sc->case_name);
	}
	free(a->stk);
	for (size_t i = 0; i < a->ncmp; i++)
		free(a->cmp[i].what);
	free(a->cmp);
}

/*
 * The series' context-tracking work types (ct_work_defer / ct_work_run
 * "work" field, a mask written as hex by the ipi collector): bit 0
 * CT_WORK_SYNC_CORE (serialise after kernel text changed), bit 1
 * CT_WORK_KERNEL_TLBI (flush the kernel TLB), in the order of
 * enum ct_work_bit in guest-kernel/patches/ipi-defer.
 */
const char *rp_ct_work_name(const char *type)
{
	static const char *const names[] = { "sync_core", "kernel TLB flush" };
	static char buf[8][96];
	static unsigned int slot;
	char *end, *b = buf[slot++ % 8];
	unsigned long v = strtoul(type, &end, 0);
	size_t len = 0;

	if (*end || end == type || !v)
		return type;
	b[0] = '\0';
	for (unsigned int i = 0; i < 8 * sizeof(v) && len < 80; i++) {
		if (!(v & (1UL << i)))
			continue;
		if (i < sizeof(names) / sizeof(names[0]))
			len += snprintf(b + len, 96 - len, "%s%s", len ? " + " : "", names[i]);
		else
			len += snprintf(b + len, 96 - len, "%sbit %u", len ? " + " : "", i);
	}
	return b;
}
