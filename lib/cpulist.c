// SPDX-License-Identifier: GPL-2.0
#include "cpulist.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

void ib_cpuset_zero(struct ib_cpuset *set)
{
	memset(set, 0, sizeof(*set));
}

void ib_cpuset_set(struct ib_cpuset *set, unsigned int cpu)
{
	if (cpu < IB_MAX_CPUS)
		set->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

bool ib_cpuset_test(const struct ib_cpuset *set, unsigned int cpu)
{
	return cpu < IB_MAX_CPUS && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned int ib_cpuset_count(const struct ib_cpuset *set)
{
	unsigned int n = 0;

	for (size_t i = 0; i < IB_MAX_CPUS / 64; i++)
		n += __builtin_popcountll(set->bits[i]);
	return n;
}

int ib_cpuset_next(const struct ib_cpuset *set, int from)
{
	for (int cpu = from < 0 ? 0 : from; cpu < IB_MAX_CPUS; cpu++)
		if (ib_cpuset_test(set, cpu))
			return cpu;
	return -1;
}

int ib_cpuset_max(const struct ib_cpuset *set)
{
	for (int cpu = IB_MAX_CPUS - 1; cpu >= 0; cpu--)
		if (ib_cpuset_test(set, cpu))
			return cpu;
	return -1;
}

bool ib_cpuset_intersects(const struct ib_cpuset *a, const struct ib_cpuset *b)
{
	for (size_t i = 0; i < IB_MAX_CPUS / 64; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

static int fail(char *err, size_t errlen, int code, const char *fmt, const char *s)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, s);
	errno = code;
	return -1;
}

static int parse_num(const char **p, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*out = strtoul(*p, &end, 10);
	if (errno)
		*out = ULONG_MAX;
	*p = end;
	return 0;
}

int ib_cpuset_parse(const char *s, struct ib_cpuset *set, char *err, size_t errlen)
{
	const char *p = s;
	unsigned long a, b;

	ib_cpuset_zero(set);
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return fail(err, errlen, EINVAL, "empty CPU list '%s' (write e.g. 2-3 or 1,3)", s);
	for (;;) {
		if (parse_num(&p, &a))
			return fail(err, errlen, EINVAL,
				    "malformed CPU list '%s' (write e.g. 2-3 or 1,3,5-7)", s);
		b = a;
		if (*p == '-') {
			p++;
			if (parse_num(&p, &b))
				return fail(err, errlen, EINVAL,
					    "malformed range in CPU list '%s' (write e.g. 2-3)", s);
		}
		if (b < a)
			return fail(err, errlen, EINVAL,
				    "range goes backwards in CPU list '%s' (write low-high)", s);
		if (b >= IB_MAX_CPUS)
			return fail(err, errlen, ERANGE,
				    "CPU number too large in '%s' (CPUs are 0..1023)", s);
		for (unsigned long c = a; c <= b; c++)
			ib_cpuset_set(set, c);
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return 0;
		if (*p != ',')
			return fail(err, errlen, EINVAL,
				    "unexpected character in CPU list '%s' (only digits, '-' and ',')", s);
		p++;
		while (isspace((unsigned char)*p))
			p++;
	}
}

int ib_cpuset_format(const struct ib_cpuset *set, char *buf, size_t len)
{
	size_t off = 0;
	int cpu = ib_cpuset_next(set, 0);

	if (len)
		buf[0] = '\0';
	while (cpu >= 0) {
		int end = cpu;
		int n;

		while (ib_cpuset_test(set, end + 1))
			end++;
		if (end == cpu)
			n = snprintf(buf + off, len - off, "%s%d", off ? "," : "", cpu);
		else
			n = snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "", cpu, end);
		if (n < 0 || (size_t)n >= len - off) {
			errno = ENOSPC;
			return -1;
		}
		off += n;
		cpu = ib_cpuset_next(set, end + 1);
	}
	return 0;
}
