// SPDX-License-Identifier: GPL-2.0
#include "jobspec.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

static const char *get_str(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return def;
	return json_object_get_string(v);
}

static int get_num(struct json_object *o, const char *key, double *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
		return -1;
	*out = json_object_get_double(v);
	return 0;
}

/* A list of kinds of @cls, each known to the registry. */
static int get_strings(struct json_object *o, const char *key, enum ib_kind_class cls,
		       const char **out, int *n, char *err, size_t errlen)
{
	struct json_object *arr;

	*n = 0;
	if (!json_object_object_get_ex(o, key, &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return bad(err, errlen, "job field '%s' must be a list of strings", key);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(v, json_type_string))
			return bad(err, errlen, "job field '%s[%zu]' must be a string", key, i);
		if (*n == IB_JOB_MAX_ITEMS)
			return bad(err, errlen, "job field '%s' has more than %d entries", key,
				   IB_JOB_MAX_ITEMS);
		if (!ib_kind_find(cls, json_object_get_string(v)))
			return bad(err, errlen, "job field '%s[%zu]': unknown %s '%s'", key, i,
				   ib_kind_class_name(cls), json_object_get_string(v));
		out[(*n)++] = json_object_get_string(v);
	}
	return 0;
}

/* Integer @key of settings block @block, default and range from the registry. */
static int get_setting(struct json_object *root, const char *block, const char *key, int *out,
		       char *err, size_t errlen)
{
	struct json_object *sub;
	const struct ib_field *f;
	char path[96];
	double d;

	snprintf(path, sizeof(path), "cases.%s.%s", block, key);
	f = ib_field_find(path);
	*out = (int)ib_field_default_int(path);
	if (!json_object_object_get_ex(root, block, &sub) || get_num(sub, key, &d) < 0)
		return 0;
	if (d < f->min || d > f->max || d != (int)d)
		return bad(err, errlen, "job field '%s.%s' is %g; allowed range is %lld..%lld",
			   block, key, d, f->min, f->max);
	*out = (int)d;
	return 0;
}

static int load_fields(const char *path, struct json_object *root, struct ib_job *job, char *err,
		       size_t errlen)
{
	struct json_object *v, *sub;
	const struct ib_field *f;
	const char *s;
	double d;

	if (!json_object_is_type(root, json_type_object))
		return bad(err, errlen, "%s: top level must be an object", path);
	if (get_num(root, "schema", &d) < 0 || d != 2)
		return bad(err, errlen, "%s: 'schema' must be 2 (a job spec from this checkout's "
			   "isolbench-config)", path);
	job->schema = 2;
	job->run_id = get_str(root, "run_id", "unnamed");
	job->kernel = get_str(root, "kernel", "unknown");
	job->case_kind = get_str(root, "case_kind", NULL);
	if (!ib_kind_find(IB_KC_CASE, job->case_kind))
		return bad(err, errlen, "%s: 'case_kind' is %s", path,
			   job->case_kind ? "not a case kind" : "missing");
	job->case_name = get_str(root, "case_name", job->case_kind);
	f = ib_field_find("duration");
	if (get_num(root, "duration_s", &job->duration_s) < 0 || job->duration_s < f->min ||
	    job->duration_s > f->max)
		return bad(err, errlen, "%s: 'duration_s' must be a number of seconds in %lld..%lld",
			   path, f->min, f->max);
	f = ib_field_find("warmup");
	if (get_num(root, "warmup_s", &job->warmup_s) < 0)
		job->warmup_s = 0;
	if (job->warmup_s < f->min || job->warmup_s > f->max)
		return bad(err, errlen, "%s: 'warmup_s' must be in %lld..%lld", path, f->min, f->max);

	s = get_str(root, "isolated", NULL);
	if (!s || ib_cpuset_parse(s, &job->isolated, err, errlen) < 0)
		return s ? -1 : bad(err, errlen, "%s: 'isolated' CPU list is missing", path);
	s = get_str(root, "housekeeping", NULL);
	if (!s || ib_cpuset_parse(s, &job->housekeeping, err, errlen) < 0)
		return s ? -1 : bad(err, errlen, "%s: 'housekeeping' CPU list is missing", path);
	if (ib_cpuset_intersects(&job->isolated, &job->housekeeping))
		return bad(err, errlen, "%s: 'isolated' and 'housekeeping' overlap", path);

	if (get_strings(root, "noise", IB_KC_NOISE, job->noise, &job->nnoise, err, errlen) < 0 ||
	    get_strings(root, "collectors", IB_KC_COLLECTOR, job->collectors, &job->ncollectors,
			err, errlen) < 0)
		return -1;

	if (json_object_object_get_ex(root, "provokers", &v)) {
		if (!json_object_is_type(v, json_type_array))
			return bad(err, errlen, "%s: 'provokers' must be a list", path);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *p = json_object_array_get_idx(v, i);
			struct ib_job_provoker *pv;

			if (job->nprovokers == IB_JOB_MAX_ITEMS)
				return bad(err, errlen, "%s: too many provokers", path);
			pv = &job->provokers[job->nprovokers++];
			pv->kind = get_str(p, "kind", NULL);
			if (!ib_kind_find(IB_KC_PROVOKER, pv->kind))
				return bad(err, errlen, "%s: provokers[%zu]: unknown provoker '%s'", path,
					   i, pv->kind ? pv->kind : "");
			if (get_num(p, "rate", &pv->rate) < 0 || pv->rate <= 0)
				return bad(err, errlen, "%s: provokers[%zu] needs 'kind' and a positive 'rate'",
					   path, i);
			if (json_object_object_get_ex(p, "operations", NULL) &&
			    (get_num(p, "operations", &pv->operations) < 0 || pv->operations < 1))
				return bad(err, errlen, "%s: provokers[%zu].operations must be a "
					   "positive number", path, i);
		}
	}

	/* The settings blocks: defaults and ranges from the registry. */
	if (get_setting(root, "oslat", "buckets", &job->oslat_buckets, err, errlen) < 0 ||
	    get_setting(root, "oslat", "bucket_width_ns", &job->oslat_bucket_width_ns, err,
			errlen) < 0 ||
	    get_setting(root, "cyclictest", "buckets", &job->cyclictest_buckets, err, errlen) < 0 ||
	    get_setting(root, "cyclictest", "interval_us", &job->cyclictest_interval_us, err,
			errlen) < 0 ||
	    get_setting(root, "cyclictest", "priority", &job->cyclictest_priority, err, errlen) < 0)
		return -1;
	job->entry_rates = ib_field_find("cases.entry.rates")->def;
	job->entry_kind = ib_field_find("cases.entry.kind")->def;
	if (json_object_object_get_ex(root, "entry", &sub)) {
		job->entry_rates = get_str(sub, "rates", job->entry_rates);
		job->entry_kind = get_str(sub, "kind", job->entry_kind);
	}
	if (!ib_kind_find(IB_KC_ENTRY, job->entry_kind))
		return bad(err, errlen, "%s: entry.kind '%s' is not an entry kind", path,
			   job->entry_kind);
	s = get_str(root, "guest_clock", "host");
	if (strcmp(s, "host") && strcmp(s, "icount"))
		return bad(err, errlen, "%s: 'guest_clock' must be host or icount", path);
	job->icount = !strcmp(s, "icount");
	job->entry_nrates = 1;
	for (s = job->entry_rates; *s; s++)
		job->entry_nrates += *s == ',';
	if (job->entry_nrates > ib_field_find("cases.entry.rates")->max)
		return bad(err, errlen, "%s: entry.rates has %d rates; at most %lld", path,
			   job->entry_nrates, ib_field_find("cases.entry.rates")->max);
	return 0;
}

int ib_job_load(const char *path, struct ib_job *job, char *err, size_t errlen)
{
	struct json_object *root;

	memset(job, 0, sizeof(*job));
	root = json_object_from_file(path);
	if (!root)
		return bad(err, errlen, "%s: not readable JSON (%s)", path, json_util_get_last_err());
	if (load_fields(path, root, job, err, errlen) < 0) {
		json_object_put(root);
		memset(job, 0, sizeof(*job));
		return -1;
	}
	/* The JSON object stays alive: the job's strings point into it. */
	job->json = root;
	return 0;
}

void ib_job_free(struct ib_job *job)
{
	json_object_put(job->json);
	memset(job, 0, sizeof(*job));
}
