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
	FILE *f;
	uint8_t *declared; /* per thread: bit per lane whose metadata is out */
	uint64_t windows_end;
	uint64_t nslices;
};

/* Decimal digits without printf: a long capture's JSON is mostly these
 * numbers, and vfprintf was most of the export's time. */
static void put_u64(FILE *f, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(p, 1, buf + sizeof(buf) - p, f);
}

static void put_us(FILE *f, uint64_t ns)
{
	char frac[4] = { '.', (char)('0' + ns / 100 % 10), (char)('0' + ns / 10 % 10),
			 (char)('0' + ns % 10) };

	put_u64(f, ns / 1000);
	fwrite(frac, 1, 4, f);
}

static void put_ts(struct chrome *c, uint64_t abs_ns)
{
	put_us(c->f, abs_ns - c->x->origin);
}

static uint32_t lane_tid(uint32_t tid, enum kdr_xlane lane)
{
	return tid + (uint32_t)lane * PID_MAX_LIMIT;
}

static void meta_event(struct chrome *c, const char *what, uint32_t tid)
{
	fprintf(c->f, ",\n{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%u,\"tid\":%u,\"args\":", what,
		c->x->meta->pid, tid);
}

static void declare_lane(struct chrome *c, const struct kdr_xthread *t, enum kdr_xlane lane)
{
	uint8_t *d = &c->declared[t - c->x->threads];
	uint32_t tid = lane_tid(t->tid, lane);
	char buf[64];
	int n;

	if (*d & (1u << lane))
		return;
	*d |= 1u << lane;
	meta_event(c, "thread_name", tid);
	/* "NAME (lane)": the name's raw bytes and our suffix, one string. */
	fputs("{\"name\":\"", c->f);
	if (t->name) {
		kdr_json_put_chars(c->f, t->name, t->name_len, 0);
	} else {
		n = snprintf(buf, sizeof(buf), "tid %u", t->tid);
		kdr_json_put_chars(c->f, buf, (size_t)n, 0);
	}
	fprintf(c->f, " (%s)\"}}", lane_names[lane]);
	meta_event(c, "thread_sort_index", tid);
	fprintf(c->f, "{\"sort_index\":%u}}", t->order * KDR_NLANES + lane + 1);
}

static void put_stack(struct chrome *c, const char *key, uint32_t id, int is_kernel)
{
	const uint64_t *ips;
	uint32_t n = 0, i;
	char frame[512];

	ips = id ? kdf_reader_stack(c->x->r, id, &n) : NULL;
	if (!ips)
		return;
	fprintf(c->f, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		kdr_symbols_frame(c->x->syms, ips[i], is_kernel, frame, sizeof(frame));
		if (i)
			putc(',', c->f);
		kdr_json_put_cstring(c->f, frame, 0);
	}
	putc(']', c->f);
}

static void put_flags(struct chrome *c, uint32_t flags)
{
	if (flags & KDR_XS_OPEN_START)
		fputs(",\"started_before_capture\":true", c->f);
	if (flags & KDR_XS_UNFINISHED)
		fputs(",\"unfinished\":true", c->f);
	if (flags & KDR_XS_CLIPPED)
		fputs(",\"clipped\":true", c->f);
	if (flags & KDR_XS_LOST)
		fputs(",\"spans_lost_events\":true", c->f);
}

/* Lane tids are made up: args carry the real one first. */
static void put_args(struct chrome *c, const struct kdr_xslice *s)
{
	fputs(",\"args\":{\"tid\":", c->f);
	put_u64(c->f, s->thread->tid);
}

/* ,"name":...,"cat":... of a slice: on its begin, and the name again on
 * its end (speedscope matches an end to its begin by name). */
static void put_name(struct chrome *c, const struct kdr_xslice *s, int with_cat)
{
	char buf[64];
	const char *name;
	size_t len;

	fputs(",\"name\":", c->f);
	switch (s->kind) {
	case KDR_X_RUNNING:
		fputs("\"running\"", c->f);
		if (with_cat)
			fputs(",\"cat\":\"sched\",\"cname\":\"thread_state_running\"", c->f);
		break;
	case KDR_X_READY:
		fputs("\"ready\"", c->f);
		if (with_cat)
			fputs(",\"cat\":\"sched\",\"cname\":\"thread_state_runnable\"", c->f);
		break;
	case KDR_X_SYSCALL:
		name = kdr_export_syscall_name(c->x, s->nr, buf, sizeof(buf));
		kdr_json_put_cstring(c->f, name, 0);
		if (with_cat)
			fputs(",\"cat\":\"syscall\"", c->f);
		break;
	case KDR_X_HARDIRQ:
		name = s->name_id ? kdf_reader_string(c->x->r, s->name_id, &len) : NULL;
		if (name) {
			kdr_json_put_string(c->f, name, len, 0);
		} else {
			snprintf(buf, sizeof(buf), "irq %u", s->nr);
			kdr_json_put_cstring(c->f, buf, 0);
		}
		if (with_cat)
			fputs(",\"cat\":\"hardirq\"", c->f);
		break;
	default:
		name = kdr_export_softirq_name(s->nr, buf, sizeof(buf));
		kdr_json_put_cstring(c->f, name, 0);
		if (with_cat)
			fputs(",\"cat\":\"softirq\"", c->f);
		break;
	}
}

/* ,\n{"ph":"P","pid":N,"tid":N,"ts":T - the head every event of a track
 * starts with. */
static void put_event_head(struct chrome *c, char ph, uint32_t tid, uint64_t abs_ns)
{
	char head[] = ",\n{\"ph\":\"?\",\"pid\":";

	*strchr(head, '?') = ph;
	fputs(head, c->f);
	put_u64(c->f, c->x->meta->pid);
	fputs(",\"tid\":", c->f);
	put_u64(c->f, tid);
	fputs(",\"ts\":", c->f);
	put_ts(c, abs_ns);
}

static int on_slice(void *ctx, const struct kdr_xslice *s)
{
	struct chrome *c = ctx;
	enum kdr_xlane lane = kdr_xlane_of(s->kind);
	uint32_t tid = lane_tid(s->thread->tid, lane);

	if (s->end == s->start)
		return 0;
	declare_lane(c, s->thread, lane);
	put_event_head(c, 'B', tid, s->start);
	put_name(c, s, 1);
	put_args(c, s);
	switch (s->kind) {
	case KDR_X_READY:
		/* Ready since before the capture: the reason was not seen. */
		if (!(s->flags & KDR_XS_OPEN_START))
			fputs(s->flags & KDR_XS_PREEMPTED ? ",\"reason\":\"preempted\""
							  : ",\"reason\":\"wakeup\"",
			      c->f);
		break;
	case KDR_X_SYSCALL:
		fputs(",\"nr\":", c->f);
		put_u64(c->f, s->nr);
		if (!(s->flags & KDR_XS_UNFINISHED)) {
			fputs(s->ret < 0 ? ",\"ret\":-" : ",\"ret\":", c->f);
			put_u64(c->f, s->ret < 0 ? (uint64_t)-(int64_t)s->ret : (uint64_t)s->ret);
		}
		if (s->flags & KDR_XS_HAS_STACK) {
			if (s->stack_flags & KDF_STACK_KERNEL_LOST)
				fputs(",\"kernel_stack_lost\":true", c->f);
			if (s->stack_flags & KDF_STACK_USER_LOST)
				fputs(",\"user_stack_lost\":true", c->f);
			put_stack(c, "kernel_stack", s->kstack_id, 1);
			put_stack(c, "user_stack", s->ustack_id, 0);
		}
		break;
	case KDR_X_HARDIRQ:
		fprintf(c->f, ",\"irq\":%u,\"handled\":%s", s->nr, s->ret ? "true" : "false");
		break;
	case KDR_X_SOFTIRQ:
		fprintf(c->f, ",\"vec\":%u", s->nr);
		break;
	default:
		break;
	}
	put_flags(c, s->flags);
	fputs("}}", c->f);
	put_event_head(c, 'E', tid, s->end);
	put_name(c, s, 0);
	putc('}', c->f);
	c->nslices++;
	return ferror(c->f) ? EX_IOERR : 0;
}

static int on_trigger(void *ctx, const struct kdf_event *ev)
{
	struct chrome *c = ctx;
	const char *what = (ev->flags & KDF_TRIG_START) ? "start trigger"
			   : (ev->flags & KDF_TRIG_STOP) ? "stop trigger"
							 : "trigger";

	fprintf(c->f, ",\n{\"ph\":\"i\",\"s\":\"p\",\"name\":\"%s\",\"cat\":\"trigger\",\"pid\":%u,"
		      "\"tid\":%u,\"ts\":",
		what, c->x->meta->pid, WINDOWS_TID);
	put_ts(c, ev->ts);
	fprintf(c->f, ",\"args\":{\"tid\":%u,\"cpu\":%u}}", ev->tid, ev->cpu);
	return ferror(c->f) ? EX_IOERR : 0;
}

static int on_window(void *ctx, const struct kdf_window *w)
{
	struct chrome *c = ctx;
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
	put_event_head(c, e == s ? 'X' : 'B', WINDOWS_TID, s);
	if (e == s)
		fputs(",\"dur\":0", c->f);
	fprintf(c->f, ",\"name\":\"window %u\",\"cat\":\"window\"", w->index);
	fprintf(c->f,
		",\"args\":{\"triggered\":%s,\"skipped\":%s,\"interrupted\":%s,"
		"\"dropped\":%" PRIu64 ",\"trigger_missed\":%" PRIu64 ",\"stacks_lost\":%" PRIu64,
		w->flags & KDF_WIN_TRIGGERED ? "true" : "false",
		w->flags & KDF_WIN_SKIPPED ? "true" : "false",
		w->flags & KDF_WIN_INTERRUPTED ? "true" : "false", w->dropped, w->trigger_missed,
		w->stacks_lost);
	if (w->flags & KDR_WIN_UNCLOSED) /* the text report's mark, the same words */
		fprintf(c->f, ",\"incomplete\":true,\"end_reason\":\"%s\"",
			kdr_end_token(kdr_capture_end(x->has_summary, &x->summary, x->stats.truncated)));
	fputs("}}", c->f);
	if (e != s) {
		put_event_head(c, 'E', WINDOWS_TID, e);
		fprintf(c->f, ",\"name\":\"window %u\"}", w->index);
	}
	return ferror(c->f) ? EX_IOERR : 0;
}

static void put_meta_str(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",\"%s\":", key);
	kdr_json_put_cstring(f, v, 0);
}

static void header(struct chrome *c)
{
	const struct kdr_export *x = c->x;
	const struct kdf_meta *m = x->meta;
	/* Wall clock of t = 0, from the mono/realtime pair taken together. */
	uint64_t rt = m->realtime_ns + (x->origin - m->mono_ns);
	time_t sec = (time_t)(rt / 1000000000u);
	struct tm tm;
	char iso[64] = "";

	if (gmtime_r(&sec, &tm))
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"kdelay-report\"", c->f);
	put_meta_str(c->f, "kdelay_version", m->kdelay_version);
	put_meta_str(c->f, "hostname", m->hostname);
	put_meta_str(c->f, "kernel_release", m->kernel_release);
	put_meta_str(c->f, "arch", m->arch);
	put_meta_str(c->f, "command_line", m->command_line);
	fprintf(c->f, ",\"pid\":%u", m->pid);
	put_meta_str(c->f, "comm", m->comm);
	fprintf(c->f,
		",\"ts_origin_monotonic_ns\":%" PRIu64 ",\"ts_origin_realtime_ns\":%" PRIu64
		",\"ts_origin_utc\":\"%s.%09uZ\",\"ts_origin\":\"start of the first sample window\""
		",\"time_from_ns\":%" PRIu64,
		x->origin, rt, iso, (unsigned)(rt % 1000000000u), x->from - x->origin);
	if (x->to != UINT64_MAX)
		fprintf(c->f, ",\"time_to_ns\":%" PRIu64, x->to - x->origin);
	fputs("},\n\"traceEvents\":[\n", c->f);
	/* The first element has no leading comma; every later one has. */
	fprintf(c->f, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"tid\":%u,\"args\":",
		m->pid, m->pid);
	fputs("{\"name\":\"", c->f);
	kdr_json_put_chars(c->f, m->comm ? m->comm : "", m->comm ? strlen(m->comm) : 0, 0);
	fprintf(c->f, " (pid %u)\"}}", m->pid);
	meta_event(c, "thread_name", WINDOWS_TID);
	fputs("{\"name\":\"sample windows\"}}", c->f);
	meta_event(c, "thread_sort_index", WINDOWS_TID);
	fputs("{\"sort_index\":0}}", c->f);
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
	c.f = opts->out;
	c.declared = calloc(x.nthreads ? x.nthreads : 1, 1);
	if (!c.declared) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory for %zu threads", x.nthreads);
		goto out;
	}
	/* One lock for the whole export, not one per fwrite (glibc then takes
	 * the recursive fast path). */
	flockfile(c.f);
	header(&c);
	rc = kdr_export_scan(&x, &sink);
	/* the window the capture leaves open has no WINDOW item to scan */
	if (rc == EX_OK && x.nwindows && (x.windows[x.nwindows - 1].flags & KDR_WIN_UNCLOSED))
		rc = on_window(&c, &x.windows[x.nwindows - 1]);
	funlockfile(c.f);
	if (rc == EX_IOERR) {
		rc = kdr_export_finish_output(&x);
		rc = rc == EX_OK ? EX_IOERR : rc;
		goto out;
	}
	if (rc != EX_OK)
		goto out;
	fputs("\n]}\n", c.f);
	/* Browsers choke on traces of a few million slices: say how to cut. */
	if (c.nslices > 2000000)
		fprintf(x.err,
			"kdelay-report: chrome-json: note: %llu slices; if the viewer struggles, "
			"export less with --thread, --tid or a time range\n",
			(unsigned long long)c.nslices);
	rc = kdr_export_finish_output(&x);
out:
	free(c.declared);
	kdr_export_close(&x);
	return rc;
}
