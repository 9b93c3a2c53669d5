// SPDX-License-Identifier: BSD-2-Clause
/*
 * json_out.c - the --json report: the text report's content, one document
 * per run, streamed window by window.  The schema is docs/json-schema.md;
 * bump KDR_JSON_SCHEMA_VERSION on any incompatible change.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "sink.h"
#include "utf8.h"
#include "wakers_out.h"
#include "culprits_out.h"
#include "census_out.h"

#define KDR_JSON_SCHEMA_VERSION 1

static void key_u64_or_null(struct kdr_json *j, const char *k, uint64_t v)
{
	kdr_json_key(j, k);
	if (v)
		kdr_json_u64(j, v);
	else
		kdr_json_null(j);
}

/* A name that may hold any bytes: k is always valid UTF-8 (bad bytes as
 * U+FFFD), and k_hex gives the exact bytes when they were not UTF-8. */
static void key_name(struct kdr_json *j, const char *k, const char *s, size_t len)
{
	char kh[64];

	kdr_json_key(j, k);
	kdr_json_str(j, s, len);
	if (kdr_utf8_valid(s, len))
		return;
	snprintf(kh, sizeof(kh), "%s_hex", k);
	kdr_json_key(j, kh);
	kdr_json_hex(j, s, len);
}

static void key_time(struct kdr_ctx *c, struct kdr_json *j, const char *k, uint64_t ts)
{
	char buf[64];

	kdr_json_key(j, k);
	kdr_json_cstr(j, kdr_walltime_iso(&c->wt, ts, 1, buf, sizeof(buf)));
}

static void key_i64_or_null(struct kdr_json *j, const char *k, int64_t v)
{
	kdr_json_key(j, k);
	if (v >= 0)
		kdr_json_i64(j, v);
	else
		kdr_json_null(j);
}

/*
 * --histogram: the distribution of a row's intervals (the very intervals
 * its count counts): percentiles as hist.h computes them (never below
 * the true value, above it by less than relative_error) and the log2
 * buckets as BCC's runqlat prints them, in ns, from the first non-empty
 * bucket to the last.
 */
static void dist_obj(struct kdr_json *j, const struct kdr_hist *h)
{
	uint64_t slots[65];
	size_t n = kdr_hist_log2(h, 1, slots, 65), first = 0;

	kdr_json_key(j, "distribution");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "count", h->count);
	kdr_json_key_u64(j, "p50_ns", kdr_hist_percentile(h, 50));
	kdr_json_key_u64(j, "p90_ns", kdr_hist_percentile(h, 90));
	kdr_json_key_u64(j, "p99_ns", kdr_hist_percentile(h, 99));
	kdr_json_key_u64(j, "p99_9_ns", kdr_hist_percentile(h, 99.9));
	kdr_json_key_u64(j, "max_ns", h->max);
	kdr_json_key(j, "relative_error");
	kdr_json_double(j, KDR_HIST_REL_ERROR, 6); /* 1/64 = 0.015625 exactly */
	kdr_json_key(j, "log2_ns");
	kdr_json_arr_begin(j);
	while (first < n && !slots[first])
		first++;
	for (size_t i = first; i < n; i++) {
		kdr_json_obj_begin(j);
		kdr_json_key_u64(j, "low_ns", i ? (uint64_t)1 << i : 0);
		kdr_json_key_u64(j, "high_ns", i == 64 ? UINT64_MAX : ((uint64_t)1 << (i + 1)) - 1);
		kdr_json_key_u64(j, "count", slots[i]);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	kdr_json_obj_end(j);
}

static void stat_obj(struct kdr_json *j, const struct kdr_stat *s, const struct kdr_hist *h)
{
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "count", s->count);
	kdr_json_key_u64(j, "total_ns", s->total);
	kdr_json_key_u64(j, "min_ns", s->min);
	kdr_json_key_u64(j, "max_ns", s->max);
	if (h)
		dist_obj(j, h);
	kdr_json_obj_end(j);
}

static void rows(struct kdr_json *j, const char *k, const struct kdr_row *r, size_t n)
{
	kdr_json_key(j, k);
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		kdr_json_obj_begin(j);
		key_name(j, "name", r[i].name, r[i].name_len);
		if (r[i].kind == KDR_K_SYSCALL)
			kdr_json_key_u64(j, "nr", r[i].key);
		else if (r[i].kind == KDR_K_SOFTIRQ)
			kdr_json_key_u64(j, "vec", r[i].key);
		kdr_json_key_u64(j, "count", r[i].st->count);
		kdr_json_key_u64(j, "total_ns", r[i].st->total);
		kdr_json_key_u64(j, "min_ns", r[i].st->min);
		kdr_json_key_u64(j, "max_ns", r[i].st->max);
		if (r[i].hist)
			dist_obj(j, r[i].hist);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

/*
 * --budget: the thread's window [lo, hi] split into budget.h's classes
 * (clipped to the window, unlike the statistics): the *_ns add up to
 * window_ns exactly; blocked_in splits blocked_ns by syscall.
 */
static void budget_obj(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_budget *b,
		       uint64_t len)
{
	char name[32], nb[32];

	kdr_json_key(j, "budget");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "window_ns", len);
	for (int k = 0; k < KDR_B_N; k++) {
		snprintf(name, sizeof(name), "%s_ns", kdr_budget_class_name(k));
		kdr_json_key_u64(j, name, b->ns[k]);
	}
	kdr_json_key(j, "blocked_in");
	kdr_json_arr_begin(j);
	for (uint32_t i = 0; i < b->nsys; i++) {
		kdr_json_obj_begin(j);
		kdr_json_key_cstr(j, "syscall", kdr_syscall_name(c->meta, b->sys[i].nr, nb, sizeof(nb)));
		kdr_json_key_u64(j, "nr", b->sys[i].nr);
		kdr_json_key_u64(j, "blocked_ns", b->sys[i].ns);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	kdr_json_obj_end(j);
}

static void thread_obj(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_tview *t,
		       uint64_t len)
{
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "tid", t->tid);
	key_name(j, "name", t->name, t->name_len);
	rows(j, "syscalls", t->sys, t->nsys);
	kdr_json_key(j, "syscalls_total_without_poll");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "count", t->sys_count_nopoll);
	kdr_json_key_u64(j, "total_ns", t->sys_total_nopoll);
	kdr_json_obj_end(j);
	kdr_json_key(j, "run");
	if (t->run)
		stat_obj(j, t->run, t->run_hist);
	else
		kdr_json_null(j);
	kdr_json_key(j, "ready");
	if (t->ready)
		stat_obj(j, t->ready, t->ready_hist);
	else
		kdr_json_null(j);
	rows(j, "hardirqs", t->hard, t->nhard);
	rows(j, "softirqs", t->soft, t->nsoft);
	if (t->unknown_total) { /* only when events were lost */
		kdr_json_key(j, "unknown");
		kdr_json_obj_begin(j);
		kdr_json_key_u64(j, "syscalls", t->unknown[KDR_U_SYSCALL]);
		kdr_json_key_u64(j, "run", t->unknown[KDR_U_RUN]);
		kdr_json_key_u64(j, "ready", t->unknown[KDR_U_READY]);
		kdr_json_key_u64(j, "hardirqs", t->unknown[KDR_U_HARDIRQ]);
		kdr_json_key_u64(j, "softirqs", t->unknown[KDR_U_SOFTIRQ]);
		kdr_json_key_u64(j, "total", t->unknown_total);
		kdr_json_obj_end(j);
	}
	if (t->budget)
		budget_obj(c, j, t->budget, len);
	if (t->silent) /* only then: other threads' objects stay as they were */
		kdr_json_key_bool(j, "silent", 1);
	kdr_json_obj_end(j);
}

/* Where events were lost (only when they were): LOSS events seen. */
static void losses_obj(struct kdr_json *j, const struct kdr_losses *l)
{
	if (!l || !l->records)
		return;
	kdr_json_key(j, "losses");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "records", l->records);
	kdr_json_key_u64(j, "events", l->count);
	kdr_json_key_u64(j, "first_ns", l->first_ts);
	kdr_json_key_u64(j, "end_ns", l->end);
	kdr_json_obj_end(j);
}

static void stack_arr(struct kdr_ctx *c, struct kdr_json *j, const char *k, uint32_t id,
		      int kernel, int has)
{
	uint32_t n = 0;
	const uint64_t *ips = has && id ? kdf_reader_stack(c->r, id, &n) : NULL;
	char a[24];

	kdr_json_key(j, k);
	if (!has) {
		kdr_json_null(j);
		return;
	}
	kdr_json_arr_begin(j);
	for (uint32_t i = 0; ips && i < n; i++) {
		const struct kdr_sym *s = kdr_symbols_get(c->syms, ips[i], kernel);

		kdr_json_obj_begin(j);
		snprintf(a, sizeof(a), "0x%" PRIx64, ips[i]);
		kdr_json_key_cstr(j, "addr", a);
		kdr_json_key_cstr(j, "symbol", s ? s->name : NULL);
		kdr_json_key(j, "offset");
		if (s && s->name)
			kdr_json_u64(j, s->offset);
		else
			kdr_json_null(j);
		kdr_json_key_cstr(j, "module", s ? s->module : NULL);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

static void event_obj(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_evview *e)
{
	char nb[32];

	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "entry_ns", e->ev->entry_ts);
	kdr_json_key_u64(j, "exit_ns", e->ev->exit_ts);
	kdr_json_key_u64(j, "delta_ns", e->ev->exit_ts - e->ev->entry_ts);
	kdr_json_key_u64(j, "tid", e->ev->tid);
	key_name(j, "thread", e->thread, e->thread_len);
	kdr_json_key_u64(j, "nr", e->ev->nr);
	kdr_json_key_cstr(j, "syscall", kdr_syscall_name(c->meta, e->ev->nr, nb, sizeof(nb)));
	kdr_json_key(j, "ret");
	kdr_json_i64(j, e->ev->ret);
	kdr_json_key_bool(j, "stack_missing", e->stack_missing);
	stack_arr(c, j, "kernel_stack", e->ev->kstack, 1, e->ev->has_stack);
	stack_arr(c, j, "user_stack", e->ev->ustack, 0, e->ev->has_stack);
	kdr_json_obj_end(j);
}

/* -1 when the listing could not be read back (said already). */
static int events(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_wview *v)
{
	const struct kdr_evview *batch;
	long n;

	kdr_json_key(j, "syscall_events");
	if (!v->listing) {
		kdr_json_null(j);
		return 0;
	}
	kdr_json_arr_begin(j);
	kdr_view_events_begin(v);
	while ((n = kdr_view_events_next(v, &batch)) > 0)
		for (long i = 0; i < n; i++)
			event_obj(c, j, &batch[i]);
	kdr_json_arr_end(j);
	return n < 0 ? -1 : 0;
}

static void inprog(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_wview *v)
{
	char nb[32];

	kdr_json_key(j, "in_progress");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < v->ninprog; i++) {
		const struct kdr_inprog *p = &v->inprog[i];

		kdr_json_obj_begin(j);
		kdr_json_key_u64(j, "tid", p->tid);
		key_name(j, "thread", p->thread, p->thread_len);
		kdr_json_key_u64(j, "nr", p->nr);
		kdr_json_key_cstr(j, "syscall", kdr_syscall_name(c->meta, p->nr, nb, sizeof(nb)));
		kdr_json_key_u64(j, "entry_ns", p->entry_ts);
		kdr_json_key_u64(j, "elapsed_ns", p->elapsed);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

static void waiting(struct kdr_json *j, const struct kdr_wview *v)
{
	kdr_json_key(j, "waiting_for_cpu");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < v->nwaiting; i++) {
		const struct kdr_inprog *p = &v->waiting[i];

		kdr_json_obj_begin(j);
		kdr_json_key_u64(j, "tid", p->tid);
		key_name(j, "thread", p->thread, p->thread_len);
		kdr_json_key_u64(j, "ready_since_ns", p->entry_ts);
		kdr_json_key_u64(j, "elapsed_ns", p->elapsed);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

static int json_window(struct kdr_ctx *c, void *state, const struct kdr_wview *v)
{
	struct kdr_json *j = ((struct kdr_json_state *)state)->j;
	const struct kdf_window *w = v->win;
	static const char *const skip[] = { NULL, "recorder", "trigger_delta" };
	int rc;

	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "index", w->index);
	kdr_json_key_u64(j, "start_ns", w->start_ts);
	kdr_json_key_u64(j, "end_ns", w->end_ts);
	kdr_json_key_u64(j, "reported_start_ns", v->lo);
	kdr_json_key_u64(j, "reported_end_ns", v->hi);
	kdr_json_key_u64(j, "duration_ns", v->hi - v->lo);
	key_time(c, j, "start_time", v->lo);
	key_time(c, j, "end_time", v->hi);
	kdr_json_key_bool(j, "triggered", !!(w->flags & KDF_WIN_TRIGGERED));
	key_u64_or_null(j, "start_trigger_ns", w->start_trigger_ts);
	key_u64_or_null(j, "stop_trigger_ns", w->stop_trigger_ts);
	key_u64_or_null(j, "trigger_delta_ns", v->trigger_delta);
	kdr_json_key_bool(j, "interrupted", !!(w->flags & KDF_WIN_INTERRUPTED));
	kdr_json_key_bool(j, "flight_dump", !!(w->flags & KDF_WIN_FLIGHT_DUMP));
	kdr_json_key_bool(j, "truncated", !!(w->flags & KDF_WIN_TRUNCATED));
	if (w->flags & KDR_WIN_UNCLOSED) { /* only then: older documents stay as they were */
		kdr_json_key_bool(j, "incomplete", 1);
		kdr_json_key_cstr(j, "end_reason", kdr_end_token(v->end));
	}
	kdr_json_key_cstr(j, "skipped", skip[v->skip]);
	kdr_json_key_u64(j, "dropped", w->dropped);
	losses_obj(j, v->losses);
	kdr_json_key_u64(j, "trigger_missed", w->trigger_missed);
	kdr_json_key_u64(j, "stacks_lost", w->stacks_lost);
	kdr_json_key(j, "threads");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < v->nthreads; i++)
		thread_obj(c, j, &v->threads[i], v->hi - v->lo);
	kdr_json_arr_end(j);
	inprog(c, j, v);
	waiting(j, v);
	rc = events(c, j, v); /* (a failure: the document still closes) */
	kdr_json_key_u64(j, "missing_stacks", v->missing_stacks);
	kdr_json_key_bool(j, "statistics_incomplete", v->incomplete);
	kdr_json_key(j, "diagnostics");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "events", v->diag->events);
	kdr_json_key_u64(j, "outside_window", v->diag->clipped);
	kdr_json_key_u64(j, "end_before_start", v->diag->reversed);
	kdr_json_key_u64(j, "late", v->diag->late);
	kdr_json_obj_end(j);
	if (v->wakers)
		kdr_wakers_json(c, j, v->wakers, v->hi);
	if (v->culprits)
		kdr_culprits_json(c, j, v->culprits, v->hi);
	if (v->census)
		kdr_census_json(c, j, v->census, v->hi);
	kdr_json_obj_end(j);
	kdr_json_flush(j); /* a live report's window is out when it ends */
	return rc;
}

void kdr_json_capture(struct kdr_ctx *c, struct kdr_json *j)
{
	const struct kdf_meta *m = c->meta;
	const struct kdf_options *ro = &m->options;
	uint32_t maj = 0, min = 0;
	char v[32];

	kdf_reader_version(c->r, &maj, &min);
	snprintf(v, sizeof(v), "%" PRIu32 ".%" PRIu32, maj, min);
	kdr_json_obj_begin(j);
	kdr_json_key_cstr(j, "format_version", v);
	kdr_json_key_cstr(j, "kdelay_version", m->kdelay_version);
	kdr_json_key_cstr(j, "hostname", m->hostname);
	kdr_json_key_cstr(j, "kernel_release", m->kernel_release);
	kdr_json_key_cstr(j, "arch", m->arch);
	kdr_json_key_u64(j, "ncpus", m->ncpus);
	kdr_json_key_u64(j, "pid", m->pid);
	kdr_json_key_cstr(j, "comm", m->comm);
	kdr_json_key_cstr(j, "command_line", m->command_line);
	kdr_json_key_u64(j, "start_mono_ns", m->mono_ns);
	key_time(c, j, "start_time", m->mono_ns);
	kdr_json_key(j, "options");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "sample_time_ns", ro->sample_time_ns);
	kdr_json_key_u64(j, "sample_interval_ns", ro->sample_interval_ns);
	kdr_json_key_u64(j, "sample_count", ro->sample_count);
	kdr_json_key_u64(j, "stack_trace_size", ro->stack_trace_size);
	kdr_json_key_u64(j, "trigger_delta_ns", ro->trigger_delta_ns);
	key_i64_or_null(j, "syscall_events_ns", ro->syscall_events_ns);
	kdr_json_key_bool(j, "skip_syscall_poll_events", !!ro->skip_syscall_poll_events);
	kdr_json_key_u64(j, "buffer_page_count", ro->buffer_page_count);
	kdr_json_key_cstr(j, "start_trigger", ro->start_trigger);
	kdr_json_key_cstr(j, "stop_trigger", ro->stop_trigger);
	kdr_json_obj_end(j);
	kdr_json_obj_end(j);
}

static int json_begin(struct kdr_ctx *c, void *state)
{
	struct kdr_json_state *s = state;
	const struct kdr_options *o = c->o;
	struct kdr_json *j;
	char nb[32];

	s->j = j = kdr_json_new(c->out, KDR_JSON_PRETTY);
	if (!j)
		return -1;
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "schema_version", KDR_JSON_SCHEMA_VERSION);
	kdr_json_key_cstr(j, "generator", "kdelay-report");
	kdr_json_key(j, "capture");
	kdr_json_capture(c, j);
	kdr_json_key(j, "report_options");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "trigger_delta_ns", c->trigger_delta);
	key_i64_or_null(j, "syscall_events_ns", c->list_ns);
	kdr_json_key_bool(j, "skip_syscall_poll_events", c->skip_poll);
	kdr_json_key(j, "tids");
	if (o->ntids) {
		kdr_json_arr_begin(j);
		for (size_t i = 0; i < o->ntids; i++)
			kdr_json_u64(j, o->tids[i]);
		kdr_json_arr_end(j);
	} else {
		kdr_json_null(j);
	}
	kdr_json_key_cstr(j, "thread_regex", o->thread_regex);
	kdr_json_key_cstr(j, "syscall", c->filter.nr == KDR_NO_NR ? NULL :
			      kdr_syscall_name(c->meta, c->filter.nr, nb, sizeof(nb)));
	kdr_json_key(j, "time_range_ns");
	if (o->has_time_range) {
		kdr_json_arr_begin(j);
		kdr_json_u64(j, c->filter.lo - c->meta->mono_ns);
		if (c->filter.hi == UINT64_MAX)
			kdr_json_null(j);
		else
			kdr_json_u64(j, c->filter.hi - c->meta->mono_ns);
		kdr_json_arr_end(j);
	} else {
		kdr_json_null(j);
	}
	kdr_json_key(j, "window");
	if (o->window >= 0)
		kdr_json_i64(j, o->window);
	else
		kdr_json_null(j);
	kdr_json_obj_end(j);
	kdr_json_key(j, "windows");
	kdr_json_arr_begin(j);
	s->in_windows = 1;
	return 0;
}

static int json_end(struct kdr_ctx *c, void *state, const struct kdr_totals *t)
{
	struct kdr_json_state *s = state;
	struct kdr_json *j = s->j;

	(void)c;
	if (!j)
		return 0;
	if (s->in_windows)
		kdr_json_arr_end(j);
	kdr_json_key(j, "totals");
	kdr_json_obj_begin(j);
	kdr_json_key_u64(j, "windows", t->windows);
	kdr_json_key_u64(j, "reported", t->reported);
	kdr_json_key_u64(j, "dropped", t->dropped);
	losses_obj(j, &t->losses);
	if (t->losses.records)
		kdr_json_key_u64(j, "unknown_intervals", t->unknown);
	kdr_json_key_u64(j, "trigger_missed", t->trigger_missed);
	kdr_json_key_u64(j, "stacks_lost", t->stacks_lost);
	kdr_json_obj_end(j);
	kdr_json_key_bool(j, "complete", t->complete);
	kdr_json_key(j, "problems");
	kdr_json_obj_begin(j);
	kdr_json_key_bool(j, "truncated", t->truncated);
	kdr_json_key_bool(j, "has_summary", t->has_summary);
	kdr_json_key_u64(j, "chunks_bad", t->chunks_bad);
	kdr_json_key_u64(j, "unclosed_events", t->unclosed_events);
	kdr_json_obj_end(j);
	kdr_json_obj_end(j);
	kdr_json_free(j);
	s->j = NULL;
	return 0;
}

const struct kdr_sink kdr_json_sink = {
	.begin = json_begin,
	.window = json_window,
	.end = json_end,
};
