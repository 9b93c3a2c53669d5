// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_truncation.c - a capture cut at any byte (a killed recorder,
 * a full disk, a partial copy) gives back exactly its complete chunks and
 * a warning saying where it was cut; it never crashes.
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

#define MAX_CHUNKS 16

/* Items each chunk of the standard capture yields, in file order:
 * META, STRINGS, STACKS, THREAD, EVENTS, SEQUENCE, SYMBOLS, WINDOW, SUMMARY. */
static const size_t items_per_chunk[] = { 0, 0, 0, 3, 1, 0, 1, 1, 1 };
static const char *const chunk_names[] = { "META", "STRINGS", "STACKS", "THREAD",
					   "EVENTS", "SEQUENCE", "SYMBOLS", "WINDOW", "SUMMARY" };

static void check_every_cut(int uncompressed)
{
	size_t len, nev;
	uint8_t *full = kdf_test_capture_build(uncompressed, &len);
	const struct kdf_event *events = kdf_test_events(&nev);
	uint64_t offs[MAX_CHUNKS + 1];
	size_t nchunks = kdf_test_chunk_offsets(full, len, offs, MAX_CHUNKS);

	assert_int_equal(nchunks, 9);
	offs[nchunks] = len;

	for (size_t cut = 0; cut <= len; cut++) {
		/* A fresh copy of exactly cut bytes, so ASan sees any overread. */
		uint8_t *buf = malloc(cut ? cut : 1);
		struct kdf_test_result res;
		size_t complete = 0, want_items = 0;
		char needle[128];

		memcpy(buf, full, cut);
		while (complete < nchunks && offs[complete + 1] <= cut)
			complete++;
		kdf_test_read_all(buf, cut, &res);

		if (cut == 0) {
			assert_int_equal(res.open_err, KDF_E_NOT_CAPTURE);
			assert_string_equal(res.open_msg, "not a kdelay capture (empty file)");
		} else if (cut < 16) {
			assert_int_equal(res.open_err, KDF_E_CORRUPT);
			snprintf(needle, sizeof(needle),
				 "capture truncated at offset %zu inside the file header", cut);
			assert_string_equal(res.open_msg, needle);
		} else if (complete == 0) {
			assert_int_equal(res.open_err, KDF_E_CORRUPT);
			assert_string_equal(res.open_msg,
					    "capture truncated inside its META chunk (offset 16)");
		} else {
			assert_int_equal(res.open_err, KDF_OK);
			assert_int_equal(res.next_err, 0);
			for (size_t c = 0; c < complete; c++)
				want_items += items_per_chunk[c];
			assert_int_equal(res.items, want_items);
			assert_int_equal(res.stats.chunks, complete);
			assert_int_equal(res.stats.chunks_bad, 0);
			if (complete > 4) {
				assert_int_equal(res.nevents, nev);
				for (size_t i = 0; i < nev; i++)
					assert_memory_equal(&res.events[i], &events[i],
							    sizeof(events[i]));
			} else {
				assert_int_equal(res.nevents, 0);
			}
			assert_int_equal(res.has_summary, complete == nchunks);
			if (cut == len) {
				assert_int_equal(res.nwarnings, 0);
			} else if (cut == offs[complete]) {
				/* Cut between chunks: only the missing summary shows. */
				assert_false(res.stats.truncated);
				assert_int_equal(res.nwarnings, 1);
				assert_true(kdf_test_find_warning(&res, "no summary chunk") >= 0);
			} else {
				assert_true(res.stats.truncated);
				assert_int_equal(res.nwarnings, 1);
				if (cut - offs[complete] < 28)
					snprintf(needle, sizeof(needle),
						 "file truncated at offset %zu inside a chunk header; "
						 "the rest of the capture is lost", cut);
				else
					snprintf(needle, sizeof(needle),
						 "file truncated at offset %zu inside a %s chunk of "
						 "%llu bytes; the rest of the capture is lost",
						 cut, chunk_names[complete],
						 (unsigned long long)(offs[complete + 1] -
								      offs[complete]));
				assert_string_equal(res.warnings[0], needle);
				assert_int_equal(res.warning_offsets[0], offs[complete]);
			}
		}
		kdf_test_result_free(&res);
		free(buf);
	}
	free(full);
}

static void test_every_cut_compressed(void **state)
{
	(void)state;
	check_every_cut(0);
}

static void test_every_cut_uncompressed(void **state)
{
	(void)state;
	check_every_cut(1);
}

/* Many EVENTS chunks: a cut anywhere keeps exactly the whole chunks' events. */
static void test_cut_multi_chunk_file(void **state)
{
	enum { N = 200000 };
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	uint64_t offs[64];
	size_t len, nchunks;
	uint8_t *full;

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		struct kdf_event ev = { .ts = 1000 + 400ull * i, .tid = 7 + i % 3,
					.type = i % 2 ? KDF_EV_SYS_EXIT : KDF_EV_SYS_ENTER,
					.u.sys = { .nr = i % 300, .ret = (int32_t)i } };

		assert_int_equal(kdf_writer_event(w, &ev), KDF_OK);
	}
	full = kdf_test_writer_finish(w, sink, NULL, &len);
	nchunks = kdf_test_chunk_offsets(full, len, offs, 63);
	assert_true(nchunks > 4 && nchunks < 63);
	offs[nchunks] = len;

	/* Events per chunk, from reading the whole file: META, then EVENTS
	 * and SEQUENCE in turn, then SUMMARY. */
	struct kdf_reader *r = kdf_reader_open_mem(full, len, NULL, NULL, NULL, NULL, 0);
	struct kdf_item item;
	size_t per_chunk[64] = { 0 }, per_item[64], nitems = 0, c, k = 0;

	assert_non_null(r);
	while (kdf_reader_next(r, &item) > 0)
		if (item.type == KDF_ITEM_EVENTS)
			per_item[nitems++] = item.u.events.n;
	kdf_reader_close(r);
	for (c = 1; c < nchunks; c++)
		if (full[offs[c] + 4] == 2 /* EVENTS */)
			per_chunk[c] = per_item[k++];
	assert_int_equal(k, nitems);
	assert_int_equal(nitems * 2 + 2, nchunks);
	for (c = 1; c < nchunks; c++) {
		/* at the boundary, one byte into the header, in the payload */
		size_t cuts[] = { offs[c], offs[c] + 1, (offs[c] + offs[c + 1]) / 2 };

		for (size_t k = 0; k < 3; k++) {
			struct kdf_test_result res;
			uint8_t *buf = malloc(cuts[k]);
			size_t want = 0;

			memcpy(buf, full, cuts[k]);
			assert_int_equal(kdf_test_read_all(buf, cuts[k], &res), KDF_OK);
			/* chunks 1..c-1 are whole */
			for (size_t e = 1; e < c; e++)
				want += per_chunk[e];
			assert_int_equal(res.nevents, want);
			for (size_t i = 0; i < res.nevents; i++)
				assert_int_equal(res.events[i].ts, 1000 + 400ull * i);
			assert_int_equal(res.stats.truncated, k != 0);
			kdf_test_result_free(&res);
			free(buf);
		}
	}
	free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_cut_compressed),
		cmocka_unit_test(test_every_cut_uncompressed),
		cmocka_unit_test(test_cut_multi_chunk_file),
	};

	return cmocka_run_group_tests_name("format_truncation", tests, NULL, NULL);
}
