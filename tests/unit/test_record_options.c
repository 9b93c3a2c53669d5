// SPDX-License-Identifier: BSD-2-Clause
/* Option parsing: kernel_delay.py's names, defaults, validation, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* parse() keeping what was printed on err, for message checks. */
static int parse_msg(struct kd_opts *o, enum kd_prog prog, const char *const *args, char *msg,
		     size_t len)
{
	static char *argv[32];
	char *buf = NULL;
	size_t size = 0;
	FILE *err = open_memstream(&buf, &size);
	int argc = 0, rc;

	argv[argc++] = "prog";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	rc = options__parse(o, prog, argc, argv, err);
	fclose(err);
	snprintf(msg, len, "%s", buf ? buf : "");
	free(buf);
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

/* REJECT(args, message part): a usage error whose message says why. */
#define REJECT(prog, args, part)                                                  \
	do {                                                                      \
		char m_[512];                                                     \
		assert_int_equal(parse_msg(&o, prog, args, m_, sizeof(m_)), KD_EXIT_USAGE); \
		if (!strstr(m_, part))                                            \
			fail_msg("'%s' not in '%s'", part, m_);                   \
	} while (0)

/* Numbers that parse but mean nothing sensible are refused, not wrapped. */
static void test_numbers_that_do_not_fit(void **state)
{
	struct kd_opts o;

	(void)state;
	/* 18446744073 s is 2^64 ns: it used to wrap to a 5 ms window. */
	REJECT(KD_PROG_RECORD, ARGS("--sample-time", "18446744073"), "at most 86400 seconds");
	REJECT(KD_PROG_RECORD, ARGS("--sample-time", "1e12"), "at most 86400 seconds");
	REJECT(KD_PROG_RECORD, ARGS("--sample-time", "86400.5"), "at most 86400 seconds");
	REJECT(KD_PROG_RECORD, ARGS("--sample-time", "inf"), "non-negative number");
	REJECT(KD_PROG_RECORD, ARGS("--sample-time", "-0.5"), "non-negative number");
	REJECT(KD_PROG_KDELAY, ARGS("--sample-interval", "1e12"), "at most 86400 seconds");
	REJECT(KD_PROG_KDELAY, ARGS("--sample-interval", "nan"), "non-negative number");
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--sample-time", "86400")), 0);
	assert_true(o.sample_time == 86400);
	/* 2^20 pages of 4 KiB is 4 GiB: beyond the kernel's ring buffer. */
	if (getpagesize() == 4096) {
		REJECT(KD_PROG_RECORD, ARGS("--buffer-page-count", "1048576"), "2 GiB");
		REJECT(KD_PROG_RECORD, ARGS("--buffer-page-count", "524289"), "at most 524288 pages");
		REJECT(KD_PROG_RECORD, ARGS("--buffer-page-count", "4294967296"), "too large");
		assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("--buffer-page-count", "524288")), 0);
		assert_int_equal(o.buffer_page_count, 524288);
		assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("--buffer-page-count", "300000")), 0);
		assert_int_equal(o.buffer_page_count, 524288);
	}
	REJECT(KD_PROG_RECORD, ARGS("-p", "0"), "0 is not a process id");
	REJECT(KD_PROG_KDELAY, ARGS("--pid", "0"), "0 is not a process id");
	/* A word that reads as a number is an option's value, so a bad one
	 * is said to be bad, never run as a COMMAND. */
	REJECT(KD_PROG_RECORD, ARGS("--trigger-delta", "nan"), "--trigger-delta: must be an integer");
	REJECT(KD_PROG_RECORD, ARGS("--trigger-delta", "1e6"), "--trigger-delta: must be an integer");
	REJECT(KD_PROG_RECORD, ARGS("-s", "Inf"), "-s/--syscall-events: must be an integer");
	REJECT(KD_PROG_RECORD, ARGS("-s", ".5"), "-s/--syscall-events: must be an integer");
	REJECT(KD_PROG_RECORD, ARGS("-D", "nan"), "-D/--debug: must be an integer");
	REJECT(KD_PROG_KDELAY, ARGS("--trigger-delta", "-3"), "must be positive");
	/* ... and a word that does not is still the COMMAND. */
	assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("-s", "nano", "x")), 0);
	assert_string_equal(o.command[0], "nano");
	/* Messages name the program, never the path it ran from. */
	REJECT(KD_PROG_RECORD, ARGS("--bogus"), "kdelay-record: error: unrecognized arguments: --bogus");
	REJECT(KD_PROG_KDELAY, ARGS("-p"), "kdelay: error: argument -p: expected one argument");
}

/* -o -: the capture goes to standard output, unless that is a terminal;
 * kdelay reads its capture back, so it needs a file. */
static void test_output_stdout(void **state)
{
	struct kd_opts o;

	(void)state;
	REJECT(KD_PROG_KDELAY, ARGS("-o", "-"), "not supported by kdelay");
	if (isatty(STDOUT_FILENO)) {
		REJECT(KD_PROG_RECORD, ARGS("-o", "-"), "terminal");
	} else {
		assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("-o", "-")), 0);
		assert_string_equal(o.output, "-");
	}
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

static void test_kdelay_tables(void **state)
{
	struct kd_opts o;

	(void)state;
	/* off by default: kdelay's text is kernel_delay.py's */
	assert_int_equal(parse(&o, KD_PROG_KDELAY, (const char *const[]){ NULL }), 0);
	assert_false(o.report_budget || o.report_wakers || o.report_culprits || o.report_census);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--wakers", "--census")), 0);
	assert_true(o.report_wakers && o.report_census);
	assert_false(o.report_budget || o.report_culprits);
	assert_int_equal(parse(&o, KD_PROG_KDELAY, ARGS("--culprits", "--budget")), 0);
	assert_true(o.report_culprits && o.report_budget);
	assert_false(o.report_wakers || o.report_census);
	/* kdelay-report reads them on a capture: kdelay-record has none */
	assert_int_equal(parse(&o, KD_PROG_RECORD, ARGS("--culprits")), KD_EXIT_USAGE);
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
		cmocka_unit_test(test_numbers_that_do_not_fit),
		cmocka_unit_test(test_output_stdout),
		cmocka_unit_test(test_record_extras),
		cmocka_unit_test(test_kdelay_tables),
		cmocka_unit_test(test_pow2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
