/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_IPI_MATCH_H
#define ISOLBENCH_IPI_MATCH_H

/*
 * Matching of queued CSDs to the IPIs they caused, and the per-callback
 * counts built from them. Pure C, no tracefs: fed with one record per trace
 * event, by the live collector (isolbench-ipi) and by the parser of
 * `trace-cmd report` text (tracecmd_report.h) alike, so both count the same
 * way.
 *
 * Why matching is needed: in Linux 6.12 every IPI that carries queued
 * function calls is traced by ipi_send_cpu / ipi_send_cpumask with callback
 * = generic_smp_call_function_single_interrupt; the function that will run
 * (do_sync_core, do_flush_tlb_all, ...) is only in csd:csd_queue_cpu's
 * func. The kernel queues the CSD(s) and then, on the same CPU with
 * preemption off, sends one IPI (one target) or one cpumask IPI (several
 * targets, only those whose call queue was empty). Both the CSD and the
 * send are traced with the same callsite (_RET_IP_ of the queueing
 * function), which is what ties them together here.
 */

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cpulist.h"

/* Name used for a NULL callback (6.12's smp_send_reschedule() passes NULL). */
#define IB_IPI_NULL_CALLBACK	"(null)"
/* The callback of every IPI that carries queued CSDs. */
#define IB_IPI_CSD_CALLBACK	"generic_smp_call_function_single_interrupt"
/* Pending CSDs kept per sending CPU; older ones are given up as unmatched. */
#define IB_IPI_MAX_PENDING	256

enum ib_ipi_rec_type {
	IB_IPI_REC_CSD_QUEUE,	/* csd:csd_queue_cpu */
	IB_IPI_REC_SEND_CPU,	/* ipi:ipi_send_cpu */
	IB_IPI_REC_SEND_CPUMASK,/* ipi:ipi_send_cpumask */
	IB_IPI_REC_RECV,	/* irq_vectors:*_entry on the receiving CPU */
	IB_IPI_REC_CT_DEFER,	/* patched kernel: work deferred to a CPU */
	IB_IPI_REC_CT_RUN,	/* patched kernel: deferred work run at kernel entry */
	IB_IPI_REC_USER_ENTER,	/* context_tracking:user_enter (back to user space) */
	IB_IPI_REC_USER_EXIT,	/* context_tracking:user_exit (user space left) */
	IB_IPI_REC_IDLE,	/* power:cpu_idle, @idle_exit: leaving idle */
};

/*
 * What an isolated CPU was doing when an IPI arrived, from the context
 * events of that CPU (see "Context" in ipi_match.c for the rules).
 */
enum ib_ipi_context {
	IB_IPI_CTX_USER,	/* it interrupted user space */
	IB_IPI_CTX_KERNEL,
	IB_IPI_CTX_IDLE,
	IB_IPI_CTX_UNKNOWN,	/* no context event yet, or no arrival seen */
	IB_IPI_CTX_NR,
};

extern const char *const ib_ipi_context_names[IB_IPI_CTX_NR];

/* Receiving-side interrupt kinds (irq_vectors:<name>_entry). */
enum ib_ipi_recv_kind {
	IB_IPI_RECV_CALL_FUNCTION,
	IB_IPI_RECV_CALL_FUNCTION_SINGLE,
	IB_IPI_RECV_RESCHEDULE,
	IB_IPI_RECV_LOCAL_TIMER,
	IB_IPI_RECV_NR,
};

extern const char *const ib_ipi_recv_names[IB_IPI_RECV_NR];

/**
 * struct ib_ipi_rec - one trace event, already decoded.
 * @type:     which event
 * @ts_ns:    its timestamp (any clock, nanoseconds; only differences are used)
 * @cpu:      the CPU it was recorded on: the sender for CSD_QUEUE/SEND_*,
 *            the receiver for RECV and CT_RUN
 * @comm:     name of the task that was running (the sender), may be NULL
 * @target:   target CPU of CSD_QUEUE, SEND_CPU and CT_DEFER
 * @targets:  target CPUs of SEND_CPUMASK
 * @callsite: symbolised callsite ("func+0xoff"), may be NULL
 * @func:     CSD_QUEUE: the queued function; SEND_*: the callback; symbol
 *            name without offset, NULL for a NULL pointer
 * @work:     CT_DEFER/CT_RUN: the work type as text (e.g. "0x1")
 * @recv:     RECV: which interrupt
 * @idle_exit: IDLE: true when the CPU leaves idle (state = PWR_EVENT_EXIT)
 *
 * The strings only need to live for the duration of ib_ipi_match_feed().
 */
struct ib_ipi_rec {
	enum ib_ipi_rec_type type;
	uint64_t ts_ns;
	int cpu;
	const char *comm;
	int target;
	const struct ib_cpuset *targets;
	const char *callsite;
	const char *func;
	const char *work;
	enum ib_ipi_recv_kind recv;
	bool idle_exit;
};

/* Totals over the whole window, for tests and summaries. */
struct ib_ipi_totals {
	uint64_t ipis;			/* IPIs to isolated CPUs (one per target) */
	uint64_t ipis_csd;		/* ... matched to a queued CSD */
	uint64_t ipis_direct;		/* ... with a callback of their own (no CSD) */
	uint64_t ipis_unmatched;	/* ... CSD-carrying, but no CSD found */
	uint64_t csd_queued;		/* CSDs queued to isolated CPUs */
	uint64_t csd_with_ipi;		/* ... that caused an IPI */
	uint64_t csd_without_ipi;	/* ... queue not empty / target polling */
	uint64_t csd_unmatched;		/* ... undecided at the end, or given up */
	uint64_t records;		/* records fed */
	uint64_t ignored;		/* records about non-isolated CPUs only */
};

struct ib_ipi_match;

/**
 * ib_ipi_match_new() - an empty matcher.
 * @isolated: the isolated CPUs; only IPIs and CSDs to them are counted
 * @t0_ns:    time 0 of the per-second timeline (same clock as the records),
 *            or 0 to use the first record's timestamp
 *
 * Return: the matcher, or NULL with errno = ENOMEM.
 */
struct ib_ipi_match *ib_ipi_match_new(const struct ib_cpuset *isolated, uint64_t t0_ns);

/** ib_ipi_match_free() - free @m and everything it holds (NULL is fine). */
void ib_ipi_match_free(struct ib_ipi_match *m);

/**
 * ib_ipi_match_feed() - account one record.
 * @m:   the matcher
 * @rec: the record; records of one sending CPU must come in trace order
 *
 * Return: 0, or -1 with errno = EINVAL on a malformed record (bad CPU
 * number, missing cpumask) or ENOMEM.
 */
int ib_ipi_match_feed(struct ib_ipi_match *m, const struct ib_ipi_rec *rec);

/**
 * ib_ipi_match_finish() - end of the window: CSDs still waiting for an IPI
 * are counted as unmatched. Feeding after this is allowed (it reopens).
 * @m: the matcher
 */
void ib_ipi_match_finish(struct ib_ipi_match *m);

/**
 * ib_ipi_match_last_callback() - the name the last send record's first
 * isolated target was attributed to (for attaching a stack trace to it).
 * @m: the matcher
 *
 * Return: the name, or NULL if the last send reached no isolated CPU. Valid
 * until @m is freed.
 */
const char *ib_ipi_match_last_callback(const struct ib_ipi_match *m);

/** ib_ipi_match_totals() - copy the totals of @m into @t. */
void ib_ipi_match_totals(const struct ib_ipi_match *m, struct ib_ipi_totals *t);

/**
 * ib_ipi_match_count() - IPIs attributed to @callback.
 * @m:        the matcher
 * @callback: the name as in per_callback (the CSD's function for matched
 *            IPIs, the IPI's own callback otherwise)
 * @cpu:      one target CPU, or -1 for all
 *
 * Return: the count (0 for an unknown name).
 */
uint64_t ib_ipi_match_count(const struct ib_ipi_match *m, const char *callback, int cpu);

/**
 * ib_ipi_match_csd_count() - CSDs of @func by outcome.
 * @m:    the matcher
 * @func: the queued function
 * @what: "queued", "with_ipi", "without_ipi" or "unmatched"
 *
 * Return: the count (0 for an unknown name or @what).
 */
uint64_t ib_ipi_match_csd_count(const struct ib_ipi_match *m, const char *func, const char *what);

/** ib_ipi_match_received() - receiving-side interrupts of @kind on @cpu. */
uint64_t ib_ipi_match_received(const struct ib_ipi_match *m, enum ib_ipi_recv_kind kind, int cpu);

/**
 * ib_ipi_match_json() - the results as JSON members added to @root:
 * per_callback, ipis_total, ipis_unmatched, csd_queued, csd_without_ipi,
 * csd_unmatched, csd{...}, received{...}, ct_work{deferred, run} (the
 * caller adds "present") and timeline. See collectors/ipi.c for the schema.
 * @m:    the matcher
 * @root: a JSON object
 *
 * Return: 0, or -1 with errno = ENOMEM.
 */
int ib_ipi_match_json(const struct ib_ipi_match *m, struct json_object *root);

/**
 * ib_ipi_match_set_window() - the counting window of the context counts.
 * @m:        the matcher
 * @start_ns: first timestamp inside (same clock as the records)
 * @end_ns:   first timestamp after it
 *
 * The per-context counts and context times of ib_ipi_match_json() and
 * ib_ipi_match_context_json() cover IPIs that arrived (or, never seen to
 * arrive, were sent) in [@start_ns, @end_ns). Without a window they cover
 * every record. May be called after feeding: the matcher keeps a log.
 */
void ib_ipi_match_set_window(struct ib_ipi_match *m, uint64_t start_ns, uint64_t end_ns);

/**
 * ib_ipi_match_context_count() - IPIs of @callback that arrived in @ctx,
 * inside the window.
 * @m:        the matcher
 * @callback: as for ib_ipi_match_count()
 * @cpu:      one target CPU, or -1 for all
 * @ctx:      the context
 */
uint64_t ib_ipi_match_context_count(const struct ib_ipi_match *m, const char *callback, int cpu,
				    enum ib_ipi_context ctx);

/** ib_ipi_match_context_time() - ns @cpu spent in @ctx inside the window. */
uint64_t ib_ipi_match_context_time(const struct ib_ipi_match *m, int cpu, enum ib_ipi_context ctx);

/**
 * ib_ipi_match_untraced_entries() - times @cpu went from user space to the
 * kernel and back with no traced interrupt in between (syscalls, exceptions),
 * inside the window. An IPI that arrives during such an entry, before any
 * other event of the CPU, is counted as "user": when this is 0 no IPI was
 * misplaced that way.
 */
uint64_t ib_ipi_match_untraced_entries(const struct ib_ipi_match *m, int cpu);

/**
 * ib_ipi_match_context_json() - add "time_s" {cpu: {context: s}},
 * "unclassified_ipis" and "untraced_entries" {cpu: n} to @context.
 * Return: 0, or -1 with errno = ENOMEM.
 */
int ib_ipi_match_context_json(const struct ib_ipi_match *m, struct json_object *context);

#endif
