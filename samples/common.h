/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * common.h - what the sample workloads share: one way to fail, to read a
 * clock, to name a thread and to wait for a test's start file.
 */
#ifndef KDELAY_SAMPLES_COMMON_H
#define KDELAY_SAMPLES_COMMON_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* The program's name, which every message starts with: main sets it. */
extern const char *sample_prog;

/* "PROG: message" on stderr, then exit with code (sysexits.h). */
__attribute__((noreturn, format(printf, 2, 3))) void die(int code, const char *fmt, ...);

/* "PROG: what: the error errno names", then exit with code. */
__attribute__((noreturn)) void die_errno(int code, const char *what);

uint64_t now_ns(clockid_t clk);

/* Sleep ms milliseconds, on through signals unless *stop (when given)
 * became non-zero. */
void sleep_ms(long ms, atomic_int *stop);

/* Name the calling thread.  The kernel keeps 15 characters: longer
 * names are cut, as ovs-vswitchd's are. */
void set_name(const char *name);

/* Pin the calling thread to cpu, or exit (EX_OSERR). */
void pin_to_cpu(int cpu);

/* Return once path exists (a test's start signal), or *stop (when given)
 * became non-zero; looks every 10 ms. */
void wait_for_file(const char *path, atomic_int *stop);

#endif /* KDELAY_SAMPLES_COMMON_H */
