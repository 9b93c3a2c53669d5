// SPDX-License-Identifier: BSD-2-Clause
/* grow.c - see grow.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

int kdr_grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > SIZE_MAX / size)
		return -1;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

void kdr_sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(v, n, size, cmp);
}

static void swap(char *a, char *b, size_t size)
{
	char tmp[64];

	for (size_t off = 0, k; off < size; off += k) {
		k = size - off < sizeof(tmp) ? size - off : sizeof(tmp);
		memcpy(tmp, a + off, k);
		memcpy(a + off, b + off, k);
		memcpy(b + off, tmp, k);
	}
}

static void sift_down(char *v, size_t i, size_t n, size_t size,
		      int (*before)(const void *, const void *))
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && before(v + m * size, v + l * size))
			m = l;
		if (l + 1 < n && before(v + m * size, v + (l + 1) * size))
			m = l + 1;
		if (m == i)
			return;
		swap(v + i * size, v + m * size, size);
		i = m;
	}
}

/* Heapsort. */
void kdr_sort_in_place(void *v, size_t n, size_t size,
		       int (*before)(const void *a, const void *b))
{
	char *p = v;
	size_t i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(p, i, n, size, before);
	for (i = n; i-- > 1;) {
		swap(p, p + i * size, size);
		sift_down(p, 0, i, size, before);
	}
}
