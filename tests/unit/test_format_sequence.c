// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_sequence.c - damage no CRC can see: an EVENTS chunk removed
 * or repeated whole (with or without its SEQUENCE chunk), the last one
 * removed (only the SUMMARY's counts tell), two captures joined.  Each
 * must give one warning saying what happened and count as damaged
 * (chunks_bad); an untouched capture, and a 1.0 capture without SEQUENCE
 * chunks, read without a warning.
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

enum { BATCHES = 4, PER_BATCH = 10, MAX_CHUNKS = 16 };

struct capture {
	uint8_t *buf;
	size_t len;
	uint64_t offs[MAX_CHUNKS + 1];
	size_t n;
};

/* META, then EVENTS and SEQUENCE per batch, then SUMMARY. */
static void build(struct capture *c)
{
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);

	for (uint32_t b = 0; b < BATCHES; b++) {
		for (uint32_t i = 0; i < PER_BATCH; i++) {
			struct kdf_event ev = { .ts = 1000 + 100ull * (b * PER_BATCH + i), .tid = 7,
						.type = i % 2 ? KDF_EV_SYS_EXIT : KDF_EV_SYS_ENTER,
						.u.sys = { .nr = 110 } };

			assert_int_equal(kdf_writer_event(w, &ev), KDF_OK);
		}
		assert_int_equal(kdf_writer_flush(w), KDF_OK);
	}
	c->buf = kdf_test_writer_finish(w, sink, NULL, &c->len);
	c->n = kdf_test_chunk_offsets(c->buf, c->len, c->offs, MAX_CHUNKS);
	assert_int_equal(c->n, 1 + 2 * BATCHES + 1);
	c->offs[c->n] = c->len;
}

static int chunk_type(const struct capture *c, size_t k)
{
	return c->buf[c->offs[k] + 4];
}

/* The file header, then the chunks listed (indices; -1 ends). */
static uint8_t *assemble(const struct capture *c, const int *chunks, size_t *len)
{
	uint8_t *out = malloc(2 * c->len);
	size_t at = 16;

	assert_non_null(out);
	memcpy(out, c->buf, 16);
	for (; *chunks >= 0; chunks++) {
		size_t n = c->offs[*chunks + 1] - c->offs[*chunks];

		memcpy(out + at, c->buf + c->offs[*chunks], n);
		at += n;
	}
	*len = at;
	return out;
}

/* Read chunks; expect nevents events, and exactly one warning holding
 * needle (none when needle is NULL). */
static void expect(const struct capture *c, const int *chunks, size_t nevents, const char *needle)
{
	struct kdf_test_result res;
	size_t len;
	uint8_t *buf = assemble(c, chunks, &len);

	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_int_equal(res.next_err, 0);
	assert_int_equal(res.nevents, nevents);
	if (!needle) {
		assert_int_equal(res.nwarnings, 0);
		assert_int_equal(res.stats.chunks_bad, 0);
	} else {
		if (res.nwarnings != 1 || !strstr(res.warnings[0], needle))
			fail_msg("want one warning with '%s', got %zu: %s", needle, res.nwarnings,
				 res.nwarnings ? res.warnings[0] : "");
		assert_int_equal(res.stats.chunks_bad, 1);
	}
	kdf_test_result_free(&res);
	free(buf);
}

static void test_layout_and_whole(void **state)
{
	struct capture c;
	static const int all[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1 };

	(void)state;
	build(&c);
	for (size_t k = 1; k < 1 + 2 * BATCHES; k += 2) {
		assert_int_equal(chunk_type(&c, k), 2);	    /* EVENTS */
		assert_int_equal(chunk_type(&c, k + 1), 9); /* SEQUENCE */
	}
	assert_int_equal(chunk_type(&c, c.n - 1), 8); /* SUMMARY */
	expect(&c, all, BATCHES * PER_BATCH, NULL);
	free(c.buf);
}

static void test_removed(void **state)
{
	struct capture c;
	static const int events_only[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, -1 };
	static const int with_sequence[] = { 0, 1, 2, 5, 6, 7, 8, 9, -1 };
	static const int last[] = { 0, 1, 2, 3, 4, 5, 6, 9, -1 };
	static const int first[] = { 0, 3, 4, 5, 6, 7, 8, 9, -1 };

	(void)state;
	build(&c);
	expect(&c, events_only, 3 * PER_BATCH, "EVENTS chunks out of sequence");
	expect(&c, with_sequence, 3 * PER_BATCH, "EVENTS chunks out of sequence");
	expect(&c, first, 3 * PER_BATCH, "EVENTS chunks out of sequence");
	/* No SEQUENCE after it: the SUMMARY's counts tell. */
	expect(&c, last, 3 * PER_BATCH, "the summary at offset");
	free(c.buf);
}

static void test_repeated(void **state)
{
	struct capture c;
	static const int with_sequence[] = { 0, 1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 9, -1 };
	static const int events_only[] = { 0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, -1 };
	static const int last[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 7, 9, -1 };

	(void)state;
	build(&c);
	expect(&c, with_sequence, 5 * PER_BATCH, "EVENTS chunks out of sequence");
	expect(&c, events_only, 5 * PER_BATCH, "EVENTS chunks out of sequence");
	expect(&c, last, 5 * PER_BATCH, "EVENTS chunks after the last SEQUENCE");
	free(c.buf);
}

static void test_joined(void **state)
{
	struct capture c;
	struct kdf_test_result res;
	uint8_t *two;

	(void)state;
	build(&c);
	two = malloc(2 * c.len);
	assert_non_null(two);
	memcpy(two, c.buf, c.len);
	memcpy(two + c.len, c.buf, c.len);
	/* cat a b: the second file header is found. */
	assert_int_equal(kdf_test_read_all(two, 2 * c.len, &res), KDF_OK);
	assert_int_equal(res.nevents, BATCHES * PER_BATCH);
	assert_int_equal(res.nwarnings, 1);
	assert_non_null(strstr(res.warnings[0], "a file header at offset"));
	assert_non_null(strstr(res.warnings[0], "another capture starts there"));
	assert_int_equal(res.warning_offsets[0], c.len);
	assert_int_equal(res.stats.chunks_bad, 1);
	kdf_test_result_free(&res);
	/* Without its file header: the second META chunk is found. */
	memmove(two + c.len, two + c.len + 16, c.len - 16);
	assert_int_equal(kdf_test_read_all(two, 2 * c.len - 16, &res), KDF_OK);
	assert_int_equal(res.nevents, BATCHES * PER_BATCH);
	assert_int_equal(res.nwarnings, 1);
	assert_non_null(strstr(res.warnings[0], "a second META chunk at offset"));
	assert_int_equal(res.stats.chunks_bad, 1);
	kdf_test_result_free(&res);
	free(two);
	free(c.buf);
}

/* A capture as format 1.0 wrote it (no SEQUENCE chunks): read without a
 * warning; a removed EVENTS chunk is still seen by the SUMMARY's counts. */
static void test_without_sequence(void **state)
{
	struct capture c;
	static const int v10[] = { 0, 1, 3, 5, 7, 9, -1 };
	static const int v10_removed[] = { 0, 1, 3, 7, 9, -1 };

	(void)state;
	build(&c);
	c.buf[10] = 0; /* minor 0 */
	expect(&c, v10, BATCHES * PER_BATCH, NULL);
	expect(&c, v10_removed, 3 * PER_BATCH, "the summary at offset");
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_and_whole),
		cmocka_unit_test(test_removed),
		cmocka_unit_test(test_repeated),
		cmocka_unit_test(test_joined),
		cmocka_unit_test(test_without_sequence),
	};

	return cmocka_run_group_tests_name("format_sequence", tests, NULL, NULL);
}
