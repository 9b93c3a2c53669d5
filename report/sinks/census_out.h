/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * census_out.h - render the census of a window (census.h).  Threads the
 * filters hide are left out; names are the ones valid at ts.
 */
#ifndef KDR_CENSUS_OUT_H
#define KDR_CENSUS_OUT_H

#include "census.h"
#include "view.h"

struct kdr_json;

/* The "census" key of a window object and its array. */
void kdr_census_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_census *ce,
		     uint64_t ts);
/* The "# Silent threads" table, after a window's statistics (--census). */
void kdr_census_text(struct kdr_ctx *c, const struct kdr_census *ce, uint64_t ts);

#endif /* KDR_CENSUS_OUT_H */
