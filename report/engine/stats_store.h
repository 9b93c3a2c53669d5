/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats_store.h - the state of one window's statistics (struct
 * kdr_stats) and its tables (stats_store.c), which the pairing (stats.c)
 * and the distributions and budget beside it (stats_dist.c) both work
 * on.  Not for the rest of the report: use stats.h.
 */
#ifndef KDR_STATS_STORE_H
#define KDR_STATS_STORE_H

#include "budget.h"
#include "hashidx.h"
#include "hist.h"
#include "losses.h"
#include "pairing.h"
#include "stats.h"
#include "stats_events.h"

struct kdr_stats {
	struct kdr_stats_cfg cfg;
	uint64_t lo, hi;	/* kdr_stats_set_bounds() */
	int failed;

	struct kdr_pairing pair; /* reorder, pairing, losses, thread index */

	struct kdr_thread_state *thr; /* parallel to pair.thr */
	uint32_t nthr;
	size_t thr_cap;

	struct kdr_keyed *keyed;
	uint32_t nkeyed, keyed_cap;
	struct kdr_ix key_ix;

	struct kdr_sysev_list evl; /* the listed syscalls */

	/* cfg.histograms: distributions beside keyed[] and thr[] (same
	 * index), grown as the tables grow; emptied, not freed, by reset */
	struct kdr_hist *hkey;
	uint32_t hkey_cap, hkey_used;
	struct kdr_hist *hrun, *hready;
	uint32_t hthr_cap, hthr_used;
	/* cfg.budget: the budget of thr[i] in bud[i] (stats_dist.c) */
	struct kdr_budget *bud;
	uint32_t bud_cap, bud_used;
	uint64_t bud_lo; /* budget spans start no earlier than this */
	uint64_t bud_hi;
};

/* Index of the (tid, kind, key) row, created when absent; -1 when OOM. */
int64_t kdr_stats_keyed_get(struct kdr_stats *st, uint32_t tid, enum kdr_key_kind kind,
			    uint32_t key);

/* stats_dist.c: histograms and budget (only called when configured). */
void kdr_stats_dist_key(struct kdr_stats *st, size_t i, uint64_t d);
void kdr_stats_dist_run(struct kdr_stats *st, const struct kdr_thread_state *t, uint64_t d);
void kdr_stats_dist_ready(struct kdr_stats *st, const struct kdr_thread_state *t, uint64_t d);
/* e is about to change the pairing state of thread i. */
void kdr_stats_budget_event(struct kdr_stats *st, uint32_t i, const struct kdf_event *e);
void kdr_stats_budget_close(struct kdr_stats *st, uint64_t lo, uint64_t hi);
void kdr_stats_dist_reset(struct kdr_stats *st);
void kdr_stats_dist_free(struct kdr_stats *st);

#endif /* KDR_STATS_STORE_H */
