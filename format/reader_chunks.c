// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader_chunks.c - read one chunk of an untrusted capture: header CRC and
 * limits first (a damaged header means a resynchronisation scan, since its
 * length cannot be trusted), then the payload CRC, then decompression.
 * Truncation and damage are warned about here, with offsets.
 */

#include "alloc.h"
#include "reader_internal.h"

static int grow(uint8_t **p, size_t *cap, size_t need)
{
	uint8_t *q;

	if (need <= *cap)
		return 0;
	q = kdf_reallocarray(*p, need, 1);
	if (!q)
		return KDF_E_NOMEM;
	*p = q;
	*cap = need;
	return 0;
}

static void note_truncated(struct kdf_reader *r, uint64_t chunk_off, uint64_t end,
			   const char *what, uint64_t size)
{
	if (r->follow && !r->st.has_summary) /* the rest is still to be written */
		return;
	r->st.truncated = 1;
	if (size)
		kdf_reader_warnf(r, chunk_off,
		      "file truncated at offset %llu inside a %s chunk of %llu bytes; "
		      "the rest of the capture is lost",
		      (unsigned long long)end, what, (unsigned long long)size);
	else
		kdf_reader_warnf(r, chunk_off,
		      "file truncated at offset %llu inside a chunk header; "
		      "the rest of the capture is lost", (unsigned long long)end);
}

/* Move past a damaged header to the next chunk that checks, if any. */
static enum chunk_result resync(struct kdf_reader *r, int *err)
{
	uint64_t bad = r->off, at;
	uint8_t magic[KDF_MAGIC_LEN];
	int found;

	if (kdf_source_read(&r->src, bad, magic, sizeof(magic)) == KDF_MAGIC_LEN &&
	    !memcmp(magic, KDF_MAGIC, KDF_MAGIC_LEN)) {
		kdf_reader_joined(r, bad, "a file header");
		return CHUNK_STOPPED;
	}
	found = kdf_source_find_chunk(&r->src, bad + 1, &at);
	if (found < 0) {
		*err = KDF_E_IO;
		return CHUNK_FATAL;
	}
	/* Last in a file still being written: maybe a header not whole yet. */
	if (!found && r->follow && !r->st.has_summary)
		return CHUNK_TRUNCATED;
	r->st.chunks_bad++;
	if (!found) {
		uint64_t size = kdf_source_size(&r->src);

		kdf_reader_warnf(r, bad, "damaged chunk header at offset %llu and no chunk after it; "
			      "the last %llu bytes of the capture are lost",
		      (unsigned long long)bad, (unsigned long long)(size - bad));
		r->off = size;
		return CHUNK_END;
	}
	kdf_reader_warnf(r, bad, "damaged chunk header at offset %llu; skipped %llu bytes to the next chunk",
	      (unsigned long long)bad, (unsigned long long)(at - bad));
	r->off = at;
	return CHUNK_SKIPPED;
}

enum chunk_result kdf_reader_read_chunk(struct kdf_reader *r, struct kdf_chunk_header *h, int *err)
{
	uint8_t hb[KDF_CHUNK_HEADER_LEN];
	uint64_t off = r->off, size;
	ssize_t got = kdf_source_read(&r->src, off, hb, sizeof(hb));
	int rc;

	if (got < 0)
		goto io;
	if (got == 0)
		return CHUNK_END;
	if (got < KDF_CHUNK_HEADER_LEN) {
		note_truncated(r, off, off + (uint64_t)got, NULL, 0);
		return CHUNK_TRUNCATED;
	}
	rc = kdf_chunk_header_decode(hb, h);
	if (rc == -1)
		return resync(r, err);
	size = KDF_CHUNK_HEADER_LEN + (uint64_t)h->stored_len;
	if (rc == -2) {
		/* The header checks, so its length can be trusted to skip. */
		r->st.chunks_bad++;
		r->off += size;
		kdf_reader_warnf(r, off, "%s chunk at offset %llu is larger or newer than this reader "
			      "handles; skipped", kdf_chunk_name(h->type), (unsigned long long)off);
		return CHUNK_SKIPPED;
	}
	*err = grow(&r->stored, &r->stored_cap, h->stored_len);
	if (*err)
		return CHUNK_FATAL;
	got = kdf_source_read(&r->src, off + KDF_CHUNK_HEADER_LEN, r->stored, h->stored_len);
	if (got < 0)
		goto io;
	if ((uint64_t)got < h->stored_len) {
		note_truncated(r, off, off + KDF_CHUNK_HEADER_LEN + (uint64_t)got,
			       kdf_chunk_name(h->type), size);
		return CHUNK_TRUNCATED;
	}
	r->off += size;
	r->st.chunks++;
	if (h->type == KDF_CHUNK_EVENTS)
		kdf_reader_seen_events_chunk(r);
	if (kdf_crc32c(0, r->stored, h->stored_len) != h->payload_crc) {
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
		r->st.chunks_bad++;
		kdf_reader_warnf(r, off, "%s chunk at offset %llu has a bad checksum; skipped (%llu bytes)",
		      kdf_chunk_name(h->type), (unsigned long long)off, (unsigned long long)size);
		return CHUNK_SKIPPED;
#endif
	}
	if ((h->flags & KDF_CHUNK_FLAG_ZSTD) && kdf_reader_charge_decode(r, off, h))
		return CHUNK_STOPPED;
	rc = kdf_chunk_unpack(r->dctx, h, r->stored, &r->raw, &r->raw_cap);
	if (rc == KDF_E_NOMEM) {
		*err = rc;
		return CHUNK_FATAL;
	}
	if (rc) {
		r->st.chunks_bad++;
		kdf_reader_warnf(r, off, "%s chunk at offset %llu does not decompress; skipped",
		      kdf_chunk_name(h->type), (unsigned long long)off);
		return CHUNK_SKIPPED;
	}
	r->st.uncompressed_bytes += h->raw_len;
	return CHUNK_OK;
io:
	*err = KDF_E_IO;
	return CHUNK_FATAL;
}
