/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sink.h - the outputs of kdelay-report.  report.c reads the capture and
 * hands each window's view to one sink: text.c (kernel_delay.py's layout)
 * or json_out.c (docs/json-schema.md).  info.c describes the capture.
 */
#ifndef KDR_SINK_H
#define KDR_SINK_H

#include "view.h"

/* What the end of the report says about the whole capture. */
struct kdr_totals {
	uint64_t windows;	 /* WINDOW items read */
	uint64_t reported;	 /* windows shown */
	uint64_t dropped;	 /* events the recorder could not write */
	struct kdr_losses losses; /* where: LOSS events of the windows shown */
	uint64_t unknown;	 /* intervals that spanned them (all threads) */
	uint64_t trigger_missed;
	uint64_t stacks_lost;
	int has_summary;
	int truncated;		 /* the file ends inside a chunk */
	uint64_t chunks_bad;
	uint64_t unclosed_events; /* events after the last WINDOW item */
	uint64_t unclosed_reported; /* the window they make up was shown (0 or 1) */
	int complete;		 /* nothing above is missing */
};

struct kdr_json;

struct kdr_sink {
	/* 0 or -1 (out of memory) */
	int (*begin)(struct kdr_ctx *c, void *state);
	int (*window)(struct kdr_ctx *c, void *state, const struct kdr_wview *v);
	int (*end)(struct kdr_ctx *c, void *state, const struct kdr_totals *t);
};

extern const struct kdr_sink kdr_text_sink;
extern const struct kdr_sink kdr_json_sink;
/* Rows of the tables export (export_tables.c); its state is c->o->tables. */
extern const struct kdr_sink kdr_tables_sink;

/* State of the JSON sink. */
struct kdr_json_state {
	struct kdr_json *j;
	int in_windows; /* the "windows" array is open */
};

/* The "capture" object of the JSON outputs (meta and recording options). */
void kdr_json_capture(struct kdr_ctx *c, struct kdr_json *j);

/* --info: text or JSON description of the capture (reads it to the end). */
int kdr_info(struct kdr_ctx *c);

#endif /* KDR_SINK_H */
