/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter.h - the offline filters of kdelay-report (--tid, --thread,
 * --syscall, --time-range), resolved against one capture.
 */
#ifndef KDR_FILTER_H
#define KDR_FILTER_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"
#include "report_options.h"

struct kdr_filter {
	const uint32_t *tids; /* NULL = any */
	size_t ntids;
	int has_re;
	regex_t re;
	uint32_t nr;	      /* KDR_NO_NR = any syscall */
	uint64_t lo, hi;      /* absolute CLOCK_MONOTONIC bounds */
};

/*
 * Resolve o against meta.  Returns 0, or EX_USAGE with a one-line reason
 * in msg (bad regex, syscall unknown to the capture's table, bad range).
 */
int kdr_filter_init(struct kdr_filter *f, const struct kdr_options *o,
		    const struct kdf_meta *meta, char *msg, size_t msg_len);
/*
 * Only the thread part (the exports take no kdr_options): threads whose
 * tid is in tids (when ntids > 0) and whose name matches regex (when not
 * NULL); any syscall, any time.  Returns 0, or EX_USAGE with regerror()'s
 * reason in why.  kdr_filter_free() either way.
 */
int kdr_filter_threads(struct kdr_filter *f, const uint32_t *tids, size_t ntids,
		       const char *regex, char *why, size_t why_len);
void kdr_filter_free(struct kdr_filter *f);

/* Is this thread shown?  name is NUL terminated. */
int kdr_filter_thread(const struct kdr_filter *f, uint32_t tid, const char *name);
int kdr_filter_tid(const struct kdr_filter *f, uint32_t tid);

/* nr of a syscall name (or decimal number) in the capture's table;
 * KDR_NO_NR when unknown. */
uint32_t kdr_syscall_lookup(const struct kdf_meta *meta, const char *name);

/*
 * Parse "START,END" (seconds, decimals allowed; either side may be empty:
 * "5," = from 5 s to the end, ",2.5" = the first 2.5 s).  0 or -1.
 */
int kdr_parse_time_range(const char *arg, double *start, double *end);

#endif /* KDR_FILTER_H */
