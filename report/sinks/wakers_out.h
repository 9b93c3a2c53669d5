/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wakers_out.h - render the wakers of a window (wakers.h).  Threads the
 * filters hide are left out; names are the ones valid at ts.
 */
#ifndef KDR_WAKERS_OUT_H
#define KDR_WAKERS_OUT_H

#include "view.h"
#include "wakers.h"

struct kdr_json;

/* The "wakers" key of a window object and its array. */
void kdr_wakers_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_wakers *w,
		     uint64_t ts);
/* The "# Wakers" table, after a window's statistics (--wakers). */
void kdr_wakers_text(struct kdr_ctx *c, const struct kdr_wakers *w, uint64_t ts);

#endif /* KDR_WAKERS_OUT_H */
