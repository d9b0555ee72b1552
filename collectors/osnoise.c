// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-osnoise: how long each source of noise kept the isolated CPUs
 * from the workload, from the kernel's osnoise tracer running underneath it.
 *
 *   isolbench-osnoise --isolated 2-3 [--workload oslat] [--json FILE]
 *                     [--trace-out FILE] [--duration S] [--buffer-kb N] [-q]
 *
 * The osnoise tracer runs in a private tracefs instance
 * ("isolbench-osnoise-<pid>") on the isolated CPUs (osnoise/cpus) without a
 * workload of its own (osnoise/options NO_OSNOISE_WORKLOAD, Linux 6.3+): it
 * only hooks the IRQ, softirq, NMI and scheduler events of those CPUs and
 * emits osnoise:irq_noise (per vector), softirq_noise (per type),
 * thread_noise (per task) and nmi_noise with the time each took, nested
 * interruptions subtracted. The workload (oslat) runs as usual; its own
 * thread_noise events and the idle task's are kept apart, not counted as
 * noise (collectors/osnoise_agg.h).
 *
 * Tracing runs from arming to SIGINT/SIGTERM (or --duration). The events
 * stay in the ring buffer (no reader runs on any CPU meanwhile) and are
 * read once at the end from the instance's "trace" file, which is also
 * written to --trace-out. Events lost to a full buffer are counted from the
 * per-CPU "overrun" statistics; the result is then marked untrustworthy.
 * The global osnoise settings (cpus, the workload option) are put back.
 *
 * JSON (schema 1):
 * {
 *   "tool": "isolbench-osnoise", "schema": 1, "kernel": "<uname -r>",
 *   "isolated": "2-3", "workload": "oslat",
 *   "options": "NO_OSNOISE_WORKLOAD",
 *   "duration_s": 20.0,               traced window (tracing on -> off)
 *   "stopped_by": "signal" | "duration",
 *   "per_cpu": {...},                 osn_agg_json(): per CPU and source
 *                                     {count, total_ns, max_ns}, noise totals
 *   "events": N, "unparsed_lines": N,
 *   "overrun": N, "trustworthy": bool,
 *   "warnings": ["..."]
 * }
 *
 * Exit: 0 ok, 1 runtime failure, 2 bad usage, 3 events lost, 4 the kernel
 * has no osnoise tracer (CONFIG_OSNOISE_TRACER) or no NO_OSNOISE_WORKLOAD.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <json-c/json.h>
#include <tracefs.h>

#include "cpulist.h"
#include "jsonout.h"
#include "osnoise_agg.h"
#include "parse.h"

#define TOOL			"isolbench-osnoise"
#define INSTANCE_PREFIX		"isolbench-osnoise-"
#define BUFFER_KB_MIN		256ULL
#define BUFFER_KB_MAX		(256ULL * 1024)
#define BUFFER_KB_DEFAULT	4096ULL
#define DURATION_MAX_NS		(7ULL * 86400ULL * 1000000000ULL)

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_UNTRUSTWORTHY = 3,
	EXIT_UNAVAILABLE = 4,
};

static const char *const noise_events[] = { "irq_noise", "softirq_noise", "thread_noise",
					    "nmi_noise" };
#define NEVENTS (sizeof(noise_events) / sizeof(noise_events[0]))

struct settings {
	struct ib_cpuset isolated;
	bool have_isolated;
	const char *workload;
	const char *json_path;
	const char *trace_out;
	uint64_t duration_ns;
	unsigned long long buffer_kb;
	bool quiet;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

__attribute__((format(printf, 2, 3)))
static void warn(struct json_object *warnings, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, TOOL ": warning: %s\n", msg);
	json_object_array_add(warnings, json_object_new_string(msg));
}

/* A file of the top-level osnoise/ folder, without its trailing newline; NULL when absent. */
static char *osnoise_read(const char *file)
{
	char path[64];
	char *s;
	size_t n;

	snprintf(path, sizeof(path), "osnoise/%s", file);
	s = tracefs_instance_file_read(NULL, path, NULL);
	if (!s)
		return NULL;
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

static int osnoise_write(const char *file, const char *val)
{
	char path[64];

	snprintf(path, sizeof(path), "osnoise/%s", file);
	return tracefs_instance_file_write(NULL, path, val) > 0 ? 0 : -1;
}

/* True when the options file lists @opt as set (not "NO_<opt>"). */
static bool option_set(const char *options, const char *opt)
{
	size_t l = strlen(opt);

	for (const char *p = options; p && (p = strstr(p, opt)); p += l) {
		bool word_start = p == options || p[-1] == ' ';
		bool word_end = p[l] == '\0' || p[l] == ' ' || p[l] == '\n';

		if (word_start && word_end)
			return true;
	}
	return false;
}

/* Instances left by a collector that was killed: their owner pid is gone. */
static void remove_stale_instances(void)
{
	char **names = tracefs_instances("^" INSTANCE_PREFIX "[0-9]+$");

	for (size_t i = 0; names && names[i]; i++) {
		int pid = atoi(names[i] + strlen(INSTANCE_PREFIX));
		struct tracefs_instance *inst;

		if (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH))
			continue;
		inst = tracefs_instance_alloc(NULL, names[i]);
		if (!inst)
			continue;
		tracefs_trace_off(inst);
		tracefs_instance_file_write(inst, "current_tracer", "nop");
		tracefs_event_disable(inst, NULL, NULL);
		tracefs_instance_destroy(inst);
		tracefs_instance_free(inst);
	}
	tracefs_list_free(names);
}

/* Sum of "overrun:" over the isolated CPUs' per_cpu/cpuN/stats. */
static unsigned long long overruns(struct tracefs_instance *inst, const struct ib_cpuset *cpus)
{
	unsigned long long total = 0;
	int cpu;

	ib_cpuset_for_each(cpu, cpus) {
		char file[64], *text, *p;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
		text = tracefs_instance_file_read(inst, file, NULL);
		if (!text)
			continue;
		p = strstr(text, "overrun:");
		if (p)
			total += strtoull(p + strlen("overrun:"), NULL, 10);
		free(text);
	}
	return total;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	return close(fd);
}

static int write_text(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	if (fputs(text, f) == EOF) {
		fclose(f);
		return -1;
	}
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " TOOL " --isolated LIST [options]\n"
		"Runs the osnoise tracer (no workload of its own) on the isolated CPUs until\n"
		"SIGINT/SIGTERM or --duration, then writes noise time per CPU and source as JSON.\n"
		"  -i, --isolated LIST   isolated CPUs, e.g. 2-3 (required)\n"
		"  -w, --workload COMM   comm prefix of the measured workload's threads, whose\n"
		"                        thread_noise is not noise (e.g. oslat)\n"
		"  -j, --json FILE       output file, '-' = stdout (default)\n"
		"  -t, --trace-out FILE  also write the tracer's trace text there\n"
		"  -D, --duration TIME   stop after TIME (10, 10s, 2m; default: until a signal)\n"
		"  -b, --buffer-kb N     ring buffer per CPU in KiB (%llu..%llu, default %llu)\n"
		"  -A, --armed-file F    create F once tracing is on (for a runner to wait on)\n"
		"  -q, --quiet           no progress messages\n"
		"  -h, --help            this text\n"
		"Exit: 0 ok, 1 runtime failure, 2 bad usage, 3 events lost (untrustworthy),\n"
		"      4 no osnoise tracer in this kernel.\n",
		BUFFER_KB_MIN, BUFFER_KB_MAX, BUFFER_KB_DEFAULT);
}

static const char *armed_file;

static int parse_args(int argc, char **argv, struct settings *set)
{
	static const struct option opts[] = {
		{ "isolated", required_argument, NULL, 'i' },
		{ "workload", required_argument, NULL, 'w' },
		{ "json", required_argument, NULL, 'j' },
		{ "trace-out", required_argument, NULL, 't' },
		{ "duration", required_argument, NULL, 'D' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "armed-file", required_argument, NULL, 'A' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	uint64_t v;
	int c;

	memset(set, 0, sizeof(*set));
	set->json_path = "-";
	set->buffer_kb = BUFFER_KB_DEFAULT;
	while ((c = getopt_long(argc, argv, "i:w:j:t:D:b:A:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (ib_cpuset_parse(optarg, &set->isolated, err, sizeof(err)) ||
			    !ib_cpuset_count(&set->isolated)) {
				fprintf(stderr, TOOL ": --isolated: %s (a CPU list such as 2-3)\n",
					ib_cpuset_count(&set->isolated) ? err : "empty");
				return -1;
			}
			set->have_isolated = true;
			break;
		case 'w':
			set->workload = optarg;
			break;
		case 'j':
			set->json_path = optarg;
			break;
		case 't':
			set->trace_out = optarg;
			break;
		case 'D':
			if (ib_parse_duration(optarg, 1000000000ULL, DURATION_MAX_NS,
					      &set->duration_ns, err, sizeof(err))) {
				fprintf(stderr, TOOL ": --duration: %s\n", err);
				return -1;
			}
			break;
		case 'b':
			if (ib_parse_u64(optarg, BUFFER_KB_MIN, BUFFER_KB_MAX, &v, err, sizeof(err))) {
				fprintf(stderr, TOOL ": --buffer-kb: %s\n", err);
				return -1;
			}
			set->buffer_kb = v;
			break;
		case 'A':
			armed_file = optarg;
			break;
		case 'q':
			set->quiet = true;
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
	struct sigaction sa = { .sa_handler = on_signal };
	struct tracefs_instance *inst = NULL;
	struct json_object *root = NULL, *warnings, *per_cpu;
	struct osn_agg *agg = NULL;
	struct settings set;
	char name[64], iso[256];
	char *old_cpus = NULL, *old_options = NULL, *text = NULL;
	bool had_workload = false, tracer_set = false;
	uint64_t t_on = 0, t_off = 0;
	unsigned long long lost = 0;
	const char *stopped_by = "signal";
	struct utsname un;
	int ret = EXIT_RUNTIME, cpus[IB_MAX_CPUS], ncpus = 0, cpu;

	if (parse_args(argc, argv, &set))
		return EXIT_USAGE;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	warnings = json_object_new_array();
	agg = osn_agg_new(set.workload);
	if (!warnings || !agg) {
		fprintf(stderr, TOOL ": out of memory\n");
		goto out;
	}
	ib_cpuset_format(&set.isolated, iso, sizeof(iso));
	ib_cpuset_for_each(cpu, &set.isolated)
		cpus[ncpus++] = cpu;

	if (!tracefs_tracing_dir()) {
		fprintf(stderr, TOOL ": tracefs is not mounted and cannot be mounted\n");
		ret = EXIT_UNAVAILABLE;
		goto out;
	}
	old_cpus = osnoise_read("cpus");
	old_options = osnoise_read("options");
	if (!old_cpus || !old_options) {
		fprintf(stderr, TOOL ": this kernel has no osnoise tracer (tracefs osnoise/cpus "
			"and osnoise/options are missing): build it with CONFIG_OSNOISE_TRACER=y\n");
		ret = EXIT_UNAVAILABLE;
		goto out;
	}
	if (!strstr(old_options, "OSNOISE_WORKLOAD")) {
		fprintf(stderr, TOOL ": osnoise/options has no OSNOISE_WORKLOAD option (Linux "
			"6.3 or later): the tracer cannot run without its own workload\n");
		ret = EXIT_UNAVAILABLE;
		goto out;
	}
	had_workload = option_set(old_options, "OSNOISE_WORKLOAD");
	remove_stale_instances();

	snprintf(name, sizeof(name), INSTANCE_PREFIX "%d", (int)getpid());
	inst = tracefs_instance_create(name);
	if (!inst) {
		fprintf(stderr, TOOL ": cannot create tracefs instance %s: %s\n", name,
			strerror(errno));
		goto out;
	}
	if (tracefs_trace_off(inst) || tracefs_instance_set_buffer_size(inst, set.buffer_kb, -1)) {
		fprintf(stderr, TOOL ": cannot configure instance %s: %s\n", name, strerror(errno));
		goto out_teardown;
	}
	if (osnoise_write("cpus", iso) || osnoise_write("options", "NO_OSNOISE_WORKLOAD")) {
		fprintf(stderr, TOOL ": cannot set osnoise/cpus to %s and NO_OSNOISE_WORKLOAD: %s\n",
			iso, strerror(errno));
		goto out_teardown;
	}
	for (size_t i = 0; i < NEVENTS; i++)
		if (tracefs_event_enable(inst, "osnoise", noise_events[i])) {
			fprintf(stderr, TOOL ": cannot enable osnoise:%s: %s\n", noise_events[i],
				strerror(errno));
			goto out_teardown;
		}
	if (tracefs_instance_file_write(inst, "current_tracer", "osnoise") <= 0) {
		fprintf(stderr, TOOL ": cannot select the osnoise tracer in %s: %s (is another "
			"osnoise or timerlat user running?)\n", name, strerror(errno));
		goto out_teardown;
	}
	tracer_set = true;
	t_on = mono_ns();
	if (tracefs_trace_on(inst)) {
		fprintf(stderr, TOOL ": cannot turn tracing on: %s\n", strerror(errno));
		goto out_teardown;
	}
	if (!set.quiet)
		fprintf(stderr, TOOL ": armed (instance %s, CPUs %s)\n", name, iso);
	if (armed_file && touch(armed_file))
		warn(warnings, "cannot create %s: %s", armed_file, strerror(errno));

	while (!stop_signal) {
		struct timespec ts = { 0, 100 * 1000000L };

		if (set.duration_ns && mono_ns() - t_on >= set.duration_ns) {
			stopped_by = "duration";
			break;
		}
		nanosleep(&ts, NULL);
	}
	tracefs_trace_off(inst);
	t_off = mono_ns();

	lost = overruns(inst, &set.isolated);
	if (lost)
		warn(warnings, "%llu event(s) overwritten in the ring buffer: the sums are "
		     "incomplete (raise --buffer-kb)", lost);
	text = tracefs_instance_file_read(inst, "trace", NULL);
	if (!text) {
		fprintf(stderr, TOOL ": cannot read the trace of %s: %s\n", name, strerror(errno));
		goto out_teardown;
	}
	if (set.trace_out && write_text(set.trace_out, text))
		warn(warnings, "cannot write %s: %s", set.trace_out, strerror(errno));
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if ((errno = 0, osn_agg_line(agg, l)) < 0 && errno == ENOMEM) {
			fprintf(stderr, TOOL ": out of memory\n");
			goto out_teardown;
		}
	if (osn_agg_bad_lines(agg))
		warn(warnings, "%llu osnoise event line(s) did not parse",
		     (unsigned long long)osn_agg_bad_lines(agg));
	ret = EXIT_OK;

out_teardown:
	if (inst) {
		tracefs_trace_off(inst);
		if (tracer_set)
			tracefs_instance_file_write(inst, "current_tracer", "nop");
		tracefs_event_disable(inst, NULL, NULL);
		if (tracefs_instance_destroy(inst))
			fprintf(stderr, TOOL ": warning: cannot remove instance %s\n", name);
		tracefs_instance_free(inst);
	}
	if (old_cpus && osnoise_write("cpus", old_cpus))
		fprintf(stderr, TOOL ": warning: cannot restore osnoise/cpus to %s\n", old_cpus);
	if (had_workload && osnoise_write("options", "OSNOISE_WORKLOAD"))
		fprintf(stderr, TOOL ": warning: cannot restore the OSNOISE_WORKLOAD option\n");
	if (ret != EXIT_OK)
		goto out;

	per_cpu = osn_agg_json(agg, cpus, ncpus, (t_off - t_on) / 1e9);
	root = json_object_new_object();
	if (!per_cpu || !root) {
		json_object_put(per_cpu);
		fprintf(stderr, TOOL ": out of memory\n");
		ret = EXIT_RUNTIME;
		goto out;
	}
	json_object_object_add(root, "tool", json_object_new_string(TOOL));
	json_object_object_add(root, "schema", json_object_new_int(1));
	json_object_object_add(root, "kernel", json_object_new_string(uname(&un) ? "?" : un.release));
	json_object_object_add(root, "isolated", json_object_new_string(iso));
	json_object_object_add(root, "workload",
			       set.workload ? json_object_new_string(set.workload) : NULL);
	json_object_object_add(root, "options", json_object_new_string("NO_OSNOISE_WORKLOAD"));
	json_object_object_add(root, "duration_s", json_object_new_double((t_off - t_on) / 1e9));
	json_object_object_add(root, "stopped_by", json_object_new_string(stopped_by));
	json_object_object_add(root, "per_cpu", per_cpu);
	json_object_object_add(root, "events", json_object_new_int64((int64_t)osn_agg_events(agg)));
	json_object_object_add(root, "unparsed_lines",
			       json_object_new_int64((int64_t)osn_agg_bad_lines(agg)));
	json_object_object_add(root, "overrun", json_object_new_int64((int64_t)lost));
	json_object_object_add(root, "trustworthy", json_object_new_boolean(!lost));
	json_object_object_add(root, "warnings", json_object_get(warnings));
	if (ib_json_write(root, set.json_path)) {
		fprintf(stderr, TOOL ": writing %s: %s\n", set.json_path, strerror(errno));
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (!set.quiet)
		fprintf(stderr, TOOL ": %.1f s, %llu noise events on CPUs %s, %llu lost\n",
			(t_off - t_on) / 1e9, (unsigned long long)osn_agg_events(agg), iso, lost);
	ret = lost ? EXIT_UNTRUSTWORTHY : EXIT_OK;
out:
	json_object_put(root);
	json_object_put(warnings);
	osn_agg_free(agg);
	free(text);
	free(old_cpus);
	free(old_options);
	return ret;
}
