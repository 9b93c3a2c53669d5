// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_export_folded.c - kdr_export_folded() on the synthetic
 * capture, byte for byte: frame order (thread, user outermost first,
 * syscall, kernel innermost last), weights summed per stack in ns, lost
 * stacks, frame sanitizing, the time range and filters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sysexits.h>

#include "test_report_export_synth.h"

/* read 300..1800 and 3000..3100 share a stack: 1500 + 100.  poll started
 * at T0-5000 but is clipped at t = 0: 2200.  102's name: \x01 -> '_',
 * \xff (not UTF-8) -> '?'; write has no stack, so no line. */
static const char all_folded[] =
	"main;main;loop;[libc.so.6];syscall:read;entry_SYSCALL_64;do_syscall_64 1600\n"
	"w\"k\\_?</script>;[user stack lost];syscall:poll;entry_SYSCALL_64;do_syscall_64 2200\n";

static void test_exact(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(synth_export(kdr_export_folded, 0, NULL, &out, NULL, NULL), EX_OK);
	assert_string_equal(out, all_folded);
	free(out);
	assert_int_equal(synth_export(kdr_export_folded, SYNTH_SHUFFLE, NULL, &out, NULL, NULL),
			 EX_OK);
	assert_string_equal(out, all_folded);
	free(out);
}

static void test_range(void **state)
{
	struct kdr_export_opts o = { .time_from_ns = 1000 };
	char *out;

	(void)state;
	assert_int_equal(synth_export(kdr_export_folded, 0, &o, &out, NULL, NULL), EX_OK);
	assert_string_equal(
		out, "main;main;loop;[libc.so.6];syscall:read;entry_SYSCALL_64;do_syscall_64 900\n"
		     "w\"k\\_?</script>;[user stack lost];syscall:poll;entry_SYSCALL_64;"
		     "do_syscall_64 1200\n");
	free(out);
}

static void test_filter(void **state)
{
	struct kdr_export_opts o = { .thread_regex = "^w" };
	char *out;

	(void)state;
	assert_int_equal(synth_export(kdr_export_folded, 0, &o, &out, NULL, NULL), EX_OK);
	assert_string_equal(out, "w\"k\\_?</script>;[user stack lost];syscall:poll;"
				 "entry_SYSCALL_64;do_syscall_64 2200\n");
	free(out);
}

static void test_no_stacks(void **state)
{
	struct kdr_export_opts o = { .time_from_ns = 3200, .time_to_ns = 9000 };
	char *out, *err;

	(void)state;
	/* Nothing to fold is not an error, but it is said. */
	assert_int_equal(synth_export(kdr_export_folded, 0, &o, &out, NULL, &err), EX_OK);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "no syscall stacks"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_no_stacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
