// SPDX-License-Identifier: BSD-2-Clause
/* merge.c - see merge.h. */
#include <stdlib.h>
#include <string.h>

#include "merge.h"

void merge__init(struct kd_merge *m, int (*deliver)(void *ctx, const struct kdf_event *ev),
		 void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->deliver = deliver;
	m->ctx = ctx;
}

void merge__free(struct kd_merge *m)
{
	for (uint32_t i = 0; i < m->nq; i++)
		free(m->q[i].ev);
	free(m->q);
	free(m->heap);
	memset(m, 0, sizeof(*m));
}

static uint64_t head_ts(const struct kd_merge *m, uint32_t qi)
{
	const struct kd_merge_queue *q = &m->q[qi];

	return q->ev[q->head].ts;
}

/*
 * Whether queue a's first event goes before queue b's.  At equal times a
 * staged record goes before a record reserved one by one: the stack of a
 * syscall's exit (reserved) carries the time of its SYS_EXIT (staged),
 * which it follows, as in the ring without staging.
 */
static int before(const struct kd_merge *m, uint32_t a, uint32_t b)
{
	uint64_t ta = head_ts(m, a), tb = head_ts(m, b);

	if (ta != tb)
		return ta < tb;
	return (a ? a : UINT32_MAX) < (b ? b : UINT32_MAX);
}

static void heap_set(struct kd_merge *m, uint32_t pos, uint32_t qi)
{
	m->heap[pos] = qi;
	m->q[qi].in_heap = (int)pos + 1;
}

static void sift_up(struct kd_merge *m, uint32_t pos)
{
	uint32_t qi = m->heap[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!before(m, qi, m->heap[parent]))
			break;
		heap_set(m, pos, m->heap[parent]);
		pos = parent;
	}
	heap_set(m, pos, qi);
}

static void sift_down(struct kd_merge *m, uint32_t pos)
{
	uint32_t qi = m->heap[pos];

	for (;;) {
		uint32_t c = 2 * pos + 1;

		if (c >= m->nheap)
			break;
		if (c + 1 < m->nheap && before(m, m->heap[c + 1], m->heap[c]))
			c++;
		if (!before(m, m->heap[c], qi))
			break;
		heap_set(m, pos, m->heap[c]);
		pos = c;
	}
	heap_set(m, pos, qi);
}

/* Make room for source (queues and heap slots grow together). */
static int grow_sources(struct kd_merge *m, uint32_t source)
{
	uint32_t nq = m->nq ? m->nq : 8;
	struct kd_merge_queue *q;
	uint32_t *heap;

	while (nq <= source)
		nq *= 2;
	q = realloc(m->q, nq * sizeof(*q));
	if (!q)
		return -1;
	memset(q + m->nq, 0, (nq - m->nq) * sizeof(*q));
	m->q = q;
	heap = realloc(m->heap, nq * sizeof(*heap));
	if (!heap)
		return -1;
	m->heap = heap;
	m->nq = nq;
	return 0;
}

static int grow_queue(struct kd_merge_queue *q)
{
	size_t cap = q->cap ? 2 * q->cap : 1024;
	struct kdf_event *ev = malloc(cap * sizeof(*ev));
	size_t first;

	if (!ev)
		return -1;
	/* unwrap: head .. end, then 0 .. the rest */
	first = q->cap - q->head < q->n ? q->cap - q->head : q->n;
	if (q->n) {
		memcpy(ev, q->ev + q->head, first * sizeof(*ev));
		memcpy(ev + first, q->ev, (q->n - first) * sizeof(*ev));
	}
	free(q->ev);
	q->ev = ev;
	q->head = 0;
	q->cap = cap;
	return 0;
}

int merge__push(struct kd_merge *m, uint32_t source, const struct kdf_event *ev)
{
	struct kd_merge_queue *q;

	if (source >= m->nq && grow_sources(m, source))
		return -1;
	q = &m->q[source];
	if (q->n == q->cap && grow_queue(q))
		return -1;
	q->ev[(q->head + q->n) & (q->cap - 1)] = *ev;
	q->n++;
	m->held++;
	if (!q->in_heap) {
		heap_set(m, m->nheap++, source);
		sift_up(m, m->nheap - 1);
	}
	return 0;
}

/* Take the first event of queue qi out and deliver it. */
static int pop_deliver(struct kd_merge *m, struct kd_merge_queue *q)
{
	struct kdf_event *ev = &q->ev[q->head];

	q->head = (q->head + 1) & (q->cap - 1);
	q->n--;
	m->held--;
	if (ev->ts < m->last_ts)
		m->late++;
	else
		m->last_ts = ev->ts;
	/* the slot stays valid until the next push, which comes after */
	return m->deliver(m->ctx, ev);
}

/*
 * The events leave in runs: the queue first in the heap gives every
 * event earlier than the first of any other queue (and than upto) in
 * one go, and the heap is repaired once per run, not per event.  With
 * one busy CPU most of the stream is such runs.
 */
int merge__release(struct kd_merge *m, uint64_t upto)
{
	int err = 0;

	while (m->nheap && !err) {
		uint32_t qi = m->heap[0];
		struct kd_merge_queue *q = &m->q[qi];
		uint64_t next = upto;

		if (upto != UINT64_MAX && head_ts(m, qi) >= upto)
			break;
		/* the heap's order: the other queues begin no earlier than
		 * the root's children do */
		for (uint32_t c = 1; c <= 2 && c < m->nheap; c++)
			if (head_ts(m, m->heap[c]) < next)
				next = head_ts(m, m->heap[c]);
		/* the first event is the heap's choice, ties included */
		err = pop_deliver(m, q);
		while (!err && q->n && q->ev[q->head].ts < next)
			err = pop_deliver(m, q);
		if (q->n) {
			sift_down(m, 0);
		} else {
			q->in_heap = 0;
			if (--m->nheap) {
				heap_set(m, 0, m->heap[m->nheap]);
				sift_down(m, 0);
			}
		}
	}
	return err;
}
