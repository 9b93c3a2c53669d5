// SPDX-License-Identifier: BSD-2-Clause
/*
 * exact.c - kdelay-sample's exact mode: one thread makes exactly --calls calls of
 * --syscall between markers, --iterations times (main.c's usage says which
 * markers, in which order); --hold keeps chosen windows open until the
 * test writes a byte to --hold-fifo.
 */
#include "sample.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

static int hold_fd = -1;

/* Opened before any thread starts: read and write, so that the open does
 * not wait for a writer, and the test's writes never fail for want of a
 * reader. */
void exact_open_hold_fifo(void)
{
	struct stat st;

	hold_fd = open(opt.hold_fifo, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (hold_fd < 0 || fstat(hold_fd, &st) || !S_ISFIFO(st.st_mode))
		die(EX_USAGE, "--hold-fifo '%s': %s", opt.hold_fifo,
		    hold_fd < 0 ? strerror(errno) : "not a FIFO (mkfifo it)");
}

/* Is iteration `it` one of --hold's comma-separated numbers? */
static int is_held(long it)
{
	const char *p = opt.hold_list;

	while (p && *p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (v == it)
			return 1;
		p = *end == ',' ? end + 1 : NULL;
	}
	return 0;
}

/* Inside the window: block until the test writes one byte to the FIFO. */
static void hold_window(long it, const char *name, pid_t tid)
{
	char c;

	out("window=%ld thread=%s tid=%d held", it, name, tid);
	if (read(hold_fd, &c, 1) != 1)
		die(EX_OSERR, "reading --hold-fifo '%s': %s", opt.hold_fifo,
		    errno ? strerror(errno) : "end of file");
}

struct exact_arg {
	const char *name;
	pid_t tid;
};

static void *exact_thread(void *p)
{
	struct exact_arg *a = p;
	pid_t tid = gettid_();
	long it, total = 0;

	a->tid = tid;
	thread_ready(a->name);
	gate_wait();
	for (it = 0; it < opt.iterations && !atomic_load(&stop_flag); it++) {
		long done;

		DTRACE_PROBE2(kdelay_sample, run_start, it, opt.calls);
		if (hold_fd >= 0 && is_held(it))
			hold_window(it, a->name, tid);
		getpgid(0);
		sched_get_priority_max(SCHED_FIFO);
		done = sample_window(opt.calls, opt.sys);
		sched_get_priority_min(SCHED_FIFO);
		getsid(0);
		DTRACE_PROBE2(kdelay_sample, run_block, it, done);
		total += done;
		out("window=%ld thread=%s tid=%d syscall=%s calls=%ld", it, a->name, tid,
		    csys_names[opt.sys], done);
		if (it + 1 < opt.iterations)
			sleep_ms(opt.pause_ms, &stop_flag);
	}
	out("thread=%s tid=%d syscall=%s calls=%ld iterations=%ld", a->name, tid,
	    csys_names[opt.sys], total, it);
	return NULL;
}

int run_exact(void)
{
	struct exact_arg a = { opt.thread ? opt.thread : "handler1", 0 };
	pthread_t t = spawn(exact_thread, &a);

	wait_threads_ready(1);
	out("thread=%s tid=%d", a.name, a.tid);
	out("ready");
	wait_start_signal();
	out("start");
	gate_release();
	pthread_join(t, NULL);
	return 0;
}
