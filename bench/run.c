// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-run: the job runner inside a benchmark guest.
 *
 *   isolbench-run JOB.json RESULTS_DIR
 *
 * Reads the job spec the host wrote, starts noise and provokers pinned to
 * the housekeeping CPUs, waits a warm-up, starts the collectors, runs the
 * measurement of the job's case on the isolated CPUs, stops everything
 * (whole process groups, so children of children too) and writes each
 * tool's output, its stderr and job-record.json: what ran where, for how
 * long, how it ended, and which tasks were seen on the isolated CPUs.
 *
 * Every output file is written under a temporary name and renamed, so the
 * host never reads half a file. A tool that fails is recorded with its exit
 * status and stderr; the other outputs are still written.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cpulist.h"
#include "jobspec.h"
#include "perfstat.h"

#define MAX_TASKS 32

enum role { ROLE_NOISE, ROLE_PROVOKER, ROLE_COLLECTOR, ROLE_MEASURE };
static const char *const role_names[] = { "noise", "provoker", "collector", "measure" };

struct task {
	char name[64];
	enum role role;
	char *argv[80];
	int argc;
	struct ib_cpuset cpus;
	int restart;		/* restarted when it exits (hackbench loop) */
	int fifo_prio;		/* SCHED_FIFO priority, 0 = normal (collectors) */
	char armed_file[96];	/* the task creates it once it is ready */
	const char *armed_path;	/* ... or this file reads "1" once it is ready */
	const char *armed_path2;	/* ... and this one too */
	int stop_stage;		/* 0 stops first, then 1 */
	pid_t pid;
	int starts;
	int exit_status;	/* of the last run; -1 while running */
	int killed;		/* stopped by us at the end */
	double t_start, t_end;
	char out_file[96];	/* the tool's own JSON, if any */
};

struct runner {
	struct ib_job job;
	const char *results;
	struct task tasks[MAX_TASKS];
	int ntasks;
	double t0;
	struct json_object *seen_isolated;	/* pid -> {comm, cpu, samples} */
	struct json_object *errors;
	struct json_object *warnings;
	struct json_object *perf;		/* job-record "perf", NULL = not asked */
	volatile sig_atomic_t stop;
};

static struct runner R;

/*
 * The steady-state window: from the first moment every measurement thread
 * on the isolated CPUs is running its loop to the last moment they all
 * still were (CLOCK_MONOTONIC seconds, like the ipi collector's trace
 * clock). Watched in /proc, which reads the threads' state without
 * disturbing their CPUs: field 3 (state), 14/15 (utime/stime), 39 (last
 * CPU), 41 (policy) of /proc/<pid>/task/<tid>/stat.
 */
enum steady_mode {
	STEADY_NONE,	/* no window: the collectors' own on -> off ("collector") */
	STEADY_SPIN,	/* oslat: a running thread per isolated CPU, user time growing */
	STEADY_RT,	/* cyclictest: a SCHED_FIFO thread per isolated CPU */
	STEADY_SPAN,	/* idle: the measurement's own span (nothing runs there) */
};

#define STEADY_POLL_S	0.1
/* Looks in a row that end the window: a thread preempted for one look has
 * not stopped its loop (the window still ends at the last good look). */
#define STEADY_MISSES	5
/* The same threads for this long before the window opens: oslat first runs
 * a one-second pre-heat with threads of its own, then the measurement's. */
#define STEADY_SETTLE_S	1.5
#define STEADY_FILE	"steady-window.txt"
#define STEADY_MAX_THREADS 64

struct steady {
	enum steady_mode mode;
	pid_t pid;
	struct { pid_t tid; unsigned long long ticks; } prev[STEADY_MAX_THREADS];
	int nprev;
	double start, end, last_ok;	/* 0 = not yet */
	double next_poll;
	int misses;			/* looks in a row that were not steady */
	pid_t tids[IB_MAX_CPUS];	/* the good thread of each isolated CPU */
	double stable_since;		/* since when these were the good threads */
};

static struct steady W;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stdout, "isolbench-run: [%7.1f] ", R.t0 ? now() - R.t0 : 0.0);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

static void record_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record_error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	logmsg("error: %s", buf);
	json_object_array_add(R.errors, json_object_new_string(buf));
}

static char *path_in(const char *name)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", R.results, name);
	return buf;
}

/* Copy a file (e.g. /proc/interrupts) into the results, atomically. */
static int copy_atomic(const char *src, const char *name)
{
	char tmp[PATH_MAX], buf[65536];
	int in, out;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", R.results, name);
	in = open(src, O_RDONLY);
	if (in < 0)
		return -1;
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (fsync(out) < 0 || close(out) < 0 || n < 0)
		return -1;
	return rename(tmp, path_in(name));
}

static int write_json_atomic(const char *name, struct json_object *obj)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", R.results, name);
	if (json_object_to_file_ext(tmp, obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		return -1;
	return rename(tmp, path_in(name));
}

static struct task *add_task(const char *name, enum role role, const struct ib_cpuset *cpus)
{
	struct task *t;

	if (R.ntasks == MAX_TASKS) {
		record_error("too many tasks, '%s' not started", name);
		return NULL;
	}
	t = &R.tasks[R.ntasks++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->role = role;
	t->cpus = *cpus;
	t->exit_status = -1;
	return t;
}

static void arg(struct task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct task *t, const char *fmt, ...)
{
	va_list ap;

	if (t->argc >= (int)(sizeof(t->argv) / sizeof(t->argv[0])) - 1)
		return;
	va_start(ap, fmt);
	if (vasprintf(&t->argv[t->argc], fmt, ap) < 0)
		t->argv[t->argc] = NULL;
	else
		t->argc++;
	va_end(ap);
	t->argv[t->argc] = NULL;
}

static int pin_self(const struct ib_cpuset *cpus)
{
	cpu_set_t set;
	int cpu;

	CPU_ZERO(&set);
	ib_cpuset_for_each(cpu, cpus)
		if (cpu < CPU_SETSIZE)
			CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int start_task(struct task *t)
{
	char errname[PATH_MAX], outname[PATH_MAX];
	pid_t pid;

	snprintf(errname, sizeof(errname), "%s/%s.stderr", R.results, t->name);
	snprintf(outname, sizeof(outname), "%s/%s.stdout", R.results, t->name);
	pid = fork();
	if (pid < 0) {
		record_error("fork for %s: %s", t->name, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open(errname, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int ofd = open(outname, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int devnull = open("/dev/null", O_RDWR);

		/* Own process group: stopping it reaches children of children. */
		setpgid(0, 0);
		if (pin_self(&t->cpus) < 0)
			dprintf(fd, "isolbench-run: sched_setaffinity: %s\n", strerror(errno));
		if (devnull >= 0)
			dup2(devnull, 0);
		if (ofd >= 0)
			dup2(ofd, 1);
		if (fd >= 0)
			dup2(fd, 2);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (t->fifo_prio) {
			struct sched_param sp = { .sched_priority = t->fifo_prio };

			/* A collector starved by hackbench would arm late. */
			if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
				dprintf(2, "isolbench-run: SCHED_FIFO: %s\n", strerror(errno));
		}
		execvp(t->argv[0], t->argv);
		dprintf(2, "isolbench-run: exec %s: %s\n", t->argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	t->pid = pid;
	t->starts++;
	if (!t->t_start)
		t->t_start = now() - R.t0;
	t->exit_status = -1;
	return 0;
}

/* Reap exited children; restart looping noise while the run is on. */
static void reap(int restart_allowed)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < R.ntasks; i++) {
			struct task *t = &R.tasks[i];

			if (t->pid != pid)
				continue;
			t->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			t->t_end = now() - R.t0;
			t->pid = 0;
			if (t->restart && restart_allowed && !R.stop) {
				if (t->exit_status != 0 && t->starts > 3 && t->t_end - t->t_start < 2.0 * t->starts)
					record_error("%s keeps failing (exit %d), not restarting",
						     t->name, t->exit_status);
				else
					start_task(t);
			}
		}
	}
}

static void stop_task(struct task *t, int sig)
{
	if (t->pid <= 0)
		return;
	t->killed = 1;
	kill(-t->pid, sig);
}

static int count_alive(enum role role, int stage)
{
	int alive = 0;

	for (int i = 0; i < R.ntasks; i++)
		if (R.tasks[i].role == role && R.tasks[i].stop_stage == stage && R.tasks[i].pid > 0)
			alive++;
	return alive;
}

/*
 * Stop a set of tasks by role, in stages (a task of stage 0 stops before
 * the others: the ipi collector's window must end inside trace-cmd's):
 * SIGINT (collectors) or SIGTERM first, SIGKILL after a grace period.
 * Collectors get 60 s, since trace-cmd merges its per-CPU buffers after the
 * signal; provokers 30 s, since one text-patching operation can take
 * seconds in an emulated guest.
 */
static void stop_role(enum role role)
{
	double grace = role == ROLE_COLLECTOR ? 60.0 : role == ROLE_PROVOKER ? 30.0 : 5.0;

	for (int stage = 0; stage < 2; stage++) {
		double deadline = now() + grace;

		for (int i = 0; i < R.ntasks; i++)
			if (R.tasks[i].role == role && R.tasks[i].stop_stage == stage) {
				R.tasks[i].restart = 0;
				stop_task(&R.tasks[i], role == ROLE_COLLECTOR ? SIGINT : SIGTERM);
			}
		do {
			usleep(20000);
			reap(0);
		} while (count_alive(role, stage) && now() < deadline);
		for (int i = 0; i < R.ntasks; i++)
			if (R.tasks[i].role == role && R.tasks[i].stop_stage == stage &&
			    R.tasks[i].pid > 0) {
				record_error("%s ignored the stop signal, killed", R.tasks[i].name);
				kill(-R.tasks[i].pid, SIGKILL);
			}
		while (count_alive(role, stage)) {
			usleep(20000);
			reap(0);
		}
	}
}

/*
 * Sample which user tasks run on the isolated CPUs: field 39 of
 * /proc/<pid>/task/<tid>/stat is the CPU a task last ran on. Kernel threads
 * (PF_KTHREAD) are per-CPU by design and are not counted.
 */
static void sample_isolated(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	if (!proc)
		return;
	while ((d = readdir(proc))) {
		char path[600], buf[1024];
		DIR *tasks;
		struct dirent *td;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", d->d_name);
		tasks = opendir(path);
		if (!tasks)
			continue;
		while ((td = readdir(tasks))) {
			char *p, comm[64] = "";
			unsigned long flags = 0;
			int cpu = -1, field;
			ssize_t n;
			int fd;

			if (td->d_name[0] < '0' || td->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stat", d->d_name, td->d_name);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			p = strrchr(buf, ')');
			if (!p)
				continue;
			{
				char *lp = strchr(buf, '(');
				size_t len = lp ? (size_t)(p - lp - 1) : 0;

				if (len >= sizeof(comm))
					len = sizeof(comm) - 1;
				if (lp)
					memcpy(comm, lp + 1, len);
				comm[len] = '\0';
			}
			/* p points at ") S ppid ...": field 3 is the state. */
			field = 2;
			for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
				field++;
				if (field == 9)
					flags = strtoul(tok, NULL, 10);
				if (field == 39) {
					cpu = atoi(tok);
					break;
				}
			}
			if (flags & 0x00200000 /* PF_KTHREAD */)
				continue;
			if (cpu < 0 || !ib_cpuset_test(&R.job.isolated, cpu))
				continue;
			{
				char key[300];
				struct json_object *e;

				snprintf(key, sizeof(key), "%s/cpu%d", td->d_name, cpu);
				if (!json_object_object_get_ex(R.seen_isolated, key, &e)) {
					e = json_object_new_object();
					json_object_object_add(e, "tid", json_object_new_int(atoi(td->d_name)));
					json_object_object_add(e, "comm", json_object_new_string(comm));
					json_object_object_add(e, "cpu", json_object_new_int(cpu));
					json_object_object_add(e, "samples", json_object_new_int(0));
					json_object_object_add(R.seen_isolated, key, e);
				}
				json_object_object_get_ex(e, "samples", &e);
				json_object_int_inc(e, 1);
			}
		}
		closedir(tasks);
	}
	closedir(proc);
}

static void on_signal(int sig)
{
	(void)sig;
	R.stop = 1;
}

/* --- the steady-state window (see struct steady) ------------------------ */

static void signal_provokers(int sig)
{
	for (int i = 0; i < R.ntasks; i++)
		if (R.tasks[i].role == ROLE_PROVOKER && R.tasks[i].pid > 0)
			kill(R.tasks[i].pid, sig);
}

/* The window for the ipi collector, which reads it when it stops. */
static void steady_write(void)
{
	FILE *f = fopen(path_in(STEADY_FILE), "w");

	if (!f) {
		record_error("cannot write %s: %s", STEADY_FILE, strerror(errno));
		return;
	}
	if (W.start)
		fprintf(f, "start %.9f\n", W.start);
	if (W.end)
		fprintf(f, "end %.9f\n", W.end);
	fclose(f);
}

static void steady_begin(double t)
{
	W.start = t;
	W.last_ok = t;
	steady_write();
	signal_provokers(SIGUSR1);
	logmsg("steady state: every measurement thread is in its loop (%.3f s)", t - R.t0);
}

/* The first thread stopped (or the measurement ended): close the window. */
static void steady_stop(void)
{
	if (!W.start || W.end)
		return;
	W.end = W.last_ok;
	steady_write();
	signal_provokers(SIGUSR2);
	logmsg("steady state ended (%.3f s): window %.3f s", W.end - R.t0, W.end - W.start);
}

/* Fields 3.. of a /proc stat line, after the command name; count or -1. */
static int stat_fields(const char *path, char **tok, int max, char *buf, size_t len)
{
	char *p, *save = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), k = 0;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (p = strtok_r(p + 1, " \n", &save); p && k < max; p = strtok_r(NULL, " \n", &save))
		tok[k++] = p;
	return k;
}

/*
 * Whether every isolated CPU has a measurement thread in its loop now; the
 * good thread of each CPU goes into @tids.
 */
static bool steady_now(pid_t *tids)
{
	char path[PATH_MAX], buf[1024], *tok[40];
	struct ib_cpuset ok;
	typeof(W.prev) next;
	int nnext = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)W.pid);
	d = opendir(path);
	if (!d)
		return false;
	ib_cpuset_zero(&ok);
	while ((de = readdir(d)) && nnext < STEADY_MAX_THREADS) {
		pid_t tid = atoi(de->d_name);
		unsigned long long utime;
		bool good, seen = false;
		int cpu;

		if (tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)W.pid, (int)tid);
		/* tok[0] is field 3 (state): field N is tok[N - 3]. */
		if (stat_fields(path, tok, 40, buf, sizeof(buf)) < 39)
			continue;
		cpu = atoi(tok[36]);
		if (cpu < 0 || cpu >= IB_MAX_CPUS || !ib_cpuset_test(&R.job.isolated, cpu))
			continue;
		if (W.mode == STEADY_SPIN && atoi(tok[38]) != SCHED_OTHER) {
			struct sched_param sp = { .sched_priority = 0 };

			/* oslat's thread inherited its main thread's SCHED_FIFO. */
			if (sched_setscheduler(tid, SCHED_OTHER, &sp) < 0)
				record_error("cannot make oslat thread %d SCHED_OTHER: %s", (int)tid,
					     strerror(errno));
			else
				logmsg("oslat thread %d on CPU %d: SCHED_OTHER", (int)tid, cpu);
		}
		utime = strtoull(tok[11], NULL, 10);
		next[nnext].tid = tid;
		next[nnext++].ticks = utime;
		if (W.mode == STEADY_SPIN) {
			/* Running, and its user time grew since the last look. */
			good = false;
			for (int i = 0; i < W.nprev; i++)
				if (W.prev[i].tid == tid) {
					seen = true;
					good = tok[0][0] == 'R' && utime > W.prev[i].ticks;
				}
			good &= seen;
		} else {
			/* cyclictest's threads sleep between samples; SCHED_FIFO (1)
			 * is set right before their loop. */
			good = atoi(tok[38]) == SCHED_FIFO && (tok[0][0] == 'R' || tok[0][0] == 'S');
		}
		if (good) {
			ib_cpuset_set(&ok, cpu);
			tids[cpu] = tid;
		}
	}
	closedir(d);
	memcpy(W.prev, next, nnext * sizeof(next[0]));
	W.nprev = nnext;
	return ib_cpuset_count(&ok) == ib_cpuset_count(&R.job.isolated);
}

static void steady_poll(void)
{
	static pid_t tids[IB_MAX_CPUS];
	double t = now();
	bool steady;

	if (W.mode == STEADY_NONE || W.end || t < W.next_poll)
		return;
	W.next_poll = t + STEADY_POLL_S;
	if (W.mode == STEADY_SPAN) {
		steady = true;
	} else {
		memset(tids, 0, sizeof(tids));
		steady = steady_now(tids);
		if (steady && memcmp(tids, W.tids, sizeof(tids))) {
			memcpy(W.tids, tids, sizeof(tids));
			W.stable_since = t;
		}
		steady &= t - W.stable_since >= STEADY_SETTLE_S;
	}
	if (steady) {
		W.misses = 0;
		if (!W.start)
			steady_begin(t);
		else
			W.last_ok = t;
	} else if (W.start && ++W.misses >= STEADY_MISSES) {
		steady_stop();
	}
}

/*
 * Sleep @secs while reaping (and, during the measurement, sampling which
 * tasks run on the isolated CPUs); returns early on a stop signal. A /proc
 * walk takes long in an emulated guest full of hackbench processes, so it
 * is not done during the warm-up.
 */
static void wait_for(double secs, struct task *until_exit)
{
	double end = now() + secs, next_sample = until_exit ? 0 : 1e300;

	while (!R.stop) {
		double t = now();

		reap(1);
		if (until_exit && until_exit->pid <= 0) {
			steady_stop();
			return;
		}
		if (until_exit)
			steady_poll();
		if (t >= end)
			return;
		if (t >= next_sample) {
			sample_isolated();
			next_sample = t + 1.0;
		}
		usleep(50000);
	}
}

/* Has a collector said it is recording (its armed file, or a tracefs switch)? */
static bool is_armed(const struct task *t)
{
	char buf[16] = "";
	ssize_t n;
	int fd;

	if (t->armed_file[0])
		return access(path_in(t->armed_file), F_OK) == 0;
	for (int k = 0; k < 2; k++) {
		const char *path = k ? t->armed_path2 : t->armed_path;

		if (!path)
			continue;
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0 || buf[0] != '1')
			return false;
	}
	return true;
}

static void first_cpu_set(struct ib_cpuset *out, const struct ib_cpuset *in)
{
	ib_cpuset_zero(out);
	ib_cpuset_set(out, ib_cpuset_next(in, 0));
}

/* --- what each noise, provoker, collector and case runs ----------------- */

static void add_noise(const char *kind)
{
	unsigned int hk = ib_cpuset_count(&R.job.housekeeping);
	struct task *t = add_task(kind, ROLE_NOISE, &R.job.housekeeping);

	if (!t)
		return;
	t->restart = 1;
	if (!strcmp(kind, "hackbench")) {
		/* rteval's shape: processes, 3 groups per CPU, 1000 loops of 1000 bytes. */
		arg(t, "hackbench"); arg(t, "-P"); arg(t, "-g"); arg(t, "%u", 3 * hk);
		arg(t, "-l"); arg(t, "1000"); arg(t, "-s"); arg(t, "1000");
	} else if (!strcmp(kind, "hackbench-lowmem")) {
		arg(t, "hackbench"); arg(t, "-P"); arg(t, "-g"); arg(t, "%u", hk);
		arg(t, "-l"); arg(t, "1000"); arg(t, "-s"); arg(t, "100");
	} else if (!strcmp(kind, "kbuild")) {
		arg(t, "/opt/isolbench/bin/isolbench-kbuild-noise"); arg(t, "%u", hk);
	}
}

static enum steady_mode steady_mode_of(const char *case_name)
{
	if (!strcmp(case_name, "oslat"))
		return STEADY_SPIN;
	if (!strcmp(case_name, "cyclictest"))
		return STEADY_RT;
	if (!strcmp(case_name, "idle"))
		return STEADY_SPAN;
	/* entry: isolbench-entry's workers run under perf and sweep rates. */
	return STEADY_NONE;
}

static void add_provoker(const struct ib_job_provoker *p)
{
	char name[64], cpus[64];
	struct task *t;

	snprintf(name, sizeof(name), "storm-%s", p->kind);
	t = add_task(name, ROLE_PROVOKER, &R.job.housekeeping);
	if (!t)
		return;
	snprintf(t->out_file, sizeof(t->out_file), "%s.json", name);
	ib_cpuset_format(&R.job.housekeeping, cpus, sizeof(cpus));
	arg(t, "isolbench-storm"); arg(t, "--kind"); arg(t, "%s", p->kind);
	arg(t, "--rate"); arg(t, "%g", p->rate);
	/* Until stopped: collectors may take a while to arm. */
	arg(t, "--duration"); arg(t, "0");
	/* The same work on every kernel: a fixed number of operations, started
	 * when the measurement reaches its steady state (SIGUSR1) where the
	 * runner watches for it; SIGUSR2 ends the window. */
	arg(t, "--operations"); arg(t, "%.0f", p->operations > 0 ? p->operations :
				     p->rate * R.job.duration_s + 0.5);
	if (steady_mode_of(R.job.case_name) != STEADY_NONE)
		arg(t, "--start-signal");
	arg(t, "--cpus"); arg(t, "%s", cpus);
	if (!strcmp(p->kind, "munmap")) {
		ib_cpuset_format(&R.job.isolated, cpus, sizeof(cpus));
		arg(t, "--victim-cpus"); arg(t, "%s", cpus);
	}
	arg(t, "--json"); arg(t, "%s", path_in(t->out_file));
	arg(t, "-q");
}

static void add_collector(const char *kind)
{
	char iso[64];
	struct ib_cpuset cpu0;
	struct task *t;

	first_cpu_set(&cpu0, &R.job.housekeeping);
	ib_cpuset_format(&R.job.isolated, iso, sizeof(iso));
	if (!strcmp(kind, "ipi") || !strcmp(kind, "ipi-stacks")) {
		t = add_task("ipi", ROLE_COLLECTOR, &cpu0);
		if (!t)
			return;
		snprintf(t->out_file, sizeof(t->out_file), "ipi.json");
		snprintf(t->armed_file, sizeof(t->armed_file), ".ipi.armed");
		arg(t, "isolbench-ipi"); arg(t, "--isolated"); arg(t, "%s", iso);
		arg(t, "--json"); arg(t, "%s", path_in(t->out_file));
		arg(t, "--armed-file"); arg(t, "%s", path_in(t->armed_file));
		if (steady_mode_of(R.job.case_name) != STEADY_NONE) {
			arg(t, "--window-file"); arg(t, "%s", path_in(STEADY_FILE));
		}
		/* Two context events per kernel entry at isolbench-entry's rates
		 * would change what it measures (and overflow the buffers). */
		if (!strcmp(R.job.case_name, "entry")) {
			arg(t, "--no-context");
			arg(t, "entry case: isolbench-entry enters the kernel on the isolated CPUs "
			    "at the rates %s (per second); tracing user_enter/user_exit at every "
			    "entry would change what it measures", R.job.entry_rates);
		} else if (!strcmp(R.job.case_name, "cyclictest")) {
			/* Every wake-up is idle exit, user enter, user exit, idle entry:
			 * four more events in the path whose latency is measured. */
			arg(t, "--no-context");
			arg(t, "cyclictest case: each isolated CPU wakes every %d us; four "
			    "context events per wake-up (%.0f per second per CPU) would add to "
			    "the wake-up latencies it measures", R.job.cyclictest_interval_us,
			    4e6 / (R.job.cyclictest_interval_us ? R.job.cyclictest_interval_us : 1));
		}
		/* A stacktrace trigger on the send events: the sender's kernel stack
		 * of every IPI to the isolated CPUs, top stacks per callback. */
		if (!strcmp(kind, "ipi-stacks"))
			arg(t, "--stack");
	} else if (!strcmp(kind, "trace-cmd")) {
		/* The seed's own pipeline, for cross-checking the ipi collector. Events
		 * are named with their system: a bare name makes trace-cmd scan every
		 * system, and the kprobe storm adds and removes one meanwhile. */
		t = add_task("trace-cmd", ROLE_COLLECTOR, &cpu0);
		if (!t)
			return;
		snprintf(t->out_file, sizeof(t->out_file), "trace.dat");
		t->fifo_prio = 1;
		/* trace-cmd records in the top instance (the ipi collector has its
		 * own): it is recording once it has enabled the events there. */
		t->armed_path = "/sys/kernel/tracing/events/csd/csd_queue_cpu/enable";
		t->armed_path2 = "/sys/kernel/tracing/tracing_on";
		t->stop_stage = 1;
		arg(t, "trace-cmd"); arg(t, "record"); arg(t, "-C"); arg(t, "mono");
		arg(t, "-o"); arg(t, "%s", path_in(t->out_file));
		arg(t, "-e"); arg(t, "ipi:ipi_send_cpumask"); arg(t, "-f"); arg(t, "cpumask & CPUS{%s}", iso);
		arg(t, "-e"); arg(t, "ipi:ipi_send_cpu"); arg(t, "-f"); arg(t, "cpu & CPUS{%s}", iso);
		arg(t, "-e"); arg(t, "csd:csd_queue_cpu"); arg(t, "-f"); arg(t, "cpu & CPUS{%s}", iso);
		/* What the isolated CPUs were doing, as the ipi collector traces it
		 * (its context classification can be replayed on the report), but
		 * not at isolbench-entry's kernel-entry rates. */
		if (strcmp(R.job.case_name, "entry")) {
			static const char *const ctx_events[] = {
				"irq_vectors:call_function_entry",
				"irq_vectors:call_function_single_entry",
				"irq_vectors:reschedule_entry", "irq_vectors:local_timer_entry",
				"context_tracking:user_enter", "context_tracking:user_exit",
				"power:cpu_idle",
			};

			for (size_t k = 0; k < sizeof(ctx_events) / sizeof(ctx_events[0]); k++) {
				arg(t, "-e"); arg(t, "%s", ctx_events[k]);
				arg(t, "-f"); arg(t, "CPU & CPUS{%s}", iso);
			}
		}
	} else if (!strcmp(kind, "osnoise")) {
		/* The osnoise tracer under the workload: noise time per source. */
		t = add_task("osnoise", ROLE_COLLECTOR, &cpu0);
		if (!t)
			return;
		snprintf(t->out_file, sizeof(t->out_file), "osnoise.json");
		snprintf(t->armed_file, sizeof(t->armed_file), ".osnoise.armed");
		/* Arming (instance, buffers, the tracer's hooks) took over 60 s at
		 * normal priority under kbuild noise in an emulated guest. */
		t->fifo_prio = 1;
		/* Armed before the ipi collector and stopped after it, as trace-cmd:
		 * the text patching of the tracer's hooks stays out of ipi.json. */
		t->stop_stage = 1;
		arg(t, "isolbench-osnoise"); arg(t, "--isolated"); arg(t, "%s", iso);
		/* The measurement's own threads are the workload, not noise (comm prefix). */
		arg(t, "--workload"); arg(t, "%s", !strcmp(R.job.case_name, "oslat") ||
			!strcmp(R.job.case_name, "cyclictest") ? R.job.case_name : "isolbench-");
		arg(t, "--json"); arg(t, "%s", path_in(t->out_file));
		arg(t, "--trace-out"); arg(t, "%s", path_in("osnoise.trace.txt"));
		arg(t, "--armed-file"); arg(t, "%s", path_in(t->armed_file));
		arg(t, "-q");
	}
	/* irqstat is not a process: /proc snapshots are taken by the runner. */
}

/* Run @argv to its end (output to @name.stdout/.stderr); its exit status, or -1. */
static int run_sync(const char *name, char *const *argv)
{
	char path[PATH_MAX];
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s.stdout", R.results, name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			dup2(fd, 1);
		snprintf(path, sizeof(path), "%s/%s.stderr", R.results, name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execvp(argv[0], argv);
		dprintf(2, "isolbench-run: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Whether perf stat can count instructions here: a virtual PMU (KVM with a
 * host-passthrough CPU) has them, TCG has none and perf says "<not
 * supported>" with exit status 0. The answer, and why, go into
 * job-record.json "perf"; the probe's own CSV is kept as perf-probe.csv.
 */
static bool probe_perf(void)
{
	char *argv[] = { "perf", "stat", "-x,", "-e", "cycles,instructions", "-o",
			 path_in("perf-probe.csv"), "true", NULL };
	char reason[512] = "", err[256];
	struct ib_perf_stat *ps = NULL;
	double v;
	int rc;

	argv[6] = strdup(path_in("perf-probe.csv"));
	R.perf = json_object_new_object();
	rc = run_sync("perf-probe", argv);
	if (rc == 127 || rc < 0)
		snprintf(reason, sizeof(reason), "perf cannot be run in the guest (exit %d, see "
			 "perf-probe.stderr); the image needs Debian's linux-perf", rc);
	else if (rc != 0)
		snprintf(reason, sizeof(reason), "perf stat -e cycles,instructions true exited %d "
			 "(see perf-probe.stderr)", rc);
	else if (!(ps = ib_perf_load(argv[6], err, sizeof(err))))
		snprintf(reason, sizeof(reason), "cannot read perf's output: %s", err);
	else if (ib_perf_sum(ps, "instructions", NULL, &v) < 0)
		snprintf(reason, sizeof(reason), "no hardware counters: perf says instructions are "
			 "%s (no virtual PMU: TCG, or KVM without a host-passthrough CPU)",
			 errno == ENOTSUP ? "<not supported>" : "missing");
	free(argv[6]);
	ib_perf_free(ps);
	json_object_object_add(R.perf, "available", json_object_new_boolean(!reason[0]));
	if (reason[0]) {
		json_object_object_add(R.perf, "reason", json_object_new_string(reason));
		logmsg("perf: not used: %s", reason);
		return false;
	}
	json_object_object_add(R.perf, "events", json_object_new_string(IB_PERF_EVENTS));
	json_object_object_add(R.perf, "output", json_object_new_string("perf.csv"));
	return true;
}

static struct task *add_measurement(void)
{
	char iso[64], hk0[16];
	struct ib_cpuset cpu0;
	struct task *t;
	const struct ib_job *j = &R.job;

	ib_cpuset_format(&j->isolated, iso, sizeof(iso));
	first_cpu_set(&cpu0, &j->housekeeping);
	snprintf(hk0, sizeof(hk0), "%d", ib_cpuset_next(&j->housekeeping, 0));

	if (!strcmp(j->case_name, "idle")) {
		/* Nothing on the isolated CPUs but what the provokers put there
		 * (the munmap control's victim threads): the window is a sleep on
		 * a housekeeping CPU. */
		t = add_task("idle", ROLE_MEASURE, &cpu0);
		if (!t)
			return NULL;
		arg(t, "sleep"); arg(t, "%d", (int)j->duration_s);
		return t;
	}
	if (!strcmp(j->case_name, "oslat")) {
		struct ib_cpuset all = j->isolated;
		int cpu;

		/* oslat pins its own threads; its main thread stays on housekeeping. */
		ib_cpuset_for_each(cpu, &j->housekeeping)
			ib_cpuset_set(&all, cpu);
		t = add_task("oslat", ROLE_MEASURE, &all);
		if (!t)
			return NULL;
		snprintf(t->out_file, sizeof(t->out_file), "oslat.json");
		/* With hackbench and a kernel build on the housekeeping vCPUs an
		 * emulated guest gave oslat's main thread too little CPU to start
		 * its threads within a minute: it runs SCHED_FIFO 1 there. Its
		 * threads inherit that; the runner puts each back to SCHED_OTHER
		 * once it is on its isolated CPU (steady_now()), long before RT
		 * throttling could stop a spinning FIFO thread. */
		t->fifo_prio = 1;
		arg(t, "oslat"); arg(t, "-c"); arg(t, "%s", iso); arg(t, "-C"); arg(t, "%s", hk0);
		arg(t, "-D"); arg(t, "%d", (int)j->duration_s);
		arg(t, "-b"); arg(t, "%d", j->oslat_buckets);
		arg(t, "-W"); arg(t, "%d", j->oslat_bucket_width_ns);
		arg(t, "-q"); arg(t, "--json=%s", path_in(t->out_file));
		return t;
	}
	if (!strcmp(j->case_name, "cyclictest")) {
		struct ib_cpuset all = j->isolated;
		int cpu;

		/* Timer wake-ups on the isolated CPUs, one thread each; the main
		 * thread stays on housekeeping, as oslat's does. */
		ib_cpuset_for_each(cpu, &j->housekeeping)
			ib_cpuset_set(&all, cpu);
		t = add_task("cyclictest", ROLE_MEASURE, &all);
		if (!t)
			return NULL;
		snprintf(t->out_file, sizeof(t->out_file), "cyclictest.json");
		/* The main thread (normal priority by default) ends the run after -D;
		 * starved by hackbench on housekeeping it kept an emulated guest's
		 * cyclictest running past the runner's deadline. Its threads set 95. */
		t->fifo_prio = 1;
		arg(t, "cyclictest"); arg(t, "-m"); arg(t, "-q");
		arg(t, "-a"); arg(t, "%s", iso); arg(t, "-t"); arg(t, "%u", ib_cpuset_count(&j->isolated));
		arg(t, "--mainaffinity=%s", hk0);
		arg(t, "-p"); arg(t, "%d", j->cyclictest_priority);
		arg(t, "-i"); arg(t, "%d", j->cyclictest_interval_us);
		arg(t, "-h"); arg(t, "%d", j->cyclictest_buckets);
		arg(t, "-D"); arg(t, "%d", (int)j->duration_s);
		arg(t, "--json=%s", path_in(t->out_file));
		return t;
	}
	if (!strcmp(j->case_name, "entry")) {
		struct ib_cpuset all = j->isolated;
		bool perf = probe_perf();
		int cpu;

		/* Under perf, perf's own thread waits on housekeeping; the entry
		 * workers pin themselves to the isolated CPUs either way. */
		if (perf || j->icount)
			ib_cpuset_for_each(cpu, &j->housekeeping)
				ib_cpuset_set(&all, cpu);
		t = add_task("entry", ROLE_MEASURE, &all);
		if (!t)
			return NULL;
		snprintf(t->out_file, sizeof(t->out_file), "entry.json");
		if (perf) {
			const char *pv[16];
			int n = ib_perf_stat_argv(iso, IB_PERF_EVENTS, path_in("perf.csv"), pv, 16);

			for (int i = 0; i < n; i++)
				arg(t, "%s", pv[i]);
		}
		arg(t, "isolbench-entry");
		if (j->icount) {
			/* Counted instructions: the housekeeping vCPUs are the control
			 * (the series changes nothing there), measured in the same boot.
			 * The ipi kind measures every vCPU but the sender's. */
			bool ipi = !strcmp(j->entry_kind, "ipi");
			int sender = ib_cpuset_next(&j->housekeeping, 0);
			struct ib_cpuset m;
			char mcpus[64];

			ib_cpuset_zero(&m);
			ib_cpuset_for_each(cpu, &all)
				if (!ipi || cpu != sender)
					ib_cpuset_set(&m, cpu);
			if (ipi) {
				arg(t, "--sender-cpu"); arg(t, "%s", hk0);
				arg(t, "--gap-log"); arg(t, "%s", path_in("ipi-gaps.csv"));
			}
			ib_cpuset_format(&m, mcpus, sizeof(mcpus));
			arg(t, "--icount"); arg(t, "-c"); arg(t, "%s", mcpus);
		} else {
			arg(t, "-c"); arg(t, "%s", iso);
		}
		arg(t, "-r"); arg(t, "%s", j->entry_rates);
		arg(t, "-k"); arg(t, "%s", j->entry_kind);
		arg(t, "-D"); arg(t, "%g", j->duration_s / (j->entry_nrates ? j->entry_nrates : 1));
		arg(t, "--json"); arg(t, "%s", path_in(t->out_file));
		arg(t, "-q");
		return t;
	}
	record_error("unknown case '%s'", j->case_name);
	return NULL;
}

/*
 * The seed's pipeline reads trace.dat with `trace-cmd report`; do it here,
 * with the trace-cmd that wrote the file (the host's may be older and not
 * read it), so the host only counts text.
 */
static void report_trace_dat(void)
{
	struct ib_cpuset cpu0;
	struct task *t;

	if (access(path_in("trace.dat"), F_OK))
		return;
	first_cpu_set(&cpu0, &R.job.housekeeping);
	t = add_task("trace-cmd-report", ROLE_MEASURE, &cpu0);
	if (!t)
		return;
	arg(t, "sh"); arg(t, "-c");
	/* path_in() has one buffer: the results folder is spelled out here. */
	arg(t, "trace-cmd report -i %s/trace.dat > %s/.trace.report.txt && "
	    "mv %s/.trace.report.txt %s/trace.report.txt", R.results, R.results, R.results,
	    R.results);
	if (start_task(t) == 0)
		wait_for(600, t);
	if (t->pid > 0) {
		record_error("trace-cmd report did not finish in 600 s");
		stop_task(t, SIGKILL);
	}
}

/* --- the record --------------------------------------------------------- */

static void add_file_fact(struct json_object *o, const char *key, const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		json_object_object_add(o, key, NULL);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* What the guest kernel says about itself: the isolation really in force. */
static struct json_object *guest_facts(void)
{
	struct json_object *o = json_object_new_object();

	add_file_fact(o, "release", "/proc/sys/kernel/osrelease");
	add_file_fact(o, "cmdline", "/proc/cmdline");
	add_file_fact(o, "nohz_full", "/sys/devices/system/cpu/nohz_full");
	add_file_fact(o, "isolated", "/sys/devices/system/cpu/isolated");
	add_file_fact(o, "online", "/sys/devices/system/cpu/online");
	add_file_fact(o, "clocksource", "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	add_file_fact(o, "clockevent", "/sys/devices/system/clockevents/clockevent0/current_device");
	return o;
}

static void write_record(const char *status, double t_measure_start, double t_measure_end)
{
	struct json_object *rec = json_object_new_object();
	struct json_object *tasks = json_object_new_array();
	struct json_object *seen = json_object_new_array();
	char buf[64];

	json_object_object_add(rec, "schema", json_object_new_int(1));
	json_object_object_add(rec, "run_id", json_object_new_string(R.job.run_id));
	json_object_object_add(rec, "case", json_object_new_string(R.job.case_name));
	json_object_object_add(rec, "status", json_object_new_string(status));
	ib_cpuset_format(&R.job.isolated, buf, sizeof(buf));
	json_object_object_add(rec, "isolated", json_object_new_string(buf));
	ib_cpuset_format(&R.job.housekeeping, buf, sizeof(buf));
	json_object_object_add(rec, "housekeeping", json_object_new_string(buf));
	json_object_object_add(rec, "guest", guest_facts());
	json_object_object_add(rec, "measure_start_s", json_object_new_double(t_measure_start));
	json_object_object_add(rec, "measure_end_s", json_object_new_double(t_measure_end));
	json_object_object_add(rec, "total_s", json_object_new_double(now() - R.t0));
	if (W.start && W.end) {
		struct json_object *w = json_object_new_object();

		json_object_object_add(w, "start_mono_s", json_object_new_double(W.start));
		json_object_object_add(w, "end_mono_s", json_object_new_double(W.end));
		json_object_object_add(w, "duration_s", json_object_new_double(W.end - W.start));
		json_object_object_add(rec, "steady_window", w);
	}
	for (int i = 0; i < R.ntasks; i++) {
		struct task *t = &R.tasks[i];
		struct json_object *o = json_object_new_object(), *av = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(t->name));
		json_object_object_add(o, "role", json_object_new_string(role_names[t->role]));
		for (int a = 0; a < t->argc; a++)
			json_object_array_add(av, json_object_new_string(t->argv[a]));
		json_object_object_add(o, "argv", av);
		ib_cpuset_format(&t->cpus, buf, sizeof(buf));
		json_object_object_add(o, "cpus", json_object_new_string(buf));
		json_object_object_add(o, "starts", json_object_new_int(t->starts));
		json_object_object_add(o, "start_s", json_object_new_double(t->t_start));
		json_object_object_add(o, "end_s", json_object_new_double(t->t_end));
		json_object_object_add(o, "exit_status", json_object_new_int(t->exit_status));
		json_object_object_add(o, "stopped_by_runner", json_object_new_boolean(t->killed));
		if (t->out_file[0])
			json_object_object_add(o, "output", json_object_new_string(t->out_file));
		snprintf(buf, sizeof(buf), "%s.stderr", t->name);
		json_object_object_add(o, "stderr", json_object_new_string(buf));
		snprintf(buf, sizeof(buf), "%s.stdout", t->name);
		json_object_object_add(o, "stdout", json_object_new_string(buf));
		json_object_array_add(tasks, o);
	}
	json_object_object_add(rec, "tasks", tasks);
	json_object_object_foreach(R.seen_isolated, key, val) {
		(void)key;
		json_object_array_add(seen, json_object_get(val));
	}
	json_object_object_add(rec, "user_tasks_seen_on_isolated", seen);
	if (R.perf) {
		char err[256];
		struct ib_perf_stat *ps;

		/* The counts themselves, when perf ran around the measurement. */
		if (json_object_get_boolean(json_object_object_get(R.perf, "available"))) {
			ps = ib_perf_load(path_in("perf.csv"), err, sizeof(err));
			if (ps)
				json_object_object_add(R.perf, "counts", ib_perf_to_json(ps));
			else
				json_object_object_add(R.perf, "error", json_object_new_string(err));
			ib_perf_free(ps);
		}
		json_object_object_add(rec, "perf", json_object_get(R.perf));
	}
	json_object_object_add(rec, "errors", json_object_get(R.errors));
	json_object_object_add(rec, "warnings", json_object_get(R.warnings));
	if (write_json_atomic("job-record.json", rec) < 0)
		logmsg("cannot write job-record.json: %s", strerror(errno));
	json_object_put(rec);
}

int main(int argc, char **argv)
{
	char err[256];
	struct task *measure;
	double t_ms = 0, t_me = 0;
	const char *status = "ok";

	if (argc != 3) {
		fprintf(stderr, "usage: isolbench-run JOB.json RESULTS_DIR\n");
		return 2;
	}
	R.t0 = now();
	R.results = argv[2];
	R.errors = json_object_new_array();
	R.warnings = json_object_new_array();
	R.seen_isolated = json_object_new_object();
	if (ib_job_load(argv[1], &R.job, err, sizeof(err)) < 0) {
		logmsg("bad job spec: %s", err);
		R.job.run_id = "unknown";
		R.job.case_name = "unknown";
		record_error("bad job spec: %s", err);
		write_record("failed", 0, 0);
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	pin_self(&R.job.housekeeping);
	/*
	 * SCHED_FIFO 1 for the runner itself: it watches the measurement's
	 * threads every 0.1 s for the steady-state window, and with the seed's
	 * load (hundreds of hackbench processes and a kernel build) on the
	 * housekeeping vCPUs of an emulated guest it did not get to look once
	 * during a whole oslat run. It sleeps between looks. Its children start
	 * as SCHED_OTHER (reset on fork); the tasks that need it set their own.
	 */
	{
		struct sched_param sp = { .sched_priority = 1 };

		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) < 0)
			logmsg("warning: SCHED_FIFO for the runner: %s", strerror(errno));
	}
	logmsg("run %s: case %s for %.0f s, warm-up %.0f s", R.job.run_id, R.job.case_name,
	       R.job.duration_s, R.job.warmup_s);

	if (copy_atomic("/proc/interrupts", "interrupts.before") < 0 ||
	    copy_atomic("/proc/softirqs", "softirqs.before") < 0)
		record_error("cannot snapshot /proc/interrupts: %s", strerror(errno));

	for (int i = 0; i < R.job.nnoise; i++)
		add_noise(R.job.noise[i]);
	for (int i = 0; i < R.job.nprovokers; i++)
		add_provoker(&R.job.provokers[i]);
	for (int i = 0; i < R.ntasks; i++)
		start_task(&R.tasks[i]);
	if (R.ntasks)
		logmsg("started %d noise/provoker task(s); warming up", R.ntasks);
	wait_for(R.job.warmup_s, NULL);

	{
		int first = R.ntasks;

		/* trace-cmd first, armed before the ipi collector starts: the
		 * collector's window then lies inside trace-cmd's, and the two
		 * can be compared count for count. osnoise too: enabling its
		 * tracer patches kernel text, which must not fall into ipi.json. */
		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i < R.job.ncollectors; i++)
				if ((pass == 0) == (!strcmp(R.job.collectors[i], "trace-cmd") ||
						    !strcmp(R.job.collectors[i], "osnoise")))
					add_collector(R.job.collectors[i]);
		/* Each collector that says when it is armed is waited for (up to
		 * 60 s) before the next starts; then 2 s for the others. */
		for (int i = first; i < R.ntasks; i++) {
			struct task *t = &R.tasks[i];
			double deadline = now() + 60;

			start_task(t);
			if (!t->armed_file[0] && !t->armed_path)
				continue;
			while (!is_armed(t) && t->pid > 0 && now() < deadline)
				wait_for(0.1, NULL);
			if (!is_armed(t))
				record_error("%s did not arm within 60 s", t->name);
			else if (t->armed_file[0])
				unlink(path_in(t->armed_file));
		}
		if (R.ntasks > first)
			wait_for(2.0, NULL);
	}

	measure = add_measurement();
	W.mode = steady_mode_of(R.job.case_name);
	if (measure && start_task(measure) == 0) {
		W.pid = measure->pid;
		t_ms = now() - R.t0;
		logmsg("measuring: %s", measure->argv[0]);
		/* The tool ends itself; the margin covers its calibration. */
		wait_for(R.job.duration_s * 1.5 + 60, measure);
		if (measure->pid > 0) {
			record_error("%s did not finish in time, stopped", measure->name);
			stop_task(measure, SIGKILL);
		}
		t_me = now() - R.t0;
	}
	steady_stop();
	if (W.mode != STEADY_NONE && !W.start) {
		char w[256];

		snprintf(w, sizeof(w), "the measurement never reached its steady state: no "
			 "window (the collectors count from on to off), provokers did nothing");
		logmsg("warning: %s", w);
		json_object_array_add(R.warnings, json_object_new_string(w));
	}
	if (R.stop)
		record_error("stopped by a signal before the end of the run");

	stop_role(ROLE_COLLECTOR);
	report_trace_dat();
	stop_role(ROLE_PROVOKER);
	stop_role(ROLE_NOISE);
	stop_role(ROLE_MEASURE);

	if (copy_atomic("/proc/interrupts", "interrupts.after") < 0 ||
	    copy_atomic("/proc/softirqs", "softirqs.after") < 0)
		record_error("cannot snapshot /proc/interrupts: %s", strerror(errno));

	for (int i = 0; i < R.ntasks; i++) {
		struct task *t = &R.tasks[i];

		/* Noise and provokers are stopped by us; only the tools that end by
		 * themselves must exit 0. */
		/* Exit 3 is the tools' "results untrustworthy" (e.g. the asked
		 * rate was not reached): the output is kept, with a warning. */
		if (t->role == ROLE_MEASURE && t->exit_status == 3) {
			char w[256];

			snprintf(w, sizeof(w), "%s: results untrustworthy (exit 3), see %s.stderr",
				 t->name, t->name);
			logmsg("warning: %s", w);
			json_object_array_add(R.warnings, json_object_new_string(w));
		} else if ((t->role == ROLE_MEASURE && t->exit_status != 0) || t->starts == 0) {
			record_error("%s failed (exit status %d, see %s.stderr)", t->name,
				     t->exit_status, t->name);
		}
		if (t->out_file[0] && access(path_in(t->out_file), F_OK) != 0)
			record_error("%s wrote no %s", t->name, t->out_file);
	}
	if (!measure || json_object_array_length(R.errors))
		status = "failed";
	write_record(status, t_ms, t_me);
	logmsg("finished: %s", status);
	return strcmp(status, "ok") ? 1 : 0;
}
