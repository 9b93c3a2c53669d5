/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sample.h - kdelay-sample's parts: the options (main.c), the threads'
 * start-up handshake and output (threads.c), the counted syscalls and
 * the uprobe markers (calls.c), and one file per mode (exact.c,
 * contend.c, exit_early.c, blocked.c, ovs_like.c).
 */
#ifndef KDELAY_SAMPLE_H
#define KDELAY_SAMPLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "../common.h"

/* ovs-like: handlers + revalidators + the urcu thread */
#define MAX_WORKERS 64

enum mode { M_OVS, M_EXACT, M_CONTEND, M_EXIT_EARLY, M_BLOCKED };

/* The syscalls a mode can count (names: csys_names). */
enum csys { S_GETPPID, S_GETUID, S_SCHED_YIELD, S_NANOSLEEP, S_WRITE, S_READ };
#define N_CSYS (S_READ + 1)
extern const char *const csys_names[N_CSYS];

struct sample_options {
	enum mode mode;
	const char *name;   /* main thread (process) comm */
	const char *thread; /* the counted thread's name */
	enum csys sys;
	long calls;
	long iterations;
	long pause_ms;
	long spin_ms;
	int cpu;
	long block_ms;
	double duration; /* seconds, 0 = until killed */
	int handlers;
	int revalidators;
	long rate; /* main-loop iterations per second (ovs-like) */
	int wait_start;
	const char *start_file;
	long delay_ms;
	long linger_ms;
	int spawn_late;
	int policy; /* contend: SCHED_OTHER or SCHED_RR */
	const char *hold_fifo; /* exact: held iterations wait for a byte here */
	const char *hold_list; /* exact: comma-separated iteration numbers */
};
extern struct sample_options opt;

/* Set by SIGINT and SIGTERM: every loop ends. */
extern atomic_int stop_flag;

/* threads.c */
__attribute__((format(printf, 1, 2))) void out(const char *fmt, ...);
pid_t gettid_(void);
pthread_t spawn(void *(*fn)(void *), void *arg);
void thread_ready(const char *name);
void wait_threads_ready(int n);
void gate_wait(void);
void gate_release(void);
void wait_start_signal(void);

/* calls.c */
void calls_open(void);
long sample_window(long n, int s);
void bridge_run(int iteration);

/* the modes */
void exact_open_hold_fifo(void);
int run_exact(void);
int run_contend(void);
int run_exit_early(void);
int run_blocked(void);
int run_ovs_like(void);

#endif /* KDELAY_SAMPLE_H */
