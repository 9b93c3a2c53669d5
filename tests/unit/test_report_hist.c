// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_hist.c - report/engine/hist.c: bucket geometry, exact statistics,
 * percentiles within the documented bound (v <= r < v * (1 + 1/64)),
 * merges, extreme values, and the BCC-style log2 print.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"

/* The documented bound, in integers: v <= r and (r - v) * 64 < v. */
static void assert_within(uint64_t r, uint64_t v)
{
	assert_true(r >= v);
	assert_true((r - v) < v / KDR_HIST_SUB + (v % KDR_HIST_SUB != 0));
	assert_true((r - v) * KDR_HIST_SUB < v || r == v);
}

static void test_empty(void **state)
{
	struct kdr_hist h;
	uint64_t slots[65];

	(void)state;
	kdr_hist_init(&h);
	assert_int_equal(h.count, 0);
	assert_int_equal(kdr_hist_percentile(&h, 50), 0);
	assert_int_equal(kdr_hist_percentile(&h, 100), 0);
	assert_int_equal(kdr_hist_mean(&h), 0);
	assert_int_equal(kdr_hist_log2(&h, 1, slots, 65), 0);
	assert_null(h.counts);
	kdr_hist_free(&h);
}

static void test_geometry(void **state)
{
	uint32_t i;

	(void)state;
	assert_int_equal(KDR_HIST_BUCKETS, 3776);
	/* Exact part. */
	assert_int_equal(kdr_hist_index(0), 0);
	assert_int_equal(kdr_hist_index(127), 127);
	assert_int_equal(kdr_hist_bucket_low(127), 127);
	assert_int_equal(kdr_hist_bucket_high(127), 127);
	/* First octave [128, 256): width 2. */
	assert_int_equal(kdr_hist_index(128), 128);
	assert_int_equal(kdr_hist_index(129), 128);
	assert_int_equal(kdr_hist_index(130), 129);
	assert_int_equal(kdr_hist_index(255), 191);
	assert_int_equal(kdr_hist_index(256), 192);
	assert_int_equal(kdr_hist_bucket_low(128), 128);
	assert_int_equal(kdr_hist_bucket_high(128), 129);
	assert_int_equal(kdr_hist_bucket_low(191), 254);
	assert_int_equal(kdr_hist_bucket_high(191), 255);
	/* 1 ms = 1,000,000 ns: octave 2^19, width 2^13 = 8192. */
	assert_int_equal(kdr_hist_bucket_low(kdr_hist_index(1000000)), 999424);
	assert_int_equal(kdr_hist_bucket_high(kdr_hist_index(1000000)), 1007615);
	/* The top. */
	assert_int_equal(kdr_hist_index(UINT64_MAX), KDR_HIST_BUCKETS - 1);
	assert_int_equal(kdr_hist_bucket_high(KDR_HIST_BUCKETS - 1), UINT64_MAX);
	assert_int_equal(kdr_hist_bucket_low(KDR_HIST_BUCKETS - 1), 127ull << 57);
	assert_int_equal(kdr_hist_index(1ull << 63), KDR_HIST_BUCKETS - KDR_HIST_SUB);
	/* Buckets tile the range: each starts right after the previous, and
	 * each index's bounds map back to it. */
	for (i = 1; i < KDR_HIST_BUCKETS; i++) {
		assert_int_equal(kdr_hist_bucket_low(i), kdr_hist_bucket_high(i - 1) + 1);
		assert_int_equal(kdr_hist_index(kdr_hist_bucket_low(i)), i);
		assert_int_equal(kdr_hist_index(kdr_hist_bucket_high(i)), i);
		/* The width bound that makes the error bound. */
		assert_true((kdr_hist_bucket_high(i) - kdr_hist_bucket_low(i) + 1) * KDR_HIST_SUB <=
			    kdr_hist_bucket_low(i) || i < KDR_HIST_LINEAR);
	}
}

static void test_small_values_exact(void **state)
{
	struct kdr_hist h;
	uint64_t v;

	(void)state;
	kdr_hist_init(&h);
	for (v = 1; v <= 100; v++)
		assert_int_equal(kdr_hist_add(&h, v), 0);
	assert_int_equal(h.count, 100);
	assert_int_equal(h.total, 5050);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 100);
	assert_int_equal(kdr_hist_mean(&h), 50);
	assert_int_equal(kdr_hist_percentile(&h, 50), 50);
	assert_int_equal(kdr_hist_percentile(&h, 90), 90);
	assert_int_equal(kdr_hist_percentile(&h, 99), 99);
	assert_int_equal(kdr_hist_percentile(&h, 99.9), 100);
	assert_int_equal(kdr_hist_percentile(&h, 100), 100);
	assert_int_equal(kdr_hist_percentile(&h, 0), 1);
	assert_int_equal(kdr_hist_percentile(&h, 0.5), 1);
	assert_int_equal(kdr_hist_percentile(&h, 1), 1);
	assert_int_equal(kdr_hist_percentile(&h, 1.01), 2);
	/* Only the exact group is allocated. */
	assert_int_equal(h.lo, 0);
	assert_int_equal(h.n, KDR_HIST_LINEAR);
	kdr_hist_free(&h);
	assert_null(h.counts);
	assert_int_equal(h.count, 0);
}

/* 1..10000 us in 1 us steps: the p-th percentile is p * 100 us exactly;
 * the histogram says at most 1/64 more. */
static void test_known_percentiles(void **state)
{
	static const double ps[] = { 50, 90, 99, 99.9 };
	struct kdr_hist h;
	uint64_t v;
	size_t i;

	(void)state;
	kdr_hist_init(&h);
	for (v = 1; v <= 10000; v++)
		assert_int_equal(kdr_hist_add(&h, v * 1000), 0);
	assert_int_equal(h.count, 10000);
	assert_int_equal(h.total, 50005000000ull);
	assert_int_equal(h.min, 1000);
	assert_int_equal(h.max, 10000000);
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t want = (uint64_t)(ps[i] * 100 + 0.5) * 1000;

		assert_within(kdr_hist_percentile(&h, ps[i]), want);
	}
	/* Exact values, computed by hand: 5,000,000 is in [4,980,736,
	 * 5,046,271] (octave 2^22, width 65,536). */
	assert_int_equal(kdr_hist_percentile(&h, 50), 5046271);
	assert_int_equal(kdr_hist_percentile(&h, 100), 10000000);
	/* Memory: octaves 2^9 .. 2^23 only. */
	assert_true(h.n <= 15 * KDR_HIST_SUB);
	kdr_hist_free(&h);
}

static void test_bucket_boundaries(void **state)
{
	struct kdr_hist h;

	(void)state;
	/* 128 and 129 share a bucket: p50 of {128, 129} is the bucket's top
	 * clamped to max. */
	kdr_hist_init(&h);
	kdr_hist_add(&h, 128);
	kdr_hist_add(&h, 129);
	assert_int_equal(kdr_hist_percentile(&h, 50), 129);
	kdr_hist_free(&h);
	/* One value: every percentile is that value (min/max clamp). */
	kdr_hist_add(&h, 1000001);
	assert_int_equal(kdr_hist_percentile(&h, 1), 1000001);
	assert_int_equal(kdr_hist_percentile(&h, 50), 1000001);
	assert_int_equal(kdr_hist_percentile(&h, 99.9), 1000001);
	kdr_hist_free(&h);
	/* 255 and 256 are in different octaves. */
	kdr_hist_add(&h, 255);
	kdr_hist_add(&h, 256);
	kdr_hist_add(&h, 100000);
	assert_int_equal(kdr_hist_percentile(&h, 33), 255);
	assert_int_equal(kdr_hist_percentile(&h, 34), 259); /* [256, 259] */
	assert_int_equal(kdr_hist_percentile(&h, 67), 100000);
	kdr_hist_free(&h);
}

static void test_extremes(void **state)
{
	struct kdr_hist h;

	(void)state;
	kdr_hist_init(&h);
	assert_int_equal(kdr_hist_add(&h, 0), 0);
	assert_int_equal(kdr_hist_add(&h, UINT64_MAX), 0);
	assert_int_equal(h.count, 2);
	assert_int_equal(h.total, UINT64_MAX);
	assert_int_equal(h.min, 0);
	assert_int_equal(h.max, UINT64_MAX);
	assert_int_equal(kdr_hist_percentile(&h, 50), 0);
	assert_int_equal(kdr_hist_percentile(&h, 51), UINT64_MAX);
	/* total saturates instead of wrapping. */
	assert_int_equal(kdr_hist_add(&h, UINT64_MAX), 0);
	assert_int_equal(h.total, UINT64_MAX);
	assert_int_equal(h.count, 3);
	/* The whole index range is allocated now, and no more. */
	assert_int_equal(h.lo, 0);
	assert_int_equal(h.n, KDR_HIST_BUCKETS);
	kdr_hist_free(&h);
	/* add_n with n = 0 records nothing; a huge n saturates total. */
	assert_int_equal(kdr_hist_add_n(&h, 5, 0), 0);
	assert_int_equal(h.count, 0);
	assert_int_equal(kdr_hist_add_n(&h, 1ull << 40, 1ull << 30), 0);
	assert_int_equal(h.total, UINT64_MAX);
	assert_int_equal(h.count, 1ull << 30);
	kdr_hist_free(&h);
}

static void test_merge(void **state)
{
	struct kdr_hist a, b, all;
	uint64_t v;

	(void)state;
	kdr_hist_init(&a);
	kdr_hist_init(&b);
	kdr_hist_init(&all);
	/* Disjoint ranges on purpose: the merge must grow a downwards and
	 * upwards. */
	for (v = 1; v <= 1000; v++) {
		kdr_hist_add(v % 2 ? &a : &b, v * 997);
		kdr_hist_add(&all, v * 997);
	}
	kdr_hist_add(&b, 3);
	kdr_hist_add(&all, 3);
	assert_int_equal(kdr_hist_merge(&a, &b), 0);
	assert_int_equal(a.count, all.count);
	assert_int_equal(a.total, all.total);
	assert_int_equal(a.min, 3);
	assert_int_equal(a.max, 997000);
	for (v = 0; v <= 1000; v++)
		assert_int_equal(kdr_hist_percentile(&a, v / 10.0),
				 kdr_hist_percentile(&all, v / 10.0));
	/* Merging an empty histogram changes nothing; into an empty one copies. */
	kdr_hist_free(&b);
	assert_int_equal(kdr_hist_merge(&a, &b), 0);
	assert_int_equal(a.count, 1001);
	assert_int_equal(kdr_hist_merge(&b, &a), 0);
	assert_int_equal(b.count, 1001);
	assert_int_equal(b.min, 3);
	assert_int_equal(kdr_hist_percentile(&b, 99), kdr_hist_percentile(&all, 99));
	kdr_hist_free(&a);
	kdr_hist_free(&b);
	kdr_hist_free(&all);
}

static void test_log2_view(void **state)
{
	struct kdr_hist h;
	uint64_t slots[65];

	(void)state;
	kdr_hist_init(&h);
	kdr_hist_add(&h, 0);
	kdr_hist_add(&h, 1);
	kdr_hist_add(&h, 3);
	kdr_hist_add(&h, 1023);
	kdr_hist_add(&h, 1024);
	kdr_hist_add(&h, UINT64_MAX);
	assert_int_equal(kdr_hist_log2(&h, 1, slots, 65), 64);
	assert_int_equal(slots[0], 2);
	assert_int_equal(slots[1], 1);
	assert_int_equal(slots[9], 1);
	assert_int_equal(slots[10], 1);
	assert_int_equal(slots[63], 1);
	/* In usecs: 0..3 ns and 1023 ns are 0 us, 1024 ns is 1 us. */
	assert_int_equal(kdr_hist_log2(&h, 1000, slots, 65), 55);
	assert_int_equal(slots[0], 5);
	assert_int_equal(slots[54], 1); /* bucket low 127 << 57 ns: 1.83e16 us >= 2^54 */
	/* A short array: the last slot takes the rest. */
	assert_int_equal(kdr_hist_log2(&h, 1, slots, 4), 4);
	assert_int_equal(slots[3], 3);
	kdr_hist_free(&h);
}

static void test_print(void **state)
{
	static const char want[] =
		"     usecs               : count    distribution\n"
		"         4 -> 7          : 2        |********************                    |\n"
		"         8 -> 15         : 0        |                                        |\n"
		"        16 -> 31         : 4        |****************************************|\n";
	struct kdr_hist h;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	kdr_hist_init(&h);
	kdr_hist_add_n(&h, 5000, 2);
	kdr_hist_add_n(&h, 20000, 3);
	kdr_hist_add(&h, 31999);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(kdr_hist_print_log2(&h, f, "usecs", 1000), 0);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);

	/* Empty: nothing at all. */
	kdr_hist_free(&h);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(kdr_hist_print_log2(&h, f, "usecs", 1000), 0);
	fclose(f);
	assert_string_equal(buf, "");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_small_values_exact),
		cmocka_unit_test(test_known_percentiles),
		cmocka_unit_test(test_bucket_boundaries),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_log2_view),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
