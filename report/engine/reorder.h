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
 * The pairing engine (pairing.c) and the culprits (culprits.c) read
 * through it.  Memory: cap events (and the room asked for below),
 * allocated once.
 *
 * Two ways of use, the same order of events out:
 *   - one at a time: kdr_reorder_full() (the oldest leaves, process it)
 *     then kdr_reorder_push() for each new event;
 *   - in runs: kdr_reorder_add() for each new event leaves the oldest it
 *     pushes out in the ring, owed, up to `room` of them; the caller
 *     processes them with kdr_reorder_take() when room is short, before
 *     an event too late to be held back, and at the end of its batch.
 *     The owed events are the oldest, in the order they would have left
 *     one at a time; an event added since is inserted above them and
 *     judged late against the same reach-th newest, so the order of
 *     processing is the same, with the loops apart: a tight one that
 *     sorts, and one that processes runs of events;
 *   - passing through, for a run of events already in time order (the
 *     usual stream): kdr_reorder_pass() owes the held events the run
 *     pushes out and says how many of the run's own oldest leave too,
 *     which the caller processes where they are, not copied in and out;
 *     kdr_reorder_append() then holds the rest.  The order out is the
 *     one kdr_reorder_add() gives.
 */
#ifndef KDR_REORDER_H
#define KDR_REORDER_H

#include <stddef.h>
#include <string.h>

#include "kdelay_format.h"

struct kdr_reorder {
	struct kdf_event *ring;
	size_t cap;	     /* events held back at most */
	size_t mask;	     /* ring size - 1: the size is a power of 2 >= cap */
	size_t head, n;	     /* head counts up; its slot is head & mask */
	size_t reach;
	size_t room;	     /* kdr_reorder_add(): events owed at most */
	size_t owed;	     /* the oldest n held that have left (in runs) */
};

/* 0, or -1 when out of memory.  kdr_reorder_free() either way. */
int kdr_reorder_init(struct kdr_reorder *r, size_t cap, size_t reach);
/* The same, with room for `room` events owed (kdr_reorder_add()). */
int kdr_reorder_init_room(struct kdr_reorder *r, size_t cap, size_t reach, size_t room);
void kdr_reorder_free(struct kdr_reorder *r);

/* Forget the events held back. */
static inline void kdr_reorder_clear(struct kdr_reorder *r)
{
	r->head = 0;
	r->n = 0;
	r->owed = 0;
}

/* The oldest event held back, removed; NULL when none.  It stays valid
 * until the next kdr_reorder_push() (which may reuse its slot). */
static inline const struct kdf_event *kdr_reorder_pop(struct kdr_reorder *r)
{
	const struct kdf_event *e;

	if (!r->n)
		return NULL;
	e = &r->ring[r->head++ & r->mask];
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
 * is older than the reach-th newest held back, and is not held.  Positions
 * count up from head without wrapping (a size_t does not, in practice);
 * only the slot an index names is taken modulo the ring's size, with the
 * mask: this runs once per event read. */
static inline int kdr_reorder_push(struct kdr_reorder *r, const struct kdf_event *e)
{
	struct kdf_event *ring = r->ring;
	size_t mask = r->mask, j = r->head + r->n;

	if (r->n > r->reach && e->ts < ring[(j - r->reach) & mask].ts)
		return 1;
	while (j != r->head && ring[(j - 1) & mask].ts > e->ts) {
		ring[j & mask] = ring[(j - 1) & mask];
		j--;
	}
	ring[j & mask] = *e;
	r->n++;
	return 0;
}

/* kdr_reorder_full() then kdr_reorder_push(), the event that leaves
 * owed instead of returned (the caller makes sure r->owed < r->room
 * first, taking them).  0, or 1 when e is too late to be held back: the
 * caller takes what is owed, then processes e. */
static inline int kdr_reorder_add(struct kdr_reorder *r, const struct kdf_event *e)
{
	struct kdf_event *ring = r->ring;
	size_t mask = r->mask, j = r->head + r->n, floor;
	uint64_t ts = e->ts;

	if (r->n - r->owed == r->cap)
		r->owed++;
	floor = r->head + r->owed; /* below: the owed, gone as one at a time */
	/* in order (the usual case): newer than the newest held, so than the
	 * reach-th newest too */
	if (j != floor && ring[(j - 1) & mask].ts > ts) {
		if (r->n - r->owed > r->reach && ts < ring[(j - r->reach) & mask].ts)
			return 1;
		do {
			ring[j & mask] = ring[(j - 1) & mask];
			j--;
		} while (j != floor && ring[(j - 1) & mask].ts > ts);
	}
	ring[j & mask] = *e;
	r->n++;
	return 0;
}

/* The ts that the next event must not precede for kdr_reorder_add() only
 * to append it: the newest held one's, 0 when none is held (nothing may be
 * owed). */
static inline uint64_t kdr_reorder_newest_ts(const struct kdr_reorder *r)
{
	return r->n ? r->ring[(r->head + r->n - 1) & r->mask].ts : 0;
}

/* A run of n events, none older than the one before it nor than
 * kdr_reorder_newest_ts() (nothing owed), passes through: the held events
 * it pushes out are owed (take them first), and the return value says how
 * many of the run's own oldest leave behind them, to be processed from
 * the run itself; kdr_reorder_append() then holds the others.  The same
 * events leave, in the same order, as with kdr_reorder_add() one by one:
 * appended in order, each pushes out the oldest once cap are held. */
static inline size_t kdr_reorder_pass(struct kdr_reorder *r, size_t n)
{
	size_t out = r->n + n > r->cap ? r->n + n - r->cap : 0; /* leave in all */
	size_t own = n > r->cap ? n - r->cap : 0;		 /* of them the run's */

	r->owed = out - own;
	return own;
}

/* The rest of a run kdr_reorder_pass() let through (at most cap events),
 * held in order after what is held, once the owed events were taken. */
static inline void kdr_reorder_append(struct kdr_reorder *r, const struct kdf_event *ev, size_t n)
{
	size_t size = r->mask + 1, at = (r->head + r->n) & r->mask, k = size - at;

	if (k > n)
		k = n;
	memcpy(&r->ring[at], ev, k * sizeof(*ev));
	memcpy(r->ring, ev + k, (n - k) * sizeof(*ev));
	r->n += n;
}

/* The oldest of the owed events, *n of them in a row (0: none owed),
 * removed; valid until the next add or push.  Call until *n is 0. */
static inline const struct kdf_event *kdr_reorder_take(struct kdr_reorder *r, size_t *n)
{
	size_t at = r->head & r->mask, k = r->mask + 1 - at;

	if (k > r->owed)
		k = r->owed;
	r->head += k;
	r->n -= k;
	r->owed -= k;
	*n = k;
	return &r->ring[at];
}

#endif /* KDR_REORDER_H */
