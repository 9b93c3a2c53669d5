// SPDX-License-Identifier: BSD-2-Clause
/* The flight recorder's ring: eviction by time and by the byte cap, exact
 * counts, wrap-around, in-place growth, window extraction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "flight.h"
#include "options.h"

#define EV (sizeof(struct kdf_event))

struct sink {
	uint64_t ts[256];
	uint32_t tid[256];
	size_t n;
	int fail_at; /* emit returns an error at this call (1-based); 0 never */
};

static int emit(void *ctx, const struct kdf_event *ev)
{
	struct sink *s = ctx;

	if (s->fail_at && (size_t)s->fail_at == s->n + 1)
		return KDF_E_IO;
	assert_true(s->n < 256);
	s->ts[s->n] = ev->ts;
	s->tid[s->n++] = ev->tid;
	return 0;
}

static void push(struct kd_flight *f, uint64_t ts, uint32_t tid)
{
	struct kdf_event ev = { .ts = ts, .tid = tid, .type = KDF_EV_SYS_ENTER };

	flight__push(f, &ev);
}

/* Every held event, in order, is ts first..last step 1. */
static void assert_holds(struct kd_flight *f, uint64_t first, uint64_t last)
{
	struct sink s = { 0 };
	uint64_t n, i;

	assert_int_equal(flight__extract(f, 0, UINT64_MAX, emit, &s, &n), 0);
	assert_int_equal(n, last - first + 1);
	assert_int_equal(f->n, n);
	for (i = 0; i < n; i++)
		assert_int_equal(s.ts[i], first + i);
}

static void test_evict_by_time(void **state)
{
	struct kd_flight f;
	uint64_t ts;

	(void)state;
	assert_int_equal(flight__init(&f, 10, 100 * EV, 8), 0);
	for (ts = 1; ts <= 30; ts++)
		push(&f, ts, 1);
	flight__expire(&f, 30);
	/* older than now - keep: ts < 20 goes, [20, 30] stays */
	assert_holds(&f, 20, 30);
	assert_int_equal(f.evicted_time, 19);
	assert_int_equal(f.evicted_cap, 0);
	assert_int_equal(f.lost_ts, 0);
	assert_int_equal(flight__oldest_ts(&f), 20);
	assert_int_equal(flight__tail_seq(&f), 19);
	assert_int_equal(f.head_seq, 30);
	flight__free(&f);
}

/* A full ring first drops what is too old rather than grow. */
static void test_push_expires_before_growing(void **state)
{
	struct kd_flight f;
	uint64_t ts;

	(void)state;
	assert_int_equal(flight__init(&f, 4, 100 * EV, 8), 0);
	for (ts = 1; ts <= 20; ts++)
		push(&f, ts, 1);
	assert_int_equal(f.lim, 8);
	assert_int_equal(f.evicted_cap, 0);
	assert_int_equal(f.evicted_time, 12);
	assert_holds(&f, 13, 20);
	flight__free(&f);
}

static void test_evict_by_cap(void **state)
{
	struct kd_flight f;
	uint64_t ts;

	(void)state;
	/* keep 1000 ns, but room for 16 events only */
	assert_int_equal(flight__init(&f, 1000, 16 * EV, 4), 0);
	for (ts = 1; ts <= 50; ts++)
		push(&f, ts, (uint32_t)ts);
	assert_int_equal(f.lim, 16);
	assert_int_equal(f.n, 16);
	assert_int_equal(f.evicted_cap, 34);
	assert_int_equal(f.evicted_time, 0);
	assert_int_equal(f.lost_ts, 34);
	assert_holds(&f, 35, 50);
	assert_int_equal(flight__tail_seq(&f), 34);
	flight__free(&f);
}

/*
 * Growth in place while wrapped (both runs may move), against a model: a
 * plain array of what must be held, replayed with the ring's rules (when
 * full: expire by the newest ts, then grow until the cap, then evict).
 * Random steps and caps that are not powers of two.
 */
static void test_grow_wrapped_model(void **state)
{
	uint64_t model[64], rnd = 12345;
	unsigned int round;

	(void)state;
	for (round = 0; round < 200; round++) {
		size_t cap = 3 + round % 11, lim = 1 + round % 4, n = 0, i, grows = 0;
		uint64_t keep = 5 + round % 7, ts = 1, lost = 0;
		struct kd_flight f;
		struct sink s;
		int k;

		if (lim > cap)
			lim = cap;
		assert_int_equal(flight__init(&f, keep, cap * EV, lim), 0);
		for (k = 0; k < 60; k++) {
			rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
			ts += (rnd >> 33) % 4; /* bursts of equal ts, gaps */
			if (n == lim) {
				size_t drop = 0;

				while (drop < n && ts >= keep && model[drop] < ts - keep)
					drop++;
				memmove(model, model + drop, (n - drop) * sizeof(*model));
				n -= drop;
				if (n == lim && lim < cap) {
					lim = lim > cap / 2 ? cap : 2 * lim;
					grows++;
				} else if (n == lim) {
					lost++;
					memmove(model, model + 1, (n - 1) * sizeof(*model));
					n--;
				}
			}
			model[n++] = ts;
			push(&f, ts, (uint32_t)k);
			assert_int_equal(f.lim, lim);
			assert_int_equal(f.n, n);
			memset(&s, 0, sizeof(s));
			assert_int_equal(flight__extract(&f, 0, UINT64_MAX, emit, &s, NULL), 0);
			for (i = 0; i < n; i++)
				assert_int_equal(s.ts[i], model[i]);
		}
		assert_int_equal(f.evicted_cap, lost);
		(void)grows;
		flight__free(&f);
	}
}

/* Many wraps at a fixed size: the content is always the newest events. */
static void test_wrap_around_many(void **state)
{
	struct kd_flight f;
	uint64_t ts;

	(void)state;
	assert_int_equal(flight__init(&f, 1000000, 7 * EV, 7), 0);
	for (ts = 1; ts <= 1000; ts++)
		push(&f, ts, 1);
	assert_int_equal(f.evicted_cap, 993);
	assert_int_equal(f.lost_ts, 993);
	assert_holds(&f, 994, 1000);
	flight__free(&f);
}

/* [lo, hi] inclusive; events out of order across CPUs are judged by ts. */
static void test_extract_window(void **state)
{
	struct kd_flight f;
	struct sink s = { 0 };
	uint64_t n, ts;

	(void)state;
	assert_int_equal(flight__init(&f, 1000, 64 * EV, 0), 0);
	for (ts = 100; ts < 120; ts++)
		push(&f, ts, (uint32_t)ts);
	push(&f, 104, 999); /* late record from another CPU */
	assert_int_equal(flight__extract(&f, 105, 110, emit, &s, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(s.ts[0], 105);
	assert_int_equal(s.ts[5], 110);
	memset(&s, 0, sizeof(s));
	assert_int_equal(flight__extract(&f, 104, 104, emit, &s, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(s.tid[1], 999);
	memset(&s, 0, sizeof(s));
	assert_int_equal(flight__extract(&f, 500, 600, emit, &s, &n), 0);
	assert_int_equal(n, 0);
	/* An emit error stops at once and is returned. */
	memset(&s, 0, sizeof(s));
	s.fail_at = 3;
	assert_int_equal(flight__extract(&f, 0, UINT64_MAX, emit, &s, &n), KDF_E_IO);
	assert_int_equal(n, 2);
	flight__free(&f);
}

/* The first sequence number of a window, and how many of its events the
 * cap took since. */
static void test_seq_from_and_cap_loss(void **state)
{
	struct kd_flight f;
	uint64_t ts, seq;

	(void)state;
	assert_int_equal(flight__init(&f, 1000000, 10 * EV, 10), 0);
	for (ts = 1; ts <= 8; ts++)
		push(&f, ts, 1);
	seq = flight__seq_from(&f, 6); /* ts 6, 7, 8 */
	assert_int_equal(seq, 5);
	assert_int_equal(flight__seq_from(&f, 100), 8); /* none yet */
	assert_int_equal(flight__seq_from(&f, 0), 0);
	for (ts = 9; ts <= 20; ts++)
		push(&f, ts, 1);
	/* 20 pushed, 10 held: 5 of the window's events (6..10) were lost */
	assert_int_equal(flight__tail_seq(&f), 10);
	assert_int_equal(flight__tail_seq(&f) - seq, 5);
	assert_int_equal(f.lost_ts, 10);
	flight__free(&f);
}

/* Cap losses by time slice (keep 256 ns: 1 ns slices): exact. */
static void test_lost_since(void **state)
{
	struct kd_flight f;
	uint64_t ts;

	(void)state;
	assert_int_equal(flight__init(&f, 256, 10 * EV, 10), 0);
	assert_int_equal(flight__lost_since(&f, 0), 0);
	for (ts = 1; ts <= 30; ts++)
		push(&f, ts, 1);
	/* ts 1..20 evicted by the cap */
	assert_int_equal(f.evicted_cap, 20);
	assert_int_equal(flight__lost_since(&f, 1), 20);
	assert_int_equal(flight__lost_since(&f, 15), 6);
	assert_int_equal(flight__lost_since(&f, 21), 0);
	/* Pinned (no time eviction): 257.. evicts 21..30, then 257..266,
	 * whose slices reuse the buckets of 1..10: those counts go. */
	flight__pin(&f, 0);
	for (ts = 257; ts <= 276; ts++)
		push(&f, ts, 1);
	assert_int_equal(f.evicted_cap, 40);
	assert_int_equal(flight__lost_since(&f, 0), 30);
	assert_int_equal(flight__lost_since(&f, 21), 20);
	assert_int_equal(flight__lost_since(&f, 257), 10);
	assert_int_equal(flight__lost_since(&f, 267), 0);
	flight__free(&f);
}

/* A pinned window outlives keep_ns; unpinned, it goes. */
static void test_pin(void **state)
{
	struct kd_flight f;
	uint64_t ts;

	(void)state;
	assert_int_equal(flight__init(&f, 10, 100 * EV, 0), 0);
	for (ts = 1; ts <= 50; ts++)
		push(&f, ts, 1);
	flight__pin(&f, 5);
	flight__expire(&f, 50);
	assert_holds(&f, 5, 50);
	flight__pin(&f, KD_FLIGHT_NO_PIN);
	flight__expire(&f, 50);
	assert_holds(&f, 40, 50);
	assert_int_equal(f.evicted_time, 39);
	flight__free(&f);
}

static void test_tiny_and_free(void **state)
{
	struct kd_flight f;

	(void)state;
	assert_int_equal(flight__init(&f, 10, 1, 0), 0); /* less than an event: one */
	assert_int_equal(f.cap, 1);
	push(&f, 1, 1);
	push(&f, 2, 1);
	assert_holds(&f, 2, 2);
	flight__free(&f);
	flight__free(&f);
	flight__free(NULL);
	assert_int_equal(flight__oldest_ts(&f), 0);
}

/* The options: defaults, and what flight mode refuses (exit 2). */
static int parse(struct kd_opts *o, const char *line)
{
	static char buf[512];
	char *argv[32], *tok;
	int argc = 0;
	FILE *devnull = fopen("/dev/null", "w");
	int rc;

	snprintf(buf, sizeof(buf), "kdelay-record %s", line);
	for (tok = strtok(buf, " "); tok && argc < 31; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	rc = options__parse(o, KD_PROG_RECORD, argc, argv, devnull);
	fclose(devnull);
	return rc;
}

static void test_options(void **state)
{
	char *argv[] = { "kdelay", "--flight-recorder", "1", NULL };
	struct kd_opts o;
	FILE *devnull;

	(void)state;
	assert_int_equal(parse(&o, "-p 1"), 0);
	assert_true(o.flight_seconds == 0);
	assert_int_equal(o.flight_buffer_mb, KD_FLIGHT_DEFAULT_MB);
	assert_false(o.sample_count_given);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 2.5 --flight-buffer-mb 8 "
				   "--start-trigger u:a:b --stop-trigger u:a:c --sample-count 3"),
			 0);
	assert_true(o.flight_seconds == 2.5);
	assert_int_equal(o.flight_buffer_mb, 8);
	assert_true(o.sample_count_given);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 1"), 0);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 0"), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 86401"), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder x"), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 1 --flight-buffer-mb 0"), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 1 -s"), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 1 --stop-trigger u:a:b"), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 1 --sample-time 1"), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-p 1 --flight-recorder 1 --sample-interval 1"), KD_EXIT_USAGE);
	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	/* the drop-in takes kernel_delay.py's options only */
	assert_int_equal(options__parse(&o, KD_PROG_KDELAY, 3, argv, devnull), KD_EXIT_USAGE);
	fclose(devnull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evict_by_time),
		cmocka_unit_test(test_push_expires_before_growing),
		cmocka_unit_test(test_evict_by_cap),
		cmocka_unit_test(test_grow_wrapped_model),
		cmocka_unit_test(test_wrap_around_many),
		cmocka_unit_test(test_extract_window),
		cmocka_unit_test(test_seq_from_and_cap_loss),
		cmocka_unit_test(test_lost_since),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_tiny_and_free),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
