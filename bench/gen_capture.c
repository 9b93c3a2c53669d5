// SPDX-License-Identifier: BSD-2-Clause
/*
 * gen_capture - write a synthetic capture through format/, for measuring
 * kdelay-report's speed and memory on captures far larger than a bench
 * run records (10M, 100M events).
 *
 * The mix imitates an ovs-vswitchd-like process: a handful of named
 * threads on 2 CPUs doing poll / recvmsg / sendmsg / futex / read / write
 * syscalls (each entry paired with its exit), context switches with and
 * without preemption, wake-ups, hard and soft irqs while a target thread
 * runs, split into sample windows.  Deterministic for a given --seed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kdelay_format.h"

#define NTHREADS 12
#define NCPUS 2
#define SYSCALL_TABLE_SIZE 335

struct gen_opts {
	uint64_t events;
	uint64_t window_events; /* events per sample window */
	uint64_t seed;
	const char *path;
};

struct gen_thread {
	uint32_t tid;
	const char *name;
	uint32_t in_syscall; /* nr + 1 while inside a syscall, else 0 */
};

struct gen_state {
	struct kdf_writer *w;
	struct gen_thread threads[NTHREADS];
	uint32_t current[NCPUS]; /* index into threads[] of who runs there */
	uint64_t ts;
	uint64_t rng;
	uint64_t emitted;
	uint64_t by_type[KDF_EV_TYPE_MAX + 1];
	uint32_t irq_name_id;
};

/* Syscalls of the mix and their weights (x86_64 numbers). */
static const struct {
	uint32_t nr;
	const char *name;
	unsigned weight;
} sys_mix[] = {
	{ 7, "poll", 30 },    { 47, "recvmsg", 20 }, { 46, "sendmsg", 10 },
	{ 202, "futex", 20 }, { 0, "read", 8 },	     { 1, "write", 6 },
	{ 232, "epoll_wait", 3 }, { 98, "getrusage", 2 }, { 35, "nanosleep", 1 },
};

static const char *const thread_names[NTHREADS] = {
	"ovs-vswitchd", "handler1", "handler2", "handler3", "handler4", "handler5",
	"handler6", "revalidator7", "revalidator8", "urcu9", "ct_clean10", "ipf_clean11",
};

static uint64_t rnd(struct gen_state *s)
{
	/* xorshift64* */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(struct gen_state *s, uint32_t n)
{
	return (uint32_t)((rnd(s) >> 32) % n);
}

static uint32_t pick_syscall(struct gen_state *s)
{
	unsigned total = 0, r;
	size_t i;

	for (i = 0; i < sizeof(sys_mix) / sizeof(sys_mix[0]); i++)
		total += sys_mix[i].weight;
	r = rnd_below(s, total);
	for (i = 0; r >= sys_mix[i].weight; i++)
		r -= sys_mix[i].weight;
	return sys_mix[i].nr;
}

static int emit(struct gen_state *s, struct kdf_event *ev)
{
	int err;

	/* mostly short gaps, a few long ones (blocked syscalls, idle) */
	s->ts += 50 + rnd_below(s, rnd_below(s, 16) ? 800 : 200000);
	ev->ts = s->ts;
	err = kdf_writer_event(s->w, ev);
	if (err) {
		fprintf(stderr, "gen_capture: writing an event: %s\n", kdf_strerror(err));
		return -1;
	}
	s->emitted++;
	s->by_type[ev->type]++;
	return 0;
}

/* One step of the simulation: a few events on one CPU. */
static int step(struct gen_state *s)
{
	uint32_t cpu = rnd_below(s, NCPUS);
	struct gen_thread *t = &s->threads[s->current[cpu]];
	uint32_t what = rnd_below(s, 100);
	struct kdf_event ev = { .tid = t->tid, .cpu = (uint16_t)cpu };

	if (what < 76) { /* syscall entry or exit */
		if (t->in_syscall) {
			ev.type = KDF_EV_SYS_EXIT;
			ev.u.sys.nr = t->in_syscall - 1;
			ev.u.sys.ret = rnd_below(s, 8) ? (int32_t)rnd_below(s, 4096) : -11;
			t->in_syscall = 0;
		} else {
			ev.type = KDF_EV_SYS_ENTER;
			ev.u.sys.nr = pick_syscall(s);
			t->in_syscall = ev.u.sys.nr + 1;
		}
		return emit(s, &ev);
	}
	if (what < 88) { /* context switch to another thread (or to idle) */
		uint32_t next = rnd_below(s, NTHREADS);
		int preempt = !t->in_syscall && rnd_below(s, 3) == 0;

		ev.type = KDF_EV_SWITCH;
		ev.flags = KDF_SW_PREV_TARGET | KDF_SW_NEXT_TARGET | (preempt ? KDF_SW_PREEMPT : 0);
		ev.u.sw.next_tid = s->threads[next].tid;
		ev.u.sw.prev_state = preempt ? 0 : 1;
		s->current[cpu] = next;
		return emit(s, &ev);
	}
	if (what < 94) { /* a target thread is woken up */
		uint32_t woken = rnd_below(s, NTHREADS);

		ev.type = KDF_EV_WAKEUP;
		ev.tid = s->threads[woken].tid;
		ev.u.wakeup.waker_tid = t->tid;
		return emit(s, &ev);
	}
	if (what < 97) { /* hard irq while t runs */
		ev.type = KDF_EV_IRQ_ENTRY;
		ev.u.irq_entry.irq = 24 + cpu;
		ev.u.irq_entry.name_id = s->irq_name_id;
		if (emit(s, &ev))
			return -1;
		ev.type = KDF_EV_IRQ_EXIT;
		ev.u.irq_exit.irq = 24 + cpu;
		ev.u.irq_exit.ret = rnd_below(s, 10) ? 1 : 0;
		return emit(s, &ev);
	}
	/* soft irq: mostly timer, net_rx, rcu */
	ev.type = KDF_EV_SOFTIRQ_ENTRY;
	ev.u.softirq.vec = (uint32_t[]){ 1, 3, 9 }[rnd_below(s, 3)];
	if (emit(s, &ev))
		return -1;
	ev.type = KDF_EV_SOFTIRQ_EXIT;
	return emit(s, &ev);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gen_capture -n EVENTS -o FILE [-W EVENTS_PER_WINDOW] [-s SEED]\n"
		"\n"
		"EXAMPLES\n"
		"  gen_capture -n 10000000 -o /tmp/10M.kdelay\n"
		"  gen_capture -n 100000000 -W 5000000 -o /tmp/100M.kdelay\n");
}

static int parse_opts(int argc, char **argv, struct gen_opts *o)
{
	int c;

	*o = (struct gen_opts){ .window_events = 2000000, .seed = 1 };
	while ((c = getopt(argc, argv, "n:o:W:s:h")) != -1) {
		switch (c) {
		case 'n':
			o->events = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			o->path = optarg;
			break;
		case 'W':
			o->window_events = strtoull(optarg, NULL, 10);
			break;
		case 's':
			o->seed = strtoull(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!o->events || !o->path || !o->window_events || optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int write_threads(struct gen_state *s)
{
	for (uint32_t i = 0; i < NTHREADS; i++) {
		struct kdf_thread t = {
			.ts = s->ts,
			.tid = s->threads[i].tid,
			.name = s->threads[i].name,
			.name_len = (uint32_t)strlen(s->threads[i].name),
		};
		int err = kdf_writer_thread(s->w, &t);

		if (err) {
			fprintf(stderr, "gen_capture: writing a thread: %s\n", kdf_strerror(err));
			return -1;
		}
	}
	return 0;
}

static int run(const struct gen_opts *o, struct gen_state *s)
{
	uint64_t win_start = s->ts, win_first = 0;
	uint32_t index = 0;
	int err;

	if (write_threads(s))
		return -1;
	while (s->emitted < o->events) {
		if (step(s))
			return -1;
		if (s->emitted - win_first >= o->window_events || s->emitted >= o->events) {
			struct kdf_window win = {
				.index = index++,
				.start_ts = win_start,
				.end_ts = s->ts + 1,
			};

			err = kdf_writer_window(s->w, &win);
			if (err) {
				fprintf(stderr, "gen_capture: writing a window: %s\n", kdf_strerror(err));
				return -1;
			}
			win_start = s->ts + 1;
			win_first = s->emitted;
		}
	}
	return (int)index;
}

int main(int argc, char **argv)
{
	static const char *names[SYSCALL_TABLE_SIZE];
	struct gen_state s = { 0 };
	struct kdf_summary sum = { 0 };
	struct gen_opts o;
	struct timespec mono, real;
	int windows, err;

	if (parse_opts(argc, argv, &o))
		return 2;
	for (size_t i = 0; i < sizeof(sys_mix) / sizeof(sys_mix[0]); i++)
		names[sys_mix[i].nr] = sys_mix[i].name;
	names[110] = "getppid";
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);

	struct kdf_meta meta = {
		.kdelay_version = "gen_capture",
		.command_line = "bench/gen_capture",
		.hostname = "synthetic",
		.kernel_release = "6.18.0-synthetic",
		.arch = "x86_64",
		.ncpus = NCPUS,
		.pid = 4242,
		.comm = "ovs-vswitchd",
		.mono_ns = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec,
		.realtime_ns = (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec,
		.options = { .sample_time_ns = 500000000ull, .syscall_events_ns = -1,
			     .buffer_page_count = 1024 },
		.syscall_names = names,
		.syscall_count = SYSCALL_TABLE_SIZE,
	};

	s.rng = o.seed * 0x9e3779b97f4a7c15ull + 1;
	s.ts = meta.mono_ns;
	for (uint32_t i = 0; i < NTHREADS; i++)
		s.threads[i] = (struct gen_thread){ .tid = 4242 + i, .name = thread_names[i] };
	for (uint32_t c = 0; c < NCPUS; c++)
		s.current[c] = c;

	s.w = kdf_writer_open(o.path, &meta, 0, &err);
	if (!s.w) {
		fprintf(stderr, "gen_capture: %s: %s%s%s\n", o.path, kdf_strerror(err),
			err == KDF_E_IO ? ": " : "", err == KDF_E_IO ? strerror(errno) : "");
		return 1;
	}
	s.irq_name_id = kdf_writer_intern(s.w, "virtio0-input.0", strlen("virtio0-input.0"));
	windows = run(&o, &s);
	if (windows < 0) {
		kdf_writer_abort(s.w);
		return 1;
	}
	sum.end_ts = s.ts + 1;
	memcpy(sum.events, s.by_type, sizeof(sum.events));
	sum.windows = (uint32_t)windows;
	err = kdf_writer_close(s.w, &sum);
	if (err) {
		fprintf(stderr, "gen_capture: closing %s: %s\n", o.path, kdf_strerror(err));
		return 1;
	}
	printf("gen_capture events=%llu windows=%d file=%s\n", (unsigned long long)s.emitted,
	       windows, o.path);
	return 0;
}
