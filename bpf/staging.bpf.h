/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * staging.bpf.h - the syscall records batched per CPU (kdelay-record
 * --staging on) and the flush tick that hands the batches to the ring.
 * Included by bpf/kdelay.bpf.c after record.bpf.h.
 */
#ifndef KDELAY_STAGING_BPF_H
#define KDELAY_STAGING_BPF_H

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

#endif /* KDELAY_STAGING_BPF_H */
