// SPDX-License-Identifier: BSD-2-Clause
/*
 * mkgolden.c - writes the synthetic golden captures of tests/golden/ with
 * the capture library's writer, so every number in the expected reports
 * can be checked by hand against the events below.
 *
 * Run only through tests/golden/regen.sh, on purpose: the .kdd files are
 * committed, and the expected outputs are made from them.
 *
 *   mkgolden DIR     writes DIR/basic.kdd DIR/triggers.kdd DIR/weird.kdd
 *                    DIR/unclosed.kdd DIR/diskfull.kdd
 *
 * The expected outputs are kdelay-report's own, so they catch a change,
 * not an error.  Beside each NAME.kdd, mkgolden therefore writes
 * NAME.oracle: the statistics each window must show, worked out here from
 * the events as they are written, by the definitions of kdelay-report(1)
 * ("HOW INTERVALS ARE COUNTED"), with none of the report's code.
 * tests/e2e/20-report-golden.sh compares them with the JSON report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdelay_format.h"

#define MS 1000000ull
#define US 1000ull
#define MONO0 1000000000000ull		/* the recorder started at 1000 s */
#define REAL0 1700000000250000000ull	/* 2023-11-14T22:13:20.25Z */
#define S0 (MONO0 + 1000)		/* first window: 1 us later */

#define MAIN 4242
#define HANDLER 4243
#define REVAL 4244
#define URCU 4245
#define OTHER 77 /* not a target thread */

static const char *syscalls[300];
static struct kdf_writer *w;

static void die(const char *what)
{
	fprintf(stderr, "mkgolden: %s failed\n", what);
	exit(1);
}

/* ------------------------------------------------------------ the oracle */

/*
 * What happened to which target thread, noted by the event writers below
 * as they write each event: the start or the end of an interval of one of
 * the five kinds the report counts.
 */
enum fact_kind {
	F_SYS_ENTER,
	F_SYS_EXIT,
	F_SWITCH_IN,
	F_SWITCH_OUT,	       /* blocked: no ready interval starts */
	F_SWITCH_OUT_RUNNABLE, /* preempted: a ready interval starts */
	F_WAKEUP,
	F_IRQ_ENTRY,
	F_IRQ_EXIT,	 /* handled */
	F_IRQ_EXIT_NONE, /* IRQ_NONE: the interval is not counted */
	F_SOFTIRQ_ENTRY,
	F_SOFTIRQ_EXIT,
	F_THREAD_EXIT,
};

struct fact {
	uint64_t ts;
	size_t seq; /* write order: ties in ts keep it */
	uint32_t tid;
	enum fact_kind kind;
	uint32_t key;	  /* syscall nr, softirq vector */
	const char *name; /* hard irq action name */
};

#define MAX_FACTS 1024
static struct fact facts[MAX_FACTS];
static size_t nfacts;
static FILE *oracle;

static void note(uint64_t ts, uint32_t tid, enum fact_kind kind, uint32_t key, const char *name)
{
	if (tid == OTHER)
		return; /* not a target thread: never in the report */
	if (nfacts == MAX_FACTS)
		die("the oracle's fact table (MAX_FACTS)");
	facts[nfacts] = (struct fact){ .ts = ts, .seq = nfacts, .tid = tid, .kind = kind,
				       .key = key, .name = name };
	nfacts++;
}

/* One statistic: count, total, min and max of the intervals of one key. */
struct stat_row {
	uint32_t tid;
	const char *kind; /* sys, run, ready, hardirq, softirq */
	char key[96];
	uint64_t count, total, min, max;
};

#define MAX_ROWS 256
static struct stat_row rows[MAX_ROWS];
static size_t nrows;

static void count_interval(uint32_t tid, const char *kind, const char *key, uint64_t ns)
{
	struct stat_row *r = NULL;

	for (size_t i = 0; i < nrows && !r; i++)
		if (rows[i].tid == tid && !strcmp(rows[i].kind, kind) && !strcmp(rows[i].key, key))
			r = &rows[i];
	if (!r) {
		if (nrows == MAX_ROWS)
			die("the oracle's row table (MAX_ROWS)");
		r = &rows[nrows++];
		memset(r, 0, sizeof(*r));
		r->tid = tid;
		r->kind = kind;
		snprintf(r->key, sizeof(r->key), "%s", key);
		r->min = UINT64_MAX;
	}
	r->count++;
	r->total += ns;
	r->min = ns < r->min ? ns : r->min;
	r->max = ns > r->max ? ns : r->max;
}

static int by_time(const void *a, const void *b)
{
	const struct fact *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* An irq name as a key: printable ASCII kept, other bytes as \xHH. */
static void name_key(char *out, size_t size, const char *name)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p && n + 5 < size; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			out[n++] = (char)*p;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", *p);
	}
	out[n] = 0;
}

/*
 * The statistics of window `index` [start, end]: per target thread, its
 * facts in time order, an interval counted when both its ends are inside
 * the window.  Written to the oracle file, one line each:
 *   WINDOW TID KIND KEY COUNT TOTAL_NS MIN_NS MAX_NS
 * (KIND sys: KEY = syscall nr; run, ready: KEY = -; hardirq: KEY = the
 * action name; softirq: KEY = the vector), and per syscall entered in the
 * window and not left by its end:
 *   WINDOW TID in_progress NR ENTRY_NS ELAPSED_NS
 * window() calls it for every window it closes; a case whose last window
 * never closed calls it for that one with the bounds the report gives it.
 */
static void oracle_window(uint32_t index, uint64_t start, uint64_t end)
{
	struct fact sorted[MAX_FACTS];
	uint32_t tids[MAX_FACTS];
	size_t ntids = 0;

	memcpy(sorted, facts, nfacts * sizeof(*facts));
	qsort(sorted, nfacts, sizeof(*sorted), by_time);
	for (size_t i = 0; i < nfacts; i++) {
		size_t j = 0;

		while (j < ntids && tids[j] != sorted[i].tid)
			j++;
		if (j == ntids)
			tids[ntids++] = sorted[i].tid;
	}
	nrows = 0;
	for (size_t t = 0; t < ntids; t++) {
		uint32_t tid = tids[t];
		/* the open interval of each kind: its start, 0 = none */
		uint64_t sys_at = 0, run_at = 0, ready_at = 0, irq_at = 0, soft_at = 0;
		uint32_t sys_nr = 0, soft_vec = 0;
		const char *irq_name = NULL;
		int on_cpu = 0; /* switched in and not out since */
		char key[96];

		for (size_t i = 0; i < nfacts; i++) {
			const struct fact *f = &sorted[i];

			if (f->tid != tid || f->ts < start || f->ts > end)
				continue;
			switch (f->kind) {
			case F_SYS_ENTER:
				sys_at = f->ts;
				sys_nr = f->key;
				break;
			case F_SYS_EXIT:
				if (sys_at && sys_nr == f->key) {
					snprintf(key, sizeof(key), "%u", f->key);
					count_interval(tid, "sys", key, f->ts - sys_at);
				}
				sys_at = 0;
				break;
			case F_SWITCH_IN:
				on_cpu = 1;
				run_at = f->ts;
				if (ready_at)
					count_interval(tid, "ready", "-", f->ts - ready_at);
				ready_at = 0;
				break;
			case F_SWITCH_OUT:
			case F_SWITCH_OUT_RUNNABLE:
				on_cpu = 0;
				if (run_at)
					count_interval(tid, "run", "-", f->ts - run_at);
				run_at = 0;
				/* preempted: waits from now; asleep: waits no more */
				ready_at = f->kind == F_SWITCH_OUT_RUNNABLE ? f->ts : 0;
				break;
			case F_WAKEUP:
				/* a running thread does not wait; a second wakeup
				 * does not restart the wait */
				if (!on_cpu && !ready_at)
					ready_at = f->ts;
				break;
			case F_THREAD_EXIT:
				/* its pending syscall (exit) never returns */
				sys_at = 0;
				ready_at = 0;
				break;
			case F_IRQ_ENTRY:
				irq_at = f->ts;
				irq_name = f->name;
				break;
			case F_IRQ_EXIT:
			case F_IRQ_EXIT_NONE:
				if (irq_at && f->kind == F_IRQ_EXIT) {
					name_key(key, sizeof(key), irq_name);
					count_interval(tid, "hardirq", key, f->ts - irq_at);
				}
				irq_at = 0;
				break;
			case F_SOFTIRQ_ENTRY:
				soft_at = f->ts;
				soft_vec = f->key;
				break;
			case F_SOFTIRQ_EXIT:
				if (soft_at && soft_vec == f->key) {
					snprintf(key, sizeof(key), "%u", f->key);
					count_interval(tid, "softirq", key, f->ts - soft_at);
				}
				soft_at = 0;
				break;
			}
		}
		if (sys_at)
			fprintf(oracle, "%u\t%u\tin_progress\t%u\t%llu\t%llu\n", index, tid, sys_nr,
				(unsigned long long)sys_at, (unsigned long long)(end - sys_at));
	}
	for (size_t i = 0; i < nrows; i++)
		fprintf(oracle, "%u\t%u\t%s\t%s\t%llu\t%llu\t%llu\t%llu\n", index, rows[i].tid,
			rows[i].kind, rows[i].key, (unsigned long long)rows[i].count,
			(unsigned long long)rows[i].total, (unsigned long long)rows[i].min,
			(unsigned long long)rows[i].max);
}

static void init_syscalls(void)
{
	static const struct {
		int nr;
		const char *name;
	} t[] = {
		{ 0, "read" },	     { 1, "write" },	 { 2, "open" },	       { 3, "close" },
		{ 7, "poll" },	     { 9, "mmap" },	 { 23, "select" },     { 35, "nanosleep" },
		{ 45, "recvfrom" },  { 46, "sendmsg" },	 { 47, "recvmsg" },    { 202, "futex" },
		{ 231, "exit_group" }, { 232, "epoll_wait" }, { 270, "pselect6" },
		{ 281, "epoll_pwait" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		syscalls[t[i].nr] = t[i].name;
}

static void open_capture(const char *dir, const char *name, const struct kdf_options *opt,
			 const char *cmdline)
{
	struct kdf_meta m = {
		.kdelay_version = "0.1-golden",
		.command_line = cmdline,
		.hostname = "node1.example",
		.kernel_release = "6.18.0-golden",
		.arch = "x86_64",
		.ncpus = 4,
		.pid = MAIN,
		.comm = "ovs-vswitchd",
		.mono_ns = MONO0,
		.realtime_ns = REAL0,
		.options = *opt,
		.syscall_names = syscalls,
		.syscall_count = 300,
	};
	char path[512];
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w = kdf_writer_open(path, &m, 3, &err);
	if (!w)
		die(path);
	/* NAME.kdd -> NAME.oracle */
	snprintf(path, sizeof(path), "%s/%.*s.oracle", dir, (int)(strcspn(name, ".")), name);
	oracle = fopen(path, "w");
	if (!oracle)
		die(path);
	fprintf(oracle, "# %s: written by mkgolden from the events it wrote; see mkgolden.c\n"
			"# WINDOW TID KIND KEY COUNT TOTAL_NS MIN_NS MAX_NS\n"
			"# WINDOW TID in_progress NR ENTRY_NS ELAPSED_NS\n", name);
	nfacts = 0;
}

static struct kdf_event *ev_new(uint64_t ts, uint32_t tid, uint8_t type, struct kdf_event *e)
{
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->tid = tid;
	e->type = type;
	e->cpu = tid % 4;
	return e;
}

static void put(const struct kdf_event *e)
{
	if (kdf_writer_event(w, e))
		die("kdf_writer_event");
}

static void sys(uint64_t enter, uint64_t exit, uint32_t tid, uint32_t nr, int32_t ret)
{
	struct kdf_event e;

	if (enter) {
		ev_new(enter, tid, KDF_EV_SYS_ENTER, &e)->u.sys.nr = nr;
		put(&e);
		note(enter, tid, F_SYS_ENTER, nr, NULL);
	}
	if (exit) {
		ev_new(exit, tid, KDF_EV_SYS_EXIT, &e)->u.sys.nr = nr;
		e.u.sys.ret = ret;
		put(&e);
		note(exit, tid, F_SYS_EXIT, nr, NULL);
	}
}

static void stack(uint64_t exit, uint64_t entry, uint32_t tid, uint32_t nr, uint32_t k,
		  uint32_t u, uint8_t flags)
{
	struct kdf_event e;

	ev_new(exit, tid, KDF_EV_STACK, &e);
	e.flags = flags;
	e.u.stack.nr = nr;
	e.u.stack.entry_ts = entry;
	e.u.stack.kstack_id = k;
	e.u.stack.ustack_id = u;
	put(&e);
}

static void sw(uint64_t ts, uint32_t prev, uint32_t next, uint32_t prev_state, int preempt)
{
	struct kdf_event e;

	ev_new(ts, prev, KDF_EV_SWITCH, &e);
	e.u.sw.next_tid = next;
	e.u.sw.prev_state = prev_state;
	e.flags = (prev != OTHER ? KDF_SW_PREV_TARGET : 0) | (next != OTHER ? KDF_SW_NEXT_TARGET : 0) |
		  (preempt ? KDF_SW_PREEMPT : 0);
	put(&e);
	note(ts, prev, prev_state == 0 ? F_SWITCH_OUT_RUNNABLE : F_SWITCH_OUT, 0, NULL);
	note(ts, next, F_SWITCH_IN, 0, NULL);
}

static void wake(uint64_t ts, uint32_t tid)
{
	struct kdf_event e;

	ev_new(ts, tid, KDF_EV_WAKEUP, &e)->u.wakeup.waker_tid = OTHER;
	put(&e);
	note(ts, tid, F_WAKEUP, 0, NULL);
}

static void hardirq(uint64_t entry, uint64_t exit, uint32_t tid, uint32_t irq, const char *name,
		    int32_t ret)
{
	struct kdf_event e;

	ev_new(entry, tid, KDF_EV_IRQ_ENTRY, &e);
	e.u.irq_entry.irq = irq;
	e.u.irq_entry.name_id = kdf_writer_intern(w, name, strlen(name));
	put(&e);
	note(entry, tid, F_IRQ_ENTRY, irq, name);
	ev_new(exit, tid, KDF_EV_IRQ_EXIT, &e);
	e.u.irq_exit.irq = irq;
	e.u.irq_exit.ret = ret;
	put(&e);
	note(exit, tid, ret == 0 ? F_IRQ_EXIT_NONE : F_IRQ_EXIT, irq, NULL);
}

static void softirq(uint64_t entry, uint64_t exit, uint32_t tid, uint32_t vec)
{
	struct kdf_event e;

	ev_new(entry, tid, KDF_EV_SOFTIRQ_ENTRY, &e)->u.softirq.vec = vec;
	put(&e);
	note(entry, tid, F_SOFTIRQ_ENTRY, vec, NULL);
	ev_new(exit, tid, KDF_EV_SOFTIRQ_EXIT, &e)->u.softirq.vec = vec;
	put(&e);
	note(exit, tid, F_SOFTIRQ_EXIT, vec, NULL);
}

static void thread_exit(uint64_t ts, uint32_t tid)
{
	struct kdf_event e;

	put(ev_new(ts, tid, KDF_EV_THREAD_EXIT, &e));
	note(ts, tid, F_THREAD_EXIT, 0, NULL);
}

static void thread(uint64_t ts, uint32_t tid, const char *name, size_t len)
{
	struct kdf_thread t = { .ts = ts, .tid = tid, .name = name, .name_len = (uint32_t)len };

	if (kdf_writer_thread(w, &t))
		die("kdf_writer_thread");
}

static void window(uint32_t index, uint32_t flags, uint64_t start, uint64_t end, uint64_t trig_start,
		   uint64_t trig_stop, uint64_t dropped, uint64_t missed, uint64_t lost)
{
	struct kdf_window win = { .index = index, .flags = flags, .start_ts = start, .end_ts = end,
				  .start_trigger_ts = trig_start, .stop_trigger_ts = trig_stop,
				  .dropped = dropped, .trigger_missed = missed, .stacks_lost = lost };

	if (kdf_writer_window(w, &win))
		die("kdf_writer_window");
	/* A skipped window keeps no events: nothing to report. */
	if (!(flags & KDF_WIN_SKIPPED))
		oracle_window(index, start, end);
}

static void close_capture(void)
{
	if (kdf_writer_close(w, NULL))
		die("kdf_writer_close");
	if (fclose(oracle))
		die("closing the oracle file");
	oracle = NULL;
}

/*
 * basic: time mode, one 500 ms window, four threads.  Expected numbers:
 *   ovs-vswitchd  poll 1 x 100,000; read 2 x (500 + 800); write 2,000;
 *                 futex entered at +450 ms, still blocked at the stop;
 *                 run 3 (1,400 + 149,000 + 240,000), ready 2 (100 + 10,000)
 *   handler1      epoll_wait 5,000,000; irq eth0-rx-0 800 (and one IRQ_NONE
 *                 not counted); softirqs net_rx 2,000, <unknown:10> 100,
 *                 timer 50
 *   revalidator2  read 3 x 1,000; its wakeup before the window is ignored
 *   urcu3         futex 200,000, then exits: still named in the report
 */
static void basic(const char *dir)
{
	struct kdf_options o = { .sample_time_ns = 500 * MS, .sample_count = 1,
				 .stack_trace_size = 4096, .syscall_events_ns = -1,
				 .buffer_page_count = 1024 };
	const uint64_t S = S0;

	open_capture(dir, "basic.kdd", &o, "kdelay-record -p 4242 --sample-time 0.5 -o basic.kdd");
	wake(S - 100, REVAL); /* before the window: no ready interval */
	sw(S + 100, OTHER, MAIN, 0, 0);
	sys(S + 1000, S + 101000, MAIN, 7, 1);
	sw(S + 1500, MAIN, OTHER, 1, 0);
	wake(S + 100900, MAIN);
	sw(S + 101000, OTHER, MAIN, 0, 0);
	sys(S + 200000, S + 200500, MAIN, 0, 64);
	sw(S + 250000, MAIN, OTHER, 0, 1); /* preempted */
	sw(S + 260000, OTHER, MAIN, 0, 0);
	sys(S + 300000, S + 302000, MAIN, 1, 64);
	sys(S + 400000, S + 400800, MAIN, 0, 64);
	sw(S + 500000, MAIN, OTHER, 1, 0);

	sys(S + 5000, S + 5005000, HANDLER, 232, 1);
	hardirq(S + 6000, S + 6800, HANDLER, 24, "eth0-rx-0", 1);
	hardirq(S + 7000, S + 7100, HANDLER, 24, "eth0-rx-0", 0); /* IRQ_NONE */
	softirq(S + 7200, S + 9200, HANDLER, 3);
	softirq(S + 9300, S + 9400, HANDLER, 10);
	softirq(S + 9500, S + 9550, HANDLER, 1);

	for (int i = 0; i < 3; i++)
		sys(S + 600000 + i * 10000, S + 601000 + i * 10000, REVAL, 0, 8);
	sw(S + 700000, OTHER, REVAL, 0, 0);

	sys(S + 1000000, S + 1200000, URCU, 202, 0);
	thread_exit(S + 1300000, URCU);
	sys(S + 450 * MS, 0, MAIN, 202, 0); /* still blocked at the stop */

	thread(MONO0, MAIN, "ovs-vswitchd", 12);
	thread(MONO0, HANDLER, "handler1", 8);
	thread(MONO0, REVAL, "revalidator2", 12);
	thread(MONO0, URCU, "urcu3", 5);
	window(0, 0, S, S + 500 * MS, 0, 0, 0, 0, 0);
	close_capture();
}

/*
 * triggers: start/stop triggers, three windows (the second skipped by the
 * recorder for --trigger-delta 1 ms), syscall events over 50 us with
 * stacks; drops and missed triggers for the footer warnings.
 */
static void triggers(const char *dir)
{
	struct kdf_options o = { .sample_time_ns = 500 * MS, .sample_count = 3,
				 .stack_trace_size = 4096, .trigger_delta_ns = 1 * MS,
				 .syscall_events_ns = 50000, .buffer_page_count = 1024,
				 .start_trigger = "up:udpif_revalidator_start",
				 .stop_trigger = "ur:udpif_revalidator_end" };
	static const uint64_t k1[] = { 0xffffffff81234567ull, 0xffffffff81000100ull,
				       0xffffffff8100005bull };
	static const uint64_t k2[] = { 0xffffffffc0ffee00ull, 0xffffffff8100005bull };
	static const uint64_t u1[] = { 0x7f0000001234ull, 0x55550000abcdull };
	static const struct kdf_symbol syms[] = {
		{ .addr = 0xffffffff81234567ull, .is_kernel = 1, .offset = 0x27,
		  .name = "do_sys_poll", .module = "kernel" },
		{ .addr = 0xffffffff81000100ull, .is_kernel = 1, .offset = 0x12,
		  .name = "__x64_sys_poll", .module = "kernel" },
		{ .addr = 0xffffffff8100005bull, .is_kernel = 1, .offset = 0x5b,
		  .name = "do_syscall_64", .module = "kernel" },
		{ .addr = 0xffffffffc0ffee00ull, .is_kernel = 1, .offset = 0x300,
		  .name = "nf_hook_slow", .module = "nf_tables" },
		{ .addr = 0x7f0000001234ull, .is_kernel = 0, .offset = 0x4b, .name = "__poll",
		  .module = "libc.so.6", .path = "/usr/lib/x86_64-linux-gnu/libc.so.6" },
		{ .addr = 0x55550000abcdull, .is_kernel = 0, .name = NULL,
		  .module = "ovs-vswitchd", .path = "/usr/sbin/ovs-vswitchd" },
	};
	uint64_t S = S0 + 10 * MS;
	uint32_t ks1, ks2, us1;
	struct kdf_event e;

	open_capture(dir, "triggers.kdd", &o,
		     "kdelay-record -p 4242 --start-trigger up:udpif_revalidator_start "
		     "--stop-trigger ur:udpif_revalidator_end --trigger-delta 1000000 "
		     "--sample-count 3 --syscall-events 50000");
	ks1 = kdf_writer_stack(w, k1, 3);
	ks2 = kdf_writer_stack(w, k2, 2);
	us1 = kdf_writer_stack(w, u1, 2);

	/* window 0: 2 ms */
	ev_new(S, REVAL, KDF_EV_TRIGGER, &e)->flags = KDF_TRIG_START;
	put(&e);
	sys(S + 1000, S + 61000, REVAL, 7, 1);
	stack(S + 61000, S + 1000, REVAL, 7, ks1, us1, 0);
	sys(S + 70000, S + 70100, REVAL, 0, 1); /* short: not listed */
	sys(S + 80000, S + 200000, REVAL, 46, 1);
	stack(S + 200000, S + 80000, REVAL, 46, ks2, 0, KDF_STACK_USER_LOST);
	sys(S + 300000, S + 900000, HANDLER, 232, 0); /* its stack event was lost */
	sw(S + 1000, OTHER, REVAL, 0, 0);
	sw(S + 1500000, REVAL, OTHER, 1, 0);
	ev_new(S + 2 * MS, REVAL, KDF_EV_TRIGGER, &e)->flags = KDF_TRIG_STOP;
	put(&e);
	thread(MONO0, REVAL, "revalidator7", 12);
	thread(MONO0, HANDLER, "handler1", 8);
	if (kdf_writer_symbols(w, syms, sizeof(syms) / sizeof(syms[0])))
		die("kdf_writer_symbols");
	window(0, KDF_WIN_TRIGGERED, S, S + 2 * MS, S, S + 2 * MS, 0, 0, 0);

	/* window 1: 0.5 ms, dropped by the recorder (no events kept) */
	S += 100 * MS;
	window(1, KDF_WIN_TRIGGERED | KDF_WIN_SKIPPED, S, S + 500 * US, S, S + 500 * US, 0, 1, 0);

	/* window 2: 3 ms, with drops */
	S += 100 * MS;
	ev_new(S, REVAL, KDF_EV_TRIGGER, &e)->flags = KDF_TRIG_START;
	put(&e);
	sys(S + 10000, S + 2010000, REVAL, 7, 0);
	stack(S + 2010000, S + 10000, REVAL, 7, ks1, us1, 0);
	sys(S + 2100000, S + 2150000, REVAL, 0, 1); /* exactly 50 us: not listed */
	sw(S + 100, OTHER, REVAL, 0, 0);
	sw(S + 2900000, REVAL, OTHER, 1, 0);
	ev_new(S + 3 * MS, REVAL, KDF_EV_TRIGGER, &e)->flags = KDF_TRIG_STOP;
	put(&e);
	window(2, KDF_WIN_TRIGGERED, S, S + 3 * MS, S, S + 3 * MS, 5, 1, 0);
	close_capture();
}

/* weird: names that are not what a terminal or a JSON parser expects. */
static void weird(const char *dir)
{
	struct kdf_options o = { .sample_time_ns = 10 * MS, .sample_count = 1,
				 .stack_trace_size = 0, .syscall_events_ns = 0,
				 .buffer_page_count = 16 };
	static const struct {
		const char *s;
		size_t len;
	} names[] = {
		{ "tab\there", 8 },
		{ "bad\xff\xfe" "bytes", 10 },
		{ "quote\"back\\slash", 16 },
		{ "new\nline", 8 },
		{ "\xc3\xa9moji\xf0\x9f\x98\x80", 10 },
		{ "\x1b[31mred", 8 },
		{ "a-thread-name-far-longer-than-sixteen", 37 },
		{ "nul\0inside", 10 },
		{ "overlong\xc0\xaf", 10 },
		{ "del\x7f", 4 },
	};
	const char *irqname = "weird\x01irq-with-a-name-longer-than-20";
	uint64_t S = S0;

	open_capture(dir, "weird.kdd", &o, "kdelay-record -p 4242 --sample-time 0.01 -s");
	for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint32_t tid = 5000 + i;

		sys(S + 1000 + i * 100, S + 1050 + i * 100, tid, i == 3 ? 299 : 0, 0);
		thread(MONO0, tid, names[i].s, names[i].len);
	}
	sys(S + 5000, S + 6000, 5000, 290, 0); /* nr beyond the names the table has */
	hardirq(S + 7000, S + 7700, 5001, 9, irqname, 1);
	softirq(S + 8000, S + 8010, 5001, 4000000000u);
	window(0, KDF_WIN_INTERRUPTED, S, S + 10 * MS, 0, 0, 0, 0, 0);
	close_capture();
}

/*
 * unclosed: a recorder killed in its second window (no WINDOW item closes
 * it, no SUMMARY).  Expected numbers:
 *   window 0 [S, S + 500 ms]    ovs-vswitchd read 1 x 400
 *   window 1, never closed: from its first event (S1 + 100) to its last
 *   (S1 + 9,000), 8,900 ns, marked incomplete, "killed"
 *     ovs-vswitchd  read 2 x (500 + 700) = 1,200, max 700; run 1 x 4,900;
 *                   futex entered at S1 + 6,000, in progress 3,000 ns
 *     handler1      epoll_wait 1 x 6,000
 */
static void unclosed_windows(const char *dir, const char *name, int disk_full)
{
	struct kdf_options o = { .sample_time_ns = 500 * MS, .sample_interval_ns = 100 * MS,
				 .sample_count = 2, .syscall_events_ns = -1,
				 .buffer_page_count = 1024 };
	const uint64_t S = S0, S1 = S0 + 600 * MS;

	open_capture(dir, name, &o,
		     "kdelay-record -p 4242 --sample-time 0.5 --sample-interval 0.1 --sample-count 2");
	thread(MONO0, MAIN, "ovs-vswitchd", 12);
	thread(MONO0, HANDLER, "handler1", 8);
	if (!disk_full) {
		sys(S + 1000, S + 1400, MAIN, 0, 8);
		window(0, 0, S, S + 500 * MS, 0, 0, 0, 0, 0);
	}
	sw(S1 + 100, OTHER, MAIN, 0, 0);
	sys(S1 + 1000, S1 + 1500, MAIN, 0, 8);
	sys(S1 + 2000, S1 + 2700, MAIN, 0, 8);
	sys(S1 + 3000, S1 + 9000, HANDLER, 232, 1);
	sw(S1 + 5000, MAIN, OTHER, 1, 0);
	sys(S1 + 6000, 0, MAIN, 202, 0); /* blocked when the capture ends */
	if (!disk_full) {
		kdf_writer_abort(w); /* as a SIGKILL leaves it: no SUMMARY */
		return;
	}
	{
		/* what the recorder writes when the disk fills up: the window
		 * stays open, a SUMMARY says why */
		struct kdf_summary sum = { .end_ts = S1 + 20 * MS, .windows = 0, .exit_reason = 3 };

		sum.events[KDF_EV_SWITCH] = 2;
		sum.events[KDF_EV_SYS_ENTER] = 4;
		sum.events[KDF_EV_SYS_EXIT] = 3;
		snprintf(sum.end_reason, sizeof(sum.end_reason), "disk-full");
		if (kdf_writer_close(w, &sum))
			die("kdf_writer_close");
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkgolden DIR\n");
		return 2;
	}
	init_syscalls();
	basic(argv[1]);
	triggers(argv[1]);
	weird(argv[1]);
	/* diskfull: the same second window alone (window 0 of its capture),
	 * from S1 + 100 to S1 + 9,000 too, its SUMMARY's end_reason "disk-full" */
	unclosed_windows(argv[1], "unclosed.kdd", 0);
	unclosed_windows(argv[1], "diskfull.kdd", 1);
	return 0;
}
