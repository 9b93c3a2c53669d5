// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_events_decode.c - format/events_codec.c's decoder, which
 * reads the columns of most events without checking their ends (in runs
 * the bytes left are known to hold): every event back as encoded, with
 * varints of every length at every distance from a column's end; a
 * column of unterminated varints refused; and every byte of a payload
 * changed, one at a time, decoded from a buffer of the payload's exact
 * size (the sanitizer build catches a read past it) to a clean refusal or
 * all the events.  With the events, what the decoder counts of them on its
 * way (by type, the earliest and latest ts), against counting them here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "events_codec.h"
#include "kdelay_format.h"

#define HEADER_LEN (8 + 4 * 7 + 1)

/* Event i of a mix whose varints take 1 to 10 bytes: small and huge
 * syscall numbers, negative returns, time steps from 1 ns to 2^62 ns and
 * back, cpus above 127, many threads, every type the fast path knows. */
static struct kdf_event mixed_event(uint32_t i, uint64_t *ts)
{
	static const uint64_t steps[] = { 1, 100, 20000, 1ull << 35, 3, 1ull << 62, 7 };
	struct kdf_event e;

	memset(&e, 0, sizeof(e));
	*ts += steps[i % 7];
	if (i % 11 == 5 && *ts > 1000)
		*ts -= 900; /* a step back: a negative delta */
	e.ts = *ts;
	e.tid = 1000 + (i * 37) % 300;
	e.cpu = (uint16_t)(i % 5 == 0 ? 65535 : i % 200);
	switch (i % 6) {
	case 0:
		e.type = KDF_EV_SYS_ENTER;
		e.u.sys.nr = i % 4 ? i % 300 : UINT32_MAX;
		break;
	case 1:
		e.type = KDF_EV_SYS_EXIT;
		e.u.sys.nr = i % 300;
		e.u.sys.ret = i % 3 ? -(int32_t)i : INT32_MIN;
		break;
	case 2:
		e.type = KDF_EV_SWITCH;
		e.u.sw.next_tid = 1000 + (i * 13) % 300;
		e.u.sw.prev_state = i % 2 ? 0 : UINT32_MAX;
		break;
	case 3:
		e.type = KDF_EV_WAKEUP;
		e.u.wakeup.waker_tid = 1000 + i % 300;
		e.u.wakeup.waker_pid = i;
		e.u.wakeup.waker_name_id = i % 9;
		break;
	case 4:
		e.type = KDF_EV_STACK;
		e.u.stack.nr = i % 300;
		e.u.stack.kstack_id = UINT32_MAX - i;
		e.u.stack.ustack_id = i;
		e.u.stack.entry_ts = *ts - (i % 2 ? 5 : (1ull << 40));
		break;
	default:
		e.type = KDF_EV_SOFTIRQ_ENTRY;
		e.u.softirq.vec = i % 10;
		break;
	}
	return e;
}

/* The raw payload of n mixed events, the last `bare` of them without
 * arguments (THREAD_EXIT: the arguments' column ends long before the
 * others, so that its own room decides the runs); *events gets them. */
static struct kdf_buf encode_bare(uint32_t n, uint32_t bare, struct kdf_event **events)
{
	struct kdf_events_enc *enc = calloc(1, sizeof(*enc));
	struct kdf_buf out = { 0 };
	uint64_t ts = 1ull << 50;

	assert_non_null(enc);
	assert_int_equal(kdf_events_enc_init(enc), 0);
	*events = calloc(n ? n : 1, sizeof(**events));
	assert_non_null(*events);
	for (uint32_t i = 0; i < n; i++) {
		(*events)[i] = mixed_event(i, &ts);
		if (i + bare >= n) {
			uint64_t t = (*events)[i].ts;

			memset(&(*events)[i], 0, sizeof((*events)[i]));
			(*events)[i].ts = t;
			(*events)[i].tid = 1000 + i % 300;
			(*events)[i].type = KDF_EV_THREAD_EXIT;
		}
		kdf_events_enc_add(enc, &(*events)[i]);
	}
	assert_int_equal(kdf_events_enc_finish(enc, &out), 0);
	kdf_events_enc_free(enc);
	free(enc);
	return out;
}

static struct kdf_buf encode(uint32_t n, struct kdf_event **events)
{
	return encode_bare(n, 0, events);
}

/* Decode from a copy of exactly len bytes (nothing readable past it);
 * when it decodes, the decoder's tally is that of the events out (and
 * says whether they are in time order: the mix steps back from event 27
 * on). */
static int decode_exact(const uint8_t *raw, size_t len, uint32_t n, struct kdf_event *out,
			size_t *n_out)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct kdf_events_tally tally, want = { .in_order = 1 };
	uint32_t unknown;
	int rc;

	assert_non_null(copy);
	memcpy(copy, raw, len);
	rc = kdf_events_decode(copy, len, n, out, n_out, &unknown, &tally);
	free(copy);
	if (rc)
		return rc;
	assert_int_equal(*n_out + unknown, n);
	for (size_t i = 0; i < *n_out; i++) {
		assert_true(out[i].type <= KDF_EV_TYPE_MAX);
		want.by_type[out[i].type]++;
		if (!i || out[i].ts < want.first_ts)
			want.first_ts = out[i].ts;
		if (!i || out[i].ts > want.last_ts)
			want.last_ts = out[i].ts;
		if (i && out[i].ts < out[i - 1].ts)
			want.in_order = 0;
	}
	assert_memory_equal(tally.by_type, want.by_type, sizeof(want.by_type));
	assert_int_equal(tally.first_ts, want.first_ts);
	assert_int_equal(tally.last_ts, want.last_ts);
	assert_int_equal(tally.in_order, want.in_order);
	return rc;
}

static void test_every_event_back(void **state)
{
	(void)state;
	for (uint32_t n = 1; n <= 400; n += n < 40 ? 1 : 53) {
		struct kdf_event *events, *out = calloc(n, sizeof(*out));
		struct kdf_buf raw = encode_bare(n, n % 3 ? 0 : n / 3, &events);
		size_t got;

		assert_non_null(out);
		assert_int_equal(decode_exact(raw.p, raw.len, n, out, &got), 0);
		assert_int_equal(got, n);
		for (uint32_t i = 0; i < n; i++)
			assert_memory_equal(&out[i], &events[i], sizeof(out[i]));
		kdf_buf_free(&raw);
		free(events);
		free(out);
	}
}

/* The time column's bytes all with the continuation bit: no varint ends,
 * in the runs read unchecked or in the checked tail. */
static void test_unterminated_refused(void **state)
{
	enum { N = 300 };
	struct kdf_event *events, *out = calloc(N, sizeof(*out));
	struct kdf_buf raw = encode(N, &events);
	const uint8_t *h = raw.p;
	uint32_t ntids_len = h[16] | h[17] << 8 | h[18] << 16 | (uint32_t)h[19] << 24;
	size_t at = HEADER_LEN + h[36] + ntids_len + 2 * N, ts_len, got;

	(void)state;
	assert_non_null(out);
	for (int k = 0; k < COL_TS; k++)
		at += h[20 + 4 * k] | h[21 + 4 * k] << 8 | h[22 + 4 * k] << 16 |
		      (uint32_t)h[23 + 4 * k] << 24;
	ts_len = h[20 + 4 * COL_TS] | h[21 + 4 * COL_TS] << 8;
	assert_true(ts_len > 10 && at + ts_len <= raw.len);
	memset(raw.p + at, 0x80, ts_len);
	assert_int_equal(decode_exact(raw.p, raw.len, N, out, &got), KDF_E_CORRUPT);
	/* only the last byte: the checked tail refuses it */
	kdf_buf_free(&raw);
	free(events);
	raw = encode(N, &events);
	raw.p[at + ts_len - 1] |= 0x80;
	assert_int_equal(decode_exact(raw.p, raw.len, N, out, &got), KDF_E_CORRUPT);
	kdf_buf_free(&raw);
	free(events);
	free(out);
}

static void check_every_byte_changed(uint32_t bare)
{
	enum { N = 120 };
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	struct kdf_event *events, *out = calloc(N, sizeof(*out));
	struct kdf_buf raw = encode_bare(N, bare, &events);
	uint8_t *buf = malloc(raw.len);
	size_t refused = 0;

	assert_non_null(out);
	assert_non_null(buf);
	for (size_t at = 0; at < raw.len; at++) {
		for (size_t v = 0; v < sizeof(values); v++) {
			size_t got;
			int rc;

			memcpy(buf, raw.p, raw.len);
			buf[at] = values[v];
			rc = decode_exact(buf, raw.len, N, out, &got);
			assert_true(rc == 0 || rc == KDF_E_CORRUPT);
			refused += rc != 0;
		}
	}
	/* most changes break a varint's length or a value's range */
	assert_true(refused > raw.len);
	kdf_buf_free(&raw);
	free(events);
	free(buf);
	free(out);
}

static void test_every_byte_changed(void **state)
{
	(void)state;
	check_every_byte_changed(0);
	check_every_byte_changed(60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_event_back),
		cmocka_unit_test(test_unterminated_refused),
		cmocka_unit_test(test_every_byte_changed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
