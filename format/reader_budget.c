// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader_budget.c - how much memory and decoding a capture may cost the
 * reader.  A few bytes of a crafted capture can declare megabytes (a zstd
 * frame of zeros, a STACKS entry of 1024 one-byte deltas, a CBOR array of
 * one-byte items), so what the reader keeps (tables, and the items its
 * callers keep: threads, symbols, windows) and what it decompresses are
 * both bounded by the file's size, with a floor for small captures.  What
 * it keeps has a hard cap too; what it decompresses does not, since each
 * chunk's buffer is bounded (KDF_CHUNK_MAX_LEN) and freed: over the whole
 * file that total bounds the time a crafted capture can cost, which may
 * grow with the file, and a long real recording (hundreds of millions of
 * events) decompresses to more than any fixed cap.  Real captures stay far
 * below: their tables are a fraction of the file and zstd shrinks their
 * chunks 2 to 5 times.  The first chunk
 * past the budget ends the reading with one warning naming it: what was
 * read before is reported, and the capture counts as damaged.
 */
#include "reader_internal.h"

/* floor + size * per_byte, at most max. */
static uint64_t limit_of(uint64_t size, uint64_t floor, uint64_t per_byte, uint64_t max)
{
	uint64_t limit;

	if (size > (max - floor) / per_byte)
		return max;
	limit = floor + size * per_byte;
	return limit < max ? limit : max;
}

uint64_t kdf_budget_kept_limit(uint64_t size)
{
	return limit_of(size, KDF_BUDGET_KEPT_FLOOR, KDF_BUDGET_KEPT_PER_BYTE, KDF_BUDGET_MAX);
}

uint64_t kdf_budget_decode_limit(uint64_t size)
{
	return limit_of(size, KDF_BUDGET_DECODE_FLOOR, KDF_BUDGET_DECODE_PER_BYTE, UINT64_MAX);
}

/* The same for the decompression charged every chunk: with the size read
 * last time first, since the limit only grows with the size and what fits
 * it fits the size now; the size is read again (a kernel entry, ~4 us on a
 * VM guest) only when need does not fit, and then kept. */
static uint64_t decode_limit_seen(struct kdf_reader *r, uint64_t need)
{
	uint64_t limit = kdf_budget_decode_limit(r->size_seen);

	if (need <= limit)
		return limit;
	r->size_seen = kdf_source_size(&r->src);
	return kdf_budget_decode_limit(r->size_seen);
}

uint64_t kdf_reader_budget_room(const struct kdf_reader *r)
{
	uint64_t limit = kdf_budget_kept_limit(kdf_source_size(&r->src));

	return r->kept < limit ? limit - r->kept : 0;
}

void kdf_reader_over_budget(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h,
			    const char *what, uint64_t need, uint64_t limit)
{
	r->st.chunks_bad++;
	r->stopped = 1;
	kdf_reader_warnf(r, off, "%s chunk at offset %llu would take %s to %llu MiB, over the "
			 "%llu MiB this %llu-byte capture allows (damaged or crafted); "
			 "the rest of the capture is not read",
			 kdf_chunk_name(h->type), (unsigned long long)off, what,
			 (unsigned long long)((need + (1u << 20) - 1) >> 20),
			 (unsigned long long)(limit >> 20),
			 (unsigned long long)kdf_source_size(&r->src));
}

int kdf_reader_charge(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h,
		      uint64_t transient, uint64_t kept)
{
	uint64_t room = kdf_reader_budget_room(r);

	if (transient > room || kept > room - transient) {
		kdf_reader_over_budget(r, off, h, "the reader's memory",
				       r->kept + transient + kept,
				       kdf_budget_kept_limit(kdf_source_size(&r->src)));
		return -1;
	}
	r->kept += kept;
	return 0;
}

int kdf_reader_charge_decode(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h)
{
	uint64_t limit = decode_limit_seen(r, r->decoded + h->raw_len);

	if (r->decoded + h->raw_len > limit) {
		kdf_reader_over_budget(r, off, h, "the decompressed bytes", r->decoded + h->raw_len,
				       limit);
		return -1;
	}
	r->decoded += h->raw_len;
	return 0;
}
