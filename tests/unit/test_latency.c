// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/latency.c on files real tools wrote on the Debian 12 host:
 * oslat and cyclictest of rt-tests 2.4 (bookworm) and 2.6 (trixie), plus the
 * hand-written isolbench-entry sample and broken copies of all three.
 * Expected numbers were read from the files (see tests/data/README.md).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "latency.h"
#include "datapath.h"

static char err[1024];

static struct ib_lat_file *load_ok(struct ib_lat_file *(*fn)(const char *, char *, size_t),
				   const char *rel)
{
	struct ib_lat_file *f;

	err[0] = '\0';
	f = fn(test_data(rel), err, sizeof(err));
	if (!f)
		fail_msg("%s: %s", rel, err);
	return f;
}

static void load_fails(struct ib_lat_file *(*fn)(const char *, char *, size_t),
		       const char *rel, int want_errno, const char *want_text)
{
	struct ib_lat_file *f;

	err[0] = '\0';
	errno = 0;
	f = fn(test_data(rel), err, sizeof(err));
	assert_null(f);
	assert_int_equal(errno, want_errno);
	if (!strstr(err, want_text))
		fail_msg("%s: message \"%s\" lacks \"%s\"", rel, err, want_text);
	/* Every message names the file. */
	assert_non_null(strstr(err, rel));
}

static struct ib_pct pct(const struct ib_hist *h, double p)
{
	struct ib_pct r;

	assert_int_equal(ib_hist_percentile(h, p, &r), 0);
	return r;
}

/* rt-tests 2.4, -b 8: 7 buckets of 1 µs, label "8" (incl. overflows) is overflow. */
static void test_oslat24_b8(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load_oslat, "oslat/oslat24-b8.json");
	const struct ib_hist *h;
	struct ib_pct p;

	(void)state;
	assert_int_equal(f->tool, IB_LAT_OSLAT);
	assert_string_equal(f->version, "2.40");
	assert_non_null(strstr(f->cmdline, "-b 8"));
	assert_int_equal(f->label_excess_ns, 0);
	assert_int_equal(f->return_code, 0);
	assert_non_null(f->kernel_release);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->series[0].cpu, 0);
	assert_int_equal(f->series[1].cpu, 1);
	assert_int_equal(f->series[0].freq_mhz, 2597);
	assert_int_equal(f->series[1].freq_mhz, 2599);
	assert_true(fabs(f->series[0].duration_s - 2.002) < 1e-9);
	assert_true(fabs(f->series[0].tool_mean_ns - 1033.493) < 1e-6);

	h = f->series[0].hist;
	assert_int_equal(h->unit, IB_UNIT_NS);
	assert_int_equal(h->width, 1000);
	assert_int_equal(h->nbuckets, 7);
	assert_int_equal(h->counts[0], 37957132);	/* "1" */
	assert_int_equal(h->counts[4], 253);		/* "5" */
	assert_int_equal(h->counts[6], 41);		/* "7" */
	assert_int_equal(h->overflow, 305);		/* "8" */
	assert_int_equal(h->samples, 37957753);
	assert_true(h->has_min && h->has_max);
	assert_int_equal(h->min, 1000);
	assert_int_equal(h->max, 48149000);
	p = pct(h, 99);
	assert_true(p.value == 1000.0 && !p.in_overflow);
	/* rank ceil(0.99999 * 37957753) = 37957374 lands in "5" */
	p = pct(h, 99.999);
	assert_true(p.value == 5000.0 && !p.in_overflow);
	/* rank 37957716 is beyond the 37957448 samples below 7 µs */
	p = pct(h, 99.9999);
	assert_true(p.value == 7000.0 && p.in_overflow);
	assert_int_equal(f->series[1].hist->samples, 93100487);
	assert_int_equal(f->series[1].hist->overflow, 1152);
	ib_lat_file_free(f);
}

/* Default -b 32: 31 buckets; the 2.4 label "1" is bucket 0. */
static void test_oslat24_default(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load_oslat, "oslat/oslat24-2cpu.json");
	const struct ib_hist *h = f->series[1].hist;

	(void)state;
	assert_int_equal(h->nbuckets, 31);
	assert_int_equal(h->counts[0], 87086307);
	assert_int_equal(h->counts[9], 241);		/* "10" */
	assert_int_equal(h->counts[30], 3);		/* "31" */
	assert_int_equal(h->overflow, 590);		/* "32" */
	assert_int_equal(h->max, 12095000);
	assert_int_equal(f->series[0].hist->overflow, 326);
	ib_lat_file_free(f);
}

/* 2.6 rounds up first: the bulk is in "2" and the labels over-state by 1 µs. */
static void test_oslat26_w2000(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load_oslat, "oslat/oslat26-b8-w2000.json");
	const struct ib_hist *h = f->series[0].hist;

	(void)state;
	assert_string_equal(f->version, "2.60");
	assert_int_equal(f->label_excess_ns, 1000);
	assert_int_equal(h->width, 2000);
	assert_int_equal(h->nbuckets, 7);
	assert_int_equal(h->counts[0], 40816347);	/* "2" */
	assert_int_equal(h->counts[1], 45);		/* "4" */
	assert_int_equal(h->counts[6], 3);		/* "14" */
	assert_int_equal(h->overflow, 358);		/* "16" */
	assert_int_equal(h->min, 1000);
	assert_int_equal(h->max, 64181000);
	assert_int_equal(f->series[1].freq_mhz, 2604);
	assert_int_equal(f->series[1].hist->counts[5], 308);	/* "12" */
	assert_true(pct(h, 50).value == 2000.0);
	ib_lat_file_free(f);
}

/* 2.6 with -W 250: "0.250" keys in µs, but min/max in ns. */
static void test_oslat26_ns_mode(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load_oslat, "oslat/oslat26-b16-w250.json");
	const struct ib_hist *h = f->series[0].hist;
	struct ib_pct p;

	(void)state;
	assert_int_equal(f->label_excess_ns, 1);
	assert_int_equal(h->width, 250);
	assert_int_equal(h->nbuckets, 15);
	assert_int_equal(h->counts[0], 28510367);	/* "0.250" */
	assert_int_equal(h->counts[3], 9);		/* "1.000" */
	assert_int_equal(h->counts[14], 1);		/* "3.750" */
	assert_int_equal(h->overflow, 577);		/* "4.000" */
	assert_int_equal(h->min, 21);
	assert_int_equal(h->max, 36119411);
	assert_int_equal(f->series[1].hist->counts[6], 51);	/* "1.750" */
	/* p99.9975 of 28511141 is rank 28510429: among the 163 samples in "0.500" */
	p = pct(h, 99.9975);
	assert_true(p.value == 500.0 && !p.in_overflow);
	/* rank 28510857 is past the 28510564 samples below 15 * 250 ns */
	p = pct(h, 99.999);
	assert_true(p.value == 3750.0 && p.in_overflow);
	ib_lat_file_free(f);
}

static void test_oslat26_default(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load, "oslat/oslat26-2cpu.json");

	(void)state;
	assert_int_equal(f->tool, IB_LAT_OSLAT);
	assert_int_equal(f->series[0].hist->nbuckets, 31);
	assert_int_equal(f->series[0].hist->counts[0], 0);	/* 2.6 never fills "1" */
	assert_true(f->series[0].hist->counts[1] > 1000000);
	ib_lat_file_free(f);
}

/*
 * The bucket-label correction against what the real files say about their
 * true gaps. rt-tests 2.4 (oslat24-2cpu.json) and 2.6 (oslat26-2cpu.json)
 * ran the same command on the same machine. Both print min 1 (µs), and
 * their duration / samples (the exact mean gap: 2.009 s / 28825029 = 69.7 ns
 * on 2.6 CPU 0, 2.001 s / 45266167 = 44.2 ns on 2.4) shows the loop's gaps
 * are far below 1 µs. So the bulk lies in the bucket up to 1 µs on both
 * versions: 2.4 labels it "1", 2.6 labels it "2"; after ib_lat_true_hist()
 * both have their p50 at 1000 ns and the same bucket layout.
 */
static void test_oslat_true_gaps_24_26(void **state)
{
	struct ib_lat_file *f24 = load_ok(ib_lat_load, "oslat/oslat24-2cpu.json");
	struct ib_lat_file *f26 = load_ok(ib_lat_load, "oslat/oslat26-2cpu.json");
	struct ib_lat_file *fw = load_ok(ib_lat_load, "oslat/oslat26-b8-w2000.json");
	struct ib_hist *t24, *t26, *tw;
	uint64_t res, n;

	(void)state;
	/* The labels as printed: 2.6's p50 reads 2 µs. */
	assert_float_equal(pct(f26->series[0].hist, 50).value, 2000, 0);
	assert_float_equal(pct(f24->series[0].hist, 50).value, 1000, 0);
	t24 = ib_lat_true_hist(f24, &f24->series[0], &res);
	assert_non_null(t24);
	assert_int_equal(res, 0);
	t26 = ib_lat_true_hist(f26, &f26->series[0], &res);
	assert_non_null(t26);
	assert_int_equal(res, 0);
	assert_float_equal(pct(t24, 50).value, 1000, 0);
	assert_float_equal(pct(t26, 50).value, 1000, 0);
	/* 2.6 lost its empty "1" bucket: 30 buckets of 1 µs, then the overflows. */
	assert_int_equal(t26->nbuckets, 30);
	assert_int_equal(t26->counts[0], f26->series[0].hist->counts[1]);
	assert_int_equal(t26->overflow, f26->series[0].hist->overflow);
	assert_int_equal(t26->samples, f26->series[0].hist->samples);
	assert_true(t26->has_max && t26->max == 20078000);
	/* Exact mean: duration / samples, far below oslat's label-based "avg". */
	assert_float_equal(ib_lat_exact_mean_ns(&f26->series[0]), 2.009e9 / 28825029.0, 1e-6);
	assert_true(ib_lat_exact_mean_ns(&f26->series[0]) < 100);
	assert_float_equal(f26->series[0].tool_mean_ns, 2046.861, 1e-6);
	/* Gaps from 10 µs on: buckets 10.. of the true layout plus the overflows. */
	assert_int_equal(ib_hist_count_from(t26, 10000, &n), 0);
	{
		uint64_t want = t26->overflow;

		for (size_t i = 10; i < t26->nbuckets; i++)
			want += t26->counts[i];
		assert_int_equal(n, want);
		assert_true(n > 0);
	}
	/* 1 ms is beyond the last edge (30 µs) and the max (20 ms) is above it: unknown. */
	assert_int_equal(ib_hist_count_from(t26, 1000000, &n), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(ib_hist_count_from(t26, 1500, &n), -1);
	assert_int_equal(errno, EINVAL);
	/* -W 2000 with 1 µs units: the excess is half a bucket, left as residual. */
	tw = ib_lat_true_hist(fw, &fw->series[0], &res);
	assert_non_null(tw);
	assert_int_equal(res, 1000);
	assert_int_equal(tw->nbuckets, fw->series[0].hist->nbuckets);
	ib_hist_free(t24);
	ib_hist_free(t26);
	ib_hist_free(tw);
	ib_lat_file_free(f24);
	ib_lat_file_free(f26);
	ib_lat_file_free(fw);
}

/*
 * Real runs whose gaps are known: tests/data/oslat/burst.c, pinned to CPU 1
 * at SCHED_FIFO 50, interrupted a SCHED_FIFO 1 oslat thread there 30 times,
 * each time spinning for at least 300 µs (300.007 to 300.027 µs measured),
 * 100 ms apart; RT throttling (sched_rt_runtime_us 950000 of 1000000) stops
 * oslat once per second for ~50 ms: 3 overflows in 4 s (max 54.0 / 53.7 ms).
 * oslat24-burst.json is rt-tests 2.4, oslat26-burst.json 2.6, same command.
 * Both: exactly 30 gaps from 300 µs to the last bucket, 3 overflows.
 */
static void test_oslat_burst_known_gaps(void **state)
{
	static const char *const files[2] = { "oslat/oslat24-burst.json",
					       "oslat/oslat26-burst.json" };
	struct ib_hist *t[2];
	struct ib_lat_file *f[2];
	uint64_t res, n, noise[2] = { 0, 1 };

	(void)state;
	for (int v = 0; v < 2; v++) {
		uint64_t in_range = 0;

		f[v] = load_ok(ib_lat_load, files[v]);
		t[v] = ib_lat_true_hist(f[v], &f[v]->series[0], &res);
		assert_non_null(t[v]);
		assert_int_equal(t[v]->overflow, 3);
		for (size_t i = 300; i < t[v]->nbuckets; i++)
			in_range += t[v]->counts[i];
		assert_int_equal(in_range, 30);
		/* Gaps > 100 us per the report: the 30 bursts and 3 throttles (2.6: +1 other). */
		assert_int_equal(ib_hist_count_from(t[v], 100000, &n), 0);
		assert_int_equal(n, 33 + noise[v]);
		/* > 1 ms: only the throttles (1 ms is inside the 1023 / 1022 us histogram). */
		assert_int_equal(ib_hist_count_from(t[v], 1000000, &n), 0);
		assert_int_equal(n, 3);
		/* No burst gap below the 300 us it spun. */
		assert_int_equal(ib_hist_count_from(t[v], 300000, &n), 0);
		assert_int_equal(n, 33);
	}
	/*
	 * The bulk below 1 µs and the next bucket: 2.4 labels them "1" and "2",
	 * 2.6 "2" and "3"; corrected, both have them in buckets 0 and 1 (405 and
	 * 393 gaps of 1..2 µs), while 2.6's uncorrected bucket 1 holds the bulk.
	 */
	assert_true(t[0]->counts[0] > 100000000 && t[1]->counts[0] > 100000000);
	assert_int_equal(t[0]->counts[1], 405);
	assert_int_equal(t[1]->counts[1], 393);
	assert_true(f[1]->series[0].hist->counts[1] > 100000000);
	for (int v = 0; v < 2; v++) {
		ib_hist_free(t[v]);
		ib_lat_file_free(f[v]);
	}
}

/* The bucket count comes from the command line however it was spelled. */
static void test_oslat_cmdline_spellings(void **state)
{
	static const char *const files[] = {
		"oslat/oslat24-b8-longopts.json",	/* --bucket-s 8 (a unique prefix) */
		"oslat/oslat24-b8-cluster.json",	/* -qzb8 */
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct ib_lat_file *f = load_ok(ib_lat_load_oslat, files[i]);

		assert_int_equal(f->series[0].hist->nbuckets, 7);
		assert_int_equal(f->series[0].hist->overflow, 305);
		ib_lat_file_free(f);
	}
}

static void test_oslat_errors(void **state)
{
	(void)state;
	load_fails(ib_lat_load_oslat, "oslat/oslat24-truncated.json", EINVAL, "cut short");
	load_fails(ib_lat_load_oslat, "oslat/oslat24-no-cmdline.json", EINVAL,
		   "\"cmdline:\" is missing");
	load_fails(ib_lat_load_oslat, "oslat/oslat24-bias.json", ENOTSUP, "-B");
	load_fails(ib_lat_load_oslat, "oslat/oslat24-b8-label-beyond.json", EINVAL,
		   "key \"9\" does not fit 8 buckets");
	load_fails(ib_lat_load_oslat, "oslat/oslat26-thread-count.json", EINVAL,
		   "\"num_threads\" is 3 but \"thread\" has 2");
	load_fails(ib_lat_load_oslat, "oslat/oslat26-freq-string.json", EINVAL,
		   "\"freq\" should be int");
	load_fails(ib_lat_load_oslat, "oslat/no-such-file.json", ENOENT, "cannot open");
	load_fails(ib_lat_load_oslat, "cyclictest/cyclictest-binary.json", EINVAL, "NUL");
	/* A cyclictest file has no "freq": the oslat reader says what is missing. */
	load_fails(ib_lat_load_oslat, "cyclictest/cyclictest24-h400.json", EINVAL,
		   "thread \"0\": member \"freq\" is missing");
}

static void test_cyclictest24(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load_cyclictest,
					"cyclictest/cyclictest24-h400.json");
	const struct ib_hist *h = f->series[0].hist;
	struct ib_pct p;

	(void)state;
	assert_int_equal(f->tool, IB_LAT_CYCLICTEST);
	assert_string_equal(f->version, "2.40");
	assert_int_equal(h->width, 1000);
	assert_int_equal(h->nbuckets, 400);		/* -h 400 */
	assert_int_equal(h->samples, 2965);		/* "cycles" */
	assert_int_equal(h->overflow, 29);		/* 2965 - 2936 */
	assert_int_equal(h->counts[33], 1);		/* key = lower edge in µs */
	assert_int_equal(h->counts[371], 1);
	assert_int_equal(h->min, 33000);
	assert_int_equal(h->max, 4268000);
	assert_true(fabs(f->series[0].tool_mean_ns - 113980.0) < 1e-6);
	assert_true(pct(h, 50).value == 99000.0);
	assert_true(pct(h, 90).value == 122000.0);
	assert_true(pct(h, 99).value == 372000.0);	/* key 371's upper edge */
	p = pct(h, 99.9);
	assert_true(p.in_overflow && p.value == 400000.0);
	assert_int_equal(f->series[1].hist->overflow, 21);
	assert_true(pct(f->series[1].hist, 99).value == 219000.0);
	ib_lat_file_free(f);
}

static void test_cyclictest26_cluster(void **state)
{
	/* "-qh 1000": -h inside a cluster of short options. */
	struct ib_lat_file *f = load_ok(ib_lat_load, "cyclictest/cyclictest26-cluster.json");
	const struct ib_hist *h = f->series[0].hist;

	(void)state;
	assert_int_equal(f->tool, IB_LAT_CYCLICTEST);
	assert_string_equal(f->version, "2.60");
	assert_int_equal(h->nbuckets, 1000);
	assert_int_equal(h->overflow, 6);
	assert_int_equal(h->samples, 9898);
	assert_true(pct(h, 99).value == 98000.0);
	assert_true(pct(h, 99.9).value == 508000.0);
	assert_true(pct(f->series[1].hist, 99.9).in_overflow);
	ib_lat_file_free(f);
}

static void test_cyclictest_ns_and_nohist(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load_cyclictest,
					"cyclictest/cyclictest24-ns.json");
	const struct ib_hist *h = f->series[0].hist;

	(void)state;
	assert_int_equal(h->width, 1);			/* -N: buckets of 1 ns */
	assert_int_equal(h->nbuckets, 100000);
	assert_int_equal(h->samples, 499);
	assert_int_equal(h->overflow, 126);
	assert_int_equal(h->min, 24179);
	assert_int_equal(f->series[0].cpu, 1);
	assert_true(pct(h, 50).value == 80678.0);
	assert_true(pct(h, 90).in_overflow);
	ib_lat_file_free(f);

	f = load_ok(ib_lat_load_cyclictest, "cyclictest/cyclictest24-nohist.json");
	h = f->series[0].hist;
	assert_int_equal(h->nbuckets, 0);
	assert_int_equal(h->samples, 992);
	assert_int_equal(h->overflow, 992);
	assert_int_equal(h->max, 3584000);
	ib_lat_file_free(f);

	f = load_ok(ib_lat_load_cyclictest, "cyclictest/cyclictest24-h50.json");
	assert_int_equal(f->series[0].hist->nbuckets, 50);
	assert_int_equal(f->series[0].hist->overflow, 2974);
	ib_lat_file_free(f);
}

static void test_cyclictest_errors(void **state)
{
	(void)state;
	load_fails(ib_lat_load_cyclictest, "cyclictest/cyclictest24-truncated.json", EINVAL,
		   "cut short");
	load_fails(ib_lat_load_cyclictest, "oslat/oslat24-2cpu.json", EINVAL,
		   "\"resolution_in_ns\" is missing");
	load_fails(ib_lat_load, "cyclictest/cyclictest-binary.json", EINVAL, "NUL");
}

static void test_entry(void **state)
{
	struct ib_lat_file *f = load_ok(ib_lat_load_entry, "entry/entry-handmade.json");
	const struct ib_lat_series *s;
	struct ib_hist_stats st;
	struct ib_pct p;

	(void)state;
	assert_int_equal(f->tool, IB_LAT_ENTRY);
	assert_string_equal(f->kind, "getpid");
	assert_string_equal(f->version, "1");
	assert_int_equal(f->tsc_hz, 2100000000);
	assert_int_equal(f->n, 4);
	s = ib_lat_find(f, 2, 1000);
	assert_ptr_equal(s, &f->series[0]);
	assert_int_equal(s->hist->unit, IB_UNIT_CYCLES);
	assert_int_equal(s->hist->tsc_hz, 2100000000);
	assert_int_equal(s->hist->width, 10);
	assert_int_equal(s->hist->nbuckets, 4000);
	assert_int_equal(s->hist->counts[70], 5);	/* "710" is [700,710) */
	assert_int_equal(s->hist->overflow, 3);
	assert_int_equal(s->hist->samples, 1997);
	assert_true(s->achieved_rate == 998.5);
	assert_true(s->duration_s == 2.0);
	/* Our rule reproduces what the tool wrote. */
	for (size_t i = 0; i < 3; i++) {
		const struct ib_lat_series *x = &f->series[i];

		assert_true(pct(x->hist, 50).value == (double)x->tool_median_cycles);
		assert_true(pct(x->hist, 99).value == (double)x->tool_p99_cycles);
	}
	p = pct(s->hist, 99.9);
	assert_true(p.in_overflow && p.value == 40000.0);
	assert_int_equal(ib_hist_stats(s->hist, &st), 0);
	assert_int_equal(ib_hist_stats_to_ns(s->hist, &st), 0);
	assert_true(fabs(st.p99.value - 1500.0 / 2.1) < 1e-9);	/* 714.29 ns */
	assert_true(fabs(st.max - 90000.0 / 2.1) < 1e-9);

	s = ib_lat_find(f, 3, 0);
	assert_ptr_equal(s, &f->series[3]);
	assert_int_equal(s->hist->samples, 0);
	assert_int_equal(ib_hist_percentile(s->hist, 50, &p), -1);
	assert_int_equal(errno, ENODATA);
	assert_null(ib_lat_find(f, 4, 0));
	assert_null(ib_lat_find(f, 2, 500));
	ib_lat_file_free(f);
}

static void test_entry_errors(void **state)
{
	(void)state;
	load_fails(ib_lat_load_entry, "entry/entry-truncated.json", EINVAL, "cut short");
	load_fails(ib_lat_load_entry, "entry/entry-count-mismatch.json", EINVAL,
		   "results[0]: \"count\" is 1998 but histogram + overflow hold 1997");
	load_fails(ib_lat_load_entry, "entry/entry-bad-key.json", EINVAL, "key \"725\"");
	load_fails(ib_lat_load, "entry/entry-schema2.json", ENOTSUP, "schema 2");
	load_fails(ib_lat_load_entry, "oslat/oslat24-2cpu.json", EINVAL, "\"tool\" is missing");
}

static void test_autodetect(void **state)
{
	struct ib_lat_file *f;

	(void)state;
	f = load_ok(ib_lat_load, "entry/entry-handmade.json");
	assert_int_equal(f->tool, IB_LAT_ENTRY);
	ib_lat_file_free(f);
	f = load_ok(ib_lat_load, "cyclictest/cyclictest24-h400.json");
	assert_int_equal(f->tool, IB_LAT_CYCLICTEST);
	ib_lat_file_free(f);
	f = load_ok(ib_lat_load, "oslat/oslat24-b8.json");
	assert_int_equal(f->tool, IB_LAT_OSLAT);
	assert_string_equal(ib_lat_tool_name(f->tool), "oslat");
	ib_lat_file_free(f);
	load_fails(ib_lat_load, "procirq/guest4-softirqs-before.txt", EINVAL, "invalid JSON");
}

static void test_print_oslat_summary(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(out);
	assert_int_equal(ib_lat_print_oslat_summary(test_data("oslat/oslat24-b8.json"), out, err,
						    sizeof(err)), 0);
	fclose(out);
	assert_string_equal(buf, "cpu max_ns p99_ns samples\n"
			    "0 48149000 1000 37957753\n"
			    "1 36077000 1000 93100487\n");
	free(buf);
	out = open_memstream(&buf, &len);
	assert_int_equal(ib_lat_print_oslat_summary(test_data("oslat/oslat24-bias.json"), out,
						    err, sizeof(err)), -1);
	assert_int_equal(errno, ENOTSUP);
	fclose(out);
	free(buf);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/*
 * Every prefix of a good file is refused with a message (never a crash or a
 * half-read result), and a file with any one byte replaced either loads or
 * is refused.
 */
static void test_cut_and_corrupted_everywhere(void **state)
{
	static const char *const files[] = {
		"entry/entry-handmade.json", "oslat/oslat26-b16-w250.json",
		"cyclictest/cyclictest26-h400.json",
	};
	/* thousands of small files: memory-backed when there is such a place */
	char tmp[64] = "/dev/shm/test_latency_XXXXXX";
	int fd = mkstemp(tmp);

	(void)state;
	if (fd < 0) {
		strcpy(tmp, "/tmp/test_latency_XXXXXX");
		fd = mkstemp(tmp);
	}
	assert_true(fd >= 0);
	close(fd);
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		size_t len, end;
		char *text = slurp(test_data(files[k]), &len);

		end = len;
		while (end && (text[end - 1] == '\n' || text[end - 1] == ' '))
			end--;
		for (size_t cut = 0; cut < end; cut++) {
			write_file(tmp, text, cut);
			err[0] = '\0';
			assert_null(ib_lat_load(tmp, err, sizeof(err)));
			assert_int_equal(errno, EINVAL);
			assert_int_equal(strncmp(err, tmp, strlen(tmp)), 0);
		}
		for (size_t pos = 0; pos < len; pos += 3) {
			char saved = text[pos];
			struct ib_lat_file *f;

			text[pos] = pos % 2 ? 'x' : '9';
			write_file(tmp, text, len);
			f = ib_lat_load(tmp, err, sizeof(err));
			ib_lat_file_free(f);
			text[pos] = saved;
		}
		free(text);
	}
	unlink(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oslat24_b8),
		cmocka_unit_test(test_oslat24_default),
		cmocka_unit_test(test_oslat26_w2000),
		cmocka_unit_test(test_oslat26_ns_mode),
		cmocka_unit_test(test_oslat26_default),
		cmocka_unit_test(test_oslat_true_gaps_24_26),
		cmocka_unit_test(test_oslat_burst_known_gaps),
		cmocka_unit_test(test_oslat_cmdline_spellings),
		cmocka_unit_test(test_oslat_errors),
		cmocka_unit_test(test_cyclictest24),
		cmocka_unit_test(test_cyclictest26_cluster),
		cmocka_unit_test(test_cyclictest_ns_and_nohist),
		cmocka_unit_test(test_cyclictest_errors),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_entry_errors),
		cmocka_unit_test(test_autodetect),
		cmocka_unit_test(test_print_oslat_summary),
		cmocka_unit_test(test_cut_and_corrupted_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
