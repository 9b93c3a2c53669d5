// SPDX-License-Identifier: BSD-2-Clause
/*
 * flight.c - the flight recorder's event ring (see flight.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flight.h"

#define DEFAULT_INITIAL (1u << 16) /* 2.5 MiB of kdf_event */

int flight__init(struct kd_flight *f, uint64_t keep_ns, size_t max_bytes, size_t initial)
{
	memset(f, 0, sizeof(*f));
	f->cap = max_bytes / sizeof(*f->ev);
	if (!f->cap)
		f->cap = 1;
	f->lim = initial ? initial : DEFAULT_INITIAL;
	if (f->lim > f->cap)
		f->lim = f->cap;
	/* malloc, not calloc: untouched pages of a large block stay out of
	 * RSS until the ring grows into them. */
	f->ev = malloc(f->cap * sizeof(*f->ev));
	if (!f->ev)
		return -ENOMEM;
	f->keep_ns = keep_ns;
	f->pin_ts = KD_FLIGHT_NO_PIN;
	f->lost_slice_ns = keep_ns / KD_FLIGHT_LOST_BUCKETS ? keep_ns / KD_FLIGHT_LOST_BUCKETS : 1;
	return 0;
}

void flight__free(struct kd_flight *f)
{
	if (!f)
		return;
	free(f->ev);
	f->ev = NULL;
	f->n = f->lim = f->cap = 0;
}

/* Indices wrap by comparison: a division per event costs more than the
 * copy itself. */
static void drop_oldest(struct kd_flight *f)
{
	if (++f->tail == f->lim)
		f->tail = 0;
	f->n--;
}

void flight__expire(struct kd_flight *f, uint64_t now)
{
	if (now < f->keep_ns)
		return;
	while (f->n) {
		const struct kdf_event *e = &f->ev[f->tail];

		if (e->ts >= f->pin_ts || e->ts >= now - f->keep_ns)
			break;
		drop_oldest(f);
		f->evicted_time++;
	}
}

void flight__pin(struct kd_flight *f, uint64_t ts)
{
	f->pin_ts = ts;
}

/*
 * The ring is full (tail == head): double its logical size in place.  The
 * events are [head, lim) then [0, head); one of the two runs moves so
 * that they are contiguous again in the larger ring.
 */
static void grow(struct kd_flight *f)
{
	size_t lim2 = f->lim > f->cap / 2 ? f->cap : 2 * f->lim;

	if (f->head <= lim2 - f->lim) {
		/* the newest run goes after the oldest one */
		memcpy(&f->ev[f->lim], &f->ev[0], f->head * sizeof(*f->ev));
		f->head += f->lim;
	} else {
		/* the oldest run goes to the end */
		memmove(&f->ev[lim2 - (f->lim - f->head)], &f->ev[f->head],
			(f->lim - f->head) * sizeof(*f->ev));
		f->tail = lim2 - (f->lim - f->head);
	}
	f->lim = lim2;
	if (f->head == f->lim)
		f->head = 0;
}

/* The cap takes the oldest event: remember when it was from.  The slice
 * of the last one is cached: at the cap this runs for every event, and a
 * 64-bit division each time would cost more than the copy. */
static void evict_cap(struct kd_flight *f)
{
	uint64_t ts = f->ev[f->tail].ts;

	if (ts < f->lost_lo || ts >= f->lost_lo + f->lost_slice_ns) {
		uint64_t slice = ts / f->lost_slice_ns;

		f->lost_b = slice % KD_FLIGHT_LOST_BUCKETS;
		f->lost_lo = slice * f->lost_slice_ns;
		if (f->lost[f->lost_b].slice != slice) {
			f->lost[f->lost_b].slice = slice;
			f->lost[f->lost_b].n = 0;
		}
	}
	f->lost[f->lost_b].n++;
	if (ts > f->lost_ts)
		f->lost_ts = ts;
	drop_oldest(f);
	f->evicted_cap++;
}

void flight__push(struct kd_flight *f, const struct kdf_event *ev)
{
	if (f->n == f->lim) {
		flight__expire(f, ev->ts);
		if (f->n == f->lim && f->lim < f->cap)
			grow(f);
		else if (f->n == f->lim)
			evict_cap(f);
	}
	f->ev[f->head] = *ev;
	if (++f->head == f->lim)
		f->head = 0;
	f->n++;
	f->head_seq++;
}

uint64_t flight__seq_from(const struct kd_flight *f, uint64_t ts)
{
	size_t k;

	for (k = 0; k < f->n; k++)
		if (f->ev[(f->head + f->lim - 1 - k) % f->lim].ts < ts)
			break;
	return f->head_seq - k;
}

uint64_t flight__lost_since(const struct kd_flight *f, uint64_t lo)
{
	uint64_t first = lo / f->lost_slice_ns, sum = 0;
	size_t b;

	for (b = 0; b < KD_FLIGHT_LOST_BUCKETS; b++)
		if (f->lost[b].slice >= first)
			sum += f->lost[b].n;
	return sum;
}

uint64_t flight__oldest_ts(const struct kd_flight *f)
{
	return f->n ? f->ev[f->tail].ts : 0;
}

int flight__extract(const struct kd_flight *f, uint64_t lo, uint64_t hi, kd_flight_emit_fn emit,
		    void *ctx, uint64_t *n)
{
	size_t k, t = f->tail;
	uint64_t got = 0;
	int err = 0;

	for (k = 0; k < f->n && !err; k++, t = t + 1 == f->lim ? 0 : t + 1) {
		const struct kdf_event *e = &f->ev[t];

		if (e->ts < lo || e->ts > hi)
			continue;
		err = emit(ctx, e);
		got += !err;
	}
	if (n)
		*n = got;
	return err;
}
