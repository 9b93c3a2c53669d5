// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_html.c - one self-contained HTML page: the template, CSS and JS
 * of report/html_template.html, html_style.css and html_app.js (compiled
 * in as report/html_assets.h by report/export.mk), and the capture's
 * aggregates as JSON in a <script type="application/json"> element that
 * html_app.js renders.  No network access: nothing is loaded from
 * elsewhere, so the page can be attached to a bug report as is.
 *
 * The data is written by the JSON writer in HTML mode: a thread named
 * "</script>" cannot end the data element.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "capture_end.h"
#include "export_html.h"
#include "export_html_who.h"
#include "html_assets.h"
#include "json.h"

static const char *const event_names[KDF_EV_TYPE_MAX + 1] = {
	[KDF_EV_SYS_ENTER] = "sys_enter",	  [KDF_EV_SYS_EXIT] = "sys_exit",
	[KDF_EV_SWITCH] = "sched_switch",	  [KDF_EV_WAKEUP] = "sched_wakeup",
	[KDF_EV_IRQ_ENTRY] = "irq_entry",	  [KDF_EV_IRQ_EXIT] = "irq_exit",
	[KDF_EV_SOFTIRQ_ENTRY] = "softirq_entry", [KDF_EV_SOFTIRQ_EXIT] = "softirq_exit",
	[KDF_EV_TRIGGER] = "trigger",		  [KDF_EV_STACK] = "stack",
	[KDF_EV_THREAD_EXIT] = "thread_exit", [KDF_EV_LOSS] = "loss",
	[KDF_EV_CPU_RUN] = "cpu_run",	  [KDF_EV_CENSUS] = "census",
};

struct page {
	struct kdr_export *x;
	struct kdr_html_stats *st;
	struct kdr_html_who *who;
	FILE *f;
	struct kdr_json *j; /* the data element's JSON, on f */
	int32_t *tout;	   /* x->threads index -> index in the page's threads, -1 */
	uint32_t *byorder; /* name rank -> x->threads index */
};

static void facts(struct page *p)
{
	const struct kdr_export *x = p->x;
	const struct kdf_meta *m = x->meta;
	const struct kdf_options *o = &m->options;
	struct kdr_json *j = p->j;
	uint64_t rt = m->realtime_ns + (x->origin - m->mono_ns);
	uint64_t dropped = 0, missed = 0, lost = 0, total = 0;
	time_t sec = (time_t)(rt / 1000000000u);
	char iso[64] = "";
	struct tm tm;
	size_t i;

	if (gmtime_r(&sec, &tm))
		strftime(iso, sizeof(iso), "%Y-%m-%d %H:%M:%S UTC", &tm);
	for (i = 0; i < x->nwindows; i++) {
		dropped += x->windows[i].dropped;
		missed += x->windows[i].trigger_missed;
		lost += x->windows[i].stacks_lost;
	}
	if (x->has_summary) {
		dropped = x->summary.dropped;
		missed = x->summary.trigger_missed;
		lost = x->summary.stacks_lost;
	}
	kdr_json_key(j, "facts");
	kdr_json_obj_begin(j);
	/* absent metadata strings as "" (the page shows them as text) */
	kdr_json_key_cstr(j, "host", m->hostname ? m->hostname : "");
	kdr_json_key_cstr(j, "kernel", m->kernel_release ? m->kernel_release : "");
	kdr_json_key_cstr(j, "arch", m->arch ? m->arch : "");
	kdr_json_key_cstr(j, "version", m->kdelay_version ? m->kdelay_version : "");
	kdr_json_key_cstr(j, "command_line", m->command_line ? m->command_line : "");
	kdr_json_key_cstr(j, "comm", m->comm ? m->comm : "");
	kdr_json_key_u64(j, "pid", m->pid);
	kdr_json_key_u64(j, "ncpus", m->ncpus);
	kdr_json_key_cstr(j, "origin_utc", iso);
	kdr_json_key_u64(j, "origin_realtime_ns", rt);
	kdr_json_key_u64(j, "duration_ns", x->end_ts - x->origin);
	kdr_json_key_u64(j, "windows", x->nwindows);
	kdr_json_key_u64(j, "time_from_ns", x->from - x->origin);
	kdr_json_key(j, "time_to_ns");
	if (x->to == UINT64_MAX)
		kdr_json_null(j);
	else
		kdr_json_u64(j, x->to - x->origin);
	kdr_json_key(j, "events");
	kdr_json_obj_begin(j);
	for (i = 1; i <= KDF_EV_TYPE_MAX; i++) {
		total += x->events_by_type[i];
		if (i == KDF_EV_LOSS && !x->events_by_type[i])
			continue; /* (format 1.1) only when events were lost */
		if ((i == KDF_EV_CPU_RUN || i == KDF_EV_CENSUS) && !x->events_by_type[i])
			continue; /* (format 1.2) only when there are some */
		kdr_json_key_u64(j, event_names[i], x->events_by_type[i]);
	}
	kdr_json_obj_end(j);
	kdr_json_key_u64(j, "events_total", total);
	kdr_json_key_u64(j, "dropped", dropped);
	kdr_json_key_u64(j, "trigger_missed", missed);
	kdr_json_key_u64(j, "stacks_lost", lost);
	kdr_json_key_u64(j, "file_bytes", x->stats.file_bytes);
	kdr_json_key_u64(j, "chunks_bad", x->stats.chunks_bad);
	kdr_json_key_bool(j, "truncated", x->stats.truncated);
	kdr_json_key_bool(j, "complete", x->has_summary);
	kdr_json_key_u64(j, "warnings", x->warnings);
	kdr_json_key(j, "options");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "sample_time_ns", o->sample_time_ns);
	kdr_json_key_u64(j, "sample_interval_ns", o->sample_interval_ns);
	kdr_json_key_u64(j, "sample_count", o->sample_count);
	kdr_json_key_u64(j, "stack_trace_size", o->stack_trace_size);
	kdr_json_key_u64(j, "trigger_delta_ns", o->trigger_delta_ns);
	kdr_json_key_i64(j, "syscall_events_ns", o->syscall_events_ns);
	kdr_json_key_bool(j, "skip_syscall_poll_events", o->skip_syscall_poll_events);
	kdr_json_key_u64(j, "buffer_page_count", o->buffer_page_count);
	kdr_json_key_cstr(j, "start_trigger", o->start_trigger);
	kdr_json_key_cstr(j, "stop_trigger", o->stop_trigger);
	kdr_json_obj_end(j);
	kdr_json_obj_end(j);
}

static void threads(struct page *p)
{
	const struct kdr_export *x = p->x;
	struct kdr_json *j = p->j;
	size_t i, n = 0;
	char buf[32];

	/* Page order = name order: kdr_xthread.order is a permutation. */
	for (i = 0; i < x->nthreads; i++)
		p->tout[i] = -1;
	for (i = 0; i < x->nthreads; i++)
		p->byorder[x->threads[i].order] = (uint32_t)i;
	kdr_json_key(j, "threads");
	kdr_json_arr_begin(j);
	for (uint32_t ord = 0; ord < x->nthreads; ord++) {
		const struct kdr_xthread *t = &x->threads[p->byorder[ord]];

		if (!t->keep)
			continue;
		p->tout[p->byorder[ord]] = (int32_t)n;
		kdr_json_obj_begin(j);
		kdr_json_key_u64(j, "tid", t->tid);
		kdr_json_key(j, "name");
		if (t->name) {
			kdr_json_str(j, t->name, t->name_len);
		} else {
			snprintf(buf, sizeof(buf), "tid %u", t->tid);
			kdr_json_cstr(j, buf);
		}
		kdr_json_obj_end(j);
		n++;
	}
	kdr_json_arr_end(j);
}

static uint32_t sys_label(struct page *p, uint32_t nr)
{
	struct kdr_xslice s = { .kind = KDR_X_SYSCALL, .nr = nr };

	return kdr_export_html_label(p->st, &s);
}

static void windows(struct page *p)
{
	const struct kdr_html_stats *st = p->st;
	const struct kdr_export *x = p->x;
	struct kdr_json *j = p->j;
	size_t w, i;
	uint32_t k;

	kdr_json_key(j, "windows");
	kdr_json_arr_begin(j);
	for (w = 0; w < st->nwin; w++) {
		const struct kdf_window *win = &st->win[w];

		kdr_json_newline(j);
		kdr_json_obj_begin(j);
		kdr_json_key_u64(j, "index", win->index);
		kdr_json_key_u64(j, "start", win->start_ts - x->origin);
		kdr_json_key_u64(j, "end", win->end_ts - x->origin);
		kdr_json_key_bool(j, "triggered", !!(win->flags & KDF_WIN_TRIGGERED));
		kdr_json_key_bool(j, "interrupted", !!(win->flags & KDF_WIN_INTERRUPTED));
		kdr_json_key_u64(j, "dropped", win->dropped);
		kdr_json_key_u64(j, "trigger_missed", win->trigger_missed);
		kdr_json_key_u64(j, "stacks_lost", win->stacks_lost);
		/* the text report's mark: the capture ends before it closed */
		if (win->flags & KDR_WIN_UNCLOSED)
			kdr_json_key_bool(j, "incomplete", 1);
		/* [thread, running, ready, hardirq, softirq, [[label, ns]...]] */
		kdr_json_key(j, "budget");
		kdr_json_arr_begin(j);
		for (i = 0; i < x->nthreads; i++) {
			const struct kdr_html_budget *b = &st->budget[w * x->nthreads + i];
			uint64_t any = 0;

			for (k = 0; k < KDR_B_N; k++)
				any |= b->ns[k];
			if (p->tout[i] < 0 || !any)
				continue;
			/* [thread, running, ready, hardirq, softirq,
			 *  [[syscall, blocked]...], other, unknown] */
			kdr_json_arr_begin(j);
			kdr_json_i64(j, p->tout[i]);
			kdr_json_u64(j, b->ns[KDR_B_RUNNING]);
			kdr_json_u64(j, b->ns[KDR_B_READY]);
			kdr_json_u64(j, b->ns[KDR_B_HARDIRQ]);
			kdr_json_u64(j, b->ns[KDR_B_SOFTIRQ]);
			kdr_json_arr_begin(j);
			for (k = 0; k < b->nsys; k++) {
				kdr_json_arr_begin(j);
				kdr_json_u64(j, sys_label(p, b->sys[k].nr));
				kdr_json_u64(j, b->sys[k].ns);
				kdr_json_arr_end(j);
			}
			kdr_json_arr_end(j);
			kdr_json_u64(j, b->ns[KDR_B_OTHER]);
			kdr_json_u64(j, b->ns[KDR_B_UNKNOWN]);
			kdr_json_arr_end(j);
		}
		kdr_json_arr_end(j);
		kdr_html_who_write(p->who, j, w, p->tout);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

static void hists(struct page *p)
{
	static const char *const kinds[] = { [KDR_X_RUNNING] = "running",
					     [KDR_X_READY] = "ready",
					     [KDR_X_SYSCALL] = "syscall" };
	const struct kdr_html_stats *st = p->st;
	struct kdr_json *j = p->j;
	uint64_t slots[KDR_HTML_BUCKETS];
	size_t i, nslots;
	unsigned b;

	kdr_json_key(j, "hist");
	kdr_json_arr_begin(j);
	for (i = 0; i < st->nhist; i++) {
		const struct kdr_html_hist *h = &st->hist[i];

		if (p->tout[h->tidx] < 0)
			continue;
		kdr_json_newline(j);
		kdr_json_obj_begin(j);
		kdr_json_key_i64(j, "t", p->tout[h->tidx]);
		kdr_json_key_cstr(j, "kind", kinds[h->kind]);
		kdr_json_key_i64(j, "name", h->kind == KDR_X_SYSCALL ? (int)sys_label(p, h->nr) : -1);
		kdr_json_key_u64(j, "count", h->h.count);
		kdr_json_key_u64(j, "total", h->h.total);
		kdr_json_key_u64(j, "max", h->h.max);
		/* [log2 slot, count] of the non-empty slots */
		kdr_json_key(j, "b");
		kdr_json_arr_begin(j);
		nslots = kdr_hist_log2(&h->h, 1, slots, KDR_HTML_BUCKETS);
		for (b = 0; b < nslots; b++) {
			if (!slots[b])
				continue;
			kdr_json_arr_begin(j);
			kdr_json_u64(j, b);
			kdr_json_u64(j, slots[b]);
			kdr_json_arr_end(j);
		}
		kdr_json_arr_end(j);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

static void stack(struct page *p, const char *key, uint32_t id, int is_kernel)
{
	uint32_t n = 0, i;
	const uint64_t *ips = id ? kdf_reader_stack(p->x->r, id, &n) : NULL;
	char frame[512];

	kdr_json_key(p->j, key);
	kdr_json_arr_begin(p->j);
	for (i = 0; ips && i < n; i++) {
		kdr_symbols_frame(p->x->syms, ips[i], is_kernel, frame, sizeof(frame));
		kdr_json_str(p->j, frame, strlen(frame));
	}
	kdr_json_arr_end(p->j);
}

static void slowest(struct page *p)
{
	const struct kdr_html_stats *st = p->st;
	struct kdr_json *j = p->j;
	size_t i;

	kdr_json_key(j, "slowest");
	kdr_json_arr_begin(j);
	for (i = 0; i < st->nslow; i++) {
		const struct kdr_xslice *s = &st->slow[i].s;

		kdr_json_newline(j);
		kdr_json_obj_begin(j);
		kdr_json_key_i64(j, "t", p->tout[s->thread - p->x->threads]);
		kdr_json_key_u64(j, "name", sys_label(p, s->nr));
		kdr_json_key_u64(j, "nr", s->nr);
		kdr_json_key_u64(j, "start", s->start - p->x->origin);
		kdr_json_key_u64(j, "dur", s->end - s->start);
		kdr_json_key_i64(j, "ret", s->ret);
		kdr_json_key_bool(j, "unfinished", !!(s->flags & KDR_XS_UNFINISHED));
		kdr_json_key_bool(j, "open_start", !!(s->flags & KDR_XS_OPEN_START));
		kdr_json_key_bool(j, "has_stack", !!(s->flags & KDR_XS_HAS_STACK));
		kdr_json_key_bool(j, "kstack_lost", !!(s->stack_flags & KDF_STACK_KERNEL_LOST));
		kdr_json_key_bool(j, "ustack_lost", !!(s->stack_flags & KDF_STACK_USER_LOST));
		stack(p, "kstack", s->flags & KDR_XS_HAS_STACK ? s->kstack_id : 0, 1);
		stack(p, "ustack", s->flags & KDR_XS_HAS_STACK ? s->ustack_id : 0, 0);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

static void timeline(struct page *p)
{
	static const char *const kinds[] = { "running", "ready", "syscall", "hardirq", "softirq" };
	const struct kdr_html_stats *st = p->st;
	const struct kdr_export *x = p->x;
	struct kdr_json *j = p->j;
	size_t i;
	int32_t row = -1;

	kdr_json_key(j, "timeline");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "from", x->from - x->origin);
	kdr_json_key_u64(j, "to", (x->to < x->end_ts ? x->to : x->end_ts) - x->origin);
	kdr_json_key_u64(j, "max", st->tl_max);
	kdr_json_key_u64(j, "dropped", st->tl_dropped);
	kdr_json_key(j, "kinds");
	kdr_json_arr_begin(j);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		kdr_json_cstr(j, kinds[i]);
	kdr_json_arr_end(j);
	kdr_json_key(j, "rows");
	kdr_json_arr_begin(j);
	/* st->tl is sorted by thread: one row per thread, flat numbers
	 * [kind, start, dur, label, flags] to keep the page small. */
	for (i = 0; i < st->ntl; i++) {
		const struct kdr_html_tl *t = &st->tl[i];
		int32_t out = p->tout[t->tidx];

		if (out < 0)
			continue;
		if (out != row) {
			if (row >= 0) {
				kdr_json_arr_end(j);
				kdr_json_obj_end(j);
			}
			kdr_json_newline(j);
			kdr_json_obj_begin(j);
			kdr_json_key_i64(j, "t", out);
			kdr_json_key(j, "s");
			kdr_json_arr_begin(j);
			row = out;
		}
		kdr_json_u64(j, t->kind);
		kdr_json_u64(j, t->start);
		kdr_json_u64(j, t->dur);
		kdr_json_i64(j, t->label == UINT32_MAX ? -1 : (int64_t)t->label);
		kdr_json_u64(j, t->flags);
	}
	if (row >= 0) {
		kdr_json_arr_end(j);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	kdr_json_obj_end(j);
}

static void labels(struct page *p)
{
	size_t i;

	kdr_json_key(p->j, "labels");
	kdr_json_arr_begin(p->j);
	for (i = 0; i < p->st->nlabels; i++)
		kdr_json_cstr(p->j, p->st->labels[i]);
	kdr_json_arr_end(p->j);
}

static void data(struct page *p)
{
	struct kdr_json *j = p->j;

	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "schema", 1);
	facts(p);
	threads(p);
	windows(p);
	hists(p);
	slowest(p);
	timeline(p);
	labels(p); /* last: the parts above may intern syscall names */
	kdr_json_obj_end(j);
	kdr_json_flush(j); /* before the template's next bytes */
}

/* Copy the template, replacing each @@NAME@@ marker. */
static void page(struct page *p)
{
	const char *t = kdr_html_template, *m;

	while ((m = strstr(t, "@@"))) {
		const char *end = strstr(m + 2, "@@");
		size_t name_len;

		if (!end)
			break;
		fwrite(t, 1, m - t, p->f);
		name_len = end - (m + 2);
		if (name_len == 3 && !memcmp(m + 2, "CSS", 3))
			fputs(kdr_html_css, p->f);
		else if (name_len == 2 && !memcmp(m + 2, "JS", 2))
			fputs(kdr_html_js, p->f);
		else if (name_len == 4 && !memcmp(m + 2, "DATA", 4))
			data(p);
		else if (name_len == 5 && !memcmp(m + 2, "TITLE", 5)) {
			/* In HTML text: escape what HTML needs, bytes as they are. */
			const char *c = p->x->meta->comm ? p->x->meta->comm : "";

			fputs("kdelay: ", p->f);
			for (; *c; c++) {
				if (*c == '<')
					fputs("&lt;", p->f);
				else if (*c == '&')
					fputs("&amp;", p->f);
				else if ((unsigned char)*c >= 0x20 && *c != 0x7f)
					putc(*c, p->f);
			}
			fprintf(p->f, " (pid %u)", p->x->meta->pid);
		} else
			fwrite(m, 1, end + 2 - m, p->f); /* not ours: leave it */
		t = end + 2;
	}
	fputs(t, p->f);
}

/* The second pass feeds the slices to the aggregates, the raw events and
 * windows to the culprits, wakers and census (export_html_who.h). */
static int on_slice(void *ctx, const struct kdr_xslice *s)
{
	return kdr_export_html_stats_slice(((struct page *)ctx)->st, s);
}

/* The raw events and the windows go to both: the budget (the report's
 * statistics) and who took the CPU and woke the threads. */
static int on_events(void *ctx, const struct kdf_event *ev, size_t n)
{
	struct page *p = ctx;
	int rc = kdr_export_html_stats_events(p->st, ev, n);

	return rc ? rc : kdr_html_who_events(p->who, ev, n);
}

static int on_window(void *ctx, const struct kdf_window *w)
{
	struct page *p = ctx;
	int rc = kdr_export_html_stats_window(p->st, w);

	return rc ? rc : kdr_html_who_window(p->who, w);
}

int kdr_export_html(const char *capture_path, const struct kdr_export_opts *opts)
{
	struct kdr_export x;
	struct kdr_html_stats st = { 0 };
	struct kdr_html_who who = { 0 };
	struct page p = { .x = &x, .st = &st, .who = &who };
	struct kdr_xsink sink = { .ctx = &p, .slice = on_slice, .events = on_events,
				  .window = on_window };
	int rc;

	rc = kdr_export_open(&x, capture_path, opts, "html");
	if (rc != EX_OK)
		goto out;
	rc = kdr_export_html_stats_init(&st, &x,
				 opts->html_max_slices ? opts->html_max_slices
						       : KDR_EXPORT_HTML_MAX_SLICES);
	if (rc != EX_OK)
		goto out;
	if (kdr_html_who_init(&who, &x, st.win, st.nwin) != EX_OK) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory for %zu windows", st.nwin);
		goto out;
	}
	p.tout = calloc(x.nthreads ? x.nthreads : 1, sizeof(*p.tout));
	p.byorder = calloc(x.nthreads ? x.nthreads : 1, sizeof(*p.byorder));
	p.j = kdr_json_new(opts->out, KDR_JSON_HTML);
	if (!p.tout || !p.byorder || !p.j) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory for %zu threads", x.nthreads);
		goto out;
	}
	rc = kdr_export_scan(&x, &sink);
	if (rc != EX_OK)
		goto out;
	rc = kdr_export_html_stats_finish(&st);
	if (rc != EX_OK)
		goto out;
	kdr_html_who_finish(&who);
	p.f = opts->out;
	page(&p);
	if (st.oom)
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory naming syscalls");
	else if (who.oom)
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory: culprits, wakers or silent "
				     "threads are missing from the page");
	else
		rc = kdr_export_finish_output(&x);
out:
	kdr_json_free(p.j);
	free(p.tout);
	free(p.byorder);
	if (st.x)
		kdr_export_html_stats_free(&st);
	if (who.x)
		kdr_html_who_free(&who);
	kdr_export_close(&x);
	return rc;
}
