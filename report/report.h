/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_REPORT_H
#define ISOLBENCH_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cpulist.h"
#include "hist.h"
#include "latency.h"
#include "perfstat.h"
#include "procirq.h"
#include "stats.h"

/*
 * isolbench-report's model: campaign folders loaded once (campaign.c), the
 * numbers computed from them (analysis.c), then written as Markdown and
 * HTML side by side (doc.c), with gnuplot PNGs (plot.c) and the gates of
 * the campaign file judged (gates.c). report.c holds main() and the text.
 */

/* One run folder, runs/<slug>/, with every file it has loaded. */
struct rp_run {
	const struct rp_campaign *camp;
	char *slug, *dir;
	char *kernel, *case_name, *case_kind, *status, *accel;
	char **reasons;
	size_t nreasons;
	int rep;
	double wall_s;
	double window_s;		/* measurement window from job-record.json, 0 unknown */
	char *cmdline, *release;	/* from job-record.json .guest; NULL when absent */
	struct ib_cpuset iso;		/* the run's isolated CPUs */
	bool ok;			/* status "ok" */
	/*
	 * What the run itself flagged: job-record.json "warnings" (a tool that
	 * exited 3, results untrustworthy), run.json "warnings". A flagged run
	 * stays out of the statistics unless the campaign file's
	 * report.include_flagged_runs says otherwise.
	 */
	char **flags;
	size_t nflags;
	bool used;			/* ok, and not flagged (or flagged runs included) */
	char *exit3;			/* tools that exited 3 without a runner warning ("storm-bpf") */
	/* out/storm-*.json, each as loaded (NULL entries never). */
	struct json_object **storms;
	char **storm_names;		/* "storm-bpf" */
	size_t nstorms;
	/* Each file: loaded, or NULL with the reason in *_err (NULL = file absent). */
	struct ib_lat_file *oslat, *entry, *cyclic;
	char *oslat_err, *entry_err, *cyclic_err;
	struct ib_perf_stat *perf;	/* out/perf.csv: perf stat around entry */
	char *perf_note;		/* why there is none (job-record "perf".reason) */
	struct ib_irq_diff *irq;
	char *irq_err;
	struct json_object *ipi;
	char *ipi_err;
	bool oom;		/* an allocation failed while loading it */
};

struct rp_campaign {
	char *dir, *name;
	struct json_object *campaign;	/* campaign.json */
	struct json_object *timing;	/* timing.json or NULL */
	struct json_object *kernels;	/* {name: kernels/<name>.json} */
	struct json_object *hosts;	/* every hosts/<host>.json, an array */
	struct json_object *image;	/* image.json or NULL */
	struct ib_cpuset iso;
	char iso_str[64], hk_str[64];
	double duration_s, warmup_s;
	int reps;
	bool tcg;			/* any host or run says the guests ran under TCG */
	bool include_flagged;		/* campaign.json report.include_flagged_runs */
	struct rp_run *runs;
	size_t nruns;
	bool oom;			/* an allocation failed while loading */
};

/**
 * rp_campaign_load() - read a campaign folder; never fails on a broken run.
 * @dir:    the folder
 * @err:    message when the folder itself is unusable
 * @errlen: size of @err
 *
 * Return: the campaign, or NULL when campaign.json is missing or unreadable.
 */
struct rp_campaign *rp_campaign_load(const char *dir, char *err, size_t errlen);
void rp_campaign_free(struct rp_campaign *c);

/* JSON helpers that never fail: a default when the member is absent or of another type. */
const char *rp_jstr(struct json_object *o, const char *key, const char *def);
double rp_jnum(struct json_object *o, const char *key, double def);
struct json_object *rp_jget(struct json_object *o, const char *key, enum json_type type);

/* Which runs are compared: side 0 is the baseline kernel, side 1 the patched one. */
struct rp_side {
	const struct rp_campaign *camp;
	const char *kernel;
	const char *name;	/* what the report calls it: the kernel, or "<kernel> (baseline campaign)" */
	char *name_buf;
};

enum rp_ipi_source {
	RP_SRC_NONE,
	RP_SRC_TRACE,		/* ipi.json of every run */
	RP_SRC_PROCIRQ,		/* /proc/interrupts deltas */
};

enum rp_ctx { RP_CTX_USER, RP_CTX_KERNEL, RP_CTX_IDLE, RP_CTX_UNKNOWN, RP_CTX_N };

struct rp_ipi_row {
	char *name;
	bool deferrable;	/* a callback the series defers */
	double total[2];	/* summed over runs and isolated CPUs */
	double rate[2];		/* per isolated CPU-second */
	double ctx[2][RP_CTX_N];	/* per context, summed (only runs that classified) */
	bool has_ctx[2];
};

struct rp_ct_row {
	char *type;
	double deferred, run;	/* patched kernel, summed */
};

struct rp_ipi_case {
	char *case_name;
	enum rp_ipi_source source;
	size_t nruns[2], ntraced[2];	/* ok runs; those with ipi.json */
	double cpu_min[2];		/* isolated-CPU minutes covered */
	struct rp_ipi_row *rows;
	size_t nrows;
	struct rp_ct_row *ct;
	size_t nct;
	bool ct_present;
	/* Cross-check, per side: sent (trace), received call-function (trace),
	 * CAL delta (/proc/interrupts), each NAN when unknown. */
	double sent[2], received[2], cal[2];
	double lost[2];
	size_t untrusted[2];
	double deferrable[2];		/* total of the deferrable callbacks (or CAL+TLB) */
	double deferrable_rate[2];	/* per isolated CPU-second */
	double *unit_rate[2];		/* the same, one value per run (the run is the unit) */
	size_t nunit[2];
	double cpu_s[2];		/* isolated CPU-seconds covered (window x CPUs) */
	/*
	 * Where the deferrable IPIs landed (ipi.json schema 2 "context"): per run,
	 * those that interrupted user space per isolated CPU-second in user space.
	 */
	double *user_rate[2];
	size_t nuser[2];
	struct rs_ci user_ci[2], rate_ci[2];	/* mean over runs, t interval */
	size_t nclassified[2];		/* runs whose ipi.json classified the context */
	char *unclassified_why[2];	/* per kernel: one reason a run gave, or "not recorded" */
	double ctx_time[2][4];		/* isolated CPU-seconds in user/kernel/idle/unknown */
	/* The window (guest time) and the provokers' operations, per kernel. */
	double window_s[2];		/* median over runs */
	double window_min[2], window_max[2];
	char *window_how[2];		/* "steady-state", "collector", or NULL: not recorded */
	double ops[2];			/* operations per run, median; NAN: not recorded */
	bool ops_in_window[2];		/* every run said operations_in_window */
	double ops_total[2];		/* summed over runs, for IPIs per operation */
	double achieved[2];		/* achieved operations per second, median over runs */
	double target_ops[2];		/* operations_target, median; NAN unknown */
	size_t nops[2];
	double *ops_run[2], *ach_run[2], *tgt_run[2];	/* per run, for the medians */
	size_t ntarget[2];
	int table_no, plot_no;
	char *plot;			/* PNG file name or NULL */
};

/*
 * Statistics compared run by run in the good case, one value per run (its
 * isolated CPUs merged). Interruptions are counted above fixed thresholds
 * per isolated CPU-second, which does not depend on how many samples a
 * loop took (unlike p99.99).
 */
enum rp_good_metric {
	RP_GM_P50,
	RP_GM_MAX,
	RP_GM_GT10US,	/* gaps > 10 us per isolated CPU-second */
	RP_GM_GT100US,
	RP_GM_GT1MS,
	RP_GM_STOLEN,	/* time in gaps > 10 us, ns per CPU-second (overflows at the edge) */
	RP_GM_N,
};

struct rp_good_cpu {
	int cpu;		/* -1: all isolated CPUs together */
	bool ok;
	struct ib_hist_stats st;	/* in ns */
	uint64_t overflow;
	double exact_mean_ns;	/* duration / samples (oslat), NAN otherwise */
	uint64_t residual_ns;	/* label excess left in the values (ns mode) */
};

struct rp_good_case {
	char *case_name;
	enum ib_lat_tool tool;		/* IB_LAT_OSLAT or IB_LAT_CYCLICTEST */
	size_t nruns[2];
	struct rp_good_cpu *cpus[2];	/* per CPU, then the "all" row */
	size_t ncpus[2];
	struct ib_hist *all[2];		/* merged over runs and CPUs */
	double *unit[2][RP_GM_N];
	size_t nunit[2];
	char *version[2];		/* rt-tests version */
	double gt_rate[2][3];		/* gaps > 10 us, 100 us, 1 ms per CPU-second, all runs */
	bool stolen_low[2];		/* overflows: lost time is a lower bound */
	int table_no, plot_no;
	char *plot;
};

struct rp_bad_rate {
	uint64_t target;		/* 0 = as fast as possible */
	double *cost[2];		/* median ns per entry, one per run (its CPUs merged) */
	double *achieved[2];
	size_t n[2];
	struct rs_ci ci[2];		/* median of cost[] with its interval */
	double achieved_med[2];
	struct rs_ci pct;		/* overhead of patched, % */
	struct rs_mwu mwu;
	bool have_mwu;
};

struct rp_breakeven {
	bool computed;
	char why[512];			/* when not computed, or how it was */
	double saved_per_s;		/* deferred IPIs per isolated CPU per second */
	double ipi_cost_ns;
	bool cost_measured;
	double rate;			/* entries per second; INFINITY = none within the rates */
	char where[256];
};

/* perf stat counts of the entry runs, summed over runs and isolated CPUs. */
enum rp_perf_event { RP_PERF_CYCLES_K, RP_PERF_INSNS_K, RP_PERF_CYCLES, RP_PERF_INSNS, RP_PERF_N };

struct rp_bad_case {
	char *case_name, *kind;
	size_t nruns[2];
	size_t nperf[2];		/* runs with a usable perf.csv */
	double perf[2][RP_PERF_N];	/* NAN when not counted */
	double perf_entries[2];		/* kernel entries of those runs */
	char *perf_note;		/* why there are no counters, from a job record */
	struct rp_bad_rate *rates;
	size_t nrates;
	struct rp_breakeven be;
	int table_no, plot_no;
	char *plot;
};

/* One line of the "Is it real?" table. */
struct rp_cmp {
	char *what;		/* "oslat-hackbench: p99 (us)" */
	const char *unit;
	int ref_table;
	double med[2];
	size_t n[2];
	struct rs_ci ci[2];
	struct rs_ci diff;	/* patched - baseline, median */
	struct rs_mwu mwu;
	bool have_mwu;
	bool lower_is_better;
	double p_holm;		/* Holm-adjusted over the comparisons of the same table */
	size_t family;		/* how many comparisons that table has */
	bool evaluable;		/* p_holm can fall below alpha at these n */
	int verdict;		/* -1 patched better, 0 no significant difference, 1 worse */
};

/* One sender stack, merged over runs by its function names (offsets differ between kernels). */
struct rp_stack {
	char *key;		/* function names, one per line, no "+0x.." */
	char *frames;		/* the most frequent variant, with offsets */
	double best;		/* count of that variant in one run */
	double count;
	double other;		/* the same key's count on the other kernel */
};

struct rp_stack_cb {
	char *callback;
	bool deferrable;
	double total;		/* sends in the top stacks of the runs */
	double sends;		/* every send with a stack ("stacks_total"), NAN if unknown */
	bool on_other;		/* the other kernel has stacks of this callback */
	struct rp_stack *st;
	size_t n;
};

struct rp_stack_case {
	char *case_name;
	size_t nruns[2];	/* ok runs whose ipi.json has "stacks" */
	struct rp_stack_cb *cb[2];
	size_t ncb[2];
};

struct rp_options {
	double alpha, level;
	unsigned int nboot;
	unsigned long seed;
	double ipi_cost_ns;	/* 0: estimate from the data */
	bool plots;
	const char *outdir;
};

struct rp_analysis {
	struct rp_side side[2];
	const struct rp_campaign *main, *base;	/* base == main without --baseline */
	struct rp_ipi_case *ipi;
	size_t nipi;
	struct rp_good_case *good;
	size_t ngood;
	struct rp_bad_case *bad;
	size_t nbad;
	struct rp_stack_case *stk;
	size_t nstk;
	struct rp_cmp *cmp;
	size_t ncmp;
	size_t runs_total, runs_failed;
	size_t runs_flagged;		/* ok but flagged by a tool or the runner */
	bool flagged_included;
	double ipi_cost_est_ns;		/* from the good case, NAN when not possible */
	struct rp_instr *instr;		/* icount runs (instr.c), NULL before rp_analyse() */
	char ipi_cost_why[512];
	int cmp_table_no, runs_table_no;
	bool oom;			/* an allocation failed: rp_analyse() returns -1 */
	/* One variant of a campaign with more kernels: list only the runs of the two sides. */
	bool only_side_runs;
};

/* Frames shown per sender stack, stacks shown per callback. */
#define RP_STACK_FRAMES	16
#define RP_STACK_TOP	3

/* The callbacks the series defers (compared without a "+0x.." suffix). */
bool rp_deferrable(const char *callback);

/* True when @r belongs to side @s. */
bool rp_run_on_side(const struct rp_run *r, const struct rp_side *s);

/**
 * rp_analyse() - every number of the report.
 * @a:   filled in (side[] and main/base must be set)
 * @opt: options
 *
 * Return: 0, or -1 with errno = ENOMEM.
 */
int rp_analyse(struct rp_analysis *a, const struct rp_options *opt);
void rp_analysis_free(struct rp_analysis *a);

/**
 * rp_side_name() - the name the report gives side @s (0 baseline, 1 patched).
 * @a: an analysis whose sides rp_analyse() named
 * @s: 0 or 1
 *
 * Return: the name, owned by @a.
 */
const char *rp_side_name(const struct rp_analysis *a, int s);

/* Markdown and HTML written together (doc.c). */
struct rp_doc;
struct rp_doc *rp_doc_open(const char *dir, const char *title);
int rp_doc_close(struct rp_doc *d);
void rp_doc_heading(struct rp_doc *d, int level, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void rp_doc_para(struct rp_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_doc_warn(struct rp_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_doc_item(struct rp_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_doc_list_end(struct rp_doc *d);
void rp_doc_table(struct rp_doc *d, const char *caption, size_t ncols, const char *const *head);
void rp_doc_row(struct rp_doc *d, const char *const *cells);
void rp_doc_table_end(struct rp_doc *d);
void rp_doc_image(struct rp_doc *d, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rp_doc_pre(struct rp_doc *d, const char *text);
/* A block the HTML folds (<details>); Markdown shows @summary in bold. */
void rp_doc_details(struct rp_doc *d, const char *summary);
void rp_doc_details_end(struct rp_doc *d);

/* Config fidelity (fidelity.c) and osnoise (osnoise.c) sections. */
int rp_extra_table_no(const struct rp_analysis *a);
void rp_section_fidelity(struct rp_doc *d, struct rp_analysis *a);
void rp_section_osnoise(struct rp_doc *d, struct rp_analysis *a);

/* Plots (plot.c): 0 on success, -1 when gnuplot failed (message in @err). */
int rp_plot_available(void);
int rp_plot_oslat(const struct rp_analysis *a, struct rp_good_case *g, const char *dir,
		  const char *file, char *err, size_t errlen);
int rp_plot_entry(const struct rp_analysis *a, struct rp_bad_case *b, const char *dir,
		  const char *file, char *err, size_t errlen);
int rp_plot_ipi(const struct rp_analysis *a, struct rp_ipi_case *ic, const char *dir,
		const char *file, char *err, size_t errlen);

/* The deterministic (icount) mode's instruction counts (instr.c). */
struct rp_instr;
/** rp_instr_analyse() - read the icount entry runs; called by rp_analyse(). 0 or -1 (ENOMEM). */
int rp_instr_analyse(struct rp_analysis *a);
void rp_instr_free(struct rp_analysis *a);
/** rp_instr_section() - the report section; writes nothing without icount runs. */
void rp_instr_section(struct rp_doc *d, const struct rp_analysis *a);

/**
 * rp_instr_cost_per_entry() - guest instructions per getpid entry on isolated vCPUs.
 * @a:    the analysis
 * @side: 0 baseline, 1 patched
 * @mean: mean over the repetitions (each run: the median entry of its isolated vCPUs)
 * @lo:   the smallest repetition
 * @hi:   the largest repetition
 *
 * Only runs in icount mode count (run.json "guest_clock": "icount"); the
 * numbers are exact instruction counts, not time.
 *
 * Return: 0, or -1 (all three NAN) when that side has no such run.
 */
int rp_instr_cost_per_entry(const struct rp_analysis *a, int side, double *mean, double *lo,
			    double *hi);

/**
 * rp_instr_delta() - patched minus baseline instructions per entry, icount runs.
 * @a:            the analysis
 * @kind:         the entry kind: getpid, pagefault, inkernel, or ipi (per IPI)
 * @housekeeping: the housekeeping vCPUs instead of the isolated ones
 * @delta:        difference of the means over repetitions
 * @spread_pct:   the larger spread (largest - smallest repetition, % of the mean) of the two
 *
 * Return: 0, or -1 (both NAN) when a kernel has no such run.
 */
int rp_instr_delta(const struct rp_analysis *a, const char *kind, bool housekeeping,
		   double *delta, double *spread_pct);
/**
 * rp_instr_cost() - guest instructions per entry of kind @kind (getpid,
 * pagefault) on isolated or housekeeping vCPUs, icount runs: the mean over
 * runs and the smallest and largest run. 0, or -1 when that side has none.
 */
int rp_instr_cost(const struct rp_analysis *a, const char *kind, bool housekeeping, int side,
		  double *mean, double *lo, double *hi);
/**
 * rp_ipi_saved_per_s() - deferrable IPIs the series saves per isolated CPU and
 * second of guest time: of the cases with an IPI count, the one where the
 * baseline took the most more than the patched kernel (@from: its name).
 * NAN and @from NULL when no case has both kernels.
 */
double rp_ipi_saved_per_s(const struct rp_analysis *a, const char **from);
/** rp_instr_has_case() - whether case @case_name ran in icount mode (its figures are in instr). */
bool rp_instr_has_case(const struct rp_analysis *a, const char *case_name);
/** rp_instr_case_of() - the case whose icount runs give rp_instr_cost()'s figure, or "-". */
const char *rp_instr_case_of(const struct rp_analysis *a, const char *kind, bool housekeeping);

/* Gates (gates.c). */
struct rp_gate_result {
	char *name;
	double value;		/* NAN: could not be measured */
	double limit;
	const char *op;		/* "<=" or ">=" */
	bool pass;
	bool evaluable;		/* false: the value could not be measured or tested */
	bool allowed;		/* not evaluable, and the gate said allow_not_evaluable */
	char *detail;
};

struct rp_verdict {
	struct rp_gate_result *g;
	size_t n;
	char **errors;		/* unknown gates, malformed limits */
	size_t nerrors;
	bool any_gates;
	bool oom;		/* a result or an error could not be stored */
};

/**
 * rp_gates_judge() - judge the campaign's "gates" mapping.
 * @a:     the analysis
 * @gates: the mapping from campaign.json (may be NULL)
 * @v:     the result
 */
void rp_gates_judge(const struct rp_analysis *a, struct json_object *gates, struct rp_verdict *v);
int rp_gates_write(const struct rp_analysis *a, const struct rp_verdict *v, const char *path);
void rp_verdict_free(struct rp_verdict *v);

/**
 * rp_gates_check() - check a "gates" mapping without any numbers.
 * @gates: the mapping from the campaign file (may be NULL)
 * @v:     filled with the errors only (unknown gate, malformed limit);
 *         rp_verdict_free() it
 *
 * The same checks rp_gates_judge() makes, so `isolbench-config check`
 * refuses a gate typo before the campaign runs, not when the report ends.
 *
 * Return: the number of errors.
 */
size_t rp_gates_check(struct json_object *gates, struct rp_verdict *v);
/* The gate names and what each means, for --help and messages. */
void rp_gates_help(FILE *f);
const char *rp_gates_names(void);

/* A campaign with more than two kernels: one variant against the baseline (designs.c). */
struct rp_design {
	const char *kernel;
	char *outdir;			/* <outdir>/<kernel>: its own two-kernel report */
	struct rp_analysis a;		/* side 0 the baseline, side 1 this kernel */
	struct rp_verdict v;
};

/* The kernels campaign.json names, in its order; returns how many (at most @max). */
size_t rp_campaign_kernel_names(const struct rp_campaign *c, const char **names, size_t max);
/**
 * rp_designs_write() - the top-level report.md/html and verdict.json of a
 * campaign with more than two kernels, once each variant's report is written.
 *
 * Return: 0, or -1 with errno set.
 */
int rp_designs_write(const struct rp_campaign *c, const char *base, const struct rp_design *dv,
		     size_t nv, const struct rp_options *o);

/* Work types of the series' ct_work tracepoints by name ("0x1" -> "sync_core"). */
const char *rp_ct_work_name(const char *type);

/**
 * rp_grow() - make room for @n elements of @size in the array at *@arrp.
 * @arrp: address of the array pointer (NULL for a new array)
 * @n:    elements wanted
 * @size: size of one element
 *
 * Return: 0, or -1 with errno ENOMEM and *@arrp unchanged.
 */
int rp_grow(void *arrp, size_t n, size_t size);

/* Small helpers shared by the writers. */
char *rp_strdup(const char *s);
char *rp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* rp_printf() with a va_list; both exit when out of memory. */
char *rp_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void rp_fmt_ns(char *buf, size_t len, double ns);
/* A number for people: 7,780 / 854 / 0.42 / 0.0031, never 7.78e+03. */
void rp_fmt_num(char *buf, size_t len, double v);
/**
 * rp_metrics_write() - metrics.json: one row per run and metric, with units.
 * @c:    a loaded campaign
 * @path: the file to write (atomically)
 *
 * Return: 0, or -1 with errno set.
 */
int rp_metrics_write(const struct rp_campaign *c, const char *path);

/* The window audit of the compared kernels' builds (audit.c). */
void rp_section_window_audit(struct rp_doc *d, const struct rp_analysis *a);

#endif
