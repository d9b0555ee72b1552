// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU, per-source sums of the osnoise tracer's *_noise events, and the
 * parser of their text form in a tracefs "trace" file (osnoise_agg.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osnoise_agg.h"

static const char *const kind_names[OSN_NKINDS] = {
	"irq", "softirq", "thread", "nmi", "workload", "idle",
};

struct osn_src {
	int cpu;
	enum osn_kind kind;
	char *name;
	uint64_t count, total_ns, max_ns;
};

struct osn_agg {
	char *workload;
	struct osn_src *src;
	size_t n, cap;
	uint64_t events, bad;
};

struct osn_agg *osn_agg_new(const char *workload)
{
	struct osn_agg *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	if (workload && *workload) {
		a->workload = strdup(workload);
		if (!a->workload) {
			free(a);
			return NULL;
		}
	}
	return a;
}

void osn_agg_free(struct osn_agg *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->src[i].name);
	free(a->src);
	free(a->workload);
	free(a);
}

int osn_agg_add(struct osn_agg *a, int cpu, enum osn_kind kind, const char *name,
		uint64_t duration_ns)
{
	struct osn_src *s = NULL;

	for (size_t i = 0; i < a->n; i++)
		if (a->src[i].cpu == cpu && a->src[i].kind == kind && !strcmp(a->src[i].name, name)) {
			s = &a->src[i];
			break;
		}
	if (!s) {
		if (a->n == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 32;
			struct osn_src *p = realloc(a->src, cap * sizeof(*p));

			if (!p)
				return -1;
			a->src = p;
			a->cap = cap;
		}
		s = &a->src[a->n];
		memset(s, 0, sizeof(*s));
		s->name = strdup(name);
		if (!s->name)
			return -1;
		s->cpu = cpu;
		s->kind = kind;
		a->n++;
	}
	s->count++;
	s->total_ns += duration_ns;
	if (duration_ns > s->max_ns)
		s->max_ns = duration_ns;
	a->events++;
	return 0;
}

uint64_t osn_agg_events(const struct osn_agg *a)
{
	return a->events;
}

uint64_t osn_agg_bad_lines(const struct osn_agg *a)
{
	return a->bad;
}

/* "... duration 1234 ns" at the end of @p. */
static int parse_duration(const char *p, uint64_t *ns)
{
	const char *d = strstr(p, " duration ");
	unsigned long long v;
	char unit[4];

	if (!d || sscanf(d, " duration %llu %3s", &v, unit) != 2 || strcmp(unit, "ns"))
		return -1;
	*ns = v;
	return 0;
}

/* The CPU of a trace line: the first "[NNN]" before the event name. */
static int parse_cpu(const char *line, const char *ev)
{
	const char *p = line;

	while ((p = strchr(p, '[')) && p < ev) {
		char *end;
		long cpu = strtol(p + 1, &end, 10);

		if (end != p + 1 && *end == ']' && cpu >= 0 && cpu < 65536)
			return (int)cpu;
		p++;
	}
	return -1;
}

/*
 * The "<name>:<number>" before " start ": @name gets the part before the last
 * ':' with the padding spaces removed, @num the number.
 */
static int parse_source(const char *p, char *name, size_t len, long *num)
{
	const char *start = strstr(p, " start "), *colon = NULL;
	char *end;
	size_t n;

	if (!start)
		return -1;
	while (*p == ' ')
		p++;
	for (const char *q = p; q < start; q++)
		if (*q == ':')
			colon = q;
	if (!colon || colon == p)
		return -1;
	*num = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || end != start)
		return -1;
	n = (size_t)(colon - p);
	if (n >= len)
		n = len - 1;
	memcpy(name, p, n);
	name[n] = '\0';
	return 0;
}

int osn_agg_line(struct osn_agg *a, const char *line)
{
	static const struct { const char *tag; enum osn_kind kind; } evs[] = {
		{ " irq_noise: ", OSN_IRQ },
		{ " softirq_noise: ", OSN_SOFTIRQ },
		{ " thread_noise: ", OSN_THREAD },
		{ " nmi_noise: ", OSN_NMI },
	};
	const char *ev = NULL, *p;
	enum osn_kind kind = OSN_IRQ;
	char name[96];
	uint64_t ns;
	long num = 0;
	int cpu;

	if (line[0] == '#')
		return 0;
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]) && !ev; i++) {
		ev = strstr(line, evs[i].tag);
		if (ev) {
			kind = evs[i].kind;
			p = ev + strlen(evs[i].tag);
		}
	}
	if (!ev)
		return 0;
	cpu = parse_cpu(line, ev);
	if (cpu < 0 || parse_duration(p, &ns))
		goto bad;
	if (kind == OSN_NMI) {
		snprintf(name, sizeof(name), "nmi");
	} else {
		if (parse_source(p, name, sizeof(name), &num))
			goto bad;
		if (kind == OSN_THREAD && num == 0)
			kind = OSN_IDLE;
		else if (kind == OSN_THREAD && a->workload &&
			 !strncmp(name, a->workload, strlen(a->workload)))
			kind = OSN_WORKLOAD;
		/* irq: the vector belongs to the name ("local_timer:236"). */
		if (kind == OSN_IRQ) {
			size_t l = strlen(name);

			snprintf(name + l, sizeof(name) - l, ":%ld", num);
		}
	}
	return osn_agg_add(a, cpu, kind, name, ns) ? -1 : 1;
bad:
	a->bad++;
	return -1;
}

static struct json_object *stat_json(const struct osn_src *s)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "count", json_object_new_int64((int64_t)s->count));
	json_object_object_add(o, "total_ns", json_object_new_int64((int64_t)s->total_ns));
	json_object_object_add(o, "max_ns", json_object_new_int64((int64_t)s->max_ns));
	return o;
}

static struct json_object *cpu_json(const struct osn_agg *a, int cpu, double window_s)
{
	struct json_object *o = json_object_new_object(), *k[OSN_NKINDS];
	uint64_t noise = 0, count = 0, max = 0;

	if (!o)
		return NULL;
	for (int i = 0; i < OSN_NKINDS; i++) {
		k[i] = json_object_new_object();
		if (!k[i]) {
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, kind_names[i], k[i]);
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct osn_src *s = &a->src[i];
		struct json_object *st;

		if (s->cpu != cpu)
			continue;
		st = stat_json(s);
		if (!st) {
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(k[s->kind], s->name, st);
		if (s->kind == OSN_WORKLOAD || s->kind == OSN_IDLE)
			continue;
		noise += s->total_ns;
		count += s->count;
		if (s->max_ns > max)
			max = s->max_ns;
	}
	json_object_object_add(o, "noise_ns", json_object_new_int64((int64_t)noise));
	json_object_object_add(o, "noise_count", json_object_new_int64((int64_t)count));
	json_object_object_add(o, "max_single_ns", json_object_new_int64((int64_t)max));
	if (window_s > 0)
		json_object_object_add(o, "noise_pct",
				       json_object_new_double(noise / (window_s * 1e9) * 100));
	return o;
}

static bool have_cpu(const int *cpus, int n, int cpu)
{
	for (int i = 0; i < n; i++)
		if (cpus[i] == cpu)
			return true;
	return false;
}

struct json_object *osn_agg_json(const struct osn_agg *a, const int *cpus, int ncpus,
				 double window_s)
{
	struct json_object *o = json_object_new_object();
	int *all;
	int n = 0;

	if (!o)
		return NULL;
	all = malloc((a->n + (size_t)(ncpus > 0 ? ncpus : 0) + 1) * sizeof(*all));
	if (!all) {
		json_object_put(o);
		return NULL;
	}
	for (int i = 0; i < ncpus; i++)
		if (!have_cpu(all, n, cpus[i]))
			all[n++] = cpus[i];
	for (size_t i = 0; i < a->n; i++)
		if (!have_cpu(all, n, a->src[i].cpu))
			all[n++] = a->src[i].cpu;
	for (int i = 0; i < n; i++) {
		struct json_object *c = cpu_json(a, all[i], window_s);
		char key[16];

		if (!c) {
			free(all);
			json_object_put(o);
			return NULL;
		}
		snprintf(key, sizeof(key), "%d", all[i]);
		json_object_object_add(o, key, c);
	}
	free(all);
	return o;
}
