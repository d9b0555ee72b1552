/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_REPORT_INSTR_H
#define ISOLBENCH_REPORT_INSTR_H
/*
 * The deterministic mode's figures as data (report/instr_figures.c), apart
 * from their section (report/instr.c): the gates, and so the campaign-file
 * checker, read them without the report's writers.
 */
#include <stddef.h>

#include "report.h"

enum { CLS_ISO, CLS_HK, CLS_N };


/* One case x vCPU class: one value per run and side. */
struct instr_row {
	char *case_name, *kind;
	int cls;
	double *v[2];		/* per run: mean over the class's CPUs and passes */
	size_t n[2];
	double pass_spread[2];	/* largest pass-to-pass difference within one run, % */
};

struct rp_instr {
	struct instr_row *rows;
	size_t nrows;
	size_t runs;		/* icount runs read */
	char **notes;		/* files that could not be read */
	size_t nnotes;
};

/* Mean, smallest and largest of @n values; NAN when there are none. */
void rp_instr_summarise(const double *v, size_t n, double *mean, double *lo, double *hi);
/* The row of entry kind @kind on vCPU class @cls, or NULL. */
const struct instr_row *rp_instr_find_row(const struct rp_analysis *a, const char *kind, int cls);

#endif
