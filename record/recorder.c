// SPDX-License-Identifier: BSD-2-Clause
/*
 * recorder.c - kd_record_run(): set up, run the sample windows, close.
 *
 * One thread.  The BPF programs submit without wakeups, so the loop
 * drains the ring with ring_buffer__consume() every TICK_MS (libbpf 1.1's
 * ring_buffer__poll() spins on a ring nobody wakes up), and sleeps in
 * ppoll() on a signalfd and the target's pidfd in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "attach.h"
#include "consumer.h"
#include "kdelay_events.h"
#include "kdelay.skel.h"
#include "meta.h"
#include "recorder.h"
#include "status.h"
#include "symbols.h"
#include "target.h"
#include "threads.h"
#include "window.h"

#define TICK_MS 2
#define FLUSH_NS 500000000ull /* a killed recorder loses at most this */

#define BSS_LOAD(s, f) __atomic_load_n(&(s)->bpf.skel->bss->f, __ATOMIC_ACQUIRE)
#define BSS_STORE(s, f, v) __atomic_store_n(&(s)->bpf.skel->bss->f, (v), __ATOMIC_RELEASE)

struct session {
	const struct kd_opts *o;
	const struct kd_record_hooks *hooks;
	struct kd_target target;
	struct kd_bpf bpf;
	struct kd_meta meta;
	struct kdf_writer *w;
	struct ring_buffer *rb;
	struct symbols *syms;
	struct kd_window win;
	struct kd_consumer cons;
	struct kd_status st;
	int sigfd;
	bool until_exit;      /* COMMAND without --sample-time */
	bool stop_all;	      /* signal, target exit or error: no more windows */
	int exit_reason;
	uint64_t drop0, miss0, lost0;
	uint64_t overflow;    /* events lost to the trigger-delta buffer bound */
	uint64_t last_flush;
};

static bool privileged(void)
{
	unsigned long long cap = 0;
	char line[256];
	FILE *f;

	if (geteuid() == 0)
		return true;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &cap) == 1)
			break;
	fclose(f);
	/* CAP_SYS_ADMIN (21), or CAP_BPF (39) with CAP_PERFMON (38) */
	return (cap & (1ull << 21)) || ((cap & (1ull << 39)) && (cap & (1ull << 38)));
}

/* -o FILE: an existing file becomes FILE.old, as perf does. */
static int open_output(struct session *s)
{
	const char *path = s->o->output;
	struct stat st;
	int err = 0;

	if (s->hooks == NULL && !lstat(path, &st) && S_ISREG(st.st_mode)) {
		char old[4096];

		snprintf(old, sizeof(old), "%s.old", path);
		if (rename(path, old)) {
			fprintf(stderr, "ERROR: Cannot rename %s to %s: %s\n", path, old,
				strerror(errno));
			return EX_CANTCREAT;
		}
	}
	s->w = kdf_writer_open(path, &s->meta.m, 0, &err);
	if (!s->w) {
		fprintf(stderr, "ERROR: Cannot create %s: %s\n", path,
			err == KDF_E_IO ? strerror(errno) : kdf_strerror(err));
		return EX_CANTCREAT;
	}
	return 0;
}

static int setup_signals(struct session *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return s->sigfd < 0 ? -errno : 0;
}

static void drain(struct session *s)
{
	int n;

	do
		n = ring_buffer__consume(s->rb);
	while (n > 0);
}

/* Wait up to ms; false when a signal came or the target exited. */
static bool wait_tick(struct session *s, int ms)
{
	struct pollfd pfd[2] = {
		{ .fd = s->sigfd, .events = POLLIN },
		{ .fd = s->target.pidfd, .events = POLLIN },
	};
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	struct signalfd_siginfo si;

	ppoll(pfd, s->target.pidfd >= 0 ? 2 : 1, &ts, NULL);
	if (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		s->exit_reason = KD_EXIT_SIGNAL;
		return false;
	}
	if ((s->target.pidfd >= 0 && (pfd[1].revents & POLLIN)) ||
	    (s->target.pidfd < 0 && target__exited(&s->target))) {
		s->exit_reason = KD_EXIT_TARGET;
		return false;
	}
	return true;
}

static void housekeeping(struct session *s, const char *state)
{
	uint64_t now = meta__mono_ns();

	window__tick(&s->win, now);
	if (now - s->last_flush >= FLUSH_NS && !s->cons.err) {
		int err = kdf_writer_flush(s->w);

		if (err)
			s->cons.err = err;
		s->last_flush = now;
	}
	status__update(&s->st, now, s->win.index, kdf_writer_events(s->w), kdf_writer_bytes(s->w),
		       BSS_LOAD(s, dropped), state);
}

static void snapshot_counters(struct session *s)
{
	s->drop0 = BSS_LOAD(s, dropped);
	s->miss0 = BSS_LOAD(s, trigger_missed);
	s->lost0 = BSS_LOAD(s, stacks_lost);
}

/* The start trigger fired: open the window at its timestamp. */
static void open_triggered(void *ctx)
{
	struct session *s = ctx;
	uint64_t ts = 0;
	char msg[64];
	int spin;

	if (s->win.state != KD_WIN_ARMED)
		return;
	/* Written right after the state flip by the trigger program. */
	for (spin = 0; spin < 1000000 && !(ts = BSS_LOAD(s, start_trigger_ts)); spin++)
		;
	if (!ts)
		ts = meta__mono_ns();
	window__open(&s->win, ts, ts, true, s->bpf.has_stop);
	snprintf(msg, sizeof(msg), "# Start sampling (trigger@%llu)", (unsigned long long)ts);
	/* The trigger's own wall-clock time, as the report computes it. */
	status__line_at(&s->st, msg, s->meta.m.realtime_ns + (ts - s->meta.m.mono_ns));
}

/* Open (time mode) or arm (start trigger) the next window. */
static void begin_window(struct session *s)
{
	BSS_STORE(s, stacks_taken, 0);
	BSS_STORE(s, start_trigger_ts, 0);
	BSS_STORE(s, stop_trigger_ts, 0);
	snapshot_counters(s);
	if (s->bpf.has_start) {
		window__arm(&s->win);
		BSS_STORE(s, capture_state, KD_CAPTURE_IDLE);
		return;
	}
	status__line(&s->st, "# Start sampling");
	window__open(&s->win, meta__mono_ns(), 0, s->bpf.has_stop, false);
	BSS_STORE(s, capture_state, KD_CAPTURE_ON);
}

/* Run the open/armed window until it ends; false: stop recording. */
static bool run_window(struct session *s)
{
	uint64_t sample_ns = (uint64_t)(s->o->sample_time * 1e9);
	uint64_t deadline = UINT64_MAX, end_ts = 0, stop_ts = 0;
	uint32_t flags = 0;

	if (s->win.state == KD_WIN_OPEN && !s->bpf.has_stop && !s->until_exit)
		deadline = s->win.start_ts + sample_ns;
	for (;;) {
		bool go_on = wait_tick(s, TICK_MS);
		uint64_t now;

		ring_buffer__consume(s->rb);
		if (s->win.state == KD_WIN_ARMED && BSS_LOAD(s, capture_state) == KD_CAPTURE_ON)
			open_triggered(s);
		if (s->win.state == KD_WIN_OPEN && deadline == UINT64_MAX && !s->bpf.has_stop &&
		    !s->until_exit)
			deadline = s->win.start_ts + sample_ns;
		now = meta__mono_ns();
		if (s->win.state == KD_WIN_OPEN && s->bpf.has_stop &&
		    BSS_LOAD(s, capture_state) == KD_CAPTURE_STOPPED) {
			end_ts = stop_ts = BSS_LOAD(s, stop_trigger_ts);
			break;
		}
		if (s->win.state == KD_WIN_OPEN && now >= deadline)
			break;
		if (!go_on || s->cons.err) {
			s->stop_all = true;
			if (s->cons.err)
				s->exit_reason = KD_EXIT_ERROR;
			if (!(s->until_exit && s->exit_reason == KD_EXIT_TARGET))
				flags = KDF_WIN_INTERRUPTED;
			break;
		}
		housekeeping(s, s->win.state == KD_WIN_ARMED ? "waiting for the start trigger" :
							       "sampling");
	}
	if (s->win.state == KD_WIN_ARMED) {
		/* Interrupted while waiting: no window.  A trigger racing with us
		 * is told apart by the state flip. */
		if (__sync_val_compare_and_swap(&s->bpf.skel->bss->capture_state, KD_CAPTURE_IDLE,
						KD_CAPTURE_STOPPED) == KD_CAPTURE_IDLE) {
			s->win.state = KD_WIN_NONE;
			return false;
		}
		open_triggered(s);
	}
	if (!end_ts) {
		/* Gate closed by us; a stop trigger may still win the race. */
		if (__sync_val_compare_and_swap(&s->bpf.skel->bss->capture_state, KD_CAPTURE_ON,
						KD_CAPTURE_STOPPED) != KD_CAPTURE_ON &&
		    (stop_ts = BSS_LOAD(s, stop_trigger_ts)))
			end_ts = stop_ts;
		else
			end_ts = meta__mono_ns();
	}
	window__end(&s->win, end_ts, stop_ts, flags);
	return true;
}

/* Drain what the window left in the ring and write the window chunk. */
static int finish_window(struct session *s)
{
	struct kdf_window out;
	char msg[96], num[32];
	int err;

	drain(s);
	usleep(1000); /* programs that passed the gate before it closed */
	drain(s);
	if (!s->hooks || !s->hooks->hook_prints_stop) {
		if (s->win.stop_trigger_ts)
			snprintf(msg, sizeof(msg), "# Stop sampling (trigger@%llu)",
				 (unsigned long long)s->win.stop_trigger_ts);
		else
			snprintf(msg, sizeof(msg), "# Stop sampling");
		status__line_at(&s->st, msg, s->meta.m.realtime_ns + (s->win.end_ts - s->meta.m.mono_ns));
	}
	err = window__close(&s->win, &out);
	s->overflow += out.dropped;
	out.dropped += BSS_LOAD(s, dropped) - s->drop0;
	out.trigger_missed = BSS_LOAD(s, trigger_missed) - s->miss0;
	out.stacks_lost = BSS_LOAD(s, stacks_lost) - s->lost0;
	if (!err && s->syms && !(out.flags & KDF_WIN_SKIPPED))
		err = symbols__flush(s->syms, s->w);
	if (!err)
		err = kdf_writer_window(s->w, &out);
	if (!err)
		err = kdf_writer_flush(s->w);
	s->last_flush = meta__mono_ns();
	if (err) {
		s->cons.err = err;
		return -1;
	}
	if ((out.flags & KDF_WIN_SKIPPED) && (!s->hooks || !s->hooks->hook_prints_stop)) {
		snprintf(msg, sizeof(msg), "# Sample dump skipped, delta %s ns",
			 status__thousands(num, sizeof(num), out.stop_trigger_ts - out.start_trigger_ts));
		status__line(&s->st, msg);
	}
	if (s->hooks && s->hooks->on_window) {
		status__clear(&s->st);
		err = s->hooks->on_window(s->hooks->ctx, s->o->output, &out);
		if (err)
			return err;
	}
	return (out.flags & KDF_WIN_SKIPPED) ? 1 : 0;
}

/* Between windows: keep draining (thread names) for the interval. */
static void interval(struct session *s)
{
	uint64_t until = meta__mono_ns() + (uint64_t)(s->o->sample_interval * 1e9);

	while (meta__mono_ns() < until) {
		if (!wait_tick(s, TICK_MS)) {
			s->stop_all = true;
			return;
		}
		ring_buffer__consume(s->rb);
		housekeeping(s, "interval");
	}
}

static int setup(struct session *s)
{
	const struct kd_opts *o = s->o;
	int rc, n;

	if (o->command) {
		if (!privileged())
			goto noperm;
		rc = target__spawn(&s->target, o->command, stderr);
	} else {
		rc = target__find(&s->target, o->pid, o->comm, stderr);
		if (!rc && !privileged())
			goto noperm;
	}
	if (rc)
		return rc;
	s->until_exit = o->command && !o->sample_time_given;
	if ((rc = attach__check_triggers(&s->bpf, o, &s->target, stderr)))
		return rc;
	if (meta__init(&s->meta, o, &s->target)) {
		fprintf(stderr, "ERROR: out of memory\n");
		return EX_OSERR;
	}
	if ((rc = open_output(s)))
		return rc;
	if (o->syscall_events_ns >= 0 && o->stack_trace_size > 0) {
		s->syms = symbols__new(s->target.pid, s->target.spawned ? s->target.exe : NULL);
		if (!s->syms) {
			fprintf(stderr, "ERROR: out of memory\n");
			return EX_OSERR;
		}
	}
	window__init(&s->win, o->trigger_delta_ns, 0, consumer__emit, &s->cons);
	consumer__init(&s->cons, s->w, &s->win, s->syms);
	s->cons.on_armed_event = open_triggered;
	s->cons.ctx = s;
	if ((rc = attach__start(&s->bpf, o, &s->target, stderr)))
		return rc;
	/* The kallsyms snapshot, now that our programs are in it, and before
	 * the first stack arrives while the ring is filling. */
	if (s->syms)
		symbols__probe_frames(s->syms, NULL, 0);
	s->rb = ring_buffer__new(bpf_map__fd(s->bpf.skel->maps.events), consumer__handle, &s->cons,
				 NULL);
	if (!s->rb) {
		fprintf(stderr, "ERROR: Failed to set up the BPF ring buffer: %s\n", strerror(errno));
		return EX_OSERR;
	}
	/* Names of the threads alive now; later ones come from BPF. */
	n = threads__scan(s->w, s->target.pid, meta__mono_ns());
	if (n < 0 && n != -ENOENT) {
		fprintf(stderr, "ERROR: Cannot read the threads of %d: %s\n", s->target.pid,
			strerror(-n));
		return EX_UNAVAILABLE;
	}
	/* -ENOENT: the target already exited; the loop notices and closes. */
	if (setup_signals(s)) {
		fprintf(stderr, "ERROR: Cannot set up signal handling: %s\n", strerror(errno));
		return EX_OSERR;
	}
	return 0;
noperm:
	fprintf(stderr, "ERROR: We need to run as root to attached probes!\n");
	return EX_NOPERM;
}

static int finish(struct session *s, int rc)
{
	struct kdf_summary sum;
	int err;

	if (!s->w)
		return rc;
	if (s->bpf.skel && s->rb) {
		BSS_STORE(s, capture_state, KD_CAPTURE_STOPPED);
		drain(s);
	}
	status__clear(&s->st);
	if (s->cons.err) {
		fprintf(stderr, "ERROR: Writing %s failed: %s; it is readable up to the last "
				"complete chunk\n",
			s->o->output, s->cons.err == KDF_E_IO ? strerror(errno) : kdf_strerror(s->cons.err));
		kdf_writer_abort(s->w);
		s->w = NULL;
		return rc ? rc : EX_IOERR;
	}
	memset(&sum, 0, sizeof(sum));
	sum.end_ts = meta__mono_ns();
	memcpy(sum.events, s->cons.written, sizeof(sum.events));
	if (s->bpf.skel) {
		sum.dropped = BSS_LOAD(s, dropped) + s->overflow;
		sum.trigger_missed = BSS_LOAD(s, trigger_missed);
		sum.stacks_lost = BSS_LOAD(s, stacks_lost);
	}
	sum.windows = s->win.index;
	sum.exit_reason = rc ? KD_EXIT_ERROR : (uint32_t)s->exit_reason;
	err = kdf_writer_close(s->w, &sum);
	s->w = NULL;
	if (err) {
		fprintf(stderr, "ERROR: Closing %s failed: %s\n", s->o->output,
			err == KDF_E_IO ? strerror(errno) : kdf_strerror(err));
		return rc ? rc : EX_IOERR;
	}
	if (sum.dropped)
		fprintf(stderr, "WARNING: Not all events were captured, %llu were dropped! "
				"Increase the BPF ring buffer size with --buffer-page-count.\n",
			(unsigned long long)sum.dropped);
	if (sum.trigger_missed && s->o->sample_count > 1)
		fprintf(stderr, "WARNING: Not all start triggers were successful. %llu were missed "
				"between sample windows.\n",
			(unsigned long long)sum.trigger_missed);
	return rc;
}

int kd_record_run(const struct kd_opts *o, const struct kd_record_hooks *hooks)
{
	struct session s;
	uint32_t kept = 0;
	int rc, r;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.hooks = hooks;
	s.sigfd = -1;
	s.target.go_fd = s.target.exec_err_fd = s.target.pidfd = -1;
	status__init(&s.st, o->quiet, meta__mono_ns());
	rc = setup(&s);
	if (rc)
		goto out;
	if (target__release(&s.target, stderr)) {
		rc = EX_NOINPUT;
		goto out;
	}
	s.last_flush = meta__mono_ns();
	while (kept < o->sample_count && !s.stop_all) {
		begin_window(&s);
		if (!run_window(&s))
			break;
		r = finish_window(&s);
		if (r < 0)
			break;
		if (r > 1) {
			rc = r;
			break;
		}
		kept += r == 0;
		if (kept < o->sample_count && !s.stop_all) {
			BSS_STORE(&s, capture_state, KD_CAPTURE_STOPPED);
			interval(&s);
		}
	}
out:
	rc = finish(&s, rc);
	if (s.rb)
		ring_buffer__free(s.rb);
	attach__destroy(&s.bpf);
	symbols__free(s.syms);
	window__free(&s.win);
	meta__free(&s.meta);
	if (s.sigfd >= 0)
		close(s.sigfd);
	target__cleanup(&s.target);
	return rc;
}
