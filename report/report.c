// SPDX-License-Identifier: BSD-2-Clause
/*
 * report.c - kdr_report_file(): one streaming pass over a capture.
 *
 * Events of a window come first in the file, then the thread names and
 * symbols they need, then the WINDOW item that closes the window: events
 * are accumulated as they come (stats.c), and the window is rendered when
 * its WINDOW item arrives, then forgotten.  Events after the last WINDOW
 * item belong to a window that never closed (the recorder was killed or
 * stopped writing): it is rendered at the end of the file, from its first
 * to its last event, marked incomplete (capture_end.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "capture_end.h"
#include "report.h"
#include "sink.h"
#include "wakers_out.h"
#include "culprits_out.h"
#include "census_out.h"

struct run {
	struct kdr_ctx c;
	struct kdr_stats *st;
	struct kdr_wakers *wakers; /* NULL when not shown */
	struct kdr_culprits *culprits; /* NULL when not shown */
	struct kdr_census *census; /* NULL when not shown */
	struct kdr_view_buf vb;
	const struct kdr_sink *sink;
	struct kdr_json_state js;
	struct kdr_totals tot;
	struct kdf_summary sum;
	int has_summary;
	struct kdr_unclosed unclosed;
	uint64_t windows_seen;
	int found; /* the window asked for with o->window was reported */
};

void kdr_options_init(struct kdr_options *o)
{
	memset(o, 0, sizeof(*o));
	o->format = KDR_FMT_TEXT;
	o->sections = KDR_SEC_ALL;
	o->window = -1;
	o->trigger_delta_ns = KDR_FROM_CAPTURE;
	o->syscall_events_ns = KDR_FROM_CAPTURE;
	o->skip_syscall_poll_events = KDR_FROM_CAPTURE;
	o->time_end_s = -1;
	o->prog = "kdelay-report";
}

static void on_warning(void *ctx, uint64_t offset, const char *msg)
{
	struct run *run = ctx;

	fprintf(run->c.err, "%s: warning: %s: offset %" PRIu64 ": %s\n", run->c.prog,
		run->c.path ? run->c.path : "capture", offset, msg);
}

static int open_error(struct run *run, int err, const char *msg)
{
	const char *what = run->c.path ? run->c.path : "capture";

	fprintf(run->c.err, "%s: %s: %s\n", run->c.prog, what, *msg ? msg : kdf_strerror(err));
	switch (err) {
	case KDF_E_IO:
		return EX_NOINPUT;
	case KDF_E_NOMEM:
		return EX_OSERR;
	default: /* not a capture, newer version, bad header or meta */
		return EX_DATAERR;
	}
}

/* Resolve the options against the capture's metadata. */
static int setup(struct run *run)
{
	struct kdr_ctx *c = &run->c;
	const struct kdr_options *o = c->o;
	const struct kdf_options *ro;
	char msg[256] = "";
	int rc;

	c->meta = kdf_reader_meta(c->r);
	ro = &c->meta->options;
	c->wt.mono_ns = c->meta->mono_ns;
	c->wt.realtime_ns = c->meta->realtime_ns;
	c->poll_nr = KDR_NO_NR;
	for (uint32_t i = 0; c->meta->syscall_names && i < c->meta->syscall_count; i++)
		if (c->meta->syscall_names[i] && !strcmp(c->meta->syscall_names[i], "poll"))
			c->poll_nr = i;
	if (o->syscall_events_ns == KDR_FROM_CAPTURE)
		c->list_ns = ro->syscall_events_ns < 0 ? -1 : ro->syscall_events_ns;
	else
		c->list_ns = o->syscall_events_ns < 0 ? -1 : o->syscall_events_ns;
	c->skip_poll = o->skip_syscall_poll_events == KDR_FROM_CAPTURE ?
			       !!ro->skip_syscall_poll_events : !!o->skip_syscall_poll_events;
	c->trigger_delta = o->trigger_delta_ns < 0 ? ro->trigger_delta_ns
						   : (uint64_t)o->trigger_delta_ns;
	rc = kdr_filter_init(&c->filter, o, c->meta, msg, sizeof(msg));
	if (rc) {
		fprintf(c->err, "%s: %s\n", c->prog, msg);
		return rc;
	}
	c->threads = kdr_threads_new();
	c->syms = kdr_symbols_new();
	if (!c->threads || !c->syms)
		return EX_OSERR;
	return 0;
}

static void teardown(struct run *run)
{
	kdr_filter_free(&run->c.filter);
	kdr_threads_free(run->c.threads);
	kdr_symbols_free(run->c.syms);
	kdr_stats_free(run->st);
	kdr_wakers_free(run->wakers);
	kdr_culprits_free(run->culprits);
	kdr_census_free(run->census);
	kdr_view_buf_free(&run->vb);
}

static int selected(const struct run *run)
{
	return run->c.o->window < 0 || run->windows_seen == (uint64_t)run->c.o->window;
}

/* Are the window's events needed?  Not for a text footer alone (what
 * kdelay asks for at the end of its run). */
static int wants_events(const struct run *run)
{
	const struct kdr_options *o = run->c.o;

	return selected(run) && (o->format != KDR_FMT_TEXT || (o->sections & KDR_SEC_DUMP));
}

/* The footer says where events were lost (losses.h), over the windows shown. */
static void losses_total(struct kdr_totals *t, const struct kdr_wview *v)
{
	const struct kdr_losses *l = v->losses;

	if (l && l->records) {
		if (!t->losses.records || l->first_ts < t->losses.first_ts)
			t->losses.first_ts = l->first_ts;
		if (l->end > t->losses.end)
			t->losses.end = l->end;
		t->losses.records += l->records;
		t->losses.count += l->count;
	}
	for (size_t i = 0; i < v->nthreads; i++)
		t->unknown += v->threads[i].unknown_total;
}

/* w closed (a WINDOW item), or never did (KDR_WIN_UNCLOSED, at the end). */
/* The bounds known before a window's events come (--time-range, the end
 * of the window before), for every engine that reads them. */
static void set_bounds(struct run *run, uint64_t lo, uint64_t hi)
{
	kdr_stats_set_bounds(run->st, lo, hi);
	if (run->wakers)
		kdr_wakers_set_bounds(run->wakers, lo, hi);
	if (run->culprits)
		kdr_culprits_set_bounds(run->culprits, lo, hi);
}

/* on_window(): the listed syscalls could not be written to or read back
 * from their spill file (said already); -1 is out of memory. */
#define KDR_SPILL_FAILED (-2)

/* Did the statistics fail to spill the listed syscalls?  Says so. */
static int spill_write_failed(struct run *run)
{
	int err = kdr_stats_spill_error(run->st);

	if (err)
		fprintf(run->c.err, "%s: writing the listed syscall events to a temporary file in %s "
			"failed: %s: set TMPDIR to a writable directory with free space\n",
			run->c.prog, kdr_sysev_tmpdir(), strerror(err));
	return !!err;
}

static int on_window(struct run *run, const struct kdf_window *w, enum kdr_end end)
{
	struct kdr_ctx *c = &run->c;
	uint64_t lo = w->start_ts, hi = w->end_ts < w->start_ts ? w->start_ts : w->end_ts;
	struct kdr_wview v;
	int rc = 0;

	if (!(w->flags & KDR_WIN_UNCLOSED))
		run->tot.windows++;
	if (!selected(run))
		goto next;
	if (lo < c->filter.lo)
		lo = c->filter.lo;
	if (hi > c->filter.hi)
		hi = c->filter.hi;
	if (lo > hi) /* outside --time-range */
		goto next;
	/* the footer speaks of the windows shown */
	run->tot.dropped += w->dropped;
	run->tot.trigger_missed += w->trigger_missed;
	run->tot.stacks_lost += w->stacks_lost;
	/* (the syscalls held back for a stack are listed now) */
	if (kdr_stats_close(run->st, lo, hi) && spill_write_failed(run)) {
		rc = KDR_SPILL_FAILED;
		goto next;
	}
	if (kdr_view_build(c, &run->vb, run->st, w, lo, hi, &v)) {
		rc = kdr_view_events_failed(&run->vb) ? KDR_SPILL_FAILED : -1;
		goto next;
	}
	v.end = end;
	if (run->wakers && !v.skip) {
		kdr_wakers_close(run->wakers, lo, hi); /* out of memory: said in its output */
		v.wakers = run->wakers;
	}
	if (run->culprits && !v.skip) {
		kdr_culprits_close(run->culprits, lo, hi); /* out of memory: said in its output */
		v.culprits = run->culprits;
	}
	if (run->census && !v.skip) {
		kdr_census_close(run->census); /* out of memory: said in its output */
		v.census = run->census;
		if (kdr_view_add_silent(c, &run->vb, run->census, &v))
			rc = -1;
	}
	run->tot.reported++;
	run->tot.unclosed_reported += !!(w->flags & KDR_WIN_UNCLOSED);
	run->found = 1;
	losses_total(&run->tot, &v);
	if (run->sink->window(c, &run->js, &v))
		rc = kdr_view_events_failed(&run->vb) ? KDR_SPILL_FAILED : -1;
	if (v.wakers && c->o->format == KDR_FMT_TEXT && (c->o->sections & KDR_SEC_DUMP))
		kdr_wakers_text(c, v.wakers, hi);
	if (v.culprits && c->o->format == KDR_FMT_TEXT && (c->o->sections & KDR_SEC_DUMP))
		kdr_culprits_text(c, v.culprits, hi);
	if (v.census && c->o->census && c->o->format == KDR_FMT_TEXT &&
	    (c->o->sections & KDR_SEC_DUMP))
		kdr_census_text(c, v.census, hi);
next:
	kdr_stats_reset(run->st);
	if (run->wakers)
		kdr_wakers_reset(run->wakers);
	if (run->culprits)
		kdr_culprits_reset(run->culprits);
	if (run->census)
		kdr_census_reset(run->census);
	/* events of this window that reach the file late are not the next one's */
	set_bounds(run, w->end_ts > c->filter.lo ? w->end_ts : c->filter.lo, c->filter.hi);
	run->windows_seen++;
	return rc;
}

static void incomplete_warnings(struct run *run, const struct kdf_read_stats *rs, int fatal,
				enum kdr_end end)
{
	struct kdr_ctx *c = &run->c;
	const char *what = c->path ? c->path : "capture";
	struct kdr_totals *t = &run->tot;

	if (rs->truncated)
		fprintf(c->err, "%s: warning: %s is truncated (it ends inside a chunk): "
			"%" PRIu64 " complete window(s) read, what followed is missing\n", c->prog,
			what, t->windows);
	else if ((!rs->has_summary && !fatal) || kdr_end_lost(end))
		fprintf(c->err, "%s: warning: %s: %s\n", c->prog, what, kdr_end_text(end));
	if (t->unclosed_reported)
		fprintf(c->err, "%s: warning: %s: window %" PRIu32 " never closed: reported up to "
			"its last event (%" PRIu64 " events), marked incomplete\n", c->prog, what,
			run->unclosed.index, t->unclosed_events);
	else if (t->unclosed_events)
		fprintf(c->err, "%s: warning: %s: %" PRIu64 " events after the last complete window "
			"belong to a window that never closed, outside the time range\n", c->prog,
			what, t->unclosed_events);
	if (rs->chunks_bad)
		fprintf(c->err, "%s: warning: %s: %" PRIu64 " corrupt chunk(s) skipped: "
			"the windows they belonged to are incomplete\n", c->prog, what, rs->chunks_bad);
}

/* The accumulators and the sink, once the options are resolved. */
static int start(struct run *run)
{
	struct kdr_ctx *c = &run->c;
	const struct kdr_options *o = c->o;
	struct kdr_stats_cfg cfg = { 0 };
	uint32_t minor;

	cfg.list_ns = c->list_ns;
	cfg.poll_nr = c->poll_nr;
	cfg.skip_poll = c->skip_poll;
	cfg.only_nr = c->filter.nr;
	cfg.tids = c->filter.tids;
	cfg.ntids = c->filter.ntids;
	cfg.histograms = o->histograms;
	cfg.budget = o->budget;
	run->st = kdr_stats_new(&cfg);
	if (!run->st)
		return EX_OSERR;
	kdf_reader_version(c->r, NULL, &minor);
	if (o->wakers || (o->format == KDR_FMT_JSON && minor >= 2)) {
		run->wakers = kdr_wakers_new(c->meta->pid);
		if (!run->wakers)
			return EX_OSERR;
	}
	if (o->culprits || (o->format == KDR_FMT_JSON && minor >= 2)) {
		run->culprits = kdr_culprits_new(c->meta->pid, minor >= 2);
		if (!run->culprits)
			return EX_OSERR;
	}
	/* the time budget accounts for the silent threads too (not in the
	 * tables: their rows are the statistics' threads) */
	if (o->census || (o->format == KDR_FMT_JSON && minor >= 2) ||
	    (o->budget && o->format == KDR_FMT_TEXT && minor >= 2)) {
		run->census = kdr_census_new();
		if (!run->census)
			return EX_OSERR;
	}
	set_bounds(run, c->filter.lo, c->filter.hi);
	run->sink = o->format == KDR_FMT_JSON	  ? &kdr_json_sink
		    : o->format == KDR_FMT_TABLES ? &kdr_tables_sink
						  : &kdr_text_sink;
	if (run->sink->begin(c, &run->js))
		return EX_OSERR;
	return 0;
}

/* Read on from where the reader is, up to the end of the capture or of
 * the window asked for, and end the report. */
static int read_on(struct run *run)
{
	struct kdr_ctx *c = &run->c;
	const struct kdr_options *o = c->o;
	struct kdf_read_stats rs;
	struct kdf_window last;
	struct kdf_item it;
	enum kdr_end end;
	int rc, wrc, status = 0, oom = 0, io = 0;

	while ((rc = kdf_reader_next(c->r, &it)) > 0) {
		switch (it.type) {
		case KDF_ITEM_EVENTS:
			kdr_unclosed_item(&run->unclosed, &it);
			if (wants_events(run) &&
			    (it.u.events.in_order
				     ? kdr_stats_feed_in_order(run->st, it.u.events.v, it.u.events.n)
				     : kdr_stats_feed(run->st, it.u.events.v, it.u.events.n))) {
				if (spill_write_failed(run)) {
					io = 1;
				} else {
					oom = 1;
				}
			}
			if (run->wakers && wants_events(run) &&
			    kdr_wakers_feed(run->wakers, it.u.events.v, it.u.events.n))
				oom = 1;
			if (run->culprits && wants_events(run) &&
			    kdr_culprits_feed(run->culprits, it.u.events.v, it.u.events.n))
				oom = 1;
			if (run->census && wants_events(run) &&
			    kdr_census_feed(run->census, it.u.events.v, it.u.events.n))
				oom = 1;
			break;
		case KDF_ITEM_THREAD:
			if (kdr_threads_add(c->threads, it.u.thread.tid, it.u.thread.ts,
					    it.u.thread.name, it.u.thread.name_len))
				oom = 1;
			break;
		case KDF_ITEM_SYMBOLS:
			if (kdr_symbols_add(c->syms, it.u.symbols.v, it.u.symbols.n))
				oom = 1;
			break;
		case KDF_ITEM_WINDOW:
			it.u.window.flags &= ~KDR_WIN_UNCLOSED; /* the report's mark only */
			kdr_unclosed_closed(&run->unclosed, &it.u.window);
			wrc = on_window(run, &it.u.window, KDR_END_STOPPED);
			if (wrc == KDR_SPILL_FAILED)
				io = 1;
			else if (wrc)
				oom = 1;
			break;
		case KDF_ITEM_SUMMARY:
			run->sum = it.u.summary;
			run->has_summary = 1;
			break;
		}
		if (io || (o->window >= 0 && run->windows_seen > (uint64_t)o->window))
			break;
	}
	if (rc < 0) {
		fprintf(c->err, "%s: %s: %s: reading stopped after window %" PRIu64 "\n", c->prog,
			c->path ? c->path : "capture", kdf_strerror(rc), run->tot.windows);
		status = rc == KDF_E_NOMEM ? EX_OSERR : rc == KDF_E_IO ? EX_IOERR : EX_DATAERR;
	}
	if (oom) {
		fprintf(c->err, "%s: out of memory: the report is incomplete\n", c->prog);
		status = EX_OSERR;
	}
	if (io)
		status = EX_IOERR; /* (said where it failed) */

	kdf_reader_stats(c->r, &rs);
	end = kdr_capture_end(run->has_summary, &run->sum, rs.truncated);
	run->tot.unclosed_events = run->unclosed.events;
	if (!io && o->window < 0 && kdr_unclosed_get(&run->unclosed, &last)) {
		wrc = on_window(run, &last, end);
		if (wrc == KDR_SPILL_FAILED) {
			status = EX_IOERR;
		} else if (wrc) {
			fprintf(c->err, "%s: out of memory: the report is incomplete\n", c->prog);
			status = EX_OSERR;
		}
	}
	run->tot.has_summary = rs.has_summary;
	run->tot.truncated = rs.truncated;
	run->tot.chunks_bad = rs.chunks_bad;
	if (rs.has_summary && o->window < 0 && !o->has_time_range) {
		/* drops outside any window are in the summary only */
		if (run->sum.dropped > run->tot.dropped)
			run->tot.dropped = run->sum.dropped;
		if (run->sum.trigger_missed > run->tot.trigger_missed)
			run->tot.trigger_missed = run->sum.trigger_missed;
		if (run->sum.stacks_lost > run->tot.stacks_lost)
			run->tot.stacks_lost = run->sum.stacks_lost;
	}
	if (o->window >= 0) {
		run->tot.complete = run->found;
		run->tot.unclosed_events = 0;
	} else {
		run->tot.complete = !rs.truncated && rs.has_summary && !rs.chunks_bad &&
				    !run->tot.unclosed_events && !kdr_end_lost(end) && rc == 0;
		if (!run->tot.complete && !io) /* (stopped on purpose: said why) */
			incomplete_warnings(run, &rs, rc < 0, end);
	}
	run->sink->end(c, &run->js, &run->tot);
	fflush(c->out);
	if (ferror(c->out)) {
		fprintf(c->err, "%s: writing the report failed\n", c->prog);
		return EX_IOERR;
	}
	if (status)
		return status;
	if (o->window >= 0) {
		if (run->found)
			return KDR_EXIT_OK;
		fprintf(c->err, "%s: %s: no window %" PRId64 " (%" PRIu64 " windows)\n", c->prog,
			c->path ? c->path : "capture", o->window, run->tot.windows);
		return EX_DATAERR;
	}
	return run->tot.complete ? KDR_EXIT_OK : KDR_EXIT_INCOMPLETE;
}

static int report(struct run *run)
{
	int rc;

	rc = setup(run);
	if (rc)
		return rc;
	if (run->c.o->info)
		return kdr_info(&run->c);
	rc = start(run);
	return rc ? rc : read_on(run);
}

static int check_options(const struct kdr_options *o, FILE *err)
{
	const char *prog = o->prog ? o->prog : "kdelay-report";

	if ((o->ntids && !o->tids) ||
	    (o->format != KDR_FMT_TEXT && o->format != KDR_FMT_JSON &&
	     !(o->format == KDR_FMT_TABLES && o->tables))) {
		fprintf(err, "%s: invalid options\n", prog);
		return EX_USAGE;
	}
	return 0;
}

static int run_on(struct run *run, struct kdf_reader *r, int err, const char *msg)
{
	int rc;

	if (!r)
		return open_error(run, err, msg);
	run->c.r = r;
	rc = report(run);
	teardown(run);
	kdf_reader_close(r);
	return rc;
}

static void run_init(struct run *run, const char *path, const struct kdr_options *o, FILE *out,
		     FILE *err)
{
	memset(run, 0, sizeof(*run));
	run->c.o = o;
	run->c.path = path;
	run->c.prog = o->prog ? o->prog : "kdelay-report";
	run->c.out = out;
	run->c.err = err;
}

int kdr_report_file(const char *path, const struct kdr_options *o, FILE *out, FILE *err)
{
	struct kdf_reader *r;
	struct run run;
	char msg[256] = "";
	int e = 0, rc;

	if (!path)
		path = "kdelay.data";
	rc = check_options(o, err);
	if (rc)
		return rc;
	run_init(&run, path, o, out, err);
	r = kdf_reader_open(path, on_warning, &run, &e, msg, sizeof(msg));
	if (r)
		kdf_reader_read_ahead(r); /* the statistics: the other core decodes */
	return run_on(&run, r, e, msg);
}

int kdr_report_mem(const void *buf, size_t len, const struct kdr_options *o, FILE *out, FILE *err)
{
	struct kdf_reader *r;
	struct run run;
	char msg[256] = "";
	int e = 0, rc;

	rc = check_options(o, err);
	if (rc)
		return rc;
	run_init(&run, NULL, o, out, err);
	r = kdf_reader_open_mem(buf, len, on_warning, &run, &e, msg, sizeof(msg));
	return run_on(&run, r, e, msg);
}

/*
 * Following a capture being written: one run kept open across windows.
 * The reader resumes at the first chunk it has not read and keeps its
 * tables; the run keeps its window count, accumulators, thread names and
 * symbols; so reporting a window reads only what was appended since the
 * previous one.
 */
struct kdr_follow {
	struct run run;
	struct kdr_options o; /* run.c.o; o.window changes per call */
	int rc;		      /* the open's failure (said once), for every window */
};

struct kdr_follow *kdr_follow_open(const char *path, const struct kdr_options *o, FILE *err)
{
	struct kdr_follow *f;
	struct kdf_reader *r;
	char msg[256] = "";
	int e = 0;

	if (!path)
		path = "kdelay.data";
	f = calloc(1, sizeof(*f));
	if (!f) {
		fprintf(err, "%s: out of memory\n", o->prog ? o->prog : "kdelay-report");
		return NULL;
	}
	f->o = *o;
	f->o.info = 0;
	f->rc = check_options(&f->o, err);
	if (f->rc)
		return f;
	/* JSON is one document for the whole capture, not one per window. */
	if (f->o.format != KDR_FMT_TEXT) {
		fprintf(err, "%s: following a capture reports text only\n",
			o->prog ? o->prog : "kdelay-report");
		f->rc = EX_USAGE;
		return f;
	}
	run_init(&f->run, path, &f->o, stdout, err);
	r = kdf_reader_open(path, on_warning, &f->run, &e, msg, sizeof(msg));
	if (!r) {
		f->rc = open_error(&f->run, e, msg);
		return f;
	}
	kdf_reader_follow(r);
	kdf_reader_read_ahead(r);
	f->run.c.r = r;
	f->rc = setup(&f->run);
	if (!f->rc)
		f->rc = start(&f->run);
	return f;
}

int kdr_follow_window(struct kdr_follow *f, int64_t index, FILE *out, FILE *err)
{
	struct run *run = &f->run;

	if (f->rc)
		return f->rc;
	f->o.window = index;
	run->c.out = out;
	run->c.err = err;
	run->found = 0;
	return read_on(run);
}

void kdr_follow_close(struct kdr_follow *f)
{
	if (!f)
		return;
	teardown(&f->run);
	if (f->run.c.r)
		kdf_reader_close(f->run.c.r);
	free(f);
}
