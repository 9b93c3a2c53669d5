// SPDX-License-Identifier: BSD-2-Clause
/*
 * alloc.c - every allocation of libkdformat goes through here, so that
 * tests can replace the allocator and make the n-th allocation fail: each
 * error path is then exercised for leaks under ASan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "kdf_testing.h"

static void *(*malloc_hook)(size_t) = malloc;
static void *(*realloc_hook)(void *, size_t) = realloc;
static void (*free_hook)(void *) = free;

/* 0 = never fail; otherwise the allocation that brings it to 1 fails. */
static unsigned long fail_countdown;
static unsigned long alloc_count;

void kdf_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
		       void (*free_fn)(void *))
{
	malloc_hook = malloc_fn ? malloc_fn : malloc;
	realloc_hook = realloc_fn ? realloc_fn : realloc;
	free_hook = free_fn ? free_fn : free;
}

unsigned long kdf_fail_alloc_after(unsigned long n)
{
	unsigned long done = alloc_count;

	fail_countdown = n;
	alloc_count = 0;
	return done;
}

/* True when the armed countdown says this allocation must fail. */
static int should_fail(void)
{
	if (!fail_countdown)
		return 0;
	if (fail_countdown == 1)
		return 1; /* stays armed: every later allocation fails too */
	fail_countdown--;
	return 0;
}

void *kdf_malloc(size_t size)
{
	if (should_fail())
		return NULL;
	alloc_count++;
	return malloc_hook(size ? size : 1);
}

void *kdf_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = kdf_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *kdf_reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	if (should_fail())
		return NULL;
	alloc_count++;
	return realloc_hook(p, n && size ? n * size : 1);
}

void kdf_free(void *p)
{
	if (p)
		free_hook(p);
}

char *kdf_memdup_str(const void *s, size_t len)
{
	char *d;

	if (len == SIZE_MAX)
		return NULL;
	d = kdf_malloc(len + 1);
	if (!d)
		return NULL;
	if (len)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}
