/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.h - per-window accumulation: the intervals of one sample window
 * (pairing.h, under its drop policy: both ends seen inside the window)
 * summed per thread and per thread x syscall / irq / vector.  Memory is proportional to the threads, the keys
 * (thread x syscall / irq / vector); the listed syscall events of one
 * window are bounded in memory (stats_events.h); nothing is allocated
 * per event.
 */
#ifndef KDR_STATS_H
#define KDR_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"
#include "stats_types.h"
#include "stats_events.h"

struct kdr_stats;

/* Returns NULL when out of memory. */
struct kdr_stats *kdr_stats_new(const struct kdr_stats_cfg *cfg);
void kdr_stats_free(struct kdr_stats *st);

/* Events outside [lo, hi] are ignored as they come (lo: the previous
 * window's end or the start of --time-range; hi: the end of --time-range). */
void kdr_stats_set_bounds(struct kdr_stats *st, uint64_t lo, uint64_t hi);

/* Feed events of the current window.  0, or -1 when out of memory (the
 * window's statistics are then incomplete; the error is sticky). */
int kdr_stats_feed(struct kdr_stats *st, const struct kdf_event *ev, size_t n);
/* The same for events in time order (kdr_pair_feed_in_order()). */
int kdr_stats_feed_in_order(struct kdr_stats *st, const struct kdf_event *ev, size_t n);

/* The window [lo, hi] closed: flush the reorder buffer, keeping only
 * events inside it.  The results below stay valid until kdr_stats_reset(). */
int kdr_stats_close(struct kdr_stats *st, uint64_t lo, uint64_t hi);

/* Forget everything of the window (pairing state too). */
void kdr_stats_reset(struct kdr_stats *st);

const struct kdr_thread_state *kdr_stats_threads(const struct kdr_stats *st, size_t *n);
const struct kdr_keyed *kdr_stats_keyed(const struct kdr_stats *st, size_t *n);
/* The listed syscalls, read with kdr_sysev_iter_begin() (stats_events.h). */
const struct kdr_sysev_list *kdr_stats_events(const struct kdr_stats *st);
/* errno of a failure to spill them to their file (0: none), since the
 * last reset; the statistics have failed too (kdr_stats_failed()). */
int kdr_stats_spill_error(const struct kdr_stats *st);
const struct kdr_pair_diag *kdr_stats_diag(const struct kdr_stats *st);
/* What is open now for kdr_stats_threads()[i] (pairing.h). */
const struct kdr_pair_thread *kdr_stats_pairing(const struct kdr_stats *st, size_t i);
/* The LOSS events of the window (struct kdr_losses of losses.h). */
const struct kdr_losses *kdr_stats_losses(const struct kdr_stats *st);
/* Sum of the thread's unknown[] (intervals lost to a loss of events). */
uint64_t kdr_stats_unknown_total(const struct kdr_thread_state *t);
/* Non-zero after an allocation failure since the last reset. */
int kdr_stats_failed(const struct kdr_stats *st);

/* Lookups (NULL when absent). */
const struct kdr_thread_state *kdr_stats_thread(const struct kdr_stats *st, uint32_t tid);
const struct kdr_pair_thread *kdr_stats_thread_pairing(const struct kdr_stats *st, uint32_t tid);
const struct kdr_stat *kdr_stats_key(const struct kdr_stats *st, uint32_t tid,
				     enum kdr_key_kind kind, uint32_t key);

/*
 * Distributions (cfg.histograms; NULL otherwise): of the row
 * kdr_stats_keyed()[i], and of the RUN / READY intervals of
 * kdr_stats_threads()[i].  They hold exactly the intervals the kdr_stat
 * beside them counts (same pairing, same window).
 */
const struct kdr_hist *kdr_stats_keyed_hist(const struct kdr_stats *st, size_t i);
const struct kdr_hist *kdr_stats_run_hist(const struct kdr_stats *st, size_t i);
const struct kdr_hist *kdr_stats_ready_hist(const struct kdr_stats *st, size_t i);
/* Budget of kdr_stats_threads()[i] in the closed window (cfg.budget;
 * NULL otherwise). */
const struct kdr_budget *kdr_stats_budget(const struct kdr_stats *st, size_t i);

#endif /* KDR_STATS_H */
