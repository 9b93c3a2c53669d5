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

#include <stddef.h>
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

/* A key made of n 32-bit fields, folded into 64 bits (equal fields, equal
 * keys; different ones may collide: the caller compares its entries). */
static inline uint64_t kdr_hash_fields(const uint32_t *v, size_t n)
{
	uint64_t h = 0;

	for (size_t i = 0; i < n; i++)
		h = h * 0x9e3779b97f4a7c15ULL ^ v[i];
	return h;
}

/* Order of two such keys: field by field, -1, 0 or 1. */
static inline int kdr_fields_cmp(const uint32_t *a, const uint32_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
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
