/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_PERFSTAT_H
#define ISOLBENCH_PERFSTAT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cpulist.h"

/*
 * perf stat's CSV output (`perf stat -x, -o FILE`), as isolbench-run
 * writes it around the bad case's isolbench-entry, and the command line
 * that does it.
 *
 * Field order (tools/perf/Documentation/perf-stat.txt, "CSV FORMAT"), one
 * counter per line:
 *   [CPU<n>,]value,unit,event,run time (ns),% of time counting,
 *   [variance,]metric value,metric unit
 * The "CPU<n>" prefix comes with -A (no aggregation); value is already
 * scaled when the counter was multiplexed, or "<not supported>" (no such
 * counter: no PMU, e.g. a TCG guest) or "<not counted>" (never scheduled).
 * Lines starting with '#' (the "# started on" header) and blank lines are
 * skipped. Interval mode (-I) and per-socket/core/die aggregation are not
 * read: their lines start with a time stamp or S<n>/D<n>, and are refused.
 */

#define IB_PERF_EVENTS "cycles,instructions,cycles:k,instructions:k"

enum ib_perf_state {
	IB_PERF_COUNTED,
	IB_PERF_NOT_SUPPORTED,
	IB_PERF_NOT_COUNTED,
};

/* One line: one event on one CPU (or aggregated). */
struct ib_perf_count {
	int cpu;			/* -1: aggregated over the CPUs */
	char *event;			/* as printed: "cycles", "cycles:k", "cpu/cycles/k" */
	char *unit;			/* "" for plain counts, "msec" for task-clock */
	enum ib_perf_state state;
	double value;			/* NAN unless counted */
	uint64_t run_ns;		/* time the counter ran */
	double running_pct;		/* % of the time it was on the PMU, NAN if absent */
};

struct ib_perf_stat {
	size_t n;
	struct ib_perf_count *c;
};

/**
 * ib_perf_parse() - read perf stat -x, output from a string.
 * @text:   the output (NUL-terminated)
 * @err:    "line N: what is wrong" on failure, may be NULL
 * @errlen: size of @err
 *
 * Return: the counts in file order, or NULL with errno = EINVAL (malformed
 * or no counter line at all) or ENOMEM.
 */
struct ib_perf_stat *ib_perf_parse(const char *text, char *err, size_t errlen);

/** ib_perf_load() - ib_perf_parse() of a file; messages start with its path. */
struct ib_perf_stat *ib_perf_load(const char *path, char *err, size_t errlen);

/** ib_perf_free() - release @ps; NULL is fine. */
void ib_perf_free(struct ib_perf_stat *ps);

/**
 * ib_perf_sum() - an event's count summed over CPUs.
 * @ps:    parsed output
 * @event: the event name as printed ("cycles:k")
 * @cpus:  only these CPUs (lines with a CPU prefix), or NULL for every line
 * @out:   the sum
 *
 * Return: 0, or -1 with errno = ENOENT (no such event), ENOTSUP (present
 * but not supported or not counted on some CPU).
 */
int ib_perf_sum(const struct ib_perf_stat *ps, const char *event, const struct ib_cpuset *cpus,
		double *out);

/**
 * ib_perf_to_json() - the counts as JSON: {"<event>": {"total": X|null,
 * "state": "counted"|"not supported"|"not counted", "per_cpu": {"2": X}}}.
 * @ps: parsed output
 *
 * Return: a new object, or NULL (ENOMEM).
 */
struct json_object *ib_perf_to_json(const struct ib_perf_stat *ps);

/**
 * ib_perf_stat_argv() - the perf stat command that counts @events on @cpus
 * while the command that follows runs: perf stat -x, -a -A -C CPUS -e
 * EVENTS -o OUT --. The strings are the caller's; append the command and a
 * NULL after the returned count.
 * @cpus:   CPU list, e.g. "2-3"
 * @events: comma-separated events, e.g. IB_PERF_EVENTS
 * @out:    the CSV file
 * @argv:   filled in
 * @max:    room in @argv
 *
 * Return: the number of entries written, or -1 (errno = ENOSPC) when @max is too small.
 */
int ib_perf_stat_argv(const char *cpus, const char *events, const char *out, const char **argv,
		      size_t max);

#endif
