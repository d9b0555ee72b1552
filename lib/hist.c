// SPDX-License-Identifier: GPL-2.0
#include "hist.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Big enough for 64 Mi buckets (512 MiB of counts); anything larger is a bad file. */
#define IB_HIST_MAX_BUCKETS (1UL << 26)

const char *ib_unit_name(enum ib_unit unit)
{
	return unit == IB_UNIT_CYCLES ? "cycles" : "ns";
}

struct ib_hist *ib_hist_create(enum ib_unit unit, uint64_t width, size_t nbuckets,
			       uint64_t tsc_hz)
{
	struct ib_hist *h;

	if ((unit != IB_UNIT_NS && unit != IB_UNIT_CYCLES) || width == 0 ||
	    nbuckets > IB_HIST_MAX_BUCKETS || (nbuckets && width > UINT64_MAX / nbuckets)) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->counts = calloc(nbuckets ? nbuckets : 1, sizeof(*h->counts));
	if (!h->counts) {
		free(h);
		return NULL;
	}
	h->unit = unit;
	h->width = width;
	h->nbuckets = nbuckets;
	h->tsc_hz = unit == IB_UNIT_CYCLES ? tsc_hz : 0;
	return h;
}

void ib_hist_free(struct ib_hist *h)
{
	if (!h)
		return;
	free(h->counts);
	free(h);
}

struct ib_hist *ib_hist_clone(const struct ib_hist *h)
{
	struct ib_hist *c = ib_hist_create(h->unit, h->width, h->nbuckets, h->tsc_hz);
	uint64_t *counts;

	if (!c)
		return NULL;
	counts = c->counts;
	*c = *h;
	c->counts = counts;
	memcpy(c->counts, h->counts, h->nbuckets * sizeof(*h->counts));
	return c;
}

uint64_t ib_hist_last_edge(const struct ib_hist *h)
{
	return (uint64_t)h->nbuckets * h->width;
}

static int add_u64(uint64_t *x, uint64_t n)
{
	if (*x > UINT64_MAX - n) {
		errno = EOVERFLOW;
		return -1;
	}
	*x += n;
	return 0;
}

int ib_hist_add_bucket(struct ib_hist *h, size_t index, uint64_t count)
{
	uint64_t *slot = index < h->nbuckets ? &h->counts[index] : &h->overflow;

	if (count == 0)
		return 0;
	if (h->samples > UINT64_MAX - count || add_u64(slot, count)) {
		errno = EOVERFLOW;
		return -1;
	}
	h->samples += count;
	h->has_min = h->has_max = h->has_sum = false;
	return 0;
}

int ib_hist_add(struct ib_hist *h, uint64_t value)
{
	bool first = h->samples == 0;
	uint64_t index = value / h->width;
	uint64_t *slot = index < h->nbuckets ? &h->counts[index] : &h->overflow;

	if (h->samples == UINT64_MAX || add_u64(slot, 1))
		return -1;
	h->samples++;
	if (first) {
		h->has_min = h->has_max = h->has_sum = true;
		h->min = h->max = value;
		h->sum = value;
		return 0;
	}
	if (h->has_min && value < h->min)
		h->min = value;
	if (h->has_max && value > h->max)
		h->max = value;
	if (h->has_sum)
		h->sum += value;
	return 0;
}

int ib_hist_set_minmax(struct ib_hist *h, uint64_t min, uint64_t max)
{
	if (min > max || h->samples == 0) {
		errno = EINVAL;
		return -1;
	}
	h->min = min;
	h->max = max;
	h->has_min = h->has_max = true;
	return 0;
}

int ib_hist_merge(struct ib_hist *dst, const struct ib_hist *src)
{
	size_t n = dst->nbuckets < src->nbuckets ? dst->nbuckets : src->nbuckets;
	uint64_t moved = 0;

	if (dst->unit != src->unit || dst->width != src->width ||
	    (dst->unit == IB_UNIT_CYCLES && dst->tsc_hz != src->tsc_hz)) {
		errno = EINVAL;
		return -1;
	}
	if (dst->samples > UINT64_MAX - src->samples) {
		errno = EOVERFLOW;
		return -1;
	}
	/* Shorten dst first, so its buckets beyond n become overflow. */
	for (size_t i = n; i < dst->nbuckets; i++)
		moved += dst->counts[i];
	for (size_t i = n; i < src->nbuckets; i++)
		moved += src->counts[i];
	for (size_t i = 0; i < n; i++)
		dst->counts[i] += src->counts[i];
	dst->overflow += moved + src->overflow;
	dst->nbuckets = n;

	if (src->samples) {
		if (dst->samples == 0) {
			dst->has_min = src->has_min;
			dst->has_max = src->has_max;
			dst->has_sum = src->has_sum;
			dst->min = src->min;
			dst->max = src->max;
			dst->sum = src->sum;
		} else {
			dst->has_min = dst->has_min && src->has_min;
			dst->has_max = dst->has_max && src->has_max;
			dst->has_sum = dst->has_sum && src->has_sum;
			if (src->min < dst->min)
				dst->min = src->min;
			if (src->max > dst->max)
				dst->max = src->max;
			dst->sum += src->sum;
		}
	}
	dst->samples += src->samples;
	return 0;
}

/*
 * Nearest rank ceil(p / 100 * n), at least 1, with p rounded to 1e-4 so the
 * product is done in integers: ceil(ppm * n / 1e6) with ppm = p * 1e4.
 */
static uint64_t nearest_rank(uint64_t n, double p)
{
	uint64_t ppm = (uint64_t)llround(p * 10000.0);
	unsigned __int128 prod = (unsigned __int128)ppm * n;
	uint64_t r = (uint64_t)((prod + 999999) / 1000000);

	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return r;
}

static void percentile_at_rank(const struct ib_hist *h, uint64_t rank, struct ib_pct *out)
{
	uint64_t seen = 0;

	for (size_t i = 0; i < h->nbuckets; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			double v = (double)((uint64_t)(i + 1) * h->width);

			if (h->has_max && v > (double)h->max)
				v = (double)h->max;
			if (h->has_min && v < (double)h->min)
				v = (double)h->min;
			out->value = v;
			out->in_overflow = false;
			return;
		}
	}
	out->value = (double)ib_hist_last_edge(h);
	out->in_overflow = true;
}

int ib_hist_percentile(const struct ib_hist *h, double p, struct ib_pct *out)
{
	if (!(p >= 0.0 && p <= 100.0)) {
		errno = EINVAL;
		return -1;
	}
	if (h->samples == 0) {
		errno = ENODATA;
		return -1;
	}
	percentile_at_rank(h, nearest_rank(h->samples, p), out);
	return 0;
}

static double midpoint(const struct ib_hist *h, size_t i)
{
	return ((double)i + 0.5) * (double)h->width;
}

int ib_hist_stats(const struct ib_hist *h, struct ib_hist_stats *st)
{
	double last = (double)ib_hist_last_edge(h);
	long double acc = 0, dev = 0, var = 0;
	size_t lo = h->nbuckets, hi = 0, mode = h->nbuckets;
	double mean, n = (double)h->samples;

	if (h->samples == 0) {
		errno = ENODATA;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->unit = h->unit;
	st->samples = h->samples;

	for (size_t i = 0; i < h->nbuckets; i++) {
		if (!h->counts[i])
			continue;
		if (lo == h->nbuckets)
			lo = i;
		hi = i;
		if (mode == h->nbuckets || h->counts[i] > h->counts[mode])
			mode = i;
		acc += (long double)h->counts[i] * midpoint(h, i);
	}
	acc += (long double)h->overflow * last;

	st->min_exact = h->has_min;
	if (h->has_min)
		st->min = (double)h->min;
	else
		st->min = lo < h->nbuckets ? (double)lo * (double)h->width : last;
	st->max_exact = h->has_max;
	if (h->has_max)
		st->max = (double)h->max;
	else if (h->overflow)
		st->max = last, st->max_low = true;
	else
		st->max = (double)(hi + 1) * (double)h->width;
	st->range = st->max - st->min;
	st->mode = mode < h->nbuckets ? midpoint(h, mode) : last;

	if (h->has_sum) {
		mean = (double)(h->sum / h->samples);
		st->mean_exact = true;
	} else {
		mean = (double)(acc / h->samples);
	}
	st->mean = mean;
	for (size_t i = 0; i < h->nbuckets; i++) {
		long double d = midpoint(h, i) - mean;

		if (!h->counts[i])
			continue;
		dev += (long double)h->counts[i] * fabsl(d);
		var += (long double)h->counts[i] * d * d;
	}
	if (h->overflow) {
		long double d = last - mean;

		dev += (long double)h->overflow * fabsl(d);
		var += (long double)h->overflow * d * d;
		st->moments_low = true;
	}
	st->mad = (double)(dev / n);
	st->stddev = h->samples > 1 ? sqrt((double)(var / (n - 1))) : 0.0;

	percentile_at_rank(h, nearest_rank(h->samples, 50.0), &st->p50);
	percentile_at_rank(h, nearest_rank(h->samples, 90.0), &st->p90);
	percentile_at_rank(h, nearest_rank(h->samples, 99.0), &st->p99);
	percentile_at_rank(h, nearest_rank(h->samples, 99.9), &st->p999);
	percentile_at_rank(h, nearest_rank(h->samples, 99.99), &st->p9999);
	st->median = st->p50.value;
	return 0;
}

double ib_hist_cycles_to_ns(double cycles, uint64_t tsc_hz)
{
	if (tsc_hz == 0)
		return NAN;
	return cycles * 1e9 / (double)tsc_hz;
}

int ib_hist_value_ns(const struct ib_hist *h, double value, double *ns)
{
	if (h->unit == IB_UNIT_NS) {
		*ns = value;
		return 0;
	}
	if (h->tsc_hz == 0) {
		errno = EINVAL;
		return -1;
	}
	*ns = ib_hist_cycles_to_ns(value, h->tsc_hz);
	return 0;
}

int ib_hist_stats_to_ns(const struct ib_hist *h, struct ib_hist_stats *st)
{
	double f;

	if (st->unit == IB_UNIT_NS)
		return 0;
	if (h->tsc_hz == 0) {
		errno = EINVAL;
		return -1;
	}
	f = 1e9 / (double)h->tsc_hz;
	st->min *= f;
	st->max *= f;
	st->mean *= f;
	st->median *= f;
	st->mode *= f;
	st->range *= f;
	st->mad *= f;
	st->stddev *= f;
	st->p50.value *= f;
	st->p90.value *= f;
	st->p99.value *= f;
	st->p999.value *= f;
	st->p9999.value *= f;
	st->unit = IB_UNIT_NS;
	return 0;
}

int ib_hist_count_from(const struct ib_hist *h, uint64_t threshold, uint64_t *count)
{
	uint64_t n = 0;

	if (threshold % h->width) {
		errno = EINVAL;
		return -1;
	}
	if (threshold > ib_hist_last_edge(h)) {
		if (h->overflow && !(h->has_max && h->max < threshold)) {
			errno = ERANGE;
			return -1;
		}
		*count = 0;
		return 0;
	}
	for (size_t i = threshold / h->width; i < h->nbuckets; i++)
		n += h->counts[i];
	*count = n + h->overflow;
	return 0;
}
