// SPDX-License-Identifier: BSD-2-Clause
/* buf.c - the growable byte buffer of bytes.h. */
#include "alloc.h"
#include "bytes.h"
#include "kdelay_format.h"

int kdf_buf_reserve(struct kdf_buf *b, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (n <= b->cap - b->len)
		return 0;
	if (n > SIZE_MAX / 2 - b->len)
		return KDF_E_NOMEM;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < n)
		cap *= 2;
	p = kdf_reallocarray(b->p, cap, 1);
	if (!p)
		return KDF_E_NOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int kdf_buf_append(struct kdf_buf *b, const void *p, size_t n)
{
	if (kdf_buf_reserve(b, n))
		return KDF_E_NOMEM;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int kdf_buf_varint(struct kdf_buf *b, uint64_t v)
{
	if (kdf_buf_reserve(b, KDF_VARINT_MAX))
		return KDF_E_NOMEM;
	b->len = (size_t)(kdf_put_varint(b->p + b->len, v) - b->p);
	return 0;
}

void kdf_buf_free(struct kdf_buf *b)
{
	kdf_free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
