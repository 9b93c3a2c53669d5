/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.h - per-window accumulation: pairs the raw events of one sample
 * window into intervals (design-notes section 1) and sums them per thread.
 *
 * Events go through a small reorder buffer first (events of different CPUs
 * reach the file slightly out of timestamp order), then through a state
 * machine per thread.  Memory is proportional to the threads, the keys
 * (thread x syscall / irq / vector) and the listed syscall events of one
 * window; nothing is allocated per event.
 */
#ifndef KDR_STATS_H
#define KDR_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

#define KDR_NO_NR UINT32_MAX

struct kdr_stat {
	uint64_t count;
	uint64_t total;
	uint64_t max;
	uint64_t min;
};

enum kdr_key_kind {
	KDR_K_SYSCALL = 1, /* key = syscall nr */
	KDR_K_HARDIRQ = 2, /* key = string id of the irq action name */
	KDR_K_SOFTIRQ = 3, /* key = vector */
};

/* One row of a per-thread table: syscall, hard irq or soft irq. */
struct kdr_keyed {
	uint32_t tid;
	uint32_t key;
	uint32_t kind; /* enum kdr_key_kind */
	uint32_t pad;
	struct kdr_stat st;
};

/* kdr_thread_state.flags */
#define KDR_TS_IN_SYS (1u << 0)
#define KDR_TS_ON_CPU (1u << 1)
#define KDR_TS_READY (1u << 2)
#define KDR_TS_IN_IRQ (1u << 3)
#define KDR_TS_IN_SOFTIRQ (1u << 4)
#define KDR_TS_EXITED (1u << 5)
/* The intervals a LOSS event may have broken (losses.h). */
#define KDR_TS_OPEN (KDR_TS_IN_SYS | KDR_TS_ON_CPU | KDR_TS_READY | KDR_TS_IN_IRQ | KDR_TS_IN_SOFTIRQ)

/* Intervals of a thread that spanned a loss of events: unknown, counted
 * apart, never in count, total, max, a distribution or the budget. */
enum kdr_unknown_kind {
	KDR_U_SYSCALL = 0,
	KDR_U_RUN,
	KDR_U_READY,
	KDR_U_HARDIRQ,
	KDR_U_SOFTIRQ,
	KDR_U_N
};

struct kdr_thread_state {
	uint32_t tid;
	uint32_t flags;
	uint64_t sys_ts;
	uint64_t run_ts;
	uint64_t ready_ts;
	uint64_t irq_ts;
	uint64_t soft_ts;
	uint32_t sys_nr;
	uint32_t irq_nr;
	uint32_t irq_name;
	uint32_t soft_vec;
	uint32_t cache_nr[4];  /* syscall nrs counted lately (by nr & 3) ... */
	uint32_t cache_ix1[4]; /* ... and their kdr_keyed index + 1, 0 = empty */
	struct kdr_stat run;
	struct kdr_stat ready;
	uint64_t unknown[KDR_U_N]; /* enum kdr_unknown_kind */
	uint64_t loss_mark;	   /* (stats.c's bookkeeping, losses.h) */
};

/* A syscall kept for the "# SYSCALL EVENTS" list. */
struct kdr_sysev {
	uint64_t entry_ts;
	uint64_t exit_ts;
	uint32_t tid;
	uint32_t nr;
	int32_t ret;
	uint32_t kstack; /* kdf_reader_stack() ids, 0 = none */
	uint32_t ustack;
	uint8_t has_stack; /* a KDF_EV_STACK event was matched */
	uint8_t stack_flags;
	uint16_t pad;
};

struct kdr_stats_cfg {
	int64_t list_ns;	/* list syscalls longer than this; 0 = all; < 0 = none */
	uint32_t poll_nr;	/* KDR_NO_NR when the table has no poll */
	int skip_poll;		/* do not list poll */
	uint32_t only_nr;	/* list only this syscall; KDR_NO_NR = any */
	const uint32_t *tids;	/* list only these tids (NULL = any) */
	size_t ntids;
	size_t reorder_cap;	/* events held back for reordering; 0 = default */
	int histograms;		/* keep the distribution of every interval (hist.h) */
	int budget;		/* keep each thread's time budget (budget.h) */
};

/* Diagnostics of one window. */
struct kdr_stats_diag {
	uint64_t events;     /* events fed */
	uint64_t clipped;    /* outside the window (or --time-range): ignored */
	uint64_t reversed;   /* an interval end before its start: not counted */
	uint64_t late;	     /* arrived after newer events were processed */
};

struct kdr_stats;

/* Returns NULL when out of memory. */
struct kdr_stats *kdr_stats_new(const struct kdr_stats_cfg *cfg);
void kdr_stats_free(struct kdr_stats *st);

/* Events outside [lo, hi] are ignored as they come (lo: the previous
 * window's end or the start of --time-range; hi: the end of --time-range). */
void kdr_stats_set_bounds(struct kdr_stats *st, uint64_t lo, uint64_t hi);

/* Feed events of the current window.  0, or -1 when out of memory (the
 * window's statistics are then incomplete; the error is sticky). */
int kdr_stats_feed(struct kdr_stats *st, const struct kdf_event *ev, size_t n);

/* The window [lo, hi] closed: flush the reorder buffer, keeping only
 * events inside it.  The results below stay valid until kdr_stats_reset(). */
int kdr_stats_close(struct kdr_stats *st, uint64_t lo, uint64_t hi);

/* Forget everything of the window (pairing state too). */
void kdr_stats_reset(struct kdr_stats *st);

const struct kdr_thread_state *kdr_stats_threads(const struct kdr_stats *st, size_t *n);
const struct kdr_keyed *kdr_stats_keyed(const struct kdr_stats *st, size_t *n);
const struct kdr_sysev *kdr_stats_events(const struct kdr_stats *st, size_t *n);
const struct kdr_stats_diag *kdr_stats_diag(const struct kdr_stats *st);
/* The LOSS events of the window (struct kdr_losses of losses.h). */
const struct kdr_losses *kdr_stats_losses(const struct kdr_stats *st);
/* Sum of the thread's unknown[] (intervals lost to a loss of events). */
uint64_t kdr_stats_unknown_total(const struct kdr_thread_state *t);
/* Non-zero after an allocation failure since the last reset. */
int kdr_stats_failed(const struct kdr_stats *st);

/* Lookups (NULL when absent). */
const struct kdr_thread_state *kdr_stats_thread(const struct kdr_stats *st, uint32_t tid);
const struct kdr_stat *kdr_stats_key(const struct kdr_stats *st, uint32_t tid,
				     enum kdr_key_kind kind, uint32_t key);

/*
 * Distributions (cfg.histograms; NULL otherwise): of the row
 * kdr_stats_keyed()[i], and of the RUN / READY intervals of
 * kdr_stats_threads()[i].  They hold exactly the intervals the kdr_stat
 * beside them counts (same pairing, same window).
 */
const struct kdr_hist *kdr_stats_keyed_hist(const struct kdr_stats *st, size_t i);
const struct kdr_hist *kdr_stats_run_hist(const struct kdr_stats *st, size_t i);
const struct kdr_hist *kdr_stats_ready_hist(const struct kdr_stats *st, size_t i);
/* Budget of kdr_stats_threads()[i] in the closed window (cfg.budget;
 * NULL otherwise). */
const struct kdr_budget *kdr_stats_budget(const struct kdr_stats *st, size_t i);

#endif /* KDR_STATS_H */
