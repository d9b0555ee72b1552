/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_CPULIST_H
#define ISOLBENCH_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A set of CPU numbers 0..IB_MAX_CPUS-1, as the kernel's cpulist format. */
#define IB_MAX_CPUS 1024

struct ib_cpuset {
	uint64_t bits[IB_MAX_CPUS / 64];
};

/**
 * ib_cpuset_parse() - parse a kernel-style CPU list ("0-1,3,8-15").
 * @s:   the text; surrounding blanks are allowed, an empty list is not
 * @set: the result
 * @err: on failure, a message saying what is wrong (may be NULL)
 * @errlen: size of @err
 *
 * Return: 0 on success, -1 with errno = EINVAL on a malformed list or
 * ERANGE on a CPU number >= IB_MAX_CPUS.
 */
int ib_cpuset_parse(const char *s, struct ib_cpuset *set, char *err, size_t errlen);

/*
 * Room for any set's CPU list: the worst case, every other CPU of 0..1023
 * ("0,2,4,...,1022"), is 2005 bytes with its NUL.
 */
#define IB_CPULIST_MAX 2048

/**
 * ib_cpuset_format() - write @set as a compact CPU list into @buf.
 *
 * Return: 0, or -1 with errno = ENOSPC when @len is too small (@buf then
 * holds a cut list: never use it). IB_CPULIST_MAX bytes are always enough.
 */
int ib_cpuset_format(const struct ib_cpuset *set, char *buf, size_t len);

void ib_cpuset_zero(struct ib_cpuset *set);
void ib_cpuset_set(struct ib_cpuset *set, unsigned int cpu);
bool ib_cpuset_test(const struct ib_cpuset *set, unsigned int cpu);
unsigned int ib_cpuset_count(const struct ib_cpuset *set);
/** ib_cpuset_max() - highest CPU in @set, or -1 when empty. */
int ib_cpuset_max(const struct ib_cpuset *set);
bool ib_cpuset_intersects(const struct ib_cpuset *a, const struct ib_cpuset *b);
/** ib_cpuset_next() - first CPU >= @from in @set, or -1. */
int ib_cpuset_next(const struct ib_cpuset *set, int from);

#define ib_cpuset_for_each(cpu, set) \
	for ((cpu) = ib_cpuset_next((set), 0); (cpu) >= 0; (cpu) = ib_cpuset_next((set), (cpu) + 1))

#endif
