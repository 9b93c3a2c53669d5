/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * text_dist.h - the text report's --histogram and --budget blocks
 * (text_dist.c); text.c calls them, nothing else does.
 */
#ifndef KDR_TEXT_DIST_H
#define KDR_TEXT_DIST_H

#include "view.h"

/* After a thread's blocks: its distributions, when the view has them.
 * 0, or -1 out of memory. */
int kdr_text_distributions(struct kdr_ctx *c, const struct kdr_tview *t);
/* After the threads: the window's time budget, when the view has it. */
void kdr_text_budget(struct kdr_ctx *c, const struct kdr_wview *v);

#endif /* KDR_TEXT_DIST_H */
