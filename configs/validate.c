// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-config: check a campaign file and resolve it into the plan the
 * playbooks run.
 *
 *   isolbench-config check CAMPAIGN.yml
 *   isolbench-config resolve CAMPAIGN.yml [--out FILE] [--root DIR]
 *
 * Every field is checked before anything expensive starts. A bad field
 * stops the campaign with a message that names the field and says what to
 * write instead. "resolve" writes campaign.json: the config with defaults
 * filled in, and the run matrix (kernel x case x repetition), each run with
 * the job spec its guest will read.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpulist.h"
#include "kinds.h"
#include "reference.h"
#include "../bench/entry_stats.h"
#include "jsonout.h"
#include "parse.h"
#include "yaml2json.h"
#include "../report/report.h"

#define EXIT_BAD_CONFIG 2

/*
 * Kinds, ranges and defaults come from the registry (lib/kinds.c); this file
 * adds what the table cannot say (CPU sets that must fit guest.vcpus,
 * paths that must exist, names that must differ).
 */

struct ctx {
	const char *file;
	const char *root;	/* where relative paths (series, fragments) start */
	int errors;
};

static void field_error(struct ctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void field_error(struct ctx *c, const char *field, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: field '%s': ", c->file, field);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->errors++;
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static void join(char *buf, size_t len, const char *const *list)
{
	buf[0] = '\0';
	for (; *list; list++) {
		strncat(buf, *list, len - strlen(buf) - 1);
		if (list[1])
			strncat(buf, ", ", len - strlen(buf) - 1);
	}
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

/* Unknown keys are errors: a typo must not silently fall back to a default. */
static void check_keys(struct ctx *c, struct json_object *o, const char *where,
		       const char *const *known)
{
	char list[512];

	if (!o || !json_object_is_type(o, json_type_object))
		return;
	join(list, sizeof(list), known);
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (!in_list(key, known)) {
			char f[128];

			snprintf(f, sizeof(f), "%s%s%s", where, *where ? "." : "", key);
			field_error(c, f, "unknown field (known here: %s)", list);
		}
	}
}

static const char *get_string(struct ctx *c, struct json_object *o, const char *key,
			      const char *field, const char *def)
{
	struct json_object *v = get(o, key);

	if (!v)
		return def;
	if (json_object_is_type(v, json_type_int))
		return json_object_get_string(v);
	if (!json_object_is_type(v, json_type_string)) {
		field_error(c, field, "must be a string");
		return def;
	}
	return json_object_get_string(v);
}

/*
 * The one definition of a name (campaign, kernel, case): it becomes part of
 * folder names, libvirt domain names, run ids and command lines, so it is a
 * plain word: a letter or digit first, then letters, digits, '.', '_', '-',
 * at most IB_NAME_MAX bytes. Nothing in it means anything to a shell, to XML
 * or to a path ('..' cannot start one).
 */
#define IB_NAME_MAX 64
#define IB_NAME_RULE "1..64 letters, digits, '.', '_' or '-', starting with a letter or digit"

static bool name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > IB_NAME_MAX || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static void check_name(struct ctx *c, const char *field, const char *name, const char *example)
{
	if (!name_valid(name))
		field_error(c, field, "'%s' is not a name: use %s (e.g. %s)", name ? name : "",
			    IB_NAME_RULE, example);
}

static long get_int(struct ctx *c, struct json_object *o, const char *key, const char *field,
		    long def, long min, long max)
{
	struct json_object *v = get(o, key);
	long n;

	if (!v)
		return def;
	if (!json_object_is_type(v, json_type_int)) {
		field_error(c, field, "must be a whole number in %ld..%ld", min, max);
		return def;
	}
	n = json_object_get_int64(v);
	if (n < min || n > max) {
		field_error(c, field, "is %ld; allowed range is %ld..%ld", n, min, max);
		return def;
	}
	return n;
}

static double get_duration(struct ctx *c, struct json_object *o, const char *key,
			   const char *field, double def, double min, double max)
{
	struct json_object *v = get(o, key);
	uint64_t ns;
	char err[160];

	if (!v)
		return def;
	if (ib_parse_duration(json_object_get_string(v), (uint64_t)(min * 1e9),
			      (uint64_t)(max * 1e9), &ns, err, sizeof(err)) < 0) {
		field_error(c, field, "%s", err);
		return def;
	}
	return ns / 1e9;
}

static int get_cpus(struct ctx *c, struct json_object *o, const char *key, const char *field,
		    struct ib_cpuset *set)
{
	const char *s = get_string(c, o, key, field, NULL);
	char err[160];

	if (!s) {
		field_error(c, field, "is required: a CPU list such as 2-3");
		return -1;
	}
	if (ib_cpuset_parse(s, set, err, sizeof(err)) < 0) {
		field_error(c, field, "%s", err);
		return -1;
	}
	return 0;
}

/* --- fields as the registry describes them (lib/kinds.c) -------------------- */

static const struct ib_field *field_of(const char *path)
{
	const struct ib_field *f = ib_field_find(path);

	if (!f) {
		fprintf(stderr, "isolbench-config: internal error: no field '%s' in lib/kinds.c\n",
			path);
		abort();
	}
	return f;
}

/* Unknown keys of a mapping, against the registry's fields at @rpath ("" = top). */
static void check_fields(struct ctx *c, struct json_object *o, const char *where,
			 const struct ib_field *fields)
{
	const char *known[64];
	size_t n = 0;

	for (; fields->name && n < 63; fields++)
		known[n++] = fields->name;
	known[n] = NULL;
	check_keys(c, o, where, known);
}

static long get_int_r(struct ctx *c, struct json_object *o, const char *rpath, const char *field)
{
	const struct ib_field *f = field_of(rpath);

	return get_int(c, o, f->name, field, f->def ? strtol(f->def, NULL, 10) : 0, f->min, f->max);
}

static double get_duration_r(struct ctx *c, struct json_object *o, const char *rpath,
			     const char *field, double computed_def)
{
	const struct ib_field *f = field_of(rpath);
	uint64_t ns = 0;

	if (f->def)
		ib_parse_duration(f->def, 0, UINT64_MAX, &ns, NULL, 0);
	return get_duration(c, o, f->name, field, f->def ? ns / 1e9 : computed_def,
			    f->min, f->max);
}

static const char *get_string_r(struct ctx *c, struct json_object *o, const char *rpath,
				const char *field)
{
	const struct ib_field *f = field_of(rpath);

	return get_string(c, o, f->name, field, f->def);
}

/* One word of a kind class; an unknown one names every known one. */
static const char *get_kind_r(struct ctx *c, struct json_object *o, const char *rpath,
			      const char *field)
{
	const struct ib_field *f = field_of(rpath);
	const char *s = get_string(c, o, f->name, field, f->def);
	char list[512];

	if (!s && (f->flags & IB_FF_REQUIRED)) {
		field_error(c, field, "is required: one of %s",
			    ib_kind_list(f->kinds, ", ", list, sizeof(list)));
		return NULL;
	}
	if (s && !ib_kind_find(f->kinds, s)) {
		/* A setting's few values are explained; kinds are listed by name. */
		if (f->kinds > IB_KC_COLLECTOR) {
			list[0] = '\0';
			for (size_t i = 0; i < ib_nkinds; i++)
				if (ib_kinds[i].cls == f->kinds)
					snprintf(list + strlen(list), sizeof(list) - strlen(list),
						 "%s%s: %s", list[0] ? "; " : "", ib_kinds[i].name,
						 ib_kinds[i].help);
		} else {
			ib_kind_list(f->kinds, ", ", list, sizeof(list));
		}
		field_error(c, field, "unknown %s '%s' (use one of: %s)", ib_kind_class_name(f->kinds),
			    s, list);
		return NULL;
	}
	return s;
}

/* A list of at most the field's max items (the guest's limit: IB_JOB_MAX_ITEMS). */
static bool list_fits(struct ctx *c, struct json_object *v, const char *rpath, const char *field)
{
	const struct ib_field *f = field_of(rpath);
	size_t n = json_object_array_length(v);

	if ((long long)n > f->max) {
		field_error(c, field, "has %zu entries; at most %lld are allowed", n, f->max);
		return false;
	}
	if ((long long)n < f->min) {
		field_error(c, field, "has %zu entries; at least %lld are needed", n, f->min);
		return false;
	}
	return true;
}

static struct json_object *kind_list(struct ctx *c, struct json_object *o, const char *rpath,
				     const char *field)
{
	const struct ib_field *fd = field_of(rpath);
	struct json_object *v = get(o, fd->name), *out = json_object_new_array();
	char list[512];

	if (!v)
		return out;
	ib_kind_list(fd->kinds, ", ", list, sizeof(list));
	if (!json_object_is_type(v, json_type_array)) {
		field_error(c, field, "must be a list of: %s", list);
		return out;
	}
	list_fits(c, v, rpath, field);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *s = json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
		char f[128];

		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!s || !ib_kind_find(fd->kinds, s)) {
			field_error(c, f, "unknown %s '%s' (use one of: %s)", ib_kind_class_name(fd->kinds),
				    s ? s : "", list);
			continue;
		}
		json_object_array_add(out, json_object_new_string(s));
	}
	return out;
}

static int path_exists(struct ctx *c, const char *p, int want_dir, char *abs, size_t len)
{
	struct stat st;

	if (p[0] == '/')
		snprintf(abs, len, "%s", p);
	else
		snprintf(abs, len, "%s/%s", c->root, p);
	if (stat(abs, &st) < 0)
		return 0;
	return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* The patches a series file names, in order (blank and '#' lines skipped). */
static long series_length(const char *series_file)
{
	char line[1024];
	long n = 0;
	FILE *f = fopen(series_file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");

		if (*p && *p != '\n' && *p != '#')
			n++;
	}
	fclose(f);
	return n;
}

/*
 * kernels[i].patches: build only the first N patches of the series (a
 * prefix, bisect style), so that a campaign can show what each patch adds.
 * N counts the lines of the series file that name a patch.
 */
static void check_patches(struct ctx *c, struct json_object *k, const char *w,
			  const char *series_file, struct json_object *r)
{
	long total = series_length(series_file), n;
	char f[128];

	if (!get(k, "patches"))
		return;
	snprintf(f, sizeof(f), "%s.patches", w);
	if (total < 1) {
		field_error(c, f, "the series file %s names no patch", series_file);
		return;
	}
	n = get_int(c, k, "patches", f, total, 1, total);
	json_object_object_add(r, "patches", json_object_new_int(n));
}

/*
 * The top-level "baseline": the kernel every other one is compared with.
 * Without it the report takes the kernel without a series, else the first.
 */
static void check_baseline(struct ctx *c, struct json_object *root, struct json_object *kernels,
			   struct json_object *out)
{
	const char *b = get_string(c, root, "baseline", "baseline", NULL);
	char names[512] = "";
	size_t len = 0;

	if (!b)
		return;
	for (size_t i = 0; i < json_object_array_length(kernels); i++) {
		const char *n = json_object_get_string(get(json_object_array_get_idx(kernels, i),
							   "name"));

		if (!strcmp(n, b)) {
			json_object_object_add(out, "baseline", json_object_new_string(b));
			return;
		}
		if (len < sizeof(names))
			len += snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "", n);
	}
	field_error(c, "baseline", "'%s' is not one of the kernels (%s)", b, names);
}

static struct json_object *check_kernels(struct ctx *c, struct json_object *root)
{
	struct json_object *v = get(root, "kernels"), *out = json_object_new_array();

	if (!v || !json_object_is_type(v, json_type_array) || !json_object_array_length(v)) {
		field_error(c, "kernels", "is required: a list of kernels, each with name, source, "
			    "fragments and (for a patched kernel) series");
		return out;
	}
	list_fits(c, v, "kernels", "kernels");
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *k = json_object_array_get_idx(v, i), *r, *frags;
		char f[128], w[64], abs[PATH_MAX];
		const char *name, *src, *series;

		snprintf(w, sizeof(w), "kernels[%zu]", i);
		if (!json_object_is_type(k, json_type_object)) {
			field_error(c, w, "must be a mapping with name, source, fragments");
			continue;
		}
		check_fields(c, k, w, field_of("kernels")->sub);
		r = json_object_new_object();
		snprintf(f, sizeof(f), "%s.name", w);
		name = get_string(c, k, "name", f, NULL);
		check_name(c, f, name, "baseline");
		for (size_t j = 0; name && j < i; j++) {
			const char *other = get_string(c, json_object_array_get_idx(v, j), "name", f, "");

			if (!strcmp(other, name))
				field_error(c, f, "'%s' is used by kernels[%zu] too; names must differ", name, j);
		}
		json_object_object_add(r, "name", json_object_new_string(name ? name : "?"));
		snprintf(f, sizeof(f), "%s.source", w);
		src = get_string_r(c, k, "kernels.source", f);
		if (strncmp(src, "debian:", 7) && !path_exists(c, src, 1, abs, sizeof(abs)) &&
		    !path_exists(c, src, 0, abs, sizeof(abs)))
			field_error(c, f, "'%s' is neither debian:<package> nor an existing kernel tree "
				    "or tarball", src);
		json_object_object_add(r, "source", json_object_new_string(
			strncmp(src, "debian:", 7) ? abs : src));
		snprintf(f, sizeof(f), "%s.series", w);
		series = get_string(c, k, "series", f, NULL);
		if (series) {
			char sf[PATH_MAX + 8];

			if (!path_exists(c, series, 1, abs, sizeof(abs)))
				field_error(c, f, "patch folder '%s' does not exist (a folder with a "
					    "'series' file and the patches it names)", series);
			else if (snprintf(sf, sizeof(sf), "%s/series", abs), access(sf, R_OK))
				field_error(c, f, "patch folder '%s' has no 'series' file", series);
			else
				check_patches(c, k, w, sf, r);
			json_object_object_add(r, "series", json_object_new_string(abs));
		} else if (get(k, "patches")) {
			int before = c->errors;

			snprintf(f, sizeof(f), "%s.patches", w);
			/* Out of the registry's range says so first; in range, it still needs a series. */
			get_int_r(c, k, "kernels.patches", f);
			if (c->errors == before)
				field_error(c, f, "needs a series: the first N patches of which series?");
		}
		snprintf(f, sizeof(f), "%s.fragments", w);
		frags = get(k, "fragments");
		{
			struct json_object *fl = json_object_new_array();

			if (!frags || !json_object_is_type(frags, json_type_array) ||
			    !json_object_array_length(frags))
				field_error(c, f, "is required: a list of config fragments, names in "
					    "guest-kernel/fragments/ (e.g. [base, isolation, tracing, 9p]) or paths");
			else
				list_fits(c, frags, "kernels.fragments", f);
			for (size_t j = 0; frags && json_object_is_type(frags, json_type_array) &&
			     j < json_object_array_length(frags); j++) {
				struct json_object *fo = json_object_array_get_idx(frags, j);
				const char *fr = json_object_get_string(fo);
				char rel[PATH_MAX];

				if (!fo || !json_object_is_type(fo, json_type_string) || !*fr) {
					char ff[160];

					snprintf(ff, sizeof(ff), "%s[%zu]", f, j);
					field_error(c, ff, "must be a fragment name or path (a string)");
					continue;
				}
				if (!strchr(fr, '/'))
					snprintf(rel, sizeof(rel), "guest-kernel/fragments/%s.config", fr);
				else
					snprintf(rel, sizeof(rel), "%s", fr);
				if (!path_exists(c, rel, 0, abs, sizeof(abs))) {
					char ff[160];

					snprintf(ff, sizeof(ff), "%s[%zu]", f, j);
					field_error(c, ff, "config fragment '%s' not found (looked for %s)", fr, rel);
				}
				json_object_array_add(fl, json_object_new_string(abs));
			}
			json_object_object_add(r, "fragments", fl);
		}
		json_object_array_add(out, r);
	}
	return out;
}

/*
 * Kernel parameters are printable text on one line (the XML escapes the
 * rest; a newline or control character is never meant).
 */
static const char *check_cmdline(struct ctx *c, const char *s)
{
	size_t n = strlen(s);

	if (n > 1024)
		field_error(c, "guest.extra_cmdline", "is %zu bytes; at most 1024", n);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			field_error(c, "guest.extra_cmdline", "holds a control character (byte %zu); "
				    "write kernel parameters on one line, separated by spaces", i);
			break;
		}
	}
	return s;
}

static struct json_object *check_guest(struct ctx *c, struct json_object *root,
				       struct ib_cpuset *iso, struct ib_cpuset *hk)
{
	struct json_object *g = get(root, "guest"), *r = json_object_new_object();
	char buf[IB_CPULIST_MAX];
	long vcpus;
	const char *accel, *threads;
	int ok = 1;

	if (!g || !json_object_is_type(g, json_type_object)) {
		field_error(c, "guest", "is required: vcpus, housekeeping, isolated, memory_mib, accel");
		return r;
	}
	check_fields(c, g, "guest", field_of("guest")->sub);
	vcpus = get_int_r(c, g, "guest.vcpus", "guest.vcpus");
	ok &= get_cpus(c, g, "housekeeping", "guest.housekeeping", hk) == 0;
	ok &= get_cpus(c, g, "isolated", "guest.isolated", iso) == 0;
	if (ok) {
		if (ib_cpuset_intersects(iso, hk))
			field_error(c, "guest.isolated", "overlaps guest.housekeeping; a vCPU is either "
				    "isolated or housekeeping");
		if (ib_cpuset_max(hk) >= vcpus)
			field_error(c, "guest.housekeeping", "names vCPU %d but guest.vcpus is %ld "
				    "(vCPUs are 0..%ld)", ib_cpuset_max(hk), vcpus, vcpus - 1);
		if (ib_cpuset_max(iso) >= vcpus)
			field_error(c, "guest.isolated", "names vCPU %d but guest.vcpus is %ld "
				    "(vCPUs are 0..%ld)", ib_cpuset_max(iso), vcpus, vcpus - 1);
		if (!ib_cpuset_test(hk, 0))
			field_error(c, "guest.housekeeping", "must include vCPU 0 (the boot CPU "
				    "cannot be nohz_full)");
	}
	json_object_object_add(r, "vcpus", json_object_new_int(vcpus));
	ib_cpuset_format(hk, buf, sizeof(buf));
	json_object_object_add(r, "housekeeping", json_object_new_string(buf));
	ib_cpuset_format(iso, buf, sizeof(buf));
	json_object_object_add(r, "isolated", json_object_new_string(buf));
	json_object_object_add(r, "memory_mib", json_object_new_int(
		get_int_r(c, g, "guest.memory_mib", "guest.memory_mib")));
	accel = get_kind_r(c, g, "guest.accel", "guest.accel");
	json_object_object_add(r, "accel", json_object_new_string(accel ? accel : "?"));
	threads = get_kind_r(c, g, "guest.tcg_threads", "guest.tcg_threads");
	json_object_object_add(r, "tcg_threads", json_object_new_string(threads ? threads : "?"));
	{
		const char *hc = get_string_r(c, g, "guest.host_cpus", "guest.host_cpus");
		const char *ec = get_string_r(c, g, "guest.emulator_cpus", "guest.emulator_cpus");
		struct ib_cpuset hs;
		char err[160];

		if (strcmp(hc, "auto") && ib_cpuset_parse(hc, &hs, err, sizeof(err)) < 0)
			field_error(c, "guest.host_cpus", "%s (or write auto)", err);
		else if (strcmp(hc, "auto") && ib_cpuset_count(&hs) < (unsigned int)vcpus)
			field_error(c, "guest.host_cpus", "lists %u host CPUs for %ld vCPUs; give one "
				    "per vCPU or write auto", ib_cpuset_count(&hs), vcpus);
		if (strcmp(ec, "auto") && ib_cpuset_parse(ec, &hs, err, sizeof(err)) < 0)
			field_error(c, "guest.emulator_cpus", "%s (or write auto)", err);
		json_object_object_add(r, "host_cpus", json_object_new_string(hc));
		json_object_object_add(r, "emulator_cpus", json_object_new_string(ec));
	}
	json_object_object_add(r, "extra_cmdline", json_object_new_string(
		check_cmdline(c, get_string_r(c, g, "guest.extra_cmdline", "guest.extra_cmdline"))));
	return r;
}

/*
 * A case kind's settings block (cases[].<kind>), from the kind's fields in
 * the registry; absent fields get their defaults.
 */
static struct json_object *settings_block(struct ctx *c, struct json_object *sub,
					  const struct ib_kind *ck, const char *where)
{
	struct json_object *o = json_object_new_object();
	char f[160], rp[96];

	if (sub && !json_object_is_type(sub, json_type_object))
		field_error(c, where, "must be a mapping of settings");
	check_fields(c, sub, where, ck->settings);
	for (const struct ib_field *fd = ck->settings; fd->name; fd++) {
		snprintf(f, sizeof(f), "%s.%s", where, fd->name);
		snprintf(rp, sizeof(rp), "cases.%s.%s", ck->name, fd->name);
		switch (fd->type) {
		case IB_FT_INT:
			json_object_object_add(o, fd->name, json_object_new_int(get_int_r(c, sub, rp, f)));
			break;
		case IB_FT_KIND: {
			const char *s = get_kind_r(c, sub, rp, f);

			json_object_object_add(o, fd->name, json_object_new_string(s ? s : "?"));
			break;
		}
		case IB_FT_RATES: {
			const char *s = get_string_r(c, sub, rp, f);
			uint64_t rates[IB_ENTRY_MAX_RATES];
			char err[1024];
			size_t n;

			/* The guest's own parser, with the guest's limits. */
			if (s && entry_parse_rates(s, rates, fd->max, &n, err, sizeof(err)) < 0)
				field_error(c, f, "%s", err);
			json_object_object_add(o, fd->name, json_object_new_string(s ? s : "?"));
			break;
		}
		default:
			json_object_object_add(o, fd->name, json_object_new_string(
				get_string_r(c, sub, rp, f)));
			break;
		}
	}
	return o;
}

static struct json_object *check_cases(struct ctx *c, struct json_object *root)
{
	struct json_object *v = get(root, "cases"), *out = json_object_new_array();
	char kinds[128];

	ib_kind_list(IB_KC_CASE, ", ", kinds, sizeof(kinds));
	if (!v || !json_object_is_type(v, json_type_array) || !json_object_array_length(v)) {
		field_error(c, "cases", "is required: a list of cases, each with name and kind (%s)", kinds);
		return out;
	}
	list_fits(c, v, "cases", "cases");
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *k = json_object_array_get_idx(v, i), *r, *pv, *pl;
		char f[128], w[64];
		const char *name, *kind;

		snprintf(w, sizeof(w), "cases[%zu]", i);
		if (!json_object_is_type(k, json_type_object)) {
			field_error(c, w, "must be a mapping with name and kind");
			continue;
		}
		check_fields(c, k, w, field_of("cases")->sub);
		r = json_object_new_object();
		snprintf(f, sizeof(f), "%s.kind", w);
		kind = get_kind_r(c, k, "cases.kind", f);
		snprintf(f, sizeof(f), "%s.name", w);
		name = get_string(c, k, "name", f, kind);
		check_name(c, f, name, "oslat-hackbench");
		json_object_object_add(r, "name", json_object_new_string(name ? name : "?"));
		json_object_object_add(r, "kind", json_object_new_string(kind ? kind : "?"));
		snprintf(f, sizeof(f), "%s.noise", w);
		json_object_object_add(r, "noise", kind_list(c, k, "cases.noise", f));
		snprintf(f, sizeof(f), "%s.collectors", w);
		json_object_object_add(r, "collectors", kind_list(c, k, "cases.collectors", f));
		{
			struct json_object *cl = json_object_object_get(r, "collectors");
			const struct ib_kind *ck = ib_kind_find(IB_KC_CASE, kind);
			bool ipi = false, stacks = false;

			for (size_t j = 0; j < json_object_array_length(cl); j++) {
				const char *s = json_object_get_string(json_object_array_get_idx(cl, j));

				ipi |= !strcmp(s, "ipi");
				stacks |= !strcmp(s, "ipi-stacks");
				if (ck && !ib_kind_applies(ck, s))
					field_error(c, f, "collector %s does not apply to a %s case", s,
						    kind);
			}
			if (ipi && stacks)
				field_error(c, f, "lists both ipi and ipi-stacks; ipi-stacks is the ipi "
					    "collector with sender stacks, keep one of them");
		}
		pl = json_object_new_array();
		pv = get(k, "provokers");
		snprintf(f, sizeof(f), "%s.provokers", w);
		if (pv && !json_object_is_type(pv, json_type_array))
			field_error(c, f, "must be a list of {kind, rate, operations (optional)}");
		else if (pv)
			list_fits(c, pv, "cases.provokers", f);
		for (size_t j = 0; pv && json_object_is_type(pv, json_type_array) &&
		     j < json_object_array_length(pv); j++) {
			struct json_object *p = json_object_array_get_idx(pv, j), *pr = json_object_new_object();
			char pw[96], pf[128];
			const char *pk;

			snprintf(pw, sizeof(pw), "%s[%zu]", f, j);
			check_fields(c, p, pw, field_of("cases.provokers")->sub);
			snprintf(pf, sizeof(pf), "%s.kind", pw);
			pk = get_kind_r(c, p, "cases.provokers.kind", pf);
			snprintf(pf, sizeof(pf), "%s.rate", pw);
			json_object_object_add(pr, "kind", json_object_new_string(pk ? pk : "?"));
			json_object_object_add(pr, "rate", json_object_new_int(
				get_int_r(c, p, "cases.provokers.rate", pf)));
			/* The same work on every kernel: a fixed number of operations
			 * (default: rate x duration, decided by the runner). */
			snprintf(pf, sizeof(pf), "%s.operations", pw);
			if (get(p, "operations"))
				json_object_object_add(pr, "operations", json_object_new_int64(
					get_int_r(c, p, "cases.provokers.operations", pf)));
			json_object_array_add(pl, pr);
		}
		json_object_object_add(r, "provokers", pl);
		snprintf(f, sizeof(f), "%s.when_tcg", w);
		{
			const char *wt = get_kind_r(c, k, "cases.when_tcg", f);

			json_object_object_add(r, "when_tcg", json_object_new_string(wt ? wt : "?"));
		}
		/* Every case kind's settings block, defaults filled in: the job
		 * spec carries them all. */
		for (size_t ki = 0; ki < ib_nkinds; ki++) {
			const struct ib_kind *ck = &ib_kinds[ki];

			if (ck->cls != IB_KC_CASE || !ck->settings)
				continue;
			snprintf(f, sizeof(f), "%s.%s", w, ck->name);
			json_object_object_add(r, ck->name, settings_block(c, get(k, ck->name), ck, f));
		}
		/* Compare resolved names: an unnamed case is named after its kind. */
		for (size_t j = 0; j < json_object_array_length(out); j++) {
			const char *other = json_object_get_string(
				get(json_object_array_get_idx(out, j), "name"));

			if (name && !strcmp(other, name))
				field_error(c, w, "case name '%s' is used by an earlier case too (a case "
					    "without a name is named after its kind); give each case its own "
					    "name", name);
		}
		json_object_array_add(out, r);
	}
	return out;
}

/*
 * The report's options (isolbench-report reads them from campaign.json):
 * "report": {include_flagged_runs: bool}, and on any gate given as a
 * mapping, allow_not_evaluable: bool. Everything else about the gates is
 * judged by the report, which knows their names.
 */
static void check_report_options(struct ctx *c, struct json_object *root)
{
	struct json_object *rep = get(root, "report"), *gates = get(root, "gates"), *v;

	if (rep && !json_object_is_type(rep, json_type_object))
		field_error(c, "report", "must be a mapping (include_flagged_runs: true|false)");
	check_fields(c, rep, "report", field_of("report")->sub);
	v = get(rep, "include_flagged_runs");
	if (v && !json_object_is_type(v, json_type_boolean))
		field_error(c, "report.include_flagged_runs", "must be true or false");
	if (!gates || !json_object_is_type(gates, json_type_object))
		return;
	json_object_object_foreach(gates, name, g) {
		v = get(g, "allow_not_evaluable");
		if (v && !json_object_is_type(v, json_type_boolean)) {
			char f[160];

			snprintf(f, sizeof(f), "gates.%s.allow_not_evaluable", name);
			field_error(c, f, "must be true or false");
		}
	}
}

/* The report's gate table decides which gates and limits exist. */
static void check_gates(struct ctx *c, struct json_object *gates)
{
	struct rp_verdict v;

	rp_gates_check(gates, &v);
	for (size_t i = 0; i < v.nerrors; i++)
		field_error(c, "gates", "%s", v.errors[i]);
	rp_verdict_free(&v);
}

/* A string field of an already-checked object, "" when an earlier error left it out. */
static const char *str_of(struct json_object *o)
{
	const char *v = o ? json_object_get_string(o) : NULL;

	return v ? v : "";
}

static struct json_object *resolve(struct ctx *c, struct json_object *root)
{
	struct json_object *out = json_object_new_object(), *kernels, *cases, *guest, *runs;
	struct ib_cpuset iso, hk;
	const char *name;
	double duration, warmup, timeout;
	long reps;
	char buf[2 * IB_NAME_MAX + 16];

	if (!json_object_is_type(root, json_type_object)) {
		field_error(c, "(top level)", "must be a mapping of name, kernels, guest, cases, ...");
		return out;
	}
	check_fields(c, root, "", ib_campaign_fields);
	name = get_string_r(c, root, "name", "name");
	check_name(c, "name", name, "nightly");
	json_object_object_add(out, "name", json_object_new_string(name));
	json_object_object_add(out, "description", json_object_new_string(
		get_string_r(c, root, "description", "description")));
	kernels = check_kernels(c, root);
	guest = check_guest(c, root, &iso, &hk);
	cases = check_cases(c, root);
	duration = get_duration_r(c, root, "duration", "duration", 0);
	warmup = get_duration_r(c, root, "warmup", "warmup", 0);
	reps = get_int_r(c, root, "repetitions", "repetitions");
	/* Boot, warm-up, measurement (tools add calibration), shutdown. */
	timeout = get_duration_r(c, root, "timeout", "timeout", 120 + warmup + 2 * duration);
	if (timeout < duration + warmup)
		field_error(c, "timeout", "is %g s, shorter than warmup + duration (%g s); "
			    "leave it out or make it longer", timeout, duration + warmup);
	/* The ipi entry kind splits gaps by the one clock of icount mode. */
	for (size_t i = 0; i < json_object_array_length(cases); i++) {
		struct json_object *cs = json_object_array_get_idx(cases, i);

		if (!strcmp(str_of(get(cs, "kind")), "entry") &&
		    !strcmp(str_of(get(get(cs, "entry"), "kind")), "ipi") &&
		    strcmp(str_of(get(guest, "accel")), "icount") &&
		    strcmp(str_of(get(cs, "when_tcg")), "icount")) {
			snprintf(buf, sizeof(buf), "cases[%zu].entry.kind", i);
			field_error(c, buf, "ipi needs the deterministic mode: set guest.accel: icount "
				    "(or when_tcg: icount in this case, and no usable KVM)");
		}
	}
	json_object_object_add(out, "kernels", kernels);
	check_baseline(c, root, kernels, out);
	json_object_object_add(out, "guest", guest);
	json_object_object_add(out, "cases", cases);
	json_object_object_add(out, "duration_s", json_object_new_double(duration));
	json_object_object_add(out, "warmup_s", json_object_new_double(warmup));
	json_object_object_add(out, "repetitions", json_object_new_int(reps));
	json_object_object_add(out, "timeout_s", json_object_new_double(timeout));
	if (get(root, "gates"))
		json_object_object_add(out, "gates", json_object_get(get(root, "gates")));
	check_report_options(c, root);
	if (get(root, "report"))
		json_object_object_add(out, "report", json_object_get(get(root, "report")));
	check_gates(c, get(root, "gates"));

	/* The run matrix: repetitions outermost, so an interrupted campaign
	 * still has every kernel and case at least once. */
	runs = json_object_new_array();
	for (long rep = 1; rep <= reps; rep++) {
		for (size_t ci = 0; ci < json_object_array_length(cases); ci++) {
			for (size_t ki = 0; ki < json_object_array_length(kernels); ki++) {
				struct json_object *k = json_object_array_get_idx(kernels, ki);
				struct json_object *cs = json_object_array_get_idx(cases, ci);
				struct json_object *run = json_object_new_object(), *job = json_object_new_object();
				const char *kn = json_object_get_string(get(k, "name"));
				const char *cn = json_object_get_string(get(cs, "name"));

				/* Names are at most IB_NAME_MAX bytes: ids are never cut. */
				snprintf(buf, sizeof(buf), "%s/%s/rep%ld", kn, cn, rep);
				json_object_object_add(run, "id", json_object_new_string(buf));
				snprintf(buf, sizeof(buf), "%s-%s-rep%ld", kn, cn, rep);
				json_object_object_add(run, "slug", json_object_new_string(buf));
				json_object_object_add(run, "kernel", json_object_new_string(kn));
				json_object_object_add(run, "case", json_object_new_string(cn));
				json_object_object_add(run, "repetition", json_object_new_int(rep));
				/* Schema 2: case_kind is the kind (schema 1 called it "case"). */
				json_object_object_add(job, "schema", json_object_new_int(2));
				json_object_object_add(job, "run_id", json_object_new_string(
					json_object_get_string(get(run, "id"))));
				json_object_object_add(job, "kernel", json_object_new_string(kn));
				json_object_object_add(job, "case_kind", json_object_get(get(cs, "kind")));
				json_object_object_add(job, "case_name", json_object_new_string(cn));
				json_object_object_add(job, "duration_s", json_object_new_double(duration));
				json_object_object_add(job, "warmup_s", json_object_new_double(warmup));
				json_object_object_add(job, "isolated", json_object_get(get(guest, "isolated")));
				json_object_object_add(job, "housekeeping", json_object_get(get(guest, "housekeeping")));
				json_object_object_add(job, "noise", json_object_get(get(cs, "noise")));
				json_object_object_add(job, "provokers", json_object_get(get(cs, "provokers")));
				json_object_object_add(job, "collectors", json_object_get(get(cs, "collectors")));
				json_object_object_add(job, "oslat", json_object_get(get(cs, "oslat")));
				json_object_object_add(job, "entry", json_object_get(get(cs, "entry")));
				json_object_object_add(job, "cyclictest", json_object_get(get(cs, "cyclictest")));
				json_object_object_add(job, "when_tcg", json_object_get(get(cs, "when_tcg")));
				json_object_object_add(run, "job", job);
				json_object_array_add(runs, run);
			}
		}
	}
	json_object_object_add(out, "runs", runs);
	return out;
}

/*
 * Map vCPUs to host CPUs as the libvirt real-time recipe does: emulator
 * threads on the emulator CPUs, then one host CPU per vCPU from the host
 * CPUs that are not emulator CPUs. "auto" emulator CPUs are the host's
 * housekeeping CPUs (those it does not isolate, when @host_iso is given and
 * leaves some), else the first host CPU. A host
 * with fewer such CPUs than vCPUs is oversubscribed: the housekeeping vCPUs
 * share the first host CPU with the emulator threads and the isolated
 * vCPUs are spread over the others, so an isolated vCPU never shares a host
 * CPU with the emulator threads.
 */
static int pin_plan(const struct ib_cpuset *host, const struct ib_cpuset *hk, int vcpus,
		    const char *emulator, const struct ib_cpuset *host_iso,
		    struct json_object **out, char *err, size_t errlen)
{
	int ncpu = ib_cpuset_count(host), first = ib_cpuset_next(host, 0);
	struct json_object *o, *pins;
	struct ib_cpuset emu, avail;
	char buf[IB_CPULIST_MAX];
	int slot = 0, oversub, cpu;

	if (ncpu < 1) {
		snprintf(err, errlen, "no host CPUs to pin to");
		return -1;
	}
	if (emulator && strcmp(emulator, "auto")) {
		if (ib_cpuset_parse(emulator, &emu, err, errlen) < 0)
			return -1;
	} else {
		ib_cpuset_zero(&emu);
		if (host_iso)
			ib_cpuset_for_each(cpu, host)
				if (!ib_cpuset_test(host_iso, cpu))
					ib_cpuset_set(&emu, cpu);
		if (!ib_cpuset_count(&emu) || ib_cpuset_count(&emu) == (unsigned int)ncpu)
			ib_cpuset_zero(&emu), ib_cpuset_set(&emu, first);
	}
	ib_cpuset_zero(&avail);
	ib_cpuset_for_each(cpu, host)
		if (!ib_cpuset_test(&emu, cpu))
			ib_cpuset_set(&avail, cpu);
	oversub = (int)ib_cpuset_count(&avail) < vcpus;

	o = json_object_new_object();
	pins = json_object_new_array();
	for (int v = 0; v < vcpus; v++) {
		if (!oversub) {
			cpu = ib_cpuset_next(&avail, 0);
			for (int k = 0; k < v; k++)
				cpu = ib_cpuset_next(&avail, cpu + 1);
		} else if (ncpu == 1 || ib_cpuset_test(hk, v)) {
			cpu = first;
		} else {
			/* Isolated vCPUs round-robin over the CPUs after the first. */
			int idx = 1 + slot++ % (ncpu - 1);

			cpu = first;
			for (int k = 0; k < idx; k++)
				cpu = ib_cpuset_next(host, cpu + 1);
		}
		json_object_array_add(pins, json_object_new_int(cpu));
	}
	json_object_object_add(o, "vcpu_host_cpus", pins);
	ib_cpuset_format(&emu, buf, sizeof(buf));
	json_object_object_add(o, "emulator_cpus", json_object_new_string(buf));
	json_object_object_add(o, "oversubscribed", json_object_new_boolean(oversub));
	json_object_object_add(o, "host_cpus_used", json_object_new_int(ncpu));
	*out = o;
	return 0;
}

static int cmd_pin(int argc, char **argv)
{
	const char *host_cpus = "auto", *emulator = "auto", *hk_s = NULL, *iso_s = NULL;
	struct ib_cpuset host, hk, host_iso;
	struct json_object *plan;
	char err[256], online[IB_CPULIST_MAX];
	int vcpus = 0;

	for (int i = 0; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--vcpus"))
			vcpus = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--housekeeping"))
			hk_s = argv[i + 1];
		else if (!strcmp(argv[i], "--host-cpus"))
			host_cpus = argv[i + 1];
		else if (!strcmp(argv[i], "--emulator-cpus"))
			emulator = argv[i + 1];
		else if (!strcmp(argv[i], "--host-isolated"))
			iso_s = argv[i + 1];
		else {
			fprintf(stderr, "pin: unknown option '%s'\n", argv[i]);
			return EXIT_BAD_CONFIG;
		}
	}
	if (vcpus < 1 || vcpus > IB_MAX_CPUS || !hk_s) {
		fprintf(stderr, "pin: --vcpus N (1..%d) and --housekeeping LIST are required\n",
			IB_MAX_CPUS);
		return EXIT_BAD_CONFIG;
	}
	if (ib_cpuset_parse(hk_s, &hk, err, sizeof(err)) < 0) {
		fprintf(stderr, "pin: --housekeeping: %s\n", err);
		return EXIT_BAD_CONFIG;
	}
	if (!strcmp(host_cpus, "auto")) {
		FILE *f = fopen("/sys/devices/system/cpu/online", "r");

		/* A cut list would leave CPUs out of the plan: read it whole. */
		if (!f || !fgets(online, sizeof(online), f) || !strchr(online, '\n')) {
			fprintf(stderr, "pin: cannot read /sys/devices/system/cpu/online\n");
			if (f)
				fclose(f);
			return 1;
		}
		fclose(f);
		online[strcspn(online, "\n")] = '\0';
		host_cpus = online;
	}
	if (ib_cpuset_parse(host_cpus, &host, err, sizeof(err)) < 0) {
		fprintf(stderr, "pin: --host-cpus: %s\n", err);
		return EXIT_BAD_CONFIG;
	}
	if (iso_s && *iso_s && ib_cpuset_parse(iso_s, &host_iso, err, sizeof(err)) < 0) {
		fprintf(stderr, "pin: --host-isolated: %s\n", err);
		return EXIT_BAD_CONFIG;
	}
	if (pin_plan(&host, &hk, vcpus, emulator, iso_s && *iso_s ? &host_iso : NULL, &plan,
		     err, sizeof(err)) < 0) {
		fprintf(stderr, "pin: %s\n", err);
		return 1;
	}
	printf("%s\n", json_object_to_json_string_ext(plan, JSON_C_TO_STRING_PLAIN));
	json_object_put(plan);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: isolbench-config check CAMPAIGN.yml\n"
		"       isolbench-config resolve CAMPAIGN.yml [--out FILE] [--root DIR]\n"
		"       isolbench-config pin --vcpus N --housekeeping LIST [--host-cpus auto|LIST]\n"
		"                            [--emulator-cpus auto|LIST] [--host-isolated LIST]\n"
		"       isolbench-config docs | schema\n"
		"\n"
		"  check     validate every field; exit 0 when the file is good\n"
		"  resolve   validate, then write the resolved campaign (defaults filled in,\n"
		"            run matrix with each run's job spec) as JSON to FILE or stdout\n"
		"  --root    folder relative paths start from (default: the current folder)\n"
		"  pin       print the vCPU -> host CPU plan (JSON) for this host; auto emulator\n"
		"            CPUs are the host CPUs outside --host-isolated (else the first)\n"
		"  docs      print the campaign-file reference (docs/config.md)\n"
		"  schema    print the campaign file's JSON Schema (configs/campaign.schema.json)\n"
		"\n"
		"exit status: 0 good, 2 bad config or usage, 1 could not write the output\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { .root = "." };
	const char *out = NULL, *cmd;
	struct json_object *root, *resolved;
	char err[512];
	int opt;

	if (argc > 1 && !strcmp(argv[1], "pin"))
		return cmd_pin(argc - 2, argv + 2);
	/* The campaign-file reference and schema, written from lib/kinds.c. */
	if (argc == 2 && !strcmp(argv[1], "docs"))
		return ib_reference_docs(stdout) || fflush(stdout) ? 1 : 0;
	if (argc == 2 && !strcmp(argv[1], "schema"))
		return ib_reference_schema(stdout) || fflush(stdout) ? 1 : 0;
	while ((opt = getopt_long(argc, argv, "o:r:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'r': c.root = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_BAD_CONFIG;
		}
	}
	if (argc - optind != 2 || (strcmp(argv[optind], "check") && strcmp(argv[optind], "resolve"))) {
		usage(stderr);
		return EXIT_BAD_CONFIG;
	}
	cmd = argv[optind];
	c.file = argv[optind + 1];
	root = ib_yaml_load(c.file, err, sizeof(err));
	if (!root) {
		fprintf(stderr, "%s\n", err);
		return EXIT_BAD_CONFIG;
	}
	resolved = resolve(&c, root);
	if (c.errors) {
		fprintf(stderr, "%s: %d problem%s; nothing was started\n", c.file, c.errors,
			c.errors == 1 ? "" : "s");
		json_object_put(resolved);
		json_object_put(root);
		return EXIT_BAD_CONFIG;
	}
	if (!strcmp(cmd, "resolve")) {
		const char *s = json_object_to_json_string_ext(resolved,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
		char *tmp = NULL;
		FILE *f = stdout;
		struct stat st;
		int bad = 0;

		/* A file --out is written whole or not at all (a temporary file
		 * renamed over it); a device or a pipe is written as it is. */
		if (out && stat(out, &st) == 0 && !S_ISREG(st.st_mode)) {
			if (!(f = fopen(out, "w")))
				bad = 1;
		} else if (out && (asprintf(&tmp, "%s.tmp.%d", out, (int)getpid()) < 0 ||
				   !(f = fopen(tmp, "w")))) {
			bad = 1;
		}
		if (bad) {
			fprintf(stderr, "cannot write %s: %s\n", out, strerror(errno));
			free(tmp);
			json_object_put(resolved);
			json_object_put(root);
			return 1;
		}
		bad = fprintf(f, "%s\n", s) < 0;
		if (tmp)
			bad |= ib_file_commit(f, tmp, out) < 0;
		else if (out)
			bad |= ib_file_finish(f) < 0;
		else
			bad |= fflush(f) != 0 || ferror(f);
		if (bad) {
			fprintf(stderr, "cannot write %s: %s\n", out ? out : "stdout", strerror(errno));
			if (tmp)
				unlink(tmp);
			free(tmp);
			json_object_put(resolved);
			json_object_put(root);
			return 1;
		}
		free(tmp);
	} else {
		printf("%s: ok (%zu runs)\n", c.file,
		       json_object_array_length(json_object_object_get(resolved, "runs")));
	}
	json_object_put(resolved);
	json_object_put(root);
	return 0;
}
