/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capture_end.h - how a capture ends, as every reader of it tells it:
 * the window it leaves open (events after the last WINDOW item, when the
 * recorder was killed or stopped writing before closing it) and why it
 * ends (the SUMMARY's end_reason, or no SUMMARY at all).
 *
 * A window that never closed is made up from its events: it starts at its
 * first event and ends at its last one, and carries KDR_WIN_UNCLOSED.
 */
#ifndef KDR_CAPTURE_END_H
#define KDR_CAPTURE_END_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

/* Never in a capture (readers clear it from the windows they read): the
 * mark of the window made up by kdr_unclosed_get(). */
#define KDR_WIN_UNCLOSED (1u << 31)

/* Fed with every EVENTS and WINDOW item in file order. */
struct kdr_unclosed {
	uint64_t after;	   /* end of the last closed window */
	uint64_t first_ts; /* of the events after it that are not its late ones */
	uint64_t last_ts;
	uint64_t events;   /* those events; 0 = no window left open */
	uint32_t index;	   /* the next window's index */
	int closed;	   /* a WINDOW item was read */
};

void kdr_unclosed_events(struct kdr_unclosed *u, const struct kdf_event *v, size_t n);
/* The same for an EVENTS item, with the span its reader took: the events
 * are walked only when some may be late ones of the window just closed. */
void kdr_unclosed_item(struct kdr_unclosed *u, const struct kdf_item *it);
/* A WINDOW item: the events so far belonged to a closed window. */
void kdr_unclosed_closed(struct kdr_unclosed *u, const struct kdf_window *w);
/* At the end of the file: 1 and *w filled (flags KDR_WIN_UNCLOSED) when
 * events follow the last WINDOW item, else 0. */
int kdr_unclosed_get(const struct kdr_unclosed *u, struct kdf_window *w);

/* Why the capture ends. */
enum kdr_end {
	KDR_END_STOPPED = 0, /* the recorder closed it: stopped, or its target exited */
	KDR_END_TARGET_EXITED,
	KDR_END_NO_SUMMARY,  /* no end record: killed, crashed or still running */
	KDR_END_TRUNCATED,   /* the file ends inside a chunk */
	KDR_END_DISK_FULL,   /* the recorder stopped writing: no space left */
	KDR_END_WRITE_ERROR, /* the recorder stopped writing: another write error */
	KDR_END_ERROR,	     /* the recorder failed (exit_reason "error") */
};

enum kdr_end kdr_capture_end(int has_summary, const struct kdf_summary *s, int truncated);
/* "stopped", "target-exited", "killed", "truncated", "disk-full",
 * "write-error", "error": JSON's end_reason. */
const char *kdr_end_token(enum kdr_end e);
/* One sentence for people, no final period. */
const char *kdr_end_text(enum kdr_end e);
/* Events were lost at the end: the capture is incomplete even when every
 * window closed. */
int kdr_end_lost(enum kdr_end e);

#endif /* KDR_CAPTURE_END_H */
