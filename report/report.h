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

#include <stdio.h>

#include "report_options.h"

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
