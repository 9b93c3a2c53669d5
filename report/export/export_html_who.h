/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export_html_who.h - the HTML page's "who" beside each thread's time
 * budget: who took its CPU (culprits.h), who woke it (wakers.h), and the
 * threads that made no event in a window (census.h), per window.  The
 * report's own engines, fed with the capture's raw events during the
 * export's second pass (kdr_xsink.events) and closed at each window, as
 * the text and JSON reports do.  Internal to the HTML export.
 */
#ifndef KDELAY_REPORT_EXPORT_HTML_WHO_H
#define KDELAY_REPORT_EXPORT_HTML_WHO_H

#include "census.h"
#include "culprits.h"
#include "export_internal.h"
#include "wakers.h"

/* What one window of the page shows, copied out of the engines. */
struct kdr_html_who_win {
	struct kdr_culprit_row *culprits;
	size_t nculprits;
	struct kdr_waker_row *wakers;
	size_t nwakers;
	struct kdr_census_row *silent; /* the census's silent threads */
	size_t nsilent;
	int closed;
};

struct kdr_html_who {
	const struct kdr_export *x;
	const struct kdf_window *win; /* the page's windows (export_html.h) */
	size_t nwin;
	struct kdr_culprits *culprits;
	struct kdr_wakers *wakers;
	struct kdr_census *census;
	struct kdr_html_who_win *w; /* [nwin] */
	int fed;		    /* events since the last window closed */
	int oom;
};

/* For the page's windows win[nwin]: EX_OK or EX_OSERR (said). */
int kdr_html_who_init(struct kdr_html_who *who, const struct kdr_export *x,
		      const struct kdf_window *win, size_t nwin);
void kdr_html_who_free(struct kdr_html_who *who);
/* kdr_xsink callbacks (who is ctx); out of memory sets who->oom. */
int kdr_html_who_events(void *ctx, const struct kdf_event *ev, size_t n);
int kdr_html_who_window(void *ctx, const struct kdf_window *w);
/* After the scan: the window the capture leaves open, or the one
 * pseudo-window of a capture without windows, closes at its end. */
void kdr_html_who_finish(struct kdr_html_who *who);
/* The members ,"silent":[...],"culprits":[...],"wakers":[...] of window
 * w's object; tout maps x->threads to the page's threads (-1: not
 * shown). */
void kdr_html_who_write(const struct kdr_html_who *who, FILE *f, size_t w, const int32_t *tout);

#endif /* KDELAY_REPORT_EXPORT_HTML_WHO_H */
