// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the readers of the files a guest writes into out/
 * (untrusted input). The first byte picks the reader, the rest is the
 * file: oslat.json, entry.json, cyclictest.json, any JSON result,
 * interrupts.before/after (and their difference), perf.csv.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonfile.h"
#include "latency.h"
#include "perfstat.h"
#include "procirq.h"

static char path[64];

static void remove_input(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/isolbench-fuzz-results.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(remove_input);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	FILE *f;

	if (size < 1)
		return 0;
	f = fopen(path, "w");
	if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f))
		abort();
	switch (data[0] % 6) {
	case 0:
		ib_lat_file_free(ib_lat_load_oslat(path, err, sizeof(err)));
		break;
	case 1:
		ib_lat_file_free(ib_lat_load_entry(path, err, sizeof(err)));
		break;
	case 2:
		ib_lat_file_free(ib_lat_load_cyclictest(path, err, sizeof(err)));
		break;
	case 3:
		json_object_put(ib_json_load_file(path, err, sizeof(err)));
		break;
	case 4: {
		/* The same snapshot as before and after: a diff of zeros. */
		struct ib_irq_snap *s = ib_irq_snap_load(path, err, sizeof(err));

		if (s)
			ib_irq_diff_free(ib_irq_diff_compute(s, s, err, sizeof(err)));
		ib_irq_snap_free(s);
		break;
	}
	case 5: {
		char *text = malloc(size);

		if (!text)
			abort();
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		ib_perf_free(ib_perf_parse(text, err, sizeof(err)));
		free(text);
		break;
	}
	}
	return 0;
}
