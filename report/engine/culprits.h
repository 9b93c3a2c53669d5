/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * culprits.h - who took the CPU: each thread's ready time per window,
 * split by the task that ran on the CPU while it waited.
 *
 * A thread is ready from its wakeup, or from its switch-out still
 * runnable (preempted), to its switch-in; like the ready statistics, only
 * the waits with both ends within the bounds count, so the rows of a
 * thread add up to its ready total.  Who ran on a CPU comes from the
 * capture's CPU_RUN events (format 1.2: the task current there when a
 * target thread was queued on it, and every switch there to another task
 * while one waits) and from the switches to target threads.  A wait is
 * charged to the CPU it is queued on as far as the capture says: its
 * wakeup's (format 1.3: where the thread is queued), its switch-out's, or
 * where the recorder saw it move while it waited (format 1.3), each part
 * to that CPU's tasks.  A wait that spans a loss of events is left out.
 *
 * The events are taken in time order through a reorder ring and charged
 * as they come: memory does not grow with the events of a window.
 */
#ifndef KDR_CULPRITS_H
#define KDR_CULPRITS_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

enum kdr_culprit_kind {
	KDR_CULPRIT_PROCESS, /* a task of another process */
	KDR_CULPRIT_KTHREAD, /* a kernel thread (ksoftirqd, kworker, irq threads...) */
	KDR_CULPRIT_TARGET,  /* another thread of the traced process */
	KDR_CULPRIT_IDLE,    /* the CPU was idle: the wait is the wakeup's latency */
	KDR_CULPRIT_UNKNOWN, /* no record of who ran (capture older than 1.2) */
};

struct kdr_culprit_row {
	uint32_t tid; /* the waiting thread */
	enum kdr_culprit_kind kind;
	uint32_t culprit_tid, culprit_pid; /* 0 when unknown */
	uint32_t culprit_name_id;	   /* STRINGS id, 0 = unknown (or a target thread) */
	uint32_t cpu;
	uint64_t total_ns;
};

struct kdr_culprits;

/* recorded: the capture records who runs (format 1.2 on); before it, the
 * switches to target threads alone would name a thread long gone from
 * the CPU, so every wait is charged to "unknown". */
struct kdr_culprits *kdr_culprits_new(uint32_t target_pid, int recorded);
void kdr_culprits_free(struct kdr_culprits *c);

/* The bounds known before the window's events are fed (--time-range,
 * the end of the window before): a wait counts when it starts at or
 * after lo and ends at or before hi.  kdr_culprits_reset() sets them to
 * everything. */
void kdr_culprits_set_bounds(struct kdr_culprits *c, uint64_t lo, uint64_t hi);

/* Feed the events of the current window, in file order.  0, or -1 when
 * out of memory (sticky). */
int kdr_culprits_feed(struct kdr_culprits *c, const struct kdf_event *ev, size_t n);

/* The window [lo, hi] closed (its bounds narrow the ones set for the
 * waits still to end): rows sorted by tid, then total_ns (largest
 * first).  Valid until kdr_culprits_reset().  0, or -1 (out of memory). */
int kdr_culprits_close(struct kdr_culprits *c, uint64_t lo, uint64_t hi);
const struct kdr_culprit_row *kdr_culprits_rows(const struct kdr_culprits *c, size_t *n);
int kdr_culprits_incomplete(const struct kdr_culprits *c);
void kdr_culprits_reset(struct kdr_culprits *c);

/* "process", "kthread", "target", "idle", "unknown" */
const char *kdr_culprit_kind_name(enum kdr_culprit_kind k);

#endif /* KDR_CULPRITS_H */
