/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * who.bpf.h - who took the CPU and who woke the thread: the culprit and
 * waker tracking of bpf/kdelay.bpf.c, which includes it after its record
 * helpers (ev_reserve, ev_submit, capturing).
 *
 * Culprits: while a target thread waits runnable on a CPU, what runs
 * there is written as KD_EV_CPU_RUN records; a CPU where none waits costs
 * one load per switch.  Wakers: the waker of a target thread is current
 * at its sched_wakeup, or, for a wakeup queued on another CPU, stashed in
 * the waker's context and handed to its sched_wakeup.
 */
#ifndef KDELAY_WHO_BPF_H
#define KDELAY_WHO_BPF_H

/*
 * What the scheduler programs on each CPU (modulo KD_LOSS_CPUS) read and
 * write, in one cache line of its own, so that the one cost every switch
 * on the node pays, a load of waiting and a store of curr, touches one
 * line and no other CPU's, and a waking reads its context from that line:
 *  - waiting: the target threads waiting runnable there, from the CPU
 *    each one waits on (+1: waits_on in struct kd_thread_sched, 0 while
 *    it does not wait), so that a switch where none waits emits nothing.
 *    Kept whatever the capture state, so that the counts stay right
 *    across windows.  Every user of waits_on runs under a runqueue lock
 *    with interrupts off, so none nests in another on a CPU.
 *  - curr: the task current there, as its last switch made it (a
 *    pointer, read only through probes): who holds the CPU when a target
 *    thread is queued there.  rq->curr through the runqueues ksym would
 *    need the per-CPU variable in kallsyms, which not every kernel has;
 *  - the interrupt context marks (below).
 */
struct kd_cpu_sched {
	__u64 curr;
	__u32 waiting;
	__u32 hardirq;	   /* irq + 1 while its handler runs (below) */
	__u32 hardirq_tid;
	__u32 softirq;	   /* vector + 1 while it is served */
	__u32 softirq_tid;
	__u32 hrtimer_tid[2];
	__u64 hrtimer[2];  /* [is_soft]: the timer expiring, 0 if none */
} __attribute__((aligned(64)));

/* static: the recorder does not read it, so the skeleton need not know
 * its type */
static struct kd_cpu_sched cpu_sched[KD_LOSS_CPUS];

static __always_inline struct kd_cpu_sched *cpu_sched_of(__u32 cpu)
{
	return &cpu_sched[cpu & (KD_LOSS_CPUS - 1)];
}

#define KD_PF_KTHREAD 0x00200000 /* include/linux/sched.h */


/* The target thread of ts waits runnable on cpu from now on. */
static __always_inline void wait_begin(struct kd_thread_sched *ts, __u32 cpu)
{
	__u32 here = cpu + 1, on = ts->waits_on;

	if (on == here)
		return;
	if (on)
		__sync_fetch_and_add(&cpu_sched_of(on - 1)->waiting, -1);
	ts->waits_on = here;
	__sync_fetch_and_add(&cpu_sched_of(cpu)->waiting, 1);
}

/* The target thread of ts (if it has an entry) runs, or sleeps: it
 * waits nowhere. */
static __always_inline void wait_end(struct kd_thread_sched *ts)
{
	__u32 on;

	if (!ts || !(on = ts->waits_on))
		return;
	__sync_fetch_and_add(&cpu_sched_of(on - 1)->waiting, -1);
	ts->waits_on = 0;
}

/*
 * The name of a task the program may read directly (a tracepoint's
 * argument, or the current task through bpf_get_current_task_btf): two
 * loads, where bpf_get_current_comm() costs ~75 ns a call here (a string
 * copy behind a helper call).  What follows the NUL is copied as it is;
 * the recorder reads up to the NUL.  dst is 8-byte aligned.
 */
static __always_inline void comm_copy(char *dst, struct task_struct *t)
{
	const __u64 *src = (const __u64 *)t->comm;

	((__u64 *)dst)[0] = src[0];
	((__u64 *)dst)[1] = src[1];
}

/* A CPU_RUN record: the task tid of process pid, with its task flags,
 * runs on cpu; the caller copies its name and submits it. */
static __always_inline struct kd_ev_cpu_run *cpu_run_reserve(__u32 tid, __u32 pid, __u32 task_flags,
							      __u32 cpu)
{
	struct kd_ev_cpu_run *e = ev_reserve(sizeof(*e), KD_EV_CPU_RUN, tid);

	if (!e)
		return NULL;
	e->hdr.cpu = cpu;
	e->hdr.flags = (task_flags & KD_PF_KTHREAD) ? KD_RUN_KTHREAD : 0;
	e->pid = pid;
	e->pad = 0;
	return e;
}

/* t runs on cpu; t is a tracepoint's argument (trusted): plain loads */
static __always_inline void cpu_run_emit(struct task_struct *t, __u32 cpu)
{
	struct kd_ev_cpu_run *e = cpu_run_reserve(t->pid, t->tgid, t->flags, cpu);

	if (!e)
		return;
	comm_copy(e->comm, t);
	ev_submit(e);
}

/* The task at addr runs on cpu; it is read through probes (it may be
 * another CPU's current task, known only by its address). */
static __always_inline void cpu_run_emit_probed(__u64 addr, __u32 cpu)
{
	struct task_struct *t = (struct task_struct *)addr;
	struct kd_ev_cpu_run *e;

	e = cpu_run_reserve(BPF_CORE_READ(t, pid), BPF_CORE_READ(t, tgid), BPF_CORE_READ(t, flags), cpu);
	if (!e)
		return;
	/* comm is NUL terminated within its 16 bytes: a plain copy does
	 * (what follows the NUL is not read), zeroed if it fails */
	bpf_probe_read_kernel(e->comm, sizeof(e->comm), t->comm);
	ev_submit(e);
}

/*
 * The task current on cpu (a pointer, read only through probes; 0 until
 * a switch was seen there).  On the CPU the program runs on it is the
 * current task self, and no load is needed: the runqueue's curr differs
 * from current only inside __schedule, between its update and the
 * context switch, with interrupts off and the runqueue locked, where no
 * wakeup or migration of a task runs.
 */
static __always_inline __u64 cpu_curr_of(__u32 cpu, struct task_struct *self)
{
	if (cpu == bpf_get_smp_processor_id())
		return (__u64)self;
	return cpu_sched_of(cpu)->curr;
}

/* curr, the task current on cpu, where a target thread now waits (0:
 * unknown). */
static __always_inline void cpu_curr_emit(__u64 curr, __u32 cpu)
{
	if (curr)
		cpu_run_emit_probed(curr, cpu);
}

/* p is a tracepoint's argument (trusted): a plain load, no probe */
static __always_inline __u32 task_cpu(struct task_struct *p)
{
	return p->thread_info.cpu;
}

/*
 * The interrupt context each CPU is in, so that a wakeup made by an
 * interrupt names the interrupt and not the task it happened to find
 * there: the irq, softirq and hrtimer tracepoints mark their handler's
 * entry and exit (every one on the node: two stores each).  Hard irqs do
 * not nest, and a softirq or a timer's soft expiry can only be
 * interrupted by a hard irq, so the innermost context is: a hard irq
 * handler, else a timer expiring (hard or soft), else a softirq.  Each
 * mark also holds the task it was made in: where softirqs and irq
 * handlers run in threads that can be preempted (PREEMPT_RT), a task
 * that runs meanwhile on that CPU is not in them.  An interrupt without
 * tracepoints (an IPI, irq_work) counts as what it interrupted.  The
 * marks are the fields hardirq to hrtimer of struct kd_cpu_sched; only
 * the CPU's own programs write them.
 *
 * Timers: the timer expiring on each CPU, hard and soft apart (a hard
 * expiry may interrupt a soft one; neither kind nests in itself), set at
 * the entry and cleared at the exit of that very timer.  Not a count of
 * expiries under way: an expiry whose entry ran before the exit program
 * was attached would have left the count above 0 for good, and every
 * later timer wakeup on that CPU named the task it interrupted.  An exit
 * missed that way leaves a mark that the next expiry of its kind on the
 * CPU replaces.
 */
#define KD_SOFTIRQ_TIMER 1 /* TIMER_SOFTIRQ: the timer wheel's expiry */

static __always_inline struct kd_cpu_sched *this_cpu_sched(void)
{
	return cpu_sched_of(bpf_get_smp_processor_id());
}

static __always_inline void hardirq_mark(__u32 irq1)
{
	struct kd_cpu_sched *c = this_cpu_sched();

	c->hardirq = irq1;
	c->hardirq_tid = (__u32)bpf_get_current_pid_tgid();
}

static __always_inline void softirq_mark(__u32 vec1)
{
	struct kd_cpu_sched *c = this_cpu_sched();

	c->softirq = vec1;
	c->softirq_tid = (__u32)bpf_get_current_pid_tgid();
}

/* KD_WAKE_CTX_* (with the vector) of a wakeup made now on the CPU whose
 * state is c (the program's own), by the current task tid. */
static __always_inline __u8 waker_context_on(struct kd_cpu_sched *c, __u32 tid)
{
	__u32 vec;

	if (c->hardirq && c->hardirq_tid == tid)
		return KD_WAKE_CTX_HARDIRQ;
	if ((c->hrtimer[0] && c->hrtimer_tid[0] == tid) ||
	    (c->hrtimer[1] && c->hrtimer_tid[1] == tid))
		return KD_WAKE_CTX_TIMER;
	if (!c->softirq || c->softirq_tid != tid)
		return KD_WAKE_CTX_TASK;
	vec = c->softirq - 1;
	if (vec == KD_SOFTIRQ_TIMER)
		return KD_WAKE_CTX_TIMER;
	return KD_WAKE_CTX_SOFTIRQ | ((vec << KD_WAKE_VEC_SHIFT) & KD_WAKE_VEC_MASK);
}

/* timer is a tracepoint's argument (trusted): a plain load */
SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(hrtimer_expire_entry, struct hrtimer *timer, ktime_t *now)
{
	struct kd_cpu_sched *c = this_cpu_sched();
	__u32 soft = timer->is_soft & 1;

	c->hrtimer[soft] = (__u64)timer;
	c->hrtimer_tid[soft] = (__u32)bpf_get_current_pid_tgid();
	return 0;
}

SEC("tp_btf/hrtimer_expire_exit")
int BPF_PROG(hrtimer_expire_exit, struct hrtimer *timer)
{
	struct kd_cpu_sched *c = this_cpu_sched();
	__u32 soft = timer->is_soft & 1;

	if (c->hrtimer[soft] == (__u64)timer)
		c->hrtimer[soft] = 0;
	return 0;
}

/*
 * The waker of each target thread.  sched_wakeup is not always in the
 * waker's context: when try_to_wake_up() queues the wakeup on the
 * wakee's CPU (the wakee still switching out there, or that CPU idle or
 * in another cache domain: ttwu_queue_wakelist), the activation and
 * sched_wakeup run later from the IPI or the idle loop, where current is
 * the idle task or whatever ran there.  Every other wakeup runs
 * sched_wakeup synchronously in its caller, where current is the waker.
 * So the waker of a queued wakeup is stashed, in the waker's context, in
 * the wakee's struct kd_thread_sched, and its sched_wakeup takes it; the
 * wakee is TASK_WAKING until activated, so no second waker passes in
 * between.  When the map is full there is no stash, and that
 * sched_wakeup names its own current task.
 *
 * Where the stash is taken (record/attach.c chooses): on kernels with the
 * csd tracepoints (6.6 and later), at csd_queue_cpu, which a queued
 * wakeup passes in __smp_call_single_queue() before the queueing, with
 * the wakee's wake_entry as the csd; a wakeup that is not queued runs no
 * program there.  On older kernels, at sched_waking, which every wakeup
 * on the node passes in its caller's context: a program run per wakeup,
 * about half of what the waker tracking costs a ping-pong.
 */
static __always_inline void waker_stash(__u32 wakee_tid)
{
	struct kd_thread_sched *ts = thread_sched_get(wakee_tid);
	struct task_struct *self;
	__u32 tid;

	if (!ts)
		return;
	self = bpf_get_current_task_btf();
	tid = self->pid;
	ts->waker_pid_tgid = (__u64)self->tgid << 32 | tid;
	ts->waker_task = (__u64)self;
	comm_copy(ts->waker_comm, self);
	ts->waker_context = waker_context_on(this_cpu_sched(), tid);
	ts->waker_stashed = 1;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(sched_waking, struct task_struct *p)
{
	if (p->tgid != targ_tgid)
		return 0;
	waker_stash(p->pid);
	return 0;
}

#define KD_CSD_TYPE_MASK 0xf0 /* CSD_FLAG_TYPE_MASK, include/linux/smp_types.h */
#define KD_CSD_TYPE_TTWU 0x30 /* CSD_TYPE_TTWU: a task's wake_entry */

/* csd is the tracepoint's argument (trusted); the task that holds it as
 * its wake_entry is reached by an offset, and read through probes. */
SEC("tp_btf/csd_queue_cpu")
int BPF_PROG(csd_queue_cpu, unsigned int cpu, unsigned long callsite, void *func,
	     call_single_data_t *csd)
{
	struct task_struct *p;

	if ((csd->node.u_flags & KD_CSD_TYPE_MASK) != KD_CSD_TYPE_TTWU)
		return 0;
	p = (struct task_struct *)((__u64)csd -
				   bpf_core_field_offset(struct task_struct, wake_entry));
	if (BPF_CORE_READ(p, tgid) != targ_tgid)
		return 0;
	waker_stash(BPF_CORE_READ(p, pid));
	return 0;
}

/*
 * The waker's name is taken at event time: by the time the report runs
 * the waker may have exited or been renamed.  A new thread's waker is
 * the forking parent, current at sched_wakeup_new.
 *
 * Where the woken thread now waits, the task current there is named for
 * the culprits: by a CPU_RUN record, or, when it is the waker itself
 * (the common case of a thread waking another onto its own CPU), by the
 * WAKEUP's flag KD_WAKE_WAKER_CURRENT, which spares the second record: a
 * ring reservation is the dearest part of a record.  A kernel thread is
 * left to the CPU_RUN, which alone says that it is one.
 */
static __always_inline int wakeup(struct task_struct *p, __u8 flags)
{
	struct kd_thread_sched *ts;
	struct task_struct *self;
	struct kd_ev_wakeup *e;
	__u64 waker, curr;
	bool stashed = false;
	__u32 tid = p->pid;
	__u32 cpu, here;

	if (p->tgid != targ_tgid)
		return 0;
	cpu = task_cpu(p);
	ts = (flags & KD_WAKE_NEW) ? thread_sched_new(tid) : thread_sched_get(tid);
	if (ts) {
		if (!(flags & KD_WAKE_NEW)) {
			stashed = ts->waker_stashed;
			ts->waker_stashed = 0;
			asleep_end(ts);
		}
		wait_begin(ts, cpu);
	}
	if (!capturing())
		return 0;
	self = bpf_get_current_task_btf();
	here = bpf_get_smp_processor_id();
	waker = stashed && ts ? ts->waker_task : (__u64)self;
	/* cpu_curr_of(), with the CPU id the waker's context needs too */
	curr = cpu == here ? (__u64)self : cpu_sched_of(cpu)->curr;
	if (curr && curr == waker &&
	    !((curr == (__u64)self ? self->flags : BPF_CORE_READ((struct task_struct *)curr, flags)) &
	      KD_PF_KTHREAD))
		flags |= KD_WAKE_WAKER_CURRENT;
	else
		cpu_curr_emit(curr, cpu);
	e = ev_reserve(sizeof(*e), KD_EV_WAKEUP, tid);
	if (!e)
		return 0;
	e->hdr.cpu = cpu; /* where it waits, which the culprits follow */
	if (stashed && ts) {
		e->hdr.flags = flags | ts->waker_context;
		e->waker_tid = (__u32)ts->waker_pid_tgid;
		e->waker_pid = (__u32)(ts->waker_pid_tgid >> 32);
		__builtin_memcpy(e->waker_comm, ts->waker_comm, sizeof(e->waker_comm));
	} else {
		__u32 wtid = self->pid;

		/* current is the waker: the wakeup runs in its caller */
		e->hdr.flags = flags | waker_context_on(cpu_sched_of(here), wtid);
		e->waker_tid = wtid;
		e->waker_pid = self->tgid;
		comm_copy(e->waker_comm, self);
	}
	ev_submit(e);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return wakeup(p, 0);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return wakeup(p, KD_WAKE_NEW);
}

/*
 * A target thread moved while it waits: it waits on dest_cpu now.  Two
 * CPU_RUN records say so: the thread itself on dest_cpu (a thread that
 * waits runs nowhere, so the report reads it as the move, and cuts the
 * wait there: the part before was spent behind the tasks of the CPU it
 * left), then the task current there.  A reader that does not know the
 * first takes it for a run of the thread until the second, a moment.
 */
SEC("tp_btf/sched_migrate_task")
int BPF_PROG(sched_migrate_task, struct task_struct *p, int dest_cpu)
{
	struct kd_thread_sched *ts;

	if (p->tgid != targ_tgid)
		return 0;
	/* a thread being woken is moved before its sched_wakeup, which
	 * begins its wait where it lands: only a waiting one is followed */
	ts = thread_sched_find(p->pid);
	if (!ts || !ts->waits_on || ts->waits_on == (__u32)dest_cpu + 1)
		return 0;
	wait_begin(ts, dest_cpu);
	if (!capturing())
		return 0;
	cpu_run_emit(p, dest_cpu);
	cpu_curr_emit(cpu_curr_of(dest_cpu, bpf_get_current_task_btf()), dest_cpu);
	return 0;
}

#endif /* KDELAY_WHO_BPF_H */
