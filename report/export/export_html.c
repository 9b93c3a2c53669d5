// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_html.c - one self-contained HTML page: the template, CSS and JS
 * of report/html_template.html, html_style.css and html_app.js (compiled
 * in as report/html_assets.h by report/export.mk), and the capture's
 * aggregates as JSON in a <script type="application/json"> element that
 * html_app.js renders.  No network access: nothing is loaded from
 * elsewhere, so the page can be attached to a bug report as is.
 *
 * Every string goes through kdr_json_put_string(KDR_JSON_HTML): a thread
 * named "</script>" cannot end the data element.
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

#define J KDR_JSON_HTML

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
	int32_t *tout;	   /* x->threads index -> index in the page's threads, -1 */
	uint32_t *byorder; /* name rank -> x->threads index */
};

static void kv_str(FILE *f, const char *k, const char *v)
{
	fprintf(f, "\"%s\":", k);
	kdr_json_put_cstring(f, v, J);
}

static void kv_u64(FILE *f, const char *k, uint64_t v)
{
	fprintf(f, "\"%s\":%" PRIu64, k, v);
}

static void facts(struct page *p)
{
	const struct kdr_export *x = p->x;
	const struct kdf_meta *m = x->meta;
	const struct kdf_options *o = &m->options;
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
	fputs("\"facts\":{", p->f);
	kv_str(p->f, "host", m->hostname);
	putc(',', p->f);
	kv_str(p->f, "kernel", m->kernel_release);
	putc(',', p->f);
	kv_str(p->f, "arch", m->arch);
	putc(',', p->f);
	kv_str(p->f, "version", m->kdelay_version);
	putc(',', p->f);
	kv_str(p->f, "command_line", m->command_line);
	putc(',', p->f);
	kv_str(p->f, "comm", m->comm);
	fprintf(p->f, ",\"pid\":%u,\"ncpus\":%u,", m->pid, m->ncpus);
	kv_str(p->f, "origin_utc", iso);
	fprintf(p->f, ",\"origin_realtime_ns\":%" PRIu64 ",\"duration_ns\":%" PRIu64
		      ",\"windows\":%zu,\"time_from_ns\":%" PRIu64 ",\"time_to_ns\":",
		rt, x->end_ts - x->origin, x->nwindows, x->from - x->origin);
	if (x->to == UINT64_MAX)
		fputs("null", p->f);
	else
		fprintf(p->f, "%" PRIu64, x->to - x->origin);
	fputs(",\"events\":{", p->f);
	for (i = 1; i <= KDF_EV_TYPE_MAX; i++) {
		total += x->events_by_type[i];
		if (i == KDF_EV_LOSS && !x->events_by_type[i])
			continue; /* (format 1.1) only when events were lost */
		if ((i == KDF_EV_CPU_RUN || i == KDF_EV_CENSUS) && !x->events_by_type[i])
			continue; /* (format 1.2) only when there are some */
		fprintf(p->f, "%s\"%s\":%" PRIu64, i > 1 ? "," : "", event_names[i],
			x->events_by_type[i]);
	}
	fprintf(p->f, "},\"events_total\":%" PRIu64 ",\"dropped\":%" PRIu64
		      ",\"trigger_missed\":%" PRIu64 ",\"stacks_lost\":%" PRIu64
		      ",\"file_bytes\":%" PRIu64 ",\"chunks_bad\":%" PRIu64
		      ",\"truncated\":%s,\"complete\":%s,\"warnings\":%" PRIu64 ",\"options\":{",
		total, dropped, missed, lost, x->stats.file_bytes, x->stats.chunks_bad,
		x->stats.truncated ? "true" : "false", x->has_summary ? "true" : "false",
		x->warnings);
	kv_u64(p->f, "sample_time_ns", o->sample_time_ns);
	putc(',', p->f);
	kv_u64(p->f, "sample_interval_ns", o->sample_interval_ns);
	fprintf(p->f, ",\"sample_count\":%u,\"stack_trace_size\":%u,", o->sample_count,
		o->stack_trace_size);
	kv_u64(p->f, "trigger_delta_ns", o->trigger_delta_ns);
	fprintf(p->f, ",\"syscall_events_ns\":%" PRId64 ",\"skip_syscall_poll_events\":%s,"
		      "\"buffer_page_count\":%u,\"start_trigger\":",
		o->syscall_events_ns, o->skip_syscall_poll_events ? "true" : "false",
		o->buffer_page_count);
	if (o->start_trigger)
		kdr_json_put_cstring(p->f, o->start_trigger, J);
	else
		fputs("null", p->f);
	fputs(",\"stop_trigger\":", p->f);
	if (o->stop_trigger)
		kdr_json_put_cstring(p->f, o->stop_trigger, J);
	else
		fputs("null", p->f);
	fputs("}}", p->f);
}

static void threads(struct page *p)
{
	const struct kdr_export *x = p->x;
	size_t i, n = 0;
	char buf[32];

	/* Page order = name order: kdr_xthread.order is a permutation. */
	for (i = 0; i < x->nthreads; i++)
		p->tout[i] = -1;
	for (i = 0; i < x->nthreads; i++)
		p->byorder[x->threads[i].order] = (uint32_t)i;
	fputs(",\"threads\":[", p->f);
	for (uint32_t ord = 0; ord < x->nthreads; ord++) {
		const struct kdr_xthread *t = &x->threads[p->byorder[ord]];

		if (!t->keep)
			continue;
		p->tout[p->byorder[ord]] = (int32_t)n;
		fprintf(p->f, "%s{\"tid\":%u,\"name\":", n ? "," : "", t->tid);
		if (t->name) {
			kdr_json_put_string(p->f, t->name, t->name_len, J);
		} else {
			snprintf(buf, sizeof(buf), "tid %u", t->tid);
			kdr_json_put_cstring(p->f, buf, J);
		}
		putc('}', p->f);
		n++;
	}
	putc(']', p->f);
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
	size_t w, i;
	uint32_t k;

	fputs(",\"windows\":[", p->f);
	for (w = 0; w < st->nwin; w++) {
		const struct kdf_window *win = &st->win[w];
		int first = 1;

		fprintf(p->f,
			"%s\n{\"index\":%u,\"start\":%" PRIu64 ",\"end\":%" PRIu64
			",\"triggered\":%s,\"interrupted\":%s,\"dropped\":%" PRIu64
			",\"trigger_missed\":%" PRIu64 ",\"stacks_lost\":%" PRIu64 "%s,\"budget\":[",
			w ? "," : "", win->index, win->start_ts - x->origin, win->end_ts - x->origin,
			win->flags & KDF_WIN_TRIGGERED ? "true" : "false",
			win->flags & KDF_WIN_INTERRUPTED ? "true" : "false", win->dropped,
			win->trigger_missed, win->stacks_lost,
			/* the text report's mark: the capture ends before it closed */
			win->flags & KDR_WIN_UNCLOSED ? ",\"incomplete\":true" : "");
		for (i = 0; i < x->nthreads; i++) {
			const struct kdr_html_budget *b = &st->budget[w * x->nthreads + i];

			if (p->tout[i] < 0 ||
			    !(b->running | b->ready | b->hardirq | b->softirq | b->nsys))
				continue;
			fprintf(p->f,
				"%s[%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",[",
				first ? "" : ",", p->tout[i], b->running, b->ready, b->hardirq,
				b->softirq);
			for (k = 0; k < b->nsys; k++)
				fprintf(p->f, "%s[%u,%" PRIu64 "]", k ? "," : "",
					sys_label(p, b->sys[k].nr), b->sys[k].ns);
			fputs("]]", p->f);
			first = 0;
		}
		putc(']', p->f);
		kdr_html_who_write(p->who, p->f, w, p->tout);
		putc('}', p->f);
	}
	putc(']', p->f);
}

static void hists(struct page *p)
{
	static const char *const kinds[] = { [KDR_X_RUNNING] = "running",
					     [KDR_X_READY] = "ready",
					     [KDR_X_SYSCALL] = "syscall" };
	const struct kdr_html_stats *st = p->st;
	uint64_t slots[KDR_HTML_BUCKETS];
	size_t i, n = 0, nslots;
	unsigned b;

	fputs(",\"hist\":[", p->f);
	for (i = 0; i < st->hist_cap; i++) {
		const struct kdr_html_hist *h = &st->hist[i];
		int first = 1;

		if (!h->used || p->tout[h->tidx] < 0)
			continue;
		fprintf(p->f,
			"%s\n{\"t\":%d,\"kind\":\"%s\",\"name\":%d,\"count\":%" PRIu64
			",\"total\":%" PRIu64 ",\"max\":%" PRIu64 ",\"b\":[",
			n++ ? "," : "", p->tout[h->tidx], kinds[h->kind],
			h->kind == KDR_X_SYSCALL ? (int)sys_label(p, h->nr) : -1, h->h.count,
			h->h.total, h->h.max);
		nslots = kdr_hist_log2(&h->h, 1, slots, KDR_HTML_BUCKETS);
		for (b = 0; b < nslots; b++) {
			if (!slots[b])
				continue;
			fprintf(p->f, "%s[%u,%" PRIu64 "]", first ? "" : ",", b, slots[b]);
			first = 0;
		}
		fputs("]}", p->f);
	}
	putc(']', p->f);
}

static void stack(struct page *p, const char *key, uint32_t id, int is_kernel)
{
	uint32_t n = 0, i;
	const uint64_t *ips = id ? kdf_reader_stack(p->x->r, id, &n) : NULL;
	char frame[512];

	fprintf(p->f, ",\"%s\":[", key);
	for (i = 0; ips && i < n; i++) {
		kdr_symbols_frame(p->x->syms, ips[i], is_kernel, frame, sizeof(frame));
		if (i)
			putc(',', p->f);
		kdr_json_put_cstring(p->f, frame, J);
	}
	putc(']', p->f);
}

static void slowest(struct page *p)
{
	const struct kdr_html_stats *st = p->st;
	size_t i;

	fputs(",\"slowest\":[", p->f);
	for (i = 0; i < st->nslow; i++) {
		const struct kdr_xslice *s = &st->slow[i].s;

		fprintf(p->f,
			"%s\n{\"t\":%d,\"name\":%u,\"nr\":%u,\"start\":%" PRIu64 ",\"dur\":%" PRIu64
			",\"ret\":%d,\"unfinished\":%s,\"open_start\":%s,\"has_stack\":%s"
			",\"kstack_lost\":%s,\"ustack_lost\":%s",
			i ? "," : "", p->tout[s->thread - p->x->threads], sys_label(p, s->nr),
			s->nr, s->start - p->x->origin, s->end - s->start, s->ret,
			s->flags & KDR_XS_UNFINISHED ? "true" : "false",
			s->flags & KDR_XS_OPEN_START ? "true" : "false",
			s->flags & KDR_XS_HAS_STACK ? "true" : "false",
			s->stack_flags & KDF_STACK_KERNEL_LOST ? "true" : "false",
			s->stack_flags & KDF_STACK_USER_LOST ? "true" : "false");
		stack(p, "kstack", s->flags & KDR_XS_HAS_STACK ? s->kstack_id : 0, 1);
		stack(p, "ustack", s->flags & KDR_XS_HAS_STACK ? s->ustack_id : 0, 0);
		putc('}', p->f);
	}
	putc(']', p->f);
}

static void timeline(struct page *p)
{
	const struct kdr_html_stats *st = p->st;
	const struct kdr_export *x = p->x;
	size_t i;
	int32_t row = -1;

	fprintf(p->f,
		",\"timeline\":{\"from\":%" PRIu64 ",\"to\":%" PRIu64 ",\"max\":%zu,\"dropped\":%" PRIu64
		",\"kinds\":[\"running\",\"ready\",\"syscall\",\"hardirq\",\"softirq\"],\"rows\":[",
		x->from - x->origin, (x->to < x->end_ts ? x->to : x->end_ts) - x->origin, st->tl_max,
		st->tl_dropped);
	/* st->tl is sorted by thread: one row per thread, flat numbers
	 * [kind, start, dur, label, flags] to keep the page small. */
	for (i = 0; i < st->ntl; i++) {
		const struct kdr_html_tl *t = &st->tl[i];
		int32_t out = p->tout[t->tidx];

		if (out < 0)
			continue;
		if (out != row) {
			fprintf(p->f, "%s\n{\"t\":%d,\"s\":[", row >= 0 ? "]}," : "", out);
			row = out;
		} else {
			putc(',', p->f);
		}
		fprintf(p->f, "%u,%" PRIu64 ",%" PRIu64 ",%d,%u", t->kind, t->start, t->dur,
			t->label == UINT32_MAX ? -1 : (int)t->label, t->flags);
	}
	if (row >= 0)
		fputs("]}", p->f);
	fputs("]}", p->f);
}

static void labels(struct page *p)
{
	size_t i;

	fputs(",\"labels\":[", p->f);
	for (i = 0; i < p->st->nlabels; i++) {
		if (i)
			putc(',', p->f);
		kdr_json_put_cstring(p->f, p->st->labels[i], J);
	}
	putc(']', p->f);
}

static void data(struct page *p)
{
	fputs("{\"schema\":1,", p->f);
	facts(p);
	threads(p);
	windows(p);
	hists(p);
	slowest(p);
	timeline(p);
	labels(p); /* last: the parts above may intern syscall names */
	fputs("}", p->f);
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

static int on_events(void *ctx, const struct kdf_event *ev, size_t n)
{
	return kdr_html_who_events(((struct page *)ctx)->who, ev, n);
}

static int on_window(void *ctx, const struct kdf_window *w)
{
	return kdr_html_who_window(((struct page *)ctx)->who, w);
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
	if (!p.tout || !p.byorder) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory for %zu threads", x.nthreads);
		goto out;
	}
	rc = kdr_export_scan(&x, &sink);
	if (rc != EX_OK)
		goto out;
	kdr_export_html_stats_finish(&st);
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
	free(p.tout);
	free(p.byorder);
	if (st.x)
		kdr_export_html_stats_free(&st);
	if (who.x)
		kdr_html_who_free(&who);
	kdr_export_close(&x);
	return rc;
}
