// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_json.c - report/sinks/json.c: escaping of every control character,
 * invalid UTF-8 replaced byte by byte, structure and determinism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "utf8.h"

static char *buf;
static size_t len;
static FILE *f;

static struct kdr_json *open_json(int pretty)
{
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct kdr_json *j = kdr_json_new(f, pretty);
	assert_non_null(j);
	return j;
}

static const char *finish(struct kdr_json *j)
{
	kdr_json_free(j);
	fclose(f);
	return buf;
}

/* One string value, compact. */
static void assert_escaped(const char *in, size_t n, const char *want)
{
	struct kdr_json *j = open_json(0);

	kdr_json_str(j, in, n);
	assert_string_equal(finish(j), want);
	free(buf);
}

static void test_plain_and_specials(void **state)
{
	(void)state;
	assert_escaped("handler1", 8, "\"handler1\"");
	assert_escaped("", 0, "\"\"");
	assert_escaped("q\"b\\s/", 6, "\"q\\\"b\\\\s/\"");
	assert_escaped("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
}

static void test_every_control_char(void **state)
{
	char in[1], want[16];

	(void)state;
	for (int c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		switch (c) {
		case '\b': strcpy(want, "\"\\b\""); break;
		case '\f': strcpy(want, "\"\\f\""); break;
		case '\n': strcpy(want, "\"\\n\""); break;
		case '\r': strcpy(want, "\"\\r\""); break;
		case '\t': strcpy(want, "\"\\t\""); break;
		default: snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		}
		assert_escaped(in, 1, want);
	}
	assert_escaped("\x7f", 1, "\"\\u007f\"");
	assert_escaped("a\0b", 3, "\"a\\u0000b\"");
}

static void test_valid_utf8_kept(void **state)
{
	(void)state;
	assert_escaped("\xc3\xa9", 2, "\"\xc3\xa9\"");			/* é */
	assert_escaped("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");		/* € */
	assert_escaped("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	assert_escaped("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	/* line and paragraph separators: escaped for JavaScript's sake */
	assert_escaped("\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"");
	/* C1 controls are valid UTF-8 and need no escape in JSON */
	assert_escaped("\xc2\x85", 2, "\"\xc2\x85\"");
}

static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	assert_escaped("\xff", 1, "\"\\ufffd\"");
	assert_escaped("a\xfe\xff" "b", 4, "\"a\\ufffd\\ufffdb\"");
	assert_escaped("\x80", 1, "\"\\ufffd\"");			/* stray continuation */
	assert_escaped("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	assert_escaped("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\""); /* overlong */
	assert_escaped("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	assert_escaped("\xf4\x90\x80\x80", 4,
		       "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");		/* > U+10FFFF */
	assert_escaped("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");		/* truncated */
	assert_escaped("\xe2\x82" "A", 3, "\"\\ufffd\\ufffdA\"");	/* cut short */
	assert_escaped("\xf8\x88\x80\x80\x80", 5,
		       "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* 5-byte form */
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(kdr_utf8_valid("", 0));
	assert_true(kdr_utf8_valid("abc\xc3\xa9", 5));
	assert_false(kdr_utf8_valid("abc\xc3", 4));
	assert_false(kdr_utf8_valid("\xed\xbf\xbf", 3));
}

static void test_structure_compact(void **state)
{
	struct kdr_json *j = open_json(0);

	(void)state;
	kdr_json_obj_begin(j);
	kdr_json_key(j, "a");
	kdr_json_u64(j, UINT64_MAX);
	kdr_json_key(j, "b");
	kdr_json_arr_begin(j);
	kdr_json_i64(j, INT64_MIN);
	kdr_json_bool(j, 1);
	kdr_json_null(j);
	kdr_json_cstr(j, NULL);
	kdr_json_double(j, 1.5, 2);
	kdr_json_double(j, 1.0 / 0.0, 2);
	kdr_json_arr_end(j);
	kdr_json_key(j, "c");
	kdr_json_obj_begin(j);
	kdr_json_obj_end(j);
	kdr_json_key(j, "d\n");
	kdr_json_arr_begin(j);
	kdr_json_arr_end(j);
	kdr_json_obj_end(j);
	assert_string_equal(finish(j), "{\"a\":18446744073709551615,\"b\":[-9223372036854775808,"
				       "true,null,null,1.50,null],\"c\":{},\"d\\n\":[]}");
	free(buf);
}

static void test_hex(void **state)
{
	struct kdr_json *j = open_json(0);

	(void)state;
	kdr_json_arr_begin(j);
	kdr_json_hex(j, "\x00\xff" "ab", 4);
	kdr_json_hex(j, "", 0);
	kdr_json_arr_end(j);
	assert_string_equal(finish(j), "[\"00ff6162\",\"\"]");
	free(buf);
}

static void test_structure_pretty(void **state)
{
	struct kdr_json *j = open_json(1);

	(void)state;
	kdr_json_obj_begin(j);
	kdr_json_key(j, "x");
	kdr_json_arr_begin(j);
	kdr_json_u64(j, 1);
	kdr_json_obj_begin(j);
	kdr_json_key(j, "y");
	kdr_json_str(j, "z", 1);
	kdr_json_obj_end(j);
	kdr_json_arr_end(j);
	kdr_json_key(j, "e");
	kdr_json_arr_begin(j);
	kdr_json_arr_end(j);
	kdr_json_obj_end(j);
	assert_string_equal(finish(j), "{\n"
				       "  \"x\": [\n"
				       "    1,\n"
				       "    {\n"
				       "      \"y\": \"z\"\n"
				       "    }\n"
				       "  ],\n"
				       "  \"e\": []\n"
				       "}\n");
	free(buf);
}

/* The exports' layout: compact, one element per line where asked, and a
 * pending line break before a closing bracket or at the end. */
static void test_compact_lines(void **state)
{
	struct kdr_json *j = open_json(0);

	(void)state;
	kdr_json_obj_begin(j);
	kdr_json_key(j, "h");
	kdr_json_u64(j, 1);
	kdr_json_newline(j);
	kdr_json_key(j, "ev");
	kdr_json_arr_begin(j);
	for (int i = 0; i < 2; i++) {
		kdr_json_newline(j);
		kdr_json_obj_begin(j);
		kdr_json_key(j, "n");
		kdr_json_str_open(j);
		kdr_json_str_part(j, "a\"", 2);
		kdr_json_str_part(j, " (b)", 4);
		kdr_json_str_close(j);
		kdr_json_obj_end(j);
	}
	kdr_json_newline(j);
	kdr_json_arr_end(j);
	kdr_json_obj_end(j);
	kdr_json_newline(j);
	assert_string_equal(finish(j), "{\"h\":1,\n\"ev\":[\n{\"n\":\"a\\\" (b)\"},\n"
				       "{\"n\":\"a\\\" (b)\"}\n]}\n");
	free(buf);
}

/* Fixed-point from an integer: equal integers are equal text, and the
 * decimals are exactly the integer's last digits. */
static void test_fixed(void **state)
{
	struct kdr_json *j = open_json(0);

	(void)state;
	kdr_json_arr_begin(j);
	kdr_json_fixed(j, 0, 3);
	kdr_json_fixed(j, 7, 3);
	kdr_json_fixed(j, 1234567, 3);
	kdr_json_fixed(j, UINT64_MAX, 3);
	kdr_json_fixed(j, 42, 0);
	kdr_json_fixed(j, 1000000001, 9);
	kdr_json_arr_end(j);
	assert_string_equal(finish(j), "[0.000,0.007,1234.567,18446744073709551.615,42,"
				       "1.000000001]");
	free(buf);
}

/* Documents larger than the writer's buffer come out whole and in order,
 * also around a string longer than the buffer. */
static void test_large_document(void **state)
{
	struct kdr_json *j = open_json(0);
	static char big[20000];
	char want[32];
	size_t pos;

	(void)state;
	memset(big, 'x', sizeof(big));
	kdr_json_arr_begin(j);
	for (int i = 0; i < 5000; i++)
		kdr_json_u64(j, (uint64_t)i);
	kdr_json_str(j, big, sizeof(big));
	kdr_json_u64(j, 5000);
	kdr_json_arr_end(j);
	finish(j);
	pos = 1;
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(want, sizeof(want), "%d,", i);

		assert_memory_equal(buf + pos, want, (size_t)n);
		pos += (size_t)n;
	}
	assert_int_equal(buf[pos], '"');
	assert_int_equal(strspn(buf + pos + 1, "x"), sizeof(big));
	assert_string_equal(buf + pos + 1 + sizeof(big), "\",5000]");
	free(buf);
}

static void test_every_byte_value_is_valid_json_text(void **state)
{
	char in[256];
	struct kdr_json *j = open_json(0);
	const unsigned char *p;

	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (char)i;
	kdr_json_str(j, in, sizeof(in));
	finish(j);
	/* the output is ASCII except valid UTF-8 sequences, has no raw
	 * control character and is itself valid UTF-8 */
	for (p = (const unsigned char *)buf; *p; p++)
		assert_true(*p >= 0x20 && *p != 0x7f);
	assert_true(kdr_utf8_valid(buf, strlen(buf)));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_specials),
		cmocka_unit_test(test_every_control_char),
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_structure_compact),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_structure_pretty),
		cmocka_unit_test(test_compact_lines),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_large_document),
		cmocka_unit_test(test_every_byte_value_is_valid_json_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
