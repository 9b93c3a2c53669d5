// SPDX-License-Identifier: BSD-2-Clause
/*
 * hist.c - the log-linear latency histogram of hist.h.
 *
 * Bucket index of v:
 *   v < 128:  v itself (exact)
 *   else:     e = floor(log2 v) (7..63), s = e - 6,
 *             128 + (e - 7) * 64 + ((v >> s) - 64)
 * so the bucket of v is [v rounded down to a multiple of 2^s, + 2^s - 1]
 * and 2^s <= v / 64: the relative width bound of hist.h.
 *
 * Counts live in one array covering bucket indexes [lo, lo + n), grown a
 * whole "group" (the 128 exact buckets, or one octave) at a time: latency
 * distributions span a few octaves, so this stays small without a sparse
 * structure, and a merge is a plain element-wise sum.
 */
#include <stdlib.h>
#include <string.h>

#include "hist.h"

void kdr_hist_init(struct kdr_hist *h)
{
	static const struct kdr_hist empty = KDR_HIST_INIT;

	*h = empty;
}

void kdr_hist_free(struct kdr_hist *h)
{
	free(h->counts);
	kdr_hist_init(h);
}

static unsigned log2_floor(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v); /* v != 0 */
}

uint32_t kdr_hist_index(uint64_t v)
{
	unsigned e, s;

	if (v < KDR_HIST_LINEAR)
		return (uint32_t)v;
	e = log2_floor(v);
	s = e - KDR_HIST_SUB_BITS;
	return KDR_HIST_LINEAR + (e - KDR_HIST_SUB_BITS - 1) * KDR_HIST_SUB +
	       (uint32_t)((v >> s) - KDR_HIST_SUB);
}

uint64_t kdr_hist_bucket_low(uint32_t i)
{
	uint32_t g, sub;

	if (i < KDR_HIST_LINEAR)
		return i;
	if (i >= KDR_HIST_BUCKETS)
		i = KDR_HIST_BUCKETS - 1;
	g = (i - KDR_HIST_LINEAR) / KDR_HIST_SUB;
	sub = (i - KDR_HIST_LINEAR) % KDR_HIST_SUB;
	/* Octave e = g + 7, sub-bucket width 2^(e - 6) = 2^(g + 1). */
	return (uint64_t)(KDR_HIST_SUB + sub) << (g + 1);
}

uint64_t kdr_hist_bucket_high(uint32_t i)
{
	if (i < KDR_HIST_LINEAR)
		return i;
	if (i >= KDR_HIST_BUCKETS)
		i = KDR_HIST_BUCKETS - 1;
	/* Written as low + (width - 1): the last bucket ends at UINT64_MAX. */
	return kdr_hist_bucket_low(i) + ((1ull << ((i - KDR_HIST_LINEAR) / KDR_HIST_SUB + 1)) - 1);
}

/* First and one-past-last index of the group (exact part, or octave) of i. */
static uint32_t group_start(uint32_t i)
{
	return i < KDR_HIST_LINEAR ? 0 : i - (i - KDR_HIST_LINEAR) % KDR_HIST_SUB;
}

static uint32_t group_end(uint32_t i)
{
	return i < KDR_HIST_LINEAR ? KDR_HIST_LINEAR : group_start(i) + KDR_HIST_SUB;
}

/* Make [a, b) (bucket indexes) part of the allocated range. */
static int cover(struct kdr_hist *h, uint32_t a, uint32_t b)
{
	uint32_t lo, hi;
	uint64_t *c;

	if (h->counts && a >= h->lo && b <= h->lo + h->n)
		return 0;
	lo = group_start(a);
	hi = group_end(b - 1);
	if (h->counts) {
		if (h->lo < lo)
			lo = h->lo;
		if (h->lo + h->n > hi)
			hi = h->lo + h->n;
	}
	c = calloc(hi - lo, sizeof(*c));
	if (!c)
		return -1;
	if (h->counts)
		memcpy(c + (h->lo - lo), h->counts, h->n * sizeof(*c));
	free(h->counts);
	h->counts = c;
	h->lo = lo;
	h->n = hi - lo;
	return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* v * n, saturating. */
static uint64_t sat_mul(uint64_t v, uint64_t n)
{
	return n && v > UINT64_MAX / n ? UINT64_MAX : v * n;
}

int kdr_hist_add_n(struct kdr_hist *h, uint64_t v, uint64_t n)
{
	uint32_t i = kdr_hist_index(v);

	if (!n)
		return 0;
	if (cover(h, i, i + 1))
		return -1;
	h->counts[i - h->lo] += n;
	h->count += n;
	h->total = sat_add(h->total, sat_mul(v, n));
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	return 0;
}

int kdr_hist_add(struct kdr_hist *h, uint64_t v)
{
	return kdr_hist_add_n(h, v, 1);
}

int kdr_hist_merge(struct kdr_hist *dst, const struct kdr_hist *src)
{
	uint32_t i;

	if (!src->count)
		return 0;
	if (cover(dst, src->lo, src->lo + src->n))
		return -1;
	for (i = 0; i < src->n; i++)
		dst->counts[src->lo + i - dst->lo] += src->counts[i];
	dst->count += src->count;
	dst->total = sat_add(dst->total, src->total);
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

uint64_t kdr_hist_percentile(const struct kdr_hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	double r;
	uint32_t i;

	if (!h->count)
		return 0;
	if (!(p > 0))
		return h->min;
	if (p >= 100)
		return h->max;
	/* Nearest rank: the smallest value with at least p% of the values
	 * at or below it, i.e. the ceil(p/100 * count)-th smallest. */
	r = p / 100.0 * (double)h->count;
	rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < h->n; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			break;
	}
	if (i == h->n) /* cannot happen: the counts add up to count */
		return h->max;
	v = kdr_hist_bucket_high(h->lo + i);
	/* The bucket holding the smallest (largest) value is only partly
	 * used: min and max are exact and tighten it. */
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

uint64_t kdr_hist_mean(const struct kdr_hist *h)
{
	return h->count ? h->total / h->count : 0;
}

static size_t log2_slot(uint64_t x)
{
	return x <= 1 ? 0 : log2_floor(x);
}

size_t kdr_hist_log2(const struct kdr_hist *h, uint64_t unit_ns, uint64_t *slots, size_t nslots)
{
	size_t last = 0, s;
	uint32_t i;

	if (!unit_ns)
		unit_ns = 1;
	memset(slots, 0, nslots * sizeof(*slots));
	for (i = 0; i < h->n; i++) {
		if (!h->counts[i])
			continue;
		s = log2_slot(kdr_hist_bucket_low(h->lo + i) / unit_ns);
		if (s >= nslots)
			s = nslots - 1; /* caller's array too short: the last holds the rest */
		slots[s] += h->counts[i];
		if (s + 1 > last)
			last = s + 1;
	}
	return last;
}

/* BCC's bar: val / max of width, '+' when val exceeds max (never here). */
static void stars(FILE *f, uint64_t val, uint64_t max, int width)
{
	int n = max ? (int)((double)val * width / (double)max) : 0, i;

	for (i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
}

int kdr_hist_print_log2(const struct kdr_hist *h, FILE *f, const char *unit_name,
			uint64_t unit_ns)
{
	uint64_t slots[65], max = 0;
	size_t n = kdr_hist_log2(h, unit_ns, slots, 65), first = 0, i;
	int narrow, vw, bar;

	if (!n)
		return ferror(f) ? -1 : 0;
	while (!slots[first])
		first++;
	for (i = first; i < n; i++)
		if (slots[i] > max)
			max = slots[i];
	/* Up to slot 32 the numbers fit in 10 columns; beyond, BCC widens the
	 * value columns and halves the bar. */
	narrow = n - 1 <= 32;
	vw = narrow ? 10 : 20;
	bar = narrow ? 40 : 20;
	fprintf(f, "%*s%-*s : count    distribution\n", narrow ? 5 : 15, "", narrow ? 19 : 29,
		unit_name ? unit_name : "nsecs");
	for (i = first; i < n; i++) {
		uint64_t low = i ? 1ull << i : 0;
		uint64_t high = i < 63 ? (1ull << (i + 1)) - 1 : UINT64_MAX;

		fprintf(f, "%*llu -> %-*llu : %-8llu |", vw, (unsigned long long)low, vw,
			(unsigned long long)high, (unsigned long long)slots[i]);
		stars(f, slots[i], max, bar);
		fputs("|\n", f);
	}
	return ferror(f) ? -1 : 0;
}
