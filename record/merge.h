/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * merge.h - put events from several time-ordered sources back into one
 * time order before they reach the window (and the file).
 *
 * With staging (bpf/staging.bpf.h) a CPU's syscall records reach the ring
 * in batches, up to a flush tick after their time, while the other
 * records are reserved one by one: the ring is no longer in time order,
 * but each source is: the records reserved one by one (as the ring
 * always was, give or take the instants between a reservation and its
 * clock read), and the batches of one CPU and staging level.  Each
 * source is a FIFO; a heap of the non-empty ones, keyed by the time of
 * their first event, gives the next queue in O(log sources), and that
 * queue gives a run of events.  Events leave once older than a watermark
 * the caller gives (a time before which every staged record was in the
 * ring when it was drained: record/recorder.c), so that no source can
 * still bring an earlier one.
 */
#ifndef KD_MERGE_H
#define KD_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

struct kd_merge_queue {
	struct kdf_event *ev;
	size_t head, n, cap; /* cap a power of two */
	int in_heap;	     /* position in heap + 1; 0 = empty */
};

struct kd_merge {
	struct kd_merge_queue *q;
	uint32_t nq;
	uint32_t *heap; /* queue indexes, min first time at [0] */
	uint32_t nheap;
	uint64_t held;	   /* events in the queues */
	uint64_t last_ts;  /* of the last event released */
	uint64_t late;	   /* events released after a later one (a source
			    * slower than the watermark allowed) */
	int (*deliver)(void *ctx, const struct kdf_event *ev);
	void *ctx;
};

void merge__init(struct kd_merge *m, int (*deliver)(void *ctx, const struct kdf_event *ev),
		 void *ctx);
void merge__free(struct kd_merge *m);

/* Queue ev from source (0 = the records reserved one by one).  Returns 0,
 * or -1 when out of memory (the event is then lost). */
int merge__push(struct kd_merge *m, uint32_t source, const struct kdf_event *ev);

/* Deliver, in time order, every queued event with ts < upto
 * (UINT64_MAX: all).  Returns the first deliver error, 0 otherwise. */
int merge__release(struct kd_merge *m, uint64_t upto);

#endif /* KD_MERGE_H */
