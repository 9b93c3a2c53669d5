/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * status.h - what the recorder tells the user while it runs: the
 * reference's "# Start sampling ..." lines on stdout, and on a terminal a
 * live status line on stderr.
 */
#ifndef KD_STATUS_H
#define KD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * " @2023-06-14T14:52:00.110303 (12:52:00 UTC)" for realtime_ns: local
 * ISO time as Python's datetime.isoformat() prints it (no fraction when
 * the microseconds are 0), then UTC.  Returns buf.
 */
char *status__timestamp(char *buf, size_t len, uint64_t realtime_ns);

/* 1,234,567 (the reference's {:,}); returns buf. */
char *status__thousands(char *buf, size_t len, uint64_t v);

struct kd_status {
	bool live;	     /* stderr is a terminal and not -q */
	bool quiet;	     /* -q: no "#" lines either */
	bool shown;	     /* a status line is on screen */
	FILE *lines;	     /* where "#" lines go: stdout, or stderr when the
				capture itself goes to stdout (-o -) */
	uint64_t last_ns;    /* last refresh, CLOCK_MONOTONIC */
	uint64_t start_ns;
};

void status__init(struct kd_status *s, bool quiet, uint64_t now);

/* Print "MSG @ISO (HH:MM:SS UTC)" on s->lines (clears the status line),
 * for now, or for the wall-clock time realtime_ns. */
void status__line(struct kd_status *s, const char *msg);
void status__line_at(struct kd_status *s, const char *msg, uint64_t realtime_ns);

/* Refresh the status line (at most 4 times a second). */
void status__update(struct kd_status *s, uint64_t now, uint32_t window, uint64_t events,
		    uint64_t bytes, uint64_t dropped, const char *state);

/*
 * An error: one line on f, "PROG: MSG" where PROG is the program's short
 * name (kdelay-record or kdelay), never the path it was started by.  fmt
 * has no newline.
 */
void status__error(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Remove the status line, if shown. */
void status__clear(struct kd_status *s);

#endif /* KD_STATUS_H */
