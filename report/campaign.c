// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a campaign folder for isolbench-report (layout: docs/results.md).
 * Only campaign.json is required; every other file may be missing or
 * broken, and the run then carries the reason instead of the data.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonfile.h"
#include "report.h"

char *rp_strdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p) {
		perror("isolbench-report");
		exit(2);
	}
	return p;
}

char *rp_vprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0) {
		perror("isolbench-report");
		exit(2);
	}
	return p;
}

char *rp_printf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = rp_vprintf(fmt, ap);
	va_end(ap);
	return p;
}

struct json_object *rp_jget(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

const char *rp_jstr(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v = rp_jget(o, key, json_type_string);

	return v ? json_object_get_string(v) : def;
}

double rp_jnum(struct json_object *o, const char *key, double def)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return def;
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
		return json_object_get_double(v);
	return def;
}

/*
 * Every number in ipi.json is a count, a rate or a duration: never negative,
 * never beyond 2^53 (a double's exact integers). A guest wrote the file; a
 * negative count would make "at most N" gates pass.
 */
static bool ipi_numbers_ok(struct json_object *o, const char *where, char **err)
{
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val) {
			char *w = rp_printf("%s.%s", where, key);
			bool ok = ipi_numbers_ok(val, w, err);

			free(w);
			if (!ok)
				return false;
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			char *w = rp_printf("%s[%zu]", where, i);
			bool ok = ipi_numbers_ok(json_object_array_get_idx(o, i), w, err);

			free(w);
			if (!ok)
				return false;
		}
	} else if (json_object_is_type(o, json_type_int) ||
		   json_object_is_type(o, json_type_double)) {
		double v = json_object_get_double(o);

		if (!isfinite(v) || v < 0 || v > 9007199254740992.0) {
			*err = rp_printf("ipi.json: %s is %g; counts, rates and durations are "
					 "0..2^53 (file not used)", where, v);
			return false;
		}
	}
	return true;
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* A JSON file: NULL and *err = NULL when absent, NULL and a message when broken. */
static struct json_object *load_optional(const char *path, char **err)
{
	char msg[512];
	struct json_object *o;

	*err = NULL;
	if (!file_exists(path))
		return NULL;
	o = ib_json_load_file(path, msg, sizeof(msg));
	if (!o)
		*err = rp_strdup(msg);
	return o;
}

static void load_irq(struct rp_run *r)
{
	char pb[PATH_MAX], pa[PATH_MAX], msg[512];
	struct ib_irq_snap *b, *a;

	snprintf(pb, sizeof(pb), "%s/out/interrupts.before", r->dir);
	snprintf(pa, sizeof(pa), "%s/out/interrupts.after", r->dir);
	if (!file_exists(pb) || !file_exists(pa)) {
		if (file_exists(pb) != file_exists(pa))
			r->irq_err = rp_strdup("only one of interrupts.before/after exists");
		return;
	}
	b = ib_irq_snap_load(pb, msg, sizeof(msg));
	a = b ? ib_irq_snap_load(pa, msg, sizeof(msg)) : NULL;
	if (a)
		r->irq = ib_irq_diff_compute(b, a, msg, sizeof(msg));
	if (!r->irq)
		r->irq_err = rp_strdup(msg);
	ib_irq_snap_free(a);
	ib_irq_snap_free(b);
}

static void add_flag(struct rp_run *r, const char *fmt, const char *what)
{
	char *f = rp_printf(fmt, what);

	for (size_t i = 0; i < r->nflags; i++) {
		if (!strcmp(r->flags[i], f)) {
			free(f);
			return;
		}
	}
	r->flags = realloc(r->flags, (r->nflags + 1) * sizeof(*r->flags));
	r->flags[r->nflags++] = f;
}

/* Every string of a "warnings" array as a flag of the run. */
static void add_warnings(struct rp_run *r, struct json_object *o, const char *fmt)
{
	struct json_object *w = rp_jget(o, "warnings", json_type_array);

	for (size_t i = 0; w && i < json_object_array_length(w); i++) {
		const char *t = json_object_get_string(json_object_array_get_idx(w, i));

		if (t && *t)
			add_flag(r, fmt, t);
	}
}

/* out/storm-*.json: what each provoker did (operations, achieved rate). */
static void load_storms(struct rp_run *r)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/out", r->dir);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		size_t len = strlen(d->d_name);
		char file[PATH_MAX + 256];
		struct json_object *o;

		if (strncmp(d->d_name, "storm-", 6) || len < 11 ||
		    strcmp(d->d_name + len - 5, ".json"))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, d->d_name);
		o = ib_json_load_file(file, NULL, 0);
		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			continue;
		}
		r->storms = realloc(r->storms, (r->nstorms + 1) * sizeof(*r->storms));
		r->storm_names = realloc(r->storm_names, (r->nstorms + 1) * sizeof(*r->storm_names));
		r->storms[r->nstorms] = o;
		r->storm_names[r->nstorms++] = strndup(d->d_name, len - 5);
	}
	if (dir)
		closedir(dir);
}

static void load_run(struct rp_campaign *c, struct rp_run *r, struct json_object *spec)
{
	char path[PATH_MAX], msg[512];
	struct json_object *run, *rec, *job, *reasons, *guest;
	char *err;

	r->camp = c;
	r->dir = rp_printf("%s/runs/%s", c->dir, r->slug);
	job = rp_jget(spec, "job", json_type_object);
	r->kernel = rp_strdup(rp_jstr(spec, "kernel", "?"));
	r->case_name = rp_strdup(rp_jstr(spec, "case", "?"));
	r->rep = (int)rp_jnum(spec, "repetition", 0);
	r->iso = c->iso;
	if (rp_jstr(job, "isolated", NULL))
		ib_cpuset_parse(rp_jstr(job, "isolated", ""), &r->iso, NULL, 0);

	snprintf(path, sizeof(path), "%s/run.json", r->dir);
	run = load_optional(path, &err);
	r->case_kind = rp_strdup(rp_jstr(run, "case_kind", rp_jstr(job, "case", "?")));
	/* "tcg, single-threaded" when the campaign asked for guest.tcg_threads: single. */
	if (!strcmp(rp_jstr(run, "accel", ""), "tcg") && rp_jstr(run, "tcg_threads", NULL)) {
		char acc[64];

		snprintf(acc, sizeof(acc), "tcg, %s-threaded%s", rp_jstr(run, "tcg_threads", ""),
			 !strcmp(rp_jstr(run, "guest_clock", ""), "icount") ? ", icount" : "");
		r->accel = rp_strdup(acc);
	} else {
		r->accel = rp_strdup(rp_jstr(run, "accel", "?"));
	}
	r->wall_s = rp_jnum(run, "wall_s", NAN);
	if (!file_exists(r->dir)) {
		r->status = rp_strdup("not run");
	} else if (!run) {
		r->status = rp_strdup("unfinished");
		r->reasons = calloc(1, sizeof(char *));
		r->reasons[r->nreasons++] = err ? err : rp_strdup("no run.json: the run never ended");
		err = NULL;
	} else {
		r->status = rp_strdup(rp_jstr(run, "status", "unknown"));
	}
	free(err);
	reasons = rp_jget(run, "reasons", json_type_array);
	for (size_t i = 0; reasons && i < json_object_array_length(reasons); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(reasons, i));

		r->reasons = realloc(r->reasons, (r->nreasons + 1) * sizeof(char *));
		r->reasons[r->nreasons++] = rp_strdup(s);
	}
	r->ok = !strcmp(r->status, "ok");
	add_warnings(r, run, "run.json: %s");
	if (!strncmp(r->accel, "tcg", 3))
		c->tcg = true;
	json_object_put(run);

	snprintf(path, sizeof(path), "%s/out/job-record.json", r->dir);
	rec = load_optional(path, &err);
	free(err);
	guest = rp_jget(rec, "guest", json_type_object);
	if (rp_jstr(guest, "cmdline", NULL))
		r->cmdline = rp_strdup(rp_jstr(guest, "cmdline", ""));
	if (rp_jstr(guest, "release", NULL))
		r->release = rp_strdup(rp_jstr(guest, "release", ""));
	r->window_s = rp_jnum(rec, "measure_end_s", 0) - rp_jnum(rec, "measure_start_s", 0);
	if (rp_jstr(rp_jget(rec, "perf", json_type_object), "reason", NULL))
		r->perf_note = rp_strdup(rp_jstr(rp_jget(rec, "perf", json_type_object), "reason", ""));
	if (!(r->window_s > 0))
		r->window_s = 0;
	/* The runner writes a warning for every tool that exited 3 (untrustworthy). */
	add_warnings(r, rec, "job-record.json: %s");
	/* Tools that exited 3 without one (provokers short of their target): noted only. */
	{
		struct json_object *tasks = rp_jget(rec, "tasks", json_type_array);

		for (size_t i = 0; tasks && i < json_object_array_length(tasks); i++) {
			struct json_object *t = json_object_array_get_idx(tasks, i);
			const char *name = rp_jstr(t, "name", "?");
			bool warned = false;
			char *n;

			if ((int)rp_jnum(t, "exit_status", 0) != 3)
				continue;
			for (size_t j = 0; j < r->nflags; j++)
				warned |= strstr(r->flags[j], name) != NULL;
			if (warned)
				continue;
			n = rp_printf("%s%s%s", r->exit3 ? r->exit3 : "", r->exit3 ? ", " : "", name);
			free(r->exit3);
			r->exit3 = n;
		}
	}
	json_object_put(rec);
	load_storms(r);

	snprintf(path, sizeof(path), "%s/out/oslat.json", r->dir);
	if (file_exists(path)) {
		r->oslat = ib_lat_load_oslat(path, msg, sizeof(msg));
		if (!r->oslat)
			r->oslat_err = rp_strdup(msg);
	}
	snprintf(path, sizeof(path), "%s/out/entry.json", r->dir);
	if (file_exists(path)) {
		r->entry = ib_lat_load_entry(path, msg, sizeof(msg));
		if (!r->entry)
			r->entry_err = rp_strdup(msg);
	}
	snprintf(path, sizeof(path), "%s/out/cyclictest.json", r->dir);
	if (file_exists(path)) {
		r->cyclic = ib_lat_load_cyclictest(path, msg, sizeof(msg));
		if (!r->cyclic)
			r->cyclic_err = rp_strdup(msg);
	}
	snprintf(path, sizeof(path), "%s/out/perf.csv", r->dir);
	if (file_exists(path)) {
		r->perf = ib_perf_load(path, msg, sizeof(msg));
		if (!r->perf && !r->perf_note)
			r->perf_note = rp_strdup(msg);
	}
	load_irq(r);
	snprintf(path, sizeof(path), "%s/out/ipi.json", r->dir);
	r->ipi = load_optional(path, &r->ipi_err);
	if (r->ipi && !json_object_is_type(r->ipi, json_type_object)) {
		json_object_put(r->ipi);
		r->ipi = NULL;
		r->ipi_err = rp_strdup("ipi.json is not a JSON object");
	}
	if (r->ipi && !ipi_numbers_ok(r->ipi, "", &r->ipi_err)) {
		json_object_put(r->ipi);
		r->ipi = NULL;
	}
	r->used = r->ok && (!r->nflags || c->include_flagged);
}

static void load_dir_json(struct rp_campaign *c, const char *sub, bool as_map)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", c->dir, sub);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		size_t len = strlen(d->d_name);
		char file[PATH_MAX + 256], *name;
		struct json_object *o;

		if (len < 6 || strcmp(d->d_name + len - 5, ".json"))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, d->d_name);
		o = ib_json_load_file(file, NULL, 0);
		if (!o)
			continue;
		if (as_map) {
			name = rp_strdup(d->d_name);
			name[len - 5] = '\0';
			json_object_object_add(c->kernels, name, o);
			free(name);
		} else {
			json_object_array_add(c->hosts, o);
			if (!strcmp(rp_jstr(o, "accel", ""), "tcg"))
				c->tcg = true;
		}
	}
	if (dir)
		closedir(dir);
}

struct rp_campaign *rp_campaign_load(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], msg[512];
	struct rp_campaign *c = calloc(1, sizeof(*c));
	struct json_object *guest, *runs;

	if (!c)
		return NULL;
	c->dir = rp_strdup(dir);
	snprintf(path, sizeof(path), "%s/campaign.json", dir);
	c->campaign = ib_json_load_file(path, msg, sizeof(msg));
	guest = rp_jget(c->campaign, "guest", json_type_object);
	runs = rp_jget(c->campaign, "runs", json_type_array);
	if (!c->campaign || !guest || !runs ||
	    ib_cpuset_parse(rp_jstr(guest, "isolated", ""), &c->iso, NULL, 0) < 0) {
		snprintf(err, errlen, "%s is not a campaign folder: %s", dir,
			 c->campaign ? "campaign.json has no guest.isolated or runs" : msg);
		rp_campaign_free(c);
		return NULL;
	}
	snprintf(c->iso_str, sizeof(c->iso_str), "%s", rp_jstr(guest, "isolated", "?"));
	snprintf(c->hk_str, sizeof(c->hk_str), "%s", rp_jstr(guest, "housekeeping", "?"));
	c->name = rp_strdup(rp_jstr(c->campaign, "name", "?"));
	c->duration_s = rp_jnum(c->campaign, "duration_s", NAN);
	c->warmup_s = rp_jnum(c->campaign, "warmup_s", NAN);
	c->reps = (int)rp_jnum(c->campaign, "repetitions", 0);
	{
		struct json_object *rep = rp_jget(c->campaign, "report", json_type_object);
		struct json_object *inc = rp_jget(rep, "include_flagged_runs", json_type_boolean);

		c->include_flagged = inc && json_object_get_boolean(inc);
	}
	snprintf(path, sizeof(path), "%s/timing.json", dir);
	c->timing = ib_json_load_file(path, NULL, 0);
	snprintf(path, sizeof(path), "%s/image.json", dir);
	c->image = ib_json_load_file(path, NULL, 0);
	c->kernels = json_object_new_object();
	c->hosts = json_object_new_array();
	load_dir_json(c, "kernels", true);
	load_dir_json(c, "hosts", false);

	c->nruns = json_object_array_length(runs);
	c->runs = calloc(c->nruns ? c->nruns : 1, sizeof(*c->runs));
	for (size_t i = 0; i < c->nruns; i++) {
		struct json_object *spec = json_object_array_get_idx(runs, i);

		c->runs[i].slug = rp_strdup(rp_jstr(spec, "slug", "?"));
		load_run(c, &c->runs[i], spec);
	}
	return c;
}

static void run_free(struct rp_run *r)
{
	free(r->slug);
	free(r->dir);
	free(r->kernel);
	free(r->case_name);
	free(r->case_kind);
	free(r->status);
	free(r->accel);
	for (size_t i = 0; i < r->nreasons; i++)
		free(r->reasons[i]);
	free(r->reasons);
	free(r->cmdline);
	free(r->release);
	ib_lat_file_free(r->oslat);
	ib_lat_file_free(r->entry);
	free(r->oslat_err);
	free(r->entry_err);
	ib_lat_file_free(r->cyclic);
	free(r->cyclic_err);
	ib_perf_free(r->perf);
	free(r->perf_note);
	ib_irq_diff_free(r->irq);
	free(r->irq_err);
	json_object_put(r->ipi);
	free(r->ipi_err);
	free(r->exit3);
	for (size_t i = 0; i < r->nflags; i++)
		free(r->flags[i]);
	free(r->flags);
	for (size_t i = 0; i < r->nstorms; i++) {
		json_object_put(r->storms[i]);
		free(r->storm_names[i]);
	}
	free(r->storms);
	free(r->storm_names);
}

void rp_campaign_free(struct rp_campaign *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nruns; i++)
		run_free(&c->runs[i]);
	free(c->runs);
	json_object_put(c->campaign);
	json_object_put(c->timing);
	json_object_put(c->kernels);
	json_object_put(c->hosts);
	json_object_put(c->image);
	free(c->dir);
	free(c->name);
	free(c);
}
