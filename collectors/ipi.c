// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-ipi: count the IPIs sent to the isolated CPUs during the
 * measurement window, per callback (the function that will run there), per
 * target CPU, callsite and sending task, from a private tracefs instance.
 *
 *   isolbench-ipi --isolated 2-3 [--json FILE] [--duration S] [--buffer-kb N]
 *                 [--stack] [-q]
 *
 * Runs on a housekeeping CPU until SIGINT/SIGTERM (or --duration), then
 * writes its JSON and exits. It runs as SCHED_FIFO 1 by default: with
 * hackbench on the housekeeping CPUs a normal task gets a few percent of a
 * CPU, which delayed arming by tens of seconds in an emulated guest; the
 * collector itself needs ~1-2% of one CPU at 10,000 events/s.
 *
 * What is traced, all in the instance "isolbench-ipi-<pid>":
 *   ipi:ipi_send_cpu, ipi:ipi_send_cpumask  (sender side; required)
 *   csd:csd_queue_cpu                       (which function an IPI carries)
 *   irq_vectors:{call_function,call_function_single,reschedule,local_timer}_entry
 *                                           (receiver side, on the isolated CPUs)
 *   ct_work_defer, ct_work_run              (patched kernel only, looked up by
 *                                            name in any event system)
 *   context_tracking:user_enter/user_exit, power:cpu_idle
 *                                           (on the isolated CPUs)
 * Each event gets a kernel filter on the isolated CPUs: "F & CPUS{L}" (6.6+),
 * else "F & MASK{L}", else (scalar fields) "F == a || F == b ...". The
 * receiver-side events filter on the common CPU field rather than using
 * the instance's tracing_cpumask, because the sender events of the same
 * instance happen on the housekeeping CPUs and must not be masked out.
 * When the kernel refuses every filter the event is recorded unfiltered
 * and filtered here ("filter_mode": "user").
 *
 * The instance is drained every DRAIN_INTERVAL_MS with
 * tracefs_iterate_raw_events() (one handler per event, non-blocking reads:
 * no reader wake-ups are queued on the isolated CPUs), so a 4 MB/CPU buffer
 * holds far more than a drain interval. Events are enabled while tracing is
 * off and disabled after it is off again, so the text patching caused by
 * enabling them is not counted. CSDs are matched to the IPIs they caused by
 * collectors/ipi_match.c.
 *
 * What the isolated CPUs were doing when each IPI arrived (user, kernel,
 * idle) comes from context_tracking:user_enter/user_exit and power:cpu_idle
 * on them (not with --no-context); ipi_match.c ("Context") has the rules.
 * The per-context counts and times cover the counting window: the runner's
 * steady state (--window-file, read at the end), else tracing on -> off.
 *
 * JSON (schema 2; docs/results.md has the schema 2 members "window",
 * "context" and per_callback[].per_context / per_cpu_context):
 * {
 *   "tool": "isolbench-ipi", "schema": 2,
 *   "kernel": "<uname -r>", "isolated": "2-3",
 *   "duration_s": 20.0,               measured window (tracing on -> off)
 *   "window_mono_s": [on, off],       the window in CLOCK_MONOTONIC seconds
 *   "events_span_mono_s": [first, last], trace timestamps of the first and last event
 *   "trace_clock": "mono" | "local",  clock of the instance (timeline base)
 *   "stopped_by": "signal"|"duration",
 *   "events_available": {"ipi_send_cpu": true, "ipi_send_cpumask": true,
 *       "csd_queue_cpu": true, "call_function_entry": true, ...,
 *       "ct_work_defer": false, "ct_work_run": false},
 *   "filters": {"ipi:ipi_send_cpu": "cpu & CPUS{2-3}" | "user", ...},
 *   "filter_mode": "kernel" | "user"  ("user" if any event is filtered here),
 *   "symbols": "kallsyms" | "unavailable",
 *   "per_callback": [                 largest first; one IPI = one target CPU
 *     {"callback": "do_sync_core",
 *      "source": "csd" (CSD's function) | "ipi" (the IPI's own callback, no
 *                CSD, e.g. "(null)" = reschedule in 6.12) | "unmatched"
 *                (CSD-carrying IPI whose CSD was not found),
 *      "total": N, "per_cpu": {"2": N, "3": N},
 *      "callsites": {"on_each_cpu_cond_mask+0x20": N},
 *      "senders": {"comm": N}}],
 *   "ipis_total": N, "ipis_csd": N, "ipis_direct": N, "ipis_unmatched": N,
 *   "csd_queued": N,       CSDs queued to isolated CPUs
 *   "csd_with_ipi": N,     ... that caused an IPI
 *   "csd_without_ipi": N,  ... that did not (queue not empty / target polling)
 *   "csd_unmatched": N,    ... undecided at the end of the window
 *   "csd": {"func": {"queued": N, "with_ipi": N, "without_ipi": N, "unmatched": N}},
 *   "received": {"call_function": {"2": N, "3": N}, "call_function_single": {...},
 *                "reschedule": {...}, "local_timer": {...}},
 *   "ct_work": {"present": bool, "events": {"defer": "system:name" | null, ...},
 *               "deferred": {"<work type>": {"<target cpu>": N}},
 *               "run": {"<work type>": {"<cpu>": N}}},
 *   "timeline": [{"t": second since start, "callback": "...", "count": N}],
 *   "stacks": {"callback": [{"count": N, "frames": ["sym+0xoff", ...]}]}  (--stack;
 *             the top 20 per callback, one stack per send, innermost frame first)
 *   "stacks_total": {"callback": N}  sends with a stack, all of them   (--stack)
 *   "ring": {"<cpu>": {"overrun": N, "dropped": N}},
 *   "missed_in_stream": N,   missed events reported inside the stream
 *   "lost_events": N, "trustworthy": bool,
 *   "events_seen": N, "events_per_s": X, "drains": N,
 *   "self_cpu_s": X,         this process's user+system CPU time, in all
 *   "self_cpu_setup_s": X,   ... before tracing was on (kallsyms, formats)
 *   "self_cpu_window_s": X,  ... during the window (drains, final drain, JSON)
 *   "self_cpu_window_pct": X, that as % of one CPU over duration_s
 *   "warnings": ["..."]
 * }
 *
 * Exit: 0 ok, 1 runtime failure, 2 bad usage, 3 events were lost (JSON
 * written, "trustworthy": false), 4 tracing not available.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <json-c/json.h>
#include <tracefs.h>

#include "cpulist.h"
#include "ipi_match.h"
#include "jsonout.h"
#include "parse.h"

#define TOOL			"isolbench-ipi"
#define INSTANCE_PREFIX		"isolbench-ipi-"
#define DRAIN_INTERVAL_MS	1000
#define BUFFER_KB_DEFAULT	4096ULL
#define BUFFER_KB_MIN		64ULL
#define BUFFER_KB_MAX		(1024ULL * 1024ULL)
#define DURATION_MAX_NS		(7ULL * 86400ULL * 1000000000ULL)
#define OR_FILTER_MAX_CPUS	64
#define STACK_DEPTH_MAX		32
/* Text patching alone gives a dozen paths (3 syncs x register/unregister x users). */
#define STACKS_PER_CALLBACK	20
#define RT_PRIO_DEFAULT		1ULL
#define RT_PRIO_MAX		99ULL

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_UNTRUSTWORTHY = 3,
	EXIT_UNAVAILABLE = 4,
};

/* Everything the command line decides. */
struct ipi_settings {
	struct ib_cpuset isolated;
	bool have_isolated;
	const char *json_path;
	uint64_t duration_ns;		/* 0 = until a signal */
	uint64_t buffer_kb;
	bool stack;
	bool quiet;
	uint64_t rt_prio;		/* SCHED_FIFO priority, 0 = leave as is */
	const char *armed_file;		/* created once tracing is on */
	const char *no_context;		/* why the context is not traced, or NULL */
	const char *window_file;	/* the steady-state window, read at the end */
};

/* Which field an event is filtered on. */
enum filter_on { FILT_SCALAR, FILT_CPUMASK, FILT_COMMON_CPU, FILT_NONE };

/* One traced event: what it is, and what setup found. */
struct traced_event {
	const char *key;		/* name in events_available */
	const char *system;		/* NULL: looked up by name in any system */
	const char *name;
	enum ib_ipi_rec_type type;
	enum ib_ipi_recv_kind recv;
	enum filter_on filter_on;
	const char *filter_field;	/* FILT_SCALAR/CPUMASK */
	bool required;
	/* found at run time */
	char sys[64];
	struct tep_event *ev;
	struct tep_format_field *f_cpu;	/* target CPU (scalar) */
	struct tep_format_field *f_mask;
	struct tep_format_field *f_callsite;
	struct tep_format_field *f_func;
	struct tep_format_field *f_work;
	struct tep_format_field *f_state;	/* cpu_idle */
	struct ipi_ctx *ctx;
	bool enabled;
	char filter[512];		/* "" = filtered in user space */
};

#define EV(k, s, t, r, fo, ff, req) \
	{ .key = k, .system = s, .name = k, .type = t, .recv = r, .filter_on = fo, \
	  .filter_field = ff, .required = req }

static struct traced_event events[] = {
	EV("ipi_send_cpu", "ipi", IB_IPI_REC_SEND_CPU, 0, FILT_SCALAR, "cpu", true),
	EV("ipi_send_cpumask", "ipi", IB_IPI_REC_SEND_CPUMASK, 0, FILT_CPUMASK, "cpumask", true),
	EV("csd_queue_cpu", "csd", IB_IPI_REC_CSD_QUEUE, 0, FILT_SCALAR, "cpu", false),
	EV("call_function_entry", "irq_vectors", IB_IPI_REC_RECV, IB_IPI_RECV_CALL_FUNCTION,
	   FILT_COMMON_CPU, NULL, false),
	EV("call_function_single_entry", "irq_vectors", IB_IPI_REC_RECV,
	   IB_IPI_RECV_CALL_FUNCTION_SINGLE, FILT_COMMON_CPU, NULL, false),
	EV("reschedule_entry", "irq_vectors", IB_IPI_REC_RECV, IB_IPI_RECV_RESCHEDULE,
	   FILT_COMMON_CPU, NULL, false),
	EV("local_timer_entry", "irq_vectors", IB_IPI_REC_RECV, IB_IPI_RECV_LOCAL_TIMER,
	   FILT_COMMON_CPU, NULL, false),
	/* Patched kernel only; the system is found at run time. */
	EV("ct_work_defer", NULL, IB_IPI_REC_CT_DEFER, 0, FILT_SCALAR, NULL, false),
	EV("ct_work_run", NULL, IB_IPI_REC_CT_RUN, 0, FILT_COMMON_CPU, NULL, false),
	/* What the isolated CPUs are doing (not with --no-context). */
	EV("user_enter", "context_tracking", IB_IPI_REC_USER_ENTER, 0, FILT_COMMON_CPU, NULL,
	   false),
	EV("user_exit", "context_tracking", IB_IPI_REC_USER_EXIT, 0, FILT_COMMON_CPU, NULL, false),
	EV("cpu_idle", "power", IB_IPI_REC_IDLE, 0, FILT_COMMON_CPU, NULL, false),
};

static bool is_context_event(const struct traced_event *te)
{
	return te->type == IB_IPI_REC_USER_ENTER || te->type == IB_IPI_REC_USER_EXIT ||
	       te->type == IB_IPI_REC_IDLE;
}

#define NR_EVENTS (sizeof(events) / sizeof(events[0]))

/* Aggregated kernel stacks of the send events (--stack). */
struct stack_agg {
	char *callback;
	char *frames;			/* "\n"-separated */
	uint64_t count;
};

/* The state of one run. */
struct ipi_ctx {
	const struct ipi_settings *set;
	uint64_t ev_first_ns, ev_last_ns;	/* trace timestamps of the first and last event */
	struct tracefs_instance *inst;
	char inst_name[64];
	struct tep_handle *tep;
	struct ib_ipi_match *match;
	bool symbols;
	struct ksym *syms;		/* sorted by address */
	size_t nsyms;
	char *sym_text;			/* the names live here */
	bool mono_clock;
	uint64_t t_on_ns, t_off_ns;
	uint64_t events_seen;
	uint64_t user_events[IB_MAX_CPUS];	/* user_enter/user_exit per CPU */
	uint64_t win_start_ns, win_end_ns;	/* the counting window */
	const char *win_how;
	uint64_t missed_in_stream;
	bool missed_unknown;
	uint64_t drains;
	uint64_t cmdlines_drain;	/* drain in which saved_cmdlines was last read */
	double cpu_at_arm_s;		/* own CPU time spent on setup */
	int stop_reason;		/* 0 = duration, else the signal */
	struct json_object *warnings;
	bool triggers_set;
	/* --stack: per sending CPU, the callback its last send was given */
	char **last_send_cb;
	int nr_cpus;
	struct stack_agg *stacks;
	size_t nstacks, capstacks;
	struct tep_event *ev_stack;
	struct tep_format_field *f_stack_caller;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

__attribute__((format(printf, 2, 3)))
static void warn(struct ipi_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->set->quiet)
		fprintf(stderr, TOOL ": warning: %s\n", msg);
	json_object_array_add(ctx->warnings, json_object_new_string(msg));
}

/* User + system CPU time of this process so far. */
static double self_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- symbols ------------------------------------------------------------ */

/* One text symbol of /proc/kallsyms. */
struct ksym {
	uint64_t addr;
	const char *name;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Load the text symbols (t/T/w/W) of /proc/kallsyms into a sorted table.
 * Hand-parsed, not tep_parse_kallsyms(): that one costs seconds of CPU in
 * an emulated guest whose housekeeping CPUs are busy with hackbench.
 */
static bool load_kallsyms(struct ipi_ctx *ctx)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	size_t cap = 0, len = 0, n = 0, capsyms = 0;
	char *buf = NULL, *p, *end;
	bool nonzero = false;
	size_t got;

	if (!f)
		return false;
	do {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap ? cap * 2 : 1 << 22);

			if (!nb)
				break;
			buf = nb;
			cap = cap ? cap * 2 : 1 << 22;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	fclose(f);
	if (!buf)
		return false;
	buf[len] = '\0';
	for (p = buf; p < buf + len; p = end + 1) {
		uint64_t addr = 0;
		char type, *name;
		int h;

		end = strchr(p, '\n');
		if (!end)
			end = buf + len;
		*end = '\0';
		while ((h = hexval(*p)) >= 0) {
			addr = addr << 4 | h;
			p++;
		}
		if (*p != ' ' || !p[1] || p[2] != ' ')
			continue;
		type = p[1];
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		name = p + 3;
		name[strcspn(name, " \t")] = '\0';	/* drop "[module]" */
		if (addr)
			nonzero = true;
		if (n == capsyms) {
			size_t nc = capsyms ? capsyms * 2 : 65536;
			struct ksym *ns = realloc(ctx->syms, nc * sizeof(*ns));

			if (!ns)
				break;
			ctx->syms = ns;
			capsyms = nc;
		}
		ctx->syms[n++] = (struct ksym){ addr, name };
	}
	if (!nonzero || !n) {
		free(buf);
		free(ctx->syms);
		ctx->syms = NULL;
		return false;
	}
	qsort(ctx->syms, n, sizeof(*ctx->syms), ksym_cmp);
	ctx->nsyms = n;
	ctx->sym_text = buf;
	return true;
}

/* The symbol containing @addr, or NULL. */
static const struct ksym *ksym_find(struct ipi_ctx *ctx, uint64_t addr)
{
	size_t lo = 0, hi = ctx->nsyms;

	if (!ctx->nsyms || addr < ctx->syms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Past the last symbol: not kernel text we know. */
	if (lo == ctx->nsyms - 1 && addr - ctx->syms[lo].addr > (1 << 20))
		return NULL;
	return &ctx->syms[lo];
}

/* "sym+0xoff" for a code address, or its hex value. */
static const char *sym_offset(struct ipi_ctx *ctx, unsigned long long addr, char *buf, size_t len)
{
	const struct ksym *k = ksym_find(ctx, addr);

	if (k)
		snprintf(buf, len, "%s+0x%llx", k->name, addr - (unsigned long long)k->addr);
	else
		snprintf(buf, len, "0x%llx", addr);
	return buf;
}

/* The bare function name; NULL for a NULL pointer. */
static const char *sym_name(struct ipi_ctx *ctx, unsigned long long addr, char *buf, size_t len)
{
	const struct ksym *k;

	if (!addr)
		return NULL;
	k = ksym_find(ctx, addr);
	if (k && k->addr == addr)
		return k->name;
	return sym_offset(ctx, addr, buf, len);
}

/* ---- event handlers ----------------------------------------------------- */

/*
 * The sender's name from the kernel's saved_cmdlines. Loading that file is
 * the largest fixed cost of a drain (thousands of lines), so it is read again
 * only when a pid is unknown, at most once per drain.
 */
static const char *record_comm(struct ipi_ctx *ctx, struct tep_record *record)
{
	int pid = tep_data_pid(ctx->tep, record);
	const char *comm;

	if (pid == 0)
		return "<idle>";
	comm = tep_data_comm_from_pid(ctx->tep, pid);
	if (strcmp(comm, "<...>") || ctx->cmdlines_drain == ctx->drains)
		return comm;
	ctx->cmdlines_drain = ctx->drains;
	tracefs_load_cmdlines(NULL, ctx->tep);
	return tep_data_comm_from_pid(ctx->tep, pid);
}

static unsigned long long field_num(struct tep_format_field *f, struct tep_record *record)
{
	unsigned long long v = 0;

	if (f)
		tep_read_number_field(f, record->data, &v);
	return v;
}

/* A __data_loc cpumask_t field into @set. */
static int read_cpumask(struct tep_format_field *f, struct tep_record *record,
			struct ib_cpuset *set)
{
	unsigned long long loc;
	unsigned int off, len;
	const unsigned char *bits;

	ib_cpuset_zero(set);
	if (tep_read_number_field(f, record->data, &loc))
		return -1;
	off = loc & 0xffff;
	len = loc >> 16;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		off += f->offset + f->size;
	if (off + len > (unsigned int)record->size)
		return -1;
	bits = (const unsigned char *)record->data + off;
	/* An array of unsigned longs, little-endian on the x86 guests. */
	for (unsigned int i = 0; i < len * 8 && i < IB_MAX_CPUS; i++)
		if (bits[i / 8] & (1u << (i % 8)))
			ib_cpuset_set(set, i);
	return 0;
}

static void feed(struct ipi_ctx *ctx, const struct ib_ipi_rec *rec)
{
	if (ib_ipi_match_feed(ctx->match, rec) && errno == ENOMEM) {
		fprintf(stderr, TOOL ": out of memory\n");
		stop_signal = -1;
	}
}


/* Remember which callback a send was given, for the stack that follows it. */
static void note_send(struct ipi_ctx *ctx, int cpu)
{
	const char *cb = ib_ipi_match_last_callback(ctx->match);

	if (cpu < 0 || cpu >= ctx->nr_cpus)
		return;
	free(ctx->last_send_cb[cpu]);
	ctx->last_send_cb[cpu] = cb ? strdup(cb) : NULL;
}

/* One handler for every traced event; @data is its struct traced_event. */
static int on_event(struct tep_event *event, struct tep_record *record, int cpu, void *data)
{
	struct traced_event *te = data;
	struct ipi_ctx *ctx = te->ctx;
	char cs[256], fn[256], work[128];
	struct ib_cpuset mask;
	struct ib_ipi_rec rec = {
		.type = te->type, .ts_ns = record->ts, .cpu = cpu, .target = -1, .recv = te->recv,
	};

	(void)event;
	ctx->events_seen++;
	if (!ctx->ev_first_ns || record->ts < ctx->ev_first_ns)
		ctx->ev_first_ns = record->ts;
	if (record->ts > ctx->ev_last_ns)
		ctx->ev_last_ns = record->ts;
	switch (te->type) {
	case IB_IPI_REC_CSD_QUEUE:
	case IB_IPI_REC_SEND_CPU:
		rec.target = field_num(te->f_cpu, record);
		/* fall through */
	case IB_IPI_REC_SEND_CPUMASK:
		rec.comm = record_comm(ctx, record);
		rec.callsite = sym_offset(ctx, field_num(te->f_callsite, record), cs, sizeof(cs));
		rec.func = sym_name(ctx, field_num(te->f_func, record), fn, sizeof(fn));
		if (te->type == IB_IPI_REC_SEND_CPUMASK) {
			if (read_cpumask(te->f_mask, record, &mask))
				return 0;
			rec.targets = &mask;
		}
		break;
	case IB_IPI_REC_RECV:
	case IB_IPI_REC_USER_ENTER:
	case IB_IPI_REC_USER_EXIT:
		if (cpu >= 0 && cpu < IB_MAX_CPUS)
			ctx->user_events[cpu]++;
		break;
	case IB_IPI_REC_IDLE:
		/* PWR_EVENT_EXIT is (u32)-1. */
		rec.idle_exit = (uint32_t)field_num(te->f_state, record) == UINT32_MAX;
		break;
	case IB_IPI_REC_CT_DEFER:
		rec.target = field_num(te->f_cpu, record);
		/* fall through */
	case IB_IPI_REC_CT_RUN:
		if (te->f_work && (te->f_work->flags & TEP_FIELD_IS_STRING) &&
		    !(te->f_work->flags & TEP_FIELD_IS_DYNAMIC))
			snprintf(work, sizeof(work), "%.*s", te->f_work->size,
				 (const char *)record->data + te->f_work->offset);
		else
			snprintf(work, sizeof(work), "0x%llx", field_num(te->f_work, record));
		rec.work = work;
		break;
	}
	feed(ctx, &rec);
	if (ctx->set->stack && (te->type == IB_IPI_REC_SEND_CPU ||
				te->type == IB_IPI_REC_SEND_CPUMASK))
		note_send(ctx, cpu);
	return 0;
}

/* Frames that belong to the tracing itself, not to the sender. */
static bool tracing_frame(const char *sym)
{
	return !strncmp(sym, "trace_event_raw_event_", 22) || !strncmp(sym, "__traceiter_", 12) ||
	       !strncmp(sym, "__trace_stack", 13) || !strncmp(sym, "event_triggers_call", 19) ||
	       !strncmp(sym, "stacktrace_trigger", 18) || !strncmp(sym, "trace_event_buffer", 18);
}

/* ftrace:kernel_stack, recorded by the stacktrace trigger right after a send. */
static int on_stack(struct tep_event *event, struct tep_record *record, int cpu, void *data)
{
	struct ipi_ctx *ctx = data;
	struct tep_format_field *f = ctx->f_stack_caller;
	char frames[4096], sym[256];
	size_t len = 0, max;
	const char *cb;
	int n = 0;

	(void)event;
	ctx->events_seen++;
	if (cpu < 0 || cpu >= ctx->nr_cpus || !ctx->last_send_cb[cpu] || !f)
		return 0;
	cb = ctx->last_send_cb[cpu];
	max = (record->size - f->offset) / sizeof(uint64_t);
	frames[0] = '\0';
	for (size_t i = 0; i < max && n < STACK_DEPTH_MAX; i++) {
		uint64_t addr;

		memcpy(&addr, (const char *)record->data + f->offset + i * sizeof(addr), sizeof(addr));
		if (!addr || addr == (uint64_t)-1)
			break;
		sym_offset(ctx, addr, sym, sizeof(sym));
		if (!n && tracing_frame(sym))
			continue;
		len += snprintf(frames + len, sizeof(frames) - len, "%s%s", n ? "\n" : "", sym);
		if (len >= sizeof(frames))
			break;
		n++;
	}
	for (size_t i = 0; i < ctx->nstacks; i++) {
		if (!strcmp(ctx->stacks[i].callback, cb) && !strcmp(ctx->stacks[i].frames, frames)) {
			ctx->stacks[i].count++;
			goto done;
		}
	}
	if (ctx->nstacks == ctx->capstacks) {
		size_t nc = ctx->capstacks ? ctx->capstacks * 2 : 64;
		struct stack_agg *ns = realloc(ctx->stacks, nc * sizeof(*ns));

		if (!ns)
			goto done;
		ctx->stacks = ns;
		ctx->capstacks = nc;
	}
	ctx->stacks[ctx->nstacks].callback = strdup(cb);
	ctx->stacks[ctx->nstacks].frames = strdup(frames);
	ctx->stacks[ctx->nstacks].count = 1;
	if (ctx->stacks[ctx->nstacks].callback && ctx->stacks[ctx->nstacks].frames)
		ctx->nstacks++;
done:
	free(ctx->last_send_cb[cpu]);
	ctx->last_send_cb[cpu] = NULL;
	return 0;
}

static int on_missed(struct tep_event *event, struct tep_record *record, int cpu, void *data)
{
	struct ipi_ctx *ctx = data;

	(void)event;
	(void)cpu;
	if (record->missed_events > 0) {
		ctx->missed_in_stream += record->missed_events;
	} else {
		ctx->missed_in_stream++;
		ctx->missed_unknown = true;
	}
	return 0;
}

/* ---- setup -------------------------------------------------------------- */

/* Whether the process whose pid ends @name is gone. */
static bool owner_dead(const char *name)
{
	long pid = strtol(name + strlen(INSTANCE_PREFIX), NULL, 10);

	return pid > 0 && kill(pid, 0) && errno == ESRCH;
}

/* Instances left by a collector that was killed (SIGKILL leaves them). */
static void remove_stale_instances(struct ipi_ctx *ctx)
{
	char **names = tracefs_instances("^" INSTANCE_PREFIX "[0-9]+$");

	for (int i = 0; names && names[i]; i++) {
		struct tracefs_instance *inst;

		if (!owner_dead(names[i]))
			continue;
		inst = tracefs_instance_alloc(NULL, names[i]);
		if (!inst)
			continue;
		tracefs_trace_off(inst);
		tracefs_event_disable(inst, NULL, NULL);
		if (tracefs_instance_destroy(inst))
			warn(ctx, "cannot remove stale instance %s: %s", names[i], strerror(errno));
		tracefs_instance_free(inst);
	}
	tracefs_list_free(names);
}

/* Find events without a fixed system (the patched kernel's ct_work ones). */
static void locate_events(void)
{
	char **systems = NULL;

	for (size_t i = 0; i < NR_EVENTS; i++) {
		struct traced_event *te = &events[i];

		te->sys[0] = '\0';
		if (te->system) {
			if (tracefs_event_file_exists(NULL, te->system, te->name, "format"))
				snprintf(te->sys, sizeof(te->sys), "%s", te->system);
			continue;
		}
		if (!systems)
			systems = tracefs_event_systems(NULL);
		for (int s = 0; systems && systems[s]; s++) {
			if (tracefs_event_file_exists(NULL, systems[s], te->name, "format")) {
				snprintf(te->sys, sizeof(te->sys), "%s", systems[s]);
				break;
			}
		}
	}
	tracefs_list_free(systems);
}

static struct tep_format_field *first_field(struct tep_event *ev, const char *const *names)
{
	for (; *names; names++) {
		struct tep_format_field *f = tep_find_field(ev, *names);

		if (f)
			return f;
	}
	return NULL;
}

/* Look up the fields a handler reads; false if the event is not usable. */
static bool bind_fields(struct ipi_ctx *ctx, struct traced_event *te)
{
	static const char *const cpu_names[] = { "cpu", "target_cpu", "target", NULL };
	static const char *const work_names[] = { "work", "type", "bits", "work_type", NULL };

	switch (te->type) {
	case IB_IPI_REC_CSD_QUEUE:
		te->f_cpu = tep_find_field(te->ev, "cpu");
		te->f_callsite = tep_find_field(te->ev, "callsite");
		te->f_func = tep_find_field(te->ev, "func");
		return te->f_cpu && te->f_callsite && te->f_func;
	case IB_IPI_REC_SEND_CPU:
		te->f_cpu = tep_find_field(te->ev, "cpu");
		/* fall through */
	case IB_IPI_REC_SEND_CPUMASK:
		te->f_mask = tep_find_field(te->ev, "cpumask");
		te->f_callsite = tep_find_field(te->ev, "callsite");
		te->f_func = tep_find_field(te->ev, "callback");
		return (te->type == IB_IPI_REC_SEND_CPU ? te->f_cpu != NULL :
			te->f_mask && (te->f_mask->flags & TEP_FIELD_IS_DYNAMIC)) &&
		       te->f_callsite && te->f_func;
	case IB_IPI_REC_RECV:
	case IB_IPI_REC_USER_ENTER:
	case IB_IPI_REC_USER_EXIT:
		return true;
	case IB_IPI_REC_IDLE:
		te->f_state = tep_find_field(te->ev, "state");
		return te->f_state != NULL;
	case IB_IPI_REC_CT_DEFER:
		te->f_cpu = first_field(te->ev, cpu_names);
		if (!te->f_cpu || (te->f_cpu->flags & (TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_ARRAY))) {
			warn(ctx, "%s:%s has no scalar target CPU field (cpu/target_cpu/target)",
			     te->sys, te->name);
			return false;
		}
		te->filter_field = te->f_cpu->name;
		/* fall through */
	case IB_IPI_REC_CT_RUN:
		te->f_work = first_field(te->ev, work_names);
		if (!te->f_work) {
			/* Else the first field of its own that is not the CPU. */
			for (struct tep_format_field *f = te->ev->format.fields; f; f = f->next)
				if (f != te->f_cpu) {
					te->f_work = f;
					break;
				}
		}
		if (!te->f_work)
			warn(ctx, "%s:%s: no work-type field, counted as one type", te->sys,
			     te->name);
		return true;
	}
	return false;
}

/*
 * Set the first kernel filter the kernel accepts; "" in te->filter means
 * the event is filtered in user space (ipi_match ignores other CPUs).
 */
static void set_filter(struct ipi_ctx *ctx, struct traced_event *te)
{
	const char *field = te->filter_on == FILT_COMMON_CPU ? "CPU" : te->filter_field;
	char list[256], cand[3][512];
	int ncand = 0, cpu;

	te->filter[0] = '\0';
	if (te->filter_on == FILT_NONE || !field)
		return;
	ib_cpuset_format(&ctx->set->isolated, list, sizeof(list));
	snprintf(cand[ncand++], sizeof(cand[0]), "%s & CPUS{%s}", field, list);
	snprintf(cand[ncand++], sizeof(cand[0]), "%s & MASK{%s}", field, list);
	if (te->filter_on != FILT_CPUMASK &&
	    ib_cpuset_count(&ctx->set->isolated) <= OR_FILTER_MAX_CPUS) {
		size_t len = 0;

		ib_cpuset_for_each(cpu, &ctx->set->isolated) {
			len += snprintf(cand[ncand] + len, sizeof(cand[0]) - len, "%s%s == %d",
					len ? " || " : "", field, cpu);
			if (len >= sizeof(cand[0]))
				break;
		}
		if (len < sizeof(cand[0]))
			ncand++;
	}
	for (int i = 0; i < ncand; i++) {
		if (tracefs_event_file_write(ctx->inst, te->sys, te->name, "filter", cand[i]) >= 0) {
			snprintf(te->filter, sizeof(te->filter), "%s", cand[i]);
			return;
		}
	}
	warn(ctx, "the kernel refused every filter on %s:%s (last: \"%s\"), filtering in user space",
	     te->sys, te->name, cand[ncand - 1]);
}

static int setup_events(struct ipi_ctx *ctx)
{
	const char *systems[NR_EVENTS + 2];
	int nsys = 0;

	locate_events();
	for (size_t i = 0; i < NR_EVENTS; i++) {
		bool dup = false;

		if (!events[i].sys[0] || (ctx->set->no_context && is_context_event(&events[i])))
			continue;
		for (int s = 0; s < nsys; s++)
			dup |= !strcmp(systems[s], events[i].sys);
		if (!dup)
			systems[nsys++] = events[i].sys;
	}
	if (ctx->set->stack)
		systems[nsys++] = "ftrace";
	systems[nsys] = NULL;
	ctx->tep = tracefs_local_events_system(NULL, systems);
	if (!ctx->tep) {
		fprintf(stderr, TOOL ": cannot parse the event formats: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	for (size_t i = 0; i < NR_EVENTS; i++) {
		struct traced_event *te = &events[i];

		te->ctx = ctx;
		te->enabled = false;
		te->ev = te->sys[0] && !(ctx->set->no_context && is_context_event(te)) ?
			 tep_find_event_by_name(ctx->tep, te->sys, te->name) : NULL;
		if (te->ev && !bind_fields(ctx, te)) {
			warn(ctx, "%s:%s lacks the expected fields, not used", te->sys, te->name);
			te->ev = NULL;
		}
		if (!te->ev) {
			if (te->required) {
				fprintf(stderr, TOOL ": trace event ipi:%s is not available "
					"(kernel without CONFIG_TRACEPOINTS or older than 6.4)\n",
					te->name);
				return EXIT_UNAVAILABLE;
			}
			continue;
		}
		set_filter(ctx, te);
		if (tracefs_event_enable(ctx->inst, te->sys, te->name)) {
			fprintf(stderr, TOOL ": cannot enable %s:%s: %s\n", te->sys, te->name,
				strerror(errno));
			return errno == EACCES || errno == EPERM ? EXIT_UNAVAILABLE : EXIT_RUNTIME;
		}
		te->enabled = true;
		if (tracefs_follow_event(ctx->tep, ctx->inst, te->sys, te->name, on_event, te)) {
			fprintf(stderr, TOOL ": cannot follow %s:%s\n", te->sys, te->name);
			return EXIT_RUNTIME;
		}
	}
	if (!events[2].enabled)
		warn(ctx, "csd:csd_queue_cpu is not available: CSD-carrying IPIs cannot be "
		     "attributed to their functions");
	if (tracefs_follow_missed_events(ctx->inst, on_missed, ctx)) {
		fprintf(stderr, TOOL ": cannot follow missed events\n");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* --stack: a stacktrace trigger on both send events, with their filter. */
static int setup_stacks(struct ipi_ctx *ctx)
{
	ctx->ev_stack = tep_find_event_by_name(ctx->tep, "ftrace", "kernel_stack");
	if (ctx->ev_stack)
		ctx->f_stack_caller = tep_find_field(ctx->ev_stack, "caller");
	if (!ctx->ev_stack || !ctx->f_stack_caller) {
		warn(ctx, "no ftrace:kernel_stack event format: --stack ignored");
		return 0;
	}
	ctx->last_send_cb = calloc(ctx->nr_cpus, sizeof(*ctx->last_send_cb));
	if (!ctx->last_send_cb)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		char trig[600];

		snprintf(trig, sizeof(trig), "stacktrace%s%s", events[i].filter[0] ? " if " : "",
			 events[i].filter);
		if (tracefs_event_file_write(ctx->inst, events[i].sys, events[i].name, "trigger",
					     trig) < 0) {
			warn(ctx, "cannot set \"%s\" on %s: %s", trig, events[i].name,
			     strerror(errno));
			continue;
		}
		ctx->triggers_set = true;
	}
	if (tracefs_follow_event(ctx->tep, ctx->inst, "ftrace", "kernel_stack", on_stack, ctx))
		return -1;
	return 0;
}

/* Undo what setup did, in reverse; safe at any stage. */
static void teardown(struct ipi_ctx *ctx)
{
	if (!ctx->inst)
		return;
	tracefs_trace_off(ctx->inst);
	if (ctx->triggers_set) {
		for (size_t i = 0; i < 2; i++) {
			char *t = tracefs_event_file_read(ctx->inst, events[i].sys, events[i].name,
							  "trigger", NULL);

			if (t && !strncmp(t, "stacktrace", 10)) {
				char off[600];

				snprintf(off, sizeof(off), "!%.*s", (int)strcspn(t, "\n:"), t);
				if (strstr(t, " if "))
					snprintf(off, sizeof(off), "!stacktrace if %s",
						 events[i].filter);
				tracefs_event_file_write(ctx->inst, events[i].sys, events[i].name,
							 "trigger", off);
			}
			free(t);
		}
	}
	for (size_t i = 0; i < NR_EVENTS; i++) {
		if (!events[i].enabled)
			continue;
		tracefs_event_disable(ctx->inst, events[i].sys, events[i].name);
		events[i].enabled = false;
	}
	if (tracefs_instance_destroy(ctx->inst))
		fprintf(stderr, TOOL ": cannot remove instance %s: %s\n", ctx->inst_name,
			strerror(errno));
	tracefs_instance_free(ctx->inst);
	ctx->inst = NULL;
}

/* ---- running ------------------------------------------------------------ */

static int drain(struct ipi_ctx *ctx)
{
	ctx->drains++;
	return tracefs_iterate_raw_events(ctx->tep, ctx->inst, NULL, 0, NULL, ctx);
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	/* Interrupted by a stop signal: return at once. */
	nanosleep(&ts, NULL);
}

static void run_window(struct ipi_ctx *ctx)
{
	uint64_t deadline = ctx->set->duration_ns ? ctx->t_on_ns + ctx->set->duration_ns : 0;

	while (!stop_signal) {
		uint64_t ms = DRAIN_INTERVAL_MS, now = mono_ns();

		if (deadline) {
			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000 < ms)
				ms = (deadline - now) / 1000000 + 1;
		}
		sleep_ms(ms);
		if (drain(ctx))
			warn(ctx, "reading the trace buffers failed: %s", strerror(errno));
	}
	ctx->stop_reason = stop_signal;
}

/* ---- results ------------------------------------------------------------ */

/* Overrun / dropped events of every CPU's ring buffer in the instance. */
static uint64_t ring_stats(struct ipi_ctx *ctx, struct json_object *ring)
{
	uint64_t lost = 0;

	for (int cpu = 0; cpu < ctx->nr_cpus; cpu++) {
		char file[64], *text, *p;
		unsigned long long overrun = 0, dropped = 0;
		struct json_object *o;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
		text = tracefs_instance_file_read(ctx->inst, file, NULL);
		if (!text)
			continue;
		p = strstr(text, "\noverrun:");
		if (p || !strncmp(text, "overrun:", 8))
			overrun = strtoull(strchr(p ? p + 1 : text, ':') + 1, NULL, 10);
		p = strstr(text, "dropped events:");
		if (p)
			dropped = strtoull(p + 15, NULL, 10);
		free(text);
		o = json_object_new_object();
		json_object_object_add(o, "overrun", json_object_new_int64(overrun));
		json_object_object_add(o, "dropped", json_object_new_int64(dropped));
		snprintf(file, sizeof(file), "%d", cpu);
		json_object_object_add(ring, file, o);
		lost += overrun + dropped;
	}
	return lost;
}

static int stack_cmp(const void *a, const void *b)
{
	const struct stack_agg *x = a, *y = b;
	int c = strcmp(x->callback, y->callback);

	if (c)
		return c;
	return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->frames, y->frames);
}

static struct json_object *stacks_total_json(struct ipi_ctx *ctx)
{
	struct json_object *o = json_object_new_object(), *n;

	for (size_t i = 0; i < ctx->nstacks; i++) {
		if (!json_object_object_get_ex(o, ctx->stacks[i].callback, &n)) {
			n = json_object_new_int64(0);
			json_object_object_add(o, ctx->stacks[i].callback, n);
		}
		json_object_int_inc(n, ctx->stacks[i].count);
	}
	return o;
}

static struct json_object *stacks_json(struct ipi_ctx *ctx)
{
	struct json_object *o = json_object_new_object(), *arr = NULL;
	const char *cur = NULL;
	int kept = 0;

	qsort(ctx->stacks, ctx->nstacks, sizeof(*ctx->stacks), stack_cmp);
	for (size_t i = 0; i < ctx->nstacks; i++) {
		struct json_object *s, *frames;
		char *copy, *save = NULL;

		if (!cur || strcmp(cur, ctx->stacks[i].callback)) {
			cur = ctx->stacks[i].callback;
			arr = json_object_new_array();
			json_object_object_add(o, cur, arr);
			kept = 0;
		}
		if (kept++ >= STACKS_PER_CALLBACK)
			continue;
		s = json_object_new_object();
		frames = json_object_new_array();
		copy = strdup(ctx->stacks[i].frames);
		for (char *t = copy ? strtok_r(copy, "\n", &save) : NULL; t;
		     t = strtok_r(NULL, "\n", &save))
			json_object_array_add(frames, json_object_new_string(t));
		free(copy);
		json_object_object_add(s, "count", json_object_new_int64(ctx->stacks[i].count));
		json_object_object_add(s, "frames", frames);
		json_object_array_add(arr, s);
	}
	return o;
}

/* "window": the counting window of the per-context counts (schema 2). */
static struct json_object *window_json(struct ipi_ctx *ctx)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "start_mono_s", ib_json_double(ctx->win_start_ns / 1e9));
	json_object_object_add(o, "end_mono_s", ib_json_double(ctx->win_end_ns / 1e9));
	json_object_object_add(o, "duration_s",
			       ib_json_double((ctx->win_end_ns - ctx->win_start_ns) / 1e9));
	json_object_object_add(o, "how", json_object_new_string(ctx->win_how));
	return o;
}

/*
 * "context": whether the per-context counts can be trusted, what they were
 * taken from, and the matcher's times per context (schema 2).
 */
static struct json_object *context_json(struct ipi_ctx *ctx)
{
	struct json_object *o = json_object_new_object(), *used = json_object_new_array();
	char reason[512] = "", buf[160];
	bool all = true;
	int cpu;

	for (size_t i = 0; i < NR_EVENTS; i++) {
		const struct traced_event *te = &events[i];

		if (!is_context_event(te) && te->type != IB_IPI_REC_RECV)
			continue;
		if (te->enabled || te->ev) {
			snprintf(buf, sizeof(buf), "%s:%s", te->sys, te->name);
			json_object_array_add(used, json_object_new_string(buf));
		} else if (is_context_event(te)) {
			all = false;
			if (!reason[0] && !ctx->set->no_context)
				snprintf(reason, sizeof(reason), "trace event %s:%s is not available "
					 "in this kernel", te->system, te->name);
		}
	}
	if (ctx->set->no_context)
		snprintf(reason, sizeof(reason), "%s", ctx->set->no_context);
	if (all && !reason[0]) {
		ib_cpuset_for_each(cpu, &ctx->set->isolated) {
			if (ctx->user_events[cpu])
				continue;
			snprintf(reason, sizeof(reason), "no context_tracking:user_enter/user_exit "
				 "event on CPU %d during the run: context tracking is not active "
				 "there (not nohz_full?), user and kernel time cannot be told apart",
				 cpu);
			break;
		}
	}
	json_object_object_add(o, "classified", json_object_new_boolean(!reason[0]));
	if (reason[0])
		json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_object_add(o, "events", used);
	if (ib_ipi_match_context_json(ctx->match, o))
		fprintf(stderr, TOOL ": out of memory building the JSON\n");
	return o;
}

/*
 * The counting window: the runner's steady-state window (--window-file,
 * lines "start S" and "end S" in CLOCK_MONOTONIC seconds) clipped to the
 * trace, else the collector's own on -> off.
 */
static void decide_window(struct ipi_ctx *ctx)
{
	double start = -1, end = -1, v;
	char line[128], key[16];
	FILE *f;

	ctx->win_start_ns = ctx->t_on_ns;
	ctx->win_end_ns = ctx->t_off_ns;
	ctx->win_how = "collector";
	if (!ctx->set->window_file)
		goto out;
	f = fopen(ctx->set->window_file, "re");
	if (!f) {
		warn(ctx, "no steady-state window (%s: %s): counting from tracing on to off",
		     ctx->set->window_file, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %lf", key, &v) != 2)
			continue;
		if (!strcmp(key, "start"))
			start = v;
		else if (!strcmp(key, "end"))
			end = v;
	}
	fclose(f);
	if (start < 0 || end <= start) {
		warn(ctx, "%s has no complete steady-state window (start %.3f, end %.3f): "
		     "counting from tracing on to off", ctx->set->window_file, start, end);
		goto out;
	}
	if (!ctx->mono_clock) {
		warn(ctx, "the trace clock is not mono: the steady-state window cannot be "
		     "applied, counting from tracing on to off");
		goto out;
	}
	ctx->win_start_ns = (uint64_t)(start * 1e9);
	ctx->win_end_ns = (uint64_t)(end * 1e9);
	if (ctx->win_start_ns < ctx->t_on_ns || ctx->win_end_ns > ctx->t_off_ns)
		warn(ctx, "the steady-state window [%.3f, %.3f] s is not inside the trace "
		     "[%.3f, %.3f] s: clipped", start, end, ctx->t_on_ns / 1e9,
		     ctx->t_off_ns / 1e9);
	if (ctx->win_start_ns < ctx->t_on_ns)
		ctx->win_start_ns = ctx->t_on_ns;
	if (ctx->win_end_ns > ctx->t_off_ns)
		ctx->win_end_ns = ctx->t_off_ns;
	if (ctx->win_end_ns <= ctx->win_start_ns) {
		ctx->win_start_ns = ctx->t_on_ns;
		ctx->win_end_ns = ctx->t_off_ns;
		goto out;
	}
	ctx->win_how = "steady-state";
out:
	if (ctx->mono_clock)
		ib_ipi_match_set_window(ctx->match, ctx->win_start_ns, ctx->win_end_ns);
}

static struct json_object *build_json(struct ipi_ctx *ctx, uint64_t lost,
				      struct json_object *ring)
{
	struct json_object *root = json_object_new_object(), *avail, *filters, *ct, *cte, *o;
	double secs = (ctx->t_off_ns - ctx->t_on_ns) / 1e9;
	bool user_filter = false, ct_present = false;
	double cpu;
	struct utsname uts;
	char buf[256];

	json_object_object_add(root, "tool", json_object_new_string(TOOL));
	json_object_object_add(root, "schema", json_object_new_int(2));
	json_object_object_add(root, "kernel", json_object_new_string(uname(&uts) ? "" : uts.release));
	ib_cpuset_format(&ctx->set->isolated, buf, sizeof(buf));
	json_object_object_add(root, "isolated", json_object_new_string(buf));
	json_object_object_add(root, "duration_s", ib_json_double(secs));
	json_object_object_add(root, "window_mono_s", json_object_new_array_ext(2));
	json_object_array_add(json_object_object_get(root, "window_mono_s"),
			      ib_json_double(ctx->t_on_ns / 1e9));
	json_object_array_add(json_object_object_get(root, "window_mono_s"),
			      ib_json_double(ctx->t_off_ns / 1e9));
	/* The trace's own timestamps of the first and last event seen: with the
	 * mono clock, another recorder of the same events (trace-cmd -C mono)
	 * holds exactly these events between them. */
	json_object_object_add(root, "events_span_mono_s", json_object_new_array_ext(2));
	json_object_array_add(json_object_object_get(root, "events_span_mono_s"),
			      ib_json_double(ctx->ev_first_ns / 1e9));
	json_object_array_add(json_object_object_get(root, "events_span_mono_s"),
			      ib_json_double(ctx->ev_last_ns / 1e9));
	json_object_object_add(root, "trace_clock", json_object_new_string(
		ctx->mono_clock ? "mono" : "local"));
	json_object_object_add(root, "stopped_by", json_object_new_string(
		ctx->stop_reason > 0 ? "signal" : ctx->stop_reason < 0 ? "error" : "duration"));
	avail = json_object_new_object();
	filters = json_object_new_object();
	for (size_t i = 0; i < NR_EVENTS; i++) {
		struct traced_event *te = &events[i];

		json_object_object_add(avail, te->key, json_object_new_boolean(te->ev != NULL));
		if (!te->ev)
			continue;
		snprintf(buf, sizeof(buf), "%s:%s", te->sys, te->name);
		json_object_object_add(filters, buf, json_object_new_string(
			te->filter[0] ? te->filter : "user"));
		if (!te->filter[0])
			user_filter = true;
	}
	json_object_object_add(root, "events_available", avail);
	json_object_object_add(root, "filters", filters);
	json_object_object_add(root, "filter_mode", json_object_new_string(
		user_filter ? "user" : "kernel"));
	json_object_object_add(root, "symbols", json_object_new_string(
		ctx->symbols ? "kallsyms" : "unavailable"));
	if (ib_ipi_match_json(ctx->match, root))
		fprintf(stderr, TOOL ": out of memory building the JSON\n");
	json_object_object_add(root, "window", window_json(ctx));
	json_object_object_add(root, "context", context_json(ctx));

	/* ct_work: "present" and which events, next to the matcher's counts. */
	if (json_object_object_get_ex(root, "ct_work", &ct)) {
		cte = json_object_new_object();
		for (size_t i = 0; i < NR_EVENTS; i++) {
			struct traced_event *te = &events[i];

			if (te->type != IB_IPI_REC_CT_DEFER && te->type != IB_IPI_REC_CT_RUN)
				continue;
			snprintf(buf, sizeof(buf), "%s:%s", te->sys, te->name);
			json_object_object_add(cte, te->type == IB_IPI_REC_CT_DEFER ? "defer" : "run",
					       te->ev ? json_object_new_string(buf) : NULL);
			ct_present |= te->ev != NULL;
		}
		json_object_object_add(ct, "present", json_object_new_boolean(ct_present));
		json_object_object_add(ct, "events", cte);
		if (!ct_present) {
			json_object_object_add(ct, "deferred", json_object_new_string("not present"));
			json_object_object_add(ct, "run", json_object_new_string("not present"));
		}
	}
	if (ctx->set->stack) {
		json_object_object_add(root, "stacks", stacks_json(ctx));
		json_object_object_add(root, "stacks_total", stacks_total_json(ctx));
	}
	json_object_object_add(root, "ring", ring);
	json_object_object_add(root, "missed_in_stream", json_object_new_int64(ctx->missed_in_stream));
	json_object_object_add(root, "lost_events", json_object_new_int64(lost));
	json_object_object_add(root, "trustworthy", json_object_new_boolean(lost == 0));
	json_object_object_add(root, "events_seen", json_object_new_int64(ctx->events_seen));
	json_object_object_add(root, "events_per_s",
			       ib_json_double(secs > 0 ? ctx->events_seen / secs : 0));
	json_object_object_add(root, "drains", json_object_new_int64(ctx->drains));
	cpu = self_cpu_s();
	json_object_object_add(root, "self_cpu_s", ib_json_double(cpu));
	json_object_object_add(root, "self_cpu_setup_s", ib_json_double(ctx->cpu_at_arm_s));
	json_object_object_add(root, "self_cpu_window_s", ib_json_double(cpu - ctx->cpu_at_arm_s));
	json_object_object_add(root, "self_cpu_window_pct",
			       ib_json_double(secs > 0 ? 100 * (cpu - ctx->cpu_at_arm_s) / secs : 0));
	o = json_object_get(ctx->warnings);
	json_object_object_add(root, "warnings", o);
	return root;
}

/* ---- main --------------------------------------------------------------- */

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	return close(fd);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " TOOL " --isolated LIST [options]\n"
		"Counts the IPIs sent to the isolated CPUs, per callback, until SIGINT/SIGTERM\n"
		"or --duration, then writes JSON.\n"
		"  -i, --isolated LIST   isolated CPUs, e.g. 2-3 (required; CPUs 0..%d)\n"
		"  -j, --json FILE       output file, '-' = stdout (default)\n"
		"  -D, --duration TIME   stop after TIME (10, 10s, 2m; 1s..7d; default: until a signal)\n"
		"  -b, --buffer-kb N     ring buffer per CPU in KiB (%llu..%llu, default %llu)\n"
		"  -s, --stack           record a kernel stack per send, report top stacks per callback\n"
		"  -P, --rt-prio N       SCHED_FIFO priority, so that noise on the housekeeping\n"
		"                        CPU delays neither arming nor drains (0..%llu, 0 = off,\n"
		"                        default %llu)\n"
		"  -A, --armed-file F    create F once tracing is on (for a runner to wait on)\n"
		"  -W, --window-file F   read the steady-state window from F at the end (lines\n"
		"                        \"start S\" and \"end S\", CLOCK_MONOTONIC seconds)\n"
		"  -N, --no-context WHY  do not trace what the isolated CPUs are doing (user,\n"
		"                        kernel, idle); WHY goes into the JSON\n"
		"  -q, --quiet           no progress messages\n"
		"  -h, --help            this text\n"
		"Exit: 0 ok, 1 runtime failure, 2 bad usage, 3 events lost (untrustworthy),\n"
		"      4 tracing not available.\n",
		IB_MAX_CPUS - 1, BUFFER_KB_MIN, BUFFER_KB_MAX, BUFFER_KB_DEFAULT, RT_PRIO_MAX,
		RT_PRIO_DEFAULT);
}

static int parse_args(int argc, char **argv, struct ipi_settings *set)
{
	static const struct option opts[] = {
		{ "isolated", required_argument, NULL, 'i' },
		{ "json", required_argument, NULL, 'j' },
		{ "duration", required_argument, NULL, 'D' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "stack", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rt-prio", required_argument, NULL, 'P' },
		{ "armed-file", required_argument, NULL, 'A' },
		{ "window-file", required_argument, NULL, 'W' },
		{ "no-context", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	int c;

	memset(set, 0, sizeof(*set));
	set->json_path = "-";
	set->buffer_kb = BUFFER_KB_DEFAULT;
	set->rt_prio = RT_PRIO_DEFAULT;
	while ((c = getopt_long(argc, argv, "i:j:D:b:sqP:A:W:N:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (ib_cpuset_parse(optarg, &set->isolated, err, sizeof(err))) {
				fprintf(stderr, TOOL ": --isolated: %s (a CPU list, CPUs 0..%d)\n",
					err, IB_MAX_CPUS - 1);
				return -1;
			}
			set->have_isolated = true;
			break;
		case 'j':
			set->json_path = optarg;
			break;
		case 'D':
			if (ib_parse_duration(optarg, 1000000000ULL, DURATION_MAX_NS,
					      &set->duration_ns, err, sizeof(err))) {
				fprintf(stderr, TOOL ": --duration: %s\n", err);
				return -1;
			}
			break;
		case 'b':
			if (ib_parse_u64(optarg, BUFFER_KB_MIN, BUFFER_KB_MAX, &set->buffer_kb,
					 err, sizeof(err))) {
				fprintf(stderr, TOOL ": --buffer-kb: %s\n", err);
				return -1;
			}
			break;
		case 's':
			set->stack = true;
			break;
		case 'q':
			set->quiet = true;
			break;
		case 'P':
			if (ib_parse_u64(optarg, 0, RT_PRIO_MAX, &set->rt_prio, err, sizeof(err))) {
				fprintf(stderr, TOOL ": --rt-prio: %s\n", err);
				return -1;
			}
			break;
		case 'A':
			set->armed_file = optarg;
			break;
		case 'W':
			set->window_file = optarg;
			break;
		case 'N':
			set->no_context = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, TOOL ": unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!set->have_isolated) {
		fprintf(stderr, TOOL ": --isolated is required\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ipi_settings set;
	struct ipi_ctx ctx = { .set = &set };
	struct json_object *root = NULL, *ring;
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t lost;
	int ret;

	if (parse_args(argc, argv, &set))
		return EXIT_USAGE;
	/* No SA_RESTART: a stop signal ends the drain interval's sleep. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	ctx.warnings = json_object_new_array();
	if (set.rt_prio) {
		struct sched_param sp = { .sched_priority = set.rt_prio };

		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			warn(&ctx, "SCHED_FIFO %llu: %s (running at normal priority)",
			     (unsigned long long)set.rt_prio, strerror(errno));
	}
	ctx.nr_cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (ctx.nr_cpus < 1 || ctx.nr_cpus > IB_MAX_CPUS)
		ctx.nr_cpus = IB_MAX_CPUS;
	if (ib_cpuset_max(&set.isolated) >= ctx.nr_cpus) {
		fprintf(stderr, TOOL ": --isolated: CPU %d does not exist (CPUs 0..%d)\n",
			ib_cpuset_max(&set.isolated), ctx.nr_cpus - 1);
		return EXIT_USAGE;
	}
	if (!tracefs_tracing_dir()) {
		fprintf(stderr, TOOL ": tracefs is not mounted and cannot be mounted\n");
		ret = EXIT_UNAVAILABLE;
		goto out;
	}
	remove_stale_instances(&ctx);
	snprintf(ctx.inst_name, sizeof(ctx.inst_name), INSTANCE_PREFIX "%d", (int)getpid());
	ctx.inst = tracefs_instance_create(ctx.inst_name);
	if (!ctx.inst) {
		fprintf(stderr, TOOL ": cannot create tracefs instance %s: %s\n", ctx.inst_name,
			strerror(errno));
		ret = errno == EACCES || errno == EPERM || errno == ENOENT ? EXIT_UNAVAILABLE :
									     EXIT_RUNTIME;
		goto out;
	}
	/* Off until everything is configured. */
	if (tracefs_trace_off(ctx.inst) ||
	    tracefs_instance_set_buffer_size(ctx.inst, set.buffer_kb, -1)) {
		fprintf(stderr, TOOL ": cannot configure instance %s: %s\n", ctx.inst_name,
			strerror(errno));
		ret = EXIT_RUNTIME;
		goto out_teardown;
	}
	/* CLOCK_MONOTONIC timestamps: the timeline starts when tracing does. */
	ctx.mono_clock = tracefs_instance_file_write(ctx.inst, "trace_clock", "mono") > 0;
	if (!ctx.mono_clock)
		warn(&ctx, "trace_clock mono not available: timeline starts at the first event");

	ret = setup_events(&ctx);
	if (ret)
		goto out_teardown;
	if (set.stack && setup_stacks(&ctx)) {
		fprintf(stderr, TOOL ": --stack: out of memory\n");
		ret = EXIT_RUNTIME;
		goto out_teardown;
	}

	ctx.cpu_at_arm_s = self_cpu_s();
	ctx.t_on_ns = mono_ns();
	ctx.match = ib_ipi_match_new(&set.isolated, ctx.mono_clock ? ctx.t_on_ns : 0);
	if (!ctx.match) {
		fprintf(stderr, TOOL ": out of memory\n");
		ret = EXIT_RUNTIME;
		goto out_teardown;
	}
	if (tracefs_trace_on(ctx.inst)) {
		fprintf(stderr, TOOL ": cannot turn tracing on: %s\n", strerror(errno));
		ret = EXIT_RUNTIME;
		goto out_teardown;
	}
	if (!set.quiet)
		fprintf(stderr, TOOL ": armed (instance %s)\n", ctx.inst_name);
	if (set.armed_file && touch(set.armed_file))
		warn(&ctx, "cannot create %s: %s", set.armed_file, strerror(errno));
	/* Symbols are only needed when draining: after arming, not before. */
	ctx.symbols = load_kallsyms(&ctx);
	if (!ctx.symbols)
		warn(&ctx, "/proc/kallsyms gives no addresses: callbacks are shown as addresses "
		     "and cannot be matched by name");

	run_window(&ctx);

	tracefs_trace_off(ctx.inst);
	ctx.t_off_ns = mono_ns();
	if (drain(&ctx))
		warn(&ctx, "reading the trace buffers failed: %s", strerror(errno));
	ib_ipi_match_finish(ctx.match);
	decide_window(&ctx);
	ring = json_object_new_object();
	lost = ring_stats(&ctx, ring);
	if (!lost && ctx.missed_in_stream)
		lost = ctx.missed_in_stream;
	if (lost)
		warn(&ctx, "%llu event(s) lost: the counts are incomplete",
		     (unsigned long long)lost);
	teardown(&ctx);

	root = build_json(&ctx, lost, ring);
	if (ib_json_write(root, set.json_path)) {
		fprintf(stderr, TOOL ": writing %s: %s\n", set.json_path, strerror(errno));
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (!set.quiet) {
		struct ib_ipi_totals t;

		ib_ipi_match_totals(ctx.match, &t);
		fprintf(stderr, TOOL ": %.1f s, %llu IPIs to isolated CPUs (%llu unmatched), "
			"%llu events, %llu lost\n", (ctx.t_off_ns - ctx.t_on_ns) / 1e9,
			(unsigned long long)t.ipis, (unsigned long long)t.ipis_unmatched,
			(unsigned long long)ctx.events_seen, (unsigned long long)lost);
	}
	if (ctx.stop_reason < 0)
		ret = EXIT_RUNTIME;
	else
		ret = lost ? EXIT_UNTRUSTWORTHY : EXIT_OK;
	goto out;

out_teardown:
	teardown(&ctx);
out:
	json_object_put(root);
	json_object_put(ctx.warnings);
	ib_ipi_match_free(ctx.match);
	if (ctx.tep)
		tep_free(ctx.tep);
	for (int i = 0; ctx.last_send_cb && i < ctx.nr_cpus; i++)
		free(ctx.last_send_cb[i]);
	free(ctx.last_send_cb);
	for (size_t i = 0; i < ctx.nstacks; i++) {
		free(ctx.stacks[i].callback);
		free(ctx.stacks[i].frames);
	}
	free(ctx.stacks);
	free(ctx.syms);
	free(ctx.sym_text);
	return ret;
}
