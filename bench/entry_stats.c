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

/* The bucket that holds the nearest-rank @p-th value, or nbuckets when it overflowed. */
static uint64_t rank_bucket(const struct entry_hist *h, double p)
{
	uint64_t rank = nearest_rank(h->count, p), seen = 0, j;

	for (j = 0; j < h->nbuckets; j++) {
		seen += h->buckets[j];
		if (seen >= rank)
			break;
	}
	return j;
}

uint64_t entry_hist_percentile(const struct entry_hist *h, double p)
{
	uint64_t j, edge;

	if (!h->count)
		return 0;
	j = rank_bucket(h, p);
	if (j == h->nbuckets)
		return h->max;
	edge = (j + 1) * h->width;
	if (edge > h->max)
		edge = h->max;
	return edge < h->min ? h->min : edge;
}

uint64_t entry_hist_exact_percentile(const struct entry_hist *h, double p)
{
	uint64_t j, edge;

	if (!h->count)
		return 0;
	j = rank_bucket(h, p);
	if (j == h->nbuckets)
		return h->max;
	edge = j * h->width;
	return edge < h->min ? h->min : edge;
}

uint64_t entry_hist_mode(const struct entry_hist *h, uint64_t *count)
{
	uint64_t best = 0, n = 0;

	for (uint64_t j = 0; j < h->nbuckets; j++) {
		if (h->buckets[j] > n) {
			n = h->buckets[j];
			best = j;
		}
	}
	if (count)
		*count = n;
	return n ? best * h->width : 0;
}

/* The gap of @g[0..n) that holds time @t strictly inside, or NULL. */
static const struct entry_gap *gap_holding(const struct entry_gap *g, size_t n, uint64_t t)
{
	size_t lo = 0, hi = n;

	/* The last gap with a < t. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g[mid].a < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || g[lo - 1].b <= t)
		return NULL;
	return &g[lo - 1];
}

/* The last send with a < @t, or -1. */
static long send_before(const struct entry_gap *s, size_t n, uint64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].a < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

void entry_ipi_split(const struct entry_gap *const *gaps, const size_t *ngaps, unsigned int ncpus,
		     unsigned int r, const struct entry_gap *sends, size_t nsends,
		     struct entry_hist *ipi, struct entry_hist *control)
{
	long matched = -1;

	for (size_t i = 0; i < ngaps[r]; i++) {
		const struct entry_gap *g = &gaps[r][i];
		uint64_t m = 0;
		long k;

		/* m: the latest read before b of a CPU that was not running at b. */
		for (unsigned int w = 0; w < ncpus; w++) {
			const struct entry_gap *o;

			if (w == r)
				continue;
			o = gap_holding(gaps[w], ngaps[w], g->b);
			if (o && o->a > m)
				m = o->a;
		}
		if (!m || m < g->a)
			continue;
		k = send_before(sends, nsends, g->b);
		if (k >= 0 && g->b < sends[k].b) {
			/* Inside a send: the first such gap took the IPI. Sender code
			 * between m and b (m before the send began) spoils it. */
			if (k != matched) {
				matched = k;
				if (m > sends[k].a)
					entry_hist_add(ipi, g->b - m);
			}
			continue;
		}
		if (k >= 0 && sends[k].b > m)
			continue;
		entry_hist_add(control, g->b - m);
	}
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
