/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export.h - visual exports of a capture, wired into kdelay-report:
 *
 *   --export chrome-json -o FILE   kdr_export_chrome_json()
 *   --html -o FILE                 kdr_export_html()
 *   --folded                       kdr_export_folded()
 *
 * Each export reads the capture itself (two streaming passes: the first
 * collects thread names, windows and symbols, which the file may hold after
 * the events that need them; the second turns raw events into slices), so
 * memory stays proportional to threads, symbols and what the output keeps,
 * not to the capture's length.  docs/export.md says how to open each output.
 *
 * Return value: the codes of kdr_report_file() (report.h), and one line on
 * opts->err saying what failed:
 *   EX_OK (0)    written
 *   KDR_EXIT_INCOMPLETE (1)  written, with everything that could be read,
 *                but the capture is truncated, has corrupt chunks or no
 *                summary; a warning on opts->err says which
 *   EX_USAGE     bad options (no output stream, bad regex, unknown
 *                syscall, no such window, empty range)
 *   EX_NOINPUT   the capture cannot be opened
 *   EX_DATAERR   not a capture, a newer format, or an unreadable header
 *   EX_IOERR     writing the output failed
 *   EX_OSERR     out of memory
 */
#ifndef KDELAY_REPORT_EXPORT_H
#define KDELAY_REPORT_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kdr_export_opts {
	FILE *out;		  /* where the export goes (required); not closed */
	FILE *err;		  /* warnings and errors; NULL = stderr */
	/* Threads: a thread is kept when its tid is in tids (when tid_count
	 * > 0) and its name matches thread_regex (when not NULL, POSIX
	 * extended, unanchored, matched against the last name the capture
	 * gives the thread).  Both unset = every thread of the target. */
	const uint32_t *tids;
	size_t tid_count;
	const char *thread_regex;
	/* Only this syscall's slices (a name of the capture's table, or a
	 * number); running, ready and irq slices are kept.  NULL = all. */
	const char *syscall;
	/* Time range in ns: slices are clipped to [time_from_ns, time_to_ns)
	 * counted from time_base.  time_to_ns == 0 means "to the end", so a
	 * zeroed struct exports everything.  Nothing before the first
	 * window's start is exported (it is t = 0 of every export). */
	uint64_t time_from_ns;
	uint64_t time_to_ns;
	enum kdr_export_time_base {
		KDR_EXPORT_TIME_WINDOW = 0, /* from the first sample window's start */
		KDR_EXPORT_TIME_CAPTURE,    /* from the capture's start (meta mono_ns),
					       as kdelay-report --time-range */
	} time_base;
	/* Only the sample window of this index (kdelay-report --window N):
	 * the range is narrowed to its start and end. */
	int has_window;
	uint32_t window;
	/* HTML only: at most this many timeline slices are embedded (0 =
	 * KDR_EXPORT_HTML_MAX_SLICES); the page says when it cut. */
	size_t html_max_slices;
};

/* 32 bytes each (export_html.h): 8 MB, so that the export's peak memory
 * stays under 16 MiB whatever the capture's size. */
#define KDR_EXPORT_HTML_MAX_SLICES 250000

struct kdr_options;
/*
 * Fill *eo from kdelay-report's parsed options: --tid, --thread,
 * --syscall, --window and --time-range (seconds from the capture's start,
 * as the text report reads them); out and err as given; other fields
 * zeroed.  The pointers are borrowed from o (keep it alive meanwhile).
 */
void kdr_export_opts_from_report(struct kdr_export_opts *eo, const struct kdr_options *o,
				 FILE *out, FILE *err);

/*
 * Chrome Trace Event Format (JSON object form) for ui.perfetto.dev and
 * chrome://tracing.  Timestamps are microseconds from the first window's
 * start; otherData holds the wall-clock origin.  One process; per target
 * thread up to four tracks (pseudo-threads sorted together): sched
 * (running / ready), syscalls (with stacks in args), hardirq, softirq.
 * Windows are slices on a "sample windows" track, trigger hits instants.
 */
int kdr_export_chrome_json(const char *capture_path, const struct kdr_export_opts *opts);

/*
 * One self-contained HTML page (inline CSS, JS and data; no network):
 * capture facts, per-window and per-thread time budgets, log2 latency
 * histograms, the slowest syscalls with stacks, a zoomable timeline.
 */
int kdr_export_html(const char *capture_path, const struct kdr_export_opts *opts);

/*
 * Folded stacks ("frame;frame;... weight\n") of the syscall events that
 * have a recorded stack, weighted by their duration in ns, for
 * flamegraph.pl and speedscope.  Root first: thread name, user frames
 * outermost first, "syscall:NAME", kernel frames, innermost last.
 * Identical stacks are summed; lines are sorted bytewise.
 */
int kdr_export_folded(const char *capture_path, const struct kdr_export_opts *opts);

#endif /* KDELAY_REPORT_EXPORT_H */
