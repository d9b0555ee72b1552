// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench-irqstat: snapshots of /proc/interrupts and /proc/softirqs, and
 * the per-CPU difference of two snapshots as JSON (format in lib/procirq.h,
 * ib_irq_diff_write_json()). Runs in the guest around each measurement and
 * on the host.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpulist.h"
#include "procirq.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define TAG_MAX 64

static const char *prog = "isolbench-irqstat";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  %1$s snapshot --out DIR --tag TAG [--proc DIR]\n"
		"  %1$s diff --before-dir DIR [--after-dir DIR] [--before-tag TAG]\n"
		"        [--after-tag TAG] --cpus LIST --json FILE\n"
		"  %1$s --help\n"
		"\n"
		"snapshot  copy /proc/interrupts and /proc/softirqs to DIR/interrupts.TAG and\n"
		"          DIR/softirqs.TAG (each checked to parse; an existing file is not\n"
		"          overwritten).\n"
		"  -o, --out DIR        folder to write into (must exist)\n"
		"  -t, --tag TAG        1-%2$d characters of A-Z a-z 0-9 . _ -,\n"
		"                       not starting with '.'\n"
		"  -p, --proc DIR       read DIR/interrupts and DIR/softirqs instead of /proc\n"
		"\n"
		"diff      per-CPU deltas of every interrupt and softirq row between two\n"
		"          snapshots, totals over the CPUs of --cpus, CAL/TLB/RES/LOC first.\n"
		"  -b, --before-dir DIR folder of the first snapshot\n"
		"  -a, --after-dir DIR  folder of the second (default: the --before-dir)\n"
		"  -B, --before-tag TAG tag of the first snapshot (default: before)\n"
		"  -A, --after-tag TAG  tag of the second (default: after)\n"
		"  -c, --cpus LIST      CPUs to total, kernel list format (\"2-3\", \"1,3,5-7\");\n"
		"                       each must be a column of both snapshots\n"
		"  -j, --json FILE      where to write the JSON, \"-\" for standard output;\n"
		"                       otherwise a CAL/TLB/RES/LOC summary goes to\n"
		"                       standard output\n"
		"\n"
		"Exit status: 0 ok, 1 runtime failure (a file cannot be read, parsed or\n"
		"written; the snapshots have different CPU columns), 2 bad usage.\n",
		prog, TAG_MAX);
}

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

static bool tag_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > TAG_MAX || t[0] == '.')
		return false;
	for (; *t; t++)
		if (!isalnum((unsigned char)*t) && *t != '.' && *t != '_' && *t != '-')
			return false;
	return true;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Write @len bytes to @path through a temporary file and rename(2). */
static int write_atomic(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		fail("%s: path too long", path);
		return -1;
	}
	f = fopen(tmp, "wx");
	if (!f) {
		fail("%s: cannot create: %s", tmp, strerror(errno));
		return -1;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) || fsync(fileno(f))) {
		fail("%s: write error: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) || rename(tmp, path)) {
		fail("%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "tag", required_argument, NULL, 't' },
		{ "proc", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *tag = NULL, *proc = "/proc";
	static const char *const files[] = { "interrupts", "softirqs" };
	char *text[2] = { NULL, NULL };
	size_t len[2];
	char path[PATH_MAX], err[512];
	int c, ret = EXIT_RUNTIME;

	while ((c = getopt_long(argc, argv, "o:t:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 't':
			tag = optarg;
			break;
		case 'p':
			proc = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return bad_usage("snapshot: unknown option or missing value");
		}
	}
	if (optind < argc)
		return bad_usage("snapshot: unexpected argument \"%s\"", argv[optind]);
	if (!out)
		return bad_usage("snapshot: --out DIR is required");
	if (!tag)
		return bad_usage("snapshot: --tag TAG is required");
	if (!tag_ok(tag))
		return bad_usage("snapshot: --tag \"%s\": use 1-%d characters of A-Z a-z 0-9 . "
				 "_ -, not starting with '.'", tag, TAG_MAX);
	if (!is_dir(out)) {
		fail("--out %s: not an existing folder", out);
		return EXIT_RUNTIME;
	}
	/* Read both first, back to back, so they describe the same moment. */
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", proc, files[i]);
		text[i] = ib_irq_read_file(path, &len[i], err, sizeof(err));
		if (!text[i]) {
			fail("%s", err);
			goto out;
		}
	}
	for (int i = 0; i < 2; i++) {
		struct ib_irq_snap *s;

		snprintf(path, sizeof(path), "%s/%s", proc, files[i]);
		s = ib_irq_snap_parse(text[i], path, err, sizeof(err));
		if (!s) {
			fail("%s", err);
			goto out;
		}
		ib_irq_snap_free(s);
		if (snprintf(path, sizeof(path), "%s/%s.%s", out, files[i], tag) >=
		    (int)sizeof(path)) {
			fail("--out %s: path too long", out);
			goto out;
		}
		if (access(path, F_OK) == 0) {
			fail("%s exists already: choose another --tag or remove it", path);
			goto out;
		}
		if (write_atomic(path, text[i], len[i]))
			goto out;
	}
	ret = 0;
out:
	free(text[0]);
	free(text[1]);
	return ret;
}

/* Load DIR/NAME.TAG; *snap stays NULL when @optional and the file is absent. */
static int load_snap(const char *dir, const char *name, const char *tag, bool optional,
		     struct ib_irq_snap **snap, char *path, size_t pathlen)
{
	char err[512];

	*snap = NULL;
	if (snprintf(path, pathlen, "%s/%s.%s", dir, name, tag) >= (int)pathlen) {
		fail("%s: path too long", dir);
		return -1;
	}
	if (optional && access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	*snap = ib_irq_snap_load(path, err, sizeof(err));
	if (!*snap) {
		fail("%s", err);
		return -1;
	}
	return 0;
}

static void print_summary(const struct ib_irq_diff *d, const struct ib_cpuset *set)
{
	char list[256];

	ib_cpuset_format(set, list, sizeof(list));
	printf("%-4s %14s %14s   (selected CPUs %s)\n", "kind", "selected", "all", list);
	for (int k = 0; k < IB_IRQ_NKINDS; k++) {
		const struct ib_irq_delta_row *r = ib_irq_diff_kind(d, k);
		uint64_t sel, all;

		if (!r) {
			printf("%-4s %14s %14s\n", ib_irq_kind_name(k), "-", "-");
			continue;
		}
		ib_irq_diff_row_sum(d, r, set, &sel);
		ib_irq_diff_row_sum(d, r, NULL, &all);
		printf("%-4s %14llu %14llu\n", ib_irq_kind_name(k), (unsigned long long)sel,
		       (unsigned long long)all);
	}
}

static int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "before-dir", required_argument, NULL, 'b' },
		{ "after-dir", required_argument, NULL, 'a' },
		{ "before-tag", required_argument, NULL, 'B' },
		{ "after-tag", required_argument, NULL, 'A' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bdir = NULL, *adir = NULL, *btag = "before", *atag = "after";
	const char *cpus = NULL, *json = NULL;
	struct ib_irq_snap *bi = NULL, *ai = NULL, *bs = NULL, *as = NULL;
	struct ib_irq_diff *di = NULL, *ds = NULL;
	char bpath[PATH_MAX], apath[PATH_MAX], spath[PATH_MAX], err[512];
	struct ib_cpuset set;
	int c, cpu, ret = EXIT_RUNTIME;
	char *buf = NULL;
	size_t buflen = 0;
	FILE *mem;

	while ((c = getopt_long(argc, argv, "b:a:B:A:c:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bdir = optarg;
			break;
		case 'a':
			adir = optarg;
			break;
		case 'B':
			btag = optarg;
			break;
		case 'A':
			atag = optarg;
			break;
		case 'c':
			cpus = optarg;
			break;
		case 'j':
			json = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return bad_usage("diff: unknown option or missing value");
		}
	}
	if (optind < argc)
		return bad_usage("diff: unexpected argument \"%s\"", argv[optind]);
	if (!bdir)
		return bad_usage("diff: --before-dir DIR is required");
	if (!cpus)
		return bad_usage("diff: --cpus LIST is required");
	if (!json)
		return bad_usage("diff: --json FILE is required (\"-\" for standard output)");
	if (!adir)
		adir = bdir;
	if (!tag_ok(btag) || !tag_ok(atag))
		return bad_usage("diff: tag \"%s\": use 1-%d characters of A-Z a-z 0-9 . _ -, "
				 "not starting with '.'", tag_ok(btag) ? atag : btag, TAG_MAX);
	if (ib_cpuset_parse(cpus, &set, err, sizeof(err)))
		return bad_usage("diff: --cpus \"%s\": %s (allowed: a list like 2-3,5 of CPUs "
				 "0-%d)", cpus, err, IB_MAX_CPUS - 1);

	if (load_snap(bdir, "interrupts", btag, false, &bi, bpath, sizeof(bpath)) ||
	    load_snap(adir, "interrupts", atag, false, &ai, apath, sizeof(apath)) ||
	    load_snap(bdir, "softirqs", btag, true, &bs, spath, sizeof(spath)) ||
	    load_snap(adir, "softirqs", atag, true, &as, spath, sizeof(spath)))
		goto out;
	if (!bs != !as) {
		fail("softirqs.%s is %s but softirqs.%s is %s: take both snapshots with "
		     "isolbench-irqstat snapshot", btag, bs ? "there" : "missing", atag,
		     as ? "there" : "missing");
		goto out;
	}
	di = ib_irq_diff_compute(bi, ai, err, sizeof(err));
	if (!di) {
		fail("%s vs %s: %s", bpath, apath, err);
		goto out;
	}
	if (bs) {
		ds = ib_irq_diff_compute(bs, as, err, sizeof(err));
		if (!ds) {
			fail("softirqs.%s vs softirqs.%s: %s", btag, atag, err);
			goto out;
		}
	}
	ib_cpuset_for_each(cpu, &set) {
		if (ib_irq_diff_column(di, (unsigned int)cpu) < 0) {
			char have[256];
			struct ib_cpuset cols;

			ib_cpuset_zero(&cols);
			for (unsigned int i = 0; i < di->ncpus; i++)
				ib_cpuset_set(&cols, di->cpus[i]);
			ib_cpuset_format(&cols, have, sizeof(have));
			fail("--cpus: CPU %d is not in the snapshots (they have CPUs %s)", cpu,
			     have);
			goto out;
		}
	}
	mem = open_memstream(&buf, &buflen);
	if (!mem) {
		fail("out of memory");
		goto out;
	}
	if (ib_irq_diff_write_json(mem, di, ds, &set, bpath, apath)) {
		fclose(mem);
		fail("cannot build the JSON: %s", errno == ENOENT ?
		     "the softirqs snapshots have other CPU columns than the interrupts ones" :
		     strerror(errno));
		goto out;
	}
	if (fclose(mem)) {
		fail("out of memory");
		goto out;
	}
	if (!strcmp(json, "-")) {
		if (fwrite(buf, 1, buflen, stdout) != buflen || fflush(stdout)) {
			fail("standard output: %s", strerror(errno));
			goto out;
		}
	} else {
		if (write_atomic(json, buf, buflen))
			goto out;
		print_summary(di, &set);
	}
	ret = 0;
out:
	free(buf);
	ib_irq_diff_free(di);
	ib_irq_diff_free(ds);
	ib_irq_snap_free(bi);
	ib_irq_snap_free(ai);
	ib_irq_snap_free(bs);
	ib_irq_snap_free(as);
	return ret;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "snapshot", cmd_snapshot },
	{ "diff", cmd_diff },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return bad_usage("a command is required: snapshot or diff");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	}
	return bad_usage("unknown command \"%s\" (allowed: snapshot, diff)", argv[1]);
}
