/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view.h - what one window's report shows, computed once from the window's
 * statistics and rendered by a sink (text.c, json_out.c): threads sorted by
 * name then tid, rows sorted by total, filters applied, names resolved.
 */
#ifndef KDR_VIEW_H
#define KDR_VIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "budget.h"
#include "capture_end.h"
#include "census.h"
#include "filter.h"
#include "hist.h"
#include "kdelay_format.h"
#include "losses.h"
#include "report_options.h"
#include "stats.h"
#include "symbols.h"
#include "threads.h"
#include "walltime.h"

/* Everything a sink may need about the capture and the options. */
struct kdr_ctx {
	const struct kdr_options *o;
	struct kdf_reader *r;
	const struct kdf_meta *meta;
	const char *path;	/* for messages; NULL for a memory capture */
	const char *prog;
	FILE *out;
	FILE *err;
	struct kdr_threads *threads;
	struct kdr_symbols *syms;
	struct kdr_filter filter;
	struct kdr_walltime wt;
	uint32_t poll_nr;	 /* KDR_NO_NR when the table has no "poll" */
	int64_t list_ns;	 /* effective --syscall-events, < 0 = none */
	int skip_poll;		 /* effective --skip-syscall-poll-events */
	uint64_t trigger_delta;	 /* effective --trigger-delta */
};

struct kdr_row {
	uint32_t kind; /* enum kdr_key_kind */
	uint32_t key;
	const char *name; /* syscall, irq action or softirq vector name */
	size_t name_len;
	const struct kdr_stat *st;
	char own[32];	  /* name, when made up ("[unknown: N]") */
	const struct kdr_hist *hist; /* its distribution; NULL unless --histogram */
};

struct kdr_tview {
	uint32_t tid;
	const char *name; /* never NULL; NUL terminated */
	size_t name_len;
	struct kdr_row *sys, *hard, *soft; /* sorted by total desc, key asc */
	size_t nsys, nhard, nsoft;
	uint64_t sys_count_nopoll; /* TOTAL( - poll): */
	uint64_t sys_total_nopoll;
	uint64_t hard_count, hard_total, soft_count, soft_total;
	const struct kdr_stat *run;   /* NULL when the thread never ran */
	const struct kdr_stat *ready; /* NULL when it never waited */
	char own[32];		      /* name, when made up */
	/* --histogram: distributions of run and ready (NULL otherwise) */
	const struct kdr_hist *run_hist, *ready_hist;
	const struct kdr_budget *budget; /* --budget; NULL otherwise */
	/* intervals that spanned a loss of events, by enum kdr_unknown_kind,
	 * and their sum: unknown, in no statistic */
	const uint64_t *unknown;
	uint64_t unknown_total;
	/* --budget only: a thread with events in the window but no interval
	 * counted (asleep in a syscall all along): in the budget, not in the
	 * statistics blocks */
	int budget_only;
	/* --budget, a silent thread (census.h): no event in the window, its
	 * budget from the census (kdr_budget_silent()); NULL otherwise */
	const struct kdr_census_row *silent;
};

/* A syscall entered in the window and not returned when it closed; or a
 * thread woken (or preempted) in the window and still not on a CPU. */
struct kdr_inprog {
	uint32_t tid;
	uint32_t nr;
	const char *thread;
	size_t thread_len;
	uint64_t entry_ts;
	uint64_t elapsed; /* window end - entry */
	char own[32];
};

/* One listed syscall, as shown (valid until the next batch). */
struct kdr_evview {
	const struct kdr_sysev *ev;
	const char *thread;
	size_t thread_len;
	int stack_missing; /* a stack was expected and is not there (or lost) */
	char own[32];
};

/* The listed syscalls of a window read back, a batch at a time. */
#define KDR_VIEW_EVENTS_BATCH 256
struct kdr_view_events {
	struct kdr_ctx *c;
	const struct kdr_sysev_list *list;
	uint64_t hi;		/* names are the threads' at the window's end */
	struct kdr_sysev_iter it;
	struct kdr_sysev raw[KDR_VIEW_EVENTS_BATCH];
	struct kdr_evview shown[KDR_VIEW_EVENTS_BATCH];
	int failed;		/* the spill file could not be read back */
};

enum kdr_skip {
	KDR_SKIP_NONE = 0,
	KDR_SKIP_RECORDER,     /* flagged by the recorder, no events kept */
	KDR_SKIP_TRIGGER_DELTA /* shorter than the report's --trigger-delta */
};

struct kdr_wview {
	const struct kdf_window *win;
	uint64_t lo, hi;	/* what is reported: window clipped to --time-range */
	int clipped;		/* lo/hi differ from the window's */
	enum kdr_skip skip;
	uint64_t trigger_delta; /* stop - start trigger, 0 = not triggered both ways */
	struct kdr_tview *threads;
	size_t nthreads;
	struct kdr_inprog *inprog;
	size_t ninprog;
	struct kdr_inprog *waiting; /* runnable, not yet on a CPU at the stop (nr unused) */
	size_t nwaiting;
	struct kdr_view_events *events; /* kdr_view_events_begin() */
	size_t nevents;
	uint64_t missing_stacks;
	int listing;		/* syscall events are listed (list_ns >= 0) */
	const struct kdr_pair_diag *diag;
	const struct kdr_losses *losses; /* LOSS events of the window (losses.h) */
	int incomplete;		/* out of memory while accumulating */
	int histograms;		/* o->histograms: rows carry distributions */
	int budget;		/* o->budget: threads carry budgets */
	/* why the capture ends: said of a window that never closed
	 * (win->flags & KDR_WIN_UNCLOSED) */
	enum kdr_end end;
	const struct kdr_wakers *wakers; /* who woke the threads; NULL = not shown */
	const struct kdr_culprits *culprits; /* who took their CPU; NULL = not shown */
	const struct kdr_census *census; /* every thread, from /proc; NULL = not shown */
};

/* Owns the arrays of one view; reused window after window. */
struct kdr_view_buf {
	struct kdr_tview *threads;
	size_t threads_cap;
	struct kdr_row *rows;
	size_t rows_cap;
	struct kdr_inprog *inprog;
	size_t inprog_cap;
	struct kdr_inprog *waiting;
	size_t waiting_cap;
	struct kdr_view_events *events; /* the listing's batches */
	struct kdr_budget *silent; /* the silent threads' budgets */
	size_t silent_cap;
};

/* Build v for window win from st.  0, or -1 when out of memory. */
int kdr_view_build(struct kdr_ctx *c, struct kdr_view_buf *b, const struct kdr_stats *st,
		   const struct kdf_window *win, uint64_t lo, uint64_t hi, struct kdr_wview *v);
void kdr_view_buf_free(struct kdr_view_buf *b);

/*
 * The listed syscall events of v (v->nevents of them, filters applied),
 * in the order they ended: kdr_view_events_begin(), then
 * kdr_view_events_next() for each batch, *e to its n events, until it
 * returns 0 (the end), or -1 when the file they were spilled to could
 * not be read back (said on c->err; kdr_view_events_failed()).  Every
 * consumer of the listing reads it so.
 */
void kdr_view_events_begin(const struct kdr_wview *v);
long kdr_view_events_next(const struct kdr_wview *v, const struct kdr_evview **e);
/* Did reading the listing back fail since kdr_view_build()? */
int kdr_view_events_failed(const struct kdr_view_buf *b);

/*
 * With --budget: add the census's silent threads (census.h, closed) to
 * v's threads, after the others (sorted among themselves by name, then
 * tid), each budget_only with its budget from the census, so that the
 * time budget accounts for every thread /proc listed.  0, or -1 when out
 * of memory (v is then as before, or misses a syscall split).
 */
int kdr_view_add_silent(struct kdr_ctx *c, struct kdr_view_buf *b, const struct kdr_census *ce,
			struct kdr_wview *v);

/* Name of a syscall as the reference prints it ("[unknown: N]" when the
 * table lacks it); buf holds the made-up names. */
const char *kdr_syscall_name(const struct kdf_meta *meta, uint32_t nr, char *buf, size_t size);
/* Softirq vector name; "<unknown:N>" beyond rcu. */
const char *kdr_softirq_name(uint32_t vec, char *buf, size_t size);
/* Name of tid at ts; falls back to the target's comm for the main thread,
 * then "<unknown:PID/TID>" (written to buf). */
const char *kdr_thread_name(const struct kdr_ctx *c, uint32_t tid, uint64_t ts, char *buf,
			    size_t size, size_t *len);

/* The trigger delta of a window (0 unless both triggers are known). */
uint64_t kdr_window_trigger_delta(const struct kdf_window *w);

#endif /* KDR_VIEW_H */
