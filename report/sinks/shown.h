/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shown.h - what the per-thread tables of wakers, culprits and the census
 * (wakers_out.c, culprits_out.c, census_out.c) share: a row loop that
 * leaves out the threads the report's filters (--tid, --thread) hide and
 * starts each row with the thread's tid and name, in text and in JSON;
 * and the name of the other task a row speaks of (the waker, the
 * culprit).
 */
#ifndef KDR_SHOWN_H
#define KDR_SHOWN_H

#include "view.h"

struct kdr_json;

/* tid's name at ts (kdr_thread_name()), or NULL when the filters hide it. */
const char *kdr_shown_thread(struct kdr_ctx *c, uint32_t tid, uint64_t ts, char *buf,
			     size_t size, size_t *len);

/* One table: rows of size bytes, each starting with its thread's tid (a
 * uint32_t at offset 0), and what a row adds after the thread. */
struct kdr_shown_table {
	const void *rows;
	size_t n, size;
	int incomplete; /* out of memory: a warning follows the rows */
	const char *what; /* "wakers": the JSON member and the warning's noun */
	/* NULL, or 0 for a row the text table leaves out */
	int (*text_keep)(const void *row);
	/* after "TID THREAD " in text (up to the end of the line) */
	void (*text)(struct kdr_ctx *c, const void *row, uint64_t ts);
	/* the members after "tid" and "name" of the row's JSON object */
	void (*json)(struct kdr_ctx *c, struct kdr_json *j, const void *row, uint64_t ts);
};

/* The "<what>" key of a window object, its array of row objects, and
 * "<what>_incomplete": true after it when out of memory. */
void kdr_shown_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_shown_table *t,
		    uint64_t ts);
/* The rows under a header the caller printed, then a warning when out
 * of memory. */
void kdr_shown_text(struct kdr_ctx *c, const struct kdr_shown_table *t, uint64_t ts);

/* The other task of a row: its name taken in the kernel (a STRINGS id),
 * else, for a thread of the target, the thread table's at ts; NULL (len
 * 0) when unknown. */
const char *kdr_shown_task_name(struct kdr_ctx *c, uint32_t name_id, uint32_t tid, int target,
				uint64_t ts, char *buf, size_t size, size_t *len);
/* "thread NAME (tid T)" for a thread of the target, else "<what> NAME
 * (pid P, tid T)", NAME "?" when unknown. */
void kdr_shown_task_text(FILE *f, const char *what, const char *name, size_t len, int target,
			 uint32_t pid, uint32_t tid);

#endif /* KDR_SHOWN_H */
