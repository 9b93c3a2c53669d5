// SPDX-License-Identifier: BSD-2-Clause
/*
 * wakers.c - see wakers.h.  Each block is summed into the row of its key
 * (thread, syscall, waker) as it ends, clipped to the bounds known then;
 * a block asleep since before the window is clipped to the window's
 * start when the window closes and that start is known, from the sum of
 * its ends.  Memory is the threads and the rows: it does not grow with
 * the events of a window.
 */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hashidx.h"
#include "wakers.h"

/* Where each thread is, from its events of this window. */
struct thread_state {
	uint32_t tid;
	uint32_t nr;	       /* its current syscall, KDR_WAKER_NR_NONE outside */
	uint32_t blocked_nr;   /* the syscall it blocked in */
	uint64_t blocked_since; /* 0 = not blocked */
};

/* A row as it is summed: the blocks asleep since before the window
 * apart, until the window's start is known. */
struct key {
	struct kdr_waker_row row;
	int64_t before_ends; /* the sum of their ends (clipped to hi) - base */
	uint64_t nbefore;    /* how many */
};

struct kdr_wakers {
	uint32_t target_pid;
	struct thread_state *th;
	uint32_t nth;
	size_t thcap;
	struct kdr_ix ix;
	uint64_t lo, hi; /* blocks are clipped to these as they end */
	uint64_t base;	 /* the window's first event's time (0: none yet): sums of
			  * times are kept from it, which no number of blocks
			  * overflows */
	struct key *keys;
	size_t nkeys, keycap;
	struct kdr_ix keys_ix; /* key_hash() -> keys index + 1 */
	struct kdr_waker_row *rows;
	size_t nrows, rowcap;
	int oom;
};

struct kdr_wakers *kdr_wakers_new(uint32_t target_pid)
{
	struct kdr_wakers *w = calloc(1, sizeof(*w));

	if (!w || kdr_ix_init(&w->ix, 64) || kdr_ix_init(&w->keys_ix, 64)) {
		if (w)
			kdr_ix_free(&w->ix);
		free(w);
		return NULL;
	}
	w->target_pid = target_pid;
	w->hi = UINT64_MAX;
	return w;
}

void kdr_wakers_free(struct kdr_wakers *w)
{
	if (!w)
		return;
	kdr_ix_free(&w->ix);
	kdr_ix_free(&w->keys_ix);
	free(w->th);
	free(w->keys);
	free(w->rows);
	free(w);
}

void kdr_wakers_set_bounds(struct kdr_wakers *w, uint64_t lo, uint64_t hi)
{
	w->lo = lo;
	w->hi = hi;
}

void kdr_wakers_reset(struct kdr_wakers *w)
{
	w->lo = 0;
	w->hi = UINT64_MAX;
	w->base = 0;
	kdr_ix_clear(&w->ix);
	kdr_ix_clear(&w->keys_ix);
	w->nth = 0;
	w->nkeys = 0;
	w->nrows = 0;
	w->oom = 0;
}

/* The state of tid; *fresh says it was not seen before in this window. */
static struct thread_state *thread(struct kdr_wakers *w, uint32_t tid, int *fresh)
{
	uint32_t i = kdr_ix_find(&w->ix, tid);
	struct thread_state *t;

	*fresh = 0;
	if (w->ix.slots[i])
		return &w->th[w->ix.slots[i] - 1];
	if (kdr_grow((void **)&w->th, &w->thcap, w->nth, sizeof(*w->th)) || kdr_ix_reserve(&w->ix))
		return NULL;
	t = &w->th[w->nth++];
	t->tid = tid;
	t->nr = KDR_WAKER_NR_NONE;
	t->blocked_nr = KDR_WAKER_NR_NONE;
	t->blocked_since = 0;
	kdr_ix_put(&w->ix, tid, w->nth);
	*fresh = 1;
	return t;
}

static enum kdr_waker_kind kind_of(const struct kdr_wakers *w, const struct kdf_event *ev)
{
	switch (ev->flags & KDF_WAKE_CTX_MASK) {
	case KDF_WAKE_CTX_HARDIRQ:
		return KDR_WAKER_HARDIRQ;
	case KDF_WAKE_CTX_SOFTIRQ:
		return KDR_WAKER_SOFTIRQ;
	case KDF_WAKE_CTX_TIMER:
		return KDR_WAKER_TIMER;
	}
	if (!ev->u.wakeup.waker_tid)
		return KDR_WAKER_IDLE;
	if (!ev->u.wakeup.waker_pid)
		return KDR_WAKER_UNKNOWN;
	return ev->u.wakeup.waker_pid == w->target_pid ? KDR_WAKER_TARGET : KDR_WAKER_PROCESS;
}

#define KEY_FIELDS 7

/* What makes a row: the thread, its syscall, the waker. */
static void key_fields(const struct kdr_waker_row *r, uint32_t k[KEY_FIELDS])
{
	k[0] = r->tid;
	k[1] = r->nr;
	k[2] = r->kind;
	k[3] = r->waker_tid;
	k[4] = r->waker_pid;
	k[5] = r->waker_name_id;
	k[6] = r->softirq_vec;
}

static int key_cmp(const struct kdr_waker_row *a, const struct kdr_waker_row *b)
{
	uint32_t ka[KEY_FIELDS], kb[KEY_FIELDS];

	key_fields(a, ka);
	key_fields(b, kb);
	return kdr_fields_cmp(ka, kb, KEY_FIELDS);
}

static uint64_t key_hash(const struct kdr_waker_row *r)
{
	uint32_t k[KEY_FIELDS];

	key_fields(r, k);
	return kdr_hash_fields(k, KEY_FIELDS);
}

/* Index of key in keys[], added when absent; -1 when out of memory. */
static int64_t key_index(struct kdr_wakers *w, const struct kdr_waker_row *key)
{
	uint64_t h = key_hash(key);
	uint32_t i;

	for (i = kdr_ix_find(&w->keys_ix, h); w->keys_ix.slots[i]; i = kdr_ix_next(&w->keys_ix, h, i))
		if (!key_cmp(&w->keys[w->keys_ix.slots[i] - 1].row, key))
			return w->keys_ix.slots[i] - 1;
	if (w->nkeys >= UINT32_MAX - 1 ||
	    kdr_grow((void **)&w->keys, &w->keycap, w->nkeys, sizeof(*w->keys)) ||
	    kdr_ix_reserve(&w->keys_ix))
		return -1;
	memset(&w->keys[w->nkeys], 0, sizeof(w->keys[0]));
	w->keys[w->nkeys++].row = *key;
	kdr_ix_put(&w->keys_ix, h, (uint32_t)w->nkeys);
	return (int64_t)w->nkeys - 1;
}

static int block_add(struct kdr_wakers *w, const struct thread_state *t, uint64_t start,
		     const struct kdf_event *wake, uint64_t end)
{
	struct kdr_waker_row key = { 0 };
	struct key *kk;
	uint64_t s, e;
	int64_t k;

	key.tid = t->tid;
	key.nr = start ? t->blocked_nr : KDR_WAKER_NR_BEFORE;
	key.kind = KDR_WAKER_NONE;
	if (wake)
		key.kind = kind_of(w, wake);
	if (key.kind == KDR_WAKER_SOFTIRQ)
		key.softirq_vec = (wake->flags & KDF_WAKE_VEC_MASK) >> KDF_WAKE_VEC_SHIFT;
	/* an interrupt's wakeup names the task it interrupted: no waker */
	if (wake && key.kind < KDR_WAKER_HARDIRQ) {
		key.waker_tid = wake->u.wakeup.waker_tid;
		key.waker_pid = wake->u.wakeup.waker_pid;
		key.waker_name_id = wake->u.wakeup.waker_name_id;
	}
	k = key_index(w, &key);
	if (k < 0)
		return -1;
	kk = &w->keys[k];
	if (!start) { /* asleep since before the window: its start comes at close */
		if (end < w->lo)
			return 0;
		e = end < w->hi ? end : w->hi;
		kk->nbefore++;
		kk->before_ends += (int64_t)(e - w->base);
		return 0;
	}
	if (end < w->lo || start > w->hi)
		return 0; /* outside --time-range */
	s = start > w->lo ? start : w->lo;
	e = end < w->hi ? end : w->hi;
	kk->row.count++;
	kk->row.total_ns += e > s ? e - s : 0;
	return 0;
}

static int feed_one(struct kdr_wakers *w, const struct kdf_event *ev)
{
	struct thread_state *t;
	int fresh;

	if (ev->type == KDF_EV_LOSS) {
		/* a block spanning lost events may have lost its wakeup */
		for (uint32_t i = 0; i < w->nth; i++)
			w->th[i].blocked_since = 0;
		return 0;
	}
	if (ev->type == KDF_EV_SWITCH && !(ev->flags & KDF_SW_PREV_TARGET))
		return 0; /* only a target thread coming in: not a block */
	if (ev->type != KDF_EV_SYS_ENTER && ev->type != KDF_EV_SYS_EXIT &&
	    ev->type != KDF_EV_SWITCH && ev->type != KDF_EV_WAKEUP)
		return 0;
	t = thread(w, ev->tid, &fresh);
	if (!t)
		return -1;
	switch (ev->type) {
	case KDF_EV_SYS_ENTER:
		t->nr = ev->u.sys.nr;
		break;
	case KDF_EV_SYS_EXIT:
		t->nr = KDR_WAKER_NR_NONE;
		break;
	case KDF_EV_SWITCH:
		if (!(ev->flags & KDF_SW_PREEMPT) && ev->ts) {
			t->blocked_since = ev->ts;
			t->blocked_nr = t->nr;
		}
		break;
	case KDF_EV_WAKEUP:
		if (ev->flags & KDF_WAKE_NEW)
			break; /* a new thread's first wakeup ends no block */
		if (fresh) /* asleep since before the window */
			return block_add(w, t, 0, ev, ev->ts);
		if (t->blocked_since && ev->ts >= t->blocked_since) {
			if (block_add(w, t, t->blocked_since, ev, ev->ts))
				return -1;
		}
		t->blocked_since = 0;
		break;
	}
	return 0;
}

int kdr_wakers_feed(struct kdr_wakers *w, const struct kdf_event *ev, size_t n)
{
	if (!w->base && n)
		w->base = ev[0].ts;
	for (size_t i = 0; i < n && !w->oom; i++)
		if (feed_one(w, &ev[i]))
			w->oom = 1;
	return w->oom ? -1 : 0;
}

/* By tid, then largest total first; ties in key order, for stable output. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct kdr_waker_row *a = pa, *b = pb;

	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (a->total_ns != b->total_ns)
		return a->total_ns > b->total_ns ? -1 : 1;
	return key_cmp(a, b);
}

int kdr_wakers_close(struct kdr_wakers *w, uint64_t lo, uint64_t hi)
{
	/* the window's own bounds, now known */
	if (lo > w->lo)
		w->lo = lo;
	if (hi < w->hi)
		w->hi = hi;
	/* the blocks still going end with the window */
	for (uint32_t i = 0; i < w->nth && !w->oom; i++)
		if (w->th[i].blocked_since && block_add(w, &w->th[i], w->th[i].blocked_since, NULL, w->hi))
			w->oom = 1;
	/* the rows: the keys some block of the window counted in; the blocks
	 * asleep since before the window start at its start */
	w->nrows = 0;
	for (size_t i = 0; i < w->nkeys && !w->oom; i++) {
		struct key *k = &w->keys[i];
		/* the sum of (end - lo), from the sum of (end - base) */
		int64_t ns = k->before_ends + (int64_t)k->nbefore * (int64_t)(w->base - w->lo);

		k->row.count += k->nbefore;
		if (ns > 0)
			k->row.total_ns += (uint64_t)ns;
		k->nbefore = 0;
		k->before_ends = 0;
		if (!k->row.count)
			continue;
		if (kdr_grow((void **)&w->rows, &w->rowcap, w->nrows, sizeof(*w->rows))) {
			w->oom = 1;
			break;
		}
		w->rows[w->nrows++] = k->row;
	}
	kdr_sort(w->rows, w->nrows, sizeof(*w->rows), row_cmp);
	return w->oom ? -1 : 0;
}

const struct kdr_waker_row *kdr_wakers_rows(const struct kdr_wakers *w, size_t *n)
{
	*n = w->nrows;
	return w->rows;
}

int kdr_wakers_incomplete(const struct kdr_wakers *w)
{
	return w->oom;
}

const char *kdr_waker_kind_name(enum kdr_waker_kind k)
{
	static const char *const names[] = {
		[KDR_WAKER_TARGET] = "target",	 [KDR_WAKER_PROCESS] = "process",
		[KDR_WAKER_IDLE] = "idle",	 [KDR_WAKER_UNKNOWN] = "unknown",
		[KDR_WAKER_NONE] = "none",	 [KDR_WAKER_HARDIRQ] = "irq",
		[KDR_WAKER_SOFTIRQ] = "softirq", [KDR_WAKER_TIMER] = "timer",
	};

	return (unsigned int)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}
