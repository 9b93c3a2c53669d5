/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * census.h - every thread of the target as /proc shows it when a window
 * opens and when it closes (KDF_EV_CENSUS events): the threads that make
 * no event in the window (asleep in poll all along) are seen too.
 */
#ifndef KD_CENSUS_H
#define KD_CENSUS_H

#include <sys/types.h>

#include "kdelay_format.h"
#include "window.h"

/*
 * One CENSUS event per thread of pid, at time ts (the window's start or
 * end, so that they belong to it), into the window; flags
 * KDF_CENSUS_END at the end.  A thread that exits meanwhile is left out.
 * since holds the BPF maps thread_slots and thread_sched
 * (bpf/thread_sched.bpf.h): a thread /proc shows asleep is asleep since
 * its asleep_since there, when it has one.
 * Returns the window's emit error, 0 otherwise (also when /proc/PID/task
 * cannot be read: the target is gone, there is nothing to count).
 */
struct census_since {
	int slots_fd; /* the array thread_slots: a slot tid % KD_THREAD_SLOTS tagged with tid */
	int hash_fd;  /* the hash thread_sched: the tids whose slot has another owner */
};

int census__take(struct kd_window *w, pid_t pid, uint64_t ts, uint8_t flags,
		 struct census_since since);

/* The same into an event sink of the caller's (the flight recorder's
 * dump): 0, or the first error emit returned. */
int census__take_to(int (*emit)(void *ctx, const struct kdf_event *ev), void *ctx, pid_t pid,
		    uint64_t ts, uint8_t flags, struct census_since since);

#endif /* KD_CENSUS_H */
