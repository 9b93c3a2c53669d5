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

/* Sort in place without allocating (qsort() may copy the array: glibc's
 * merge sort does, which doubles the peak memory of a large one), in
 * O(n log n) on any input.  Not stable: before(a, b) must be a total
 * order (break ties, by arrival order say) for a result that does not
 * depend on the algorithm. */
void kdr_sort_in_place(void *v, size_t n, size_t size,
		       int (*before)(const void *a, const void *b));

#endif /* KDR_GROW_H */
