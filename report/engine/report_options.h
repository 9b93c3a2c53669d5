/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_options.h - what a report is asked for (struct kdr_options) and what it
 * returns: the types that the engine, the outputs and the exports share
 * with report.h's callers, without the functions that run a report.
 */
#ifndef KDELAY_REPORT_REPORT_OPTIONS_H
#define KDELAY_REPORT_REPORT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

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

	/* Additions to the reference (default 0: its report, byte for byte) */
	int histograms;		  /* --histogram: percentiles and log2 histograms */
	int budget;		  /* --budget: each thread's time budget per window */
	int wakers;		  /* --wakers: blocked time by syscall and waker (wakers.h);
				   * JSON has it anyway from format 1.2 on */
	int culprits;		  /* --culprits: ready time by the task on the CPU
				   * (culprits.h); the same in JSON */
	int census;		  /* --census: the silent threads (census.h); JSON
				   * has every thread's census from format 1.2 on */

	struct kdr_tables *tables; /* KDR_FMT_TABLES: where the rows go */
};

#endif /* KDELAY_REPORT_REPORT_OPTIONS_H */
