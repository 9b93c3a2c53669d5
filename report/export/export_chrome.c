// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_chrome.c - Chrome Trace Event Format (JSON object form) for
 * ui.perfetto.dev and chrome://tracing.
 *
 * Complete ("X") events on one thread track must nest, but a syscall
 * overlaps the running and ready slices of its thread, and irqs overlap
 * both.  So every target thread gets up to four tracks - pseudo-threads
 * of the target process, created only when they hold a slice: sched
 * (running, ready), syscalls, hardirq, softirq.  export_timeline.c
 * guarantees that slices of one lane never overlap, hence nest.  A lane's
 * pseudo tid is the real tid plus lane * 2^22 (PID_MAX_LIMIT), so it
 * never collides with a real one; thread_sort_index keeps a thread's
 * tracks together, in the order of the thread names.
 *
 * A slice is a begin ("B") and an end ("E") event, not one complete
 * ("X") event: viewers take an X event's end as ts + dur in floating
 * point, which lands a hair past the next slice's start, and the next
 * slice then nests inside the previous one (speedscope shows a ready
 * track that never ends).  Both ends are printed from integer ns, so a
 * slice's end and the next one's start are the same number in the file,
 * and each track's events are written in time order with the end before
 * the next begin (export_timeline.c emits the slices of a lane in order).
 * A slice of zero length (a ready slice clipped to where the capture
 * starts, say) is not written: it has nothing to draw, and a viewer that
 * sorts events by time may put its end after the begin of a neighbour
 * that starts at the same ns, which nests the two (speedscope does).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "capture_end.h"
#include "export_internal.h"
#include "json.h"

#define PID_MAX_LIMIT (1u << 22)
#define WINDOWS_TID (5u * PID_MAX_LIMIT) /* the "sample windows" track */

static const char *const lane_names[KDR_NLANES] = { "sched", "syscalls", "hardirq", "softirq" };

struct chrome {
	struct kdr_export *x;
	struct kdr_json *j;
	uint8_t *declared; /* per thread: bit per lane whose metadata is out */
	uint64_t windows_end;
	uint64_t nslices;
};

/* Timestamps in microseconds from the origin, with the ns as three
 * decimals printed from the integer: equal ns are equal text. */
static void key_ts(struct chrome *c, const char *key, uint64_t abs_ns)
{
	kdr_json_key(c->j, key);
	kdr_json_fixed(c->j, abs_ns - c->x->origin, 3);
}

static uint32_t lane_tid(uint32_t tid, enum kdr_xlane lane)
{
	return tid + (uint32_t)lane * PID_MAX_LIMIT;
}

/* A metadata event, on a line of its own, left open at its args object. */
static void meta_event(struct chrome *c, const char *what, uint32_t pid, uint32_t tid)
{
	struct kdr_json *j = c->j;

	kdr_json_newline(j);
	kdr_json_obj_begin(j);
	kdr_json_key_cstr(j, "ph", "M");
	kdr_json_key_cstr(j, "name", what);
	kdr_json_key_u64(j, "pid", pid);
	kdr_json_key_u64(j, "tid", tid);
	kdr_json_key(j, "args");
	kdr_json_obj_begin(j);
}

static void meta_end(struct chrome *c)
{
	kdr_json_obj_end(c->j);
	kdr_json_obj_end(c->j);
}

static void declare_lane(struct chrome *c, const struct kdr_xthread *t, enum kdr_xlane lane)
{
	uint8_t *d = &c->declared[t - c->x->threads];
	uint32_t tid = lane_tid(t->tid, lane);
	struct kdr_json *j = c->j;
	char buf[64];
	int n;

	if (*d & (1u << lane))
		return;
	*d |= 1u << lane;
	meta_event(c, "thread_name", c->x->meta->pid, tid);
	/* "NAME (lane)": the name's raw bytes and our suffix, one string. */
	kdr_json_key(j, "name");
	kdr_json_str_open(j);
	if (t->name) {
		kdr_json_str_part(j, t->name, t->name_len);
	} else {
		n = snprintf(buf, sizeof(buf), "tid %u", t->tid);
		kdr_json_str_part(j, buf, (size_t)n);
	}
	n = snprintf(buf, sizeof(buf), " (%s)", lane_names[lane]);
	kdr_json_str_part(j, buf, (size_t)n);
	kdr_json_str_close(j);
	meta_end(c);
	meta_event(c, "thread_sort_index", c->x->meta->pid, tid);
	kdr_json_key_u64(j, "sort_index", t->order * KDR_NLANES + lane + 1);
	meta_end(c);
}

static void put_stack(struct chrome *c, const char *key, uint32_t id, int is_kernel)
{
	const uint64_t *ips;
	uint32_t n = 0, i;
	char frame[512];

	ips = id ? kdf_reader_stack(c->x->r, id, &n) : NULL;
	if (!ips)
		return;
	kdr_json_key(c->j, key);
	kdr_json_arr_begin(c->j);
	for (i = 0; i < n; i++) {
		kdr_symbols_frame(c->x->syms, ips[i], is_kernel, frame, sizeof(frame));
		kdr_json_str(c->j, frame, strlen(frame));
	}
	kdr_json_arr_end(c->j);
}

static void put_flags(struct chrome *c, uint32_t flags)
{
	if (flags & KDR_XS_OPEN_START)
		kdr_json_key_bool(c->j, "started_before_capture", 1);
	if (flags & KDR_XS_UNFINISHED)
		kdr_json_key_bool(c->j, "unfinished", 1);
	if (flags & KDR_XS_CLIPPED)
		kdr_json_key_bool(c->j, "clipped", 1);
	if (flags & KDR_XS_LOST)
		kdr_json_key_bool(c->j, "spans_lost_events", 1);
}

/* "name" and "cat" of a slice: on its begin, and the name again on its
 * end (speedscope matches an end to its begin by name). */
static void put_name(struct chrome *c, const struct kdr_xslice *s, int with_cat)
{
	struct kdr_json *j = c->j;
	char buf[64];
	const char *name;
	size_t len;

	kdr_json_key(j, "name");
	switch (s->kind) {
	case KDR_X_RUNNING:
		kdr_json_cstr(j, "running");
		if (with_cat) {
			kdr_json_key_cstr(j, "cat", "sched");
			kdr_json_key_cstr(j, "cname", "thread_state_running");
		}
		break;
	case KDR_X_READY:
		kdr_json_cstr(j, "ready");
		if (with_cat) {
			kdr_json_key_cstr(j, "cat", "sched");
			kdr_json_key_cstr(j, "cname", "thread_state_runnable");
		}
		break;
	case KDR_X_SYSCALL:
		name = kdr_export_syscall_name(c->x, s->nr, buf, sizeof(buf));
		kdr_json_str(j, name ? name : "", name ? strlen(name) : 0);
		if (with_cat)
			kdr_json_key_cstr(j, "cat", "syscall");
		break;
	case KDR_X_HARDIRQ:
		name = s->name_id ? kdf_reader_string(c->x->r, s->name_id, &len) : NULL;
		if (name) {
			kdr_json_str(j, name, len);
		} else {
			snprintf(buf, sizeof(buf), "irq %u", s->nr);
			kdr_json_cstr(j, buf);
		}
		if (with_cat)
			kdr_json_key_cstr(j, "cat", "hardirq");
		break;
	default:
		name = kdr_export_softirq_name(s->nr, buf, sizeof(buf));
		kdr_json_str(j, name ? name : "", name ? strlen(name) : 0);
		if (with_cat)
			kdr_json_key_cstr(j, "cat", "softirq");
		break;
	}
}

/* {"ph":"P","pid":N,"tid":N,"ts":T - the head every event of a track
 * starts with, on a line of its own; the caller ends the object. */
static void put_event_head(struct chrome *c, const char *ph, uint32_t tid, uint64_t abs_ns)
{
	struct kdr_json *j = c->j;

	kdr_json_newline(j);
	kdr_json_obj_begin(j);
	kdr_json_key_cstr(j, "ph", ph);
	kdr_json_key_u64(j, "pid", c->x->meta->pid);
	kdr_json_key_u64(j, "tid", tid);
	key_ts(c, "ts", abs_ns);
}

static int io_status(struct chrome *c)
{
	return ferror(c->x->opts->out) ? EX_IOERR : 0;
}

static int on_slice(void *ctx, const struct kdr_xslice *s)
{
	struct chrome *c = ctx;
	struct kdr_json *j = c->j;
	enum kdr_xlane lane = kdr_xlane_of(s->kind);
	uint32_t tid = lane_tid(s->thread->tid, lane);

	if (s->end == s->start)
		return 0;
	declare_lane(c, s->thread, lane);
	put_event_head(c, "B", tid, s->start);
	put_name(c, s, 1);
	/* Lane tids are made up: args carry the real one first. */
	kdr_json_key(j, "args");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "tid", s->thread->tid);
	switch (s->kind) {
	case KDR_X_READY:
		/* Ready since before the capture: the reason was not seen. */
		if (!(s->flags & KDR_XS_OPEN_START))
			kdr_json_key_cstr(j, "reason",
					  s->flags & KDR_XS_PREEMPTED ? "preempted" : "wakeup");
		break;
	case KDR_X_SYSCALL:
		kdr_json_key_u64(j, "nr", s->nr);
		if (!(s->flags & KDR_XS_UNFINISHED))
			kdr_json_key_i64(j, "ret", s->ret);
		if (s->flags & KDR_XS_HAS_STACK) {
			if (s->stack_flags & KDF_STACK_KERNEL_LOST)
				kdr_json_key_bool(j, "kernel_stack_lost", 1);
			if (s->stack_flags & KDF_STACK_USER_LOST)
				kdr_json_key_bool(j, "user_stack_lost", 1);
			put_stack(c, "kernel_stack", s->kstack_id, 1);
			put_stack(c, "user_stack", s->ustack_id, 0);
		}
		break;
	case KDR_X_HARDIRQ:
		kdr_json_key_u64(j, "irq", s->nr);
		kdr_json_key_bool(j, "handled", !!s->ret);
		break;
	case KDR_X_SOFTIRQ:
		kdr_json_key_u64(j, "vec", s->nr);
		break;
	default:
		break;
	}
	put_flags(c, s->flags);
	kdr_json_obj_end(j);
	kdr_json_obj_end(j);
	put_event_head(c, "E", tid, s->end);
	put_name(c, s, 0);
	kdr_json_obj_end(j);
	c->nslices++;
	return io_status(c);
}

static int on_trigger(void *ctx, const struct kdf_event *ev)
{
	struct chrome *c = ctx;
	struct kdr_json *j = c->j;
	const char *what = (ev->flags & KDF_TRIG_START) ? "start trigger"
			   : (ev->flags & KDF_TRIG_STOP) ? "stop trigger"
							 : "trigger";

	kdr_json_newline(j);
	kdr_json_obj_begin(j);
	kdr_json_key_cstr(j, "ph", "i");
	kdr_json_key_cstr(j, "s", "p");
	kdr_json_key_cstr(j, "name", what);
	kdr_json_key_cstr(j, "cat", "trigger");
	kdr_json_key_u64(j, "pid", c->x->meta->pid);
	kdr_json_key_u64(j, "tid", WINDOWS_TID);
	key_ts(c, "ts", ev->ts);
	kdr_json_key(j, "args");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "tid", ev->tid);
	kdr_json_key_u64(j, "cpu", ev->cpu);
	kdr_json_obj_end(j);
	kdr_json_obj_end(j);
	return io_status(c);
}

static void window_name(struct kdr_json *j, uint32_t index)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "window %u", index);
	kdr_json_key_cstr(j, "name", buf);
}

static int on_window(void *ctx, const struct kdf_window *w)
{
	struct chrome *c = ctx;
	struct kdr_json *j = c->j;
	const struct kdr_export *x = c->x;
	uint64_t s = w->start_ts, e = w->end_ts;

	if (e < s)
		e = s;
	if (e < x->from || s >= x->to)
		return 0;
	s = s < x->from ? x->from : s;
	e = e > x->to ? x->to : e;
	s = s < c->windows_end ? c->windows_end : s;
	e = e < s ? s : e;
	c->windows_end = e;
	put_event_head(c, e == s ? "X" : "B", WINDOWS_TID, s);
	if (e == s)
		kdr_json_key_u64(j, "dur", 0);
	window_name(j, w->index);
	kdr_json_key_cstr(j, "cat", "window");
	kdr_json_key(j, "args");
	kdr_json_obj_begin(j);
	kdr_json_key_bool(j, "triggered", !!(w->flags & KDF_WIN_TRIGGERED));
	kdr_json_key_bool(j, "skipped", !!(w->flags & KDF_WIN_SKIPPED));
	kdr_json_key_bool(j, "interrupted", !!(w->flags & KDF_WIN_INTERRUPTED));
	kdr_json_key_u64(j, "dropped", w->dropped);
	kdr_json_key_u64(j, "trigger_missed", w->trigger_missed);
	kdr_json_key_u64(j, "stacks_lost", w->stacks_lost);
	if (w->flags & KDR_WIN_UNCLOSED) { /* the text report's mark, the same words */
		kdr_json_key_bool(j, "incomplete", 1);
		kdr_json_key_cstr(j, "end_reason",
				  kdr_end_token(kdr_capture_end(x->has_summary, &x->summary,
								x->stats.truncated)));
	}
	kdr_json_obj_end(j);
	kdr_json_obj_end(j);
	if (e != s) {
		put_event_head(c, "E", WINDOWS_TID, e);
		window_name(j, w->index);
		kdr_json_obj_end(j);
	}
	return io_status(c);
}

static void header(struct chrome *c)
{
	const struct kdr_export *x = c->x;
	const struct kdf_meta *m = x->meta;
	struct kdr_json *j = c->j;
	/* Wall clock of t = 0, from the mono/realtime pair taken together. */
	uint64_t rt = m->realtime_ns + (x->origin - m->mono_ns);
	time_t sec = (time_t)(rt / 1000000000u);
	struct tm tm;
	char iso[64] = "", utc[96], buf[32];
	int n;

	if (gmtime_r(&sec, &tm))
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(utc, sizeof(utc), "%s.%09uZ", iso, (unsigned)(rt % 1000000000u));
	kdr_json_obj_begin(j);
	kdr_json_key_cstr(j, "displayTimeUnit", "ns");
	kdr_json_key(j, "otherData");
	kdr_json_obj_begin(j);
	kdr_json_key_cstr(j, "generator", "kdelay-report");
	/* absent metadata strings as "" (the viewer shows them as text) */
	kdr_json_key_cstr(j, "kdelay_version", m->kdelay_version ? m->kdelay_version : "");
	kdr_json_key_cstr(j, "hostname", m->hostname ? m->hostname : "");
	kdr_json_key_cstr(j, "kernel_release", m->kernel_release ? m->kernel_release : "");
	kdr_json_key_cstr(j, "arch", m->arch ? m->arch : "");
	kdr_json_key_cstr(j, "command_line", m->command_line ? m->command_line : "");
	kdr_json_key_u64(j, "pid", m->pid);
	kdr_json_key_cstr(j, "comm", m->comm ? m->comm : "");
	kdr_json_key_u64(j, "ts_origin_monotonic_ns", x->origin);
	kdr_json_key_u64(j, "ts_origin_realtime_ns", rt);
	kdr_json_key_cstr(j, "ts_origin_utc", utc);
	kdr_json_key_cstr(j, "ts_origin", "start of the first sample window");
	kdr_json_key_u64(j, "time_from_ns", x->from - x->origin);
	if (x->to != UINT64_MAX)
		kdr_json_key_u64(j, "time_to_ns", x->to - x->origin);
	kdr_json_obj_end(j);
	kdr_json_newline(j);
	kdr_json_key(j, "traceEvents");
	kdr_json_arr_begin(j);
	meta_event(c, "process_name", m->pid, m->pid);
	kdr_json_key(j, "name");
	kdr_json_str_open(j);
	kdr_json_str_part(j, m->comm ? m->comm : "", m->comm ? strlen(m->comm) : 0);
	n = snprintf(buf, sizeof(buf), " (pid %u)", m->pid);
	kdr_json_str_part(j, buf, (size_t)n);
	kdr_json_str_close(j);
	meta_end(c);
	meta_event(c, "thread_name", m->pid, WINDOWS_TID);
	kdr_json_key_cstr(j, "name", "sample windows");
	meta_end(c);
	meta_event(c, "thread_sort_index", m->pid, WINDOWS_TID);
	kdr_json_key_u64(j, "sort_index", 0);
	meta_end(c);
}

int kdr_export_chrome_json(const char *capture_path, const struct kdr_export_opts *opts)
{
	struct kdr_export x;
	struct chrome c = { 0 };
	struct kdr_xsink sink = { .ctx = &c, .slice = on_slice, .trigger = on_trigger,
				  .window = on_window };
	int rc;

	rc = kdr_export_open(&x, capture_path, opts, "chrome-json");
	if (rc != EX_OK)
		goto out;
	c.x = &x;
	c.declared = calloc(x.nthreads ? x.nthreads : 1, 1);
	c.j = kdr_json_new(opts->out, 0);
	if (!c.declared || !c.j) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory for %zu threads", x.nthreads);
		goto out;
	}
	header(&c);
	rc = kdr_export_scan(&x, &sink);
	/* the window the capture leaves open has no WINDOW item to scan */
	if (rc == EX_OK && x.nwindows && (x.windows[x.nwindows - 1].flags & KDR_WIN_UNCLOSED))
		rc = on_window(&c, &x.windows[x.nwindows - 1]);
	if (rc == EX_OK) {
		kdr_json_newline(c.j);
		kdr_json_arr_end(c.j);
		kdr_json_obj_end(c.j);
		kdr_json_newline(c.j); /* the file ends with a line end */
	}
	kdr_json_free(c.j); /* flushes: a write error shows in ferror() below */
	c.j = NULL;
	if (rc == EX_OK && ferror(opts->out))
		rc = EX_IOERR;
	if (rc == EX_IOERR) {
		rc = kdr_export_finish_output(&x);
		rc = rc == EX_OK ? EX_IOERR : rc;
		goto out;
	}
	if (rc != EX_OK)
		goto out;
	/* Browsers choke on traces of a few million slices: say how to cut. */
	if (c.nslices > 2000000)
		fprintf(x.err,
			"kdelay-report: chrome-json: note: %llu slices; if the viewer struggles, "
			"export less with --thread, --tid or a time range\n",
			(unsigned long long)c.nslices);
	rc = kdr_export_finish_output(&x);
out:
	kdr_json_free(c.j);
	free(c.declared);
	kdr_export_close(&x);
	return rc;
}
