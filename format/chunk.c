// SPDX-License-Identifier: BSD-2-Clause
/* chunk.c - file header, chunk headers and payload (de)compression. */
#include "alloc.h"
#include "chunk.h"
#include "kdelay_format.h"

const char *kdf_chunk_name(unsigned int type)
{
	static const char *const names[] = {
		[KDF_CHUNK_META] = "META",	 [KDF_CHUNK_EVENTS] = "EVENTS",
		[KDF_CHUNK_STRINGS] = "STRINGS", [KDF_CHUNK_STACKS] = "STACKS",
		[KDF_CHUNK_THREAD] = "THREAD",	 [KDF_CHUNK_SYMBOLS] = "SYMBOLS",
		[KDF_CHUNK_WINDOW] = "WINDOW",	 [KDF_CHUNK_SUMMARY] = "SUMMARY",
		[KDF_CHUNK_SEQUENCE] = "SEQUENCE",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

void kdf_file_header_encode(uint8_t out[KDF_FILE_HEADER_LEN], uint16_t major, uint16_t minor)
{
	memcpy(out, KDF_MAGIC, KDF_MAGIC_LEN);
	kdf_put_le16(out + 8, major);
	kdf_put_le16(out + 10, minor);
	kdf_put_le32(out + 12, 0);
}

void kdf_chunk_header_encode(uint8_t out[KDF_CHUNK_HEADER_LEN], const struct kdf_chunk_header *h)
{
	memcpy(out, KDF_CHUNK_SYNC, 4);
	kdf_put_le16(out + 4, h->type);
	kdf_put_le16(out + 6, h->flags);
	kdf_put_le32(out + 8, h->stored_len);
	kdf_put_le32(out + 12, h->raw_len);
	kdf_put_le32(out + 16, h->count);
	kdf_put_le32(out + 20, h->payload_crc);
	kdf_put_le32(out + 24, kdf_crc32c(0, out, 24));
}

int kdf_chunk_header_decode(const uint8_t in[KDF_CHUNK_HEADER_LEN], struct kdf_chunk_header *h)
{
	if (memcmp(in, KDF_CHUNK_SYNC, 4))
		return -1;
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	/* (The fuzzer cannot forge CRCs; it skips them to reach the decoders.) */
	if (kdf_get_le32(in + 24) != kdf_crc32c(0, in, 24))
		return -1;
#endif
	h->type = kdf_get_le16(in + 4);
	h->flags = kdf_get_le16(in + 6);
	h->stored_len = kdf_get_le32(in + 8);
	h->raw_len = kdf_get_le32(in + 12);
	h->count = kdf_get_le32(in + 16);
	h->payload_crc = kdf_get_le32(in + 20);
	if (h->stored_len > KDF_CHUNK_MAX_LEN || h->raw_len > KDF_CHUNK_MAX_LEN)
		return -2;
	if (h->flags & ~KDF_CHUNK_FLAG_ZSTD)
		return -2;
	if (!(h->flags & KDF_CHUNK_FLAG_ZSTD) && h->stored_len != h->raw_len)
		return -2;
	return 0;
}

int kdf_chunk_pack(struct kdf_buf *out, ZSTD_CCtx *cctx, int compress, uint16_t type,
		   uint32_t count, const void *raw, size_t raw_len)
{
	struct kdf_chunk_header h = { .type = type, .count = count };
	size_t start = out->len, bound, stored;
	uint8_t *payload;

	if (raw_len > KDF_CHUNK_MAX_LEN)
		return KDF_E_INVAL;
	bound = compress ? ZSTD_compressBound(raw_len) : raw_len;
	if (bound < raw_len)
		bound = raw_len;
	if (kdf_buf_reserve(out, KDF_CHUNK_HEADER_LEN + bound))
		return KDF_E_NOMEM;
	payload = out->p + start + KDF_CHUNK_HEADER_LEN;
	stored = raw_len;
	if (compress && raw_len) {
		size_t z = ZSTD_compress2(cctx, payload, bound, raw, raw_len);

		if (ZSTD_isError(z))
			return KDF_E_INVAL;
		if (z < raw_len) {
			stored = z;
			h.flags |= KDF_CHUNK_FLAG_ZSTD;
		}
	}
	if (!(h.flags & KDF_CHUNK_FLAG_ZSTD) && raw_len)
		memcpy(payload, raw, raw_len);
	h.stored_len = (uint32_t)stored;
	h.raw_len = (uint32_t)raw_len;
	h.payload_crc = kdf_crc32c(0, payload, stored);
	kdf_chunk_header_encode(out->p + start, &h);
	out->len = start + KDF_CHUNK_HEADER_LEN + stored;
	return 0;
}

int kdf_chunk_unpack(ZSTD_DCtx *dctx, const struct kdf_chunk_header *h, const uint8_t *stored,
		     uint8_t **raw, size_t *raw_cap)
{
	if (h->raw_len > *raw_cap) {
		uint8_t *p = kdf_reallocarray(*raw, h->raw_len, 1);

		if (!p)
			return KDF_E_NOMEM;
		*raw = p;
		*raw_cap = h->raw_len;
	}
	if (!(h->flags & KDF_CHUNK_FLAG_ZSTD)) {
		if (h->raw_len)
			memcpy(*raw, stored, h->raw_len);
		return 0;
	}
	/* The frame must announce, and expand to, exactly raw_len bytes. */
	if (ZSTD_getFrameContentSize(stored, h->stored_len) != h->raw_len)
		return KDF_E_CORRUPT;
	size_t n = ZSTD_decompressDCtx(dctx, *raw, h->raw_len, stored, h->stored_len);

	if (ZSTD_isError(n) || n != h->raw_len)
		return KDF_E_CORRUPT;
	return 0;
}
