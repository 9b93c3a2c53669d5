/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shown.h - a thread's name for the tables of wakers, culprits and the
 * census (wakers_out.c, culprits_out.c, census_out.c), and whether the
 * report's thread filters (--tid, --thread) show it.
 */
#ifndef KDR_SHOWN_H
#define KDR_SHOWN_H

#include "view.h"

/* tid's name at ts (kdr_thread_name()), or NULL when the filters hide it. */
const char *kdr_shown_thread(struct kdr_ctx *c, uint32_t tid, uint64_t ts, char *buf,
			     size_t size, size_t *len);

#endif /* KDR_SHOWN_H */
