/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kagg.h - map layout shared by bench/kagg.bpf.c and bench/kagg.c.
 *
 * kagg is the benchmark's in-kernel aggregator: it keeps, per thread of
 * one target process and per system call, count / total ns / max ns in
 * BPF hash maps, the way kernel_delay.py's syscall monitor does.
 */
#ifndef KAGG_H
#define KAGG_H

/* The BPF side includes vmlinux.h first, which defines the __u* types. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* BCC's BPF_HASH default size, what kernel_delay.py gets. */
#define KAGG_MAX_ENTRIES 10240

struct kagg_key {
	__u32 pid;
	__u32 tid;
	__u32 nr;
};

struct kagg_val {
	__u64 count;
	__u64 total_ns;
	__u64 max_ns;
};

/* The streaming modes' ring: kdelay-record's default (1024 pages). */
#define KAGG_RING_BYTES (1024 * 4096)

/* stream2: one record per sys_enter and per sys_exit, like kdelay's. */
struct kagg_rec2 {
	__u64 ts;
	__u32 tid;
	__u8 type; /* 1 enter, 2 exit */
	__u8 flags;
	__u16 cpu;
	__u32 nr;
	__s32 ret;
};

/* stream1: one record per syscall, written at sys_exit. */
struct kagg_rec1 {
	__u64 entry_ts;
	__u64 exit_ts;
	__u32 tid;
	__u32 nr;
	__s32 ret;
	__u32 cpu;
};

/*
 * The lock-free streaming designs (kagg.bpf.c, "stream-percpu" and
 * "stream-spsc") carry kagg_rec2 records and pick their per-CPU buffer by
 * nesting level: 0 for the program that runs first on a CPU, 1.. for one
 * that interrupted it (softirq, hardirq, NMI).  Deeper than KAGG_LEVELS
 * falls back to one bpf_ringbuf_output per record.
 */
#define KAGG_LEVELS 4

/* stream-percpu: records staged per CPU and level, handed over in batches. */
#define KAGG_BATCH 64
/* a staged record is handed over within this long (ticks every half of it) */
#define KAGG_FLUSH_NS (10 * 1000 * 1000ull)

struct kagg_stage {
	__u32 n;	 /* records staged */
	__u32 owner;	 /* 1 while a program holds this level (claim by CAS) */
	__u64 first_ts;	 /* time of the oldest staged record */
	__u64 lost;	 /* records whose batch found the ring full */
	struct kagg_rec2 recs[KAGG_BATCH];
};

struct kagg_percpu {
	__u32 nest;	 /* programs of this design running on this CPU now */
	__u32 pad;
	__u64 fallback_lost; /* nested deeper than KAGG_LEVELS, ring full */
	struct kagg_stage level[KAGG_LEVELS];
};

/*
 * stream-spsc: one single-producer/single-consumer ring per CPU for level
 * 0, in a BPF_F_MMAPABLE array that user space maps and drains; nested
 * programs (level >= 1) use the BPF ring buffer.  head is written by the
 * CPU's programs only, tail by the consumer only, each on its own line.
 */
#define KAGG_SPSC_RECS (1u << 16) /* 1.5 MiB of records per CPU */

struct kagg_spsc {
	__u64 head;	 /* records written (next index to write) */
	__u64 pad1[7];
	__u64 tail;	 /* records consumed (next index to read) */
	__u64 pad2[7];
	__u64 lost;	 /* records that found the ring full */
	__u32 nest;	 /* as kagg_percpu.nest */
	__u32 owner;	 /* as kagg_stage.owner, for the ring (level 0) */
	__u64 pad4[6];
	struct kagg_rec2 recs[KAGG_SPSC_RECS];
};

/* record types: 1 sys_enter, 2 sys_exit; in the nesting test also: */
#define KAGG_REC_SOFTIRQ 3
#define KAGG_REC_HARDIRQ 4 /* the tick, a hrtimer interrupt */

/*
 * A one-byte check over a record's other fields, set by the producer and
 * verified by the consumer in the nesting test: two writers interleaved
 * in one slot leave a record whose check does not match.
 */
static inline __u8 kagg_rec_check(const struct kagg_rec2 *r)
{
	__u64 x = r->ts ^ ((__u64)r->tid << 7) ^ ((__u64)r->type << 21) ^
		  ((__u64)r->cpu << 29) ^ ((__u64)r->nr << 35) ^ (__u64)(__u32)r->ret;

	x ^= x >> 32;
	x ^= x >> 16;
	x ^= x >> 8;
	return (__u8)(x | 1); /* never 0: a zeroed slot fails */
}

#endif /* KAGG_H */
