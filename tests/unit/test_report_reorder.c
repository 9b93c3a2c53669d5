// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_reorder.c - the reorder ring's two ways of use give the
 * same events in the same order: one at a time (kdr_reorder_full() then
 * kdr_reorder_push(), as the culprits read) and in runs
 * (kdr_reorder_add() owing the oldest, kdr_reorder_take(), as the
 * pairing reads), and in runs whose stretches in time order pass through
 * (kdr_reorder_pass(), kdr_reorder_append(), as the pairing reads them),
 * on streams out of order by up to far beyond the reach,
 * with equal timestamps (the order among them is the file's), for rings
 * smaller and larger than the reach, and runs cut at any length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "reorder.h"

#define N 20000

/* The order events leave: their tid, the index they were read at. */
struct out {
	uint32_t v[N];
	size_t n;
};

static void put(struct out *o, const struct kdf_event *e)
{
	assert_true(o->n < N);
	o->v[o->n++] = e->tid;
}

static void one_at_a_time(const struct kdf_event *ev, size_t n, size_t cap, size_t reach,
			  struct out *o)
{
	struct kdr_reorder r;
	const struct kdf_event *e;

	assert_int_equal(kdr_reorder_init(&r, cap, reach), 0);
	for (size_t i = 0; i < n; i++) {
		if ((e = kdr_reorder_full(&r)))
			put(o, e);
		if (kdr_reorder_push(&r, &ev[i]))
			put(o, &ev[i]);
	}
	while ((e = kdr_reorder_pop(&r)))
		put(o, e);
	kdr_reorder_free(&r);
}

static void take_owed(struct kdr_reorder *r, struct out *o)
{
	const struct kdf_event *v;
	size_t k;

	while ((v = kdr_reorder_take(r, &k), k))
		for (size_t i = 0; i < k; i++)
			put(o, &v[i]);
}

/* Fed in pieces of `piece` events, as chunks come. */
static void in_runs(const struct kdf_event *ev, size_t n, size_t cap, size_t reach, size_t room,
		    size_t piece, struct out *o)
{
	struct kdr_reorder r;
	const struct kdf_event *e;

	assert_int_equal(kdr_reorder_init_room(&r, cap, reach, room), 0);
	for (size_t i = 0; i < n; i++) {
		if (r.owed == r.room)
			take_owed(&r, o);
		if (kdr_reorder_add(&r, &ev[i])) {
			take_owed(&r, o);
			put(o, &ev[i]);
		}
		if ((i + 1) % piece == 0)
			take_owed(&r, o);
	}
	take_owed(&r, o);
	while ((e = kdr_reorder_pop(&r)))
		put(o, e);
	kdr_reorder_free(&r);
}

/* The pairing's way: a stretch in time order after the newest held passes
 * through (its own oldest leaving from where they are), the rest goes
 * through kdr_reorder_add(); fed in pieces of `piece` events. */
static void passing(const struct kdf_event *ev, size_t n, size_t cap, size_t reach, size_t room,
		    size_t piece, struct out *o)
{
	struct kdr_reorder r;
	const struct kdf_event *e;

	assert_int_equal(kdr_reorder_init_room(&r, cap, reach, room), 0);
	for (size_t at = 0; at < n; at += piece) {
		size_t end = n - at < piece ? n : at + piece, i = at;

		while (i < end) {
			uint64_t last = kdr_reorder_newest_ts(&r);
			size_t run = 0, own;

			assert_int_equal(r.owed, 0);
			while (i + run < end && ev[i + run].ts >= last)
				last = ev[i + run++].ts;
			if (run) {
				own = kdr_reorder_pass(&r, run);
				take_owed(&r, o);
				for (size_t k = 0; k < own; k++)
					put(o, &ev[i + k]);
				kdr_reorder_append(&r, &ev[i + own], run - own);
				assert_true(r.n <= cap);
				i += run;
				continue;
			}
			/* out of order: added, then on as long as there is room */
			do {
				if (kdr_reorder_add(&r, &ev[i])) {
					take_owed(&r, o);
					put(o, &ev[i]);
				}
				i++;
			} while (i < end && r.owed < r.room && i % 3);
			take_owed(&r, o);
		}
	}
	while ((e = kdr_reorder_pop(&r)))
		put(o, e);
	kdr_reorder_free(&r);
}

/* Timestamps that go back by up to `back` one time in `every`, and
 * repeat. */
static void stream(struct kdf_event *ev, size_t n, uint64_t back, int every, unsigned seed)
{
	uint64_t ts = 1000000;

	srand(seed);
	for (size_t i = 0; i < n; i++) {
		ts += (uint64_t)(rand() % 4); /* 0: equal to the one before */
		ev[i].ts = rand() % every == 0 && ts > back ? ts - (uint64_t)(rand() % (back + 1)) : ts;
		ev[i].tid = (uint32_t)i;
	}
}

static void test_same_order(void **state)
{
	static struct kdf_event ev[N];
	static struct out a, b;
	const size_t caps[] = { 1, 7, 64, 300, 4096 };
	const size_t rooms[] = { 1, 5, 512 };
	const size_t pieces[] = { 1, 33, 4096, N };
	/* how far and how often (1 in every) a stream goes back: long
	 * stretches in order pass through the ring, beyond its size too */
	const uint64_t backs[] = { 0, 3, 200, 5000, 200, 5000 };
	const int every[] = { 5, 5, 5, 5, 1000, 3000 };

	(void)state;
	for (size_t s = 0; s < sizeof(backs) / sizeof(backs[0]); s++) {
		stream(ev, N, backs[s], every[s], (unsigned)s + 1);
		for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
			a.n = 0;
			one_at_a_time(ev, N, caps[c], 256, &a);
			assert_int_equal(a.n, N);
			for (size_t m = 0; m < sizeof(rooms) / sizeof(rooms[0]); m++) {
				for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
					b.n = 0;
					in_runs(ev, N, caps[c], 256, rooms[m], pieces[p], &b);
					assert_int_equal(b.n, N);
					assert_memory_equal(a.v, b.v, sizeof(a.v));
					b.n = 0;
					passing(ev, N, caps[c], 256, rooms[m], pieces[p], &b);
					assert_int_equal(b.n, N);
					assert_memory_equal(a.v, b.v, sizeof(a.v));
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
