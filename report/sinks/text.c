// SPDX-License-Identifier: BSD-2-Clause
/*
 * text.c - the text report, column for column kernel_delay.py's
 * process_results() layout (the Python format strings are quoted next to
 * each printf), plus one block the reference lacks: the syscalls still in
 * progress when the window closed.
 */
#include <inttypes.h>
#include <string.h>

#include "sink.h"
#include "text_dist.h"
#include "text_format.h"

#define INDENT "                            " /* 28 spaces */

static void dashes(FILE *f, const char *before, int n)
{
	fputs(before, f);
	while (n-- > 0)
		fputc('-', f);
}

static void stamp(struct kdr_ctx *c, uint64_t ts)
{
	char buf[128];

	fputs(kdr_walltime_stamp(&c->wt, ts, buf, sizeof(buf)), c->out);
	fputc('\n', c->out);
}

static void syscall_block(struct kdr_ctx *c, const struct kdr_tview *t)
{
	FILE *f = c->out;
	char a[32], b[32];

	/* "{:10} {:16} {}\n{}{:20} {:>6}  {:>10}  {:>16}  {:>16}" */
	fprintf(f, "%10" PRIu32 " ", t->tid);
	kdr_text_name(f, t->name, t->name_len, 16, 0);
	fprintf(f, " [SYSCALL STATISTICS]\n" INDENT "%-20s %6s  %10s  %16s  %16s\n", "NAME",
		"NUMBER", "COUNT", "TOTAL ns", "MAX ns");
	for (size_t i = 0; i < t->nsys; i++) {
		const struct kdr_row *r = &t->sys[i];

		/* "{}{:20.20} {:6}  {:10}  {:16,}  {:16,}" */
		fputs(INDENT, f);
		kdr_text_name(f, r->name, r->name_len, 20, 20);
		fprintf(f, " %6" PRIu32 "  %10" PRIu64 "  %16s  %16s\n", r->key, r->st->count,
			kdr_commas(r->st->total, a, sizeof(a)), kdr_commas(r->st->max, b, sizeof(b)));
	}
	if (t->sys_count_nopoll) /* "{}{:20.20} {:6}  {:10}  {:16,}" */
		fprintf(f, INDENT "%-20s %6s  %10" PRIu64 "  %16s\n", "TOTAL( - poll):", "",
			t->sys_count_nopoll, kdr_commas(t->sys_total_nopoll, a, sizeof(a)));
}

static void sched_blocks(struct kdr_ctx *c, const struct kdr_tview *t)
{
	FILE *f = c->out;
	char a[32], b[32], d[32];

	/* "\n{:10} {:16} {}\n{}{:10}  {:>16}  {:>16}  {:>16}" */
	fprintf(f, "\n" INDENT "[THREAD RUN STATISTICS]\n" INDENT "%-10s  %16s  %16s  %16s\n",
		"SCHED_CNT", "TOTAL ns", "MIN ns", "MAX ns");
	if (t->run) /* "{}{:10}  {:16,}  {:16,}  {:16,}" */
		fprintf(f, INDENT "%10" PRIu64 "  %16s  %16s  %16s\n", t->run->count,
			kdr_commas(t->run->total, a, sizeof(a)), kdr_commas(t->run->min, b, sizeof(b)),
			kdr_commas(t->run->max, d, sizeof(d)));
	fprintf(f, "\n" INDENT "[THREAD READY STATISTICS]\n" INDENT "%-10s  %16s  %16s\n",
		"SCHED_CNT", "TOTAL ns", "MAX ns");
	if (t->ready) /* "{}{:10}  {:16,}  {:16,}" */
		fprintf(f, INDENT "%10" PRIu64 "  %16s  %16s\n", t->ready->count,
			kdr_commas(t->ready->total, a, sizeof(a)),
			kdr_commas(t->ready->max, b, sizeof(b)));
}

static void irq_blocks(struct kdr_ctx *c, const struct kdr_tview *t)
{
	FILE *f = c->out;
	char a[32], b[32];
	size_t i;

	if (t->nhard) {
		/* "\n{:10} {:16} {}\n{}{:20}  {:>10}  {:>16}  {:>16}" */
		fprintf(f, "\n" INDENT "[HARD IRQ STATISTICS]\n" INDENT "%-20s  %10s  %16s  %16s\n",
			"NAME", "COUNT", "TOTAL ns", "MAX ns");
		for (i = 0; i < t->nhard; i++) {
			const struct kdr_row *r = &t->hard[i];

			/* "{}{:20.20}  {:10}  {:16,}  {:16,}" */
			fputs(INDENT, f);
			kdr_text_name(f, r->name, r->name_len, 20, 20);
			fprintf(f, "  %10" PRIu64 "  %16s  %16s\n", r->st->count,
				kdr_commas(r->st->total, a, sizeof(a)),
				kdr_commas(r->st->max, b, sizeof(b)));
		}
		/* "{}{:20.20}  {:10}  {:16,}" */
		fprintf(f, INDENT "%-20s  %10" PRIu64 "  %16s\n", "TOTAL:", t->hard_count,
			kdr_commas(t->hard_total, a, sizeof(a)));
	}
	if (t->nsoft) {
		/* "\n{:10} {:16} {}\n{}{:20} {:>7}  {:>10}  {:>16}  {:>16}" */
		fprintf(f, "\n" INDENT "[SOFT IRQ STATISTICS]\n" INDENT "%-20s %7s  %10s  %16s  %16s\n",
			"NAME", "VECT_NR", "COUNT", "TOTAL ns", "MAX ns");
		for (i = 0; i < t->nsoft; i++) {
			const struct kdr_row *r = &t->soft[i];

			/* "{}{:20.20} {:>7}  {:10}  {:16,}  {:16,}" */
			fputs(INDENT, f);
			kdr_text_name(f, r->name, r->name_len, 20, 20);
			fprintf(f, " %7" PRIu32 "  %10" PRIu64 "  %16s  %16s\n", r->key, r->st->count,
				kdr_commas(r->st->total, a, sizeof(a)),
				kdr_commas(r->st->max, b, sizeof(b)));
		}
		/* "{}{:20.20} {:7}  {:10}  {:16,}" */
		fprintf(f, INDENT "%-20s %7s  %10" PRIu64 "  %16s\n", "TOTAL:", "", t->soft_count,
			kdr_commas(t->soft_total, a, sizeof(a)));
	}
}

/* Beyond the reference, only when events were lost: the thread's
 * intervals that spanned the loss (in none of the statistics above). */
static void unknown_line(struct kdr_ctx *c, const struct kdr_tview *t)
{
	if (!t->unknown_total)
		return;
	fprintf(c->out, "\n" INDENT "[UNKNOWN: SPANNED LOST EVENTS] %" PRIu64 " syscall, %" PRIu64
		" run, %" PRIu64 " ready, %" PRIu64 " hard irq, %" PRIu64 " soft irq\n",
		t->unknown[KDR_U_SYSCALL], t->unknown[KDR_U_RUN], t->unknown[KDR_U_READY],
		t->unknown[KDR_U_HARDIRQ], t->unknown[KDR_U_SOFTIRQ]);
}

/* Beyond the reference: what was still blocked in a syscall at the stop. */
static void inprog_block(struct kdr_ctx *c, const struct kdr_wview *v)
{
	FILE *f = c->out;
	char a[32], nb[32];

	if (!v->ninprog)
		return;
	fprintf(f, "\n\n# SYSCALLS IN PROGRESS AT STOP:\n  %19s %10s %-16s %16s  %s\n", "ENTRY (ns)",
		"TID", "THREAD", "ELAPSED ns", "SYSCALL");
	dashes(f, "  ", 19);
	dashes(f, " ", 10);
	dashes(f, " ", 16);
	dashes(f, " ", 16);
	dashes(f, "  ", 16);
	fputc('\n', f);
	for (size_t i = 0; i < v->ninprog; i++) {
		const struct kdr_inprog *p = &v->inprog[i];
		const char *sn = kdr_syscall_name(c->meta, p->nr, nb, sizeof(nb));

		fprintf(f, "  %19" PRIu64 " %10" PRIu32 " ", p->entry_ts, p->tid);
		kdr_text_name(f, p->thread, p->thread_len, 16, 0);
		fprintf(f, " %16s  ", kdr_commas(p->elapsed, a, sizeof(a)));
		kdr_text_name(f, sn, strlen(sn), 0, 0);
		fputc('\n', f);
	}
}

/* Beyond the reference: who was runnable but still not on a CPU at the
 * stop (a wait the READY statistics cannot show, having no end yet). */
static void waiting_block(struct kdr_ctx *c, const struct kdr_wview *v)
{
	FILE *f = c->out;
	char a[32];

	if (!v->nwaiting)
		return;
	fprintf(f, "\n\n# THREADS WAITING FOR A CPU AT STOP:\n  %19s %10s %-16s %16s\n",
		"READY SINCE (ns)", "TID", "THREAD", "ELAPSED ns");
	dashes(f, "  ", 19);
	dashes(f, " ", 10);
	dashes(f, " ", 16);
	dashes(f, " ", 16);
	fputc('\n', f);
	for (size_t i = 0; i < v->nwaiting; i++) {
		const struct kdr_inprog *p = &v->waiting[i];

		fprintf(f, "  %19" PRIu64 " %10" PRIu32 " ", p->entry_ts, p->tid);
		kdr_text_name(f, p->thread, p->thread_len, 16, 0);
		fprintf(f, " %16s\n", kdr_commas(p->elapsed, a, sizeof(a)));
	}
}

static void stack_lines(struct kdr_ctx *c, uint32_t id, int kernel)
{
	uint32_t n = 0;
	const uint64_t *ips = id ? kdf_reader_stack(c->r, id, &n) : NULL;
	char buf[512];

	for (uint32_t i = 0; ips && i < n; i++) {
		size_t len = kdr_symbols_format(c->syms, ips[i], kernel, buf, sizeof(buf));

		fputs("          ", c->out);
		kdr_text_name(c->out, buf, len < sizeof(buf) ? len : sizeof(buf) - 1, 0, 0);
		fputc('\n', c->out);
	}
}

/* One listed syscall, and its stacks when the capture has them. */
static void event_lines(struct kdr_ctx *c, const struct kdr_evview *e)
{
	FILE *f = c->out;
	char a[32], nb[32];
	const char *sn = kdr_syscall_name(c->meta, e->ev->nr, nb, sizeof(nb));

	/* "{}{:19} {:19} {:10} {:16} {:10,}  {}" */
	fprintf(f, "  %19" PRIu64 " %19" PRIu64 " %10" PRIu32 " ", e->ev->entry_ts,
		e->ev->exit_ts, e->ev->tid);
	kdr_text_name(f, e->thread, e->thread_len, 16, 0);
	fprintf(f, " %10s  ", kdr_commas((e->ev->exit_ts - e->ev->entry_ts) / 1000, a, sizeof(a)));
	kdr_text_name(f, sn, strlen(sn), 0, 0);
	fputc('\n', f);
	if (!c->meta->options.stack_trace_size || !e->ev->has_stack)
		return;
	stack_lines(c, e->ev->kstack, 1);
	stack_lines(c, e->ev->ustack, 0);
}

/* -1 when the listing could not be read back (said already). */
static int events_block(struct kdr_ctx *c, const struct kdr_wview *v)
{
	FILE *f = c->out;
	const struct kdr_evview *batch;
	long n;

	/* "\n\n# SYSCALL EVENTS:\n{}{:>19} {:>19} {:>10} {:16} {:>10}  {}" */
	fprintf(f, "\n\n# SYSCALL EVENTS:\n  %19s %19s %10s %-16s %10s  %s\n", "ENTRY (ns)",
		"EXIT (ns)", "TID", "COMM", "DELTA (us)", "SYSCALL");
	dashes(f, "  ", 19);
	dashes(f, " ", 19);
	dashes(f, " ", 10);
	dashes(f, " ", 16);
	dashes(f, " ", 10);
	dashes(f, "  ", 16);
	fputc('\n', f);
	kdr_view_events_begin(v);
	while ((n = kdr_view_events_next(v, &batch)) > 0)
		for (long i = 0; i < n; i++)
			event_lines(c, &batch[i]);
	if (n < 0)
		return -1;
	if (v->missing_stacks)
		fprintf(f, "\n#WARNING: We where not able to display %" PRIu64 " stack traces!\n"
			"#         Consider increasing the stack trace size using\n"
			"#         the '--stack-trace-size' option.\n"
			"#         Note that this can also happen due to a stack id\n"
			"#         collision.\n", v->missing_stacks);
	return 0;
}

static int text_window(struct kdr_ctx *c, void *state, const struct kdr_wview *v)
{
	const struct kdf_window *w = v->win;
	unsigned int sec = c->o->sections;
	FILE *f = c->out;
	char a[32];

	(void)state;
	if (sec & KDR_SEC_START) {
		fputs("# Start sampling", f);
		if (w->start_trigger_ts)
			fprintf(f, " (trigger@%" PRIu64 ")", w->start_trigger_ts);
		stamp(c, v->lo);
	}
	if (sec & KDR_SEC_STOP) {
		fputs("# Stop sampling", f);
		if (w->stop_trigger_ts)
			fprintf(f, " (trigger@%" PRIu64 ")", w->stop_trigger_ts);
		stamp(c, v->hi);
	}
	if (!(sec & KDR_SEC_DUMP))
		return 0;
	if (v->skip) {
		fprintf(f, "# Sample dump skipped, delta %s ns", kdr_commas(v->trigger_delta, a, sizeof(a)));
		stamp(c, v->hi);
		return 0;
	}
	if (v->trigger_delta)
		fprintf(f, "# Triggered sample dump, stop-start delta %s ns",
			kdr_commas(v->trigger_delta, a, sizeof(a)));
	else if (w->flags & KDF_WIN_FLIGHT_DUMP)
		fputs("# Flight recorder dump (SIGUSR2)", f);
	else
		fputs("# Sample dump", f);
	stamp(c, v->hi);
	if (w->flags & KDF_WIN_TRUNCATED)
		fputs("# WARNING: the flight recorder's memory cap (--flight-buffer-mb) evicted the\n"
		      "#          oldest events of this window: it is reported from the first\n"
		      "#          complete event on.\n", f);
	if (w->flags & KDR_WIN_UNCLOSED)
		fprintf(f, "# WARNING: incomplete window: the capture ends before this window closed;\n"
			"#          it is reported from its first to its last event.\n"
			"#          Why: %s.\n", kdr_end_text(v->end));
	else if (w->flags & KDF_WIN_INTERRUPTED)
		fputs("# WARNING: interrupted window: SIGINT, SIGTERM or the target's exit closed\n"
		      "#          it early, it is shorter than it was meant to be.\n", f);

	fprintf(f, "%-10s %-16s %s\n", "TID", "THREAD", "<RESOURCE SPECIFIC>");
	dashes(f, "", 10);
	dashes(f, " ", 16);
	dashes(f, " ", 76);
	fputc('\n', f);
	for (size_t i = 0, shown = 0; i < v->nthreads; i++) {
		if (v->threads[i].budget_only)
			continue; /* nothing counted: only in the --budget table */
		if (shown++)
			fputc('\n', f);
		syscall_block(c, &v->threads[i]);
		sched_blocks(c, &v->threads[i]);
		irq_blocks(c, &v->threads[i]);
		unknown_line(c, &v->threads[i]);
		if (v->histograms && kdr_text_distributions(c, &v->threads[i]))
			return -1;
	}
	inprog_block(c, v);
	waiting_block(c, v);
	kdr_text_budget(c, v);
	if (v->listing && v->nevents && /* the reference: "if syscall_events:" */
	    events_block(c, v))
		return -1;
	if (v->incomplete)
		fprintf(c->err, "%s: warning: window %" PRIu32 ": out of memory, statistics incomplete\n",
			c->prog, w->index);
	return 0;
}

static int text_begin(struct kdr_ctx *c, void *state)
{
	(void)c;
	(void)state;
	return 0;
}

static int text_end(struct kdr_ctx *c, void *state, const struct kdr_totals *t)
{
	FILE *f = c->out;

	(void)state;
	if (!(c->o->sections & KDR_SEC_FOOTER))
		return 0;
	if (t->dropped)
		fprintf(f, "\n# WARNING: Not all events were captured, %" PRIu64 " were dropped!\n"
			"#          Increase the BPF ring buffer size with the --buffer-page-count option.\n",
			t->dropped);
	if (t->dropped && t->losses.records) {
		uint64_t t0 = c->meta->mono_ns, a = t->losses.first_ts, z = t->losses.end;
		char n[32], u[32];

		fprintf(f, "#          They were lost in %s burst(s) from %+.6f s to %+.6f s after the\n"
			"#          recording started; the %s interval(s) spanning them are unknown, not\n"
			"#          measured (UNKNOWN lines above, per CPU with --info).\n",
			kdr_commas(t->losses.records, n, sizeof(n)), ((double)a - (double)t0) / 1e9,
			((double)z - (double)t0) / 1e9, kdr_commas(t->unknown, u, sizeof(u)));
	}
	if (t->trigger_missed)
		fprintf(f, "\n# WARNING: Not all start triggers were successful. %" PRIu64
			" were missed due to\n#          slow userspace processing!\n", t->trigger_missed);
	return 0;
}

const struct kdr_sink kdr_text_sink = {
	.begin = text_begin,
	.window = text_window,
	.end = text_end,
};
