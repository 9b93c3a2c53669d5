// SPDX-License-Identifier: BSD-2-Clause
/*
 * stats.c - the per-window sums of the intervals the pairing engine
 * (pairing.h) makes under its drop policy: an interval counts only when
 * both its ends were seen inside the window.  An interval that spans a
 * loss of events (KDR_IV_LOST) is unknown (thread_state unknown[]),
 * never counted.  A hard irq that returned IRQ_NONE was not this
 * device's interrupt: not counted either.
 *
 * It also owns the lifecycle (new, bounds, reset, free), the one place
 * that knows every part: the pairing, the tables (stats_store.c) and
 * what stats_dist.c keeps beside them.
 */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "stats_store.h"

static inline void stat_add(struct kdr_stat *s, uint64_t d)
{
	if (!s->count || d < s->min)
		s->min = d;
	if (d > s->max)
		s->max = d;
	s->count++;
	s->total += d;
}

/* The row (t, kind, key) found in the hash table, and kept in the
 * thread's cache at h.  -1 when out of memory. */
static int64_t row_miss(struct kdr_stats *st, struct kdr_thread_state *t, enum kdr_key_kind kind,
			uint32_t key, uint32_t h)
{
	int64_t i = kdr_stats_keyed_get(st, t->tid, kind, key);

	if (i >= 0) {
		t->cache_key[h] = key;
		t->cache_kind[h] = (uint8_t)kind;
		t->cache_ix1[h] = (uint32_t)i + 1;
	}
	return i;
}

/* The row (t, kind, key): the hash table behind the thread's own small
 * cache, since a thread keeps to a few syscalls, irqs and vectors. */
static inline __attribute__((always_inline)) void keyed_add(struct kdr_stats *st,
							    struct kdr_thread_state *t,
							    enum kdr_key_kind kind,
							    uint32_t key, uint64_t d)
{
	/* (any key may come, UINT32_MAX included: ix1 says if it is set) */
	uint32_t h = (key ^ ((uint32_t)kind << 2)) & (KDR_ROW_CACHE - 1);
	int64_t i;

	if (t->cache_ix1[h] && t->cache_key[h] == key && t->cache_kind[h] == kind)
		i = t->cache_ix1[h] - 1;
	else if ((i = row_miss(st, t, kind, key, h)) < 0)
		return;
	stat_add(&st->keyed[i].st, d);
	if (st->cfg.histograms)
		kdr_stats_dist_key(st, (size_t)i, d);
}

static int tid_listed(const struct kdr_stats_cfg *c, uint32_t tid)
{
	size_t i;

	if (!c->tids)
		return 1;
	for (i = 0; i < c->ntids; i++)
		if (c->tids[i] == tid)
			return 1;
	return 0;
}

/* The lowest seq of a syscall the pairing holds back for its stack
 * (UINT64_MAX: none): the listed ones before it are final. */
static uint64_t held_back_low(const struct kdr_stats *st)
{
	uint64_t low = UINT64_MAX;

	for (uint32_t i = 0; i < st->pair.nthr; i++)
		if ((st->pair.thr[i].flags & KDR_TS_PENDING) && st->pair.thr[i].pending.seq < low)
			low = st->pair.thr[i].pending.seq;
	return low;
}

static void list_syscall(struct kdr_stats *st, const struct kdr_interval *iv)
{
	const struct kdr_stats_cfg *c = &st->cfg;
	uint64_t d = iv->end - iv->start;
	struct kdr_sysev_rec r;
	struct kdr_sysev *v = &r.ev;

	if (c->list_ns < 0 || (c->list_ns > 0 && d <= (uint64_t)c->list_ns))
		return;
	if (c->skip_poll && iv->nr == c->poll_nr)
		return;
	if (c->only_nr != KDR_NO_NR && iv->nr != c->only_nr)
		return;
	if (!tid_listed(c, iv->tid))
		return;
	if (kdr_sysev_list_full(&st->evl) && kdr_sysev_list_spill(&st->evl, held_back_low(st))) {
		st->failed = 1;
		return;
	}
	memset(&r, 0, sizeof(r));
	/* in the order the syscalls ended (kdr_interval.seq): the pairing
	 * holds one back until its stack, so they may come a little late */
	r.seq = iv->seq;
	v->entry_ts = iv->start;
	v->exit_ts = iv->end;
	v->tid = iv->tid;
	v->nr = iv->nr;
	v->ret = iv->ret;
	if (iv->flags & KDR_IV_HAS_STACK) {
		v->has_stack = 1;
		v->kstack = iv->kstack_id;
		v->ustack = iv->ustack_id;
		v->stack_flags = (uint8_t)iv->stack_flags;
	}
	if (kdr_sysev_list_add(&st->evl, &r))
		st->failed = 1;
}

static const enum kdr_unknown_kind unknown_of[KDR_I_N] = {
	[KDR_I_RUNNING] = KDR_U_RUN,	     [KDR_I_READY] = KDR_U_READY,
	[KDR_I_SYSCALL] = KDR_U_SYSCALL,     [KDR_I_HARDIRQ] = KDR_U_HARDIRQ,
	[KDR_I_SOFTIRQ] = KDR_U_SOFTIRQ,
};

/* One interval of the kind every one of the batch has (the pairing's
 * by_kind): inlined with a constant kind, the loop below asks nothing
 * of the kind per interval. */
static inline __attribute__((always_inline)) void add_interval(struct kdr_stats *st,
								 const struct kdr_interval *iv,
								 enum kdr_ikind kind)
{
	struct kdr_thread_state *t = &st->thr[iv->thread];
	uint64_t d = iv->end - iv->start;

	if (iv->flags & KDR_IV_LOST) {
		t->unknown[unknown_of[kind]]++;
		return;
	}
	switch (kind) {
	case KDR_I_RUNNING:
		stat_add(&t->run, d);
		if (st->cfg.histograms)
			kdr_stats_dist_run(st, t, d);
		return;
	case KDR_I_READY:
		stat_add(&t->ready, d);
		if (st->cfg.histograms)
			kdr_stats_dist_ready(st, t, d);
		return;
	case KDR_I_SYSCALL:
		keyed_add(st, t, KDR_K_SYSCALL, iv->nr, d);
		list_syscall(st, iv);
		return;
	case KDR_I_HARDIRQ:
		if (iv->ret != 0) /* IRQ_NONE: not this device's interrupt */
			keyed_add(st, t, KDR_K_HARDIRQ, iv->name_id, d);
		return;
	default:
		keyed_add(st, t, KDR_K_SOFTIRQ, iv->nr, d);
		return;
	}
}

/* The pairing's intervals, a batch of one kind. */
static int on_intervals(void *ctx, const struct kdr_interval *v, size_t n)
{
	struct kdr_stats *st = ctx;

	switch (n ? v[0].kind : KDR_I_N) {
	case KDR_I_RUNNING:
		for (size_t k = 0; k < n; k++)
			add_interval(st, &v[k], KDR_I_RUNNING);
		break;
	case KDR_I_READY:
		for (size_t k = 0; k < n; k++)
			add_interval(st, &v[k], KDR_I_READY);
		break;
	case KDR_I_SYSCALL:
		for (size_t k = 0; k < n; k++)
			add_interval(st, &v[k], KDR_I_SYSCALL);
		break;
	case KDR_I_HARDIRQ:
		for (size_t k = 0; k < n; k++)
			add_interval(st, &v[k], KDR_I_HARDIRQ);
		break;
	case KDR_I_SOFTIRQ:
		for (size_t k = 0; k < n; k++)
			add_interval(st, &v[k], KDR_I_SOFTIRQ);
		break;
	}
	return 0; /* (out of memory is st->failed, sticky; the pairing goes on) */
}

/* A new thread of the pairing, index i: its sums at thr[i]. */
static int on_admit(void *ctx, uint32_t tid, uint32_t i)
{
	struct kdr_stats *st = ctx;
	struct kdr_thread_state *t;

	if (kdr_grow((void **)&st->thr, &st->thr_cap, i, sizeof(*st->thr)))
		return -1;
	t = &st->thr[i];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	st->nthr = i + 1;
	return 1;
}

/* Before e changes thread i's state: the span ending at e belongs to the
 * state the thread was in until then (budget.h). */
static int on_before(void *ctx, uint32_t i, const struct kdf_event *e)
{
	kdr_stats_budget_event(ctx, i, e);
	return 0;
}

int kdr_stats_feed(struct kdr_stats *st, const struct kdf_event *ev, size_t n)
{
	return kdr_pair_feed(&st->pair, ev, n) || st->failed ? -1 : 0;
}

int kdr_stats_feed_in_order(struct kdr_stats *st, const struct kdf_event *ev, size_t n)
{
	return kdr_pair_feed_in_order(&st->pair, ev, n) || st->failed ? -1 : 0;
}

int kdr_stats_close(struct kdr_stats *st, uint64_t lo, uint64_t hi)
{
	int rc;

	st->bud_lo = lo;
	st->bud_hi = hi;
	rc = kdr_pair_finish(&st->pair, lo, hi);
	if (st->cfg.budget)
		kdr_stats_budget_close(st, lo, hi);
	return rc || st->failed ? -1 : 0;
}

/* ------------------------------------------------------------ lifecycle */

struct kdr_stats *kdr_stats_new(const struct kdr_stats_cfg *cfg)
{
	struct kdr_stats *st = calloc(1, sizeof(*st));
	struct kdr_pair_cfg pc = { .reorder_cap = cfg->reorder_cap,
				   .stacks = cfg->list_ns >= 0, /* only the listed syscalls show one */
				   .admit = on_admit,
				   .intervals = on_intervals,
				   .by_kind = 1,
				   .before = cfg->budget ? on_before : NULL };

	if (!st)
		return NULL;
	st->cfg = *cfg;
	kdr_sysev_list_init(&st->evl);
	pc.ctx = st;
	st->hi = UINT64_MAX;
	st->bud_hi = UINT64_MAX;
	if (kdr_pair_init(&st->pair, &pc) || kdr_ix_init(&st->key_ix, 1024)) {
		kdr_stats_free(st);
		return NULL;
	}
	return st;
}

void kdr_stats_free(struct kdr_stats *st)
{
	if (!st)
		return;
	kdr_pair_free(&st->pair);
	free(st->thr);
	free(st->keyed);
	kdr_sysev_list_free(&st->evl);
	kdr_ix_free(&st->key_ix);
	kdr_stats_dist_free(st);
	free(st);
}

void kdr_stats_set_bounds(struct kdr_stats *st, uint64_t lo, uint64_t hi)
{
	st->lo = lo;
	st->hi = hi;
	kdr_pair_set_bounds(&st->pair, lo, hi);
	/* until the window's own bounds are known (kdr_stats_close) */
	st->bud_lo = lo;
	st->bud_hi = hi;
}

void kdr_stats_reset(struct kdr_stats *st)
{
	kdr_pair_reset(&st->pair);
	st->nthr = 0;
	st->nkeyed = 0;
	kdr_ix_clear(&st->key_ix);
	kdr_sysev_list_reset(&st->evl);
	st->failed = 0;
	kdr_stats_dist_reset(st);
}
