// SPDX-License-Identifier: GPL-2.0
/*
 * Plots of isolbench-report, drawn by gnuplot. Each plot leaves its data
 * (<name>.dat) and script (<name>.gp) next to the PNG, so it can be redrawn
 * or restyled by hand: `cd report && gnuplot <name>.gp`. pngcairo is used
 * when this gnuplot has it (Debian's gnuplot-nox does), else png.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jsonout.h"
#include "report.h"

static const char *const colours[2] = { "#1f77b4", "#d62728" };

/* Run gnuplot on @script (NULL: only @extra) inside @dir; output goes to @script.log. */
static int run_gnuplot(const char *dir, const char *script, const char *extra, char *err,
		       size_t errlen)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		char log[PATH_MAX];
		int fd;

		if (chdir(dir) < 0)
			_exit(126);
		snprintf(log, sizeof(log), "%s.log", script ? script : "");
		fd = script ? open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644) :
			      open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (!script)
			execlp("gnuplot", "gnuplot", "-e", extra, (char *)NULL);
		else if (extra)
			execlp("gnuplot", "gnuplot", "-e", extra, script, (char *)NULL);
		else
			execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		char log[PATH_MAX], line[256] = "";
		FILE *f;

		snprintf(log, sizeof(log), "%s/%s.log", dir, script ? script : "-");
		f = fopen(log, "r");
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "line ") || strstr(line, "rror"))
				break;
		if (f)
			fclose(f);
		line[strcspn(line, "\n")] = '\0';
		snprintf(err, errlen, "gnuplot %s failed (%s%s)", script ? script : extra,
			 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "gnuplot not installed; " : "",
			 line[0] ? line : "see its .log");
		return -1;
	}
	return 0;
}

int rp_plot_available(void)
{
	static int have = -1;

	if (have < 0) {
		char err[256];

		have = run_gnuplot("/", NULL, "set terminal pngcairo", err, sizeof(err)) ?
		       0 : 1;
		if (!have)
			have = run_gnuplot("/", NULL, "set terminal png", err,
					   sizeof(err)) ? -2 : 2;
	}
	return have;
}

static const char *terminal(void)
{
	return rp_plot_available() == 1 ? "pngcairo size 1000,560 font 'sans,10'" :
					  "png size 1000,560";
}

static FILE *open_in(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return f;
}

/* A data file or script cut short by a write error must not become a plot. */
static int close_plot_file(FILE *f, const char *name, char *err, size_t errlen)
{
	if (ib_file_finish(f) < 0) {
		snprintf(err, errlen, "writing %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Strip ".png" from @file into @base. */
static void base_of(const char *file, char *base, size_t len)
{
	snprintf(base, len, "%s", file);
	if (strlen(base) > 4 && !strcmp(base + strlen(base) - 4, ".png"))
		base[strlen(base) - 4] = '\0';
}

/* Gnuplot string literal: single quotes, '' for a quote. */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static void gp_strf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A formatted gnuplot string literal. */
static void gp_strf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rp_vprintf(fmt, ap);
	va_end(ap);
	gp_str(f, s);
	free(s);
}

/* The data and script files of one plot: FILE.png -> FILE.dat, FILE.gp. */
struct plot_files {
	char dat[300], gp[300];
};

/* Name the files of plot @file and open its data file. */
static FILE *open_plot_data(const char *dir, const char *file, struct plot_files *pf, char *err,
			    size_t errlen)
{
	char base[256];

	base_of(file, base, sizeof(base));
	snprintf(pf->dat, sizeof(pf->dat), "%s.dat", base);
	snprintf(pf->gp, sizeof(pf->gp), "%s.gp", base);
	return open_in(dir, pf->dat, err, errlen);
}

/* Open the script and write its common head, up to "set title " (the caller writes the title). */
static FILE *open_plot_script(const char *dir, const char *file, const struct plot_files *pf,
			      char *err, size_t errlen)
{
	FILE *f = open_in(dir, pf->gp, err, errlen);

	if (f)
		fprintf(f, "set terminal %s\nset output '%s'\nset termoption noenhanced\n"
			   "set title ", terminal(), file);
	return f;
}

/*
 * End the script with one series per kernel, each @series[s] a format that
 * takes the data file and the kernel's colour, titled with the kernel's
 * name; then run gnuplot.
 */
static int plot_sides(const struct rp_analysis *a, FILE *f, const char *dir,
		      const struct plot_files *pf, const char *const series[2], char *err,
		      size_t errlen)
{
	for (int s = 0; s < 2; s++) {
		fputs(s ? ", " : "plot ", f);
		fprintf(f, series[s], pf->dat, colours[s]);
		fputs(" title ", f);
		gp_str(f, rp_side_name(a, s));
	}
	fputc('\n', f);
	if (close_plot_file(f, pf->gp, err, errlen) < 0)
		return -1;
	return run_gnuplot(dir, pf->gp, NULL, err, errlen);
}

/* The histograms of an oslat or a cyclictest case, both kernels overlaid. */
int rp_plot_oslat(const struct rp_analysis *a, struct rp_good_case *g, const char *dir,
		  const char *file, char *err, size_t errlen)
{
	struct plot_files pf;
	FILE *f;
	bool any[2] = { false, false };

	f = open_plot_data(dir, file, &pf, err, errlen);
	if (!f)
		return -1;
	for (int s = 0; s < 2; s++) {
		const struct ib_hist *h = g->all[s];

		fprintf(f, "# %s: bucket upper edge (us), samples\n", rp_side_name(a, s));
		for (size_t i = 0; h && i < h->nbuckets; i++) {
			double ns;

			if (!h->counts[i] || ib_hist_value_ns(h, (double)(i + 1) * h->width, &ns) < 0)
				continue;
			fprintf(f, "%g %llu\n", ns / 1000.0, (unsigned long long)h->counts[i]);
			any[s] = true;
		}
		if (!any[s])
			fprintf(f, "NaN NaN\n");
		fprintf(f, "\n\n");
	}
	if (close_plot_file(f, pf.dat, err, errlen) < 0)
		return -1;
	f = open_plot_script(dir, file, &pf, err, errlen);
	if (!f)
		return -1;
	gp_strf(f, "%s: %s latency histogram, all isolated CPUs and repetitions",
			    g->case_name, ib_lat_tool_name(g->tool));
	fprintf(f, "\nset logscale xy\nset xlabel 'latency (us, bucket upper edge)'\n"
		   "set ylabel 'samples (log)'\nset grid\nset key top right\n");
	for (int s = 0; s < 2; s++) {
		const struct ib_hist *h = g->all[s];
		double ns;

		if (h && h->overflow && ib_hist_value_ns(h, (double)ib_hist_last_edge(h), &ns) == 0)
			fprintf(f, "set label %d sprintf('%s: %llu samples >= %g us') at graph 0.55, "
				   "graph %.2f textcolor rgb '%s'\n", s + 1, rp_side_name(a, s),
				(unsigned long long)h->overflow, ns / 1000, 0.80 - 0.06 * s, colours[s]);
	}
	return plot_sides(a, f, dir, &pf, (const char *const[2]){
		"'%s' index 0 using 1:2 with linespoints pt 7 ps 0.5 lc rgb '%s'",
		"'%s' index 1 using 1:2 with linespoints pt 5 ps 0.5 lc rgb '%s'" }, err, errlen);
}

int rp_plot_entry(const struct rp_analysis *a, struct rp_bad_case *b, const char *dir,
		  const char *file, char *err, size_t errlen)
{
	struct plot_files pf;
	FILE *f;

	f = open_plot_data(dir, file, &pf, err, errlen);
	if (!f)
		return -1;
	for (int s = 0; s < 2; s++) {
		bool any = false;

		fprintf(f, "# %s: achieved entries/s (median), cost ns (median), CI low, CI high\n",
			rp_side_name(a, s));
		for (size_t i = 0; i < b->nrates; i++) {
			const struct rp_bad_rate *br = &b->rates[i];

			if (!br->n[s] || !isfinite(br->achieved_med[s]) || !(br->achieved_med[s] > 0))
				continue;
			fprintf(f, "%g %g %g %g\n", br->achieved_med[s], br->ci[s].est, br->ci[s].lo,
				br->ci[s].hi);
			any = true;
		}
		if (!any)
			fprintf(f, "NaN NaN NaN NaN\n");
		fprintf(f, "\n\n");
	}
	if (close_plot_file(f, pf.dat, err, errlen) < 0)
		return -1;
	f = open_plot_script(dir, file, &pf, err, errlen);
	if (!f)
		return -1;
	gp_strf(f, "%s: cost of one kernel entry (%s) against entry rate, median and "
			    "%.0f%% bootstrap interval", b->case_name, b->kind ? b->kind : "?", 95.0);
	fprintf(f, "\nset logscale x\nset xlabel 'kernel entries per second (achieved)'\n"
		   "set ylabel 'ns per entry'\nset grid\nset key bottom right opaque\nset yrange [0:*]\n"
		   "set offsets graph 0.05, graph 0.05, graph 0.1, 0\n");
	if (b->be.computed && isfinite(b->be.rate) && b->be.rate > 0)
		fprintf(f, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb '#555555'\n"
			   "set label 'break-even' at %g, graph 0.95 offset 0.5,0 front\n", b->be.rate,
			b->be.rate, b->be.rate);
	return plot_sides(a, f, dir, &pf, (const char *const[2]){
		"'%s' index 0 using 1:2:3:4 with yerrorlines pt 7 lc rgb '%s'",
		"'%s' index 1 using 1:2:3:4 with yerrorlines pt 5 lc rgb '%s'" }, err, errlen);
}

int rp_plot_ipi(const struct rp_analysis *a, struct rp_ipi_case *ic, const char *dir,
		const char *file, char *err, size_t errlen)
{
	struct plot_files pf;
	FILE *f;

	f = open_plot_data(dir, file, &pf, err, errlen);
	if (!f)
		return -1;
	fprintf(f, "# name, %s per CPU-second, %s per CPU-second\n", rp_side_name(a, 0),
		rp_side_name(a, 1));
	for (size_t i = 0; i < ic->nrows; i++) {
		/* Long callback names would run off the picture. */
		fprintf(f, "\"%.28s%s%s\" %g %g\n", ic->rows[i].name,
			strlen(ic->rows[i].name) > 28 ? "..." : "", ic->rows[i].deferrable ? " *" : "",
			isfinite(ic->rows[i].rate[0]) ? ic->rows[i].rate[0] : 0,
			isfinite(ic->rows[i].rate[1]) ? ic->rows[i].rate[1] : 0);
	}
	if (close_plot_file(f, pf.dat, err, errlen) < 0)
		return -1;
	f = open_plot_script(dir, file, &pf, err, errlen);
	if (!f)
		return -1;
	gp_strf(f, "%s: IPIs reaching the isolated CPUs, per CPU-second%s", ic->case_name,
			    ic->source == RP_SRC_TRACE ? " (* = deferred by the series)" :
							 " (/proc/interrupts)");
	fprintf(f, "\nset style data histograms\nset style histogram clustered gap 1\n"
		   "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset grid ytics\n"
		   "set ylabel 'per isolated CPU-second'\nset yrange [0:*]\n"
		   "set xtics rotate by -30 scale 0\nset key top right\nset bmargin 9\n"
		   "set offsets 0, 0, graph 0.08, 0\n");
	return plot_sides(a, f, dir, &pf, (const char *const[2]){
		"'%s' using 2:xtic(1) lc rgb '%s'", "'%s' using 3 lc rgb '%s'" }, err, errlen);
}
