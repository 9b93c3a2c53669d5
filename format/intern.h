/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * intern.h - the writer's deduplicating tables: byte strings (and stacks,
 * stored as their bytes) get ids 1, 2, ... in order of first appearance.
 * Exact comparison, so two different keys never share an id.
 */
#ifndef KDF_INTERN_H
#define KDF_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct kdf_intern_entry {
	size_t off; /* in blob */
	uint32_t len;
	uint32_t hash;
};

struct kdf_intern {
	struct kdf_buf blob;		/* every key, back to back */
	struct kdf_intern_entry *ent;	/* ent[id - 1] */
	uint32_t n, cap;
	uint32_t *slots;		/* open addressing: id, 0 = empty */
	uint32_t nslots;
	uint32_t written;		/* ids 1..written are on disk */
};

/* Id of key, adding it when new; 0 on allocation failure or len > max. */
uint32_t kdf_intern_add(struct kdf_intern *t, const void *key, size_t len);
const uint8_t *kdf_intern_get(const struct kdf_intern *t, uint32_t id, size_t *len);
void kdf_intern_free(struct kdf_intern *t);

#endif /* KDF_INTERN_H */
