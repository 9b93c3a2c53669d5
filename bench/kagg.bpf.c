// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kagg.bpf.c - in-kernel syscall aggregation, the way kernel_delay.py's
 * syscall monitor does it, as the benchmark's peer for kdelay-record.
 *
 * sys_enter stores the entry time keyed by pid_tgid; sys_exit looks it up
 * and updates count / total / max for (pid, tid, syscall nr).  Like the
 * reference, both hooks check the target tgid and then a capture_on flag
 * (an array map) before doing anything else.
 *
 * The same logic is attached through one of three hook types, chosen by
 * user space with autoload: tp_btf (the default, what kdelay uses),
 * raw_tp, and the classic tracepoint/ that BCC's TRACEPOINT_PROBE uses.
 *
 * A fourth pair, "count", is the floor of any per-syscall work: on tp_btf,
 * for the target only, it adds one to a counter in .bss and nothing else.
 *
 * Two streaming pairs measure what kdelay's design choices cost, without
 * kdelay's recorder: "stream2" submits a 24-byte record on sys_enter and
 * another on sys_exit (what kdelay does), "stream1" keeps the entry time
 * in task storage and submits one 32-byte record per syscall on sys_exit.
 * Both use BPF_RB_NO_WAKEUP; kagg drains the ring on a 2 ms tick.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kagg.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 target_tgid = 0;
__u64 count_enter = 0;
__u64 count_exit = 0;
__u64 stream_dropped = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, KAGG_RING_BYTES);
} stream_rb SEC(".maps");

struct kagg_entry {
	__u64 ts;
	__u64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct kagg_entry);
} stream_entry SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} capture_on SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KAGG_MAX_ENTRIES);
	__type(key, __u64);
	__type(value, __u64);
} syscall_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KAGG_MAX_ENTRIES);
	__type(key, struct kagg_key);
	__type(value, struct kagg_val);
} syscall_data SEC(".maps");

static __always_inline bool capture_enabled(__u64 pid_tgid)
{
	__u32 zero = 0;
	__u64 *on;

	if ((__u32)(pid_tgid >> 32) != target_tgid)
		return false;
	on = bpf_map_lookup_elem(&capture_on, &zero);
	return on && *on == 1;
}

static __always_inline int on_enter(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 t;

	if (!capture_enabled(pid_tgid))
		return 0;
	t = bpf_ktime_get_ns();
	bpf_map_update_elem(&syscall_start, &pid_tgid, &t, BPF_ANY);
	return 0;
}

static __always_inline int on_exit(__u64 pid_tgid, __u32 nr)
{
	struct kagg_val *val, zero = {};
	struct kagg_key key;
	__u64 *start, delta;

	start = bpf_map_lookup_elem(&syscall_start, &pid_tgid);
	if (!start)
		return 0;

	key.pid = pid_tgid >> 32;
	key.tid = (__u32)pid_tgid;
	key.nr = nr;
	val = bpf_map_lookup_elem(&syscall_data, &key);
	if (!val) {
		bpf_map_update_elem(&syscall_data, &key, &zero, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&syscall_data, &key);
		if (!val)
			return 0;
	}
	delta = bpf_ktime_get_ns() - *start;
	/* one key per thread: no other CPU updates it concurrently */
	val->count++;
	val->total_ns += delta;
	if (delta > val->max_ns)
		val->max_ns = delta;
	return 0;
}

/* tp_btf: arguments are typed, regs can be read directly. */
SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_btf_enter, struct pt_regs *regs, long id)
{
	return on_enter();
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_btf_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!capture_enabled(pid_tgid))
		return 0;
	return on_exit(pid_tgid, (__u32)regs->orig_ax);
}

/* raw_tp: untyped arguments, regs read with a probe-read helper. */
SEC("raw_tp/sys_enter")
int BPF_PROG(kagg_raw_enter, struct pt_regs *regs, long id)
{
	return on_enter();
}

SEC("raw_tp/sys_exit")
int BPF_PROG(kagg_raw_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!capture_enabled(pid_tgid))
		return 0;
	return on_exit(pid_tgid, (__u32)BPF_CORE_READ(regs, orig_ax));
}

/* tracepoint/: the kernel formats the whole record before the program runs. */
SEC("tracepoint/raw_syscalls/sys_enter")
int kagg_tp_enter(struct trace_event_raw_sys_enter *args)
{
	return on_enter();
}

SEC("tracepoint/raw_syscalls/sys_exit")
int kagg_tp_exit(struct trace_event_raw_sys_exit *args)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!capture_enabled(pid_tgid))
		return 0;
	return on_exit(pid_tgid, (__u32)args->id);
}

/* count: the cheapest thing a hook can do for the target. */
SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_cnt_enter, struct pt_regs *regs, long id)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid)
		count_enter++;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_cnt_exit, struct pt_regs *regs, long ret)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid)
		count_exit++;
	return 0;
}

/* stream2: one record per event, as kdelay streams them. */
static __always_inline int stream_one(__u64 pid_tgid, __u8 type, __u32 nr, __s32 ret)
{
	struct kagg_rec2 *r;

	if (!capture_enabled(pid_tgid))
		return 0;
	r = bpf_ringbuf_reserve(&stream_rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&stream_dropped, 1);
		return 0;
	}
	r->ts = bpf_ktime_get_ns();
	r->tid = (__u32)pid_tgid;
	r->type = type;
	r->flags = 0;
	r->cpu = bpf_get_smp_processor_id();
	r->nr = nr;
	r->ret = ret;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_s2_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid)
		return 0;
	return stream_one(pid_tgid, 1, (__u32)id, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_s2_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid)
		return 0;
	return stream_one(pid_tgid, 2, (__u32)regs->orig_ax, (__s32)ret);
}

/* stream1: the entry stays in task storage; one record per syscall. */
SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_s1_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct kagg_entry *e;

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	e = bpf_task_storage_get(&stream_entry, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (e) {
		e->ts = bpf_ktime_get_ns();
		e->nr = id;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_s1_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct kagg_entry *e;
	struct kagg_rec1 *r;

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	e = bpf_task_storage_get(&stream_entry, bpf_get_current_task_btf(), 0, 0);
	if (!e || !e->ts)
		return 0;
	r = bpf_ringbuf_reserve(&stream_rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&stream_dropped, 1);
		return 0;
	}
	r->entry_ts = e->ts;
	r->exit_ts = bpf_ktime_get_ns();
	r->tid = (__u32)pid_tgid;
	r->nr = (__u32)e->nr;
	r->ret = (__s32)ret;
	r->cpu = bpf_get_smp_processor_id();
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	e->ts = 0;
	return 0;
}

/*
 * The lock-free designs.  bpf_ringbuf_reserve/submit take the ring's spin
 * lock with interrupts off for every record; these two take no lock per
 * record.  Both choose a buffer by nesting level on the current CPU:
 *
 * A BPF program on a tracepoint runs to completion on its CPU with
 * migration disabled, and with preemption disabled too (raw tracepoint
 * programs run under cant_sleep(); the syscall tracepoints, faultable
 * since 6.13-6.14, call BPF programs inside a preemption-disabled guard).  So
 * the only thing that can run between two instructions of a program on
 * the same CPU is an interrupt (softirq, hardirq, NMI) whose programs run
 * to completion before the interrupted one resumes: nesting is strictly
 * last-in first-out.  A per-CPU counter of the programs running now then
 * gives each one a level no other running program has: read it, store it
 * plus one, work on that level's buffer, store it back.  An interrupt
 * between the read and the store finishes (and restores the counter)
 * before the store, so the plain read-modify-write is safe without an
 * atomic instruction; nothing else on another CPU touches that counter.
 * Levels beyond KAGG_LEVELS (never seen: task, softirq, hardirq and NMI
 * are four) fall back to bpf_ringbuf_output.
 *
 * On a kernel where these programs can be preempted (PREEMPT_RT runs
 * tracepoint programs with migration disabled only, and syscall
 * tracepoints may be called preemptible in the future) the LIFO argument
 * breaks: a preempted program's level can be taken by the next task on
 * the CPU.  claim_cas (the "-cas" hooks) claims instead a per-level owner
 * word with __sync_val_compare_and_swap, first free level wins: correct
 * under any interleaving on one CPU, for one locked instruction per claim.
 * The owner is released with a plain store: only programs on this same
 * CPU (migration is disabled) ever look at it.
 */
#define barrier() asm volatile("" ::: "memory")
#define READ_ONCE_U32(x) (*(volatile __u32 *)&(x))
#define READ_ONCE_U64(x) (*(volatile __u64 *)&(x))
#define WRITE_ONCE_U32(x, v) (*(volatile __u32 *)&(x) = (v))
#define WRITE_ONCE_U64(x, v) (*(volatile __u64 *)&(x) = (v))

const volatile bool claim_cas = false;

/* The nesting test (kagg --verify) only: counted with atomics, so apart. */
const volatile bool verify = false;
__u64 verify_produced = 0; /* records the programs tried to emit */
__u64 verify_nested = 0;   /* records written at a level above 0 */
/*
 * The nesting test's negative control: every program takes level 0, as a
 * design without levels would.  The test expects it to be caught.
 */
const volatile bool verify_one_level = false;

/* The buffer a program writes to, given the level it holds. */
static __always_inline __u32 slot_of(__u32 level)
{
	if (verify && level)
		__sync_fetch_and_add(&verify_nested, 1);
	return verify_one_level ? 0 : level;
}

static __always_inline void verify_count(void)
{
	if (verify)
		__sync_fetch_and_add(&verify_produced, 1);
}

static __always_inline void fill_rec(struct kagg_rec2 *r, __u64 ts, __u32 tid, __u8 type,
				     __u32 nr, __s32 ret)
{
	r->ts = ts;
	r->tid = tid;
	r->type = type;
	r->flags = 0;
	r->cpu = bpf_get_smp_processor_id();
	r->nr = nr;
	r->ret = ret;
	if (verify)
		r->flags = kagg_rec_check(r);
}

/* Deeper than KAGG_LEVELS: one record through the ring, lock and all. */
static __always_inline void fallback_output(__u64 ts, __u32 tid, __u8 type, __u32 nr, __s32 ret)
{
	struct kagg_rec2 r;

	fill_rec(&r, ts, tid, type, nr, ret);
	if (bpf_ringbuf_output(&stream_rb, &r, sizeof(r), BPF_RB_NO_WAKEUP))
		__sync_fetch_and_add(&stream_dropped, 1);
}

/* ---- stream-percpu: stage per CPU and level, one ring output per batch */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kagg_percpu);
} percpu_stage SEC(".maps");

static __always_inline void stage_flush(struct kagg_stage *s)
{
	__u32 n = s->n;

	if (n == 0)
		return;
	if (n > KAGG_BATCH)
		n = KAGG_BATCH;
	/* a full ring loses the whole batch, and says exactly how many */
	if (bpf_ringbuf_output(&stream_rb, s->recs, n * sizeof(struct kagg_rec2),
			       BPF_RB_NO_WAKEUP))
		s->lost += n;
	s->n = 0;
}

/* Take a level no running program holds; KAGG_LEVELS when none is free. */
static __always_inline __u32 percpu_claim(struct kagg_percpu *pc)
{
	__u32 nest;

	if (claim_cas) {
		for (__u32 l = 0; l < KAGG_LEVELS; l++)
			if (__sync_val_compare_and_swap(&pc->level[l].owner, 0, 1) == 0)
				return l;
		return KAGG_LEVELS;
	}
	nest = READ_ONCE_U32(pc->nest);
	WRITE_ONCE_U32(pc->nest, nest + 1);
	barrier();
	return nest;
}

static __always_inline void percpu_release(struct kagg_percpu *pc, __u32 level)
{
	barrier();
	if (!claim_cas)
		WRITE_ONCE_U32(pc->nest, level); /* what it was before the claim */
	else if (level < KAGG_LEVELS)
		WRITE_ONCE_U32(pc->level[level].owner, 0);
}

static __always_inline void percpu_emit(__u32 tid, __u8 type, __u32 nr, __s32 ret)
{
	struct kagg_percpu *pc;
	struct kagg_stage *s;
	__u32 zero = 0, held, level, n;
	__u64 ts;

	pc = bpf_map_lookup_elem(&percpu_stage, &zero);
	if (!pc)
		return;
	held = percpu_claim(pc);
	ts = bpf_ktime_get_ns();
	verify_count();
	level = slot_of(held);
	if (level >= KAGG_LEVELS) {
		fallback_output(ts, tid, type, nr, ret);
		goto out;
	}
	s = &pc->level[level];
	n = s->n;
	if (n >= KAGG_BATCH) /* flushed when it fills: cannot happen */
		goto out;
	if (n == 0)
		s->first_ts = ts;
	fill_rec(&s->recs[n], ts, tid, type, nr, ret);
	s->n = n + 1;
	if (n + 1 == KAGG_BATCH || ts - s->first_ts >= KAGG_FLUSH_NS)
		stage_flush(s);
out:
	percpu_release(pc, held);
}

/*
 * Flush every level no running program holds: from the current level up.
 * While it runs, a program that interrupts it falls back to the ring.
 */
static __always_inline void percpu_flush_free_levels(void)
{
	struct kagg_percpu *pc;
	__u32 zero = 0, level;

	pc = bpf_map_lookup_elem(&percpu_stage, &zero);
	if (!pc)
		return;
	if (claim_cas) {
		for (__u32 l = 0; l < KAGG_LEVELS; l++) {
			if (__sync_val_compare_and_swap(&pc->level[l].owner, 0, 1))
				continue; /* a program holds it: it flushes it itself */
			stage_flush(&pc->level[l]);
			barrier();
			WRITE_ONCE_U32(pc->level[l].owner, 0);
		}
		return;
	}
	level = READ_ONCE_U32(pc->nest);
	WRITE_ONCE_U32(pc->nest, KAGG_LEVELS);
	barrier();
	for (__u32 l = 0; l < KAGG_LEVELS; l++)
		if (l >= level)
			stage_flush(&pc->level[l]);
	barrier();
	WRITE_ONCE_U32(pc->nest, level);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_pc_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	percpu_emit((__u32)pid_tgid, 1, (__u32)id, 0);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_pc_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	percpu_emit((__u32)pid_tgid, 2, (__u32)regs->orig_ax, (__s32)ret);
	return 0;
}

/* A task leaving the CPU hands its staged records over. */
SEC("tp_btf/sched_switch")
int BPF_PROG(kagg_pc_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (prev->tgid == target_tgid)
		percpu_flush_free_levels();
	return 0;
}

/*
 * The flush bound: a per-CPU software clock event (perf_event_open
 * cpu-clock, pinned to its CPU) runs this every KAGG_FLUSH_NS / 2 in
 * hardirq context on that CPU, even when the target has stopped.
 * Why not a BPF timer: timers exist from 5.15 only, the verifier refuses
 * them to kprobe, tracepoint and perf_event programs, and before 6.7
 * (BPF_F_TIMER_CPU_PIN) the callback may run on another CPU than the one
 * whose staging it must flush; a perf event program works the same on
 * every 5.x and 6.x kernel.  In the nesting
 * test it also writes a record: a hardirq producer on top of syscalls.
 */
SEC("perf_event")
int kagg_pc_tick(void *ctx)
{
	if (verify && capture_enabled((__u64)target_tgid << 32))
		percpu_emit(0, KAGG_REC_HARDIRQ, 0, 0);
	percpu_flush_free_levels();
	return 0;
}

/* In the nesting test: a softirq producer, on every CPU. */
SEC("tp_btf/softirq_entry")
int BPF_PROG(kagg_pc_softirq, unsigned int vec)
{
	if (capture_enabled((__u64)target_tgid << 32))
		percpu_emit(0, KAGG_REC_SOFTIRQ, vec, 0);
	return 0;
}

/* ---- stream-spsc: a per-CPU ring in shared memory, drained by user space */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1); /* user space sets it to the number of CPUs */
	__type(key, __u32);
	__type(value, struct kagg_spsc);
} spsc_ring SEC(".maps");

/*
 * Publish a record: its bytes must be visible before the new head.  On
 * x86 stores are not reordered with older stores, so a compiler barrier
 * before a plain store is the release; elsewhere a fetch-and-add, which
 * BPF defines as fully ordered.
 */
static __always_inline void spsc_publish(struct kagg_spsc *q, __u64 head)
{
#if defined(__TARGET_ARCH_x86)
	barrier();
	WRITE_ONCE_U64(q->head, head);
#else
	__sync_fetch_and_add(&q->head, 1);
#endif
}

static __always_inline void spsc_emit(__u32 tid, __u8 type, __u32 nr, __s32 ret)
{
	__u32 cpu = bpf_get_smp_processor_id(), held, level;
	struct kagg_spsc *q;
	__u64 ts, head;

	q = bpf_map_lookup_elem(&spsc_ring, &cpu);
	if (!q)
		return;
	if (claim_cas) {
		held = __sync_val_compare_and_swap(&q->owner, 0, 1) ? 1 : 0;
	} else {
		held = READ_ONCE_U32(q->nest);
		WRITE_ONCE_U32(q->nest, held + 1);
	}
	barrier();
	ts = bpf_ktime_get_ns();
	verify_count();
	level = slot_of(held);
	if (level) {
		/* a nested program: the ring buffer's reserve is safe there */
		fallback_output(ts, tid, type, nr, ret);
		goto out;
	}
	head = q->head; /* this CPU's level 0 is its only writer */
	if (head - READ_ONCE_U64(q->tail) >= KAGG_SPSC_RECS) {
		q->lost++;
		goto out;
	}
	fill_rec(&q->recs[head & (KAGG_SPSC_RECS - 1)], ts, tid, type, nr, ret);
	spsc_publish(q, head + 1);
out:
	barrier();
	if (!claim_cas)
		WRITE_ONCE_U32(q->nest, held);
	else if (held == 0)
		WRITE_ONCE_U32(q->owner, 0);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_spsc_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	spsc_emit((__u32)pid_tgid, 1, (__u32)id, 0);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_spsc_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	spsc_emit((__u32)pid_tgid, 2, (__u32)regs->orig_ax, (__s32)ret);
	return 0;
}

/* The nesting test's producers for stream-spsc (see kagg_pc_tick). */
SEC("perf_event")
int kagg_spsc_tick(void *ctx)
{
	if (capture_enabled((__u64)target_tgid << 32))
		spsc_emit(0, KAGG_REC_HARDIRQ, 0, 0);
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(kagg_spsc_softirq, unsigned int vec)
{
	if (capture_enabled((__u64)target_tgid << 32))
		spsc_emit(0, KAGG_REC_SOFTIRQ, vec, 0);
	return 0;
}

/*
 * ---- stream-perfbuf: bpf_perf_event_output to per-CPU perf buffers, what
 * bpftrace and BCC's perf_submit do.  perf's buffer is per CPU and takes
 * no lock: nested writers reserve with local atomics, and the helper has
 * per-CPU sample slots for three nested programs (-EBUSY beyond).  Every
 * failure is counted here, not from perf's LOST records, which are only
 * written once space frees up again and would be missing at the end.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_out SEC(".maps");

static __always_inline void perfbuf_emit(void *ctx, __u32 tid, __u8 type, __u32 nr, __s32 ret)
{
	struct kagg_rec2 r;

	verify_count();
	fill_rec(&r, bpf_ktime_get_ns(), tid, type, nr, ret);
	if (bpf_perf_event_output(ctx, &perf_out, BPF_F_CURRENT_CPU, &r, sizeof(r)))
		__sync_fetch_and_add(&stream_dropped, 1);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_pb_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	perfbuf_emit(ctx, (__u32)pid_tgid, 1, (__u32)id, 0);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_pb_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	perfbuf_emit(ctx, (__u32)pid_tgid, 2, (__u32)regs->orig_ax, (__s32)ret);
	return 0;
}

/* The nesting test's producers for stream-perfbuf (see kagg_pc_tick). */
SEC("perf_event")
int kagg_pb_tick(struct bpf_perf_event_data *ctx)
{
	if (capture_enabled((__u64)target_tgid << 32))
		perfbuf_emit(ctx, 0, KAGG_REC_HARDIRQ, 0, 0);
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(kagg_pb_softirq, unsigned int vec)
{
	if (capture_enabled((__u64)target_tgid << 32))
		perfbuf_emit(ctx, 0, KAGG_REC_SOFTIRQ, vec, 0);
	return 0;
}
