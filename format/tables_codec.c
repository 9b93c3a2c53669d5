// SPDX-License-Identifier: BSD-2-Clause
/* tables_codec.c - STRINGS, STACKS and THREAD payloads (docs/format.md §6). */
#include "alloc.h"
#include "tables_codec.h"

void kdf_id_table_free(struct kdf_id_table *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		kdf_free(t->v[i].p);
	kdf_free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------- writer */

typedef int (*encode_one_fn)(struct kdf_buf *raw, const uint8_t *key, size_t len);

static int encode_string(struct kdf_buf *raw, const uint8_t *key, size_t len)
{
	if (kdf_buf_varint(raw, len))
		return KDF_E_NOMEM;
	return kdf_buf_append(raw, key, len);
}

static int encode_stack(struct kdf_buf *raw, const uint8_t *key, size_t len)
{
	size_t n = len / sizeof(uint64_t);
	uint64_t prev = 0;

	if (kdf_buf_reserve(raw, (n + 1) * KDF_VARINT_MAX))
		return KDF_E_NOMEM;
	raw->len = (size_t)(kdf_put_varint(raw->p + raw->len, n) - raw->p);
	for (size_t i = 0; i < n; i++) {
		uint64_t ip;

		memcpy(&ip, key + i * sizeof(ip), sizeof(ip));
		raw->len = (size_t)(kdf_put_varint(raw->p + raw->len,
						   kdf_zigzag((int64_t)(ip - prev))) - raw->p);
		prev = ip;
	}
	return 0;
}

static uint32_t encode_pending(const struct kdf_intern *t, struct kdf_buf *raw, int *err,
			       encode_one_fn one)
{
	uint32_t id = t->written + 1, count = 0;

	*err = 0;
	if (id > t->n)
		return 0;
	if (kdf_buf_varint(raw, id))
		goto nomem;
	for (; id <= t->n && raw->len < KDF_TABLE_CHUNK_RAW; id++, count++) {
		size_t len;
		const uint8_t *key = kdf_intern_get(t, id, &len);

		if (one(raw, key, len))
			goto nomem;
	}
	return count;
nomem:
	*err = KDF_E_NOMEM;
	return 0;
}

uint32_t kdf_strings_encode(const struct kdf_intern *t, struct kdf_buf *raw, int *err)
{
	return encode_pending(t, raw, err, encode_string);
}

uint32_t kdf_stacks_encode(const struct kdf_intern *t, struct kdf_buf *raw, int *err)
{
	return encode_pending(t, raw, err, encode_stack);
}

int kdf_thread_encode(struct kdf_buf *raw, const struct kdf_thread *th)
{
	if (th->name_len > KDF_THREAD_NAME_MAX || (th->name_len && !th->name))
		return KDF_E_INVAL;
	if (kdf_buf_varint(raw, th->ts) || kdf_buf_varint(raw, th->tid) ||
	    kdf_buf_varint(raw, th->name_len) || kdf_buf_append(raw, th->name, th->name_len))
		return KDF_E_NOMEM;
	return 0;
}

/* ------------------------------------------------------------- reader */

/*
 * Both table payloads: first_id, then count entries.  A first pass checks
 * the whole payload without allocating; the second copies.  So a chunk is
 * taken whole or not at all, and an allocation failure rolls back.
 */
enum table_kind { TABLE_STRINGS, TABLE_STACKS };

/* What malloc() costs besides the bytes asked for, roughly. */
#define MALLOC_OVERHEAD 16

/* Parse one entry at c; with dst, also store it; *cost grows by what it
 * allocates.  0 when malformed. */
static int parse_entry(struct kdf_cursor *c, enum table_kind kind, struct kdf_id_entry *dst,
		       uint64_t *cost)
{
	uint64_t n = kdf_cursor_varint(c);

	if (kind == TABLE_STRINGS) {
		const uint8_t *s;

		if (n > kdf_cursor_left(c))
			return 0;
		*cost += n + 1 + MALLOC_OVERHEAD;
		s = kdf_cursor_take(c, n);
		if (dst) {
			dst->p = kdf_memdup_str(s, n);
			dst->len = (uint32_t)n;
		}
		return !c->bad;
	}
	if (n > KDF_STACK_MAX_DEPTH || n > kdf_cursor_left(c))
		return 0;
	uint64_t *ips = NULL, ip = 0;

	*cost += (n ? n : 1) * sizeof(*ips) + MALLOC_OVERHEAD;
	if (dst) {
		ips = kdf_malloc((n ? n : 1) * sizeof(*ips));
		dst->p = ips;
		dst->len = (uint32_t)n;
		if (!ips)
			return 1; /* the caller sees p == NULL */
	}
	for (uint64_t i = 0; i < n; i++) {
		ip += (uint64_t)kdf_unzigzag(kdf_cursor_varint(c));
		if (ips)
			ips[i] = ip;
	}
	return !c->bad;
}

static int table_decode(struct kdf_id_table *t, const uint8_t *raw, size_t len, uint32_t count,
			enum table_kind kind, uint64_t *room)
{
	struct kdf_cursor c;
	uint64_t first, cost = 0, dummy = 0;
	uint32_t old_n = t->n, new_n, cap = t->cap;

	kdf_cursor_init(&c, raw, len);
	first = kdf_cursor_varint(&c);
	if (c.bad || first <= t->n || first - t->n - 1 > KDF_ID_GAP_MAX ||
	    count > len || first + count > UINT32_MAX)
		return KDF_E_CORRUPT;
	for (uint32_t i = 0; i < count; i++)
		if (!parse_entry(&c, kind, NULL, &cost))
			return KDF_E_CORRUPT;
	if (kdf_cursor_left(&c))
		return KDF_E_CORRUPT;

	new_n = (uint32_t)(first - 1 + count);
	if (new_n > cap) {
		cap = cap ? cap : 64;
		while (cap < new_n)
			cap = cap > UINT32_MAX / 2 ? new_n : cap * 2;
		cost += (uint64_t)(cap - t->cap) * sizeof(*t->v);
	}
	/* Checked before anything is allocated: a few bytes of a crafted
	 * chunk may declare far more than they hold. */
	if (cost > *room) {
		*room = cost;
		return KDF_E_OVER_BUDGET;
	}
	*room -= cost;
	if (new_n > t->cap) {
		struct kdf_id_entry *v;

		v = kdf_reallocarray(t->v, cap, sizeof(*v));
		if (!v)
			return KDF_E_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	memset(t->v + t->n, 0, (new_n - t->n) * sizeof(*t->v));
	t->n = new_n;
	kdf_cursor_init(&c, raw, len);
	kdf_cursor_varint(&c);
	for (uint32_t i = 0; i < count; i++) {
		struct kdf_id_entry *e = &t->v[first - 1 + i];

		parse_entry(&c, kind, e, &dummy);
		if (!e->p)
			goto nomem;
	}
	return 0;
nomem:
	for (uint32_t i = old_n; i < t->n; i++) {
		kdf_free(t->v[i].p);
		t->v[i].p = NULL;
	}
	t->n = old_n;
	return KDF_E_NOMEM;
}

int kdf_strings_decode(struct kdf_id_table *t, const uint8_t *raw, size_t len, uint32_t count,
		       uint64_t *room)
{
	return table_decode(t, raw, len, count, TABLE_STRINGS, room);
}

int kdf_stacks_decode(struct kdf_id_table *t, const uint8_t *raw, size_t len, uint32_t count,
		      uint64_t *room)
{
	return table_decode(t, raw, len, count, TABLE_STACKS, room);
}

void kdf_thread_next(struct kdf_cursor *c, struct kdf_thread *th)
{
	th->ts = kdf_cursor_varint(c);
	th->tid = kdf_cursor_varint32(c);
	th->name_len = kdf_cursor_varint32(c);
	th->name = (const char *)kdf_cursor_take(c, th->name_len);
}

int kdf_thread_check(const uint8_t *raw, size_t len, uint32_t count)
{
	struct kdf_cursor c;

	if (count > len)
		return KDF_E_CORRUPT;
	kdf_cursor_init(&c, raw, len);
	for (uint32_t i = 0; i < count; i++) {
		struct kdf_thread th;

		kdf_thread_next(&c, &th);
		if (c.bad || th.name_len > KDF_THREAD_NAME_MAX)
			return KDF_E_CORRUPT;
	}
	return kdf_cursor_left(&c) ? KDF_E_CORRUPT : 0;
}
