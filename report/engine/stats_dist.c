// SPDX-License-Identifier: BSD-2-Clause
/*
 * stats_dist.c - what stats.c keeps beyond kernel_delay.py's count, total
 * and max, only when asked (kdr_stats_cfg.histograms / .budget): a
 * distribution beside every statistic, and each thread's time budget.
 *
 * The side arrays follow the tables' indices (keyed[i] <-> hkey[i],
 * thr[i] <-> hrun[i], hready[i], bud[i]) and grow as the tables did, so
 * the hot path costs one branch when neither is asked for.  Memory: a
 * hist.h histogram per row (bounded whatever the capture's length) and a
 * budget per thread; nothing per event.  Allocation failures set the
 * sticky st->failed, as the tables' own do.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_store.h"

/* Make arr hold at least n entries, the new ones empty histograms. */
static int hist_room(struct kdr_hist **arr, uint32_t *cap, size_t n)
{
	uint32_t ncap = *cap ? *cap : 64;
	struct kdr_hist *a;

	if (n <= *cap)
		return 0;
	while (ncap < n)
		ncap *= 2;
	a = realloc(*arr, (size_t)ncap * sizeof(*a));
	if (!a)
		return -1;
	for (uint32_t i = *cap; i < ncap; i++)
		kdr_hist_init(&a[i]);
	*arr = a;
	*cap = ncap;
	return 0;
}

void kdr_stats_dist_key(struct kdr_stats *st, size_t i, uint64_t d)
{
	if (hist_room(&st->hkey, &st->hkey_cap, i + 1) || kdr_hist_add(&st->hkey[i], d)) {
		st->failed = 1;
		return;
	}
	if (i >= st->hkey_used)
		st->hkey_used = (uint32_t)i + 1;
}

static void dist_thr(struct kdr_stats *st, const struct kdr_thread_state *t, int ready,
		     uint64_t d)
{
	size_t i = (size_t)(t - st->thr);
	uint32_t cap = st->hthr_cap;

	/* both arrays share one capacity */
	if (hist_room(&st->hrun, &cap, i + 1)) {
		st->failed = 1;
		return;
	}
	cap = st->hthr_cap;
	if (hist_room(&st->hready, &cap, i + 1)) {
		/* hrun grew, hready did not: keep the smaller capacity */
		st->failed = 1;
		return;
	}
	st->hthr_cap = cap;
	if (kdr_hist_add(ready ? &st->hready[i] : &st->hrun[i], d)) {
		st->failed = 1;
		return;
	}
	if (i >= st->hthr_used)
		st->hthr_used = (uint32_t)i + 1;
}

void kdr_stats_dist_run(struct kdr_stats *st, const struct kdr_thread_state *t, uint64_t d)
{
	dist_thr(st, t, 0, d);
}

void kdr_stats_dist_ready(struct kdr_stats *st, const struct kdr_thread_state *t, uint64_t d)
{
	dist_thr(st, t, 1, d);
}

static struct kdr_budget *budget_of(struct kdr_stats *st, size_t i)
{
	if (i >= st->bud_cap) {
		uint32_t ncap = st->bud_cap ? st->bud_cap : 64;
		struct kdr_budget *a;

		while (ncap <= i)
			ncap *= 2;
		a = realloc(st->bud, (size_t)ncap * sizeof(*a));
		if (!a)
			return NULL;
		memset(a + st->bud_cap, 0, (size_t)(ncap - st->bud_cap) * sizeof(*a));
		st->bud = a;
		st->bud_cap = ncap;
	}
	if (i >= st->bud_used)
		st->bud_used = (uint32_t)i + 1;
	return &st->bud[i];
}

/* (e is a SWITCH naming thread i as prev or next, or an event of i's own) */
void kdr_stats_budget_event(struct kdr_stats *st, uint32_t i, const struct kdf_event *e)
{
	const struct kdr_pair_thread *t = &st->pair.thr[i];
	const struct kdr_losses *losses = &st->pair.losses;
	struct kdr_budget *b;

	if (e->type == KDF_EV_LOSS) {
		/* what the budget inferred of the thread is unknown now */
		if (i < st->bud_used)
			kdr_budget_loss(&st->bud[i]);
		return;
	}
	b = budget_of(st, i);
	if (!b || kdr_budget_advance(b, t->flags, t->sys_nr, e->ts, kdr_budget_effect(e, t->tid),
				     st->bud_lo, st->bud_hi,
				     kdr_losses_span(losses, b->seen ? b->last_ts : st->bud_lo))) {
		st->failed = 1;
		return;
	}
	if (b->pre != KDR_BP_NONE) {
		/* (the state before e: was its sys_enter seen?) */
		int entered = (t->flags & KDR_TS_IN_SYS) && t->sys_nr == e->u.sys.nr;

		if (e->type == KDF_EV_SWITCH && e->tid == t->tid && (e->flags & KDF_SW_PREV_TARGET)) {
			b->pre = KDR_BP_NONE; /* switched out: it ran, unseen */
		} else if (e->type == KDF_EV_WAKEUP && (e->flags & KDF_WAKE_NEW)) {
			/* created in the window (its first return is from
			 * clone, entered by its parent): it did not exist */
			if (b->pre == KDR_BP_WOKEN && b->first_ts == e->ts)
				b->first_class = KDR_B_OTHER;
			b->pre = KDR_BP_NONE;
		} else if (b->pre != KDR_BP_NONE) {
			kdr_budget_sys_event(b, e->type, e->type == KDF_EV_SYS_EXIT ? entered : 1,
					     e->type == KDF_EV_SYS_EXIT ? e->u.sys.nr : 0);
		}
	}
}

void kdr_stats_budget_close(struct kdr_stats *st, uint64_t lo, uint64_t hi)
{
	for (uint32_t i = 0; i < st->nthr; i++) {
		const struct kdr_pair_thread *t = &st->pair.thr[i];
		struct kdr_budget *b = budget_of(st, i);

		if (!b || kdr_budget_close(b, t->flags, t->sys_nr, lo, hi,
					   kdr_losses_span(&st->pair.losses,
							   b->seen ? b->last_ts : lo)))
			st->failed = 1;
	}
}

void kdr_stats_dist_reset(struct kdr_stats *st)
{
	/* empty, keeping the arrays: the next window likely has the same rows */
	for (uint32_t i = 0; i < st->hkey_used; i++) {
		kdr_hist_free(&st->hkey[i]);
	}
	for (uint32_t i = 0; i < st->hthr_used; i++) {
		kdr_hist_free(&st->hrun[i]);
		kdr_hist_free(&st->hready[i]);
	}
	for (uint32_t i = 0; i < st->bud_used; i++)
		kdr_budget_reset(&st->bud[i]);
	st->hkey_used = st->hthr_used = st->bud_used = 0;
	st->bud_lo = st->lo;
	st->bud_hi = st->hi;
}

void kdr_stats_dist_free(struct kdr_stats *st)
{
	kdr_stats_dist_reset(st);
	free(st->hkey);
	free(st->hrun);
	free(st->hready);
	for (uint32_t i = 0; i < st->bud_cap; i++)
		kdr_budget_free(&st->bud[i]);
	free(st->bud);
}

const struct kdr_hist *kdr_stats_keyed_hist(const struct kdr_stats *st, size_t i)
{
	static const struct kdr_hist empty = KDR_HIST_INIT;

	if (!st->cfg.histograms)
		return NULL;
	return i < st->hkey_used ? &st->hkey[i] : &empty;
}

const struct kdr_hist *kdr_stats_run_hist(const struct kdr_stats *st, size_t i)
{
	static const struct kdr_hist empty = KDR_HIST_INIT;

	if (!st->cfg.histograms)
		return NULL;
	return i < st->hthr_used ? &st->hrun[i] : &empty;
}

const struct kdr_hist *kdr_stats_ready_hist(const struct kdr_stats *st, size_t i)
{
	static const struct kdr_hist empty = KDR_HIST_INIT;

	if (!st->cfg.histograms)
		return NULL;
	return i < st->hthr_used ? &st->hready[i] : &empty;
}

const struct kdr_budget *kdr_stats_budget(const struct kdr_stats *st, size_t i)
{
	if (!st->cfg.budget || i >= st->bud_used)
		return NULL;
	return &st->bud[i];
}
