// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_varint.c - the three ways the reader decodes a varint (the
 * byte-checked slow path, kdf_cursor_varint()'s unchecked fast path, and
 * kdf_cursor_varint_mixed()'s branch-free path) read the same values and
 * end at the same byte, and refuse the same malformed input: every
 * length from 1 to 10 bytes, random values, every position near a
 * column's end, over-long and truncated varints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bytes.h"

typedef uint64_t (*varint_fn)(struct kdf_cursor *c);

static const varint_fn fns[] = { kdf_cursor_varint_slow, kdf_cursor_varint,
				 kdf_cursor_varint_mixed };

/* Decode buf[0, len) to its end with each function: same values, same
 * positions, same bad flag. */
static void agree(const uint8_t *buf, size_t len)
{
	struct kdf_cursor c[3];
	size_t f;

	for (f = 0; f < 3; f++)
		kdf_cursor_init(&c[f], buf, len);
	while (c[0].p < c[0].end && !c[0].bad) {
		uint64_t want = fns[0](&c[0]);

		for (f = 1; f < 3; f++) {
			assert_int_equal(fns[f](&c[f]), want);
			assert_ptr_equal(c[f].p, c[0].p);
			assert_int_equal(c[f].bad, c[0].bad);
		}
	}
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_every_length(void **state)
{
	uint8_t buf[4096], *p = buf;

	(void)state;
	/* 2^(7k) - 1 and 2^(7k) for every k: each length's edges */
	for (int k = 1; k <= 9; k++) {
		p = kdf_put_varint(p, ((uint64_t)1 << (7 * k)) - 1);
		p = kdf_put_varint(p, (uint64_t)1 << (7 * k));
	}
	p = kdf_put_varint(p, 0);
	p = kdf_put_varint(p, UINT64_MAX);
	agree(buf, (size_t)(p - buf));
}

static void test_random_values(void **state)
{
	uint8_t buf[8192];

	(void)state;
	for (int round = 0; round < 200; round++) {
		uint8_t *p = buf;

		while (p < buf + sizeof(buf) - 2 * KDF_VARINT_MAX)
			p = kdf_put_varint(p, rnd64() >> (rnd64() % 64));
		agree(buf, (size_t)(p - buf));
	}
}

/* Malformed: 10 continuation bytes and more, a 10th byte above 1, and a
 * varint cut by the end of the column, at every distance from the end. */
static void test_malformed(void **state)
{
	uint8_t buf[64];

	(void)state;
	for (size_t pad = 0; pad < 24; pad++) {
		for (size_t len = 1; len <= 12; len++) {
			memset(buf, 0, sizeof(buf));
			memset(buf + pad, 0xff, len);
			agree(buf, pad + len);		/* cut by the end */
			agree(buf, sizeof(buf));	/* ended by a 0 byte */
			buf[pad + 9] = 0x02;		/* a 10th byte above 1 */
			agree(buf, sizeof(buf));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_random_values),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
