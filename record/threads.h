/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * threads.h - thread names into the capture: the threads alive at start
 * (from /proc), then every creation and rename seen by BPF, so that the
 * report names threads that exited long before it runs.
 */
#ifndef KD_THREADS_H
#define KD_THREADS_H

#include <stdint.h>
#include <sys/types.h>

struct kdf_writer;

/* Write a kdf_thread for every thread of pid; returns the count or -errno. */
int threads__scan(struct kdf_writer *w, pid_t pid, uint64_t ts);

/* Write one name (len bytes, not NUL terminated); returns a kdf_err. */
int threads__write(struct kdf_writer *w, uint32_t tid, const char *name, size_t len, uint64_t ts);

#endif /* KD_THREADS_H */
