// SPDX-License-Identifier: BSD-2-Clause
/*
 * exit_early.c - kdelay-sample's exit-early mode: a thread makes --calls calls and
 * exits while the process goes on, so that its name must outlive it.
 */
#include "sample.h"

#include <stdint.h>
#include <sys/sdt.h>
#include <time.h>

static pid_t early_tid;

static void *early_thread(void *p)
{
	const char *name = p;
	long done;

	early_tid = gettid_();
	thread_ready(name);
	gate_wait();
	DTRACE_PROBE1(kdelay_sample, run_start, 0);
	done = sample_window(opt.calls, opt.sys);
	DTRACE_PROBE1(kdelay_sample, run_block, 0);
	out("thread=%s tid=%d syscall=%s calls=%ld exiting", name, early_tid, csys_names[opt.sys],
	    done);
	return NULL;
}

int run_exit_early(void)
{
	const char *name = opt.thread ? opt.thread : "early1";
	pthread_t t = 0;
	uint64_t end;

	if (!opt.spawn_late) {
		t = spawn(early_thread, (void *)name);
		wait_threads_ready(1);
		out("thread=%s tid=%d", name, early_tid);
	}
	out("ready");
	wait_start_signal();
	out("start");
	if (opt.spawn_late) {
		/* Created, named, working and gone, all after the start. */
		t = spawn(early_thread, (void *)name);
		wait_threads_ready(1);
	}
	gate_release();
	pthread_join(t, NULL);
	out("thread=%s tid=%d exited", name, early_tid);
	/* Go on without it: the recorder must keep the name of a dead thread. */
	end = now_ns(CLOCK_MONOTONIC) + (uint64_t)(opt.duration * 1e9);
	while (!atomic_load(&stop_flag) && now_ns(CLOCK_MONOTONIC) < end)
		sleep_ms(10, &stop_flag);
	return 0;
}
