// SPDX-License-Identifier: BSD-2-Clause
/*
 * contend.c - kdelay-sample's contend mode: two threads pinned to one CPU burn
 * --spin-ms of CPU each, and print the wait the kernel counted for them.
 */
#include "sample.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/sdt.h>
#include <sysexits.h>
#include <time.h>

static pthread_barrier_t contend_barrier;
static uint64_t contend_t0; /* when main opened the gate: both are runnable from then */

struct spin_arg {
	pid_t tid;
	char name[16];
	int cpu;
	uint64_t cpu_ns, wall_ns;
	long long ready_ns; /* run-queue wait the kernel counted, -1: unknown */
	int ok_affinity;
	int ok_policy;
};

/* The kernel's count of the time this thread waited on a run queue, ns
 * (second field of schedstat); -1 when the kernel does not keep it. */
static long long run_delay_ns(void)
{
	unsigned long long cpu, delay;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	int n = f ? fscanf(f, "%llu %llu", &cpu, &delay) : 0;

	if (f)
		fclose(f);
	return n == 2 ? (long long)delay : -1;
}

/* Burn CPU without entering the kernel more than once a millisecond or so. */
__attribute__((noinline, used)) void sample_spin(uint64_t budget_ns)
{
	uint64_t start = now_ns(CLOCK_THREAD_CPUTIME_ID);
	volatile uint64_t x = 0;

	for (;;) {
		for (int i = 0; i < 200000; i++)
			x++;
		if (now_ns(CLOCK_THREAD_CPUTIME_ID) - start >= budget_ns)
			break;
	}
}

static void *spin_thread(void *p)
{
	struct spin_arg *a = p;
	cpu_set_t set;
	uint64_t c0, w0;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	a->ok_affinity = sched_setaffinity(0, sizeof(set), &set) == 0;
	if (opt.policy == SCHED_RR) {
		/* Same real-time priority, round robin: they take turns of
		 * sched_rr_timeslice_ms, whatever else the node runs. */
		struct sched_param sp = { .sched_priority = 10 };

		a->ok_policy = pthread_setschedparam(pthread_self(), SCHED_RR, &sp) == 0;
	} else {
		a->ok_policy = 1;
	}
	a->tid = gettid_();
	thread_ready(a->name);
	/* Before the gate: the wait for the CPU after its wakeup counts too. */
	a->ready_ns = run_delay_ns();
	gate_wait();
	pthread_barrier_wait(&contend_barrier);
	w0 = contend_t0;
	c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	DTRACE_PROBE1(kdelay_sample, spin_start, a->cpu);
	sample_spin((uint64_t)opt.spin_ms * 1000000ull);
	a->cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	a->wall_ns = now_ns(CLOCK_MONOTONIC) - w0;
	{
		long long end = run_delay_ns();

		a->ready_ns = end < 0 || a->ready_ns < 0 ? -1 : end - a->ready_ns;
	}
	DTRACE_PROBE1(kdelay_sample, spin_done, a->cpu);
	return NULL;
}

int run_contend(void)
{
	struct spin_arg a[2];
	pthread_t t[2];
	int cpu = opt.cpu;

	if (cpu < 0) {
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set))
			die(EX_OSERR, "sched_getaffinity: %s", strerror(errno));
		for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
			;
	}
	pthread_barrier_init(&contend_barrier, NULL, 2);
	for (int i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		snprintf(a[i].name, sizeof(a[i].name), "spin%d", i + 1);
		a[i].cpu = cpu;
		t[i] = spawn(spin_thread, &a[i]);
	}
	wait_threads_ready(2);
	for (int i = 0; i < 2; i++)
		if (!a[i].ok_affinity || !a[i].ok_policy)
			die(EX_OSERR, "cannot pin %s to CPU %d%s", a[i].name, cpu,
			    a[i].ok_policy ? "" : " or make it SCHED_RR (root?)");
	for (int i = 0; i < 2; i++)
		out("thread=%s tid=%d cpu=%d policy=%s", a[i].name, a[i].tid, cpu,
		    opt.policy == SCHED_RR ? "rr" : "other");
	out("ready");
	wait_start_signal();
	out("start");
	DTRACE_PROBE(kdelay_sample, run_start);
	contend_t0 = now_ns(CLOCK_MONOTONIC);
	gate_release();
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	DTRACE_PROBE(kdelay_sample, run_block);
	for (int i = 0; i < 2; i++)
		out("thread=%s tid=%d cpu=%d spin_ms=%ld cpu_ns=%llu wall_ns=%llu wait_ns=%lld ready_ns=%lld",
		    a[i].name, a[i].tid, cpu, opt.spin_ms, (unsigned long long)a[i].cpu_ns,
		    (unsigned long long)a[i].wall_ns,
		    (long long)a[i].wall_ns - (long long)a[i].cpu_ns, a[i].ready_ns);
	return 0;
}
