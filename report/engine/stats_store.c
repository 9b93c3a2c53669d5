// SPDX-License-Identifier: BSD-2-Clause
/*
 * stats_store.c - storage of report/stats.c: the per-window tables
 * (threads parallel to the pairing's, rows by tid x kind x key in
 * hashidx.h's index) and the accessors of stats.h.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_store.h"

static int grow_array(void **p, uint32_t *cap, size_t elem)
{
	uint32_t ncap = *cap ? *cap * 2 : 64;
	void *n = realloc(*p, (size_t)ncap * elem);

	if (!n)
		return -1;
	*p = n;
	*cap = ncap;
	return 0;
}

int kdr_stats_failed(const struct kdr_stats *st)
{
	return st->failed;
}

static inline uint64_t key_of(uint32_t tid, enum kdr_key_kind kind, uint32_t key)
{
	/* key spans 32 bits, kind 2: fold kind into the top of tid's half
	 * would alias tids >= 2^30, so mix it in with a multiplier instead
	 * and compare the full triple on hit. */
	return ((uint64_t)tid << 32 | key) ^ ((uint64_t)kind * 0x9e3779b97f4a7c15ULL);
}

/* Index of the (tid, kind, key) row, or -1 when absent.  key_of() is a
 * bijection for a fixed kind but two kinds may share a 64-bit key: the
 * chain is walked until the triple matches. */
static int64_t keyed_find(const struct kdr_stats *st, uint64_t k, uint32_t tid,
			  enum kdr_key_kind kind, uint32_t key)
{
	for (uint32_t i = kdr_ix_find(&st->key_ix, k); st->key_ix.slots[i];
	     i = kdr_ix_next(&st->key_ix, k, i)) {
		const struct kdr_keyed *e = &st->keyed[st->key_ix.slots[i] - 1];

		if (e->tid == tid && e->key == key && e->kind == (uint32_t)kind)
			return st->key_ix.slots[i] - 1;
	}
	return -1;
}

/* Index of the (tid, kind, key) row, created when absent; -1 when OOM. */
int64_t kdr_stats_keyed_get(struct kdr_stats *st, uint32_t tid, enum kdr_key_kind kind, uint32_t key)
{
	uint64_t k = key_of(tid, kind, key);
	int64_t found = keyed_find(st, k, tid, kind, key);
	struct kdr_keyed *e;

	if (found >= 0)
		return found;
	if (kdr_ix_reserve(&st->key_ix))
		goto oom;
	if (st->nkeyed == st->keyed_cap &&
	    grow_array((void **)&st->keyed, &st->keyed_cap, sizeof(*st->keyed)))
		goto oom;
	e = &st->keyed[st->nkeyed++];
	memset(e, 0, sizeof(*e));
	e->tid = tid;
	e->key = key;
	e->kind = kind;
	kdr_ix_put(&st->key_ix, k, st->nkeyed);
	return st->nkeyed - 1;
oom:
	st->failed = 1;
	return -1;
}

const struct kdr_thread_state *kdr_stats_threads(const struct kdr_stats *st, size_t *n)
{
	*n = st->nthr;
	return st->thr;
}

const struct kdr_keyed *kdr_stats_keyed(const struct kdr_stats *st, size_t *n)
{
	*n = st->nkeyed;
	return st->keyed;
}

const struct kdr_sysev_list *kdr_stats_events(const struct kdr_stats *st)
{
	return &st->evl;
}

int kdr_stats_spill_error(const struct kdr_stats *st)
{
	return st->evl.err;
}

const struct kdr_pair_diag *kdr_stats_diag(const struct kdr_stats *st)
{
	return &st->pair.diag;
}

const struct kdr_losses *kdr_stats_losses(const struct kdr_stats *st)
{
	return &st->pair.losses;
}

const struct kdr_pair_thread *kdr_stats_pairing(const struct kdr_stats *st, size_t i)
{
	return &st->pair.thr[i];
}

uint64_t kdr_stats_unknown_total(const struct kdr_thread_state *t)
{
	uint64_t n = 0;

	for (int k = 0; k < KDR_U_N; k++)
		n += t->unknown[k];
	return n;
}

const struct kdr_thread_state *kdr_stats_thread(const struct kdr_stats *st, uint32_t tid)
{
	uint32_t i = kdr_ix_find(&st->pair.thr_ix, tid);

	return st->pair.thr_ix.slots[i] ? &st->thr[st->pair.thr_ix.slots[i] - 1] : NULL;
}

const struct kdr_pair_thread *kdr_stats_thread_pairing(const struct kdr_stats *st, uint32_t tid)
{
	uint32_t i = kdr_ix_find(&st->pair.thr_ix, tid);

	return st->pair.thr_ix.slots[i] ? &st->pair.thr[st->pair.thr_ix.slots[i] - 1] : NULL;
}

const struct kdr_stat *kdr_stats_key(const struct kdr_stats *st, uint32_t tid,
				     enum kdr_key_kind kind, uint32_t key)
{
	int64_t i = keyed_find(st, key_of(tid, kind, key), tid, kind, key);

	return i >= 0 ? &st->keyed[i].st : NULL;
}
