/* SPDX-License-Identifier: BSD-2-Clause */
/* grow.h - growing arrays: room for one more element, and sorting one
 * that may still be empty (never allocated: qsort must not see NULL). */
#ifndef KDR_GROW_H
#define KDR_GROW_H

#include <stddef.h>

/* When *v (of *cap elements of size bytes) holds n, double it (64 at
 * first).  0, or -1 when out of memory (*v is then unchanged). */
int kdr_grow(void **v, size_t *cap, size_t n, size_t size);

/* qsort(v, n, size, cmp), v NULL when n is 0. */
void kdr_sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif /* KDR_GROW_H */
