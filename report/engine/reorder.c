// SPDX-License-Identifier: BSD-2-Clause
/* reorder.c - see reorder.h. */
#include <stdlib.h>
#include <string.h>

#include "reorder.h"

int kdr_reorder_init(struct kdr_reorder *r, size_t cap, size_t reach)
{
	memset(r, 0, sizeof(*r));
	if (!cap)
		cap = 1;
	r->ring = malloc(cap * sizeof(*r->ring));
	if (!r->ring)
		return -1;
	r->cap = cap;
	r->mask = (cap & (cap - 1)) == 0 ? cap - 1 : 0;
	r->reach = reach;
	return 0;
}

void kdr_reorder_free(struct kdr_reorder *r)
{
	free(r->ring);
	memset(r, 0, sizeof(*r));
}
