/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * losses.h - where the recorder lost events (KDF_EV_LOSS), for every site
 * that pairs two events into an interval: the statistics (stats.c, and
 * the budget through it) and the timeline of the exports
 * (export_timeline.c).  An interval that spans a loss is unknown, never a
 * measurement: its two ends may belong to different calls whose other
 * ends were lost (an enter before the loss and an exit after it make one
 * long fake syscall).
 *
 * A loss is not tied to a thread: the recorder's ring is shared, and the
 * lost event's thread is not known (a wakeup is even made on another
 * thread's CPU).  So a loss makes every thread's open intervals unknown;
 * its CPU is said in --info only.
 *
 * The pairing sites read events in time order (through their reorder
 * buffers), a LOSS event sorted by its ts, the time of the first loss.
 * When an interval that began at start closes, every loss that began
 * before it closed has been seen, so it spans one exactly when start is
 * before the latest end seen: one comparison per interval.  The recorder
 * writes a LOSS record right before the first record that follows the
 * loss, so it reaches the reorder buffers at most a few records late
 * (docs/format.md section 5.2).
 */
#ifndef KDR_LOSSES_H
#define KDR_LOSSES_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

/* The losses seen so far (of one window, or of a whole capture). */
struct kdr_losses {
	uint64_t end;	   /* latest u.loss.end_ts seen; 0 = none */
	uint64_t records;  /* LOSS events seen */
	uint64_t count;	   /* events they say were lost */
	uint64_t first_ts; /* earliest ts seen (valid when records) */
};

static inline void kdr_losses_init(struct kdr_losses *l)
{
	l->end = l->records = l->count = l->first_ts = 0;
}

/* A LOSS event (e->type == KDF_EV_LOSS), in time order. */
void kdr_losses_add(struct kdr_losses *l, const struct kdf_event *e);

/* Does an interval that began at start and ends now span a loss seen so
 * far?  Then it is unknown.  (An interval that begins exactly when the
 * ring took records again does not: that record was written.) */
static inline int kdr_losses_span(const struct kdr_losses *l, uint64_t start)
{
	return start < l->end;
}

/*
 * The threads whose state changed since the last loss: a loss visits only
 * them (the others were reset by an earlier loss and opened nothing
 * since), so it costs O(1) per event amortized, not O(threads) per loss,
 * whatever a crafted capture holds.  Each thread keeps a mark; gen starts
 * at 1, so a zeroed mark means "not listed".
 */
struct kdr_loss_touched {
	uint32_t *v; /* thread indices */
	size_t n, cap;
	uint64_t gen; /* threads marked gen are in v */
	int all;      /* out of memory for v: visit every thread */
};

static inline void kdr_loss_touched_init(struct kdr_loss_touched *t)
{
	t->v = NULL;
	t->n = t->cap = 0;
	t->gen = 1;
	t->all = 0;
}

void kdr_loss_touch_add(struct kdr_loss_touched *t, uint32_t i);

/* Thread i (mark: its own) changed: list it once per loss. */
static inline void kdr_loss_touch(struct kdr_loss_touched *t, uint64_t *mark, uint32_t i)
{
	if (*mark != t->gen) {
		*mark = t->gen;
		kdr_loss_touch_add(t, i);
	}
}

/* After a loss has visited v (or every thread): an empty list. */
static inline void kdr_loss_touched_next(struct kdr_loss_touched *t)
{
	t->n = 0;
	t->all = 0;
	t->gen++;
}

void kdr_loss_touched_free(struct kdr_loss_touched *t);

/* Per CPU, for --info: the losses of the whole capture. */
struct kdr_loss_cpu {
	uint32_t cpu;
	uint32_t pad;
	uint64_t records, count;
	uint64_t first_ts, end_ts; /* earliest ts, latest end */
};

struct kdr_loss_table {
	struct kdr_loss_cpu *v; /* sorted by cpu */
	size_t n, cap;
	struct kdr_losses all;
};

/* 0, or -1 when out of memory (the table is then incomplete). */
int kdr_loss_table_add(struct kdr_loss_table *t, const struct kdf_event *e);
void kdr_loss_table_free(struct kdr_loss_table *t);

#endif /* KDR_LOSSES_H */
