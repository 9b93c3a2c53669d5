/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_codec.h - the column encoding of an EVENTS chunk payload
 * (docs/format.md §5).  The encoder appends events straight into column
 * buffers allocated once, so adding an event allocates nothing.
 */
#ifndef KDF_EVENTS_CODEC_H
#define KDF_EVENTS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "kdelay_format.h"

#define KDF_EVENTS_MAX_PER_CHUNK 65536u	 /* reader limit */
#define KDF_EVENTS_PER_CHUNK 32768u	 /* what the writer puts in one */
#define KDF_EVENTS_RAW_TARGET (192u * 1024) /* raw bytes that close a chunk */
#define KDF_TIDS_PER_CHUNK 4096u
#define KDF_TID_SLOTS 8192u		 /* hash slots, twice the tids */

enum kdf_events_col { COL_TIDX, COL_CPU, COL_TS, COL_ARGS, COL_VARINT_COUNT };

struct kdf_events_enc {
	uint32_t n;
	/* events that surely fit before the chunk's fill is summed again */
	uint32_t room;
	uint64_t base_ts;
	uint64_t last_ts;
	uint8_t *type;
	uint8_t *flags;
	uint8_t *col[COL_VARINT_COUNT];
	size_t col_len[COL_VARINT_COUNT];
	uint32_t ntids;
	/* The tid looked up last and its index + 1 (0: none this chunk):
	 * a busy thread's events come in runs, and a run then skips the
	 * hash. */
	uint32_t last_tid, last_idx;
	uint32_t tids[KDF_TIDS_PER_CHUNK];
	uint32_t slot_tid[KDF_TID_SLOTS];
	uint16_t slot_idx[KDF_TID_SLOTS]; /* index + 1; 0 = empty slot */
};

/* 0 or KDF_E_NOMEM (nothing to free then). */
int kdf_events_enc_init(struct kdf_events_enc *e);
void kdf_events_enc_free(struct kdf_events_enc *e);

/* Bytes in the varint columns.  Summed when asked, not kept up to date
 * per value: a running total updated beside each column's length made
 * the compiler fuse the two into one 16-byte load and store, which the
 * next value's 8-byte stores then kept from forwarding. */
static inline size_t kdf_events_enc_varint_bytes(const struct kdf_events_enc *e)
{
	size_t n = 0;

	for (int c = 0; c < COL_VARINT_COUNT; c++)
		n += e->col_len[c];
	return n;
}

/* True when one more event might not fit (the columns' lengths summed);
 * else it notes how many more events surely fit, whatever they are. */
int kdf_events_enc_check(struct kdf_events_enc *e);

/* True when one more event might not fit: flush the chunk first.  The
 * sums are made once the events known to fit are used up, not on every
 * event: the answer is the same, for 11 fewer instructions an event. */
static inline int kdf_events_enc_full(struct kdf_events_enc *e)
{
	if (e->room) {
		e->room--;
		return 0;
	}
	return kdf_events_enc_check(e);
}

/* Append ev (type already checked to be 1..KDF_EV_TYPE_MAX, room checked). */
void kdf_events_enc_add(struct kdf_events_enc *e, const struct kdf_event *ev);

/* Raw payload of the events added so far appended to out; then reset. */
int kdf_events_enc_finish(struct kdf_events_enc *e, struct kdf_buf *out);

/* What the decoder counts of the events it hands out, on its way (the
 * type and the time are at hand there): how many of each type, their
 * earliest and latest ts (0 and 0 when none), and whether they are in time
 * order (no ts before the one of the event before it). */
struct kdf_events_tally {
	uint64_t by_type[KDF_EV_TYPE_MAX + 1];
	uint64_t first_ts, last_ts;
	int in_order;
};

/*
 * Decode a raw EVENTS payload holding count events into out[0..count).
 * Events of types this reader does not know are left out: *n_out says how
 * many came back, *unknown how many were skipped, *tally what they are.
 * Returns 0 or KDF_E_CORRUPT (then out and *tally hold nothing useful).
 */
int kdf_events_decode(const uint8_t *raw, size_t raw_len, uint32_t count, struct kdf_event *out,
		      size_t *n_out, uint32_t *unknown, struct kdf_events_tally *tally);

#endif /* KDF_EVENTS_CODEC_H */
