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
