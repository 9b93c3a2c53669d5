/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wakers.h - who woke each thread: its blocked time per window, split by
 * the syscall it blocked in and by the task that woke it.
 *
 * A thread blocks when it is switched out not runnable (a SWITCH event
 * whose prev is the thread, without KDF_SW_PREEMPT) and the block ends at
 * the WAKEUP event that names it.  The waker is what the recorder saw on
 * the waking CPU at that moment (format 1.2: tid, tgid and name; older
 * captures give the tid alone); from format 1.3 a wakeup made by an
 * interrupt names the interrupt (a hard irq, a softirq and its vector, a
 * timer) instead of the task it interrupted, and all such wakeups of a
 * thread in one syscall make one row.  A thread whose first event in the window
 * is its wakeup was blocked since before the window: from the window's
 * start, in a syscall the capture does not show.  A block not ended when
 * the window closes is listed as not woken.  Blocks that span a loss of
 * events are left out (the wakeup may be among the lost events).
 */
#ifndef KDR_WAKERS_H
#define KDR_WAKERS_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

/* What kind of task woke the thread. */
enum kdr_waker_kind {
	KDR_WAKER_TARGET,  /* a thread of the traced process */
	KDR_WAKER_PROCESS, /* a task of another process (or a kernel thread) */
	KDR_WAKER_IDLE,	   /* the idle task: an interrupt or a timer on an idle CPU */
	KDR_WAKER_UNKNOWN, /* a capture older than format 1.2: no tgid, no name */
	KDR_WAKER_NONE,	   /* not woken: still blocked when the window closed */
	KDR_WAKER_HARDIRQ, /* a hard irq handler (format 1.3) */
	KDR_WAKER_SOFTIRQ, /* a softirq, softirq_vec says which (format 1.3) */
	KDR_WAKER_TIMER,   /* a timer expiring (format 1.3) */
};

/* The blocked thread's syscall: a number, or one of these. */
#define KDR_WAKER_NR_NONE UINT32_MAX	   /* blocked outside a syscall */
#define KDR_WAKER_NR_BEFORE (UINT32_MAX - 1) /* blocked since before the window */

struct kdr_waker_row {
	uint32_t tid; /* the blocked thread */
	uint32_t nr;  /* syscall, or KDR_WAKER_NR_* */
	enum kdr_waker_kind kind;
	uint32_t waker_tid, waker_pid; /* 0 when unknown, or an interrupt */
	uint32_t waker_name_id;	       /* STRINGS id, 0 = unknown */
	uint32_t softirq_vec;	       /* KDR_WAKER_SOFTIRQ's vector, else 0 */
	uint64_t count;
	uint64_t total_ns;
};

struct kdr_wakers;

/* target_pid: the traced process (its threads are KDR_WAKER_TARGET). */
struct kdr_wakers *kdr_wakers_new(uint32_t target_pid);
void kdr_wakers_free(struct kdr_wakers *w);

/* Feed the events of the current window, in file order.  0, or -1 when
 * out of memory (sticky: the window's rows are then incomplete). */
int kdr_wakers_feed(struct kdr_wakers *w, const struct kdf_event *ev, size_t n);

/* The bounds known before the window's events are fed (--time-range,
 * the end of the window before): each block is clipped to them as it
 * ends, and left out when outside.  kdr_wakers_reset() sets them to
 * everything. */
void kdr_wakers_set_bounds(struct kdr_wakers *w, uint64_t lo, uint64_t hi);

/*
 * The window [lo, hi] closed: blocks clipped to it and summed.  Rows are
 * sorted by tid, then by total_ns (largest first).  Valid until
 * kdr_wakers_reset().  0, or -1 when out of memory.
 */
int kdr_wakers_close(struct kdr_wakers *w, uint64_t lo, uint64_t hi);
const struct kdr_waker_row *kdr_wakers_rows(const struct kdr_wakers *w, size_t *n);
/* Out of memory at some point of the window. */
int kdr_wakers_incomplete(const struct kdr_wakers *w);

/* Forget the window. */
void kdr_wakers_reset(struct kdr_wakers *w);

/* "target", "process", "idle", "unknown", "none", "irq", "softirq", "timer" */
const char *kdr_waker_kind_name(enum kdr_waker_kind k);

#endif /* KDR_WAKERS_H */
