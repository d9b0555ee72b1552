// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-summary: the short table printed at the end of a campaign.
 *
 *   isolbench-summary CAMPAIGN_DIR
 *
 * One line per run and isolated CPU: kernel, case, repetition, status,
 * max and p99 of the run's latency (oslat's gaps, cyclictest's wake-ups; for the bad case, the
 * cost of one kernel entry at the fastest rate of the sweep), and the
 * function-call (CAL) and TLB-shootdown (TLB) interrupts that CPU took
 * during the run. A run that failed is shown
 * with its first reason; its other numbers are shown where its files exist.
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
#include "jsonfile.h"
#include "latency.h"
#include "procirq.h"
#include "report.h"

static const char *jstr(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return def;
	return json_object_get_string(v);
}

static void fmt_ns(char *buf, size_t len, double ns, int lower_bound)
{
	if (ns >= 1e6)
		snprintf(buf, len, "%s%.2fms", lower_bound ? ">=" : "", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%s%.1fus", lower_bound ? ">=" : "", ns / 1e3);
	else
		snprintf(buf, len, "%s%.0fns", lower_bound ? ">=" : "", ns);
}

/* CAL + TLB on the isolated CPUs, summed over the ok runs of one kernel and case. */
struct kc_sum {
	char kernel[64], cs[64];
	double irqs;
	size_t runs;
};

static struct kc_sum *sums;
static size_t nsums;

static void add_sum(const char *kernel, const char *cs, double irqs)
{
	struct kc_sum *s;

	for (size_t i = 0; i < nsums; i++)
		if (!strcmp(sums[i].kernel, kernel) && !strcmp(sums[i].cs, cs)) {
			sums[i].irqs += irqs;
			sums[i].runs++;
			return;
		}
	s = realloc(sums, (nsums + 1) * sizeof(*sums));
	if (!s)
		return;
	sums = s;
	s = &sums[nsums++];
	snprintf(s->kernel, sizeof(s->kernel), "%s", kernel);
	snprintf(s->cs, sizeof(s->cs), "%s", cs);
	s->irqs = irqs;
	s->runs = 1;
}

static const struct kc_sum *find_sum(const char *kernel, const char *cs)
{
	for (size_t i = 0; i < nsums; i++)
		if (!strcmp(sums[i].kernel, kernel) && !strcmp(sums[i].cs, cs))
			return &sums[i];
	return NULL;
}

/* Each variant next to the baseline, per case: CAL + TLB per ok run on the isolated CPUs. */
static void print_kernels(struct json_object *campaign)
{
	struct json_object *ks;
	const char *base;

	if (!json_object_object_get_ex(campaign, "kernels", &ks) ||
	    !json_object_is_type(ks, json_type_array) || json_object_array_length(ks) < 3)
		return;
	base = jstr(campaign, "baseline",
		    jstr(json_object_array_get_idx(ks, 0), "name", "?"));
	printf("\nCAL + TLB interrupts on the isolated CPUs per ok run, against %s:\n", base);
	printf("%-10s %-18s %5s %10s %10s %8s\n", "kernel", "case", "runs", "per run", base,
	       "change");
	for (size_t k = 0; k < json_object_array_length(ks); k++) {
		const char *kn = jstr(json_object_array_get_idx(ks, k), "name", "?");

		for (size_t i = 0; i < nsums; i++) {
			const struct kc_sum *s = &sums[i], *b = find_sum(base, s->cs);
			double v = s->irqs / s->runs, bv = b ? b->irqs / b->runs : -1;
			char ch[32] = "-";

			if (strcmp(s->kernel, kn))
				continue;
			if (strcmp(kn, base) && bv > 0)
				snprintf(ch, sizeof(ch), "%+.0f%%", (v / bv - 1) * 100);
			if (bv >= 0)
				printf("%-10s %-18s %5zu %10.1f %10.1f %8s\n", kn, s->cs, s->runs, v, bv,
				       ch);
			else
				printf("%-10s %-18s %5zu %10.1f %10s %8s\n", kn, s->cs, s->runs, v, "-",
				       ch);
		}
	}
}

/* One line per isolated CPU of run @r, from what the shared loader read. */
static void print_run(const struct rp_run *r)
{
	const struct ib_lat_file *lat = r->oslat ? r->oslat : r->entry ? r->entry : r->cyclic;
	const char *reason = r->nreasons ? r->reasons[0] : r->nflags ? r->flags[0] : "";
	char cal[32], tlb[32];
	double irqs = 0;
	bool irqs_ok = true;
	int cpu;

	ib_cpuset_for_each(cpu, &r->iso) {
		char maxs[32] = "-", p99s[32] = "-";
		const struct ib_lat_series *s = NULL;

		/* oslat: the CPU's series; entry: its "as fast as possible" rate
		 * (target 0) or else the last rate of the sweep. */
		for (size_t i = 0; lat && i < lat->n; i++)
			if (lat->series[i].cpu == cpu &&
			    (!s || lat->tool != IB_LAT_ENTRY || lat->series[i].target_rate == 0 ||
			     s->target_rate != 0))
				s = &lat->series[i];
		if (s) {
			struct ib_hist_stats st;

			if (ib_hist_stats(s->hist, &st) == 0) {
				fmt_ns(maxs, sizeof(maxs), st.max, st.max_low);
				fmt_ns(p99s, sizeof(p99s), st.p99.value, st.p99.in_overflow);
			}
		}
		snprintf(cal, sizeof(cal), "-");
		snprintf(tlb, sizeof(tlb), "-");
		if (r->irq) {
			uint64_t d;

			if (ib_irqstat_cpu_delta(r->irq, IB_IRQ_CAL, cpu, &d) == 0) {
				snprintf(cal, sizeof(cal), "%llu", (unsigned long long)d);
				irqs += (double)d;
			} else {
				irqs_ok = false;
			}
			if (ib_irqstat_cpu_delta(r->irq, IB_IRQ_TLB, cpu, &d) == 0) {
				snprintf(tlb, sizeof(tlb), "%llu", (unsigned long long)d);
				irqs += (double)d;
			} else {
				irqs_ok = false;
			}
		} else {
			irqs_ok = false;
		}
		printf("%-10s %-18s %3d %-8s %4d %12s %12s %8s %8s  %.60s\n", r->kernel, r->case_name,
		       r->rep, r->status, cpu, maxs, p99s, cal, tlb, reason);
		reason = "";
	}
	if (irqs_ok && r->ok)
		add_sum(r->kernel, r->case_name, irqs);
}

/*
 * The work of one run besides the measurement: the steady-state window
 * (guest CLOCK_MONOTONIC, from ipi.json), each provoker's operations done /
 * asked (and inside the window), the kernel-build rounds the kbuild noise
 * finished during the whole run (kbuild.stdout). Nothing when none of it.
 */
static void print_work(const struct rp_run *r)
{
	char path[PATH_MAX], line[512], buf[1024] = "";
	struct json_object *w, *v;
	size_t len = 0;
	FILE *f;

	if (r->ipi && json_object_object_get_ex(r->ipi, "window", &w) &&
	    json_object_object_get_ex(w, "duration_s", &v))
		len += snprintf(buf + len, sizeof(buf) - len, " window %.1f s (%s);",
				json_object_get_double(v), jstr(w, "how", "?"));
	for (size_t i = 0; i < r->nstorms && len < sizeof(buf); i++) {
		struct json_object *st = r->storms[i], *t, *iw;

		len += snprintf(buf + len, sizeof(buf) - len, " %s %lld", jstr(st, "kind", "?"),
				(long long)json_object_get_int64(json_object_object_get(st, "ops")));
		if (len < sizeof(buf) && json_object_object_get_ex(st, "operations_target", &t))
			len += snprintf(buf + len, sizeof(buf) - len, "/%lld",
					(long long)json_object_get_int64(t));
		if (len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, " ops");
		if (len < sizeof(buf) && json_object_object_get_ex(st, "operations_in_window", &iw))
			len += snprintf(buf + len, sizeof(buf) - len, " (%lld in window)",
					(long long)json_object_get_int64(iw));
		if (len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, " at %.1f/s;",
					json_object_get_double(json_object_object_get(st,
										      "achieved_rate")));
	}

	snprintf(path, sizeof(path), "%s/out/kbuild.stdout", r->dir);
	f = fopen(path, "r");
	if (f && len < sizeof(buf)) {
		unsigned int done = 0, failed = 0, objs = 0, n, secs, status;

		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "kbuild round %u done (status %u", &n, &status) == 2) {
				done++;
				failed += status != 0;
			} else if (sscanf(line, "kbuild round %u stopped after %u s, %u objects",
					  &n, &secs, &objs) == 3) {
				;
			}
		}
		len += snprintf(buf + len, sizeof(buf) - len,
				" kernel build %u round(s) done (%u failed), %u objects into the "
				"unfinished one;", done, failed, objs);
	}
	if (f)
		fclose(f);
	if (len && len < sizeof(buf))
		printf("  %s:%s\n", r->slug, buf);
}

int main(int argc, char **argv)
{
	struct rp_campaign *c;
	char err[1024];
	size_t ok = 0;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc == 2 ? stdout : stderr, "usage: isolbench-summary CAMPAIGN_DIR\n");
		return argc == 2 ? 0 : 2;
	}
	/* The report's loader: the same reading of every file as the report. */
	c = rp_campaign_load(argv[1], err, sizeof(err));
	if (!c) {
		fprintf(stderr, "isolbench-summary: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < json_object_array_length(c->hosts); i++) {
		struct json_object *h = json_object_array_get_idx(c->hosts, i);

		printf("host %s: %s, accelerator %s, %s\n", jstr(h, "hostname", "?"),
		       jstr(h, "host_cpu_model", "?"), jstr(h, "accel", "?"), jstr(h, "qemu", "?"));
		if (!strcmp(jstr(h, "accel", ""), "tcg"))
			printf("  TCG: latencies are emulated and say nothing about hardware; "
			       "interrupt counts are real kernel behaviour.\n");
	}
	printf("\n%-10s %-18s %3s %-8s %4s %12s %12s %8s %8s  %s\n", "kernel", "case", "rep", "status",
	       "cpu", "max", "p99", "CAL", "TLB", "note");
	for (size_t i = 0; i < c->nruns; i++) {
		print_run(&c->runs[i]);
		ok += c->runs[i].ok;
	}
	printf("\n%zu of %zu runs ok\n", ok, c->nruns);
	printf("\nwork per run (window: guest time from ipi.json; provokers: operations "
	       "done/asked; kernel build: whole run):\n");
	for (size_t i = 0; i < c->nruns; i++)
		print_work(&c->runs[i]);
	print_kernels(c->campaign);
	free(sums);
	rp_campaign_free(c);
	return 0;
}
