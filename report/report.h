/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report.h - public API of libkdreport: turn a capture file into the
 * kernel_delay.py report (text), JSON, or a description of the capture.
 *
 * kdelay-report's main() and the kdelay drop-in command both go through
 * kdr_report_file().  Portable C11: no <linux/...>, no libbpf.
 *
 * Typical use from kdelay, printing each window right after it closed:
 *
 *	struct kdr_options o;
 *	kdr_options_init(&o);
 *	o.window = idx;                        // only this window
 *	o.sections = KDR_SEC_STOP | KDR_SEC_DUMP; // "# Start sampling" printed live
 *	rc = kdr_report_file(path, &o, stdout, stderr);
 *	...
 *	o.window = -1; o.sections = KDR_SEC_FOOTER;  // once, at the very end
 *	rc = kdr_report_file(path, &o, stdout, stderr);
 *
 * Ownership: kdr_options holds borrowed pointers only (the caller keeps
 * the strings and the tid array alive during the call); the library never
 * frees them.
 */
#ifndef KDELAY_REPORT_H
#define KDELAY_REPORT_H

#include <stdint.h>
#include <stdio.h>

/* Exit statuses, beyond <sysexits.h> (EX_USAGE, EX_DATAERR, EX_NOINPUT,
 * EX_OSERR, EX_IOERR, EX_SOFTWARE are used as such). */
#define KDR_EXIT_OK 0
/* Report printed for every complete window, but the capture is incomplete
 * (truncated, no summary, corrupt chunks skipped); a warning on err says
 * what is missing. */
#define KDR_EXIT_INCOMPLETE 1

enum kdr_format {
	KDR_FMT_TEXT = 0, /* kernel_delay.py's layout */
	KDR_FMT_JSON,	  /* docs/json-schema.md */
	KDR_FMT_TABLES,	  /* rows of tables (export_tables.h; needs tables) */
};

struct kdr_tables;

/* What the text report prints, per window and at the end (bit mask). */
#define KDR_SEC_START (1u << 0)	 /* "# Start sampling ..." line */
#define KDR_SEC_STOP (1u << 1)	 /* "# Stop sampling ..." line */
#define KDR_SEC_DUMP (1u << 2)	 /* "# Sample dump ..." and the statistics */
#define KDR_SEC_FOOTER (1u << 3) /* end-of-capture warnings (drops, missed triggers) */
#define KDR_SEC_ALL 0xfu

/* Tri-state for options that default to what the capture was recorded with. */
#define KDR_FROM_CAPTURE (-1)
/* syscall_events_ns: list no syscall events even if the capture has them. */
#define KDR_SYSCALL_EVENTS_OFF (-2)

struct kdr_options {
	enum kdr_format format;
	int info;		  /* bool: describe the capture instead (--info) */
	unsigned int sections;	  /* KDR_SEC_*; JSON ignores it */
	int64_t window;		  /* only the N-th WINDOW item of the file (its
				   * index, 0-based); -1 = all */

	/* Re-applied recording options; KDR_FROM_CAPTURE = as recorded. */
	int64_t trigger_delta_ns;	 /* --trigger-delta NS */
	int64_t syscall_events_ns;	 /* --syscall-events [NS]; KDR_SYSCALL_EVENTS_OFF */
	int skip_syscall_poll_events;	 /* 0, 1 or KDR_FROM_CAPTURE */

	/* Filters (all optional). */
	const uint32_t *tids;	  /* --tid N, repeatable */
	size_t ntids;
	const char *thread_regex; /* --thread REGEX, POSIX extended, matched on names */
	const char *syscall;	  /* --syscall NAME or number */
	int has_time_range;	  /* --time-range START,END */
	double time_start_s;	  /* seconds from the capture start; */
	double time_end_s;	  /* < 0 = to the end */

	const char *prog;	  /* message prefix, default "kdelay-report" */

	/* issue 8 (default 0: the reference's report, byte for byte) */
	int histograms;		  /* --histogram: percentiles and log2 histograms */
	int budget;		  /* --budget: each thread's time budget per window */

	struct kdr_tables *tables; /* KDR_FMT_TABLES: where the rows go */
};

/* Defaults: text, every section, every window, as recorded, no filters. */
void kdr_options_init(struct kdr_options *o);

/*
 * Read the capture at path (NULL = "kdelay.data") and write the report to
 * out, warnings and errors to err.  Returns KDR_EXIT_OK,
 * KDR_EXIT_INCOMPLETE, or a <sysexits.h> code: EX_USAGE (bad options, e.g.
 * an invalid regex or unknown syscall), EX_NOINPUT (cannot open path),
 * EX_DATAERR (not a capture, newer major version, unrecoverable header or
 * metadata), EX_OSERR (out of memory), EX_IOERR (writing out failed).
 * With o->window >= 0 the file is read only up to that window's end, so
 * it can be called on a capture that is still being written; it returns
 * EX_DATAERR with a message when that window is not (yet) in the file.
 */
int kdr_report_file(const char *path, const struct kdr_options *o, FILE *out, FILE *err);

/* The same over a capture in memory (tests, fuzzing); buf outlives the call. */
int kdr_report_mem(const void *buf, size_t len, const struct kdr_options *o, FILE *out,
		   FILE *err);

/*
 * The report of a capture still being written, window after window, as
 * kdelay prints it: each call reads only the chunks appended since the
 * previous one (the capture is read once in all, not once per window).
 *
 *	f = kdr_follow_open(path, &o, stderr);    // o.sections as above
 *	... after window idx was written (indexes in increasing order):
 *	rc = kdr_follow_window(f, idx, stdout, stderr);
 *	kdr_follow_close(f);
 *
 * kdr_follow_open() returns NULL only when out of memory (said on err).
 * A capture it cannot open, or a format other than text (JSON is one
 * document per capture: EX_USAGE), is said on err once, and each
 * kdr_follow_window() returns that status.  Otherwise kdr_follow_window()
 * prints and returns what kdr_report_file() would with o->window = idx.
 * o is copied; its window and info are ignored.
 */
struct kdr_follow;
struct kdr_follow *kdr_follow_open(const char *path, const struct kdr_options *o, FILE *err);
int kdr_follow_window(struct kdr_follow *f, int64_t index, FILE *out, FILE *err);
void kdr_follow_close(struct kdr_follow *f);

#endif /* KDELAY_REPORT_H */
