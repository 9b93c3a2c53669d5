// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_export_timeline.c - the slice stream every export is built
 * on (report/export/export_timeline.c): pairing of raw events into running,
 * ready, syscall and irq slices, the edges of the capture, the reorder of
 * out-of-order events, filters and the time range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sysexits.h>

#include "export_internal.h"
#include "report.h"
#include "test_report_export_synth.h"

struct got {
	char lines[64][160];
	size_t n;
	size_t triggers;
	uint64_t trigger_ts;
};

static const char *const kind_names[] = { "running", "ready", "syscall", "hardirq", "softirq" };

static int on_slice(void *ctx, const struct kdr_xslice *s)
{
	struct got *g = ctx;

	assert_true(g->n < 64);
	assert_true(s->end >= s->start);
	snprintf(g->lines[g->n++], 160, "%u %s %llu..%llu nr=%u ret=%d f=%x k=%u u=%u",
		 s->thread->tid, kind_names[s->kind], (unsigned long long)(s->start - T0),
		 (unsigned long long)(s->end - T0), s->nr, s->ret, s->flags, s->kstack_id,
		 s->ustack_id);
	return 0;
}

static int on_trigger(void *ctx, const struct kdf_event *ev)
{
	struct got *g = ctx;

	g->triggers++;
	g->trigger_ts = ev->ts - T0;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Run the second pass over the synthetic capture; lines sorted. */
static void run(struct got *g, int shuffle, const struct kdr_export_opts *o_in)
{
	struct kdr_export_opts o = o_in ? *o_in : (struct kdr_export_opts){ 0 };
	struct kdr_xsink sink = { .ctx = g, .slice = on_slice, .trigger = on_trigger };
	struct kdr_export x;
	char *path = synth_tmp(".kdelay");

	assert_non_null(path);
	assert_int_equal(synth_write(path, shuffle), 0);
	o.out = stdout;
	memset(g, 0, sizeof(*g));
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_OK);
	assert_int_equal(x.origin, T0);
	assert_int_equal(x.first_ts, T0 + 100);
	assert_int_equal(x.end_ts, T0 + 10000);
	assert_int_equal(x.nthreads, 3);
	assert_int_equal(kdr_export_scan(&x, &sink), EX_OK);
	kdr_export_close(&x);
	unlink(path);
	free(path);
	qsort(g->lines, g->n, sizeof(g->lines[0]), cmp_line);
}

static void expect(const struct got *g, const char *const *want, size_t n)
{
	size_t i;
	int same = g->n == n;

	for (i = 0; same && i < n; i++)
		same = strcmp(g->lines[i], want[i]) == 0;
	for (i = 0; !same && i < g->n; i++)
		print_message("# got: %s\n", g->lines[i]);
	assert_int_equal(g->n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(g->lines[i], want[i]);
}

/* f= flags: 1 open start, 2 unfinished, 4 clipped, 8 preempted, 0x10 stack,
 * 0x20 start cut by the range, 0x40 end cut */
static const char *const all_slices[] = {
	"101 hardirq 400..450 nr=11 ret=1 f=0 k=0 u=0",
	"101 ready 100..200 nr=0 ret=0 f=0 k=0 u=0",
	"101 ready 1500..1600 nr=0 ret=0 f=0 k=0 u=0",
	"101 ready 2100..2400 nr=0 ret=0 f=8 k=0 u=0",
	"101 running 1600..2100 nr=0 ret=0 f=0 k=0 u=0",
	"101 running 200..500 nr=0 ret=0 f=0 k=0 u=0",
	"101 running 2400..10000 nr=0 ret=0 f=2 k=0 u=0",
	"101 softirq 1700..1750 nr=1 ret=0 f=0 k=0 u=0",
	"101 syscall 1900..2000 nr=1 ret=5 f=0 k=0 u=0",
	"101 syscall 300..1800 nr=0 ret=42 f=10 k=1 u=2",
	"101 syscall 3000..3100 nr=0 ret=1 f=10 k=1 u=2",
	"102 ready 100..2100 nr=0 ret=0 f=1 k=0 u=0",
	"102 running 2100..2400 nr=0 ret=0 f=0 k=0 u=0",
	"102 syscall 0..2200 nr=7 ret=0 f=34 k=1 u=0",
	"102 syscall 2300..10000 nr=1 ret=0 f=2 k=0 u=0",
};

static void test_pairing(void **state)
{
	struct got g;

	(void)state;
	run(&g, 0, NULL);
	expect(&g, all_slices, sizeof(all_slices) / sizeof(all_slices[0]));
	assert_int_equal(g.triggers, 1);
	assert_int_equal(g.trigger_ts, 2500);
}

/* Events of two CPUs delivered out of time order give the same slices. */
static void test_out_of_order(void **state)
{
	struct got g;

	(void)state;
	run(&g, SYNTH_SHUFFLE, NULL);
	expect(&g, all_slices, sizeof(all_slices) / sizeof(all_slices[0]));
}

static const char *const range_slices[] = {
	"101 ready 1500..1600 nr=0 ret=0 f=0 k=0 u=0",
	"101 running 1600..2050 nr=0 ret=0 f=44 k=0 u=0",
	"101 softirq 1700..1750 nr=1 ret=0 f=0 k=0 u=0",
	"101 syscall 1000..1800 nr=0 ret=42 f=34 k=1 u=2",
	"101 syscall 1900..2000 nr=1 ret=5 f=0 k=0 u=0",
	"102 ready 1000..2050 nr=0 ret=0 f=65 k=0 u=0",
	"102 syscall 1000..2050 nr=7 ret=0 f=74 k=1 u=0",
};

static void test_time_range(void **state)
{
	struct kdr_export_opts o = { .time_from_ns = 1000, .time_to_ns = 2050 };
	struct got g;

	(void)state;
	run(&g, 0, &o);
	expect(&g, range_slices, sizeof(range_slices) / sizeof(range_slices[0]));
	assert_int_equal(g.triggers, 0);
}

/* The same range given as kdelay-report --time-range gives it: seconds
 * from the capture's start (meta mono_ns = T0 - 1000). */
static void test_time_range_from_report(void **state)
{
	static const uint32_t tids[] = { 101, 102 };
	struct kdr_options ro;
	struct kdr_export_opts o;
	struct got g;

	(void)state;
	kdr_options_init(&ro);
	ro.has_time_range = 1;
	ro.time_start_s = 2000e-9;
	ro.time_end_s = 3050e-9;
	ro.tids = tids;
	ro.ntids = 2;
	kdr_export_opts_from_report(&o, &ro, stdout, stderr);
	assert_int_equal(o.time_base, KDR_EXPORT_TIME_CAPTURE);
	assert_int_equal(o.time_from_ns, 2000);
	assert_int_equal(o.time_to_ns, 3050);
	assert_int_equal(o.tid_count, 2);
	run(&g, 0, &o);
	expect(&g, range_slices, sizeof(range_slices) / sizeof(range_slices[0]));
	/* An end at 0 s is not "to the end"; a huge one is. */
	ro.time_start_s = 0;
	ro.time_end_s = 0;
	kdr_export_opts_from_report(&o, &ro, stdout, stderr);
	assert_int_equal(o.time_to_ns, 1);
	ro.time_end_s = 1e30;
	kdr_export_opts_from_report(&o, &ro, stdout, stderr);
	assert_int_equal(o.time_to_ns, UINT64_MAX);
}

static void test_tid_filter(void **state)
{
	static const uint32_t tids[] = { 102 };
	struct kdr_export_opts o = { .tids = tids, .tid_count = 1 };
	struct got g;

	(void)state;
	run(&g, 0, &o);
	expect(&g, all_slices + 11, 4);
}

static void test_regex_filter(void **state)
{
	struct kdr_export_opts o = { .thread_regex = "^ma" };
	struct got g;

	(void)state;
	run(&g, 0, &o);
	expect(&g, all_slices, 11);
}

static void test_syscall_filter(void **state)
{
	struct kdr_export_opts o = { .syscall = "read" };
	struct got g;
	size_t i, sys = 0;

	(void)state;
	run(&g, 0, &o);
	/* The two reads of main; every other kind kept. */
	for (i = 0; i < g.n; i++)
		if (strstr(g.lines[i], " syscall ")) {
			sys++;
			assert_non_null(strstr(g.lines[i], "101 syscall"));
			assert_non_null(strstr(g.lines[i], "nr=0 "));
		}
	assert_int_equal(sys, 2);
	assert_int_equal(g.n, sizeof(all_slices) / sizeof(all_slices[0]) - 3);
	o.syscall = "7"; /* poll, by number */
	run(&g, 0, &o);
	assert_int_equal(g.n, sizeof(all_slices) / sizeof(all_slices[0]) - 4);
}

/* --window 0 is the whole synthetic capture; --window 1 does not exist. */
static void test_window(void **state)
{
	struct kdr_options ro;
	struct kdr_export_opts o;
	struct got g;

	(void)state;
	kdr_options_init(&ro);
	ro.window = 0;
	kdr_export_opts_from_report(&o, &ro, stdout, stderr);
	assert_true(o.has_window);
	run(&g, 0, &o);
	expect(&g, all_slices, sizeof(all_slices) / sizeof(all_slices[0]));
}

/* Nothing is recorded between two windows: what is open at the end of
 * window 0 runs to that end, and window 1 starts afresh.  Thread 101 is
 * preempted at 900 with a read() open since 800; in the gap it runs and
 * sleeps unseen; in window 1 it is woken at 5100, switched in at 5200,
 * returns from a read() at 5300 (entered in the gap, or not: its start
 * was not seen) and sleeps at 5500. */
static void test_window_gap(void **state)
{
	static const char *const want[] = {
		"101 ready 100..100 nr=0 ret=0 f=1 k=0 u=0",
		"101 ready 5100..5200 nr=0 ret=0 f=0 k=0 u=0",
		"101 ready 900..1000 nr=0 ret=0 f=a k=0 u=0",
		"101 running 100..900 nr=0 ret=0 f=0 k=0 u=0",
		"101 running 5200..5500 nr=0 ret=0 f=0 k=0 u=0",
		"101 syscall 5000..5300 nr=0 ret=7 f=1 k=0 u=0",
		"101 syscall 800..1000 nr=0 ret=0 f=2 k=0 u=0",
	};
	struct kdf_window w0 = { .index = 0, .start_ts = T0, .end_ts = T0 + 1000 };
	struct kdf_window w1 = { .index = 1, .start_ts = T0 + 5000, .end_ts = T0 + 6000 };
	struct kdf_thread th = { .ts = T0, .tid = 101, .name = "main", .name_len = 4 };
	struct kdr_xsink sink = { .slice = on_slice };
	struct kdf_test_sink *ts;
	struct kdf_writer *w = kdf_test_writer_open(&synth_meta, &ts);
	struct kdr_export_opts o = { .out = stdout };
	struct kdr_export x;
	char *path = synth_tmp(".kdelay");
	struct kdf_event e;
	struct got g;
	uint8_t *buf;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(w);
	assert_non_null(path);
	kdf_writer_thread(w, &th);
	e = sw(100, 999, 101, KDF_SW_NEXT_TARGET, 0);
	kdf_writer_event(w, &e);
	e = sys(800, 101, 1, 0, 0);
	kdf_writer_event(w, &e);
	e = sw(900, 101, 999, KDF_SW_PREV_TARGET | KDF_SW_PREEMPT, 0);
	kdf_writer_event(w, &e);
	kdf_writer_window(w, &w0);
	e = synth_ev(5100, 101, 0, KDF_EV_WAKEUP, 0);
	kdf_writer_event(w, &e);
	e = sw(5200, 999, 101, KDF_SW_NEXT_TARGET, 0);
	kdf_writer_event(w, &e);
	e = sys(5300, 101, 0, 0, 7);
	kdf_writer_event(w, &e);
	e = sw(5500, 101, 999, KDF_SW_PREV_TARGET, 1);
	kdf_writer_event(w, &e);
	kdf_writer_window(w, &w1);
	buf = kdf_test_writer_finish(w, ts, NULL, &len);
	assert_non_null(buf);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(buf);

	memset(&g, 0, sizeof(g));
	sink.ctx = &g;
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_OK);
	assert_int_equal(kdr_export_scan(&x, &sink), EX_OK);
	kdr_export_close(&x);
	unlink(path);
	free(path);
	qsort(g.lines, g.n, sizeof(g.lines[0]), cmp_line);
	expect(&g, want, sizeof(want) / sizeof(want[0]));
}

static void test_bad_options(void **state)
{
	struct kdr_export_opts o = { .thread_regex = "(" };
	struct kdr_export x;
	char *path = synth_tmp(".kdelay");
	FILE *err = tmpfile();

	(void)state;
	assert_non_null(path);
	assert_int_equal(synth_write(path, 0), 0);
	o.out = stdout;
	o.err = err;
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_USAGE);
	kdr_export_close(&x);
	o.thread_regex = NULL;
	o.syscall = "no_such_call";
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_USAGE);
	kdr_export_close(&x);
	o.syscall = NULL;
	o.has_window = 1;
	o.window = 1;
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_USAGE);
	kdr_export_close(&x);
	o.has_window = 0;
	o.time_from_ns = 10;
	o.time_to_ns = 5;
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_USAGE);
	kdr_export_close(&x);
	o.time_to_ns = 0;
	o.out = NULL;
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_USAGE);
	kdr_export_close(&x);
	o.out = stdout;
	assert_int_equal(kdr_export_open(&x, "/nonexistent/capture", &o, "test"), EX_NOINPUT);
	kdr_export_close(&x);
	fclose(err);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairing),	    cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_time_range),  cmocka_unit_test(test_time_range_from_report),
		cmocka_unit_test(test_tid_filter),	     cmocka_unit_test(test_syscall_filter),
		cmocka_unit_test(test_window),	     cmocka_unit_test(test_window_gap),
		cmocka_unit_test(test_regex_filter), cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
