// SPDX-License-Identifier: GPL-2.0
#include "procirq.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "jsonfile.h"

/* /proc/interrupts of a big machine is a few MiB; more is not such a file. */
#define IRQ_MAX_FILE (32UL << 20)

void ib_irq_snap_free(struct ib_irq_snap *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrows; i++) {
		free(s->rows[i].desc);
		free(s->rows[i].counts);
	}
	free(s->rows);
	free(s->cpus);
	free(s);
}

void ib_irq_diff_free(struct ib_irq_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nrows; i++) {
		free(d->rows[i].desc);
		free(d->rows[i].delta);
	}
	free(d->rows);
	free(d->cpus);
	free(d);
}

char *ib_irq_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	/* Snapshots in a run folder come from a guest: no links, no FIFOs. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	size_t cap = 16384, n = 0;
	struct stat st;
	char *buf;
	int saved;

	if (fd < 0) {
		saved = errno;
		ib_errf(err, errlen, "%s: cannot open: %s", path,
			saved == ELOOP ? "a symbolic link, not a plain file" : strerror(saved));
		errno = saved;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ib_errf(err, errlen, "%s: not a plain file", path);
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	/* /proc files say size 0: read until EOF, one read(2) at a time. */
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *nb;

			if (cap >= IRQ_MAX_FILE) {
				ib_errf(err, errlen, "%s: larger than %lu MiB", path,
					IRQ_MAX_FILE >> 20);
				saved = EFBIG;
				goto fail;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				saved = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			saved = errno;
			ib_errf(err, errlen, "%s: read error: %s", path, strerror(saved));
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	close(fd);
	free(buf);
	errno = saved;
	return NULL;
}

static int parse_header(const char *line, size_t len, struct ib_irq_snap *s)
{
	size_t cap = 0;
	const char *p = line, *end = line + len;

	while (p < end) {
		char *e;
		unsigned long cpu;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end)
			break;
		if (end - p < 4 || strncmp(p, "CPU", 3) || !isdigit((unsigned char)p[3]))
			return -1;
		errno = 0;
		cpu = strtoul(p + 3, &e, 10);
		if (errno || e > end || (e < end && !isspace((unsigned char)*e)) ||
		    cpu >= IB_MAX_CPUS || (s->ncpus && cpu <= s->cpus[s->ncpus - 1]))
			return -1;
		if (s->ncpus == cap) {
			unsigned int *nc;

			cap = cap ? cap * 2 : 8;
			nc = realloc(s->cpus, cap * sizeof(*nc));
			if (!nc)
				return -1;
			s->cpus = nc;
		}
		s->cpus[s->ncpus++] = (unsigned int)cpu;
		p = e;
	}
	return s->ncpus ? 0 : -1;
}

static bool is_global_name(const char *name)
{
	return !strcmp(name, "ERR") || !strcmp(name, "MIS") || !strcmp(name, "Err");
}

static char *trimmed_dup(const char *p, const char *end)
{
	char *s;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	s = malloc((size_t)(end - p) + 1);
	if (!s)
		return NULL;
	memcpy(s, p, (size_t)(end - p));
	s[end - p] = '\0';
	return s;
}

static int parse_row(const char *line, size_t len, unsigned int lineno, struct ib_irq_snap *s,
		     struct ib_irq_row *row, const char *what, char *err, size_t errlen)
{
	const char *end = line + len, *colon = memchr(line, ':', len), *p, *n0;
	unsigned int k = 0;
	size_t nlen;

	if (!colon) {
		ib_errf(err, errlen, "%s: line %u: no \"NAME:\" at the start", what, lineno);
		return -1;
	}
	for (n0 = line; n0 < colon && isspace((unsigned char)*n0); n0++)
		;
	nlen = (size_t)(colon - n0);
	if (nlen == 0 || nlen >= IB_IRQ_NAME_MAX || memchr(n0, ' ', nlen)) {
		ib_errf(err, errlen, "%s: line %u: bad row name", what, lineno);
		return -1;
	}
	memcpy(row->name, n0, nlen);
	row->name[nlen] = '\0';
	row->counts = calloc(s->ncpus, sizeof(*row->counts));
	if (!row->counts) {
		errno = ENOMEM;
		return -1;
	}
	p = colon + 1;
	while (k < s->ncpus) {
		const char *q = p;
		char *e;
		unsigned long long v;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q == end || !isdigit((unsigned char)*q))
			break;
		errno = 0;
		v = strtoull(q, &e, 10);
		if (errno || e > end || (e < end && !isspace((unsigned char)*e))) {
			/* "5-edge" style text after the counts is a description. */
			if (errno == ERANGE) {
				ib_errf(err, errlen, "%s: line %u: count out of range", what,
					lineno);
				return -1;
			}
			break;
		}
		row->counts[k++] = v;
		p = e;
	}
	if (k == 1 && (s->ncpus > 1 || is_global_name(row->name))) {
		row->global = true;
	} else if (k != s->ncpus) {
		ib_errf(err, errlen, "%s: line %u: row \"%s\" has %u counts for %u CPU columns",
			what, lineno, row->name, k, s->ncpus);
		return -1;
	}
	row->desc = trimmed_dup(p, end);
	if (!row->desc) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

struct ib_irq_snap *ib_irq_snap_parse(const char *text, const char *what, char *err,
				      size_t errlen)
{
	struct ib_irq_snap *s = calloc(1, sizeof(*s));
	const char *line = text;
	unsigned int lineno = 0;
	size_t cap = 0;
	bool header = false;

	if (!s)
		return NULL;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *p = line;

		lineno++;
		while (p < line + len && isspace((unsigned char)*p))
			p++;
		if (p == line + len) {
			/* blank line */
		} else if (!header) {
			if (parse_header(line, len, s)) {
				ib_errf(err, errlen, "%s: line %u: expected the CPU header "
					"(\"CPU0 CPU1 ...\")", what, lineno);
				goto bad;
			}
			header = true;
		} else {
			struct ib_irq_row *row;

			if (s->nrows == cap) {
				struct ib_irq_row *nr;

				cap = cap ? cap * 2 : 64;
				nr = realloc(s->rows, cap * sizeof(*nr));
				if (!nr)
					goto nomem;
				s->rows = nr;
			}
			row = &s->rows[s->nrows++];
			memset(row, 0, sizeof(*row));
			errno = EINVAL;
			if (parse_row(line, len, lineno, s, row, what, err, errlen)) {
				if (errno == ENOMEM)
					goto nomem;
				goto bad;
			}
			for (size_t i = 0; i + 1 < s->nrows; i++) {
				if (!strcmp(s->rows[i].name, row->name)) {
					ib_errf(err, errlen, "%s: line %u: row \"%s\" appears "
						"twice", what, lineno, row->name);
					goto bad;
				}
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	if (!header) {
		ib_errf(err, errlen, "%s: empty: no CPU header", what);
		goto bad;
	}
	return s;
nomem:
	ib_irq_snap_free(s);
	ib_errf(err, errlen, "%s: out of memory", what);
	errno = ENOMEM;
	return NULL;
bad:
	ib_irq_snap_free(s);
	errno = EINVAL;
	return NULL;
}

struct ib_irq_snap *ib_irq_snap_load(const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = ib_irq_read_file(path, &len, err, errlen);
	struct ib_irq_snap *s;
	int saved;

	if (!text)
		return NULL;
	if (strlen(text) != len) {
		ib_errf(err, errlen, "%s: contains NUL bytes, not a /proc text file", path);
		free(text);
		errno = EINVAL;
		return NULL;
	}
	s = ib_irq_snap_parse(text, path, err, errlen);
	saved = errno;
	free(text);
	errno = saved;
	return s;
}

const struct ib_irq_row *ib_irq_snap_find(const struct ib_irq_snap *s, const char *name)
{
	for (size_t i = 0; i < s->nrows; i++)
		if (!strcmp(s->rows[i].name, name))
			return &s->rows[i];
	return NULL;
}

static char *cpus_text(const unsigned int *cpus, unsigned int n, char *buf, size_t len)
{
	struct ib_cpuset set;

	ib_cpuset_zero(&set);
	for (unsigned int i = 0; i < n; i++)
		ib_cpuset_set(&set, cpus[i]);
	if (ib_cpuset_format(&set, buf, len) < 0)
		snprintf(buf, len, "?");
	return buf;
}

struct ib_irq_diff *ib_irq_diff_compute(const struct ib_irq_snap *before,
					const struct ib_irq_snap *after, char *err, size_t errlen)
{
	struct ib_irq_diff *d;
	size_t matched = 0;

	if (before->ncpus != after->ncpus ||
	    memcmp(before->cpus, after->cpus, before->ncpus * sizeof(*before->cpus))) {
		char a[256], b[256];

		ib_errf(err, errlen, "CPU columns differ: before has CPUs %s, after has %s "
			"(a CPU went offline or online in between)",
			cpus_text(before->cpus, before->ncpus, b, sizeof(b)),
			cpus_text(after->cpus, after->ncpus, a, sizeof(a)));
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->ncpus = after->ncpus;
	d->cpus = malloc(d->ncpus * sizeof(*d->cpus));
	d->rows = calloc(after->nrows ? after->nrows : 1, sizeof(*d->rows));
	if (!d->cpus || !d->rows)
		goto nomem;
	memcpy(d->cpus, after->cpus, d->ncpus * sizeof(*d->cpus));
	for (size_t i = 0; i < after->nrows; i++) {
		const struct ib_irq_row *a = &after->rows[i];
		const struct ib_irq_row *b = ib_irq_snap_find(before, a->name);
		struct ib_irq_delta_row *r = &d->rows[d->nrows];
		unsigned int n = a->global ? 1 : d->ncpus;

		if (b && b->global != a->global) {
			ib_errf(err, errlen, "row \"%s\" is %s before and %s after", a->name,
				b->global ? "global" : "per-CPU", a->global ? "global" : "per-CPU");
			errno = EINVAL;
			goto fail;
		}
		memcpy(r->name, a->name, sizeof(r->name));
		r->global = a->global;
		r->added = !b;
		r->desc = strdup(a->desc);
		r->delta = calloc(n, sizeof(*r->delta));
		d->nrows++;
		if (!r->desc || !r->delta)
			goto nomem;
		if (b)
			matched++;
		for (unsigned int c = 0; c < n; c++) {
			uint64_t x = a->counts[c], y = b ? b->counts[c] : 0;

			if (x >= y) {
				r->delta[c] = x - y;
			} else if (y <= UINT32_MAX) {
				r->delta[c] = x + (1ULL << 32) - y;
				r->wrapped = true;
			} else {
				ib_errf(err, errlen, "row \"%s\" CPU%u went back from %" PRIu64
					" to %" PRIu64, a->name, d->cpus[c], y, x);
				errno = EINVAL;
				goto fail;
			}
		}
	}
	d->dropped_rows = before->nrows - matched;
	return d;
nomem:
	ib_errf(err, errlen, "out of memory");
	errno = ENOMEM;
fail:
	ib_irq_diff_free(d);
	return NULL;
}

const struct ib_irq_delta_row *ib_irq_diff_find(const struct ib_irq_diff *d, const char *name)
{
	for (size_t i = 0; i < d->nrows; i++)
		if (!strcmp(d->rows[i].name, name))
			return &d->rows[i];
	return NULL;
}

int ib_irq_diff_column(const struct ib_irq_diff *d, unsigned int cpu)
{
	for (unsigned int i = 0; i < d->ncpus; i++)
		if (d->cpus[i] == cpu)
			return (int)i;
	return -1;
}

int ib_irq_diff_cpu(const struct ib_irq_diff *d, const char *name, unsigned int cpu,
		    uint64_t *delta)
{
	const struct ib_irq_delta_row *r = ib_irq_diff_find(d, name);
	int col = ib_irq_diff_column(d, cpu);

	if (!r || col < 0) {
		errno = ENOENT;
		return -1;
	}
	if (r->global) {
		errno = EINVAL;
		return -1;
	}
	*delta = r->delta[col];
	return 0;
}

int ib_irq_diff_row_sum(const struct ib_irq_diff *d, const struct ib_irq_delta_row *row,
			const struct ib_cpuset *set, uint64_t *sum)
{
	int cpu;

	*sum = 0;
	if (row->global) {
		*sum = row->delta[0];
		return 0;
	}
	if (!set) {
		for (unsigned int i = 0; i < d->ncpus; i++)
			*sum += row->delta[i];
		return 0;
	}
	ib_cpuset_for_each(cpu, set) {
		int col = ib_irq_diff_column(d, (unsigned int)cpu);

		if (col < 0) {
			errno = ENOENT;
			return -1;
		}
		*sum += row->delta[col];
	}
	return 0;
}

static const struct {
	const char *name;
	const char *desc;
} irq_kinds[IB_IRQ_NKINDS] = {
	[IB_IRQ_CAL] = { "CAL", "Function call interrupts" },
	[IB_IRQ_TLB] = { "TLB", "TLB shootdowns" },
	[IB_IRQ_RES] = { "RES", "Rescheduling interrupts" },
	[IB_IRQ_LOC] = { "LOC", "Local timer interrupts" },
};

const char *ib_irq_kind_name(enum ib_irq_kind kind)
{
	return kind < IB_IRQ_NKINDS ? irq_kinds[kind].name : "?";
}

const struct ib_irq_delta_row *ib_irq_diff_kind(const struct ib_irq_diff *d,
						enum ib_irq_kind kind)
{
	const struct ib_irq_delta_row *r;

	if (kind >= IB_IRQ_NKINDS)
		return NULL;
	r = ib_irq_diff_find(d, irq_kinds[kind].name);
	if (r)
		return r;
	for (size_t i = 0; i < d->nrows; i++)
		if (!d->rows[i].global && !strcmp(d->rows[i].desc, irq_kinds[kind].desc))
			return &d->rows[i];
	return NULL;
}

int ib_irqstat_cpu_delta(const struct ib_irq_diff *d, enum ib_irq_kind kind, unsigned int cpu,
			 uint64_t *delta)
{
	const struct ib_irq_delta_row *r = ib_irq_diff_kind(d, kind);
	int col = ib_irq_diff_column(d, cpu);

	if (!r || r->global || col < 0) {
		errno = ENOENT;
		return -1;
	}
	*delta = r->delta[col];
	return 0;
}

/* ---- JSON ---- */

static struct json_object *cpu_array(const unsigned int *cpus, unsigned int n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_int64(cpus[i]));
	return a;
}

static struct json_object *row_json(const struct ib_irq_diff *d,
				    const struct ib_irq_delta_row *r, const struct ib_cpuset *set)
{
	struct json_object *o = json_object_new_object();
	uint64_t sel = 0, all = 0;

	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "description", json_object_new_string(r->desc));
	json_object_object_add(o, "global", json_object_new_boolean(r->global));
	json_object_object_add(o, "wrapped", json_object_new_boolean(r->wrapped));
	json_object_object_add(o, "added", json_object_new_boolean(r->added));
	if (r->global) {
		json_object_object_add(o, "total", json_object_new_int64((int64_t)r->delta[0]));
		return o;
	}
	{
		struct json_object *a = json_object_new_array();

		for (unsigned int i = 0; a && i < d->ncpus; i++)
			json_object_array_add(a, json_object_new_int64((int64_t)r->delta[i]));
		json_object_object_add(o, "per_cpu", a);
	}
	ib_irq_diff_row_sum(d, r, set, &sel);
	ib_irq_diff_row_sum(d, r, NULL, &all);
	json_object_object_add(o, "selected_total", json_object_new_int64((int64_t)sel));
	json_object_object_add(o, "all_total", json_object_new_int64((int64_t)all));
	return o;
}

static struct json_object *diff_json(const struct ib_irq_diff *d, const struct ib_cpuset *set,
				     uint64_t *sel, uint64_t *all)
{
	struct json_object *o = json_object_new_object(), *rows = json_object_new_array();

	*sel = *all = 0;
	for (size_t i = 0; rows && i < d->nrows; i++) {
		uint64_t s = 0, a = 0;

		json_object_array_add(rows, row_json(d, &d->rows[i], set));
		if (d->rows[i].global)
			continue;
		ib_irq_diff_row_sum(d, &d->rows[i], set, &s);
		ib_irq_diff_row_sum(d, &d->rows[i], NULL, &a);
		*sel += s;
		*all += a;
	}
	json_object_object_add(o, "dropped_rows", json_object_new_int64((int64_t)d->dropped_rows));
	json_object_object_add(o, "rows", rows);
	return o;
}

int ib_irq_diff_write_json(FILE *out, const struct ib_irq_diff *interrupts,
			   const struct ib_irq_diff *softirqs, const struct ib_cpuset *set,
			   const char *before, const char *after)
{
	struct json_object *root, *hl, *tot, *sel_cpus;
	uint64_t isel, iall, ssel = 0, sall = 0;
	const char *text;
	int cpu, ret = 0;

	ib_cpuset_for_each(cpu, set) {
		if (ib_irq_diff_column(interrupts, (unsigned int)cpu) < 0) {
			errno = ENOENT;
			return -1;
		}
	}
	if (softirqs && (softirqs->ncpus != interrupts->ncpus ||
			 memcmp(softirqs->cpus, interrupts->cpus,
				interrupts->ncpus * sizeof(*interrupts->cpus)))) {
		errno = ENOENT;
		return -1;
	}
	root = json_object_new_object();
	if (!root)
		return -1;
	json_object_object_add(root, "tool", json_object_new_string("isolbench-irqstat"));
	json_object_object_add(root, "schema", json_object_new_int(1));
	json_object_object_add(root, "before", json_object_new_string(before));
	json_object_object_add(root, "after", json_object_new_string(after));
	json_object_object_add(root, "cpus", cpu_array(interrupts->cpus, interrupts->ncpus));
	sel_cpus = json_object_new_array();
	ib_cpuset_for_each(cpu, set)
		json_object_array_add(sel_cpus, json_object_new_int(cpu));
	json_object_object_add(root, "selected_cpus", sel_cpus);

	hl = json_object_new_object();
	for (int k = 0; k < IB_IRQ_NKINDS; k++) {
		const struct ib_irq_delta_row *r = ib_irq_diff_kind(interrupts, k);

		json_object_object_add(hl, irq_kinds[k].name,
				       r ? row_json(interrupts, r, set) : NULL);
	}
	json_object_object_add(root, "highlight", hl);
	json_object_object_add(root, "interrupts", diff_json(interrupts, set, &isel, &iall));
	json_object_object_add(root, "softirqs",
			       softirqs ? diff_json(softirqs, set, &ssel, &sall) : NULL);
	tot = json_object_new_object();
	json_object_object_add(tot, "interrupts_selected", json_object_new_int64((int64_t)isel));
	json_object_object_add(tot, "interrupts_all", json_object_new_int64((int64_t)iall));
	json_object_object_add(tot, "softirqs_selected", json_object_new_int64((int64_t)ssel));
	json_object_object_add(tot, "softirqs_all", json_object_new_int64((int64_t)sall));
	json_object_object_add(root, "totals", tot);

	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || fputs(text, out) == EOF || fputc('\n', out) == EOF || fflush(out)) {
		errno = EIO;
		ret = -1;
	}
	json_object_put(root);
	return ret;
}

static int bool_member(struct json_object *o, const char *key, bool *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

static struct ib_irq_diff *diff_from_json(struct json_object *dj, const unsigned int *cpus,
					  unsigned int ncpus, const char *path, const char *part,
					  char *err, size_t errlen)
{
	struct json_object *rows = ib_json_get_member(dj, "rows", json_type_array, path, part,
						      err, errlen);
	struct ib_irq_diff *d;
	uint64_t dropped;
	size_t n;

	if (!rows || ib_json_get_u64(dj, "dropped_rows", 0, UINT32_MAX, &dropped, path, part,
				     err, errlen))
		return NULL;
	n = json_object_array_length(rows);
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->ncpus = ncpus;
	d->dropped_rows = dropped;
	d->cpus = malloc((ncpus ? ncpus : 1) * sizeof(*d->cpus));
	d->rows = calloc(n ? n : 1, sizeof(*d->rows));
	if (!d->cpus || !d->rows)
		goto nomem;
	memcpy(d->cpus, cpus, ncpus * sizeof(*cpus));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(rows, i), *v;
		struct ib_irq_delta_row *r = &d->rows[i];
		char where[96];

		snprintf(where, sizeof(where), "%s row %zu", part, i);
		d->nrows++;
		if (!json_object_is_type(o, json_type_object) ||
		    !(v = ib_json_get_member(o, "name", json_type_string, path, where, err,
					     errlen)))
			goto bad;
		if (strlen(json_object_get_string(v)) >= IB_IRQ_NAME_MAX) {
			ib_errf(err, errlen, "%s: %s: name too long", path, where);
			goto bad;
		}
		strcpy(r->name, json_object_get_string(v));
		v = ib_json_get_member(o, "description", json_type_string, path, where, err,
				       errlen);
		if (!v)
			goto bad;
		r->desc = strdup(json_object_get_string(v));
		if (!r->desc)
			goto nomem;
		if (bool_member(o, "global", &r->global) ||
		    bool_member(o, "wrapped", &r->wrapped) ||
		    bool_member(o, "added", &r->added)) {
			ib_errf(err, errlen, "%s: %s: \"global\", \"wrapped\" and \"added\" must "
				"be booleans", path, where);
			goto bad;
		}
		r->delta = calloc(r->global ? 1 : (ncpus ? ncpus : 1), sizeof(*r->delta));
		if (!r->delta)
			goto nomem;
		if (r->global) {
			if (ib_json_get_u64(o, "total", 0, INT64_MAX, &r->delta[0], path, where,
					    err, errlen))
				goto bad;
			continue;
		}
		v = ib_json_get_member(o, "per_cpu", json_type_array, path, where, err, errlen);
		if (!v)
			goto bad;
		if (json_object_array_length(v) != ncpus) {
			ib_errf(err, errlen, "%s: %s: \"per_cpu\" has %zu values for %u CPUs", path,
				where, json_object_array_length(v), ncpus);
			goto bad;
		}
		for (unsigned int c = 0; c < ncpus; c++) {
			struct json_object *x = json_object_array_get_idx(v, c);

			if (!json_object_is_type(x, json_type_int) ||
			    json_object_get_int64(x) < 0) {
				ib_errf(err, errlen, "%s: %s: \"per_cpu\"[%u] is not a count", path,
					where, c);
				goto bad;
			}
			r->delta[c] = (uint64_t)json_object_get_int64(x);
		}
	}
	return d;
nomem:
	ib_irq_diff_free(d);
	errno = ENOMEM;
	return NULL;
bad:
	ib_irq_diff_free(d);
	errno = EINVAL;
	return NULL;
}

struct ib_irq_diff *ib_irqstat_load(const char *path, struct ib_irq_diff **softirqs,
				    char *err, size_t errlen)
{
	struct json_object *root = ib_json_load_file(path, err, errlen);
	struct json_object *v, *cj, *ij, *sj = NULL;
	struct ib_irq_diff *irq = NULL, *soft = NULL;
	unsigned int *cpus = NULL, ncpus;
	uint64_t schema;
	int saved;

	if (softirqs)
		*softirqs = NULL;
	if (!root)
		return NULL;
	errno = EINVAL;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "tool", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "isolbench-irqstat")) {
		ib_errf(err, errlen, "%s: not an isolbench-irqstat diff (\"tool\" is not "
			"\"isolbench-irqstat\")", path);
		goto out;
	}
	if (ib_json_get_u64(root, "schema", 0, UINT32_MAX, &schema, path, "top level", err,
			    errlen))
		goto out;
	if (schema != 1) {
		ib_errf(err, errlen, "%s: schema %" PRIu64 " is not supported (this reader "
			"knows 1)", path, schema);
		errno = EINVAL;
		goto out;
	}
	cj = ib_json_get_member(root, "cpus", json_type_array, path, "top level", err, errlen);
	ij = cj ? ib_json_get_member(root, "interrupts", json_type_object, path, "top level",
				     err, errlen) : NULL;
	if (!ij)
		goto out;
	ncpus = (unsigned int)json_object_array_length(cj);
	cpus = calloc(ncpus ? ncpus : 1, sizeof(*cpus));
	if (!cpus)
		goto out;
	for (unsigned int i = 0; i < ncpus; i++) {
		struct json_object *c = json_object_array_get_idx(cj, i);
		int64_t x = json_object_get_int64(c);

		if (!json_object_is_type(c, json_type_int) || x < 0 || x >= IB_MAX_CPUS) {
			ib_errf(err, errlen, "%s: \"cpus\"[%u] is not a CPU number", path, i);
			errno = EINVAL;
			goto out;
		}
		cpus[i] = (unsigned int)x;
	}
	irq = diff_from_json(ij, cpus, ncpus, path, "interrupts", err, errlen);
	if (!irq)
		goto out;
	if (json_object_object_get_ex(root, "softirqs", &sj) && sj) {
		if (!json_object_is_type(sj, json_type_object)) {
			ib_errf(err, errlen, "%s: \"softirqs\" should be an object or null", path);
			errno = EINVAL;
			goto fail;
		}
		soft = diff_from_json(sj, cpus, ncpus, path, "softirqs", err, errlen);
		if (!soft)
			goto fail;
	}
	if (softirqs)
		*softirqs = soft;
	else
		ib_irq_diff_free(soft);
	goto out;
fail:
	ib_irq_diff_free(irq);
	irq = NULL;
out:
	saved = errno;
	free(cpus);
	json_object_put(root);
	errno = saved;
	return irq;
}
