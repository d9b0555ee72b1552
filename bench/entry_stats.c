// SPDX-License-Identifier: GPL-2.0
#include "entry_stats.h"
#include "jsonfile.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int entry_hist_init(struct entry_hist *h, uint64_t width, uint64_t nbuckets)
{
	memset(h, 0, sizeof(*h));
	if (!width || !nbuckets) {
		errno = EINVAL;
		return -1;
	}
	h->buckets = calloc(nbuckets, sizeof(*h->buckets));
	if (!h->buckets)
		return -1;
	h->width = width;
	h->nbuckets = nbuckets;
	h->min = UINT64_MAX;
	return 0;
}

void entry_hist_reset(struct entry_hist *h)
{
	memset(h->buckets, 0, h->nbuckets * sizeof(*h->buckets));
	h->overflow = 0;
	h->count = 0;
	h->min = UINT64_MAX;
	h->max = 0;
	h->sum = 0;
}

void entry_hist_free(struct entry_hist *h)
{
	free(h->buckets);
	h->buckets = NULL;
}

/* Nearest rank, 1-based: ceil(p / 100 * n), at least 1. */
static uint64_t nearest_rank(uint64_t n, double p)
{
	double r = ceil(p / 100.0 * (double)n - 1e-9);

	if (r < 1)
		return 1;
	if (r > (double)n)
		return n;
	return (uint64_t)r;
}

int entry_hist_rank_in_overflow(const struct entry_hist *h, double p)
{
	if (!h->count)
		return 0;
	return nearest_rank(h->count, p) > h->count - h->overflow;
}

uint64_t entry_hist_percentile(const struct entry_hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	rank = nearest_rank(h->count, p);
	for (uint64_t j = 0; j < h->nbuckets; j++) {
		seen += h->buckets[j];
		if (seen >= rank) {
			uint64_t edge = (j + 1) * h->width;

			if (edge > h->max)
				edge = h->max;
			if (edge < h->min)
				edge = h->min;
			return edge;
		}
	}
	return h->max;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t percentile_of_samples(uint64_t *v, size_t n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[nearest_rank(n, p) - 1];
}

int entry_parse_rates(const char *s, uint64_t *rates, size_t max, size_t *n,
		      char *err, size_t errlen)
{
	char *copy = strdup(s), *save = NULL, *tok;
	char sub[160];
	int ret = 0;

	*n = 0;
	if (!copy)
		return -1;
	if (!*copy || copy[strlen(copy) - 1] == ',' || copy[0] == ',' || strstr(copy, ",,")) {
		ib_errf(err, errlen, "malformed rate list '%s' (write e.g. 1000,10k,100000,max)", s);
		errno = EINVAL;
		ret = -1;
		goto out;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t len;
		uint64_t r;

		while (*tok == ' ')
			tok++;
		len = strlen(tok);
		while (len && tok[len - 1] == ' ')
			tok[--len] = '\0';
		if (*n == max) {
			ib_errf(err, errlen, "too many rates in '%s' (at most %zu)", s, max);
			errno = EINVAL;
			ret = -1;
			goto out;
		}
		if (!strcmp(tok, "max")) {
			rates[(*n)++] = 0;
			continue;
		}
		if (ib_parse_u64(tok, 1, ENTRY_MAX_RATE, &r, sub, sizeof(sub))) {
			ib_errf(err, errlen, "rate %s (or 'max')", sub);
			ret = -1;
			goto out;
		}
		rates[(*n)++] = r;
	}
out:
	free(copy);
	return ret;
}
