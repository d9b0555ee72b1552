/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_JOBSPEC_H
#define ISOLBENCH_JOBSPEC_H

#include <stddef.h>

#include "cpulist.h"

#define IB_JOB_MAX_ITEMS 8

struct ib_job_provoker {
	const char *kind;	/* tracepoint, kprobe, bpf, munmap */
	double rate;		/* operations per second */
	double operations;	/* operations per run; 0 = rate x duration */
};

/*
 * The job a guest runs: written by the host (scripts/campaign, one job.json
 * per run), read by isolbench-run. Strings point into the parsed JSON, which
 * lives as long as the process. docs/results.md describes the fields.
 */
struct ib_job {
	int schema;
	const char *run_id;
	const char *kernel;
	const char *case_name;	/* the case kind: oslat, cyclictest, entry, idle */
	double duration_s;
	double warmup_s;
	struct ib_cpuset isolated;
	struct ib_cpuset housekeeping;
	const char *noise[IB_JOB_MAX_ITEMS];
	int nnoise;
	struct ib_job_provoker provokers[IB_JOB_MAX_ITEMS];
	int nprovokers;
	const char *collectors[IB_JOB_MAX_ITEMS];
	int ncollectors;
	int oslat_buckets;
	int oslat_bucket_width_ns;
	const char *entry_rates;	/* "1000,10000,max" */
	int entry_nrates;
	const char *entry_kind;
	int cyclictest_buckets;		/* -h: histogram buckets of 1 us */
	int cyclictest_interval_us;	/* -i */
	int cyclictest_priority;	/* -p: SCHED_FIFO priority of the threads */
	/* guest_clock "icount": QEMU's instruction counter is the guest clock
	 * (1 TSC tick = 1 guest instruction); entry then also runs on the
	 * housekeeping CPUs and counts exactly. */
	int icount;
};

/**
 * ib_job_load() - read and check a job spec.
 * @path: the job.json file
 * @job:  filled in on success
 * @err:  a message naming the bad field on failure
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int ib_job_load(const char *path, struct ib_job *job, char *err, size_t errlen);

#endif
