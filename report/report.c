// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-report: turn a campaign folder into what a kernel developer
 * pastes into a mailing-list reply.
 *
 *   isolbench-report [OPTIONS] CAMPAIGN_DIR
 *   isolbench-report --baseline BASELINE_DIR [OPTIONS] CAMPAIGN_DIR
 *
 * Writes into CAMPAIGN_DIR/report/ (or --output): report.md, report.html
 * (self-contained), the PNG plots with their gnuplot data and scripts, and
 * verdict.json. The sections and the gates are described in docs/report.md.
 *
 * Exit: 0 report written and every gate passed (or there are none),
 * 1 a gate failed, 2 bad usage, unreadable campaign, or a malformed /
 * unknown gate (the report is still written when the campaign was readable),
 * 3 the report could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"

#define TOOL		"isolbench-report"
#define NBOOT_DEFAULT	2000U
#define NBOOT_MIN	100U
#define NBOOT_MAX	100000U
#define ALPHA_MIN	0.001
#define ALPHA_MAX	0.2
#define IPI_COST_MAX	1e7	/* 10 ms: no IPI costs more */

enum exit_code {
	EXIT_OK = 0,
	EXIT_GATE_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_WRITE = 3,	/* could not write the report (full disk, ...): no verdict */
};

/* In a campaign with more than two kernels, a variant's report lists only its two kernels' runs. */
static bool run_listed(const struct rp_analysis *a, const struct rp_run *r)
{
	return !a->only_side_runs || rp_run_on_side(r, &a->side[0]) ||
	       rp_run_on_side(r, &a->side[1]);
}

void rp_fmt_ns(char *buf, size_t len, double ns)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else if (fabs(ns) >= 1e6)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (fabs(ns) >= 1e4)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (fabs(ns) >= 1e3)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else
		snprintf(buf, len, "%.0f ns", ns);
}

void rp_fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
	} else if (a >= 1000) {
		char digits[64], *p = buf;
		int n = snprintf(digits, sizeof(digits), "%.0f", a), lead = n % 3 ? n % 3 : 3;

		if (v < 0 && len > 1) {
			*p++ = '-';
			len--;
		}
		for (int i = 0; i < n && len > 1; i++) {
			if (i && (i - lead) % 3 == 0 && i >= lead) {
				*p++ = ',';
				if (--len <= 1)
					break;
			}
			*p++ = digits[i];
			len--;
		}
		*p = '\0';
	} else if (a >= 100 || v == floor(v)) {
		snprintf(buf, len, "%.0f", v);
	} else if (a >= 10) {
		snprintf(buf, len, "%.1f", v);
	} else if (a >= 1) {
		snprintf(buf, len, "%.2f", v);
	} else {
		snprintf(buf, len, "%.*f", (int)ceil(-log10(a)) + 1, v);
	}
}

/* rp_fmt_num() into a static ring of buffers, for prose. */
static const char *num(double v)
{
	static char ring[16][48];
	static unsigned int slot;
	char *b = ring[slot++ % 16];

	rp_fmt_num(b, 48, v);
	return b;
}

/* A small pool of formatted cells, freed after each table row. */
struct cells {
	char *c[16];
	size_t n;
};

static const char *cell(struct cells *cs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *cell(struct cells *cs, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rp_vprintf(fmt, ap);
	va_end(ap);
	if (cs->n < 16)
		cs->c[cs->n++] = s;
	return s;
}

static const char *cell_ns(struct cells *cs, double ns, bool lower_bound)
{
	char b[64];

	rp_fmt_ns(b, sizeof(b), ns);
	return cell(cs, "%s%s", lower_bound ? ">=" : "", b);
}

static const char *cell_num(struct cells *cs, double v)
{
	return cell(cs, "%s", num(v));
}

static void cells_free(struct cells *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->c[i]);
	cs->n = 0;
}

static const char *ci_text(struct cells *cs, const struct rs_ci *ci, const char *unit)
{
	char e[64], lo[64], hi[64];

	if (!strncmp(unit, "ns", 2)) {
		rp_fmt_ns(e, sizeof(e), ci->est);
		rp_fmt_ns(lo, sizeof(lo), ci->lo);
		rp_fmt_ns(hi, sizeof(hi), ci->hi);
		if (unit[2]) {
			snprintf(e + strlen(e), sizeof(e) - strlen(e), "%s", unit + 2);
			snprintf(hi + strlen(hi), sizeof(hi) - strlen(hi), "%s", unit + 2);
		}
	} else if (!strcmp(unit, "%")) {
		snprintf(e, sizeof(e), "%+.1f%%", ci->est);
		snprintf(lo, sizeof(lo), "%+.1f", ci->lo);
		snprintf(hi, sizeof(hi), "%+.1f%%", ci->hi);
	} else {
		snprintf(e, sizeof(e), "%s%s", num(ci->est), unit);
		snprintf(lo, sizeof(lo), "%s", num(ci->lo));
		snprintf(hi, sizeof(hi), "%s", num(ci->hi));
	}
	if (!isfinite(ci->est))
		return cell(cs, "-");
	if (!ci->ok)
		return cell(cs, "%s", e);
	return cell(cs, "%s [%s, %s]", e, lo, hi);
}

static const char *p_text(struct cells *cs, const struct rp_cmp *c)
{
	if (!c->have_mwu)
		return cell(cs, "-");
	return cell(cs, "%.3g%s / %.3g", c->mwu.p, c->mwu.exact ? " (exact)" : "", c->p_holm);
}

/* --- sections ---------------------------------------------------------- */

/* "12 / 3 / 0 / 0" of one row and kernel, or why there are no contexts. */
static const char *ctx_cell(struct cells *cs, const struct rp_ipi_case *ic,
			    const struct rp_ipi_row *r, int s)
{
	if (!ic->nruns[s] || ic->source != RP_SRC_TRACE)
		return "-";
	if (!ic->nclassified[s])
		return cell(cs, "%s", ic->unclassified_why[s] && !strncmp(ic->unclassified_why[s],
									  "not recorded", 12) ?
			    "not recorded" : "not classified");
	if (!r->has_ctx[s])
		return "0 / 0 / 0 / 0";
	return cell(cs, "%s / %s / %s / %s%s", num(r->ctx[s][RP_CTX_USER]),
		    num(r->ctx[s][RP_CTX_KERNEL]), num(r->ctx[s][RP_CTX_IDLE]),
		    num(r->ctx[s][RP_CTX_UNKNOWN]),
		    ic->nclassified[s] < ic->ntraced[s] ? " (classified runs only)" : "");
}

static void section_ipi(struct rp_doc *d, struct rp_analysis *a, const struct rp_options *o)
{
	rp_doc_heading(d, 2, "ipis", "IPIs reaching the isolated CPUs");
	rp_doc_para(d, "Per callback: the IPIs sent to the isolated CPUs (%s) during the counting "
		       "window, summed over CPUs and repetitions, per isolated CPU-second, and where "
		       "they landed (what the CPU was running when the IPI arrived: user space / "
		       "kernel / idle / unknown; ipi.json \"context\", \"not classified\" when the "
		       "collector could not tell, \"not recorded\" for an older ipi.json). Callbacks "
		       "marked * are the ones the series defers (do_sync_core, do_flush_tlb_all, "
		       "do_kernel_range_flush). Counts come from the ipi collector (ipi.json: "
		       "ipi_send_cpu / ipi_send_cpumask, CSDs matched to the IPIs they caused) when "
		       "every run of a case has it, else from /proc/interrupts.",
		    a->main->iso_str);
	for (size_t i = 0; i < a->nipi; i++) {
		struct rp_ipi_case *ic = &a->ipi[i];
		const char *head[] = { "callback / interrupt", "baseline total", "baseline /CPU-s",
				       "patched total", "patched /CPU-s", "change",
				       "baseline user / kernel / idle / unknown",
				       "patched user / kernel / idle / unknown" };
		char cap[256];
		struct cells cs = { 0 };

		rp_doc_heading(d, 3, NULL, "Case %s", ic->case_name);
		if (!ic->nruns[0] && !ic->nruns[1]) {
			rp_doc_para(d, "No usable run of this case (failed, or flagged and left out): "
				       "no counts (Table %d lists the runs).",
				    a->runs_table_no);
			continue;
		}
		if (ic->source == RP_SRC_PROCIRQ)
			rp_doc_warn(d, "ipi.json not collected for every run (baseline %zu of %zu runs, "
				       "patched %zu of %zu): the table falls back to /proc/interrupts "
				       "deltas, which cannot tell callbacks apart.",
				    ic->ntraced[0], ic->nruns[0], ic->ntraced[1], ic->nruns[1]);
		snprintf(cap, sizeof(cap), "Table %d: IPIs to the isolated CPUs, case %s (%s; %s %zu "
			 "runs, %s CPU-s; %s %zu runs, %s CPU-s)", ic->table_no, ic->case_name,
			 ic->source == RP_SRC_TRACE ? "ipi.json" : "/proc/interrupts", rp_side_name(a, 0),
			 ic->nruns[0], num(ic->cpu_s[0]), rp_side_name(a, 1), ic->nruns[1],
			 num(ic->cpu_s[1]));
		head[1] = cell(&cs, "%s total", rp_side_name(a, 0));
		head[2] = cell(&cs, "%s /CPU-s", rp_side_name(a, 0));
		head[3] = cell(&cs, "%s total", rp_side_name(a, 1));
		head[4] = cell(&cs, "%s /CPU-s", rp_side_name(a, 1));
		head[6] = cell(&cs, "%s user / kernel / idle / unknown", rp_side_name(a, 0));
		head[7] = cell(&cs, "%s user / kernel / idle / unknown", rp_side_name(a, 1));
		rp_doc_table(d, cap, 8, head);
		cells_free(&cs);
		for (size_t k = 0; k < ic->nrows; k++) {
			const struct rp_ipi_row *r = &ic->rows[k];
			const char *row[8];

			row[0] = cell(&cs, "%s%s%s", r->name, r->deferrable ? " *" : "",
				      !strcmp(r->name, "(null)") ? " (no callback: reschedule)" : "");
			row[1] = ic->nruns[0] ? cell_num(&cs, r->total[0]) : "-";
			row[2] = ic->nruns[0] ? cell_num(&cs, r->rate[0]) : "-";
			row[3] = ic->nruns[1] ? cell_num(&cs, r->total[1]) : "-";
			row[4] = ic->nruns[1] ? cell_num(&cs, r->rate[1]) : "-";
			if (ic->nruns[0] && ic->nruns[1] && r->rate[0] > 0)
				row[5] = cell(&cs, "%+.0f%%", (r->rate[1] / r->rate[0] - 1) * 100);
			else if (ic->nruns[0] && ic->nruns[1] && r->rate[1] > 0)
				row[5] = cell(&cs, "new");
			else
				row[5] = "-";
			for (int s = 0; s < 2; s++)
				row[6 + s] = ctx_cell(&cs, ic, r, s);
			rp_doc_row(d, row);
			cells_free(&cs);
		}
		{
			const char *row[8];
			struct rp_ipi_row sum = { .name = NULL };

			for (size_t k = 0; k < ic->nrows; k++) {
				if (!ic->rows[k].deferrable)
					continue;
				for (int s = 0; s < 2; s++) {
					sum.has_ctx[s] |= ic->rows[k].has_ctx[s];
					for (int c = 0; c < RP_CTX_N; c++)
						sum.ctx[s][c] += ic->rows[k].ctx[s][c];
				}
			}

			row[0] = ic->source == RP_SRC_TRACE ? "deferrable (*) together" : "CAL + TLB";
			row[1] = ic->nruns[0] ? cell_num(&cs, ic->deferrable[0]) : "-";
			row[2] = ic->nruns[0] ? cell_num(&cs, ic->deferrable_rate[0]) : "-";
			row[3] = ic->nruns[1] ? cell_num(&cs, ic->deferrable[1]) : "-";
			row[4] = ic->nruns[1] ? cell_num(&cs, ic->deferrable_rate[1]) : "-";
			row[5] = ic->nruns[0] && ic->nruns[1] && ic->deferrable_rate[0] > 0 ?
				 cell(&cs, "%+.0f%%",
				      (ic->deferrable_rate[1] / ic->deferrable_rate[0] - 1) * 100) : "-";
			for (int s = 0; s < 2; s++)
				row[6 + s] = ic->source == RP_SRC_TRACE ?
					     ctx_cell(&cs, ic, &sum, s) : "-";
			rp_doc_row(d, row);
			cells_free(&cs);
		}
		rp_doc_table_end(d);
		if (ic->source == RP_SRC_TRACE) {
			if (ic->nct) {
				for (size_t k = 0; k < ic->nct; k++)
					rp_doc_item(d, "Deferred by the series on %s (ct_work_defer), work "
						       "%s: %s, run on kernel entry (ct_work_run): %s",
						    rp_side_name(a, 1), rp_ct_work_name(ic->ct[k].type),
						    num(ic->ct[k].deferred), num(ic->ct[k].run));
				rp_doc_list_end(d);
			} else {
				rp_doc_para(d, "Deferred by the series: %s",
					    ic->ct_present ? "0 (the ct_work tracepoints were there but "
							     "never fired)" :
							     "not collected (no ct_work tracepoints in the "
							     "patched kernel's ipi.json)");
			}
		}
		/* Cross-check: sender side against receiver side and /proc/interrupts. */
		for (int s = 0; s < 2; s++) {
			char sent[32], recv[32], cal[32];

			if (!ic->nruns[s])
				continue;
			rp_fmt_num(sent, sizeof(sent), ic->sent[s]);
			rp_fmt_num(recv, sizeof(recv), ic->received[s]);
			rp_fmt_num(cal, sizeof(cal), ic->cal[s]);
			if (ic->source == RP_SRC_TRACE) {
				const char *agree = "cannot be compared";
				char extra[128] = "";

				if (isfinite(ic->received[s]) && isfinite(ic->cal[s])) {
					double hi = fmax(ic->received[s], ic->cal[s]);

					agree = hi == 0 || fabs(ic->received[s] - ic->cal[s]) <= 0.1 * hi + 2 ?
						"agree" :
						ic->cal[s] > ic->received[s] ?
						"CAL is larger: the /proc/interrupts snapshots bracket the "
						"whole run, the trace only its window" :
						"differ by more than 10%: look at the lost events";
				}
				if (ic->lost[s] > 0 || ic->untrusted[s])
					snprintf(extra, sizeof(extra), "; lost events %s, runs not "
						 "trustworthy %zu", num(ic->lost[s]), ic->untrusted[s]);
				rp_doc_item(d, "Cross-check %s: received call-function IPIs (trace) %s, "
					       "CAL in /proc/interrupts %s: %s (IPIs sent to the isolated "
					       "CPUs, trace: %s%s).", rp_side_name(a, s), recv, cal, agree, sent,
					    extra);
			} else {
				rp_doc_item(d, "Cross-check %s: CAL in /proc/interrupts %s; no trace to "
					       "compare with (ipi.json not collected).", rp_side_name(a, s), cal);
			}
		}
		rp_doc_list_end(d);
		if (ic->source == RP_SRC_TRACE && ic->nclassified[0] + ic->nclassified[1])
			rp_doc_para(d, "Time the isolated CPUs spent in each context inside the "
				       "windows (CPU-seconds, user / kernel / idle / unknown): %s %s / "
				       "%s / %s / %s; %s %s / %s / %s / %s.", rp_side_name(a, 0),
				    num(ic->ctx_time[0][0]), num(ic->ctx_time[0][1]),
				    num(ic->ctx_time[0][2]), num(ic->ctx_time[0][3]), rp_side_name(a, 1),
				    num(ic->ctx_time[1][0]), num(ic->ctx_time[1][1]),
				    num(ic->ctx_time[1][2]), num(ic->ctx_time[1][3]));
		if (ic->plot)
			rp_doc_image(d, ic->plot, "Figure %d: IPIs per isolated CPU-second, "
							   "case %s", ic->plot_no, ic->case_name);
	}
	(void)o;
}

/* The top stacks of every callback one kernel sent, in the seed's shape. */
static char *stacks_text(const struct rp_analysis *a, const struct rp_stack_case *sc, int s)
{
	char *t = rp_strdup("");

	for (size_t i = 0; i < sc->ncb[s]; i++) {
		const struct rp_stack_cb *cb = &sc->cb[s][i];
		char *n, none[96] = "", sends[64];

		if (!cb->on_other)
			snprintf(none, sizeof(none), " (none on %s)", rp_side_name(a, !s));
		if (isfinite(cb->sends))
			snprintf(sends, sizeof(sends), "%.0f sends with a stack", cb->sends);
		else
			snprintf(sends, sizeof(sends), "%.0f sends in the top stacks", cb->total);
		n = rp_printf("%s%scallback=%s%s: %s, %zu distinct stack%s%s\n", t, i ? "\n" : "",
			      cb->callback, cb->deferrable ? " *" : "", sends, cb->n,
			      cb->n == 1 ? "" : "s", none);
		free(t);
		t = n;
		for (size_t k = 0; k < cb->n && k < RP_STACK_TOP; k++) {
			const struct rp_stack *st = &cb->st[k];
			const char *p = st->frames;
			char other[96];

			if (st->other > 0)
				snprintf(other, sizeof(other), "%s: %.0f", rp_side_name(a, !s), st->other);
			else
				snprintf(other, sizeof(other), "not on %s", rp_side_name(a, !s));
			n = rp_printf("%s  %.0f x  (%s)\n", t, st->count, other);
			free(t);
			t = n;
			for (int f = 0; p && *p && f < RP_STACK_FRAMES; f++) {
				size_t len = strcspn(p, "\n");

				n = rp_printf("%s  => %.*s\n", t, (int)len, p);
				free(t);
				t = n;
				p += len + (p[len] == '\n');
			}
			if (p && *p) {
				n = rp_printf("%s  => ...\n", t);
				free(t);
				t = n;
			}
		}
	}
	if (t[0])
		t[strlen(t) - 1] = '\0';
	return t;
}

static void section_stacks(struct rp_doc *d, struct rp_analysis *a)
{
	if (!a->nstk)
		return;
	rp_doc_heading(d, 2, "stacks", "Appendix: who sends the IPIs that remain (sender stacks)");
	rp_doc_para(d, "For every IPI to an isolated CPU during the measurement, the kernel stack of "
		       "the sender, recorded by the kernel (a stacktrace trigger on ipi_send_cpu and "
		       "ipi_send_cpumask, filtered on the isolated CPUs; collector ipi-stacks), "
		       "attributed to the callback the IPI carried (the queued function for "
		       "call-function IPIs). One stack per send: a cpumask IPI to both isolated CPUs "
		       "is one send and two IPIs in the tables above. Each run keeps its top 20 stacks "
		       "per callback (and the number of all sends with a stack); stacks are "
		       "merged over runs by their function names, since offsets differ between the "
		       "kernels. Per callback the top %d, %d frames each, with how often the other "
		       "kernel sent the same path (\"not on ...\": the other kernel no longer sends "
		       "it). * marks the callbacks the series defers.", RP_STACK_TOP, RP_STACK_FRAMES);
	for (size_t i = 0; i < a->nstk; i++) {
		const struct rp_stack_case *sc = &a->stk[i];
		const char *head[] = { "callback", "baseline sends", "patched sends",
				       "baseline stacks not on patched" };
		struct cells cs = { 0 };
		char cap[256], **names = NULL;
		size_t nnames = 0;

		rp_doc_heading(d, 3, NULL, "Case %s", sc->case_name);
		snprintf(cap, sizeof(cap), "Sender stacks, case %s (%s: %zu runs, %s: %zu runs)",
			 sc->case_name, rp_side_name(a, 0), sc->nruns[0], rp_side_name(a, 1), sc->nruns[1]);
		head[1] = cell(&cs, "%s sends", rp_side_name(a, 0));
		head[2] = cell(&cs, "%s sends", rp_side_name(a, 1));
		head[3] = cell(&cs, "%s stacks not on %s", rp_side_name(a, 0), rp_side_name(a, 1));
		rp_doc_table(d, cap, 4, head);
		cells_free(&cs);
		for (int s = 0; s < 2; s++) {
			for (size_t k = 0; k < sc->ncb[s]; k++) {
				const char *cbn = sc->cb[s][k].callback, *row[4];
				double tot[2] = { 0, 0 }, gone = 0;
				size_t ngone = 0, nst = 0;
				bool seen = false;

				for (size_t j = 0; j < nnames; j++)
					seen |= !strcmp(names[j], cbn);
				if (seen)
					continue;
				if (rp_grow(&names, nnames + 1, sizeof(*names)) < 0) {
					rp_doc_para(d, "(out of memory: the rest of this table is "
						    "missing)");
					break;
				}
				names[nnames++] = (char *)cbn;
				for (int t = 0; t < 2; t++)
					for (size_t j = 0; j < sc->ncb[t]; j++) {
						const struct rp_stack_cb *cb = &sc->cb[t][j];

						if (strcmp(cb->callback, cbn))
							continue;
						tot[t] = isfinite(cb->sends) ? cb->sends : cb->total;
						for (size_t m = 0; t == 0 && m < cb->n; m++) {
							nst++;
							if (cb->st[m].other > 0)
								continue;
							ngone++;
							gone += cb->st[m].count;
						}
					}
				row[0] = cell(&cs, "%s%s", cbn, rp_deferrable(cbn) ? " *" : "");
				row[1] = sc->nruns[0] ? cell(&cs, "%.0f", tot[0]) : "-";
				row[2] = sc->nruns[1] ? cell(&cs, "%.0f", tot[1]) : "-";
				row[3] = sc->nruns[0] && sc->nruns[1] && nst ?
					 cell(&cs, "%zu of %zu (%.0f sends)", ngone, nst, gone) : "-";
				rp_doc_row(d, row);
				cells_free(&cs);
			}
		}
		free(names);
		rp_doc_table_end(d);
		for (int s = 0; s < 2; s++) {
			char *t;

			if (!sc->nruns[s]) {
				rp_doc_para(d, "%s: no run with sender stacks.", rp_side_name(a, s));
				continue;
			}
			if (!sc->ncb[s]) {
				rp_doc_para(d, "%s: no IPI reached the isolated CPUs during the "
					       "measurement.", rp_side_name(a, s));
				continue;
			}
			{
				char *sum = rp_printf("%s, case %s: top sender stacks per callback",
						      rp_side_name(a, s), sc->case_name);

				rp_doc_details(d, sum);
				free(sum);
			}
			t = stacks_text(a, sc, s);
			rp_doc_pre(d, t);
			rp_doc_details_end(d);
			free(t);
		}
	}
}

/* The statistics table (and plot) of one oslat or cyclictest case. */
static void good_table(struct rp_doc *d, struct rp_analysis *a, struct rp_good_case *g)
{
	const char *tool = ib_lat_tool_name(g->tool);
	const char *head[] = { "kernel", "cpu", "samples", "min", "max", "mean", "median",
			       "mode", "stddev", "p90", "p99", "p99.9", "p99.99", "lost/s",
			       "> 10 us /s", "> 100 us /s", "> 1 ms /s" };
	char cap[256];
	struct cells cs = { 0 };

	rp_doc_heading(d, 3, NULL, "Case %s", g->case_name);
	if (!g->nruns[0] && !g->nruns[1]) {
		rp_doc_para(d, "No usable run of this case (ok and not flagged) has %s.json "
			       "for either kernel: nothing to show (Table %d lists the runs, "
			       "the top of the report the flagged ones).", tool, a->runs_table_no);
		return;
	}
	snprintf(cap, sizeof(cap), "Table %d: %s, case %s (%s: %zu runs, %s: %zu runs)",
		 g->table_no, tool, g->case_name, rp_side_name(a, 0), g->nruns[0], rp_side_name(a, 1),
		 g->nruns[1]);
	rp_doc_table(d, cap, 17, head);
	for (int s = 0; s < 2; s++) {
		for (size_t c = 0; c < g->ncpus[s]; c++) {
			const struct rp_good_cpu *gc = &g->cpus[s][c];
			const struct ib_hist_stats *st = &gc->st;
			const char *row[17];
			double lost = NAN;

			if (!gc->ok)
				continue;
			if (gc->cpu < 0 && g->nunit[s])
				lost = rs_median(g->unit[s][RP_GM_STOLEN], g->nunit[s]);
			row[0] = rp_side_name(a, s);
			row[1] = gc->cpu < 0 ? "all" : cell(&cs, "%d", gc->cpu);
			row[2] = cell(&cs, "%llu", (unsigned long long)st->samples);
			row[3] = cell_ns(&cs, st->min, false);
			row[4] = cell_ns(&cs, st->max, st->max_low);
			row[5] = cell_ns(&cs, st->mean, false);
			row[6] = cell_ns(&cs, st->median, false);
			row[7] = cell_ns(&cs, st->mode, false);
			row[8] = cell_ns(&cs, st->stddev, false);
			row[9] = cell_ns(&cs, st->p90.value, st->p90.in_overflow);
			row[10] = cell_ns(&cs, st->p99.value, st->p99.in_overflow);
			row[11] = cell_ns(&cs, st->p999.value, st->p999.in_overflow);
			row[12] = cell_ns(&cs, st->p9999.value, st->p9999.in_overflow);
			row[13] = gc->cpu < 0 && isfinite(lost) ?
				  cell(&cs, "%s%s (median of runs)", g->stolen_low[s] ? ">=" : "",
				       cell_ns(&cs, lost, false)) : "";
			for (int k = 0; k < 3; k++)
				row[14 + k] = gc->cpu < 0 ? cell_num(&cs, g->gt_rate[s][k]) : "";
			rp_doc_row(d, row);
			cells_free(&cs);
		}
	}
	rp_doc_table_end(d);
	if (g->version[0] && g->version[1] && strcmp(g->version[0], g->version[1]))
		rp_doc_warn(d, "The kernels' %s files come from different rt-tests versions "
			       "(%s, %s): their bucket labels differ by one unit.",
			    tool, g->version[0], g->version[1]);
	if (!g->nruns[0] || !g->nruns[1])
		rp_doc_para(d, "Only one kernel has %s results here: nothing to compare.", tool);
	if (g->plot)
		rp_doc_image(d, g->plot, "Figure %d: %s histograms of both "
						  "kernels, case %s (log-log)", g->plot_no,
						  tool, g->case_name);
}

static void section_good(struct rp_doc *d, struct rp_analysis *a)
{
	size_t n = 0;

	rp_doc_heading(d, 2, "good", "Good case: oslat on the isolated CPUs");
	for (size_t i = 0; i < a->ngood; i++)
		n += a->good[i].tool == IB_LAT_OSLAT;
	if (!n) {
		rp_doc_para(d, "Not measured: the campaign has no oslat case.");
		return;
	}
	rp_doc_para(d, "rteval's statistics from oslat's histograms of the true gaps (rt-tests "
		       ">= 2.5 labels each bucket one unit above the gaps it holds; the report moves "
		       "the counts back, so 2.4 and 2.6 read alike: lib/latency.h), every run "
		       "merged, per isolated CPU and for all of them together; values are bucket "
		       "upper edges, \">=\" marks one among the overflows. The mean is exact: the "
		       "loop's gaps add up to its duration, so mean = duration / samples (oslat's "
		       "own \"avg\" comes from bucket labels). \"> 10 us /s\" and the next two "
		       "columns count the interruptions longer than 10 us, 100 us and 1 ms per "
		       "isolated CPU-second: unlike p99.99 they do not depend on how many samples a "
		       "loop took (\"-\" when the histogram ends below the threshold and holds "
		       "overflows). \"lost/s\" is the time per CPU-second spent in gaps longer "
		       "than 10 us (bucket midpoints, overflows at the last edge: \">=\" when there "
		       "are overflows, since oslat's JSON does not record their sum).");
	for (size_t i = 0; i < a->ngood; i++)
		if (a->good[i].tool == IB_LAT_OSLAT)
			good_table(d, a, &a->good[i]);
}

static void section_timer(struct rp_doc *d, struct rp_analysis *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->ngood; i++)
		n += a->good[i].tool == IB_LAT_CYCLICTEST;
	if (!n)
		return;
	rp_doc_heading(d, 2, "timer", "Timer wake-ups: cyclictest on the isolated CPUs");
	rp_doc_para(d, "cyclictest's wake-up latency (one SCHED_FIFO thread per isolated CPU, "
		       "woken by a timer every interval; main thread on housekeeping), with the same "
		       "statistics as oslat from its histograms of 1 us buckets: a key k holds "
		       "[k, k + 1) us and is shown here by its upper edge, overflows as \">=\". Where "
		       "oslat measures a thread that never leaves user space, cyclictest measures one "
		       "that enters the kernel and sleeps at every sample.");
	for (size_t i = 0; i < a->ngood; i++)
		if (a->good[i].tool == IB_LAT_CYCLICTEST)
			good_table(d, a, &a->good[i]);
}

/* Bad-case rates by what the runs achieved (per CPU, median over runs), the target after. */
static const char *rate_label(struct cells *cs, const struct rp_bad_rate *br)
{
	double ach = isfinite(br->achieved_med[1]) ? br->achieved_med[1] : br->achieved_med[0];

	if (!br->target)
		return cell(cs, "%s/s (as fast as possible)", num(ach));
	return cell(cs, "%s/s (target %s/s)", num(ach), num((double)br->target));
}

static void breakeven_text(struct rp_doc *d, const struct rp_bad_case *b)
{
	const struct rp_breakeven *be = &b->be;

	if (!be->computed) {
		rp_doc_para(d, "Break-even: not computed, because %s.", be->why);
		return;
	}
	if (isinf(be->rate))
		rp_doc_para(d, "Break-even: %s. Inputs: %s.", be->where, be->why);
	else
		rp_doc_para(d, "Break-even: about %.0f kernel entries per second, %s. Above it the "
			       "extra cost of every entry adds up to more time per second than the "
			       "IPIs the series defers would have taken. Inputs: %s.", be->rate,
			    be->where, be->why);
}

/* The bad-case table's perf rows: kernel cycles and instructions per entry. */
static void perf_rows(struct rp_doc *d, const struct rp_bad_case *b)
{
	static const char *const what[2] = { "kernel cycles", "kernel instructions" };
	struct cells cs = { 0 };

	if (!b->nperf[0] && !b->nperf[1])
		return;
	for (int e = 0; e < 2; e++) {
		const char *row[7];
		double per[2];

		for (int s = 0; s < 2; s++)
			per[s] = b->nperf[s] && b->perf_entries[s] > 0 ?
				 b->perf[s][e] / b->perf_entries[s] : NAN;
		row[0] = cell(&cs, "all rates (perf)");
		row[1] = cell(&cs, "%.0f / %.0f entries", b->perf_entries[0], b->perf_entries[1]);
		row[2] = isfinite(per[0]) ? cell(&cs, "%.0f %s", per[0], what[e]) : "-";
		row[3] = isfinite(per[1]) ? cell(&cs, "%.0f %s", per[1], what[e]) : "-";
		row[4] = isfinite(per[0]) && isfinite(per[1]) && per[0] > 0 ?
			 cell(&cs, "%+.1f%%", (per[1] / per[0] - 1) * 100) : "-";
		row[5] = "-";
		row[6] = cell(&cs, "%zu / %zu runs", b->nperf[0], b->nperf[1]);
		rp_doc_row(d, row);
		cells_free(&cs);
	}
}

static void section_bad(struct rp_doc *d, struct rp_analysis *a, const struct rp_options *o)
{
	rp_doc_heading(d, 2, "bad", "Bad case: cost of kernel entries");
	rp_doc_para(d, "isolbench-entry on the isolated CPUs enters the kernel at each target rate "
		       "and times every entry. Per rate: the median cost of one entry (median over "
		       "runs and CPUs of each one's median) with a %.0f%% percentile-bootstrap "
		       "interval (%u resamples), the achieved rate, the patched kernel's overhead in "
		       "percent with its interval, and the Mann-Whitney U p-value.",
		    o->level * 100, o->nboot);
	rp_doc_para(d, "Break-even is defined as the entry rate r at which r x (extra cost per "
		       "entry) equals s x c: the IPIs per second the series saves an isolated CPU "
		       "(s, deferrable IPIs, baseline minus patched, of the oslat case where the "
		       "series saves the most) times the cost "
		       "of one IPI to that CPU (c, from --ipi-cost-ns, else estimated from oslat: "
		       "the lost time per second the patched kernel saves divided by s). Below r "
		       "the deferral saves more time than it costs; above it, it costs more.");
	if (!a->nbad) {
		rp_doc_para(d, "Not measured: the campaign has no entry case.");
		return;
	}
	for (size_t i = 0; i < a->nbad; i++) {
		struct rp_bad_case *b = &a->bad[i];
		const char *head[] = { "rate achieved per CPU (target)", "achieved (b/p)",
				       "baseline per entry", "patched per entry", "overhead",
				       "p (MWU)", "runs (b/p)" };
		char cap[256];
		struct cells cs = { 0 };

		rp_doc_heading(d, 3, NULL, "Case %s%s%s%s", b->case_name, b->kind ? " (" : "",
			       b->kind ? b->kind : "", b->kind ? ")" : "");
		if (!b->nrates) {
			rp_doc_para(d, "No usable run of this case (ok and not flagged) has "
				       "entry.json for either kernel: nothing to show (Table %d "
				       "lists the runs, the top of the report the flagged ones).",
				    a->runs_table_no);
			continue;
		}
		snprintf(cap, sizeof(cap), "Table %d: cost per kernel entry, case %s", b->table_no,
			 b->case_name);
		head[2] = cell(&cs, "%s per entry", rp_side_name(a, 0));
		head[3] = cell(&cs, "%s per entry", rp_side_name(a, 1));
		rp_doc_table(d, cap, 7, head);
		cells_free(&cs);
		for (size_t k = 0; k < b->nrates; k++) {
			const struct rp_bad_rate *br = &b->rates[k];
			const char *row[7];

			row[0] = rate_label(&cs, br);
			row[1] = cell(&cs, "%s / %s", num(br->achieved_med[0]),
				      num(br->achieved_med[1]));
			row[2] = ci_text(&cs, &br->ci[0], "ns");
			row[3] = ci_text(&cs, &br->ci[1], "ns");
			row[4] = ci_text(&cs, &br->pct, "%");
			row[5] = !br->have_mwu ? "-" :
				 br->mwu.min_p >= o->alpha ?
				 cell(&cs, "not evaluable at n = %zu / %zu", br->n[0], br->n[1]) :
				 cell(&cs, "%.3g%s", br->mwu.p, br->mwu.exact ? " (exact)" : "");
			row[6] = cell(&cs, "%zu / %zu", br->n[0], br->n[1]);
			rp_doc_row(d, row);
			cells_free(&cs);
		}
		perf_rows(d, b);
		rp_doc_table_end(d);
		if (b->nperf[0] || b->nperf[1])
			rp_doc_para(d, "Rows \"all rates (perf)\": perf stat on the isolated CPUs "
				       "around the whole sweep (out/perf.csv), kernel-mode cycles and "
				       "instructions (cycles:k, instructions:k) divided by the kernel "
				       "entries of every rate: the cost of one entry with the interrupts "
				       "it took, counted by the virtual PMU rather than timed with the TSC.");
		else
			rp_doc_para(d, "perf counters: not available (%s).",
				    b->perf_note ? b->perf_note :
				    "no run of this case has out/perf.csv");
		breakeven_text(d, b);
		if (b->plot)
			rp_doc_image(d, b->plot, "Figure %d: cost per kernel entry against "
							  "entry rate, case %s", b->plot_no,
							  b->case_name);
	}
}

static void section_real(struct rp_doc *d, struct rp_analysis *a, const struct rp_options *o)
{
	const char *head[] = { "metric", "baseline median [CI]", "patched median [CI]",
			       "difference [CI]", "U", "p / Holm p", "runs (b/p)", "result", "see" };
	struct cells cs = { 0 };
	char cap[256];

	rp_doc_heading(d, 2, "real", "Is it real? Repetitions compared");
	rp_doc_para(d, "The run (one boot) is the unit: each run gives one value per metric, its "
		       "isolated CPUs aggregated (counts summed over CPU-seconds, histograms "
		       "merged), never one value per CPU. The two kernels' runs are compared with "
		       "the two-sided Mann-Whitney U test, its p exact (the permutation "
		       "distribution of the mid-rank sum, right with ties) up to %d runs in all; "
		       "p-values are Holm-adjusted over the comparisons of each table (one case), "
		       "and a result is significant when the adjusted p < %g. With n runs per "
		       "kernel the smallest possible p is 2/C(2n, n): 1/3 for n = 2, 0.1 for n = 3, "
		       "0.029 for n = 4, 0.0022 for n = 6; when that times the number of tests of "
		       "the table is not below alpha the row says \"not evaluable at n = ...\". "
		       "Medians and the difference of medians carry %.0f%% percentile-bootstrap "
		       "intervals (%u resamples, seed %lu; none below %d runs).", RS_EXACT_MAX_N,
		    o->alpha, o->level * 100, o->nboot, o->seed, RS_BOOT_MIN_N);
	if (!a->ncmp) {
		rp_doc_para(d, "Nothing to compare: no metric has values for both kernels.");
		return;
	}
	snprintf(cap, sizeof(cap), "Table %d: run-by-run comparison (one value per run; lower is "
		 "better everywhere)", a->cmp_table_no);
	head[1] = cell(&cs, "%s median [CI]", rp_side_name(a, 0));
	head[2] = cell(&cs, "%s median [CI]", rp_side_name(a, 1));
	rp_doc_table(d, cap, 9, head);
	cells_free(&cs);
	for (size_t i = 0; i < a->ncmp; i++) {
		const struct rp_cmp *c = &a->cmp[i];
		const char *row[9];

		row[0] = c->what;
		row[1] = ci_text(&cs, &c->ci[0], c->unit);
		row[2] = ci_text(&cs, &c->ci[1], c->unit);
		row[3] = ci_text(&cs, &c->diff, c->unit);
		row[4] = c->have_mwu ? cell(&cs, "%.1f", c->mwu.u1) : "-";
		row[5] = p_text(&cs, c);
		row[6] = cell(&cs, "%zu / %zu", c->n[0], c->n[1]);
		row[7] = !c->have_mwu ? "no runs to compare" :
			 !c->evaluable ? cell(&cs, "not evaluable at n = %zu / %zu", c->n[0],
					      c->n[1]) :
			 c->verdict < 0 ? "patched better" :
			 c->verdict > 0 ? "patched worse" :
			 "no significant difference";
		row[8] = cell(&cs, "Table %d", c->ref_table);
		rp_doc_row(d, row);
		cells_free(&cs);
	}
	rp_doc_table_end(d);
}

static void fmt_duration(char *b, size_t len, double s)
{
	if (!isfinite(s))
		snprintf(b, len, "-");
	else if (s >= 3600)
		snprintf(b, len, "%.1f h", s / 3600);
	else if (s >= 120)
		snprintf(b, len, "%.1f min", s / 60);
	else
		snprintf(b, len, "%.1f s", s);
}

static void section_runs(struct rp_doc *d, struct rp_analysis *a)
{
	const char *head[] = { "run", "campaign", "kernel", "case", "rep", "status", "accel", "wall",
			       "files", "reasons" };
	struct cells cs = { 0 };
	char cap[128];
	const struct rp_campaign *camps[2] = { a->base, a->main };

	rp_doc_heading(d, 2, "runs", "Runs");
	snprintf(cap, sizeof(cap), "Table %d: every run and how it ended (run.json)", a->runs_table_no);
	rp_doc_table(d, cap, 10, head);
	for (int k = 0; k < 2; k++) {
		if (k == 1 && camps[1] == camps[0])
			break;
		for (size_t i = 0; i < camps[k]->nruns; i++) {
			const struct rp_run *r = &camps[k]->runs[i];
			const char *row[10];
			char wall[32], files[256] = "", *reasons;
			size_t len = 0;

			if (!run_listed(a, r))
				continue;
			fmt_duration(wall, sizeof(wall), r->wall_s);
			if (r->oslat)
				len += snprintf(files + len, sizeof(files) - len, "oslat ");
			if (r->entry)
				len += snprintf(files + len, sizeof(files) - len, "entry ");
			if (r->cyclic)
				len += snprintf(files + len, sizeof(files) - len, "cyclictest ");
			if (r->perf)
				len += snprintf(files + len, sizeof(files) - len, "perf ");
			if (r->irq)
				len += snprintf(files + len, sizeof(files) - len, "interrupts ");
			if (r->ipi)
				len += snprintf(files + len, sizeof(files) - len, "ipi ");
			if (!len)
				snprintf(files, sizeof(files), "none");
			else
				files[len - 1] = '\0';
			reasons = rp_strdup("");
			for (size_t j = 0; j < r->nreasons; j++) {
				char *t = rp_printf("%s%s%s", reasons, j ? "; " : "", r->reasons[j]);

				free(reasons);
				reasons = t;
			}
			{
				const char *errs[] = { r->oslat_err, r->entry_err, r->irq_err, r->ipi_err,
						       r->cyclic_err };

				for (size_t j = 0; j < 5; j++) {
					char *t;

					if (!errs[j])
						continue;
					t = rp_printf("%s%sunreadable: %s", reasons, reasons[0] ? "; " : "",
						      errs[j]);
					free(reasons);
					reasons = t;
				}
			}
			row[0] = r->slug;
			row[1] = camps[k]->name;
			row[2] = r->kernel;
			row[3] = r->case_name;
			row[4] = cell(&cs, "%d", r->rep);
			row[5] = r->status;
			row[6] = r->accel;
			row[7] = wall;
			row[8] = files;
			row[9] = reasons;
			rp_doc_row(d, row);
			cells_free(&cs);
			free(reasons);
		}
	}
	rp_doc_table_end(d);
}

static void kernel_line(struct rp_doc *d, const struct rp_campaign *c, const char *name,
			const char *role)
{
	struct json_object *k = rp_jget(c->kernels, name, json_type_object);
	const char *sha = rp_jstr(k, "series_sha256", NULL);
	struct json_object *patches = rp_jget(k, "patches", json_type_array);

	if (!k) {
		rp_doc_item(d, "%s kernel %s: kernels/%s.json missing", role, name, name);
		return;
	}
	rp_doc_item(d, "%s kernel %s: %s (release %s), series %s (%zu patches, sha256 %.16s), "
		       "config sha256 %.16s, built %s", role, name, rp_jstr(k, "source", "?"),
		    rp_jstr(k, "release", "?"),
		    rp_jstr(k, "series", "")[0] ? rp_jstr(k, "series", "") : "none",
		    patches ? json_object_array_length(patches) : 0, sha ? sha : "-",
		    rp_jstr(k, "config_sha256", "-"), rp_jstr(k, "built_at", "?"));
}

static const char *first_cmdline(const struct rp_side *s)
{
	for (size_t i = 0; i < s->camp->nruns; i++)
		if (rp_run_on_side(&s->camp->runs[i], s) && s->camp->runs[i].cmdline)
			return s->camp->runs[i].cmdline;
	return NULL;
}

static void section_provenance(struct rp_doc *d, struct rp_analysis *a, const struct rp_options *o)
{
	const struct rp_campaign *camps[2] = { a->base, a->main };

	rp_doc_heading(d, 2, "provenance", "Provenance");
	kernel_line(d, a->side[0].camp, a->side[0].kernel, "Baseline");
	kernel_line(d, a->side[1].camp, a->side[1].kernel, "Patched");
	for (int s = 0; s < 2; s++) {
		const char *cl = first_cmdline(&a->side[s]);

		rp_doc_item(d, "Guest cmdline (%s): %s", rp_side_name(a, s),
			    cl ? cl : "not recorded (no job-record.json)");
	}
	for (int k = 0; k < 2; k++) {
		const struct rp_campaign *c = camps[k];
		char dur[32], wall[32];

		if (k == 1 && camps[1] == camps[0])
			break;
		fmt_duration(dur, sizeof(dur), c->duration_s);
		fmt_duration(wall, sizeof(wall), rp_jnum(c->timing, "wall_s", NAN));
		rp_doc_item(d, "Campaign %s (%s): %zu runs, %d repetition(s), measurement %s per run "
			       "after %.0f s warm-up, guest %d vCPUs (housekeeping %s, isolated %s), "
			       "campaign wall time %s, started %s", c->name, c->dir, c->nruns, c->reps,
			    dur, c->warmup_s,
			    (int)rp_jnum(rp_jget(c->campaign, "guest", json_type_object), "vcpus", 0),
			    c->hk_str, c->iso_str, wall, rp_jstr(c->timing, "started", "?"));
		for (size_t h = 0; h < json_object_array_length(c->hosts); h++) {
			struct json_object *ho = json_object_array_get_idx(c->hosts, h);

			rp_doc_item(d, "Host %s: %s, %s CPUs online, host kernel %s; accelerator %s (%s); "
				       "%s; libvirt %s", rp_jstr(ho, "hostname", "?"),
				    rp_jstr(ho, "host_cpu_model", "?"),
				    rp_jstr(ho, "host_cpus_online", "?"), rp_jstr(ho, "host_kernel", "?"),
				    rp_jstr(ho, "accel", "?"), rp_jstr(ho, "accel_reason", ""),
				    rp_jstr(ho, "qemu", "?"), rp_jstr(ho, "libvirt", "?"));
		}
		if (c->image)
			rp_doc_item(d, "Guest image: suite %s", rp_jstr(c->image, "suite", "?"));
	}
	rp_doc_item(d, "Report: isolbench-report, alpha %g, %.0f%% intervals, %u bootstrap "
		       "resamples, seed %lu", o->alpha, o->level * 100, o->nboot, o->seed);
	rp_doc_list_end(d);
}

static void section_verdict(struct rp_doc *d, struct rp_analysis *a, const struct rp_verdict *v)
{
	const char *head[] = { "gate", "value", "limit", "result", "what" };
	struct cells cs = { 0 };

	rp_doc_heading(d, 2, "verdict", "Verdict");
	for (size_t i = 0; i < v->nerrors; i++)
		rp_doc_warn(d, "Gate error: %s", v->errors[i]);
	if (!v->any_gates) {
		rp_doc_para(d, "The campaign file has no gates: nothing to pass or fail "
			       "(docs/report.md lists them).");
		return;
	}
	if (!v->n)
		return;
	rp_doc_table(d, NULL, 5, head);
	for (size_t i = 0; i < v->n; i++) {
		const struct rp_gate_result *g = &v->g[i];
		const char *row[5];

		row[0] = g->name;
		row[1] = isfinite(g->value) ? cell(&cs, "%.4g", g->value) : "unknown";
		row[2] = cell(&cs, "%s %.4g", g->op, g->limit);
		row[3] = g->pass ? "pass" : "FAIL";
		row[4] = g->detail;
		rp_doc_row(d, row);
		cells_free(&cs);
	}
	rp_doc_table_end(d);
	(void)a;
}

/* --- the reviewers' questions ------------------------------------------- */

static const struct rp_cmp *find_cmp(const struct rp_analysis *a, const char *what)
{
	for (size_t i = 0; i < a->ncmp; i++)
		if (!strcmp(a->cmp[i].what, what))
			return &a->cmp[i];
	return NULL;
}

static const char *cmp_word(const struct rp_cmp *c)
{
	static char buf[4][96];
	static unsigned int slot;

	if (!c || !c->have_mwu)
		return "too few runs to test";
	if (!c->evaluable) {
		char *b = buf[slot++ % 4];

		snprintf(b, 96, "not evaluable at n = %zu / %zu runs", c->n[0], c->n[1]);
		return b;
	}
	if (c->verdict < 0)
		return "significantly lower on the patched kernel";
	if (c->verdict > 0)
		return "significantly higher on the patched kernel";
	return "no significant difference";
}

/* The first frame of a stack that is not cross-call plumbing: where the send came from. */
static void stack_origin(const char *frames, char *buf, size_t len)
{
	static const char *const plumbing[] = {
		"smp_call_function", "on_each_cpu", "__smp_call_single_queue", "generic_exec_single",
		"native_send_call_func", "__smp_call", "send_call_function", "irq_work_queue",
		"__irq_work_queue", "resched_curr", "native_smp_send_reschedule", NULL,
	};
	const char *p = frames;

	snprintf(buf, len, "?");
	while (p && *p) {
		size_t n = strcspn(p, "\n"), fn = strcspn(p, "+\n");
		bool skip = false;

		for (int i = 0; plumbing[i]; i++)
			skip |= !strncmp(p, plumbing[i], strlen(plumbing[i]));
		if (!skip) {
			snprintf(buf, len, "%.*s", (int)fn, p);
			return;
		}
		p += n + (p[n] == '\n');
	}
}

/* "do_sync_core from text_poke_bp_batch (128 of 215 sends), ..." for @s's top callbacks. */
static char *stacks_summary(const struct rp_analysis *a, const char *case_name, int s)
{
	char *txt = rp_strdup("");

	for (size_t i = 0; i < a->nstk; i++) {
		const struct rp_stack_case *sc = &a->stk[i];

		if (strcmp(sc->case_name, case_name))
			continue;
		for (size_t k = 0; k < sc->ncb[s] && k < 3; k++) {
			const struct rp_stack_cb *cb = &sc->cb[s][k];
			char origin[128], *t;

			if (!cb->n)
				continue;
			stack_origin(cb->st[0].frames, origin, sizeof(origin));
			t = rp_printf("%s%s%s mostly from %s (%s of %s sends)", txt, txt[0] ? ", " : "",
				      cb->callback, origin, num(cb->st[0].count),
				      num(isfinite(cb->sends) ? cb->sends : cb->total));
			free(txt);
			txt = t;
		}
	}
	return txt;
}

static void q_ipis(struct rp_doc *d, struct rp_analysis *a)
{
	char *txt = rp_strdup("");

	for (size_t i = 0; i < a->nipi; i++) {
		const struct rp_ipi_case *ic = &a->ipi[i];
		char *t, *remain;
		int shown = 0;

		if (!ic->nruns[0] || !ic->nruns[1])
			continue;
		remain = rp_strdup("");
		for (size_t k = 0; k < ic->nrows && shown < 4; k++) {
			const struct rp_ipi_row *r = &ic->rows[k];

			if (!(r->total[1] > 0) || ic->source != RP_SRC_TRACE)
				continue;
			t = rp_printf("%s%s%s %s per CPU-second", remain, shown ? ", " : "", r->name,
				      num(r->rate[1]));
			free(remain);
			remain = t;
			shown++;
		}
		if (ic->source == RP_SRC_TRACE)
			t = rp_printf("%s In %s the deferrable IPIs (do_sync_core, do_flush_tlb_all, "
				      "do_kernel_range_flush) went from %s to %s per isolated "
				      "CPU-second (%s to %s in all)%s; still reaching the "
				      "isolated CPUs on %s: %s (Table %d).", txt, ic->case_name,
				      num(ic->deferrable_rate[0]), num(ic->deferrable_rate[1]),
				      num(ic->deferrable[0]), num(ic->deferrable[1]),
				      ic->nct ? ", and the series' tracepoints counted the deferrals" : "",
				      rp_side_name(a, 1), remain[0] ? remain : "nothing", ic->table_no);
		else
			t = rp_printf("%s In %s, without the IPI collector, only /proc/interrupts "
				      "is known: CAL+TLB went from %s to %s per isolated CPU-second, "
				      "which cannot say which callbacks remain (Table %d).", txt,
				      ic->case_name, num(ic->deferrable_rate[0]),
				      num(ic->deferrable_rate[1]), ic->table_no);
		free(txt);
		free(remain);
		txt = t;
		remain = stacks_summary(a, ic->case_name, 1);
		if (remain[0]) {
			t = rp_printf("%s Their senders on %s: %s (appendix \"Who sends the IPIs that "
				      "remain\").", txt, rp_side_name(a, 1), remain);
			free(txt);
			txt = t;
		}
		free(remain);
	}
	rp_doc_para(d, "Does it remove the IPIs from the isolated CPUs, and which remain?%s",
		    txt[0] ? txt : " Not answered: no case has counts for both kernels.");
	free(txt);
}

static void q_good(struct rp_doc *d, struct rp_analysis *a)
{
	char *txt = rp_strdup("");

	for (size_t i = 0; i < a->ngood; i++) {
		const struct rp_good_case *g = &a->good[i];
		const struct rp_good_cpu *all[2] = { NULL, NULL };
		char *w, *t, m0[32], m1[32], fig[32];
		const struct rp_cmp *cmax, *c10;

		if (g->tool != IB_LAT_OSLAT)
			continue;
		for (int s = 0; s < 2; s++)
			if (g->ncpus[s] && g->cpus[s][g->ncpus[s] - 1].ok)
				all[s] = &g->cpus[s][g->ncpus[s] - 1];
		if (!all[0] || !all[1])
			continue;
		rp_fmt_ns(m0, sizeof(m0), all[0]->st.max);
		rp_fmt_ns(m1, sizeof(m1), all[1]->st.max);
		w = rp_printf("%s: oslat max", g->case_name);
		cmax = find_cmp(a, w);
		free(w);
		w = rp_printf("%s: oslat gaps > 10 us per CPU-second", g->case_name);
		c10 = find_cmp(a, w);
		free(w);
		snprintf(fig, sizeof(fig), g->plot ? ", Figure %d" : "", g->plot_no);
		t = rp_printf("%s In %s the loop was interrupted for more than 10 us %s vs %s times "
			      "per isolated CPU-second, more than 100 us %s vs %s, more than 1 ms "
			      "%s vs %s (%s vs %s), and the worst gap went from %s to %s (all "
			      "isolated CPUs, Table %d%s); run by run, gaps > 10 us: %s, max: %s "
			      "(Table %d).", txt, g->case_name, num(g->gt_rate[0][0]),
			      num(g->gt_rate[1][0]), num(g->gt_rate[0][1]), num(g->gt_rate[1][1]),
			      num(g->gt_rate[0][2]), num(g->gt_rate[1][2]), rp_side_name(a, 0),
			      rp_side_name(a, 1), m0, m1, g->table_no, fig, cmp_word(c10),
			      cmp_word(cmax), a->cmp_table_no);
		free(txt);
		txt = t;
	}
	rp_doc_para(d, "The good case (a thread that stays in user space):%s",
		    txt[0] ? txt : " not measured for both kernels (no oslat case with results).");
	free(txt);
}

static void q_bad(struct rp_doc *d, struct rp_analysis *a)
{
	char *txt = rp_strdup("");

	for (size_t i = 0; i < a->nbad; i++) {
		const struct rp_bad_case *b = &a->bad[i];
		char *list = rp_strdup(""), *t, fig[32], be[64];

		for (size_t k = 0; k < b->nrates; k++) {
			const struct rp_bad_rate *br = &b->rates[k];
			struct cells cs = { 0 };

			if (!isfinite(br->pct.est))
				continue;
			t = rp_printf("%s%s%s: %s", list, list[0] ? ", " : "",
				      rate_label(&cs, br), ci_text(&cs, &br->pct, "%"));
			cells_free(&cs);
			free(list);
			list = t;
		}
		if (!b->nruns[0] && !b->nruns[1]) {
			t = rp_printf("%s In %s no run is usable (failed, or flagged and left out: "
				      "see the top).", txt, b->case_name);
			free(list);
			free(txt);
			txt = t;
			continue;
		}
		if (a->main->tcg || a->base->tcg) {
			t = rp_printf("%s In %s (%s) the cost per entry is emulated time under TCG, "
				      "not comparable between kernels (Table %d shows it: %s). %s%s.",
				      txt, b->case_name, b->kind ? b->kind : "?", b->table_no,
				      list[0] ? list : "not measured for both kernels",
				      "Break-even not computed: ", b->be.why);
			free(list);
			free(txt);
			txt = t;
			continue;
		}
		snprintf(fig, sizeof(fig), b->plot ? ", Figure %d" : "", b->plot_no);
		snprintf(be, sizeof(be), "about %.0f entries/s", b->be.rate);
		if (b->be.computed)
			t = rp_printf("%s In %s (%s) the extra cost per entry was %s (Table %d%s). "
				      "Break-even: %s%s.", txt, b->case_name, b->kind ? b->kind : "?",
				      list[0] ? list : "not measured for both kernels", b->table_no,
				      fig, isinf(b->be.rate) ? b->be.where : be,
				      b->be.cost_measured ? " (with an IPI cost estimated from oslat)" : "");
		else
			t = rp_printf("%s In %s (%s) the extra cost per entry was %s (Table %d). "
				      "Break-even not computed: %s.", txt, b->case_name,
				      b->kind ? b->kind : "?",
				      list[0] ? list : "not measured for both kernels", b->table_no,
				      b->be.why);
		free(list);
		free(txt);
		txt = t;
	}
	rp_doc_para(d, "What does the bad case cost (a thread that enters the kernel often)?%s",
		    txt[0] ? txt : " Not measured: the campaign has no entry case.");
	free(txt);
}

static void q_real(struct rp_doc *d, struct rp_analysis *a, const struct rp_options *o)
{
	size_t better = 0, worse = 0, tested = 0, weak = 0, minn = SIZE_MAX;
	char more[320] = "";

	for (size_t i = 0; i < a->ncmp; i++) {
		const struct rp_cmp *c = &a->cmp[i];

		if (!c->have_mwu)
			continue;
		tested++;
		better += c->verdict < 0;
		worse += c->verdict > 0;
		weak += !c->evaluable;
		if (c->mwu.n1 < minn)
			minn = c->mwu.n1;
		if (c->mwu.n2 < minn)
			minn = c->mwu.n2;
	}
	if (!tested) {
		rp_doc_para(d, "Is the difference real or noise? Not testable: no metric has runs on "
			       "both kernels (Table %d).", a->cmp_table_no);
		return;
	}
	if (weak)
		snprintf(more, sizeof(more), " %zu of them are not evaluable at n = %zu runs: even "
			 "the most extreme outcome could not reach a Holm-adjusted p below %g, so "
			 "\"no significant difference\" there means nothing; more repetitions are "
			 "needed.", weak, minn, o->alpha);
	rp_doc_para(d, "Is the difference real or noise? Of %zu metrics compared run by run (the "
		       "run is the unit; exact Mann-Whitney U, Holm-adjusted per table, alpha %g, "
		       "Table %d), %zu are significantly better and %zu significantly worse on the "
		       "patched kernel; for the other %zu there is no significant difference.%s",
		    tested, o->alpha, a->cmp_table_no, better, worse, tested - better - worse, more);
}

/* --- the answers: one table first ---------------------------------------- */

/* "0.52 [0.10, 0.94] (3 runs)" of a mean over runs. */
static const char *mean_cell(struct cells *cs, const struct rs_ci *ci, size_t n)
{
	if (!n || !isfinite(ci->est))
		return cell(cs, "-");
	if (!ci->ok)
		return cell(cs, "%s (%zu run%s, no interval)", num(ci->est), n, n == 1 ? "" : "s");
	return cell(cs, "%s [%s, %s] (%zu runs)", num(ci->est), num(ci->lo < 0 ? 0 : ci->lo),
		    num(ci->hi), n);
}

static const char *change_cell(struct cells *cs, double b, double p)
{
	if (!isfinite(b) || !isfinite(p))
		return "-";
	if (b > 0)
		return cell(cs, "%+.0f%%", (p / b - 1) * 100);
	return p > 0 ? "new" : "none on either";
}

/* The entry rate a headline cost is shown at: "max" when measured, else the highest. */
static const struct rp_bad_rate *headline_rate(const struct rp_bad_case *b)
{
	const struct rp_bad_rate *best = NULL;

	for (size_t k = 0; k < b->nrates; k++) {
		const struct rp_bad_rate *br = &b->rates[k];

		if (!br->n[0] && !br->n[1])
			continue;
		if (!best || !br->target || (best->target && br->target > best->target))
			best = br;
	}
	return best;
}

/* Whether @name is an entry (bad) case, in emulated time or in instructions. */
static bool is_bad_case(const struct rp_analysis *a, const char *name)
{
	for (size_t i = 0; i < a->nbad; i++)
		if (!strcmp(a->bad[i].case_name, name))
			return true;
	return rp_instr_has_case(a, name);
}

/*
 * Table 0's cost rows in the deterministic mode: guest instructions per
 * kernel entry (icount: one TSC tick is one instruction, exact whatever the
 * host's load), on isolated vCPUs and on the housekeeping control.
 */
static void instr_answers(struct rp_doc *d, const struct rp_analysis *a)
{
	static const char *const kinds[] = { "getpid", "pagefault" };
	struct cells cs = { 0 };

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (int hk = 0; hk < 2; hk++) {
			double m[2], lo[2], hi[2];
			const char *row[5];
			bool have[2];

			for (int s = 0; s < 2; s++)
				have[s] = !rp_instr_cost(a, kinds[k], hk, s, &m[s], &lo[s], &hi[s]);
			if (!have[0] && !have[1])
				continue;
			row[0] = cell(&cs, "cost per kernel entry (%s), %s vCPUs", kinds[k],
				      hk ? "housekeeping (control)" : "isolated");
			row[1] = rp_instr_case_of(a, kinds[k], hk);
			for (int s = 0; s < 2; s++)
				row[2 + s] = !have[s] ? "-" :
					     cell(&cs, "%s instructions [%s, %s] (icount, smallest to "
						  "largest run)", num(m[s]), num(lo[s]), num(hi[s]));
			row[4] = have[0] && have[1] ?
				 cell(&cs, "%+.1f instructions (%s)", m[1] - m[0],
				      change_cell(&cs, m[0], m[1])) : "-";
			rp_doc_row(d, row);
			cells_free(&cs);
		}
}
static void section_answers(struct rp_doc *d, struct rp_analysis *a, const struct rp_options *o)
{
	const char *head[] = { "question", "case", "baseline", "patched", "change" };
	bool tcg = a->main->tcg || a->base->tcg;
	struct cells cs = { 0 };
	char cap[256];

	rp_doc_heading(d, 2, "answers", "The answers");
	head[2] = rp_side_name(a, 0);
	head[3] = rp_side_name(a, 1);
	snprintf(cap, sizeof(cap), "Table 0: what the series does, per kernel (mean over runs with "
		 "a %.0f%% t interval across runs; the run is the unit)", o->level * 100);
	rp_doc_table(d, cap, 5, head);
	for (size_t i = 0; i < a->nipi; i++) {
		const struct rp_ipi_case *ic = &a->ipi[i];
		const char *row[5];

		/* A bad case without the ipi collector asks the other question; its
		 * /proc/interrupts counts are in the evidence below. */
		if ((!ic->nruns[0] && !ic->nruns[1]) ||
		    (ic->source != RP_SRC_TRACE && is_bad_case(a, ic->case_name)))
			continue;
		row[0] = "deferrable IPIs that interrupted user space, per isolated CPU-second in "
			 "user space";
		row[1] = ic->case_name;
		for (int s = 0; s < 2; s++) {
			if (ic->source != RP_SRC_TRACE)
				row[2 + s] = "not recorded (no ipi.json)";
			else if (ic->nuser[s])
				row[2 + s] = mean_cell(&cs, &ic->user_ci[s], ic->nuser[s]);
			else
				row[2 + s] = cell(&cs, "%s; all contexts: %s per isolated CPU-second",
						  ic->unclassified_why[s] ? ic->unclassified_why[s] :
						  "not classified", num(ic->deferrable_rate[s]));
		}
		row[4] = ic->nuser[0] && ic->nuser[1] ?
			 change_cell(&cs, ic->user_ci[0].est, ic->user_ci[1].est) : "-";
		rp_doc_row(d, row);
		cells_free(&cs);
	}
	instr_answers(d, a);
	for (size_t i = 0; i < a->nbad; i++) {
		const struct rp_bad_case *b = &a->bad[i];
		const struct rp_bad_rate *br = headline_rate(b);
		const char *row[5];

		/* Measured in guest instructions: its rows come from instr_answers(). */
		if (rp_instr_has_case(a, b->case_name))
			continue;
		if (!br) {
			row[0] = "cost per kernel entry";
			row[1] = b->case_name;
			row[2] = row[3] = tcg ? "emulated, not comparable" :
					  "no usable run (failed or flagged, see the top)";
			row[4] = "-";
			rp_doc_row(d, row);
			continue;
		}
		row[0] = br->target ?
			 cell(&cs, "cost per kernel entry (%s), at %s entries/s per CPU achieved "
			      "(target %llu/s)", b->kind ? b->kind : "?",
			      num(br->achieved_med[1]), (unsigned long long)br->target) :
			 cell(&cs, "cost per kernel entry (%s), as fast as possible (%s/s achieved)",
			      b->kind ? b->kind : "?", num(br->achieved_med[1]));
		row[1] = b->case_name;
		for (int s = 0; s < 2; s++)
			row[2 + s] = tcg ? "emulated, not comparable" :
				     !br->n[s] ? "-" :
				     cell(&cs, "%s (median of %zu runs, ns)",
					  ci_text(&cs, &br->ci[s], "ns"), br->n[s]);
		row[4] = tcg ? "-" : ci_text(&cs, &br->pct, "%");
		rp_doc_row(d, row);
		cells_free(&cs);
	}
	rp_doc_table_end(d);
	rp_doc_para(d, "An IPI \"interrupted user space\" when the isolated CPU was running user "
		       "space as it arrived (ipi.json \"context\", from kernel events on the isolated "
		       "CPUs); the divisor is the time the isolated CPUs spent in user space inside "
		       "the counting window (guest time, from when every measurement thread runs its "
		       "loop to when the first one stops). Deferrable: do_sync_core, "
		       "do_flush_tlb_all, do_kernel_range_flush. The cost per entry is the median "
		       "over runs of each run's median (its isolated CPUs' histograms merged)%s. The "
		       "evidence follows.", tcg ? "; under TCG it is emulated time and is not shown" :
		       ", in ns, with a percentile-bootstrap interval");
}

/* Tools that exited 3 in runs nobody flagged: said, not excluded. */
static void note_exit3(struct rp_doc *d, struct rp_analysis *a)
{
	const struct rp_campaign *camps[2] = { a->base, a->main };
	bool any = false;

	for (int k = 0; k < 2; k++) {
		if (k == 1 && camps[1] == camps[0])
			break;
		for (size_t i = 0; i < camps[k]->nruns; i++) {
			const struct rp_run *r = &camps[k]->runs[i];

			if (!r->ok || !r->exit3 || r->nflags || !run_listed(a, r))
				continue;
			if (!any)
				rp_doc_para(d, "Tools that exited 3 (results untrustworthy by their own "
					       "measure) in runs the runner did not flag, so they stay in "
					       "the statistics; provokers exit 3 when they fall short of "
					       "their target (their storm-*.json \"errors\" say by how "
					       "much; \"The same work\" shows what they did):");
			any = true;
			rp_doc_item(d, "%s: %s", r->slug, r->exit3);
		}
	}
	rp_doc_list_end(d);
}

/* Runs a tool or the runner flagged, and failed ones, listed before anything else. */
static void warn_flagged(struct rp_doc *d, struct rp_analysis *a)
{
	const struct rp_campaign *camps[2] = { a->base, a->main };

	if (!a->runs_flagged)
		return;
	rp_doc_warn(d, "%zu run%s flagged %s results as untrustworthy or warned (job-record.json, "
		       "run.json); %s:", a->runs_flagged, a->runs_flagged == 1 ? "" : "s",
		    a->runs_flagged == 1 ? "its" : "their",
		    a->flagged_included ?
		    "they are INCLUDED in the statistics (campaign file: report.include_flagged_runs)" :
		    "they are left out of every statistic (report.include_flagged_runs: true in the "
		    "campaign file keeps them)");
	for (int k = 0; k < 2; k++) {
		if (k == 1 && camps[1] == camps[0])
			break;
		for (size_t i = 0; i < camps[k]->nruns; i++) {
			const struct rp_run *r = &camps[k]->runs[i];
			char *t;

			if (!r->ok || !r->nflags || !run_listed(a, r))
				continue;
			t = rp_strdup("");
			for (size_t j = 0; j < r->nflags; j++) {
				char *n = rp_printf("%s%s%s", t, j ? "; " : "", r->flags[j]);

				free(t);
				t = n;
			}
			rp_doc_item(d, "%s: %s", r->slug, t);
			free(t);
		}
	}
	rp_doc_list_end(d);
}

/* Differ by more than 5 %: the two kernels did not get the same work. */
static bool differ5(double x, double y)
{
	return isfinite(x) && isfinite(y) && fmax(x, y) > 0 && fabs(x - y) > 0.05 * fmax(x, y);
}

static void section_same_work(struct rp_doc *d, struct rp_analysis *a)
{
	const char *head[] = { "case", "window b / p (guest s)", "how", "operations b / p",
			       "achieved op/s b / p", "deferrable IPIs per operation b / p",
			       "deferrable IPIs per CPU-second b / p" };
	struct cells cs = { 0 };
	char cap[256];
	size_t warn = 0;

	rp_doc_heading(d, 2, "work", "The same work on both kernels");
	snprintf(cap, sizeof(cap), "Counting windows and provoking operations per case (b = %s, "
		 "p = %s; medians over runs)", rp_side_name(a, 0), rp_side_name(a, 1));
	rp_doc_table(d, cap, 7, head);
	for (size_t i = 0; i < a->nipi; i++) {
		const struct rp_ipi_case *ic = &a->ipi[i];
		const char *row[7];
		double per_op[2];

		if (!ic->nruns[0] && !ic->nruns[1])
			continue;
		for (int s = 0; s < 2; s++)
			per_op[s] = ic->ops_total[s] > 0 && ic->source == RP_SRC_TRACE ?
				    ic->deferrable[s] / ic->ops_total[s] : NAN;
		row[0] = ic->case_name;
		row[1] = cell(&cs, "%s / %s%s", num(ic->window_s[0]), num(ic->window_s[1]),
			      differ5(ic->window_s[0], ic->window_s[1]) ? " (differ > 5%)" : "");
		row[2] = cell(&cs, "%s / %s", ic->window_how[0] ? ic->window_how[0] : "-",
			      ic->window_how[1] ? ic->window_how[1] : "-");
		if (!ic->nops[0] && !ic->nops[1])
			row[3] = "no provoker";
		else
			row[3] = cell(&cs, "%s / %s%s%s", num(ic->ops[0]), num(ic->ops[1]),
				      ic->ops_in_window[0] && ic->ops_in_window[1] ? " in the window" :
				      " (whole run: in-window count not recorded)",
				      differ5(ic->ops[0], ic->ops[1]) ? " (differ > 5%)" : "");
		row[4] = ic->nops[0] || ic->nops[1] ?
			 cell(&cs, "%s / %s", num(ic->achieved[0]), num(ic->achieved[1])) : "-";
		row[5] = ic->nops[0] || ic->nops[1] ?
			 cell(&cs, "%s / %s", num(per_op[0]), num(per_op[1])) : "-";
		row[6] = cell(&cs, "%s / %s%s", num(ic->deferrable_rate[0]), num(ic->deferrable_rate[1]),
			      ic->source == RP_SRC_TRACE ? "" : " (CAL + TLB, /proc/interrupts)");
		warn += differ5(ic->window_s[0], ic->window_s[1]) || differ5(ic->ops[0], ic->ops[1]);
		rp_doc_row(d, row);
		cells_free(&cs);
	}
	rp_doc_table_end(d);
	for (size_t i = 0; i < a->nipi; i++) {
		const struct rp_ipi_case *ic = &a->ipi[i];

		if (differ5(ic->window_s[0], ic->window_s[1]))
			rp_doc_warn(d, "Case %s: the counting windows differ by more than 5%% (%s s "
				       "vs %s s of guest time, runs from %s to %s s and %s to %s s): "
				       "per-second figures of the two kernels cover different work.",
				    ic->case_name, num(ic->window_s[0]), num(ic->window_s[1]),
				    num(ic->window_min[0]), num(ic->window_max[0]),
				    num(ic->window_min[1]), num(ic->window_max[1]));
		if (differ5(ic->ops[0], ic->ops[1]))
			rp_doc_warn(d, "Case %s: the provokers did %s operations per run on %s and %s "
				       "on %s (more than 5%% apart): compare IPIs per operation, not "
				       "totals.", ic->case_name, num(ic->ops[0]), rp_side_name(a, 0),
				    num(ic->ops[1]), rp_side_name(a, 1));
	}
	if (!warn)
		rp_doc_para(d, "Windows and operations of the two kernels agree within 5 %% in every "
			       "case that has them.");
	rp_doc_para(d, "The window is ipi.json's counting window in guest time (\"steady-state\": "
		       "from when every measurement thread on the isolated CPUs runs its loop in user "
		       "space to when the first one stops; \"collector\": the collector's own start "
		       "and stop; \"not recorded\": an older ipi.json, its duration_s). Operations "
		       "are the provokers' (storm-*.json operations_in_window, else operations, else "
		       "ops), summed over the provokers of a run; achieved op/s is their "
		       "achieved_rate summed.");
}

/* --- main -------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " TOOL " [OPTIONS] CAMPAIGN_DIR\n"
		"Writes CAMPAIGN_DIR/report/{report.md,report.html,verdict.json,*.png}.\n\n"
		"  -b, --baseline DIR     take the baseline kernel's runs from campaign DIR\n"
		"  -k, --kernels B,P      kernel names to compare (default: the kernel without a\n"
		"                         series is the baseline, the other one the patched)\n"
		"  -o, --output DIR       output folder (default CAMPAIGN_DIR/report)\n"
		"      --ipi-cost-ns N    cost of one IPI on an isolated CPU for the break-even\n"
		"                         (1..%.0f; default: estimated from the oslat case)\n"
		"      --alpha A          significance level (%g..%g, default 0.05)\n"
		"      --bootstrap N      bootstrap resamples (%u..%u, default %u)\n"
		"      --seed N           bootstrap seed (default 1)\n"
		"      --no-plots         skip gnuplot\n"
		"  -q, --quiet            print nothing but errors\n"
		"  -h, --help             this text\n\n"
		"Gates (top-level 'gates:' of the campaign file):\n", IPI_COST_MAX, ALPHA_MIN,
		ALPHA_MAX, NBOOT_MIN, NBOOT_MAX, NBOOT_DEFAULT);
	rp_gates_help(f);
	fprintf(f, "\nExit status: 0 report written and all gates passed (or none), 1 a gate "
		   "failed,\n2 bad usage, unreadable campaign, or an unknown/malformed gate,\n"
		   "3 the report could not be written (nothing half-written is left).\n");
}

static bool kernel_has_series(const struct rp_campaign *c, const char *name)
{
	struct json_object *ks = rp_jget(c->campaign, "kernels", json_type_array);

	for (size_t i = 0; ks && i < json_object_array_length(ks); i++) {
		struct json_object *k = json_object_array_get_idx(ks, i);

		if (!strcmp(rp_jstr(k, "name", ""), name))
			return rp_jstr(k, "series", "")[0] != '\0';
	}
	return false;
}

/* The kernel of @c to use: @want, else one with (or without) a series, else the first. */
static const char *pick_kernel(const struct rp_campaign *c, const char *want, bool series,
			       const char *not)
{
	struct json_object *ks = rp_jget(c->campaign, "kernels", json_type_array);
	const char *any = NULL;

	if (want)
		return want;
	for (size_t i = 0; ks && i < json_object_array_length(ks); i++) {
		const char *n = rp_jstr(json_object_array_get_idx(ks, i), "name", NULL);

		if (!n || (not && !strcmp(n, not)))
			continue;
		if (kernel_has_series(c, n) == series)
			return n;
		if (!any)
			any = n;
	}
	return any;
}

static bool kernel_known(const struct rp_campaign *c, const char *name)
{
	for (size_t i = 0; i < c->nruns; i++)
		if (!strcmp(c->runs[i].kernel, name))
			return true;
	return false;
}

static void make_plots(struct rp_analysis *a, const struct rp_options *o, bool quiet)
{
	char err[512];

	if (!o->plots)
		return;
	if (rp_plot_available() < 0) {
		if (!quiet)
			fprintf(stderr, TOOL ": gnuplot with a png terminal not found: no plots\n");
		return;
	}
	for (size_t i = 0; i < a->nipi; i++) {
		char *f = rp_printf("ipi-%zu.png", i + 1);

		if (a->ipi[i].plot_no && rp_plot_ipi(a, &a->ipi[i], o->outdir, f, err, sizeof(err)) == 0)
			a->ipi[i].plot = f;
		else {
			if (a->ipi[i].plot_no)
				fprintf(stderr, TOOL ": %s\n", err);
			free(f);
		}
	}
	for (size_t i = 0; i < a->ngood; i++) {
		char *f = rp_printf("%s-%zu.png", ib_lat_tool_name(a->good[i].tool), i + 1);

		if (a->good[i].plot_no && rp_plot_oslat(a, &a->good[i], o->outdir, f, err,
							sizeof(err)) == 0)
			a->good[i].plot = f;
		else {
			if (a->good[i].plot_no)
				fprintf(stderr, TOOL ": %s\n", err);
			free(f);
		}
	}
	for (size_t i = 0; i < a->nbad; i++) {
		char *f = rp_printf("entry-%zu.png", i + 1);

		if (a->bad[i].plot_no && rp_plot_entry(a, &a->bad[i], o->outdir, f, err,
						       sizeof(err)) == 0)
			a->bad[i].plot = f;
		else {
			if (a->bad[i].plot_no)
				fprintf(stderr, TOOL ": %s\n", err);
			free(f);
		}
	}
}

static int write_report(struct rp_analysis *a, const struct rp_options *o, const struct rp_verdict *v)
{
	struct rp_doc *d;
	char *title;
	bool tcg = a->main->tcg || a->base->tcg, pass = true;

	title = rp_printf("isolbench report: %s, %s vs %s", a->main->name, rp_side_name(a, 1),
			  rp_side_name(a, 0));
	d = rp_doc_open(o->outdir, title);
	free(title);
	if (!d)
		return -1;
	if (tcg)
		rp_doc_warn(d, "The guests ran under TCG (emulation, no KVM): every latency and cost "
			       "in this report is emulated and says nothing about hardware. Only the "
			       "counts (IPIs, interrupts, deferrals) are meaningful.");
	if (a->runs_failed)
		rp_doc_warn(d, "%zu of %zu runs did not end ok; Table %d says why. Their data is left "
			       "out of every comparison.", a->runs_failed, a->runs_total,
			    a->runs_table_no);
	warn_flagged(d, a);
	note_exit3(d, a);
	if (!kernel_known(a->side[1].camp, a->side[1].kernel) ||
	    !kernel_known(a->side[0].camp, a->side[0].kernel) ||
	    !strcmp(a->side[0].kernel, a->side[1].kernel))
		rp_doc_warn(d, "Only one kernel to look at (%s): there is nothing to compare; the "
			       "report shows what there is.", a->side[0].kernel);
	for (size_t i = 0; i < v->n; i++)
		pass &= v->g[i].pass;
	rp_doc_para(d, "Campaign %s%s%s, baseline kernel %s, patched kernel %s, isolated CPUs %s. "
		       "Gates: %s.", a->main->dir, a->base != a->main ? ", baseline campaign " : "",
		    a->base != a->main ? a->base->dir : "", rp_side_name(a, 0), rp_side_name(a, 1),
		    a->main->iso_str,
		    v->nerrors ? "error (see Verdict)" : !v->any_gates ? "none defined" :
		    pass ? "all passed" : "FAILED (see Verdict)");

	section_answers(d, a, o);
	rp_doc_heading(d, 2, "questions", "The reviewers' questions");
	q_ipis(d, a);
	q_good(d, a);
	q_bad(d, a);
	q_real(d, a, o);
	section_same_work(d, a);
	section_ipi(d, a, o);
	section_good(d, a);
	section_timer(d, a);
	section_bad(d, a, o);
	rp_instr_section(d, a);
	section_real(d, a, o);
	section_runs(d, a);
	rp_section_osnoise(d, a);
	rp_section_fidelity(d, a);
	section_provenance(d, a, o);
	rp_section_window_audit(d, a);
	section_verdict(d, a, v);
	section_stacks(d, a);
	return rp_doc_close(d);
}

/*
 * More than two kernels: every variant against the baseline, each written as
 * a two-kernel report into <outdir>/<variant>/, then the designs side by
 * side at the top (designs.c). Exit code as for one comparison, over all.
 */
static int designs_main(struct rp_campaign *c, const struct rp_options *o, bool quiet)
{
	const char *names[64], *base = rp_jstr(c->campaign, "baseline", NULL);
	size_t nk = rp_campaign_kernel_names(c, names, 64), nv = 0;
	struct json_object *gates = NULL;
	struct rp_design *dv = calloc(nk, sizeof(*dv));
	bool pass = true, error = false;
	int rc = EXIT_OK;

	if (!dv) {
		fprintf(stderr, TOOL ": out of memory\n");
		return EXIT_USAGE;
	}
	if (!base)
		base = pick_kernel(c, NULL, false, NULL);
	json_object_object_get_ex(c->campaign, "gates", &gates);
	for (size_t k = 0; k < nk; k++) {
		struct rp_design *d;
		struct rp_options oi = *o;
		char *path;

		if (!strcmp(names[k], base))
			continue;
		d = &dv[nv++];
		d->kernel = names[k];
		d->outdir = rp_printf("%s/%s", o->outdir, names[k]);
		if (mkdir(d->outdir, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, TOOL ": %s: %s\n", d->outdir, strerror(errno));
			rc = EXIT_USAGE;
			goto out;
		}
		oi.outdir = d->outdir;
		d->a.main = d->a.base = c;
		d->a.side[0].camp = d->a.side[1].camp = c;
		d->a.side[0].kernel = base;
		d->a.side[1].kernel = names[k];
		d->a.only_side_runs = true;
		if (rp_analyse(&d->a, &oi) < 0) {
			fprintf(stderr, TOOL ": out of memory analysing %s\n", names[k]);
			rc = EXIT_USAGE;
			goto out;
		}
		rp_gates_judge(&d->a, gates, &d->v);
		make_plots(&d->a, &oi, quiet);
		path = rp_printf("%s/verdict.json", d->outdir);
		if (write_report(&d->a, &oi, &d->v) < 0 || rp_gates_write(&d->a, &d->v, path) < 0) {
			fprintf(stderr, TOOL ": writing into %s: %s\n", d->outdir, strerror(errno));
			free(path);
			rc = EXIT_USAGE;
			goto out;
		}
		free(path);
		for (size_t i = 0; i < d->v.n; i++)
			pass &= d->v.g[i].pass;
		for (size_t i = 0; i < d->v.nerrors; i++)
			fprintf(stderr, TOOL ": %s: %s\n", d->kernel, d->v.errors[i]);
		error |= d->v.nerrors > 0;
	}
	if (!nv) {
		fprintf(stderr, TOOL ": no kernel besides the baseline %s\n", base);
		rc = EXIT_USAGE;
		goto out;
	}
	if (rp_designs_write(c, base, dv, nv, o) < 0) {
		fprintf(stderr, TOOL ": writing into %s: %s\n", o->outdir, strerror(errno));
		rc = EXIT_USAGE;
		goto out;
	}
	if (!quiet) {
		printf("report: %s/report.md (%zu kernels against %s)\n", o->outdir, nv, base);
		for (size_t i = 0; i < nv; i++)
			printf("        %s/report.md\n", dv[i].outdir);
		printf("verdict: %s/verdict.json: %s\n", o->outdir,
		       error ? "error in the gates" : pass ? "no gate failed" : "a gate FAILED");
	}
	rc = error ? EXIT_USAGE : pass ? EXIT_OK : EXIT_GATE_FAILED;
out:
	for (size_t i = 0; i < nv; i++) {
		rp_verdict_free(&dv[i].v);
		rp_analysis_free(&dv[i].a);
		free(dv[i].outdir);
	}
	free(dv);
	return rc;
}

static int parse_double(const char *s, double min, double max, const char *what, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max)) {
		fprintf(stderr, TOOL ": %s must be a number from %g to %g, not '%s'\n", what, min, max,
			s);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ "kernels", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "ipi-cost-ns", required_argument, NULL, 'I' },
		{ "alpha", required_argument, NULL, 'A' },
		{ "bootstrap", required_argument, NULL, 'B' },
		{ "seed", required_argument, NULL, 'S' },
		{ "no-plots", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_options o = { .alpha = 0.05, .level = 0.95, .nboot = NBOOT_DEFAULT, .seed = 1,
				.plots = true };
	const char *basedir = NULL, *kernels = NULL;
	char *want[2] = { NULL, NULL }, *outdir = NULL, err[1024];
	struct rp_campaign *main_c, *base_c = NULL;
	struct json_object *gates = NULL;
	struct rp_analysis a = { 0 };
	struct rp_verdict v;
	bool quiet = false, pass = true;
	double num;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "b:k:o:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			basedir = optarg;
			break;
		case 'k':
			kernels = optarg;
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'I':
			if (parse_double(optarg, 1, IPI_COST_MAX, "--ipi-cost-ns", &o.ipi_cost_ns))
				return EXIT_USAGE;
			break;
		case 'A':
			if (parse_double(optarg, ALPHA_MIN, ALPHA_MAX, "--alpha", &o.alpha))
				return EXIT_USAGE;
			break;
		case 'B':
			/* num is only read once parse_double() has set it. */
			if (parse_double(optarg, NBOOT_MIN, NBOOT_MAX, "--bootstrap", &num))
				return EXIT_USAGE;
			if (num != floor(num)) {
				fprintf(stderr, TOOL ": --bootstrap must be a whole number, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			o.nboot = (unsigned int)num;
			break;
		case 'S':
			if (parse_double(optarg, 0, 4294967295.0, "--seed", &num))
				return EXIT_USAGE;
			if (num != floor(num)) {
				fprintf(stderr, TOOL ": --seed must be a whole number, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o.seed = (unsigned long)num;
			break;
		case 'P':
			o.plots = false;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (kernels) {
		const char *comma = strchr(kernels, ',');

		if (!comma || comma == kernels || !comma[1] || strchr(comma + 1, ',')) {
			fprintf(stderr, TOOL ": --kernels wants BASELINE,PATCHED, e.g. baseline,patched\n");
			return EXIT_USAGE;
		}
		want[0] = strndup(kernels, (size_t)(comma - kernels));
		want[1] = strdup(comma + 1);
	}
	main_c = rp_campaign_load(argv[optind], err, sizeof(err));
	if (!main_c) {
		fprintf(stderr, TOOL ": %s\n", err);
		return EXIT_USAGE;
	}
	if (basedir) {
		base_c = rp_campaign_load(basedir, err, sizeof(err));
		if (!base_c) {
			fprintf(stderr, TOOL ": --baseline: %s\n", err);
			rp_campaign_free(main_c);
			return EXIT_USAGE;
		}
	}
	if (!kernels && !basedir) {
		const char *names[3];

		if (rp_campaign_kernel_names(main_c, names, 3) > 2) {
			if (!o.outdir) {
				outdir = rp_printf("%s/report", main_c->dir);
				o.outdir = outdir;
			}
			if (mkdir(o.outdir, 0755) < 0 && errno != EEXIST) {
				fprintf(stderr, TOOL ": %s: %s\n", o.outdir, strerror(errno));
				rc = EXIT_USAGE;
			} else {
				rc = designs_main(main_c, &o, quiet);
			}
			goto out;
		}
		/* Two kernels: the campaign file may say which is the baseline. */
		if (rp_jstr(main_c->campaign, "baseline", NULL))
			want[0] = strdup(rp_jstr(main_c->campaign, "baseline", NULL));
	}
	a.main = main_c;
	a.base = base_c ? base_c : main_c;
	a.side[0].camp = a.base;
	a.side[1].camp = main_c;
	a.side[0].kernel = pick_kernel(a.base, want[0], false, NULL);
	a.side[1].kernel = pick_kernel(main_c, want[1], true, base_c ? NULL : a.side[0].kernel);
	if (!a.side[0].kernel)
		a.side[0].kernel = "(none)";
	if (!a.side[1].kernel)
		a.side[1].kernel = "(none)";
	for (int s = 0; s < 2; s++) {
		if (want[s] && !kernel_known(a.side[s].camp, want[s])) {
			fprintf(stderr, TOOL ": --kernels: campaign %s has no runs of kernel '%s'\n",
				a.side[s].camp->dir, want[s]);
			rc = EXIT_USAGE;
			goto out;
		}
	}

	if (!o.outdir) {
		outdir = rp_printf("%s/report", main_c->dir);
		o.outdir = outdir;
	}
	if (mkdir(o.outdir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, TOOL ": %s: %s\n", o.outdir, strerror(errno));
		rc = EXIT_WRITE;
		goto out;
	}
	if (rp_analyse(&a, &o) < 0) {
		fprintf(stderr, TOOL ": out of memory while analysing %s\n", main_c->dir);
		rc = EXIT_USAGE;
		rp_analysis_free(&a);
		goto out;
	}
	json_object_object_get_ex(main_c->campaign, "gates", &gates);
	rp_gates_judge(&a, gates, &v);
	make_plots(&a, &o, quiet);
	{
		char *path = rp_printf("%s/verdict.json", o.outdir);

		char *mpath = rp_printf("%s/metrics.json", o.outdir);
		int mrc = rp_metrics_write(main_c, mpath);

		free(mpath);
		if (mrc < 0 || write_report(&a, &o, &v) < 0 || rp_gates_write(&a, &v, path) < 0) {
			fprintf(stderr, TOOL ": writing into %s: %s\n", o.outdir, strerror(errno));
			free(path);
			rc = EXIT_WRITE;
			goto out_verdict;
		}
		free(path);
	}
	for (size_t i = 0; i < v.n; i++)
		pass &= v.g[i].pass;
	for (size_t i = 0; i < v.nerrors; i++)
		fprintf(stderr, TOOL ": %s\n", v.errors[i]);
	if (!quiet) {
		printf("report: %s/report.md\n        %s/report.html\n", o.outdir, o.outdir);
		printf("verdict: %s/verdict.json: ", o.outdir);
		if (v.nerrors)
			printf("error in the gates\n");
		else if (!v.any_gates)
			printf("no gates\n");
		else
			printf("%s\n", pass ? "all gates passed" : "a gate FAILED");
		for (size_t i = 0; i < v.n; i++)
			if (!v.g[i].pass)
				printf("  FAIL %s: %g, limit %s %g (%s)\n", v.g[i].name, v.g[i].value,
				       v.g[i].op, v.g[i].limit, v.g[i].detail);
	}
	if (v.oom)
		fprintf(stderr, TOOL ": out of memory while judging the gates\n");
	rc = v.nerrors || v.oom ? EXIT_USAGE : pass ? EXIT_OK : EXIT_GATE_FAILED;
out_verdict:
	rp_verdict_free(&v);
	rp_analysis_free(&a);
out:
	rp_campaign_free(main_c);
	rp_campaign_free(base_c);
	free(outdir);
	free(want[0]);
	free(want[1]);
	return rc;
}
