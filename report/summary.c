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
 * A campaign with more than two kernels ends with each kernel's CAL + TLB
 * interrupts on the isolated CPUs per ok run and case, next to the
 * baseline's (campaign.json "baseline", else the first kernel).
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
#include "jsonfile.h"
#include "latency.h"
#include "procirq.h"

struct row {
	char slug[256];
};

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->slug, ((const struct row *)b)->slug);
}

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

static void print_run(const char *dir, const char *slug, const struct ib_cpuset *iso)
{
	char path[PATH_MAX], err[512], cal[32], tlb[32];
	struct json_object *run;
	struct ib_lat_file *lat = NULL;
	struct ib_irq_snap *before = NULL, *after = NULL;
	struct ib_irq_diff *diff = NULL;
	const char *status, *kernel, *cs, *reason = "";
	double irqs = 0;
	bool irqs_ok = true;
	int rep = 0, cpu;

	snprintf(path, sizeof(path), "%s/runs/%s/run.json", dir, slug);
	run = ib_json_load_file(path, NULL, 0);
	status = jstr(run, "status", "unfinished");
	kernel = jstr(run, "kernel", "?");
	cs = jstr(run, "case", "?");
	{
		struct json_object *r;

		if (run && json_object_object_get_ex(run, "reasons", &r) && json_object_array_length(r))
			reason = json_object_get_string(json_object_array_get_idx(r, 0));
		else if (run && json_object_object_get_ex(run, "warnings", &r) &&
			 json_object_array_length(r))
			reason = json_object_get_string(json_object_array_get_idx(r, 0));
	}
	{
		const char *p = strstr(slug, "-rep");

		if (p)
			rep = atoi(p + 4);
	}
	snprintf(path, sizeof(path), "%s/runs/%s/out/oslat.json", dir, slug);
	lat = ib_lat_load_oslat(path, err, sizeof(err));
	if (!lat) {
		/* The bad case: per-entry cost instead of oslat's gaps. */
		snprintf(path, sizeof(path), "%s/runs/%s/out/entry.json", dir, slug);
		lat = ib_lat_load_entry(path, err, sizeof(err));
	}
	if (!lat) {
		/* Timer wake-ups: cyclictest's latencies. */
		snprintf(path, sizeof(path), "%s/runs/%s/out/cyclictest.json", dir, slug);
		lat = ib_lat_load_cyclictest(path, err, sizeof(err));
	}
	snprintf(path, sizeof(path), "%s/runs/%s/out/interrupts.before", dir, slug);
	before = ib_irq_snap_load(path, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/runs/%s/out/interrupts.after", dir, slug);
	after = ib_irq_snap_load(path, err, sizeof(err));
	if (before && after)
		diff = ib_irq_diff_compute(before, after, err, sizeof(err));

	ib_cpuset_for_each(cpu, iso) {
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
		if (diff) {
			uint64_t d;

			if (ib_irqstat_cpu_delta(diff, IB_IRQ_CAL, cpu, &d) == 0) {
				snprintf(cal, sizeof(cal), "%llu", (unsigned long long)d);
				irqs += (double)d;
			} else {
				irqs_ok = false;
			}
			if (ib_irqstat_cpu_delta(diff, IB_IRQ_TLB, cpu, &d) == 0) {
				snprintf(tlb, sizeof(tlb), "%llu", (unsigned long long)d);
				irqs += (double)d;
			} else {
				irqs_ok = false;
			}
		} else {
			irqs_ok = false;
		}
		printf("%-10s %-18s %3d %-8s %4d %12s %12s %8s %8s  %.60s\n", kernel, cs, rep, status,
		       cpu, maxs, p99s, cal, tlb, reason);
		reason = "";
	}
	if (irqs_ok && !strcmp(status, "ok"))
		add_sum(kernel, cs, irqs);
	ib_irq_diff_free(diff);
	ib_irq_snap_free(before);
	ib_irq_snap_free(after);
	ib_lat_file_free(lat);
	json_object_put(run);
}

/*
 * The work of one run besides the measurement: the steady-state window
 * (guest CLOCK_MONOTONIC, from ipi.json), each provoker's operations done /
 * asked (and inside the window), the kernel-build rounds the kbuild noise
 * finished during the whole run (kbuild.stdout). Nothing when none of it.
 */
static void print_work(const char *dir, const char *slug)
{
	char path[PATH_MAX], line[512], buf[1024] = "";
	struct json_object *ipi, *w, *v;
	struct dirent *d;
	size_t len = 0;
	DIR *out;
	FILE *f;

	snprintf(path, sizeof(path), "%s/runs/%s/out/ipi.json", dir, slug);
	ipi = json_object_from_file(path);
	if (ipi && json_object_object_get_ex(ipi, "window", &w) &&
	    json_object_object_get_ex(w, "duration_s", &v))
		len += snprintf(buf + len, sizeof(buf) - len, " window %.1f s (%s);",
				json_object_get_double(v), jstr(w, "how", "?"));
	json_object_put(ipi);

	snprintf(path, sizeof(path), "%s/runs/%s/out", dir, slug);
	out = opendir(path);
	while (out && (d = readdir(out)) && len < sizeof(buf)) {
		struct json_object *st, *t, *iw;
		char sp[PATH_MAX + 300];

		if (strncmp(d->d_name, "storm-", 6) || !strstr(d->d_name, ".json"))
			continue;
		snprintf(sp, sizeof(sp), "%s/%s", path, d->d_name);
		st = json_object_from_file(sp);
		if (!st)
			continue;
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
		json_object_put(st);
	}
	if (out)
		closedir(out);

	snprintf(path, sizeof(path), "%s/runs/%s/out/kbuild.stdout", dir, slug);
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
		printf("  %s:%s\n", slug, buf);
}

int main(int argc, char **argv)
{
	char path[PATH_MAX], err[256];
	struct json_object *campaign, *guest, *hosts = NULL;
	struct ib_cpuset iso;
	struct row *rows = NULL;
	size_t nrows = 0;
	struct dirent *d;
	DIR *dir;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc == 2 ? stdout : stderr, "usage: isolbench-summary CAMPAIGN_DIR\n");
		return argc == 2 ? 0 : 2;
	}
	snprintf(path, sizeof(path), "%s/campaign.json", argv[1]);
	campaign = ib_json_load_file(path, NULL, 0);
	if (!campaign || !json_object_object_get_ex(campaign, "guest", &guest) ||
	    ib_cpuset_parse(jstr(guest, "isolated", ""), &iso, err, sizeof(err)) < 0) {
		fprintf(stderr, "isolbench-summary: %s is not a campaign folder (no readable campaign.json)\n",
			argv[1]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/runs", argv[1]);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.' || strstr(d->d_name, ".attempt-"))
			continue;
		rows = realloc(rows, (nrows + 1) * sizeof(*rows));
		snprintf(rows[nrows++].slug, sizeof(rows->slug), "%s", d->d_name);
	}
	if (dir)
		closedir(dir);
	qsort(rows, nrows, sizeof(*rows), cmp_rows);

	{
		DIR *hd;

		snprintf(path, sizeof(path), "%s/hosts", argv[1]);
		hd = opendir(path);
		while (hd && (d = readdir(hd))) {
			char hp[PATH_MAX + 300];

			if (!strstr(d->d_name, ".json"))
				continue;
			snprintf(hp, sizeof(hp), "%s/%s", path, d->d_name);
			hosts = ib_json_load_file(hp, NULL, 0);
			if (hosts)
				printf("host %s: %s, accelerator %s, %s\n", jstr(hosts, "hostname", "?"),
				       jstr(hosts, "host_cpu_model", "?"), jstr(hosts, "accel", "?"),
				       jstr(hosts, "qemu", "?"));
			if (hosts && !strcmp(jstr(hosts, "accel", ""), "tcg"))
				printf("  TCG: latencies are emulated and say nothing about hardware; "
				       "interrupt counts are real kernel behaviour.\n");
			json_object_put(hosts);
		}
		if (hd)
			closedir(hd);
	}
	printf("\n%-10s %-18s %3s %-8s %4s %12s %12s %8s %8s  %s\n", "kernel", "case", "rep", "status",
	       "cpu", "max", "p99", "CAL", "TLB", "note");
	{
		size_t ok = 0;

		for (size_t i = 0; i < nrows; i++) {
			struct json_object *run;
			char rp[PATH_MAX + 300];

			print_run(argv[1], rows[i].slug, &iso);
			snprintf(rp, sizeof(rp), "%s/runs/%s/run.json", argv[1], rows[i].slug);
			run = ib_json_load_file(rp, NULL, 0);
			ok += !strcmp(jstr(run, "status", ""), "ok");
			json_object_put(run);
		}
		printf("\n%zu of %zu runs ok\n", ok, nrows);
		printf("\nwork per run (window: guest time from ipi.json; provokers: operations "
		       "done/asked; kernel build: whole run):\n");
		for (size_t i = 0; i < nrows; i++)
			print_work(argv[1], rows[i].slug);
	}
	print_kernels(campaign);
	free(sums);
	free(rows);
	json_object_put(campaign);
	return 0;
}
