// SPDX-License-Identifier: GPL-2.0
/*
 * The report's "Noise time per source" section, from the osnoise collector
 * (out/osnoise.json of each run, docs/results.md): per case and kernel an
 * `rtla osnoise top`-shaped table (per isolated CPU: traced time, noise
 * time, CPU available to the workload, the longest single interruption,
 * and how many interruptions of each class), then one table per case with
 * every source (IRQ vector, softirq type, thread, NMI) on both kernels.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const classes[] = { "nmi", "irq", "softirq", "thread" };
#define NCLASSES 4

struct osn_cpu {
	int cpu;
	double runtime_s, noise_ns, max_ns;
	double count[NCLASSES];
};

struct osn_source {
	char *key;		/* "irq local_timer:236" */
	double count[2], total_ns[2], max_ns[2];
};

struct osn_case {
	const char *case_name;
	size_t nruns[2];
	struct osn_cpu *cpus[2];
	size_t ncpus[2];
	struct osn_source *src;
	size_t nsrc;
};

static void *grow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n + 1) * size);

	if (!q) {
		fprintf(stderr, "isolbench-report: out of memory\n");
		exit(2);
	}
	return q;
}

static struct osn_cpu *cpu_row(struct osn_case *c, int s, int cpu)
{
	for (size_t i = 0; i < c->ncpus[s]; i++)
		if (c->cpus[s][i].cpu == cpu)
			return &c->cpus[s][i];
	c->cpus[s] = grow(c->cpus[s], c->ncpus[s], sizeof(struct osn_cpu));
	memset(&c->cpus[s][c->ncpus[s]], 0, sizeof(struct osn_cpu));
	c->cpus[s][c->ncpus[s]].cpu = cpu;
	return &c->cpus[s][c->ncpus[s]++];
}

static struct osn_source *source(struct osn_case *c, const char *cls, const char *name)
{
	char *key = rp_printf("%s %s", cls, name);

	for (size_t i = 0; i < c->nsrc; i++)
		if (!strcmp(c->src[i].key, key)) {
			free(key);
			return &c->src[i];
		}
	c->src = grow(c->src, c->nsrc, sizeof(struct osn_source));
	memset(&c->src[c->nsrc], 0, sizeof(struct osn_source));
	c->src[c->nsrc].key = key;
	return &c->src[c->nsrc++];
}

static void add_run(struct osn_case *c, int s, struct json_object *o)
{
	struct json_object *per_cpu = rp_jget(o, "per_cpu", json_type_object);
	double window = rp_jnum(o, "duration_s", 0);

	c->nruns[s]++;
	json_object_object_foreach(per_cpu, k, v) {
		struct osn_cpu *row = cpu_row(c, s, atoi(k));

		row->runtime_s += window;
		row->noise_ns += rp_jnum(v, "noise_ns", 0);
		row->max_ns = fmax(row->max_ns, rp_jnum(v, "max_single_ns", 0));
		for (int i = 0; i < NCLASSES; i++) {
			struct json_object *srcs = rp_jget(v, classes[i], json_type_object);

			json_object_object_foreach(srcs, name, st) {
				struct osn_source *src = source(c, classes[i], name);

				row->count[i] += rp_jnum(st, "count", 0);
				src->count[s] += rp_jnum(st, "count", 0);
				src->total_ns[s] += rp_jnum(st, "total_ns", 0);
				src->max_ns[s] = fmax(src->max_ns[s], rp_jnum(st, "max_ns", 0));
			}
		}
	}
}

static int src_cmp(const void *pa, const void *pb)
{
	const struct osn_source *a = pa, *b = pb;
	double ta = fmax(a->total_ns[0], a->total_ns[1]), tb = fmax(b->total_ns[0], b->total_ns[1]);

	return ta < tb ? 1 : ta > tb ? -1 : strcmp(a->key, b->key);
}

static int cpu_cmp(const void *pa, const void *pb)
{
	return ((const struct osn_cpu *)pa)->cpu - ((const struct osn_cpu *)pb)->cpu;
}

static char *fmt_ns(double ns)
{
	char b[64];

	rp_fmt_ns(b, sizeof(b), ns);
	return rp_printf("%s", b);
}

static void top_table(struct rp_doc *d, const struct rp_analysis *a, struct osn_case *c, int s)
{
	const char *head[] = { "CPU", "traced", "noise", "% CPU available", "max single",
			       "NMI", "IRQ", "Softirq", "Thread" };
	char cap[256];

	qsort(c->cpus[s], c->ncpus[s], sizeof(struct osn_cpu), cpu_cmp);
	snprintf(cap, sizeof(cap), "Table %d: osnoise per isolated CPU, case %s, kernel %s "
		 "(%zu run(s))", rp_extra_table_no(a), c->case_name, rp_side_name(a, s), c->nruns[s]);
	rp_doc_table(d, cap, 9, head);
	for (size_t i = 0; i < c->ncpus[s]; i++) {
		const struct osn_cpu *r = &c->cpus[s][i];
		char *cells[9];

		cells[0] = rp_printf("%d", r->cpu);
		cells[1] = rp_printf("%.1f s", r->runtime_s);
		cells[2] = fmt_ns(r->noise_ns);
		cells[3] = r->runtime_s > 0 ?
			   rp_printf("%.5f", 100 - r->noise_ns / (r->runtime_s * 1e9) * 100) :
			   rp_printf("-");
		cells[4] = fmt_ns(r->max_ns);
		for (int k = 0; k < NCLASSES; k++)
			cells[5 + k] = rp_printf("%.0f", r->count[k]);
		rp_doc_row(d, (const char *const *)cells);
		for (int k = 0; k < 9; k++)
			free(cells[k]);
	}
	rp_doc_table_end(d);
}

static void source_table(struct rp_doc *d, const struct rp_analysis *a, struct osn_case *c)
{
	const char *head[7];
	char cap[256];
	int sides[2], nsides = 0;

	if (!c->nsrc)
		return;
	/* Only the kernels that have runs of this case get columns. */
	for (int s = 0; s < 2; s++)
		if (c->nruns[s])
			sides[nsides++] = s;
	head[0] = "source";
	for (int i = 0; i < nsides; i++) {
		head[1 + 3 * i] = rp_printf("%s count", rp_side_name(a, sides[i]));
		head[2 + 3 * i] = rp_printf("%s total", rp_side_name(a, sides[i]));
		head[3 + 3 * i] = rp_printf("%s max", rp_side_name(a, sides[i]));
	}
	qsort(c->src, c->nsrc, sizeof(struct osn_source), src_cmp);
	snprintf(cap, sizeof(cap), "Table %d: noise per source on the isolated CPUs, case %s "
		 "(summed over runs and CPUs; %zu / %zu run(s))", rp_extra_table_no(a), c->case_name,
		 c->nruns[0], c->nruns[1]);
	rp_doc_table(d, cap, 1 + 3 * nsides, head);
	for (size_t i = 0; i < c->nsrc; i++) {
		const struct osn_source *src = &c->src[i];
		char *cells[7];

		cells[0] = rp_printf("%s", src->key);
		for (int k = 0; k < nsides; k++) {
			int s = sides[k];

			cells[1 + 3 * k] = rp_printf("%.0f", src->count[s]);
			cells[2 + 3 * k] = fmt_ns(src->total_ns[s]);
			cells[3 + 3 * k] = src->count[s] ? fmt_ns(src->max_ns[s]) : rp_printf("-");
		}
		rp_doc_row(d, (const char *const *)cells);
		for (int k = 0; k < 1 + 3 * nsides; k++)
			free(cells[k]);
	}
	rp_doc_table_end(d);
	for (int k = 1; k < 1 + 3 * nsides; k++)
		free((char *)head[k]);
}

void rp_section_osnoise(struct rp_doc *d, struct rp_analysis *a)
{
	struct osn_case *cases = NULL;
	size_t ncases = 0, untrusted = 0;

	for (int s = 0; s < 2; s++) {
		const struct rp_campaign *camp = a->side[s].camp;

		if (s == 1 && a->side[1].camp == a->side[0].camp &&
		    !strcmp(a->side[1].kernel, a->side[0].kernel))
			break;
		for (size_t i = 0; i < camp->nruns; i++) {
			const struct rp_run *r = &camp->runs[i];
			struct json_object *o;
			struct osn_case *c = NULL;
			char *path;

			if (!r->ok || !rp_run_on_side(r, &a->side[s]))
				continue;
			path = rp_printf("%s/out/osnoise.json", r->dir);
			o = json_object_from_file(path);
			free(path);
			if (!o)
				continue;
			if (!json_object_get_boolean(json_object_object_get(o, "trustworthy")))
				untrusted++;
			for (size_t k = 0; k < ncases; k++)
				if (!strcmp(cases[k].case_name, r->case_name))
					c = &cases[k];
			if (!c) {
				cases = grow(cases, ncases, sizeof(*cases));
				c = &cases[ncases++];
				memset(c, 0, sizeof(*c));
				c->case_name = r->case_name;
			}
			add_run(c, s, o);
			json_object_put(o);
		}
	}
	rp_doc_heading(d, 2, "osnoise", "Noise time per source (osnoise)");
	rp_doc_para(d, "The osnoise collector runs the kernel's osnoise tracer on the isolated CPUs "
		       "underneath the workload, without a workload of its own (NO_OSNOISE_WORKLOAD). "
		       "Every interruption of the workload is one event with the time its source "
		       "took, the time of interruptions nested inside it subtracted: IRQs per "
		       "vector, softirqs per type, other threads per command name, NMIs. Traced: "
		       "the collector's window (armed before the measurement, stopped after it), "
		       "summed over runs. noise = the sum of all interruptions; %% CPU available = "
		       "100 - noise / traced time; max single = the longest one interruption. The "
		       "workload's own threads and the idle task are not noise. As in rtla osnoise "
		       "top, minus the HW column (hardware noise needs the tracer's own workload) "
		       "and the per-period Max Noise. The tracer's hooks add their own cost to "
		       "every interruption it times.");
	if (!ncases) {
		rp_doc_para(d, "Not measured: no run that ended ok has out/osnoise.json (add "
			       "osnoise to the collectors of an oslat case).");
		return;
	}
	if (untrusted)
		rp_doc_warn(d, "%zu osnoise.json file(s) say events were lost (ring buffer "
			       "overrun): their sums are too low.", untrusted);
	for (size_t k = 0; k < ncases; k++) {
		struct osn_case *c = &cases[k];

		rp_doc_heading(d, 3, NULL, "Case %s", c->case_name);
		for (int s = 0; s < 2; s++)
			if (c->nruns[s])
				top_table(d, a, c, s);
		source_table(d, a, c);
		for (int s = 0; s < 2; s++)
			free(c->cpus[s]);
		for (size_t i = 0; i < c->nsrc; i++)
			free(c->src[i].key);
		free(c->src);
	}
	free(cases);
}
