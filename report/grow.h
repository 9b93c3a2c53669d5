/* SPDX-License-Identifier: BSD-2-Clause */
/* grow.h - room for one more element in a growing array. */
#ifndef KDR_GROW_H
#define KDR_GROW_H

#include <stddef.h>

/* When *v (of *cap elements of size bytes) holds n, double it (64 at
 * first).  0, or -1 when out of memory (*v is then unchanged). */
int kdr_grow(void **v, size_t *cap, size_t n, size_t size);

#endif /* KDR_GROW_H */
