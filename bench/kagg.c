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
#include <sys/mount.h>
#include <sys/syscall.h>
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
	HOOK_NR
};

static const char *const hook_names[HOOK_NR] = {
	"tp_btf", "raw_tp", "tracepoint", "count", "stream2", "stream1",
};

#define TICK_MS 2 /* the streaming modes drain the ring this often */

struct kagg_opts {
	int pid;
	enum kagg_hook hook;
	double duration; /* seconds, 0 = until the target exits */
	int quiet;	 /* no per-syscall table */
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
		"  -d, --duration SECS  stop after SECS (default: when the target exits)\n"
		"  -q, --quiet          print only the summary line\n"
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

static void select_hook(struct kagg_bpf *skel, enum kagg_hook hook)
{
	struct bpf_program *progs[HOOK_NR][2] = {
		{ skel->progs.kagg_btf_enter, skel->progs.kagg_btf_exit },
		{ skel->progs.kagg_raw_enter, skel->progs.kagg_raw_exit },
		{ skel->progs.kagg_tp_enter, skel->progs.kagg_tp_exit },
		{ skel->progs.kagg_cnt_enter, skel->progs.kagg_cnt_exit },
		{ skel->progs.kagg_s2_enter, skel->progs.kagg_s2_exit },
		{ skel->progs.kagg_s1_enter, skel->progs.kagg_s1_exit },
	};

	for (int h = 0; h < HOOK_NR; h++)
		for (int i = 0; i < 2; i++)
			bpf_program__set_autoload(progs[h][i], h == (int)hook);
}

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	++*(unsigned long long *)ctx;
	return 0;
}

/*
 * Wait until the target exits, the duration elapses or a signal arrives;
 * with a ring buffer, drain it every TICK_MS meanwhile.
 */
static int wait_done(int pid, double duration, struct ring_buffer *rb)
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

		if (rb)
			ring_buffer__consume(rb);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "kagg: poll: %s\n", strerror(errno));
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
	if (rb)
		ring_buffer__consume(rb);
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

int main(int argc, char **argv)
{
	struct kagg_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	unsigned long long records = 0;
	struct kagg_opts o;
	__u32 zero = 0;
	__u64 one = 1;
	int err = 1;

	if (parse_opts(argc, argv, &o))
		return 2;
	if (kill(o.pid, 0)) {
		fprintf(stderr, "kagg: pid %d: %s\n", o.pid, strerror(errno));
		return 1;
	}
	if (o.hook == HOOK_TRACEPOINT && ensure_tracefs())
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	skel = kagg_bpf__open();
	if (!skel) {
		fprintf(stderr, "kagg: cannot open BPF object: %s\n", strerror(errno));
		goto cleanup;
	}
	skel->rodata->target_tgid = (__u32)o.pid;
	select_hook(skel, o.hook);
	if (kagg_bpf__load(skel)) {
		fprintf(stderr, "kagg: cannot load BPF programs (hook %s)\n", hook_names[o.hook]);
		goto cleanup;
	}
	if (kagg_bpf__attach(skel)) {
		fprintf(stderr, "kagg: cannot attach (hook %s): %s\n", hook_names[o.hook],
			strerror(errno));
		goto cleanup;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.capture_on), &zero, &one, BPF_ANY)) {
		fprintf(stderr, "kagg: cannot enable capture: %s\n", strerror(errno));
		goto cleanup;
	}
	if (o.hook == HOOK_STREAM1 || o.hook == HOOK_STREAM2) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.stream_rb), count_record, &records,
				      NULL);
		if (!rb) {
			fprintf(stderr, "kagg: cannot map the ring buffer: %s\n", strerror(errno));
			goto cleanup;
		}
	}
	printf("kagg ready pid=%d hook=%s\n", o.pid, hook_names[o.hook]);
	fflush(stdout);

	if (wait_done(o.pid, o.duration, rb))
		goto cleanup;
	print_prog_stats(skel);
	if (rb)
		printf("kagg records=%llu dropped=%llu\n", records,
		       (unsigned long long)skel->bss->stream_dropped);
	else if (o.hook == HOOK_COUNT)
		printf("kagg calls=%llu enters=%llu\n", (unsigned long long)skel->bss->count_exit,
		       (unsigned long long)skel->bss->count_enter);
	else if (print_results(skel, o.quiet))
		goto cleanup;
	err = 0;
cleanup:
	ring_buffer__free(rb);
	kagg_bpf__destroy(skel);
	return err;
}
