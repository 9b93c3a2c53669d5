/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tables_codec.h - the binary table chunks: STRINGS, STACKS and THREAD
 * (docs/format.md §6), encoded by the writer and decoded by the reader
 * into its id tables.
 */
#ifndef KDF_TABLES_CODEC_H
#define KDF_TABLES_CODEC_H

#include "bytes.h"
#include "intern.h"
#include "kdelay_format.h"

#define KDF_STACK_MAX_DEPTH 1024u
#define KDF_THREAD_NAME_MAX 4096u
#define KDF_ID_GAP_MAX 65536u	  /* ids a lost chunk may leave unknown */
#define KDF_TABLE_CHUNK_RAW (1u << 20) /* the writer splits larger tables */

/* Reader side: id -> bytes (strings) or id -> ips (stacks). */
struct kdf_id_entry {
	void *p;       /* NULL: id never seen (its chunk was lost) */
	uint32_t len;  /* bytes, or ips for stacks */
};

struct kdf_id_table {
	struct kdf_id_entry *v; /* v[id - 1] */
	uint32_t n, cap;
};

void kdf_id_table_free(struct kdf_id_table *t);

/*
 * Writer: encode ids t->written+1 .. up to a chunk's worth into raw and
 * return how many were encoded (the chunk's count); 0 when none pending.
 * stacks: keys are arrays of native uint64_t.  *err gets KDF_E_NOMEM.
 */
uint32_t kdf_strings_encode(const struct kdf_intern *t, struct kdf_buf *raw, int *err);
uint32_t kdf_stacks_encode(const struct kdf_intern *t, struct kdf_buf *raw, int *err);
int kdf_thread_encode(struct kdf_buf *raw, const struct kdf_thread *th);

/* Internal to libkdformat: a decode would allocate more than allowed. */
#define KDF_E_OVER_BUDGET (-100)

/* Reader: add a chunk's entries to t, all or none.  What they allocate is
 * taken from *room first; when it is more, nothing is allocated, *room is
 * set to what it would be and KDF_E_OVER_BUDGET returned.  0,
 * KDF_E_CORRUPT, KDF_E_OVER_BUDGET or KDF_E_NOMEM. */
int kdf_strings_decode(struct kdf_id_table *t, const uint8_t *raw, size_t len, uint32_t count,
		       uint64_t *room);
int kdf_stacks_decode(struct kdf_id_table *t, const uint8_t *raw, size_t len, uint32_t count,
		      uint64_t *room);

/* Reader: check a THREAD payload holds exactly count well-formed records. */
int kdf_thread_check(const uint8_t *raw, size_t len, uint32_t count);
/* Reader: next record of a checked payload. */
void kdf_thread_next(struct kdf_cursor *c, struct kdf_thread *th);

#endif /* KDF_TABLES_CODEC_H */
