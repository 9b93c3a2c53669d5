/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kdf_testing.h - hooks for tests, fuzzing and benchmarks only.
 *
 * Not part of the API the tools use; nothing here changes the file format.
 */
#ifndef KDF_TESTING_H
#define KDF_TESTING_H

#include <stddef.h>
#include <stdint.h>

struct kdf_writer;

/*
 * Replace the allocator libkdformat uses for its own memory (not libzstd's
 * or libcbor's).  NULL arguments restore malloc/realloc/free.  Not thread
 * safe: call it before any reader or writer exists.
 */
void kdf_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
		       void (*free_fn)(void *));

/*
 * Make the n-th next allocation of libkdformat fail (1 = the very next
 * one), and every later one too until kdf_fail_alloc_after(0) disarms it.
 * Returns how many allocations succeeded since the last call, so a test
 * can learn how many allocation points an operation has.
 */
unsigned long kdf_fail_alloc_after(unsigned long n);

/* kdf_reader_read_ahead() reads ahead from captures of n bytes or more
 * (1 MiB unless set; 0 = always), so that small test captures exercise
 * it.  Not thread safe: call it before any reader exists. */
void kdf_set_prefetch_min_bytes(uint64_t n);

/* Store chunk payloads uncompressed (lets the fuzzer mutate structure). */
void kdf_writer_set_uncompressed(struct kdf_writer *w, int uncompressed);

#endif /* KDF_TESTING_H */
