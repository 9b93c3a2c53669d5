/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * window.h - one sample window: which events belong to it, and whether it
 * is kept.
 *
 * An event belongs to the window when start_ts <= ts <= end_ts.  A window
 * opened and closed by triggers and shorter than --trigger-delta is
 * skipped: its events must not reach the file.  So while such a window
 * may still turn out short (younger than trigger-delta) its events are
 * held in memory; as soon as it is older, it will be kept whatever
 * happens, and the held events are emitted.  No I/O here: events leave
 * through the emit callback, which makes this unit-testable.
 */
#ifndef KD_WINDOW_H
#define KD_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

enum kd_win_state {
	KD_WIN_NONE = 0, /* no window: events are discarded */
	KD_WIN_ARMED,	 /* waiting for the start trigger */
	KD_WIN_OPEN,	 /* events with ts >= start_ts belong to it */
	KD_WIN_CLOSING,	 /* end known, draining what is left in the ring */
};

typedef int (*kd_emit_fn)(void *ctx, const struct kdf_event *ev);

struct kd_window {
	enum kd_win_state state;
	uint32_t index;		  /* of the next window chunk */
	uint32_t flags;		  /* KDF_WIN_* */
	uint64_t start_ts, end_ts;
	uint64_t start_trigger_ts, stop_trigger_ts;
	uint64_t trigger_delta_ns; /* 0 = every window is kept */
	bool may_skip;		   /* both triggers: a short window is skipped */
	bool holding;		   /* events held in buf */
	struct kdf_event *buf;
	size_t n, cap, max;	   /* max: events held before giving up */
	uint64_t overflow;	   /* held events lost to max (counted as dropped) */
	kd_emit_fn emit;
	void *ctx;
};

/* max_held: bound of the memory buffer in events (0 = default, 512Ki). */
void window__init(struct kd_window *w, uint64_t trigger_delta_ns, size_t max_held,
		  kd_emit_fn emit, void *ctx);
void window__free(struct kd_window *w);

/* Wait for a start trigger (KD_WIN_ARMED). */
void window__arm(struct kd_window *w);

/*
 * Open at start_ts.  triggered: a trigger is involved (KDF_WIN_TRIGGERED);
 * may_skip: both a start and a stop trigger, so the window is skipped when
 * shorter than trigger-delta.  start_trigger_ts: 0 when not a trigger.
 */
void window__open(struct kd_window *w, uint64_t start_ts, uint64_t start_trigger_ts,
		  bool triggered, bool may_skip);

/* An event from the ring; returns the emit error, 0 otherwise. */
int window__event(struct kd_window *w, const struct kdf_event *ev);

/* Whether window__event() would hand an event at ts straight to emit:
 * the window is open (or closing), not holding, and ts inside it. */
static inline bool window__passes(const struct kd_window *w, uint64_t ts)
{
	return (w->state == KD_WIN_OPEN || w->state == KD_WIN_CLOSING) && !w->holding &&
	       ts >= w->start_ts && ts <= w->end_ts;
}

/* The clock moved to now (CLOCK_MONOTONIC): stop holding once older than
 * trigger-delta.  Returns the emit error, 0 otherwise. */
int window__tick(struct kd_window *w, uint64_t now);

/* The end is known; later events with ts <= end_ts still belong. */
void window__end(struct kd_window *w, uint64_t end_ts, uint64_t stop_trigger_ts,
		 uint32_t extra_flags);

/*
 * Finish: decide whether the window is skipped, emit what is held when
 * kept, fill *out (counters left 0 for the caller) and go back to
 * KD_WIN_NONE.  Returns the emit error, 0 otherwise.
 */
int window__close(struct kd_window *w, struct kdf_window *out);

#endif /* KD_WINDOW_H */
