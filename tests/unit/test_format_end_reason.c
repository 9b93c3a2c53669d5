// SPDX-License-Identifier: BSD-2-Clause
/* The SUMMARY's end_reason (docs/format.md 4.4): encoded only when set,
 * absent in older captures, bounded when a newer writer's is longer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cbor_util.h"
#include "meta_cbor.h"

static void test_round_trip(void **state)
{
	struct kdf_summary in, out;
	struct kdf_buf buf = { 0 };

	(void)state;
	memset(&in, 0, sizeof(in));
	in.windows = 3;
	strcpy(in.end_reason, "disk-full");
	assert_int_equal(kdf_summary_encode(&in, &buf), 0);
	assert_non_null(memmem(buf.p, buf.len, "\x6a" "end_reason\x69" "disk-full", 21));
	assert_int_equal(kdf_summary_decode(buf.p, buf.len, &out), 0);
	assert_string_equal(out.end_reason, "disk-full");
	assert_int_equal(out.windows, 3);
	kdf_buf_free(&buf);
}

/* No reason: no key at all, so the chunk is byte for byte what older
 * writers wrote, and such a chunk reads back as "". */
static void test_absent(void **state)
{
	struct kdf_summary in, out;
	struct kdf_buf buf = { 0 };

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(kdf_summary_encode(&in, &buf), 0);
	assert_null(memmem(buf.p, buf.len, "end_reason", 10));
	memset(&out, 0x55, sizeof(out));
	assert_int_equal(kdf_summary_decode(buf.p, buf.len, &out), 0);
	assert_string_equal(out.end_reason, "");
	kdf_buf_free(&buf);
}

static int decode_map(cbor_item_t *map, struct kdf_summary *out)
{
	struct kdf_buf buf = { 0 };
	int err;

	assert_int_equal(kdf_cbor_finish(map, &buf), 0);
	err = kdf_summary_decode(buf.p, buf.len, out);
	kdf_buf_free(&buf);
	return err;
}

/* A longer reason (a newer writer) keeps its first 31 bytes; a reason
 * that is not text is a damaged chunk. */
static void test_untrusted(void **state)
{
	struct kdf_summary out;
	cbor_item_t *map;

	(void)state;
	map = cbor_new_definite_map(1);
	assert_int_equal(kdf_cbor_put_text(map, "end_reason",
					   "a-reason-much-longer-than-thirty-one-bytes"), 0);
	assert_int_equal(decode_map(map, &out), 0);
	assert_string_equal(out.end_reason, "a-reason-much-longer-than-thirt");
	assert_int_equal(strlen(out.end_reason), KDF_END_REASON_LEN - 1);

	map = cbor_new_definite_map(1);
	assert_int_equal(kdf_cbor_put_uint(map, "end_reason", 7), 0);
	assert_int_equal(decode_map(map, &out), KDF_E_CORRUPT);

	map = cbor_new_definite_map(1);
	assert_int_equal(kdf_cbor_put_text(map, "end_reason", NULL), 0);
	assert_int_equal(decode_map(map, &out), 0);
	assert_string_equal(out.end_reason, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_untrusted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
