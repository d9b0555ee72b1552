// SPDX-License-Identifier: GPL-2.0
/* Unit tests of lib/parse.c (durations, ranged integers) and lib/tsc.c's agreement test. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"
#include "tsc.h"

#define S 1000000000ULL
#define DAY (86400ULL * S)

static uint64_t dur(const char *s)
{
	char err[256];
	uint64_t ns = 0;

	assert_int_equal(ib_parse_duration(s, 0, 365 * DAY, &ns, err, sizeof(err)), 0);
	return ns;
}

static void test_duration_units(void **state)
{
	(void)state;
	assert_int_equal(dur("10"), 10 * S);
	assert_int_equal(dur("10s"), 10 * S);
	assert_int_equal(dur("2m"), 120 * S);
	assert_int_equal(dur("1h"), 3600 * S);
	assert_int_equal(dur("1d"), DAY);
	assert_int_equal(dur("500ms"), S / 2);
	assert_int_equal(dur("250us"), 250000);
	assert_int_equal(dur("7ns"), 7);
	assert_int_equal(dur("1.5"), 3 * S / 2);
	assert_int_equal(dur("0.25m"), 15 * S);
	assert_int_equal(dur(".5s"), S / 2);
	assert_int_equal(dur(" 3s "), 3 * S);
	assert_int_equal(dur("0"), 0);
}

static void test_duration_bad(void **state)
{
	static const char *const bad[] = {
		"", "s", "-1", "+1", "1x", "10 s x", "1..2", "inf", "nan", "0x10", "1e3",
		"10sec", "5 m s",
	};
	char err[256];
	uint64_t ns;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(ib_parse_duration(bad[i], 0, DAY, &ns, err, sizeof(err)), -1);
		assert_int_equal(errno, EINVAL);
		assert_true(err[0] != '\0');
	}
}

static void test_duration_range(void **state)
{
	char err[256];
	uint64_t ns = 42;

	(void)state;
	assert_int_equal(ib_parse_duration("5ms", 10000000ULL, DAY, &ns, err, sizeof(err)), -1);
	assert_int_equal(errno, ERANGE);
	assert_non_null(strstr(err, "10ms..1d"));
	assert_int_equal(ns, 42);
	assert_int_equal(ib_parse_duration("2d", 0, DAY, &ns, err, sizeof(err)), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(ib_parse_duration("1d", 0, DAY, &ns, NULL, 0), 0);
	assert_int_equal(ns, DAY);
	assert_int_equal(ib_parse_duration("10ms", 10000000ULL, DAY, &ns, NULL, 0), 0);
}

static void test_format_duration(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(ib_format_duration(10 * S, buf, sizeof(buf)), "10s");
	assert_string_equal(ib_format_duration(120 * S, buf, sizeof(buf)), "2m");
	assert_string_equal(ib_format_duration(90 * S, buf, sizeof(buf)), "90s");
	assert_string_equal(ib_format_duration(DAY, buf, sizeof(buf)), "1d");
	assert_string_equal(ib_format_duration(10000000ULL, buf, sizeof(buf)), "10ms");
	assert_string_equal(ib_format_duration(1500, buf, sizeof(buf)), "1500ns");
	assert_string_equal(ib_format_duration(0, buf, sizeof(buf)), "0ns");
}

static void test_u64(void **state)
{
	char err[256];
	uint64_t v;

	(void)state;
	assert_int_equal(ib_parse_u64("42", 1, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 42);
	assert_int_equal(ib_parse_u64("10k", 1, UINT64_MAX, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 10000);
	assert_int_equal(ib_parse_u64("3M", 1, UINT64_MAX, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 3000000);
	assert_int_equal(ib_parse_u64("2G", 1, UINT64_MAX, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 2000000000ULL);
	assert_int_equal(ib_parse_u64("100", 1, 100, &v, NULL, 0), 0);
	assert_int_equal(ib_parse_u64("1", 1, 100, &v, NULL, 0), 0);

	assert_int_equal(ib_parse_u64("101", 1, 100, &v, err, sizeof(err)), -1);
	assert_int_equal(errno, ERANGE);
	assert_non_null(strstr(err, "1..100"));
	assert_int_equal(ib_parse_u64("0", 1, 100, &v, err, sizeof(err)), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(ib_parse_u64("99999999999999999999", 0, UINT64_MAX, &v, err,
				      sizeof(err)), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(ib_parse_u64("18446744073709551G", 0, UINT64_MAX, &v, err,
				      sizeof(err)), -1);
	assert_int_equal(errno, ERANGE);
	static const char *const bad[] = { "", "-1", "x", "1.5", "10kk", "k", "1 2", "0x10" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ib_parse_u64(bad[i], 0, UINT64_MAX, &v, err, sizeof(err)), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void test_tsc_agree(void **state)
{
	(void)state;
	assert_true(ib_tsc_readings_agree(2.1e9, 2.1e9, 0.001));
	assert_true(ib_tsc_readings_agree(2.1e9, 2.1019e9, 0.001));
	assert_false(ib_tsc_readings_agree(2.1e9, 2.1023e9, 0.001));
	assert_false(ib_tsc_readings_agree(2.1023e9, 2.1e9, 0.001));
	assert_false(ib_tsc_readings_agree(0, 0, 0.001));
	assert_false(ib_tsc_readings_agree(-1, -1, 0.001));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_duration_range),
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_tsc_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
