// SPDX-License-Identifier: BSD-2-Clause
/* reorder.c - see reorder.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reorder.h"

int kdr_reorder_init(struct kdr_reorder *r, size_t cap, size_t reach)
{
	return kdr_reorder_init_room(r, cap, reach, 0);
}

int kdr_reorder_init_room(struct kdr_reorder *r, size_t cap, size_t reach, size_t room)
{
	size_t size = 1;

	memset(r, 0, sizeof(*r));
	if (!cap)
		cap = 1;
	if (cap > SIZE_MAX / 2 / sizeof(*r->ring) || room > SIZE_MAX / 2 / sizeof(*r->ring) - cap)
		return -1;
	while (size < cap + room) {
		if (size > SIZE_MAX / 2 / sizeof(*r->ring))
			return -1;
		size *= 2;
	}
	r->ring = malloc(size * sizeof(*r->ring));
	if (!r->ring)
		return -1;
	r->cap = cap;
	r->mask = size - 1;
	r->reach = reach;
	r->room = room;
	return 0;
}

void kdr_reorder_free(struct kdr_reorder *r)
{
	free(r->ring);
	memset(r, 0, sizeof(*r));
}
