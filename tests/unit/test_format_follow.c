// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_follow.c - a reader following a capture being written
 * (kdf_reader_follow): cut the standard capture at any byte after its META
 * chunk, read what is there, append the rest, read on.  The two reads
 * together give exactly the items of the whole file, a chunk cut in two is
 * read once it is whole (never reported as damage or truncation), and
 * nothing already read is read again; the same with the EVENTS chunks
 * read ahead on the reader's second thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "helpers/kdf_test_capture.h"
#include "kdelay_format.h"
#include "kdf_testing.h"

#define MAX_CHUNKS 16

struct seen {
	size_t items, events, warnings;
};

static void count_warning(void *ctx, uint64_t off, const char *msg)
{
	struct seen *s = ctx;

	(void)off;
	(void)msg;
	s->warnings++;
}

/* Items until the reader says "nothing more (yet)". */
static void read_available(struct kdf_reader *r, struct seen *s)
{
	struct kdf_item it;
	int rc;

	while ((rc = kdf_reader_next(r, &it)) > 0) {
		s->items++;
		if (it.type == KDF_ITEM_EVENTS)
			s->events += it.u.events.n;
	}
	assert_int_equal(rc, 0);
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

static void check_every_cut(int uncompressed, int read_ahead)
{
	size_t len, nev, whole_items;
	uint8_t *full = kdf_test_capture_build(uncompressed, &len);
	uint64_t offs[MAX_CHUNKS + 1];
	size_t nchunks = kdf_test_chunk_offsets(full, len, offs, MAX_CHUNKS);
	struct kdf_test_result all;

	kdf_test_events(&nev);
	kdf_test_read_all(full, len, &all);
	whole_items = all.items;
	kdf_test_result_free(&all);
	assert_true(nchunks > 2);

	/* From the end of META (the reader opens no earlier) to the end. */
	for (size_t cut = (size_t)offs[1]; cut <= len; cut++) {
		char path[] = "/tmp/kdf-follow-XXXXXX";
		int fd = mkstemp(path), err = 0;
		struct seen s = { 0 };
		struct kdf_read_stats st;
		struct kdf_reader *r;
		uint64_t before;

		assert_true(fd >= 0);
		write_all(fd, full, cut);
		r = kdf_reader_open(path, count_warning, &s, &err, NULL, 0);
		assert_non_null(r);
		kdf_reader_follow(r);
		if (read_ahead)
			kdf_reader_read_ahead(r);
		read_available(r, &s);
		/* again with nothing appended: nothing read twice */
		before = s.items;
		read_available(r, &s);
		assert_int_equal(s.items, before);
		assert_int_equal(s.warnings, 0);

		write_all(fd, full + cut, len - cut);
		read_available(r, &s);
		kdf_reader_stats(r, &st);
		assert_int_equal(s.items, whole_items);
		assert_int_equal(s.events, nev);
		assert_int_equal(s.warnings, 0);
		assert_int_equal(st.truncated, 0);
		assert_int_equal(st.chunks_bad, 0);
		assert_int_equal(st.has_summary, 1);
		kdf_reader_close(r);
		close(fd);
		unlink(path);
	}
	free(full);
}

static void test_follow_compressed(void **state)
{
	(void)state;
	check_every_cut(0, 0);
}

static void test_follow_uncompressed(void **state)
{
	(void)state;
	check_every_cut(1, 0);
}

/* A chunk the thread finds cut is left to the reader, and claimed again
 * once whole. */
static void test_follow_read_ahead(void **state)
{
	(void)state;
	kdf_set_prefetch_min_bytes(0);
	check_every_cut(0, 1);
	check_every_cut(1, 1);
}

/* Once the SUMMARY was read the capture is finished: a chunk cut after it
 * is truncation again, said as without follow. */
static void test_after_summary_is_final(void **state)
{
	size_t len;
	uint8_t *full = kdf_test_capture_build(1, &len);
	char path[] = "/tmp/kdf-follow-XXXXXX";
	int fd = mkstemp(path), err = 0;
	struct seen s = { 0 };
	struct kdf_read_stats st;
	struct kdf_reader *r;

	(void)state;
	assert_true(fd >= 0);
	write_all(fd, full, len);
	write_all(fd, full + len - 8, 8); /* 8 stray bytes after the end */
	r = kdf_reader_open(path, count_warning, &s, &err, NULL, 0);
	assert_non_null(r);
	kdf_reader_follow(r);
	read_available(r, &s);
	kdf_reader_stats(r, &st);
	assert_int_equal(st.has_summary, 1);
	assert_int_equal(st.truncated, 1);
	assert_int_equal(s.warnings, 1);
	kdf_reader_close(r);
	close(fd);
	unlink(path);
	free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_compressed),
		cmocka_unit_test(test_follow_uncompressed),
		cmocka_unit_test(test_follow_read_ahead),
		cmocka_unit_test(test_after_summary_is_final),
	};

	return cmocka_run_group_tests_name("format_follow", tests, NULL, NULL);
}
