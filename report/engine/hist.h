/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hist.h - a bounded-memory latency distribution over u64 nanoseconds.
 *
 * Log-linear buckets (the HdrHistogram idea, written from scratch): values
 * below KDR_HIST_LINEAR (128) each have their own bucket, so they are
 * exact; above, every power of two [2^e, 2^(e+1)) is split into
 * KDR_HIST_SUB (64) equal sub-buckets of width 2^(e-6).  A bucket is thus
 * never wider than 1/64 of its lower bound, which is the documented
 * relative error:
 *
 *   percentile(p) returns the largest value of the bucket that holds the
 *   nearest-rank p-th value v, clamped to [min, max]; the result r obeys
 *   v <= r < v * (1 + 1/64), i.e. it overstates by less than 1.6%, never
 *   understates; r == v when v < 128, and p = 100 gives max exactly.
 *
 * count, total (saturating at UINT64_MAX), min and max are exact.
 *
 * Memory: 3,776 buckets cover the whole u64 range, but a histogram only
 * allocates the index range it has seen (grown by whole octaves), so a
 * distribution spanning 1 us .. 1 s costs ~10 KB; never more than 30 KB
 * however long the capture.  Not thread-safe; plain struct, embeddable.
 */
#ifndef KDR_HIST_H
#define KDR_HIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KDR_HIST_SUB_BITS 6
#define KDR_HIST_SUB (1u << KDR_HIST_SUB_BITS)	/* linear sub-buckets per octave */
#define KDR_HIST_LINEAR (2u * KDR_HIST_SUB)	/* values below are exact */
/* Buckets for the whole u64 range: the exact ones, then one group of
 * KDR_HIST_SUB per octave 2^7 .. 2^63. */
#define KDR_HIST_BUCKETS (KDR_HIST_LINEAR + (64u - KDR_HIST_SUB_BITS - 1u) * KDR_HIST_SUB)
/* Relative error bound of percentiles, as a fraction (1/64). */
#define KDR_HIST_REL_ERROR (1.0 / KDR_HIST_SUB)

/* Read the fields, never write them: use the functions below. */
struct kdr_hist {
	uint64_t count;
	uint64_t total; /* saturates at UINT64_MAX */
	uint64_t min;	/* UINT64_MAX while empty */
	uint64_t max;	/* 0 while empty */
	uint32_t lo;	/* bucket index of counts[0] */
	uint32_t n;	/* buckets allocated */
	uint64_t *counts;
};

/* An empty histogram (no allocation yet); KDR_HIST_INIT for statics. */
#define KDR_HIST_INIT { 0, 0, UINT64_MAX, 0, 0, 0, NULL }
void kdr_hist_init(struct kdr_hist *h);
/* Free the buckets; h is empty again (reusable). */
void kdr_hist_free(struct kdr_hist *h);

/* Record v once / n times.  0, or -1 when out of memory (h unchanged). */
int kdr_hist_add(struct kdr_hist *h, uint64_t v);
int kdr_hist_add_n(struct kdr_hist *h, uint64_t v, uint64_t n);
/* dst += src (exact: same bucket layout).  0, or -1 out of memory (dst
 * unchanged). */
int kdr_hist_merge(struct kdr_hist *dst, const struct kdr_hist *src);

/* Nearest-rank percentile, p in [0, 100] (p <= 0 gives min); 0 when empty.
 * See the error bound above. */
uint64_t kdr_hist_percentile(const struct kdr_hist *h, double p);
/* total / count rounded down; 0 when empty. */
uint64_t kdr_hist_mean(const struct kdr_hist *h);

/* Bucket geometry: the index of v and the bounds [low, high] of index i. */
uint32_t kdr_hist_index(uint64_t v);
uint64_t kdr_hist_bucket_low(uint32_t i);
uint64_t kdr_hist_bucket_high(uint32_t i);

/*
 * The log2 view, as BCC's runqlat prints it: slot 0 holds 0 and 1, slot
 * k >= 1 holds [2^k, 2^(k+1) - 1], all in units of unit_ns (1 = ns, 1000 =
 * usecs...).  slots[0 .. nslots) are filled (65 cover everything); returns
 * the number of slots up to the last non-empty one (0 when empty).  With
 * unit_ns a power of two the view is exact; otherwise a bucket straddling
 * a slot boundary goes wholly to the slot of its lower bound, so a value
 * within 1/64 of a boundary may be counted one slot low.
 */
size_t kdr_hist_log2(const struct kdr_hist *h, uint64_t unit_ns, uint64_t *slots, size_t nslots);

/*
 * Print the log2 view to f in BCC's layout:
 *
 *	     usecs               : count    distribution
 *	         4 -> 7          : 22       |*****                   |
 *
 * from the first to the last non-empty slot; unit_name labels the value
 * column ("usecs"), unit_ns its size in ns.  Nothing but the header's
 * absence is printed for an empty histogram.  Returns 0, or -1 when
 * writing failed (ferror(f)).
 */
int kdr_hist_print_log2(const struct kdr_hist *h, FILE *f, const char *unit_name,
			uint64_t unit_ns);

#endif /* KDR_HIST_H */
