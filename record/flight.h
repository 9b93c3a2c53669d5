/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * flight.h - the flight recorder's memory: a ring of decoded events that
 * keeps the last keep_ns of the target's events, so a window can be
 * written after the fact, once it is known to be slow (or on SIGUSR2).
 *
 * Bounded: one allocation of max_bytes at init (pages are touched only as
 * the ring grows, so RSS follows what keep_ns of events really needs);
 * nothing is allocated per event.  The logical size starts small and
 * doubles, in place, only when the ring is full of events younger than
 * keep_ns; at max_bytes the oldest event goes instead ("cap eviction"),
 * and the newest timestamp so evicted is remembered, so a window can say
 * from when on it is complete.
 *
 * Positions: every pushed event gets a sequence number (0, 1, ...); the
 * ring holds [tail_seq, head_seq).  A window that remembers the sequence
 * number of its first event learns exactly how many of its events the cap
 * took.  No I/O here: events leave through a callback (unit-testable).
 */
#ifndef KD_FLIGHT_H
#define KD_FLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

#define KD_FLIGHT_NO_PIN UINT64_MAX
#define KD_FLIGHT_LOST_BUCKETS 256

struct kd_flight {
	struct kdf_event *ev;
	size_t cap;		/* events max_bytes holds */
	size_t lim;		/* current logical size, <= cap */
	size_t head;		/* slot of the next event */
	size_t tail;		/* slot of the oldest (== head when full or empty) */
	size_t n;		/* events held */
	uint64_t head_seq;	/* events ever pushed */
	uint64_t keep_ns;	/* --flight-recorder SECONDS */
	uint64_t pin_ts;	/* events with ts >= pin_ts outlive keep_ns */
	uint64_t evicted_time;	/* older than keep_ns, gone */
	uint64_t evicted_cap;	/* younger, gone because the ring was full */
	uint64_t lost_ts;	/* newest ts the cap evicted; 0 = none */
	/* Cap evictions by the evicted event's ts, in keep_ns / 256 slices,
	 * for windows that have no first sequence number (dumps). */
	uint64_t lost_slice_ns;
	uint64_t lost_lo;	/* start of the slice of the last cap eviction */
	size_t lost_b;		/* its bucket */
	struct {
		uint64_t slice, n;
	} lost[KD_FLIGHT_LOST_BUCKETS];
};

/*
 * Reserve max_bytes (at least one event) for events younger than keep_ns;
 * initial: first logical size in events (0 = 64Ki).  Returns 0, or -ENOMEM
 * (nothing to free then).
 */
int flight__init(struct kd_flight *f, uint64_t keep_ns, size_t max_bytes, size_t initial);
void flight__free(struct kd_flight *f);

/* Keep one event (copied).  Never fails: the oldest goes when full. */
void flight__push(struct kd_flight *f, const struct kdf_event *ev);

/* Forget events older than now - keep_ns (unless pinned). */
void flight__expire(struct kd_flight *f, uint64_t now);

/* Events with ts >= ts are kept whatever their age (an open window's);
 * KD_FLIGHT_NO_PIN releases. */
void flight__pin(struct kd_flight *f, uint64_t ts);

static inline uint64_t flight__tail_seq(const struct kd_flight *f)
{
	return f->head_seq - f->n;
}

/* Bytes the ring may touch now (its logical size). */
static inline size_t flight__bytes(const struct kd_flight *f)
{
	return f->lim * sizeof(*f->ev);
}

/*
 * Sequence number of the first event of a window starting at ts: walks
 * back from the newest event while ts' >= ts (the events that came after
 * the trigger), so it costs what arrived since.
 */
uint64_t flight__seq_from(const struct kd_flight *f, uint64_t ts);

/* Events with ts >= lo the cap evicted in the last keep_ns, counted by
 * slice: exact but for the slice holding lo, counted whole. */
uint64_t flight__lost_since(const struct kd_flight *f, uint64_t lo);

/* Oldest ts held (0 when empty). */
uint64_t flight__oldest_ts(const struct kd_flight *f);

typedef int (*kd_flight_emit_fn)(void *ctx, const struct kdf_event *ev);

/*
 * Emit, oldest first, every held event with lo <= ts <= hi; *n (may be
 * NULL) counts them.  Returns the first emit error (and stops), 0 else.
 */
int flight__extract(const struct kd_flight *f, uint64_t lo, uint64_t hi, kd_flight_emit_fn emit,
		    void *ctx, uint64_t *n);

/*
 * kdelay-record --flight-recorder (flight_run.c): the recording loop
 * after session__setup(), until a signal, --sample-count windows written,
 * the target's exit or a write error.  Returns 0 or an exit status
 * (printed); the session is finished by the caller as in the other modes.
 */
struct session;
int flight__run(struct session *s);

#endif /* KD_FLIGHT_H */
