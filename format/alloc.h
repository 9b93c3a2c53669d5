/* SPDX-License-Identifier: BSD-2-Clause */
/* alloc.h - the one door through which libkdformat allocates (see alloc.c). */
#ifndef KDF_ALLOC_H
#define KDF_ALLOC_H

#include <stddef.h>

void *kdf_malloc(size_t size);
void *kdf_calloc(size_t n, size_t size);
/* Like realloc, but n * size is checked for overflow. */
void *kdf_reallocarray(void *p, size_t n, size_t size);
void kdf_free(void *p);
/* Copy len bytes and add a NUL; NULL on failure.  s may hold NULs. */
char *kdf_memdup_str(const void *s, size_t len);

#endif /* KDF_ALLOC_H */
