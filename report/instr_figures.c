// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic mode's figures, read from the rows report/instr.c
 * builds: per-entry instructions and the patched kernel's delta.
 */
#include <math.h>
#include <string.h>

#include "instr.h"

void rp_instr_summarise(const double *v, size_t n, double *mean, double *lo, double *hi)
{
	double sum = 0;

	*mean = *lo = *hi = NAN;
	for (size_t i = 0; i < n; i++) {
		sum += v[i];
		if (!i || v[i] < *lo)
			*lo = v[i];
		if (!i || v[i] > *hi)
			*hi = v[i];
	}
	if (n)
		*mean = sum / n;
}

const struct instr_row *rp_instr_find_row(const struct rp_analysis *a, const char *kind, int cls)
{
	const struct rp_instr *in = a->instr;

	for (size_t i = 0; in && i < in->nrows; i++)
		if (!strcmp(in->rows[i].kind, kind) && in->rows[i].cls == cls)
			return &in->rows[i];
	return NULL;
}

int rp_instr_cost_per_entry(const struct rp_analysis *a, int side, double *mean, double *lo,
			    double *hi)
{
	return rp_instr_cost(a, "getpid", false, side, mean, lo, hi);
}

int rp_instr_delta(const struct rp_analysis *a, const char *kind, bool housekeeping,
		   double *delta, double *spread_pct)
{
	const struct instr_row *row = rp_instr_find_row(a, kind, housekeeping ? CLS_HK : CLS_ISO);
	double m[2], lo[2], hi[2];

	*delta = *spread_pct = NAN;
	if (!row || !row->n[0] || !row->n[1])
		return -1;
	*spread_pct = 0;
	for (int s = 0; s < 2; s++) {
		rp_instr_summarise(row->v[s], row->n[s], &m[s], &lo[s], &hi[s]);
		if (m[s] > 0 && (hi[s] - lo[s]) / m[s] * 100 > *spread_pct)
			*spread_pct = (hi[s] - lo[s]) / m[s] * 100;
	}
	*delta = m[1] - m[0];
	return 0;
}


bool rp_instr_has_case(const struct rp_analysis *a, const char *case_name)
{
	const struct rp_instr *in = a->instr;

	for (size_t i = 0; in && case_name && i < in->nrows; i++)
		if (!strcmp(in->rows[i].case_name, case_name))
			return true;
	return false;
}

int rp_instr_cost(const struct rp_analysis *a, const char *kind, bool housekeeping, int side,
		  double *mean, double *lo, double *hi)
{
	const struct instr_row *row = rp_instr_find_row(a, kind, housekeeping ? CLS_HK : CLS_ISO);

	*mean = *lo = *hi = NAN;
	if (side < 0 || side > 1 || !row || !row->n[side])
		return -1;
	rp_instr_summarise(row->v[side], row->n[side], mean, lo, hi);
	return 0;
}

const char *rp_instr_case_of(const struct rp_analysis *a, const char *kind, bool housekeeping)
{
	const struct instr_row *row = rp_instr_find_row(a, kind, housekeeping ? CLS_HK : CLS_ISO);

	return row ? row->case_name : "-";
}

/*
 * Deferrable IPIs the series saves per isolated CPU and second of guest
 * time: of the campaign's cases with an IPI count, the one where the
 * baseline took the most more than the patched kernel.
 */
double rp_ipi_saved_per_s(const struct rp_analysis *a, const char **from)
{
	double best = NAN;

	*from = NULL;
	for (size_t i = 0; i < a->nipi; i++) {
		const struct rp_ipi_case *ic = &a->ipi[i];
		double s;

		if (!ic->nruns[0] || !ic->nruns[1] || !isfinite(ic->deferrable_rate[0]) ||
		    !isfinite(ic->deferrable_rate[1]))
			continue;
		s = ic->deferrable_rate[0] - ic->deferrable_rate[1];
		if (!isfinite(best) || s > best) {
			best = s;
			*from = ic->case_name;
		}
	}
	return best;
}
