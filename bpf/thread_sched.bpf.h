/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * thread_sched.bpf.h - the per-thread state the scheduler programs keep
 * for each target thread: the CPU it waits on (who.bpf.h), since when it
 * sleeps (census.bpf.h) and its waker as sched_waking saw it (who.bpf.h),
 * in one value (struct kd_thread_sched) so that a switch or a wakeup of
 * the thread finds it once.  Included by bpf/kdelay.bpf.c after its
 * record helpers.
 *
 * Where: the slot tid % KD_THREAD_SLOTS of the array thread_slots when
 * its tag is tid, else an entry of the hash thread_sched keyed by tid.
 * An array lookup is a bounds check and a load; a hash lookup is a
 * helper call that hashes the key and walks a bucket (~50 ns here), and
 * a switch between two target threads makes two.  A tid lives in one
 * place for its thread's life:
 *  - a slot that was never owned (tag 0) is claimed by the first event of
 *    any tid that has no hash entry (compare-and-swap: two CPUs seeing one
 *    thread for the first time, its waking and its switch out, agree);
 *    a slot never returns to 0, so a tid that went to the hash because its
 *    slot had another owner never finds it free later;
 *  - at its thread's last switch the fields are zeroed and the tag marked
 *    KD_THREAD_SLOT_FREE; only a new thread (sched_wakeup_new, before it
 *    can have any other event or a hash entry) takes such a slot, so a
 *    thread of the target that lives in the hash never meets its slot
 *    freed under it either.
 * Task storage would need no tag, but a task storage operation fails
 * while a task preempted on that CPU is inside one (its per-CPU busy
 * count), and a wait, a sleep or a waker missed that way would be
 * reported wrong.
 *
 * The fields have one writer each at a time: waits_on and asleep_since
 * are written under the runqueue lock of the thread's CPU (switch,
 * wakeup, migration), the waker fields at sched_waking (one at a time per
 * wakee: it stays TASK_WAKING until activated) and taken at its
 * sched_wakeup.  A thread has no place only when the hash is full: that
 * is counted as a lost event (ev_lost), so that the report drops what it
 * would have said around it.  Kept whatever the capture state: the wait
 * or sleep that matters may begin before a window.
 */
#ifndef KDELAY_THREAD_SCHED_BPF_H
#define KDELAY_THREAD_SCHED_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KD_THREAD_SLOTS);
	__type(key, __u32);
	__type(value, struct kd_thread_sched);
} thread_slots SEC(".maps");

/* The tids whose slot has another owner. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct kd_thread_sched);
} thread_sched SEC(".maps");

static __always_inline struct kd_thread_sched *thread_slot(__u32 tid)
{
	__u32 i = tid & (KD_THREAD_SLOTS - 1);

	return bpf_map_lookup_elem(&thread_slots, &i);
}

/* tid's state in the hash, made if it has none; NULL (counted as lost)
 * when full. */
static __always_inline struct kd_thread_sched *thread_sched_hashed(__u32 tid)
{
	static const struct kd_thread_sched none;
	struct kd_thread_sched *ts = tid_slot(&thread_sched, tid, &none);

	if (!ts)
		ev_lost();
	return ts;
}

/* tid's state, made if it has none; NULL (counted as lost) when full. */
static __always_inline struct kd_thread_sched *thread_sched_get(__u32 tid)
{
	struct kd_thread_sched *s = thread_slot(tid), *ts;
	__u32 tag;

	if (!s)
		return NULL; /* never: the index is in bounds */
	if (s->tid == tid)
		return s;
	ts = bpf_map_lookup_elem(&thread_sched, &tid);
	if (ts)
		return ts;
	tag = s->tid ? s->tid : __sync_val_compare_and_swap(&s->tid, 0, tid);
	if (!tag || tag == tid)
		return s;
	return thread_sched_hashed(tid);
}

/* The state of a new thread (at sched_wakeup_new: it has had no other
 * event), which may take a slot whose owner is gone. */
static __always_inline struct kd_thread_sched *thread_sched_new(__u32 tid)
{
	struct kd_thread_sched *s = thread_slot(tid);
	__u32 tag;

	if (!s)
		return NULL; /* never: the index is in bounds */
	tag = s->tid;
	if (tag == tid)
		return s; /* a thread that had its tid before it (an exec) */
	if (!tag || (tag & KD_THREAD_SLOT_FREE)) {
		if (__sync_val_compare_and_swap(&s->tid, tag, tid) == tag)
			return s;
	}
	return thread_sched_hashed(tid);
}

/* tid's state if it has one. */
static __always_inline struct kd_thread_sched *thread_sched_find(__u32 tid)
{
	struct kd_thread_sched *s = thread_slot(tid);

	if (s && s->tid == tid)
		return s;
	return bpf_map_lookup_elem(&thread_sched, &tid);
}

/* The thread switched out for the last time: its state goes, zeroed in
 * its slot before the slot is marked free for a new thread. */
static __always_inline void thread_sched_forget(__u32 tid)
{
	struct kd_thread_sched *s = thread_slot(tid);

	if (!s || s->tid != tid) {
		bpf_map_delete_elem(&thread_sched, &tid);
		return;
	}
	s->asleep_since = 0;
	s->waker_pid_tgid = 0;
	s->waker_task = 0;
	__builtin_memset(s->waker_comm, 0, sizeof(s->waker_comm));
	s->waits_on = 0;
	s->waker_context = 0;
	s->waker_stashed = 0;
	__sync_lock_test_and_set(&s->tid, tid | KD_THREAD_SLOT_FREE);
}

#endif /* KDELAY_THREAD_SCHED_BPF_H */
