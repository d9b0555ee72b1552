/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_PARSE_H
#define ISOLBENCH_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parsers for command-line values. Each one checks the allowed range at
 * once and, on failure, writes a message that names the allowed range into
 * @err, so that a tool can print "<option>: <message>" and exit 2.
 */

/**
 * ib_parse_duration() - parse a duration such as "10", "10s", "2m", "1.5h".
 * @s:      the text: a decimal number (fractions allowed) and an optional
 *          unit: ns, us, ms, s (the default), m, h or d
 * @min_ns: smallest allowed value in nanoseconds
 * @max_ns: largest allowed value in nanoseconds
 * @ns:     the result in nanoseconds
 * @err:    on failure, a message (may be NULL)
 * @errlen: size of @err
 *
 * Return: 0 on success, -1 with errno EINVAL (malformed) or ERANGE (outside
 * [@min_ns, @max_ns]).
 */
int ib_parse_duration(const char *s, uint64_t min_ns, uint64_t max_ns, uint64_t *ns,
		      char *err, size_t errlen);

/**
 * ib_parse_u64() - parse a decimal integer with an optional k/M/G suffix.
 * @s:      the text, e.g. "1000", "10k", "2M" (k = 1000, M = 10^6, G = 10^9)
 * @min:    smallest allowed value
 * @max:    largest allowed value
 * @out:    the result
 * @err:    on failure, a message (may be NULL)
 * @errlen: size of @err
 *
 * Return: 0 on success, -1 with errno EINVAL (malformed) or ERANGE (outside
 * [@min, @max]).
 */
int ib_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 char *err, size_t errlen);

/**
 * ib_format_duration() - write @ns compactly ("500ms", "10s", "2m") into @buf.
 * @ns:  the duration
 * @buf: the output
 * @len: size of @buf
 *
 * Return: @buf.
 */
char *ib_format_duration(uint64_t ns, char *buf, size_t len);

#endif
