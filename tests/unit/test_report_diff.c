// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_diff.c - `kdelay-report diff` on the synthetic captures of
 * test_report_diff_synth.h: exact counts and totals, percentiles within
 * the histogram's bound, role matching (suffix stripping, threads of one
 * role together), what is left out (window edges, skipped windows), the
 * text table and the JSON document, and bad captures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

#include <cmocka.h>

#include "diff_internal.h"
#include "test_report_diff_synth.h"

static void test_role_names(void **state)
{
	size_t len;

	(void)state;
	kdr_diff_role("revalidator55", 13, &len);
	assert_int_equal(len, 11);
	kdr_diff_role("handler1", 8, &len);
	assert_int_equal(len, 7);
	kdr_diff_role("urcu", 4, &len);
	assert_int_equal(len, 4);
	kdr_diff_role("pmd-c03", 7, &len);
	assert_int_equal(len, 5); /* "pmd-c": only digits go */
	kdr_diff_role("12345", 5, &len);
	assert_int_equal(len, 5); /* all digits: the whole name */
	kdr_diff_role("", 0, &len);
	assert_int_equal(len, 0);
}

static const struct kdr_diff_group *role(const struct kdr_diff_side *s, const char *r)
{
	const struct kdr_diff_group *g = kdr_diff_find_role(s, r, strlen(r));

	assert_non_null(g);
	return g;
}

static void test_load_base(void **state)
{
	struct kdr_diff_side s;
	const struct kdr_diff_group *g;
	const struct kdr_hist *h;

	(void)state;
	assert_int_equal(kdr_diff_load(&s, base_path, "base", stderr), EX_OK);
	assert_int_equal(s.pid, 500);
	assert_int_equal(s.windows, 2);
	assert_int_equal(s.windows_kept, 1);
	assert_int_equal(s.window_ns, 100000 * US);
	assert_int_equal(s.nthreads, 4);
	assert_int_equal(s.incomplete, 0);
	/* handler1 + handler2 -> handler; revalidator55 -> revalidator. */
	assert_int_equal(s.nroles, 3);
	assert_string_equal(s.roles[0].role, "handler");
	assert_string_equal(s.roles[1].role, "revalidator");
	assert_string_equal(s.roles[2].role, "synth");

	g = role(&s, "handler");
	assert_int_equal(g->nthreads, 2);
	/* Only the 200 reads: the write() cut by the window's start and the
	 * one never returning are left out. */
	assert_int_equal(g->nsys, 1);
	h = kdr_diff_find_sys(g, "read");
	assert_non_null(h);
	assert_int_equal(h->count, 200);
	assert_int_equal(h->total, 20100 * US);
	assert_int_equal(h->min, 1 * US);
	assert_int_equal(h->max, 200 * US);
	/* Nearest rank: 100 us, 180 us, 198 us; the bucket tops. */
	assert_int_equal(kdr_hist_percentile(h, 50), 100351);
	assert_int_equal(kdr_hist_percentile(h, 90), 180223);
	assert_int_equal(kdr_hist_percentile(h, 99), 198655);
	assert_true(kdr_hist_percentile(h, 99) >= 198 * US);
	assert_true(kdr_hist_percentile(h, 99) - 198 * US < 198 * US / 64);
	assert_null(kdr_diff_find_sys(g, "write"));
	assert_int_equal(g->sys_all.count, 200);
	assert_int_equal(g->run.count, 0);

	/* The skipped window's read() is not there. */
	g = role(&s, "revalidator");
	assert_int_equal(g->nthreads, 1);
	assert_int_equal(g->sys_all.count, 1);
	assert_int_equal(kdr_diff_find_sys(g, "futex")->total, 5000 * US);
	assert_null(kdr_diff_find_sys(g, "read"));

	g = role(&s, "synth");
	assert_int_equal(g->run.count, 2);
	assert_int_equal(g->run.total, 5500);
	assert_int_equal(g->run.min, 1500);
	assert_int_equal(g->run.max, 4000);
	assert_int_equal(g->ready.count, 2);
	assert_int_equal(g->ready.total, 2500);
	assert_int_equal(g->ready.max, 2000);
	assert_int_equal(g->sys_all.count, 0);

	/* All threads: the merge of the roles. */
	assert_int_equal(s.all.nthreads, 4);
	assert_int_equal(s.all.sys_all.count, 201);
	assert_int_equal(s.all.sys_all.total, 25100 * US);
	assert_int_equal(s.all.run.total, 5500);
	assert_int_equal(s.all.ready.total, 2500);
	assert_int_equal(s.all.nsys, 2);
	assert_string_equal(s.all.sys[0].name, "futex"); /* by name */
	assert_string_equal(s.all.sys[1].name, "read");
	assert_true(kdr_diff_known_syscall(&s, "poll"));
	assert_true(kdr_diff_known_syscall(&s, "syscall_77"));
	assert_false(kdr_diff_known_syscall(&s, "nosuch"));
	assert_false(kdr_diff_known_syscall(&s, "syscall_"));
	kdr_diff_side_free(&s);
}

static void test_load_new(void **state)
{
	struct kdr_diff_side s;
	const struct kdr_diff_group *g;
	const struct kdr_hist *h;

	(void)state;
	assert_int_equal(kdr_diff_load(&s, new_path, "new", stderr), EX_OK);
	assert_int_equal(s.nroles, 3);
	g = role(&s, "handler"); /* handler12 */
	assert_int_equal(g->nthreads, 1);
	h = kdr_diff_find_sys(g, "read");
	assert_int_equal(h->count, 200);
	assert_int_equal(h->total, 40200 * US);
	assert_int_equal(kdr_hist_percentile(h, 50), 200703); /* 200 us */
	g = role(&s, "synth");
	assert_int_equal(g->run.total, 11000);
	assert_int_equal(g->ready.total, 5000);
	assert_int_equal(kdr_diff_find_sys(role(&s, "revalidator"), "futex")->total, 10000 * US);
	kdr_diff_side_free(&s);
}

static void test_text_table(void **state)
{
	const char *args[] = { base_path, new_path, NULL };
	struct run r;

	(void)state;
	r = run_diff(args);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "kdelay-report diff\n"));
	assert_non_null(strstr(r.out, "\nALL THREADS (threads: base 4, new 3)\n"));
	assert_non_null(strstr(r.out, "\nTHREAD handler (threads: base 2, new 1)\n"));
	assert_non_null(strstr(r.out, "\nTHREAD revalidator (threads: base 1, new 1)\n"));
	/* Exact rows. */
	assert_non_null(strstr(r.out,
		"  ready                    total                 2,500                5,000"
		"               +2,500   +100.0%\n"));
	assert_non_null(strstr(r.out,
		"  syscall.read             count                   200                  200"
		"                    0     +0.0%\n"));
	assert_non_null(strstr(r.out,
		"  syscall.read             total            20,100,000           40,200,000"
		"          +20,100,000   +100.0%\n"));
	assert_non_null(strstr(r.out,
		"  syscall.read             p50                 100,351              200,703"
		"             +100,352   +100.0%\n"));
	/* A role with nothing of a kind shows only the count. */
	assert_non_null(strstr(r.out,
		"THREAD handler (threads: base 2, new 1)\n"
		"  WHAT                     STAT                   BASE                  NEW"
		"                DELTA    DELTA%\n"
		"  run                      count                     0                    0"
		"                    0     +0.0%\n"
		"  ready                    count"));
	assert_null(strstr(r.out, "FAIL-IF"));
	run_free(&r);
}

static void test_json(void **state)
{
	const char *args[] = { "--json", base_path, new_path, "--fail-if", "ready.total>+50%",
			       NULL };
	struct run r;

	(void)state;
	r = run_diff(args);
	assert_int_equal(r.rc, KDR_DIFF_EXIT_CROSSED);
	assert_non_null(strstr(r.out, "\"schema_version\": 1,"));
	assert_non_null(strstr(r.out, "\"windows_compared\": 1,"));
	assert_non_null(strstr(r.out, "\"role\": \"handler\","));
	assert_non_null(strstr(r.out, "\"expr\": \"ready.total>+50%\""));
	assert_non_null(strstr(r.out, "\"crossed\": 1\n}"));
	assert_non_null(strstr(r.out, "\"delta_pct\": 100.000"));
	assert_string_equal(r.err, "kdelay-report: diff: 1 of 1 --fail-if thresholds crossed\n");
	run_free(&r);
}

static void test_bad_captures(void **state)
{
	const char *missing[] = { base_path, "/nonexistent/kdelay.data", NULL };
	const char *notcap[] = { "/etc/hostname", new_path, NULL };
	const char *one[] = { base_path, NULL };
	const char *three[] = { base_path, new_path, base_path, NULL };
	const char *opt[] = { "--frobnicate", base_path, new_path, NULL };
	const char *help[] = { "--help", NULL };
	struct run r;

	(void)state;
	r = run_diff(missing);
	assert_int_equal(r.rc, EX_NOINPUT);
	assert_non_null(strstr(r.err, "kdelay-report: diff: /nonexistent/kdelay.data: "));
	run_free(&r);
	r = run_diff(notcap);
	assert_int_equal(r.rc, EX_DATAERR);
	assert_non_null(strstr(r.err, "kdelay-report: diff: /etc/hostname: "));
	run_free(&r);
	r = run_diff(one);
	assert_int_equal(r.rc, EX_USAGE);
	assert_string_equal(r.err, "kdelay-report: diff: needs two captures: BASE NEW "
				   "(see kdelay-report diff --help)\n");
	run_free(&r);
	r = run_diff(three);
	assert_int_equal(r.rc, EX_USAGE);
	run_free(&r);
	r = run_diff(opt);
	assert_int_equal(r.rc, EX_USAGE);
	assert_non_null(strstr(r.err, "unknown option '--frobnicate'"));
	run_free(&r);
	r = run_diff(help);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Usage: kdelay-report diff BASE NEW"));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_load_base),
		cmocka_unit_test(test_load_new),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_bad_captures),
	};

	return cmocka_run_group_tests(tests, synth_setup, synth_teardown);
}
