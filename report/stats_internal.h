/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats_internal.h - what stats.c (the pairing rules) and stats_store.c
 * (allocation, the tables, the accessors) share.  Not for the rest
 * of the report: use stats.h.
 */
#ifndef KDR_STATS_INTERNAL_H
#define KDR_STATS_INTERNAL_H

#include "hashidx.h"
#include "stats.h"

#define REORDER_DEFAULT 4096
#define TCACHE 1024 /* direct-mapped tid -> thread cache, a power of 2 */

struct kdr_stats {
	struct kdr_stats_cfg cfg;
	uint64_t lo, hi;	/* kdr_stats_set_bounds() */
	int failed;

	/* reorder ring, kept sorted by ts */
	struct kdf_event *rb;
	size_t rb_cap, rb_head, rb_n;
	uint64_t last_ts; /* ts of the last event processed */

	struct kdr_thread_state *thr;
	uint32_t nthr, thr_cap;
	struct kdr_ix thr_ix;
	struct {
		uint32_t tid;
		uint32_t slot; /* index + 1, 0 = empty */
	} tcache[TCACHE];

	struct kdr_keyed *keyed;
	uint32_t nkeyed, keyed_cap;
	struct kdr_ix key_ix;

	struct kdr_sysev *ev;
	size_t nev, ev_cap;

	struct kdr_stats_diag diag;
};

/* The thread state of tid, created when absent; NULL when out of memory. */
struct kdr_thread_state *kdr_stats_thread_lookup(struct kdr_stats *st, uint32_t tid);

static inline struct kdr_thread_state *kdr_stats_thread_get(struct kdr_stats *st, uint32_t tid)
{
	uint32_t h = tid & (TCACHE - 1);

	if (__builtin_expect(st->tcache[h].slot && st->tcache[h].tid == tid, 1))
		return &st->thr[st->tcache[h].slot - 1];
	return kdr_stats_thread_lookup(st, tid);
}

/* Index of the (tid, kind, key) row, created when absent; -1 when OOM. */
int64_t kdr_stats_keyed_get(struct kdr_stats *st, uint32_t tid, enum kdr_key_kind kind,
			    uint32_t key);

#endif /* KDR_STATS_INTERNAL_H */
