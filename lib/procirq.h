/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_PROCIRQ_H
#define ISOLBENCH_PROCIRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpulist.h"

/*
 * Snapshots of /proc/interrupts and /proc/softirqs, and their differences.
 *
 * Both files have a header of CPU columns ("CPU0 CPU1 ...", only online
 * CPUs, so the numbers can have gaps) and rows "NAME: count count ...
 * [description]". Most rows have one count per column; a few x86 rows (ERR,
 * MIS) have one system-wide count: those are "global" rows. Counters are
 * 32-bit in the kernel and wrap; a diff takes an after < before below 2^32
 * as one wrap and says so.
 *
 * A diff needs the same CPU columns in both snapshots (a CPU that went
 * offline or came online in between is an error: its counters restart).
 * Rows are matched by name. A row only in "after" (an IRQ requested in
 * between) counts from 0; a row only in "before" (freed) is left out and
 * counted in dropped_rows.
 */

#define IB_IRQ_NAME_MAX 32

struct ib_irq_row {
	char name[IB_IRQ_NAME_MAX];	/* "CAL", "24", "TIMER" */
	char *desc;			/* the rest of the line, trimmed; "" when none */
	bool global;			/* one system-wide count in counts[0] */
	uint64_t *counts;		/* ncpus counts (1 for a global row) */
};

struct ib_irq_snap {
	unsigned int ncpus;		/* columns */
	unsigned int *cpus;		/* CPU number of each column */
	size_t nrows;
	struct ib_irq_row *rows;
};

struct ib_irq_delta_row {
	char name[IB_IRQ_NAME_MAX];
	char *desc;
	bool global;
	bool wrapped;			/* at least one counter wrapped at 2^32 */
	bool added;			/* not in "before": counted from 0 */
	uint64_t *delta;		/* ncpus deltas (1 for a global row) */
};

struct ib_irq_diff {
	unsigned int ncpus;
	unsigned int *cpus;
	size_t nrows;
	struct ib_irq_delta_row *rows;
	size_t dropped_rows;		/* rows of "before" missing in "after" */
};

/**
 * ib_irq_snap_parse() - parse the text of /proc/interrupts or /proc/softirqs.
 * @text:   the whole file
 * @what:   a name for messages (the file's path)
 * @err:    message on failure: "<what>: line N: <problem>"; may be NULL
 * @errlen: size of @err
 *
 * Return: the snapshot, or NULL with errno = EINVAL (no CPU header, a row
 * with more counts than CPUs or a broken number, a duplicate row) or ENOMEM.
 */
struct ib_irq_snap *ib_irq_snap_parse(const char *text, const char *what, char *err,
				      size_t errlen);

/**
 * ib_irq_snap_load() - read and parse a snapshot file.
 * @path:   the file (a copy, or /proc/interrupts itself)
 * @err:    message on failure, may be NULL
 * @errlen: size of @err
 *
 * Return: as ib_irq_snap_parse(), or NULL with the errno of open/read.
 */
struct ib_irq_snap *ib_irq_snap_load(const char *path, char *err, size_t errlen);

/** ib_irq_snap_free() - release @s; NULL is fine. */
void ib_irq_snap_free(struct ib_irq_snap *s);

/** ib_irq_snap_find() - the row called @name, or NULL. */
const struct ib_irq_row *ib_irq_snap_find(const struct ib_irq_snap *s, const char *name);

/**
 * ib_irq_read_file() - read a whole /proc (or any) text file.
 * @path:   the file; /proc files report size 0, so this reads to EOF
 * @len:    the length read (may be NULL)
 * @err:    message on failure, may be NULL
 * @errlen: size of @err
 *
 * Return: the NUL-terminated text (free() it), or NULL with errno set.
 */
char *ib_irq_read_file(const char *path, size_t *len, char *err, size_t errlen);

/**
 * ib_irq_diff_compute() - after - before, per row and CPU.
 * @before: the earlier snapshot
 * @after:  the later one
 * @err:    message on failure, may be NULL
 * @errlen: size of @err
 *
 * Return: the diff, or NULL with errno = EINVAL (CPU columns differ, a row
 * changed between global and per-CPU, a counter went backwards by more than
 * a 32-bit wrap explains) or ENOMEM.
 */
struct ib_irq_diff *ib_irq_diff_compute(const struct ib_irq_snap *before,
					const struct ib_irq_snap *after, char *err, size_t errlen);

/** ib_irq_diff_free() - release @d; NULL is fine. */
void ib_irq_diff_free(struct ib_irq_diff *d);

/** ib_irq_diff_find() - the row called @name, or NULL. */
const struct ib_irq_delta_row *ib_irq_diff_find(const struct ib_irq_diff *d, const char *name);

/**
 * ib_irq_diff_column() - the column of @cpu in @d.
 * @d:   the diff
 * @cpu: CPU number
 *
 * Return: the column index, or -1 when @cpu is not in the snapshots.
 */
int ib_irq_diff_column(const struct ib_irq_diff *d, unsigned int cpu);

/**
 * ib_irq_diff_cpu() - the delta of row @name on CPU @cpu.
 * @d:     the diff
 * @name:  row name, e.g. "CAL"
 * @cpu:   CPU number
 * @delta: the result
 *
 * Return: 0, or -1 with errno = ENOENT (no such row or CPU) or EINVAL (a
 * global row has no per-CPU value).
 */
int ib_irq_diff_cpu(const struct ib_irq_diff *d, const char *name, unsigned int cpu,
		    uint64_t *delta);

/**
 * ib_irq_diff_row_sum() - a per-CPU row's deltas summed over @set.
 * @d:     the diff
 * @row:   a row of @d (global rows give their single delta whatever @set is)
 * @set:   the CPUs to add up; NULL means every column
 * @sum:   the result
 *
 * Return: 0, or -1 with errno = ENOENT when a CPU of @set is not a column of
 * @d (it was offline: a result without it would be silently wrong).
 */
int ib_irq_diff_row_sum(const struct ib_irq_diff *d, const struct ib_irq_delta_row *row,
			const struct ib_cpuset *set, uint64_t *sum);

/*
 * The interrupt kinds the report puts first, as x86 names them; on other
 * architectures they are found by description ("Function call interrupts").
 */
enum ib_irq_kind {
	IB_IRQ_CAL,	/* function call IPIs (smp_call_function*) */
	IB_IRQ_TLB,	/* TLB shootdown IPIs */
	IB_IRQ_RES,	/* rescheduling IPIs */
	IB_IRQ_LOC,	/* local timer interrupts */
	IB_IRQ_NKINDS,
};

/** ib_irq_kind_name() - "CAL", "TLB", "RES" or "LOC". */
const char *ib_irq_kind_name(enum ib_irq_kind kind);

/**
 * ib_irq_diff_kind() - the row of @kind: by its x86 name, else by description.
 * @d:    the diff
 * @kind: which
 *
 * Return: the row, or NULL when this machine has no such row.
 */
const struct ib_irq_delta_row *ib_irq_diff_kind(const struct ib_irq_diff *d,
						enum ib_irq_kind kind);

/**
 * ib_irq_diff_write_json() - the JSON of `isolbench-irqstat diff`.
 * @out:        where to write
 * @interrupts: diff of /proc/interrupts
 * @softirqs:   diff of /proc/softirqs, or NULL (written as null)
 * @set:        the CPUs whose totals are wanted (every one must be a column)
 * @before:     a label for the first snapshot (e.g. "results/x/interrupts.before")
 * @after:      a label for the second
 *
 * Format (schema 1):
 *   {"tool": "isolbench-irqstat", "schema": 1, "before": "...", "after": "...",
 *    "cpus": [0, 1, 2, 3],          every column, in order
 *    "selected_cpus": [2, 3],       @set
 *    "highlight": {"CAL": {"name": "CAL", "per_cpu": [..], "selected_total": N,
 *                          "all_total": N} | null, "TLB": ..., "RES": ..., "LOC": ...},
 *    "interrupts": {"dropped_rows": 0, "rows": [
 *        {"name": "CAL", "description": "Function call interrupts",
 *         "global": false, "wrapped": false, "added": false,
 *         "per_cpu": [d0, d1, d2, d3],   aligned with "cpus"
 *         "selected_total": N, "all_total": N},
 *        {"name": "ERR", "description": "", "global": true, ..., "total": N}, ...]},
 *    "softirqs": {same as "interrupts"} | null,
 *    "totals": {"interrupts_selected": N, "interrupts_all": N,
 *               "softirqs_selected": N, "softirqs_all": N}}
 *   (totals add up every per-CPU row; global rows are left out of them.)
 *
 * Return: 0, or -1 with errno = ENOENT (a CPU of @set is not a column; the
 * softirqs diff has other columns than interrupts) or EIO.
 */
int ib_irq_diff_write_json(FILE *out, const struct ib_irq_diff *interrupts,
			   const struct ib_irq_diff *softirqs, const struct ib_cpuset *set,
			   const char *before, const char *after);

/**
 * ib_irqstat_load() - read the JSON written by `isolbench-irqstat diff` back.
 * @path:      the file
 * @softirqs:  NULL, or where to put the softirqs diff (NULL when the file has none)
 * @err:       message on failure, may be NULL
 * @errlen:    size of @err
 *
 * Use ib_irqstat_cpu_delta() or ib_irq_diff_cpu() on the result, e.g. for
 * the CAL and TLB deltas of one CPU.
 *
 * Return: the interrupts diff, or NULL with errno = EINVAL (not that format,
 * schema not 1, arrays not aligned with "cpus") or the errno of reading.
 */
struct ib_irq_diff *ib_irqstat_load(const char *path, struct ib_irq_diff **softirqs,
				    char *err, size_t errlen);

/**
 * ib_irqstat_cpu_delta() - the delta of @kind on @cpu from a loaded irqstat diff.
 * @d:     from ib_irqstat_load() (or ib_irq_diff_compute())
 * @kind:  IB_IRQ_CAL, IB_IRQ_TLB, IB_IRQ_RES or IB_IRQ_LOC
 * @cpu:   CPU number
 * @delta: the result
 *
 * Return: 0, or -1 with errno = ENOENT (no such row on this machine, or no
 * such CPU).
 */
int ib_irqstat_cpu_delta(const struct ib_irq_diff *d, enum ib_irq_kind kind, unsigned int cpu,
			 uint64_t *delta);

#endif
