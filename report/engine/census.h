/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * census.h - every thread of the target at a window's start and end, as
 * the recorder read /proc then (CENSUS events, format 1.2), and whether
 * the thread made any event in the window: a silent thread (asleep in
 * poll all along) shows in no statistic, only here.
 */
#ifndef KDR_CENSUS_H
#define KDR_CENSUS_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

/* What /proc said of a thread at one end of the window. */
struct kdr_census_seen {
	int known;	/* 0: not in that census (born or gone meanwhile) */
	uint32_t state; /* 'R', 'S', 'D'... */
	uint32_t nr;	/* KDF_CENSUS_NO_SYSCALL: running, or not in a syscall */
	uint64_t ts;	/* the census's time */
	uint64_t since_ts; /* asleep since then (format 1.3); 0 = not known */
};

struct kdr_census_row {
	uint32_t tid;
	int silent; /* no event of its own in the window */
	struct kdr_census_seen start, end;
};

struct kdr_census;

struct kdr_census *kdr_census_new(void);
void kdr_census_free(struct kdr_census *c);

/* Feed the events of the current window.  0, or -1 when out of memory. */
int kdr_census_feed(struct kdr_census *c, const struct kdf_event *ev, size_t n);

/* The window closed: rows sorted by tid, valid until kdr_census_reset(). */
void kdr_census_close(struct kdr_census *c);
const struct kdr_census_row *kdr_census_rows(const struct kdr_census *c, size_t *n);
int kdr_census_incomplete(const struct kdr_census *c);
void kdr_census_reset(struct kdr_census *c);

#endif /* KDR_CENSUS_H */
