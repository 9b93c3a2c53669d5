/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats_types.h - what one window's statistics hold: the sums per thread
 * and per (thread, syscall / irq / vector), each thread's pairing state
 * and the listed syscalls.  Apart from stats.h (the functions), so that
 * the parts of the statistics (stats.c pairs, stats_store.c keeps the
 * tables, stats_dist.c the distributions and budget) and the views that
 * read them share the types without depending on each other.
 */
#ifndef KDR_STATS_TYPES_H
#define KDR_STATS_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "pairing.h"

#define KDR_NO_NR UINT32_MAX
#define KDR_ROW_CACHE 16 /* rows a thread finds without the hash table, a power of 2 */

struct kdr_stat {
	uint64_t count;
	uint64_t total;
	uint64_t max;
	uint64_t min;
};

enum kdr_key_kind {
	KDR_K_SYSCALL = 1, /* key = syscall nr */
	KDR_K_HARDIRQ = 2, /* key = string id of the irq action name */
	KDR_K_SOFTIRQ = 3, /* key = vector */
};

/* One row of a per-thread table: syscall, hard irq or soft irq. */
struct kdr_keyed {
	uint32_t tid;
	uint32_t key;
	uint32_t kind; /* enum kdr_key_kind */
	uint32_t pad;
	struct kdr_stat st;
};

/* Intervals of a thread that spanned a loss of events: unknown, counted
 * apart, never in count, total, max, a distribution or the budget. */
enum kdr_unknown_kind {
	KDR_U_SYSCALL = 0,
	KDR_U_RUN,
	KDR_U_READY,
	KDR_U_HARDIRQ,
	KDR_U_SOFTIRQ,
	KDR_U_N
};

/* What the statistics sum of one thread; its pairing state (what is open
 * now) is the engine's (pairing.h, kdr_stats_pairing()). */
struct kdr_thread_state {
	uint32_t tid;
	/* rows counted lately, direct-mapped by key and kind: the key, its
	 * kind and kdr_keyed index + 1 (0 = empty) */
	uint32_t cache_key[KDR_ROW_CACHE];
	uint32_t cache_ix1[KDR_ROW_CACHE];
	uint8_t cache_kind[KDR_ROW_CACHE];
	struct kdr_stat run;
	struct kdr_stat ready;
	uint64_t unknown[KDR_U_N]; /* enum kdr_unknown_kind */
};

/* A syscall kept for the "# SYSCALL EVENTS" list. */
struct kdr_sysev {
	uint64_t entry_ts;
	uint64_t exit_ts;
	uint32_t tid;
	uint32_t nr;
	int32_t ret;
	uint32_t kstack; /* kdf_reader_stack() ids, 0 = none */
	uint32_t ustack;
	uint8_t has_stack; /* a KDF_EV_STACK event was matched */
	uint8_t stack_flags;
	uint16_t pad;
};

struct kdr_stats_cfg {
	int64_t list_ns;	/* list syscalls longer than this; 0 = all; < 0 = none */
	uint32_t poll_nr;	/* KDR_NO_NR when the table has no poll */
	int skip_poll;		/* do not list poll */
	uint32_t only_nr;	/* list only this syscall; KDR_NO_NR = any */
	const uint32_t *tids;	/* list only these tids (NULL = any) */
	size_t ntids;
	size_t reorder_cap;	/* events held back for reordering; 0 = the pairing's default */
	int histograms;		/* keep the distribution of every interval (hist.h) */
	int budget;		/* keep each thread's time budget (budget.h) */
};

#endif /* KDR_STATS_TYPES_H */
