/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kdf_test_capture.h - build and read small captures in memory, for unit
 * tests of any module (format, report, ...) and for the fuzz corpus.
 *
 * Writing: kdf_test_writer_open() gives a real struct kdf_writer whose
 * file lives in an anonymous temporary file; call kdf_writer_* on it as
 * the recorder would, then kdf_test_writer_finish() to close it and get
 * the file's bytes back:
 *
 *	struct kdf_test_sink *sink;
 *	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
 *	kdf_writer_event(w, &ev);
 *	size_t len;
 *	uint8_t *buf = kdf_test_writer_finish(w, sink, NULL, &len);
 *	... kdf_reader_open_mem(buf, len, ...) ...
 *	free(buf);
 *
 * The standard capture: kdf_test_capture_build() writes a fixed, known
 * content (every chunk type, every event type, extreme values), which the
 * kdf_test_*() getters below describe, so tests can assert exact values.
 *
 * Reading: kdf_test_read_all() reads a capture from memory into a
 * struct kdf_test_result (copies of everything plus the warnings).
 *
 * Everything returned is malloc()ed: free() buffers, and
 * kdf_test_result_free() results.  Helpers abort() on impossible
 * failures (no memory for the test itself), so tests stay short.
 */
#ifndef KDF_TEST_CAPTURE_H
#define KDF_TEST_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

struct kdf_test_sink;

/* A writer into a temporary file; meta NULL = kdf_test_meta().  NULL if
 * kdf_writer_fdopen() failed (then *err says why, and no sink is left). */
struct kdf_writer *kdf_test_writer_open_err(const struct kdf_meta *meta, int zstd_level,
					    struct kdf_test_sink **sink, int *err);
struct kdf_writer *kdf_test_writer_open(const struct kdf_meta *meta, struct kdf_test_sink **sink);
/* kdf_writer_close(w, sum) (sum NULL = the writer's own counts), then the
 * file's bytes.  Frees the sink. */
uint8_t *kdf_test_writer_finish(struct kdf_writer *w, struct kdf_test_sink *sink,
				const struct kdf_summary *sum, size_t *len);
/* kdf_writer_abort(w) (no SUMMARY, as a killed recorder), then the bytes. */
uint8_t *kdf_test_writer_abort(struct kdf_writer *w, struct kdf_test_sink *sink, size_t *len);

/* The standard capture's content. */
const struct kdf_meta *kdf_test_meta(void);
const struct kdf_event *kdf_test_events(size_t *n);
const struct kdf_thread *kdf_test_threads(size_t *n);
const struct kdf_symbol *kdf_test_symbols(size_t *n);
const struct kdf_window *kdf_test_window(void);
const struct kdf_summary *kdf_test_summary(void);
/* Interned by the builder, in this order, so their ids are 1, 2, ... */
const char *kdf_test_string(uint32_t id, size_t *len);
const uint64_t *kdf_test_stack(uint32_t id, uint32_t *n);

/*
 * The standard capture: META, STRINGS, STACKS, THREAD, EVENTS, SYMBOLS,
 * WINDOW, SUMMARY (8 chunks).  uncompressed: payloads stored raw.
 */
uint8_t *kdf_test_capture_build(int uncompressed, size_t *len);

/* Offsets of the chunks of a valid capture (trusting its headers); returns
 * how many, at most max stored. */
size_t kdf_test_chunk_offsets(const uint8_t *buf, size_t len, uint64_t *offs, size_t max);

#define KDF_TEST_MAX_WARNINGS 64

struct kdf_test_result {
	int open_err;		/* kdf_reader_open_mem()'s *err */
	char open_msg[256];
	int next_err;		/* last kdf_reader_next() result: 0 or < 0 */
	struct kdf_event *events;
	size_t nevents;
	struct kdf_thread *threads; /* names copied */
	size_t nthreads;
	size_t nsymbols;
	size_t nwindows;
	struct kdf_window window; /* the last one */
	int has_summary;
	struct kdf_summary summary;
	size_t items;		/* all items */
	size_t events_items;	/* EVENTS items */
	size_t bounds_wrong;	/* EVENTS items whose first_ts and last_ts are
				 * not their events' earliest and latest */
	struct kdf_read_stats stats;
	size_t nwarnings;
	char *warnings[KDF_TEST_MAX_WARNINGS];
	uint64_t warning_offsets[KDF_TEST_MAX_WARNINGS];
};

/* Open buf, read every item, close.  Returns res->open_err.  With
 * kdf_test_read_ahead set, the reader reads ahead on its second thread
 * (kdf_reader_read_ahead), whatever the capture's size. */
int kdf_test_read_all(const uint8_t *buf, size_t len, struct kdf_test_result *res);
extern int kdf_test_read_ahead;
void kdf_test_result_free(struct kdf_test_result *res);
/* Index of the first warning containing needle, or -1. */
int kdf_test_find_warning(const struct kdf_test_result *res, const char *needle);

#endif /* KDF_TEST_CAPTURE_H */
