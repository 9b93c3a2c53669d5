/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * meta_cbor.h - CBOR payloads: META (meta_cbor.c) and SYMBOLS, WINDOW,
 * SUMMARY (records_cbor.c); docs/format.md §4.
 */
#ifndef KDF_META_CBOR_H
#define KDF_META_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "kdelay_format.h"

/* Encoders append to out: 0, KDF_E_NOMEM or KDF_E_INVAL. */
int kdf_meta_encode(const struct kdf_meta *m, struct kdf_buf *out);
int kdf_symbols_encode(const struct kdf_symbol *v, size_t n, struct kdf_buf *out);
int kdf_window_encode(const struct kdf_window *w, struct kdf_buf *out);
int kdf_summary_encode(const struct kdf_summary *s, struct kdf_buf *out);

/*
 * Decoders of untrusted payloads: 0, KDF_E_CORRUPT or KDF_E_NOMEM; on
 * error nothing is left allocated.  Strings come back NUL terminated and
 * owned by the result (free with the matching _free).
 */
int kdf_meta_decode(const uint8_t *p, size_t len, struct kdf_meta *m);
void kdf_meta_free(struct kdf_meta *m);
int kdf_symbols_decode(const uint8_t *p, size_t len, uint32_t count, struct kdf_symbol **v,
		       size_t *n);
void kdf_symbols_free(struct kdf_symbol *v, size_t n);
int kdf_window_decode(const uint8_t *p, size_t len, struct kdf_window *w);
int kdf_summary_decode(const uint8_t *p, size_t len, struct kdf_summary *s);

#endif /* KDF_META_CBOR_H */
