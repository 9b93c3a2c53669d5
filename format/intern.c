// SPDX-License-Identifier: BSD-2-Clause
/* intern.c - see intern.h. */
#include "alloc.h"
#include "intern.h"
#include "kdelay_format.h"

#define KDF_INTERN_MAX_KEY (1u << 20) /* docs/format.md: strings <= 1 MiB */

/* FNV-1a, 32 bits: keys are short and this is only a hash-table hash. */
static uint32_t hash_bytes(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static int grow_slots(struct kdf_intern *t)
{
	uint32_t nslots = t->nslots ? t->nslots * 2 : 64;
	uint32_t *slots = kdf_calloc(nslots, sizeof(*slots));

	if (!slots)
		return -1;
	for (uint32_t id = 1; id <= t->n; id++) {
		uint32_t s = t->ent[id - 1].hash & (nslots - 1);

		while (slots[s])
			s = (s + 1) & (nslots - 1);
		slots[s] = id;
	}
	kdf_free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

uint32_t kdf_intern_add(struct kdf_intern *t, const void *key, size_t len)
{
	uint32_t h, s;

	if (len > KDF_INTERN_MAX_KEY || t->n == UINT32_MAX - 1)
		return 0;
	h = hash_bytes(key, len);
	if (t->nslots) {
		for (s = h & (t->nslots - 1); t->slots[s]; s = (s + 1) & (t->nslots - 1)) {
			const struct kdf_intern_entry *e = &t->ent[t->slots[s] - 1];

			if (e->hash == h && e->len == len &&
			    (!len || !memcmp(t->blob.p + e->off, key, len)))
				return t->slots[s];
		}
	}
	/* New key: keep the load factor under 1/2. */
	if ((t->n + 1) * 2 > t->nslots && grow_slots(t))
		return 0;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 32;
		struct kdf_intern_entry *ent = kdf_reallocarray(t->ent, cap, sizeof(*ent));

		if (!ent)
			return 0;
		t->ent = ent;
		t->cap = cap;
	}
	size_t off = t->blob.len;

	if (kdf_buf_append(&t->blob, key, len))
		return 0;
	t->ent[t->n] = (struct kdf_intern_entry){ .off = off, .len = (uint32_t)len, .hash = h };
	t->n++;
	for (s = h & (t->nslots - 1); t->slots[s]; s = (s + 1) & (t->nslots - 1))
		;
	t->slots[s] = t->n;
	return t->n;
}

const uint8_t *kdf_intern_get(const struct kdf_intern *t, uint32_t id, size_t *len)
{
	const struct kdf_intern_entry *e = &t->ent[id - 1];

	*len = e->len;
	return t->blob.p ? t->blob.p + e->off : (const uint8_t *)""; /* only empty keys */
}

void kdf_intern_free(struct kdf_intern *t)
{
	kdf_buf_free(&t->blob);
	kdf_free(t->ent);
	kdf_free(t->slots);
	memset(t, 0, sizeof(*t));
}
