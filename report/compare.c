// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-compare: the change of every metric across two or more
 * campaigns, in the shape of LKP's comparison table.
 *
 *   isolbench-compare [--all] BASE NEW [NEW...]
 *
 * Each argument is a campaign folder (its report/metrics.json, written by
 * isolbench-report) or a metrics.json file. A metric is one row per case,
 * kernel, metric name (and entry rate): the mean over the runs the report
 * used and their isolated CPUs, with the relative standard deviation over
 * those values ("± 3%", the spread), and for every campaign after the
 * first its change from the first ("+5.1%"). Rows whose mean changed by
 * less than the larger spread are left out unless --all is given.
 * Exit status: 0, 2 on a usage error or an unreadable file.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonfile.h"

#define MAX_CAMPAIGNS 16

struct key_stat {
	double sum, sumsq;
	size_t n;
};

struct key {
	char *name;		/* "case kernel metric[@rate]" */
	char *unit;
	struct key_stat s[MAX_CAMPAIGNS];
};

struct table {
	struct key *k;
	size_t n;
};

static struct key *find_key(struct table *t, const char *name, const char *unit)
{
	struct key *k;

	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->k[i].name, name))
			return &t->k[i];
	k = realloc(t->k, (t->n + 1) * sizeof(*t->k));
	if (!k)
		return NULL;
	t->k = k;
	k = &t->k[t->n];
	memset(k, 0, sizeof(*k));
	k->name = strdup(name);
	k->unit = strdup(unit);
	if (!k->name || !k->unit) {
		free(k->name);
		free(k->unit);
		return NULL;
	}
	t->n++;
	return k;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int load(struct table *t, int ci, const char *arg)
{
	char path[PATH_MAX], err[512], name[512];
	struct json_object *root, *rows;
	struct stat st;

	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(path, sizeof(path), "%s/report/metrics.json", arg);
	else
		snprintf(path, sizeof(path), "%s", arg);
	root = ib_json_load_file(path, err, sizeof(err));
	if (!root) {
		fprintf(stderr, "isolbench-compare: %s (run isolbench-report on the campaign first)\n",
			err);
		return -1;
	}
	if (!json_object_object_get_ex(root, "metrics", &rows) ||
	    !json_object_is_type(rows, json_type_array)) {
		fprintf(stderr, "isolbench-compare: %s has no metrics[]\n", path);
		json_object_put(root);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		struct json_object *r = json_object_array_get_idx(rows, i), *v, *rate, *used;
		const char *cs = str(r, "case"), *kn = str(r, "kernel"), *m = str(r, "metric");
		const char *unit = str(r, "unit");
		struct key *k;
		double x;

		if (!cs || !kn || !m || !unit || !json_object_object_get_ex(r, "value", &v))
			continue;
		/* Only the runs the report used (ok, not flagged unless asked). */
		if (json_object_object_get_ex(r, "used", &used) && !json_object_get_boolean(used))
			continue;
		x = json_object_get_double(v);
		if (json_object_object_get_ex(r, "rate", &rate))
			snprintf(name, sizeof(name), "%s %s %s@%lld", cs, kn, m,
				 (long long)json_object_get_int64(rate));
		else
			snprintf(name, sizeof(name), "%s %s %s", cs, kn, m);
		k = find_key(t, name, unit);
		if (!k) {
			fprintf(stderr, "isolbench-compare: out of memory\n");
			json_object_put(root);
			return -1;
		}
		k->s[ci].sum += x;
		k->s[ci].sumsq += x * x;
		k->s[ci].n++;
	}
	json_object_put(root);
	return 0;
}

static double mean(const struct key_stat *s)
{
	return s->n ? s->sum / s->n : NAN;
}

/* Relative standard deviation in percent (sample, n - 1); 0 for one value. */
static double spread_pct(const struct key_stat *s)
{
	double m = mean(s), var;

	if (s->n < 2 || m == 0)
		return 0;
	var = (s->sumsq - s->n * m * m) / (s->n - 1);
	return var > 0 ? 100.0 * sqrt(var) / fabs(m) : 0;
}

static void cell(const struct key_stat *s)
{
	if (!s->n)
		printf(" %14s %6s", "-", "");
	else if (fabs(mean(s)) >= 1000)
		printf(" %14.0f ±%4.0f%%", mean(s), spread_pct(s));
	else
		printf(" %14.4g ±%4.0f%%", mean(s), spread_pct(s));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct table t = { 0 };
	bool all = false;
	int opt, nc, shown = 0;

	while ((opt = getopt_long(argc, argv, "ah", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			all = true;
			break;
		case 'h':
			printf("usage: isolbench-compare [--all] BASE NEW [NEW...]\n"
			       "  BASE, NEW: campaign folders (report/metrics.json) or metrics.json files\n"
			       "  --all      also the rows that changed less than their spread\n");
			return 0;
		default:
			return 2;
		}
	}
	nc = argc - optind;
	if (nc < 2 || nc > MAX_CAMPAIGNS) {
		fprintf(stderr, "usage: isolbench-compare [--all] BASE NEW [NEW...] (2..%d campaigns)\n",
			MAX_CAMPAIGNS);
		return 2;
	}
	for (int i = 0; i < nc; i++)
		if (load(&t, i, argv[optind + i]) < 0)
			return 2;
	for (int i = 0; i < nc; i++)
		printf("# [%d] %s\n", i, argv[optind + i]);
	printf("\n%22s", "[0] mean ± spread");
	for (int i = 1; i < nc; i++)
		printf(" %9s %21s", "%change", "mean ± spread");
	printf("  unit  case kernel metric[@rate]\n");
	for (size_t j = 0; j < t.n; j++) {
		const struct key *k = &t.k[j];
		double base = mean(&k->s[0]);
		bool changed = false;

		for (int i = 1; i < nc; i++) {
			double m = mean(&k->s[i]), ch = 100.0 * (m - base) / fabs(base);
			double noise = fmax(spread_pct(&k->s[0]), spread_pct(&k->s[i]));

			if (isfinite(ch) && fabs(ch) > noise && ch != 0)
				changed = true;
		}
		if (!all && !changed)
			continue;
		shown++;
		cell(&k->s[0]);
		for (int i = 1; i < nc; i++) {
			double m = mean(&k->s[i]), ch = 100.0 * (m - base) / fabs(base);

			if (isfinite(ch))
				printf(" %+8.1f%%", ch);
			else
				printf(" %9s", "-");
			cell(&k->s[i]);
		}
		printf("  %s  %s\n", k->unit, k->name);
	}
	if (!shown)
		printf("(no metric changed by more than its spread; --all shows every one)\n");
	for (size_t j = 0; j < t.n; j++) {
		free(t.k[j].name);
		free(t.k[j].unit);
	}
	free(t.k);
	return 0;
}
