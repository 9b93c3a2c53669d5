// SPDX-License-Identifier: BSD-2-Clause
/*
 * window.c - the window state machine and the trigger-delta buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "window.h"

#define DEFAULT_MAX_HELD (1u << 19) /* 16 MiB of kdf_event: RSS goal 32 MiB */

void window__init(struct kd_window *w, uint64_t trigger_delta_ns, size_t max_held,
		  kd_emit_fn emit, void *ctx)
{
	memset(w, 0, sizeof(*w));
	w->trigger_delta_ns = trigger_delta_ns;
	w->max = max_held ? max_held : DEFAULT_MAX_HELD;
	w->emit = emit;
	w->ctx = ctx;
}

void window__free(struct kd_window *w)
{
	if (!w)
		return;
	free(w->buf);
	w->buf = NULL;
	w->n = w->cap = 0;
}

void window__arm(struct kd_window *w)
{
	w->state = KD_WIN_ARMED;
}

void window__open(struct kd_window *w, uint64_t start_ts, uint64_t start_trigger_ts,
		  bool triggered, bool may_skip)
{
	w->state = KD_WIN_OPEN;
	w->flags = triggered ? KDF_WIN_TRIGGERED : 0;
	w->start_ts = start_ts;
	w->end_ts = UINT64_MAX;
	w->start_trigger_ts = start_trigger_ts;
	w->stop_trigger_ts = 0;
	w->may_skip = may_skip && w->trigger_delta_ns > 0;
	w->holding = w->may_skip;
	w->n = 0;
	w->overflow = 0;
}

/* Emit everything held and stop holding. */
static int release(struct kd_window *w)
{
	size_t i;
	int err = 0;

	for (i = 0; i < w->n && !err; i++)
		err = w->emit(w->ctx, &w->buf[i]);
	w->n = 0;
	w->holding = false;
	return err;
}

static int hold(struct kd_window *w, const struct kdf_event *ev)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4096;
		struct kdf_event *b;

		if (cap > w->max)
			cap = w->max;
		if (w->n >= cap) {
			w->overflow++;
			return 0;
		}
		b = realloc(w->buf, cap * sizeof(*b));
		if (!b) {
			w->overflow++;
			return 0;
		}
		w->buf = b;
		w->cap = cap;
	}
	w->buf[w->n++] = *ev;
	return 0;
}

int window__event(struct kd_window *w, const struct kdf_event *ev)
{
	if (w->state != KD_WIN_OPEN && w->state != KD_WIN_CLOSING)
		return 0;
	if (ev->ts < w->start_ts || ev->ts > w->end_ts)
		return 0;
	if (w->holding) {
		/* An event this late proves the window long enough. */
		if (ev->ts - w->start_ts >= w->trigger_delta_ns) {
			int err = release(w);

			return err ? err : w->emit(w->ctx, ev);
		}
		return hold(w, ev);
	}
	return w->emit(w->ctx, ev);
}

int window__tick(struct kd_window *w, uint64_t now)
{
	if (w->holding && w->state == KD_WIN_OPEN && now > w->start_ts &&
	    now - w->start_ts >= w->trigger_delta_ns)
		return release(w);
	return 0;
}

void window__end(struct kd_window *w, uint64_t end_ts, uint64_t stop_trigger_ts,
		 uint32_t extra_flags)
{
	w->state = KD_WIN_CLOSING;
	w->end_ts = end_ts;
	w->stop_trigger_ts = stop_trigger_ts;
	w->flags |= extra_flags;
}

int window__close(struct kd_window *w, struct kdf_window *out)
{
	bool skipped = false;
	int err = 0;

	if (w->may_skip && w->start_trigger_ts && w->stop_trigger_ts &&
	    w->stop_trigger_ts - w->start_trigger_ts < w->trigger_delta_ns)
		skipped = true;
	if (skipped) {
		w->n = 0; /* held events are dropped with the window */
		w->holding = false;
		w->flags |= KDF_WIN_SKIPPED;
	} else if (w->holding) {
		err = release(w);
	}
	memset(out, 0, sizeof(*out));
	out->index = w->index++;
	out->flags = w->flags;
	out->start_ts = w->start_ts;
	out->end_ts = w->end_ts;
	out->start_trigger_ts = w->start_trigger_ts;
	out->stop_trigger_ts = w->stop_trigger_ts;
	out->dropped = skipped ? 0 : w->overflow;
	w->state = KD_WIN_NONE;
	return err;
}
