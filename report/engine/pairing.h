/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pairing.h - the report's one pairing of raw events into intervals.
 *
 * Every consumer of intervals (the statistics, the export timeline that
 * chrome-json, folded and HTML read) is fed by this engine, so that they
 * all see the same intervals.  Events pass through a reorder ring
 * (reorder.h), then through a state machine per thread:
 *
 *   SYSCALL  sys_enter -> sys_exit of the same nr
 *   RUNNING  switched in -> switched out
 *   READY    woken (or switched out still runnable) -> switched in
 *   HARDIRQ  irq entry -> exit of the same irq (any ret: the consumer
 *            decides whether IRQ_NONE counts)
 *   SOFTIRQ  softirq entry -> exit of the same vector
 *
 * One rule for each case the consumers used to decide apart:
 *   - a wakeup of a running thread starts nothing (it had not gone to
 *     sleep yet); of a thread already ready, it keeps the earlier start;
 *   - a thread's exit ends its open syscall without an interval
 *     (exit_group never returns) and its ready wait;
 *   - an end whose timestamp precedes its start makes no interval
 *     (counted in diag.reversed, never a negative or clamped length);
 *   - an event more than KDR_PAIR_REACH events out of order is paired
 *     at once, as late (counted in diag.late);
 *   - a syscall's STACK event is the next event of its thread but a
 *     switch, of the same nr and entry: a consumer that shows stacks
 *     (kdr_pair_cfg.stacks) gets each syscall interval once that event
 *     came or can no longer come; one that does not gets it at its exit.
 *
 * Window edges are the consumer's choice (kdr_pair_cfg.clip):
 *   drop  only intervals with both ends seen are emitted; the consumer
 *         calls kdr_pair_reset() between windows;
 *   clip  an interval whose start was not seen starts where the stream
 *         (or the window after a gap) started, KDR_IV_OPEN_START; one
 *         still open at kdr_pair_finish() or at a gap between windows
 *         (kdr_pair_cfg.windows) ends there, KDR_IV_UNFINISHED.
 *
 * Where the recorder lost events (a LOSS event, losses.h) every interval
 * open then ends at the loss, flagged KDR_IV_LOST, under either policy,
 * and the states start afresh: an end after the loss whose start was not
 * seen after it makes no interval.  Any interval that spans a loss is
 * flagged KDR_IV_LOST: its real length is unknown.
 *
 * Memory: the reorder ring, one state per thread; nothing per event.
 */
#ifndef KDR_PAIRING_H
#define KDR_PAIRING_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "hashidx.h"
#include "kdelay_format.h"
#include "losses.h"
#include "reorder.h"

#define KDR_PAIR_REORDER 4096 /* events held back by default */
#define KDR_PAIR_REACH 256    /* beyond this many newer ones, an event is late */
#define KDR_PAIR_RUN 512      /* events sorted before they are paired, at most */

enum kdr_ikind {
	KDR_I_RUNNING,
	KDR_I_READY,
	KDR_I_SYSCALL,
	KDR_I_HARDIRQ,
	KDR_I_SOFTIRQ,
	KDR_I_N,
};

/* kdr_interval.flags */
#define KDR_IV_OPEN_START (1u << 0) /* start not seen: starts at the stream's edge (clip) */
#define KDR_IV_UNFINISHED (1u << 1) /* end not seen: ends at the stream's edge (clip) */
#define KDR_IV_PREEMPTED (1u << 3)  /* ready: switched out while runnable */
#define KDR_IV_HAS_STACK (1u << 4)  /* syscall: a KDF_EV_STACK matched */
#define KDR_IV_LOST (1u << 7)	    /* spans a loss of events: real length unknown */

struct kdr_interval {
	uint32_t tid;
	uint32_t kind;	/* enum kdr_ikind */
	uint32_t flags; /* KDR_IV_* */
	uint32_t nr;	/* syscall nr, irq number, softirq vector */
	uint64_t start, end; /* absolute CLOCK_MONOTONIC ns, start <= end */
	int32_t ret;	     /* syscall or irq return value */
	uint32_t name_id;    /* hard irq: string id of the action name */
	uint32_t kstack_id, ustack_id, stack_flags;
	uint32_t thread; /* index of its thread (kdr_pair_threads()) */
	/* rank of the event that ended it among those paired since the
	 * reset: a syscall emitted late (after its stack) still sorts
	 * where it ended */
	uint64_t seq;
};

/* kdr_pair_thread.flags: what is open now ... */
#define KDR_TS_IN_SYS (1u << 0)
#define KDR_TS_ON_CPU (1u << 1)
#define KDR_TS_READY (1u << 2)
#define KDR_TS_IN_IRQ (1u << 3)
#define KDR_TS_IN_SOFTIRQ (1u << 4)
#define KDR_TS_EXITED (1u << 5)
#define KDR_TS_OPEN (KDR_TS_IN_SYS | KDR_TS_ON_CPU | KDR_TS_READY | KDR_TS_IN_IRQ | KDR_TS_IN_SOFTIRQ)
/* ... and whether a lane's state is known (else an end found now began
 * before what was seen: KDR_IV_OPEN_START under the clip policy) */
#define KDR_TS_SCHED_KNOWN (1u << 6)
#define KDR_TS_SYS_KNOWN (1u << 7)
#define KDR_TS_PENDING (1u << 8) /* pending holds a syscall awaiting its stack */
#define KDR_TS_IGNORED (1u << 9) /* the consumer does not follow this thread */

/* The pairing state of one thread. */
struct kdr_pair_thread {
	uint32_t tid;
	uint32_t flags; /* KDR_TS_* */
	uint64_t sys_ts, run_ts, ready_ts, irq_ts, soft_ts;
	uint32_t sys_nr, irq_nr, irq_name, soft_vec;
	uint64_t loss_mark; /* losses.h's touched list */
	struct kdr_interval pending;
};

struct kdr_pair_cfg {
	bool clip;	     /* window-edge policy: 1 clip, 0 drop (above) */
	bool stacks;	     /* attach stacks to syscall intervals (above) */
	size_t reorder_cap;  /* events held back; 0 = KDR_PAIR_REORDER */
	/* clip: the windows of the capture in time order; where one starts
	 * after the previous ended, nothing was recorded in between */
	const struct kdf_window *windows;
	size_t nwindows;
	void *ctx;
	/* A new tid, made thread index i (indices are dense, in order of
	 * first sight): 1 to follow it, 0 to ignore it, -1 when out of
	 * memory.  NULL follows every thread. */
	int (*admit)(void *ctx, uint32_t tid, uint32_t i);
	/* Complete intervals, in the order they ended (kdr_pair_flush()); by
	 * kind, when by_kind. */
	int (*intervals)(void *ctx, const struct kdr_interval *v, size_t n);
	/* Each call of intervals() holds one kind, in the order they ended
	 * within it: for a consumer whose sums do not depend on the order
	 * between kinds, which then asks the kind once a batch, not once an
	 * interval (where a mixed capture keeps the processor guessing). */
	bool by_kind;
	/* e is about to change thread i's state (NULL: not needed); for a
	 * LOSS, called for each thread that may have something open. */
	int (*before)(void *ctx, uint32_t i, const struct kdf_event *e);
	/* A TRIGGER event, in time order (NULL: not needed). */
	int (*trigger)(void *ctx, const struct kdf_event *e);
};

/* Diagnostics since the last reset. */
struct kdr_pair_diag {
	uint64_t events;   /* events fed */
	uint64_t clipped;  /* outside the bounds: ignored */
	uint64_t reversed; /* an interval end before its start: no interval */
	uint64_t late;	   /* arrived after newer events were paired */
};

#define KDR_PAIR_TCACHE 1024 /* direct-mapped tid -> thread cache, a power of 2 */
#define KDR_PAIR_BATCH 32    /* intervals handed to the consumer at once */

struct kdr_pairing {
	struct kdr_pair_cfg cfg;
	uint64_t lo, hi;     /* kdr_pair_set_bounds() */
	uint64_t last_ts;    /* of the last event paired */
	uint64_t open_start; /* clip: where an interval whose start was not seen starts */
	uint64_t seq;	     /* events paired since the reset */
	size_t window;	     /* clip: cfg.windows[] the events are in now */
	struct kdr_reorder reorder;
	struct kdr_losses losses;	 /* LOSS events paired since the reset */
	struct kdr_loss_touched touched; /* threads changed since the last one */
	struct kdr_pair_thread *thr;
	uint32_t nthr;
	size_t thr_cap;
	struct kdr_ix thr_ix;
	struct {
		uint32_t tid;
		uint32_t slot; /* index + 1, 0 = empty */
	} tcache[KDR_PAIR_TCACHE];
	struct kdr_pair_diag diag;
	int failed; /* sticky: out of memory, or a callback's non-zero return */
	/* made, not handed over yet: one lane per kind (cfg.by_kind), else
	 * lane 0 */
	struct kdr_interval batch[KDR_I_N][KDR_PAIR_BATCH];
	size_t nbatch[KDR_I_N];
};

/* 0, or -1 when out of memory; kdr_pair_free() either way. */
int kdr_pair_init(struct kdr_pairing *p, const struct kdr_pair_cfg *cfg);
void kdr_pair_free(struct kdr_pairing *p);

/* Events outside [lo, hi] are ignored as they come (a LOSS when its range
 * does not overlap it).  Unbounded until called. */
void kdr_pair_set_bounds(struct kdr_pairing *p, uint64_t lo, uint64_t hi);

/* Clip policy: an interval whose start was not seen starts at ts (the
 * first event of the stream). */
static inline void kdr_pair_set_open_start(struct kdr_pairing *p, uint64_t ts)
{
	p->open_start = ts;
}

/* Feed events in file order.  0, or the first non-zero return of a
 * callback, or -1 when out of memory (sticky until the reset). */
int kdr_pair_feed(struct kdr_pairing *p, const struct kdf_event *ev, size_t n);
/* The same for events known to be in time order (no ts before the one
 * before it, a LOSS ending no earlier than it starts: the reader's
 * kdf_item.u.events.in_order), which then need not be asked one by one. */
int kdr_pair_feed_in_order(struct kdr_pairing *p, const struct kdf_event *ev, size_t n);

/* The stream (or the window [lo, hi]) ended: pair what the reorder ring
 * holds, keeping only events inside [lo, hi], and emit the syscalls that
 * wait for a stack; under the clip policy every interval still open ends
 * at hi, KDR_IV_UNFINISHED (irqs excepted: one open at the end is not
 * known to be one).  Returns as kdr_pair_feed(). */
int kdr_pair_finish(struct kdr_pairing *p, uint64_t lo, uint64_t hi);

/* Hand the intervals made so far to cfg.intervals now (the engine does
 * when a batch is full, before a trigger and at kdr_pair_finish()): a
 * consumer that interleaves them with something else calls it first.
 * Returns as kdr_pair_feed(). */
int kdr_pair_flush(struct kdr_pairing *p);

/* Forget every thread, state, loss and diagnostic (the bounds stay). */
void kdr_pair_reset(struct kdr_pairing *p);

/* The threads in index order (admitted or not: see KDR_TS_IGNORED). */
static inline const struct kdr_pair_thread *kdr_pair_threads(const struct kdr_pairing *p,
							     size_t *n)
{
	*n = p->nthr;
	return p->thr;
}

#endif /* KDR_PAIRING_H */
