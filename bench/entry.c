// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-entry: the "bad case" of IPI deferral. One pinned worker per CPU
 * enters the kernel at a target rate, for each rate of a list, and times
 * every entry with the TSC. The deferral adds work to every user->kernel
 * transition; this tool shows what that costs as a function of the entry
 * rate and of the kind of entry.
 *
 * With --icount (the guest runs under QEMU's -icount shift=0: one TSC tick
 * per guest instruction) every figure is an exact instruction count, the
 * histograms have a width of one instruction, and the ipi kind measures
 * what one call-function IPI costs the CPU it interrupts (entry_stats.h).
 *
 * Workers are processes, not threads: the pagefault kind recycles its pages
 * with madvise(MADV_DONTNEED), and in a shared mm that would send TLB
 * shootdown IPIs to every other measured CPU, i.e. the tool would create the
 * interference it is used to study. Workers meet at a spinning barrier in a
 * shared mapping and leave their results there.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/membarrier.h>
#include <time.h>
#include <sys/wait.h>

#include <json-c/json.h>

#include "cpulist.h"
#include "entry_stats.h"
#include "jsonout.h"
#include "parse.h"
#include "tsc.h"

#define TOOL "isolbench-entry"

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_UNTRUSTWORTHY = 3,
};

enum entry_kind {
	KIND_GETPID,
	KIND_INKERNEL,
	KIND_PAGEFAULT,
	KIND_IPI,
};

static const struct {
	const char *name;
	const char *help;
} kinds[] = {
	[KIND_GETPID] = { "getpid", "syscall(SYS_getpid): the cheapest round trip" },
	[KIND_INKERNEL] = { "inkernel",
			    "readv() of /dev/zero sized to stay --in-kernel-us in the kernel" },
	[KIND_PAGEFAULT] = { "pagefault",
			     "first write to a fresh anonymous page (recycled by MADV_DONTNEED)" },
	[KIND_IPI] = { "ipi", "--icount only: user-space spin, membarrier() IPIs from --sender-cpu" },
};

/* Option limits; the help text and the range messages are built from these. */
#define DURATION_MIN_NS		(10ULL * 1000000ULL)		/* 10 ms */
#define DURATION_MAX_NS		(86400ULL * 1000000000ULL)	/* 1 day */
#define WARMUP_MAX_NS		(60ULL * 1000000000ULL)
#define BUCKET_WIDTH_MAX	1000000000ULL
#define BUCKETS_MAX		1000000ULL
#define IN_KERNEL_US_MAX	1000ULL
#define PRIORITY_MAX		99ULL
/* All histograms live in one shared mapping; refuse beyond this. */
#define HIST_MEM_MAX		(1ULL << 30)

/* inkernel: one 64 KiB buffer, up to IOV_MAX iovecs pointing at it. */
#define ZERO_CHUNK		(64 * 1024)
/* pagefault: pages touched before the region is recycled. */
#define PF_REGION_BYTES		(64UL * 1024 * 1024)
/* icount: one instruction per bucket, up to this many instructions per entry. */
#define ICOUNT_BUCKETS		200000ULL
/* ipi kind: a TSC step larger than this is a gap (the spin loop is ~15 instructions). */
#define GAP_MIN_TICKS		200
/* ipi kind: gaps logged per CPU and rate, and sends per rate. */
#define GAP_CAP			(1UL << 17)
/* A rate whose achieved value is below this share of the target is suspect. */
#define RATE_TRUST_RATIO	0.9

/* Everything the command line decides, plus the TSC frequency. */
struct entry_settings {
	struct ib_cpuset cpuset;
	int cpus[IB_MAX_CPUS];
	unsigned int ncpus;
	uint64_t rates[ENTRY_MAX_RATES];	/* entries per second, 0 = max */
	size_t nrates;
	enum entry_kind kind;
	uint64_t duration_ns;			/* per rate */
	uint64_t warmup_ns;			/* before each rate */
	uint64_t bucket_width;			/* cycles; 0 = choose from the kind */
	uint64_t nbuckets;
	uint64_t in_kernel_us;
	int priority;				/* SCHED_FIFO; 0 = leave the policy */
	const char *json_path;
	bool quiet;
	bool icount;				/* one TSC tick = one guest instruction */
	int sender_cpu;				/* ipi kind; -1 = none */
	const char *gap_log;			/* ipi kind: raw gaps and sends, CSV */
	unsigned int nparties;			/* barrier: workers, plus the sender */
	double tsc_hz;
};

/* What a worker leaves in the shared mapping for one rate. */
struct entry_result {
	int done;
	int interrupted;
	uint64_t count;
	uint64_t min;
	uint64_t max;
	uint64_t sum;
	uint64_t overflow;
	double elapsed_s;
	double user_ns_mean;
	uint64_t ngaps;		/* ipi kind: gaps (sends, for the sender) logged */
	uint64_t gaps_lost;	/* ... and not logged for want of room */
	uint64_t control_count;	/* ipi kind: gaps without an IPI, after the split */
	uint64_t control_median;
};

/*
 * The shared mapping: a barrier, the stop/abort flags, then
 * results[ncpus * nrates] and the histograms (nbuckets each, same order).
 */
struct entry_shared {
	_Atomic unsigned int barrier_count;
	_Atomic unsigned int barrier_gen;
	_Atomic int stop;	/* SIGINT/SIGTERM: finish the current rate, then end */
	_Atomic int abort;	/* a worker failed: everyone leaves at once */
	struct entry_result results[];
};

/* Per-worker state, private to the worker process. */
struct entry_worker {
	unsigned int index;
	int cpu;
	struct entry_hist hist;
	uint64_t user_sum;
	uint64_t user_n;
	/* inkernel */
	int zero_fd;
	char *zero_buf;
	struct iovec *iov;
	int iovcnt;
	size_t in_kernel_bytes;
	/* pagefault */
	volatile char *pf_region;
	size_t pf_pages;
	size_t pf_next;
	size_t page_size;
};

static struct entry_settings set = {
	.kind = KIND_GETPID,
	.duration_ns = 10ULL * 1000000000ULL,
	.warmup_ns = 500ULL * 1000000ULL,
	.nbuckets = 4000,
	.in_kernel_us = 20,
	.sender_cpu = -1,
};
static struct entry_shared *shared;
static size_t shared_size;

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
	printf("Usage: " TOOL " -c CPUS [options]\n"
	       "Enter the kernel at each target rate on each CPU, timing every entry with the TSC.\n"
	       "\n"
	       "  -c, --cpus LIST          CPUs to measure, e.g. 2-3 (required)\n"
	       "  -r, --rates LIST         entries per second and CPU, e.g. 1000,10k,100000,max\n"
	       "                           (1..%llu each, or max; default 1000,10000,100000,max)\n"
	       "  -k, --kind KIND          getpid (default), inkernel or pagefault:\n",
	       (unsigned long long)ENTRY_MAX_RATE);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		printf("                             %-10s %s\n", kinds[i].name, kinds[i].help);
	printf("  -D, --duration TIME      measured time per rate: 10, 10s, 2m (10ms..1d; default 10s)\n"
	       "      --warmup TIME        unmeasured run before each rate (0..60s; default 500ms)\n"
	       "      --bucket-width N     histogram bucket width in TSC cycles (1..%llu; default 10,\n"
	       "                           for inkernel wide enough for twice --in-kernel-us)\n"
	       "      --buckets N          number of buckets (1..%llu; default 4000)\n"
	       "      --in-kernel-us N     inkernel: time per entry in the kernel (1..%llu; default 20)\n"
	       "  -f, --priority N         SCHED_FIFO priority of the workers (1..%llu; default: none)\n"
	       "      --icount             the guest clock is QEMU's instruction counter (-icount\n"
	       "                           shift=0): report instructions, one per bucket\n"
	       "      --sender-cpu N       ipi kind: the CPU that sends the IPIs (not in --cpus)\n"
	       "      --gap-log FILE       ipi kind: write every gap and send as CSV (cpu,a,b;\n"
	       "                           the sender's rows are its sends)\n"
	       "      --json FILE          write the results as JSON (- = stdout)\n"
	       "  -q, --quiet              no summary on stdout\n"
	       "  -h, --help               this text\n"
	       "\n"
	       "Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 results untrustworthy\n"
	       "(see \"warnings\" in the JSON).\n",
	       (unsigned long long)BUCKET_WIDTH_MAX, (unsigned long long)BUCKETS_MAX,
	       (unsigned long long)IN_KERNEL_US_MAX, (unsigned long long)PRIORITY_MAX);
}

static uint64_t opt_u64(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	char err[256];
	uint64_t v;

	if (ib_parse_u64(arg, min, max, &v, err, sizeof(err)))
		usage_error("%s: %s", opt, err);
	return v;
}

static uint64_t opt_duration(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	char err[256];
	uint64_t v;

	if (ib_parse_duration(arg, min, max, &v, err, sizeof(err)))
		usage_error("%s: %s", opt, err);
	return v;
}

static void parse_options(int argc, char **argv)
{
	enum { OPT_BUCKET_WIDTH = 256, OPT_BUCKETS, OPT_IN_KERNEL_US, OPT_JSON, OPT_WARMUP,
	       OPT_ICOUNT, OPT_SENDER, OPT_GAP_LOG };
	static const struct option longopts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "rates", required_argument, NULL, 'r' },
		{ "kind", required_argument, NULL, 'k' },
		{ "duration", required_argument, NULL, 'D' },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "bucket-width", required_argument, NULL, OPT_BUCKET_WIDTH },
		{ "buckets", required_argument, NULL, OPT_BUCKETS },
		{ "in-kernel-us", required_argument, NULL, OPT_IN_KERNEL_US },
		{ "priority", required_argument, NULL, 'f' },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "icount", no_argument, NULL, OPT_ICOUNT },
		{ "sender-cpu", required_argument, NULL, OPT_SENDER },
		{ "gap-log", required_argument, NULL, OPT_GAP_LOG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_cpus = false, have_rates = false, have_buckets = false;
	char err[256];
	int c;

	while ((c = getopt_long(argc, argv, "c:r:k:D:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (ib_cpuset_parse(optarg, &set.cpuset, err, sizeof(err)))
				usage_error("--cpus: %s", err);
			have_cpus = true;
			break;
		case 'r':
			if (entry_parse_rates(optarg, set.rates, ENTRY_MAX_RATES, &set.nrates,
					      err, sizeof(err)))
				usage_error("--rates: %s", err);
			have_rates = true;
			break;
		case 'k': {
			size_t i;

			for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
				if (!strcmp(optarg, kinds[i].name))
					break;
			if (i == sizeof(kinds) / sizeof(kinds[0]))
				usage_error("--kind: unknown kind '%s' (getpid, inkernel, pagefault or ipi)",
					    optarg);
			set.kind = i;
			break;
		}
		case 'D':
			set.duration_ns = opt_duration("--duration", optarg, DURATION_MIN_NS,
						       DURATION_MAX_NS);
			break;
		case OPT_WARMUP:
			set.warmup_ns = opt_duration("--warmup", optarg, 0, WARMUP_MAX_NS);
			break;
		case OPT_BUCKET_WIDTH:
			set.bucket_width = opt_u64("--bucket-width", optarg, 1, BUCKET_WIDTH_MAX);
			break;
		case OPT_BUCKETS:
			set.nbuckets = opt_u64("--buckets", optarg, 1, BUCKETS_MAX);
			have_buckets = true;
			break;
		case OPT_ICOUNT:
			set.icount = true;
			break;
		case OPT_SENDER:
			set.sender_cpu = opt_u64("--sender-cpu", optarg, 0, IB_MAX_CPUS - 1);
			break;
		case OPT_GAP_LOG:
			set.gap_log = optarg;
			break;
		case OPT_IN_KERNEL_US:
			set.in_kernel_us = opt_u64("--in-kernel-us", optarg, 1, IN_KERNEL_US_MAX);
			break;
		case 'f':
			set.priority = opt_u64("--priority", optarg, 1, PRIORITY_MAX);
			break;
		case OPT_JSON:
			set.json_path = optarg;
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
	if (!have_cpus)
		usage_error("--cpus is required (the CPUs to measure, e.g. -c 2-3)");
	if (set.kind == KIND_IPI) {
		if (!set.icount)
			usage_error("--kind ipi: needs --icount (it splits gaps by the one clock that "
				    "single-threaded TCG with -icount gives every vCPU)");
		if (set.sender_cpu < 0 || ib_cpuset_test(&set.cpuset, set.sender_cpu))
			usage_error("--kind ipi: give --sender-cpu, a CPU that is not in --cpus");
		if (!have_rates) {
			set.rates[0] = 1000;
			set.nrates = 1;
			have_rates = true;
		}
		for (size_t i = 0; i < set.nrates; i++)
			if (!set.rates[i] || set.rates[i] > 100000)
				usage_error("--kind ipi: rates are IPIs per second, 1..100000 (not max)");
	} else if (set.sender_cpu >= 0 || set.gap_log) {
		usage_error("--sender-cpu and --gap-log: only for --kind ipi");
	}
	if (set.icount) {
		/* Exact counts: one instruction per bucket. */
		if (!set.bucket_width)
			set.bucket_width = 1;
		if (!have_buckets)
			set.nbuckets = ICOUNT_BUCKETS;
	}
	if (!have_rates) {
		static const uint64_t defaults[] = { 1000, 10000, 100000, 0 };

		memcpy(set.rates, defaults, sizeof(defaults));
		set.nrates = sizeof(defaults) / sizeof(defaults[0]);
	}
}

/* Every CPU asked for must be online: a worker could not run there otherwise. */
static void check_cpus_online(void)
{
	struct ib_cpuset online;
	char buf[4096], err[256];
	ssize_t n;
	int fd, cpu;

	fd = open("/sys/devices/system/cpu/online", O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (ib_cpuset_parse(buf, &online, err, sizeof(err)))
		return;
	ib_cpuset_for_each(cpu, &set.cpuset) {
		if (!ib_cpuset_test(&online, cpu)) {
			buf[strcspn(buf, "\n")] = '\0';
			usage_error("--cpus: CPU %d is not online (online: %s)", cpu, buf);
		}
	}
}

/* Calibrate on one CPU: the TSCs of different CPUs need not be in sync. */
static int calibrate_tsc(void)
{
	cpu_set_t old, one;
	int tries, ret, cpu = sched_getcpu();

	sched_getaffinity(0, sizeof(old), &old);
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	ret = ib_tsc_calibrate(&set.tsc_hz, &tries);
	sched_setaffinity(0, sizeof(old), &old);
	if (ret < 0) {
		fprintf(stderr, TOOL ": TSC calibration failed: %s\n", strerror(errno));
		return -1;
	}
	if (!set.quiet)
		printf("TSC: %.0f Hz (%d readings of 100 ms)%s\n", set.tsc_hz, tries,
		       ib_tsc_invariant() ? "" : ", CPU does not report an invariant TSC");
	return ret;
}

static struct entry_result *result_of(unsigned int w, size_t r)
{
	return &shared->results[w * set.nrates + r];
}

static uint64_t *hist_of(unsigned int w, size_t r)
{
	char *base = (char *)&shared->results[set.nparties * set.nrates];

	return (uint64_t *)base + ((size_t)w * set.nrates + r) * set.nbuckets;
}

/* ipi kind: the gap log of party @w (the sender's sends at w == ncpus) for rate @r. */
static struct entry_gap *gaps_of(unsigned int w, size_t r)
{
	char *base = (char *)hist_of(set.nparties, 0);

	return (struct entry_gap *)base + ((size_t)w * set.nrates + r) * GAP_CAP;
}

static void on_signal(int sig)
{
	(void)sig;
	if (shared)
		atomic_store(&shared->stop, 1);
}

/*
 * A sense-reversing barrier between worker processes. Workers spin (they
 * own their CPU anyway), which also lets them leave within a few hundred
 * cycles of each other. Returns false when the run is being stopped or
 * aborted.
 */
static bool barrier_wait(void)
{
	unsigned int gen = atomic_load(&shared->barrier_gen);

	if (atomic_fetch_add(&shared->barrier_count, 1) + 1 == set.nparties) {
		atomic_store(&shared->barrier_count, 0);
		atomic_fetch_add(&shared->barrier_gen, 1);
	} else {
		while (atomic_load_explicit(&shared->barrier_gen, memory_order_acquire) == gen) {
			if (atomic_load_explicit(&shared->abort, memory_order_relaxed) ||
			    atomic_load_explicit(&shared->stop, memory_order_relaxed))
				return false;
			ib_cpu_relax();
		}
	}
	return !atomic_load(&shared->abort) && !atomic_load(&shared->stop);
}

__attribute__((format(printf, 2, 3), noreturn))
static void worker_fail(struct entry_worker *w, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, TOOL ": cpu %d: ", w->cpu);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	atomic_store(&shared->abort, 1);
	_exit(EXIT_RUNTIME);
}

static uint64_t zero_read_cycles(struct entry_worker *w)
{
	uint64_t t0, t1, best = UINT64_MAX;
	ssize_t want = 0;

	for (int i = 0; i < w->iovcnt; i++)
		want += w->iov[i].iov_len;
	for (int i = 0; i < 7; i++) {
		t0 = ib_tsc_read_ordered();
		if (readv(w->zero_fd, w->iov, w->iovcnt) != want)
			worker_fail(w, "readv of /dev/zero: %s", strerror(errno));
		t1 = ib_tsc_read_ordered();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

static int zero_iov_fill(struct entry_worker *w, size_t bytes)
{
	int n = (bytes + ZERO_CHUNK - 1) / ZERO_CHUNK;

	if (n > IOV_MAX)
		return -1;
	for (int i = 0; i < n; i++) {
		w->iov[i].iov_base = w->zero_buf;
		w->iov[i].iov_len = i == n - 1 ? bytes - (size_t)i * ZERO_CHUNK : ZERO_CHUNK;
	}
	w->iovcnt = n;
	w->in_kernel_bytes = bytes;
	return 0;
}

/*
 * inkernel: a read of /dev/zero keeps the CPU busy *in the kernel* (clearing
 * the user buffer) for a time proportional to its size, with no sleep, no
 * timer and no idle state involved. nanosleep() would also keep the task in
 * the kernel, but the CPU would go idle (a different context-tracking state,
 * where IPIs are not deferred) and a timer interrupt would end each sleep,
 * i.e. the tool would add the very interruptions it wants to observe.
 * The size is calibrated on the worker's CPU: the fastest of several reads
 * of 1 MiB gives the clearing speed, the size is scaled to --in-kernel-us,
 * then checked once more and corrected.
 */
static void inkernel_setup(struct entry_worker *w)
{
	uint64_t target = (uint64_t)(set.in_kernel_us * set.tsc_hz / 1e6);
	double bytes;

	w->zero_fd = open("/dev/zero", O_RDONLY);
	if (w->zero_fd < 0)
		worker_fail(w, "/dev/zero: %s", strerror(errno));
	w->zero_buf = aligned_alloc(4096, ZERO_CHUNK);
	w->iov = calloc(IOV_MAX, sizeof(*w->iov));
	if (!w->zero_buf || !w->iov)
		worker_fail(w, "out of memory");
	memset(w->zero_buf, 1, ZERO_CHUNK);
	zero_iov_fill(w, 1 << 20);
	bytes = (double)(1 << 20) * target / zero_read_cycles(w);
	for (int pass = 0; pass < 2; pass++) {
		if (bytes < 64)
			bytes = 64;
		if (zero_iov_fill(w, (size_t)bytes))
			worker_fail(w, "--in-kernel-us %" PRIu64 " needs more than %d MiB per read "
				    "of /dev/zero on this CPU; choose a shorter time",
				    set.in_kernel_us, IOV_MAX * ZERO_CHUNK >> 20);
		bytes = bytes * target / zero_read_cycles(w);
	}
}

static void pagefault_setup(struct entry_worker *w)
{
	void *p;

	w->page_size = sysconf(_SC_PAGESIZE);
	w->pf_pages = PF_REGION_BYTES / w->page_size;
	p = mmap(NULL, PF_REGION_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		worker_fail(w, "mmap of %lu MiB: %s", PF_REGION_BYTES >> 20, strerror(errno));
	/*
	 * mlockall(MCL_FUTURE) populated the region; unlock it, so that its
	 * pages can be dropped, and keep transparent huge pages out, so that
	 * every page costs one fault.
	 */
	if (madvise(p, PF_REGION_BYTES, MADV_NOHUGEPAGE) && errno != EINVAL)
		worker_fail(w, "MADV_NOHUGEPAGE on the page-fault region: %s", strerror(errno));
	/* EINVAL: a kernel without transparent huge pages; nothing to keep out. */
	if (munlock(p, PF_REGION_BYTES) ||
	    madvise(p, PF_REGION_BYTES, MADV_DONTNEED))
		worker_fail(w, "preparing the page-fault region: %s", strerror(errno));
	w->pf_region = p;
	w->pf_next = 0;
}

/*
 * One rate for @cycles TSC ticks. Between entries the worker spins on the
 * TSC until the next deadline; a late entry moves the schedule instead of
 * causing a burst of catch-up entries, so a CPU that cannot keep up shows
 * an achieved rate below the target.
 */
static void run_rate(struct entry_worker *w, uint64_t rate, uint64_t cycles,
		     struct entry_result *res)
{
	double period = rate ? set.tsc_hz / (double)rate : 0, next;
	uint64_t start, end, t0, t1, prev_t1 = 0;
	struct entry_hist *h = &w->hist;
	int interrupted = 0;

	entry_hist_reset(h);
	w->user_sum = w->user_n = 0;
	start = ib_tsc_read_ordered();
	end = start + cycles;
	next = (double)start;
	for (;;) {
		if (set.kind == KIND_PAGEFAULT && w->pf_next == w->pf_pages) {
			/* Untimed, and not counted as user time. */
			madvise((void *)w->pf_region, PF_REGION_BYTES, MADV_DONTNEED);
			w->pf_next = 0;
			prev_t1 = 0;
		}
		if (rate)
			while ((double)ib_tsc_read() < next)
				;
		t0 = ib_tsc_read_ordered();
		if (t0 >= end)
			break;
		if (atomic_load_explicit(&shared->stop, memory_order_relaxed)) {
			interrupted = 1;
			break;
		}
		switch (set.kind) {
		case KIND_GETPID:
			syscall(SYS_getpid);
			break;
		case KIND_INKERNEL:
			readv(w->zero_fd, w->iov, w->iovcnt);
			break;
		case KIND_PAGEFAULT:
			w->pf_region[w->pf_next++ * w->page_size] = 1;
			break;
		case KIND_IPI:
			/* Warm-up only: the measured pass spins in spin_gaps(). */
			break;
		}
		t1 = ib_tsc_read_ordered();
		entry_hist_add(h, t1 - t0);
		if (prev_t1) {
			w->user_sum += t0 - prev_t1;
			w->user_n++;
		}
		prev_t1 = t1;
		if (rate) {
			next += period;
			if (next < (double)t1)
				next = (double)t1;
		}
	}
	if (!res)
		return;
	res->count = h->count;
	res->min = h->count ? h->min : 0;
	res->max = h->max;
	res->sum = h->sum;
	res->overflow = h->overflow;
	res->elapsed_s = (double)(t0 - start) / set.tsc_hz;
	res->user_ns_mean = w->user_n ? (double)w->user_sum / w->user_n * 1e9 / set.tsc_hz : 0;
	res->interrupted = interrupted;
}

/*
 * ipi kind, measured CPUs: spin in user space on the TSC and log every
 * step longer than GAP_MIN_TICKS (entry_stats.h says what a gap holds).
 */
static void spin_gaps(uint64_t cycles, struct entry_gap *log, struct entry_result *res)
{
	uint64_t start = ib_tsc_read_ordered(), end = start + cycles, prev = start, now;
	uint64_t n = 0, lost = 0;
	unsigned int iter = 0;
	int interrupted = 0;

	for (;;) {
		now = ib_tsc_read_ordered();
		if (now - prev > GAP_MIN_TICKS) {
			if (n < GAP_CAP) {
				log[n].a = prev;
				log[n].b = now;
				n++;
			} else {
				lost++;
			}
		}
		prev = now;
		if (now >= end)
			break;
		if (!(++iter & 4095) && atomic_load_explicit(&shared->stop, memory_order_relaxed)) {
			interrupted = 1;
			break;
		}
	}
	res->ngaps = n;
	res->gaps_lost = lost;
	res->count = n;
	res->elapsed_s = (double)(now - start) / set.tsc_hz;
	res->interrupted = interrupted;
}

/*
 * ipi kind, the sender: sleep to the next deadline (its vCPU halts and
 * executes nothing), then one membarrier(GLOBAL_EXPEDITED), which IPIs
 * every CPU running a registered process (the spinning workers) and waits
 * until each has run the callback. Logs (TSC before, TSC after) per send.
 */
static void send_ipis(struct entry_worker *w, uint64_t rate, uint64_t cycles,
		      struct entry_gap *log, struct entry_result *res)
{
	uint64_t start = ib_tsc_read_ordered(), end = start + cycles, n = 0, lost = 0, t0, t1;
	uint64_t period_ns = 1000000000ULL / rate;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		next.tv_nsec += period_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		t0 = ib_tsc_read_ordered();
		if (t0 >= end || atomic_load_explicit(&shared->stop, memory_order_relaxed))
			break;
		if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0))
			worker_fail(w, "membarrier(GLOBAL_EXPEDITED): %s", strerror(errno));
		t1 = ib_tsc_read_ordered();
		if (!log)
			continue;
		if (n < GAP_CAP) {
			log[n].a = t0;
			log[n].b = t1;
			n++;
		} else {
			lost++;
		}
	}
	if (res) {
		res->ngaps = n;
		res->gaps_lost = lost;
		res->count = n;
		res->elapsed_s = (double)(t0 - start) / set.tsc_hz;
	}
}

static void __attribute__((noreturn)) sender_main(pid_t parent)
{
	struct entry_worker w = { .index = set.ncpus, .cpu = set.sender_cpu, .zero_fd = -1 };
	uint64_t warmup = (uint64_t)(set.warmup_ns * set.tsc_hz / 1e9);
	uint64_t measure = (uint64_t)(set.duration_ns * set.tsc_hz / 1e9);
	cpu_set_t one;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(EXIT_RUNTIME);
	CPU_ZERO(&one);
	CPU_SET(w.cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		worker_fail(&w, "cannot pin the sender to the CPU: %s", strerror(errno));
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		worker_fail(&w, "mlockall: %s", strerror(errno));
	if (!barrier_wait())
		_exit(atomic_load(&shared->abort) ? EXIT_RUNTIME : EXIT_OK);
	for (size_t r = 0; r < set.nrates; r++) {
		struct entry_result *res = result_of(set.ncpus, r);

		if (!barrier_wait())
			break;
		if (warmup)
			send_ipis(&w, set.rates[r], warmup, NULL, NULL);
		if (!barrier_wait())
			break;
		send_ipis(&w, set.rates[r], measure, gaps_of(set.ncpus, r), res);
		res->done = 1;
	}
	_exit(atomic_load(&shared->abort) ? EXIT_RUNTIME : EXIT_OK);
}

static void __attribute__((noreturn)) worker_main(unsigned int index, pid_t parent)
{
	struct entry_worker w = { .index = index, .cpu = set.cpus[index], .zero_fd = -1 };
	uint64_t warmup = (uint64_t)(set.warmup_ns * set.tsc_hz / 1e9);
	uint64_t measure = (uint64_t)(set.duration_ns * set.tsc_hz / 1e9);
	cpu_set_t one;

	/* The parent owns the flags; without it nobody would ever stop us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(EXIT_RUNTIME);
	CPU_ZERO(&one);
	CPU_SET(w.cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		worker_fail(&w, "cannot pin to the CPU: %s", strerror(errno));
	if (set.priority) {
		struct sched_param sp = { .sched_priority = set.priority };

		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			worker_fail(&w, "SCHED_FIFO priority %d: %s", set.priority,
				    strerror(errno));
	}
	if (entry_hist_init(&w.hist, set.bucket_width, set.nbuckets))
		worker_fail(&w, "histogram: %s", strerror(errno));
	/* After the allocations, so that they are resident too. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		worker_fail(&w, "mlockall: %s", strerror(errno));
	if (set.kind == KIND_INKERNEL)
		inkernel_setup(&w);
	else if (set.kind == KIND_PAGEFAULT)
		pagefault_setup(&w);
	else if (set.kind == KIND_IPI &&
		 syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0))
		worker_fail(&w, "membarrier(REGISTER_GLOBAL_EXPEDITED): %s (the ipi kind needs "
			    "CONFIG_MEMBARRIER)", strerror(errno));

	if (!barrier_wait())
		_exit(atomic_load(&shared->abort) ? EXIT_RUNTIME : EXIT_OK);
	for (size_t r = 0; r < set.nrates; r++) {
		struct entry_result *res = result_of(index, r);

		if (!barrier_wait())
			break;
		if (warmup)
			run_rate(&w, set.rates[r], warmup, NULL);
		if (!barrier_wait())
			break;
		if (set.kind == KIND_IPI)
			spin_gaps(measure, gaps_of(index, r), res);
		else
			run_rate(&w, set.rates[r], measure, res);
		memcpy(hist_of(index, r), w.hist.buckets, set.nbuckets * sizeof(uint64_t));
		res->done = 1;
		if (res->interrupted)
			break;
	}
	_exit(atomic_load(&shared->abort) ? EXIT_RUNTIME : EXIT_OK);
}

static int run_workers(void)
{
	pid_t pids[IB_MAX_CPUS + 1];
	pid_t self = getpid();
	int failed = 0;

	fflush(NULL);
	for (unsigned int i = 0; i < set.nparties; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			fprintf(stderr, TOOL ": fork: %s\n", strerror(errno));
			atomic_store(&shared->abort, 1);
			set.nparties = i;
			failed = 1;
			break;
		}
		if (!pids[i]) {
			if (i == set.ncpus)
				sender_main(self);
			worker_main(i, self);
		}
	}
	for (unsigned int i = 0; i < set.nparties; i++) {
		int status;

		while (waitpid(pids[i], &status, 0) < 0)
			if (errno != EINTR)
				return -1;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != EXIT_OK) {
			if (WIFSIGNALED(status))
				fprintf(stderr, TOOL ": worker on cpu %d killed by signal %d\n",
					i == set.ncpus ? set.sender_cpu : set.cpus[i], WTERMSIG(status));
			atomic_store(&shared->abort, 1);
			failed = 1;
		}
	}
	return failed ? -1 : 0;
}

__attribute__((format(printf, 2, 3)))
static void warn(struct json_object *warnings, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(warnings, json_object_new_string(buf));
	fprintf(stderr, TOOL ": warning: %s\n", buf);
}

static const char *rate_name(uint64_t rate, char *buf, size_t len)
{
	if (!rate)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64 "/s", rate);
	return buf;
}

static struct json_object *result_json(unsigned int w, size_t r, struct json_object *warnings)
{
	const struct entry_result *res = result_of(w, r);
	struct entry_hist h = {
		.width = set.bucket_width, .nbuckets = set.nbuckets, .buckets = hist_of(w, r),
		.overflow = res->overflow, .count = res->count, .min = res->min,
		.max = res->max, .sum = res->sum,
	};
	struct json_object *o = json_object_new_object(), *hist = json_object_new_object();
	uint64_t rate = set.rates[r], median, p99;
	double achieved = res->elapsed_s > 0 ? res->count / res->elapsed_s : 0;
	char name[32];

	median = entry_hist_percentile(&h, 50);
	p99 = entry_hist_percentile(&h, 99);
	for (uint64_t j = 0; j < h.nbuckets; j++) {
		char key[32];

		if (!h.buckets[j])
			continue;
		snprintf(key, sizeof(key), "%" PRIu64, (j + 1) * h.width);
		json_object_object_add(hist, key, json_object_new_int64(h.buckets[j]));
	}
	json_object_object_add(o, "cpu", json_object_new_int(set.cpus[w]));
	json_object_object_add(o, "target_rate", json_object_new_int64(rate));
	json_object_object_add(o, "achieved_rate", ib_json_double(achieved));
	json_object_object_add(o, "count", json_object_new_int64(res->count));
	json_object_object_add(o, "user_ns_between_mean", ib_json_double(res->user_ns_mean));
	json_object_object_add(o, "bucket_width_cycles", json_object_new_int64(h.width));
	json_object_object_add(o, "buckets", json_object_new_int64(h.nbuckets));
	json_object_object_add(o, "min_cycles", json_object_new_int64(res->min));
	json_object_object_add(o, "median_cycles", json_object_new_int64(median));
	json_object_object_add(o, "p99_cycles", json_object_new_int64(p99));
	json_object_object_add(o, "max_cycles", json_object_new_int64(res->max));
	json_object_object_add(o, "overflow", json_object_new_int64(res->overflow));
	json_object_object_add(o, "histogram", hist);

	if (set.icount) {
		uint64_t mode_n, mode = entry_hist_mode(&h, &mode_n);

		/* One tick is one instruction: these are exact counts. */
		json_object_object_add(o, "instructions_median", json_object_new_int64(
			entry_hist_exact_percentile(&h, 50)));
		json_object_object_add(o, "instructions_mode", json_object_new_int64(mode));
		json_object_object_add(o, "mode_share", ib_json_double(
			h.count ? (double)mode_n / h.count : 0));
	}
	if (set.kind == KIND_IPI) {
		const struct entry_result *snd = result_of(set.ncpus, r);
		uint64_t med = entry_hist_exact_percentile(&h, 50);

		json_object_object_add(o, "ipis_sent", json_object_new_int64(snd->ngaps));
		json_object_object_add(o, "gaps_logged", json_object_new_int64(res->ngaps));
		json_object_object_add(o, "gaps_lost", json_object_new_int64(res->gaps_lost));
		json_object_object_add(o, "control_count", json_object_new_int64(res->control_count));
		json_object_object_add(o, "control_median_cycles",
				       json_object_new_int64(res->control_median));
		json_object_object_add(o, "instructions_per_ipi",
				       h.count && res->control_count && med >= res->control_median ?
				       json_object_new_int64(med - res->control_median) : NULL);
		if (res->gaps_lost || snd->gaps_lost)
			warn(warnings, "cpu %d: %" PRIu64 " gaps and %" PRIu64 " sends not logged "
			     "(more than %lu); shorten --duration", set.cpus[w], res->gaps_lost,
			     snd->gaps_lost, GAP_CAP);
	}

	rate_name(rate, name, sizeof(name));
	if (res->interrupted)
		warn(warnings, "cpu %d rate %s: interrupted after %.3f s", set.cpus[w], name,
		     res->elapsed_s);
	if (rate && achieved < RATE_TRUST_RATIO * rate && set.kind != KIND_IPI)
		warn(warnings, "cpu %d rate %s: achieved only %.1f entries/s (%.0f%% of the target)",
		     set.cpus[w], name, achieved, 100.0 * achieved / rate);
	if (!res->count && set.kind == KIND_IPI && res->control_count)
		/* Structural, not a failure: the vCPU that runs just before this
		 * one in QEMU's round robin is the sender, whose code is in every
		 * gap that holds an IPI. build_json() warns when no CPU has any. */
		;
	else if (!res->count)
		warn(warnings, "cpu %d rate %s: no entries", set.cpus[w], name);
	/* In icount mode the tail holds other vCPUs' turns (one shared clock):
	 * a p99 beyond the histogram says nothing about the entries. */
	else if (!set.icount && entry_hist_rank_in_overflow(&h, 99))
		warn(warnings, "cpu %d rate %s: p99 beyond the histogram (%" PRIu64 " cycles); "
		     "raise --bucket-width or --buckets", set.cpus[w], name, h.width * h.nbuckets);

	if (!set.quiet) {
		double ns = 1e9 / set.tsc_hz;

		printf("cpu %3d %10s: %12.1f/s n=%-10" PRIu64 " cycles min %-7" PRIu64
		       " median %-7" PRIu64 " p99 %-7" PRIu64 " max %-9" PRIu64
		       " (median %.0f ns) overflow %" PRIu64 ", user between %.0f ns\n",
		       set.cpus[w], name, achieved, res->count, res->min, median, p99,
		       res->max, median * ns, res->overflow, res->user_ns_mean);
	}
	return o;
}

/*
 * ipi kind: split each receiver's gaps into IPI and control samples and put
 * the IPI ones where the other kinds keep their entry times, so that the
 * JSON and its readers stay the same.
 */
static int split_ipi_gaps(void)
{
	const struct entry_gap *gaps[IB_MAX_CPUS];
	size_t ngaps[IB_MAX_CPUS];

	for (size_t r = 0; r < set.nrates; r++) {
		const struct entry_result *snd = result_of(set.ncpus, r);

		for (unsigned int w = 0; w < set.ncpus; w++) {
			gaps[w] = gaps_of(w, r);
			ngaps[w] = result_of(w, r)->done ? result_of(w, r)->ngaps : 0;
		}
		for (unsigned int w = 0; w < set.ncpus; w++) {
			struct entry_result *res = result_of(w, r);
			struct entry_hist ipi, control;

			if (!res->done)
				continue;
			if (entry_hist_init(&ipi, set.bucket_width, set.nbuckets) ||
			    entry_hist_init(&control, set.bucket_width, set.nbuckets))
				return -1;
			entry_ipi_split(gaps, ngaps, set.ncpus, w, gaps_of(set.ncpus, r),
					snd->done ? snd->ngaps : 0, &ipi, &control);
			memcpy(hist_of(w, r), ipi.buckets, set.nbuckets * sizeof(uint64_t));
			res->count = ipi.count;
			res->min = ipi.count ? ipi.min : 0;
			res->max = ipi.max;
			res->sum = ipi.sum;
			res->overflow = ipi.overflow;
			res->user_ns_mean = 0;
			res->control_count = control.count;
			res->control_median = entry_hist_exact_percentile(&control, 50);
			entry_hist_free(&ipi);
			entry_hist_free(&control);
		}
	}
	return 0;
}

/* ipi kind: the raw material of split_ipi_gaps(), for tests and second looks. */
static int write_gap_log(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "rate,cpu,role,a,b\n");
	for (size_t r = 0; r < set.nrates; r++) {
		for (unsigned int w = 0; w <= set.ncpus; w++) {
			const struct entry_result *res = result_of(w, r);
			const struct entry_gap *g = gaps_of(w, r);

			for (uint64_t i = 0; res->done && i < res->ngaps; i++)
				fprintf(f, "%" PRIu64 ",%d,%s,%" PRIu64 ",%" PRIu64 "\n", set.rates[r],
					w == set.ncpus ? set.sender_cpu : set.cpus[w],
					w == set.ncpus ? "send" : "gap", g[i].a, g[i].b);
		}
	}
	return fclose(f);
}

static struct json_object *build_json(struct json_object *warnings, bool tsc_converged)
{
	struct json_object *root = json_object_new_object();
	struct json_object *cpus = json_object_new_array();
	struct json_object *results = json_object_new_array();

	if (!tsc_converged)
		warn(warnings, "TSC calibration: no two readings of 100 ms agreed within 0.1%%");
	for (unsigned int w = 0; w < set.ncpus; w++) {
		json_object_array_add(cpus, json_object_new_int(set.cpus[w]));
		for (size_t r = 0; r < set.nrates; r++)
			if (result_of(w, r)->done)
				json_object_array_add(results, result_json(w, r, warnings));
	}
	for (size_t r = 0; r < set.nrates && set.kind == KIND_IPI; r++) {
		uint64_t n = 0;
		char name[32];

		for (unsigned int w = 0; w < set.ncpus; w++)
			n += result_of(w, r)->done ? result_of(w, r)->count : 0;
		if (result_of(0, r)->done && !n)
			warn(warnings, "rate %s: no IPI could be attributed on any CPU",
			     rate_name(set.rates[r], name, sizeof(name)));
	}
	for (size_t r = 0; r < set.nrates; r++) {
		char name[32];

		if (!result_of(0, r)->done)
			warn(warnings, "rate %s: not measured (run stopped)",
			     rate_name(set.rates[r], name, sizeof(name)));
	}
	json_object_object_add(root, "tool", json_object_new_string(TOOL));
	json_object_object_add(root, "schema", json_object_new_int(1));
	json_object_object_add(root, "kind", json_object_new_string(kinds[set.kind].name));
	json_object_object_add(root, "tsc_hz", json_object_new_int64(llround(set.tsc_hz)));
	/* icount: QEMU's -icount shift=0 runs the guest clock at 2^0 ns per
	 * instruction and the TSC at one tick per ns. */
	json_object_object_add(root, "guest_clock", json_object_new_string(
		set.icount ? "icount" : "host"));
	if (set.icount)
		json_object_object_add(root, "instructions_per_tick", json_object_new_int(1));
	if (set.kind == KIND_IPI)
		json_object_object_add(root, "sender_cpu", json_object_new_int(set.sender_cpu));
	json_object_object_add(root, "cpus", cpus);
	json_object_object_add(root, "duration_per_rate_s",
			       ib_json_double(set.duration_ns / 1e9));
	json_object_object_add(root, "warnings", json_object_get(warnings));
	json_object_object_add(root, "results", results);
	return root;
}

int main(int argc, char **argv)
{
	struct json_object *warnings, *root;
	struct sigaction sa = { .sa_handler = on_signal };
	size_t hist_bytes;
	int cpu, cal, ret = EXIT_OK;

	parse_options(argc, argv);
	/* The JSON owns stdout then. */
	if (set.json_path && !strcmp(set.json_path, "-"))
		set.quiet = true;
	check_cpus_online();
	ib_cpuset_for_each(cpu, &set.cpuset)
		set.cpus[set.ncpus++] = cpu;

	set.nparties = set.ncpus + (set.kind == KIND_IPI);
	hist_bytes = (size_t)set.nparties * set.nrates * set.nbuckets * sizeof(uint64_t);
	if (hist_bytes > HIST_MEM_MAX)
		usage_error("%u CPUs x %zu rates x %" PRIu64 " buckets need %zu MiB of histograms "
			    "(at most %llu MiB); lower --buckets", set.ncpus, set.nrates,
			    set.nbuckets, hist_bytes >> 20, HIST_MEM_MAX >> 20);

	cal = calibrate_tsc();
	if (cal < 0)
		return EXIT_RUNTIME;
	if (!set.bucket_width) {
		set.bucket_width = 10;
		if (set.kind == KIND_INKERNEL) {
			/* Twice the in-kernel time across the histogram, in tens of cycles. */
			uint64_t span = 2 * set.in_kernel_us * set.tsc_hz / 1e6;
			uint64_t width = (span / set.nbuckets + 9) / 10 * 10;

			if (width > set.bucket_width)
				set.bucket_width = width;
		}
	}

	shared_size = sizeof(*shared) + set.nparties * set.nrates * sizeof(struct entry_result) +
		      hist_bytes;
	if (set.kind == KIND_IPI)
		shared_size += (size_t)set.nparties * set.nrates * GAP_CAP * sizeof(struct entry_gap);
	shared = mmap(NULL, shared_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (shared == MAP_FAILED) {
		fprintf(stderr, TOOL ": mmap of %zu bytes: %s\n", shared_size, strerror(errno));
		return EXIT_RUNTIME;
	}
	/* No SA_RESTART: waitpid() returns, the workers see the stop flag. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (!set.quiet)
		printf("kind %s, %u CPU(s), %zu rate(s), %.3f s per rate, bucket width %" PRIu64
		       " cycles\n", kinds[set.kind].name, set.ncpus, set.nrates,
		       set.duration_ns / 1e9, set.bucket_width);
	if (run_workers()) {
		fprintf(stderr, TOOL ": a worker failed; no results written\n");
		return EXIT_RUNTIME;
	}

	if (set.gap_log && write_gap_log(set.gap_log))
		fprintf(stderr, TOOL ": writing %s: %s\n", set.gap_log, strerror(errno));
	if (set.kind == KIND_IPI && split_ipi_gaps()) {
		fprintf(stderr, TOOL ": out of memory while splitting the gaps\n");
		return EXIT_RUNTIME;
	}
	warnings = json_object_new_array();
	root = build_json(warnings, cal == 0);
	if (json_object_array_length(warnings))
		ret = EXIT_UNTRUSTWORTHY;
	if (set.json_path && ib_json_write(root, set.json_path)) {
		fprintf(stderr, TOOL ": writing %s: %s\n", set.json_path, strerror(errno));
		ret = EXIT_RUNTIME;
	}
	json_object_put(root);
	json_object_put(warnings);
	munmap(shared, shared_size);
	return ret;
}
