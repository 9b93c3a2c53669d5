// SPDX-License-Identifier: BSD-2-Clause
/*
 * flight_run.c - kdelay-record --flight-recorder SECONDS: the loop.
 *
 * BPF streams every event of the target all the time (flight_mode), the
 * consumer keeps them in the flight ring (flight.c), and the trigger
 * records in the stream mark windows: a START opens one at its timestamp,
 * a STOP closes it.  Because the events are already in memory, nothing is
 * re-armed and nothing before the trigger is lost: a window shorter than
 * --trigger-delta is only counted (its index is used, no chunk written);
 * a longer one is written from the ring once the ring has been drained
 * past its stop (records of other CPUs may still be in flight).  SIGUSR2
 * writes the last SECONDS as a window flagged KDF_WIN_FLIGHT_DUMP.
 *
 * Skipped windows leave gaps in the written windows' index; the summary's
 * window count includes them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "census.h"
#include "flight.h"
#include "kdelay.skel.h"
#include "kdelay_events.h"
#include "session.h"
#include "status.h"

#define TICK_MIN_MS 1
#define TICK_MAX_MS 10
#define SETTLE_NS 2000000ull /* records up to a stop are in the ring after this */
#define FLUSH_NS 500000000ull
#define MAX_PENDING 32
#define SKIPPED_LINE_NS 60000000000ull

struct pending {
	uint64_t start, stop, seq, drop0, miss0;
};

struct flight_run {
	struct session *s;
	struct kd_flight fr;
	bool open; /* a START seen, its STOP not yet */
	struct pending cur;
	struct pending pend[MAX_PENDING]; /* closed, long enough, not written */
	size_t npend;
	uint64_t skipped, skipped_shown, orphan_starts;
	uint64_t skipped_shown_ns; /* when the last "skipped" line was printed */
	uint32_t written;
	bool dump;
	int tick_ms;
};

static uint64_t wall(const struct session *s, uint64_t mono)
{
	return s->meta.m.realtime_ns + (mono - s->meta.m.mono_ns);
}

/* Events of open and pending windows outlive SECONDS. */
static void repin(struct flight_run *r)
{
	uint64_t pin = r->open ? r->cur.start : KD_FLIGHT_NO_PIN;
	size_t i;

	for (i = 0; i < r->npend; i++)
		if (r->pend[i].start < pin)
			pin = r->pend[i].start;
	flight__pin(&r->fr, pin);
}

/* "# Sample dumps skipped: N ..." once per batch (before a written window,
 * at the end, and at most once a minute), not a line each. */
static void show_skipped(struct flight_run *r)
{
	char msg[96], num[32];

	if (r->skipped == r->skipped_shown)
		return;
	snprintf(msg, sizeof(msg), "# Sample dumps skipped: %s shorter than --trigger-delta",
		 status__thousands(num, sizeof(num), r->skipped - r->skipped_shown));
	status__line(&r->s->st, msg);
	r->skipped_shown = r->skipped;
	r->skipped_shown_ns = meta__mono_ns();
}

/*
 * Write [lo, hi] from the ring as one window.  p: the trigger window
 * (NULL for a dump).  Returns 0 or a kdf_err (also left in cons.err).
 */
static int write_window(struct flight_run *r, uint64_t lo, uint64_t hi, const struct pending *p,
			uint32_t flags)
{
	struct session *s = r->s;
	struct kdf_window out;
	uint64_t n = 0, lost = 0, tail = flight__tail_seq(&r->fr);
	char msg[160], num[32];
	int err;

	if (p && tail > p->seq)
		lost = tail - p->seq;
	else if (!p)
		lost = flight__lost_since(&r->fr, lo);
	/* The cap took events at or after lo: begin where all are there. */
	if (r->fr.evicted_cap && r->fr.lost_ts >= lo) {
		lo = r->fr.lost_ts + 1 > hi ? hi : r->fr.lost_ts + 1;
		flags |= KDF_WIN_TRUNCATED;
	}
	show_skipped(r);
	err = flight__extract(&r->fr, lo, hi, consumer__emit, &s->cons, &n);
	/* A dump ends now: /proc shows the threads as they are at its end
	 * (a trigger window ended in the past, /proc cannot show it). */
	if (!err && !p)
		err = census__take_to(consumer__emit, &s->cons, s->target.pid, hi, KDF_CENSUS_END,
				      (struct census_since){
					      bpf_map__fd(s->bpf.skel->maps.thread_slots),
					      bpf_map__fd(s->bpf.skel->maps.thread_sched) });
	memset(&out, 0, sizeof(out));
	out.index = s->win.index++;
	out.flags = flags;
	out.start_ts = lo;
	out.end_ts = hi;
	out.start_trigger_ts = p ? p->start : 0;
	out.stop_trigger_ts = p && !(flags & KDF_WIN_INTERRUPTED) ? p->stop : 0;
	out.dropped = lost + BSS_LOAD(s, dropped) - (p ? p->drop0 : s->drop0);
	out.trigger_missed = p ? BSS_LOAD(s, trigger_missed) - p->miss0 : 0;
	/* (Not added to the summary's drops: windows may overlap, and the
	 * report adds up the windows' own counts.) */
	if (!err)
		err = kdf_writer_window(s->w, &out);
	if (!err)
		err = kdf_writer_flush(s->w);
	s->last_flush = meta__mono_ns();
	if (err) {
		if (!s->cons.err)
			s->cons.err = err;
		return err;
	}
	r->written++;
	if (p) {
		snprintf(msg, sizeof(msg), "# Start sampling (trigger@%llu)",
			 (unsigned long long)p->start);
		status__line_at(&s->st, msg, wall(s, p->start));
		if (out.stop_trigger_ts)
			snprintf(msg, sizeof(msg), "# Stop sampling (trigger@%llu)",
				 (unsigned long long)p->stop);
		else
			snprintf(msg, sizeof(msg), "# Stop sampling");
		status__line_at(&s->st, msg, wall(s, hi));
	} else {
		status__line_at(&s->st, "# Start sampling (flight recorder dump)", wall(s, lo));
		status__line_at(&s->st, "# Stop sampling (flight recorder dump)", wall(s, hi));
	}
	snprintf(msg, sizeof(msg), "# Flight recorder wrote window %u: %s events%s", out.index,
		 status__thousands(num, sizeof(num), n),
		 (flags & KDF_WIN_TRUNCATED) ? ", truncated by --flight-buffer-mb" : "");
	status__line(&s->st, msg);
	return 0;
}

/* Consumer callback: a trigger record, in stream order. */
static void on_trigger(void *ctx, const struct kdf_event *ev)
{
	struct flight_run *r = ctx;
	struct session *s = r->s;

	if (ev->flags & KDF_TRIG_START) {
		/* Its STOP record was lost (ring full): that window is gone. */
		r->orphan_starts += r->open;
		r->open = true;
		r->cur.start = ev->ts;
		r->cur.seq = flight__seq_from(&r->fr, ev->ts);
		r->cur.drop0 = BSS_LOAD(s, dropped);
		r->cur.miss0 = BSS_LOAD(s, trigger_missed);
	} else if ((ev->flags & KDF_TRIG_STOP) && r->open && ev->ts >= r->cur.start) {
		r->open = false;
		r->cur.stop = ev->ts;
		if (ev->ts - r->cur.start < s->o->trigger_delta_ns) {
			s->win.index++; /* skipped: counted, not written */
			r->skipped++;
		} else {
			/* Full (a burst of slow windows): write the oldest now,
			 * without waiting for the ring to settle. */
			if (r->npend == MAX_PENDING) {
				write_window(r, r->pend[0].start, r->pend[0].stop, &r->pend[0],
					     KDF_WIN_TRIGGERED);
				memmove(r->pend, r->pend + 1, (MAX_PENDING - 1) * sizeof(*r->pend));
				r->npend--;
			}
			r->pend[r->npend++] = r->cur;
		}
	}
	repin(r);
}

/* Write the pending windows whose stop is older than settle (all: 0). */
static void write_pending(struct flight_run *r, uint64_t settled_before)
{
	size_t i = 0;

	while (i < r->npend && !r->s->cons.err) {
		if (settled_before && r->pend[i].stop + SETTLE_NS > settled_before) {
			i++;
			continue;
		}
		write_window(r, r->pend[i].start, r->pend[i].stop, &r->pend[i], KDF_WIN_TRIGGERED);
		memmove(&r->pend[i], &r->pend[i + 1], (r->npend - i - 1) * sizeof(*r->pend));
		r->npend--;
	}
	repin(r);
}

/* SIGUSR2: the last SECONDS, up to now. */
static void dump(struct flight_run *r)
{
	struct session *s = r->s;
	uint64_t now, keep = r->fr.keep_ns;

	session__drain(s);
	usleep(1000); /* programs that were running when the signal came */
	session__drain(s);
	now = meta__mono_ns();
	write_window(r, now > keep ? now - keep : 0, now, NULL, KDF_WIN_FLIGHT_DUMP);
	s->drop0 = BSS_LOAD(s, dropped);
}

/* Wait up to ms; false when asked to stop or the target exited. */
static bool wait_tick(struct flight_run *r)
{
	struct session *s = r->s;
	struct pollfd pfd[2] = {
		{ .fd = s->sigfd, .events = POLLIN },
		{ .fd = s->target.pidfd, .events = POLLIN },
	};
	struct timespec ts = { .tv_sec = 0, .tv_nsec = r->tick_ms * 1000000L };
	struct signalfd_siginfo si;

	ppoll(pfd, s->target.pidfd >= 0 ? 2 : 1, &ts, NULL);
	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR2) {
			r->dump = true;
			continue;
		}
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

/* SIGUSR2 joins the signals the loop reads. */
static int catch_usr2(struct session *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	return signalfd(s->sigfd, &set, 0) < 0 ? -errno : 0;
}

static void housekeeping(struct flight_run *r, uint64_t now)
{
	struct session *s = r->s;
	char state[96], num[32];

	if (now - r->skipped_shown_ns >= SKIPPED_LINE_NS)
		show_skipped(r);
	if (now - s->last_flush >= FLUSH_NS && !s->cons.err) {
		int err = kdf_writer_flush(s->w);

		if (err)
			s->cons.err = err;
		s->last_flush = now;
	}
	snprintf(state, sizeof(state), "flight recorder: %u written, %s skipped, %zu MiB", r->written,
		 status__thousands(num, sizeof(num), r->skipped), flight__bytes(&r->fr) >> 20);
	status__update(&s->st, now, r->written, kdf_writer_events(s->w), kdf_writer_bytes(s->w),
		       BSS_LOAD(s, dropped), state);
}

static bool done(const struct flight_run *r)
{
	const struct kd_opts *o = r->s->o;

	return o->sample_count_given && r->written >= o->sample_count;
}

int flight__run(struct session *s)
{
	const struct kd_opts *o = s->o;
	struct flight_run r;
	char msg[128];
	int err;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.tick_ms = TICK_MIN_MS;
	err = flight__init(&r.fr, (uint64_t)(o->flight_seconds * 1e9),
			   (size_t)o->flight_buffer_mb << 20, 0);
	if (err) {
		status__error(stderr, "Cannot reserve %u MiB for the flight recorder: %s",
			      o->flight_buffer_mb, strerror(-err));
		return EX_OSERR;
	}
	if ((err = catch_usr2(s))) {
		status__error(stderr, "Cannot set up SIGUSR2 handling: %s", strerror(-err));
		flight__free(&r.fr);
		return EX_OSERR;
	}
	s->cons.flight = &r.fr;
	s->cons.on_trigger = on_trigger;
	s->cons.on_armed_event = NULL;
	s->cons.ctx = &r;
	s->drop0 = BSS_LOAD(s, dropped);
	/* capture_state is left as loaded (IDLE): a start trigger that fired
	 * already has set it ON, and its record is in the ring. */
	BSS_STORE(s, flight_mode, 1);
	/* Events flow from now on: the COMMAND may start. */
	if (target__release(&s->target, stderr)) {
		flight__free(&r.fr);
		return EX_NOINPUT;
	}
	snprintf(msg, sizeof(msg), "# Flight recorder on: the last %g s in memory (at most %u MiB)",
		 o->flight_seconds, o->flight_buffer_mb);
	status__line(&s->st, msg);
	r.skipped_shown_ns = meta__mono_ns();
	for (;;) {
		bool go_on = wait_tick(&r);
		uint64_t now;
		int got = ring_buffer__consume(s->rb);

		r.tick_ms = got > 0 ? TICK_MIN_MS : r.tick_ms < TICK_MAX_MS ? r.tick_ms + 1 : TICK_MAX_MS;
		now = meta__mono_ns();
		write_pending(&r, now);
		if (r.dump && !s->cons.err) {
			r.dump = false;
			dump(&r);
		}
		if (!go_on || s->cons.err || done(&r))
			break;
		housekeeping(&r, now);
	}
	/* Finish what was seen: the pending windows, and an open one long
	 * enough already (cut short: INTERRUPTED, no stop trigger). */
	session__drain(s);
	usleep(1000);
	session__drain(s);
	BSS_STORE(s, flight_mode, 0);
	if (!s->cons.err && !done(&r))
		write_pending(&r, 0);
	if (!s->cons.err && !done(&r) && r.open &&
	    meta__mono_ns() - r.cur.start >= o->trigger_delta_ns)
		write_window(&r, r.cur.start, meta__mono_ns(), &r.cur,
			     KDF_WIN_TRIGGERED | KDF_WIN_INTERRUPTED);
	show_skipped(&r);
	if (s->cons.err)
		s->exit_reason = KD_EXIT_ERROR;
	s->missed_total = BSS_LOAD(s, trigger_missed);
	if (r.orphan_starts)
		fprintf(stderr, "WARNING: %llu windows lost their stop trigger record (ring buffer "
				"full); they were not written\n",
			(unsigned long long)r.orphan_starts);
	s->cons.flight = NULL;
	s->cons.on_trigger = NULL;
	flight__free(&r.fr);
	return 0;
}
