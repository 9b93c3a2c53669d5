/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cbor_util.h - libcbor glue for the CBOR chunks (docs/format.md §4):
 * NULL-safe builders for the writer, and for the reader a guard that
 * vets untrusted bytes before cbor_load() plus typed map getters.
 */
#ifndef KDF_CBOR_UTIL_H
#define KDF_CBOR_UTIL_H

#include <cbor.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

#define KDF_CBOR_MAX_DEPTH 8

/* ---- writer.  Each put takes its value (may be NULL = allocation failed),
 * adds it under key and drops the caller's reference; -1 on failure. */
int kdf_cbor_put(cbor_item_t *map, const char *key, cbor_item_t *value);
int kdf_cbor_put_uint(cbor_item_t *map, const char *key, uint64_t v);
int kdf_cbor_put_int(cbor_item_t *map, const char *key, int64_t v);
int kdf_cbor_put_bool(cbor_item_t *map, const char *key, int v);
/* NULL s is written as null. */
int kdf_cbor_put_text(cbor_item_t *map, const char *key, const char *s);
int kdf_cbor_put_bytes(cbor_item_t *map, const char *key, const uint8_t *p, size_t len);
cbor_item_t *kdf_cbor_text_or_null(const char *s);
/* Serialize item into out (appended) and drop item; 0 or KDF_E_NOMEM. */
int kdf_cbor_finish(cbor_item_t *item, struct kdf_buf *out);

/* ---- reader */

/*
 * Parse untrusted bytes: only the subset of §4, one top-level item filling
 * len exactly, at most KDF_CBOR_MAX_DEPTH levels, and element counts that
 * the bytes can hold (so cbor_load allocates at most len + 1 items).
 * Returns the item (cbor_decref it) or NULL.
 */
cbor_item_t *kdf_cbor_load(const uint8_t *p, size_t len);
/* The same checks without loading: 0 and the number of items
 * cbor_load() would allocate, or -1. */
int kdf_cbor_count(const uint8_t *p, size_t len, uint64_t *items);

/* The value under key in a map, or NULL when absent. */
cbor_item_t *kdf_cbor_get(const cbor_item_t *map, const char *key);

/*
 * Typed getters: 0 when the key is absent (out = default) or holds a
 * value of the right type and range, else KDF_E_CORRUPT (or KDF_E_NOMEM
 * for those that copy).
 */
int kdf_cbor_get_u64(const cbor_item_t *map, const char *key, uint64_t *out);
int kdf_cbor_get_u32(const cbor_item_t *map, const char *key, uint32_t *out);
int kdf_cbor_get_i64(const cbor_item_t *map, const char *key, int64_t dflt, int64_t *out);
int kdf_cbor_get_bool(const cbor_item_t *map, const char *key, uint32_t *out);
/* Text copied with a NUL; absent or null gives dflt (copied too, or NULL
 * when dflt is NULL). */
int kdf_cbor_get_text(const cbor_item_t *map, const char *key, const char *dflt, char **out);
/* Text item (or null) copied. */
int kdf_cbor_dup_text(const cbor_item_t *item, const char *dflt, char **out);
int kdf_cbor_get_bytes(const cbor_item_t *map, const char *key, uint8_t **out, uint32_t *len);

#endif /* KDF_CBOR_UTIL_H */
