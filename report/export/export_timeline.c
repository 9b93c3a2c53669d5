// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_timeline.c - the second pass: raw events to slices.
 *
 * Per kept thread, a small state machine per lane pairs the two ends of
 * each interval the way stats.c's pairing rules define them (running:
 * switched in -> out; ready: woken or preempted -> switched in; syscall:
 * enter -> exit; hard/soft irq: entry -> exit).  Unlike the statistics,
 * a timeline also shows what the window edges cut: an interval whose
 * start precedes the thread's first event starts at the capture's first
 * event (KDR_XS_OPEN_START), one still open at the end runs to the end
 * (KDR_XS_UNFINISHED) - a syscall blocked when recording stopped is often
 * the very thing being hunted.
 *
 * Nothing is recorded between two sample windows: when a window starts
 * after the previous one ended, what was open at that end runs to it
 * (KDR_XS_UNFINISHED) and the lanes start afresh at the new window's
 * start, as at the start of the capture - a thread preempted at a
 * window's end and woken in the next one ran and slept in the gap, it
 * did not wait through it.
 *
 * Where the recorder lost events (a LOSS event, losses.h) every lane's
 * open slice ends at the loss, flagged KDR_XS_LOST (its real end is
 * unknown), and the lanes start afresh: what ends after the loss without
 * having begun after it makes no slice.  A slice that spans a loss any
 * other way is flagged KDR_XS_LOST too, so that no consumer takes it for
 * a measurement.
 *
 * Events of different CPUs can reach the file slightly out of time order,
 * so they pass through a reorder ring of REORDER events first (reorder.h,
 * as the statistics do, each event held back); whatever
 * disorder is left is absorbed by clamping: a slice never starts before
 * the previous slice of its lane ended and never ends before it starts.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "export_internal.h"
#include "losses.h"
#include "reorder.h"

#define REORDER 4096

/* UNKNOWN: since before the capture; LOST: since a loss of events */
enum { SCHED_UNKNOWN, SCHED_RUNNING, SCHED_READY, SCHED_SLEEPING, SCHED_LOST };
enum { SYS_UNKNOWN, SYS_IN, SYS_OUT, SYS_LOST };

struct tstate {
	uint8_t sched, sys, hard_in, soft_in, ready_preempted, has_pending;
	uint64_t sched_since;
	uint64_t sys_since;
	uint32_t sys_nr;
	uint64_t hard_since;
	uint32_t hard_irq, hard_name;
	uint64_t soft_since;
	uint32_t soft_vec;
	struct kdr_xslice pending; /* a syscall slice waiting for its STACK */
	uint64_t pending_entry;	   /* its entry ts as the events gave it */
	uint64_t lane_end[KDR_NLANES];
	uint64_t loss_mark; /* losses.h's touched list */
};

struct scan {
	struct kdr_export *x;
	const struct kdr_xsink *sink;
	struct tstate *st; /* parallel to x->threads */
	struct kdr_reorder reorder; /* REORDER events, every one held back */
	struct kdr_losses losses;
	struct kdr_loss_touched touched; /* threads changed since the last loss */
	uint64_t open_start;	/* where a slice whose start was not seen starts */
	size_t window;		/* x->windows[] the events are in now */
	struct tcache {
		uint32_t tid, idx; /* idx + 1; 0 = empty */
	} cache[256];	       /* tid -> thread, before the binary search */
};

/* ------------------------------------------------------------ emitting */

static int emit(struct scan *sc, struct tstate *ts, struct kdr_xslice s)
{
	const struct kdr_export *x = sc->x;
	uint64_t *lane_end = &ts->lane_end[kdr_xlane_of(s.kind)];

	if (s.kind == KDR_X_SYSCALL && x->syscall_nr != UINT32_MAX && s.nr != x->syscall_nr)
		return 0;
	if (s.end < s.start)
		s.end = s.start; /* cross-CPU clock skew: never negative */
	if (kdr_losses_span(&sc->losses, s.start))
		s.flags |= KDR_XS_LOST;
	if (s.end < x->from || s.start >= x->to || (s.end == x->from && s.start < s.end))
		return 0;
	if (s.start < x->from) {
		s.start = x->from;
		s.flags |= KDR_XS_CLIPPED | KDR_XS_CUT_START;
	}
	if (s.end > x->to) {
		s.end = x->to;
		s.flags |= KDR_XS_CLIPPED | KDR_XS_CUT_END;
	}
	if (s.start < *lane_end) {
		s.start = *lane_end;
		s.flags |= KDR_XS_CLIPPED;
		if (s.end < s.start)
			s.end = s.start;
	}
	*lane_end = s.end;
	return sc->sink->slice ? sc->sink->slice(sc->sink->ctx, &s) : 0;
}

static struct kdr_xslice mk(enum kdr_xkind kind, const struct kdr_xthread *t, uint64_t start,
			    uint64_t end, uint32_t flags)
{
	struct kdr_xslice s = { .kind = kind, .thread = t, .start = start, .end = end,
				.flags = flags };
	return s;
}

static int flush_pending(struct scan *sc, struct tstate *ts)
{
	if (!ts->has_pending)
		return 0;
	ts->has_pending = 0;
	return emit(sc, ts, ts->pending);
}

/* ------------------------------------------------------------ pairing */

static int on_switch_out(struct scan *sc, const struct kdr_xthread *t, struct tstate *ts,
			 const struct kdf_event *ev)
{
	int rc = 0;

	if (ts->sched == SCHED_RUNNING)
		rc = emit(sc, ts, mk(KDR_X_RUNNING, t, ts->sched_since, ev->ts, 0));
	else if (ts->sched == SCHED_UNKNOWN)
		rc = emit(sc, ts, mk(KDR_X_RUNNING, t, sc->open_start, ev->ts, KDR_XS_OPEN_START));
	/* READY or SLEEPING here means events were lost: no slice. */
	ts->sched_since = ev->ts;
	if (ev->u.sw.prev_state == 0 || (ev->flags & KDF_SW_PREEMPT)) {
		ts->sched = SCHED_READY;
		ts->ready_preempted = 1;
	} else {
		ts->sched = SCHED_SLEEPING;
	}
	return rc;
}

static int on_switch_in(struct scan *sc, const struct kdr_xthread *t, struct tstate *ts,
			const struct kdf_event *ev)
{
	int rc = 0;

	if (ts->sched == SCHED_READY)
		rc = emit(sc, ts, mk(KDR_X_READY, t, ts->sched_since, ev->ts,
				     ts->ready_preempted ? KDR_XS_PREEMPTED : 0));
	else if (ts->sched == SCHED_UNKNOWN)
		rc = emit(sc, ts, mk(KDR_X_READY, t, sc->open_start, ev->ts, KDR_XS_OPEN_START));
	ts->sched = SCHED_RUNNING;
	ts->sched_since = ev->ts;
	return rc;
}

static void on_wakeup(struct tstate *ts, const struct kdf_event *ev)
{
	/* A wakeup of a running or already runnable thread changes nothing:
	 * the ready interval starts at the first reason to be runnable. */
	if (ts->sched == SCHED_SLEEPING || ts->sched == SCHED_UNKNOWN || ts->sched == SCHED_LOST) {
		ts->sched = SCHED_READY;
		ts->sched_since = ev->ts;
		ts->ready_preempted = 0;
	}
}

static int on_sys_exit(struct scan *sc, const struct kdr_xthread *t, struct tstate *ts,
		       const struct kdf_event *ev)
{
	struct kdr_xslice s;

	if (ts->sys == SYS_IN && ts->sys_nr == ev->u.sys.nr) {
		s = mk(KDR_X_SYSCALL, t, ts->sys_since, ev->ts, 0);
		ts->pending_entry = ts->sys_since;
	} else if (ts->sys == SYS_UNKNOWN) {
		s = mk(KDR_X_SYSCALL, t, sc->open_start, ev->ts, KDR_XS_OPEN_START);
		ts->pending_entry = 0;
	} else {
		ts->sys = SYS_OUT; /* lost its entry */
		return 0;
	}
	ts->sys = SYS_OUT;
	s.nr = ev->u.sys.nr;
	s.ret = ev->u.sys.ret;
	ts->pending = s;
	ts->has_pending = 1;
	return 0;
}

static int on_stack(struct scan *sc, struct tstate *ts, const struct kdf_event *ev)
{
	if (!ts->has_pending || ts->pending.nr != ev->u.stack.nr)
		return 0;
	if (ev->u.stack.entry_ts && ts->pending_entry && ev->u.stack.entry_ts != ts->pending_entry)
		return 0;
	/* The exit of a syscall entered before the capture: the stack event
	 * knows when it really started. */
	if ((ts->pending.flags & KDR_XS_OPEN_START) && ev->u.stack.entry_ts) {
		ts->pending.start = ev->u.stack.entry_ts;
		ts->pending.flags &= ~KDR_XS_OPEN_START;
	}
	ts->pending.kstack_id = ev->u.stack.kstack_id;
	ts->pending.ustack_id = ev->u.stack.ustack_id;
	ts->pending.stack_flags = ev->flags;
	ts->pending.flags |= KDR_XS_HAS_STACK;
	return flush_pending(sc, ts);
}

static int on_irq_exit(struct scan *sc, const struct kdr_xthread *t, struct tstate *ts,
		       const struct kdf_event *ev)
{
	struct kdr_xslice s;

	int paired = ts->hard_in && ts->hard_irq == ev->u.irq_exit.irq;

	ts->hard_in = 0;
	if (!paired)
		return 0; /* entry lost or before the capture */
	s = mk(KDR_X_HARDIRQ, t, ts->hard_since, ev->ts, 0);
	s.nr = ev->u.irq_exit.irq;
	s.ret = ev->u.irq_exit.ret;
	s.name_id = ts->hard_name;
	return emit(sc, ts, s);
}

static int on_softirq_exit(struct scan *sc, const struct kdr_xthread *t, struct tstate *ts,
			   const struct kdf_event *ev)
{
	struct kdr_xslice s;

	int paired = ts->soft_in && ts->soft_vec == ev->u.softirq.vec;

	ts->soft_in = 0;
	if (!paired)
		return 0;
	s = mk(KDR_X_SOFTIRQ, t, ts->soft_since, ev->ts, 0);
	s.nr = ev->u.softirq.vec;
	return emit(sc, ts, s);
}

/* Every slice of thread t open now ends at end, flagged why (LOST or
 * UNFINISHED); the irqs too when irqs (a loss: they are known to have
 * begun; at an end of recording, one still open is not shown). */
static int end_open(struct scan *sc, const struct kdr_xthread *t, struct tstate *ts, uint64_t end,
		    uint32_t why, int irqs)
{
	struct kdr_xslice s;
	int rc = flush_pending(sc, ts);

	if (!rc && ts->sched == SCHED_RUNNING)
		rc = emit(sc, ts, mk(KDR_X_RUNNING, t, ts->sched_since, end, why));
	if (!rc && ts->sched == SCHED_READY)
		rc = emit(sc, ts, mk(KDR_X_READY, t, ts->sched_since, end,
				     why | (ts->ready_preempted ? KDR_XS_PREEMPTED : 0)));
	if (!rc && ts->sys == SYS_IN) {
		s = mk(KDR_X_SYSCALL, t, ts->sys_since, end, why);
		s.nr = ts->sys_nr;
		rc = emit(sc, ts, s);
	}
	if (!rc && irqs && ts->hard_in) {
		s = mk(KDR_X_HARDIRQ, t, ts->hard_since, end, why);
		s.nr = ts->hard_irq;
		s.name_id = ts->hard_name;
		rc = emit(sc, ts, s);
	}
	if (!rc && irqs && ts->soft_in) {
		s = mk(KDR_X_SOFTIRQ, t, ts->soft_since, end, why);
		s.nr = ts->soft_vec;
		rc = emit(sc, ts, s);
	}
	return rc;
}

/* Events were lost from ev->ts on: every open slice ends there, its real
 * end unknown, and every lane starts afresh.  Only the threads touched
 * since the last loss can have one open. */
static int on_loss(struct scan *sc, const struct kdf_event *ev)
{
	struct kdr_export *x = sc->x;
	struct kdr_loss_touched *tc = &sc->touched;
	size_t n = tc->all ? x->nthreads : tc->n;
	int rc = 0;

	kdr_losses_add(&sc->losses, ev);
	for (size_t k = 0; k < n && !rc; k++) {
		size_t i = tc->all ? k : tc->v[k];
		const struct kdr_xthread *t = &x->threads[i];
		struct tstate *ts = &sc->st[i];

		if (!t->keep)
			continue;
		rc = end_open(sc, t, ts, ev->ts, KDR_XS_LOST, 1);
		ts->sched = SCHED_LOST;
		ts->sys = SYS_LOST;
		ts->hard_in = ts->soft_in = 0;
	}
	kdr_loss_touched_next(tc);
	return rc;
}

/* Whatever is still open at end (the end of the capture, or of a window
 * followed by a gap) runs to it; the lanes start afresh after it. */
static int close_open(struct scan *sc, uint64_t end)
{
	struct kdr_export *x = sc->x;
	size_t i;
	int rc = 0;

	for (i = 0; i < x->nthreads && !rc; i++) {
		const struct kdr_xthread *t = &x->threads[i];
		struct tstate *ts = &sc->st[i];

		if (!t->keep)
			continue;
		rc = end_open(sc, t, ts, end, KDR_XS_UNFINISHED, 0);
		ts->sched = SCHED_UNKNOWN;
		ts->sys = SYS_UNKNOWN;
		ts->hard_in = ts->soft_in = 0;
	}
	return rc;
}

/* Before ev: close the windows it is past.  A window that starts after the
 * previous one ended leaves a gap nothing was recorded in. */
static int cross_windows(struct scan *sc, const struct kdf_event *ev)
{
	const struct kdr_export *x = sc->x;
	int rc = 0;

	while (!rc && sc->window + 1 < x->nwindows && ev->ts >= x->windows[sc->window + 1].start_ts) {
		const struct kdf_window *w = &x->windows[sc->window], *next = w + 1;

		if (next->start_ts > w->end_ts && next->start_ts >= w->start_ts) {
			rc = close_open(sc, w->end_ts);
			sc->open_start = next->start_ts;
		}
		sc->window++;
	}
	return rc;
}

/* The state of a kept target thread, else NULL. */
static struct tstate *state_of(struct scan *sc, uint32_t tid, const struct kdr_xthread **tp)
{
	struct tcache *c = &sc->cache[(tid ^ (tid >> 8)) & 255];
	struct kdr_xthread *t;

	if (c->idx && c->tid == tid) {
		t = &sc->x->threads[c->idx - 1];
	} else {
		t = kdr_export_thread(sc->x, tid);
		if (!t)
			return NULL;
		c->tid = tid;
		c->idx = (uint32_t)(t - sc->x->threads) + 1;
	}
	if (!t->keep)
		return NULL;
	*tp = t;
	kdr_loss_touch(&sc->touched, &sc->st[t - sc->x->threads].loss_mark,
		       (uint32_t)(t - sc->x->threads));
	return &sc->st[t - sc->x->threads];
}

static int process(struct scan *sc, const struct kdf_event *ev)
{
	const struct kdr_xthread *t;
	struct tstate *ts;
	int rc;

	rc = cross_windows(sc, ev);
	if (rc)
		return rc;
	if (ev->type == KDF_EV_TRIGGER) {
		if (ev->ts < sc->x->from || ev->ts >= sc->x->to || !sc->sink->trigger)
			return 0;
		return sc->sink->trigger(sc->sink->ctx, ev);
	}
	if (ev->type == KDF_EV_LOSS)
		return on_loss(sc, ev);
	if (ev->type == KDF_EV_CPU_RUN || ev->type == KDF_EV_CENSUS)
		return 0; /* another task on a CPU; /proc's view of a thread: no state change */
	if (ev->type == KDF_EV_SWITCH) {
		rc = 0;
		if ((ev->flags & KDF_SW_PREV_TARGET) && (ts = state_of(sc, ev->tid, &t)))
			rc = on_switch_out(sc, t, ts, ev);
		if (!rc && (ev->flags & KDF_SW_NEXT_TARGET) &&
		    (ts = state_of(sc, ev->u.sw.next_tid, &t)))
			rc = on_switch_in(sc, t, ts, ev);
		return rc;
	}
	ts = state_of(sc, ev->tid, &t);
	if (!ts)
		return 0;
	if (ev->type == KDF_EV_STACK)
		return on_stack(sc, ts, ev);
	/* Anything else from this thread: its syscall got no stack. */
	rc = flush_pending(sc, ts);
	if (rc)
		return rc;
	switch (ev->type) {
	case KDF_EV_SYS_ENTER:
		ts->sys = SYS_IN;
		ts->sys_since = ev->ts;
		ts->sys_nr = ev->u.sys.nr;
		return 0;
	case KDF_EV_SYS_EXIT:
		return on_sys_exit(sc, t, ts, ev);
	case KDF_EV_WAKEUP:
		on_wakeup(ts, ev);
		return 0;
	case KDF_EV_IRQ_ENTRY:
		ts->hard_in = 1;
		ts->hard_since = ev->ts;
		ts->hard_irq = ev->u.irq_entry.irq;
		ts->hard_name = ev->u.irq_entry.name_id;
		return 0;
	case KDF_EV_IRQ_EXIT:
		return on_irq_exit(sc, t, ts, ev);
	case KDF_EV_SOFTIRQ_ENTRY:
		ts->soft_in = 1;
		ts->soft_since = ev->ts;
		ts->soft_vec = ev->u.softirq.vec;
		return 0;
	case KDF_EV_SOFTIRQ_EXIT:
		return on_softirq_exit(sc, t, ts, ev);
	default:
		return 0; /* THREAD_EXIT: the switch out that follows says it */
	}
}

/* ------------------------------------------------------------ reading */

static int feed(struct scan *sc, const struct kdf_event *v, size_t n)
{
	const struct kdf_event *old;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		/* Processed before the slot is reused by the push. */
		if ((old = kdr_reorder_full(&sc->reorder)) && (rc = process(sc, old)))
			return rc;
		kdr_reorder_push(&sc->reorder, &v[i]); /* (the reach is the whole ring) */
	}
	return 0;
}

int kdr_export_scan(struct kdr_export *x, const struct kdr_xsink *sink)
{
	struct scan sc = { .x = x, .sink = sink, .open_start = x->first_ts };
	const struct kdf_event *ev;
	struct kdf_item it;
	int rc = 0, n;

	kdr_loss_touched_init(&sc.touched);
	sc.st = calloc(x->nthreads ? x->nthreads : 1, sizeof(*sc.st));
	if (!sc.st || kdr_reorder_init(&sc.reorder, REORDER, REORDER)) {
		free(sc.st);
		kdr_reorder_free(&sc.reorder);
		return kdr_export_fail(x, EX_OSERR, "out of memory for %zu threads", x->nthreads);
	}
	while (!rc && (n = kdf_reader_next(x->r, &it)) > 0) {
		if (it.type == KDF_ITEM_EVENTS && sink->events)
			rc = sink->events(sink->ctx, it.u.events.v, it.u.events.n);
		if (!rc && it.type == KDF_ITEM_EVENTS)
			rc = feed(&sc, it.u.events.v, it.u.events.n);
		else if (it.type == KDF_ITEM_WINDOW && sink->window)
			rc = sink->window(sink->ctx, &it.u.window);
	}
	/* A reader error was already said by the first pass. */
	while (!rc && (ev = kdr_reorder_pop(&sc.reorder)))
		rc = process(&sc, ev);
	if (!rc)
		rc = close_open(&sc, x->end_ts);
	free(sc.st);
	kdr_reorder_free(&sc.reorder);
	kdr_loss_touched_free(&sc.touched);
	return rc;
}
