// SPDX-License-Identifier: BSD-2-Clause
/* hashidx.c - see hashidx.h. */
#include <stdlib.h>
#include <string.h>

#include "hashidx.h"

int kdr_ix_init(struct kdr_ix *ix, uint32_t cap)
{
	ix->keys = calloc(cap, sizeof(*ix->keys));
	ix->slots = calloc(cap, sizeof(*ix->slots));
	if (!ix->keys || !ix->slots) {
		free(ix->keys);
		free(ix->slots);
		ix->keys = NULL;
		ix->slots = NULL;
		return -1;
	}
	ix->mask = cap - 1;
	ix->used = 0;
	return 0;
}

void kdr_ix_free(struct kdr_ix *ix)
{
	free(ix->keys);
	free(ix->slots);
	ix->keys = NULL;
	ix->slots = NULL;
}

void kdr_ix_clear(struct kdr_ix *ix)
{
	if (ix->used)
		memset(ix->slots, 0, (size_t)(ix->mask + 1) * sizeof(*ix->slots));
	ix->used = 0;
}

uint32_t kdr_ix_put(struct kdr_ix *ix, uint64_t key, uint32_t slot)
{
	uint32_t i;

	for (i = kdr_hash64(key) & ix->mask; ix->slots[i]; i = (i + 1) & ix->mask)
		;
	ix->keys[i] = key;
	ix->slots[i] = slot;
	ix->used++;
	return i;
}

int kdr_ix_reserve(struct kdr_ix *ix)
{
	struct kdr_ix n;
	uint32_t i;

	if ((uint64_t)(ix->used + 1) * 2 <= (uint64_t)ix->mask + 1)
		return 0;
	if (ix->mask >= UINT32_MAX / 4 || kdr_ix_init(&n, (ix->mask + 1) * 2))
		return -1;
	for (i = 0; i <= ix->mask; i++)
		if (ix->slots[i])
			kdr_ix_put(&n, ix->keys[i], ix->slots[i]);
	kdr_ix_free(ix);
	*ix = n;
	return 0;
}
