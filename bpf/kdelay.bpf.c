// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kdelay.bpf.c - stream the raw delay events of one process.
 *
 * Nothing is aggregated here: every event of a target thread goes to the
 * ring buffer as one small record (bpf/kdelay_events.h) and the recorder
 * writes it to the capture file; kdelay-report computes the statistics.
 *
 * Cost rules:
 *  - the syscall hooks run for every process on the node, so they compare
 *    the tgid before anything else and return;
 *  - records are submitted with BPF_RB_NO_WAKEUP: the recorder drains the
 *    ring on a timer, a wakeup per event would triple the cost; only a
 *    ring filling past a mark, and a trigger, wake it (ring_flags).
 *
 * Here: the maps and state shared with the recorder, the syscall, switch
 * and thread programs.  By concern, included below: the record path
 * (record.bpf.h), the syscall staging (staging.bpf.h), the per-thread
 * scheduler state (thread_sched.bpf.h, census.bpf.h), culprits and wakers
 * (who.bpf.h), the irq programs (interrupts.bpf.h) and the triggers
 * (triggers.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/usdt.bpf.h>
#include "kdelay_events.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the recorder before load. */
const volatile __u32 targ_tgid = 0;
const volatile bool want_stacks = false;  /* --syscall-events and stack size > 0 */
const volatile __u64 stack_min_ns = 0;	  /* stacks of syscalls longer than this */
const volatile __u32 skip_stack_nr = ~0u; /* poll's nr with --skip-syscall-poll-events */

/*
 * Shared with the recorder through the mmap()ed .bss.  capture_state is
 * the gate (KD_CAPTURE_*); the trigger timestamps are written by the
 * trigger programs so the recorder knows the window bounds even when the
 * trigger's own record was dropped.  Counters are exact (atomic adds);
 * dropped is the total of the losses the KD_EV_LOSS records place.
 */
__u32 capture_state = KD_CAPTURE_IDLE;
__u64 start_trigger_ts = 0;
__u64 stop_trigger_ts = 0;
__u64 dropped = 0;
__u64 trigger_missed = 0;
__u64 stacks_lost = 0;
/*
 * Flight recorder (kdelay-record --flight-recorder): every event flows
 * whatever capture_state says, since the recorder keeps the last seconds
 * in memory and a window is chosen after the fact; the triggers still
 * mark windows, and a stop trigger re-arms at once (ON -> IDLE) so that
 * back-to-back windows need no round trip through the recorder.
 */
__u32 flight_mode = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 4096); /* resized from --buffer-page-count */
} events SEC(".maps");

/*
 * The per-thread state of the target's threads lives in hashes keyed by
 * tid, one entry per thread, created at its first use, written in place
 * afterwards and deleted at its last switch (thread_forget): an update or
 * a delete takes the bucket's lock and swaps an element, several times
 * the cost of a lookup, on paths every switch and wakeup of the target
 * takes.  The entry of tid in map, created from init if it has none; NULL
 * when the map is full (the caller counts that as a lost event).
 */
static __always_inline void *tid_slot(void *map, __u32 tid, const void *init)
{
	void *v = bpf_map_lookup_elem(map, &tid);

	if (v)
		return v;
	bpf_map_update_elem(map, &tid, init, BPF_NOEXIST); /* or another CPU did */
	return bpf_map_lookup_elem(map, &tid);
}

/*
 * Entry time of each target thread's current syscall, for stack filtering,
 * kept only with stacks on.  A hash keyed by tid, not task storage: a task
 * storage operation fails while a task preempted on that CPU is inside
 * one (its per-CPU busy count).  Only the syscall hooks use it, in task
 * context, and a hash update keeps preemption off while it holds its
 * bucket, so none finds it busy; an entry is missing only when the map
 * is full, and that is counted as a lost event (ev_lost).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384); /* 1 without stacks: set by the recorder */
	__type(key, __u32);
	__type(value, __u64);
} sys_entry SEC(".maps");

/* Scratch space for a stack record: too big for the 512-byte BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kd_ev_stack);
} stack_scratch SEC(".maps");

/* Kernels before 5.14 call the field "state". */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

/* t is a tracepoint's argument (trusted): a plain load, no probe */
static __always_inline __u32 task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return ((struct task_struct___pre514 *)t)->state;
}

static __always_inline bool capturing(void)
{
	return capture_state == KD_CAPTURE_ON || flight_mode;
}

#include "record.bpf.h"
#include "staging.bpf.h"

/* ------------------------------------------------------------ syscalls */

/* Remember when the current syscall of this thread began: the stack
 * record of its exit carries it, equal to the SYS_ENTER record's ts, so
 * the report pairs them exactly. */
static __always_inline void entry_store(__u32 tid, __u64 ts)
{
	__u64 *entry = tid_slot(&sys_entry, tid, &ts);

	if (entry)
		*entry = ts;
	else
		ev_lost();
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct kd_ev_sys *e;

	if ((__u32)(pid_tgid >> 32) != targ_tgid)
		return 0;
	if (!capturing()) {
		/* Kept even between windows: a syscall may start before one. */
		if (want_stacks)
			entry_store((__u32)pid_tgid, bpf_ktime_get_ns());
		return 0;
	}
	if (stage_sys) {
		__u64 ts = stage_sys_record(KD_EV_SYS_ENTER, (__u32)pid_tgid, id, 0);

		if (want_stacks)
			entry_store((__u32)pid_tgid, ts ? ts : bpf_ktime_get_ns());
		return 0;
	}
	e = ev_reserve(sizeof(*e), KD_EV_SYS_ENTER, (__u32)pid_tgid);
	/* One test of e, before the helper call: testing it again after the
	 * call is refused by 6.1's verifier ("Unreleased reference"), which
	 * forgets that e is not NULL. */
	if (!e) {
		if (want_stacks)
			entry_store((__u32)pid_tgid, bpf_ktime_get_ns());
		return 0;
	}
	if (want_stacks)
		entry_store((__u32)pid_tgid, e->hdr.ts);
	e->nr = id;
	e->ret = 0;
	ev_submit(e);
	return 0;
}

static __always_inline __u32 syscall_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	return regs->syscallno;
#else
	return PT_REGS_PARM1_SYSCALL(regs);
#endif
}

/* Emit the kernel and user stacks of the syscall exiting at time now
 * (the SYS_EXIT record's ts). */
static __always_inline void stack_emit(void *ctx, __u32 tid, __u32 nr, __u64 now)
{
	__u32 zero = 0, n, size;
	long kret, uret;
	struct kd_ev_stack *s;
	__u64 *entry;

	entry = bpf_map_lookup_elem(&sys_entry, &tid);
	if (!entry || !*entry)
		return; /* entered before we attached */
	if (nr == skip_stack_nr)
		return;
	if (stack_min_ns && now - *entry <= stack_min_ns)
		return;
	s = bpf_map_lookup_elem(&stack_scratch, &zero);
	if (!s)
		return;
	s->hdr.ts = now;
	s->hdr.tid = tid;
	s->hdr.type = KD_EV_STACK;
	s->hdr.flags = 0;
	s->hdr.cpu = bpf_get_smp_processor_id();
	s->nr = nr;
	s->entry_ts = *entry;
	s->kernel_depth = 0;
	s->user_depth = 0;
	/* --stack-trace-size bounds distinct stacks per window: the recorder
	 * applies it, here every stack is taken (nothing collides). */
	kret = bpf_get_stack(ctx, s->ips, KD_MAX_STACK_DEPTH * 8, 0);
	if (kret < 0) {
		s->hdr.flags |= KD_STACK_KERNEL_LOST;
		kret = 0;
	}
	n = (__u32)kret / 8;
	if (n > KD_MAX_STACK_DEPTH)
		n = KD_MAX_STACK_DEPTH;
	s->kernel_depth = n;
	uret = bpf_get_stack(ctx, &s->ips[n], KD_MAX_STACK_DEPTH * 8, BPF_F_USER_STACK);
	if (uret < 0) {
		s->hdr.flags |= KD_STACK_USER_LOST;
		uret = 0;
	}
	s->user_depth = (__u32)uret / 8;
	if (s->user_depth > KD_MAX_STACK_DEPTH)
		s->user_depth = KD_MAX_STACK_DEPTH;
	if (s->hdr.flags)
		__sync_fetch_and_add(&stacks_lost, 1);

	n += s->user_depth;
	size = KD_EV_STACK_SIZE(n);
	if (size > sizeof(*s))
		size = sizeof(*s);
	loss_flush();
	if (bpf_ringbuf_output(&events, s, size, ring_flags()))
		ev_lost();
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct kd_ev_sys *e;
	__u64 ts;
	__u32 nr;

	if ((__u32)(pid_tgid >> 32) != targ_tgid)
		return 0;
	if (!capturing())
		return 0;
	nr = syscall_nr(regs);
	if (stage_sys) {
		ts = stage_sys_record(KD_EV_SYS_EXIT, (__u32)pid_tgid, nr, ret);
		if (!ts)
			ts = bpf_ktime_get_ns();
	} else if ((e = ev_reserve(sizeof(*e), KD_EV_SYS_EXIT, (__u32)pid_tgid))) {
		ts = e->hdr.ts;
		e->nr = nr;
		e->ret = ret;
		ev_submit(e);
	} else {
		ts = bpf_ktime_get_ns();
	}
	if (want_stacks)
		stack_emit(ctx, (__u32)pid_tgid, nr, ts);
	return 0;
}

/* ----------------------------------------------------------- scheduler */

#include "thread_sched.bpf.h"
#include "census.bpf.h"
#include "who.bpf.h"

#define KD_TASK_DEAD 0x0080 /* include/linux/sched.h, __state at a thread's last switch */

/* A thread of the target switched out for the last time: its entries in
 * the per-thread hashes go, so that a new thread reusing its tid starts
 * without (after the thread's exit event, which a preemption on the way
 * out may still follow). */
static __always_inline void thread_forget(__u32 tid)
{
	if (want_stacks)
		bpf_map_delete_elem(&sys_entry, &tid);
	thread_sched_forget(tid);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 targ = targ_tgid;
	struct kd_thread_sched *ts, *sleeper = NULL;
	struct kd_ev_switch *e;
	__u8 flags = 0;
	__u32 state;

	__u32 cpu = bpf_get_smp_processor_id();
	struct kd_cpu_sched *here = cpu_sched_of(cpu);

	here->curr = (__u64)next;
	if (prev->tgid == targ)
		flags |= KD_SW_PREV_TARGET;
	if (next->tgid == targ)
		flags |= KD_SW_NEXT_TARGET;
	if (!flags) {
		/* the fast path of every other switch on the node */
		if (here->waiting && capturing())
			cpu_run_emit(next, cpu);
		return 0;
	}
	state = task_state(prev);
	if (flags & KD_SW_PREV_TARGET) {
		/* Still runnable when switched out: it waits for a CPU from now on. */
		if (preempt || state == 0) {
			flags |= KD_SW_PREEMPT;
			if ((ts = thread_sched_get(prev->pid)))
				wait_begin(ts, cpu);
		} else if (state & KD_TASK_DEAD) {
			wait_end(thread_sched_find(prev->pid));
			thread_forget(prev->pid); /* its last switch */
		} else if ((sleeper = thread_sched_get(prev->pid))) {
			wait_end(sleeper); /* asleep from the switch's time, below */
		}
	}
	if (flags & KD_SW_NEXT_TARGET)
		wait_end(thread_sched_find(next->pid));
	if (!capturing()) {
		if (sleeper)
			asleep_begin(sleeper, bpf_ktime_get_ns());
		return 0;
	}
	if (!(flags & KD_SW_NEXT_TARGET) && here->waiting)
		cpu_run_emit(next, cpu);
	e = ev_reserve(sizeof(*e), KD_EV_SWITCH, prev->pid);
	if (!e) {
		if (sleeper)
			asleep_begin(sleeper, bpf_ktime_get_ns());
		return 0;
	}
	if (sleeper) /* the record's time: one clock read less */
		asleep_begin(sleeper, e->hdr.ts);
	e->hdr.flags = flags;
	e->next_tid = next->pid;
	e->prev_state = state;
	ev_submit(e);
	return 0;
}

/* --------------------------------------------------------- thread names */

/* Thread names are sent whatever the capture state: the report needs the
 * name of every thread, including those that exit between windows. */
static __always_inline void comm_emit(__u32 tid, __u8 flags, const char *src)
{
	struct kd_ev_comm *e = ev_reserve(sizeof(*e), KD_EV_COMM, tid);

	if (!e)
		return;
	e->hdr.flags = flags;
	__builtin_memset(e->comm, 0, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), src);
	ev_submit(e);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	if (child->tgid != targ_tgid)
		return 0;
	comm_emit(child->pid, KD_COMM_NEW_THREAD, child->comm);
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(task_rename, struct task_struct *task, const char *comm)
{
	if (task->tgid != targ_tgid)
		return 0;
	comm_emit(task->pid, 0, comm);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	struct kd_ev_exit *e;

	if (p->tgid != targ_tgid || !capturing())
		return 0;
	e = ev_reserve(sizeof(*e), KD_EV_THREAD_EXIT, p->pid);
	if (!e)
		return 0;
	e->pad[0] = e->pad[1] = 0;
	ev_submit(e);
	return 0;
}

/* ------------------------------------------------- interrupts, triggers */

#include "interrupts.bpf.h"
#include "triggers.bpf.h"
