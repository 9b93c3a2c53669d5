/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats_events.h - the listed syscall events of one window (struct
 * kdr_sysev), kept until the window closes in the order the syscalls
 * ended, in bounded memory: up to KDR_SYSEV_MEM of them in memory, the
 * older ones spilled in order to an unlinked temporary file in $TMPDIR
 * (O_TMPFILE: never named, gone when closed; tmpfile() in a build
 * without it), read back in batches by
 * one iterator, which every consumer of the listing goes through.
 *
 * The pairing hands a syscall over late when it waits for its stack
 * (pairing.h), so the list sorts by kdr_interval.seq.  A spill writes
 * only what no syscall still held back can precede (the caller says
 * below which seq that is), unless that would keep more than half of
 * the memory: then the older half goes, and the held back ones that
 * come later sort in a small list of their own, merged on reading.
 */
#ifndef KDR_STATS_EVENTS_H
#define KDR_STATS_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stats_types.h"

#define KDR_SYSEV_MEM 65536  /* events in memory: 3 MiB */
#define KDR_SYSEV_BATCH 1024 /* events read back from the file at once */

struct kdr_sysev_rec {
	struct kdr_sysev ev;
	uint64_t seq; /* kdr_interval.seq: the order they ended */
};

struct kdr_sysev_list {
	struct kdr_sysev_rec *mem; /* the newest, sorted by seq */
	size_t nmem, mem_cap;
	struct kdr_sysev_rec *late; /* came after a spill that should have held them */
	size_t nlate, late_cap;
	int fd;		      /* the spill file, -1 until needed */
	FILE *tmp;	      /* it, from tmpfile() when there is no O_TMPFILE */
	uint64_t nspilled;    /* events in it, sorted by seq */
	uint64_t spilled_seq; /* seq of the newest of them */
	int err;	      /* errno of a failure to spill (sticky until reset) */
	uint64_t count;	      /* events listed */
};

void kdr_sysev_list_init(struct kdr_sysev_list *l);
void kdr_sysev_list_free(struct kdr_sysev_list *l);
/* Forget the window's events (the file is kept, emptied). */
void kdr_sysev_list_reset(struct kdr_sysev_list *l);
/* Is the memory full (kdr_sysev_list_spill() before the next add)? */
int kdr_sysev_list_full(const struct kdr_sysev_list *l);
/* Spill the events that end before seq low (no syscall held back ends
 * before it), at least the older half.  0, or -1 with l->err set. */
int kdr_sysev_list_spill(struct kdr_sysev_list *l, uint64_t low);
/* Add r in seq order.  0, or -1 when out of memory. */
int kdr_sysev_list_add(struct kdr_sysev_list *l, const struct kdr_sysev_rec *r);

/* Reads the list from its first event on. */
struct kdr_sysev_iter {
	const struct kdr_sysev_list *l;
	uint64_t file_next; /* next record of the file to read */
	size_t late_next, mem_next;
	struct kdr_sysev_rec buf[KDR_SYSEV_BATCH]; /* read from the file */
	size_t nbuf, buf_next;
	int err; /* errno of a failure to read the file back */
};

void kdr_sysev_iter_begin(struct kdr_sysev_iter *it, const struct kdr_sysev_list *l);
/* Up to max events, in order, to out: how many (0 at the end), or -1
 * with it->err set when the file could not be read back. */
long kdr_sysev_iter_next(struct kdr_sysev_iter *it, struct kdr_sysev *out, size_t max);

/* Where the spill file goes ($TMPDIR, else /tmp), for messages. */
const char *kdr_sysev_tmpdir(void);

#endif /* KDR_STATS_EVENTS_H */
