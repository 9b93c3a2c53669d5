/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kdelay_events.h - the ring-buffer wire format between bpf/kdelay.bpf.c
 * and record/.  Included by both sides, so fixed-width kernel types only.
 *
 * Every record starts with struct kd_ev_hdr; the consumer switches on
 * hdr.type.  Records are naturally aligned and padded to 8 bytes.
 * This is NOT the capture-file format (see format/kdelay_format.h): the
 * recorder translates these records into struct kdf_event.
 */
#ifndef KDELAY_EVENTS_H
#define KDELAY_EVENTS_H

/* The BPF side includes vmlinux.h first, which defines the __u* types. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define KD_COMM_LEN 16
#define KD_IRQ_NAME_LEN 32
#define KD_MAX_STACK_DEPTH 127

enum kd_ev_type {
	KD_EV_SYS_ENTER = 1,	 /* struct kd_ev_sys, ret = 0 */
	KD_EV_SYS_EXIT = 2,	 /* struct kd_ev_sys */
	KD_EV_SWITCH = 3,	 /* struct kd_ev_switch, hdr.tid = prev tid */
	KD_EV_WAKEUP = 4,	 /* struct kd_ev_wakeup, hdr.tid = woken tid */
	KD_EV_IRQ_ENTRY = 5,	 /* struct kd_ev_irq_entry */
	KD_EV_IRQ_EXIT = 6,	 /* struct kd_ev_irq_exit */
	KD_EV_SOFTIRQ_ENTRY = 7, /* struct kd_ev_softirq */
	KD_EV_SOFTIRQ_EXIT = 8,	 /* struct kd_ev_softirq */
	KD_EV_TRIGGER = 9,	 /* struct kd_ev_trigger */
	KD_EV_COMM = 10,	 /* struct kd_ev_comm: thread created or renamed */
	KD_EV_THREAD_EXIT = 11,	 /* struct kd_ev_exit */
	KD_EV_STACK = 12,	 /* struct kd_ev_stack, variable length */
	KD_EV_LOSS = 13,	 /* struct kd_ev_loss, hdr.tid = 0, hdr.cpu = where */
	KD_EV_CPU_RUN = 14,	 /* struct kd_ev_cpu_run, hdr.tid = the task, hdr.cpu = its CPU */
	KD_EV_SYS_BATCH = 15,	 /* struct kd_ev_batch: staged SYS_ENTER/SYS_EXIT records */
};

/* hdr.flags for KD_EV_SWITCH */
#define KD_SW_PREV_TARGET (1u << 0) /* prev belongs to the target tgid */
#define KD_SW_NEXT_TARGET (1u << 1) /* next belongs to the target tgid */
#define KD_SW_PREEMPT (1u << 2)	    /* prev was still runnable (preempted) */
/* hdr.flags for KD_EV_WAKEUP: bit 0, then the context the waker ran in
 * (bits 1-2) and, for a softirq, its vector (bits 3-6), then bit 7 */
#define KD_WAKE_NEW (1u << 0) /* sched_wakeup_new, not sched_wakeup */
#define KD_WAKE_CTX_MASK (3u << 1)
#define KD_WAKE_CTX_TASK (0u << 1)    /* a task: waker_* name it */
#define KD_WAKE_CTX_HARDIRQ (1u << 1) /* a hard irq handler */
#define KD_WAKE_CTX_SOFTIRQ (2u << 1) /* a softirq, vector in bits 3-6 */
#define KD_WAKE_CTX_TIMER (3u << 1)   /* a timer expiring (hrtimer, or the timer softirq) */
#define KD_WAKE_VEC_SHIFT 3
#define KD_WAKE_VEC_MASK (15u << KD_WAKE_VEC_SHIFT)
/* the waker is the task current on hdr.cpu, where the woken thread is
 * queued, and not a kernel thread: no CPU_RUN is written for it */
#define KD_WAKE_WAKER_CURRENT (1u << 7)
/* hdr.flags for KD_EV_TRIGGER */
#define KD_TRIG_START (1u << 0)
#define KD_TRIG_STOP (1u << 1)
/* hdr.flags for KD_EV_COMM */
#define KD_COMM_NEW_THREAD (1u << 0)
/* hdr.flags for KD_EV_CPU_RUN */
#define KD_RUN_KTHREAD (1u << 0) /* the task is a kernel thread (PF_KTHREAD) */
/* hdr.flags for KD_EV_STACK */
#define KD_STACK_KERNEL_LOST (1u << 0) /* bpf_get_stack() failed */
#define KD_STACK_USER_LOST (1u << 1)

/* Values of the BPF global capture_state (the reference's capture_on). */
#define KD_CAPTURE_IDLE 0 /* armed: a start trigger may open a window */
#define KD_CAPTURE_ON 1
#define KD_CAPTURE_STOPPED 2 /* window closed; start triggers count as missed */

struct kd_ev_hdr {
	__u64 ts; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 tid;
	__u8 type;  /* enum kd_ev_type */
	__u8 flags; /* per-type KD_* flags above */
	__u16 cpu;
};

struct kd_ev_sys {
	struct kd_ev_hdr hdr;
	__u32 nr;
	__s32 ret; /* low 32 bits of the return value; 0 on entry */
};

struct kd_ev_switch {
	struct kd_ev_hdr hdr;
	__u32 next_tid;
	__u32 prev_state; /* prev's __state (0 = TASK_RUNNING) */
};

/* The waker is the task current on the waking CPU, taken at event time
 * (it may have exited or been renamed by the time the report reads it);
 * in an interrupt that is the task it interrupted (swapper, tid 0, when
 * the CPU was idle), and hdr.flags say which interrupt (KD_WAKE_CTX_*). */
struct kd_ev_wakeup {
	struct kd_ev_hdr hdr;
	__u32 waker_tid;
	__u32 waker_pid; /* its tgid */
	char waker_comm[KD_COMM_LEN];
};

struct kd_ev_irq_entry {
	struct kd_ev_hdr hdr;
	__u32 irq;
	__u32 pad;
	char name[KD_IRQ_NAME_LEN]; /* action->name, NUL padded */
};

struct kd_ev_irq_exit {
	struct kd_ev_hdr hdr;
	__u32 irq;
	__s32 ret; /* irqreturn_t: 0 = IRQ_NONE (not counted) */
};

struct kd_ev_softirq {
	struct kd_ev_hdr hdr;
	__u32 vec;
	__u32 pad;
};

struct kd_ev_trigger {
	struct kd_ev_hdr hdr; /* flags: KD_TRIG_START or KD_TRIG_STOP */
	__u32 pad[2];
};

struct kd_ev_comm {
	struct kd_ev_hdr hdr;
	char comm[KD_COMM_LEN];
};

struct kd_ev_exit {
	struct kd_ev_hdr hdr;
	__u32 pad[2];
};

struct kd_ev_stack {
	struct kd_ev_hdr hdr; /* ts = the syscall's exit time */
	__u32 nr;
	__u16 kernel_depth; /* number of ips[] entries that are kernel */
	__u16 user_depth;   /* user entries follow the kernel ones */
	__u64 entry_ts;
	__u64 ips[2 * KD_MAX_STACK_DEPTH];
};

/*
 * Who runs on a CPU where a thread of the target waits runnable: written
 * at each switch there to a task outside the target while one waits
 * (hdr.ts = the switch), and for the task current there when a target
 * thread is queued on it (woken, or migrated while it waits).  Nothing is
 * written while no target thread waits on the CPU.
 */
struct kd_ev_cpu_run {
	struct kd_ev_hdr hdr;
	__u32 pid; /* its tgid */
	__u32 pad;
	char comm[KD_COMM_LEN];
};

/* Records that could not be reserved on hdr.cpu (the ring was full): from
 * hdr.ts, the first of them, to end_ts, when the ring took a record again. */
struct kd_ev_loss {
	struct kd_ev_hdr hdr;
	__u64 count;
	__u64 end_ts;
};

/*
 * Syscall records staged on one CPU (bpf/kdelay.bpf.c, staging), handed
 * over as one ring record: hdr.ts = the first record's time, hdr.tid =
 * the number of records that follow, hdr.cpu = their CPU, hdr.flags = the
 * staging level they come from.  The records are in time order.
 */
#define KD_STAGE_BATCH 64
#define KD_STAGE_LEVELS 4 /* staging levels of a CPU (hdr.flags < this) */

struct kd_ev_batch {
	struct kd_ev_hdr hdr;
	struct kd_ev_sys recs[KD_STAGE_BATCH];
};

/*
 * Losses of each CPU not yet written as a KD_EV_LOSS record: the BPF
 * globals loss_count[] and loss_first_ts[] (0 = none), also taken by the
 * recorder when a window closes.  Indexed by CPU modulo KD_LOSS_CPUS (a
 * power of 2).
 */
#define KD_LOSS_CPUS 4096

/*
 * The scheduler's view of one target thread, kept by the BPF side so that
 * a switch or a wakeup of the thread finds it once: in the slot
 * tid % KD_THREAD_SLOTS of the array thread_slots when its tag is the
 * tid, else in the hash thread_sched keyed by tid
 * (bpf/thread_sched.bpf.h).  The recorder reads asleep_since for the
 * census (record/census.c) the same way.
 */
#define KD_THREAD_SLOTS 16384 /* a power of 2 */
#define KD_THREAD_SLOT_FREE 0x80000000u /* tag bit: the tid's thread is gone */

struct kd_thread_sched {
	__u64 asleep_since;   /* when it was switched out asleep; 0 while not asleep */
	__u64 waker_pid_tgid; /* its last waker, as sched_waking saw it */
	__u64 waker_task;     /* that waker's task_struct (compared, never read) */
	char waker_comm[KD_COMM_LEN];
	__u32 waits_on;	     /* the CPU it waits runnable on + 1; 0 while it does not */
	__u32 tid;	     /* in thread_slots: the owner's tid (| KD_THREAD_SLOT_FREE once gone), 0 never owned */
	__u8 waker_context;  /* KD_WAKE_CTX_* and vector */
	__u8 waker_stashed;  /* 1 from sched_waking until its sched_wakeup took it */
	__u8 pad[6];
};

/* Size of a KD_EV_STACK record carrying n addresses in ips[]. */
#define KD_EV_STACK_SIZE(n) (sizeof(struct kd_ev_stack) - sizeof(((struct kd_ev_stack *)0)->ips) + (n) * 8)

#endif /* KDELAY_EVENTS_H */
