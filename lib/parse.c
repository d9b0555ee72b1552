// SPDX-License-Identifier: GPL-2.0
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 4, 5)))
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = code;
	return -1;
}

static const struct {
	const char *name;
	uint64_t ns;
} duration_units[] = {
	{ "ns", 1ULL },
	{ "us", 1000ULL },
	{ "ms", 1000000ULL },
	{ "s", 1000000000ULL },
	{ "", 1000000000ULL },
	{ "m", 60ULL * 1000000000ULL },
	{ "h", 3600ULL * 1000000000ULL },
	{ "d", 86400ULL * 1000000000ULL },
};

char *ib_format_duration(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "d", 86400ULL * 1000000000ULL }, { "h", 3600ULL * 1000000000ULL },
		{ "m", 60ULL * 1000000000ULL }, { "s", 1000000000ULL },
		{ "ms", 1000000ULL }, { "us", 1000ULL },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns && ns % units[i].ns == 0) {
			snprintf(buf, len, "%" PRIu64 "%s", ns / units[i].ns, units[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64 "ns", ns);
	return buf;
}

int ib_parse_duration(const char *s, uint64_t min_ns, uint64_t max_ns, uint64_t *ns,
		      char *err, size_t errlen)
{
	char lo[32], hi[32], num[64];
	const char *p = s;
	double v;
	char *end;
	size_t n;

	ib_format_duration(min_ns, lo, sizeof(lo));
	ib_format_duration(max_ns, hi, sizeof(hi));
	while (isspace((unsigned char)*p))
		p++;
	/*
	 * The number is digits with at most one '.', copied out before strtod()
	 * sees it: strtod alone would also take "inf", "nan", hex and exponents.
	 */
	n = strspn(p, "0123456789.");
	if (!n || n >= sizeof(num) || memchr(p, '.', n) != memrchr(p, '.', n) ||
	    (n == 1 && *p == '.'))
		return fail(err, errlen, EINVAL,
			    "'%s' is not a duration (write e.g. 10, 10s, 500ms, 2m, 1h; allowed %s..%s)",
			    s, lo, hi);
	memcpy(num, p, n);
	num[n] = '\0';
	v = strtod(num, NULL);
	p += n;
	end = (char *)p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
		size_t ulen = strlen(duration_units[i].name);
		double r;

		if ((size_t)(end - p) != ulen || strncmp(p, duration_units[i].name, ulen))
			continue;
		r = v * (double)duration_units[i].ns;
		if (r > (double)max_ns || r < (double)min_ns)
			return fail(err, errlen, ERANGE,
				    "duration '%s' out of range (allowed %s..%s)", s, lo, hi);
		*ns = (uint64_t)llround(r);
		return 0;
	}
	return fail(err, errlen, EINVAL,
		    "unknown unit in duration '%s' (units: ns, us, ms, s, m, h, d; no unit = s)", s);
}

int ib_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 char *err, size_t errlen)
{
	const char *p = s;
	uint64_t v, mult = 1;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return fail(err, errlen, EINVAL,
			    "'%s' is not a number (allowed %" PRIu64 "..%" PRIu64 ")", s, min, max);
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno == ERANGE)
		return fail(err, errlen, ERANGE,
			    "'%s' out of range (allowed %" PRIu64 "..%" PRIu64 ")", s, min, max);
	switch (*end) {
	case 'k':
		mult = 1000ULL;
		end++;
		break;
	case 'M':
		mult = 1000000ULL;
		end++;
		break;
	case 'G':
		mult = 1000000000ULL;
		end++;
		break;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return fail(err, errlen, EINVAL,
			    "'%s' is not a number (digits and an optional k, M or G; allowed %"
			    PRIu64 "..%" PRIu64 ")", s, min, max);
	if (v > UINT64_MAX / mult || v * mult < min || v * mult > max)
		return fail(err, errlen, ERANGE,
			    "'%s' out of range (allowed %" PRIu64 "..%" PRIu64 ")", s, min, max);
	*out = v * mult;
	return 0;
}
