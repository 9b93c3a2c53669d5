/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * source.h - where the reader's bytes come from: a file read with pread()
 * (never loaded whole) or a caller's memory buffer.
 */
#ifndef KDF_SOURCE_H
#define KDF_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct kdf_source {
	int fd;		     /* -1 for memory */
	const uint8_t *mem;
	uint64_t mem_len;
};

/* Up to n bytes at off into buf: the count (short only at end of file),
 * or -1 with errno set. */
ssize_t kdf_source_read(const struct kdf_source *s, uint64_t off, void *buf, size_t n);

/* The same, not counted in kdf_bytes_read(): for reading ahead, whose
 * bytes are counted with kdf_source_count() when they are used. */
ssize_t kdf_source_pread(const struct kdf_source *s, uint64_t off, void *buf, size_t n);
void kdf_source_count(uint64_t n);

/* Size now (a file being recorded may still grow). */
uint64_t kdf_source_size(const struct kdf_source *s);

/*
 * Resynchronise after a damaged chunk header: the offset of the first
 * chunk header at or after off whose sync and header CRC check.
 * Returns 1 (found, *at set), 0 (none before the end) or -1 (read error).
 */
int kdf_source_find_chunk(const struct kdf_source *s, uint64_t off, uint64_t *at);

#endif /* KDF_SOURCE_H */
