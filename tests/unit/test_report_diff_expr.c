// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_diff_expr.c - `--fail-if EXPR`: the parser's fields for
 * every form, each form crossed and not crossed (strict comparisons at the
 * exact boundary) on the synthetic captures of test_report_diff_synth.h,
 * and every bad expression with its exact message and EX_USAGE.
 *
 * Between BASE and NEW every duration doubles: +100% exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <sysexits.h>

#include <cmocka.h>

#include "diff_internal.h"
#include "test_report_diff_synth.h"

static void parse_ok(const char *text, struct kdr_diff_expr *e)
{
	char msg[256];

	if (kdr_diff_expr_parse(text, e, msg, sizeof(msg)))
		fail_msg("'%s': %s", text, msg);
}

static void test_parse_forms(void **state)
{
	struct kdr_diff_expr e;

	(void)state;
	parse_ok("p99>+20%", &e);
	assert_null(e.role);
	assert_int_equal(e.what, KDR_DW_SYSCALLS);
	assert_int_equal(e.stat, KDR_DS_P99);
	assert_int_equal(e.op, '>');
	assert_int_equal(e.thr, KDR_DT_PCT);
	assert_true(e.pct == 20.0);
	kdr_diff_expr_free(&e);

	parse_ok("  ready.total  <  -10.5% ", &e);
	assert_int_equal(e.what, KDR_DW_READY);
	assert_int_equal(e.stat, KDR_DS_TOTAL);
	assert_int_equal(e.op, '<');
	assert_true(e.pct == -10.5);
	kdr_diff_expr_free(&e);

	parse_ok("run.p50>20%", &e); /* unsigned percent: an increase */
	assert_int_equal(e.what, KDR_DW_RUN);
	assert_true(e.pct == 20.0);
	kdr_diff_expr_free(&e);

	parse_ok("syscall.futex.p999>+1.5ms", &e);
	assert_int_equal(e.what, KDR_DW_SYSCALL);
	assert_string_equal(e.sysname, "futex");
	assert_int_equal(e.stat, KDR_DS_P999);
	assert_int_equal(e.thr, KDR_DT_DELTA);
	assert_int_equal(e.neg, 0);
	assert_int_equal(e.mag, 1500000);
	kdr_diff_expr_free(&e);

	parse_ok("syscall.max<-3us", &e);
	assert_int_equal(e.what, KDR_DW_SYSCALLS);
	assert_int_equal(e.thr, KDR_DT_DELTA);
	assert_int_equal(e.neg, 1);
	assert_int_equal(e.mag, 3000);
	kdr_diff_expr_free(&e);

	parse_ok("max>2s", &e);
	assert_int_equal(e.thr, KDR_DT_VALUE);
	assert_int_equal(e.mag, 2000000000);
	kdr_diff_expr_free(&e);

	parse_ok("count>1000", &e);
	assert_int_equal(e.stat, KDR_DS_COUNT);
	assert_int_equal(e.thr, KDR_DT_VALUE);
	assert_int_equal(e.mag, 1000);
	kdr_diff_expr_free(&e);

	/* The role loses its numeric suffix, as thread names do. */
	parse_ok("thread.handler12.ready.p99>+20%", &e);
	assert_string_equal(e.role, "handler");
	assert_int_equal(e.what, KDR_DW_READY);
	kdr_diff_expr_free(&e);

	parse_ok("thread.revalidator.syscall.futex.mean>250ns", &e);
	assert_string_equal(e.role, "revalidator");
	assert_int_equal(e.what, KDR_DW_SYSCALL);
	assert_string_equal(e.sysname, "futex");
	assert_int_equal(e.stat, KDR_DS_MEAN);
	assert_int_equal(e.mag, 250);
	kdr_diff_expr_free(&e);

	parse_ok("thread.a.b.syscall.min>1", &e); /* a role may hold dots */
	assert_string_equal(e.role, "a.b");
	assert_int_equal(e.what, KDR_DW_SYSCALLS);
	assert_int_equal(e.stat, KDR_DS_MIN);
	kdr_diff_expr_free(&e);

	parse_ok("thread.*.syscall.*.p90>+0%", &e);
	assert_string_equal(e.role, "*");
	assert_string_equal(e.sysname, "*");
	kdr_diff_expr_free(&e);

	parse_ok("thread.urcu.total>0", &e);
	assert_string_equal(e.role, "urcu");
	assert_int_equal(e.what, KDR_DW_SYSCALLS);
	kdr_diff_expr_free(&e);
}

/* Every bad expression: exact message, EX_USAGE, nothing read. */
static void test_parse_errors(void **state)
{
	static const struct {
		const char *expr, *msg;
	} bad[] = {
		{ "p99", "no comparison in 'p99': expected METRIC>THRESHOLD or METRIC<THRESHOLD" },
		{ "p99=+20%", "no comparison in 'p99=+20%': expected METRIC>THRESHOLD or METRIC<THRESHOLD" },
		{ ">5", "no metric before '>5'" },
		{ "p98>+20%", "unknown statistic 'p98' (count, total, min, max, mean, p50, p90, p99, p999)" },
		{ "ready.>1", "unknown statistic '' (count, total, min, max, mean, p50, p90, p99, p999)" },
		{ "foo.p99>1",
		  "unknown scope 'foo' (syscall, syscall.NAME, run, ready, thread.ROLE[.syscall[.NAME]|.run|.ready])" },
		{ "syscall..p99>1",
		  "unknown scope 'syscall.' (syscall, syscall.NAME, run, ready, thread.ROLE[.syscall[.NAME]|.run|.ready])" },
		{ "thread..ready.p99>1", "empty thread role in 'thread..ready'" },
		{ "p99>", "bad threshold '' (+N%, -N%, +N[unit], -N[unit] or N[unit]; unit ns, us, ms or s)" },
		{ "p99>+20%%", "bad threshold '+20%%' (+N%, -N%, +N[unit], -N[unit] or N[unit]; unit ns, us, ms or s)" },
		{ "p99>1.ms", "bad threshold '1.ms' (+N%, -N%, +N[unit], -N[unit] or N[unit]; unit ns, us, ms or s)" },
		{ "p99>5min", "bad threshold '5min' (+N%, -N%, +N[unit], -N[unit] or N[unit]; unit ns, us, ms or s)" },
		{ "p99>-inf%", "bad threshold '-inf%' (+N%, -N%, +N[unit], -N[unit] or N[unit]; unit ns, us, ms or s)" },
		{ "count>5ms", "count takes no time unit: '5ms'" },
		{ "p99>1<2", "more than one comparison in 'p99>1<2'" },
		{ "max>99999999999s", "threshold '99999999999s' is too large" },
	};
	char want[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { base_path, new_path, "--fail-if", bad[i].expr, NULL };
		struct kdr_diff_expr e;
		char msg[512];
		struct run r;

		assert_int_equal(kdr_diff_expr_parse(bad[i].expr, &e, msg, sizeof(msg)), -1);
		assert_string_equal(msg, bad[i].msg);
		r = run_diff(args);
		assert_int_equal(r.rc, EX_USAGE);
		snprintf(want, sizeof(want), "kdelay-report: diff: --fail-if '%s': %s\n", bad[i].expr,
			 bad[i].msg);
		assert_string_equal(r.err, want);
		assert_string_equal(r.out, "");
		run_free(&r);
	}
}

/* rc of `diff BASE NEW --fail-if expr` (and of NEW BASE when rev). */
static int fails(const char *expr, int rev)
{
	const char *args[] = { rev ? new_path : base_path, rev ? base_path : new_path, "--fail-if",
			       expr, NULL };
	struct run r = run_diff(args);
	int rc = r.rc;

	if (rc != 0 && rc != KDR_DIFF_EXIT_CROSSED)
		print_error("'%s': rc %d: %s", expr, rc, r.err);
	run_free(&r);
	return rc;
}

static void test_crossed_or_not(void **state)
{
	(void)state;
	/* Relative: exactly +100% is not more than +100%. */
	assert_int_equal(fails("ready.total>+50%", 0), 1);
	assert_int_equal(fails("ready.total>+50%", 1), 0);
	assert_int_equal(fails("ready.total>+100%", 0), 0);
	assert_int_equal(fails("ready.total>+99.9%", 0), 1);
	assert_int_equal(fails("ready.total<-49.9%", 1), 1); /* -50% */
	assert_int_equal(fails("ready.total<-50%", 1), 0);
	assert_int_equal(fails("run.count>+0%", 0), 0);	     /* 2 -> 2 */
	assert_int_equal(fails("run.count<+0.1%", 0), 1);    /* 0% < 0.1% */
	/* Unscoped: every syscall of every thread. */
	assert_int_equal(fails("p99>+20%", 0), 1);
	assert_int_equal(fails("count>+0%", 0), 0); /* 201 -> 201 */
	/* Absolute change: read total grows by exactly 20,100,000 ns. */
	assert_int_equal(fails("syscall.read.total>+20100us", 0), 0);
	assert_int_equal(fails("syscall.read.total>+20099999", 0), 1);
	assert_int_equal(fails("syscall.read.total>+20.1ms", 0), 0);
	assert_int_equal(fails("syscall.read.total<+20100001ns", 0), 1);
	assert_int_equal(fails("syscall.read.total<-1ns", 0), 0);
	assert_int_equal(fails("syscall.read.total<-20099999", 1), 1);
	assert_int_equal(fails("syscall.read.total<-20100000", 1), 0);
	assert_int_equal(fails("syscall.read.total>-1s", 1), 1); /* -20.1 ms > -1 s */
	/* Absolute value of NEW: max read is 400 us exactly. */
	assert_int_equal(fails("syscall.read.max>400us", 0), 0);
	assert_int_equal(fails("syscall.read.max>399.999us", 0), 1);
	assert_int_equal(fails("syscall.read.max<0.0004s", 0), 0);
	assert_int_equal(fails("syscall.read.count>199", 0), 1);
	/* Roles, matched across captures by their names without suffix. */
	assert_int_equal(fails("thread.handler.syscall.read.p50>+99%", 0), 1);
	assert_int_equal(fails("thread.handler2.syscall.read.count<+0%", 0), 0);
	assert_int_equal(fails("thread.revalidator55.syscall.futex.max>9ms", 0), 1);
	assert_int_equal(fails("thread.synth.run.total>10999", 0), 1);
	assert_int_equal(fails("thread.synth.run.total>11000", 0), 0);
	/* Each role / each syscall. */
	assert_int_equal(fails("thread.*.syscall.*.total>+100%", 0), 0);
	assert_int_equal(fails("thread.*.syscall.*.total>+99%", 0), 1);
	assert_int_equal(fails("thread.*.ready.total>+0%", 1), 0);
	/* A syscall nobody made compares 0 with 0. */
	assert_int_equal(fails("syscall.poll.count>0", 0), 0);
}

/* Several expressions: each is listed, the crossings shown. */
static void test_listing(void **state)
{
	const char *args[] = { base_path, new_path, "--fail-if", "ready.total>+50%",
			       "--fail-if=thread.*.syscall.*.max>+99%", "--fail-if", "run.count>+0%",
			       NULL };
	struct run r = run_diff(args);

	(void)state;
	assert_int_equal(r.rc, KDR_DIFF_EXIT_CROSSED);
	assert_non_null(strstr(r.out,
		"\nFAIL-IF\n"
		"  ready.total>+50%: CROSSED (1 of 1 comparisons)\n"
		"    all threads ready total: 2,500 -> 5,000 (+100.0%)\n"
		"  thread.*.syscall.*.max>+99%: CROSSED (2 of 2 comparisons)\n"
		"    thread handler syscall read max: 200,000 -> 400,000 (+100.0%)\n"
		"    thread revalidator syscall futex max: 5,000,000 -> 10,000,000 (+100.0%)\n"
		"  run.count>+0%: ok (1 comparison)\n"
		"    all threads run count: 2 -> 2 (+0.0%)\n"));
	assert_string_equal(r.err, "kdelay-report: diff: 2 of 3 --fail-if thresholds crossed\n");
	run_free(&r);
}

/* Names in neither capture are errors, not silent passes. */
static void test_unknown_names(void **state)
{
	const char *sys[] = { base_path, new_path, "--fail-if", "syscall.nosuch.p99>1", NULL };
	const char *thr[] = { base_path, new_path, "--fail-if", "thread.nosuch.p99>1", NULL };
	const char *none[] = { base_path, new_path, "--fail-if", NULL };
	struct run r;

	(void)state;
	r = run_diff(sys);
	assert_int_equal(r.rc, EX_USAGE);
	assert_string_equal(r.err, "kdelay-report: diff: --fail-if 'syscall.nosuch.p99>1': unknown "
				   "syscall 'nosuch' (in neither capture's table)\n");
	run_free(&r);
	r = run_diff(thr);
	assert_int_equal(r.rc, EX_USAGE);
	assert_string_equal(r.err, "kdelay-report: diff: --fail-if 'thread.nosuch.p99>1': no thread "
				   "of role 'nosuch' in either capture\n");
	run_free(&r);
	r = run_diff(none);
	assert_int_equal(r.rc, EX_USAGE);
	assert_string_equal(r.err, "kdelay-report: diff: --fail-if needs an expression "
				   "(see kdelay-report diff --help)\n");
	run_free(&r);
}

static void test_pct(void **state)
{
	(void)state;
	assert_true(kdr_diff_pct(0, 0) == 0);
	assert_true(isinf(kdr_diff_pct(0, 1)));
	assert_true(kdr_diff_pct(100, 120) == 20);
	assert_true(kdr_diff_pct(100, 0) == -100);
	assert_true(kdr_diff_pct(UINT64_MAX, 0) == -100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_crossed_or_not),
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_pct),
	};

	return cmocka_run_group_tests(tests, synth_setup, synth_teardown);
}
