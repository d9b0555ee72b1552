/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_TRACECMD_REPORT_H
#define ISOLBENCH_TRACECMD_REPORT_H

/*
 * Parser of `trace-cmd report` text (the seed's pipeline) into the records
 * of ipi_match.h, so the counts of a trace.dat can be compared with those
 * of the live collector. A line looks like
 *
 *   [instance: ]comm-pid [cpu] [flags ]seconds.fraction: event: key=value ...
 *
 * e.g.
 *   bash-31494 [000]  1090.996705: csd_queue_cpu:  cpu=1 callsite=on_each_cpu_cond_mask+0x20
 *       func=do_sync_core csd=0xffff888627d2e420
 *
 * Symbols are normalised the way the collector writes them: callsites keep
 * "+0xoff" and lose a "/0xsize" suffix, functions and callbacks lose the
 * offset, and a NULL pointer ("0x0", "(nil)") becomes IB_IPI_NULL_CALLBACK.
 */

#include <stdint.h>
#include <stdio.h>

#include "cpulist.h"
#include "ipi_match.h"

/* One decoded line; rec's strings point into this struct. */
struct ib_tcr_event {
	struct ib_ipi_rec rec;
	struct ib_cpuset mask;
	char event[64];
	char comm[64];
	char callsite[256];
	char func[256];
	char work[64];
};

struct ib_tcr_stats {
	uint64_t lines;		/* lines read */
	uint64_t events;	/* lines that parsed as an event line */
	uint64_t decoded;	/* ... of an event the matcher takes */
	uint64_t malformed;	/* ... of such an event, but missing fields */
};

/**
 * ib_tcr_parse_line() - decode one line of `trace-cmd report`.
 * @line: the text (a trailing newline is fine)
 * @ev:   the result
 *
 * Return: 1 when @ev holds a record for ib_ipi_match_feed(), 0 for any
 * other line (headers, other events; @ev->event is set for event lines),
 * -1 with errno = EINVAL for a line of a known event with missing or bad
 * fields.
 */
int ib_tcr_parse_line(const char *line, struct ib_tcr_event *ev);

/**
 * ib_tcr_feed() - parse a whole report and feed its records to @m.
 * @f:  the report text
 * @m:  the matcher
 * @st: counts of what was read (zeroed first)
 * @cb: called for every line as well (may be NULL), e.g. for other counts
 * @ctx: passed to @cb
 *
 * Return: 0, or -1 with errno on a read error or ENOMEM (malformed lines
 * are counted, not fatal).
 */
int ib_tcr_feed(FILE *f, struct ib_ipi_match *m, struct ib_tcr_stats *st,
		void (*cb)(const char *line, void *ctx), void *ctx);

/**
 * ib_tcr_feed_window() - ib_tcr_feed() restricted to a time window.
 * @f:       the report text
 * @m:       the matcher
 * @st:      counts of what was read (zeroed first)
 * @from_ns: events before this timestamp are skipped (0 = no limit)
 * @to_ns:   events after this timestamp are skipped (0 = no limit)
 * @cb:      called for every line in the window (event lines) or not
 *           an event line, may be NULL
 * @ctx:     passed to @cb
 *
 * Return: as ib_tcr_feed().
 */
int ib_tcr_feed_window(FILE *f, struct ib_ipi_match *m, struct ib_tcr_stats *st,
		       uint64_t from_ns, uint64_t to_ns,
		       void (*cb)(const char *line, void *ctx), void *ctx);

#endif
