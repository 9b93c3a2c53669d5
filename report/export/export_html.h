/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export_html.h - the HTML export's aggregates (export_html_stats.c),
 * filled by the slice stream and written as the page's embedded JSON by
 * export_html.c.  Internal to the exporters.
 */
#ifndef KDELAY_REPORT_EXPORT_HTML_H
#define KDELAY_REPORT_EXPORT_HTML_H

#include "budget.h"
#include "export_internal.h"
#include "hashidx.h"
#include "hist.h"
#include "stats.h"

#define KDR_HTML_SLOWEST 50 /* slowest syscall events listed */
#define KDR_HTML_BUCKETS 64 /* log2 slots written: [2^i, 2^(i+1)) ns; 0 ns in slot 0 */

/* Time one thread spent in one window: budget.h's classes, as the text
 * report's --budget says them (engine/budget.c); blocked split per
 * syscall, most first. */
struct kdr_html_budget {
	uint64_t ns[KDR_B_N];
	struct kdr_budget_sys *sys;
	uint32_t nsys;
};

/* The distribution of one (thread, kind, syscall nr) series (hist.h,
 * written as its log2 view). */
struct kdr_html_hist {
	uint32_t tidx; /* into x->threads */
	uint32_t kind; /* KDR_X_RUNNING, KDR_X_READY or KDR_X_SYSCALL */
	uint32_t nr;
	struct kdr_hist h;
};

/* One timeline slice, compact: 32 bytes. */
struct kdr_html_tl {
	uint64_t start, dur; /* ns from the origin */
	uint32_t tidx, label; /* label: index into labels, or UINT32_MAX */
	uint32_t seq;	      /* arrival order: ties of (tidx, start) keep it */
	uint8_t kind, flags;
};

struct kdr_html_slow {
	struct kdr_xslice s;
};

/* key (syscall nr, softirq vec, irq name id) -> label index + 1 */
struct kdr_html_label_cache {
	uint32_t *v;
	size_t n;
};

struct kdr_html_stats {
	struct kdr_export *x;
	/* windows used for budgets: x->windows clipped to the range, or one
	 * pseudo-window over the whole capture when it has none */
	struct kdf_window *win;
	size_t nwin;
	struct kdr_html_budget *budget; /* [nwin * x->nthreads] */
	struct kdr_stats *bstats; /* the budgets' statistics, window by window */
	size_t bwin;		  /* win[] the next window closed may be */

	struct kdr_html_hist *hist; /* in order of first slice */
	size_t nhist, hist_cap;
	struct kdr_ix hist_ix; /* (tidx, kind, nr) -> hist index + 1 */

	struct kdr_html_tl *tl;
	size_t ntl, tl_cap, tl_max;
	uint64_t tl_dropped;

	char **labels; /* interned names of syscalls, irqs, softirqs */
	size_t nlabels, labels_cap;
	struct kdr_html_label_cache cache_sys, cache_soft, cache_irq;

	struct kdr_html_slow slow[KDR_HTML_SLOWEST]; /* min-heap on duration */
	size_t nslow;
	uint64_t nslices;
	int oom;
};

int kdr_export_html_stats_init(struct kdr_html_stats *st, struct kdr_export *x, size_t tl_max);
void kdr_export_html_stats_free(struct kdr_html_stats *st);
/* kdr_xsink callbacks: ctx is the stats. */
int kdr_export_html_stats_slice(void *ctx, const struct kdr_xslice *s);
int kdr_export_html_stats_events(void *ctx, const struct kdf_event *v, size_t n);
int kdr_export_html_stats_window(void *ctx, const struct kdf_window *w);
/* Index into st->labels of a syscall, hard or soft irq slice's name
 * (UINT32_MAX for other kinds or out of memory: st->oom says). */
uint32_t kdr_export_html_label(struct kdr_html_stats *st, const struct kdr_xslice *s);
/* Close the window the capture left open (its budget), sort the slowest
 * syscalls longest first and the timeline by thread.  EX_OK or a code
 * (said). */
int kdr_export_html_stats_finish(struct kdr_html_stats *st);

#endif /* KDELAY_REPORT_EXPORT_HTML_H */
