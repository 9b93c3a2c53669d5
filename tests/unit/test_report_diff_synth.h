/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_report_diff_synth.h - the two synthetic captures the diff tests
 * compare, written with the real writer to temporary files, and a runner
 * for kdr_diff_main() that captures its output.  Header-only (static):
 * each test_report_diff*.c is its own binary.
 *
 * Window [W, W + 100 ms) in both; times below are after W.
 *
 * BASE (pid 500):
 *   tid 10 "synth": woken at 1,000, in at 3,000 (ready 2,000), preempted
 *     at 7,000 (run 4,000), in at 7,500 (ready 500), out asleep at 9,000
 *     (run 1,500).
 *   tid 11 "handler1": read() of i us, i = 1..100, one after the other
 *     from 20 us on, 1 us apart.
 *   tid 12 "handler2": read() of i us, i = 101..200, likewise.
 *   tid 13 "revalidator55": one futex() of 5 ms.
 *   Left out, as the text report leaves them out: tid 11's write()
 *   entered before the window and returned inside it, tid 12's write()
 *   entered and never returned, tid 13's read() inside a skipped window
 *   [200 ms, 300 ms).
 * NEW (pid 600): the same shape, every duration doubled:
 *   tid 20 "synth" (ready 4,000 + 1,000, run 8,000 + 3,000),
 *   tid 21 "handler12": read() of 2i us, i = 1..200 (one thread now),
 *   tid 22 "revalidator12": futex() of 10 ms.
 */
#ifndef TEST_REPORT_DIFF_SYNTH_H
#define TEST_REPORT_DIFF_SYNTH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdelay_format.h"

#define W 5000000000ull
#define US 1000ull
#define NR_READ 0
#define NR_WRITE 1
#define NR_FUTEX 2

static const char *const synth_sys[] = { "read", "write", "futex", "poll" };

static struct kdf_meta synth_meta(uint32_t pid)
{
	struct kdf_meta m;

	memset(&m, 0, sizeof(m));
	m.kdelay_version = "0.test";
	m.command_line = "kdelay-record -p";
	m.hostname = "node1";
	m.kernel_release = "6.18.0-test";
	m.arch = "x86_64";
	m.ncpus = 2;
	m.pid = pid;
	m.comm = "synth";
	m.mono_ns = W - 1000;
	m.options.sample_time_ns = 100000000;
	m.options.syscall_events_ns = -1;
	m.syscall_names = synth_sys;
	m.syscall_count = 4;
	return m;
}

static void put(struct kdf_writer *w, int64_t t, uint32_t tid, uint8_t type, uint8_t flags,
		uint32_t a, uint32_t b)
{
	struct kdf_event e;

	memset(&e, 0, sizeof(e));
	e.ts = (uint64_t)((int64_t)W + t);
	e.tid = tid;
	e.type = type;
	e.flags = flags;
	e.u.sys.nr = a; /* same slots as sw.next_tid / prev_state */
	e.u.sys.ret = (int32_t)b;
	if (kdf_writer_event(w, &e))
		abort();
}

static void put_name(struct kdf_writer *w, uint32_t tid, const char *name)
{
	struct kdf_thread t = { .ts = W - 500, .tid = tid, .name_len = (uint32_t)strlen(name),
				.name = name };

	if (kdf_writer_thread(w, &t))
		abort();
}

static void put_sys(struct kdf_writer *w, uint64_t t, uint32_t tid, uint32_t nr, uint64_t d)
{
	put(w, (int64_t)t, tid, KDF_EV_SYS_ENTER, 0, nr, 0);
	put(w, (int64_t)(t + d), tid, KDF_EV_SYS_EXIT, 0, nr, 0);
}

static void put_window(struct kdf_writer *w, uint32_t idx, uint64_t a, uint64_t b,
		       uint32_t flags)
{
	struct kdf_window win;

	memset(&win, 0, sizeof(win));
	win.index = idx;
	win.flags = flags;
	win.start_ts = W + a;
	win.end_ts = W + b;
	if (kdf_writer_window(w, &win))
		abort();
}

/* Write one of the captures above (k = 1 BASE, 2 NEW) to a new temporary
 * file; returns its malloc()ed path. */
static char *synth_write(int k)
{
	char *path = strdup("/tmp/kdr-diff-test.XXXXXX");
	struct kdf_meta m = synth_meta(k == 1 ? 500 : 600);
	struct kdf_writer *w;
	uint32_t main_tid = k == 1 ? 10 : 20;
	uint64_t t;
	int fd, err = 0, i;

	if (!path || (fd = mkstemp(path)) < 0)
		abort();
	close(fd);
	w = kdf_writer_open(path, &m, 0, &err);
	if (!w)
		abort();
	put_name(w, main_tid, "synth");
	if (k == 1) {
		put_name(w, 11, "handler1");
		put_name(w, 12, "handler2");
		put_name(w, 13, "revalidator55");
	} else {
		put_name(w, 21, "handler12");
		put_name(w, 22, "revalidator12");
	}
	/* Left out: a write() entered before the window. */
	if (k == 1)
		put(w, -100, 11, KDF_EV_SYS_ENTER, 0, NR_WRITE, 0);
	put(w, 1000, main_tid, KDF_EV_WAKEUP, 0, 0, 0);
	put(w, 1000 + 2000 * k, main_tid, KDF_EV_SWITCH, KDF_SW_NEXT_TARGET, main_tid, 0);
	if (k == 1)
		put(w, 3500, 11, KDF_EV_SYS_EXIT, 0, NR_WRITE, 0);
	/* Preempted: still runnable (prev_state 0). */
	put(w, 1000 + 6000 * k, main_tid, KDF_EV_SWITCH, KDF_SW_PREV_TARGET | KDF_SW_PREEMPT, 0, 0);
	put(w, 1000 + 6500 * k, main_tid, KDF_EV_SWITCH, KDF_SW_NEXT_TARGET, main_tid, 0);
	put(w, 1000 + 8000 * k, main_tid, KDF_EV_SWITCH, KDF_SW_PREV_TARGET, 0, 1);
	t = 20 * US;
	for (i = 1; i <= 200; i++) {
		uint32_t tid = k == 1 ? (i <= 100 ? 11 : 12) : 21;

		put_sys(w, t, tid, NR_READ, (uint64_t)i * US * k);
		t += (uint64_t)i * US * k + US;
	}
	put_sys(w, t, k == 1 ? 13 : 22, NR_FUTEX, 5000 * US * k);
	if (k == 1)
		put(w, (int64_t)t + 10, 12, KDF_EV_SYS_ENTER, 0, NR_WRITE, 0); /* never returns */
	put_window(w, 0, 0, 100000 * US, 0);
	if (k == 1) {
		/* A skipped window: its read() is not compared. */
		put_sys(w, 250000 * US, 13, NR_READ, 7 * US);
		put_window(w, 1, 200000 * US, 300000 * US, KDF_WIN_SKIPPED);
	}
	if (kdf_writer_close(w, NULL))
		abort();
	return path;
}

/* The two captures every diff test compares, written once per test
 * group: base (k = 1) and new (k = 2). */
static char *base_path, *new_path;

static int synth_setup(void **state)
{
	(void)state;
	base_path = synth_write(1);
	new_path = synth_write(2);
	return base_path && new_path ? 0 : -1;
}

static int synth_teardown(void **state)
{
	(void)state;
	unlink(base_path);
	unlink(new_path);
	free(base_path);
	free(new_path);
	return 0;
}

/* kdr_diff_main("diff", args...) with out and err captured. */
struct run {
	int rc;
	char *out, *err;
};

static struct run run_diff(const char *const *args)
{
	char *argv[32];
	struct run r = { 0, NULL, NULL };
	size_t lo = 0, le = 0;
	FILE *out = open_memstream(&r.out, &lo), *err = open_memstream(&r.err, &le);
	int argc = 0;

	if (!out || !err)
		abort();
	argv[argc++] = (char *)"diff";
	while (*args && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	r.rc = kdr_diff_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

#endif /* TEST_REPORT_DIFF_SYNTH_H */
