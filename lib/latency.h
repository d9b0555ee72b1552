/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_LATENCY_H
#define ISOLBENCH_LATENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"

/*
 * Readers of the latency files the guests write: rt-tests oslat and
 * cyclictest (--json=FILE) and isolbench-entry. Each gives one ib_hist per
 * measured CPU (per CPU and rate for entry) plus what the tool said about
 * the run. What the files contain, verified against rt-tests 2.4 (Debian 12)
 * and 2.6 (Debian 13) output:
 *
 * oslat. Common rt-tests header ("file_version", "cmdline:" and
 * "rt_test_version:" with a trailing colon, "start_time", "end_time",
 * "return_code", "sysinfo"), then "num_threads" and "thread": {"0": {...}}
 * keyed by thread index, each with "cpu", "freq" (TSC MHz, integer),
 * "min", "avg", "max", "duration" (s) and "histogram" (only non-zero
 * buckets). Histogram keys are bucket upper edges in µs: integers ("32"), or
 * with three decimals ("0.250") when 2.6 ran with a -W not a multiple of
 * 1000 ns. The last bucket also holds every overflow, and the JSON has
 * neither the bucket count nor the overflow count, so the reader takes the
 * bucket count (-b, default 32; 2.6: 32000 / W when W < 1000 and no -b) and
 * width (-W in ns, 2.6 only, default 1000) from "cmdline:" and loads the
 * last bucket as overflow: the ib_hist has b - 1 buckets of W ns and
 * "overflow" means ">= (b - 1) * W". Runs with -B (bias) are refused: their
 * labels are shifted by a bias the file does not record.
 *   min/max: µs; in 2.6 with a -W not a multiple of 1000 they are in ns
 *   (keys stay in µs). avg is µs, computed by oslat from bucket labels
 *   (and wrong with overflows), kept only as tool_mean_ns.
 *   Rounding: 2.4 files a gap of x µs in bucket floor(x) (label floor(x)+1),
 *   so a label L is the exclusive upper edge of the true values. 2.5+ (when
 *   -W came) rounds x up first, then divides: a label L holds values in
 *   (L - W - u, L - u] with u = 1 µs (or 1 ns in ns mode), so its labels
 *   over-state by one unit: a loop of 40 cycles lands in "2" in 2.6 and
 *   in "1" in 2.4. The reader keeps the labels (so numbers match what the
 *   tool printed) and says so in label_excess_ns (0 for < 2.5, u for >= 2.5).
 *   Compare A/B only between files of the same rt-tests version.
 *
 * cyclictest. Same header; "num_threads", "resolution_in_ns" (0: µs, 1: ns
 * with -N), "thread": {"0": {"histogram" (only with -h/-H), "cycles",
 * "min", "max", "avg", "cpu", "node"}}. Histogram keys are bucket indices =
 * the latency truncated to the unit, so key k holds [k, k + 1) units: the
 * lower edge, unlike oslat. Samples = "cycles"; overflow = cycles minus the
 * histogram sum (not written by the tool); bucket count from -h/-H in
 * "cmdline:", or else the highest key + 1 (the overflow edge is then a
 * lower bound, which keeps every result correct). "min"/"max" are whole
 * units too (truncated), "avg" has two decimals. Same in 2.4 and 2.6.
 *
 * isolbench-entry. {"tool":"isolbench-entry","schema":1,"kind","tsc_hz",
 * "cpus","duration_per_rate_s","results":[{"cpu","target_rate" (0 = as fast
 * as possible),"achieved_rate","count","user_ns_between_mean",
 * "bucket_width_cycles","buckets","min_cycles","median_cycles","p99_cycles",
 * "max_cycles","overflow","histogram":{upper edge in cycles: count}}]}.
 * Loaded in cycles with tsc_hz; count must equal the histogram sum plus
 * overflow.
 *
 * Errors: every loader returns NULL with errno set (ENOENT/EACCES... from
 * open, EINVAL for a malformed or inconsistent file, ENOMEM, ENOTSUP for
 * oslat -B) and writes "<path>: <what is wrong>" into @err.
 */

enum ib_lat_tool {
	IB_LAT_OSLAT = 1,
	IB_LAT_CYCLICTEST,
	IB_LAT_ENTRY,
};

/* One CPU of one run (and one rate, for entry). */
struct ib_lat_series {
	int cpu;
	struct ib_hist *hist;
	double duration_s;		/* oslat "duration"; entry: duration_per_rate_s; else 0 */
	double tool_mean_ns;		/* the tool's own average, NAN when not given */
	unsigned int freq_mhz;		/* oslat: TSC MHz it measured; else 0 */
	/* entry only */
	uint64_t target_rate;		/* per second, 0 = as fast as possible */
	double achieved_rate;
	double user_ns_between_mean;
	uint64_t tool_median_cycles, tool_p99_cycles;
};

struct ib_lat_file {
	enum ib_lat_tool tool;
	char *path;
	char *version;			/* "2.40", "2.60"; entry: the schema as text */
	char *cmdline;			/* rt-tests "cmdline:"; NULL for entry */
	char *kernel_release;		/* rt-tests sysinfo.release; NULL if absent */
	char *kind;			/* entry "kind" (e.g. "getpid"); NULL otherwise */
	int return_code;		/* rt-tests "return_code"; 0 for entry */
	uint64_t tsc_hz;		/* entry only, 0 otherwise */
	uint64_t label_excess_ns;	/* oslat: see the rounding note above */
	size_t n;
	struct ib_lat_series *series;
};

/**
 * ib_lat_load_oslat() - read an oslat --json file.
 * @path:   the file
 * @err:    message on failure ("<path>: what is wrong"), may be NULL
 * @errlen: size of @err
 *
 * Return: the file, one series per thread in file order, or NULL (errno set).
 */
struct ib_lat_file *ib_lat_load_oslat(const char *path, char *err, size_t errlen);

/** ib_lat_load_cyclictest() - read a cyclictest --json file; as ib_lat_load_oslat(). */
struct ib_lat_file *ib_lat_load_cyclictest(const char *path, char *err, size_t errlen);

/** ib_lat_load_entry() - read an isolbench-entry JSON file; as ib_lat_load_oslat(). */
struct ib_lat_file *ib_lat_load_entry(const char *path, char *err, size_t errlen);

/**
 * ib_lat_load() - read any of the three, recognised by content.
 * @path:   the file
 * @err:    message on failure, may be NULL
 * @errlen: size of @err
 *
 * "tool": "isolbench-entry" means entry, "resolution_in_ns" cyclictest, a
 * thread with "freq" oslat.
 *
 * Return: as ib_lat_load_oslat().
 */
struct ib_lat_file *ib_lat_load(const char *path, char *err, size_t errlen);

/** ib_lat_file_free() - release @f and all its histograms; NULL is fine. */
void ib_lat_file_free(struct ib_lat_file *f);

/**
 * ib_lat_find() - the series of @cpu (and @target_rate for entry).
 * @f:           a loaded file
 * @cpu:         CPU number
 * @target_rate: entry only: the rate; ignored for the rt-tests tools
 *
 * Return: the first matching series or NULL.
 */
const struct ib_lat_series *ib_lat_find(const struct ib_lat_file *f, int cpu,
					uint64_t target_rate);

/**
 * ib_lat_true_hist() - @s's histogram with its buckets where the true gaps are.
 * @f:        the file @s belongs to
 * @s:        one series
 * @residual: set to the label excess left in the copy, in ns (0 when none)
 *
 * rt-tests >= 2.5 oslat labels each bucket one unit above the gaps it holds
 * (see the rounding note above): with a unit of one bucket width (-W 1000,
 * the default) the copy moves every count one bucket down, so a bucket's
 * upper edge is the largest gap it holds, as in 2.4; the copy has one bucket
 * fewer and the same overflows (the last label held everything above the
 * new last edge). With ns mode the excess (1 ns) is smaller than a bucket
 * and is left, in @residual. The exact min and max the tool printed are kept.
 *
 * Return: the copy (free with ib_hist_free()), or NULL with errno = ENOMEM.
 */
struct ib_hist *ib_lat_true_hist(const struct ib_lat_file *f, const struct ib_lat_series *s,
				 uint64_t *residual);

/**
 * ib_lat_exact_mean_ns() - oslat's exact mean gap: its duration / its samples.
 * @s: an oslat series
 *
 * The loop's gaps add up to its duration, so this is the exact mean, unlike
 * oslat's "avg" (from bucket labels). NAN without a duration or samples.
 */
double ib_lat_exact_mean_ns(const struct ib_lat_series *s);

/** ib_lat_tool_name() - "oslat", "cyclictest" or "isolbench-entry". */
const char *ib_lat_tool_name(enum ib_lat_tool tool);

/**
 * ib_lat_print_oslat_summary() - load an oslat JSON and print, per CPU, max and p99 in ns.
 * @path:   the oslat --json file
 * @out:    where to print: a header line "cpu max_ns p99_ns samples" and one
 *          line per thread, e.g. "2 64149000 2000 40816347"; a p99 among the
 *          overflows is printed as ">=31000"
 * @err:    message on failure, may be NULL
 * @errlen: size of @err
 *
 * Return: 0, or -1 with errno set (as ib_lat_load_oslat(), or EIO on a write error).
 */
int ib_lat_print_oslat_summary(const char *path, FILE *out, char *err, size_t errlen);

#endif
