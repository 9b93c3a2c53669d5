// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdelay-sample - a workload with known behaviour for kdelay's tests.
 *
 * To kdelay it looks like ovs-vswitchd: a main thread whose loop carries
 * USDT probes (provider kdelay_sample: run_start at the start of an
 * iteration, run_block before it blocks) and named worker threads
 * (handlerN, revalidatorN, urcuN) that poll, recvmsg/sendmsg on socket
 * pairs, contend on a mutex (futex) and sleep.
 *
 * Besides that default "ovs-like" mode, modes whose numbers are exact and
 * printed on stdout, one "key=value ..." line each, so that a test can
 * compare them with what kdelay reports:
 *
 *   exact       one thread (--thread, default handler1) runs --iterations
 *               iterations; in each, between the markers it makes exactly
 *               --calls calls of --syscall.  The markers, in order:
 *                 USDT kdelay_sample:run_start
 *                 getpgid(0) through libc        (up:getpgid)
 *                 sched_get_priority_max(FIFO)   (t:syscalls:sys_enter_sched_get_priority_max)
 *                 entry of sample_window()       (up:sample_window)
 *                   ... exactly N calls ...
 *                 return of sample_window()      (ur:sample_window)
 *                 sched_get_priority_min(FIFO)   (t:syscalls:sys_enter_sched_get_priority_min)
 *                 getsid(0) through libc         (up:getsid)
 *                 USDT kdelay_sample:run_block
 *               then it pauses --pause-ms before the next iteration.  Any
 *               start/stop pair of these markers encloses exactly N calls
 *               of the counted syscall.  Tracepoint triggers fire for any
 *               process on the node (as in kernel_delay.py), so the
 *               tracepoint markers are syscalls nothing else calls.
 *               --hold-fifo F --hold LIST: in the iterations of LIST, right
 *               after run_start, it prints "window=K held" and blocks in a
 *               read() of one byte from the FIFO F, so that a test decides
 *               how long those windows last (at least as long as it waits
 *               before writing the byte) instead of guessing the timing.
 *   contend     two threads (spin1, spin2) pinned to one CPU (--cpu)
 *               each burn --spin-ms of CPU time: each waits about as long
 *               on the run queue.  --policy rr makes them SCHED_RR at one
 *               priority: they take strict turns whatever else runs.
 *               Each prints its CPU time, wall time and, as the kernel
 *               counted it (schedstat's run_delay), its time waiting on
 *               the run queue from before the start gate to its end.
 *   exit-early  a thread (--thread, default early1) makes --calls calls
 *               and exits; the process goes on for --duration seconds.
 *   blocked     a thread (--thread, default blocker1) enters a read() on
 *               an empty pipe (or --syscall nanosleep) that lasts
 *               --block-ms; the main thread fires run_start before and
 *               run_block after the thread has entered the syscall, so a
 *               window between the two sees the syscall in progress.
 *   ovs-like    the mixed workload, until killed or --duration.
 *
 * Start-up: it prints "pid=PID mode=MODE comm=NAME" and, once every thread
 * exists and is named, "ready"; then waits for the start signal if one was
 * asked for (--wait-start: a line on stdin; --start-file F: F exists;
 * --delay-ms), prints "start" and does the counted work.  The last line is
 * "done".
 *
 * Built with -O0 -fno-omit-frame-pointer so uprobes and user stacks are
 * predictable.
 */
#include "sample.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

static const char *const mode_names[] = {
	[M_OVS] = "ovs-like", [M_EXACT] = "exact", [M_CONTEND] = "contend",
	[M_EXIT_EARLY] = "exit-early", [M_BLOCKED] = "blocked",
};

struct sample_options opt = {
	.mode = M_OVS,
	.name = "kdelay-sample",
	.sys = S_GETPPID,
	.calls = 1000,
	.iterations = 1,
	.pause_ms = 200,
	.spin_ms = 200,
	.cpu = -1,
	.block_ms = 3000,
	.duration = 0,
	.handlers = 2,
	.revalidators = 2,
	.rate = 100,
	.policy = SCHED_OTHER,
};

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_flag, 1);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kdelay-sample [OPTIONS]\n"
		"A workload with known behaviour for kdelay's tests; looks like ovs-vswitchd.\n"
		"\n"
		"  -m, --mode MODE        ovs-like (default), exact, contend, exit-early, blocked\n"
		"  -n, --name NAME        main thread (process) name, default kdelay-sample\n"
		"  -t, --thread NAME      name of the counted thread (exact: handler1,\n"
		"                         exit-early: early1, blocked: blocker1)\n"
		"  -s, --syscall NAME     counted syscall: getppid (default), getuid, sched_yield,\n"
		"                         nanosleep, write, read; blocked: read (default) or nanosleep\n"
		"  -c, --calls N          calls per iteration (exact, exit-early), default 1000\n"
		"  -i, --iterations N     iterations (exact), default 1\n"
		"      --pause-ms MS      pause between iterations (exact), default 200\n"
		"      --spin-ms MS       CPU time each spinning thread burns (contend), default 200\n"
		"      --cpu N            the CPU both spinning threads share (contend), default\n"
		"                         the first allowed one\n"
		"      --policy POLICY    contend: other (default, the normal scheduler) or rr\n"
		"                         (SCHED_RR, same priority: strict turns, unaffected\n"
		"                         by the node's other load; needs root)\n"
		"      --block-ms MS      how long the blocked syscall lasts (blocked), default 3000\n"
		"      --spawn-late       exit-early: create the thread only after the start\n"
		"                         signal (it is born, named and gone while traced)\n"
		"  -d, --duration SEC     run time (ovs-like: 0 = until killed; exit-early: how\n"
		"                         long to go on after the thread exited), default 0\n"
		"      --handlers N       handler threads (ovs-like), default 2\n"
		"      --revalidators N   revalidator threads (ovs-like), default 2\n"
		"      --rate HZ          main-loop iterations per second (ovs-like), default 100\n"
		"  -w, --wait-start       wait for a line (or EOF) on stdin before the work\n"
		"      --start-file FILE  wait until FILE exists before the work\n"
		"      --delay-ms MS      sleep MS before the work\n"
		"      --linger-ms MS     stay alive MS after the work, before exiting\n"
		"      --hold-fifo FIFO   exact: in the iterations of --hold, right after\n"
		"                         run_start, print 'window=K ... held' and block\n"
		"                         until a byte can be read from FIFO\n"
		"      --hold LIST        the iterations to hold, e.g. 10,20,30\n"
		"  -h, --help             this help\n"
		"\n"
		"Output (stdout, one line each): pid=PID mode=MODE comm=NAME, ready, start,\n"
		"then per mode e.g. 'thread=handler1 tid=1234 syscall=getppid calls=1000',\n"
		"and done.  Markers: USDT kdelay_sample:run_start / run_block, functions\n"
		"sample_window (entry/return enclose the counted calls) and bridge_run,\n"
		"libc getpgid(0) and sched_get_priority_max() before, sched_get_priority_min()\n"
		"and getsid(0) after each exact window.\n");
}

static long parse_long(const char *s, const char *what, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min)
		die(EX_USAGE, "invalid %s '%s' (an integer >= %ld)", what, s, min);
	return v;
}

/* One non-negative integer at *p, which is moved past it. */
static void parse_long_prefix(const char **p, const char *what)
{
	char *end;

	errno = 0;
	if (**p < '0' || **p > '9' || (strtol(*p, &end, 10), errno))
		die(EX_USAGE, "invalid %s '%s' (iteration numbers, comma-separated)", what, *p);
	*p = end;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "thread", required_argument, NULL, 't' },
		{ "syscall", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'c' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "pause-ms", required_argument, NULL, 1 },
		{ "spin-ms", required_argument, NULL, 2 },
		{ "cpu", required_argument, NULL, 3 },
		{ "block-ms", required_argument, NULL, 4 },
		{ "duration", required_argument, NULL, 'd' },
		{ "handlers", required_argument, NULL, 5 },
		{ "revalidators", required_argument, NULL, 6 },
		{ "rate", required_argument, NULL, 7 },
		{ "wait-start", no_argument, NULL, 'w' },
		{ "start-file", required_argument, NULL, 8 },
		{ "delay-ms", required_argument, NULL, 9 },
		{ "linger-ms", required_argument, NULL, 10 },
		{ "spawn-late", no_argument, NULL, 11 },
		{ "policy", required_argument, NULL, 12 },
		{ "hold-fifo", required_argument, NULL, 13 },
		{ "hold", required_argument, NULL, 14 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	int c, rc = 0, sys_set = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "m:n:t:s:c:i:d:wh", lopts, NULL)) != -1) {
		switch (c) {
		case 'm': {
			size_t i;

			for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
				if (!strcmp(optarg, mode_names[i]))
					break;
			if (i == sizeof(mode_names) / sizeof(mode_names[0]))
				die(EX_USAGE, "unknown mode '%s' (ovs-like, exact, contend, exit-early, blocked)",
				    optarg);
			opt.mode = (enum mode)i;
			break;
		}
		case 'n':
			opt.name = optarg;
			break;
		case 't':
			opt.thread = optarg;
			break;
		case 's': {
			size_t i;

			for (i = 0; i < sizeof(csys_names) / sizeof(csys_names[0]); i++)
				if (!strcmp(optarg, csys_names[i]))
					break;
			if (i == sizeof(csys_names) / sizeof(csys_names[0]))
				die(EX_USAGE, "unknown syscall '%s'", optarg);
			opt.sys = (enum csys)i;
			sys_set = 1;
			break;
		}
		case 'c':
			opt.calls = parse_long(optarg, "--calls", 0);
			break;
		case 'i':
			opt.iterations = parse_long(optarg, "--iterations", 1);
			break;
		case 1:
			opt.pause_ms = parse_long(optarg, "--pause-ms", 0);
			break;
		case 2:
			opt.spin_ms = parse_long(optarg, "--spin-ms", 1);
			break;
		case 3:
			opt.cpu = (int)parse_long(optarg, "--cpu", 0);
			break;
		case 4:
			opt.block_ms = parse_long(optarg, "--block-ms", 1);
			break;
		case 'd':
			errno = 0;
			opt.duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || opt.duration < 0)
				die(EX_USAGE, "invalid --duration '%s'", optarg);
			break;
		case 5:
			opt.handlers = (int)parse_long(optarg, "--handlers", 0);
			break;
		case 6:
			opt.revalidators = (int)parse_long(optarg, "--revalidators", 0);
			break;
		case 7:
			opt.rate = parse_long(optarg, "--rate", 1);
			break;
		case 'w':
			opt.wait_start = 1;
			break;
		case 8:
			opt.start_file = optarg;
			break;
		case 9:
			opt.delay_ms = parse_long(optarg, "--delay-ms", 0);
			break;
		case 10:
			opt.linger_ms = parse_long(optarg, "--linger-ms", 0);
			break;
		case 11:
			opt.spawn_late = 1;
			break;
		case 12:
			if (!strcmp(optarg, "rr"))
				opt.policy = SCHED_RR;
			else if (!strcmp(optarg, "other"))
				opt.policy = SCHED_OTHER;
			else
				die(EX_USAGE, "unknown --policy '%s' (other, rr)", optarg);
			break;
		case 13:
			opt.hold_fifo = optarg;
			break;
		case 14: {
			const char *p = optarg;

			/* Digits separated by single commas: "3", "10,20,30". */
			for (;;) {
				parse_long_prefix(&p, "--hold");
				if (!*p)
					break;
				if (*p++ != ',')
					die(EX_USAGE, "invalid --hold '%s' (iteration numbers, comma-separated)",
					    optarg);
			}
			opt.hold_list = optarg;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", sample_prog, argv[optind]);
		usage(stderr);
		return EX_USAGE;
	}
	if (opt.handlers + opt.revalidators + 1 > MAX_WORKERS)
		die(EX_USAGE, "at most %d handler + revalidator threads", MAX_WORKERS - 1);
	if (opt.mode == M_BLOCKED && sys_set && opt.sys != S_READ && opt.sys != S_NANOSLEEP)
		die(EX_USAGE, "blocked mode blocks in read or nanosleep");
	if (opt.mode == M_BLOCKED && !sys_set)
		opt.sys = S_READ;
	if (!opt.hold_fifo != !opt.hold_list || (opt.hold_fifo && opt.mode != M_EXACT))
		die(EX_USAGE, "--hold-fifo and --hold go together, in exact mode");
	if (opt.hold_fifo && opt.sys == S_READ)
		die(EX_USAGE, "--hold-fifo blocks in read(): count another syscall than read");
	if (opt.hold_fifo)
		exact_open_hold_fifo();

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	calls_open();

	set_name(opt.name);
	out("pid=%d mode=%s comm=%.15s", (int)getpid(), mode_names[opt.mode], opt.name);

	switch (opt.mode) {
	case M_EXACT:
		rc = run_exact();
		break;
	case M_CONTEND:
		rc = run_contend();
		break;
	case M_EXIT_EARLY:
		rc = run_exit_early();
		break;
	case M_BLOCKED:
		rc = run_blocked();
		break;
	case M_OVS:
		rc = run_ovs_like();
		break;
	}
	if (opt.linger_ms > 0)
		sleep_ms(opt.linger_ms, &stop_flag);
	out("done");
	return rc;
}

