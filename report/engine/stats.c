// SPDX-License-Identifier: BSD-2-Clause
/*
 * stats.c - the interval pairing state machine and the per-window sums.
 *
 * Pairing rules, per thread of the target:
 *   SYSCALL  sys_enter -> sys_exit of the same tid and nr
 *   RUN      switched in -> switched out
 *   READY    woken (or switched out still runnable) -> switched in
 *   HARD IRQ irq entry -> exit of the same irq, counted when ret != IRQ_NONE
 *   SOFT IRQ softirq entry -> exit of the same vector
 * An interval counts only when both ends were seen inside the window; an
 * end whose timestamp precedes its start is dropped (never a negative
 * delta).  Beyond the reference: a wakeup of a thread that is running is
 * not the start of a wait (the thread had not gone to sleep yet); a thread
 * switched out asleep is no longer "ready"; a thread that exits ends its
 * open syscall (exit_group never returns).
 *
 * Where the recorder lost events (a LOSS event, losses.h), pairing breaks:
 * every interval open when the loss began, and every one that began
 * before the loss ended and ends after it, is unknown (thread_state
 * unknown[]), never counted; the threads' states start afresh as at the
 * start of a window.
 *
 * It also owns the lifecycle (new, bounds, reset, free), the one place
 * that knows every part: the tables (stats_store.c) and what
 * stats_dist.c keeps beside them.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_store.h"

#define LIST_STACK_SEARCH 256
/* An event older than the REORDER_REACH newest held back is processed at
 * once, as late (reorder.h). */
#define REORDER_REACH 256

static inline void stat_add(struct kdr_stat *s, uint64_t d)
{
	if (!s->count || d < s->min)
		s->min = d;
	if (d > s->max)
		s->max = d;
	s->count++;
	s->total += d;
}

static void keyed_add(struct kdr_stats *st, uint32_t tid, enum kdr_key_kind kind, uint32_t key,
		      uint64_t d)
{
	int64_t i = kdr_stats_keyed_get(st, tid, kind, key);

	if (i >= 0) {
		stat_add(&st->keyed[i].st, d);
		if (st->cfg.histograms)
			kdr_stats_dist_key(st, (size_t)i, d);
	}
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

static void list_syscall(struct kdr_stats *st, const struct kdf_event *e, uint64_t entry_ts)
{
	const struct kdr_stats_cfg *c = &st->cfg;
	uint64_t d = e->ts - entry_ts;
	struct kdr_sysev *v;

	if (c->list_ns < 0 || (c->list_ns > 0 && d <= (uint64_t)c->list_ns))
		return;
	if (c->skip_poll && e->u.sys.nr == c->poll_nr)
		return;
	if (c->only_nr != KDR_NO_NR && e->u.sys.nr != c->only_nr)
		return;
	if (!tid_listed(c, e->tid))
		return;
	if (st->nev == st->ev_cap) {
		size_t ncap = st->ev_cap ? st->ev_cap * 2 : 64;
		void *n = realloc(st->ev, ncap * sizeof(*st->ev));

		if (!n) {
			st->failed = 1;
			return;
		}
		st->ev = n;
		st->ev_cap = ncap;
	}
	v = &st->ev[st->nev++];
	memset(v, 0, sizeof(*v));
	v->entry_ts = entry_ts;
	v->exit_ts = e->ts;
	v->tid = e->tid;
	v->nr = e->u.sys.nr;
	v->ret = e->u.sys.ret;
}

static void attach_stack(struct kdr_stats *st, const struct kdf_event *e)
{
	size_t i, stop = st->nev > LIST_STACK_SEARCH ? st->nev - LIST_STACK_SEARCH : 0;

	for (i = st->nev; i-- > stop;) {
		struct kdr_sysev *v = &st->ev[i];

		if (v->tid != e->tid || v->entry_ts != e->u.stack.entry_ts || v->has_stack)
			continue;
		v->has_stack = 1;
		v->kstack = e->u.stack.kstack_id;
		v->ustack = e->u.stack.ustack_id;
		v->stack_flags = e->flags;
		return;
	}
}

static void on_switch(struct kdr_stats *st, const struct kdf_event *e)
{
	struct kdr_thread_state *t;

	if (e->flags & KDF_SW_PREV_TARGET) {
		t = kdr_stats_thread_get(st, e->tid);
		if (!t)
			return;
		if ((t->flags & KDR_TS_ON_CPU) && kdr_losses_span(&st->losses, t->run_ts)) {
			t->unknown[KDR_U_RUN]++;
		} else if (t->flags & KDR_TS_ON_CPU) {
			if (e->ts >= t->run_ts) {
				stat_add(&t->run, e->ts - t->run_ts);
				if (st->cfg.histograms)
					kdr_stats_dist_run(st, t, e->ts - t->run_ts);
			} else
				st->diag.reversed++;
		}
		t->flags &= ~KDR_TS_ON_CPU;
		if (e->u.sw.prev_state == 0 || (e->flags & KDF_SW_PREEMPT)) {
			/* still runnable: waits on the run queue from now */
			t->flags |= KDR_TS_READY;
			t->ready_ts = e->ts;
		} else {
			t->flags &= ~KDR_TS_READY;
		}
	}
	if (e->flags & KDF_SW_NEXT_TARGET) {
		t = kdr_stats_thread_get(st, e->u.sw.next_tid);
		if (!t)
			return;
		if ((t->flags & KDR_TS_READY) && kdr_losses_span(&st->losses, t->ready_ts)) {
			t->unknown[KDR_U_READY]++;
		} else if (t->flags & KDR_TS_READY) {
			if (e->ts >= t->ready_ts) {
				stat_add(&t->ready, e->ts - t->ready_ts);
				if (st->cfg.histograms)
					kdr_stats_dist_ready(st, t, e->ts - t->ready_ts);
			} else
				st->diag.reversed++;
		}
		t->flags = (t->flags & ~KDR_TS_READY) | KDR_TS_ON_CPU;
		t->run_ts = e->ts;
	}
}

static void on_wakeup(struct kdr_stats *st, const struct kdf_event *e)
{
	struct kdr_thread_state *t = kdr_stats_thread_get(st, e->tid);

	if (!t)
		return;
	if (t->flags & KDR_TS_ON_CPU)
		return; /* woken before it went to sleep: not waiting */
	if (!(t->flags & KDR_TS_READY)) {
		t->flags |= KDR_TS_READY;
		t->ready_ts = e->ts;
	} else if (e->ts < t->ready_ts) {
		t->ready_ts = e->ts; /* already waiting: since the first */
	}
}

static void on_sys_exit(struct kdr_stats *st, struct kdr_thread_state *t, const struct kdf_event *e)
{
	uint32_t nr = e->u.sys.nr;
	uint64_t entry = t->sys_ts;

	if (!(t->flags & KDR_TS_IN_SYS))
		return;
	t->flags &= ~KDR_TS_IN_SYS;
	if (kdr_losses_span(&st->losses, entry)) {
		t->unknown[KDR_U_SYSCALL]++;
		return;
	}
	if (t->sys_nr != nr)
		return; /* the enter of this exit was lost */
	if (e->ts < entry) {
		st->diag.reversed++;
		return;
	}
	/* (any nr may come, UINT32_MAX included: the slot says if it is set) */
	if (!t->cache_ix1[nr & 3] || t->cache_nr[nr & 3] != nr) {
		int64_t i = kdr_stats_keyed_get(st, t->tid, KDR_K_SYSCALL, nr);

		if (i < 0)
			return;
		t->cache_nr[nr & 3] = nr;
		t->cache_ix1[nr & 3] = (uint32_t)i + 1;
	}
	stat_add(&st->keyed[t->cache_ix1[nr & 3] - 1].st, e->ts - entry);
	if (st->cfg.histograms)
		kdr_stats_dist_key(st, t->cache_ix1[nr & 3] - 1, e->ts - entry);
	list_syscall(st, e, entry);
}

/* Events were lost from e->ts on: what is open now is unknown.  Only the
 * threads touched since the last loss can have something open. */
static void on_loss(struct kdr_stats *st, const struct kdf_event *e)
{
	static const struct {
		uint32_t flag;
		enum kdr_unknown_kind kind;
	} open[] = {
		{ KDR_TS_IN_SYS, KDR_U_SYSCALL },   { KDR_TS_ON_CPU, KDR_U_RUN },
		{ KDR_TS_READY, KDR_U_READY },	    { KDR_TS_IN_IRQ, KDR_U_HARDIRQ },
		{ KDR_TS_IN_SOFTIRQ, KDR_U_SOFTIRQ },
	};
	struct kdr_loss_touched *tc = &st->touched;
	size_t n = tc->all ? st->nthr : tc->n;

	kdr_losses_add(&st->losses, e);
	for (size_t k = 0; k < n; k++) {
		uint32_t i = tc->all ? (uint32_t)k : tc->v[k];
		struct kdr_thread_state *t = &st->thr[i];

		for (size_t f = 0; f < sizeof(open) / sizeof(open[0]); f++)
			if (t->flags & open[f].flag)
				t->unknown[open[f].kind]++;
		t->flags &= ~KDR_TS_OPEN;
		if (st->cfg.budget)
			kdr_stats_budget_loss(st, i);
	}
	kdr_loss_touched_next(tc);
}

static void process(struct kdr_stats *st, const struct kdf_event *e)
{
	struct kdr_thread_state *t;

	if (e->ts < st->last_ts)
		st->diag.late++;
	else
		st->last_ts = e->ts;
	if (st->cfg.budget) /* before e changes the state the span ends in */
		kdr_stats_budget_event(st, e);

	switch (e->type) {
	case KDF_EV_SYS_ENTER:
		t = kdr_stats_thread_get(st, e->tid);
		if (t) {
			t->flags |= KDR_TS_IN_SYS;
			t->sys_ts = e->ts;
			t->sys_nr = e->u.sys.nr;
		}
		break;
	case KDF_EV_SYS_EXIT:
		t = kdr_stats_thread_get(st, e->tid);
		if (t)
			on_sys_exit(st, t, e);
		break;
	case KDF_EV_SWITCH:
		on_switch(st, e);
		break;
	case KDF_EV_WAKEUP:
		on_wakeup(st, e);
		break;
	case KDF_EV_IRQ_ENTRY:
		t = kdr_stats_thread_get(st, e->tid);
		if (t) {
			t->flags |= KDR_TS_IN_IRQ;
			t->irq_ts = e->ts;
			t->irq_nr = e->u.irq_entry.irq;
			t->irq_name = e->u.irq_entry.name_id;
		}
		break;
	case KDF_EV_IRQ_EXIT:
		t = kdr_stats_thread_get(st, e->tid);
		if (!t || !(t->flags & KDR_TS_IN_IRQ))
			break;
		t->flags &= ~KDR_TS_IN_IRQ;
		if (kdr_losses_span(&st->losses, t->irq_ts)) {
			t->unknown[KDR_U_HARDIRQ]++;
			break;
		}
		if (t->irq_nr != e->u.irq_exit.irq || e->u.irq_exit.ret == 0)
			break; /* IRQ_NONE: not this device's interrupt */
		if (e->ts < t->irq_ts)
			st->diag.reversed++;
		else
			keyed_add(st, t->tid, KDR_K_HARDIRQ, t->irq_name, e->ts - t->irq_ts);
		break;
	case KDF_EV_SOFTIRQ_ENTRY:
		t = kdr_stats_thread_get(st, e->tid);
		if (t) {
			t->flags |= KDR_TS_IN_SOFTIRQ;
			t->soft_ts = e->ts;
			t->soft_vec = e->u.softirq.vec;
		}
		break;
	case KDF_EV_SOFTIRQ_EXIT:
		t = kdr_stats_thread_get(st, e->tid);
		if (!t || !(t->flags & KDR_TS_IN_SOFTIRQ))
			break;
		t->flags &= ~KDR_TS_IN_SOFTIRQ;
		if (kdr_losses_span(&st->losses, t->soft_ts)) {
			t->unknown[KDR_U_SOFTIRQ]++;
			break;
		}
		if (t->soft_vec != e->u.softirq.vec)
			break;
		if (e->ts < t->soft_ts)
			st->diag.reversed++;
		else
			keyed_add(st, t->tid, KDR_K_SOFTIRQ, t->soft_vec, e->ts - t->soft_ts);
		break;
	case KDF_EV_STACK:
		attach_stack(st, e);
		break;
	case KDF_EV_THREAD_EXIT:
		t = kdr_stats_thread_get(st, e->tid);
		if (t) /* the final switch-out still ends its run */
			t->flags = (t->flags & ~(KDR_TS_IN_SYS | KDR_TS_READY)) | KDR_TS_EXITED;
		break;
	case KDF_EV_LOSS:
		on_loss(st, e);
		break;
	default: /* triggers, and types newer than this reader */
		break;
	}
}

/* Is e inside [lo, hi]?  A loss is when its range overlaps it: one that
 * began before lo still breaks the intervals after lo it spans. */
static inline int in_range(const struct kdf_event *e, uint64_t lo, uint64_t hi)
{
	if (e->type == KDF_EV_LOSS)
		return e->u.loss.end_ts >= lo && e->ts <= hi;
	return e->ts >= lo && e->ts <= hi;
}

int kdr_stats_feed(struct kdr_stats *st, const struct kdf_event *ev, size_t n)
{
	struct kdr_reorder *r = &st->reorder;
	const struct kdf_event *old;

	st->diag.events += n;
	for (size_t k = 0; k < n; k++) {
		const struct kdf_event *e = &ev[k];

		if (!in_range(e, st->lo, st->hi)) {
			st->diag.clipped++;
			continue;
		}
		if ((old = kdr_reorder_full(r)))
			process(st, old);
		if (kdr_reorder_push(r, e))
			process(st, e); /* too late to be held back */
	}
	return st->failed ? -1 : 0;
}

int kdr_stats_close(struct kdr_stats *st, uint64_t lo, uint64_t hi)
{
	const struct kdf_event *e;

	st->bud_lo = lo;
	st->bud_hi = hi;
	while ((e = kdr_reorder_pop(&st->reorder))) {
		if (!in_range(e, lo, hi))
			st->diag.clipped++;
		else
			process(st, e);
	}
	if (st->cfg.budget)
		kdr_stats_budget_close(st, lo, hi);
	return st->failed ? -1 : 0;
}

/* ------------------------------------------------------------ lifecycle */

struct kdr_stats *kdr_stats_new(const struct kdr_stats_cfg *cfg)
{
	struct kdr_stats *st = calloc(1, sizeof(*st));
	size_t cap = REORDER_DEFAULT;

	if (!st)
		return NULL;
	st->cfg = *cfg;
	if (cfg->reorder_cap)
		cap = cfg->reorder_cap;
	st->hi = UINT64_MAX;
	st->bud_hi = UINT64_MAX;
	kdr_loss_touched_init(&st->touched);
	if (kdr_reorder_init(&st->reorder, cap, REORDER_REACH) || kdr_ix_init(&st->thr_ix, 256) ||
	    kdr_ix_init(&st->key_ix, 1024)) {
		kdr_stats_free(st);
		return NULL;
	}
	return st;
}

void kdr_stats_free(struct kdr_stats *st)
{
	if (!st)
		return;
	kdr_reorder_free(&st->reorder);
	free(st->thr);
	free(st->keyed);
	free(st->ev);
	kdr_ix_free(&st->thr_ix);
	kdr_ix_free(&st->key_ix);
	kdr_loss_touched_free(&st->touched);
	kdr_stats_dist_free(st);
	free(st);
}

void kdr_stats_set_bounds(struct kdr_stats *st, uint64_t lo, uint64_t hi)
{
	st->lo = lo;
	st->hi = hi;
	/* until the window's own bounds are known (kdr_stats_close) */
	st->bud_lo = lo;
	st->bud_hi = hi;
}

void kdr_stats_reset(struct kdr_stats *st)
{
	kdr_reorder_clear(&st->reorder);
	st->last_ts = 0;
	for (uint32_t i = 0; i < st->nthr; i++)
		st->tcache[st->thr[i].tid & (TCACHE - 1)].slot = 0;
	st->nthr = 0;
	kdr_ix_clear(&st->thr_ix);
	st->nkeyed = 0;
	kdr_ix_clear(&st->key_ix);
	st->nev = 0;
	st->failed = 0;
	memset(&st->diag, 0, sizeof(st->diag));
	kdr_losses_init(&st->losses);
	kdr_loss_touched_next(&st->touched); /* the threads are gone */
	kdr_stats_dist_reset(st);
}
