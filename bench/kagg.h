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

#endif /* KAGG_H */
