// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_hashidx.c - the report's one hash table: every key found
 * again after the index grew, and repeated keys all reachable through
 * kdr_ix_next() (how symbols.c and the folded export use it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hashidx.h"

static void test_grow_and_find(void **state)
{
	struct kdr_ix ix;
	uint32_t i, n = 5000;

	(void)state;
	assert_int_equal(kdr_ix_init(&ix, 4), 0);
	for (i = 1; i <= n; i++) {
		assert_int_equal(kdr_ix_reserve(&ix), 0);
		kdr_ix_put(&ix, (uint64_t)i * 4096, i);
	}
	assert_int_equal(ix.used, n);
	assert_true((uint64_t)ix.used * 2 <= (uint64_t)ix.mask + 1);
	for (i = 1; i <= n; i++)
		assert_int_equal(ix.slots[kdr_ix_find(&ix, (uint64_t)i * 4096)], i);
	assert_int_equal(ix.slots[kdr_ix_find(&ix, 4095)], 0);
	kdr_ix_clear(&ix);
	assert_int_equal(ix.slots[kdr_ix_find(&ix, 4096)], 0);
	kdr_ix_free(&ix);
}

static void test_repeated_keys(void **state)
{
	struct kdr_ix ix;
	uint32_t i, seen = 0, count = 0;

	(void)state;
	assert_int_equal(kdr_ix_init(&ix, 8), 0);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(kdr_ix_reserve(&ix), 0);
		kdr_ix_put(&ix, 42, i);
		assert_int_equal(kdr_ix_reserve(&ix), 0);
		kdr_ix_put(&ix, 42 + 8 * i, 10 + i); /* other keys in between */
	}
	for (i = kdr_ix_find(&ix, 42); ix.slots[i]; i = kdr_ix_next(&ix, 42, i)) {
		assert_true(ix.keys[i] == 42);
		seen |= 1u << ix.slots[i];
		count++;
	}
	assert_int_equal(count, 3);
	assert_int_equal(seen, 0xe); /* slots 1, 2 and 3 */
	kdr_ix_free(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_and_find),
		cmocka_unit_test(test_repeated_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
