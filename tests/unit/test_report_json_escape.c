// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_json_escape.c - the JSON writer's strings, the one escaper
 * of every JSON kdelay-report writes: any bytes in, a strict JSON string
 * literal out (valid UTF-8 kept, bad bytes as U+FFFD, controls escaped),
 * and in HTML mode nothing that can end a <script> element.
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

static char *esc(const char *s, size_t len, unsigned flags)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct kdr_json *j;

	assert_non_null(f);
	j = kdr_json_new(f, flags);
	assert_non_null(j);
	kdr_json_str(j, s, len);
	kdr_json_free(j);
	fclose(f);
	return buf;
}

#define EXPECT(in, flags, want)                                                                   \
	do {                                                                                       \
		char *got = esc(in, sizeof(in) - 1, flags);                                        \
		assert_string_equal(got, want);                                                    \
		free(got);                                                                         \
	} while (0)

static void test_ascii_and_controls(void **state)
{
	(void)state;
	EXPECT("handler1", 0, "\"handler1\"");
	EXPECT("", 0, "\"\"");
	EXPECT("a\"b\\c", 0, "\"a\\\"b\\\\c\"");
	EXPECT("\n\t\r\b\f\x01\x1f\x7f", 0, "\"\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f\"");
	/* A NUL byte inside a name is data, not the end. */
	EXPECT("a\0b", 0, "\"a\\u0000b\"");
	EXPECT("/", 0, "\"/\"");
}

static void test_utf8(void **state)
{
	(void)state;
	/* Valid sequences of 2, 3 and 4 bytes pass through. */
	EXPECT("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0,
	       "\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* Stray continuation, lone lead, truncated sequence, overlong
	 * forms, a surrogate, past U+10FFFF: each bad byte as U+FFFD. */
	EXPECT("\x80", 0, "\"\\ufffd\"");
	EXPECT("\xff\xfe", 0, "\"\\ufffd\\ufffd\"");
	EXPECT("\xc3", 0, "\"\\ufffd\"");
	EXPECT("\xe2\x82", 0, "\"\\ufffd\\ufffd\"");
	EXPECT("\xc0\xaf", 0, "\"\\ufffd\\ufffd\"");
	EXPECT("\xe0\x80\xaf", 0, "\"\\ufffd\\ufffd\\ufffd\"");
	EXPECT("\xed\xa0\x80", 0, "\"\\ufffd\\ufffd\\ufffd\"");
	EXPECT("\xf4\x90\x80\x80", 0, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* A bad byte does not swallow the valid sequence after it. */
	EXPECT("\xc3\xc3\xa9", 0, "\"\\ufffd\xc3\xa9\"");
	/* Valid JSON but a line end to JavaScript: escaped. */
	EXPECT("\xe2\x80\xa8|\xe2\x80\xa9", 0, "\"\\u2028|\\u2029\"");
}

static void test_html_mode(void **state)
{
	(void)state;
	EXPECT("</script><!--&", 0, "\"</script><!--&\"");
	EXPECT("</script><!--&", KDR_JSON_HTML,
	       "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
}

/* Every byte value alone, and all of them in a row: the output is ASCII
 * except for valid UTF-8, and has no raw control character. */
static void test_every_byte(void **state)
{
	char all[256], one[1];
	int i;

	(void)state;
	for (i = 0; i < 256; i++) {
		char *got;
		size_t k;

		one[0] = (char)i;
		all[i] = (char)i;
		got = esc(one, 1, KDR_JSON_HTML);
		for (k = 0; got[k]; k++) {
			assert_true((unsigned char)got[k] >= 0x20);
			assert_true((unsigned char)got[k] < 0x7f);
		}
		assert_true(strlen(got) == 3 || strlen(got) == 4 || strlen(got) == 8);
		free(got);
	}
	{
		char *got = esc(all, sizeof(all), 0);

		/* 0x20..0x7e minus '"' and '\\' as themselves (93 bytes), the
		 * two escaped in two bytes, the 33 control characters in six
		 * but \b \t \n \f \r in two, the 128 bytes from 0x80 (none
		 * of them valid UTF-8 in this order) as \ufffd, plus quotes. */
		assert_int_equal(strlen(got), 2 + 93 + 2 * 2 + 28 * 6 + 5 * 2 + 128 * 6);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_html_mode),
		cmocka_unit_test(test_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
