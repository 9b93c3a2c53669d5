// SPDX-License-Identifier: BSD-2-Clause
/*
 * recorder.c - kd_record_run(): set up, run the sample windows, close.
 *
 * One thread.  The BPF programs submit without wakeups, so the loop
 * drains the ring with ring_buffer__consume() on a timer (libbpf 1.1's
 * ring_buffer__poll() spins on a ring nobody wakes up), and sleeps in
 * epoll_wait() on a signalfd, the target's pidfd and the ring in between.
 * The ring ends the wait only when the BPF side wakes it: when the ring
 * fills past a mark (a quarter, record/attach.c) and at a trigger.  So the
 * timer need not outrun a burst; it is long (TICK_MS: a wake-up costs as
 * much CPU as ~1000 events on a paravirtual guest) and bounds how long a
 * slow trickle of records waits in the ring, well within the flush bound.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kdelay.skel.h"
#include "census.h"
#include "flight.h"
#include "kdelay_events.h"
#include "session.h"
#include "symbols.h"

#define TICK_MS 50
#define FLUSH_NS 500000000ull /* a killed recorder loses at most this + 2 ticks */

/* The wait before the next drain: a tick, or less up to a deadline. */
static int tick_ms(uint64_t deadline)
{
	uint64_t now = meta__mono_ns();

	if (deadline <= now)
		return 0;
	if (deadline - now >= (uint64_t)TICK_MS * 1000000)
		return TICK_MS;
	return (int)((deadline - now + 999999) / 1000000);
}

/*
 * With staging: a time before which every staged record is in the ring
 * once it is drained, read before the drain.  The oldest of the CPUs'
 * last complete flushes (the BPF side's stage_flushed_ts), a tick or
 * less ago; never older than the flush bound, so that a CPU whose tick
 * stalls (or one the slots cannot tell apart) holds nothing forever.
 */
static uint64_t staged_upto(const struct session *s, uint64_t now)
{
	uint64_t upto = now, bound = now - KD_STAGE_HOLD_NS;

	if (s->bpf.tick.ncpus > KD_LOSS_CPUS)
		return bound;
	for (int i = 0; i < s->bpf.tick.ncpus; i++) {
		uint64_t t = BSS_LOAD(s, stage_flushed_ts[i]);

		if (t < upto)
			upto = t;
	}
	return upto > bound ? upto : bound;
}

/* The ring's consumer (page 0) or producer (page 1) position. */
static uint64_t ring_pos(const struct session *s, int page)
{
	const uint64_t *p = (const uint64_t *)((const char *)s->ring_pos + page * getpagesize());

	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Drain the ring.  With staging, what no staged record can still precede
 * goes on, in time order. */
static void consume(struct session *s)
{
	uint64_t now = 0, upto = 0, produced = 0;

	if (s->bpf.staging) {
		now = meta__mono_ns();
		upto = staged_upto(s, now);
		produced = ring_pos(s, 1);
	}
	ring_buffer__consume(s->rb);
	session__drained(s);
	if (s->bpf.staging) {
		/* A record reserved before upto and not yet committed (its
		 * CPU interrupted, or its vCPU descheduled, half-way) stops
		 * the drain, and the batches behind it wait in the ring:
		 * then only the flush bound holds. */
		if (ring_pos(s, 0) < produced)
			upto = now - KD_STAGE_HOLD_NS;
		consumer__release(&s->cons, upto);
	}
}

/* Wait up to ms; false when a signal came or the target exited. */
static bool wait_tick(struct session *s, int ms)
{
	struct epoll_event ev[3];
	struct signalfd_siginfo si;
	bool signalled = false, exited = false;
	int n = epoll_wait(s->epfd, ev, 3, ms);

	for (int i = 0; i < n; i++) {
		signalled |= ev[i].data.u32 == KD_WAIT_SIGNAL;
		exited |= ev[i].data.u32 == KD_WAIT_TARGET;
	}
	/* Read only when a signal is pending: a failed read on every tick
	 * is a wasted syscall. */
	if (signalled && read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		s->exit_reason = KD_EXIT_SIGNAL;
		return false;
	}
	if (exited || (s->target.pidfd < 0 && target__exited(&s->target))) {
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

/*
 * A trigger program writes its timestamp right after flipping the state
 * (a few instructions later, on another CPU): wait for it, bounded.
 */
static uint64_t trigger_ts(struct session *s, bool stop)
{
	uint64_t ts = 0;
	int spin;

	for (spin = 0; spin < 1000000 && !ts; spin++)
		ts = stop ? BSS_LOAD(s, stop_trigger_ts) : BSS_LOAD(s, start_trigger_ts);
	return ts ? ts : meta__mono_ns();
}

/* Every thread of the target, as the window opens or closes: stamped
 * with the window's bound so that it belongs to it, though /proc is read
 * a moment later (within a tick of a triggered start). */
static void take_census(struct session *s, uint64_t ts, uint8_t flags)
{
	struct census_since since = { bpf_map__fd(s->bpf.skel->maps.thread_slots),
				      bpf_map__fd(s->bpf.skel->maps.thread_sched) };
	int err = census__take(&s->win, s->target.pid, ts, flags, since);

	if (err && !s->cons.err)
		s->cons.err = err;
}

/* The start trigger fired: open the window at its timestamp. */
static void open_triggered(void *ctx)
{
	struct session *s = ctx;
	uint64_t ts;
	char msg[64];

	if (s->win.state != KD_WIN_ARMED)
		return;
	ts = trigger_ts(s, false);
	window__open(&s->win, ts, ts, true, s->bpf.has_stop);
	take_census(s, ts, 0);
	snprintf(msg, sizeof(msg), "# Start sampling (trigger@%llu)", (unsigned long long)ts);
	/* The trigger's own wall-clock time, as the report computes it. */
	status__line_at(&s->st, msg, s->meta.m.realtime_ns + (ts - s->meta.m.mono_ns));
}

/* Open (time mode) or arm (start trigger) the next window. */
static void begin_window(struct session *s)
{
	consumer__new_window(&s->cons);
	BSS_STORE(s, start_trigger_ts, 0);
	BSS_STORE(s, stop_trigger_ts, 0);
	snapshot_counters(s);
	if (s->bpf.has_start) {
		window__arm(&s->win);
		BSS_STORE(s, capture_state, KD_CAPTURE_IDLE);
		return;
	}
	/* The gate opens right as the window starts: every event from its start
	 * on is in it.  Reading /proc for the census takes a while, and a
	 * syscall entered meanwhile would have no SYS_ENTER though its stack
	 * (whose entry time is kept between windows) says it began inside. */
	window__open(&s->win, meta__mono_ns(), 0, s->bpf.has_stop, false);
	BSS_STORE(s, capture_state, KD_CAPTURE_ON);
	take_census(s, s->win.start_ts, 0);
	/* The window's own start, so this line equals the report's. */
	status__line_at(&s->st, "# Start sampling",
			s->meta.m.realtime_ns + (s->win.start_ts - s->meta.m.mono_ns));
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
		bool go_on = wait_tick(s, tick_ms(deadline));
		uint64_t now;

		consume(s);
		/* ON, or already STOPPED when both triggers fired within a tick
		 * and no record came to tell (ring full). */
		if (s->win.state == KD_WIN_ARMED && BSS_LOAD(s, capture_state) != KD_CAPTURE_IDLE)
			open_triggered(s);
		if (s->win.state == KD_WIN_OPEN && deadline == UINT64_MAX && !s->bpf.has_stop &&
		    !s->until_exit)
			deadline = s->win.start_ts + sample_ns;
		now = meta__mono_ns();
		if (s->win.state == KD_WIN_OPEN && s->bpf.has_stop &&
		    BSS_LOAD(s, capture_state) == KD_CAPTURE_STOPPED) {
			end_ts = stop_ts = trigger_ts(s, true);
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
		/* Gate closed by us, unless a stop trigger won the race. */
		if (__sync_val_compare_and_swap(&s->bpf.skel->bss->capture_state, KD_CAPTURE_ON,
						KD_CAPTURE_STOPPED) == KD_CAPTURE_ON)
			end_ts = meta__mono_ns();
		else
			end_ts = stop_ts = trigger_ts(s, true);
	}
	window__end(&s->win, end_ts, stop_ts, flags);
	/* with staging, once the window's last events went on (finish_window) */
	if (!s->bpf.staging)
		take_census(s, end_ts, KDF_CENSUS_END);
	return true;
}

/* Drain what the window left in the ring and write the window chunk.
 * Returns -1 on a write error, 1 for a skipped window, 0 otherwise. */
static int finish_window(struct session *s)
{
	struct kdf_window out;
	char msg[96], num[32];
	int err;

	session__drain(s);
	/* programs that passed the gate before it closed, and records staged
	 * per CPU before it (flushed by the next tick of every CPU) */
	usleep(s->bpf.staging ? 2 * KD_STAGE_TICK_NS / 1000 : 1000);
	session__drain(s);
	consumer__release(&s->cons, UINT64_MAX);
	if (s->bpf.staging)
		take_census(s, s->win.end_ts, KDF_CENSUS_END);
	/* losses after the last record reserved: no later record wrote them */
	consumer__take_losses(&s->cons, s->bpf.skel->bss->loss_count,
			      s->bpf.skel->bss->loss_first_ts, BSS_LOAD(s, loss_cpus), meta__mono_ns());
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
	s->missed_total = BSS_LOAD(s, trigger_missed);
	out.trigger_missed = s->missed_total - s->miss0;
	out.stacks_lost = BSS_LOAD(s, stacks_lost) - s->lost0 + s->cons.stacks_over_limit;
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
		s->hook_rc = s->hooks->on_window(s->hooks->ctx, s->o->output, &out);
	}
	return (out.flags & KDF_WIN_SKIPPED) ? 1 : 0;
}

/* Between windows: keep draining (thread names) for the interval. */
static void interval(struct session *s)
{
	uint64_t until = meta__mono_ns() + (uint64_t)(s->o->sample_interval * 1e9);

	while (meta__mono_ns() < until) {
		if (!wait_tick(s, tick_ms(until))) {
			s->stop_all = true;
			return;
		}
		consume(s);
		housekeeping(s, "interval");
	}
}

int kd_record_run(const struct kd_opts *o, const struct kd_record_hooks *hooks)
{
	struct session s;
	uint32_t kept = 0;
	bool released = false;
	int rc, r;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.hooks = hooks;
	s.sigfd = s.epfd = -1;
	s.target.go_fd = s.target.exec_err_fd = s.target.pidfd = -1;
	status__init(&s.st, o->quiet, meta__mono_ns());
	if (!strcmp(o->output, KD_OUTPUT_STDOUT))
		s.st.lines = stderr;
	rc = session__setup(&s);
	if (rc)
		goto out;
	s.cons.on_armed_event = open_triggered;
	s.cons.ctx = &s;
	s.last_flush = meta__mono_ns();
	if (o->flight_seconds > 0) {
		rc = flight__run(&s);
		goto out;
	}
	while (kept < o->sample_count && !s.stop_all) {
		begin_window(&s);
		/* A COMMAND is let go only once the first window is open (or
		 * armed): released earlier, it could exec and run its loader
		 * before capture starts, and its first instructions be lost. */
		if (!released) {
			released = true;
			if (target__release(&s.target, stderr)) {
				rc = EX_NOINPUT;
				goto out;
			}
		}
		if (!run_window(&s))
			break;
		r = finish_window(&s);
		if (r < 0)
			break;
		if (s.hook_rc) {
			rc = s.hook_rc;
			break;
		}
		kept += r == 0;
		if (kept < o->sample_count && !s.stop_all) {
			BSS_STORE(&s, capture_state, KD_CAPTURE_STOPPED);
			interval(&s);
		}
	}
out:
	rc = session__finish(&s, rc);
	/* As perf record and time(1) do: COMMAND's own status, unless the
	 * recorder failed.  Blocking only when it is known to have ended. */
	if (!rc) {
		int code = target__exit_code(&s.target, s.exit_reason == KD_EXIT_TARGET);

		if (code > 0)
			rc = code;
	}
	session__free(&s);
	return rc;
}
