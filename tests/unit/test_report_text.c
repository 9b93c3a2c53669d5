// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_text.c - the small pieces of the text report: thousands
 * separators, Python-like padding and cutting of names (with escapes for
 * control characters and bad bytes), wall-clock stamps as Python's
 * isoformat() prints them, softirq/syscall names, thread names over time,
 * symbol lines and --time-range parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "filter.h"
#include "sink.h"
#include "text_format.h"

static char *buf;
static size_t len;

static const char *name(const char *s, size_t n, int width, int maxw)
{
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	kdr_text_name(f, s, n, width, maxw);
	fclose(f);
	return buf;
}

static void test_commas(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(kdr_commas(0, b, sizeof(b)), "0");
	assert_string_equal(kdr_commas(999, b, sizeof(b)), "999");
	assert_string_equal(kdr_commas(1000, b, sizeof(b)), "1,000");
	assert_string_equal(kdr_commas(184193176, b, sizeof(b)), "184,193,176");
	assert_string_equal(kdr_commas(UINT64_MAX, b, sizeof(b)), "18,446,744,073,709,551,615");
}

static void test_name_padding(void **state)
{
	(void)state;
	assert_string_equal(name("handler1", 8, 16, 0), "handler1        ");
	free(buf);
	/* longer than the width: not cut ("{:16}") */
	assert_string_equal(name("a-very-long-thread-name", 23, 16, 0), "a-very-long-thread-name");
	free(buf);
	/* "{:20.20}": cut */
	assert_string_equal(name("abcdefghijklmnopqrstuvwxyz", 26, 20, 20), "abcdefghijklmnopqrst");
	free(buf);
	/* width counts characters, not bytes, as Python does */
	assert_string_equal(name("\xc3\xa9t\xc3\xa9", 5, 5, 0), "\xc3\xa9t\xc3\xa9  ");
	free(buf);
}

static void test_name_escapes(void **state)
{
	(void)state;
	assert_string_equal(name("a\tb", 3, 0, 0), "a\\x09b");
	free(buf);
	assert_string_equal(name("\x1b[31m", 5, 8, 0), "\\x1b[31m");
	free(buf);
	assert_string_equal(name("x\xff\xfey", 4, 12, 0), "x\\xff\\xfey  ");
	free(buf);
	assert_string_equal(name("nul\0", 4, 0, 0), "nul\\x00");
	free(buf);
	assert_string_equal(name("del\x7f", 4, 0, 0), "del\\x7f");
	free(buf);
	assert_string_equal(name("\xc2\x85", 2, 0, 0), "\\xc2\\x85"); /* C1 control */
	free(buf);
	/* an escape is cut like any other text */
	assert_string_equal(name("abc\x01", 4, 5, 5), "abc\\x");
	free(buf);
}

static void test_walltime(void **state)
{
	struct kdr_walltime w = { .mono_ns = 1000000000000ull, .realtime_ns = 1700000000250000000ull };
	char b[128];

	(void)state;
	setenv("TZ", "UTC", 1);
	assert_string_equal(kdr_walltime_stamp(&w, 1000000001000ull, b, sizeof(b)),
			    " @2023-11-14T22:13:20.250001 (22:13:20 UTC)");
	/* isoformat() leaves out a zero fraction */
	assert_string_equal(kdr_walltime_stamp(&w, 1000000000000ull - 250000000, b, sizeof(b)),
			    " @2023-11-14T22:13:20 (22:13:20 UTC)");
	/* sub-microsecond parts are truncated, as datetime keeps microseconds */
	assert_string_equal(kdr_walltime_iso(&w, 1000000000999ull, 0, b, sizeof(b)),
			    "2023-11-14T22:13:20.250000");
	assert_string_equal(kdr_walltime_iso(&w, 1000000000000ull, 1, b, sizeof(b)),
			    "2023-11-14T22:13:20.250000+00:00");
	/* before the recorder started */
	assert_string_equal(kdr_walltime_iso(&w, 0, 0, b, sizeof(b)), "2023-11-14T21:56:40.250000");
	/* local time follows TZ, the UTC part does not */
	setenv("TZ", "CET-1", 1);
	assert_string_equal(kdr_walltime_stamp(&w, 1000000000000ull, b, sizeof(b)),
			    " @2023-11-14T23:13:20.250000 (22:13:20 UTC)");
	assert_string_equal(kdr_walltime_iso(&w, 1000000000000ull, 1, b, sizeof(b)),
			    "2023-11-14T23:13:20.250000+01:00");
	setenv("TZ", "UTC", 1);
	/* absurd values do not crash */
	w.realtime_ns = UINT64_MAX;
	kdr_walltime_stamp(&w, UINT64_MAX, b, sizeof(b));
	w.realtime_ns = 0;
	kdr_walltime_stamp(&w, 0, b, sizeof(b));
}

static void test_softirq_and_syscall_names(void **state)
{
	static const char *const names[] = { "read", NULL, "poll" };
	struct kdf_meta m = { .syscall_names = names, .syscall_count = 3 };
	char b[32];

	(void)state;
	assert_string_equal(kdr_softirq_name(0, b, sizeof(b)), "hi");
	assert_string_equal(kdr_softirq_name(9, b, sizeof(b)), "rcu");
	assert_string_equal(kdr_softirq_name(10, b, sizeof(b)), "<unknown:10>");
	assert_string_equal(kdr_softirq_name(UINT32_MAX, b, sizeof(b)), "<unknown:4294967295>");
	assert_string_equal(kdr_syscall_name(&m, 0, b, sizeof(b)), "read");
	assert_string_equal(kdr_syscall_name(&m, 1, b, sizeof(b)), "[unknown: 1]");
	assert_string_equal(kdr_syscall_name(&m, 3, b, sizeof(b)), "[unknown: 3]");
	assert_int_equal(kdr_syscall_lookup(&m, "poll"), 2);
	assert_int_equal(kdr_syscall_lookup(&m, "42"), 42);
	assert_int_equal(kdr_syscall_lookup(&m, "nope"), KDR_NO_NR);
	assert_int_equal(kdr_syscall_lookup(&m, "4x"), KDR_NO_NR);
}

static void test_thread_names_over_time(void **state)
{
	struct kdr_threads *th = kdr_threads_new();
	size_t n;

	(void)state;
	assert_non_null(th);
	assert_null(kdr_threads_name(th, 7, 100, &n));
	assert_int_equal(kdr_threads_add(th, 7, 10, "first", 5), 0);
	assert_int_equal(kdr_threads_add(th, 7, 50, "renamed", 7), 0);
	assert_string_equal(kdr_threads_name(th, 7, 100, &n), "renamed");
	assert_int_equal(n, 7);
	assert_string_equal(kdr_threads_name(th, 7, 20, &n), "first");
	/* before any name: the oldest known */
	assert_string_equal(kdr_threads_name(th, 7, 1, &n), "first");
	/* a name arriving out of order lands where it belongs */
	assert_int_equal(kdr_threads_add(th, 7, 30, "middle", 6), 0);
	assert_string_equal(kdr_threads_name(th, 7, 40, &n), "middle");
	assert_string_equal(kdr_threads_name(th, 7, 60, &n), "renamed");
	/* every name is kept, not only the last two */
	assert_string_equal(kdr_threads_name(th, 7, 20, &n), "first");
	for (uint64_t ts = 1000; ts < 1100; ts++) {
		char b[16];

		snprintf(b, sizeof(b), "n%u", (unsigned)ts);
		assert_int_equal(kdr_threads_add(th, 9, ts, b, strlen(b)), 0);
	}
	assert_string_equal(kdr_threads_name(th, 9, 1000, &n), "n1000");
	assert_string_equal(kdr_threads_name(th, 9, 1050, &n), "n1050");
	assert_string_equal(kdr_threads_name(th, 9, 5000, &n), "n1099");
	/* the same time twice: the later given wins */
	assert_int_equal(kdr_threads_add(th, 9, 1050, "again", 5), 0);
	assert_string_equal(kdr_threads_name(th, 9, 1050, &n), "again");
	assert_string_equal(kdr_threads_name(th, 9, 1049, &n), "n1049");
	/* any bytes, embedded NUL included */
	assert_int_equal(kdr_threads_add(th, 8, 0, "a\0b", 3), 0);
	assert_memory_equal(kdr_threads_name(th, 8, 0, &n), "a\0b", 3);
	assert_int_equal(n, 3);
	for (uint32_t t = 100; t < 5000; t++)
		assert_int_equal(kdr_threads_add(th, t, t, "x", 1), 0);
	assert_string_equal(kdr_threads_name(th, 4999, 9999, &n), "x");
	kdr_threads_free(th);
}

static void test_symbol_lines(void **state)
{
	struct kdr_symbols *s = kdr_symbols_new();
	struct kdf_symbol v[] = {
		{ .addr = 0xffffffff8100005bull, .is_kernel = 1, .offset = 0x5b,
		  .name = "do_syscall_64", .module = "kernel" },
		{ .addr = 0x1000, .is_kernel = 0, .offset = 0x10, .name = "main", .module = "a.out" },
		{ .addr = 0x2000, .is_kernel = 0, .name = NULL, .module = "libc.so.6" },
		{ .addr = 0x1000, .is_kernel = 1, .offset = 0, .name = "kfunc", .module = NULL },
	};
	char b[128];

	(void)state;
	assert_non_null(s);
	assert_int_equal(kdr_symbols_add(s, v, 4), 0);
	kdr_symbols_format(s, 0xffffffff8100005bull, 1, b, sizeof(b));
	assert_string_equal(b, "do_syscall_64+0x5b [kernel]");
	kdr_symbols_format(s, 0x1000, 0, b, sizeof(b));
	assert_string_equal(b, "main+0x10 [a.out]");
	kdr_symbols_format(s, 0x1000, 1, b, sizeof(b)); /* same address, kernel side */
	assert_string_equal(b, "kfunc+0x0");
	kdr_symbols_format(s, 0x2000, 0, b, sizeof(b));
	assert_string_equal(b, "[unknown] 0x2000 [libc.so.6]");
	kdr_symbols_format(s, 0xdead, 0, b, sizeof(b));
	assert_string_equal(b, "[unknown] 0xdead");
	/* the exports' frames, from the same store */
	kdr_symbols_frame(s, 0x1000, 1, b, sizeof(b));
	assert_string_equal(b, "kfunc+0x0");
	kdr_symbols_frame(s, 0x2000, 0, b, sizeof(b));
	assert_string_equal(b, "0x2000 [libc.so.6]");
	kdr_symbols_frame(s, 0xdead, 0, b, sizeof(b));
	assert_string_equal(b, "0xdead");
	kdr_symbols_frame_short(s, 0xffffffff8100005bull, 1, b, sizeof(b));
	assert_string_equal(b, "do_syscall_64");
	kdr_symbols_frame_short(s, 0x2000, 0, b, sizeof(b));
	assert_string_equal(b, "[libc.so.6]");
	kdr_symbols_frame_short(s, 0x1000, 1, b, sizeof(b));
	assert_string_equal(b, "kfunc");
	kdr_symbols_frame_short(NULL, 0x1000, 1, b, sizeof(b)); /* no SYMBOLS at all */
	assert_string_equal(b, "[unknown]");
	/* a later entry for the same address replaces the earlier one */
	v[1].name = "main2";
	assert_int_equal(kdr_symbols_add(s, &v[1], 1), 0);
	kdr_symbols_frame_short(s, 0x1000, 0, b, sizeof(b));
	assert_string_equal(b, "main2");
	kdr_symbols_frame_short(s, 0x1000, 1, b, sizeof(b));
	assert_string_equal(b, "kfunc");
	kdr_symbols_free(s);
}

static void test_time_range(void **state)
{
	double a, b;

	(void)state;
	assert_int_equal(kdr_parse_time_range("1,2.5", &a, &b), 0);
	assert_true(a == 1 && b == 2.5);
	assert_int_equal(kdr_parse_time_range("5,", &a, &b), 0);
	assert_true(a == 5 && b < 0);
	assert_int_equal(kdr_parse_time_range(",0.25", &a, &b), 0);
	assert_true(a == 0 && b == 0.25);
	assert_int_equal(kdr_parse_time_range(",", &a, &b), -1);
	assert_int_equal(kdr_parse_time_range("2,1", &a, &b), -1);
	assert_int_equal(kdr_parse_time_range("1", &a, &b), -1);
	assert_int_equal(kdr_parse_time_range("1,2,3", &a, &b), -1);
	assert_int_equal(kdr_parse_time_range("-1,2", &a, &b), -1);
	assert_int_equal(kdr_parse_time_range("x,2", &a, &b), -1);
	assert_int_equal(kdr_parse_time_range("nan,2", &a, &b), -1);
	assert_int_equal(kdr_parse_time_range("1,inf", &a, &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commas),
		cmocka_unit_test(test_name_padding),
		cmocka_unit_test(test_name_escapes),
		cmocka_unit_test(test_walltime),
		cmocka_unit_test(test_softirq_and_syscall_names),
		cmocka_unit_test(test_thread_names_over_time),
		cmocka_unit_test(test_symbol_lines),
		cmocka_unit_test(test_time_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
