// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_alloc.c - every allocation libkdformat makes can fail: the
 * writer and the reader then return KDF_E_NOMEM (or the documented 0 id)
 * and free everything they took.  Leaks are caught twice: by a counting
 * allocator here, and by LeakSanitizer in the ASan build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers/kdf_test_capture.h"
#include "kdelay_format.h"
#include "kdf_testing.h"

static long live_blocks;

static void *counting_malloc(size_t n)
{
	void *p = malloc(n);

	if (p)
		live_blocks++;
	return p;
}

static void *counting_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q && !p)
		live_blocks++;
	return q;
}

static void counting_free(void *p)
{
	if (p)
		live_blocks--;
	free(p);
}

static int setup(void **state)
{
	(void)state;
	live_blocks = 0;
	kdf_set_allocator(counting_malloc, counting_realloc, counting_free);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kdf_fail_alloc_after(0);
	kdf_set_allocator(NULL, NULL, NULL);
	return 0;
}

/* Write the standard capture's content; any step may fail cleanly. */
static int write_capture(void)
{
	size_t nev, nth, nsym;
	const struct kdf_event *ev = kdf_test_events(&nev);
	const struct kdf_thread *th = kdf_test_threads(&nth);
	const struct kdf_symbol *sym = kdf_test_symbols(&nsym);
	struct kdf_test_sink *sink;
	struct kdf_writer *w;
	int err = 0;
	size_t len;

	w = kdf_test_writer_open_err(NULL, 0, &sink, &err);
	if (!w)
		return err;
	if (!kdf_writer_intern(w, "eth0-irq", 8) || !kdf_writer_stack(w, (uint64_t[]){ 1, 2 }, 2))
		err = KDF_E_NOMEM;
	for (size_t i = 0; !err && i < nth; i++)
		err = kdf_writer_thread(w, &th[i]);
	for (size_t i = 0; !err && i < nev; i++)
		err = kdf_writer_event(w, &ev[i]);
	if (!err)
		err = kdf_writer_symbols(w, sym, nsym);
	if (!err)
		err = kdf_writer_window(w, kdf_test_window());
	if (err) {
		free(kdf_test_writer_abort(w, sink, &len));
		return err;
	}
	err = kdf_writer_close(w, kdf_test_summary());
	/* The writer is gone; kdf_writer_abort(NULL) is a no-op, so this
	 * only drops the sink. */
	free(kdf_test_writer_abort(NULL, sink, &len));
	return err;
}

static void test_writer_allocation_failures(void **state)
{
	unsigned long n, points = 0;

	(void)state;
	for (n = 1;; n++) {
		int err;

		kdf_fail_alloc_after(n);
		err = write_capture();
		points = kdf_fail_alloc_after(0);
		if (err == KDF_OK)
			break;
		assert_int_equal(err, KDF_E_NOMEM);
		assert_int_equal(live_blocks, 0);
	}
	/* n - 1 allocation points were each made to fail once. */
	assert_true(n > 5);
	assert_true(points > 5); /* allocations of the successful run */
	assert_int_equal(live_blocks, 0);
}

/* Read a capture with the n-th allocation failing. */
static int read_capture(const uint8_t *buf, size_t len, size_t *items)
{
	struct kdf_reader *r;
	struct kdf_item item;
	int err, rc;

	*items = 0;
	r = kdf_reader_open_mem(buf, len, NULL, NULL, &err, NULL, 0);
	if (!r)
		return err;
	while ((rc = kdf_reader_next(r, &item)) > 0)
		(*items)++;
	if (rc < 0)
		assert_int_equal(kdf_reader_next(r, &item), rc); /* stays failed */
	kdf_reader_close(r);
	return rc;
}

static void test_reader_allocation_failures(void **state)
{
	size_t len, items;
	uint8_t *buf;
	unsigned long n;

	(void)state;
	kdf_set_allocator(NULL, NULL, NULL);
	buf = kdf_test_capture_build(0, &len);
	kdf_set_allocator(counting_malloc, counting_realloc, counting_free);
	for (n = 1;; n++) {
		int err;

		kdf_fail_alloc_after(n);
		err = read_capture(buf, len, &items);
		kdf_fail_alloc_after(0);
		assert_int_equal(live_blocks, 0);
		if (err == KDF_OK)
			break;
		assert_int_equal(err, KDF_E_NOMEM);
	}
	assert_true(n > 5);
	assert_int_equal(items, 7);
	free(buf);
}

/* Allocation failures inside a big table decode roll the table back. */
static void test_reader_table_rollback(void **state)
{
	struct kdf_test_sink *sink;
	struct kdf_writer *w;
	size_t len, items;
	uint8_t *buf;
	unsigned long n;

	(void)state;
	kdf_set_allocator(NULL, NULL, NULL);
	w = kdf_test_writer_open(NULL, &sink);
	for (int i = 0; i < 100; i++) {
		char s[16];

		snprintf(s, sizeof(s), "s%d", i);
		kdf_writer_intern(w, s, strlen(s));
		kdf_writer_stack(w, (uint64_t[]){ (uint64_t)i, 5 }, 2);
	}
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	kdf_set_allocator(counting_malloc, counting_realloc, counting_free);
	for (n = 1; n < 1000; n++) {
		int err;

		kdf_fail_alloc_after(n);
		err = read_capture(buf, len, &items);
		kdf_fail_alloc_after(0);
		assert_int_equal(live_blocks, 0);
		if (err == KDF_OK)
			break;
		assert_int_equal(err, KDF_E_NOMEM);
	}
	assert_true(n > 100 && n < 1000);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writer_allocation_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_allocation_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_table_rollback, setup, teardown),
	};

	return cmocka_run_group_tests_name("format_alloc", tests, NULL, NULL);
}
