// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_budget.c - --budget (report/engine/budget.c via report/engine/stats.c):
 * each thread's window split into running, ready, blocked per syscall,
 * hard/soft irq, other and unknown, adding up to the window's length
 * exactly, with spans clipped to the window edges.  Exact numbers on
 * synthetic events, and through kdr_report_mem() on a capture built in
 * memory (text and JSON, --budget and --histogram).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "budget.h"
#include "helpers/kdf_test_capture.h"
#include "report.h"
#include "stats.h"

#define T 100
#define T2 101
#define OTHER 999
#define PREV KDF_SW_PREV_TARGET
#define NEXT KDF_SW_NEXT_TARGET
#define PREEMPT KDF_SW_PREEMPT
#define FUTEX 202
#define READ 0
#define MAXEV 20000

static struct kdf_event evs[MAXEV];
static size_t nev;

static struct kdf_event *ev(uint64_t ts, uint32_t tid, uint8_t type)
{
	struct kdf_event *e = &evs[nev++];

	assert_true(nev <= MAXEV);
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->tid = tid;
	e->type = type;
	return e;
}

static void sys(uint64_t ts, uint32_t tid, int enter, uint32_t nr)
{
	ev(ts, tid, enter ? KDF_EV_SYS_ENTER : KDF_EV_SYS_EXIT)->u.sys.nr = nr;
}

/* switch: prev (a target when PREV is in flags) -> next */
static void sw(uint64_t ts, uint32_t prev, uint32_t next, uint8_t flags, uint32_t prev_state)
{
	struct kdf_event *e = ev(ts, prev, KDF_EV_SWITCH);

	e->flags = flags;
	e->u.sw.next_tid = next;
	e->u.sw.prev_state = prev_state;
}

static void wake(uint64_t ts, uint32_t tid)
{
	ev(ts, tid, KDF_EV_WAKEUP)->u.wakeup.waker_tid = OTHER;
}

static struct kdr_stats *run(uint64_t bound_lo, uint64_t lo, uint64_t hi, size_t reorder)
{
	struct kdr_stats_cfg cfg = { .list_ns = -1, .poll_nr = 7, .only_nr = KDR_NO_NR,
				     .budget = 1, .reorder_cap = reorder };
	struct kdr_stats *st = kdr_stats_new(&cfg);

	assert_non_null(st);
	kdr_stats_set_bounds(st, bound_lo, UINT64_MAX);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, lo, hi), 0);
	nev = 0;
	return st;
}

static const struct kdr_budget *budget(const struct kdr_stats *st, uint32_t tid)
{
	size_t n;
	const struct kdr_thread_state *t = kdr_stats_threads(st, &n);

	for (size_t i = 0; i < n; i++)
		if (t[i].tid == tid)
			return kdr_stats_budget(st, i);
	fail_msg("no thread %u", tid);
	return NULL;
}

/* The invariants of every budget: the classes add up to the window, the
 * per-syscall split adds up to blocked. */
static void assert_sums(const struct kdr_budget *b, uint64_t len)
{
	uint64_t sum = 0, sys = 0;

	assert_non_null(b);
	for (int k = 0; k < KDR_B_N; k++)
		sum += b->ns[k];
	for (uint32_t i = 0; i < b->nsys; i++)
		sys += b->sys[i].ns;
	assert_int_equal(sum, len);
	assert_int_equal(sys, b->ns[KDR_B_BLOCKED]);
}

static void assert_budget(const struct kdr_budget *b, uint64_t running, uint64_t ready,
			  uint64_t blocked, uint64_t hard, uint64_t soft, uint64_t other,
			  uint64_t unknown)
{
	assert_int_equal(b->ns[KDR_B_RUNNING], running);
	assert_int_equal(b->ns[KDR_B_READY], ready);
	assert_int_equal(b->ns[KDR_B_BLOCKED], blocked);
	assert_int_equal(b->ns[KDR_B_HARDIRQ], hard);
	assert_int_equal(b->ns[KDR_B_SOFTIRQ], soft);
	assert_int_equal(b->ns[KDR_B_OTHER], other);
	assert_int_equal(b->ns[KDR_B_UNKNOWN], unknown);
}

/* Asleep in futex the whole window: 100% blocked, all of it in futex. */
static void test_sleeper_all_blocked(void **state)
{
	const uint64_t lo = 1000, hi = 501000;
	struct kdr_stats *st;
	const struct kdr_budget *b;

	(void)state;
	sys(lo, T, 1, FUTEX);
	sw(lo, T, OTHER, PREV, 1); /* asleep */
	wake(hi, T);
	sw(hi, OTHER, T, NEXT, 0);
	sys(hi, T, 0, FUTEX);
	st = run(0, lo, hi, 0);
	b = budget(st, T);
	assert_sums(b, hi - lo);
	assert_budget(b, 0, 0, hi - lo, 0, 0, 0, 0);
	assert_int_equal(b->nsys, 1);
	assert_int_equal(b->sys[0].nr, FUTEX);
	assert_int_equal(b->sys[0].ns, hi - lo);
	kdr_stats_free(st);
}

/* A spinner preempted again and again, from before the window to after
 * it: running + ready = 100%, each exact, clipped at both edges. */
static void test_preempted_spinner(void **state)
{
	const uint64_t lo = 10000, hi = 110000;
	uint64_t ts = 0, running = 0, ready = 0;
	struct kdr_stats *st;
	const struct kdr_budget *b;

	(void)state;
	/* bounds from 0: the events before lo set the state, the budget
	 * counts from lo (clipped) */
	while (ts < hi + 5000) {
		uint64_t on = 700, off = 300;

		sw(ts, OTHER, T, NEXT, 0);
		running += ts + on <= lo || ts >= hi ? 0 :
			   (ts + on < hi ? ts + on : hi) - (ts > lo ? ts : lo);
		sw(ts + on, T, OTHER, PREV | PREEMPT, 0);
		ready += ts + on + off <= lo || ts + on >= hi ? 0 :
			 (ts + on + off < hi ? ts + on + off : hi) - (ts + on > lo ? ts + on : lo);
		ts += on + off;
	}
	/* keep only the window's events, as a window of the file holds */
	{
		size_t k = 0;

		for (size_t i = 0; i < nev; i++)
			if (evs[i].ts >= lo && evs[i].ts <= hi)
				evs[k++] = evs[i];
		nev = k;
	}
	st = run(lo, lo, hi, 0);
	b = budget(st, T);
	assert_sums(b, hi - lo);
	/* lo itself is a switch-in (10 x 1000): nothing before it unknown */
	assert_int_equal(running + ready, hi - lo);
	assert_budget(b, running, ready, 0, 0, 0, 0, 0);
	kdr_stats_free(st);
}

/* Irqs inside a run: hard irq inside a softirq counts as hard irq; the
 * thread's first event is one it makes on a CPU, so it was running
 * since lo; after its switch-out asleep outside a syscall: other. */
static void test_irqs_first_event_other(void **state)
{
	const uint64_t lo = 0, hi = 10000;
	struct kdf_event *e;
	struct kdr_stats *st;
	const struct kdr_budget *b;

	(void)state;
	sys(1000, T, 1, READ);			 /* running since lo: 1000 */
	sys(1500, T, 0, READ);			 /* 500 in read, on CPU: running */
	ev(2000, T, KDF_EV_SOFTIRQ_ENTRY)->u.softirq.vec = 3;
	e = ev(2100, T, KDF_EV_IRQ_ENTRY);	 /* softirq 100 so far */
	e->u.irq_entry.irq = 5;
	e = ev(2150, T, KDF_EV_IRQ_EXIT);	 /* hard irq 50 */
	e->u.irq_exit.irq = 5;
	e->u.irq_exit.ret = 1;
	ev(2400, T, KDF_EV_SOFTIRQ_EXIT)->u.softirq.vec = 3; /* softirq 250 more */
	sw(3000, T, OTHER, PREV, 1);		 /* asleep outside a syscall */
	wake(9000, T);				 /* other 6000 */
	/* ready from 9000 to hi: 1000, clipped */
	st = run(0, lo, hi, 0);
	b = budget(st, T);
	assert_sums(b, hi - lo);
	assert_budget(b, 1000 + 500 + 500 + 600, 1000, 0, 50, 350, 6000, 0);
	kdr_stats_free(st);
}

/* A thread first seen switched in: what it did before is unknown; a
 * second thread blocked in two syscalls gets both in its split, sorted
 * by time. */
static void test_unknown_and_split(void **state)
{
	const uint64_t lo = 100, hi = 10100;
	struct kdr_stats *st;
	const struct kdr_budget *b;

	(void)state;
	sw(400, OTHER, T, NEXT, 0);		/* unknown 300 */
	sys(500, T, 1, READ);			/* running 100 */
	sw(600, T, OTHER, PREV, 1);		/* running 100 in read */
	wake(2600, T);				/* blocked in read 2000 */
	sw(2700, OTHER, T, NEXT, 0);		/* ready 100 */
	sys(2800, T, 0, READ);			/* running 100 */
	sys(2900, T, 1, FUTEX);			/* running 100 */
	sw(2900, T, OTHER, PREV, 1);
	/* blocked in futex until hi: 7200 */
	st = run(0, lo, hi, 0);
	b = budget(st, T);
	assert_sums(b, hi - lo);
	assert_budget(b, 400, 100, 9200, 0, 0, 0, 300);
	assert_int_equal(b->nsys, 2);
	assert_int_equal(b->sys[0].nr, FUTEX);
	assert_int_equal(b->sys[0].ns, 7200);
	assert_int_equal(b->sys[1].nr, READ);
	assert_int_equal(b->sys[1].ns, 2000);
	kdr_stats_free(st);
}

/* Blocked in futex since before the window: first seen woken, switched
 * in, returning from a futex whose entry is not in the window: the time
 * from lo to the wakeup was blocked in futex, not unknown.  Without the
 * wakeup (first a switch-in) it could have been ready: unknown. */
static void test_blocked_since_before(void **state)
{
	const uint64_t lo = 1000, hi = 11000;
	struct kdr_stats *st;
	const struct kdr_budget *b;

	(void)state;
	wake(6000, T);			/* blocked in futex: 5000 */
	sw(6500, OTHER, T, NEXT, 0);	/* ready 500 */
	sys(6600, T, 0, FUTEX);		/* running 100 */
	sys(7000, T, 1, READ);		/* running 400 */
	sw(7000, T, OTHER, PREV, 1);	/* blocked in read to hi: 4000 */
	sw(3000, OTHER, T2, NEXT, 0);	/* T2: unknown 2000 */
	sys(3100, T2, 0, FUTEX);	/* running 100, then to hi: 8000 */
	st = run(0, lo, hi, 0);
	b = budget(st, T);
	assert_sums(b, hi - lo);
	assert_budget(b, 500, 500, 9000, 0, 0, 0, 0);
	assert_int_equal(b->nsys, 2);
	assert_int_equal(b->sys[0].nr, FUTEX);
	assert_int_equal(b->sys[0].ns, 5000);
	assert_int_equal(b->sys[1].nr, READ);
	assert_int_equal(b->sys[1].ns, 4000);
	b = budget(st, T2);
	assert_sums(b, hi - lo);
	assert_budget(b, 8000, 0, 0, 0, 0, 0, 2000);
	kdr_stats_free(st);

	/* created in the window: before its wakeup_new it did not exist
	 * (other), and its first return, from clone, is not a block */
	ev(5000, T, KDF_EV_WAKEUP)->flags = KDF_WAKE_NEW;
	sw(5100, OTHER, T, NEXT, 0);	/* ready 100 */
	sys(5200, T, 0, 56);		/* running to hi: 5900 */
	st = run(0, lo, hi, 0);
	b = budget(st, T);
	assert_sums(b, hi - lo);
	assert_budget(b, 5900, 100, 0, 0, 0, 4000, 0);
	kdr_stats_free(st);
}

/* Random events of two threads, windows of any length, even events
 * before lo processed early by a tiny reorder buffer: the budget still
 * adds up to the window exactly, for every thread. */
static void test_random_sums_exact(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int round = 0; round < 50; round++) {
		uint64_t ts = 0, lo, hi;
		struct kdr_stats *st;
		size_t n;

		nev = 0;
		for (int i = 0; i < 2000; i++) {
			uint32_t tid = (rng & 1) ? T : T2;

			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			ts += rng % 1000;
			switch ((rng >> 8) % 6) {
			case 0: sys(ts, tid, 1, (uint32_t)(rng >> 20) % 3); break;
			case 1: sys(ts, tid, 0, (uint32_t)(rng >> 20) % 3); break;
			case 2: sw(ts, tid, OTHER, PREV | ((rng >> 30) & 1 ? PREEMPT : 0), (rng >> 31) & 1); break;
			case 3: sw(ts, OTHER, tid, NEXT, 0); break;
			case 4: wake(ts, tid); break;
			default: ev(ts, tid, (rng >> 40) & 1 ? KDF_EV_SOFTIRQ_ENTRY : KDF_EV_SOFTIRQ_EXIT); break;
			}
		}
		lo = ts / 4 + round;
		hi = round % 7 ? ts - ts / 4 : lo; /* an empty window too */
		st = run(0, lo, hi, (size_t)(round % 3) * 16);
		for (size_t i = 0; i < (kdr_stats_threads(st, &n), n); i++)
			assert_sums(kdr_stats_budget(st, i), hi - lo);
		kdr_stats_free(st);
	}
}

/* Two windows: the second starts from nothing; without --budget: none. */
static void test_reset_and_off(void **state)
{
	struct kdr_stats_cfg cfg = { .list_ns = -1, .only_nr = KDR_NO_NR };
	struct kdr_stats *st;

	(void)state;
	sys(10, T, 1, READ);
	sys(20, T, 0, READ);
	st = run(0, 0, 100, 0);
	assert_budget(budget(st, T), 100, 0, 0, 0, 0, 0, 0);
	kdr_stats_reset(st);
	kdr_stats_set_bounds(st, 100, UINT64_MAX);
	sw(150, OTHER, T, NEXT, 0);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, 100, 300), 0);
	nev = 0;
	assert_budget(budget(st, T), 150, 0, 0, 0, 0, 0, 50);
	kdr_stats_free(st);

	st = kdr_stats_new(&cfg);
	assert_non_null(st);
	sys(10, T, 1, READ);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, 0, 100), 0);
	nev = 0;
	assert_null(kdr_stats_budget(st, 0));
	kdr_stats_free(st);
}

/* Through the whole report: a capture whose "sleeper" enters futex at
 * the window's start and never comes back (no interval counted, so no
 * statistics block) and whose "main" reads once. */
static char *report_mem(int json, int hist, int budget_on)
{
	static const char *names[] = { "read", "write", "futex" };
	const uint64_t mono0 = 1000000000000ull, s = mono0 + 1000, len = 1000000;
	struct kdf_meta m = *kdf_test_meta();
	struct kdf_test_sink *sink;
	struct kdf_writer *w;
	struct kdf_thread t1 = { .ts = mono0, .tid = T, .name = "main", .name_len = 4 };
	struct kdf_thread t2 = { .ts = mono0, .tid = T2, .name = "sleeper", .name_len = 7 };
	struct kdf_window wi = { .index = 0, .start_ts = s, .end_ts = s + len };
	struct kdr_options o;
	uint8_t *cap;
	size_t cap_len, out_len, err_len;
	char *out = NULL, *err = NULL;
	FILE *fo, *fe;

	m.pid = T;
	m.mono_ns = mono0;
	m.realtime_ns = 1700000000000000000ull;
	m.syscall_names = names;
	m.syscall_count = 3;
	m.options.syscall_events_ns = -1;
	m.options.start_trigger = NULL;
	w = kdf_test_writer_open(&m, &sink);
	assert_non_null(w);
	nev = 0;
	sys(s, T2, 1, 2);
	sw(s, T2, OTHER, PREV, 1);
	sys(s + 100, T, 1, 0);
	sys(s + 1100, T, 0, 0);
	for (size_t i = 0; i < nev; i++)
		assert_int_equal(kdf_writer_event(w, &evs[i]), 0);
	nev = 0;
	assert_int_equal(kdf_writer_thread(w, &t1), 0);
	assert_int_equal(kdf_writer_thread(w, &t2), 0);
	assert_int_equal(kdf_writer_window(w, &wi), 0);
	cap = kdf_test_writer_finish(w, sink, NULL, &cap_len);
	assert_non_null(cap);

	kdr_options_init(&o);
	o.format = json ? KDR_FMT_JSON : KDR_FMT_TEXT;
	o.histograms = hist;
	o.budget = budget_on;
	fo = open_memstream(&out, &out_len);
	fe = open_memstream(&err, &err_len);
	assert_non_null(fo);
	assert_non_null(fe);
	assert_int_equal(kdr_report_mem(cap, cap_len, &o, fo, fe), 0);
	fclose(fo);
	fclose(fe);
	assert_int_equal(err_len, 0);
	free(err);
	free(cap);
	return out;
}

/* JSON without its pretty-printing whitespace (no name here has any). */
static char *squeeze(char *s)
{
	char *d = s;

	for (const char *p = s; *p; p++)
		if (*p != ' ' && *p != '\n' && *p != '\t')
			*d++ = *p;
	*d = 0;
	return s;
}

/* A silent thread (no event in the window): what /proc showed at its start
 * held all window, the whole of it in one class. */
static void test_silent(void **state)
{
	static const struct {
		uint32_t state, nr;
		enum kdr_budget_class k;
	} cases[] = {
		{ 'S', FUTEX, KDR_B_BLOCKED },
		{ 'D', READ, KDR_B_BLOCKED },
		{ 'S', KDF_CENSUS_NO_SYSCALL, KDR_B_OTHER },
		{ 'T', KDF_CENSUS_NO_SYSCALL, KDR_B_OTHER },
		{ 'Z', KDF_CENSUS_NO_SYSCALL, KDR_B_OTHER },
		/* runnable: on a CPU all along or waiting all along */
		{ 'R', KDF_CENSUS_NO_SYSCALL, KDR_B_UNKNOWN },
		{ '?', FUTEX, KDR_B_UNKNOWN },
	};
	struct kdr_budget b = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(kdr_budget_silent(&b, cases[i].state, cases[i].nr, 1000, 5000), 0);
		for (int k = 0; k < KDR_B_N; k++)
			assert_int_equal(b.ns[k], k == (int)cases[i].k ? 4000 : 0);
		if (cases[i].k == KDR_B_BLOCKED) {
			assert_int_equal(b.nsys, 1);
			assert_int_equal(b.sys[0].nr, cases[i].nr);
			assert_int_equal(b.sys[0].ns, 4000);
		} else {
			assert_int_equal(b.nsys, 0);
		}
	}
	kdr_budget_free(&b);
}

static void test_report_text_and_json(void **state)
{
	char *out;

	(void)state;
	/* default: the reference's report, the sleeper only in progress */
	out = report_mem(0, 0, 0);
	assert_null(strstr(out, "TIME BUDGET"));
	assert_null(strstr(out, "DISTRIBUTIONS"));
	assert_null(strstr(out, "   sleeper          [SYSCALL"));
	free(out);

	out = report_mem(0, 1, 1);
	/* main's read: one interval, its distribution counts one */
	assert_non_null(strstr(out, "[DISTRIBUTIONS]"));
	assert_non_null(strstr(out, "syscall read                              1"
				    "           1,000           1,000"));
	assert_non_null(strstr(out, "                                  512 -> 1023       : 1"));
	/* the budget lists the sleeper, 100% blocked in futex; main ran
	 * (its first event is a syscall: on a CPU since the start) */
	assert_non_null(strstr(out, "# TIME BUDGET: window 1,000,000 ns"));
	assert_non_null(strstr(out, "       101 sleeper                    0.0%           0.0%         100.0%"));
	assert_non_null(strstr(out, "  futex 100.0%\n"));
	assert_non_null(strstr(out, "       100 main                     100.0%"));
	/* and not in the statistics blocks: it counted nothing */
	assert_null(strstr(out, "       101 sleeper          [SYSCALL"));
	free(out);

	out = squeeze(report_mem(1, 1, 1));
	assert_non_null(strstr(out, "\"budget\":{\"window_ns\":1000000,\"running_ns\":0,"
				    "\"ready_ns\":0,\"blocked_ns\":1000000,"));
	assert_non_null(strstr(out, "\"blocked_in\":[{\"syscall\":\"futex\",\"nr\":2,"
				    "\"blocked_ns\":1000000}]"));
	assert_non_null(strstr(out, "\"distribution\":{\"count\":1,\"p50_ns\":1000,"));
	free(out);

	out = report_mem(1, 0, 0);
	assert_null(strstr(out, "\"budget\""));
	assert_null(strstr(out, "\"distribution\""));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleeper_all_blocked),
		cmocka_unit_test(test_preempted_spinner),
		cmocka_unit_test(test_irqs_first_event_other),
		cmocka_unit_test(test_unknown_and_split),
		cmocka_unit_test(test_blocked_since_before),
		cmocka_unit_test(test_random_sums_exact),
		cmocka_unit_test(test_reset_and_off),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_report_text_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
