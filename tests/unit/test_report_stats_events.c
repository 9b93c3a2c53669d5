// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_stats_events.c - the listed syscalls of report/engine/
 * stats_events.c: beyond KDR_SYSEV_MEM they go to the spill file and
 * come back whole and in seq order, the late ones (after a spill that
 * passed them) included; a spill file that cannot be made, or read
 * back, is an error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stats_events.h"

static void add(struct kdr_sysev_list *l, uint64_t seq, uint64_t held_back_low)
{
	struct kdr_sysev_rec r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.ev.entry_ts = seq * 10;
	r.ev.exit_ts = seq * 10 + 5;
	r.ev.tid = (uint32_t)(seq % 7);
	if (kdr_sysev_list_full(l))
		assert_int_equal(kdr_sysev_list_spill(l, held_back_low), 0);
	assert_int_equal(kdr_sysev_list_add(l, &r), 0);
}

/* Read l back: exactly seq 1..n, in order. */
static void expect_all(const struct kdr_sysev_list *l, uint64_t n)
{
	struct kdr_sysev_iter *it = malloc(sizeof(*it));
	struct kdr_sysev out[300]; /* (not a multiple of the file's batch) */
	uint64_t want = 1;
	long got;

	assert_non_null(it);
	kdr_sysev_iter_begin(it, l);
	while ((got = kdr_sysev_iter_next(it, out, 300)) > 0)
		for (long i = 0; i < got; i++, want++)
			assert_int_equal(out[i].entry_ts, want * 10);
	assert_int_equal(got, 0);
	assert_int_equal(want, n + 1);
	free(it);
}

static void test_spill_in_order(void **state)
{
	struct kdr_sysev_list l;
	const uint64_t n = 5 * KDR_SYSEV_MEM + 123;

	(void)state;
	kdr_sysev_list_init(&l);
	for (uint64_t s = 1; s <= n; s++)
		add(&l, s, UINT64_MAX);
	assert_true(l.nspilled > 0);
	assert_true(l.nmem <= KDR_SYSEV_MEM);
	assert_int_equal(l.nlate, 0);
	expect_all(&l, n);
	expect_all(&l, n); /* read twice: the view counts, then the sink shows */
	/* the next window starts empty, the file reused */
	kdr_sysev_list_reset(&l);
	for (uint64_t s = 1; s <= 10; s++)
		add(&l, s, UINT64_MAX);
	expect_all(&l, 10);
	kdr_sysev_list_free(&l);
}

/* Every 1000th syscall is held back 100000 seqs (its stack never came):
 * spills pass some of them (the held back low keeps them from halving
 * the memory), which then sort among the spilled on reading. */
static void test_held_back(void **state)
{
	struct kdr_sysev_list l;
	const uint64_t n = 4 * KDR_SYSEV_MEM;
	const uint64_t delay = 100000;
	uint64_t held = 0;

	(void)state;
	kdr_sysev_list_init(&l);
	for (uint64_t s = 1; s <= n + delay; s++) {
		/* the oldest still held back: the one ended at s - delay + ... */
		uint64_t low = UINT64_MAX;

		for (uint64_t h = (s > delay ? s - delay : 1); h <= s; h++)
			if (h % 1000 == 0 && h <= n) {
				low = h;
				break;
			}
		if (s <= n && s % 1000)
			add(&l, s, low);
		if (s > delay && s - delay <= n && (s - delay) % 1000 == 0) {
			add(&l, s - delay, low);
			held++;
		}
	}
	assert_true(held > 100);
	assert_true(l.nlate > 0); /* the test reaches the merge */
	expect_all(&l, n);
	kdr_sysev_list_free(&l);
}

/* The file shorter than what was spilled (changed under the report):
 * reading back fails, EIO, rather than inventing events. */
static void test_read_back_fails(void **state)
{
	struct kdr_sysev_list l;
	struct kdr_sysev_iter *it = malloc(sizeof(*it));
	struct kdr_sysev out[16];

	(void)state;
	assert_non_null(it);
	kdr_sysev_list_init(&l);
	for (uint64_t s = 1; s <= KDR_SYSEV_MEM + 1; s++)
		add(&l, s, UINT64_MAX);
	assert_true(l.nspilled > 0);
	assert_int_equal(ftruncate(l.fd, 0), 0);
	kdr_sysev_iter_begin(it, &l);
	assert_int_equal(kdr_sysev_iter_next(it, out, 16), -1);
	assert_int_equal(it->err, EIO);
	free(it);
	kdr_sysev_list_free(&l);
}

static void test_spill_file_cannot_be_made(void **state)
{
	struct kdr_sysev_list l;
	struct kdr_sysev_rec r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(setenv("TMPDIR", "/nonexistent-kdelay-test", 1), 0);
	kdr_sysev_list_init(&l);
	for (uint64_t s = 1; s <= KDR_SYSEV_MEM; s++) {
		r.seq = s;
		assert_int_equal(kdr_sysev_list_add(&l, &r), 0);
	}
	assert_true(kdr_sysev_list_full(&l));
	assert_int_equal(kdr_sysev_list_spill(&l, UINT64_MAX), -1);
	assert_int_equal(l.err, ENOENT);
	assert_int_equal(kdr_sysev_list_spill(&l, UINT64_MAX), -1); /* sticky */
	kdr_sysev_list_free(&l);
	unsetenv("TMPDIR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spill_in_order),
		cmocka_unit_test(test_held_back),
		cmocka_unit_test(test_read_back_fails),
		cmocka_unit_test(test_spill_file_cannot_be_made),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
