// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_timeline.c - the second pass: the pairing engine's intervals
 * (pairing.h) as slices of the kept threads.
 *
 * The engine pairs under its clip policy: a timeline also shows what the
 * edges cut.  An interval whose start precedes the thread's first event
 * starts at the capture's first event (KDR_XS_OPEN_START), one still open
 * at the end runs to the end (KDR_XS_UNFINISHED) - a syscall blocked when
 * recording stopped is often the very thing being hunted - and where a
 * sample window starts after the previous one ended, what was open at
 * that end runs to it and the states start afresh (the engine is given
 * the windows).  Intervals that span a loss of events come flagged
 * KDR_XS_LOST.
 *
 * What is the timeline's own: the --syscall filter, clipping to the time
 * range (KDR_XS_CUT_START / CUT_END), and the lanes: a slice never starts
 * before the previous slice of its lane ended (events the reorder ring
 * could not sort, KDR_XS_CLIPPED).
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "export_internal.h"
#include "grow.h"
#include "pairing.h"

struct scan {
	struct kdr_export *x;
	const struct kdr_xsink *sink;
	struct kdr_pairing pair;
	/* by the engine's thread index: the kept thread (NULL: not kept),
	 * and where each of its lanes' last slice ended */
	const struct kdr_xthread **thr;
	uint64_t (*lane_end)[KDR_NLANES];
	size_t thr_cap, lane_cap;
};

static int admit(void *ctx, uint32_t tid, uint32_t i)
{
	struct scan *sc = ctx;
	const struct kdr_xthread *t = kdr_export_thread(sc->x, tid);

	if (kdr_grow((void **)&sc->thr, &sc->thr_cap, i, sizeof(*sc->thr)) ||
	    kdr_grow((void **)&sc->lane_end, &sc->lane_cap, i, sizeof(*sc->lane_end)))
		return -1;
	sc->thr[i] = t && t->keep ? t : NULL;
	memset(sc->lane_end[i], 0, sizeof(sc->lane_end[i]));
	return sc->thr[i] != NULL;
}

static int slice(struct scan *sc, const struct kdr_interval *iv)
{
	const struct kdr_export *x = sc->x;
	uint32_t i = iv->thread;
	struct kdr_xslice s = { .kind = (enum kdr_xkind)iv->kind, .flags = iv->flags,
				.thread = sc->thr[i], .start = iv->start, .end = iv->end,
				.nr = iv->nr, .ret = iv->ret, .name_id = iv->name_id,
				.kstack_id = iv->kstack_id, .ustack_id = iv->ustack_id,
				.stack_flags = iv->stack_flags };
	uint64_t *lane_end = &sc->lane_end[i][kdr_xlane_of(s.kind)];

	if (s.kind == KDR_X_SYSCALL && x->syscall_nr != UINT32_MAX && s.nr != x->syscall_nr)
		return 0;
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

static int on_intervals(void *ctx, const struct kdr_interval *v, size_t n)
{
	int rc = 0;

	for (size_t k = 0; k < n && !rc; k++)
		rc = slice(ctx, &v[k]);
	return rc;
}

static int on_trigger(void *ctx, const struct kdf_event *ev)
{
	struct scan *sc = ctx;

	if (ev->ts < sc->x->from || ev->ts >= sc->x->to || !sc->sink->trigger)
		return 0;
	return sc->sink->trigger(sc->sink->ctx, ev);
}

int kdr_export_scan(struct kdr_export *x, const struct kdr_xsink *sink)
{
	struct scan sc = { .x = x, .sink = sink };
	struct kdr_pair_cfg cfg = { .clip = 1,
				    .stacks = 1,
				    .windows = x->windows,
				    .nwindows = x->nwindows,
				    .ctx = &sc,
				    .admit = admit,
				    .intervals = on_intervals,
				    .trigger = on_trigger };
	struct kdf_item it;
	int rc = 0, n;

	if (kdr_pair_init(&sc.pair, &cfg)) {
		kdr_pair_free(&sc.pair);
		return kdr_export_fail(x, EX_OSERR, "out of memory for the pairing");
	}
	kdr_pair_set_open_start(&sc.pair, x->first_ts);
	while (!rc && (n = kdf_reader_next(x->r, &it)) > 0) {
		if (it.type == KDF_ITEM_EVENTS && sink->events)
			rc = sink->events(sink->ctx, it.u.events.v, it.u.events.n);
		if (!rc && it.type == KDF_ITEM_EVENTS)
			rc = kdr_pair_feed(&sc.pair, it.u.events.v, it.u.events.n);
		else if (it.type == KDF_ITEM_WINDOW && sink->window &&
			 !(rc = kdr_pair_flush(&sc.pair)))
			rc = sink->window(sink->ctx, &it.u.window);
	}
	/* A reader error was already said by the first pass. */
	if (!rc)
		rc = kdr_pair_finish(&sc.pair, 0, x->end_ts);
	if (rc < 0)
		rc = kdr_export_fail(x, EX_OSERR, "out of memory for %zu threads", x->nthreads);
	kdr_pair_free(&sc.pair);
	free(sc.thr);
	free(sc.lane_end);
	return rc;
}
