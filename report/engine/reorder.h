/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reorder.h - the reorder ring every reading of raw events goes through.
 *
 * Events of different CPUs reach the file slightly out of time order (the
 * ring buffer is shared and the timestamp is taken after the
 * reservation).  The ring holds back the newest cap events, sorted by
 * time: each new one is inserted from the back (O(1) when in order,
 * O(displacement) otherwise, stable for equal times, so a STACK stays
 * after its SYS_EXIT), and the oldest leaves when the ring is full.
 *
 * An event older than the reach-th newest held back is too far out of
 * order to be a CPU race: it is not held back (the caller processes it at
 * once, as late), which keeps an insertion O(reach) on any input.  reach
 * >= cap holds every event back.
 *
 * The statistics (stats.c) and the export timeline (export_timeline.c)
 * read through it.  Memory: cap events, allocated once.
 */
#ifndef KDR_REORDER_H
#define KDR_REORDER_H

#include <stddef.h>

#include "kdelay_format.h"

struct kdr_reorder {
	struct kdf_event *ring;
	size_t cap, mask; /* mask: cap - 1 when cap is a power of 2, else 0 */
	size_t head, n;
	size_t reach;
};

/* 0, or -1 when out of memory.  kdr_reorder_free() either way. */
int kdr_reorder_init(struct kdr_reorder *r, size_t cap, size_t reach);
void kdr_reorder_free(struct kdr_reorder *r);

/* Forget the events held back. */
static inline void kdr_reorder_clear(struct kdr_reorder *r)
{
	r->head = 0;
	r->n = 0;
}

static inline size_t kdr_reorder_slot(const struct kdr_reorder *r, size_t i)
{
	return r->mask ? i & r->mask : i % r->cap;
}

/* The oldest event held back, removed; NULL when none.  It stays valid
 * until the next kdr_reorder_push() (which may reuse its slot). */
static inline const struct kdf_event *kdr_reorder_pop(struct kdr_reorder *r)
{
	const struct kdf_event *e;

	if (!r->n)
		return NULL;
	e = &r->ring[r->head];
	r->head = kdr_reorder_slot(r, r->head + 1);
	r->n--;
	return e;
}

/* Before each push: the oldest event when the ring is full (process it
 * first), else NULL. */
static inline const struct kdf_event *kdr_reorder_full(struct kdr_reorder *r)
{
	return r->n == r->cap ? kdr_reorder_pop(r) : NULL;
}

/* Hold e back in time order (the ring must not be full): 0, or 1 when e
 * is older than the reach-th newest held back, and is not held. */
static inline int kdr_reorder_push(struct kdr_reorder *r, const struct kdf_event *e)
{
	size_t j = kdr_reorder_slot(r, r->head + r->n), prev;

	if (r->n > r->reach && e->ts < r->ring[kdr_reorder_slot(r, j + r->cap - r->reach)].ts)
		return 1;
	while (r->n && j != r->head) {
		prev = j ? j - 1 : r->cap - 1;
		if (r->ring[prev].ts <= e->ts)
			break;
		r->ring[j] = r->ring[prev];
		j = prev;
	}
	r->ring[j] = *e;
	r->n++;
	return 0;
}

#endif /* KDR_REORDER_H */
