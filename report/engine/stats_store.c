// SPDX-License-Identifier: BSD-2-Clause
/*
 * stats_store.c - storage of report/stats.c: the per-window tables
 * (threads by tid, rows by tid x kind x key, both open-addressing) and
 * the accessors of stats.h.
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

struct kdr_thread_state *kdr_stats_thread_lookup(struct kdr_stats *st, uint32_t tid)
{
	struct kdr_thread_state *t;
	uint32_t i, h = tid & (TCACHE - 1);

	i = kdr_ix_find(&st->thr_ix, tid);
	if (!st->thr_ix.slots[i]) {
		if (kdr_ix_reserve(&st->thr_ix))
			goto oom;
		if (st->nthr == st->thr_cap &&
		    grow_array((void **)&st->thr, &st->thr_cap, sizeof(*st->thr)))
			goto oom;
		t = &st->thr[st->nthr++];
		memset(t, 0, sizeof(*t));
		t->tid = tid;
		i = kdr_ix_put(&st->thr_ix, tid, st->nthr);
	}
	st->tcache[h].tid = tid;
	st->tcache[h].slot = st->thr_ix.slots[i];
	return &st->thr[st->thr_ix.slots[i] - 1];
oom:
	st->failed = 1;
	return NULL;
}

static inline uint64_t key_of(uint32_t tid, enum kdr_key_kind kind, uint32_t key)
{
	/* key spans 32 bits, kind 2: fold kind into the top of tid's half
	 * would alias tids >= 2^30, so mix it in with a multiplier instead
	 * and compare the full triple on hit. */
	return ((uint64_t)tid << 32 | key) ^ ((uint64_t)kind * 0x9e3779b97f4a7c15ULL);
}

/* Index of the (tid, kind, key) row, created when absent; -1 when OOM. */
int64_t kdr_stats_keyed_get(struct kdr_stats *st, uint32_t tid, enum kdr_key_kind kind, uint32_t key)
{
	uint64_t k = key_of(tid, kind, key);
	uint32_t i = kdr_hash64(k) & st->key_ix.mask;
	struct kdr_keyed *e;

	/* key_of() is a bijection for a fixed kind but two kinds may
	 * collide on one 64-bit key: walk on until the triple matches. */
	for (; st->key_ix.slots[i]; i = (i + 1) & st->key_ix.mask) {
		if (st->key_ix.keys[i] != k)
			continue;
		e = &st->keyed[st->key_ix.slots[i] - 1];
		if (e->tid == tid && e->key == key && e->kind == (uint32_t)kind)
			return st->key_ix.slots[i] - 1;
	}
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

const struct kdr_sysev *kdr_stats_events(const struct kdr_stats *st, size_t *n)
{
	*n = st->nev;
	return st->ev;
}

const struct kdr_stats_diag *kdr_stats_diag(const struct kdr_stats *st)
{
	return &st->diag;
}

const struct kdr_losses *kdr_stats_losses(const struct kdr_stats *st)
{
	return &st->losses;
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
	uint32_t i = kdr_ix_find(&st->thr_ix, tid);

	return st->thr_ix.slots[i] ? &st->thr[st->thr_ix.slots[i] - 1] : NULL;
}

const struct kdr_stat *kdr_stats_key(const struct kdr_stats *st, uint32_t tid,
				     enum kdr_key_kind kind, uint32_t key)
{
	uint64_t k = key_of(tid, kind, key);
	uint32_t i;

	for (i = kdr_hash64(k) & st->key_ix.mask; st->key_ix.slots[i]; i = (i + 1) & st->key_ix.mask) {
		const struct kdr_keyed *e = &st->keyed[st->key_ix.slots[i] - 1];

		if (st->key_ix.keys[i] == k && e->tid == tid && e->key == key &&
		    e->kind == (uint32_t)kind)
			return &e->st;
	}
	return NULL;
}
