/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * thread_sched.bpf.h - the per-thread state the scheduler programs keep
 * for each target thread: the CPU it waits on (who.bpf.h), since when it
 * sleeps (census.bpf.h) and its waker as sched_waking saw it (who.bpf.h),
 * in one value (struct kd_thread_sched) so that a switch or a wakeup of
 * the thread pays one hash lookup, not one per concern.  Included by
 * bpf/kdelay.bpf.c after its record helpers.
 *
 * A hash keyed by tid, not task storage: a task storage operation fails
 * while a task preempted on that CPU is inside one (its per-CPU busy
 * count), and a wait, a sleep or a waker missed that way would be
 * reported wrong.  The entry is made at the thread's first wakeup,
 * waking or switch, and deleted at its last switch (thread_forget).  The
 * fields have one writer each at a time: waits_on and asleep_since are
 * written under the runqueue lock of the thread's CPU (switch, wakeup,
 * migration), the waker fields at sched_waking (one at a time per wakee:
 * it stays TASK_WAKING until activated) and taken at its sched_wakeup.  An entry is missing only when
 * the map is full: that is counted as a lost event (ev_lost), so that the
 * report drops what it would have said around it.  Kept whatever the
 * capture state: the wait or sleep that matters may begin before a
 * window.
 */
#ifndef KDELAY_THREAD_SCHED_BPF_H
#define KDELAY_THREAD_SCHED_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct kd_thread_sched);
} thread_sched SEC(".maps");

/* tid's entry, made if it has none; NULL (counted as lost) when full. */
static __always_inline struct kd_thread_sched *thread_sched_get(__u32 tid)
{
	static const struct kd_thread_sched none;
	struct kd_thread_sched *ts = tid_slot(&thread_sched, tid, &none);

	if (!ts)
		ev_lost();
	return ts;
}

/* tid's entry if it has one. */
static __always_inline struct kd_thread_sched *thread_sched_find(__u32 tid)
{
	return bpf_map_lookup_elem(&thread_sched, &tid);
}

/* The thread switched out for the last time. */
static __always_inline void thread_sched_forget(__u32 tid)
{
	bpf_map_delete_elem(&thread_sched, &tid);
}

#endif /* KDELAY_THREAD_SCHED_BPF_H */
