/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * threads.h - thread names from the capture's THREAD items.
 *
 * A tid can be renamed (prctl, pthread_setname_np) or reused after the
 * thread exited, so each tid keeps every name it had with the time each
 * became valid; a lookup at time ts returns the name valid then (the
 * newest one not later than ts, else the oldest known).
 */
#ifndef KDR_THREADS_H
#define KDR_THREADS_H

#include <stddef.h>
#include <stdint.h>

struct kdr_threads;

struct kdr_threads *kdr_threads_new(void);
void kdr_threads_free(struct kdr_threads *th);

/* Copies name.  0, or -1 when out of memory. */
int kdr_threads_add(struct kdr_threads *th, uint32_t tid, uint64_t ts, const char *name,
		    size_t len);

/* Name of tid at time ts; NULL when the capture never named it.  Valid
 * until the next kdr_threads_add(). */
const char *kdr_threads_name(const struct kdr_threads *th, uint32_t tid, uint64_t ts,
			     size_t *len);

#endif /* KDR_THREADS_H */
