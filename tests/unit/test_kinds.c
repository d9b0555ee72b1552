// SPDX-License-Identifier: GPL-2.0
/* The registry of kinds (lib/kinds.c) and the job loader's use of it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jobspec.h"
#include "kinds.h"

static const struct ib_template_vars vars = {
	.hk = "0-1", .iso = "2-3", .hk0 = "0", .nhk = "2", .nhk3 = "6", .kind = "munmap",
	.out = "/r/storm-munmap.json", .rate = "20",
};

static void test_find(void **state)
{
	(void)state;
	assert_non_null(ib_kind_find(IB_KC_CASE, "oslat"));
	assert_null(ib_kind_find(IB_KC_CASE, "hackbench"));	/* a noise, not a case */
	assert_null(ib_kind_find(IB_KC_PROVOKER, NULL));
	assert_int_equal(ib_field_find("guest.vcpus")->max, 1024);
	assert_int_equal(ib_field_find("cases.provokers")->max, IB_JOB_MAX_ITEMS);
	assert_int_equal(ib_field_find("cases.entry.rates")->max, IB_ENTRY_MAX_RATES);
	assert_int_equal(ib_field_default_int("cases.cyclictest.priority"), 95);
	assert_null(ib_field_find("guest.nope"));
}

static void test_list(void **state)
{
	char buf[64], small[12];

	(void)state;
	assert_string_equal(ib_kind_list(IB_KC_CASE, ", ", buf, sizeof(buf)),
			    "oslat, cyclictest, entry, idle");
	/* Cut at a whole name, never in the middle of one. */
	assert_string_equal(ib_kind_list(IB_KC_CASE, ", ", small, sizeof(small)), "oslat");
}

/* Every kind the runner starts can be started: a template or a builder, and a section. */
static void test_every_kind_is_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < ib_nkinds; i++) {
		const struct ib_kind *k = &ib_kinds[i];

		assert_non_null(k->name);
		assert_non_null(k->help);
		for (size_t j = 0; j < i; j++)
			assert_false(ib_kinds[j].cls == k->cls && !strcmp(ib_kinds[j].name, k->name));
		if (k->cls == IB_KC_NOISE || k->cls == IB_KC_PROVOKER) {
			assert_non_null(k->argv);
			for (const char *const *a = k->argv; *a; a++) {
				char err[128], *s = ib_template_expand(*a, &vars, err, sizeof(err));

				if (!s)
					fail_msg("%s: %s", k->name, err);
				free(s);
			}
		}
		if (k->cls == IB_KC_CASE)
			assert_non_null(k->builder);
		if (k->cls <= IB_KC_COLLECTOR)
			assert_non_null(k->section);
	}
}

static void test_template(void **state)
{
	char err[128], *s;

	(void)state;
	s = ib_template_expand("--cpus={hk},{iso}x{nhk3}", &vars, err, sizeof(err));
	assert_string_equal(s, "--cpus=0-1,2-3x6");
	free(s);
	s = ib_template_expand("{rate", &vars, err, sizeof(err));
	assert_string_equal(s, "{rate");	/* no closing brace: literal */
	free(s);
	assert_null(ib_template_expand("{nope}", &vars, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown placeholder {nope}"));
	{
		struct ib_template_vars v = vars;

		v.out = NULL;
		assert_null(ib_template_expand("{out}", &v, err, sizeof(err)));
		assert_non_null(strstr(err, "{out} has no value"));
	}
}

/* The runner's arg(): argument IB_ARGV_MAX is refused, not dropped. */
static void test_argv_push(void **state)
{
	char *argv[IB_ARGV_MAX];
	int argc = 0;

	(void)state;
	for (int i = 0; i < IB_ARGV_MAX - 1; i++)
		assert_int_equal(ib_argv_push(argv, &argc, IB_ARGV_MAX, strdup("a")), 0);
	assert_int_equal(argc, IB_ARGV_MAX - 1);
	assert_null(argv[argc]);
	errno = 0;
	assert_int_equal(ib_argv_push(argv, &argc, IB_ARGV_MAX, strdup("one too many")), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(argc, IB_ARGV_MAX - 1);
	assert_int_equal(ib_argv_push(argv, &argc, IB_ARGV_MAX, NULL), -1);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
}

static int load_text(const char *text, struct ib_job *job, char *err, size_t errlen)
{
	char path[] = "/tmp/test_kinds_jobXXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = ib_job_load(path, job, err, errlen);
	unlink(path);
	return rc;
}

#define JOB_HEAD "{\"schema\": 2, \"case_kind\": \"oslat\", \"case_name\": \"good-case\", " \
	"\"duration_s\": 10, \"isolated\": \"2-3\", \"housekeeping\": \"0-1\""

/* The guest's job loader takes its defaults and limits from the registry. */
static void test_job_defaults(void **state)
{
	struct ib_job job;
	char err[256];

	(void)state;
	assert_int_equal(load_text(JOB_HEAD "}", &job, err, sizeof(err)), 0);
	assert_string_equal(job.case_kind, "oslat");
	assert_string_equal(job.case_name, "good-case");
	assert_int_equal(job.oslat_buckets, ib_field_default_int("cases.oslat.buckets"));
	assert_int_equal(job.cyclictest_interval_us,
			 ib_field_default_int("cases.cyclictest.interval_us"));
	assert_string_equal(job.entry_rates, ib_field_find("cases.entry.rates")->def);
	ib_job_free(&job);
}

static void test_job_limits(void **state)
{
	char err[256], text[2048];
	struct ib_job job;

	(void)state;
	snprintf(text, sizeof(text), JOB_HEAD ", \"provokers\": [%s]}",
		 "{\"kind\":\"bpf\",\"rate\":1},{\"kind\":\"bpf\",\"rate\":1},{\"kind\":\"bpf\",\"rate\":1},"
		 "{\"kind\":\"bpf\",\"rate\":1},{\"kind\":\"bpf\",\"rate\":1},{\"kind\":\"bpf\",\"rate\":1},"
		 "{\"kind\":\"bpf\",\"rate\":1},{\"kind\":\"bpf\",\"rate\":1},{\"kind\":\"bpf\",\"rate\":1}");
	assert_int_equal(load_text(text, &job, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many provokers"));
	assert_int_equal(load_text(JOB_HEAD ", \"provokers\": [{\"kind\":\"nope\",\"rate\":1}]}",
				   &job, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown provoker 'nope'"));
	assert_int_equal(load_text(JOB_HEAD ", \"cyclictest\": {\"priority\": 120}}", &job, err,
				   sizeof(err)), -1);
	assert_non_null(strstr(err, "allowed range is 1..99"));
	assert_int_equal(load_text("{\"schema\": 2, \"case\": \"oslat\", \"duration_s\": 10, "
				   "\"isolated\": \"2-3\", \"housekeeping\": \"0-1\"}", &job, err,
				   sizeof(err)), -1);
	assert_non_null(strstr(err, "'case_kind' is missing"));
	assert_int_equal(load_text(JOB_HEAD ", \"noise\": [\"stress\"]}", &job, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown noise 'stress'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_every_kind_is_complete),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_argv_push),
		cmocka_unit_test(test_job_defaults),
		cmocka_unit_test(test_job_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
