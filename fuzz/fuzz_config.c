// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a campaign file through the whole checker, as
 * `isolbench-config check FILE` runs it (configs/validate.c is compiled
 * with its main() renamed). The input is written to a file because the
 * YAML reader takes a path. Its messages are silenced by scripts/fuzz
 * (-close_fd_mask=3: libFuzzer and the sanitizers keep their own stream).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int isolbench_config_main(int argc, char **argv);

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
	snprintf(path, sizeof(path), "/tmp/isolbench-fuzz-config.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(remove_input);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { (char *)"isolbench-config", (char *)"check", path, NULL };
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	optind = 1;	/* getopt state carries over between calls */
	isolbench_config_main(3, argv);
	return 0;
}
