// SPDX-License-Identifier: BSD-2-Clause
/*
 * text_dist.c - the text report's optional blocks, printed only when asked
 * so that the default report stays kernel_delay.py's layout:
 *
 *   --histogram  after each thread's statistics, a [DISTRIBUTIONS] table
 *                (count, p50/p90/p99/p99.9, max of every row shown above)
 *                and a log2 histogram per row in BCC runqlat's layout,
 *                indented to the reference's resource column;
 *   --budget     after the threads, "# TIME BUDGET": each thread's window
 *                split into budget.h's classes, in % and in ns; the
 *                census's silent threads (census.h) last, under their
 *                own heading.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "text_format.h"
#include "text_dist.h"

#define INDENT "                            " /* 28 spaces, as text.c */
#define TOP_BLOCKED 3			     /* syscalls named in the budget */
/* "softirq " + the longest names (sched_get_priority_max, 22) */
#define LABEL_W 32

/* The log2 histogram, each line indented (kdr_hist_print_log2 writes it
 * flush left: print to memory, then indent). */
static int print_log2(FILE *f, const struct kdr_hist *h)
{
	char *buf = NULL, *p, *nl;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int rc;

	if (!m)
		return -1;
	rc = kdr_hist_print_log2(h, m, "nsecs", 1);
	if (fclose(m) || rc) {
		free(buf);
		return -1;
	}
	for (p = buf; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		fprintf(f, INDENT "%.*s\n", (int)(nl - p + (*nl != '\n')), p);
	}
	free(buf);
	return 0;
}

struct dist_row {
	const char *what; /* "syscall", "hardirq", ... */
	const char *name; /* NULL for run and ready */
	size_t name_len;
	const struct kdr_hist *h;
};

static void pct_row(FILE *f, const struct dist_row *r)
{
	char lbl[64], a[32], b[32], c[32], d[32], e[32];
	int n = snprintf(lbl, sizeof(lbl), "%s%s", r->what, r->name ? " " : "");

	fputs(INDENT, f);
	if (r->name) {
		/* the name may hold any byte: kdr_text_name escapes it */
		fputs(lbl, f);
		kdr_text_name(f, r->name, r->name_len, LABEL_W - n, LABEL_W - n);
	} else {
		fprintf(f, "%-*s", LABEL_W, lbl);
	}
	fprintf(f, " %10" PRIu64 "  %14s  %14s  %14s  %14s  %14s\n", r->h->count,
		kdr_commas(kdr_hist_percentile(r->h, 50), a, sizeof(a)),
		kdr_commas(kdr_hist_percentile(r->h, 90), b, sizeof(b)),
		kdr_commas(kdr_hist_percentile(r->h, 99), c, sizeof(c)),
		kdr_commas(kdr_hist_percentile(r->h, 99.9), d, sizeof(d)),
		kdr_commas(r->h->max, e, sizeof(e)));
}

static size_t collect(const struct kdr_tview *t, struct dist_row *out, size_t cap)
{
	size_t n = 0, i;

	for (i = 0; i < t->nsys && n < cap; i++)
		out[n++] = (struct dist_row){ "syscall", t->sys[i].name, t->sys[i].name_len, t->sys[i].hist };
	if (t->run && t->run_hist && n < cap)
		out[n++] = (struct dist_row){ "run", NULL, 0, t->run_hist };
	if (t->ready && t->ready_hist && n < cap)
		out[n++] = (struct dist_row){ "ready", NULL, 0, t->ready_hist };
	for (i = 0; i < t->nhard && n < cap; i++)
		out[n++] = (struct dist_row){ "hardirq", t->hard[i].name, t->hard[i].name_len, t->hard[i].hist };
	for (i = 0; i < t->nsoft && n < cap; i++)
		out[n++] = (struct dist_row){ "softirq", t->soft[i].name, t->soft[i].name_len, t->soft[i].hist };
	return n;
}

int kdr_text_distributions(struct kdr_ctx *c, const struct kdr_tview *t)
{
	FILE *f = c->out;
	size_t cap = t->nsys + t->nhard + t->nsoft + 2, n, i;
	struct dist_row *rows = calloc(cap, sizeof(*rows));

	if (!rows)
		return -1;
	n = collect(t, rows, cap);
	for (i = 0; i < n; i++)
		if (!rows[i].h) /* not accumulated (histograms off) */
			n = 0;
	if (!n) {
		free(rows);
		return 0;
	}
	fprintf(f, "\n" INDENT "[DISTRIBUTIONS]  (percentiles overstate by < 1.6%%)\n" INDENT
		"%-*s %10s  %14s  %14s  %14s  %14s  %14s\n", LABEL_W, "NAME", "COUNT", "p50 ns", "p90 ns",
		"p99 ns", "p99.9 ns", "MAX ns");
	for (i = 0; i < n; i++)
		pct_row(f, &rows[i]);
	for (i = 0; i < n; i++) {
		fprintf(f, "\n" INDENT "%s%s", rows[i].what, rows[i].name ? " " : "");
		if (rows[i].name)
			kdr_text_name(f, rows[i].name, rows[i].name_len, 0, 0);
		fputs(":\n", f);
		if (print_log2(f, rows[i].h)) {
			free(rows);
			return -1;
		}
	}
	free(rows);
	return 0;
}

/* ns as a share of len, "12.3%" (rounded to 0.1%, integers only, so the
 * golden files do not depend on the libc's float formatting). */
static const char *pct(uint64_t ns, uint64_t len, char *buf, size_t size)
{
	uint64_t t;

	if (!len) {
		snprintf(buf, size, "-");
		return buf;
	}
	while (ns > UINT64_MAX / 2000 || len > UINT64_MAX / 2) {
		/* windows of hours: keep ns * 2000 in 64 bits (ns <= len) */
		ns >>= 10;
		len >>= 10;
	}
	if (!len)
		len = 1;
	t = (ns * 2000 + len) / (2 * len);
	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%%", t / 10, t % 10);
	return buf;
}

static const char *const heads[KDR_B_N] = {
	"RUNNING", "READY", "BLOCKED", "HARDIRQ", "SOFTIRQ", "OTHER", "UNKNOWN",
};

/* One thread's two lines of the TIME BUDGET table. */
static void budget_row(struct kdr_ctx *c, const struct kdr_tview *t, uint64_t len)
{
	const struct kdr_budget *b = t->budget;
	FILE *f = c->out;
	char a[32], nb[32];
	int k;

	fprintf(f, "%10" PRIu32 " ", t->tid);
	kdr_text_name(f, t->name, t->name_len, 16, 0);
	for (k = 0; k < KDR_B_N; k++)
		fprintf(f, " %14s", pct(b->ns[k], len, a, sizeof(a)));
	if (b->nsys)
		fputc(' ', f);
	for (uint32_t s = 0; s < b->nsys && s < TOP_BLOCKED; s++) {
		const char *sn = kdr_syscall_name(c->meta, b->sys[s].nr, nb, sizeof(nb));

		fputs(s ? ", " : " ", f);
		kdr_text_name(f, sn, strlen(sn), 0, 0);
		fprintf(f, " %s", pct(b->sys[s].ns, len, a, sizeof(a)));
	}
	if (b->nsys > TOP_BLOCKED)
		fprintf(f, ", +%" PRIu32 " more", b->nsys - TOP_BLOCKED);
	fprintf(f, "\n%27s", "");
	for (k = 0; k < KDR_B_N; k++)
		fprintf(f, " %14s", kdr_commas(b->ns[k], a, sizeof(a)));
	fputc('\n', f);
}

void kdr_text_budget(struct kdr_ctx *c, const struct kdr_wview *v)
{
	FILE *f = c->out;
	uint64_t len = v->hi - v->lo;
	size_t i, nsilent = 0;
	char a[32];
	int k;

	if (!v->budget)
		return;
	fprintf(f, "\n\n# TIME BUDGET: window %s ns = 100%% per thread (ns on the second line)\n",
		kdr_commas(len, a, sizeof(a)));
	fprintf(f, "%10s %-16s", "TID", "THREAD");
	for (k = 0; k < KDR_B_N; k++)
		fprintf(f, " %14s", heads[k]);
	fputs("  BLOCKED IN\n", f);
	for (i = 0; i < v->nthreads; i++) {
		if (v->threads[i].silent)
			nsilent++;
		else if (v->threads[i].budget)
			budget_row(c, &v->threads[i], len);
	}
	if (!nsilent)
		return;
	/* view.h: the silent threads come last, under their own heading */
	fprintf(f, "# Silent threads: %zu made no event in the window; /proc's state at its start "
		"held all along (runnable: unknown)\n", nsilent);
	for (i = 0; i < v->nthreads; i++)
		if (v->threads[i].silent)
			budget_row(c, &v->threads[i], len);
}
