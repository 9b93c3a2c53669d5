// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdelay-steal.c - a workload from which another process steals a known
 * amount of CPU, for the report's culprits (report/culprits.h).
 *
 * Thread "victim" spins on CPU K (the last CPU), always runnable.  A child
 * process, "stealer", is pinned to the same CPU at SCHED_FIFO: each time
 * the parent asks (one byte on a pipe, a handshake, not a delay) it
 * preempts the victim, spins --steal-ms on CLOCK_MONOTONIC, and answers
 * with the time it spun.  The parent's main thread runs on another CPU
 * and sums those times: the oracle of what the stealer took from the
 * victim, inside the window.  Before the first round, each next one
 * and the window's close, it waits until the victim ran again, so that
 * each wait begins and ends inside the window.
 *
 *   kdelay-steal --start-file F [--rounds N] [--steal-ms MS] [--move]
 *
 * With --move (one round), the wait moves: the stealer tells the parent
 * when it starts (its CLOCK_MONOTONIC time), and once half of --steal-ms
 * has passed the parent moves the waiting victim to its own CPU
 * (sched_setaffinity moves a queued task at once), then blocks until the
 * stealer is done, which frees that CPU for the victim.  So the victim
 * waited behind the stealer from the steal's start until the move, and
 * the rest of its wait on the parent's CPU.  Prints "moved_after_ns=LO
 * HI": the move came LO to HI ns after the steal began.
 *
 * Prints "stealer pid=P", "thread=victim tid=T cpu=K" and "ready", waits
 * until F exists, fires USDT kdelay_steal:run_start, does the rounds,
 * fires kdelay_steal:run_stop, prints "stolen_ns=NS rounds=N" and exits.
 */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sdt.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static int cpu_k;
static int move; /* --move */
static atomic_int victim_on_k;
static atomic_int victim_tid;
static atomic_int stop;
static atomic_ulong laps; /* the victim's progress: it ran */

static void *victim(void *arg)
{
	(void)arg;
	set_name("victim");
	pin_to_cpu(cpu_k);
	while (sched_getcpu() != cpu_k)
		;
	atomic_store(&victim_tid, (int)syscall(SYS_gettid));
	printf("thread=victim tid=%ld cpu=%d\n", (long)syscall(SYS_gettid), cpu_k);
	fflush(stdout);
	atomic_store(&victim_on_k, 1);
	while (!atomic_load(&stop))
		atomic_fetch_add(&laps, 1); /* always runnable: every wait is a steal */
	return NULL;
}

/* The child: spin steal_ms each time it is asked, at SCHED_FIFO on K. */
static void stealer(int cmd, int ack, int steal_ms)
{
	struct sched_param sp = { .sched_priority = 10 };
	char c;

	set_name("stealer");
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	pin_to_cpu(cpu_k);
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		die_errno(EX_NOPERM, "sched_setscheduler(SCHED_FIFO)");
	while (read(cmd, &c, 1) == 1 && c == 's') {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC), t1;

		if (move && write(ack, &t0, sizeof(t0)) != sizeof(t0))
			die_errno(EX_OSERR, "write");

		while ((t1 = now_ns(CLOCK_MONOTONIC)) - t0 < (uint64_t)steal_ms * 1000000u)
			;
		t1 -= t0;
		if (write(ack, &t1, sizeof(t1)) != sizeof(t1))
			die_errno(EX_OSERR, "write");
	}
	exit(0);
}

/* --move: half way through the steal, move the waiting victim here. */
static void move_victim(int ack, int steal_ms)
{
	uint64_t t0, before, after;
	cpu_set_t set;

	if (read(ack, &t0, sizeof(t0)) != sizeof(t0))
		die_errno(EX_OSERR, "talking to the stealer");
	while (now_ns(CLOCK_MONOTONIC) - t0 < (uint64_t)steal_ms * 500000u)
		;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	before = now_ns(CLOCK_MONOTONIC);
	if (sched_setaffinity(atomic_load(&victim_tid), sizeof(set), &set))
		die_errno(EX_OSERR, "sched_setaffinity(victim)");
	after = now_ns(CLOCK_MONOTONIC);
	printf("moved_after_ns=%" PRIu64 " %" PRIu64 "\n", before - t0, after - t0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start-file", required_argument, NULL, 'f' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "steal-ms", required_argument, NULL, 's' },
		{ "move", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *start_file = NULL;
	int rounds = 3, steal_ms = 50, cmd[2], ack[2], o, status;
	uint64_t stolen = 0;
	pthread_t v;
	pid_t child;

	sample_prog = "kdelay-steal";
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			start_file = optarg;
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 's':
			steal_ms = atoi(optarg);
			break;
		case 'm':
			move = 1;
			break;
		default:
			goto usage;
		}
	}
	if (!start_file || rounds <= 0 || steal_ms <= 0 || (move && rounds != 1))
		goto usage;
	cpu_k = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	if (cpu_k < 1) {
		fprintf(stderr, "kdelay-steal: needs 2 CPUs at least\n");
		return EX_UNAVAILABLE;
	}
	if (pipe(cmd) || pipe(ack))
		die_errno(EX_OSERR, "pipe");
	child = fork();
	if (child < 0)
		die_errno(EX_OSERR, "fork");
	if (!child)
		stealer(cmd[0], ack[1], steal_ms);
	close(cmd[0]); /* a stealer that died is then an end of file, not a hang */
	close(ack[1]);
	pin_to_cpu(0);
	printf("stealer pid=%ld\n", (long)child);
	fflush(stdout);
	if (pthread_create(&v, NULL, victim, NULL))
		die_errno(EX_OSERR, "pthread_create");
	while (!atomic_load(&victim_on_k))
		;
	printf("ready\n");
	fflush(stdout);
	wait_for_file(start_file, NULL);
	DTRACE_PROBE(kdelay_steal, run_start);
	/* a wait of the victim begun before the window has ended */
	for (unsigned long l = atomic_load(&laps); atomic_load(&laps) == l;)
		;
	for (int i = 0; i < rounds; i++) {
		uint64_t spun;

		if (write(cmd[1], "s", 1) != 1)
			die_errno(EX_OSERR, "talking to the stealer");
		if (move)
			move_victim(ack[0], steal_ms);
		if (read(ack[0], &spun, sizeof(spun)) != sizeof(spun))
			die_errno(EX_OSERR, "talking to the stealer");
		stolen += spun;
		/* the victim ran again: its wait ended inside the window */
		for (unsigned long l = atomic_load(&laps); atomic_load(&laps) == l;)
			;
	}
	DTRACE_PROBE(kdelay_steal, run_stop);
	atomic_store(&stop, 1);
	pthread_join(v, NULL);
	if (write(cmd[1], "q", 1) != 1 || waitpid(child, &status, 0) != child)
		die_errno(EX_OSERR, "stopping the stealer");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "kdelay-steal: the stealer failed\n");
		return EX_SOFTWARE;
	}
	printf("stolen_ns=%" PRIu64 " rounds=%d\n", stolen, rounds);
	return 0;
usage:
	fprintf(stderr, "usage: kdelay-steal --start-file F [--rounds N] [--steal-ms MS] [--move]\n");
	return EX_USAGE;
}
