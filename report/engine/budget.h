/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * budget.h - the time budget of one thread in one window: the
 * window's wall time [lo, hi] split into what the thread was doing, so
 * that the parts add up to hi - lo exactly.
 *
 * Unlike the statistics, which count an interval only when both its ends
 * fall inside the window, the budget clips: a span that began before lo
 * or ends after hi counts for its part inside [lo, hi].  Its state comes
 * from the same pairing as the statistics (pairing.h's per-thread flags),
 * and at every instant the thread is in exactly one class, tested in this
 * order:
 *
 *   hardirq   between irq_handler_entry and irq_handler_exit (any ret)
 *   softirq   between softirq_entry and softirq_exit
 *   running   on a CPU: since its switch-in, or since an event it makes
 *             itself on a CPU (sys_enter/exit, irq, softirq, exit), until
 *             its switch-out
 *   ready     woken or preempted, not yet switched in (run-queue wait)
 *   blocked   inside a syscall (sys_enter seen, sys_exit not yet) and
 *             neither of the above: syscall time minus the running, ready
 *             and irq time that overlaps it; split per syscall nr
 *   other     known state, none of the above (asleep outside a syscall,
 *             e.g. a page fault; exited; or not created yet: a thread
 *             whose first event is its sched_wakeup_new)
 *   unknown   before the thread's first event in the window, when that
 *             event does not tell: a thread whose first event is one it
 *             makes itself on a CPU (sys_enter/exit, irq, softirq, its
 *             switch-out, its exit) was running since lo, since a
 *             switch-in would have been seen; one first woken, then
 *             switched in, then returning from a syscall whose entry
 *             was not seen was blocked in that syscall until the wakeup;
 *             otherwise what it did before its first event is unknown;
 *             and the time from a thread's last event before a loss of
 *             events (losses.h) to its first one after: what it did
 *             then is unknown too
 */
#ifndef KDR_BUDGET_H
#define KDR_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

enum kdr_budget_class {
	KDR_B_RUNNING = 0,
	KDR_B_READY,
	KDR_B_BLOCKED,
	KDR_B_HARDIRQ,
	KDR_B_SOFTIRQ,
	KDR_B_OTHER,
	KDR_B_UNKNOWN,
	KDR_B_N
};

/* Time blocked inside one syscall. */
struct kdr_budget_sys {
	uint32_t nr;
	uint32_t pad;
	uint64_t ns;
};

struct kdr_budget {
	uint64_t ns[KDR_B_N];	    /* per class; sum == window length after close */
	struct kdr_budget_sys *sys; /* blocked per nr, ns desc then nr after close;
				     * sum == ns[KDR_B_BLOCKED] */
	uint32_t nsys, sys_cap;
	uint32_t last_sys;	    /* index of the last nr added to (a cache) */
	uint8_t seen;		    /* an event of the thread was accounted */
	uint8_t first_class;	    /* class of [lo, first_ts) */
	uint8_t oncpu;		    /* on a CPU since the last event */
	uint8_t pre;		    /* KDR_BP_*: what [lo, first_ts) may turn out to be */
	uint64_t first_ts, last_ts; /* first event; accounted up to last_ts */
	uint32_t first_nr;	    /* first_class == KDR_B_BLOCKED: in this syscall */
	uint32_t pad2;
};

/* kdr_budget.pre: a thread first seen woken, then switched in, then
 * returning from a syscall it entered before the window, was asleep in
 * that syscall from lo to its wakeup (kdr_budget_sys_event()). */
#define KDR_BP_NONE 0	  /* nothing to learn (or learnt) */
#define KDR_BP_WOKEN 1	  /* first event a wakeup */
#define KDR_BP_WOKEN_IN 2 /* ... then switched in */

/* Short lower-case name of a class ("running", "ready", ...). */
const char *kdr_budget_class_name(enum kdr_budget_class k);

/* Class of a thread in pairing.h's state flags (KDR_TS_*), on a CPU or not. */
enum kdr_budget_class kdr_budget_class_of(uint32_t ts_flags, int oncpu);

/* What event e says of thread tid's CPU (kdr_budget_effect()). */
#define KDR_BE_WAS_ON (1u << 0) /* it was on a CPU right before e */
#define KDR_BE_ON (1u << 1)	/* it is on a CPU after e */
#define KDR_BE_OFF (1u << 2)	/* it is off any CPU after e */
unsigned kdr_budget_effect(const struct kdf_event *e, uint32_t tid);

/*
 * Account [last accounted, ts] to the class of ts_flags/sys_nr (the state
 * before e is applied), clipped to [clip_lo, clip_hi], then apply e's
 * effect (kdr_budget_effect()) on the CPU state.  The first call only
 * notes the first event.  lost: events were lost since the last accounted
 * time (for the first call: since clip_lo), so that span is left to
 * unknown.  0, or -1 when out of memory (the per-syscall split is then
 * incomplete).
 */
int kdr_budget_advance(struct kdr_budget *b, uint32_t ts_flags, uint32_t sys_nr, uint64_t ts,
		       unsigned effect, uint64_t clip_lo, uint64_t clip_hi, int lost);

/* Events were lost: forget what was known of the thread's CPU and of its
 * time before its first event (the next span is unknown: lost above). */
void kdr_budget_loss(struct kdr_budget *b);

/* After a wakeup / switch-in / sys_enter / sys_exit of the thread:
 * type, and for sys_exit whether its enter was seen (entered) and its nr.
 * Resolves the unknown start of a thread blocked since before lo. */
void kdr_budget_sys_event(struct kdr_budget *b, uint8_t type, int entered, uint32_t nr);

/* The window [lo, hi] closed: account up to hi (lost as above), the time
 * before the first event, and make the classes add up to hi - lo exactly
 * (unknown takes the remainder).  0, or -1 when out of memory. */
int kdr_budget_close(struct kdr_budget *b, uint32_t ts_flags, uint32_t sys_nr, uint64_t lo,
		     uint64_t hi, int lost);

/*
 * The budget of a silent thread (census.h): one that made no event in
 * [lo, hi], so that it did what /proc saw at the window's start for the
 * whole window: asleep ('S', 'D', an idle kernel thread's 'I') in the
 * syscall nr is blocked in nr, asleep outside a syscall (nr is
 * KDF_CENSUS_NO_SYSCALL), stopped or dead is other.  A runnable one ('R')
 * is unknown: with no switch in or out, it was on a CPU all window or
 * waited for one all window, and /proc's letter is the same for both.
 * Replaces what b held.  0, or -1 when out of memory (blocked is then in
 * ns[] without its syscall).
 */
int kdr_budget_silent(struct kdr_budget *b, uint32_t state, uint32_t nr, uint64_t lo,
		      uint64_t hi);

/* Empty b for the next window, keeping its allocation. */
void kdr_budget_reset(struct kdr_budget *b);
void kdr_budget_free(struct kdr_budget *b);

#endif /* KDR_BUDGET_H */
