/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_TEST_DATAPATH_H
#define ISOLBENCH_TEST_DATAPATH_H

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * tests/data/<rel> of this checkout, found from the test binary's own place
 * (build/san/tests/<name>), so the tests run from any directory.
 */
static inline const char *test_data(const char *rel)
{
	static char out[8][PATH_MAX];
	static unsigned int next;
	char exe[PATH_MAX], *top;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *buf = out[next++ % 8];

	if (n <= 0) {
		snprintf(buf, PATH_MAX, "tests/data/%s", rel);
		return buf;
	}
	exe[n] = '\0';
	top = dirname(dirname(dirname(dirname(exe))));
	snprintf(buf, PATH_MAX, "%s/tests/data/%s", top, rel);
	return buf;
}

#endif
