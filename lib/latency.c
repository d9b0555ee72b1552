// SPDX-License-Identifier: GPL-2.0
#include "latency.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cpulist.h"
#include "jsonfile.h"

/* Largest histogram we accept from a file: keys beyond this are a broken file. */
#define LAT_MAX_BUCKETS (1UL << 24)

const char *ib_lat_tool_name(enum ib_lat_tool tool)
{
	switch (tool) {
	case IB_LAT_OSLAT:
		return "oslat";
	case IB_LAT_CYCLICTEST:
		return "cyclictest";
	case IB_LAT_ENTRY:
		return "isolbench-entry";
	}
	return "?";
}

void ib_lat_file_free(struct ib_lat_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		ib_hist_free(f->series[i].hist);
	free(f->series);
	free(f->path);
	free(f->version);
	free(f->cmdline);
	free(f->kernel_release);
	free(f->kind);
	free(f);
}

const struct ib_lat_series *ib_lat_find(const struct ib_lat_file *f, int cpu,
					uint64_t target_rate)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->series[i].cpu != cpu)
			continue;
		if (f->tool == IB_LAT_ENTRY && f->series[i].target_rate != target_rate)
			continue;
		return &f->series[i];
	}
	return NULL;
}

static struct ib_lat_file *file_new(enum ib_lat_tool tool, const char *path, size_t n)
{
	struct ib_lat_file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->tool = tool;
	f->path = strdup(path);
	f->series = calloc(n ? n : 1, sizeof(*f->series));
	if (!f->path || !f->series) {
		ib_lat_file_free(f);
		errno = ENOMEM;
		return NULL;
	}
	f->n = n;
	for (size_t i = 0; i < n; i++)
		f->series[i].tool_mean_ns = NAN;
	return f;
}

static int dup_string(struct json_object *root, const char *key, bool required, char **out,
		      const char *path, char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(root, key, &v) || !v) {
		if (!required)
			return 0;
		ib_errf(err, errlen, "%s: member \"%s\" is missing (not an rt-tests JSON file?)",
			path, key);
		errno = EINVAL;
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		ib_errf(err, errlen, "%s: member \"%s\" should be a string", path, key);
		errno = EINVAL;
		return -1;
	}
	*out = strdup(json_object_get_string(v));
	if (!*out) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* The rt-tests header every tool writes: version, cmdline, return code, kernel. */
static int read_rt_header(struct json_object *root, struct ib_lat_file *f, char *err,
			  size_t errlen)
{
	struct json_object *v, *sys;

	if (dup_string(root, "rt_test_version:", true, &f->version, f->path, err, errlen) ||
	    dup_string(root, "cmdline:", true, &f->cmdline, f->path, err, errlen))
		return -1;
	if (json_object_object_get_ex(root, "return_code", &v) && v)
		f->return_code = json_object_get_int(v);
	if (json_object_object_get_ex(root, "sysinfo", &sys) && sys &&
	    json_object_is_type(sys, json_type_object) &&
	    dup_string(sys, "release", false, &f->kernel_release, f->path, err, errlen))
		return -1;
	return 0;
}

/*
 * A command line as rt-tests records it (argv joined by blanks), walked like
 * getopt_long would: short clusters ("-qb64"), "-b 64", "--name=v",
 * "--name v" and unique prefixes of long names. @visit gets each option as
 * its short letter and its argument (NULL for a flag).
 */
struct cmd_longopt {
	const char *name;
	char letter;
	bool has_arg;
};

typedef int (*cmd_visit_fn)(char letter, const char *arg, void *ctx);

static const struct cmd_longopt *find_long(const struct cmd_longopt *lo, const char *name,
					   size_t len)
{
	const struct cmd_longopt *hit = NULL;

	for (; lo->name; lo++) {
		if (strncmp(lo->name, name, len))
			continue;
		if (strlen(lo->name) == len)
			return lo;
		if (hit)
			return NULL;	/* ambiguous: getopt would have refused it */
		hit = lo;
	}
	return hit;
}

static int walk_cmdline(const char *cmdline, const char *arg_letters,
			const struct cmd_longopt *lo, cmd_visit_fn visit, void *ctx)
{
	char *copy = strdup(cmdline), *save = NULL, *tok;
	char **argv = NULL;
	size_t argc = 0;
	int ret = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char **na = realloc(argv, (argc + 1) * sizeof(*argv));

		if (!na) {
			ret = -1;
			goto out;
		}
		argv = na;
		argv[argc++] = tok;
	}
	for (size_t i = 1; i < argc && ret == 0; i++) {
		char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (!strncmp(a, "--", 2)) {
			char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct cmd_longopt *o = find_long(lo, a + 2, len);
			const char *val = NULL;

			if (!o)
				continue;
			if (o->has_arg) {
				if (eq)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
			}
			ret = visit(o->letter, val, ctx);
			continue;
		}
		if (a[0] != '-' || a[1] == '\0')
			continue;
		for (char *c = a + 1; *c && ret == 0; c++) {
			if (!strchr(arg_letters, *c)) {
				ret = visit(*c, NULL, ctx);
				continue;
			}
			if (c[1])
				ret = visit(*c, c + 1, ctx);
			else
				ret = visit(*c, i + 1 < argc ? argv[++i] : NULL, ctx);
			break;
		}
	}
out:
	free(argv);
	free(copy);
	return ret;
}

/* ---- oslat ---- */

static const struct cmd_longopt oslat_longopts[] = {
	{ "bucket-size", 'b', true }, { "bucket-width", 'W', true }, { "bias", 'B', false },
	{ "cpu-list", 'c', true }, { "cpu-main-thread", 'C', true }, { "duration", 'D', true },
	{ "json", 0, true }, { "rtprio", 'f', true }, { "help", 'h', false },
	{ "trace-threshold", 'T', true }, { "workload", 'w', true },
	{ "workload-mem", 'm', true }, { "quiet", 'q', false },
	{ "single-preheat", 's', false }, { "zero-omit", 'z', false },
	{ "version", 'v', false }, { NULL, 0, false },
};

struct oslat_opts {
	long buckets;		/* -b, 0 = not given */
	long width_ns;		/* -W, 0 = not given */
	bool bias;
	const char *bad;	/* the option whose value is broken */
};

static int oslat_visit(char letter, const char *arg, void *ctx)
{
	struct oslat_opts *o = ctx;
	char *end;
	long v;

	if (letter == 'B') {
		o->bias = true;
		return 0;
	}
	if (letter != 'b' && letter != 'W')
		return 0;
	errno = 0;
	v = arg ? strtol(arg, &end, 10) : 0;
	if (!arg || errno || end == arg || *end || v <= 0) {
		o->bad = letter == 'b' ? "-b/--bucket-size" : "-W/--bucket-width";
		return -1;
	}
	if (letter == 'b')
		o->buckets = v;
	else
		o->width_ns = v;
	return 0;
}

/* "31", "0.250", "4.000" (µs, at most 3 decimals) to ns. */
static int label_us_to_ns(const char *s, uint64_t *ns)
{
	const char *dot = strchr(s, '.');
	uint64_t whole, frac = 0;
	char buf[32];
	size_t ilen = dot ? (size_t)(dot - s) : strlen(s);

	if (ilen == 0 || ilen >= sizeof(buf))
		return -1;
	memcpy(buf, s, ilen);
	buf[ilen] = '\0';
	if (ib_json_parse_u64(buf, &whole) || whole > UINT64_MAX / 1000 - 1)
		return -1;
	if (dot) {
		size_t flen = strlen(dot + 1);

		if (flen == 0 || flen > 3 || ib_json_parse_u64(dot + 1, &frac))
			return -1;
		for (; flen < 3; flen++)
			frac *= 10;
	}
	*ns = whole * 1000 + frac;
	return 0;
}

static int oslat_thread(struct ib_lat_file *f, struct ib_lat_series *s, struct json_object *t,
			const char *idx, uint64_t width_ns, uint64_t nb, bool ns_mode, char *err,
			size_t errlen)
{
	char where[64];
	struct json_object *hj;
	uint64_t cpu, freq, min, max, unit = ns_mode ? 1 : 1000;
	double avg, duration;

	snprintf(where, sizeof(where), "thread \"%s\"", idx);
	if (!json_object_is_type(t, json_type_object)) {
		ib_errf(err, errlen, "%s: %s should be an object", f->path, where);
		errno = EINVAL;
		return -1;
	}
	if (ib_json_get_u64(t, "cpu", 0, IB_MAX_CPUS - 1, &cpu, f->path, where, err, errlen) ||
	    ib_json_get_u64(t, "freq", 1, 1000000, &freq, f->path, where, err, errlen) ||
	    ib_json_get_u64(t, "min", 0, UINT64_MAX / 1000, &min, f->path, where, err, errlen) ||
	    ib_json_get_u64(t, "max", 0, UINT64_MAX / 1000, &max, f->path, where, err, errlen) ||
	    ib_json_get_num(t, "avg", &avg, f->path, where, err, errlen) ||
	    ib_json_get_num(t, "duration", &duration, f->path, where, err, errlen))
		return -1;
	hj = ib_json_get_member(t, "histogram", json_type_object, f->path, where, err, errlen);
	if (!hj)
		return -1;
	s->cpu = (int)cpu;
	s->freq_mhz = (unsigned int)freq;
	s->duration_s = duration;
	s->tool_mean_ns = avg * 1000.0;
	/* The last bucket also holds the overflows: load it as overflow. */
	s->hist = ib_hist_create(IB_UNIT_NS, width_ns, nb - 1, 0);
	if (!s->hist)
		return -1;
	json_object_object_foreach(hj, key, val) {
		uint64_t edge, count;

		if (label_us_to_ns(key, &edge)) {
			ib_errf(err, errlen, "%s: %s: histogram key \"%s\" is not a bucket edge "
				"in us", f->path, where, key);
			errno = EINVAL;
			return -1;
		}
		if (edge == 0 || edge % width_ns || edge / width_ns > nb) {
			ib_errf(err, errlen, "%s: %s: histogram key \"%s\" does not fit %" PRIu64
				" buckets of %" PRIu64 " ns (from the command line)", f->path,
				where, key, nb, width_ns);
			errno = EINVAL;
			return -1;
		}
		if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < 0) {
			ib_errf(err, errlen, "%s: %s: histogram count of \"%s\" is not a count",
				f->path, where, key);
			errno = EINVAL;
			return -1;
		}
		count = (uint64_t)json_object_get_int64(val);
		if (ib_hist_add_bucket(s->hist, edge / width_ns - 1, count)) {
			ib_errf(err, errlen, "%s: %s: counts overflow", f->path, where);
			return -1;
		}
	}
	if (s->hist->samples) {
		if (min > max) {
			ib_errf(err, errlen, "%s: %s: min %" PRIu64 " > max %" PRIu64, f->path,
				where, min, max);
			errno = EINVAL;
			return -1;
		}
		ib_hist_set_minmax(s->hist, min * unit, max * unit);
	}
	return 0;
}

static struct ib_lat_file *oslat_from_json(struct json_object *root, const char *path,
					   char *err, size_t errlen)
{
	struct oslat_opts o = { 0 };
	struct json_object *threads;
	struct ib_lat_file *f = NULL;
	uint64_t nthreads, width_ns, nb;
	bool ceil_mode, ns_mode;
	char idx[24];

	if (!json_object_is_type(root, json_type_object)) {
		ib_errf(err, errlen, "%s: the top level is not a JSON object", path);
		errno = EINVAL;
		return NULL;
	}
	if (ib_json_get_u64(root, "num_threads", 1, IB_MAX_CPUS, &nthreads, path, "top level",
			    err, errlen))
		return NULL;
	threads = ib_json_get_member(root, "thread", json_type_object, path, "top level", err,
				     errlen);
	if (!threads)
		return NULL;
	if ((uint64_t)json_object_object_length(threads) != nthreads) {
		ib_errf(err, errlen, "%s: \"num_threads\" is %" PRIu64 " but \"thread\" has %d",
			path, nthreads, json_object_object_length(threads));
		errno = EINVAL;
		return NULL;
	}
	f = file_new(IB_LAT_OSLAT, path, nthreads);
	if (!f)
		return NULL;
	if (read_rt_header(root, f, err, errlen))
		goto fail;
	errno = 0;
	if (walk_cmdline(f->cmdline, "bcCDfmwWT", oslat_longopts, oslat_visit, &o)) {
		ib_errf(err, errlen, "%s: cannot read %s in \"cmdline:\": \"%s\"", path,
			o.bad ? o.bad : "the options", f->cmdline);
		/* Out of memory is not a malformed file. */
		errno = errno == ENOMEM ? ENOMEM : EINVAL;
		goto fail;
	}
	if (o.bias) {
		ib_errf(err, errlen, "%s: oslat ran with -B/--bias: its bucket labels are shifted "
			"by a bias the file does not record; run without -B", path);
		errno = ENOTSUP;
		goto fail;
	}
	/* -W came with 2.5, and with it "round up to the unit, then divide". */
	ceil_mode = strtod(f->version, NULL) >= 2.5;
	width_ns = o.width_ns ? (uint64_t)o.width_ns : 1000;
	ns_mode = width_ns % 1000 != 0;
	if (o.buckets)
		nb = (uint64_t)o.buckets;
	else if (ns_mode && width_ns < 1000)
		nb = 32 * 1000 / width_ns;
	else
		nb = 32;
	if (nb < 2 || nb > LAT_MAX_BUCKETS) {
		ib_errf(err, errlen, "%s: bucket count %" PRIu64 " from \"cmdline:\" is out of "
			"range (2..%lu)", path, nb, LAT_MAX_BUCKETS);
		errno = EINVAL;
		goto fail;
	}
	f->label_excess_ns = ceil_mode ? (ns_mode ? 1 : 1000) : 0;
	for (uint64_t i = 0; i < nthreads; i++) {
		struct json_object *t;

		snprintf(idx, sizeof(idx), "%" PRIu64, i);
		if (!json_object_object_get_ex(threads, idx, &t) || !t) {
			ib_errf(err, errlen, "%s: \"thread\" has no entry \"%s\"", path, idx);
			errno = EINVAL;
			goto fail;
		}
		if (oslat_thread(f, &f->series[i], t, idx, width_ns, nb, ns_mode, err, errlen))
			goto fail;
	}
	return f;
fail:
	ib_lat_file_free(f);
	return NULL;
}

typedef struct ib_lat_file *(*lat_parser)(struct json_object *root, const char *path,
					   char *err, size_t errlen);

/* Load @path and hand its JSON to @parse; errno is the parser's on failure. */
static struct ib_lat_file *load_with(const char *path, lat_parser parse, char *err, size_t errlen)
{
	struct json_object *root = ib_json_load_file(path, err, errlen);
	struct ib_lat_file *f;
	int saved;

	if (!root)
		return NULL;
	f = parse(root, path, err, errlen);
	saved = errno;
	json_object_put(root);
	errno = saved;
	return f;
}

struct ib_lat_file *ib_lat_load_oslat(const char *path, char *err, size_t errlen)
{
	return load_with(path, oslat_from_json, err, errlen);
}

/* ---- cyclictest ---- */

static const struct cmd_longopt cyclictest_longopts[] = {
	{ "histogram", 'h', true }, { "histofall", 'H', true }, { "histfile", 0, true },
	{ "json", 0, true }, { "duration", 'D', true }, { "interval", 'i', true },
	{ "priority", 'p', true }, { "threads", 't', false }, { NULL, 0, false },
};

struct cyclictest_opts {
	long buckets;
	bool bad;
};

static int cyclictest_visit(char letter, const char *arg, void *ctx)
{
	struct cyclictest_opts *o = ctx;
	char *end;
	long v;

	if (letter != 'h' && letter != 'H')
		return 0;
	errno = 0;
	v = arg ? strtol(arg, &end, 10) : 0;
	if (!arg || errno || end == arg || *end || v <= 0) {
		o->bad = true;
		return -1;
	}
	o->buckets = v;
	return 0;
}

static int cyclictest_thread(struct ib_lat_file *f, struct ib_lat_series *s,
			     struct json_object *t, const char *idx, uint64_t unit_ns,
			     long cmd_buckets, char *err, size_t errlen)
{
	char where[64];
	struct json_object *hj = NULL;
	uint64_t cpu, cycles, min, max, sum = 0, maxkey = 0, nb;
	double avg;

	snprintf(where, sizeof(where), "thread \"%s\"", idx);
	if (!json_object_is_type(t, json_type_object)) {
		ib_errf(err, errlen, "%s: %s should be an object", f->path, where);
		errno = EINVAL;
		return -1;
	}
	if (ib_json_get_u64(t, "cpu", 0, IB_MAX_CPUS - 1, &cpu, f->path, where, err, errlen) ||
	    ib_json_get_u64(t, "cycles", 0, UINT64_MAX, &cycles, f->path, where, err, errlen) ||
	    ib_json_get_u64(t, "min", 0, UINT64_MAX / 1000, &min, f->path, where, err, errlen) ||
	    ib_json_get_u64(t, "max", 0, UINT64_MAX / 1000, &max, f->path, where, err, errlen) ||
	    ib_json_get_num(t, "avg", &avg, f->path, where, err, errlen))
		return -1;
	if (json_object_object_get_ex(t, "histogram", &hj) && hj &&
	    !json_object_is_type(hj, json_type_object)) {
		ib_errf(err, errlen, "%s: %s: \"histogram\" should be an object", f->path, where);
		errno = EINVAL;
		return -1;
	}
	/* First pass: check the keys and find the bucket count. */
	if (hj) {
		json_object_object_foreach(hj, key, val) {
			uint64_t k;

			if (ib_json_parse_u64(key, &k) || k >= LAT_MAX_BUCKETS) {
				ib_errf(err, errlen, "%s: %s: histogram key \"%s\" is not a bucket "
					"index (0..%lu)", f->path, where, key, LAT_MAX_BUCKETS - 1);
				errno = EINVAL;
				return -1;
			}
			if (!json_object_is_type(val, json_type_int) ||
			    json_object_get_int64(val) < 0) {
				ib_errf(err, errlen, "%s: %s: histogram count of \"%s\" is not a "
					"count", f->path, where, key);
				errno = EINVAL;
				return -1;
			}
			if (cmd_buckets && k >= (uint64_t)cmd_buckets) {
				ib_errf(err, errlen, "%s: %s: histogram key %" PRIu64 " is beyond "
					"the %ld buckets of -h in \"cmdline:\"", f->path, where, k,
					cmd_buckets);
				errno = EINVAL;
				return -1;
			}
			if (k > maxkey)
				maxkey = k;
			sum += (uint64_t)json_object_get_int64(val);
		}
	}
	if (sum > cycles) {
		ib_errf(err, errlen, "%s: %s: the histogram holds %" PRIu64 " samples, more than "
			"\"cycles\" (%" PRIu64 ")", f->path, where, sum, cycles);
		errno = EINVAL;
		return -1;
	}
	if (!hj)
		nb = 0;
	else if (cmd_buckets)
		nb = (uint64_t)cmd_buckets;
	else
		nb = json_object_object_length(hj) ? maxkey + 1 : 0;
	s->cpu = (int)cpu;
	s->tool_mean_ns = avg * (double)unit_ns;
	s->hist = ib_hist_create(IB_UNIT_NS, unit_ns, nb, 0);
	if (!s->hist)
		return -1;
	if (hj) {
		json_object_object_foreach(hj, key, val) {
			uint64_t k;

			ib_json_parse_u64(key, &k);
			if (ib_hist_add_bucket(s->hist, k, (uint64_t)json_object_get_int64(val)))
				return -1;
		}
	}
	if (ib_hist_add_bucket(s->hist, nb, cycles - sum))
		return -1;
	if (cycles) {
		if (min > max) {
			ib_errf(err, errlen, "%s: %s: min %" PRIu64 " > max %" PRIu64, f->path,
				where, min, max);
			errno = EINVAL;
			return -1;
		}
		ib_hist_set_minmax(s->hist, min * unit_ns, max * unit_ns);
	}
	return 0;
}

static struct ib_lat_file *cyclictest_from_json(struct json_object *root, const char *path,
						char *err, size_t errlen)
{
	struct cyclictest_opts o = { 0 };
	struct json_object *threads;
	struct ib_lat_file *f;
	uint64_t nthreads, res_ns;
	char idx[24];

	if (!json_object_is_type(root, json_type_object)) {
		ib_errf(err, errlen, "%s: the top level is not a JSON object", path);
		errno = EINVAL;
		return NULL;
	}
	if (ib_json_get_u64(root, "num_threads", 1, IB_MAX_CPUS, &nthreads, path, "top level",
			    err, errlen) ||
	    ib_json_get_u64(root, "resolution_in_ns", 0, 1, &res_ns, path, "top level", err,
			    errlen))
		return NULL;
	threads = ib_json_get_member(root, "thread", json_type_object, path, "top level", err,
				     errlen);
	if (!threads)
		return NULL;
	if ((uint64_t)json_object_object_length(threads) != nthreads) {
		ib_errf(err, errlen, "%s: \"num_threads\" is %" PRIu64 " but \"thread\" has %d",
			path, nthreads, json_object_object_length(threads));
		errno = EINVAL;
		return NULL;
	}
	f = file_new(IB_LAT_CYCLICTEST, path, nthreads);
	if (!f)
		return NULL;
	if (read_rt_header(root, f, err, errlen))
		goto fail;
	errno = 0;
	if (walk_cmdline(f->cmdline, "aAbcdDeFhHilopt", cyclictest_longopts, cyclictest_visit,
			 &o)) {
		ib_errf(err, errlen, "%s: cannot read -h/--histogram in \"cmdline:\": \"%s\"",
			path, f->cmdline);
		errno = errno == ENOMEM ? ENOMEM : EINVAL;
		goto fail;
	}
	if (o.buckets > (long)LAT_MAX_BUCKETS) {
		ib_errf(err, errlen, "%s: -h %ld is more buckets than this reader takes (%lu)",
			path, o.buckets, LAT_MAX_BUCKETS);
		errno = EINVAL;
		goto fail;
	}
	for (uint64_t i = 0; i < nthreads; i++) {
		struct json_object *t;

		snprintf(idx, sizeof(idx), "%" PRIu64, i);
		if (!json_object_object_get_ex(threads, idx, &t) || !t) {
			ib_errf(err, errlen, "%s: \"thread\" has no entry \"%s\"", path, idx);
			errno = EINVAL;
			goto fail;
		}
		if (cyclictest_thread(f, &f->series[i], t, idx, res_ns ? 1 : 1000, o.buckets,
				      err, errlen))
			goto fail;
	}
	return f;
fail:
	ib_lat_file_free(f);
	return NULL;
}

struct ib_lat_file *ib_lat_load_cyclictest(const char *path, char *err, size_t errlen)
{
	return load_with(path, cyclictest_from_json, err, errlen);
}

/* ---- isolbench-entry ---- */

static int entry_result(struct ib_lat_file *f, struct ib_lat_series *s, struct json_object *r,
			size_t i, const struct ib_cpuset *cpus, double duration, char *err,
			size_t errlen)
{
	char where[64];
	struct json_object *hj;
	uint64_t cpu, rate, count, width, nb, min, median, p99, max, overflow;
	double achieved, between;

	snprintf(where, sizeof(where), "results[%zu]", i);
	if (!json_object_is_type(r, json_type_object)) {
		ib_errf(err, errlen, "%s: %s should be an object", f->path, where);
		errno = EINVAL;
		return -1;
	}
	if (ib_json_get_u64(r, "cpu", 0, IB_MAX_CPUS - 1, &cpu, f->path, where, err, errlen) ||
	    ib_json_get_u64(r, "target_rate", 0, UINT64_MAX, &rate, f->path, where, err,
			    errlen) ||
	    ib_json_get_num(r, "achieved_rate", &achieved, f->path, where, err, errlen) ||
	    ib_json_get_u64(r, "count", 0, UINT64_MAX, &count, f->path, where, err, errlen) ||
	    ib_json_get_num(r, "user_ns_between_mean", &between, f->path, where, err, errlen) ||
	    ib_json_get_u64(r, "bucket_width_cycles", 1, UINT32_MAX, &width, f->path, where,
			    err, errlen) ||
	    ib_json_get_u64(r, "buckets", 1, LAT_MAX_BUCKETS, &nb, f->path, where, err,
			    errlen) ||
	    ib_json_get_u64(r, "min_cycles", 0, UINT64_MAX, &min, f->path, where, err, errlen) ||
	    ib_json_get_u64(r, "median_cycles", 0, UINT64_MAX, &median, f->path, where, err,
			    errlen) ||
	    ib_json_get_u64(r, "p99_cycles", 0, UINT64_MAX, &p99, f->path, where, err, errlen) ||
	    ib_json_get_u64(r, "max_cycles", 0, UINT64_MAX, &max, f->path, where, err, errlen) ||
	    ib_json_get_u64(r, "overflow", 0, UINT64_MAX, &overflow, f->path, where, err,
			    errlen))
		return -1;
	hj = ib_json_get_member(r, "histogram", json_type_object, f->path, where, err, errlen);
	if (!hj)
		return -1;
	if (!ib_cpuset_test(cpus, (unsigned int)cpu)) {
		ib_errf(err, errlen, "%s: %s: cpu %" PRIu64 " is not in \"cpus\"", f->path, where,
			cpu);
		errno = EINVAL;
		return -1;
	}
	s->cpu = (int)cpu;
	s->target_rate = rate;
	s->achieved_rate = achieved;
	s->user_ns_between_mean = between;
	s->tool_median_cycles = median;
	s->tool_p99_cycles = p99;
	s->duration_s = duration;
	s->hist = ib_hist_create(IB_UNIT_CYCLES, width, nb, f->tsc_hz);
	if (!s->hist)
		return -1;
	json_object_object_foreach(hj, key, val) {
		uint64_t edge;

		if (ib_json_parse_u64(key, &edge) || edge == 0 || edge % width ||
		    edge / width > nb) {
			ib_errf(err, errlen, "%s: %s: histogram key \"%s\" is not the upper "
				"edge of one of %" PRIu64 " buckets of %" PRIu64 " cycles",
				f->path, where, key, nb, width);
			errno = EINVAL;
			return -1;
		}
		if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < 0) {
			ib_errf(err, errlen, "%s: %s: histogram count of \"%s\" is not a count",
				f->path, where, key);
			errno = EINVAL;
			return -1;
		}
		if (ib_hist_add_bucket(s->hist, edge / width - 1,
				       (uint64_t)json_object_get_int64(val)))
			return -1;
	}
	if (ib_hist_add_bucket(s->hist, nb, overflow))
		return -1;
	if (s->hist->samples != count) {
		ib_errf(err, errlen, "%s: %s: \"count\" is %" PRIu64 " but histogram + overflow "
			"hold %" PRIu64, f->path, where, count, s->hist->samples);
		errno = EINVAL;
		return -1;
	}
	if (count) {
		if (min > max) {
			ib_errf(err, errlen, "%s: %s: min_cycles %" PRIu64 " > max_cycles %" PRIu64,
				f->path, where, min, max);
			errno = EINVAL;
			return -1;
		}
		ib_hist_set_minmax(s->hist, min, max);
	}
	return 0;
}

static struct ib_lat_file *entry_from_json(struct json_object *root, const char *path,
					   char *err, size_t errlen)
{
	struct json_object *tool, *results, *cpus, *kind;
	struct ib_lat_file *f;
	struct ib_cpuset set;
	uint64_t schema, tsc_hz;
	double duration;
	size_t n;

	if (!json_object_is_type(root, json_type_object)) {
		ib_errf(err, errlen, "%s: the top level is not a JSON object", path);
		errno = EINVAL;
		return NULL;
	}
	tool = ib_json_get_member(root, "tool", json_type_string, path, "top level", err,
				  errlen);
	if (!tool)
		return NULL;
	if (strcmp(json_object_get_string(tool), "isolbench-entry")) {
		ib_errf(err, errlen, "%s: \"tool\" is \"%s\", expected \"isolbench-entry\"", path,
			json_object_get_string(tool));
		errno = EINVAL;
		return NULL;
	}
	if (ib_json_get_u64(root, "schema", 0, UINT32_MAX, &schema, path, "top level", err,
			    errlen))
		return NULL;
	if (schema != 1) {
		ib_errf(err, errlen, "%s: schema %" PRIu64 " is not supported (this reader "
			"knows 1)", path, schema);
		errno = ENOTSUP;
		return NULL;
	}
	kind = ib_json_get_member(root, "kind", json_type_string, path, "top level", err, errlen);
	cpus = kind ? ib_json_get_member(root, "cpus", json_type_array, path, "top level", err,
					 errlen) : NULL;
	results = cpus ? ib_json_get_member(root, "results", json_type_array, path, "top level",
					    err, errlen) : NULL;
	if (!results ||
	    ib_json_get_u64(root, "tsc_hz", 1, UINT64_MAX, &tsc_hz, path, "top level", err,
			    errlen) ||
	    ib_json_get_num(root, "duration_per_rate_s", &duration, path, "top level", err,
			    errlen))
		return NULL;
	ib_cpuset_zero(&set);
	for (size_t i = 0; i < json_object_array_length(cpus); i++) {
		struct json_object *c = json_object_array_get_idx(cpus, i);
		int64_t v = json_object_get_int64(c);

		if (!json_object_is_type(c, json_type_int) || v < 0 || v >= IB_MAX_CPUS) {
			ib_errf(err, errlen, "%s: \"cpus\"[%zu] is not a CPU number (0..%d)", path,
				i, IB_MAX_CPUS - 1);
			errno = EINVAL;
			return NULL;
		}
		ib_cpuset_set(&set, (unsigned int)v);
	}
	n = json_object_array_length(results);
	f = file_new(IB_LAT_ENTRY, path, n);
	if (!f)
		return NULL;
	f->tsc_hz = tsc_hz;
	f->kind = strdup(json_object_get_string(kind));
	if (!f->kind || asprintf(&f->version, "%" PRIu64, schema) < 0) {
		f->version = NULL;
		errno = ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (entry_result(f, &f->series[i], json_object_array_get_idx(results, i), i, &set,
				 duration, err, errlen))
			goto fail;
	}
	return f;
fail:
	ib_lat_file_free(f);
	return NULL;
}

struct ib_lat_file *ib_lat_load_entry(const char *path, char *err, size_t errlen)
{
	return load_with(path, entry_from_json, err, errlen);
}

struct ib_lat_file *ib_lat_load(const char *path, char *err, size_t errlen)
{
	struct json_object *root = ib_json_load_file(path, err, errlen);
	struct json_object *v, *threads, *t0;
	struct ib_lat_file *f = NULL;
	int saved;

	if (!root)
		return NULL;
	if (!json_object_is_type(root, json_type_object)) {
		ib_errf(err, errlen, "%s: the top level is not a JSON object", path);
		errno = EINVAL;
	} else if (json_object_object_get_ex(root, "tool", &v)) {
		f = entry_from_json(root, path, err, errlen);
	} else if (json_object_object_get_ex(root, "resolution_in_ns", &v)) {
		f = cyclictest_from_json(root, path, err, errlen);
	} else if (json_object_object_get_ex(root, "thread", &threads) &&
		   json_object_is_type(threads, json_type_object) &&
		   json_object_object_get_ex(threads, "0", &t0) &&
		   json_object_is_type(t0, json_type_object) &&
		   json_object_object_get_ex(t0, "freq", &v)) {
		f = oslat_from_json(root, path, err, errlen);
	} else {
		ib_errf(err, errlen, "%s: neither oslat, cyclictest nor isolbench-entry JSON",
			path);
		errno = EINVAL;
	}
	saved = errno;
	json_object_put(root);
	errno = saved;
	return f;
}

int ib_lat_print_oslat_summary(const char *path, FILE *out, char *err, size_t errlen)
{
	struct ib_lat_file *f = ib_lat_load_oslat(path, err, errlen);

	if (!f)
		return -1;
	fprintf(out, "cpu max_ns p99_ns samples\n");
	for (size_t i = 0; i < f->n; i++) {
		const struct ib_hist *h = f->series[i].hist;
		struct ib_pct p;

		if (h->samples == 0) {
			fprintf(out, "%d - - 0\n", f->series[i].cpu);
			continue;
		}
		ib_hist_percentile(h, 99.0, &p);
		fprintf(out, "%d %" PRIu64 " %s%.0f %" PRIu64 "\n", f->series[i].cpu, h->max,
			p.in_overflow ? ">=" : "", p.value, h->samples);
	}
	ib_lat_file_free(f);
	if (fflush(out) || ferror(out)) {
		ib_errf(err, errlen, "%s: cannot write the summary", path);
		errno = EIO;
		return -1;
	}
	return 0;
}

struct ib_hist *ib_lat_true_hist(const struct ib_lat_file *f, const struct ib_lat_series *s,
				 uint64_t *residual)
{
	const struct ib_hist *h = s->hist;
	struct ib_hist *t;

	*residual = 0;
	if (f->tool != IB_LAT_OSLAT || !f->label_excess_ns)
		return ib_hist_clone(h);
	if (f->label_excess_ns != h->width || h->nbuckets < 2) {
		*residual = f->label_excess_ns;
		return ib_hist_clone(h);
	}
	t = ib_hist_create(h->unit, h->width, h->nbuckets - 1, h->tsc_hz);
	if (!t)
		return NULL;
	/* Label (i + 1) W held gaps in (i W - W, i W]: bucket i - 1 (bucket 0 holds nothing). */
	for (size_t i = 0; i < h->nbuckets; i++)
		if (ib_hist_add_bucket(t, i ? i - 1 : 0, h->counts[i]) < 0)
			goto fail;
	if (ib_hist_add_bucket(t, t->nbuckets, h->overflow) < 0)
		goto fail;
	t->has_min = h->has_min;
	t->has_max = h->has_max;
	t->min = h->min;
	t->max = h->max;
	return t;
fail:
	ib_hist_free(t);
	return NULL;
}

double ib_lat_exact_mean_ns(const struct ib_lat_series *s)
{
	if (!(s->duration_s > 0) || !s->hist || !s->hist->samples)
		return NAN;
	return s->duration_s * 1e9 / (double)s->hist->samples;
}
