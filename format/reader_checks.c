// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader_checks.c - damage that every chunk's CRC misses: an EVENTS chunk
 * removed or repeated whole, or two captures joined into one file.  The
 * SEQUENCE chunk that follows each EVENTS chunk (since format 1.1) numbers
 * it; the SUMMARY's per-type counts must match the events read; a file
 * header or META chunk after the first starts another capture.  Each is
 * one warning, and the capture counts as damaged (chunks_bad), so that the
 * report says so and exits 1.  A capture without SEQUENCE chunks (1.0) is
 * not checked for sequence.  When damage was already reported (a skipped
 * chunk explains the difference), the check only resynchronises.
 */
#include "reader_internal.h"

void kdf_reader_seen_events_chunk(struct kdf_reader *r)
{
	r->events_chunks++;
}

static void damaged(struct kdf_reader *r)
{
	r->st.chunks_bad++;
	r->checked_bad = r->st.chunks_bad;
}

int kdf_reader_check_sequence(struct kdf_reader *r, uint64_t off, const uint8_t *raw, size_t len)
{
	struct kdf_cursor c;
	uint64_t seq;

	kdf_cursor_init(&c, raw, len);
	seq = kdf_cursor_varint(&c);
	if (c.bad || kdf_cursor_left(&c) || !seq)
		return KDF_E_CORRUPT;
	/* Numbered from 1 at the start of the file, so the first one is
	 * checked too. */
	if (r->checked_bad == r->st.chunks_bad && seq != r->events_chunks) {
		uint64_t held = r->events_chunks - r->seq_events_chunks;

		kdf_reader_warnf(r, off, "EVENTS chunks out of sequence at offset %llu: number "
				 "%llu after number %llu, with %llu EVENTS chunk(s) read between "
				 "them: a chunk was removed or repeated, or captures were joined",
				 (unsigned long long)off, (unsigned long long)seq,
				 (unsigned long long)r->seq, (unsigned long long)held);
		damaged(r);
	}
	/* From here on, counted from this chunk's number. */
	r->seq_in_use = 1;
	r->seq = seq;
	r->events_chunks = seq;
	r->seq_events_chunks = seq;
	r->checked_bad = r->st.chunks_bad;
	return 0;
}

void kdf_reader_check_summary(struct kdf_reader *r, uint64_t off, const struct kdf_summary *s)
{
	/* Only when nothing else explains a difference: no chunk skipped,
	 * no event of a type this reader does not know. */
	if (r->st.chunks_bad || r->warned_unknown_event)
		return;
	if (r->seq_in_use && r->events_chunks != r->seq) {
		kdf_reader_warnf(r, off, "%llu EVENTS chunks after the last SEQUENCE chunk before "
				 "the summary at offset %llu: a chunk was added or captures were joined",
				 (unsigned long long)(r->events_chunks - r->seq),
				 (unsigned long long)off);
		damaged(r);
		return;
	}
	for (int t = 1; t <= KDF_EV_TYPE_MAX; t++) {
		if (s->events[t] == r->read_by_type[t])
			continue;
		kdf_reader_warnf(r, off, "the summary at offset %llu counts %llu events of type %d, "
				 "the capture holds %llu: EVENTS chunks were removed or repeated",
				 (unsigned long long)off, (unsigned long long)s->events[t], t,
				 (unsigned long long)r->read_by_type[t]);
		damaged(r);
		return;
	}
}

void kdf_reader_joined(struct kdf_reader *r, uint64_t off, const char *what)
{
	kdf_reader_warnf(r, off, "%s at offset %llu: another capture starts there (files "
			 "joined?); it is not read", what, (unsigned long long)off);
	damaged(r);
	r->stopped = 1;
}
