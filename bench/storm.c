// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-storm: make one kind of IPI happen at a chosen rate, from the
 * housekeeping CPUs, and count what was done. The kinds:
 *
 *   tracepoint  flip a trace event on and off in a private tracefs instance:
 *               static key / static call text patching -> text_poke_sync()
 *               -> do_sync_core on every CPU (deferred by the series)
 *   kprobe      enable and disable a kprobe event (created once): int3
 *               patching of kernel text -> do_sync_core (deferred)
 *   bpf         attach a JIT-compiled classic BPF filter to a socket, close
 *               it and wait until its JIT memory is freed: a 2 MiB pack of
 *               executable vmalloc memory is allocated, made read-only
 *               (CPA flush) and freed -> flush_tlb_kernel_range() (deferred)
 *   module      load and unload isolbench_provoke.ko (finit_module,
 *               delete_module): its memory is vmalloc'd, made read-only
 *               (CPA flush) and vfree'd; its static key and static call are
 *               patched at init and exit -> do_sync_core, kernel TLB flushes
 *   munmap      the control: map, touch and unmap user memory while threads
 *               of the same process spin in user space on the victim CPUs ->
 *               user TLB shootdown (must NOT be deferred by the series)
 *
 * The same work on every kernel: --operations N stops after N operations.
 * With --start-signal the operations start at SIGUSR1 (the runner's
 * "every measurement thread is in its loop") and SIGUSR2 ends the window
 * (the first thread stopped): what was done in between is
 * "operations_in_window"; no operation starts after SIGUSR2.
 *
 * Each kind is one entry of storm_kinds[]: a setup, one operation, a
 * cleanup. Cleanup runs on every exit path after a successful setup,
 * including SIGINT/SIGTERM/SIGHUP (they only set a flag); objects left by a
 * run that was killed with SIGKILL are removed by the next run (their names
 * carry the pid of the dead process).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/filter.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <json-c/json.h>

#include "cpulist.h"
#include "jsonout.h"
#include "parse.h"

#define TOOL "isolbench-storm"

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_UNTRUSTWORTHY = 3,
	EXIT_UNSUPPORTED = 4,
};

/* What a setup returns besides 0. */
#define SETUP_FAILED		(-1)
#define SETUP_UNSUPPORTED	(-2)

#define RATE_MAX		1000000ULL
#define DURATION_MAX_NS		(7ULL * 86400ULL * 1000000000ULL)
#define MUNMAP_PAGES_MAX	65536ULL
#define BPF_BATCH_MAX		1024ULL
#define BPF_FREE_WAIT_NS	(10ULL * 1000000000ULL)
#define VMALLOCINFO		"/proc/vmallocinfo"
#define RATE_TRUST_RATIO	0.9
#define MAX_ERRORS		16

#define DEFAULT_TRACEFS		"/sys/kernel/tracing"
#define KPROBE_GROUP		"isolbench"
#define INSTANCE_PREFIX		"isolbench-storm-"
/* build-kernel ships it with the kernel; the job share carries it to the guest. */
#define MODULE_PATH		"/job/modules/isolbench_provoke.ko"
#define MODULE_NAME		"isolbench_provoke"

/* Everything the command line decides. */
struct storm_settings {
	const struct storm_kind *kind;
	uint64_t rate;			/* operations per second, 0 = max */
	uint64_t duration_ns;		/* 0 = until a signal */
	struct ib_cpuset cpus;		/* where the storm runs */
	bool have_cpus;
	struct ib_cpuset victims;	/* munmap: CPUs spinning in our mm */
	bool have_victims;
	const char *tracefs;		/* NULL = find or mount it */
	const char *event;		/* tracepoint: system/event */
	const char *kprobe_symbol;
	uint64_t bpf_insns;
	uint64_t bpf_batch;
	uint64_t munmap_pages;
	const char *module_path;
	const char *json_path;
	bool quiet;
	uint64_t operations;		/* stop after this many, 0 = no limit */
	bool start_signal;		/* wait for SIGUSR1, window ends at SIGUSR2 */
};

/* The runner's window signals (--start-signal), CLOCK_MONOTONIC ns. */
static volatile sig_atomic_t window_started, window_ended;
static struct timespec window_start_ts, window_end_ts;

static void on_window(int sig)
{
	if (sig == SIGUSR1 && !window_started) {
		clock_gettime(CLOCK_MONOTONIC, &window_start_ts);
		window_started = 1;
	} else if (sig == SIGUSR2 && !window_ended) {
		clock_gettime(CLOCK_MONOTONIC, &window_end_ts);
		window_ended = 1;
	}
}

struct storm_error {
	char msg[256];
	uint64_t count;
};

struct victim {
	struct storm_ctx *ctx;
	int cpu;
	pthread_t thread;
	bool started;
	_Atomic int running;
	volatile uint64_t spins;
};

/* The state of one run, shared by the kind callbacks. */
struct storm_ctx {
	const struct storm_settings *set;
	char tracefs[PATH_MAX];
	char errbuf[512];		/* message of a failed setup */
	struct storm_error errors[MAX_ERRORS];
	unsigned int nerrors;
	uint64_t dropped_errors;
	/* tracepoint */
	char instance[PATH_MAX];
	bool instance_made;
	int enable_fd;
	/* kprobe */
	char kp_event[64];		/* "storm_<pid>" in group KPROBE_GROUP */
	int kp_fd;			/* kprobe_events, O_APPEND */
	bool kp_made;
	/* bpf */
	struct sock_filter *filter;
	int *socks;
	bool pack_wait;			/* VMALLOCINFO readable: wait for the free */
	uint64_t packs_new;		/* JIT packs our attaches allocated */
	uint64_t packs_freed;		/* ... and that were freed before the next op */
	uint64_t pack_timeouts;		/* ops whose pack outlived BPF_FREE_WAIT_NS */
	uint64_t ops_no_new_pack;	/* attaches that fit into a live pack */
	uint64_t pack_wait_ns;		/* total time spent waiting for frees */
	/* module */
	int mod_fd;
	/* munmap */
	struct victim *victims;
	unsigned int nvictims;
	_Atomic int victims_stop;
	size_t page_size;
};

struct storm_kind {
	const char *name;
	const char *help;
	bool needs_tracefs;
	int (*setup)(struct storm_ctx *ctx);
	int (*op)(struct storm_ctx *ctx);	/* 0, or -1 after storm_error() */
	void (*cleanup)(struct storm_ctx *ctx);
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Record a failed operation's reason; equal messages are counted, not repeated. */
__attribute__((format(printf, 2, 3)))
static void storm_error(struct storm_ctx *ctx, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (unsigned int i = 0; i < ctx->nerrors; i++) {
		if (!strcmp(ctx->errors[i].msg, msg)) {
			ctx->errors[i].count++;
			return;
		}
	}
	if (ctx->nerrors == MAX_ERRORS) {
		ctx->dropped_errors++;
		return;
	}
	snprintf(ctx->errors[ctx->nerrors].msg, sizeof(ctx->errors[0].msg), "%s", msg);
	ctx->errors[ctx->nerrors++].count = 1;
}

/* A setup failure: the message goes to stderr and into "errors". */
__attribute__((format(printf, 3, 4)))
static int setup_fail(struct storm_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errbuf, sizeof(ctx->errbuf), fmt, ap);
	va_end(ap);
	return code;
}

/* Write a short string to a tracefs file that is already open. */
static int write_str(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n = pwrite(fd, s, len, 0);

	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret, err;

	if (fd < 0)
		return -1;
	ret = write_str(fd, s);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

/* Whether the process whose pid is at the end of @name is gone. */
static bool owner_dead(const char *name)
{
	const char *p = strrchr(name, '_');
	const char *q = strrchr(name, '-');
	long pid;

	if (q > p)
		p = q;
	if (!p || !p[1])
		return false;
	pid = strtol(p + 1, NULL, 10);
	return pid > 0 && kill(pid, 0) && errno == ESRCH;
}

/* ---- tracefs ---------------------------------------------------------- */

/*
 * The tracefs mount point: --tracefs, else the first tracefs in
 * /proc/self/mounts, else mount one at /sys/kernel/tracing. A mount made
 * here is left in place: it is the standard location, and a collector that
 * started meanwhile may be using it.
 */
static int find_tracefs(struct storm_ctx *ctx)
{
	char dev[256], mnt[PATH_MAX], type[64], line[PATH_MAX + 512];
	FILE *f;

	if (ctx->set->tracefs) {
		snprintf(ctx->tracefs, sizeof(ctx->tracefs), "%s", ctx->set->tracefs);
		return 0;
	}
	f = fopen("/proc/self/mounts", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%255s %4095s %63s", dev, mnt, type) == 3 &&
			    !strcmp(type, "tracefs")) {
				fclose(f);
				snprintf(ctx->tracefs, sizeof(ctx->tracefs), "%s", mnt);
				return 0;
			}
		}
		fclose(f);
	}
	if (mount("nodev", DEFAULT_TRACEFS, "tracefs", 0, NULL))
		return setup_fail(ctx, errno == ENODEV ? SETUP_UNSUPPORTED : SETUP_FAILED,
				  "no tracefs mounted and mounting one at %s failed: %s",
				  DEFAULT_TRACEFS, strerror(errno));
	snprintf(ctx->tracefs, sizeof(ctx->tracefs), "%s", DEFAULT_TRACEFS);
	return 0;
}

/* ---- tracepoint ------------------------------------------------------- */

static void remove_stale_instances(struct storm_ctx *ctx)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", ctx->tracefs);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)) ||
		    !owner_dead(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s/events/%s/enable", ctx->tracefs,
			 de->d_name, ctx->set->event);
		write_file(path, "0");
		snprintf(path, sizeof(path), "%s/instances/%s", ctx->tracefs, de->d_name);
		rmdir(path);
	}
	closedir(d);
}

/*
 * A private instance, so that nothing the user or a collector enabled is
 * touched: the event's tracepoint gets one more probe while it is enabled
 * here, which changes its static key / static call either way. Tracing is
 * off in the instance and its buffer minimal: the events are not wanted,
 * only the patching.
 */
static int tracepoint_setup(struct storm_ctx *ctx)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/events/%s/enable", ctx->tracefs, ctx->set->event);
	if (access(path, F_OK))
		return setup_fail(ctx, SETUP_UNSUPPORTED, "no trace event %s in %s",
				  ctx->set->event, ctx->tracefs);
	snprintf(path, sizeof(path), "%s/instances", ctx->tracefs);
	if (access(path, F_OK))
		return setup_fail(ctx, SETUP_UNSUPPORTED, "%s has no instances/ folder",
				  ctx->tracefs);
	remove_stale_instances(ctx);
	snprintf(ctx->instance, sizeof(ctx->instance), "%s/instances/" INSTANCE_PREFIX "%d",
		 ctx->tracefs, (int)getpid());
	if (mkdir(ctx->instance, 0755))
		return setup_fail(ctx, SETUP_FAILED, "mkdir %s: %s", ctx->instance,
				  strerror(errno));
	ctx->instance_made = true;
	snprintf(path, sizeof(path), "%s/tracing_on", ctx->instance);
	write_file(path, "0");
	snprintf(path, sizeof(path), "%s/buffer_size_kb", ctx->instance);
	write_file(path, "4");
	snprintf(path, sizeof(path), "%s/events/%s/enable", ctx->instance, ctx->set->event);
	ctx->enable_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (ctx->enable_fd < 0)
		return setup_fail(ctx, SETUP_FAILED, "open %s: %s", path, strerror(errno));
	return 0;
}

/* One operation = one enable and one disable: two rounds of patching. */
static int tracepoint_op(struct storm_ctx *ctx)
{
	if (write_str(ctx->enable_fd, "1")) {
		storm_error(ctx, "enabling %s: %s", ctx->set->event, strerror(errno));
		return -1;
	}
	if (write_str(ctx->enable_fd, "0")) {
		storm_error(ctx, "disabling %s: %s", ctx->set->event, strerror(errno));
		return -1;
	}
	return 0;
}

static void tracepoint_cleanup(struct storm_ctx *ctx)
{
	if (ctx->enable_fd >= 0) {
		write_str(ctx->enable_fd, "0");
		close(ctx->enable_fd);
		ctx->enable_fd = -1;
	}
	if (ctx->instance_made && rmdir(ctx->instance))
		fprintf(stderr, TOOL ": cannot remove %s: %s\n", ctx->instance, strerror(errno));
	ctx->instance_made = false;
}

/* ---- kprobe ----------------------------------------------------------- */

static int kprobe_delete(struct storm_ctx *ctx, const char *event)
{
	char cmd[128];
	ssize_t n;

	snprintf(cmd, sizeof(cmd), "-:" KPROBE_GROUP "/%s", event);
	n = write(ctx->kp_fd, cmd, strlen(cmd));
	return n == (ssize_t)strlen(cmd) ? 0 : -1;
}

static int kprobe_set_enable(struct storm_ctx *ctx, const char *event, const char *val)
{
	char path[PATH_MAX + 128];

	snprintf(path, sizeof(path), "%s/events/" KPROBE_GROUP "/%s/enable", ctx->tracefs,
		 event);
	return write_file(path, val);
}

static void remove_stale_kprobes(struct storm_ctx *ctx)
{
	char path[PATH_MAX + 32], line[512], name[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprobe_events", ctx->tracefs);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* "p:isolbench/storm_1234 do_sys_openat2" */
		if (sscanf(line, "%*1[pr]:" KPROBE_GROUP "/%127s", name) != 1 ||
		    strncmp(name, "storm_", 6) || !owner_dead(name))
			continue;
		kprobe_set_enable(ctx, name, "0");
		kprobe_delete(ctx, name);
	}
	fclose(f);
}

/*
 * One operation = enable and disable the probe: arming and disarming it
 * patches kernel text. The event itself is created once at setup and
 * deleted at cleanup: deleting a dynamic event resets the ring buffers of
 * every tracing instance, which would throw away what the collectors (and
 * trace-cmd) are recording.
 */
static int kprobe_op(struct storm_ctx *ctx)
{
	if (kprobe_set_enable(ctx, ctx->kp_event, "1")) {
		storm_error(ctx, "enabling the kprobe: %s", strerror(errno));
		return -1;
	}
	if (kprobe_set_enable(ctx, ctx->kp_event, "0")) {
		storm_error(ctx, "disabling the kprobe: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int kprobe_setup(struct storm_ctx *ctx)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/kprobe_events", ctx->tracefs);
	/* Never O_TRUNC: that would delete every kprobe event of the system. */
	ctx->kp_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (ctx->kp_fd < 0)
		return setup_fail(ctx, errno == ENOENT ? SETUP_UNSUPPORTED : SETUP_FAILED,
				  "%s: %s (kernel without CONFIG_KPROBE_EVENTS?)", path,
				  strerror(errno));
	remove_stale_kprobes(ctx);
	snprintf(ctx->kp_event, sizeof(ctx->kp_event), "storm_%d", (int)getpid());
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "p:" KPROBE_GROUP "/%s %s", ctx->kp_event,
			 ctx->set->kprobe_symbol);
		if (write(ctx->kp_fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
			return setup_fail(ctx, SETUP_FAILED, "creating kprobe on %s: %s (choose "
					  "another --kprobe-symbol, e.g. vfs_read)",
					  ctx->set->kprobe_symbol, strerror(errno));
		ctx->kp_made = true;
	}
	/* A first operation, so that a probe that cannot be armed stops us here. */
	if (kprobe_op(ctx)) {
		setup_fail(ctx, SETUP_FAILED, "%s (choose another --kprobe-symbol, e.g. vfs_read)",
			   ctx->errors[0].msg);
		ctx->nerrors = 0;
		return SETUP_FAILED;
	}
	return 0;
}

static void kprobe_cleanup(struct storm_ctx *ctx)
{
	if (ctx->kp_fd < 0)
		return;
	if (ctx->kp_made) {
		kprobe_set_enable(ctx, ctx->kp_event, "0");
		if (kprobe_delete(ctx, ctx->kp_event))
			fprintf(stderr, TOOL ": cannot delete kprobe event " KPROBE_GROUP "/%s: %s\n",
				ctx->kp_event, strerror(errno));
		ctx->kp_made = false;
	}
	close(ctx->kp_fd);
	ctx->kp_fd = -1;
}

/* ---- bpf -------------------------------------------------------------- */

static int read_sysctl(const char *path, long *v)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*v = strtol(buf, NULL, 10);
	return 0;
}

/*
 * The number of live BPF JIT packs: vmalloc areas whose caller is the pack
 * allocator (bpf_jit_alloc_exec() is inlined into it on x86), or -1 when
 * VMALLOCINFO cannot be read.
 */
static int count_jit_packs(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(VMALLOCINFO, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "bpf_prog_pack_alloc") || strstr(line, "alloc_new_pack") ||
		    strstr(line, "bpf_jit_alloc_exec"))
			n++;
	fclose(f);
	return n;
}

/*
 * A filter of --bpf-insns instructions that the kernel accepts and JITs:
 * packet loads and arithmetic, ending in "accept the whole packet". It
 * never runs: the socket is never sent anything.
 */
static int bpf_setup(struct storm_ctx *ctx)
{
	uint64_t n = ctx->set->bpf_insns;
	struct rlimit rl;
	long jit;

	if (read_sysctl("/proc/sys/net/core/bpf_jit_enable", &jit))
		return setup_fail(ctx, SETUP_UNSUPPORTED,
				  "no /proc/sys/net/core/bpf_jit_enable: kernel without BPF_JIT");
	if (!jit)
		return setup_fail(ctx, SETUP_UNSUPPORTED,
				  "net.core.bpf_jit_enable is 0: filters would be interpreted, "
				  "no executable memory would be allocated");
	ctx->pack_wait = count_jit_packs() >= 0;
	if (!ctx->pack_wait)
		fprintf(stderr, TOOL ": cannot read " VMALLOCINFO " (%s): operations will not "
			"wait for the JIT memory to be freed, so they may share packs and "
			"flush less often (run as root)\n", strerror(errno));
	/* A batch holds one descriptor per socket. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < ctx->set->bpf_batch + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ctx->filter = calloc(n, sizeof(*ctx->filter));
	ctx->socks = malloc(ctx->set->bpf_batch * sizeof(*ctx->socks));
	if (!ctx->filter || !ctx->socks)
		return setup_fail(ctx, SETUP_FAILED, "out of memory");
	for (uint64_t i = 0; i < ctx->set->bpf_batch; i++)
		ctx->socks[i] = -1;
	for (uint64_t i = 0; i + 1 < n; i++) {
		if (i % 2 == 0)
			ctx->filter[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
								      i % 64);
		else
			ctx->filter[i] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_ADD | BPF_K,
								      i);
	}
	ctx->filter[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffff);
	return 0;
}

static void bpf_close_all(struct storm_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->set->bpf_batch; i++) {
		if (ctx->socks && ctx->socks[i] >= 0) {
			close(ctx->socks[i]);
			ctx->socks[i] = -1;
		}
	}
}

/*
 * Wait until no more than @want JIT packs are live, polling every
 * millisecond; false after BPF_FREE_WAIT_NS or a stop signal.
 */
static bool wait_jit_packs(struct storm_ctx *ctx, int want, int *now)
{
	uint64_t t0 = now_ns();
	struct timespec ms = { 0, 1000000 };

	for (;;) {
		*now = count_jit_packs();
		if (*now >= 0 && *now <= want)
			break;
		if (stop_signal || now_ns() - t0 > BPF_FREE_WAIT_NS) {
			ctx->pack_wait_ns += now_ns() - t0;
			return false;
		}
		nanosleep(&ms, NULL);
	}
	ctx->pack_wait_ns += now_ns() - t0;
	return true;
}

/*
 * One operation = --bpf-batch sockets (default one), each with the filter
 * attached (the kernel converts and JITs it), then closed, then a wait
 * until the JIT memory is freed (the filter goes after an RCU grace period
 * and a work item, about 20 ms under TCG).
 *
 * Why the wait: since 5.18 x86 JIT images are carved out of shared 2 MiB
 * "prog packs". Only a new pack is vmalloc'ed and made read-only and
 * executable (set_memory_rox(): CPA flush of all CPUs), and only an empty
 * pack is vfree'd with VM_FLUSH_RESET_PERMS (flush_tlb_kernel_range() at
 * once). An attach that comes before the previous filter was freed fits
 * into the previous pack and nothing is flushed, so flushes would not grow
 * with the rate. Waiting makes every operation allocate and free its own
 * pack, as long as no other BPF program keeps one alive: such operations
 * are counted in "ops_without_new_pack".
 */
static int bpf_op(struct storm_ctx *ctx)
{
	struct sock_fprog prog = {
		.len = ctx->set->bpf_insns,
		.filter = ctx->filter,
	};
	int before = ctx->pack_wait ? count_jit_packs() : -1;
	int after, left;
	int ret = 0;

	for (uint64_t i = 0; i < ctx->set->bpf_batch; i++) {
		ctx->socks[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (ctx->socks[i] < 0) {
			storm_error(ctx, "socket: %s", strerror(errno));
			ret = -1;
			break;
		}
		if (setsockopt(ctx->socks[i], SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			       sizeof(prog))) {
			storm_error(ctx, "SO_ATTACH_FILTER of %" PRIu64 " instructions: %s",
				    ctx->set->bpf_insns, strerror(errno));
			ret = -1;
			break;
		}
	}
	after = before >= 0 ? count_jit_packs() : -1;
	bpf_close_all(ctx);
	if (before < 0 || after < 0)
		return ret;
	if (after <= before) {
		ctx->ops_no_new_pack++;
		return ret;
	}
	ctx->packs_new += after - before;
	/* A stop signal during the wait is the end of the run, not a timeout. */
	if (!wait_jit_packs(ctx, before, &left) && !stop_signal) {
		ctx->pack_timeouts++;
		storm_error(ctx, "JIT pack not freed within %llu s of closing the socket",
			    BPF_FREE_WAIT_NS / 1000000000ULL);
		ret = -1;
	}
	if (left >= 0 && left < after)
		ctx->packs_freed += after - left;
	return ret;
}

static void bpf_cleanup(struct storm_ctx *ctx)
{
	bpf_close_all(ctx);
	free(ctx->socks);
	free(ctx->filter);
	ctx->socks = NULL;
	ctx->filter = NULL;
}

/* ---- module ----------------------------------------------------------- */

static int module_unload(void)
{
	return syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK);
}

static int module_setup(struct storm_ctx *ctx)
{
	ctx->mod_fd = -1;
	if (access("/proc/modules", F_OK))
		return setup_fail(ctx, SETUP_UNSUPPORTED, "the kernel has no module support "
				  "(CONFIG_MODULES is off)");
	ctx->mod_fd = open(ctx->set->module_path, O_RDONLY | O_CLOEXEC);
	if (ctx->mod_fd < 0)
		return setup_fail(ctx, errno == ENOENT ? SETUP_UNSUPPORTED : SETUP_FAILED,
				  "%s: %s (build-kernel builds it against each kernel with "
				  "modules; give another with --module)", ctx->set->module_path,
				  strerror(errno));
	/* Left loaded by a run that was killed: start from unloaded. */
	if (module_unload() && errno != ENOENT)
		return setup_fail(ctx, SETUP_FAILED, "a loaded %s cannot be unloaded: %s",
				  MODULE_NAME, strerror(errno));
	return 0;
}

/* One operation = load and unload the module. */
static int module_op(struct storm_ctx *ctx)
{
	if (syscall(SYS_finit_module, ctx->mod_fd, "", 0)) {
		storm_error(ctx, "finit_module %s: %s", ctx->set->module_path, strerror(errno));
		return -1;
	}
	if (module_unload()) {
		storm_error(ctx, "delete_module %s: %s", MODULE_NAME, strerror(errno));
		return -1;
	}
	return 0;
}

static void module_cleanup(struct storm_ctx *ctx)
{
	if (ctx->mod_fd >= 0)
		close(ctx->mod_fd);
	ctx->mod_fd = -1;
}

/* ---- munmap ----------------------------------------------------------- */

/* A victim: our mm stays active on its CPU, the thread never leaves user space. */
static void *victim_main(void *arg)
{
	struct victim *v = arg;

	atomic_store(&v->running, 1);
	while (!atomic_load_explicit(&v->ctx->victims_stop, memory_order_relaxed))
		v->spins++;
	return NULL;
}

static void munmap_cleanup(struct storm_ctx *ctx)
{
	atomic_store(&ctx->victims_stop, 1);
	for (unsigned int i = 0; i < ctx->nvictims; i++)
		if (ctx->victims[i].started)
			pthread_join(ctx->victims[i].thread, NULL);
	free(ctx->victims);
	ctx->victims = NULL;
	ctx->nvictims = 0;
}

static int munmap_setup(struct storm_ctx *ctx)
{
	unsigned int n = ib_cpuset_count(&ctx->set->victims);
	int cpu, err;

	ctx->page_size = sysconf(_SC_PAGESIZE);
	ctx->victims = calloc(n, sizeof(*ctx->victims));
	if (!ctx->victims)
		return setup_fail(ctx, SETUP_FAILED, "out of memory");
	ib_cpuset_for_each(cpu, &ctx->set->victims) {
		struct victim *v = &ctx->victims[ctx->nvictims++];
		pthread_attr_t attr;
		cpu_set_t one;

		v->ctx = ctx;
		v->cpu = cpu;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
		err = pthread_create(&v->thread, &attr, victim_main, v);
		pthread_attr_destroy(&attr);
		if (err)
			return setup_fail(ctx, SETUP_FAILED, "victim thread on cpu %d: %s", cpu,
					  strerror(err));
		v->started = true;
	}
	/* Start the storm only once every victim runs on its CPU. */
	for (unsigned int i = 0; i < ctx->nvictims && !stop_signal; i++)
		while (!atomic_load(&ctx->victims[i].running) && !stop_signal)
			usleep(1000);
	return 0;
}

/* One operation = mmap, write every page, munmap: one flush of our mm. */
static int munmap_op(struct storm_ctx *ctx)
{
	size_t len = ctx->set->munmap_pages * ctx->page_size;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		storm_error(ctx, "mmap of %zu bytes: %s", len, strerror(errno));
		return -1;
	}
	for (size_t off = 0; off < len; off += ctx->page_size)
		((volatile char *)p)[off] = 1;
	if (munmap(p, len)) {
		storm_error(ctx, "munmap: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static const struct storm_kind storm_kinds[] = {
	{ "tracepoint", "enable+disable a trace event in a private tracefs instance",
	  true, tracepoint_setup, tracepoint_op, tracepoint_cleanup },
	{ "kprobe", "enable+disable a kprobe event (created once, deleted at the end)",
	  true, kprobe_setup, kprobe_op, kprobe_cleanup },
	{ "bpf", "attach a JIT-compiled classic BPF filter to sockets, close them",
	  false, bpf_setup, bpf_op, bpf_cleanup },
	{ "module", "load and unload the isolbench_provoke module (--module)",
	  false, module_setup, module_op, module_cleanup },
	{ "munmap", "mmap+touch+munmap while --victim-cpus spin in our mm (control)",
	  false, munmap_setup, munmap_op, munmap_cleanup },
};

#define NKINDS (sizeof(storm_kinds) / sizeof(storm_kinds[0]))

/* ---- options ---------------------------------------------------------- */

static struct storm_settings set = {
	.duration_ns = 10ULL * 1000000000ULL,
	.rate = 100,
	.event = "sched/sched_wakeup",
	.kprobe_symbol = "do_sys_openat2",
	.bpf_insns = 16,
	.bpf_batch = 1,
	.munmap_pages = 1,
	.module_path = MODULE_PATH,
};

__attribute__((format(printf, 1, 2), noreturn))
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, TOOL ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" TOOL " --help'.\n");
	exit(EXIT_USAGE);
}

static void usage(void)
{
	printf("Usage: " TOOL " -k KIND [options]\n"
	       "Make one kind of IPI happen at a given rate, from housekeeping CPUs.\n"
	       "\n"
	       "  -k, --kind KIND          what to do (required):\n");
	for (size_t i = 0; i < NKINDS; i++)
		printf("                             %-10s %s\n", storm_kinds[i].name,
		       storm_kinds[i].help);
	printf("  -r, --rate N             operations per second (1..%llu, or max; default 100)\n"
	       "  -D, --duration TIME      10, 10s, 2m (0 = until SIGINT/SIGTERM; at most 7d;\n"
	       "                           default 10s)\n"
	       "  -c, --cpus LIST          CPUs the storm runs on (default: the current affinity)\n"
	       "      --victim-cpus LIST   munmap: CPUs where threads of the storm spin in user space\n"
	       "      --tracefs PATH       tracefs mount point (default: find it, or mount it at\n"
	       "                           " DEFAULT_TRACEFS ")\n"
	       "      --event SYS/EVENT    tracepoint: the event to flip (default sched/sched_wakeup)\n"
	       "      --kprobe-symbol SYM  kprobe: the probed function (default do_sys_openat2)\n"
	       "      --bpf-insns N        bpf: instructions per filter (2..%d; default 16)\n"
	       "      --bpf-batch N        bpf: sockets per operation (1..%llu; default 1)\n"
	       "      --munmap-pages N     munmap: pages per operation (1..%llu; default 1)\n"
	       "  -n, --operations N       stop after N operations (the same work on every\n"
	       "                           kernel; default: no limit)\n"
	       "      --start-signal       start at SIGUSR1; SIGUSR2 ends the counting window\n"
	       "                           (operations_in_window), no operation starts after it\n"
	       "      --module PATH        module: the .ko to load (default " MODULE_PATH ")\n"
	       "      --json FILE          write the counts as JSON (- = stdout)\n"
	       "  -q, --quiet              no summary on stdout\n"
	       "  -h, --help               this text\n"
	       "\n"
	       "Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 results untrustworthy\n"
	       "(failed operations, rate below 90%% of the target, interrupted), 4 kind not\n"
	       "supported by this kernel.\n",
	       (unsigned long long)RATE_MAX, BPF_MAXINSNS, (unsigned long long)BPF_BATCH_MAX,
	       (unsigned long long)MUNMAP_PAGES_MAX);
}

static uint64_t opt_u64(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	char err[256];
	uint64_t v;

	if (ib_parse_u64(arg, min, max, &v, err, sizeof(err)))
		usage_error("%s: %s", opt, err);
	return v;
}

static void parse_options(int argc, char **argv)
{
	enum {
		OPT_VICTIMS = 256, OPT_TRACEFS, OPT_JSON, OPT_EVENT, OPT_KPROBE_SYMBOL,
		OPT_BPF_INSNS, OPT_BPF_BATCH, OPT_MUNMAP_PAGES, OPT_START_SIGNAL, OPT_MODULE,
	};
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'D' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "victim-cpus", required_argument, NULL, OPT_VICTIMS },
		{ "tracefs", required_argument, NULL, OPT_TRACEFS },
		{ "event", required_argument, NULL, OPT_EVENT },
		{ "kprobe-symbol", required_argument, NULL, OPT_KPROBE_SYMBOL },
		{ "bpf-insns", required_argument, NULL, OPT_BPF_INSNS },
		{ "bpf-batch", required_argument, NULL, OPT_BPF_BATCH },
		{ "munmap-pages", required_argument, NULL, OPT_MUNMAP_PAGES },
		{ "module", required_argument, NULL, OPT_MODULE },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "operations", required_argument, NULL, 'n' },
		{ "start-signal", no_argument, NULL, OPT_START_SIGNAL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	int c;

	while ((c = getopt_long(argc, argv, "k:r:D:c:n:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			set.kind = NULL;
			for (size_t i = 0; i < NKINDS; i++)
				if (!strcmp(optarg, storm_kinds[i].name))
					set.kind = &storm_kinds[i];
			if (!set.kind)
				usage_error("--kind: unknown kind '%s' (tracepoint, kprobe, bpf, module or munmap)",
					    optarg);
			break;
		case 'r':
			set.rate = 0;
			if (strcmp(optarg, "max"))
				set.rate = opt_u64("--rate (or max)", optarg, 1, RATE_MAX);
			break;
		case 'D':
			if (ib_parse_duration(optarg, 0, DURATION_MAX_NS, &set.duration_ns, err,
					      sizeof(err)))
				usage_error("--duration: %s", err);
			break;
		case 'c':
			if (ib_cpuset_parse(optarg, &set.cpus, err, sizeof(err)))
				usage_error("--cpus: %s", err);
			set.have_cpus = true;
			break;
		case OPT_VICTIMS:
			if (ib_cpuset_parse(optarg, &set.victims, err, sizeof(err)))
				usage_error("--victim-cpus: %s", err);
			set.have_victims = true;
			break;
		case OPT_TRACEFS:
			set.tracefs = optarg;
			break;
		case OPT_EVENT:
			if (!strchr(optarg, '/') || strstr(optarg, ".."))
				usage_error("--event: write SYSTEM/EVENT, e.g. sched/sched_wakeup");
			set.event = optarg;
			break;
		case OPT_KPROBE_SYMBOL:
			if (!*optarg || strpbrk(optarg, " \t\n:"))
				usage_error("--kprobe-symbol: a function name, e.g. vfs_read");
			set.kprobe_symbol = optarg;
			break;
		case OPT_BPF_INSNS:
			set.bpf_insns = opt_u64("--bpf-insns", optarg, 2, BPF_MAXINSNS);
			break;
		case OPT_BPF_BATCH:
			set.bpf_batch = opt_u64("--bpf-batch", optarg, 1, BPF_BATCH_MAX);
			break;
		case OPT_MUNMAP_PAGES:
			set.munmap_pages = opt_u64("--munmap-pages", optarg, 1, MUNMAP_PAGES_MAX);
			break;
		case OPT_MODULE:
			set.module_path = optarg;
			break;
		case OPT_JSON:
			set.json_path = optarg;
			break;
		case 'n':
			set.operations = opt_u64("--operations", optarg, 1, UINT64_MAX / 2);
			break;
		case OPT_START_SIGNAL:
			set.start_signal = true;
			break;
		case 'q':
			set.quiet = true;
			break;
		case 'h':
			usage();
			exit(EXIT_OK);
		default:
			usage_error("unknown option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!set.kind)
		usage_error("--kind is required (tracepoint, kprobe, bpf, module or munmap)");
	if (set.kind->op == munmap_op && !set.have_victims)
		usage_error("--kind munmap needs --victim-cpus (the CPUs whose TLBs get flushed)");
	if (set.kind->op != munmap_op && set.have_victims)
		usage_error("--victim-cpus is only for --kind munmap");
	if (set.have_cpus && set.have_victims && ib_cpuset_intersects(&set.cpus, &set.victims))
		usage_error("--cpus and --victim-cpus overlap: the storm must run elsewhere");
}

/* ---- main ------------------------------------------------------------- */

static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ULL, .tv_nsec = t % 1000000000ULL };

	/* EINTR: the caller looks at stop_signal. */
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

struct storm_counts {
	uint64_t ops;
	uint64_t failed_ops;
	double duration_s;
	uint64_t ops_in_window;		/* done before SIGUSR2 was seen */
	bool window_known;		/* both window signals came */
	bool started;			/* operations began (the start signal came) */
};

static void wait_signal(volatile sig_atomic_t *flag)
{
	struct timespec ts = { 0, 20 * 1000000L };

	/* Polled: a signal between the test and a pause() would be missed. */
	while (!*flag && !stop_signal)
		nanosleep(&ts, NULL);
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

/*
 * Paced by absolute deadlines; a late operation moves the schedule (no
 * bursts). Ends at --duration, --operations, a stop signal, or (with
 * --start-signal) the end of the window.
 */
static void storm_run(struct storm_ctx *ctx, struct storm_counts *c)
{
	double period = set.rate ? 1e9 / (double)set.rate : 0;
	uint64_t start, end, t;
	double next;

	if (set.start_signal) {
		wait_signal(&window_started);
		if (!window_started)
			return;
	}
	c->started = true;
	start = now_ns();
	next = (double)start;
	end = set.duration_ns ? start + set.duration_ns : UINT64_MAX;
	for (;;) {
		if (set.rate && (double)now_ns() < next)
			sleep_until((uint64_t)next);
		t = now_ns();
		if (stop_signal || t >= end || window_ended ||
		    (set.operations && c->ops + c->failed_ops >= set.operations))
			break;
		if (set.kind->op(ctx))
			c->failed_ops++;
		else
			c->ops++;
		if (set.rate) {
			next += period;
			t = now_ns();
			if (next < (double)t)
				next = (double)t;
		}
	}
	c->duration_s = ((t < end ? t : end) - start) / 1e9;
	if (!set.start_signal)
		return;
	/* An operation under way when SIGUSR2 came started inside the window. */
	c->ops_in_window = c->ops;
	wait_signal(&window_ended);
	c->window_known = window_ended;
	/*
	 * Stay until stopped: the cleanup must not run while collectors still
	 * record. Removing the kprobe event resets every ring buffer (the
	 * kernel's rule for removed dynamic events), which wiped trace-cmd's
	 * unread data when the storm left at the end of the window.
	 */
	wait_signal(&stop_signal);
}

static struct json_object *cpus_json(const struct ib_cpuset *s)
{
	struct json_object *a = json_object_new_array();
	int cpu;

	if (s)
		ib_cpuset_for_each(cpu, s)
			json_object_array_add(a, json_object_new_int(cpu));
	return a;
}

static struct json_object *build_json(struct storm_ctx *ctx, const struct storm_counts *c,
				      const struct ib_cpuset *cpus)
{
	struct json_object *root = json_object_new_object();
	struct json_object *errors = json_object_new_array();
	double achieved = c->duration_s > 0 ? c->ops / c->duration_s : 0;

	for (unsigned int i = 0; i < ctx->nerrors; i++) {
		char buf[320];

		if (ctx->errors[i].count > 1)
			snprintf(buf, sizeof(buf), "%s (%" PRIu64 " times)", ctx->errors[i].msg,
				 ctx->errors[i].count);
		else
			snprintf(buf, sizeof(buf), "%s", ctx->errors[i].msg);
		json_object_array_add(errors, json_object_new_string(buf));
	}
	if (ctx->dropped_errors) {
		char buf[96];

		snprintf(buf, sizeof(buf), "%" PRIu64 " more errors of other kinds",
			 ctx->dropped_errors);
		json_object_array_add(errors, json_object_new_string(buf));
	}
	json_object_object_add(root, "tool", json_object_new_string(TOOL));
	json_object_object_add(root, "schema", json_object_new_int(2));
	json_object_object_add(root, "kind", json_object_new_string(set.kind->name));
	json_object_object_add(root, "target_rate", json_object_new_int64(set.rate));
	json_object_object_add(root, "achieved_rate", ib_json_double(achieved));
	json_object_object_add(root, "ops", json_object_new_int64(c->ops));
	/* The contract names (docs/results.md): the same work on every kernel. */
	json_object_object_add(root, "operations", json_object_new_int64(c->ops));
	if (set.operations) {
		json_object_object_add(root, "operations_target",
				       json_object_new_int64(set.operations));
		json_object_object_add(root, "target_reached",
				       json_object_new_boolean(c->ops >= set.operations));
	}
	if (set.start_signal) {
		struct json_object *w = json_object_new_array();

		json_object_object_add(root, "started_by_signal",
				       json_object_new_boolean(c->started));
		if (c->window_known) {
			json_object_object_add(root, "operations_in_window",
					       json_object_new_int64(c->ops_in_window));
			json_object_array_add(w, ib_json_double(ts_ns(&window_start_ts) / 1e9));
			json_object_array_add(w, ib_json_double(ts_ns(&window_end_ts) / 1e9));
		}
		json_object_object_add(root, "window_mono_s", w);
	}
	json_object_object_add(root, "failed_ops", json_object_new_int64(c->failed_ops));
	json_object_object_add(root, "duration_s", ib_json_double(c->duration_s));
	json_object_object_add(root, "cpus", cpus_json(cpus));
	json_object_object_add(root, "victim_cpus", cpus_json(set.have_victims ? &set.victims
							      : NULL));
	json_object_object_add(root, "errors", errors);
	if (set.kind->setup == bpf_setup) {
		struct json_object *b = json_object_new_object();
		uint64_t waited = ctx->packs_new ? ctx->packs_new : 1;

		json_object_object_add(b, "insns", json_object_new_int64(set.bpf_insns));
		json_object_object_add(b, "batch", json_object_new_int64(set.bpf_batch));
		json_object_object_add(b, "pack_wait", json_object_new_boolean(ctx->pack_wait));
		json_object_object_add(b, "packs_allocated", json_object_new_int64(ctx->packs_new));
		json_object_object_add(b, "packs_freed", json_object_new_int64(ctx->packs_freed));
		json_object_object_add(b, "pack_free_timeouts",
				       json_object_new_int64(ctx->pack_timeouts));
		json_object_object_add(b, "ops_without_new_pack",
				       json_object_new_int64(ctx->ops_no_new_pack));
		json_object_object_add(b, "mean_free_wait_ms",
				       ib_json_double(ctx->pack_wait_ns / 1e6 / waited));
		json_object_object_add(root, "bpf", b);
	}
	return root;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: the pacing sleep returns at once. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = on_window;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
}

/* The CPUs the storm runs on: pin to --cpus, or report the inherited affinity. */
static int storm_pin(struct ib_cpuset *cpus)
{
	cpu_set_t mask;
	int cpu;

	CPU_ZERO(&mask);
	if (set.have_cpus) {
		ib_cpuset_for_each(cpu, &set.cpus)
			if (cpu < CPU_SETSIZE)
				CPU_SET(cpu, &mask);
		if (sched_setaffinity(0, sizeof(mask), &mask)) {
			fprintf(stderr, TOOL ": cannot run on --cpus: %s\n", strerror(errno));
			return -1;
		}
		*cpus = set.cpus;
		return 0;
	}
	ib_cpuset_zero(cpus);
	if (sched_getaffinity(0, sizeof(mask), &mask))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE && cpu < IB_MAX_CPUS; cpu++)
		if (CPU_ISSET(cpu, &mask) && !ib_cpuset_test(&set.victims, cpu))
			ib_cpuset_set(cpus, cpu);
	/* Without --cpus the victims must not share a CPU with the storm either. */
	if (set.have_victims) {
		CPU_ZERO(&mask);
		ib_cpuset_for_each(cpu, cpus)
			CPU_SET(cpu, &mask);
		if (!ib_cpuset_count(cpus) || sched_setaffinity(0, sizeof(mask), &mask)) {
			fprintf(stderr, TOOL ": no CPU left for the storm outside --victim-cpus\n");
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct storm_ctx ctx = { .set = &set, .enable_fd = -1, .kp_fd = -1 };
	struct storm_counts counts = { 0 };
	struct ib_cpuset cpus;
	struct json_object *root;
	int ret = EXIT_OK, s;

	parse_options(argc, argv);
	/* The JSON owns stdout then. */
	if (set.json_path && !strcmp(set.json_path, "-"))
		set.quiet = true;
	install_signals();
	if (storm_pin(&cpus))
		return EXIT_RUNTIME;

	s = set.kind->needs_tracefs ? find_tracefs(&ctx) : 0;
	if (!s)
		s = set.kind->setup(&ctx);
	if (s) {
		fprintf(stderr, TOOL ": %s: %s\n", set.kind->name, ctx.errbuf);
		storm_error(&ctx, "%s", ctx.errbuf);
		ret = s == SETUP_UNSUPPORTED ? EXIT_UNSUPPORTED : EXIT_RUNTIME;
	} else {
		storm_run(&ctx, &counts);
	}
	/* Cleanup also after a half-done setup: each step knows what it made. */
	set.kind->cleanup(&ctx);

	if (!ret) {
		double achieved = counts.duration_s > 0 ? counts.ops / counts.duration_s : 0;

		if (counts.failed_ops)
			ret = EXIT_UNTRUSTWORTHY;
		if (set.start_signal && !counts.started)
			storm_error(&ctx, "the start signal (SIGUSR1) never came: no operation done");
		if (set.operations && counts.ops < set.operations) {
			storm_error(&ctx, "did %" PRIu64 " of the %" PRIu64 " operations asked",
				    counts.ops, set.operations);
			ret = EXIT_UNTRUSTWORTHY;
		}
		if (set.rate && achieved < RATE_TRUST_RATIO * set.rate) {
			storm_error(&ctx, "achieved only %.1f operations/s (%.0f%% of the target)",
				    achieved, 100.0 * achieved / set.rate);
			ret = EXIT_UNTRUSTWORTHY;
		}
		if (stop_signal && set.duration_ns && !window_ended) {
			storm_error(&ctx, "interrupted by signal %d after %.3f s", (int)stop_signal,
				    counts.duration_s);
			ret = EXIT_UNTRUSTWORTHY;
		}
		if (!set.quiet) {
			char target[32] = "max";

			if (set.rate)
				snprintf(target, sizeof(target), "%" PRIu64 "/s", set.rate);
			printf("%s: %" PRIu64 " ops, %" PRIu64 " failed, %.3f s, %.1f ops/s "
			       "(target %s)\n", set.kind->name, counts.ops, counts.failed_ops,
			       counts.duration_s, achieved, target);
		}
		for (unsigned int i = 0; i < ctx.nerrors; i++)
			fprintf(stderr, TOOL ": %s (%" PRIu64 "x)\n", ctx.errors[i].msg,
				ctx.errors[i].count);
	}
	if (set.json_path) {
		root = build_json(&ctx, &counts, &cpus);
		if (ib_json_write(root, set.json_path)) {
			fprintf(stderr, TOOL ": writing %s: %s\n", set.json_path, strerror(errno));
			if (ret == EXIT_OK)
				ret = EXIT_RUNTIME;
		}
		json_object_put(root);
	}
	return ret;
}
