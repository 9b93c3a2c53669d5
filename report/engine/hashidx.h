/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hashidx.h - the report's one hash table: an open-addressing index from
 * a 64-bit key to a dense array index (linear probing, load <= 1/2); the
 * entries live in the caller's array.  Slots hold entry index + 1; 0 is
 * empty.  Keys may repeat when the caller folds a wider key into 64 bits
 * (an address and its kind, a string's hash): kdr_ix_find() returns the
 * first, kdr_ix_next() the others, and the caller compares the entries.
 */
#ifndef KDR_HASHIDX_H
#define KDR_HASHIDX_H

#include <stdint.h>

struct kdr_ix {
	uint64_t *keys;
	uint32_t *slots;
	uint32_t mask; /* capacity - 1, capacity a power of 2 */
	uint32_t used;
};

static inline uint32_t kdr_hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

/* Position of key, or of the empty slot where it would go. */
static inline uint32_t kdr_ix_find(const struct kdr_ix *ix, uint64_t key)
{
	uint32_t i = kdr_hash64(key) & ix->mask;

	while (ix->slots[i] && ix->keys[i] != key)
		i = (i + 1) & ix->mask;
	return i;
}

/* After position i of key's chain: the next position holding key, or the
 * empty slot that ends the chain (for keys that repeat). */
static inline uint32_t kdr_ix_next(const struct kdr_ix *ix, uint64_t key, uint32_t i)
{
	do
		i = (i + 1) & ix->mask;
	while (ix->slots[i] && ix->keys[i] != key);
	return i;
}

/* cap: a power of 2.  0 or -1 (out of memory). */
int kdr_ix_init(struct kdr_ix *ix, uint32_t cap);
void kdr_ix_free(struct kdr_ix *ix);
void kdr_ix_clear(struct kdr_ix *ix);
/* Make room for one more key; positions found before are then stale.
 * 0, or -1 when out of memory. */
int kdr_ix_reserve(struct kdr_ix *ix);
/* Store slot at the first empty position of key's chain; returns it. */
uint32_t kdr_ix_put(struct kdr_ix *ix, uint64_t key, uint32_t slot);

#endif /* KDR_HASHIDX_H */
