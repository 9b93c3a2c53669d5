// SPDX-License-Identifier: BSD-2-Clause
/*
 * format_bench.c - size and speed of the capture format (make bench-format).
 *
 * Streams synthetic events through kdf_writer into a temporary file, then
 * reads them back with kdf_reader, and prints bytes/event on disk,
 * encode+compress events/s and decode events/s (best of 3 runs, one
 * thread, timed in process CPU time so that other load on this shared
 * machine does not count; wall-clock rates are printed beside them; the
 * file goes through the page cache).
 *
 *   loop:  a getppid() loop as kdelay-record sees it: one tid, one cpu,
 *          SYS_ENTER/SYS_EXIT of nr 110 alternating, constant ret,
 *          300-500 ns apart (uniform jitter).
 *   mixed: 8 threads on 2 cpus, 6 syscalls with varying returns and
 *          durations, context switches, wakeups, irqs and softirqs.
 *
 * Usage: format_bench [EVENTS [loop|mixed]]  (default 10M events, both)
 *
 * Goals (issue 2): loop <= 3.6 bytes/event (half of perf record -z's 7.2),
 * encode >= 5M events/s, decode >= 50M events/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kdelay_format.h"

#define RUNS 3

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 32) % n);
}

/* CPU time of this process: what one core spends, whatever else runs. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void gen_loop(struct kdf_event *v, size_t n)
{
	uint64_t ts = 1000000000;

	for (size_t i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		ts += 300 + rnd(201);
		v[i].ts = ts;
		v[i].tid = 4242;
		v[i].cpu = 1;
		v[i].type = i % 2 ? KDF_EV_SYS_EXIT : KDF_EV_SYS_ENTER;
		v[i].u.sys.nr = 110;
		v[i].u.sys.ret = i % 2 ? 4100 : 0;
	}
}

static void gen_mixed(struct kdf_event *v, size_t n)
{
	static const uint32_t nrs[] = { 0, 1, 7, 202, 232, 110 }; /* read write poll futex epoll_wait getppid */
	uint64_t ts = 1000000000;
	uint32_t tids[8];
	size_t i = 0;

	for (int t = 0; t < 8; t++)
		tids[t] = 30000 + (uint32_t)t * 7;
	while (i < n) {
		uint32_t tid = tids[rnd(8)], nr = nrs[rnd(6)], r = rnd(100);
		uint16_t cpu = (uint16_t)rnd(2);
		struct kdf_event *e = &v[i];

		memset(e, 0, sizeof(*e));
		ts += 100 + rnd(2000);
		e->ts = ts;
		e->tid = tid;
		e->cpu = cpu;
		if (r < 10) {
			e->type = KDF_EV_SWITCH;
			e->flags = KDF_SW_PREV_TARGET | (rnd(2) ? KDF_SW_NEXT_TARGET : 0);
			e->u.sw.next_tid = rnd(2) ? tids[rnd(8)] : 1 + rnd(5000);
			e->u.sw.prev_state = rnd(3) ? 1 : 0;
		} else if (r < 16) {
			e->type = KDF_EV_WAKEUP;
			e->u.wakeup.waker_tid = rnd(2) ? tids[rnd(8)] : 1 + rnd(5000);
		} else if (r < 18 && i + 1 < n) {
			e->type = KDF_EV_IRQ_ENTRY;
			e->u.irq_entry.irq = 24 + rnd(4);
			e->u.irq_entry.name_id = 1 + rnd(4);
			v[++i] = *e;
			v[i].type = KDF_EV_IRQ_EXIT;
			v[i].ts += 500 + rnd(3000);
			ts = v[i].ts;
			v[i].u.irq_exit.ret = 1;
		} else if (r < 20 && i + 1 < n) {
			e->type = KDF_EV_SOFTIRQ_ENTRY;
			e->u.softirq.vec = rnd(10);
			v[++i] = *e;
			v[i].type = KDF_EV_SOFTIRQ_EXIT;
			v[i].ts += 200 + rnd(5000);
			ts = v[i].ts;
		} else if (i + 1 < n) {
			e->type = KDF_EV_SYS_ENTER;
			e->u.sys.nr = nr;
			v[++i] = *e;
			v[i].type = KDF_EV_SYS_EXIT;
			v[i].ts += 150 + (nr == 7 || nr == 232 ? rnd(1000000) : rnd(3000));
			ts = v[i].ts;
			v[i].u.sys.ret = nr == 0 || nr == 1 ? (int32_t)rnd(65536) : rnd(10) ? 0 : -11;
		} else {
			e->type = KDF_EV_TRIGGER;
		}
		i++;
	}
}

struct result {
	double bytes_per_event;
	double encode_eps, encode_wall_eps;
	double decode_eps, decode_wall_eps;
};

static const struct kdf_meta bench_meta = { .kdelay_version = "bench", .ncpus = 2 };

static void run(const char *name, const struct kdf_event *v, size_t n, int level)
{
	struct result best = { 0 };
	char path[] = "/tmp/kdelay-format-bench-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	close(fd);
	for (int run = 0; run < RUNS; run++) {
		struct kdf_read_stats st;
		struct kdf_item item;
		struct kdf_writer *w;
		struct kdf_reader *r;
		uint64_t bytes, got = 0;
		double t0, t1, w0, w1;
		int err, rc;

		t0 = cpu_now();
		w0 = wall_now();
		w = kdf_writer_open(path, &bench_meta, level, &err);
		if (!w) {
			fprintf(stderr, "writer: %s\n", kdf_strerror(err));
			exit(1);
		}
		for (size_t i = 0; i < n; i++)
			if (kdf_writer_event(w, &v[i])) {
				fprintf(stderr, "write failed\n");
				exit(1);
			}
		bytes = kdf_writer_bytes(w);
		if (kdf_writer_close(w, NULL)) {
			fprintf(stderr, "close failed\n");
			exit(1);
		}
		t1 = cpu_now();
		w1 = wall_now();
		if (n / (t1 - t0) > best.encode_eps)
			best.encode_eps = n / (t1 - t0);
		if (n / (w1 - w0) > best.encode_wall_eps)
			best.encode_wall_eps = n / (w1 - w0);
		best.bytes_per_event = (double)bytes / n;

		t0 = cpu_now();
		w0 = wall_now();
		r = kdf_reader_open(path, NULL, NULL, &err, NULL, 0);
		if (!r) {
			fprintf(stderr, "reader: %s\n", kdf_strerror(err));
			exit(1);
		}
		while ((rc = kdf_reader_next(r, &item)) > 0)
			if (item.type == KDF_ITEM_EVENTS)
				got += item.u.events.n;
		kdf_reader_stats(r, &st);
		kdf_reader_close(r);
		t1 = cpu_now();
		w1 = wall_now();
		if (rc < 0 || got != n) {
			fprintf(stderr, "read back %llu of %zu events (%d)\n",
				(unsigned long long)got, n, rc);
			exit(1);
		}
		if (n / (t1 - t0) > best.decode_eps)
			best.decode_eps = n / (t1 - t0);
		if (n / (w1 - w0) > best.decode_wall_eps)
			best.decode_wall_eps = n / (w1 - w0);
	}
	unlink(path);
	printf("%-6s zstd %-2d %9zu events  %5.2f bytes/event  encode %6.1f M/s (wall %5.1f)  "
	       "decode %6.1f M/s (wall %5.1f)\n",
	       name, level ? level : 1, n, best.bytes_per_event, best.encode_eps / 1e6,
	       best.encode_wall_eps / 1e6, best.decode_eps / 1e6, best.decode_wall_eps / 1e6);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000000;
	const char *only = argc > 2 ? argv[2] : ""; /* "loop" or "mixed" */
	struct kdf_event *v = malloc(n * sizeof(*v));

	if (!v)
		return 1;
	printf("kdelay capture format %d.%d, %zu-byte events in memory, best of %d runs\n",
	       KDF_VERSION_MAJOR, KDF_VERSION_MINOR, sizeof(*v), RUNS);
	if (strcmp(only, "mixed")) {
		gen_loop(v, n);
		run("loop", v, n, 0);
		if (!*only)
			run("loop", v, n, 3);
	}
	if (strcmp(only, "loop")) {
		gen_mixed(v, n);
		run("mixed", v, n, 0);
		if (!*only)
			run("mixed", v, n, 3);
	}
	printf("goals: loop <= 3.6 bytes/event, encode >= 5 M/s, decode >= 50 M/s "
	       "(M/s = million events per CPU second)\n");
	free(v);
	return 0;
}
