/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * chunk.h - file header and chunk framing (docs/format.md §2-3): magic,
 * version, 28-byte chunk headers, CRC32C, and zstd (de)compression of one
 * payload.
 */
#ifndef KDF_CHUNK_H
#define KDF_CHUNK_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "bytes.h"

#define KDF_MAGIC "\x89KDLY\r\n\x1a"
#define KDF_MAGIC_LEN 8
#define KDF_FILE_HEADER_LEN 16
#define KDF_CHUNK_SYNC "KDCK"
#define KDF_CHUNK_HEADER_LEN 28
#define KDF_CHUNK_MAX_LEN (16u << 20)	/* stored_len and raw_len limit */
#define KDF_CHUNK_FLAG_ZSTD 1u

enum kdf_chunk_type {
	KDF_CHUNK_META = 1,
	KDF_CHUNK_EVENTS = 2,
	KDF_CHUNK_STRINGS = 3,
	KDF_CHUNK_STACKS = 4,
	KDF_CHUNK_THREAD = 5,
	KDF_CHUNK_SYMBOLS = 6,
	KDF_CHUNK_WINDOW = 7,
	KDF_CHUNK_SUMMARY = 8,
	KDF_CHUNK_SEQUENCE = 9, /* since 1.1: follows each EVENTS chunk */
};

struct kdf_chunk_header {
	uint16_t type;
	uint16_t flags;
	uint32_t stored_len;
	uint32_t raw_len;
	uint32_t count;
	uint32_t payload_crc;
};

uint32_t kdf_crc32c(uint32_t crc, const void *p, size_t len);

/* "EVENTS", ..., or "unknown". */
const char *kdf_chunk_name(unsigned int type);

void kdf_file_header_encode(uint8_t out[KDF_FILE_HEADER_LEN], uint16_t major, uint16_t minor);

/* Fills out[0..27], header_crc included. */
void kdf_chunk_header_encode(uint8_t out[KDF_CHUNK_HEADER_LEN], const struct kdf_chunk_header *h);

/*
 * Checks sync and header_crc, then the limits and flags a 1.x reader
 * accepts.  Returns 0 when h can be trusted, -1 when the header is damaged
 * (its lengths mean nothing), -2 when it checks but breaks a limit.
 */
int kdf_chunk_header_decode(const uint8_t in[KDF_CHUNK_HEADER_LEN], struct kdf_chunk_header *h);

/*
 * Append one whole chunk (header + payload) to out: raw compressed with
 * cctx when compress is set and it helps, stored as is otherwise.
 * Returns 0, KDF_E_NOMEM, or KDF_E_INVAL (too big, zstd failure).
 */
int kdf_chunk_pack(struct kdf_buf *out, ZSTD_CCtx *cctx, int compress, uint16_t type,
		   uint32_t count, const void *raw, size_t raw_len);

/*
 * Decompress (or copy) a checked payload into *raw (grown with
 * kdf_reallocarray as needed, capacity in *raw_cap).  Returns 0,
 * KDF_E_NOMEM, or KDF_E_CORRUPT when the payload does not expand to
 * exactly raw_len bytes.
 */
int kdf_chunk_unpack(ZSTD_DCtx *dctx, const struct kdf_chunk_header *h, const uint8_t *stored,
		     uint8_t **raw, size_t *raw_cap);

#endif /* KDF_CHUNK_H */
