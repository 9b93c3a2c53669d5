/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kdf_hostile.h - tiny crafted captures that declare far more than they
 * hold (zstd frames of repeated bytes, id gaps, CBOR arrays of one-byte
 * items): a valid header and META, then chunks with valid CRCs whose
 * decoding would cost hundreds of MB without the reader's budget.  Used by
 * tests/unit/test_format_budget.c and, through tests/fuzz/gen_hostile.c,
 * by tests/e2e/72-report-hardening.sh.
 */
#ifndef KDF_HOSTILE_H
#define KDF_HOSTILE_H

#include <stddef.h>
#include <stdint.h>

enum kdf_hostile {
	KDF_HOSTILE_STACKS,  /* 4 STACKS chunks of 16,000 stacks of 1024 ips */
	KDF_HOSTILE_STRINGS, /* 8 STRINGS chunks of 15 strings of 1 MiB */
	KDF_HOSTILE_GAPS,    /* 2,000 STRINGS chunks, each 65,537 ids ahead */
	KDF_HOSTILE_THREADS, /* 8 THREAD chunks of 4,000 names of 4 KiB */
	KDF_HOSTILE_SYMBOLS, /* a SYMBOLS array of 4 Mi empty maps */
	KDF_HOSTILE_ZSTD,    /* 1,000 EVENTS chunks that expand to 16 MiB */
	KDF_HOSTILE_COUNT,
};

/* File name ("stacks.kdd", ...) and the chunk type the reader must name
 * ("STACKS", ...). */
const char *kdf_hostile_name(enum kdf_hostile k);
const char *kdf_hostile_chunk(enum kdf_hostile k);
/* The capture, malloc()ed; aborts when out of memory. */
uint8_t *kdf_hostile_build(enum kdf_hostile k, size_t *len);

#endif /* KDF_HOSTILE_H */
