// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_tables.c - kdelay-report --export tables (export_tables.h): the
 * tables sink, which turns each window's view (view.h, the very numbers
 * the text and JSON reports print) into rows, the intervals table from
 * the exports' timeline (export_timeline.c).  export_tables_run.c reads the
 * captures through it.
 *
 * CSV as the engines read it without options: a header line, "," between
 * fields, RFC 4180 quoting, integers in plain decimal, booleans as
 * true/false, times as ISO-8601 UTC ("2026-12-01T01:02:03.456789Z", the
 * microseconds every engine's TIMESTAMP holds; the exact nanoseconds are
 * in the *_ns columns), an empty field for "none".  Names are any bytes:
 * the text column holds them as UTF-8 (an invalid byte or a NUL becomes
 * U+FFFD, so no engine refuses the file) and the *_hex column beside it
 * the exact bytes when they were not that.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "export_internal.h"
#include "export_tables.h"
#include "json.h"
#include "sink.h"
#include "utf8.h"

/* Every table starts with the capture's identity. */
#define ID_COLS "capture_id,host,kernel,target_comm,target_pid"
#define WIN_COLS ID_COLS ",window_index,window_start"
#define PCT_COLS "p50_ns,p90_ns,p99_ns,p99_9_ns"

const struct kdr_table_def kdr_table_defs[KDR_T_N] = {
	[KDR_T_CAPTURES] = { "captures.csv",
			 ID_COLS ",capture_id_derived,arch,ncpus,kdelay_version,command_line,"
				 "start_time,file,windows,windows_reported,dropped,trigger_missed,"
				 "stacks_lost,lost_events,unknown_ns,truncated,has_summary,chunks_bad,"
				 "complete,tables_version" },
	[KDR_T_WINDOWS] = { "windows.csv",
			WIN_COLS ",window_end,start_ns,end_ns,duration_ns,clipped,skipped,"
				 "trigger_delta_ns,dropped,trigger_missed,stacks_lost,lost_events,"
				 "threads,incomplete,unclosed" },
	[KDR_T_THREADS] = { "threads.csv",
			WIN_COLS ",tid,thread,thread_hex,run_count,run_ns,run_max_ns,run_p50_ns,"
				 "run_p99_ns,ready_count,ready_ns,ready_max_ns,ready_p50_ns,"
				 "ready_p99_ns,syscall_count,syscall_ns,syscall_count_nopoll,"
				 "syscall_ns_nopoll,hardirq_count,hardirq_ns,softirq_count,softirq_ns,"
				 "unknown_ns,budget_running_ns,budget_ready_ns,budget_blocked_ns,"
				 "budget_hardirq_ns,budget_softirq_ns,budget_other_ns,"
				 "budget_unknown_ns,budget_only" },
	[KDR_T_SYSCALLS] = { "syscalls.csv",
			 WIN_COLS ",tid,thread,thread_hex,syscall,nr,count,total_ns,min_ns,max_ns,"
				 PCT_COLS },
	[KDR_T_IRQS] = { "irqs.csv",
		     WIN_COLS ",tid,thread,thread_hex,kind,irq,irq_hex,vec,count,total_ns,min_ns,"
			      "max_ns," PCT_COLS },
	[KDR_T_INTERVALS] = { "intervals.csv",
			  ID_COLS ",window_index,tid,thread,thread_hex,kind,name,nr,start_time,start_ns,"
				  "duration_ns,ret,open_start,unfinished,clipped,lost" },
};

/* ------------------------------------------------------------ fields */

static int needs_quotes(const char *s, size_t len)
{
	if (!len)
		return 0;
	if (s[0] == ' ' || s[len - 1] == ' ')
		return 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

/* Valid UTF-8 without NUL: written as is. */
static int plain_text(const char *s, size_t len)
{
	return !memchr(s, '\0', len) && kdr_utf8_valid(s, len);
}

/* A text field: UTF-8, invalid bytes and NUL as U+FFFD, quoted when it
 * must be; nothing for an empty or absent string. */
static void put_text(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int quote;

	if (!s || !len)
		return;
	quote = needs_quotes(s, len);
	if (quote)
		putc('"', f);
	for (size_t i = 0; i < len;) {
		size_t n = p[i] ? kdr_utf8_seq(p + i, len - i, &cp) : 0;

		if (!n) {
			fputs("\xef\xbf\xbd", f);
			i++;
			continue;
		}
		if (p[i] == '"')
			putc('"', f);
		fwrite(p + i, 1, n, f);
		i += n;
	}
	if (quote)
		putc('"', f);
}

static void put_cstr(FILE *f, const char *s)
{
	put_text(f, s, s ? strlen(s) : 0);
}

static void sep_cstr(FILE *f, const char *s)
{
	putc(',', f);
	put_cstr(f, s);
}

/* A name and its *_hex column (the exact bytes, when the text column had
 * to replace some). */
static void put_name(FILE *f, const char *s, size_t len)
{
	put_text(f, s, len);
	putc(',', f);
	if (s && !plain_text(s, len))
		for (size_t i = 0; i < len; i++)
			fprintf(f, "%02x", (unsigned char)s[i]);
}

static void put_u64(FILE *f, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

static void sep_u64(FILE *f, uint64_t v)
{
	putc(',', f);
	put_u64(f, v);
}

static void sep_bool(FILE *f, int v)
{
	fputs(v ? ",true" : ",false", f);
}

/* ISO-8601 UTC of a monotonic timestamp, to the microsecond. */
static void put_time(FILE *f, const struct kdr_walltime *wt, uint64_t mono_ns)
{
	int64_t ns = kdr_walltime_ns(wt, mono_ns);
	time_t secs;
	struct tm tm;

	if (ns < 0)
		ns = 0;
	secs = (time_t)(ns / 1000000000);
	if (!gmtime_r(&secs, &tm))
		return;
	fprintf(f, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ns % 1000000000 / 1000));
}

/* A percentile of a distribution; nothing when it is empty or absent. */
static void sep_pct(FILE *f, const struct kdr_hist *h, double p)
{
	putc(',', f);
	if (h && h->count)
		put_u64(f, kdr_hist_percentile(h, p));
}

static void sep_pcts(FILE *f, const struct kdr_hist *h)
{
	static const double p[] = { 50, 90, 99, 99.9 };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		sep_pct(f, h, p[i]);
}

/* The identity columns, then the window's: the start of every row. */
static void row_start(struct kdr_tables *t, FILE *f)
{
	fwrite(t->id, 1, t->id_len, f);
}

static void window_start(struct kdr_tables *t, FILE *f, const struct kdr_wview *v)
{
	row_start(t, f);
	sep_u64(f, v->win->index);
	putc(',', f);
	put_time(f, &t->wt, v->lo);
}

/* ------------------------------------------------------------ the sink */

static int tables_begin(struct kdr_ctx *c, void *state)
{
	struct kdr_tables *t = c->o->tables;
	const struct kdf_meta *m = c->meta;
	FILE *f;

	(void)state;
	t->wt = c->wt;
	free(t->id);
	t->id = NULL;
	t->id_len = 0;
	f = open_memstream(&t->id, &t->id_len);
	if (!f)
		return -1;
	put_cstr(f, m->capture_id);
	sep_cstr(f, m->hostname);
	sep_cstr(f, m->kernel_release);
	sep_cstr(f, m->comm);
	sep_u64(f, m->pid);
	return fclose(f) ? -1 : 0;
}

/* count, total, max, p50, p99 of the run or ready intervals. */
static void sched_cols(FILE *f, const struct kdr_stat *s, const struct kdr_hist *h)
{
	sep_u64(f, s ? s->count : 0);
	sep_u64(f, s ? s->total : 0);
	sep_u64(f, s ? s->max : 0);
	sep_pct(f, h, 50);
	sep_pct(f, h, 99);
}

static void thread_row(struct kdr_tables *t, const struct kdr_wview *v, const struct kdr_tview *tv)
{
	FILE *f = t->f[KDR_T_THREADS];
	uint64_t sys_count = 0, sys_ns = 0;

	for (size_t i = 0; i < tv->nsys; i++) {
		sys_count += tv->sys[i].st->count;
		sys_ns += tv->sys[i].st->total;
	}
	window_start(t, f, v);
	sep_u64(f, tv->tid);
	putc(',', f);
	put_name(f, tv->name, tv->name_len);
	sched_cols(f, tv->run, tv->run_hist);
	sched_cols(f, tv->ready, tv->ready_hist);
	sep_u64(f, sys_count);
	sep_u64(f, sys_ns);
	sep_u64(f, tv->sys_count_nopoll);
	sep_u64(f, tv->sys_total_nopoll);
	sep_u64(f, tv->hard_count);
	sep_u64(f, tv->hard_total);
	sep_u64(f, tv->soft_count);
	sep_u64(f, tv->soft_total);
	sep_u64(f, tv->unknown_total);
	for (int k = 0; k < KDR_B_N; k++) {
		putc(',', f);
		if (tv->budget)
			put_u64(f, tv->budget->ns[k]);
	}
	sep_bool(f, tv->budget_only);
	putc('\n', f);
}

static void stat_row_tail(FILE *f, const struct kdr_row *r)
{
	sep_u64(f, r->st->count);
	sep_u64(f, r->st->total);
	sep_u64(f, r->st->min);
	sep_u64(f, r->st->max);
	sep_pcts(f, r->hist);
	putc('\n', f);
}

static void syscall_rows(struct kdr_tables *t, const struct kdr_wview *v,
			 const struct kdr_tview *tv)
{
	FILE *f = t->f[KDR_T_SYSCALLS];

	for (size_t i = 0; i < tv->nsys; i++) {
		const struct kdr_row *r = &tv->sys[i];

		window_start(t, f, v);
		sep_u64(f, tv->tid);
		putc(',', f);
		put_name(f, tv->name, tv->name_len);
		putc(',', f);
		put_text(f, r->name, r->name_len);
		sep_u64(f, r->key);
		stat_row_tail(f, r);
	}
}

static void irq_rows(struct kdr_tables *t, const struct kdr_wview *v, const struct kdr_tview *tv,
		     const struct kdr_row *r, size_t n)
{
	FILE *f = t->f[KDR_T_IRQS];

	for (size_t i = 0; i < n; i++) {
		int soft = r[i].kind == KDR_K_SOFTIRQ;

		window_start(t, f, v);
		sep_u64(f, tv->tid);
		putc(',', f);
		put_name(f, tv->name, tv->name_len);
		fputs(soft ? ",softirq," : ",hardirq,", f);
		put_name(f, r[i].name, r[i].name_len);
		putc(',', f);
		if (soft)
			put_u64(f, r[i].key);
		stat_row_tail(f, &r[i]);
	}
}

static int tables_window(struct kdr_ctx *c, void *state, const struct kdr_wview *v)
{
	struct kdr_tables *t = c->o->tables;
	FILE *f = t->f[KDR_T_WINDOWS];
	static const char *const skip[] = { [KDR_SKIP_NONE] = "",
					    [KDR_SKIP_RECORDER] = "recorder",
					    [KDR_SKIP_TRIGGER_DELTA] = "trigger-delta" };

	(void)state;
	window_start(t, f, v);
	putc(',', f);
	put_time(f, &t->wt, v->hi);
	sep_u64(f, v->lo);
	sep_u64(f, v->hi);
	sep_u64(f, v->hi - v->lo);
	sep_bool(f, v->clipped);
	sep_cstr(f, skip[v->skip]);
	putc(',', f);
	if (v->trigger_delta)
		put_u64(f, v->trigger_delta);
	sep_u64(f, v->win->dropped);
	sep_u64(f, v->win->trigger_missed);
	sep_u64(f, v->win->stacks_lost);
	sep_u64(f, v->losses ? v->losses->count : 0);
	sep_u64(f, v->nthreads);
	sep_bool(f, v->incomplete);
	sep_bool(f, !!(v->win->flags & KDR_WIN_UNCLOSED));
	putc('\n', f);
	for (size_t i = 0; i < v->nthreads; i++) {
		const struct kdr_tview *tv = &v->threads[i];

		thread_row(t, v, tv);
		syscall_rows(t, v, tv);
		irq_rows(t, v, tv, tv->hard, tv->nhard);
		irq_rows(t, v, tv, tv->soft, tv->nsoft);
	}
	return 0;
}

static int tables_end(struct kdr_ctx *c, void *state, const struct kdr_totals *tot)
{
	struct kdr_tables *t = c->o->tables;
	const struct kdf_meta *m = c->meta;
	FILE *f = t->f[KDR_T_CAPTURES];

	(void)state;
	row_start(t, f);
	sep_bool(f, (int)m->capture_id_derived);
	sep_cstr(f, m->arch);
	sep_u64(f, m->ncpus);
	sep_cstr(f, m->kdelay_version);
	sep_cstr(f, m->command_line);
	putc(',', f);
	put_time(f, &t->wt, m->mono_ns);
	sep_cstr(f, t->file);
	sep_u64(f, tot->windows);
	sep_u64(f, tot->reported);
	sep_u64(f, tot->dropped);
	sep_u64(f, tot->trigger_missed);
	sep_u64(f, tot->stacks_lost);
	sep_u64(f, tot->losses.count);
	sep_u64(f, tot->unknown);
	sep_bool(f, tot->truncated);
	sep_bool(f, tot->has_summary);
	sep_u64(f, tot->chunks_bad);
	sep_bool(f, tot->complete);
	sep_u64(f, KDR_TABLES_VERSION);
	putc('\n', f);
	return 0;
}

const struct kdr_sink kdr_tables_sink = {
	.begin = tables_begin,
	.window = tables_window,
	.end = tables_end,
};

/* ------------------------------------------------------------ intervals */

struct interval_pass {
	struct kdr_tables *t;
	struct kdr_export *x;
};

/* The index of the window holding ts (windows in file order are in time
 * order); -1 outside every window. */
static int64_t window_of(const struct kdr_export *x, uint64_t ts)
{
	size_t lo = 0, hi = x->nwindows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->windows[mid].end_ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->nwindows && x->windows[lo].start_ts <= ts)
		return x->windows[lo].index;
	return -1;
}

static int on_slice(void *ctx, const struct kdr_xslice *s)
{
	static const char *const kinds[] = { [KDR_X_RUNNING] = "running", [KDR_X_READY] = "ready",
					     [KDR_X_SYSCALL] = "syscall", [KDR_X_HARDIRQ] = "hardirq",
					     [KDR_X_SOFTIRQ] = "softirq" };
	struct interval_pass *p = ctx;
	FILE *f = p->t->f[KDR_T_INTERVALS];
	int64_t win = window_of(p->x, s->start);
	const char *name = NULL;
	size_t name_len = 0;
	char buf[64];

	if (s->kind == KDR_X_SYSCALL)
		name = kdr_export_syscall_name(p->x, s->nr, buf, sizeof(buf));
	else if (s->kind == KDR_X_HARDIRQ)
		name = kdf_reader_string(p->x->r, s->name_id, &name_len);
	else if (s->kind == KDR_X_SOFTIRQ)
		name = kdr_export_softirq_name(s->nr, buf, sizeof(buf));
	if (name && !name_len)
		name_len = strlen(name);
	row_start(p->t, f);
	putc(',', f);
	if (win >= 0)
		put_u64(f, (uint64_t)win);
	sep_u64(f, s->thread->tid);
	putc(',', f);
	put_name(f, s->thread->name, s->thread->name_len);
	putc(',', f);
	fputs(kinds[s->kind], f);
	putc(',', f);
	put_text(f, name, name_len);
	putc(',', f);
	if (s->kind == KDR_X_SYSCALL || s->kind == KDR_X_SOFTIRQ || s->kind == KDR_X_HARDIRQ)
		put_u64(f, s->nr);
	putc(',', f);
	put_time(f, &p->t->wt, s->start);
	sep_u64(f, s->start);
	sep_u64(f, s->end - s->start);
	putc(',', f);
	if (s->kind == KDR_X_SYSCALL)
		fprintf(f, "%" PRId32, s->ret);
	sep_bool(f, !!(s->flags & KDR_XS_OPEN_START));
	sep_bool(f, !!(s->flags & KDR_XS_UNFINISHED));
	sep_bool(f, !!(s->flags & (KDR_XS_CLIPPED | KDR_XS_CUT_START | KDR_XS_CUT_END)));
	sep_bool(f, !!(s->flags & KDR_XS_LOST));
	putc('\n', f);
	return 0;
}

int kdr_tables_intervals(struct kdr_tables *t, const char *path, const struct kdr_options *o)
{
	struct kdr_export_opts eo;
	struct kdr_export x;
	struct interval_pass p = { .t = t, .x = &x };
	struct kdr_xsink sink = { .ctx = &p, .slice = on_slice };
	int rc;

	kdr_export_opts_from_report(&eo, o, t->f[KDR_T_INTERVALS], t->err);
	rc = kdr_export_open(&x, path, &eo, "tables");
	if (rc == EX_OK)
		rc = kdr_export_scan(&x, &sink);
	kdr_export_close(&x);
	return rc;
}

