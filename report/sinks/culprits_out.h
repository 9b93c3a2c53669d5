/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * culprits_out.h - render who took the CPU from each thread (culprits.h).
 * Threads the filters hide are left out; names are the ones valid at ts.
 */
#ifndef KDR_CULPRITS_OUT_H
#define KDR_CULPRITS_OUT_H

#include "culprits.h"
#include "view.h"

struct kdr_json;

/* The "culprits" key of a window object and its array. */
void kdr_culprits_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_culprits *cu,
		       uint64_t ts);
/* The "# Culprits" table, after a window's statistics (--culprits). */
void kdr_culprits_text(struct kdr_ctx *c, const struct kdr_culprits *cu, uint64_t ts);

#endif /* KDR_CULPRITS_OUT_H */
