// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdelay-wake.c - a workload whose wakeups are known exactly, for the
 * report's wakers (report/wakers.h).
 *
 * Thread "sleeper" blocks in read() on a pipe exactly --rounds times, and
 * each time only thread "waker1" wakes it, by writing one byte.  waker1
 * writes only once the sleeper is switched out (a handshake, not a
 * delay): its voluntary context switches (/proc/self/task/TID/status)
 * went up by one more and it sleeps (state S).  The sleeper does nothing
 * else that sleeps inside the window: it spins until the window opens
 * and after it closes.
 *
 *   kdelay-wake --start-file F [--rounds N]
 *
 * Prints "thread=NAME tid=N" for both threads and "ready", waits until F
 * exists, then fires USDT kdelay_wake:run_start, does the rounds, fires
 * kdelay_wake:run_stop, prints "done rounds=N" and exits.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sdt.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static int rounds = 100;
static int ping[2];		  /* waker1 -> sleeper */
static atomic_int sleeper_tid;
static atomic_int window_open;	  /* 1: rounds may start; 2: window closed */

static void die(int code, const char *what)
{
	fprintf(stderr, "kdelay-wake: %s: %s\n", what, strerror(errno));
	exit(code);
}

static void name_self(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
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

static void *sleeper(void *arg)
{
	char c;

	(void)arg;
	name_self("sleeper");
	atomic_store(&sleeper_tid, (int)syscall(SYS_gettid));
	while (atomic_load(&window_open) == 0)
		; /* spin: no block before the window */
	for (int i = 0; i < rounds; i++)
		if (read(ping[0], &c, 1) != 1)
			die(EX_OSERR, "read");
	while (atomic_load(&window_open) == 1)
		; /* spin until the window closed */
	return NULL;
}

static void *waker(void *arg)
{
	long base, n;
	char st;

	(void)arg;
	name_self("waker1");
	while (!atomic_load(&sleeper_tid))
		;
	if (thread_status(atomic_load(&sleeper_tid), &st, &base))
		die(EX_OSERR, "reading the sleeper's status");
	DTRACE_PROBE(kdelay_wake, run_start);
	atomic_store(&window_open, 1);
	for (int i = 1; i <= rounds; i++) {
		struct timespec ms = { 0, 1000000 };

		/* the sleeper blocked for round i: switched out, asleep */
		for (;;) {
			if (thread_status(atomic_load(&sleeper_tid), &st, &n))
				die(EX_OSERR, "reading the sleeper's status");
			if (n >= base + i && st == 'S')
				break;
			nanosleep(&ms, NULL);
		}
		if (write(ping[1], "x", 1) != 1)
			die(EX_OSERR, "write");
	}
	/* the last read returned: the sleeper is spinning again */
	for (;;) {
		if (thread_status(atomic_load(&sleeper_tid), &st, &n))
			die(EX_OSERR, "reading the sleeper's status");
		if (st == 'R')
			break;
	}
	DTRACE_PROBE(kdelay_wake, run_stop);
	atomic_store(&window_open, 2);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start-file", required_argument, NULL, 'f' },
		{ "rounds", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *start_file = NULL;
	pthread_t s, w;
	struct stat sb;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			start_file = optarg;
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: kdelay-wake --start-file F [--rounds N]\n");
			return EX_USAGE;
		}
	}
	if (!start_file || rounds <= 0) {
		fprintf(stderr, "usage: kdelay-wake --start-file F [--rounds N]\n");
		return EX_USAGE;
	}
	if (pipe(ping))
		die(EX_OSERR, "pipe");
	if (pthread_create(&s, NULL, sleeper, NULL))
		die(EX_OSERR, "pthread_create");
	while (!atomic_load(&sleeper_tid))
		;
	printf("ready\n");
	fflush(stdout);
	while (stat(start_file, &sb)) {
		struct timespec ms = { 0, 10000000 };

		nanosleep(&ms, NULL);
	}
	if (pthread_create(&w, NULL, waker, NULL))
		die(EX_OSERR, "pthread_create");
	pthread_join(w, NULL);
	pthread_join(s, NULL);
	printf("done rounds=%d\n", rounds);
	return 0;
}
