// SPDX-License-Identifier: BSD-2-Clause
/*
 * kagg - the benchmark's in-kernel aggregator (see kagg.bpf.c).
 *
 * Loads the aggregator for one target process, prints "kagg ready" on
 * stdout once it is attached, and runs until the target exits, the
 * duration elapses or SIGINT/SIGTERM.  Then it prints the per-thread
 * per-syscall table and a summary line that bench/run.sh parses:
 *   kagg calls=N entries=E
 * When kernel.bpf_stats_enabled is 1 it also prints each program's run
 * count and run time, so the cost per hook can be compared with kdelay's.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kagg.h"
#include "bench/kagg.skel.h"

enum kagg_hook {
	HOOK_TP_BTF,
	HOOK_RAW_TP,
	HOOK_TRACEPOINT,
	HOOK_COUNT,
	HOOK_STREAM2,
	HOOK_STREAM1,
	HOOK_STREAM_PERCPU,
	HOOK_STREAM_SPSC,
	HOOK_STREAM_PERFBUF,
	HOOK_STREAM_PERCPU_CAS,
	HOOK_STREAM_SPSC_CAS,
	HOOK_NR
};

static const char *const hook_names[HOOK_NR] = {
	"tp_btf",  "raw_tp", "tracepoint",    "count",
	"stream2", "stream1", "stream-percpu", "stream-spsc", "stream-perfbuf",
	"stream-percpu-cas", "stream-spsc-cas",
};

#define TICK_MS 2 /* the streaming modes drain the ring this often */

struct kagg_opts {
	int pid;
	enum kagg_hook hook;
	double duration; /* seconds, 0 = until the target exits */
	int quiet;	 /* no per-syscall table */
	int verify;	 /* the nesting test: check every record, add irq producers */
	int hold;	 /* drain only once the target has exited: forces losses */
	int tick_us;	 /* period of the per-CPU tick, 0 = the design's default */
	int one_level;	 /* the nesting test's negative control */
	int cas;	 /* a -cas hook: levels claimed by compare-and-swap */
};

/* What the consumer saw; with --verify, checked record by record. */
struct kagg_seen {
	unsigned long long records;
	unsigned long long bad;		/* check byte wrong or out of order */
	unsigned long long getppid[3];	/* [1] enters, [2] exits of the target */
	unsigned long long by_type[5];
	int verify;
	int target;
};

struct kagg_row {
	struct kagg_key key;
	struct kagg_val val;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kagg -p PID [--hook TYPE] [-d SECONDS] [-q]\n"
		"  -p, --pid PID        process to aggregate syscalls of\n"
		"      --hook TYPE      tp_btf (default), raw_tp, tracepoint: where the\n"
		"                       aggregation hooks; count: only count the target's\n"
		"                       syscalls (the floor); stream2, stream1: stream 2\n"
		"                       records per syscall, or 1, to a ring drained every\n"
		"                       2 ms, instead of aggregating (see kagg.bpf.c)\n"
		"                       stream-percpu, stream-spsc: the lock-free designs;\n"
		"                       stream-perfbuf: per-CPU perf buffers, bpftrace's way;\n"
		"                       stream-percpu-cas, stream-spsc-cas: levels claimed\n"
		"                       by compare-and-swap (safe if programs are preempted)\n"
		"  -d, --duration SECS  stop after SECS (default: when the target exits)\n"
		"  -q, --quiet          print only the summary line\n"
		"      --verify         (stream modes) check every record, add softirq and\n"
		"                       tick producers, print produced/consumed/lost/staged\n"
		"      --hold           (stream modes) drain only after the target exits\n"
		"      --verify-one-level  --verify with every program on level 0: the\n"
		"                       test's negative control, which must fail\n"
		"      --tick-us US     period of the per-CPU tick (default: 5000, the\n"
		"                       flush bound's half; with --verify and stream-spsc 50)\n"
		"\n"
		"EXAMPLES\n"
		"  kagg -p $(pidof loop)                  until loop exits\n"
		"  kagg -p 1234 --hook tracepoint -d 5    BCC's hook type, 5 seconds\n");
}

static int parse_opts(int argc, char **argv, struct kagg_opts *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "hook", required_argument, NULL, 'H' },
		{ "duration", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verify", no_argument, NULL, 'V' },
		{ "hold", no_argument, NULL, 'D' },
		{ "tick-us", required_argument, NULL, 'T' },
		{ "verify-one-level", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char *end;
	int c;

	*o = (struct kagg_opts){ .hook = HOOK_TP_BTF };
	while ((c = getopt_long(argc, argv, "p:d:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->pid = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end || o->pid <= 0) {
				fprintf(stderr, "kagg: bad pid '%s'\n", optarg);
				return -1;
			}
			break;
		case 'H':
			for (c = 0; c < HOOK_NR && strcmp(optarg, hook_names[c]); c++)
				;
			if (c == HOOK_NR) {
				fprintf(stderr, "kagg: unknown hook '%s'\n", optarg);
				return -1;
			}
			o->hook = (enum kagg_hook)c;
			/* the -cas hooks are their design's programs, claiming by CAS */
			o->cas = o->hook == HOOK_STREAM_PERCPU_CAS || o->hook == HOOK_STREAM_SPSC_CAS;
			if (o->hook == HOOK_STREAM_PERCPU_CAS)
				o->hook = HOOK_STREAM_PERCPU;
			else if (o->hook == HOOK_STREAM_SPSC_CAS)
				o->hook = HOOK_STREAM_SPSC;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (end == optarg || *end || o->duration < 0) {
				fprintf(stderr, "kagg: bad duration '%s'\n", optarg);
				return -1;
			}
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'V':
			o->verify = 1;
			break;
		case 'D':
			o->hold = 1;
			break;
		case 'L':
			o->verify = o->one_level = 1;
			break;
		case 'T':
			o->tick_us = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end || o->tick_us <= 0) {
				fprintf(stderr, "kagg: bad tick '%s'\n", optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!o->pid || optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Classic tracepoint programs need tracefs; mount it as perf does. */
static int ensure_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0)
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		fprintf(stderr, "kagg: cannot mount tracefs: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void select_hook(struct kagg_bpf *skel, enum kagg_hook hook, int verify)
{
	struct bpf_program *progs[HOOK_NR][2] = {
		{ skel->progs.kagg_btf_enter, skel->progs.kagg_btf_exit },
		{ skel->progs.kagg_raw_enter, skel->progs.kagg_raw_exit },
		{ skel->progs.kagg_tp_enter, skel->progs.kagg_tp_exit },
		{ skel->progs.kagg_cnt_enter, skel->progs.kagg_cnt_exit },
		{ skel->progs.kagg_s2_enter, skel->progs.kagg_s2_exit },
		{ skel->progs.kagg_s1_enter, skel->progs.kagg_s1_exit },
		{ skel->progs.kagg_pc_enter, skel->progs.kagg_pc_exit },
		{ skel->progs.kagg_spsc_enter, skel->progs.kagg_spsc_exit },
		{ skel->progs.kagg_pb_enter, skel->progs.kagg_pb_exit },
		{ NULL, NULL }, /* the -cas hooks load their design's programs */
		{ NULL, NULL },
	};

	for (int h = 0; h < HOOK_STREAM_PERCPU_CAS; h++)
		for (int i = 0; i < 2; i++)
			bpf_program__set_autoload(progs[h][i], h == (int)hook);
	/* stream-percpu flushes at switches and on its tick */
	bpf_program__set_autoload(skel->progs.kagg_pc_switch, hook == HOOK_STREAM_PERCPU);
	bpf_program__set_autoload(skel->progs.kagg_pc_tick, hook == HOOK_STREAM_PERCPU);
	bpf_program__set_autoload(skel->progs.kagg_pc_softirq,
				  hook == HOOK_STREAM_PERCPU && verify);
	/* stream-spsc needs no tick; the nesting test adds its producers */
	bpf_program__set_autoload(skel->progs.kagg_spsc_tick, hook == HOOK_STREAM_SPSC && verify);
	bpf_program__set_autoload(skel->progs.kagg_spsc_softirq,
				  hook == HOOK_STREAM_SPSC && verify);
	bpf_program__set_autoload(skel->progs.kagg_pb_tick, hook == HOOK_STREAM_PERFBUF && verify);
	bpf_program__set_autoload(skel->progs.kagg_pb_softirq,
				  hook == HOOK_STREAM_PERFBUF && verify);
}

static int is_stream(enum kagg_hook hook)
{
	return hook == HOOK_STREAM1 || hook == HOOK_STREAM2 || hook == HOOK_STREAM_PERCPU ||
	       hook == HOOK_STREAM_SPSC || hook == HOOK_STREAM_PERFBUF;
}

/*
 * One record: count it and, with --verify, check it.  *prev is the
 * record before it from the same producer stream (a batch, a CPU's
 * ring), NULL at a stream's start: timestamps never go back within one.
 */
static void see_record(struct kagg_seen *seen, const struct kagg_rec2 *r,
		       const struct kagg_rec2 *prev)
{
	seen->records++;
	if (!seen->verify)
		return;
	if (r->flags != kagg_rec_check(r) || r->type == 0 || r->type > 4 ||
	    (prev && (r->ts < prev->ts || r->cpu != prev->cpu))) {
		seen->bad++;
		return;
	}
	seen->by_type[r->type]++;
	if ((r->type == 1 || r->type == 2) && r->nr == SYS_getppid &&
	    r->tid == (unsigned int)seen->target)
		seen->getppid[r->type]++;
}

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	((struct kagg_seen *)ctx)->records++;
	return 0;
}

/* stream2 sends one kagg_rec2 per sample, stream-percpu a batch of them. */
static int see_batch(void *ctx, void *data, size_t size)
{
	const struct kagg_rec2 *r = data;

	for (size_t i = 0; i < size / sizeof(*r); i++)
		see_record(ctx, &r[i], i ? &r[i - 1] : NULL);
	return 0;
}

/*
 * stream-perfbuf: one record per sample; losses are counted by the
 * programs (perf's LOST records would say it again, later).
 */
struct perf_raw_sample {
	struct perf_event_header header;
	__u32 size;
	char data[];
};

static enum bpf_perf_event_ret perf_event_cb(void *ctx, int cpu, struct perf_event_header *ev)
{
	const struct perf_raw_sample *s = (const void *)ev;

	struct kagg_rec2 r;

	(void)cpu;
	if (ev->type != PERF_RECORD_SAMPLE || s->size < sizeof(r))
		return LIBBPF_PERF_EVENT_CONT;
	memcpy(&r, s->data, sizeof(r)); /* 4 bytes past an 8-byte boundary */
	see_record(ctx, &r, NULL);
	return LIBBPF_PERF_EVENT_CONT;
}

/* stream-spsc: the per-CPU rings, mapped from the BPF array. */
struct spsc_rings {
	struct kagg_spsc *q;
	size_t map_bytes;
	int ncpu;
	struct kagg_rec2 *last; /* per CPU: the last record seen, a copy */
	int *have_last;
};

static void spsc_drain(struct spsc_rings *s, struct kagg_seen *seen)
{
	for (int c = 0; c < s->ncpu; c++) {
		struct kagg_spsc *q = &s->q[c];
		__u64 head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
		__u64 tail = q->tail;

		for (; tail < head; tail++) {
			struct kagg_rec2 r = q->recs[tail & (KAGG_SPSC_RECS - 1)];

			see_record(seen, &r, s->have_last[c] ? &s->last[c] : NULL);
			s->last[c] = r;
			s->have_last[c] = 1;
		}
		/* the copies above are done before the producer may reuse the slots */
		__atomic_store_n(&q->tail, tail, __ATOMIC_RELEASE);
	}
}

static int spsc_map(struct spsc_rings *s, struct kagg_bpf *skel, int ncpu)
{
	long page = sysconf(_SC_PAGESIZE);

	s->ncpu = ncpu;
	s->map_bytes = ((sizeof(struct kagg_spsc) * (size_t)ncpu + (size_t)page - 1) /
			(size_t)page) * (size_t)page;
	s->q = mmap(NULL, s->map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		    bpf_map__fd(skel->maps.spsc_ring), 0);
	s->last = calloc((size_t)ncpu, sizeof(*s->last));
	s->have_last = calloc((size_t)ncpu, sizeof(*s->have_last));
	if (s->q == MAP_FAILED || !s->last || !s->have_last) {
		fprintf(stderr, "kagg: cannot map the per-CPU rings: %s\n", strerror(errno));
		if (s->q != MAP_FAILED)
			munmap(s->q, s->map_bytes);
		s->q = NULL;
		return -1;
	}
	return 0;
}

static void spsc_unmap(struct spsc_rings *s)
{
	if (s->q)
		munmap(s->q, s->map_bytes);
	free(s->last);
	free(s->have_last);
}

/* Where the records go: the BPF ring buffer, the per-CPU rings, or both. */
struct drain {
	struct ring_buffer *rb;
	struct spsc_rings *spsc;
	struct perf_buffer *pb;
	struct kagg_seen *seen;
};

static void drain_all(struct drain *d)
{
	if (d->rb)
		ring_buffer__consume(d->rb);
	if (d->pb)
		perf_buffer__consume(d->pb);
	if (d->spsc)
		spsc_drain(d->spsc, d->seen);
}

/*
 * A cpu-clock software event per CPU, pinned there, runs prog every
 * period_us: the stream-percpu flush and the nesting test's hardirq
 * producer.  links[] gets ncpu entries.
 */
static int attach_ticks(struct bpf_program *prog, int ncpu, int period_us,
			struct bpf_link **links)
{
	for (int c = 0; c < ncpu; c++) {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_SOFTWARE,
			.size = sizeof(attr),
			.config = PERF_COUNT_SW_CPU_CLOCK,
			.sample_period = (__u64)period_us * 1000,
		};
		int fd = (int)syscall(SYS_perf_event_open, &attr, -1, c, -1, PERF_FLAG_FD_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "kagg: cannot open the tick on CPU %d: %s\n", c,
				strerror(errno));
			return -1;
		}
		links[c] = bpf_program__attach_perf_event(prog, fd);
		if (!links[c]) {
			fprintf(stderr, "kagg: cannot attach the tick on CPU %d: %s\n", c,
				strerror(errno));
			close(fd);
			return -1;
		}
	}
	return 0;
}

/*
 * Wait until the target exits, the duration elapses or a signal arrives;
 * with a ring buffer, drain it every TICK_MS meanwhile.
 */
static int wait_done(int pid, double duration, struct drain *rb, int hold)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int timeout = duration > 0 ? (int)(duration * 1000) : -1;
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	if (pidfd < 0) {
		fprintf(stderr, "kagg: pid %d: %s\n", pid, strerror(errno));
		return -1;
	}
	while (!stop) {
		int wait = rb && (timeout < 0 || timeout > TICK_MS) ? TICK_MS : timeout;
		int n = poll(&pfd, 1, wait);
		int poll_errno = errno; /* the drain may change errno */

		if (rb && !hold)
			drain_all(rb);
		if (n < 0 && poll_errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "kagg: poll: %s\n", strerror(poll_errno));
			close(pidfd);
			return -1;
		}
		if (n > 0)
			break; /* target exited */
		if (timeout >= 0) {
			timeout -= wait;
			if (timeout <= 0)
				break; /* duration over */
		}
	}
	close(pidfd);
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct kagg_row *x = a, *y = b;

	if (x->key.tid != y->key.tid)
		return x->key.tid < y->key.tid ? -1 : 1;
	if (x->val.total_ns != y->val.total_ns)
		return x->val.total_ns > y->val.total_ns ? -1 : 1;
	return 0;
}

static int print_results(struct kagg_bpf *skel, int quiet)
{
	int fd = bpf_map__fd(skel->maps.syscall_data);
	struct kagg_row *rows = NULL;
	struct kagg_key key, next;
	int have_key = 0;
	unsigned long long calls = 0;
	size_t n = 0, cap = 0;

	while (bpf_map_get_next_key(fd, have_key ? &key : NULL, &next) == 0) {
		key = next;
		have_key = 1;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct kagg_row *r = realloc(rows, ncap * sizeof(*r));

			if (!r) {
				fprintf(stderr, "kagg: out of memory\n");
				free(rows);
				return -1;
			}
			rows = r;
			cap = ncap;
		}
		rows[n].key = key;
		if (bpf_map_lookup_elem(fd, &key, &rows[n].val) == 0) {
			calls += rows[n].val.count;
			n++;
		}
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	if (!quiet) {
		printf("%8s %5s %12s %16s %12s\n", "TID", "NR", "COUNT", "TOTAL ns", "MAX ns");
		for (size_t i = 0; i < n; i++)
			printf("%8u %5u %12llu %16llu %12llu\n", rows[i].key.tid, rows[i].key.nr,
			       (unsigned long long)rows[i].val.count,
			       (unsigned long long)rows[i].val.total_ns,
			       (unsigned long long)rows[i].val.max_ns);
	}
	printf("kagg calls=%llu entries=%zu\n", calls, n);
	free(rows);
	return 0;
}

/* With kernel.bpf_stats_enabled=1 the kernel counts each program's runs. */
static void print_prog_stats(struct kagg_bpf *skel)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) || !info.run_cnt)
			continue;
		fprintf(stderr, "kagg prog %s run_cnt=%llu run_time_ns=%llu ns_per_run=%.1f\n",
			bpf_program__name(prog), (unsigned long long)info.run_cnt,
			(unsigned long long)info.run_time_ns,
			(double)info.run_time_ns / (double)info.run_cnt);
	}
}

/*
 * The end of a streaming run: stop the producers, let the tick flush what
 * stream-percpu staged, drain, and account for every record:
 * consumed + dropped + staged (still in a staging area) = produced.
 */
static int finish_stream(struct kagg_bpf *skel, struct kagg_opts *o, struct drain *d,
			 int ncpu)
{
	unsigned long long dropped = skel->bss->stream_dropped, staged = 0;
	struct timespec settle = { 0, 0 };
	__u32 zero = 0;
	__u64 off = 0;

	if (bpf_map_update_elem(bpf_map__fd(skel->maps.capture_on), &zero, &off, BPF_ANY)) {
		fprintf(stderr, "kagg: cannot disable capture: %s\n", strerror(errno));
		return -1;
	}
	/* programs already running finish; the tick runs twice at least */
	settle.tv_nsec = (long)(o->tick_us * 3 + 20000) * 1000;
	while (settle.tv_nsec >= 1000000000) {
		settle.tv_sec++;
		settle.tv_nsec -= 1000000000;
	}
	nanosleep(&settle, NULL);
	drain_all(d);
	dropped = skel->bss->stream_dropped;
	if (o->hook == HOOK_STREAM_PERCPU) {
		struct kagg_percpu *pc = calloc((size_t)ncpu, sizeof(*pc));

		if (!pc || bpf_map_lookup_elem(bpf_map__fd(skel->maps.percpu_stage), &zero, pc)) {
			fprintf(stderr, "kagg: cannot read the staging areas: %s\n",
				strerror(errno));
			free(pc);
			return -1;
		}
		for (int c = 0; c < ncpu; c++) {
			dropped += pc[c].fallback_lost;
			for (int l = 0; l < KAGG_LEVELS; l++) {
				dropped += pc[c].level[l].lost;
				staged += pc[c].level[l].n;
			}
		}
		free(pc);
	} else if (o->hook == HOOK_STREAM_SPSC) {
		for (int c = 0; c < ncpu; c++) {
			dropped += d->spsc->q[c].lost;
			staged += d->spsc->q[c].head - d->spsc->q[c].tail;
		}
	}
	printf("kagg records=%llu dropped=%llu staged=%llu\n", d->seen->records, dropped, staged);
	if (o->verify)
		printf("kagg verify produced=%llu consumed=%llu dropped=%llu staged=%llu bad=%llu "
		       "nested=%llu getppid_enter=%llu getppid_exit=%llu softirq=%llu tick=%llu\n",
		       (unsigned long long)skel->bss->verify_produced, d->seen->records, dropped,
		       staged, d->seen->bad, (unsigned long long)skel->bss->verify_nested,
		       d->seen->getppid[1], d->seen->getppid[2],
		       d->seen->by_type[KAGG_REC_SOFTIRQ], d->seen->by_type[KAGG_REC_HARDIRQ]);
	return 0;
}

int main(int argc, char **argv)
{
	struct kagg_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct spsc_rings spsc = { 0 };
	struct bpf_link **ticks = NULL;
	struct kagg_seen seen = { 0 };
	struct drain drain = { 0 };
	int ncpu = libbpf_num_possible_cpus();
	struct kagg_opts o;
	__u32 zero = 0;
	__u64 one = 1;
	int err = 1;

	if (parse_opts(argc, argv, &o))
		return 2;
	if ((o.verify || o.hold) && !is_stream(o.hook)) {
		fprintf(stderr, "kagg: --verify and --hold need a streaming hook\n");
		return 2;
	}
	if (o.verify && (o.hook == HOOK_STREAM1 || o.hook == HOOK_STREAM2)) {
		fprintf(stderr, "kagg: --verify checks stream-percpu, -spsc and -perfbuf only\n");
		return 2;
	}
	if (o.one_level && o.hook == HOOK_STREAM_PERFBUF) {
		fprintf(stderr, "kagg: --verify-one-level: stream-perfbuf has no levels\n");
		return 2;
	}
	if (!o.tick_us)
		o.tick_us = o.verify ? 50 : (int)(KAGG_FLUSH_NS / 2 / 1000);
	if (ncpu <= 0) {
		fprintf(stderr, "kagg: cannot count the CPUs: %s\n", strerror(-ncpu));
		return 1;
	}
	if (kill(o.pid, 0)) {
		fprintf(stderr, "kagg: pid %d: %s\n", o.pid, strerror(errno));
		return 1;
	}
	if (o.hook == HOOK_TRACEPOINT && ensure_tracefs())
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	seen.verify = o.verify;
	seen.target = o.pid;

	skel = kagg_bpf__open();
	if (!skel) {
		fprintf(stderr, "kagg: cannot open BPF object: %s\n", strerror(errno));
		goto cleanup;
	}
	skel->rodata->target_tgid = (__u32)o.pid;
	skel->rodata->verify = o.verify;
	skel->rodata->verify_one_level = o.one_level;
	skel->rodata->claim_cas = o.cas;
	select_hook(skel, o.hook, o.verify);
	if (o.hook == HOOK_STREAM_SPSC && bpf_map__set_max_entries(skel->maps.spsc_ring, ncpu)) {
		fprintf(stderr, "kagg: cannot size the per-CPU rings\n");
		goto cleanup;
	}
	if (kagg_bpf__load(skel)) {
		fprintf(stderr, "kagg: cannot load BPF programs (hook %s)\n", hook_names[o.hook]);
		goto cleanup;
	}
	if (kagg_bpf__attach(skel)) {
		fprintf(stderr, "kagg: cannot attach (hook %s): %s\n", hook_names[o.hook],
			strerror(errno));
		goto cleanup;
	}
	if (o.hook == HOOK_STREAM_PERCPU || (o.verify && o.hook == HOOK_STREAM_SPSC) ||
	    (o.verify && o.hook == HOOK_STREAM_PERFBUF)) {
		struct bpf_program *tick = o.hook == HOOK_STREAM_PERCPU ? skel->progs.kagg_pc_tick :
					   o.hook == HOOK_STREAM_SPSC	? skel->progs.kagg_spsc_tick :
									  skel->progs.kagg_pb_tick;

		ticks = calloc((size_t)ncpu, sizeof(*ticks));
		if (!ticks || attach_ticks(tick, ncpu, o.tick_us, ticks))
			goto cleanup;
	}
	if (is_stream(o.hook)) {
		drain.seen = &seen;
		drain.rb = rb = ring_buffer__new(bpf_map__fd(skel->maps.stream_rb),
						 o.hook == HOOK_STREAM1 ? count_record : see_batch,
						 &seen, NULL);
		if (!rb) {
			fprintf(stderr, "kagg: cannot map the ring buffer: %s\n", strerror(errno));
			goto cleanup;
		}
		if (o.hook == HOOK_STREAM_SPSC) {
			if (spsc_map(&spsc, skel, ncpu))
				goto cleanup;
			drain.spsc = &spsc;
		}
		if (o.hook == HOOK_STREAM_PERFBUF) {
			/* the ring buffer's 4 MiB, shared out per CPU (a power of 2 pages) */
			size_t pages = 1;

			while (pages * 2 * (size_t)ncpu * 4096 <= KAGG_RING_BYTES)
				pages *= 2;
			/*
			 * libbpf's default asks a wake-up per sample: an irq_work
			 * interrupt per record on the producer's CPU.  kagg polls
			 * every 2 ms, as with BPF_RB_NO_WAKEUP: wake at half full.
			 */
			struct perf_event_attr attr = {
				.type = PERF_TYPE_SOFTWARE,
				.config = PERF_COUNT_SW_BPF_OUTPUT,
				.size = sizeof(attr),
				.sample_type = PERF_SAMPLE_RAW,
				.sample_period = 1,
				.watermark = 1,
				.wakeup_watermark = (__u32)(pages * 4096 / 2),
			};
			struct perf_buffer_raw_opts raw = {
				.sz = sizeof(raw),
				.cpu_cnt = 0, /* every CPU */
			};
			drain.pb = perf_buffer__new_raw(bpf_map__fd(skel->maps.perf_out), pages,
							&attr, perf_event_cb, &seen, &raw);
			if (!drain.pb) {
				fprintf(stderr, "kagg: cannot map the perf buffers: %s\n",
					strerror(errno));
				goto cleanup;
			}
		}
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.capture_on), &zero, &one, BPF_ANY)) {
		fprintf(stderr, "kagg: cannot enable capture: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("kagg ready pid=%d hook=%s%s\n", o.pid, hook_names[o.hook], o.cas ? " claim=cas" : "");
	fflush(stdout);

	if (wait_done(o.pid, o.duration, rb ? &drain : NULL, o.hold))
		goto cleanup;
	print_prog_stats(skel);
	if (rb) {
		if (finish_stream(skel, &o, &drain, ncpu))
			goto cleanup;
	} else if (o.hook == HOOK_COUNT)
		printf("kagg calls=%llu enters=%llu\n", (unsigned long long)skel->bss->count_exit,
		       (unsigned long long)skel->bss->count_enter);
	else if (print_results(skel, o.quiet))
		goto cleanup;
	err = 0;
cleanup:
	for (int c = 0; ticks && c < ncpu; c++)
		bpf_link__destroy(ticks[c]);
	free(ticks);
	spsc_unmap(&spsc);
	perf_buffer__free(drain.pb);
	ring_buffer__free(rb);
	kagg_bpf__destroy(skel);
	return err;
}
