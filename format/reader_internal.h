/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reader_internal.h - the reader's state, shared by reader.c (open, items,
 * tables) and reader_chunks.c (reading and checking one chunk).
 */
#ifndef KDF_READER_INTERNAL_H
#define KDF_READER_INTERNAL_H

#include "chunk.h"
#include "kdelay_format.h"
#include "source.h"
#include "tables_codec.h"

struct kdf_reader {
	struct kdf_source src;
	kdf_warn_fn warn;
	void *warn_ctx;
	uint32_t major, minor;
	struct kdf_meta meta;
	ZSTD_DCtx *dctx;
	uint64_t off;		  /* next chunk */
	int done;		  /* 1 = end reached, < 0 = fatal error */
	uint8_t *stored;	  /* current payload as read */
	size_t stored_cap;
	uint8_t *raw;		  /* ... and decompressed */
	size_t raw_cap;
	struct kdf_event *events; /* the EVENTS item handed out */
	size_t events_cap;
	size_t events_charged;	  /* events charged to the budget */
	struct kdf_prefetch *prefetch; /* reader_prefetch.c, once started */
	int read_ahead;		  /* kdf_reader_read_ahead() */
	int prefetch_off;	  /* no thread could be had: read alone */
	struct kdf_symbol *syms;  /* the SYMBOLS item handed out */
	size_t nsyms;
	struct kdf_cursor threads; /* THREAD records still to hand out */
	uint32_t threads_left;
	struct kdf_id_table strings;
	struct kdf_id_table stacks;
	struct kdf_read_stats st;
	int warned_unknown_chunk;
	int warned_unknown_event;
	uint64_t kept;	  /* bytes charged to the budget (reader_budget.c) */
	uint64_t decoded; /* payload bytes decompressed so far */
	uint64_t size_seen; /* the file's size as the budget last read it */
	int stopped;	  /* over budget, or another capture: reading ends */
	int follow;	  /* the file is still being written (kdf_reader_follow) */
	/* reader_checks.c */
	uint64_t events_chunks;	    /* EVENTS chunks seen (or numbered so far) */
	int seq_in_use;		    /* a SEQUENCE chunk was seen */
	uint64_t seq;		    /* the last one's number */
	uint64_t seq_events_chunks; /* events_chunks then */
	uint64_t checked_bad;	    /* st.chunks_bad as of the last check */
	uint64_t read_by_type[KDF_EV_TYPE_MAX + 1];
};

/* reader_budget.c: what a capture of S bytes may cost.  Kept memory:
 * KEPT_FLOOR + KEPT_PER_BYTE * S, at most MAX; decompressed bytes over the
 * whole file: DECODE_FLOOR + DECODE_PER_BYTE * S (chunks are bounded one
 * by one, so this bounds time, not memory, and has no cap). */
#define KDF_BUDGET_KEPT_FLOOR (16ull << 20)
#define KDF_BUDGET_KEPT_PER_BYTE 8ull
#define KDF_BUDGET_DECODE_FLOOR (32ull << 20)
#define KDF_BUDGET_DECODE_PER_BYTE 64ull
#define KDF_BUDGET_MAX (1ull << 30)
/* What libcbor allocates per item, roughly (item, children, malloc). */
#define KDF_BUDGET_CBOR_ITEM 96ull
/* A THREAD record, WINDOW or SUMMARY as its callers keep it. */
#define KDF_BUDGET_RECORD 64ull

uint64_t kdf_budget_kept_limit(uint64_t size);
uint64_t kdf_budget_decode_limit(uint64_t size);
/* Bytes the reader may still charge. */
uint64_t kdf_reader_budget_room(const struct kdf_reader *r);
/* Charge a chunk: transient (freed before the next chunk) and kept bytes.
 * 0, or -1 after the one warning that stops the reading. */
int kdf_reader_charge(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h,
		      uint64_t transient, uint64_t kept);
/* Charge the decompression of a chunk's payload: 0 or -1 (warned). */
int kdf_reader_charge_decode(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h);
/* reader_checks.c: see there. */
void kdf_reader_seen_events_chunk(struct kdf_reader *r);
/* A SEQUENCE payload: 0, or KDF_E_CORRUPT when malformed. */
int kdf_reader_check_sequence(struct kdf_reader *r, uint64_t off, const uint8_t *raw, size_t len);
void kdf_reader_check_summary(struct kdf_reader *r, uint64_t off, const struct kdf_summary *s);
/* what ("a file header", "a META chunk") at off starts another capture:
 * warn, and stop reading. */
void kdf_reader_joined(struct kdf_reader *r, uint64_t off, const char *what);

/* Warn that the chunk at off is refused, and stop reading. */
void kdf_reader_over_budget(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h,
			    const char *what, uint64_t need, uint64_t limit);

/* reader_prefetch.c: an EVENTS chunk read and decoded ahead. */
struct kdf_prefetched {
	struct kdf_chunk_header h;
	const struct kdf_event *events; /* valid until the next take or release */
	size_t n;
	uint32_t unknown;
	const struct kdf_events_tally *tally; /* by type, earliest and latest */
};

/* 1: the chunk at off is an EVENTS chunk, whole, checked, unpacked and
 * decoded into *p (nothing counted, charged or warned yet: the caller
 * does that as for a chunk it read itself).  0: read the chunk at off
 * yourself.  KDF_E_NOMEM when the slots cannot be allocated. */
int kdf_prefetch_take(struct kdf_reader *r, uint64_t off, struct kdf_prefetched *p);
/* The events of the last take are no longer used. */
void kdf_prefetch_release(struct kdf_reader *r);
/* Stop the thread and free the slots (kdf_reader_close). */
void kdf_prefetch_stop(struct kdf_reader *r);

enum chunk_result {
	CHUNK_OK,	 /* h and r->raw hold a checked, unpacked chunk */
	CHUNK_SKIPPED,	 /* damaged or unusable, warned, r->off moved past it */
	CHUNK_END,	 /* clean end of file */
	CHUNK_TRUNCATED, /* file ends inside it, warned */
	CHUNK_STOPPED,	 /* over budget or another capture, warned: reading ends */
	CHUNK_FATAL,	 /* *err says why */
};

/* Report a recoverable problem through the caller's warn callback. */
void kdf_reader_warnf(struct kdf_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read, check and unpack the chunk at r->off into h and r->raw. */
enum chunk_result kdf_reader_read_chunk(struct kdf_reader *r, struct kdf_chunk_header *h,
					int *err);

#endif /* KDF_READER_INTERNAL_H */
