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
#include "reorder.h"
#include "stats.h"

#define REORDER_DEFAULT 4096
#define TCACHE 1024 /* direct-mapped tid -> thread cache, a power of 2 */

struct kdr_stats {
	struct kdr_stats_cfg cfg;
	uint64_t lo, hi;	/* kdr_stats_set_bounds() */
	int failed;

	struct kdr_reorder reorder; /* events held back, sorted by ts */
	uint64_t last_ts; /* ts of the last event processed */

	struct kdr_thread_state *thr;
	uint32_t nthr, thr_cap;
	struct kdr_ix thr_ix;
	struct {
		uint32_t tid;
		uint32_t slot; /* index + 1, 0 = empty */
	} tcache[TCACHE];

	struct kdr_keyed *keyed;
	uint32_t nkeyed, keyed_cap;
	struct kdr_ix key_ix;

	struct kdr_sysev *ev;
	size_t nev, ev_cap;

	struct kdr_stats_diag diag;
	struct kdr_losses losses; /* LOSS events processed in this window */
	struct kdr_loss_touched touched; /* threads changed since the last one */

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

/* The thread state of tid, created when absent; NULL when out of memory. */
struct kdr_thread_state *kdr_stats_thread_lookup(struct kdr_stats *st, uint32_t tid);

/* Every state change goes through here: a thread got is noted as touched
 * (losses.h), so that a loss visits only the threads that may have an
 * interval open. */
static inline struct kdr_thread_state *kdr_stats_thread_get(struct kdr_stats *st, uint32_t tid)
{
	uint32_t h = tid & (TCACHE - 1);
	struct kdr_thread_state *t;

	if (__builtin_expect(st->tcache[h].slot && st->tcache[h].tid == tid, 1))
		t = &st->thr[st->tcache[h].slot - 1];
	else if (!(t = kdr_stats_thread_lookup(st, tid)))
		return NULL;
	kdr_loss_touch(&st->touched, &t->loss_mark, (uint32_t)(t - st->thr));
	return t;
}

/* Index of the (tid, kind, key) row, created when absent; -1 when OOM. */
int64_t kdr_stats_keyed_get(struct kdr_stats *st, uint32_t tid, enum kdr_key_kind kind,
			    uint32_t key);

/* stats_dist.c: histograms and budget (only called when configured). */
void kdr_stats_dist_key(struct kdr_stats *st, size_t i, uint64_t d);
void kdr_stats_dist_run(struct kdr_stats *st, const struct kdr_thread_state *t, uint64_t d);
void kdr_stats_dist_ready(struct kdr_stats *st, const struct kdr_thread_state *t, uint64_t d);
void kdr_stats_budget_event(struct kdr_stats *st, const struct kdf_event *e);
void kdr_stats_budget_close(struct kdr_stats *st, uint64_t lo, uint64_t hi);
/* A LOSS event: what the budget inferred of thread i is unknown now. */
void kdr_stats_budget_loss(struct kdr_stats *st, uint32_t i);
void kdr_stats_dist_reset(struct kdr_stats *st);
void kdr_stats_dist_free(struct kdr_stats *st);

#endif /* KDR_STATS_STORE_H */
