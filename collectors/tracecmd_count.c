// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-tracecmd-count: count a `trace-cmd report` the way isolbench-ipi
 * counts live, for cross-checking the collector against the seed's pipeline.
 *
 *   trace-cmd report trace.dat | isolbench-tracecmd-count --isolated 2-3 [--json FILE]
 *                                    [--from S --to S]
 *
 * --from/--to keep only events in [S, S'] (trace timestamps in seconds):
 * with `trace-cmd record -C mono` these are the CLOCK_MONOTONIC seconds of
 * isolbench-ipi's "window_mono_s", so both count the same window.
 * --context-window S,S' feeds every event but takes the per-context counts
 * (per_context, per_cpu_context, "context") in [S, S'), as isolbench-ipi
 * does with its steady-state "window".
 *
 * Output: the per_callback ... timeline members of isolbench-ipi's JSON
 * (same meaning, see collectors/ipi.c), plus
 *   tool, schema, isolated, lines, events, decoded, malformed,
 *   seed_callback_lines  {"callback=X": n}: the seed's own count,
 *                        `grep callback | awk '{print $NF}' | sort | uniq -c`
 *                        (one per send event, not per target CPU).
 *
 * Exit: 0 ok, 1 read/write failure, 2 bad usage, 3 malformed lines seen.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cpulist.h"
#include "ipi_match.h"
#include "jsonout.h"
#include "tracecmd_report.h"

#define TOOL "isolbench-tracecmd-count"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " TOOL " --isolated LIST [--json FILE] < report.txt\n"
		"  Reads `trace-cmd report` text on stdin and prints the per-callback\n"
		"  IPI counts to the isolated CPUs as isolbench-ipi does.\n"
		"  -i, --isolated LIST  isolated CPUs, e.g. 2-3 (0..%d)\n"
		"  -j, --json FILE      output file, '-' for stdout (default)\n"
		"  -f, --from S         ignore events before S seconds (trace timestamps)\n"
		"  -t, --to S           ignore events after S seconds\n"
		"  -w, --context-window S,E  per-context counts in [S, E) seconds\n"
		"  -h, --help           this text\n", IB_MAX_CPUS - 1);
}

struct window {
	uint64_t from_ns, to_ns;	/* 0 = open */
	struct json_object *seed;
};

/* The seed's count: the last field of every line that has "callback". */
static void seed_count(const char *line, void *ctx)
{
	struct json_object *o = ((struct window *)ctx)->seed, *n;
	const char *end, *start;
	char key[512];
	size_t len;

	if (!strstr(line, "callback"))
		return;
	end = line + strlen(line);
	while (end > line && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' ||
			      end[-1] == '\r'))
		end--;
	start = end;
	while (start > line && start[-1] != ' ' && start[-1] != '\t')
		start--;
	len = end - start;
	if (!len)
		return;
	if (len >= sizeof(key))
		len = sizeof(key) - 1;
	memcpy(key, start, len);
	key[len] = '\0';
	if (!json_object_object_get_ex(o, key, &n)) {
		n = json_object_new_int64(0);
		json_object_object_add(o, key, n);
	}
	json_object_int_inc(n, 1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "isolated", required_argument, NULL, 'i' },
		{ "json", required_argument, NULL, 'j' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "context-window", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json_path = "-";
	struct ib_cpuset isolated;
	bool have_isolated = false;
	struct ib_ipi_match *m;
	struct ib_tcr_stats st;
	struct json_object *root, *seed;
	struct window win = { 0, 0, NULL };
	char err[256], buf[256];
	double cw_start = -1, cw_end = -1;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "i:j:f:t:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
		case 't': {
			char *end;
			double v = strtod(optarg, &end);

			if (end == optarg || *end || !(v >= 0 && v < 1e9)) {
				fprintf(stderr, TOOL ": --%s: '%s' is not a time in seconds "
					"(0..1e9)\n", c == 'f' ? "from" : "to", optarg);
				return 2;
			}
			*(c == 'f' ? &win.from_ns : &win.to_ns) = v * 1e9;
			break;
		}
		case 'w':
			if (sscanf(optarg, "%lf,%lf", &cw_start, &cw_end) != 2 || cw_start < 0 ||
			    cw_end <= cw_start) {
				fprintf(stderr, TOOL ": --context-window: '%s' is not START,END in "
					"seconds with START < END\n", optarg);
				return 2;
			}
			break;
		case 'i':
			if (ib_cpuset_parse(optarg, &isolated, err, sizeof(err))) {
				fprintf(stderr, TOOL ": --isolated: %s (CPUs 0..%d)\n", err,
					IB_MAX_CPUS - 1);
				return 2;
			}
			have_isolated = true;
			break;
		case 'j':
			json_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !have_isolated) {
		fprintf(stderr, TOOL ": %s\n", optind != argc ? "unexpected argument" :
			"--isolated is required");
		usage(stderr);
		return 2;
	}
	m = ib_ipi_match_new(&isolated, 0);
	root = json_object_new_object();
	seed = json_object_new_object();
	if (!m || !root || !seed) {
		fprintf(stderr, TOOL ": out of memory\n");
		return 1;
	}
	win.seed = seed;
	if (ib_tcr_feed_window(stdin, m, &st, win.from_ns, win.to_ns, seed_count, &win)) {
		fprintf(stderr, TOOL ": reading the report: %s\n", strerror(errno));
		ret = 1;
		goto out;
	}
	ib_ipi_match_finish(m);
	if (cw_start >= 0) {
		struct json_object *ctx = json_object_new_object();

		ib_ipi_match_set_window(m, cw_start * 1e9, cw_end * 1e9);
		if (ib_ipi_match_context_json(m, ctx)) {
			fprintf(stderr, TOOL ": out of memory\n");
			ret = 1;
			goto out;
		}
		json_object_object_add(root, "context", ctx);
	}
	json_object_object_add(root, "tool", json_object_new_string(TOOL));
	json_object_object_add(root, "schema", json_object_new_int(1));
	ib_cpuset_format(&isolated, buf, sizeof(buf));
	json_object_object_add(root, "isolated", json_object_new_string(buf));
	json_object_object_add(root, "lines", json_object_new_int64(st.lines));
	json_object_object_add(root, "events", json_object_new_int64(st.events));
	json_object_object_add(root, "decoded", json_object_new_int64(st.decoded));
	json_object_object_add(root, "malformed", json_object_new_int64(st.malformed));
	json_object_object_add(root, "seed_callback_lines", json_object_get(seed));
	if (ib_ipi_match_json(m, root)) {
		fprintf(stderr, TOOL ": out of memory\n");
		ret = 1;
		goto out;
	}
	if (ib_json_write(root, json_path)) {
		fprintf(stderr, TOOL ": writing %s: %s\n", json_path, strerror(errno));
		ret = 1;
		goto out;
	}
	if (st.malformed) {
		fprintf(stderr, TOOL ": %llu malformed line(s)\n", (unsigned long long)st.malformed);
		ret = 3;
	}
out:
	json_object_put(seed);
	json_object_put(root);
	ib_ipi_match_free(m);
	return ret;
}
