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

/*
 * Where events were lost.  The ring is one buffer for all CPUs: when it is
 * full every reservation fails until the recorder drains it (its tick).
 * A failure is noted in its CPU's slot (loss_count[], and loss_first_ts[]
 * for the time of the first one) and raises loss_pending; the next
 * reservation that succeeds, on any CPU, first writes a KD_EV_LOSS
 * record per slot with losses, so the record lands in the ring before
 * every event that follows the loss, and the report can tell which
 * intervals span it (docs/format.md section 5.2).
 * The fast path pays one load of loss_pending when nothing was lost.
 *
 * Concurrency: programs of several CPUs, and programs nested on one CPU
 * (an irq inside a syscall hook), note and flush at the same time.  A
 * writer lowers first_ts (0 = none) before it adds to count, and raises
 * loss_pending after; a flusher clears loss_pending before it takes the
 * slots, takes count before first_ts, both with xchg, and reads the clock
 * after: so every loss it takes has a time at or before the end_ts it
 * writes, and at or after the first_ts of this record or of an earlier
 * one (whose end_ts is later than that loss, too).  Every loss is thus
 * inside the time range of some LOSS record, and the counts add up to
 * the losses: what the report relies on.  A record that cannot be
 * reserved either puts its losses back.
 */
__u64 loss_count[KD_LOSS_CPUS];
__u64 loss_first_ts[KD_LOSS_CPUS];
__u32 loss_cpus = 0;	/* slots to scan: highest slot noted + 1 */
__u64 loss_pending = 0; /* some slot holds losses not yet written */

static __noinline int loss_note(__u32 cpu, __u64 n, __u64 ts)
{
	__u32 slot = cpu & (KD_LOSS_CPUS - 1), have;
	__u64 *first = &loss_first_ts[slot], cur;
	int i;

	/* first_ts = min(first_ts, ts): only programs nested on this CPU and
	 * flushers change it meanwhile, so a few tries always do */
	for (i = 0; i < 8; i++) {
		cur = *(volatile __u64 *)first;
		if ((cur && cur <= ts) || __sync_val_compare_and_swap(first, cur, ts) == cur)
			break;
	}
	__sync_fetch_and_add(&loss_count[slot], n);
	for (i = 0; i < 8; i++) {
		have = *(volatile __u32 *)&loss_cpus;
		if (have > slot || __sync_val_compare_and_swap(&loss_cpus, have, slot + 1) == have)
			break;
	}
	__sync_lock_test_and_set(&loss_pending, 1);
	return 0;
}

/*
 * Waking the recorder.  It drains the ring on a long timer, since on a
 * paravirtual guest a wake-up costs it as much CPU as ~1000 events; a
 * burst must not fill the ring before the timer, so a submit that finds
 * more than wake_mark bytes in the ring wakes it.  wake_pending (cleared
 * by the recorder after each drain) makes that one wake-up per drain,
 * whatever the CPUs.  wake_mark 0: never (the flight recorder drains on a
 * short tick of its own, and the check then costs nothing).
 */
const volatile __u64 wake_mark = 0;
__u64 wake_pending = 0;

static __always_inline __u64 ring_flags(void)
{
	if (!wake_mark || *(volatile __u64 *)&wake_pending ||
	    bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < wake_mark ||
	    __sync_lock_test_and_set(&wake_pending, 1))
		return BPF_RB_NO_WAKEUP;
	return BPF_RB_FORCE_WAKEUP;
}

/* bpf_loop() callback: write the losses of slot i as one record. */
static long loss_flush_slot(__u32 i, void *ctx)
{
	__u32 slot = i & (KD_LOSS_CPUS - 1);
	struct kd_ev_loss *e;
	__u64 n, first, end;

	n = __sync_lock_test_and_set(&loss_count[slot], 0);
	if (!n)
		return 0;
	first = __sync_lock_test_and_set(&loss_first_ts[slot], 0);
	end = bpf_ktime_get_ns();
	if (!first || first > end)
		first = end; /* its losses are in an earlier record's range */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		loss_note(slot, n, first); /* full again: keep them for later */
		return 1;
	}
	e->hdr.ts = first;
	e->hdr.tid = 0;
	e->hdr.type = KD_EV_LOSS;
	e->hdr.flags = 0;
	e->hdr.cpu = slot;
	e->count = n;
	e->end_ts = end;
	bpf_ringbuf_submit(e, ring_flags());
	return 0;
}

/* Before a record: the losses not yet written, if any (one load if not). */
static __always_inline void loss_flush(void)
{
	if (!loss_pending || !__sync_lock_test_and_set(&loss_pending, 0))
		return;
	bpf_loop(loss_cpus, loss_flush_slot, NULL, 0);
}

/* A record could not be written: count it, and note where and when. */
static __always_inline void ev_lost(void)
{
	__sync_fetch_and_add(&dropped, 1);
	loss_note(bpf_get_smp_processor_id(), 1, bpf_ktime_get_ns());
}

/*
 * Reserve a record and fill its header.  The timestamp is read after the
 * capture gate was checked, so no record of a window predates the trigger
 * that opened it.
 */
static __always_inline void *ev_reserve(__u32 size, __u8 type, __u32 tid)
{
	struct kd_ev_hdr *h;

	loss_flush();
	h = bpf_ringbuf_reserve(&events, size, 0);
	if (!h) {
		ev_lost();
		return NULL;
	}
	h->ts = bpf_ktime_get_ns();
	h->tid = tid;
	h->type = type;
	h->flags = 0;
	h->cpu = bpf_get_smp_processor_id();
	return h;
}

/*
 * A reserved record takes at most KD_RESERVED_MAX bytes of the ring with
 * its ring header, so some record begins in the first KD_RESERVED_MAX
 * bytes of every page of the ring: only such a record looks at how full
 * the ring is (a helper call), about once per page, which the wake mark
 * (a quarter of the ring) does not notice.  The ring's data area is page
 * aligned, so a record's place in its page is that of its address.
 */
#define KD_RESERVED_MAX 64
#define KD_RING_HDR_SZ 8 /* BPF_RINGBUF_HDR_SZ */

static __always_inline void ev_submit(void *e)
{
	if ((((__u64)e - KD_RING_HDR_SZ) & 4095) < KD_RESERVED_MAX)
		bpf_ringbuf_submit(e, ring_flags());
	else
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/*
 * Staging (stage_sys, set by the recorder when its flush tick runs on
 * every CPU): the syscall records, most of the stream, are not reserved
 * one by one.  bpf_ringbuf_reserve takes the ring's spin lock with
 * interrupts off for every record, the dearest part of a record on a
 * paravirtual guest (bench/notes.md, "Streaming without the ring
 * buffer's per-record lock").  Instead each CPU appends them to a batch
 * of its own, handed to the ring with one bpf_ringbuf_output when it
 * fills, when its oldest record is KD_STAGE_AGE_NS old, and by the
 * recorder's flush tick (stage_tick below).  The recorder merges the
 * batches with the other records by time (record/consumer.c).
 *
 * A CPU has KD_STAGE_LEVELS batches, each claimed by compare-and-swap of
 * its owner word, first free level wins.  Syscall programs run in task
 * context, so two of them on one CPU at once means one was preempted
 * (PREEMPT_RT, and kernels whose syscall tracepoints call BPF
 * preemptible); the flush tick runs in an interrupt and may find a level
 * held by the program it interrupted, which it then leaves to that
 * program or to the next tick.  The claim is correct under any
 * interleaving on one CPU; the owner is released by a plain store since
 * only programs of this CPU (migration is disabled) look at it.  With
 * every level held, the record goes through reserve/submit as before.
 *
 * A batch the ring refuses is lost whole: its records are counted in
 * dropped and noted as losses of this CPU from the batch's first record,
 * as a failed reservation is (loss_note).
 */
const volatile bool stage_sys = false;

/* while records keep coming, none waits longer than this (else the tick) */
#define KD_STAGE_AGE_NS 10000000ull

struct kd_stage {
	__u32 owner; /* 1 while a program holds this level */
	__u32 pad;
	struct kd_ev_batch b; /* b.hdr.tid: records staged */
};

struct kd_stage_cpu {
	struct kd_stage level[KD_STAGE_LEVELS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kd_stage_cpu);
} stage SEC(".maps");

#define compiler_barrier() asm volatile("" ::: "memory")

/* Hand the staged records of one level to the ring. */
static __noinline int stage_flush(struct kd_stage *s, __u32 level)
{
	__u32 n, cpu;

	if (!s)
		return 0;
	n = s->b.hdr.tid;
	if (!n)
		return 0;
	if (n > KD_STAGE_BATCH)
		n = KD_STAGE_BATCH;
	cpu = bpf_get_smp_processor_id();
	s->b.hdr.type = KD_EV_SYS_BATCH;
	s->b.hdr.flags = (__u8)level;
	s->b.hdr.cpu = cpu;
	loss_flush();
	if (bpf_ringbuf_output(&events, &s->b,
			       sizeof(struct kd_ev_hdr) + n * sizeof(struct kd_ev_sys),
			       ring_flags())) {
		__sync_fetch_and_add(&dropped, n);
		loss_note(cpu, n, s->b.hdr.ts);
	}
	s->b.hdr.tid = 0;
	return 0;
}

/* Claim a level of this CPU's staging; KD_STAGE_LEVELS when all are held. */
static __always_inline __u32 stage_claim(struct kd_stage_cpu *pc)
{
	__u32 l;

	for (l = 0; l < KD_STAGE_LEVELS; l++)
		if (__sync_val_compare_and_swap(&pc->level[l].owner, 0, 1) == 0)
			return l;
	return KD_STAGE_LEVELS;
}

static __always_inline void stage_release(struct kd_stage_cpu *pc, __u32 l)
{
	compiler_barrier();
	if (l < KD_STAGE_LEVELS)
		*(volatile __u32 *)&pc->level[l].owner = 0;
}

/*
 * Stage one syscall record; its timestamp, or 0 when it could not be
 * written (counted as lost).  With every level held: reserve/submit.
 */
static __always_inline __u64 stage_sys_record(__u8 type, __u32 tid, __u32 nr, __s32 ret)
{
	struct kd_stage_cpu *pc;
	struct kd_ev_sys *r;
	struct kd_stage *s;
	__u32 zero = 0, l, n;
	__u64 ts;

	pc = bpf_map_lookup_elem(&stage, &zero);
	if (!pc)
		return 0;
	l = stage_claim(pc);
	if (l >= KD_STAGE_LEVELS) {
		r = ev_reserve(sizeof(*r), type, tid);
		if (!r)
			return 0;
		ts = r->hdr.ts;
		r->nr = nr;
		r->ret = ret;
		ev_submit(r);
		return ts;
	}
	s = &pc->level[l];
	n = s->b.hdr.tid;
	if (n >= KD_STAGE_BATCH) { /* flushed when it fills: cannot happen */
		stage_flush(s, l);
		n = 0;
	}
	/* read after the claim, so that a level's records are in time order */
	ts = bpf_ktime_get_ns();
	if (n == 0)
		s->b.hdr.ts = ts;
	r = &s->b.recs[n];
	r->hdr.ts = ts;
	r->hdr.tid = tid;
	r->hdr.type = type;
	r->hdr.flags = 0;
	r->hdr.cpu = bpf_get_smp_processor_id();
	r->nr = nr;
	r->ret = ret;
	s->b.hdr.tid = n + 1;
	if (n + 1 == KD_STAGE_BATCH || ts - s->b.hdr.ts >= KD_STAGE_AGE_NS)
		stage_flush(s, l);
	stage_release(pc, l);
	return ts;
}

/*
 * Per CPU, a time before which every record staged on that CPU is in the
 * ring: set by the flush tick when it found every level free (nothing
 * else runs on the CPU while it does, so a record staged later reads the
 * clock later).  The recorder reads it before it drains the ring and lets
 * the merge release what is older than the smallest over the CPUs: a few
 * milliseconds of events held instead of the worst case of the flush
 * bound (record/recorder.c).
 */
__u64 stage_flushed_ts[KD_LOSS_CPUS];

/*
 * The flush tick: a per-CPU cpu-clock perf event opened by the recorder
 * runs this on each CPU every few milliseconds (in an interrupt), so
 * that no staged record waits longer than that, even when its CPU goes
 * idle.  A BPF timer would not do: before Linux 6.7 its callback may run
 * on another CPU than the staging it must flush, and it exists from 5.15
 * only; a perf event program works on every kernel kdelay supports.
 */
SEC("perf_event")
int stage_tick(void *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	struct kd_stage_cpu *pc;
	__u32 zero = 0, l;
	bool all = true;

	pc = bpf_map_lookup_elem(&stage, &zero);
	if (!pc)
		return 0;
	for (l = 0; l < KD_STAGE_LEVELS; l++) {
		if (__sync_val_compare_and_swap(&pc->level[l].owner, 0, 1)) {
			all = false; /* a program holds it: it or the next tick flushes it */
			continue;
		}
		stage_flush(&pc->level[l], l);
		stage_release(pc, l);
	}
	/* xchg: ordered after the batches' commits, for the recorder */
	if (all)
		__sync_lock_test_and_set(
			&stage_flushed_ts[bpf_get_smp_processor_id() & (KD_LOSS_CPUS - 1)], now);
	return 0;
}

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

/* ---------------------------------------------------------- interrupts */

static __always_inline bool current_is_target(__u32 *tid)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	*tid = (__u32)pid_tgid;
	return (__u32)(pid_tgid >> 32) == targ_tgid && capturing();
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	struct kd_ev_irq_entry *e;
	__u32 tid;

	hardirq_mark(irq + 1);
	if (!current_is_target(&tid))
		return 0;
	e = ev_reserve(sizeof(*e), KD_EV_IRQ_ENTRY, tid);
	if (!e)
		return 0;
	e->irq = irq;
	e->pad = 0;
	__builtin_memset(e->name, 0, sizeof(e->name));
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(action, name));
	ev_submit(e);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq, struct irqaction *action, int ret)
{
	struct kd_ev_irq_exit *e;
	__u32 tid;

	hardirq_mark(0);
	if (!current_is_target(&tid))
		return 0;
	e = ev_reserve(sizeof(*e), KD_EV_IRQ_EXIT, tid);
	if (!e)
		return 0;
	e->irq = irq;
	e->ret = ret;
	ev_submit(e);
	return 0;
}

static __always_inline int softirq(unsigned int vec, __u8 type)
{
	struct kd_ev_softirq *e;
	__u32 tid;

	if (!current_is_target(&tid))
		return 0;
	e = ev_reserve(sizeof(*e), type, tid);
	if (!e)
		return 0;
	e->vec = vec;
	e->pad = 0;
	ev_submit(e);
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry, unsigned int vec)
{
	softirq_mark(vec + 1);
	return softirq(vec, KD_EV_SOFTIRQ_ENTRY);
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec)
{
	softirq_mark(0);
	return softirq(vec, KD_EV_SOFTIRQ_EXIT);
}

/* ------------------------------------------------------------ triggers */

static __always_inline void trigger_emit(__u64 ts, __u8 flags)
{
	struct kd_ev_trigger *e = ev_reserve(sizeof(*e), KD_EV_TRIGGER,
					     (__u32)bpf_get_current_pid_tgid());

	if (!e)
		return;
	e->hdr.ts = ts;
	e->hdr.flags = flags;
	e->pad[0] = e->pad[1] = 0;
	/* the recorder acts on a trigger at once, not at its next tick */
	bpf_ringbuf_submit(e, wake_mark ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* idle -> capturing; any other state means the recorder is not ready. */
static __always_inline int trigger_start(void)
{
	__u64 ts = bpf_ktime_get_ns();

	if (__sync_val_compare_and_swap(&capture_state, KD_CAPTURE_IDLE, KD_CAPTURE_ON) !=
	    KD_CAPTURE_IDLE) {
		__sync_fetch_and_add(&trigger_missed, 1);
		return 0;
	}
	start_trigger_ts = ts;
	trigger_emit(ts, KD_TRIG_START);
	return 0;
}

/* capturing -> stopped; a stop without a running window is ignored. */
static __always_inline int trigger_stop(void)
{
	__u64 ts = bpf_ktime_get_ns();

	if (__sync_val_compare_and_swap(&capture_state, KD_CAPTURE_ON,
					flight_mode ? KD_CAPTURE_IDLE : KD_CAPTURE_STOPPED) !=
	    KD_CAPTURE_ON)
		return 0;
	stop_trigger_ts = ts;
	trigger_emit(ts, KD_TRIG_STOP);
	return 0;
}

/* One program per trigger kind and role; the recorder loads only the two
 * it needs and attaches them itself (no auto-attach: no target in SEC). */
SEC("usdt")
int BPF_USDT(start_usdt)
{
	return trigger_start();
}

SEC("usdt")
int BPF_USDT(stop_usdt)
{
	return trigger_stop();
}

SEC("uprobe")
int BPF_KPROBE(start_uprobe)
{
	return trigger_start();
}

SEC("uprobe")
int BPF_KPROBE(stop_uprobe)
{
	return trigger_stop();
}

SEC("kprobe")
int BPF_KPROBE(start_kprobe)
{
	return trigger_start();
}

SEC("kprobe")
int BPF_KPROBE(stop_kprobe)
{
	return trigger_stop();
}

SEC("raw_tp")
int start_raw_tp(void *ctx)
{
	return trigger_start();
}

SEC("raw_tp")
int stop_raw_tp(void *ctx)
{
	return trigger_stop();
}

SEC("tp")
int start_tp(void *ctx)
{
	return trigger_start();
}

SEC("tp")
int stop_tp(void *ctx)
{
	return trigger_stop();
}
