// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_histogram.c - --histogram's distributions (report/engine/stats_dist.c):
 * built from exactly the intervals the statistics count (same pairing,
 * both ends in the window), so their counts equal the COUNT columns; their
 * percentiles within hist.h's documented error of the exact nearest-rank
 * values; their memory bounded however many intervals come.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"
#include "stats.h"

#define T 100
#define T2 101
#define OTHER 999
#define MAXEV 300000

static struct kdf_event *evs;
static size_t nev;

static struct kdf_event *ev(uint64_t ts, uint32_t tid, uint8_t type)
{
	struct kdf_event *e = &evs[nev++];

	assert_true(nev <= MAXEV);
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->tid = tid;
	e->type = type;
	return e;
}

static void sys(uint64_t ts, uint32_t tid, int enter, uint32_t nr)
{
	ev(ts, tid, enter ? KDF_EV_SYS_ENTER : KDF_EV_SYS_EXIT)->u.sys.nr = nr;
}

static void sw(uint64_t ts, uint32_t prev, uint32_t next, uint8_t flags, uint32_t prev_state)
{
	struct kdf_event *e = ev(ts, prev, KDF_EV_SWITCH);

	e->flags = flags;
	e->u.sw.next_tid = next;
	e->u.sw.prev_state = prev_state;
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact nearest-rank percentile of sorted v[0..n). */
static uint64_t exact_pct(const uint64_t *v, size_t n, double p)
{
	size_t rank = (size_t)((p / 100.0) * (double)n + 0.999999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

static void assert_pct(const struct kdr_hist *h, const uint64_t *sorted, size_t n, double p)
{
	uint64_t v = exact_pct(sorted, n, p), r = kdr_hist_percentile(h, p);

	/* hist.h: v <= r < v * (1 + 1/64), r == v below 128 */
	assert_true(r >= v);
	if (v < KDR_HIST_LINEAR)
		assert_int_equal(r, v);
	else
		assert_true((double)r < (double)v * (1.0 + KDR_HIST_REL_ERROR));
}

static struct kdr_stats *stats(int histograms, uint64_t lo, uint64_t hi)
{
	struct kdr_stats_cfg cfg = { .list_ns = -1, .poll_nr = 7, .only_nr = KDR_NO_NR,
				     .histograms = histograms };
	struct kdr_stats *st = kdr_stats_new(&cfg);

	assert_non_null(st);
	/* as report.c does: events outside the window never pair */
	kdr_stats_set_bounds(st, lo, hi);
	return st;
}

/* Every keyed row's and every thread's histogram agrees exactly with
 * the kdr_stat beside it. */
static void assert_hists_match(const struct kdr_stats *st)
{
	size_t n, i;
	const struct kdr_keyed *k = kdr_stats_keyed(st, &n);
	const struct kdr_thread_state *t;

	for (i = 0; i < n; i++) {
		const struct kdr_hist *h = kdr_stats_keyed_hist(st, i);

		assert_non_null(h);
		assert_int_equal(h->count, k[i].st.count);
		assert_int_equal(h->total, k[i].st.total);
		if (h->count) {
			assert_int_equal(h->max, k[i].st.max);
			assert_int_equal(h->min, k[i].st.min);
		}
	}
	t = kdr_stats_threads(st, &n);
	for (i = 0; i < n; i++) {
		assert_int_equal(kdr_stats_run_hist(st, i)->count, t[i].run.count);
		assert_int_equal(kdr_stats_run_hist(st, i)->total, t[i].run.total);
		assert_int_equal(kdr_stats_ready_hist(st, i)->count, t[i].ready.count);
		assert_int_equal(kdr_stats_ready_hist(st, i)->total, t[i].ready.total);
		if (t[i].run.count)
			assert_int_equal(kdr_stats_run_hist(st, i)->max, t[i].run.max);
		if (t[i].ready.count)
			assert_int_equal(kdr_stats_ready_hist(st, i)->max, t[i].ready.max);
	}
}

/* Syscalls of random lengths (1 ns .. ~16 ms), some straddling either
 * window edge: the histogram counts what COUNT counts, its percentiles
 * are within the documented error of the exact ones. */
static void test_syscalls_match_count_and_percentiles(void **state)
{
	const uint64_t lo = 1000000, hi = 3000000000ULL;
	uint64_t ts = 0, *inside = malloc(100000 * sizeof(*inside));
	size_t nin = 0;
	struct kdr_stats *st;
	const struct kdr_hist *h;
	size_t i, nk;
	const struct kdr_keyed *k;

	(void)state;
	assert_non_null(inside);
	nev = 0;
	while (nev + 2 <= 2 * 90000) {
		uint64_t d = (xorshift() % 4 == 0) ? xorshift() % 100 : xorshift() % (1u << (xorshift() % 24 + 1));

		sys(ts, T, 1, 0);
		sys(ts + d, T, 0, 0);
		if (ts >= lo && ts + d <= hi)
			inside[nin++] = d;
		ts += d + 1 + xorshift() % 50;
	}
	assert_true(ts > hi); /* some straddle the end, some start before lo */
	st = stats(1, lo, hi);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, lo, hi), 0);
	assert_hists_match(st);
	assert_int_equal(kdr_stats_key(st, T, KDR_K_SYSCALL, 0)->count, nin);
	k = kdr_stats_keyed(st, &nk);
	for (i = 0; i < nk && k[i].key != 0; i++)
		;
	assert_true(i < nk);
	h = kdr_stats_keyed_hist(st, i);
	assert_int_equal(h->count, nin);
	qsort(inside, nin, sizeof(*inside), cmp_u64);
	assert_pct(h, inside, nin, 50);
	assert_pct(h, inside, nin, 90);
	assert_pct(h, inside, nin, 99);
	assert_pct(h, inside, nin, 99.9);
	assert_int_equal(kdr_hist_percentile(h, 100), inside[nin - 1]);
	assert_int_equal(h->max, inside[nin - 1]);
	/* bounded: never more buckets than hist.h's whole range */
	assert_true(h->n <= KDR_HIST_BUCKETS);
	kdr_stats_free(st);
	free(inside);
}

/* Run and ready, with a preemption straddling the window start and a
 * run straddling its end: both histograms count what SCHED_CNT counts. */
static void test_run_ready_match(void **state)
{
	const uint64_t lo = 1000, hi = 100000;
	uint64_t run_d[] = { 100, 2000, 50 }, ready_d[] = { 300, 7 };
	struct kdr_stats *st;
	size_t n;
	const struct kdr_thread_state *t;

	(void)state;
	nev = 0;
	sw(500, T, OTHER, 1u << 0 | 1u << 2, 0);       /* preempted before lo: not in window */
	sw(1500, OTHER, T, 1u << 1, 0);                /* switched in: ready unpaired */
	sw(1600, T, OTHER, 1u << 0 | 1u << 2, 0);      /* run 100, preempted */
	sw(1900, OTHER, T, 1u << 1, 0);                /* ready 300 */
	sw(3900, T, OTHER, 1u << 0 | 1u << 2, 0);      /* run 2000 */
	sw(3907, OTHER, T, 1u << 1, 0);                /* ready 7 */
	sw(3957, T, OTHER, 1u << 0, 1);                /* run 50, asleep */
	sw(99990, OTHER, T, 1u << 1, 0);               /* no ready: it slept */
	sw(100010, T, OTHER, 1u << 0, 1);              /* after hi: not counted */
	st = stats(1, lo, hi);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, lo, hi), 0);
	assert_hists_match(st);
	t = kdr_stats_threads(st, &n);
	for (size_t i = 0; i < n; i++) {
		if (t[i].tid != T)
			continue;
		assert_int_equal(t[i].run.count, 3);
		assert_int_equal(t[i].ready.count, 2);
		assert_int_equal(kdr_stats_run_hist(st, i)->count, 3);
		assert_int_equal(kdr_stats_run_hist(st, i)->max, run_d[1]);
		assert_int_equal(kdr_stats_run_hist(st, i)->min, run_d[2]);
		assert_int_equal(kdr_stats_ready_hist(st, i)->count, 2);
		assert_int_equal(kdr_stats_ready_hist(st, i)->max, ready_d[0]);
		assert_int_equal(kdr_hist_percentile(kdr_stats_ready_hist(st, i), 50), ready_d[1]);
	}
	kdr_stats_free(st);
}

/* A second window starts from empty histograms; without --histogram
 * there are none at all. */
static void test_reset_and_off(void **state)
{
	struct kdr_stats *st;

	(void)state;
	nev = 0;
	sys(10, T, 1, 1);
	sys(20, T, 0, 1);
	sys(30, T2, 1, 1);
	sys(45, T2, 0, 1);
	st = stats(1, 0, 1000);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, 0, 1000), 0);
	assert_hists_match(st);
	assert_int_equal(kdr_stats_keyed_hist(st, 0)->count, 1);
	kdr_stats_reset(st);
	kdr_stats_set_bounds(st, 1000, UINT64_MAX);
	nev = 0;
	sys(1010, T2, 1, 1);
	sys(1110, T2, 0, 1);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, 1000, 2000), 0);
	assert_hists_match(st);
	assert_int_equal(kdr_stats_keyed_hist(st, 0)->count, 1);
	assert_int_equal(kdr_stats_keyed_hist(st, 0)->max, 100);
	kdr_stats_free(st);

	nev = 0;
	sys(10, T, 1, 1);
	sys(20, T, 0, 1);
	st = stats(0, 0, 1000);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, 0, 1000), 0);
	assert_null(kdr_stats_keyed_hist(st, 0));
	assert_null(kdr_stats_run_hist(st, 0));
	kdr_stats_free(st);
}

/* Memory stays bounded over a long window: a million intervals spread
 * over 1 ns .. 1 s allocate no more than hist.h's bound. */
static void test_bounded_memory(void **state)
{
	struct kdr_stats *st = stats(1, 0, UINT64_MAX);
	uint64_t ts = 0;

	(void)state;
	for (int round = 0; round < 10; round++) {
		nev = 0;
		for (int i = 0; i < 100000; i++) {
			uint64_t d = 1 + xorshift() % 1000000000ULL / (1 + xorshift() % 1000);

			sys(ts, T, 1, 3);
			sys(ts + d, T, 0, 3);
			ts += d + 1;
		}
		assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	}
	assert_int_equal(kdr_stats_close(st, 0, UINT64_MAX), 0);
	assert_hists_match(st);
	assert_int_equal(kdr_stats_keyed_hist(st, 0)->count, 1000000);
	assert_true(kdr_stats_keyed_hist(st, 0)->n * sizeof(uint64_t) <= 30 * 1024);
	kdr_stats_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscalls_match_count_and_percentiles),
		cmocka_unit_test(test_run_ready_match),
		cmocka_unit_test(test_reset_and_off),
		cmocka_unit_test(test_bounded_memory),
	};
	int rc;

	evs = calloc(MAXEV, sizeof(*evs));
	if (!evs)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(evs);
	return rc;
}
