// SPDX-License-Identifier: BSD-2-Clause
/* Option parsing: kernel_delay.py's names, defaults, validation, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"

static int parse(struct kd_opts *o, enum kd_prog prog, const char *const *args)
{
	static char *argv[32];
	int argc = 0;
	FILE *null = fopen("/dev/null", "w");
	int rc;

	argv[argc++] = "prog";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	rc = options__parse(o, prog, argc, argv, null);
	fclose(null);
	return rc;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct kd_opts o;

	(void)state;
	assert_int_equal(parse(&o, KD_PROG_RECORD, (const char *const[]){ NULL }), 0);
	assert_int_equal(o.debug, 0);
	assert_int_equal(o.pid, 0);
	assert_int_equal(o.syscall_events_ns, -1);
	assert_int_equal(o.buffer_page_count, 1024);
	assert_int_equal(o.sample_count, 1);
	assert_true(o.sample_interval == 0);
	assert_true(o.sample_time == 0.5);
	assert_false(o.skip_syscall_poll_events);
	assert_int_equal(o.stack_trace_size, 4096);
	assert_null(o.start_trigger);
	assert_null(o.stop_trigger);
	assert_int_equal(o.trigger_delta_ns, 0);
	assert_string_equal(o.output, "kdelay.data");
	assert_null(o.command);
	/* kdelay records to a temporary file unless -o is given */
	assert_int_equal(parse(&o, KD_PROG_KDELAY, (const char *const[]){ NULL }), 0);
	assert_null(o.output);
}

static void test_optional_values(void **state)
{
	struct kd_opts o;

	(void)state;
	/* nargs='?': bare flag gives the const, next numeric word is taken */
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("-s")), 0);
	assert_int_equal(o.syscall_events_ns, 0);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("-s", "50000", "--skip-syscall-poll-events")), 0);
	assert_int_equal(o.syscall_events_ns, 50000);
	assert_true(o.skip_syscall_poll_events);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--syscall-events=7")), 0);
	assert_int_equal(o.syscall_events_ns, 7);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--trigger-delta", "1000000")), 0);
	assert_int_equal(o.trigger_delta_ns, 1000000);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--trigger-delta", "-p", "5")), 0);
	assert_int_equal(o.trigger_delta_ns, 0);
	assert_int_equal(o.pid, 5);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("-D")), 0);
	assert_int_equal(o.debug, 0x3f);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("-D", "1")), 0);
	assert_int_equal(o.debug, 1);
}

static void test_reference_command_lines(void **state)
{
	struct kd_opts o;

	(void)state;
	assert_int_equal(parse(&o, KD_PROG_KDELAY,
			       ARGS("--start-trigger", "up:bridge_run", "--sample-time", "4",
				    "--sample-count", "4", "--sample-interval", "1")),
			 0);
	assert_string_equal(o.start_trigger, "up:bridge_run");
	assert_true(o.sample_time == 4.0);
	assert_int_equal(o.sample_count, 4);
	assert_true(o.sample_interval == 1.0);
	assert_int_equal(parse(&o, KD_PROG_KDELAY,
			       ARGS("--start-trigger", "up:bridge_run", "--stop-trigger",
				    "upr:bridge_run", "--trigger-delta", "50000")),
			 0);
	assert_string_equal(o.stop_trigger, "upr:bridge_run");
	assert_int_equal(o.trigger_delta_ns, 50000);
	/* unambiguous prefixes, as argparse allows */
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--sample-c", "2")), 0);
	assert_int_equal(o.sample_count, 2);
}

static void test_validation(void **state)
{
	struct kd_opts o;

	(void)state;
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--sample-count", "0")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--sample-count", "x")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--buffer-page-count", "-1")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("-p", "12a")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--sample-time", "nan")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--sample-time", "-1")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--stack-trace-size")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--bogus")), KD_EXIT_USAGE);
	/* kdelay takes no COMMAND and no --comm: kernel_delay.py's options only */
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("sleep", "1")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--comm", "x")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("-p", "1", "--", "sleep", "1")), KD_EXIT_USAGE);
	assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("-p", "1", "--comm", "x")), KD_EXIT_USAGE);
}

static void test_record_extras(void **state)
{
	struct kd_opts o;

	(void)state;
	assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("-o", "x.data", "-q", "--", "sleep", "1")), 0);
	assert_string_equal(o.output, "x.data");
	assert_true(o.quiet);
	assert_non_null(o.command);
	assert_string_equal(o.command[0], "sleep");
	assert_string_equal(o.command[1], "1");
	assert_null(o.command[2]);
	assert_false(o.sample_time_given);
	/* perf-style: the first non-option word starts the command */
	assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("-s", "ls", "-l")), 0);
	assert_int_equal(o.syscall_events_ns, 0);
	assert_string_equal(o.command[0], "ls");
	assert_string_equal(o.command[1], "-l");
	assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("--comm", "ovs-vswitchd")), 0);
	assert_string_equal(o.comm, "ovs-vswitchd");
}

static void test_pow2(void **state)
{
	(void)state;
	assert_int_equal(options__pow2(0), 1);
	assert_int_equal(options__pow2(1), 1);
	assert_int_equal(options__pow2(3), 4);
	assert_int_equal(options__pow2(1024), 1024);
	assert_int_equal(options__pow2(1025), 2048);
	{
		struct kd_opts o;

		assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--buffer-page-count", "1000")), 0);
		assert_int_equal(o.buffer_page_count, 1024);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_optional_values),
		cmocka_unit_test(test_reference_command_lines),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_record_extras),
		cmocka_unit_test(test_pow2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
