// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_stats.c - the interval pairing rules of report/engine/stats.c at
 * window edges, with synthetic events and exact counts, totals and max.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "budget.h"
#include "hist.h"
#include "losses.h"
#include "stats.h"

#define T 100 /* the target thread */
#define OTHER 999

/* The listed syscalls of st, read back (up to 8) into out: how many. */
static size_t listed(const struct kdr_stats *st, struct kdr_sysev *out)
{
	static struct kdr_sysev_iter it;
	long n;

	kdr_sysev_iter_begin(&it, kdr_stats_events(st));
	n = kdr_sysev_iter_next(&it, out, 8);
	assert_true(n >= 0 && n < 8);
	return (size_t)n;
}

static struct kdf_event evs[64];
static size_t nev;

static struct kdf_event *ev(uint64_t ts, uint32_t tid, uint8_t type)
{
	struct kdf_event *e = &evs[nev++];

	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->tid = tid;
	e->type = type;
	return e;
}

static void sys(uint64_t ts, uint32_t tid, int enter, uint32_t nr)
{
	struct kdf_event *e = ev(ts, tid, enter ? KDF_EV_SYS_ENTER : KDF_EV_SYS_EXIT);

	e->u.sys.nr = nr;
}

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

static void irq(uint64_t ts, uint32_t tid, int entry, uint32_t nr, uint32_t name_or_ret)
{
	struct kdf_event *e = ev(ts, tid, entry ? KDF_EV_IRQ_ENTRY : KDF_EV_IRQ_EXIT);

	if (entry) {
		e->u.irq_entry.irq = nr;
		e->u.irq_entry.name_id = name_or_ret;
	} else {
		e->u.irq_exit.irq = nr;
		e->u.irq_exit.ret = (int32_t)name_or_ret;
	}
}

static void soft(uint64_t ts, uint32_t tid, int entry, uint32_t vec)
{
	ev(ts, tid, entry ? KDF_EV_SOFTIRQ_ENTRY : KDF_EV_SOFTIRQ_EXIT)->u.softirq.vec = vec;
}

/* The recorder lost events from ts to end_ts (on some CPU). */
static void loss(uint64_t ts, uint64_t end_ts, uint64_t count)
{
	struct kdf_event *e = ev(ts, 0, KDF_EV_LOSS);

	e->cpu = 1;
	e->u.loss.count = count;
	e->u.loss.end_ts = end_ts;
}

static struct kdr_stats *run_cfg(size_t reorder, int64_t list_ns, int budget, uint64_t lo,
				 uint64_t hi)
{
	struct kdr_stats_cfg cfg = { .list_ns = list_ns, .poll_nr = 7, .only_nr = KDR_NO_NR,
				     .reorder_cap = reorder, .histograms = budget, .budget = budget };
	struct kdr_stats *st = kdr_stats_new(&cfg);

	assert_non_null(st);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, lo, hi), 0);
	nev = 0;
	return st;
}

static struct kdr_stats *run_cap(size_t reorder, int64_t list_ns, uint64_t lo, uint64_t hi)
{
	struct kdr_stats_cfg cfg = { .list_ns = list_ns, .poll_nr = 7, .only_nr = KDR_NO_NR,
				     .reorder_cap = reorder };
	struct kdr_stats *st = kdr_stats_new(&cfg);

	assert_non_null(st);
	assert_int_equal(kdr_stats_feed(st, evs, nev), 0);
	assert_int_equal(kdr_stats_close(st, lo, hi), 0);
	nev = 0;
	return st;
}

static struct kdr_stats *run(uint64_t lo, uint64_t hi)
{
	return run_cap(0, -1, lo, hi);
}

static void assert_stat(const struct kdr_stat *s, uint64_t count, uint64_t total, uint64_t max)
{
	assert_non_null(s);
	assert_int_equal(s->count, count);
	assert_int_equal(s->total, total);
	assert_int_equal(s->max, max);
}

static const struct kdr_stat *sysstat(struct kdr_stats *st, uint32_t nr)
{
	return kdr_stats_key(st, T, KDR_K_SYSCALL, nr);
}

static void test_syscall_inside(void **state)
{
	(void)state;
	sys(100, T, 1, 0);
	sys(150, T, 0, 0);
	sys(200, T, 1, 0);
	sys(280, T, 0, 0);
	sys(300, T, 1, 1);
	sys(301, T, 0, 1);
	struct kdr_stats *st = run(0, 1000);

	assert_stat(sysstat(st, 0), 2, 130, 80);
	assert_stat(sysstat(st, 1), 1, 1, 1);
	kdr_stats_free(st);
}

static void test_syscall_started_before_window(void **state)
{
	(void)state;
	sys(50, T, 1, 0);  /* enter before the window */
	sys(150, T, 0, 0); /* exit inside: not counted */
	sys(200, T, 1, 0);
	sys(260, T, 0, 0);
	struct kdr_stats *st = run(100, 1000);

	assert_stat(sysstat(st, 0), 1, 60, 60);
	kdr_stats_free(st);
}

static void test_syscall_ended_after_window(void **state)
{
	(void)state;
	sys(900, T, 1, 23);
	sys(1100, T, 0, 23); /* after the window */
	struct kdr_stats *st = run(100, 1000);
	const struct kdr_pair_thread *t = kdr_stats_thread_pairing(st, T);

	assert_null(sysstat(st, 23));
	/* still in progress when the window closed */
	assert_non_null(t);
	assert_true(t->flags & KDR_TS_IN_SYS);
	assert_int_equal(t->sys_ts, 900);
	assert_int_equal(t->sys_nr, 23);
	kdr_stats_free(st);
}

/* nr -1 (a syscall skipped by ptrace/seccomp) is a key like any other;
 * found by fuzzing: it once hit an unset cache slot */
static void test_syscall_nr_all_ones(void **state)
{
	(void)state;
	sys(100, T, 1, UINT32_MAX);
	sys(130, T, 0, UINT32_MAX);
	sys(200, T, 1, 3);
	sys(210, T, 0, 3);
	sys(300, T, 1, UINT32_MAX);
	sys(302, T, 0, UINT32_MAX);
	struct kdr_stats *st = run(0, 1000);

	assert_stat(sysstat(st, UINT32_MAX), 2, 32, 30);
	assert_stat(sysstat(st, 3), 1, 10, 10);
	kdr_stats_free(st);
}

static void test_syscall_nr_mismatch(void **state)
{
	(void)state;
	sys(100, T, 1, 1);
	sys(200, T, 0, 2); /* the exit of 1 and the enter of 2 were lost */
	struct kdr_stats *st = run(0, 1000);

	assert_null(sysstat(st, 1));
	assert_null(sysstat(st, 2));
	assert_false(kdr_stats_thread_pairing(st, T)->flags & KDR_TS_IN_SYS);
	kdr_stats_free(st);
}

static void test_preempted_while_running(void **state)
{
	(void)state;
	sw(100, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	sw(300, T, OTHER, KDF_SW_PREV_TARGET | KDF_SW_PREEMPT, 0); /* preempted */
	sw(350, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	sw(400, T, OTHER, KDF_SW_PREV_TARGET, 1); /* goes to sleep */
	sw(500, OTHER, T, KDF_SW_NEXT_TARGET, 0); /* no wakeup seen: not ready time */
	struct kdr_stats *st = run(0, 1000);
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_stat(&t->run, 2, 250, 200);
	assert_int_equal(t->run.min, 50);
	assert_stat(&t->ready, 1, 50, 50);
	assert_null(kdr_stats_thread(st, OTHER)); /* not a target thread */
	kdr_stats_free(st);
}

static void test_run_started_before_window(void **state)
{
	(void)state;
	sw(50, OTHER, T, KDF_SW_NEXT_TARGET, 0);	 /* before the window */
	sw(200, T, OTHER, KDF_SW_PREV_TARGET, 1);	 /* end inside: not counted */
	wake(300, T);
	sw(330, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	sw(1200, T, OTHER, KDF_SW_PREV_TARGET, 1); /* after the window */
	struct kdr_stats *st = run(100, 1000);
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_int_equal(t->run.count, 0);
	assert_stat(&t->ready, 1, 30, 30);
	kdr_stats_free(st);
}

static void test_wakeup_before_window(void **state)
{
	(void)state;
	wake(50, T);
	sw(150, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	struct kdr_stats *st = run(100, 1000);

	assert_int_equal(kdr_stats_thread(st, T)->ready.count, 0);
	kdr_stats_free(st);
}

static void test_wakeup_while_running(void **state)
{
	(void)state;
	sw(100, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	wake(150, T); /* woken before it slept: not a wait */
	sw(200, T, OTHER, KDF_SW_PREV_TARGET, 1);
	wake(300, T);
	wake(310, T); /* a second wakeup does not restart the wait */
	sw(320, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	struct kdr_stats *st = run(0, 1000);
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_stat(&t->run, 1, 100, 100);
	assert_stat(&t->ready, 1, 20, 20);
	kdr_stats_free(st);
}

static void test_out_of_order_wakeup(void **state)
{
	(void)state;
	/* CPU 1 wrote the switch-in before CPU 0's older wakeup */
	sw(200, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	wake(150, T);
	sw(260, T, OTHER, KDF_SW_PREV_TARGET, 1);
	struct kdr_stats *st = run(0, 1000);
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_stat(&t->ready, 1, 50, 50);
	assert_stat(&t->run, 1, 60, 60);
	kdr_stats_free(st);
}

static void test_out_of_order_beyond_reorder(void **state)
{
	(void)state;
	/* with no reorder room, the late wakeup must not poison the next wait */
	sw(200, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	wake(150, T);
	sw(260, T, OTHER, KDF_SW_PREV_TARGET, 1);
	wake(400, T);
	sw(450, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	sys(500, T, 1, 0);
	sys(490, T, 0, 0); /* an end before its start */
	struct kdr_stats *st = run_cap(1, -1, 0, 1000);
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_stat(&t->ready, 1, 50, 50);
	assert_stat(&t->run, 1, 60, 60);
	assert_null(sysstat(st, 0));
	assert_true(kdr_stats_diag(st)->late >= 1);
	assert_int_equal(kdr_stats_diag(st)->reversed, 1);
	kdr_stats_free(st);
}

static void test_hardirq_none(void **state)
{
	(void)state;
	irq(100, T, 1, 11, 5);
	irq(120, T, 0, 11, 0); /* IRQ_NONE: not counted */
	irq(200, T, 1, 11, 5);
	irq(230, T, 0, 11, 1); /* IRQ_HANDLED */
	irq(300, T, 1, 12, 6);
	irq(302, T, 0, 12, 2); /* IRQ_WAKE_THREAD */
	struct kdr_stats *st = run(0, 1000);

	assert_stat(kdr_stats_key(st, T, KDR_K_HARDIRQ, 5), 1, 30, 30);
	assert_stat(kdr_stats_key(st, T, KDR_K_HARDIRQ, 6), 1, 2, 2);
	kdr_stats_free(st);
}

static void test_softirq_vectors(void **state)
{
	(void)state;
	soft(100, T, 1, 9);
	soft(110, T, 0, 9);
	soft(200, T, 1, 10); /* beyond rcu: the reference crashed on it */
	soft(240, T, 0, 10);
	soft(300, T, 1, 31);
	soft(301, T, 0, 31);
	soft(400, T, 1, 3);
	soft(405, T, 0, 4); /* vector mismatch: not counted */
	struct kdr_stats *st = run(0, 1000);

	assert_stat(kdr_stats_key(st, T, KDR_K_SOFTIRQ, 9), 1, 10, 10);
	assert_stat(kdr_stats_key(st, T, KDR_K_SOFTIRQ, 10), 1, 40, 40);
	assert_stat(kdr_stats_key(st, T, KDR_K_SOFTIRQ, 31), 1, 1, 1);
	assert_null(kdr_stats_key(st, T, KDR_K_SOFTIRQ, 3));
	assert_null(kdr_stats_key(st, T, KDR_K_SOFTIRQ, 4));
	kdr_stats_free(st);
}

static void test_keys_do_not_mix(void **state)
{
	(void)state;
	sys(100, T, 1, 5);
	sys(110, T, 0, 5);
	irq(200, T, 1, 1, 5);
	irq(220, T, 0, 1, 1);
	soft(300, T, 1, 5);
	soft(330, T, 0, 5);
	struct kdr_stats *st = run(0, 1000);
	size_t n;

	kdr_stats_keyed(st, &n);
	assert_int_equal(n, 3);
	assert_stat(sysstat(st, 5), 1, 10, 10);
	assert_stat(kdr_stats_key(st, T, KDR_K_HARDIRQ, 5), 1, 20, 20);
	assert_stat(kdr_stats_key(st, T, KDR_K_SOFTIRQ, 5), 1, 30, 30);
	kdr_stats_free(st);
}

static void test_thread_exit_ends_syscall(void **state)
{
	(void)state;
	sw(50, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	sys(100, T, 1, 231); /* exit_group never returns */
	ev(110, T, KDF_EV_THREAD_EXIT);
	sw(120, T, OTHER, KDF_SW_PREV_TARGET, 0x80 /* TASK_DEAD */);
	struct kdr_stats *st = run(0, 1000);
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_false(kdr_stats_thread_pairing(st, T)->flags & KDR_TS_IN_SYS);
	assert_stat(&t->run, 1, 70, 70); /* the last run still counts */
	kdr_stats_free(st);
}

static void test_events_listed_with_stacks(void **state)
{
	(void)state;
	sys(100, T, 1, 0);
	sys(150, T, 0, 0); /* 50 ns: under the threshold */
	sys(200, T, 1, 7);
	sys(500, T, 0, 7);
	struct kdf_event *s = ev(500, T, KDF_EV_STACK);
	s->u.stack.nr = 7;
	s->u.stack.entry_ts = 200;
	s->u.stack.kstack_id = 3;
	s->u.stack.ustack_id = 4;
	s->flags = KDF_STACK_USER_LOST;
	sys(600, T, 1, 1);
	sys(700, T, 0, 1);
	struct kdr_stats *st = run_cap(0, 60, 0, 1000);
	struct kdr_sysev v[8];
	size_t n;

	n = listed(st, v);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].entry_ts, 200);
	assert_int_equal(v[0].exit_ts, 500);
	assert_int_equal(v[0].nr, 7);
	assert_true(v[0].has_stack);
	assert_int_equal(v[0].kstack, 3);
	assert_int_equal(v[0].ustack, 4);
	assert_int_equal(v[0].stack_flags, KDF_STACK_USER_LOST);
	assert_int_equal(v[1].nr, 1);
	assert_false(v[1].has_stack);
	kdr_stats_free(st);
}

static void test_skip_poll_listing(void **state)
{
	struct kdr_stats_cfg cfg = { .list_ns = 0, .poll_nr = 7, .skip_poll = 1,
				     .only_nr = KDR_NO_NR };
	struct kdr_stats *st = kdr_stats_new(&cfg);
	size_t n;

	(void)state;
	sys(100, T, 1, 7);
	sys(200, T, 0, 7);
	sys(300, T, 1, 0);
	sys(301, T, 0, 0);
	kdr_stats_feed(st, evs, nev);
	kdr_stats_close(st, 0, 1000);
	nev = 0;
	n = listed(st, (struct kdr_sysev[8]){ 0 });
	assert_int_equal(n, 1);
	assert_stat(sysstat(st, 7), 1, 100, 100); /* still counted */
	kdr_stats_free(st);
}

static void test_many_threads_and_reset(void **state)
{
	struct kdr_stats_cfg cfg = { .list_ns = -1, .poll_nr = 7, .only_nr = KDR_NO_NR };
	struct kdr_stats *st = kdr_stats_new(&cfg);
	struct kdf_event e[2];
	size_t n;

	(void)state;
	memset(e, 0, sizeof(e));
	for (uint32_t tid = 1; tid <= 20000; tid++) {
		e[0].type = KDF_EV_SYS_ENTER;
		e[1].type = KDF_EV_SYS_EXIT;
		e[0].tid = e[1].tid = tid;
		e[0].u.sys.nr = e[1].u.sys.nr = tid % 300;
		e[0].ts = tid * 10;
		e[1].ts = tid * 10 + tid % 7;
		assert_int_equal(kdr_stats_feed(st, e, 2), 0);
	}
	kdr_stats_close(st, 0, UINT64_MAX);
	kdr_stats_threads(st, &n);
	assert_int_equal(n, 20000);
	for (uint32_t tid = 1; tid <= 20000; tid += 997)
		assert_stat(kdr_stats_key(st, tid, KDR_K_SYSCALL, tid % 300), 1, tid % 7, tid % 7);
	kdr_stats_reset(st);
	kdr_stats_threads(st, &n);
	assert_int_equal(n, 0);
	kdr_stats_keyed(st, &n);
	assert_int_equal(n, 0);
	assert_null(kdr_stats_thread(st, 1));
	kdr_stats_free(st);
}

/* Reverse-ordered input must not make each insertion walk the buffer. */
static void test_reverse_order_is_bounded(void **state)
{
	struct kdr_stats_cfg cfg = { .list_ns = -1, .poll_nr = 7, .only_nr = KDR_NO_NR,
				     .reorder_cap = 1 << 16 };
	struct kdr_stats *st = kdr_stats_new(&cfg);
	struct kdf_event e;
	size_t n;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.type = KDF_EV_WAKEUP;
	for (uint64_t i = 0; i < 2000000; i++) {
		e.ts = 10000000 - i;
		e.tid = (uint32_t)(i % 64);
		assert_int_equal(kdr_stats_feed(st, &e, 1), 0);
	}
	kdr_stats_close(st, 0, UINT64_MAX);
	kdr_stats_threads(st, &n);
	assert_int_equal(n, 64);
	assert_true(kdr_stats_diag(st)->late > 1000000);
	kdr_stats_free(st);
}

static void test_window_bounds_inclusive(void **state)
{
	(void)state;
	sys(100, T, 1, 0); /* exactly at the start */
	sys(1000, T, 0, 0); /* exactly at the end */
	struct kdr_stats *st = run(100, 1000);

	assert_stat(sysstat(st, 0), 1, 900, 900);
	kdr_stats_free(st);
}

/* The unknown[] counts of thread T, all five. */
static void assert_unknown(const struct kdr_stats *st, uint64_t sys, uint64_t run, uint64_t ready,
			   uint64_t hard, uint64_t soft)
{
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_non_null(t);
	assert_int_equal(t->unknown[KDR_U_SYSCALL], sys);
	assert_int_equal(t->unknown[KDR_U_RUN], run);
	assert_int_equal(t->unknown[KDR_U_READY], ready);
	assert_int_equal(t->unknown[KDR_U_HARDIRQ], hard);
	assert_int_equal(t->unknown[KDR_U_SOFTIRQ], soft);
	assert_int_equal(kdr_stats_unknown_total(t), sys + run + ready + hard + soft);
}

/* An enter, a loss, an exit: the exit may be another call's (the enter's
 * own exit and the next enter lost): unknown, not a 200 ns syscall. */
static void test_loss_breaks_syscall(void **state)
{
	(void)state;
	sys(100, T, 1, 39);
	loss(150, 250, 2);
	sys(300, T, 0, 39);
	sys(400, T, 1, 39); /* after the loss: measured */
	sys(460, T, 0, 39);
	struct kdr_stats *st = run_cfg(0, 0, 1, 0, 1000);
	size_t n;

	assert_stat(sysstat(st, 39), 1, 60, 60);
	assert_int_equal(kdr_stats_keyed_hist(st, 0)->count, 1);
	assert_unknown(st, 1, 0, 0, 0, 0);
	n = listed(st, (struct kdr_sysev[8]){ 0 });
	assert_int_equal(n, 1); /* only the measured one is listed */
	assert_int_equal(kdr_stats_losses(st)->records, 1);
	assert_int_equal(kdr_stats_losses(st)->count, 2);
	kdr_stats_free(st);
}

/* Run and ready intervals across a loss; the wait after it is measured. */
static void test_loss_breaks_run_and_ready(void **state)
{
	(void)state;
	sw(100, OTHER, T, KDF_SW_NEXT_TARGET, 0); /* runs from 100 ... */
	loss(150, 250, 5);
	sw(300, T, OTHER, KDF_SW_PREV_TARGET, 1); /* ... to 300? unknown */
	wake(400, T);
	loss(450, 500, 1);
	sw(600, OTHER, T, KDF_SW_NEXT_TARGET, 0); /* ready 400-600: unknown */
	sw(700, T, OTHER, KDF_SW_PREV_TARGET, 1); /* run 600-700: measured */
	wake(800, T);
	sw(830, OTHER, T, KDF_SW_NEXT_TARGET, 0); /* ready 800-830: measured */
	struct kdr_stats *st = run_cfg(0, -1, 1, 0, 1000);
	const struct kdr_thread_state *t = kdr_stats_thread(st, T);

	assert_stat(&t->run, 1, 100, 100);
	assert_stat(&t->ready, 1, 30, 30);
	assert_int_equal(kdr_stats_run_hist(st, 0)->count, 1);
	assert_int_equal(kdr_stats_ready_hist(st, 0)->count, 1);
	assert_unknown(st, 0, 1, 1, 0, 0);
	kdr_stats_free(st);
}

/* Hard and soft irqs across a loss. */
static void test_loss_breaks_irqs(void **state)
{
	(void)state;
	irq(100, T, 1, 9, 1);
	soft(110, T, 1, 3);
	loss(150, 160, 1);
	soft(170, T, 0, 3);
	irq(180, T, 0, 9, 1);
	irq(300, T, 1, 9, 1);
	irq(320, T, 0, 9, 1); /* measured */
	struct kdr_stats *st = run(0, 1000);

	assert_stat(kdr_stats_key(st, T, KDR_K_HARDIRQ, 1), 1, 20, 20);
	assert_null(kdr_stats_key(st, T, KDR_K_SOFTIRQ, 3));
	assert_unknown(st, 0, 0, 0, 1, 1);
	kdr_stats_free(st);
}

/*
 * The recorder writes a loss record at the next record it can write, so
 * it reaches the file after events that follow its ts: sorted by its ts
 * (the first loss), it still comes before them.  An interval that began
 * inside the loss range is unknown; one that begins when it ends is not.
 */
static void test_loss_record_late_and_range(void **state)
{
	(void)state;
	sys(100, T, 1, 1);
	sys(300, T, 0, 1);  /* in the file before the loss record ... */
	loss(150, 250, 3);  /* ... that sorts before it */
	sys(200, T, 1, 2);  /* began inside the loss range (another CPU) */
	sys(400, T, 0, 2);
	sys(250, OTHER, 1, 5); /* not a thread seen before: no state */
	sys(500, T, 1, 3);
	sys(520, T, 0, 3);
	struct kdr_stats *st = run(0, 1000);

	assert_null(sysstat(st, 1));
	assert_null(sysstat(st, 2));
	assert_stat(sysstat(st, 3), 1, 20, 20);
	assert_unknown(st, 2, 0, 0, 0, 0);
	kdr_stats_free(st);

	sys(100, T, 1, 4);
	loss(110, 200, 1);
	sys(200, T, 1, 4); /* begins exactly when the ring took records again */
	sys(230, T, 0, 4);
	st = run(0, 1000);
	assert_stat(sysstat(st, 4), 1, 30, 30);
	assert_unknown(st, 1, 0, 0, 0, 0); /* the first enter, open at the loss */
	kdr_stats_free(st);
}

/* A loss that began before the window and ends inside it still breaks
 * what began before its end; one that ended before the window is out. */
static void test_loss_overlapping_window_start(void **state)
{
	(void)state;
	loss(50, 90, 1);    /* ended before the window: ignored */
	sys(150, T, 1, 6);
	loss(80, 200, 1);   /* from before the window into it */
	sys(260, T, 0, 6);  /* began before the loss ended: unknown */
	sys(300, T, 1, 6);
	sys(320, T, 0, 6);  /* measured */
	struct kdr_stats *st = run(100, 1000);

	assert_stat(sysstat(st, 6), 1, 20, 20);
	assert_unknown(st, 1, 0, 0, 0, 0);
	assert_int_equal(kdr_stats_losses(st)->records, 1);
	assert_int_equal(kdr_stats_diag(st)->clipped, 1);
	kdr_stats_free(st);
}

/* The budget leaves the time around a loss to unknown: a thread running
 * from 100, a loss at 200-300, switched out asleep at 400. */
static void test_loss_in_budget(void **state)
{
	(void)state;
	sw(100, OTHER, T, KDF_SW_NEXT_TARGET, 0);
	loss(200, 300, 4);
	sw(400, T, OTHER, KDF_SW_PREV_TARGET, 1);
	struct kdr_stats *st = run_cfg(0, -1, 1, 0, 1000);
	const struct kdr_budget *b = kdr_stats_budget(st, 0);

	assert_non_null(b);
	assert_int_equal(b->ns[KDR_B_RUNNING], 0);
	assert_int_equal(b->ns[KDR_B_OTHER], 600);  /* asleep from 400 */
	assert_int_equal(b->ns[KDR_B_UNKNOWN], 400); /* before 100, and 100-400 */
	assert_unknown(st, 0, 1, 0, 0, 0);
	kdr_stats_free(st);
}

/* A loss counts each open interval once: a second loss finds T reset,
 * and finds T+1, touched only in between, open. */
static void test_second_loss(void **state)
{
	(void)state;
	sys(100, T, 1, 1);
	loss(150, 160, 1);
	sys(165, T + 1, 1, 1);
	loss(170, 180, 1);
	sys(200, T, 0, 1);
	sys(210, T + 1, 0, 1);
	struct kdr_stats *st = run(0, 1000);

	assert_unknown(st, 1, 0, 0, 0, 0);
	assert_int_equal(kdr_stats_thread(st, T + 1)->unknown[KDR_U_SYSCALL], 1);
	assert_null(sysstat(st, 1));
	assert_int_equal(kdr_stats_losses(st)->records, 2);
	kdr_stats_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_inside),
		cmocka_unit_test(test_syscall_started_before_window),
		cmocka_unit_test(test_syscall_ended_after_window),
		cmocka_unit_test(test_syscall_nr_all_ones),
		cmocka_unit_test(test_syscall_nr_mismatch),
		cmocka_unit_test(test_preempted_while_running),
		cmocka_unit_test(test_run_started_before_window),
		cmocka_unit_test(test_wakeup_before_window),
		cmocka_unit_test(test_wakeup_while_running),
		cmocka_unit_test(test_out_of_order_wakeup),
		cmocka_unit_test(test_out_of_order_beyond_reorder),
		cmocka_unit_test(test_hardirq_none),
		cmocka_unit_test(test_softirq_vectors),
		cmocka_unit_test(test_keys_do_not_mix),
		cmocka_unit_test(test_thread_exit_ends_syscall),
		cmocka_unit_test(test_events_listed_with_stacks),
		cmocka_unit_test(test_skip_poll_listing),
		cmocka_unit_test(test_many_threads_and_reset),
		cmocka_unit_test(test_reverse_order_is_bounded),
		cmocka_unit_test(test_window_bounds_inclusive),
		cmocka_unit_test(test_loss_breaks_syscall),
		cmocka_unit_test(test_loss_breaks_run_and_ready),
		cmocka_unit_test(test_loss_breaks_irqs),
		cmocka_unit_test(test_loss_record_late_and_range),
		cmocka_unit_test(test_loss_overlapping_window_start),
		cmocka_unit_test(test_loss_in_budget),
		cmocka_unit_test(test_second_loss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
