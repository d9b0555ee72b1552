// SPDX-License-Identifier: GPL-2.0
/*
 * defer-helper: small static guest program for the IPI-deferral smoke test.
 *
 *   defer-helper spin               loop in user space forever (no syscalls)
 *   defer-helper bpf N              N times: open a socket, attach a JIT'd
 *                                   classic BPF filter, detach it, close;
 *                                   freeing JIT images ends in vfree() and
 *                                   flush_tlb_kernel_range()
 *   defer-helper getpid SECONDS     tight getpid() loop (kernel entries)
 *   defer-helper procstat SECONDS   read /proc/self/stat in a loop
 *
 * Build: gcc -static -O2 -Wall -o defer-helper defer-helper.c
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int spin(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
	return 0;
}

static int bpf_churn(long iterations)
{
	/* A few instructions so that the filter is really JIT'd. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 4096, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 7),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]),
		.filter = code,
	};
	long i, ok = 0;

	for (i = 0; i < iterations; i++) {
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		int dummy = 0;

		if (fd < 0) {
			perror("socket");
			return 1;
		}
		if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			       sizeof(prog)) < 0) {
			perror("SO_ATTACH_FILTER");
			close(fd);
			return 1;
		}
		if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy,
			       sizeof(dummy)) < 0)
			perror("SO_DETACH_FILTER");
		close(fd);
		ok++;
		/* Let RCU and the deferred prog freeing catch up now and then. */
		if (i % 16 == 15)
			usleep(20000);
	}
	printf("defer-helper: bpf: %ld filters attached and freed\n", ok);
	return 0;
}

static int getpid_loop(double seconds)
{
	double end = now() + seconds;
	unsigned long n = 0;

	while (now() < end) {
		int i;

		for (i = 0; i < 10000; i++)
			syscall(SYS_getpid);
		n += 10000;
	}
	printf("defer-helper: getpid: %lu calls\n", n);
	return 0;
}

static int procstat_loop(double seconds)
{
	double end = now() + seconds;
	unsigned long n = 0;
	char buf[4096];

	while (now() < end) {
		int fd = open("/proc/self/stat", O_RDONLY);

		if (fd < 0) {
			perror("open");
			return 1;
		}
		if (read(fd, buf, sizeof(buf)) < 0)
			perror("read");
		close(fd);
		n++;
	}
	printf("defer-helper: procstat: %lu reads\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "spin"))
		return spin();
	if (argc >= 3 && !strcmp(argv[1], "bpf"))
		return bpf_churn(atol(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "getpid"))
		return getpid_loop(atof(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "procstat"))
		return procstat_loop(atof(argv[2]));
	fprintf(stderr, "usage: %s spin | bpf N | getpid SECONDS | procstat SECONDS\n",
		argv[0]);
	return 2;
}
