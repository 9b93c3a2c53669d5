// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdelay-wake.c - a workload whose wakeups are known exactly, for the
 * report's wakers (report/wakers.h).
 *
 * Thread "sleeper" blocks in read() on a pipe exactly --rounds times, and
 * each time only thread "waker1" wakes it, by writing one byte.  With
 * --timer it blocks in clock_nanosleep() instead, 1 ms each round, and
 * only the timer wakes it (waker1 then just opens and closes the window).
 * With --udp it blocks in recv() on a UDP socket bound to 127.0.0.1, and
 * waker1 sends it one datagram each round: the loopback device hands the
 * packet to the NET_RX softirq, which wakes the sleeper.  With --apart the
 * sleeper runs on one CPU and waker1 on another: a wakeup of the sleeper,
 * whose CPU is idle while it blocks, is queued there by the kernel and
 * activated from that CPU's IPI or idle loop, not in waker1's context.  waker1
 * writes only once the sleeper is switched out (a handshake, not a
 * delay): its voluntary context switches (/proc/self/task/TID/status)
 * went up by one more and it sleeps (state S).  The sleeper does nothing
 * else that sleeps inside the window: it spins until the window opens
 * and after it closes.
 *
 *   kdelay-wake --start-file F [--rounds N] [--timer | --udp] [--apart]
 *
 * Prints "thread=NAME tid=N" for both threads (with --apart, "cpus
 * sleeper=A waker1=B" first) and "ready", waits until F
 * exists, then fires USDT kdelay_wake:run_start, does the rounds, fires
 * kdelay_wake:run_stop, prints "done rounds=N blocked=B" and exits.
 * B is how many times the sleeper blocked during the rounds (its own
 * voluntary context switches, getrusage(RUSAGE_THREAD)): N, except with
 * --timer on a loaded machine, where a sleeper preempted before it could
 * block may find its 1 ms timer already expired and not block that round.
 */
#include <arpa/inet.h>
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sdt.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static int rounds = 100;
static int ping[2];		  /* waker1 -> sleeper */
static atomic_int sleeper_tid;
static atomic_int window_open;	  /* 1: rounds may start; 2: window closed */
static int by_timer;		  /* --timer: the sleeper sleeps, nobody wakes it */
static int by_udp;		  /* --udp: a datagram over loopback wakes it */
static int udp_in, udp_out;	  /* the sleeper's socket, and waker1's (connected to it) */
static atomic_int rounds_done;
static atomic_long blocked; /* the sleeper's blocks during the rounds */
static int cpu_sleeper = -1, cpu_waker = -1; /* --apart: their CPUs */

static void name_self(const char *name)
{
	set_name(name);
	printf("thread=%s tid=%ld\n", name, (long)syscall(SYS_gettid));
	fflush(stdout);
}

/* State letter and voluntary switches of thread tid of this process. */
static int thread_status(int tid, char *state, long *nvcsw)
{
	char path[64], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "State: %c", state) == 1)
			found |= 1;
		else if (sscanf(line, "voluntary_ctxt_switches: %ld", nvcsw) == 1)
			found |= 2;
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

/* Two UDP sockets on 127.0.0.1, the second connected to the first. */
static void udp_pair(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	udp_in = socket(AF_INET, SOCK_DGRAM, 0);
	udp_out = socket(AF_INET, SOCK_DGRAM, 0);
	if (udp_in < 0 || udp_out < 0)
		die_errno(EX_OSERR, "socket");
	if (bind(udp_in, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(udp_in, (struct sockaddr *)&a, &len))
		die_errno(EX_OSERR, "bind 127.0.0.1");
	if (connect(udp_out, (struct sockaddr *)&a, sizeof(a)))
		die_errno(EX_OSERR, "connect 127.0.0.1");
}

static void *sleeper(void *arg)
{
	struct rusage before, after;
	char c;

	(void)arg;
	if (cpu_sleeper >= 0)
		pin_to_cpu(cpu_sleeper);
	name_self("sleeper");
	atomic_store(&sleeper_tid, (int)syscall(SYS_gettid));
	while (atomic_load(&window_open) == 0)
		; /* spin: no block before the window */
	getrusage(RUSAGE_THREAD, &before);
	for (int i = 0; i < rounds; i++) {
		struct timespec ms = { 0, 1000000 };

		if (by_timer) {
			errno = clock_nanosleep(CLOCK_MONOTONIC, 0, &ms, NULL);
			if (errno)
				die_errno(EX_OSERR, "clock_nanosleep");
		} else if (by_udp) {
			if (recv(udp_in, &c, 1, 0) != 1)
				die_errno(EX_OSERR, "recv");
		} else if (read(ping[0], &c, 1) != 1) {
			die_errno(EX_OSERR, "read");
		}
	}
	getrusage(RUSAGE_THREAD, &after);
	atomic_store(&blocked, after.ru_nvcsw - before.ru_nvcsw);
	atomic_store(&rounds_done, 1);
	while (atomic_load(&window_open) == 1)
		; /* spin until the window closed */
	return NULL;
}

static void *waker(void *arg)
{
	long base, n;
	char st;

	(void)arg;
	if (cpu_waker >= 0)
		pin_to_cpu(cpu_waker);
	name_self("waker1");
	while (!atomic_load(&sleeper_tid))
		;
	if (thread_status(atomic_load(&sleeper_tid), &st, &base))
		die_errno(EX_OSERR, "reading the sleeper's status");
	DTRACE_PROBE(kdelay_wake, run_start);
	atomic_store(&window_open, 1);
	for (int i = 1; i <= rounds && !by_timer; i++) {
		struct timespec ms = { 0, 1000000 };

		/* the sleeper blocked for round i: switched out, asleep */
		for (;;) {
			if (thread_status(atomic_load(&sleeper_tid), &st, &n))
				die_errno(EX_OSERR, "reading the sleeper's status");
			if (n >= base + i && st == 'S')
				break;
			nanosleep(&ms, NULL);
		}
		if (by_udp ? send(udp_out, "x", 1, 0) != 1 : write(ping[1], "x", 1) != 1)
			die_errno(EX_OSERR, "write");
	}
	/* the last round returned: the sleeper is spinning again */
	while (!atomic_load(&rounds_done))
		;
	for (;;) {
		if (thread_status(atomic_load(&sleeper_tid), &st, &n))
			die_errno(EX_OSERR, "reading the sleeper's status");
		if (st == 'R')
			break;
	}
	DTRACE_PROBE(kdelay_wake, run_stop);
	atomic_store(&window_open, 2);
	return NULL;
}

/* --apart: the first two CPUs this process may run on. */
static void choose_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		die_errno(EX_OSERR, "sched_getaffinity");
	for (int cpu = 0; cpu < CPU_SETSIZE && cpu_waker < 0; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (cpu_sleeper < 0)
			cpu_sleeper = cpu;
		else
			cpu_waker = cpu;
	}
	if (cpu_waker < 0)
		die(EX_UNAVAILABLE, "--apart needs two CPUs to run on, this process has one");
	printf("cpus sleeper=%d waker1=%d\n", cpu_sleeper, cpu_waker);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start-file", required_argument, NULL, 'f' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "timer", no_argument, NULL, 't' },
		{ "udp", no_argument, NULL, 'u' },
		{ "apart", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *start_file = NULL;
	pthread_t s, w;
	int o, apart = 0;

	sample_prog = "kdelay-wake";
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			start_file = optarg;
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 't':
			by_timer = 1;
			break;
		case 'u':
			by_udp = 1;
			break;
		case 'a':
			apart = 1;
			break;
		default:
			fprintf(stderr, "usage: kdelay-wake --start-file F [--rounds N] [--timer | --udp] [--apart]\n");
			return EX_USAGE;
		}
	}
	if (!start_file || rounds <= 0 || (by_timer && by_udp)) {
		fprintf(stderr, "usage: kdelay-wake --start-file F [--rounds N] [--timer | --udp] [--apart]\n");
		return EX_USAGE;
	}
	if (apart)
		choose_cpus();
	if (pipe(ping))
		die_errno(EX_OSERR, "pipe");
	if (by_udp)
		udp_pair();
	if (pthread_create(&s, NULL, sleeper, NULL))
		die_errno(EX_OSERR, "pthread_create");
	while (!atomic_load(&sleeper_tid))
		;
	printf("ready\n");
	fflush(stdout);
	wait_for_file(start_file, NULL);
	if (pthread_create(&w, NULL, waker, NULL))
		die_errno(EX_OSERR, "pthread_create");
	pthread_join(w, NULL);
	pthread_join(s, NULL);
	printf("done rounds=%d blocked=%ld\n", rounds, atomic_load(&blocked));
	return 0;
}
