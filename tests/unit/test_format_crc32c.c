// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_crc32c.c - kdf_crc32c() (the crc32 instruction where the CPU
 * has it, else the tables) against the standard check value and a
 * bit-at-a-time reference, over every length and alignment up to 64
 * bytes and chained calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chunk.h"

/* The definition, one bit at a time (reflected polynomial 0x82F63B78). */
static uint32_t reference(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void test_check_value(void **state)
{
	(void)state;
	assert_int_equal(kdf_crc32c(0, "123456789", 9), 0xE3069283u);
	assert_int_equal(kdf_crc32c(0, "", 0), 0);
}

static void test_lengths_and_alignments(void **state)
{
	uint8_t buf[80];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 151 + 7);
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= 72; len++) {
			assert_int_equal(kdf_crc32c(0, buf + off, len), reference(0, buf + off, len));
			/* chained: the CRC of a whole is the CRC of its parts */
			assert_int_equal(kdf_crc32c(kdf_crc32c(0, buf + off, len / 3), buf + off + len / 3,
						    len - len / 3),
					 reference(0, buf + off, len));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_lengths_and_alignments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
