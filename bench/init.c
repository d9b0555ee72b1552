// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-init: PID 1 of a benchmark guest.
 *
 * The guest must not run anything that could disturb the isolated CPUs, so
 * there is no systemd and no daemon: this init mounts the pseudo file
 * systems and the two 9p shares (job, read-only; results, read-write), runs
 * the job runner, reaps every orphan, syncs and powers the guest off. The
 * host reads "isolbench-init: done rc=N" from the serial console.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNNER "/opt/isolbench/bin/isolbench-run"

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("isolbench-init: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

struct mnt {
	const char *src, *dst, *type, *opts;
	unsigned long flags;
	int required;
};

static const struct mnt mounts[] = {
	{ "proc", "/proc", "proc", NULL, 0, 1 },
	{ "sysfs", "/sys", "sysfs", NULL, 0, 1 },
	{ "devtmpfs", "/dev", "devtmpfs", NULL, 0, 0 },
	{ "tmpfs", "/tmp", "tmpfs", "mode=1777", 0, 1 },
	{ "tmpfs", "/run", "tmpfs", "mode=755", 0, 1 },
	{ "tracefs", "/sys/kernel/tracing", "tracefs", NULL, 0, 0 },
	{ "debugfs", "/sys/kernel/debug", "debugfs", NULL, 0, 0 },
	{ "cgroup2", "/sys/fs/cgroup", "cgroup2", NULL, 0, 0 },
	{ "job", "/job", "9p", "trans=virtio,version=9p2000.L,msize=262144", MS_RDONLY, 1 },
	{ "results", "/results", "9p", "trans=virtio,version=9p2000.L,msize=262144", 0, 1 },
};

static int mount_all(void)
{
	int failed = 0;

	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		const struct mnt *m = &mounts[i];

		mkdir(m->dst, 0755);
		if (mount(m->src, m->dst, m->type, m->flags, m->opts) == 0 || errno == EBUSY)
			continue;
		say("mount %s on %s failed: %s%s", m->type, m->dst, strerror(errno),
		    m->required ? "" : " (optional)");
		if (m->required)
			failed = 1;
	}
	return failed ? -1 : 0;
}

static void power_off(int rc)
{
	sync();
	say("done rc=%d", rc);
	reboot(RB_POWER_OFF);
	/* Only reached when not PID 1 (tests run it in a container). */
	exit(rc);
}

int main(void)
{
	/* argv holds the kernel command line words the kernel did not know
	 * (e.g. nosoftlockup without a lockup detector): not ours to read. */
	const char *runner = getenv("isolbench.runner") ? getenv("isolbench.runner") : RUNNER;
	pid_t child;
	int status, rc = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	say("starting (pid %d)", getpid());
	if (mount_all() < 0) {
		say("required mounts failed, cannot run the job");
		power_off(1);
	}
	setenv("PATH", "/opt/isolbench/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("LC_ALL", "C", 1);

	child = fork();
	if (child < 0) {
		say("fork: %s", strerror(errno));
		power_off(1);
	}
	if (child == 0) {
		execl(runner, runner, "/job/job.json", "/results", (char *)NULL);
		say("exec %s: %s", runner, strerror(errno));
		_exit(127);
	}
	/* Reap orphans until the runner itself exits. */
	for (;;) {
		pid_t pid = wait(&status);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == child) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
	}
	/* Anything the runner left behind is stopped before syncing. */
	kill(-1, SIGKILL);
	while (wait(NULL) > 0)
		;
	power_off(rc);
	return rc;
}
