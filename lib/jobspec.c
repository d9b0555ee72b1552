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

static int get_strings(struct json_object *o, const char *key, const char **out, int *n,
		       char *err, size_t errlen)
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
		out[(*n)++] = json_object_get_string(v);
	}
	return 0;
}

int ib_job_load(const char *path, struct ib_job *job, char *err, size_t errlen)
{
	struct json_object *root, *v, *sub;
	const char *s;
	double d;

	memset(job, 0, sizeof(*job));
	root = json_object_from_file(path);
	if (!root)
		return bad(err, errlen, "%s: not readable JSON (%s)", path, json_util_get_last_err());
	if (!json_object_is_type(root, json_type_object))
		return bad(err, errlen, "%s: top level must be an object", path);
	if (get_num(root, "schema", &d) < 0 || d != 1)
		return bad(err, errlen, "%s: 'schema' must be 1", path);
	job->schema = 1;
	job->run_id = get_str(root, "run_id", "unnamed");
	job->kernel = get_str(root, "kernel", "unknown");
	job->case_name = get_str(root, "case", NULL);
	if (!job->case_name)
		return bad(err, errlen, "%s: 'case' is missing", path);
	if (get_num(root, "duration_s", &job->duration_s) < 0 || job->duration_s < 1 ||
	    job->duration_s > 7 * 86400)
		return bad(err, errlen, "%s: 'duration_s' must be a number of seconds in 1..604800", path);
	if (get_num(root, "warmup_s", &job->warmup_s) < 0)
		job->warmup_s = 0;
	if (job->warmup_s < 0 || job->warmup_s > 3600)
		return bad(err, errlen, "%s: 'warmup_s' must be in 0..3600", path);

	s = get_str(root, "isolated", NULL);
	if (!s || ib_cpuset_parse(s, &job->isolated, err, errlen) < 0)
		return s ? -1 : bad(err, errlen, "%s: 'isolated' CPU list is missing", path);
	s = get_str(root, "housekeeping", NULL);
	if (!s || ib_cpuset_parse(s, &job->housekeeping, err, errlen) < 0)
		return s ? -1 : bad(err, errlen, "%s: 'housekeeping' CPU list is missing", path);
	if (ib_cpuset_intersects(&job->isolated, &job->housekeeping))
		return bad(err, errlen, "%s: 'isolated' and 'housekeeping' overlap", path);

	if (get_strings(root, "noise", job->noise, &job->nnoise, err, errlen) < 0 ||
	    get_strings(root, "collectors", job->collectors, &job->ncollectors, err, errlen) < 0)
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
			if (!pv->kind || get_num(p, "rate", &pv->rate) < 0 || pv->rate <= 0)
				return bad(err, errlen, "%s: provokers[%zu] needs 'kind' and a positive 'rate'",
					   path, i);
			if (json_object_object_get_ex(p, "operations", NULL) &&
			    (get_num(p, "operations", &pv->operations) < 0 || pv->operations < 1))
				return bad(err, errlen, "%s: provokers[%zu].operations must be a "
					   "positive number", path, i);
		}
	}

	job->oslat_buckets = 1024;
	job->oslat_bucket_width_ns = 1000;
	if (json_object_object_get_ex(root, "oslat", &sub)) {
		if (get_num(sub, "buckets", &d) == 0)
			job->oslat_buckets = (int)d;
		if (get_num(sub, "bucket_width_ns", &d) == 0)
			job->oslat_bucket_width_ns = (int)d;
	}
	job->entry_rates = "1000,10000,100000,max";
	job->entry_kind = "getpid";
	if (json_object_object_get_ex(root, "entry", &sub)) {
		job->entry_rates = get_str(sub, "rates", job->entry_rates);
		job->entry_kind = get_str(sub, "kind", job->entry_kind);
	}
	job->cyclictest_buckets = 1000;
	job->cyclictest_interval_us = 200;
	job->cyclictest_priority = 95;
	if (json_object_object_get_ex(root, "cyclictest", &sub)) {
		if (get_num(sub, "buckets", &d) == 0)
			job->cyclictest_buckets = (int)d;
		if (get_num(sub, "interval_us", &d) == 0)
			job->cyclictest_interval_us = (int)d;
		if (get_num(sub, "priority", &d) == 0)
			job->cyclictest_priority = (int)d;
	}
	if (job->cyclictest_buckets < 1 || job->cyclictest_buckets > 1000000 ||
	    job->cyclictest_interval_us < 1 || job->cyclictest_priority < 1 ||
	    job->cyclictest_priority > 99)
		return bad(err, errlen, "%s: 'cyclictest' wants buckets 1..1000000, interval_us >= 1 "
			   "and priority 1..99", path);
	s = get_str(root, "guest_clock", "host");
	if (strcmp(s, "host") && strcmp(s, "icount"))
		return bad(err, errlen, "%s: 'guest_clock' must be host or icount", path);
	job->icount = !strcmp(s, "icount");
	job->entry_nrates = 1;
	for (s = job->entry_rates; *s; s++)
		job->entry_nrates += *s == ',';
	/* The JSON object stays alive: the strings above point into it. */
	return 0;
}
