// SPDX-License-Identifier: GPL-2.0
/* perf stat -x, output: see perfstat.h for the format. */
#include "perfstat.h"
#include "jsonfile.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS_MAX 16

void ib_perf_free(struct ib_perf_stat *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->c[i].event);
		free(ps->c[i].unit);
	}
	free(ps->c);
	free(ps);
}

/* Split @line at commas in place; empty fields are kept. */
static int split(char *line, char **f)
{
	int n = 0;

	for (;;) {
		char *comma = strchr(line, ',');

		if (n == FIELDS_MAX)
			return n;
		f[n++] = line;
		if (!comma)
			return n;
		*comma = '\0';
		line = comma + 1;
	}
}

static int parse_line(char *line, struct ib_perf_count *c, char *why, size_t whylen)
{
	char *f[FIELDS_MAX], *end;
	int n = split(line, f), i = 0;

	c->cpu = -1;
	if (!strncmp(f[0], "CPU", 3)) {
		long cpu = strtol(f[0] + 3, &end, 10);

		if (end == f[0] + 3 || *end || cpu < 0 || cpu >= IB_MAX_CPUS) {
			snprintf(why, whylen, "bad CPU field '%s'", f[0]);
			return -1;
		}
		c->cpu = (int)cpu;
		i = 1;
	}
	if (n - i < 3) {
		snprintf(why, whylen, "%d fields; want value,unit,event[,run time,%%]", n - i);
		return -1;
	}
	c->value = NAN;
	c->running_pct = NAN;
	if (!strcmp(f[i], "<not supported>")) {
		c->state = IB_PERF_NOT_SUPPORTED;
	} else if (!strcmp(f[i], "<not counted>")) {
		c->state = IB_PERF_NOT_COUNTED;
	} else {
		errno = 0;
		c->value = strtod(f[i], &end);
		if (end == f[i] || *end || errno) {
			snprintf(why, whylen, "value '%s' is neither a number nor <not supported>/"
				 "<not counted> (interval or per-socket output is not read)", f[i]);
			return -1;
		}
		c->state = IB_PERF_COUNTED;
	}
	if (!strncmp(f[i + 1], "CPU", 3) || !*f[i + 2] ||
	    (f[i + 2][0] >= '0' && f[i + 2][0] <= '9')) {
		snprintf(why, whylen, "no event name in the third field (interval output, -I, "
			 "starts with a time stamp and is not read)");
		return -1;
	}
	if (n - i > 3 && *f[i + 3])
		c->run_ns = strtoull(f[i + 3], NULL, 10);
	if (n - i > 4 && *f[i + 4])
		c->running_pct = strtod(f[i + 4], NULL);
	c->unit = strdup(f[i + 1]);
	c->event = strdup(f[i + 2]);
	if (!c->unit || !c->event) {
		free(c->unit);
		free(c->event);
		errno = ENOMEM;
		return -2;
	}
	return 0;
}

struct ib_perf_stat *ib_perf_parse(const char *text, char *err, size_t errlen)
{
	struct ib_perf_stat *ps = calloc(1, sizeof(*ps));
	char *copy = strdup(text ? text : ""), *save = NULL, *line;
	size_t cap = 0;
	int lineno = 0;

	if (!ps || !copy)
		goto nomem;
	/* strtok_r would merge empty lines; count them by hand. */
	for (line = copy; line; line = save) {
		struct ib_perf_count c = { 0 };
		char why[256];
		int rc;

		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		line[strcspn(line, "\r")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		rc = parse_line(line, &c, why, sizeof(why));
		if (rc == -2)
			goto nomem;
		if (rc < 0) {
			ib_errf(err, errlen, "line %d: %s", lineno, why);
			errno = EINVAL;
			goto fail;
		}
		if (ps->n == cap) {
			struct ib_perf_count *nc;

			cap = cap ? cap * 2 : 8;
			nc = realloc(ps->c, cap * sizeof(*nc));
			if (!nc) {
				free(c.event);
				free(c.unit);
				goto nomem;
			}
			ps->c = nc;
		}
		ps->c[ps->n++] = c;
	}
	if (!ps->n) {
		ib_errf(err, errlen, "no counter lines (perf stat wrote only its header?)");
		errno = EINVAL;
		goto fail;
	}
	free(copy);
	return ps;
nomem:
	ib_errf(err, errlen, "out of memory");
	errno = ENOMEM;
fail:
	free(copy);
	ib_perf_free(ps);
	return NULL;
}

struct ib_perf_stat *ib_perf_load(const char *path, char *err, size_t errlen)
{
	struct ib_perf_stat *ps;
	char *buf = NULL, msg[256];
	size_t len = 0;
	FILE *f = ib_open_result(path, err, errlen);
	int saved;

	if (!f)
		return NULL;
	{
		FILE *mem = open_memstream(&buf, &len);
		char chunk[4096];
		size_t got, total = 0;

		if (!mem) {
			fclose(f);
			ib_errf(err, errlen, "%s: out of memory", path);
			errno = ENOMEM;
			return NULL;
		}
		/* The file may still grow after ib_open_result() checked its size. */
		while (total <= IB_JSON_MAX_FILE && (got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
			fwrite(chunk, 1, got, mem);
			total += got;
		}
		if (fclose(mem) || !buf || total > IB_JSON_MAX_FILE) {
			fclose(f);
			free(buf);
			ib_errf(err, errlen, "%s: %s", path, total > IB_JSON_MAX_FILE ?
				"larger than the result file limit" : "out of memory");
			errno = total > IB_JSON_MAX_FILE ? EFBIG : ENOMEM;
			return NULL;
		}
	}
	fclose(f);
	ps = ib_perf_parse(buf, msg, sizeof(msg));
	saved = errno;
	if (!ps)
		ib_errf(err, errlen, "%s: %s", path, msg);
	free(buf);
	errno = saved;
	return ps;
}

int ib_perf_sum(const struct ib_perf_stat *ps, const char *event, const struct ib_cpuset *cpus,
		double *out)
{
	bool found = false, bad = false;
	double sum = 0;

	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct ib_perf_count *c = &ps->c[i];

		if (strcmp(c->event, event))
			continue;
		if (cpus && c->cpu >= 0 && !ib_cpuset_test(cpus, (unsigned int)c->cpu))
			continue;
		found = true;
		if (c->state != IB_PERF_COUNTED)
			bad = true;
		else
			sum += c->value;
	}
	if (!found || bad) {
		errno = found ? ENOTSUP : ENOENT;
		return -1;
	}
	*out = sum;
	return 0;
}

static const char *state_name(enum ib_perf_state s)
{
	return s == IB_PERF_COUNTED ? "counted" : s == IB_PERF_NOT_SUPPORTED ? "not supported" :
								       "not counted";
}

struct json_object *ib_perf_to_json(const struct ib_perf_stat *ps)
{
	struct json_object *root = json_object_new_object();

	if (!root)
		return NULL;
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct ib_perf_count *c = &ps->c[i];
		struct json_object *e, *per;
		double total;

		if (!json_object_object_get_ex(root, c->event, &e)) {
			e = json_object_new_object();
			json_object_object_add(root, c->event, e);
			json_object_object_add(e, "unit", json_object_new_string(c->unit));
			if (ib_perf_sum(ps, c->event, NULL, &total) == 0)
				json_object_object_add(e, "total", json_object_new_double(total));
			else
				json_object_object_add(e, "total", NULL);
			json_object_object_add(e, "per_cpu", json_object_new_object());
		}
		/* The first CPU that did not count decides the event's state. */
		if (c->state != IB_PERF_COUNTED || !json_object_object_get_ex(e, "state", NULL))
			json_object_object_add(e, "state",
					       json_object_new_string(state_name(c->state)));
		if (c->cpu >= 0 && json_object_object_get_ex(e, "per_cpu", &per)) {
			char key[16];

			snprintf(key, sizeof(key), "%d", c->cpu);
			json_object_object_add(per, key, c->state == IB_PERF_COUNTED ?
					       json_object_new_double(c->value) : NULL);
		}
	}
	return root;
}

int ib_perf_stat_argv(const char *cpus, const char *events, const char *out, const char **argv,
		      size_t max)
{
	const char *const fixed[] = { "perf", "stat", "-x,", "-a", "-A", "-C", cpus, "-e", events,
				      "-o", out, "--" };
	size_t n = sizeof(fixed) / sizeof(fixed[0]);

	if (max < n) {
		errno = ENOSPC;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		argv[i] = fixed[i];
	return (int)n;
}
