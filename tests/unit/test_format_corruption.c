// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_corruption.c - damaged captures: a flipped bit costs the
 * chunk it is in (warned, skipped) and nothing else; chunks of unknown
 * types and newer minor versions are read around; inputs the fuzzer once
 * crashed on stay fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chunk.h"
#include "helpers/kdf_test_capture.h"
#include "kdelay_format.h"

static const size_t items_per_chunk[] = { 0, 0, 0, 3, 1, 0, 1, 1, 1 };

/* Flip every bit of every chunk after META, one at a time. */
static void check_bit_flips(int uncompressed)
{
	size_t len;
	uint8_t *full = kdf_test_capture_build(uncompressed, &len);
	uint8_t *buf = malloc(len);
	uint64_t offs[10];
	size_t nchunks = kdf_test_chunk_offsets(full, len, offs, 9);

	assert_int_equal(nchunks, 9);
	offs[9] = len;
	for (size_t c = 1; c < nchunks; c++) {
		for (uint64_t at = offs[c]; at < offs[c + 1]; at++) {
			for (int bit = 0; bit < 8; bit++) {
				struct kdf_test_result res;
				size_t want = 0;

				memcpy(buf, full, len);
				buf[at] ^= (uint8_t)(1u << bit);
				assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
				assert_int_equal(res.next_err, 0);
				for (size_t k = 0; k < nchunks; k++)
					if (k != c)
						want += items_per_chunk[k];
				assert_int_equal(res.items, want);
				assert_int_equal(res.stats.chunks_bad, 1);
				assert_int_equal(res.nevents, c == 4 ? 0 : 15);
				assert_true(res.nwarnings >= 1);
				if (at - offs[c] < KDF_CHUNK_HEADER_LEN)
					assert_true(kdf_test_find_warning(&res, "damaged chunk header") >= 0);
				else
					assert_true(kdf_test_find_warning(&res, "bad checksum") >= 0);
				kdf_test_result_free(&res);
			}
		}
	}
	free(buf);
	free(full);
}

static void test_bit_flips_compressed(void **state)
{
	(void)state;
	check_bit_flips(0);
}

static void test_bit_flips_uncompressed(void **state)
{
	(void)state;
	check_bit_flips(1);
}

/* A flipped bit in the file header or META chunk: a clean open error. */
/* The same with the EVENTS chunks read ahead on the reader's second
 * thread: it leaves every damaged chunk to the reader, which says the
 * same as when reading alone. */
static void test_bit_flips_read_ahead(void **state)
{
	(void)state;
	kdf_test_read_ahead = 1;
	check_bit_flips(0);
	check_bit_flips(1);
	kdf_test_read_ahead = 0;
}

static void test_bit_flips_header_and_meta(void **state)
{
	size_t len;
	uint8_t *full = kdf_test_capture_build(0, &len);
	uint8_t *buf = malloc(len);
	uint64_t offs[9];

	(void)state;
	kdf_test_chunk_offsets(full, len, offs, 8);
	for (uint64_t at = 0; at < offs[1]; at++) {
		for (int bit = 0; bit < 8; bit++) {
			struct kdf_test_result res;
			int err;

			memcpy(buf, full, len);
			buf[at] ^= (uint8_t)(1u << bit);
			err = kdf_test_read_all(buf, len, &res);
			if (at < 8)
				assert_int_equal(err, KDF_E_NOT_CAPTURE);
			else if (at < 10)
				assert_int_equal(err, KDF_E_VERSION);
			else if (at < 16) /* minor and reserved: still readable */
				assert_int_equal(err, KDF_OK);
			else
				assert_int_equal(err, KDF_E_CORRUPT);
			assert_true(strlen(res.open_msg) > 0 || err == KDF_OK);
			assert_null(strchr(res.open_msg, '\n'));
			kdf_test_result_free(&res);
		}
	}
	free(buf);
	free(full);
}

/* buf with extra inserted at offset at. */
static uint8_t *splice(const uint8_t *buf, size_t len, size_t at, const uint8_t *extra,
		       size_t extra_len, size_t *out_len)
{
	uint8_t *out = malloc(len + extra_len);

	memcpy(out, buf, at);
	memcpy(out + at, extra, extra_len);
	memcpy(out + at + extra_len, buf + at, len - at);
	*out_len = len + extra_len;
	return out;
}

/* A whole, checked chunk of any type and payload. */
static void make_chunk(struct kdf_buf *out, uint16_t type, uint32_t count, const void *raw,
		       size_t len)
{
	out->len = 0;
	assert_int_equal(kdf_chunk_pack(out, NULL, 0, type, count, raw, len), 0);
}

static void test_unknown_chunks_skipped(void **state)
{
	size_t len, len1, len2;
	uint8_t *full = kdf_test_capture_build(0, &len), *b1, *b2;
	struct kdf_buf chunk = { 0 };
	struct kdf_test_result res;
	uint64_t offs[9];

	(void)state;
	kdf_test_chunk_offsets(full, len, offs, 8);
	make_chunk(&chunk, 99, 1, "future", 6);
	b1 = splice(full, len, offs[4], chunk.p, chunk.len, &len1);
	make_chunk(&chunk, 0x7fff, 0, NULL, 0);
	b2 = splice(b1, len1, offs[1], chunk.p, chunk.len, &len2);
	assert_int_equal(kdf_test_read_all(b2, len2, &res), KDF_OK);
	assert_int_equal(res.nevents, 15);
	assert_true(res.has_summary);
	assert_int_equal(res.stats.chunks_unknown, 2);
	assert_int_equal(res.stats.chunks_bad, 0);
	assert_int_equal(res.nwarnings, 1); /* once, not per chunk */
	assert_true(kdf_test_find_warning(&res, "unknown type 0x7fff") >= 0 ||
		    kdf_test_find_warning(&res, "unknown type 32767") >= 0);
	kdf_test_result_free(&res);
	kdf_buf_free(&chunk);
	free(b1);
	free(b2);
	free(full);
}

static void test_newer_minor_is_read(void **state)
{
	size_t len;
	uint8_t *buf = kdf_test_capture_build(0, &len);
	struct kdf_reader *r;
	uint32_t major, minor;
	int err;

	(void)state;
	buf[10] = 7; /* minor 7 */
	r = kdf_reader_open_mem(buf, len, NULL, NULL, &err, NULL, 0);
	assert_non_null(r);
	kdf_reader_version(r, &major, &minor);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 7);
	kdf_reader_close(r);
	free(buf);
}

/* Append a varint to a raw payload being built by hand. */
static void put_varint(struct kdf_buf *b, uint64_t v)
{
	assert_int_equal(kdf_buf_varint(b, v), 0);
}

/*
 * An EVENTS chunk as a newer minor version could write it: a 16th event
 * type with one argument, and SYS_EXIT with a third argument.  The known
 * events come back, the unknown one is skipped and warned about once.
 */
static void test_newer_event_layout(void **state)
{
	static const uint8_t nargs[16] = { 0, 1, 3, 2, 3, 2, 2, 1, 1, 0, 4, 0, 2, 2, 2, 1 };
	struct kdf_buf cols[4] = { 0 }, raw = { 0 }, chunk = { 0 };
	uint8_t types[3] = { KDF_EV_SYS_ENTER, 15, KDF_EV_SYS_EXIT }, flags[3] = { 0, 0, 0 };
	uint8_t hdr[37];
	struct kdf_test_result res;
	size_t len, out_len;
	uint8_t *full = kdf_test_capture_build(0, &len), *buf;
	uint64_t offs[10];

	(void)state;
	for (int i = 0; i < 3; i++) {
		put_varint(&cols[0], 0);	/* tid index */
		put_varint(&cols[1], 1);	/* cpu */
		put_varint(&cols[2], i ? 200 : 0); /* zigzag(+100) */
	}
	put_varint(&cols[3], 110);			/* SYS_ENTER nr */
	put_varint(&cols[3], 5);			/* type 15's argument */
	put_varint(&cols[3], 110);			/* SYS_EXIT nr */
	put_varint(&cols[3], 8);			/* zigzag(4) */
	put_varint(&cols[3], 12345);			/* the extra argument */
	kdf_put_le64(hdr, 5000);
	kdf_put_le32(hdr + 8, 3);
	kdf_put_le32(hdr + 12, 1);
	kdf_put_le32(hdr + 16, 1);
	for (int k = 0; k < 4; k++)
		kdf_put_le32(hdr + 20 + 4 * k, (uint32_t)cols[k].len);
	hdr[36] = sizeof(nargs);
	kdf_buf_append(&raw, hdr, sizeof(hdr));
	kdf_buf_append(&raw, nargs, sizeof(nargs));
	put_varint(&raw, 77);				/* the tid table */
	kdf_buf_append(&raw, types, 3);
	kdf_buf_append(&raw, flags, 3);
	for (int k = 0; k < 4; k++)
		kdf_buf_append(&raw, cols[k].p, cols[k].len);
	make_chunk(&chunk, 2, 3, raw.p, raw.len);

	kdf_test_chunk_offsets(full, len, offs, 9);
	buf = splice(full, len, offs[6], chunk.p, chunk.len, &out_len);
	assert_int_equal(kdf_test_read_all(buf, out_len, &res), KDF_OK);
	assert_int_equal(res.nevents, 15 + 2);
	assert_int_equal(res.stats.chunks_bad, 0);
	const struct kdf_event *e = &res.events[15];

	assert_int_equal(e[0].type, KDF_EV_SYS_ENTER);
	assert_int_equal(e[0].ts, 5000);
	assert_int_equal(e[0].tid, 77);
	assert_int_equal(e[0].cpu, 1);
	assert_int_equal(e[0].u.sys.nr, 110);
	assert_int_equal(e[1].type, KDF_EV_SYS_EXIT);
	assert_int_equal(e[1].ts, 5200);
	assert_int_equal(e[1].u.sys.nr, 110);
	assert_int_equal(e[1].u.sys.ret, 4);
	assert_int_equal(res.nwarnings, 1);
	assert_true(kdf_test_find_warning(&res, "1 events of types") >= 0);
	kdf_test_result_free(&res);
	for (int k = 0; k < 4; k++)
		kdf_buf_free(&cols[k]);
	kdf_buf_free(&raw);
	kdf_buf_free(&chunk);
	free(buf);
	free(full);
}

/*
 * An EVENTS chunk as a 1.2 writer wrote it: CENSUS with two arguments
 * (state, syscall + 1), no since.  It decodes (no warning about its
 * layout), its since time 0, not known.
 */
static void test_census_1_2_layout(void **state)
{
	static const uint8_t nargs[15] = { 0, 1, 2, 2, 3, 2, 2, 1, 1, 0, 4, 0, 2, 2, 2 };
	struct kdf_buf cols[4] = { 0 }, raw = { 0 }, chunk = { 0 };
	uint8_t types[1] = { KDF_EV_CENSUS }, flags[1] = { KDF_CENSUS_END };
	uint8_t hdr[37];
	struct kdf_test_result res;
	size_t len, out_len;
	uint8_t *full = kdf_test_capture_build(0, &len), *buf;
	uint64_t offs[10];

	(void)state;
	put_varint(&cols[0], 0);   /* tid index */
	put_varint(&cols[1], 1);   /* cpu */
	put_varint(&cols[2], 0);   /* ts = base */
	put_varint(&cols[3], 'S'); /* state */
	put_varint(&cols[3], 8);   /* syscall 7, + 1 */
	kdf_put_le64(hdr, 5000);
	kdf_put_le32(hdr + 8, 1);
	kdf_put_le32(hdr + 12, 1);
	kdf_put_le32(hdr + 16, 1);
	for (int k = 0; k < 4; k++)
		kdf_put_le32(hdr + 20 + 4 * k, (uint32_t)cols[k].len);
	hdr[36] = sizeof(nargs);
	kdf_buf_append(&raw, hdr, sizeof(hdr));
	kdf_buf_append(&raw, nargs, sizeof(nargs));
	put_varint(&raw, 77); /* the tid table */
	kdf_buf_append(&raw, types, 1);
	kdf_buf_append(&raw, flags, 1);
	for (int k = 0; k < 4; k++)
		kdf_buf_append(&raw, cols[k].p, cols[k].len);
	make_chunk(&chunk, 2, 1, raw.p, raw.len);

	kdf_test_chunk_offsets(full, len, offs, 9);
	buf = splice(full, len, offs[6], chunk.p, chunk.len, &out_len);
	assert_int_equal(kdf_test_read_all(buf, out_len, &res), KDF_OK);
	assert_int_equal(res.nevents, 15 + 1);
	/* the one warning: the spliced chunk has no SEQUENCE of its own */
	assert_int_equal(res.nwarnings, 1);
	assert_true(kdf_test_find_warning(&res, "a chunk was added") >= 0);
	const struct kdf_event *e = &res.events[15];

	assert_int_equal(e->type, KDF_EV_CENSUS);
	assert_int_equal(e->ts, 5000);
	assert_int_equal(e->tid, 77);
	assert_int_equal(e->flags, KDF_CENSUS_END);
	assert_int_equal(e->u.census.state, 'S');
	assert_int_equal(e->u.census.nr, 7);
	assert_int_equal(e->u.census.since_ts, 0);
	kdf_test_result_free(&res);
	for (int k = 0; k < 4; k++)
		kdf_buf_free(&cols[k]);
	kdf_buf_free(&raw);
	kdf_buf_free(&chunk);
	free(buf);
	free(full);
}

/* Chunks whose checksums are right but whose contents are not. */
static void test_malformed_payloads(void **state)
{
	static const struct {
		uint16_t type;
		uint32_t count;
		const char *raw;
		size_t len;
	} bad[] = {
		{ 2, 1, "\0\0\0\0\0\0\0\0\1", 9 },			/* EVENTS, short */
		{ 3, 2, "\x01\x03" "abc", 5 },				/* STRINGS, count too big */
		{ 3, 1, "\x00\x01x", 3 },				/* STRINGS, id 0 */
		{ 3, 1, "\xff\xff\x0f\x01x", 5 },			/* STRINGS, id gap */
		{ 4, 1, "\x01\x80\x10", 3 },				/* STACKS, depth 2048 */
		{ 5, 1, "\x01\x02\x05" "ab", 5 },				/* THREAD, name cut */
		{ 6, 1, "\xa0", 1 },					/* SYMBOLS, not array */
		{ 6, 1, "\x81\x81\x00", 3 },				/* SYMBOLS, not map */
		{ 7, 1, "\xa1\x65index\x3a\x00\x00\x00\x01", 11 },	/* WINDOW, negative */
		{ 7, 1, "\xa1\x65index\xfb\0\0\0\0\0\0\0\0", 15 },	/* WINDOW, float */
		{ 7, 1, "\xa1\x65index\x9f\xff", 9 },			/* WINDOW, indefinite */
		{ 8, 1, "\xa1\x66" "events\x9b\xff\xff\xff\xff\xff\xff\xff\xff", 17 },
		{ 8, 1, "\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x00", 11 }, /* too deep */
		{ 8, 1, "\xa0\xa0", 2 },				/* two items */
	};
	size_t len;
	uint8_t *full = kdf_test_capture_build(0, &len);
	uint64_t offs[9];
	struct kdf_buf chunk = { 0 };

	(void)state;
	kdf_test_chunk_offsets(full, len, offs, 8);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kdf_test_result res;
		size_t out_len;
		uint8_t *buf;

		make_chunk(&chunk, bad[i].type, bad[i].count, bad[i].raw, bad[i].len);
		buf = splice(full, len, offs[5], chunk.p, chunk.len, &out_len);
		assert_int_equal(kdf_test_read_all(buf, out_len, &res), KDF_OK);
		assert_int_equal(res.next_err, 0);
		assert_int_equal(res.nevents, 15);
		assert_int_equal(res.nsymbols, 2);
		assert_int_equal(res.stats.chunks_bad, 1);
		assert_true(kdf_test_find_warning(&res, "is malformed; skipped") >= 0);
		kdf_test_result_free(&res);
		free(buf);
	}
	kdf_buf_free(&chunk);
	free(full);
}

/* Damaged header and nothing after it: the rest is reported lost. */
static void test_damaged_last_header(void **state)
{
	size_t len;
	uint8_t *buf = kdf_test_capture_build(0, &len);
	struct kdf_test_result res;
	uint64_t offs[10];

	(void)state;
	kdf_test_chunk_offsets(buf, len, offs, 9);
	buf[offs[8] + 9] ^= 0x40; /* SUMMARY's length */
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_false(res.has_summary);
	assert_int_equal(res.nwindows, 1);
	assert_true(kdf_test_find_warning(&res, "and no chunk after it") >= 0);
	kdf_test_result_free(&res);
	free(buf);
}

/*
 * Inputs the fuzzer crashed the reader with (tests/fuzz/crashers/).  The
 * fuzz build ignores CRCs, so each is rebuilt here with valid ones: the
 * reader must reach the same code and survive it.
 */
static void fix_crcs(uint8_t *buf, size_t len)
{
	for (uint64_t off = 16; off + KDF_CHUNK_HEADER_LEN <= len;) {
		uint32_t stored = kdf_get_le32(buf + off + 8);

		if (stored > len - off - KDF_CHUNK_HEADER_LEN)
			stored = (uint32_t)(len - off - KDF_CHUNK_HEADER_LEN);
		kdf_put_le32(buf + off + 20, kdf_crc32c(0, buf + off + KDF_CHUNK_HEADER_LEN, stored));
		kdf_put_le32(buf + off + 24, kdf_crc32c(0, buf + off, 24));
		off += KDF_CHUNK_HEADER_LEN + (uint64_t)stored;
	}
}

/* crash 1: an event type above the 1.0 table in an otherwise 1.0 chunk
 * indexed past nargs_v1[] (UBSan: index 129 out of bounds). */
static void test_crasher_event_type_beyond_table(void **state)
{
	size_t len;
	uint8_t *buf = kdf_test_capture_build(1, &len);
	struct kdf_test_result res;
	uint64_t offs[9];
	uint8_t *payload;

	(void)state;
	kdf_test_chunk_offsets(buf, len, offs, 8);
	payload = buf + offs[4] + KDF_CHUNK_HEADER_LEN;
	payload[37 + 12 + kdf_get_le32(payload + 16)] = 129; /* first event's type */
	fix_crcs(buf, len);
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_int_equal(res.nevents, 0);
	assert_int_equal(res.stats.chunks_bad, 1);
	assert_true(kdf_test_find_warning(&res, "EVENTS chunk at offset") >= 0);
	kdf_test_result_free(&res);
	free(buf);
}

/* crash 2: a chunk with an empty payload read into a not yet allocated
 * buffer: memcpy(NULL, ..., 0) (UBSan: null pointer passed as argument). */
static void test_crasher_empty_payload(void **state)
{
	static const uint8_t input[] = {
		0x89, 0x4b, 0x44, 0x4c, 0x59, 0x0d, 0x0a, 0x1a, 0x01, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0x4b, 0x44, 0x43, 0x4b, 0x01, 0x00, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00, 0xf2, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
		0xb3, 0xeb, 0x61, 0x95, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	uint8_t buf[sizeof(input)];
	struct kdf_test_result res;

	(void)state;
	memcpy(buf, input, sizeof(buf));
	fix_crcs(buf, sizeof(buf));
	assert_int_equal(kdf_test_read_all(buf, sizeof(buf), &res), KDF_E_CORRUPT);
	assert_string_equal(res.open_msg,
			    "capture damaged: its META chunk (offset 16) is unreadable");
	kdf_test_result_free(&res);
}

/* crash 3: an empty EVENTS chunk (no events, no payload) as the first one
 * read ahead, decoded from slots not yet allocated: NULL + 0 (UBSan).  An
 * empty chunk is not an item; the events around it are all read, and it
 * is reported as when reading alone. */
static void test_crasher_read_ahead_empty_events(void **state)
{
	size_t len, len1;
	uint8_t *full = kdf_test_capture_build(0, &len), *buf;
	struct kdf_buf chunk = { 0 };
	struct kdf_test_result alone, ahead;
	uint64_t offs[9];

	(void)state;
	kdf_test_chunk_offsets(full, len, offs, 8);
	make_chunk(&chunk, KDF_CHUNK_EVENTS, 0, NULL, 0);
	buf = splice(full, len, offs[4], chunk.p, chunk.len, &len1);
	assert_int_equal(kdf_test_read_all(buf, len1, &alone), KDF_OK);
	kdf_test_read_ahead = 1;
	assert_int_equal(kdf_test_read_all(buf, len1, &ahead), KDF_OK);
	kdf_test_read_ahead = 0;
	assert_int_equal(ahead.nevents, 15);
	assert_int_equal(ahead.items, alone.items);
	assert_int_equal(ahead.stats.chunks, alone.stats.chunks);
	assert_int_equal(ahead.stats.chunks_bad, alone.stats.chunks_bad);
	assert_int_equal(ahead.nwarnings, alone.nwarnings);
	for (size_t i = 0; i < ahead.nwarnings; i++)
		assert_string_equal(ahead.warnings[i], alone.warnings[i]);
	kdf_test_result_free(&alone);
	kdf_test_result_free(&ahead);
	kdf_buf_free(&chunk);
	free(buf);
	free(full);
}

/* A checksum-valid chunk whose zstd frame is broken or announces another
 * size: skipped as "does not decompress". */
static void test_bad_zstd_frames(void **state)
{
	size_t len;
	uint8_t *full = kdf_test_capture_build(0, &len), *buf = malloc(len);
	uint64_t offs[9];

	(void)state;
	kdf_test_chunk_offsets(full, len, offs, 8);
	for (int variant = 0; variant < 3; variant++) {
		struct kdf_test_result res;
		uint8_t *h = buf + offs[4];

		memcpy(buf, full, len);
		assert_int_equal(kdf_get_le16(h + 6), KDF_CHUNK_FLAG_ZSTD);
		if (variant == 0)
			h[KDF_CHUNK_HEADER_LEN] ^= 0xff;		/* frame magic */
		else if (variant == 1)
			kdf_put_le32(h + 12, kdf_get_le32(h + 12) + 1); /* raw_len */
		else
			kdf_put_le32(h + 12, 0);
		fix_crcs(buf, len);
		assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
		assert_int_equal(res.nevents, 0);
		assert_int_equal(res.items, 6); /* all but the EVENTS item */
		assert_int_equal(res.stats.chunks_bad, 1);
		assert_true(kdf_test_find_warning(&res, "EVENTS chunk at offset") >= 0);
		kdf_test_result_free(&res);
	}
	free(buf);
	free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bit_flips_compressed),
		cmocka_unit_test(test_bit_flips_uncompressed),
		cmocka_unit_test(test_bit_flips_read_ahead),
		cmocka_unit_test(test_bit_flips_header_and_meta),
		cmocka_unit_test(test_unknown_chunks_skipped),
		cmocka_unit_test(test_newer_minor_is_read),
		cmocka_unit_test(test_newer_event_layout),
		cmocka_unit_test(test_census_1_2_layout),
		cmocka_unit_test(test_malformed_payloads),
		cmocka_unit_test(test_damaged_last_header),
		cmocka_unit_test(test_crasher_event_type_beyond_table),
		cmocka_unit_test(test_crasher_empty_payload),
		cmocka_unit_test(test_crasher_read_ahead_empty_events),
		cmocka_unit_test(test_bad_zstd_frames),
	};

	return cmocka_run_group_tests_name("format_corruption", tests, NULL, NULL);
}
