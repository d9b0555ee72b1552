// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: `trace-cmd report` text through the parser and the
 * IPI matcher, as isolbench-tracecmd-count reads it (isolated CPUs 1-3).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpulist.h"
#include "../collectors/ipi_match.h"
#include "../collectors/tracecmd_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ib_tcr_stats st;
	struct ib_ipi_match *m;
	struct ib_cpuset iso;
	FILE *f;

	if (!size)
		return 0;
	ib_cpuset_parse("1-3", &iso, NULL, 0);
	m = ib_ipi_match_new(&iso, 1);
	f = fmemopen((void *)data, size, "r");
	if (!m || !f)
		abort();
	ib_tcr_feed(f, m, &st, NULL, NULL);
	ib_ipi_match_finish(m);
	fclose(f);
	ib_ipi_match_free(m);
	return 0;
}
