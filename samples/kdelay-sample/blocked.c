// SPDX-License-Identifier: BSD-2-Clause
/*
 * blocked.c - kdelay-sample's blocked mode: a thread stays inside one read() or
 * nanosleep() for --block-ms while the markers fire around its entry.
 */
#include "sample.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static int block_pipe[2] = { -1, -1 };
static atomic_int blocker_entering;
static pid_t blocker_tid;

static void *blocker_thread(void *p)
{
	const char *name = p;
	uint64_t t0, t1;
	char c;

	blocker_tid = gettid_();
	thread_ready(name);
	gate_wait();
	out("thread=%s tid=%d syscall=%s state=entering", name, blocker_tid,
	    opt.sys == S_NANOSLEEP ? "nanosleep" : "read");
	t0 = now_ns(CLOCK_MONOTONIC);
	atomic_store(&blocker_entering, 1);
	if (opt.sys == S_NANOSLEEP) {
		struct timespec ts = { opt.block_ms / 1000, (opt.block_ms % 1000) * 1000000L };
		syscall(SYS_nanosleep, &ts, NULL);
	} else {
		if (syscall(SYS_read, block_pipe[0], &c, 1) != 1)
			die(EX_OSERR, "read pipe: %s", strerror(errno));
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	out("thread=%s tid=%d syscall=%s state=returned blocked_ns=%llu", name, blocker_tid,
	    opt.sys == S_NANOSLEEP ? "nanosleep" : "read", (unsigned long long)(t1 - t0));
	return NULL;
}

/* Is the thread asleep in the kernel (state S or D in /proc)? */
static int thread_sleeping(pid_t tid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && (p[2] == 'S' || p[2] == 'D');
}

int run_blocked(void)
{
	const char *name = opt.thread ? opt.thread : "blocker1";
	pthread_t t = 0;
	uint64_t t0;

	if (pipe(block_pipe))
		die(EX_OSERR, "pipe: %s", strerror(errno));
	t = spawn(blocker_thread, (void *)name);
	wait_threads_ready(1);
	out("thread=%s tid=%d", name, blocker_tid);
	out("ready");
	wait_start_signal();
	out("start");
	DTRACE_PROBE1(kdelay_sample, run_start, 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	gate_release();
	/* run_block fires once the thread is inside its syscall. */
	while (!atomic_load(&blocker_entering) || !thread_sleeping(blocker_tid))
		sleep_ms(1, &stop_flag);
	sleep_ms(20, &stop_flag);
	DTRACE_PROBE1(kdelay_sample, run_block, 0);
	out("thread=%s tid=%d in_syscall=1", name, blocker_tid);
	if (opt.sys != S_NANOSLEEP) {
		long left = opt.block_ms - (long)((now_ns(CLOCK_MONOTONIC) - t0) / 1000000);

		if (left > 0)
			sleep_ms(left, &stop_flag);
		if (write(block_pipe[1], "x", 1) != 1)
			die(EX_OSERR, "write pipe: %s", strerror(errno));
	}
	pthread_join(t, NULL);
	return 0;
}
