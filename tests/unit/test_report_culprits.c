// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_culprits.c - who took the CPU, from events with known
 * answers: a WAKEUP whose flag says its waker is the task current where
 * the woken thread is queued (format 1.4) charges the wait exactly as the
 * CPU_RUN naming that task did before it, and names what runs there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "culprits.h"

#define TARGET 100
#define OTHER 200

static struct kdf_event ev_at(uint64_t ts, uint8_t type, uint32_t tid, uint16_t cpu, uint8_t flags)
{
	struct kdf_event e;

	memset(&e, 0, sizeof(e));
	e.ts = ts;
	e.type = type;
	e.tid = tid;
	e.cpu = cpu;
	e.flags = flags;
	return e;
}

static struct kdf_event cpu_run(uint64_t ts, uint32_t tid, uint32_t pid, uint32_t name, uint16_t cpu)
{
	struct kdf_event e = ev_at(ts, KDF_EV_CPU_RUN, tid, cpu, 0);

	e.u.cpu_run.pid = pid;
	e.u.cpu_run.name_id = name;
	return e;
}

static struct kdf_event wakeup(uint64_t ts, uint32_t tid, uint16_t cpu, uint8_t flags,
			       uint32_t waker, uint32_t waker_pid, uint32_t name)
{
	struct kdf_event e = ev_at(ts, KDF_EV_WAKEUP, tid, cpu, flags);

	e.u.wakeup.waker_tid = waker;
	e.u.wakeup.waker_pid = waker_pid;
	e.u.wakeup.waker_name_id = name;
	return e;
}

/* prev (of the target) sleeps, next (of the target) runs, on cpu */
static struct kdf_event sw(uint64_t ts, uint32_t prev, uint32_t next, uint16_t cpu, uint8_t flags)
{
	struct kdf_event e = ev_at(ts, KDF_EV_SWITCH, prev, cpu, flags);

	e.u.sw.next_tid = next;
	e.u.sw.prev_state = flags & KDF_SW_PREEMPT ? 0 : 1;
	return e;
}

static const struct kdr_culprit_row *rows_of(struct kdr_culprits *c, const struct kdf_event *ev,
					     size_t n, size_t *nrows)
{
	assert_int_equal(kdr_culprits_feed(c, ev, n), 0);
	assert_int_equal(kdr_culprits_close(c, 0, UINT64_MAX), 0);
	return kdr_culprits_rows(c, nrows);
}

/*
 * Thread 101 wakes 102 onto its own CPU 0 at 1000 and runs until 1500;
 * then 102 waits on CPU 0 behind process task 7 (named 9) from 2000,
 * woken by 7 itself, to 2600.  Once with the CPU_RUNs a 1.3 recorder
 * writes, once with the 1.4 flag instead: the same rows.
 */
static void test_waker_current_as_cpu_run(void **state)
{
	const uint8_t cur = KDF_WAKE_WAKER_CURRENT;
	const struct kdf_event old[] = {
		cpu_run(999, 101, TARGET, 5, 0),
		wakeup(1000, 102, 0, 0, 101, TARGET, 5),
		sw(1500, 101, 102, 0, KDF_SW_PREV_TARGET | KDF_SW_NEXT_TARGET),
		sw(1800, 102, 0, 0, KDF_SW_PREV_TARGET),
		cpu_run(1999, 7, OTHER, 9, 0),
		wakeup(2000, 102, 0, 0, 7, OTHER, 9),
		sw(2600, 7, 102, 0, KDF_SW_NEXT_TARGET),
	};
	const struct kdf_event neu[] = {
		wakeup(1000, 102, 0, cur, 101, TARGET, 5),
		sw(1500, 101, 102, 0, KDF_SW_PREV_TARGET | KDF_SW_NEXT_TARGET),
		sw(1800, 102, 0, 0, KDF_SW_PREV_TARGET),
		wakeup(2000, 102, 0, cur, 7, OTHER, 9),
		sw(2600, 7, 102, 0, KDF_SW_NEXT_TARGET),
	};
	struct kdr_culprits *a = kdr_culprits_new(TARGET, 1), *b = kdr_culprits_new(TARGET, 1);
	const struct kdr_culprit_row *ra, *rb;
	size_t na, nb;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	ra = rows_of(a, old, sizeof(old) / sizeof(old[0]), &na);
	rb = rows_of(b, neu, sizeof(neu) / sizeof(neu[0]), &nb);
	assert_int_equal(na, 2);
	assert_int_equal(nb, 2);
	/* tid 102's rows, the largest first */
	assert_int_equal(rb[0].tid, 102);
	assert_int_equal(rb[0].kind, KDR_CULPRIT_PROCESS);
	assert_int_equal(rb[0].culprit_tid, 7);
	assert_int_equal(rb[0].culprit_pid, OTHER);
	assert_int_equal(rb[0].culprit_name_id, 9);
	assert_int_equal(rb[0].total_ns, 600);
	assert_int_equal(rb[1].kind, KDR_CULPRIT_TARGET);
	assert_int_equal(rb[1].culprit_tid, 101);
	assert_int_equal(rb[1].culprit_name_id, 5);
	assert_int_equal(rb[1].total_ns, 500);
	for (size_t i = 0; i < na; i++) {
		/* the old stream's CPU_RUN came 1 ns before its wakeup: same charge */
		assert_int_equal(ra[i].tid, rb[i].tid);
		assert_int_equal(ra[i].kind, rb[i].kind);
		assert_int_equal(ra[i].culprit_tid, rb[i].culprit_tid);
		assert_int_equal(ra[i].culprit_pid, rb[i].culprit_pid);
		assert_int_equal(ra[i].culprit_name_id, rb[i].culprit_name_id);
		assert_int_equal(ra[i].cpu, rb[i].cpu);
		assert_int_equal(ra[i].total_ns, rb[i].total_ns);
	}
	kdr_culprits_free(a);
	kdr_culprits_free(b);
}

/*
 * Without the flag a wakeup says nothing of its CPU: 102, woken onto CPU 1
 * where task 7 was named before, is charged to 7 though its waker 101 runs
 * elsewhere; the flag moves the charge to the waker from the wakeup on.
 */
static void test_flag_names_the_cpu(void **state)
{
	const struct kdf_event ev[] = {
		cpu_run(500, 7, OTHER, 9, 1),
		wakeup(1000, 102, 1, 0, 101, TARGET, 5),
		sw(1400, 7, 102, 1, KDF_SW_NEXT_TARGET),
		sw(1500, 102, 0, 1, KDF_SW_PREV_TARGET),
		wakeup(2000, 102, 1, KDF_WAKE_WAKER_CURRENT, 101, TARGET, 5),
		sw(2300, 101, 102, 1, KDF_SW_PREV_TARGET | KDF_SW_NEXT_TARGET),
	};
	struct kdr_culprits *c = kdr_culprits_new(TARGET, 1);
	const struct kdr_culprit_row *r;
	size_t n;

	(void)state;
	assert_non_null(c);
	r = rows_of(c, ev, sizeof(ev) / sizeof(ev[0]), &n);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].culprit_tid, 7);
	assert_int_equal(r[0].total_ns, 400);
	assert_int_equal(r[1].kind, KDR_CULPRIT_TARGET);
	assert_int_equal(r[1].culprit_tid, 101);
	assert_int_equal(r[1].cpu, 1);
	assert_int_equal(r[1].total_ns, 300);
	kdr_culprits_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waker_current_as_cpu_run),
		cmocka_unit_test(test_flag_names_the_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
