// SPDX-License-Identifier: BSD-2-Clause
/*
 * pairing.c - raw events to intervals, the rules of pairing.h: the
 * reorder ring in front, a state machine per thread, the window-edge
 * policy and the losses.
 */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "pairing.h"

#define KDR_TS_PREEMPTED (1u << 10) /* ready since a switch-out, not a wakeup */

/* ------------------------------------------------------------ threads */

static struct kdr_pair_thread *thread_create(struct kdr_pairing *p, uint32_t tid)
{
	struct kdr_pair_thread *t;
	uint32_t i = kdr_ix_find(&p->thr_ix, tid);
	int follow = 1;

	if (!p->thr_ix.slots[i]) {
		if (kdr_ix_reserve(&p->thr_ix))
			goto oom;
		if (kdr_grow((void **)&p->thr, &p->thr_cap, p->nthr, sizeof(*p->thr)))
			goto oom;
		if (p->cfg.admit && (follow = p->cfg.admit(p->cfg.ctx, tid, p->nthr)) < 0)
			goto oom;
		t = &p->thr[p->nthr++];
		memset(t, 0, sizeof(*t));
		t->tid = tid;
		if (!follow)
			t->flags = KDR_TS_IGNORED;
		i = kdr_ix_put(&p->thr_ix, tid, p->nthr);
	}
	p->tcache[tid & (KDR_PAIR_TCACHE - 1)].tid = tid;
	p->tcache[tid & (KDR_PAIR_TCACHE - 1)].slot = p->thr_ix.slots[i];
	return &p->thr[p->thr_ix.slots[i] - 1];
oom:
	p->failed = -1;
	return NULL;
}

/* The followed thread tid, created when new (NULL when ignored or out of
 * memory), noted as touched since the last loss. */
static inline struct kdr_pair_thread *thread_get(struct kdr_pairing *p, uint32_t tid)
{
	uint32_t h = tid & (KDR_PAIR_TCACHE - 1);
	struct kdr_pair_thread *t;

	if (__builtin_expect(p->tcache[h].slot && p->tcache[h].tid == tid, 1))
		t = &p->thr[p->tcache[h].slot - 1];
	else if (!(t = thread_create(p, tid)))
		return NULL;
	if (t->flags & KDR_TS_IGNORED)
		return NULL;
	kdr_loss_touch(&p->touched, &t->loss_mark, (uint32_t)(t - p->thr));
	return t;
}

/* The followed thread tid when it exists (a STACK creates none). */
static struct kdr_pair_thread *thread_find(struct kdr_pairing *p, uint32_t tid)
{
	uint32_t i = kdr_ix_find(&p->thr_ix, tid);
	struct kdr_pair_thread *t;

	if (!p->thr_ix.slots[i])
		return NULL;
	t = &p->thr[p->thr_ix.slots[i] - 1];
	return t->flags & KDR_TS_IGNORED ? NULL : t;
}

static inline uint32_t index_of(const struct kdr_pairing *p, const struct kdr_pair_thread *t)
{
	return (uint32_t)(t - p->thr);
}

/* ------------------------------------------------------------ emitting */

/* Hand over one lane's intervals: one call per batch rather than per
 * interval, which keeps the pairing's loop tight. */
static int flush_lane(struct kdr_pairing *p, unsigned lane)
{
	int rc = 0;

	if (p->nbatch[lane] && p->cfg.intervals)
		rc = p->cfg.intervals(p->cfg.ctx, p->batch[lane], p->nbatch[lane]);
	p->nbatch[lane] = 0;
	if (rc)
		p->failed = rc;
	return rc;
}

int kdr_pair_flush(struct kdr_pairing *p)
{
	int rc = 0;

	for (unsigned lane = 0; lane < KDR_I_N && !rc; lane++)
		rc = flush_lane(p, lane);
	return rc;
}

/* The lane of an interval of this kind: its own when the consumer takes
 * them by kind, else the one lane, in the order they ended. */
static inline unsigned lane_of(const struct kdr_pairing *p, enum kdr_ikind kind)
{
	return p->cfg.by_kind ? (unsigned)kind : 0;
}

/* The batch's next slot for an interval of this kind, filled in place
 * (ended()), then handed over (commit()). */
static inline struct kdr_interval *slot(struct kdr_pairing *p, enum kdr_ikind kind)
{
	unsigned lane = lane_of(p, kind);

	return &p->batch[lane][p->nbatch[lane]];
}

static inline int commit(struct kdr_pairing *p, const struct kdr_pair_thread *t,
			 enum kdr_ikind kind)
{
	unsigned lane = lane_of(p, kind);

	p->batch[lane][p->nbatch[lane]++].thread = index_of(p, t);
	return p->nbatch[lane] == KDR_PAIR_BATCH ? flush_lane(p, lane) : 0;
}

/* An interval of t ends: fill iv's common part.  0 when it makes no
 * interval (its end precedes its start), else 1. */
static inline int ended(struct kdr_pairing *p, const struct kdr_pair_thread *t,
			struct kdr_interval *iv, enum kdr_ikind kind, uint64_t start, uint64_t end,
			uint32_t flags)
{
	/* member by member: a memset (rep stos) costs more on the hot path */
	iv->tid = t->tid;
	iv->kind = kind;
	iv->flags = flags;
	iv->nr = 0;
	iv->start = start;
	iv->end = end;
	iv->ret = 0;
	iv->name_id = 0;
	iv->kstack_id = iv->ustack_id = iv->stack_flags = 0;
	iv->thread = 0;
	iv->seq = p->seq;
	if (kdr_losses_span(&p->losses, start)) {
		iv->flags |= KDR_IV_LOST;
		if (end < start)
			iv->end = start; /* its length is unknown anyway */
	} else if (end < start) {
		p->diag.reversed++;
		return 0;
	}
	return 1;
}

static int end_sched(struct kdr_pairing *p, const struct kdr_pair_thread *t, enum kdr_ikind kind,
		     uint64_t start, uint64_t end, uint32_t flags)
{
	/* (a bit moved, not a branch: preempted or woken is a coin toss) */
	if (kind == KDR_I_READY)
		flags |= (t->flags & KDR_TS_PREEMPTED) / KDR_TS_PREEMPTED * KDR_IV_PREEMPTED;
	return ended(p, t, slot(p, kind), kind, start, end, flags) ? commit(p, t, kind) : 0;
}

static inline int flush_pending(struct kdr_pairing *p, struct kdr_pair_thread *t)
{
	/* (cfg.stacks first: whether a syscall waits is a coin toss the
	 * processor cannot predict, which costs when nothing ever does) */
	if (!p->cfg.stacks || !(t->flags & KDR_TS_PENDING))
		return 0;
	t->flags &= ~KDR_TS_PENDING;
	*slot(p, KDR_I_SYSCALL) = t->pending;
	return commit(p, t, KDR_I_SYSCALL);
}

static int end_irq(struct kdr_pairing *p, const struct kdr_pair_thread *t, uint64_t end,
		   int32_t ret, uint32_t flags)
{
	struct kdr_interval *iv = slot(p, KDR_I_HARDIRQ);

	if (!ended(p, t, iv, KDR_I_HARDIRQ, t->irq_ts, end, flags))
		return 0;
	iv->nr = t->irq_nr;
	iv->name_id = t->irq_name;
	iv->ret = ret;
	return commit(p, t, KDR_I_HARDIRQ);
}

static int end_softirq(struct kdr_pairing *p, const struct kdr_pair_thread *t, uint64_t end,
		       uint32_t flags)
{
	struct kdr_interval *iv = slot(p, KDR_I_SOFTIRQ);

	if (!ended(p, t, iv, KDR_I_SOFTIRQ, t->soft_ts, end, flags))
		return 0;
	iv->nr = t->soft_vec;
	return commit(p, t, KDR_I_SOFTIRQ);
}

/* Every interval of t open now ends at end, flagged why; the irqs too
 * when irqs (after a loss they are known to have begun; at an edge, one
 * still open is not known to be one). */
static int end_open(struct kdr_pairing *p, struct kdr_pair_thread *t, uint64_t end, uint32_t why,
		    int irqs)
{
	int rc = flush_pending(p, t);

	if (!rc && (t->flags & KDR_TS_ON_CPU))
		rc = end_sched(p, t, KDR_I_RUNNING, t->run_ts, end, why);
	if (!rc && (t->flags & KDR_TS_READY))
		rc = end_sched(p, t, KDR_I_READY, t->ready_ts, end, why);
	if (!rc && (t->flags & KDR_TS_IN_SYS) &&
	    ended(p, t, slot(p, KDR_I_SYSCALL), KDR_I_SYSCALL, t->sys_ts, end, why)) {
		slot(p, KDR_I_SYSCALL)->nr = t->sys_nr;
		rc = commit(p, t, KDR_I_SYSCALL);
	}
	if (!rc && irqs && (t->flags & KDR_TS_IN_IRQ))
		rc = end_irq(p, t, end, 0, why);
	if (!rc && irqs && (t->flags & KDR_TS_IN_SOFTIRQ))
		rc = end_softirq(p, t, end, why);
	return rc;
}

/* ------------------------------------------------------------ pairing */

static int switch_out(struct kdr_pairing *p, struct kdr_pair_thread *t, const struct kdf_event *e)
{
	int rc = 0;

	if (t->flags & KDR_TS_ON_CPU)
		rc = end_sched(p, t, KDR_I_RUNNING, t->run_ts, e->ts, 0);
	else if (p->cfg.clip && !(t->flags & KDR_TS_SCHED_KNOWN))
		rc = end_sched(p, t, KDR_I_RUNNING, p->open_start, e->ts, KDR_IV_OPEN_START);
	/* READY or asleep here means events were lost: no interval */
	t->flags = (t->flags & ~(KDR_TS_ON_CPU | KDR_TS_READY | KDR_TS_PREEMPTED)) |
		   KDR_TS_SCHED_KNOWN;
	if (e->u.sw.prev_state == 0 || (e->flags & KDF_SW_PREEMPT)) {
		/* still runnable: waits on the run queue from now */
		t->flags |= KDR_TS_READY | KDR_TS_PREEMPTED;
		t->ready_ts = e->ts;
	}
	return rc;
}

static int switch_in(struct kdr_pairing *p, struct kdr_pair_thread *t, const struct kdf_event *e)
{
	int rc = 0;

	if (t->flags & KDR_TS_READY)
		rc = end_sched(p, t, KDR_I_READY, t->ready_ts, e->ts, 0);
	else if (p->cfg.clip && !(t->flags & KDR_TS_SCHED_KNOWN))
		rc = end_sched(p, t, KDR_I_READY, p->open_start, e->ts, KDR_IV_OPEN_START);
	t->flags = (t->flags & ~(KDR_TS_READY | KDR_TS_PREEMPTED)) | KDR_TS_ON_CPU |
		   KDR_TS_SCHED_KNOWN;
	t->run_ts = e->ts;
	return rc;
}

static void wakeup(struct kdr_pair_thread *t, const struct kdf_event *e)
{
	if (t->flags & KDR_TS_ON_CPU)
		return; /* woken before it went to sleep: not waiting */
	if (!(t->flags & KDR_TS_READY)) {
		t->flags = (t->flags & ~KDR_TS_PREEMPTED) | KDR_TS_READY | KDR_TS_SCHED_KNOWN;
		t->ready_ts = e->ts;
	} else if (e->ts < t->ready_ts) {
		t->ready_ts = e->ts; /* already waiting: since the first reason */
	}
}

static int sys_exit(struct kdr_pairing *p, struct kdr_pair_thread *t, const struct kdf_event *e)
{
	/* held for its stack, or handed over now */
	struct kdr_interval *iv = p->cfg.stacks ? &t->pending : slot(p, KDR_I_SYSCALL);
	uint32_t nr = e->u.sys.nr;

	if (!(t->flags & KDR_TS_IN_SYS)) {
		/* entered before the stream (clip), else its entry was lost */
		if (p->cfg.clip && !(t->flags & KDR_TS_SYS_KNOWN) &&
		    ended(p, t, iv, KDR_I_SYSCALL, p->open_start, e->ts, KDR_IV_OPEN_START))
			goto pend;
		t->flags |= KDR_TS_SYS_KNOWN;
		return 0;
	}
	t->flags &= ~KDR_TS_IN_SYS;
	if (!kdr_losses_span(&p->losses, t->sys_ts) && t->sys_nr != nr)
		return 0; /* the enter of this exit was lost */
	if (!ended(p, t, iv, KDR_I_SYSCALL, t->sys_ts, e->ts, 0))
		return 0;
	nr = t->sys_nr;
pend:
	iv->nr = nr;
	iv->ret = e->u.sys.ret;
	t->flags |= KDR_TS_SYS_KNOWN;
	if (!p->cfg.stacks)
		return commit(p, t, KDR_I_SYSCALL);
	t->flags |= KDR_TS_PENDING;
	return 0;
}

static int stack(struct kdr_pairing *p, struct kdr_pair_thread *t, const struct kdf_event *e)
{
	struct kdr_interval *iv = &t->pending;

	if (!(t->flags & KDR_TS_PENDING) || iv->nr != e->u.stack.nr)
		return 0;
	if (e->u.stack.entry_ts && !(iv->flags & KDR_IV_OPEN_START) &&
	    e->u.stack.entry_ts != iv->start)
		return 0;
	/* The exit of a syscall entered before the stream: the stack event
	 * knows when it really started. */
	if ((iv->flags & KDR_IV_OPEN_START) && e->u.stack.entry_ts && e->u.stack.entry_ts <= iv->end) {
		iv->start = e->u.stack.entry_ts;
		iv->flags &= ~KDR_IV_OPEN_START;
	}
	iv->kstack_id = e->u.stack.kstack_id;
	iv->ustack_id = e->u.stack.ustack_id;
	iv->stack_flags = e->flags;
	iv->flags |= KDR_IV_HAS_STACK;
	return flush_pending(p, t);
}

static int irq_exit(struct kdr_pairing *p, struct kdr_pair_thread *t, const struct kdf_event *e)
{
	if (!(t->flags & KDR_TS_IN_IRQ))
		return 0;
	t->flags &= ~KDR_TS_IN_IRQ;
	if (!kdr_losses_span(&p->losses, t->irq_ts) && t->irq_nr != e->u.irq_exit.irq)
		return 0;
	return end_irq(p, t, e->ts, e->u.irq_exit.ret, 0);
}

static int softirq_exit(struct kdr_pairing *p, struct kdr_pair_thread *t,
			const struct kdf_event *e)
{
	if (!(t->flags & KDR_TS_IN_SOFTIRQ))
		return 0;
	t->flags &= ~KDR_TS_IN_SOFTIRQ;
	if (!kdr_losses_span(&p->losses, t->soft_ts) && t->soft_vec != e->u.softirq.vec)
		return 0;
	return end_softirq(p, t, e->ts, 0);
}

/* Events were lost from e->ts on: what is open now ends there, its real
 * end unknown.  Only the threads touched since the last loss can have
 * something open. */
static int loss(struct kdr_pairing *p, const struct kdf_event *e)
{
	struct kdr_loss_touched *tc = &p->touched;
	size_t n = tc->all ? p->nthr : tc->n;
	int rc = 0;

	kdr_losses_add(&p->losses, e);
	for (size_t k = 0; k < n && !rc; k++) {
		struct kdr_pair_thread *t = &p->thr[tc->all ? (uint32_t)k : tc->v[k]];

		if (t->flags & KDR_TS_IGNORED)
			continue;
		if (p->cfg.before)
			rc = p->cfg.before(p->cfg.ctx, index_of(p, t), e);
		if (!rc)
			rc = end_open(p, t, e->ts, KDR_IV_LOST, 1);
		t->flags = (t->flags & ~(KDR_TS_OPEN | KDR_TS_PREEMPTED)) | KDR_TS_SCHED_KNOWN |
			   KDR_TS_SYS_KNOWN;
	}
	kdr_loss_touched_next(tc);
	if (rc)
		p->failed = rc;
	return rc;
}

/* Clip: whatever is still open at end runs to it; the states start
 * afresh after it, as at the start of the stream. */
static int close_open(struct kdr_pairing *p, uint64_t end)
{
	int rc = 0;

	for (uint32_t i = 0; i < p->nthr && !rc; i++) {
		struct kdr_pair_thread *t = &p->thr[i];

		if (t->flags & KDR_TS_IGNORED)
			continue;
		rc = end_open(p, t, end, KDR_IV_UNFINISHED, 0);
		t->flags &= ~(KDR_TS_OPEN | KDR_TS_PREEMPTED | KDR_TS_SCHED_KNOWN | KDR_TS_SYS_KNOWN);
	}
	return rc;
}

/* Clip: before e, leave the windows it is past.  A window that starts
 * after the previous one ended leaves a gap nothing was recorded in: a
 * thread preempted at a window's end and woken in the next one ran and
 * slept in the gap, it did not wait through it. */
static int cross_windows(struct kdr_pairing *p, const struct kdf_event *e)
{
	const struct kdf_window *v = p->cfg.windows;
	int rc = 0;

	while (!rc && p->window + 1 < p->cfg.nwindows && e->ts >= v[p->window + 1].start_ts) {
		const struct kdf_window *w = &v[p->window], *next = w + 1;

		if (next->start_ts > w->end_ts && next->start_ts >= w->start_ts) {
			rc = close_open(p, w->end_ts);
			p->open_start = next->start_ts;
		}
		p->window++;
	}
	return rc;
}

static inline int before(struct kdr_pairing *p, struct kdr_pair_thread *t,
			 const struct kdf_event *e)
{
	int rc = p->cfg.before ? p->cfg.before(p->cfg.ctx, index_of(p, t), e) : 0;

	if (rc)
		p->failed = rc;
	return rc;
}

/* An event of thread tid's own: the followed thread (NULL when it is not
 * followed, or on a failure, in p->failed), told to the consumer first,
 * and the syscall it had waiting for a stack handed over: it got none. */
static inline __attribute__((always_inline)) struct kdr_pair_thread *own_event(struct kdr_pairing *p, uint32_t tid,
						const struct kdf_event *e)
{
	struct kdr_pair_thread *t = thread_get(p, tid);

	if (t && (before(p, t, e) || flush_pending(p, t)))
		return NULL;
	return t;
}

/* One event, in time order.  Failures are p->failed's (sticky).  One
 * dispatch on the type: which type comes next is what the processor
 * cannot predict in a mixed capture, so it is asked once. */
static inline __attribute__((always_inline)) void pair_event(struct kdr_pairing *p,
								  const struct kdf_event *e)
{
	struct kdr_pair_thread *t;
	int rc;

	p->seq++;
	if (e->ts < p->last_ts)
		p->diag.late++;
	else
		p->last_ts = e->ts;
	if (p->cfg.clip && p->cfg.nwindows && cross_windows(p, e))
		return;

	switch (e->type) {
	case KDF_EV_SYS_ENTER:
		if ((t = own_event(p, e->tid, e))) {
			t->flags |= KDR_TS_IN_SYS | KDR_TS_SYS_KNOWN;
			t->sys_ts = e->ts;
			t->sys_nr = e->u.sys.nr;
		}
		return;
	case KDF_EV_SYS_EXIT:
		if ((t = own_event(p, e->tid, e)))
			sys_exit(p, t, e);
		return;
	case KDF_EV_SWITCH:
		/* (a switch is no event of the thread's own: a syscall
		 * waiting for its stack keeps waiting) */
		if ((e->flags & KDF_SW_PREV_TARGET) && (t = thread_get(p, e->tid)) &&
		    (before(p, t, e) || switch_out(p, t, e)))
			return;
		if ((e->flags & KDF_SW_NEXT_TARGET) && (t = thread_get(p, e->u.sw.next_tid)) &&
		    !before(p, t, e))
			switch_in(p, t, e);
		return;
	case KDF_EV_WAKEUP:
		if ((t = own_event(p, e->tid, e)))
			wakeup(t, e);
		return;
	case KDF_EV_IRQ_ENTRY:
		if ((t = own_event(p, e->tid, e))) {
			t->flags |= KDR_TS_IN_IRQ;
			t->irq_ts = e->ts;
			t->irq_nr = e->u.irq_entry.irq;
			t->irq_name = e->u.irq_entry.name_id;
		}
		return;
	case KDF_EV_IRQ_EXIT:
		if ((t = own_event(p, e->tid, e)))
			irq_exit(p, t, e);
		return;
	case KDF_EV_SOFTIRQ_ENTRY:
		if ((t = own_event(p, e->tid, e))) {
			t->flags |= KDR_TS_IN_SOFTIRQ;
			t->soft_ts = e->ts;
			t->soft_vec = e->u.softirq.vec;
		}
		return;
	case KDF_EV_SOFTIRQ_EXIT:
		if ((t = own_event(p, e->tid, e)))
			softirq_exit(p, t, e);
		return;
	case KDF_EV_THREAD_EXIT:
		/* the final switch-out still ends its run */
		if ((t = own_event(p, e->tid, e)))
			t->flags = (t->flags & ~(KDR_TS_IN_SYS | KDR_TS_READY | KDR_TS_PREEMPTED)) |
				   KDR_TS_EXITED | KDR_TS_SYS_KNOWN;
		return;
	case KDF_EV_STACK:
		if ((t = thread_find(p, e->tid)))
			stack(p, t, e);
		return;
	case KDF_EV_TRIGGER: /* (after the intervals that ended before it) */
		if (p->cfg.trigger && !kdr_pair_flush(p) && (rc = p->cfg.trigger(p->cfg.ctx, e)))
			p->failed = rc;
		return;
	case KDF_EV_LOSS:
		loss(p, e);
		return;
	default: /* CPU_RUN, CENSUS: another task, /proc's view; newer types */
		return;
	}
}

/* ------------------------------------------------------------ feeding */

/* Pair the n events at v, in order, until a failure: the one place
 * pair_event() is expanded, so that the loop carries no call. */
static void pair_run(struct kdr_pairing *p, const struct kdf_event *v, size_t n)
{
	for (size_t k = 0; k < n && !p->failed; k++)
		pair_event(p, &v[k]);
}

/* Pair the events the reorder ring owes: the oldest, pushed out. */
static void pair_owed(struct kdr_pairing *p)
{
	const struct kdf_event *v;
	size_t n;

	while ((v = kdr_reorder_take(&p->reorder, &n), n))
		pair_run(p, v, n);
}

/* Is e inside [lo, hi]?  A loss is when its range overlaps it: one that
 * began before lo still breaks the intervals after lo it spans. */
static inline int in_range(const struct kdf_event *e, uint64_t lo, uint64_t hi)
{
	if (e->type == KDF_EV_LOSS)
		return e->u.loss.end_ts >= lo && e->ts <= hi;
	return e->ts >= lo && e->ts <= hi;
}

/* Sort events of ev[0..n) into the reorder ring until it owes as many as
 * it has room for; returns how many were taken.  *late: ev[that many] is
 * too late to be held back.  The ring is a copy in locals meanwhile: its
 * counters are of the type an event's timestamp is, so the compiler
 * would reload them after every event stored. */
static inline size_t sort_run(struct kdr_pairing *p, const struct kdf_event *ev, size_t n,
			      int *late)
{
	struct kdr_reorder r = p->reorder;
	uint64_t lo = p->lo, hi = p->hi, clipped = 0;
	size_t k;

	*late = 0;
	for (k = 0; k < n && r.owed < r.room; k++) {
		if (!in_range(&ev[k], lo, hi)) {
			clipped++;
			continue;
		}
		if (kdr_reorder_add(&r, &ev[k])) {
			*late = 1;
			break;
		}
	}
	p->reorder = r;
	p->diag.clipped += clipped;
	return k;
}

/* How many of ev[0..n) in a row are inside the bounds and in time order
 * after what the reorder ring holds (nothing owed): a run that can pass
 * through it (kdr_reorder_pass()). */
static size_t in_order_run(const struct kdr_pairing *p, const struct kdf_event *ev, size_t n)
{
	uint64_t last = kdr_reorder_newest_ts(&p->reorder), lo = p->lo, hi = p->hi;
	size_t k = 0;

	for (; k < n && last < lo; k++) {
		if (ev[k].ts < last || !in_range(&ev[k], lo, hi))
			return k;
		last = ev[k].ts;
	}
	/* From lo on, an event no older than the one before is not before lo
	 * either: only hi is asked, and a LOSS's end, which in_range() asks
	 * instead of its start. */
	for (; k < n && ev[k].ts >= last && ev[k].ts <= hi &&
	       (ev[k].type != KDF_EV_LOSS || ev[k].u.loss.end_ts >= lo);
	     k++)
		last = ev[k].ts;
	return k;
}

/* A run in order through the reorder ring: the events it pushes out
 * paired, those of the run itself where they are, and only the newest
 * (as many as the ring holds) copied into it. */
static void pass_run(struct kdr_pairing *p, const struct kdf_event *ev, size_t n)
{
	size_t own = kdr_reorder_pass(&p->reorder, n);

	pair_owed(p);
	pair_run(p, ev, own);
	kdr_reorder_append(&p->reorder, ev + own, n - own);
}

int kdr_pair_feed(struct kdr_pairing *p, const struct kdf_event *ev, size_t n)
{
	size_t k = 0, run;
	int late;

	p->diag.events += n;
	while (k < n && !p->failed) {
		if ((run = in_order_run(p, ev + k, n - k))) {
			pass_run(p, ev + k, run);
			k += run;
			continue;
		}
		k += sort_run(p, ev + k, n - k, &late);
		pair_owed(p);
		if (late && !p->failed)
			pair_run(p, &ev[k++], 1); /* after what left before it */
	}
	return p->failed;
}

int kdr_pair_feed_in_order(struct kdr_pairing *p, const struct kdf_event *ev, size_t n)
{
	/* after the newest held and inside the bounds from its first to its
	 * last event: the batch is one run (in_order_run() would find it) */
	if (n && !p->failed && ev[0].ts >= kdr_reorder_newest_ts(&p->reorder) &&
	    ev[0].ts >= p->lo && ev[n - 1].ts <= p->hi) {
		p->diag.events += n;
		pass_run(p, ev, n);
		return p->failed;
	}
	return kdr_pair_feed(p, ev, n);
}

int kdr_pair_finish(struct kdr_pairing *p, uint64_t lo, uint64_t hi)
{
	const struct kdf_event *e;

	pair_owed(p);
	while (!p->failed && (e = kdr_reorder_pop(&p->reorder))) {
		if (!in_range(e, lo, hi))
			p->diag.clipped++;
		else
			pair_run(p, e, 1);
	}
	for (uint32_t i = 0; i < p->nthr && !p->failed; i++)
		flush_pending(p, &p->thr[i]);
	if (!p->failed && p->cfg.clip)
		close_open(p, hi);
	if (!p->failed)
		kdr_pair_flush(p);
	return p->failed;
}

/* ------------------------------------------------------------ lifecycle */

int kdr_pair_init(struct kdr_pairing *p, const struct kdr_pair_cfg *cfg)
{
	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	p->hi = UINT64_MAX;
	kdr_losses_init(&p->losses);
	kdr_loss_touched_init(&p->touched);
	if (kdr_reorder_init_room(&p->reorder,
				  cfg->reorder_cap ? cfg->reorder_cap : KDR_PAIR_REORDER,
				  KDR_PAIR_REACH, KDR_PAIR_RUN) ||
	    kdr_ix_init(&p->thr_ix, 256))
		return -1;
	return 0;
}

void kdr_pair_free(struct kdr_pairing *p)
{
	kdr_reorder_free(&p->reorder);
	kdr_ix_free(&p->thr_ix);
	kdr_loss_touched_free(&p->touched);
	free(p->thr);
	p->thr = NULL;
	p->nthr = p->thr_cap = 0;
}

void kdr_pair_set_bounds(struct kdr_pairing *p, uint64_t lo, uint64_t hi)
{
	p->lo = lo;
	p->hi = hi;
}

void kdr_pair_reset(struct kdr_pairing *p)
{
	kdr_reorder_clear(&p->reorder);
	p->last_ts = 0;
	for (uint32_t i = 0; i < p->nthr; i++)
		p->tcache[p->thr[i].tid & (KDR_PAIR_TCACHE - 1)].slot = 0;
	p->nthr = 0;
	kdr_ix_clear(&p->thr_ix);
	memset(&p->diag, 0, sizeof(p->diag));
	kdr_losses_init(&p->losses);
	kdr_loss_touched_next(&p->touched); /* the threads are gone */
	p->failed = 0;
	p->window = 0;
	p->seq = 0;
	memset(p->nbatch, 0, sizeof(p->nbatch));
}
