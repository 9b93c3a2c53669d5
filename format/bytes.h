/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bytes.h - little-endian fields, varints and zigzag (docs/format.md §1),
 * a bounds-checked read cursor for untrusted bytes, and a growable buffer.
 */
#ifndef KDF_BYTES_H
#define KDF_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define KDF_VARINT_MAX 10

static inline void kdf_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void kdf_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void kdf_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t kdf_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t kdf_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t kdf_get_le64(const uint8_t *p)
{
	return (uint64_t)kdf_get_le32(p) | (uint64_t)kdf_get_le32(p + 4) << 32;
}

static inline uint64_t kdf_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t kdf_unzigzag(uint64_t v)
{
	return (int64_t)((v >> 1) ^ (~(v & 1) + 1));
}

/* Write v as a varint at p (room for KDF_VARINT_MAX bytes); returns the end. */
static inline uint8_t *kdf_put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/*
 * Read-only cursor over untrusted bytes.  Reads past the end or malformed
 * varints set bad and return 0, so a decoder checks bad once at the end of
 * a record instead of after every field.
 */
struct kdf_cursor {
	const uint8_t *p;
	const uint8_t *end;
	int bad;
};

static inline void kdf_cursor_init(struct kdf_cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->end = c->p + len;
	c->bad = 0;
}

static inline size_t kdf_cursor_left(const struct kdf_cursor *c)
{
	return (size_t)(c->end - c->p);
}

/* Slow path of kdf_cursor_varint: several bytes, and the end checked. */
static inline uint64_t kdf_cursor_varint_slow(struct kdf_cursor *c)
{
	uint64_t v = 0;

	for (int i = 0; i < KDF_VARINT_MAX; i++) {
		uint8_t b;

		if (c->p >= c->end)
			break;
		b = *c->p++;
		if (i == KDF_VARINT_MAX - 1 && b > 1)
			break; /* more than 64 bits */
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1;
	c->p = c->end;
	return 0;
}

/*
 * A varint of a cursor known to hold KDF_VARINT_MAX bytes more: no check
 * of the end per byte.  A malformed one sets bad and moves the cursor to
 * the end or, with in_run (a caller that made room for a run of varints
 * and reads on unchecked), just past the room this one had.
 */
static inline __attribute__((always_inline)) uint64_t kdf_cursor_varint_room(struct kdf_cursor *c,
									      int in_run)
{
	const uint8_t *p = c->p;
	uint64_t v, b;

	b = p[0];
	if (b < 0x80) {
		c->p = p + 1;
		return b;
	}
	v = b & 0x7f;
	b = p[1];
	if (b < 0x80) {
		c->p = p + 2;
		return v | b << 7;
	}
	v |= (b & 0x7f) << 7;
	for (int i = 2; i < KDF_VARINT_MAX; i++) {
		b = p[i];
		if (i == KDF_VARINT_MAX - 1 && b > 1)
			break; /* more than 64 bits */
		v |= (b & 0x7f) << (7 * i);
		if (b < 0x80) {
			c->p = p + i + 1;
			return v;
		}
	}
	c->bad = 1;
	c->p = in_run ? p + KDF_VARINT_MAX : c->end;
	return 0;
}

/* Fast path: one byte, or several when a whole varint's worth of bytes is
 * left; the same values and errors as the slow path. */
static inline uint64_t kdf_cursor_varint(struct kdf_cursor *c)
{
	const uint8_t *p = c->p;

	if (c->end - p < KDF_VARINT_MAX) {
		if (p < c->end && !(*p & 0x80))
			return *c->p++;
		return kdf_cursor_varint_slow(c);
	}
	return kdf_cursor_varint_room(c, 0);
}

/*
 * For a column whose varints vary in length (timestamp deltas): up to 8
 * bytes without a branch on the length, which a mix of lengths would
 * mispredict.  The bytes are read as one little-endian word, the first
 * byte without the continuation bit ends the varint, and the 7-bit groups
 * are packed by three shift-and-mask steps.  Longer varints, and the last
 * bytes of the column, take kdf_cursor_varint(): the same values and
 * errors.  The _room form: KDF_VARINT_MAX bytes known to be left.
 */
static inline __attribute__((always_inline)) uint64_t
kdf_cursor_varint_mixed_room(struct kdf_cursor *c, int in_run)
{
	uint64_t x = kdf_get_le64(c->p), stop = ~x & 0x8080808080808080ull;

	if (!stop)
		return kdf_cursor_varint_room(c, in_run);
	c->p += (__builtin_ctzll(stop) >> 3) + 1;
	x &= stop ^ (stop - 1); /* the bytes up to the last one */
	x &= 0x7f7f7f7f7f7f7f7full;
	x = ((x & 0x7f007f007f007f00ull) >> 1) | (x & 0x007f007f007f007full);
	x = ((x & 0x3fff00003fff0000ull) >> 2) | (x & 0x00003fff00003fffull);
	x = ((x & 0x0fffffff00000000ull) >> 4) | (x & 0x000000000fffffffull);
	return x;
}

static inline uint64_t kdf_cursor_varint_mixed(struct kdf_cursor *c)
{
	if (c->end - c->p < KDF_VARINT_MAX)
		return kdf_cursor_varint(c);
	return kdf_cursor_varint_mixed_room(c, 0);
}

/* A varint that must fit 32 bits. */
static inline uint32_t kdf_cursor_varint32(struct kdf_cursor *c)
{
	uint64_t v = kdf_cursor_varint(c);

	if (v > UINT32_MAX) {
		c->bad = 1;
		return 0;
	}
	return (uint32_t)v;
}

/* Pointer to the next n bytes, or NULL (and bad) if there are fewer. */
static inline const uint8_t *kdf_cursor_take(struct kdf_cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (n > kdf_cursor_left(c)) {
		c->bad = 1;
		c->p = c->end;
		return NULL;
	}
	c->p += n;
	return p;
}

/* Growable byte buffer (writer side). */
struct kdf_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

/* Make room for n more bytes; 0 or KDF_E_NOMEM. */
int kdf_buf_reserve(struct kdf_buf *b, size_t n);
int kdf_buf_append(struct kdf_buf *b, const void *p, size_t n);
int kdf_buf_varint(struct kdf_buf *b, uint64_t v);
void kdf_buf_free(struct kdf_buf *b);

#endif /* KDF_BYTES_H */
