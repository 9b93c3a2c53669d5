/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export_internal.h - what the exporters (export_chrome.c, export_html*.c,
 * export_folded.c) share: the capture context built by the first pass
 * (export_common.c), the slice stream of the second pass
 * (export_timeline.c, the pairing engine's intervals).  Symbols are symbols.h's store, JSON strings go
 * through json.h.  Not part of the report's public API.
 */
#ifndef KDELAY_REPORT_EXPORT_INTERNAL_H
#define KDELAY_REPORT_EXPORT_INTERNAL_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "export.h"
#include "filter.h"
#include "kdelay_format.h"
#include "pairing.h"
#include "symbols.h"

/* ------------------------------------------------------------ context */

struct kdr_xthread {
	uint32_t tid;
	int keep;	 /* passes the tid / regex filters */
	char *name;	 /* last name from the capture, any bytes; NULL = none */
	size_t name_len;
	uint32_t order;	 /* rank when sorted by name, then tid */
	uint64_t exit_ts; /* KDF_EV_THREAD_EXIT seen, else 0 */
};

/* Everything the first pass learns, and the second pass's reader. */
struct kdr_export {
	const struct kdr_export_opts *opts;
	FILE *err;
	const char *path;
	const char *what;	   /* "chrome-json", "html", "folded": in messages */
	struct kdf_reader *r;	   /* open for the second pass */
	const struct kdf_meta *meta; /* of r */

	struct kdr_xthread *threads; /* sorted by tid */
	size_t nthreads;
	struct kdr_symbols *syms; /* NULL until the capture has SYMBOLS */
	struct kdf_window *windows; /* file order */
	size_t nwindows;
	struct kdf_summary summary;
	int has_summary;
	struct kdf_read_stats stats; /* of the first pass */
	uint64_t events_by_type[KDF_EV_TYPE_MAX + 1];
	uint64_t warnings;
	int read_error;		     /* fatal kdf_reader_next() result, else 0 */

	uint64_t first_ts, last_ts; /* over all events; 0 = no event */
	uint64_t origin;	    /* t = 0: start of the first window */
	uint64_t end_ts;	    /* end of the capture (last event or window) */
	uint64_t from, to;	    /* absolute clipping range [from, to) */
	uint32_t syscall_nr;	    /* opts->syscall resolved; UINT32_MAX = all */
	struct kdr_filter filter;   /* the threads kept (filter.h) */
};

/* Open the capture, run the first pass, open the second pass's reader.
 * what names the export in messages.  Returns EX_OK or a sysexits code
 * (already reported on x->err); kdr_export_close() is needed either way. */
int kdr_export_open(struct kdr_export *x, const char *path, const struct kdr_export_opts *opts,
		    const char *what);
void kdr_export_close(struct kdr_export *x);
/* The first pass over r (export_pass1.c): fills threads (sorted, ranked,
 * filtered), windows, symbols (sorted), counts.  EX_OK or a code (said). */
int kdr_export_pass1(struct kdr_export *x, struct kdf_reader *r);
/* Report "kdelay-report: <what>: <msg>" on x->err; returns code. */
int kdr_export_fail(struct kdr_export *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* After the output is written: EX_IOERR when flushing it failed,
 * KDR_EXIT_INCOMPLETE when the capture was truncated, corrupt or has no
 * summary, else EX_OK; said on x->err. */
int kdr_export_finish_output(struct kdr_export *x);

/* NULL when tid is not a target thread seen in the capture. */
struct kdr_xthread *kdr_export_thread(const struct kdr_export *x, uint32_t tid);
/* Printable names (never NULL; static storage or ring buffer of 4). */
const char *kdr_export_syscall_name(const struct kdr_export *x, uint32_t nr, char *buf, size_t len);
const char *kdr_export_softirq_name(uint32_t vec, char *buf, size_t len);

/* ------------------------------------------------------------ slices */

/* The pairing's kinds (pairing.h), by the exporters' names. */
enum kdr_xkind {
	KDR_X_RUNNING = KDR_I_RUNNING,
	KDR_X_READY = KDR_I_READY,
	KDR_X_SYSCALL = KDR_I_SYSCALL,
	KDR_X_HARDIRQ = KDR_I_HARDIRQ,
	KDR_X_SOFTIRQ = KDR_I_SOFTIRQ,
	KDR_X_NKINDS = KDR_I_N,
};

/* Each kind goes on one lane per thread; slices on a lane never overlap. */
enum kdr_xlane {
	KDR_LANE_SCHED,	  /* running, ready */
	KDR_LANE_SYSCALL,
	KDR_LANE_HARDIRQ,
	KDR_LANE_SOFTIRQ,
	KDR_NLANES,
};

/* The pairing's flags (KDR_IV_*, pairing.h), and the timeline's own. */
#define KDR_XS_OPEN_START KDR_IV_OPEN_START /* began before the first event of the thread */
#define KDR_XS_UNFINISHED KDR_IV_UNFINISHED /* still open at the end of the capture */
#define KDR_XS_CLIPPED (1u << 2)	    /* cut by the time range or the lane */
#define KDR_XS_PREEMPTED KDR_IV_PREEMPTED   /* ready: switched out while runnable */
#define KDR_XS_HAS_STACK KDR_IV_HAS_STACK   /* syscall: a KDF_EV_STACK matched */
#define KDR_XS_CUT_START (1u << 5)	    /* began before the time range (start cut) */
#define KDR_XS_CUT_END (1u << 6)	    /* ended after the time range (end cut) */
#define KDR_XS_LOST KDR_IV_LOST		    /* spans a loss of events: its real length is unknown */

struct kdr_xslice {
	enum kdr_xkind kind;
	uint32_t flags;		/* KDR_XS_* */
	const struct kdr_xthread *thread;
	uint64_t start, end;	/* absolute CLOCK_MONOTONIC ns, start <= end */
	uint32_t nr;		/* syscall nr, irq number, softirq vector */
	int32_t ret;		/* syscall or irq return value */
	uint32_t name_id;	/* hard irq: string id of the action name */
	uint32_t kstack_id, ustack_id, stack_flags;
};

static inline enum kdr_xlane kdr_xlane_of(enum kdr_xkind k)
{
	switch (k) {
	case KDR_X_RUNNING:
	case KDR_X_READY:
		return KDR_LANE_SCHED;
	case KDR_X_SYSCALL:
		return KDR_LANE_SYSCALL;
	case KDR_X_HARDIRQ:
		return KDR_LANE_HARDIRQ;
	default:
		return KDR_LANE_SOFTIRQ;
	}
}

/* Callbacks of the second pass; a non-zero return stops it and is returned. */
struct kdr_xsink {
	void *ctx;
	int (*slice)(void *ctx, const struct kdr_xslice *s);
	int (*trigger)(void *ctx, const struct kdf_event *ev); /* in range */
	int (*window)(void *ctx, const struct kdf_window *w);  /* file order */
	/* the raw events, in file order, each batch before its slices
	 * (for a consumer that reads them window by window: the budget) */
	int (*events)(void *ctx, const struct kdf_event *v, size_t n);
};

/* Second pass over x->r: every slice of the kept threads, clipped to the
 * time range.  Returns EX_OK, a sink's return value, or a sysexits code
 * (said on x->err). */
int kdr_export_scan(struct kdr_export *x, const struct kdr_xsink *sink);

/* ------------------------------------------------------------ symbols */

#endif /* KDELAY_REPORT_EXPORT_INTERNAL_H */
