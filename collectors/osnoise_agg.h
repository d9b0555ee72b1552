/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_OSNOISE_AGG_H
#define ISOLBENCH_OSNOISE_AGG_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

/*
 * Noise per CPU and source from the osnoise tracer's *_noise events
 * (osnoise:irq_noise, softirq_noise, thread_noise, nmi_noise), as the
 * kernel prints them in a tracefs "trace" file. Each event is one
 * interruption of the CPU's workload; its duration is the time the source
 * took, minus the time of interruptions nested inside it (the tracer
 * subtracts them), so durations of different sources add up.
 *
 * With the tracer's own workload off (NO_OSNOISE_WORKLOAD), every task that
 * is switched out of a traced CPU gives a thread_noise event, including the
 * measured workload and the idle task: threads whose comm starts with the
 * workload prefix are kept apart as "workload", the idle task (pid 0) as
 * "idle"; neither counts as noise.
 */

enum osn_kind {
	OSN_IRQ,
	OSN_SOFTIRQ,
	OSN_THREAD,
	OSN_NMI,
	OSN_WORKLOAD,	/* thread_noise of the measured workload itself */
	OSN_IDLE,	/* thread_noise of the idle task */
	OSN_NKINDS,
};

struct osn_agg;

/**
 * osn_agg_new() - an empty aggregate.
 * @workload: comm prefix of the measured workload's threads ("oslat"), or NULL
 *
 * Return: the aggregate, or NULL when out of memory.
 */
struct osn_agg *osn_agg_new(const char *workload);
void osn_agg_free(struct osn_agg *a);

/* Count one interruption of @cpu by source @name of kind @kind. 0, or -1 (ENOMEM). */
int osn_agg_add(struct osn_agg *a, int cpu, enum osn_kind kind, const char *name,
		uint64_t duration_ns);

/**
 * osn_agg_line() - count the event on one line of a tracefs "trace" file.
 * @a:    the aggregate
 * @line: one line, without or with its newline
 *
 * Lines that are not *_noise events (headers, other events) are skipped.
 * Return: 1 counted, 0 skipped, -1 a *_noise line that does not parse (or ENOMEM).
 */
int osn_agg_line(struct osn_agg *a, const char *line);

/* Events counted, and *_noise lines that did not parse. */
uint64_t osn_agg_events(const struct osn_agg *a);
uint64_t osn_agg_bad_lines(const struct osn_agg *a);

/**
 * osn_agg_json() - the "per_cpu" object of osnoise.json.
 * @a:        the aggregate
 * @cpus:     CPUs to list even without events, or NULL
 * @ncpus:    how many
 * @window_s: the traced window in seconds (for "noise_pct"; <= 0: left out)
 *
 * {"<cpu>": {"irq": {"<desc>:<vector>": {"count", "total_ns", "max_ns"}},
 *            "softirq": {...}, "thread": {"<comm>": {...}}, "nmi": {"nmi": {...}},
 *            "workload": {...}, "idle": {...},
 *            "noise_ns", "noise_count", "max_single_ns", "noise_pct"}}
 * Return: the object, or NULL when out of memory.
 */
struct json_object *osn_agg_json(const struct osn_agg *a, const int *cpus, int ncpus,
				 double window_s);

#endif
