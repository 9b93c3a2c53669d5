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
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sdt.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define EX_USAGE 64
#define EX_OSERR 71

enum mode { M_OVS, M_EXACT, M_CONTEND, M_EXIT_EARLY, M_BLOCKED };
static const char *const mode_names[] = {
	[M_OVS] = "ovs-like", [M_EXACT] = "exact", [M_CONTEND] = "contend",
	[M_EXIT_EARLY] = "exit-early", [M_BLOCKED] = "blocked",
};

enum csys { S_GETPPID, S_GETUID, S_SCHED_YIELD, S_NANOSLEEP, S_WRITE, S_READ };
static const char *const csys_names[] = {
	[S_GETPPID] = "getppid", [S_GETUID] = "getuid",
	[S_SCHED_YIELD] = "sched_yield", [S_NANOSLEEP] = "nanosleep",
	[S_WRITE] = "write", [S_READ] = "read",
};

static struct {
	enum mode mode;
	const char *name;   /* main thread (process) comm */
	const char *thread; /* the counted thread's name */
	enum csys sys;
	long calls;
	long iterations;
	long pause_ms;
	long spin_ms;
	int cpu;
	long block_ms;
	double duration; /* seconds, 0 = until killed */
	int handlers;
	int revalidators;
	long rate; /* main-loop iterations per second (ovs-like) */
	int wait_start;
	const char *start_file;
	long delay_ms;
	long linger_ms;
	int spawn_late;
	int policy; /* contend: SCHED_OTHER or SCHED_RR */
	const char *hold_fifo; /* exact: held iterations wait for a byte here */
	const char *hold_list; /* exact: comma-separated iteration numbers */
} opt = {
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

static atomic_int stop_flag;
static int null_fd = -1;

/* ------------------------------------------------------------ helpers */

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* One machine-readable line on stdout, written whole. */
__attribute__((format(printf, 1, 2))) static void out(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

__attribute__((noreturn, format(printf, 2, 3))) static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kdelay-sample: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR && !atomic_load(&stop_flag))
		;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void set_name(const char *name)
{
	/* The kernel keeps 15 characters; longer names are cut, as for OVS. */
	char buf[16];

	snprintf(buf, sizeof(buf), "%s", name);
	prctl(PR_SET_NAME, buf, 0, 0, 0);
}

static pthread_t spawn(void *(*fn)(void *), void *arg)
{
	pthread_t t = 0;
	int err = pthread_create(&t, NULL, fn, arg);

	if (err)
		die(EX_OSERR, "pthread_create: %s", strerror(err));
	return t;
}

/* Threads say they exist and are named; "ready" waits for all of them. */
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready_count;

static void thread_ready(const char *name)
{
	set_name(name);
	pthread_mutex_lock(&ready_lock);
	ready_count++;
	pthread_cond_broadcast(&ready_cond);
	pthread_mutex_unlock(&ready_lock);
}

static void wait_threads_ready(int n)
{
	pthread_mutex_lock(&ready_lock);
	while (ready_count < n)
		pthread_cond_wait(&ready_cond, &ready_lock);
	pthread_mutex_unlock(&ready_lock);
}

/* The start gate: workers wait here until main opens it. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open;

static void gate_wait(void)
{
	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

static void gate_release(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static void wait_start_signal(void)
{
	if (opt.wait_start) {
		char line[256];

		/* EOF counts as the signal too: a closed pipe must not hang. */
		if (!fgets(line, sizeof(line), stdin) && ferror(stdin))
			die(EX_OSERR, "reading the start line: %s", strerror(errno));
	}
	if (opt.start_file) {
		struct stat st;

		while (stat(opt.start_file, &st) != 0 && !atomic_load(&stop_flag))
			sleep_ms(10);
	}
	if (opt.delay_ms > 0)
		sleep_ms(opt.delay_ms);
}

/* ---------------------------------------------------- counted syscalls */

static int zero_fd = -1; /* S_READ reads one byte of /dev/zero: never blocks */

static void one_call(enum csys s)
{
	char c = 'x';

	switch (s) {
	case S_GETPPID:
		syscall(SYS_getppid);
		break;
	case S_GETUID:
		syscall(SYS_getuid);
		break;
	case S_SCHED_YIELD:
		syscall(SYS_sched_yield);
		break;
	case S_NANOSLEEP: {
		struct timespec ts = { 0, 1000 };
		syscall(SYS_nanosleep, &ts, NULL);
		break;
	}
	case S_WRITE:
		if (syscall(SYS_write, null_fd, &c, 1) != 1)
			die(EX_OSERR, "write /dev/null: %s", strerror(errno));
		break;
	case S_READ:
		if (syscall(SYS_read, zero_fd, &c, 1) != 1)
			die(EX_OSERR, "read /dev/zero: %s", strerror(errno));
		break;
	}
}

/*
 * The uprobe/uretprobe marker: its entry and return enclose exactly n calls
 * of syscall s and nothing else that enters the kernel.  Not static, not
 * inlined, kept even if unused, so `up:sample_window` and
 * `ur:sample_window` resolve in the executable's symbol table.
 */
__attribute__((noinline, used)) long sample_window(long n, int s)
{
	long i;

	for (i = 0; i < n; i++)
		one_call((enum csys)s);
	return i;
}

/* Another uprobe target, hit once per main-loop iteration (ovs-like). */
__attribute__((noinline, used)) void bridge_run(int iteration)
{
	DTRACE_PROBE1(kdelay_sample, bridge_run, iteration);
}

/* --------------------------------------------------------------- exact */

static int hold_fd = -1;

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
			sleep_ms(opt.pause_ms);
	}
	out("thread=%s tid=%d syscall=%s calls=%ld iterations=%ld", a->name, tid,
	    csys_names[opt.sys], total, it);
	return NULL;
}

static int run_exact(void)
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

/* ------------------------------------------------------------- contend */

static pthread_barrier_t contend_barrier;
static uint64_t contend_t0; /* when main opened the gate: both are runnable from then */

struct spin_arg {
	pid_t tid;
	char name[16];
	int cpu;
	uint64_t cpu_ns, wall_ns;
	long long ready_ns; /* run-queue wait the kernel counted, -1: unknown */
	int ok_affinity;
	int ok_policy;
};

/* The kernel's count of the time this thread waited on a run queue, ns
 * (second field of schedstat); -1 when the kernel does not keep it. */
static long long run_delay_ns(void)
{
	unsigned long long cpu, delay;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	int n = f ? fscanf(f, "%llu %llu", &cpu, &delay) : 0;

	if (f)
		fclose(f);
	return n == 2 ? (long long)delay : -1;
}

/* Burn CPU without entering the kernel more than once a millisecond or so. */
__attribute__((noinline, used)) void sample_spin(uint64_t budget_ns)
{
	uint64_t start = now_ns(CLOCK_THREAD_CPUTIME_ID);
	volatile uint64_t x = 0;

	for (;;) {
		for (int i = 0; i < 200000; i++)
			x++;
		if (now_ns(CLOCK_THREAD_CPUTIME_ID) - start >= budget_ns)
			break;
	}
}

static void *spin_thread(void *p)
{
	struct spin_arg *a = p;
	cpu_set_t set;
	uint64_t c0, w0;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	a->ok_affinity = sched_setaffinity(0, sizeof(set), &set) == 0;
	if (opt.policy == SCHED_RR) {
		/* Same real-time priority, round robin: they take turns of
		 * sched_rr_timeslice_ms, whatever else the node runs. */
		struct sched_param sp = { .sched_priority = 10 };

		a->ok_policy = pthread_setschedparam(pthread_self(), SCHED_RR, &sp) == 0;
	} else {
		a->ok_policy = 1;
	}
	a->tid = gettid_();
	thread_ready(a->name);
	/* Before the gate: the wait for the CPU after its wakeup counts too. */
	a->ready_ns = run_delay_ns();
	gate_wait();
	pthread_barrier_wait(&contend_barrier);
	w0 = contend_t0;
	c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	DTRACE_PROBE1(kdelay_sample, spin_start, a->cpu);
	sample_spin((uint64_t)opt.spin_ms * 1000000ull);
	a->cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	a->wall_ns = now_ns(CLOCK_MONOTONIC) - w0;
	{
		long long end = run_delay_ns();

		a->ready_ns = end < 0 || a->ready_ns < 0 ? -1 : end - a->ready_ns;
	}
	DTRACE_PROBE1(kdelay_sample, spin_done, a->cpu);
	return NULL;
}

static int run_contend(void)
{
	struct spin_arg a[2];
	pthread_t t[2];
	int cpu = opt.cpu;

	if (cpu < 0) {
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set))
			die(EX_OSERR, "sched_getaffinity: %s", strerror(errno));
		for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
			;
	}
	pthread_barrier_init(&contend_barrier, NULL, 2);
	for (int i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		snprintf(a[i].name, sizeof(a[i].name), "spin%d", i + 1);
		a[i].cpu = cpu;
		t[i] = spawn(spin_thread, &a[i]);
	}
	wait_threads_ready(2);
	for (int i = 0; i < 2; i++)
		if (!a[i].ok_affinity || !a[i].ok_policy)
			die(EX_OSERR, "cannot pin %s to CPU %d%s", a[i].name, cpu,
			    a[i].ok_policy ? "" : " or make it SCHED_RR (root?)");
	for (int i = 0; i < 2; i++)
		out("thread=%s tid=%d cpu=%d policy=%s", a[i].name, a[i].tid, cpu,
		    opt.policy == SCHED_RR ? "rr" : "other");
	out("ready");
	wait_start_signal();
	out("start");
	DTRACE_PROBE(kdelay_sample, run_start);
	contend_t0 = now_ns(CLOCK_MONOTONIC);
	gate_release();
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	DTRACE_PROBE(kdelay_sample, run_block);
	for (int i = 0; i < 2; i++)
		out("thread=%s tid=%d cpu=%d spin_ms=%ld cpu_ns=%llu wall_ns=%llu wait_ns=%lld ready_ns=%lld",
		    a[i].name, a[i].tid, cpu, opt.spin_ms, (unsigned long long)a[i].cpu_ns,
		    (unsigned long long)a[i].wall_ns,
		    (long long)a[i].wall_ns - (long long)a[i].cpu_ns, a[i].ready_ns);
	return 0;
}

/* ---------------------------------------------------------- exit-early */

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

static int run_exit_early(void)
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
		sleep_ms(10);
	return 0;
}

/* ------------------------------------------------------------- blocked */

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

static int run_blocked(void)
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
		sleep_ms(1);
	sleep_ms(20);
	DTRACE_PROBE1(kdelay_sample, run_block, 0);
	out("thread=%s tid=%d in_syscall=1", name, blocker_tid);
	if (opt.sys != S_NANOSLEEP) {
		long left = opt.block_ms - (long)((now_ns(CLOCK_MONOTONIC) - t0) / 1000000);

		if (left > 0)
			sleep_ms(left);
		if (write(block_pipe[1], "x", 1) != 1)
			die(EX_OSERR, "write pipe: %s", strerror(errno));
	}
	pthread_join(t, NULL);
	return 0;
}

/* ------------------------------------------------------------ ovs-like */

#define MAX_WORKERS 64

struct worker {
	char name[32]; /* set_name() keeps 15 characters */
	int fd;	 /* our end of the socket pair */
	int peer; /* main thread's end */
	pid_t tid;
};

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile uint64_t shared_counter;

static void touch_shared(long hold_us)
{
	pthread_mutex_lock(&shared_lock);
	shared_counter++;
	if (hold_us > 0) {
		uint64_t end = now_ns(CLOCK_MONOTONIC) + (uint64_t)hold_us * 1000;
		while (now_ns(CLOCK_MONOTONIC) < end)
			;
	}
	pthread_mutex_unlock(&shared_lock);
}

/* handlerN: poll for upcalls, recvmsg them, sendmsg a reply, take the lock. */
static void *handler_thread(void *p)
{
	struct worker *w = p;
	char buf[256];

	w->tid = gettid_();
	thread_ready(w->name);
	gate_wait();
	while (!atomic_load(&stop_flag)) {
		struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;
		int r = poll(&pfd, 1, 100);

		if (r <= 0)
			continue;
		while ((n = recvmsg(w->fd, &mh, MSG_DONTWAIT)) > 0) {
			iov.iov_len = (size_t)n;
			sendmsg(w->fd, &mh, MSG_DONTWAIT);
			iov.iov_len = sizeof(buf);
			touch_shared(5);
		}
	}
	return NULL;
}

/* revalidatorN: wake up, take the lock for a while (contention), sleep. */
static void *revalidator_thread(void *p)
{
	struct worker *w = p;

	w->tid = gettid_();
	thread_ready(w->name);
	gate_wait();
	while (!atomic_load(&stop_flag)) {
		DTRACE_PROBE(kdelay_sample, revalidate_start);
		for (int i = 0; i < 20; i++)
			touch_shared(50);
		DTRACE_PROBE(kdelay_sample, revalidate_done);
		sleep_ms(20);
	}
	return NULL;
}

/* urcuN: a quiet thread that mostly sleeps. */
static void *urcu_thread(void *p)
{
	struct worker *w = p;

	w->tid = gettid_();
	thread_ready(w->name);
	gate_wait();
	while (!atomic_load(&stop_flag)) {
		struct pollfd pfd = { .fd = -1 };
		poll(&pfd, 0, 50);
	}
	return NULL;
}

static int run_ovs_like(void)
{
	struct worker w[MAX_WORKERS];
	pthread_t t[MAX_WORKERS];
	int nw = 0;
	uint64_t end = 0, period_ns;
	long iteration = 0;
	char msg[64];

	for (int i = 0; i < opt.handlers; i++, nw++) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			die(EX_OSERR, "socketpair: %s", strerror(errno));
		snprintf(w[nw].name, sizeof(w[nw].name), "handler%d", (i + 1) % 1000);
		w[nw].fd = sv[0];
		w[nw].peer = sv[1];
		t[nw] = spawn(handler_thread, &w[nw]);
	}
	for (int i = 0; i < opt.revalidators; i++, nw++) {
		snprintf(w[nw].name, sizeof(w[nw].name), "revalidator%d", (i + opt.handlers + 1) % 1000);
		w[nw].fd = w[nw].peer = -1;
		t[nw] = spawn(revalidator_thread, &w[nw]);
	}
	snprintf(w[nw].name, sizeof(w[nw].name), "urcu%d", (nw + 1) % 1000);
	w[nw].fd = w[nw].peer = -1;
	t[nw] = spawn(urcu_thread, &w[nw]);
	nw++;

	wait_threads_ready(nw);
	for (int i = 0; i < nw; i++)
		out("thread=%s tid=%d", w[i].name, w[i].tid);
	out("ready");
	wait_start_signal();
	out("start");
	gate_release();

	if (opt.duration > 0)
		end = now_ns(CLOCK_MONOTONIC) + (uint64_t)(opt.duration * 1e9);
	period_ns = 1000000000ull / (uint64_t)(opt.rate > 0 ? opt.rate : 1);
	while (!atomic_load(&stop_flag) && (!end || now_ns(CLOCK_MONOTONIC) < end)) {
		uint64_t next = now_ns(CLOCK_MONOTONIC) + period_ns;
		struct pollfd pfd[MAX_WORKERS];
		int np = 0;

		DTRACE_PROBE1(kdelay_sample, run_start, iteration);
		bridge_run((int)iteration);
		/* Send an "upcall" to every handler, collect the replies. */
		for (int i = 0; i < nw; i++) {
			if (w[i].peer < 0)
				continue;
			snprintf(msg, sizeof(msg), "upcall %ld", iteration);
			send(w[i].peer, msg, strlen(msg), MSG_DONTWAIT);
			pfd[np].fd = w[i].peer;
			pfd[np].events = POLLIN;
			np++;
		}
		touch_shared(10);
		DTRACE_PROBE1(kdelay_sample, run_block, iteration);
		{
			uint64_t now = now_ns(CLOCK_MONOTONIC);
			int timeout = next > now ? (int)((next - now) / 1000000) : 0;

			if (poll(pfd, np, timeout) > 0) {
				for (int i = 0; i < np; i++)
					if (pfd[i].revents & POLLIN)
						while (recv(pfd[i].fd, msg, sizeof(msg), MSG_DONTWAIT) > 0)
							;
			}
			now = now_ns(CLOCK_MONOTONIC);
			if (next > now)
				sleep_ms((long)((next - now) / 1000000));
		}
		iteration++;
	}
	atomic_store(&stop_flag, 1);
	for (int i = 0; i < nw; i++)
		pthread_join(t[i], NULL);
	out("iterations=%ld", iteration);
	return 0;
}

/* ---------------------------------------------------------------- main */

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
		fprintf(stderr, "kdelay-sample: unexpected argument '%s'\n", argv[optind]);
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
	if (opt.hold_fifo) {
		struct stat st;

		/* Read and write: the open does not wait for a writer, and the
		 * test's writes never fail for want of a reader. */
		hold_fd = open(opt.hold_fifo, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (hold_fd < 0 || fstat(hold_fd, &st) || !S_ISFIFO(st.st_mode))
			die(EX_USAGE, "--hold-fifo '%s': %s", opt.hold_fifo,
			    hold_fd < 0 ? strerror(errno) : "not a FIFO (mkfifo it)");
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0 || zero_fd < 0)
		die(EX_OSERR, "open /dev/null or /dev/zero: %s", strerror(errno));

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
		sleep_ms(opt.linger_ms);
	out("done");
	return rc;
}
