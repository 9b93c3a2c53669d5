// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_budget.c - tiny crafted captures (helpers/kdf_hostile.h)
 * that declare hundreds of MB: the reader refuses the first chunk past its
 * budget with one warning naming the chunk's kind and offset, stops there,
 * and never holds more than 64 MiB (counted two ways: every allocation of
 * the library through its allocator hook, and the process's peak RSS
 * where no sanitizer inflates it).  A real capture of the same kinds of
 * chunks reads whole.
 */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "helpers/kdf_hostile.h"
#include "helpers/kdf_test_capture.h"
#include "kdelay_format.h"
#include "kdf_testing.h"
#include "reader_internal.h"

#define LIMIT_BYTES (64ull << 20)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static size_t live, peak;

static void note(size_t add, size_t sub)
{
	live = live + add - sub;
	if (live > peak)
		peak = live;
}

static void *counting_malloc(size_t n)
{
	void *p = malloc(n);

	if (p)
		note(malloc_usable_size(p), 0);
	return p;
}

static void *counting_realloc(void *old, size_t n)
{
	size_t before = old ? malloc_usable_size(old) : 0;
	void *p = realloc(old, n);

	if (p)
		note(malloc_usable_size(p), before);
	return p;
}

static void counting_free(void *p)
{
	if (p)
		note(0, malloc_usable_size(p));
	free(p);
}

static void read_hostile(enum kdf_hostile k)
{
	uint64_t offs[4096];
	struct kdf_test_result res;
	struct rusage ru;
	size_t len, noffs, i;
	uint8_t *buf = kdf_hostile_build(k, &len);
	char want[64];
	int w;

	noffs = kdf_test_chunk_offsets(buf, len, offs, sizeof(offs) / sizeof(offs[0]));
	live = peak = 0;
	kdf_set_allocator(counting_malloc, counting_realloc, counting_free);
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	kdf_set_allocator(NULL, NULL, NULL);

	assert_true(len < 1u << 20);
	w = kdf_test_find_warning(&res, "the rest of the capture is not read");
	assert_true(w >= 0);
	/* "STACKS chunk at offset N would take ...", N that chunk's offset */
	snprintf(want, sizeof(want), "%s chunk at offset %llu would take ", kdf_hostile_chunk(k),
		 (unsigned long long)res.warning_offsets[w]);
	assert_ptr_equal(strstr(res.warnings[w], want), res.warnings[w]);
	for (i = 0; i < noffs && offs[i] != res.warning_offsets[w]; i++)
		;
	assert_true(i < noffs);
	/* It is the last warning: reading stopped there. */
	assert_int_equal((size_t)w, res.nwarnings - 1);
	assert_true(res.stats.chunks_bad >= 1);
	assert_true(peak < LIMIT_BYTES);
#ifndef UNDER_ASAN
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	assert_true((uint64_t)ru.ru_maxrss * 1024 < LIMIT_BYTES);
#else
	(void)ru;
#endif
	kdf_test_result_free(&res);
	free(buf);
}

static void test_stacks(void **state)
{
	(void)state;
	read_hostile(KDF_HOSTILE_STACKS);
}

static void test_strings(void **state)
{
	(void)state;
	read_hostile(KDF_HOSTILE_STRINGS);
}

static void test_id_gaps(void **state)
{
	(void)state;
	read_hostile(KDF_HOSTILE_GAPS);
}

static void test_threads(void **state)
{
	(void)state;
	read_hostile(KDF_HOSTILE_THREADS);
}

static void test_symbols(void **state)
{
	(void)state;
	read_hostile(KDF_HOSTILE_SYMBOLS);
}

static void test_decompression(void **state)
{
	(void)state;
	read_hostile(KDF_HOSTILE_ZSTD);
}

/*
 * The limits as functions of the capture's size: kept memory has a hard
 * cap; the decompressed total grows with the file, so that a long real
 * recording (140M events decompress to more than 1 GiB from ~600 MB)
 * reads whole.
 */
static void test_limits(void **state)
{
	const uint64_t mib = 1ull << 20, file = 600 * mib;

	(void)state;
	assert_int_equal(kdf_budget_kept_limit(0), 16 * mib);
	assert_int_equal(kdf_budget_kept_limit(mib), 24 * mib);
	assert_int_equal(kdf_budget_kept_limit(file), 1024 * mib);
	assert_int_equal(kdf_budget_kept_limit(UINT64_MAX), 1024 * mib);
	assert_int_equal(kdf_budget_decode_limit(0), 32 * mib);
	assert_int_equal(kdf_budget_decode_limit(file), 32 * mib + 64 * file);
	assert_int_equal(kdf_budget_decode_limit(UINT64_MAX), UINT64_MAX);
}

/* The standard capture (every chunk type) is far inside the budget. */
static void test_real_capture_reads_whole(void **state)
{
	struct kdf_test_result res;
	size_t len;
	uint8_t *buf = kdf_test_capture_build(0, &len);

	(void)state;
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_int_equal(res.nwarnings, 0);
	assert_int_equal(res.stats.chunks_bad, 0);
	assert_true(res.has_summary);
	kdf_test_result_free(&res);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_id_gaps),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_decompression),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_real_capture_reads_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
