// SPDX-License-Identifier: GPL-2.0
/*
 * The table of kinds and the campaign file's fields (see kinds.h). Ranges
 * and defaults are written here once; the checker, the job loader, the
 * runner, docs/config.md and configs/campaign.schema.json take them from
 * here.
 */
#include "kinds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* --- settings blocks of the case kinds (cases[].<kind>) ------------------- */

static const struct ib_field entry_settings[] = {
	{ "rates", IB_FT_RATES, 1, IB_ENTRY_MAX_RATES, "1000,10000,100000,max", NULL, 0, NULL, 0,
	  "kernel entries per second and isolated CPU, swept in this order; k and M suffixes, "
	  "max = as fast as possible; each rate gets duration / (number of rates)" },
	{ "kind", IB_FT_KIND, 0, 0, "getpid", NULL, IB_KC_ENTRY, NULL, 0,
	  "how the isolated CPUs enter the kernel" },
	{ .name = NULL },
};

static const struct ib_field oslat_settings[] = {
	{ "buckets", IB_FT_INT, 4, 1024, "1024", NULL, 0, NULL, 0,
	  "histogram buckets (oslat -b)" },
	{ "bucket_width_ns", IB_FT_INT, 1, 1000000, "1000", NULL, 0, NULL, 0,
	  "width of one histogram bucket in ns (oslat -W)" },
	{ .name = NULL },
};

static const struct ib_field cyclictest_settings[] = {
	{ "buckets", IB_FT_INT, 10, 100000, "1000", NULL, 0, NULL, 0,
	  "histogram buckets of 1 us (cyclictest -h)" },
	{ "interval_us", IB_FT_INT, 50, 1000000, "200", NULL, 0, NULL, 0,
	  "wake-up interval in us (cyclictest -i)" },
	{ "priority", IB_FT_INT, 1, 99, "95", NULL, 0, NULL, 0,
	  "SCHED_FIFO priority of the measuring threads (cyclictest -p)" },
	{ .name = NULL },
};

/* --- the kinds ------------------------------------------------------------ */

static const char *const storm_argv[] = {
	"isolbench-storm", "--kind", "{kind}", "--rate", "{rate}",
	/* Until stopped: collectors may take a while to arm. */
	"--duration", "0", "--cpus", "{hk}", "--json", "{out}", "-q", NULL,
};
static const char *const storm_victims_argv[] = {
	"isolbench-storm", "--kind", "{kind}", "--rate", "{rate}", "--duration", "0",
	"--cpus", "{hk}", "--victim-cpus", "{iso}", "--json", "{out}", "-q", NULL,
};

#define CASE(n, h, set, sec) \
	{ .cls = IB_KC_CASE, .name = n, .help = h, .settings = set, .section = sec, \
	  .task = n, .builder = "add_measurement" }
#define NOISE(n, h, ...) \
	{ .cls = IB_KC_NOISE, .name = n, .help = h, .task = n, .argv = ARGV(__VA_ARGS__), \
	  .flags = IB_KF_RESTART, .section = "runs" }
#define PROVOKER(n, h, av, fl) \
	{ .cls = IB_KC_PROVOKER, .name = n, .help = h, .task = "storm-" n, \
	  .out = "storm-" n ".json", .argv = av, .flags = fl, .section = "work" }
#define COLLECTOR(n, h, t, o, sec) \
	{ .cls = IB_KC_COLLECTOR, .name = n, .help = h, .task = t, .out = o, .section = sec, \
	  .builder = t ? "add_collector" : NULL }
#define WORD(c, n, h) { .cls = c, .name = n, .help = h }

const struct ib_kind ib_kinds[] = {
	CASE("oslat", "oslat spins in user space on every isolated CPU and records each gap "
	     "(the good case)", oslat_settings, "good"),
	CASE("cyclictest", "cyclictest: one SCHED_FIFO thread per isolated CPU wakes from a "
	     "timer every interval_us (timer wake-up latency)", cyclictest_settings, "timer"),
	CASE("entry", "isolbench-entry: the isolated CPUs enter the kernel at swept rates "
	     "(the bad case: the cost of kernel entries)", entry_settings, "bad"),
	CASE("idle", "nothing runs on the isolated CPUs but what the provokers put there; "
	     "the window is a sleep on a housekeeping CPU", NULL, "ipis"),

	NOISE("hackbench", "rteval's load: hackbench processes, 3 groups per housekeeping "
	      "CPU, 1000 loops of 1000 bytes",
	      "hackbench", "-P", "-g", "{nhk3}", "-l", "1000", "-s", "1000"),
	NOISE("hackbench-lowmem", "hackbench with one group per housekeeping CPU and "
	      "100-byte messages (small guests)",
	      "hackbench", "-P", "-g", "{nhk}", "-l", "1000", "-s", "100"),
	NOISE("kbuild", "a Linux kernel build on the housekeeping CPUs (the seed's load)",
	      "/opt/isolbench/bin/isolbench-kbuild-noise", "{nhk}"),

	PROVOKER("tracepoint", "enable and disable a trace event: text patching "
		 "(text_poke_sync IPIs)", storm_argv, 0),
	PROVOKER("kprobe", "enable and disable a kprobe: text patching", storm_argv, 0),
	PROVOKER("bpf", "attach a JIT-compiled socket filter and close it: kernel TLB "
		 "flushes of the JIT's memory", storm_argv, 0),
	PROVOKER("module", "load and unload isolbench_provoke.ko, whose init and exit patch a "
		 "static key and a static call: text patching from module code", storm_argv, 0),
	PROVOKER("munmap", "mmap, touch and munmap while victim threads of the same mm spin "
		 "on the isolated CPUs: a user TLB shootdown the series must not change "
		 "(the control)", storm_victims_argv, IB_KF_VICTIMS),

	COLLECTOR("irqstat", "/proc/interrupts and /proc/softirqs, snapshot by the runner "
		  "before and after the run (no process of its own)", NULL, NULL, "ipis"),
	COLLECTOR("ipi", "isolbench-ipi: every IPI sent to an isolated CPU, per callback, "
		  "from the ipi/csd trace events in a private tracefs instance",
		  "ipi", "ipi.json", "ipis"),
	COLLECTOR("ipi-stacks", "the ipi collector, also recording the sender's kernel "
		  "stack of every IPI", "ipi", "ipi.json", "stacks"),
	COLLECTOR("trace-cmd", "the seed's pipeline: trace-cmd record of the same events, "
		  "for cross-checking the ipi collector", "trace-cmd", "trace.dat", "ipis"),
	COLLECTOR("osnoise", "isolbench-osnoise: the osnoise tracer, without a workload of its "
		  "own, under the measurement: noise time per source", "osnoise", "osnoise.json",
		  "osnoise"),

	WORD(IB_KC_ENTRY, "getpid", "a getpid() system call"),
	WORD(IB_KC_ENTRY, "inkernel", "a system call that stays in the kernel for a while"),
	WORD(IB_KC_ENTRY, "pagefault", "a minor page fault"),
	WORD(IB_KC_ENTRY, "ipi", "what one call-function IPI costs the measured CPUs (icount "
	     "mode only: guest.accel icount or the case's when_tcg icount)"),

	WORD(IB_KC_ACCEL, "auto", "KVM when a probe boot shows it works, else tcg"),
	WORD(IB_KC_ACCEL, "kvm", "KVM; the campaign stops when it does not work"),
	WORD(IB_KC_ACCEL, "tcg", "QEMU's emulator"),
	WORD(IB_KC_ACCEL, "icount", "single-threaded TCG whose guest clock is the instruction "
	     "counter (one ns per instruction): exact instruction counts"),

	WORD(IB_KC_WHEN_TCG, "tcg", "under TCG the case runs as every other"),
	WORD(IB_KC_WHEN_TCG, "icount", "under TCG this case's guests count instructions (KVM "
	     "is not affected)"),

	WORD(IB_KC_TCG_THREADS, "multi", "under TCG: one host thread per vCPU"),
	WORD(IB_KC_TCG_THREADS, "single", "under TCG: all vCPUs on one host thread"),
};
const size_t ib_nkinds = sizeof(ib_kinds) / sizeof(ib_kinds[0]);

/* --- the campaign file ---------------------------------------------------- */

static const struct ib_field kernel_fields[] = {
	{ "name", IB_FT_NAME, 1, 64, NULL, NULL, 0, NULL, IB_FF_REQUIRED,
	  "the kernel's name in run ids, folders and the report" },
	{ "source", IB_FT_SOURCE, 0, 0, "debian:linux-source-6.12", NULL, 0, NULL, 0,
	  "debian:<package>, a kernel tree or a tarball" },
	{ "series", IB_FT_PATH, 0, 0, NULL, "none: the source unpatched", 0, NULL, 0,
	  "a folder with a quilt-style 'series' file and the patches it names" },
	{ "patches", IB_FT_INT, 1, 1000, NULL, "all of the series", 0, NULL, 0,
	  "only the first N patches of the series (cost per patch, bisect style)" },
	{ "fragments", IB_FT_PATH_LIST, 1, 64, NULL, NULL, 0, NULL, IB_FF_REQUIRED,
	  "config fragments: names in guest-kernel/fragments/ or paths" },
	{ .name = NULL },
};

static const struct ib_field guest_fields[] = {
	{ "vcpus", IB_FT_INT, 2, IB_MAX_CPUS, "4", NULL, 0, NULL, 0, "vCPUs of every guest" },
	{ "housekeeping", IB_FT_CPULIST, 0, 0, NULL, NULL, 0, NULL, IB_FF_REQUIRED,
	  "housekeeping vCPUs (must include 0); noise and provokers run here" },
	{ "isolated", IB_FT_CPULIST, 0, 0, NULL, NULL, 0, NULL, IB_FF_REQUIRED,
	  "isolated (nohz_full) vCPUs; the measurement runs here" },
	{ "memory_mib", IB_FT_INT, 512, 1024 * 1024, "2048", NULL, 0, NULL, 0,
	  "guest memory in MiB" },
	{ "accel", IB_FT_KIND, 0, 0, "auto", NULL, IB_KC_ACCEL, NULL, 0, "how guests run" },
	{ "tcg_threads", IB_FT_KIND, 0, 0, "multi", NULL, IB_KC_TCG_THREADS, NULL, 0,
	  "QEMU's threading under TCG" },
	{ "host_cpus", IB_FT_CPULIST_AUTO, 0, 0, "auto", NULL, 0, NULL, 0,
	  "host CPUs for the vCPUs (one per vCPU), or auto" },
	{ "emulator_cpus", IB_FT_CPULIST_AUTO, 0, 0, "auto", NULL, 0, NULL, 0,
	  "host CPUs for QEMU's emulator threads, or auto (the host's housekeeping CPUs)" },
	{ "extra_cmdline", IB_FT_STRING, 0, 0, "", NULL, 0, NULL, 0,
	  "appended to the guest kernel's command line" },
	{ .name = NULL },
};

static const struct ib_field provoker_fields[] = {
	{ "kind", IB_FT_KIND, 0, 0, NULL, NULL, IB_KC_PROVOKER, NULL, IB_FF_REQUIRED,
	  "what the provoker does" },
	{ "rate", IB_FT_INT, 1, 100000, "10", NULL, 0, NULL, 0, "operations per second" },
	{ "operations", IB_FT_INT, 1, 100000000, NULL, "rate x duration (the runner's)", 0, NULL,
	  0, "operations per run: the same work on every kernel" },
	{ .name = NULL },
};

static const struct ib_field case_fields[] = {
	{ "name", IB_FT_NAME, 1, 64, NULL, "the case's kind", 0, NULL, 0,
	  "the case name: in run ids, folders and the report; unique" },
	{ "kind", IB_FT_KIND, 0, 0, NULL, NULL, IB_KC_CASE, NULL, IB_FF_REQUIRED,
	  "the case kind: what is measured on the isolated CPUs" },
	{ "noise", IB_FT_KIND_LIST, 0, IB_JOB_MAX_ITEMS, "[]", NULL, IB_KC_NOISE, NULL, 0,
	  "load on the housekeeping CPUs, restarted while the run lasts" },
	{ "provokers", IB_FT_LIST, 0, IB_JOB_MAX_ITEMS, "[]", NULL, 0, provoker_fields, 0,
	  "IPI provokers (isolbench-storm) on the housekeeping CPUs" },
	{ "collectors", IB_FT_KIND_LIST, 0, IB_JOB_MAX_ITEMS, "[]", NULL, IB_KC_COLLECTOR, NULL, 0,
	  "what is recorded during the measurement" },
	{ "entry", IB_FT_OBJECT, 0, 0, NULL, NULL, 0, entry_settings, 0,
	  "settings of the entry case" },
	{ "oslat", IB_FT_OBJECT, 0, 0, NULL, NULL, 0, oslat_settings, 0,
	  "settings of the oslat case" },
	{ "cyclictest", IB_FT_OBJECT, 0, 0, NULL, NULL, 0, cyclictest_settings, 0,
	  "settings of the cyclictest case" },
	{ "when_tcg", IB_FT_KIND, 0, 0, "tcg", NULL, IB_KC_WHEN_TCG, NULL, 0,
	  "the case's mode when the host runs its guests under TCG (guest.accel auto or tcg)" },
	{ .name = NULL },
};

static const struct ib_field report_fields[] = {
	{ "include_flagged_runs", IB_FT_BOOL, 0, 0, "false", NULL, 0, NULL, 0,
	  "also count runs the report flagged (e.g. a provoker short of its target)" },
	{ .name = NULL },
};

const struct ib_field ib_campaign_fields[] = {
	{ "name", IB_FT_NAME, 1, 64, "campaign", NULL, 0, NULL, 0,
	  "the campaign's name (its results folder starts with it)" },
	{ "description", IB_FT_STRING, 0, 0, "", NULL, 0, NULL, 0, "free text for the report" },
	{ "kernels", IB_FT_LIST, 1, 64, NULL, NULL, 0, kernel_fields, IB_FF_REQUIRED,
	  "the kernels to compare" },
	{ "guest", IB_FT_OBJECT, 0, 0, NULL, NULL, 0, guest_fields, IB_FF_REQUIRED,
	  "the benchmark guest" },
	{ "cases", IB_FT_LIST, 1, 256, NULL, NULL, 0, case_fields, IB_FF_REQUIRED,
	  "what runs in each guest" },
	{ "duration", IB_FT_DURATION, 1, 7 * 86400, "30s", NULL, 0, NULL, 0,
	  "length of each measurement" },
	{ "warmup", IB_FT_DURATION, 0, 3600, "3s", NULL, 0, NULL, 0,
	  "noise and provokers run this long before the collectors start" },
	{ "repetitions", IB_FT_INT, 1, 1000, "1", NULL, 0, NULL, 0,
	  "runs of every kernel x case" },
	{ "timeout", IB_FT_DURATION, 10, 8 * 86400, NULL, "120 s + warmup + 2 x duration", 0,
	  NULL, 0, "a guest still running after this is destroyed" },
	{ "gates", IB_FT_MAP, 0, 0, NULL, "none", 0, NULL, 0,
	  "pass/fail limits the report judges (docs/report.md)" },
	{ "report", IB_FT_OBJECT, 0, 0, NULL, NULL, 0, report_fields, 0,
	  "options of isolbench-report" },
	{ "baseline", IB_FT_NAME, 1, 64, NULL, "the kernel without a series, else the first", 0,
	  NULL, 0, "the kernel every other kernel is compared with" },
	{ .name = NULL },
};

/* --- look-ups ------------------------------------------------------------- */

const struct ib_kind *ib_kind_find(enum ib_kind_class cls, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ib_nkinds; i++)
		if (ib_kinds[i].cls == cls && !strcmp(ib_kinds[i].name, name))
			return &ib_kinds[i];
	return NULL;
}

const char *ib_kind_class_name(enum ib_kind_class cls)
{
	static const char *const names[IB_KC_COUNT] = {
		[IB_KC_CASE] = "case", [IB_KC_NOISE] = "noise", [IB_KC_PROVOKER] = "provoker",
		[IB_KC_COLLECTOR] = "collector", [IB_KC_ENTRY] = "entry kind",
		[IB_KC_ACCEL] = "accelerator", [IB_KC_TCG_THREADS] = "TCG threading",
		[IB_KC_WHEN_TCG] = "mode under TCG",
	};

	return cls < IB_KC_COUNT && names[cls] ? names[cls] : "?";
}

char *ib_kind_list(enum ib_kind_class cls, const char *sep, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < ib_nkinds; i++) {
		int n;

		if (ib_kinds[i].cls != cls)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? sep : "", ib_kinds[i].name);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';	/* whole names only */
			break;
		}
		used += n;
	}
	return buf;
}

bool ib_kind_applies(const struct ib_kind *cs, const char *collector)
{
	if (!cs || !cs->collectors)
		return true;
	for (const char *const *c = cs->collectors; *c; c++)
		if (!strcmp(*c, collector))
			return true;
	return false;
}

static const struct ib_field *find_in(const struct ib_field *fields, const char *name, size_t len)
{
	for (; fields && fields->name; fields++)
		if (strlen(fields->name) == len && !strncmp(fields->name, name, len))
			return fields;
	return NULL;
}

const struct ib_field *ib_field_find(const char *path)
{
	const struct ib_field *level = ib_campaign_fields, *f = NULL;

	while (path && *path) {
		size_t len = strcspn(path, ".");

		f = find_in(level, path, len);
		if (!f)
			return NULL;
		level = f->sub;
		path += len;
		if (*path == '.')
			path++;
	}
	return f;
}

char *ib_template_expand(const char *tmpl, const struct ib_template_vars *v, char *err,
			 size_t errlen)
{
	const struct { const char *name; const char *val; } names[] = {
		{ "hk", v->hk }, { "iso", v->iso }, { "hk0", v->hk0 }, { "nhk", v->nhk },
		{ "nhk3", v->nhk3 }, { "kind", v->kind }, { "out", v->out }, { "rate", v->rate },
	};
	size_t cap = strlen(tmpl) + 1, len = 0;
	char *out = malloc(cap);

	if (!out) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (const char *p = tmpl; *p;) {
		const char *val = NULL, *end = *p == '{' ? strchr(p, '}') : NULL;
		size_t add;

		if (end) {
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if ((size_t)(end - p - 1) == strlen(names[i].name) &&
				    !strncmp(p + 1, names[i].name, end - p - 1)) {
					val = names[i].val;
					if (!val) {
						snprintf(err, errlen, "'%s': {%s} has no value here", tmpl,
							 names[i].name);
						free(out);
						return NULL;
					}
				}
			if (!val) {
				snprintf(err, errlen, "'%s': unknown placeholder {%.*s}", tmpl,
					 (int)(end - p - 1), p + 1);
				free(out);
				return NULL;
			}
		}
		add = val ? strlen(val) : 1;
		if (len + add + 1 > cap) {
			char *n = realloc(out, cap = 2 * (len + add + 1));

			if (!n) {
				free(out);
				snprintf(err, errlen, "out of memory");
				return NULL;
			}
			out = n;
		}
		memcpy(out + len, val ? val : p, add);
		len += add;
		p = val ? end + 1 : p + 1;
	}
	out[len] = '\0';
	return out;
}

int ib_argv_push(char **argv, int *argc, int max, char *s)
{
	if (!s || *argc >= max - 1) {
		free(s);
		errno = s ? E2BIG : ENOMEM;
		return -1;
	}
	argv[(*argc)++] = s;
	argv[*argc] = NULL;
	return 0;
}

long long ib_field_default_int(const char *path)
{
	const struct ib_field *f = ib_field_find(path);

	if (!f || f->type != IB_FT_INT || !f->def) {
		fprintf(stderr, "isolbench: internal error: no integer default for '%s'\n", path);
		abort();
	}
	return strtoll(f->def, NULL, 10);
}
