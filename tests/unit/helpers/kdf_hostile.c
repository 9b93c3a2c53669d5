// SPDX-License-Identifier: BSD-2-Clause
/* kdf_hostile.c - see kdf_hostile.h. */
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "kdf_hostile.h"
#include "kdf_test_capture.h"

#define MIB (1u << 20)

static const struct {
	const char *name, *chunk;
} kinds[KDF_HOSTILE_COUNT] = {
	[KDF_HOSTILE_STACKS] = { "stacks.kdd", "STACKS" },
	[KDF_HOSTILE_STRINGS] = { "strings.kdd", "STRINGS" },
	[KDF_HOSTILE_GAPS] = { "gaps.kdd", "STRINGS" },
	[KDF_HOSTILE_THREADS] = { "threads.kdd", "THREAD" },
	[KDF_HOSTILE_SYMBOLS] = { "symbols.kdd", "SYMBOLS" },
	[KDF_HOSTILE_ZSTD] = { "zstd.kdd", "EVENTS" },
};

const char *kdf_hostile_name(enum kdf_hostile k)
{
	return kinds[k].name;
}

const char *kdf_hostile_chunk(enum kdf_hostile k)
{
	return kinds[k].chunk;
}

static void must(int ok)
{
	if (!ok)
		abort();
}

static void zeros(struct kdf_buf *b, size_t n)
{
	must(!kdf_buf_reserve(b, n));
	memset(b->p + b->len, 0, n);
	b->len += n;
}

static void chunk(struct kdf_buf *out, ZSTD_CCtx *cctx, uint16_t type, uint32_t count,
		  const struct kdf_buf *raw)
{
	must(!kdf_chunk_pack(out, cctx, 1, type, count, raw->p, raw->len));
}

uint8_t *kdf_hostile_build(enum kdf_hostile k, size_t *len)
{
	struct kdf_buf out = { 0 }, raw = { 0 };
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	size_t head_len;
	uint8_t *head;
	uint32_t i, j, id = 1;

	must(cctx && w);
	/* The file header and a real META: the rest is what is crafted. */
	head = kdf_test_writer_abort(w, sink, &head_len);
	must(!kdf_buf_append(&out, head, head_len));
	free(head);
	switch (k) {
	case KDF_HOSTILE_STACKS:
		for (i = 0; i < 4; i++, id += 16000) {
			raw.len = 0;
			must(!kdf_buf_varint(&raw, id));
			for (j = 0; j < 16000; j++) {
				must(!kdf_buf_varint(&raw, 1024));
				zeros(&raw, 1024); /* 1024 ips, each delta 0 */
			}
			chunk(&out, cctx, KDF_CHUNK_STACKS, 16000, &raw);
		}
		break;
	case KDF_HOSTILE_STRINGS:
		for (i = 0; i < 8; i++, id += 15) {
			raw.len = 0;
			must(!kdf_buf_varint(&raw, id));
			for (j = 0; j < 15; j++) {
				must(!kdf_buf_varint(&raw, MIB));
				zeros(&raw, MIB);
			}
			chunk(&out, cctx, KDF_CHUNK_STRINGS, 15, &raw);
		}
		break;
	case KDF_HOSTILE_GAPS:
		for (i = 0; i < 2000; i++) {
			id += 65536; /* the largest gap allowed */
			raw.len = 0;
			must(!kdf_buf_varint(&raw, id));
			must(!kdf_buf_varint(&raw, 0)); /* one empty string */
			chunk(&out, cctx, KDF_CHUNK_STRINGS, 1, &raw);
			id++;
		}
		break;
	case KDF_HOSTILE_THREADS:
		for (i = 0; i < 8; i++) {
			raw.len = 0;
			for (j = 0; j < 4000; j++) {
				must(!kdf_buf_varint(&raw, 0));	   /* ts */
				must(!kdf_buf_varint(&raw, j + 1)); /* tid */
				must(!kdf_buf_varint(&raw, 4096));
				zeros(&raw, 4096);
			}
			chunk(&out, cctx, KDF_CHUNK_THREAD, 4000, &raw);
		}
		break;
	case KDF_HOSTILE_SYMBOLS: {
		/* array, 32-bit big-endian length */
		uint8_t arr[5] = { 0x9a, (4u * MIB) >> 24, ((4u * MIB) >> 16) & 0xff, 0, 0 };

		must(!kdf_buf_append(&raw, arr, sizeof(arr)));
		must(!kdf_buf_reserve(&raw, 4u * MIB));
		memset(raw.p + raw.len, 0xa0, 4u * MIB); /* empty maps */
		raw.len += 4u * MIB;
		chunk(&out, cctx, KDF_CHUNK_SYMBOLS, 4u * MIB, &raw);
		break;
	}
	case KDF_HOSTILE_ZSTD: {
		struct kdf_buf one = { 0 };

		zeros(&raw, 16u * MIB);
		chunk(&one, cctx, KDF_CHUNK_EVENTS, 1, &raw); /* compressed once */
		for (i = 0; i < 1000; i++)
			must(!kdf_buf_append(&out, one.p, one.len));
		kdf_buf_free(&one);
		break;
	}
	default:
		abort();
	}
	kdf_buf_free(&raw);
	ZSTD_freeCCtx(cctx);
	/* Copied: the library's buffers may come from a test's allocator. */
	head = malloc(out.len);
	must(head != NULL);
	memcpy(head, out.p, out.len);
	*len = out.len;
	kdf_buf_free(&out);
	return head;
}
