// SPDX-License-Identifier: BSD-2-Clause
/*
 * loop - the benchmark target: a tight loop of getppid() system calls.
 *
 * syscall(SYS_getppid) is used rather than getppid() so that no libc ever
 * answers from a cache: every iteration enters and leaves the kernel once,
 * which is one sys_enter and one sys_exit event for a tracer.  The clock
 * is read with clock_gettime(CLOCK_MONOTONIC), which the vDSO serves
 * without a system call, so it is invisible to tracers.
 *
 * Result, one line on stdout (bench/run.sh parses it):
 *   loop pid=P calls=N ns=T ns_per_call=X cpu_ns_per_call=C rate=R
 * ns_per_call is wall-clock time; cpu_ns_per_call is the thread's own CPU
 * time (CLOCK_THREAD_CPUTIME_ID), which excludes the time other tasks ran
 * on its CPU: on a shared machine it is the steadier figure, and it still
 * includes everything a tracer's hooks cost, since they run in the
 * caller's context.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1000

struct loop_opts {
	uint64_t calls;	   /* 0 = run for duration_ns */
	uint64_t duration_ns;
	uint64_t rate;	   /* calls per second, 0 = as fast as possible */
	int cpu;	   /* -1 = not pinned */
	int wait_go;	   /* wait for SIGUSR1 before starting */
};

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CLOCK_MONOTONIC comes from the vDSO: no system call. */
static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loop [-n CALLS] [-d SECONDS] [-r RATE] [-c CPU] [-w]\n"
		"  -n CALLS    number of getppid() calls (default 3000000)\n"
		"  -d SECONDS  run for SECONDS instead of a number of calls\n"
		"  -r RATE     pace to RATE calls/s (batches of %d, busy wait between)\n"
		"  -c CPU      pin to CPU\n"
		"  -w          print 'loop pid=P ready' and wait for SIGUSR1 before starting\n"
		"\n"
		"EXAMPLES\n"
		"  loop -n 3000000 -c 1        3M calls on CPU 1, print ns per call\n"
		"  loop -w -d 60 -r 2500000 &  wait for a tracer, then 2.5M calls/s for 60 s\n"
		"  kill -USR1 $!\n",
		BATCH);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end != '\0' || s[0] == '-' ? -1 : 0;
}

static int parse_opts(int argc, char **argv, struct loop_opts *o)
{
	uint64_t v;
	double secs;
	char *end;
	int c;

	*o = (struct loop_opts){ .calls = 3000000, .cpu = -1 };
	while ((c = getopt(argc, argv, "n:d:r:c:wh")) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64(optarg, &o->calls) || o->calls == 0)
				goto bad;
			break;
		case 'd':
			secs = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(secs > 0))
				goto bad;
			o->duration_ns = (uint64_t)(secs * 1e9);
			o->calls = 0;
			break;
		case 'r':
			if (parse_u64(optarg, &o->rate) || o->rate == 0)
				goto bad;
			break;
		case 'c':
			if (parse_u64(optarg, &v) || v >= CPU_SETSIZE)
				goto bad;
			o->cpu = (int)v;
			break;
		case 'w':
			o->wait_go = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "loop: bad value for -%c: '%s'\n", c, optarg);
	return -1;
}

/* Is the run over after `done` calls, at time t? */
static int finished(const struct loop_opts *o, uint64_t done, uint64_t t0, uint64_t t)
{
	if (o->calls)
		return done >= o->calls;
	return t - t0 >= o->duration_ns;
}

int main(int argc, char **argv)
{
	struct loop_opts o;
	uint64_t t0, t, cpu0, cpu1, done = 0;
	sigset_t go;

	if (parse_opts(argc, argv, &o))
		return 2;

	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "loop: cannot pin to CPU %d: %s\n", o.cpu, strerror(errno));
			return 1;
		}
	}

	if (o.wait_go) {
		int sig;

		sigemptyset(&go);
		sigaddset(&go, SIGUSR1);
		if (sigprocmask(SIG_BLOCK, &go, NULL)) {
			perror("loop: sigprocmask");
			return 1;
		}
		printf("loop pid=%d ready\n", (int)getpid());
		fflush(stdout);
		if (sigwait(&go, &sig)) {
			fprintf(stderr, "loop: sigwait failed\n");
			return 1;
		}
	}

	cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	t0 = now_ns();
	t = t0;
	while (!finished(&o, done, t0, t)) {
		uint64_t n = BATCH;

		if (o.calls && o.calls - done < n)
			n = o.calls - done;
		for (uint64_t i = 0; i < n; i++)
			syscall(SYS_getppid);
		done += n;
		t = now_ns();
		if (o.rate) {
			/* the schedule says call number `done` is due at t0 + done/rate */
			uint64_t due = t0 + (uint64_t)((double)done * 1e9 / (double)o.rate);

			while (t < due && !finished(&o, done, t0, t))
				t = now_ns();
		}
	}

	cpu1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);

	printf("loop pid=%d calls=%llu ns=%llu ns_per_call=%.1f cpu_ns_per_call=%.1f rate=%.0f\n",
	       (int)getpid(), (unsigned long long)done, (unsigned long long)(t - t0),
	       (double)(t - t0) / (double)done, (double)(cpu1 - cpu0) / (double)done,
	       (double)done * 1e9 / (double)(t - t0));
	return 0;
}
