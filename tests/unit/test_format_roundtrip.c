// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_roundtrip.c - what the writer writes, the reader gives back
 * exactly: every chunk type, every event type, extreme values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kdelay_format.h"
#include "helpers/kdf_test_capture.h"
#include "kdf_testing.h"

static void assert_event_equal(const struct kdf_event *got, const struct kdf_event *want)
{
	assert_int_equal(got->ts, want->ts);
	assert_int_equal(got->tid, want->tid);
	assert_int_equal(got->cpu, want->cpu);
	assert_int_equal(got->type, want->type);
	assert_int_equal(got->flags, want->flags);
	assert_memory_equal(&got->u, &want->u, sizeof(got->u));
}

static void assert_str_equal_or_null(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void check_meta(const struct kdf_meta *m)
{
	const struct kdf_meta *w = kdf_test_meta();

	assert_string_equal(m->kdelay_version, w->kdelay_version);
	assert_string_equal(m->command_line, w->command_line);
	assert_string_equal(m->hostname, w->hostname);
	assert_string_equal(m->kernel_release, w->kernel_release);
	assert_string_equal(m->arch, w->arch);
	assert_int_equal(m->ncpus, w->ncpus);
	assert_int_equal(m->pid, w->pid);
	assert_string_equal(m->comm, w->comm);
	assert_int_equal(m->mono_ns, w->mono_ns);
	assert_int_equal(m->realtime_ns, w->realtime_ns);
	assert_int_equal(m->options.sample_time_ns, w->options.sample_time_ns);
	assert_int_equal(m->options.sample_interval_ns, w->options.sample_interval_ns);
	assert_int_equal(m->options.sample_count, w->options.sample_count);
	assert_int_equal(m->options.stack_trace_size, w->options.stack_trace_size);
	assert_int_equal(m->options.trigger_delta_ns, w->options.trigger_delta_ns);
	assert_int_equal(m->options.syscall_events_ns, w->options.syscall_events_ns);
	assert_int_equal(m->options.skip_syscall_poll_events, w->options.skip_syscall_poll_events);
	assert_int_equal(m->options.buffer_page_count, w->options.buffer_page_count);
	assert_str_equal_or_null(m->options.start_trigger, w->options.start_trigger);
	assert_str_equal_or_null(m->options.stop_trigger, w->options.stop_trigger);
	assert_int_equal(m->syscall_count, w->syscall_count);
	for (uint32_t i = 0; i < w->syscall_count; i++)
		assert_str_equal_or_null(m->syscall_names[i], w->syscall_names[i]);
}

static void check_symbols(const struct kdf_symbol *got, size_t n)
{
	size_t nwant;
	const struct kdf_symbol *want = kdf_test_symbols(&nwant);

	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].addr, want[i].addr);
		assert_int_equal(got[i].is_kernel, want[i].is_kernel);
		assert_int_equal(got[i].offset, want[i].offset);
		assert_str_equal_or_null(got[i].name, want[i].name);
		assert_str_equal_or_null(got[i].module, want[i].module);
		assert_str_equal_or_null(got[i].path, want[i].path);
		assert_int_equal(got[i].build_id_len, want[i].build_id_len);
		if (want[i].build_id)
			assert_memory_equal(got[i].build_id, want[i].build_id, want[i].build_id_len);
		else
			assert_null(got[i].build_id);
		assert_int_equal(got[i].file_offset, want[i].file_offset);
	}
}

/* Read the standard capture item by item, asserting order and values. */
static void check_standard_capture(int uncompressed)
{
	size_t len, nev, nth;
	uint8_t *buf = kdf_test_capture_build(uncompressed, &len);
	const struct kdf_event *events = kdf_test_events(&nev);
	const struct kdf_thread *threads = kdf_test_threads(&nth);
	struct kdf_reader *r;
	struct kdf_item item;
	struct kdf_read_stats st;
	uint32_t major, minor;
	char msg[256];
	int err;

	r = kdf_reader_open_mem(buf, len, NULL, NULL, &err, msg, sizeof(msg));
	assert_non_null(r);
	assert_int_equal(err, KDF_OK);
	kdf_reader_version(r, &major, &minor);
	assert_int_equal(major, KDF_VERSION_MAJOR);
	assert_int_equal(minor, KDF_VERSION_MINOR);
	check_meta(kdf_reader_meta(r));

	for (size_t i = 0; i < nth; i++) {
		assert_int_equal(kdf_reader_next(r, &item), 1);
		assert_int_equal(item.type, KDF_ITEM_THREAD);
		assert_int_equal(item.u.thread.ts, threads[i].ts);
		assert_int_equal(item.u.thread.tid, threads[i].tid);
		assert_int_equal(item.u.thread.name_len, threads[i].name_len);
		assert_memory_equal(item.u.thread.name, threads[i].name, threads[i].name_len);
	}
	assert_int_equal(kdf_reader_next(r, &item), 1);
	assert_int_equal(item.type, KDF_ITEM_EVENTS);
	assert_int_equal(item.u.events.n, nev);
	for (size_t i = 0; i < nev; i++)
		assert_event_equal(&item.u.events.v[i], &events[i]);

	/* Tables filled by the chunks before the events. */
	for (uint32_t id = 1; id <= 3; id++) {
		size_t glen, wlen;
		uint32_t gn, wn;
		const char *s = kdf_reader_string(r, id, &glen);
		const char *ws = kdf_test_string(id, &wlen);
		const uint64_t *ips = kdf_reader_stack(r, id, &gn);
		const uint64_t *wips = kdf_test_stack(id, &wn);

		assert_non_null(s);
		assert_int_equal(glen, wlen);
		assert_memory_equal(s, ws, wlen);
		assert_int_equal(s[glen], '\0');
		assert_non_null(ips);
		assert_int_equal(gn, wn);
		if (wn)
			assert_memory_equal(ips, wips, wn * sizeof(*ips));
	}
	assert_null(kdf_reader_string(r, 0, NULL));
	assert_null(kdf_reader_string(r, 4, NULL));
	assert_null(kdf_reader_stack(r, 0, NULL));
	assert_null(kdf_reader_stack(r, UINT32_MAX, NULL));

	assert_int_equal(kdf_reader_next(r, &item), 1);
	assert_int_equal(item.type, KDF_ITEM_SYMBOLS);
	check_symbols(item.u.symbols.v, item.u.symbols.n);

	assert_int_equal(kdf_reader_next(r, &item), 1);
	assert_int_equal(item.type, KDF_ITEM_WINDOW);
	assert_memory_equal(&item.u.window, kdf_test_window(), sizeof(struct kdf_window));

	assert_int_equal(kdf_reader_next(r, &item), 1);
	assert_int_equal(item.type, KDF_ITEM_SUMMARY);
	assert_memory_equal(&item.u.summary, kdf_test_summary(), sizeof(struct kdf_summary));

	assert_int_equal(kdf_reader_next(r, &item), 0);
	assert_int_equal(kdf_reader_next(r, &item), 0);
	kdf_reader_stats(r, &st);
	assert_int_equal(st.file_bytes, len);
	assert_int_equal(st.chunks, 9);
	assert_int_equal(st.chunks_bad, 0);
	assert_int_equal(st.chunks_unknown, 0);
	assert_int_equal(st.events, nev);
	assert_int_equal(st.truncated, 0);
	assert_int_equal(st.has_summary, 1);
	kdf_reader_close(r);
	free(buf);
}

static void test_standard_capture_compressed(void **state)
{
	(void)state;
	check_standard_capture(0);
}

static void test_standard_capture_uncompressed(void **state)
{
	(void)state;
	check_standard_capture(1);
}

/* xorshift: reproducible pseudo-random values without libc state. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void random_event(uint64_t *seed, uint64_t *ts, struct kdf_event *ev)
{
	uint64_t r = next_rand(seed);

	memset(ev, 0, sizeof(*ev));
	/* mostly small steps, sometimes huge or backwards jumps */
	*ts += (r & 0xff) == 0 ? next_rand(seed) : (r >> 8) % 2000;
	ev->ts = *ts;
	ev->type = (uint8_t)(1 + (r >> 20) % KDF_EV_TYPE_MAX);
	ev->flags = (uint8_t)(r >> 24);
	ev->tid = (r >> 32) % 7 == 0 ? (uint32_t)next_rand(seed) : 1000 + (uint32_t)(r >> 40) % 8;
	ev->cpu = (uint16_t)(r >> 48);
	r = next_rand(seed);
	switch (ev->type) {
	case KDF_EV_SYS_ENTER:
		ev->u.sys.nr = (uint32_t)r % 500;
		break;
	case KDF_EV_SWITCH:
		ev->u.sw.next_tid = (uint32_t)r;
		ev->u.sw.prev_state = (uint32_t)(r >> 32);
		break;
	case KDF_EV_WAKEUP:
		ev->u.wakeup.waker_tid = (uint32_t)(r >> 7);
		ev->u.wakeup.waker_pid = (uint32_t)(r >> 32);
		ev->u.wakeup.waker_name_id = (uint32_t)r;
		break;
	case KDF_EV_STACK:
		ev->u.stack.nr = (uint32_t)r;
		ev->u.stack.kstack_id = (uint32_t)(r >> 32);
		ev->u.stack.ustack_id = (uint32_t)(r >> 16);
		ev->u.stack.entry_ts = next_rand(seed);
		break;
	case KDF_EV_TRIGGER:
	case KDF_EV_THREAD_EXIT:
		break;
	case KDF_EV_LOSS: /* any count; an end at or after ts, up to 2^64-1 */
		ev->u.loss.count = r;
		ev->u.loss.end_ts = ev->ts + ((r >> 7) < UINT64_MAX - ev->ts ? (r >> 7) : UINT64_MAX - ev->ts);
		break;
	case KDF_EV_CENSUS: /* since: not known (0), or any time up to ts */
		ev->u.census.state = (uint32_t)r;
		ev->u.census.nr = (uint32_t)(r >> 32);
		ev->u.census.since_ts = (r & 1) || !ev->ts ? 0 : 1 + next_rand(seed) % ev->ts;
		break;
	default: /* two 32-bit fields, signed or not: any bits round-trip */
		ev->u.sys.nr = (uint32_t)r;
		ev->u.sys.ret = (int32_t)(r >> 32);
		if (ev->type == KDF_EV_SOFTIRQ_ENTRY || ev->type == KDF_EV_SOFTIRQ_EXIT)
			ev->u.sys.ret = 0;
		break;
	}
}

/* Many chunks, thousands of tids (the per-chunk tid table fills up). */
static void test_many_random_events(void **state)
{
	enum { N = 100000 };
	struct kdf_event *want = calloc(N, sizeof(*want));
	uint64_t seed = 0x9e3779b97f4a7c15ull, ts = 1;
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	struct kdf_test_result res;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_non_null(want);
	for (size_t i = 0; i < N; i++) {
		random_event(&seed, &ts, &want[i]);
		assert_int_equal(kdf_writer_event(w, &want[i]), KDF_OK);
	}
	assert_int_equal(kdf_writer_events(w), N);
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_int_equal(res.next_err, 0);
	assert_int_equal(res.nevents, N);
	for (size_t i = 0; i < N; i++)
		assert_event_equal(&res.events[i], &want[i]);
	assert_true(res.stats.chunks > 4); /* several EVENTS chunks */
	assert_int_equal(res.nwarnings, 0);
	/* No summary given: the writer wrote its own counts. */
	assert_true(res.has_summary);
	assert_int_equal(res.summary.end_ts, want[N - 1].ts);
	uint64_t total = 0;

	for (int t = 0; t <= KDF_EV_TYPE_MAX; t++)
		total += res.summary.events[t];
	assert_int_equal(total, N);
	kdf_test_result_free(&res);
	free(buf);
	free(want);
}

/*
 * KDF_EV_LOSS (format 1.1): count and end_ts round-trip exactly at their
 * extremes, beside the events around them; the file says this minor.
 */
static void test_loss_events(void **state)
{
	const struct kdf_event want[] = {
		{ .ts = 100, .tid = 7, .cpu = 1, .type = KDF_EV_SYS_ENTER, .u.sys.nr = 39 },
		{ .ts = 150, .cpu = 3, .type = KDF_EV_LOSS, .u.loss = { 1, 150 } },
		{ .ts = 160, .cpu = 0, .type = KDF_EV_LOSS, .u.loss = { UINT64_MAX, 9000 } },
		{ .ts = UINT64_MAX - 5, .cpu = UINT16_MAX, .type = KDF_EV_LOSS,
		  .u.loss = { 42, UINT64_MAX } },
		{ .ts = 9500, .tid = 7, .cpu = 1, .type = KDF_EV_SYS_EXIT, .u.sys = { 39, -1 } },
	};
	const size_t n = sizeof(want) / sizeof(want[0]);
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	struct kdf_test_result res;
	uint8_t *buf;
	size_t len;

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(kdf_writer_event(w, &want[i]), KDF_OK);
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	assert_int_equal(buf[10] | buf[11] << 8, KDF_VERSION_MINOR); /* header */
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_int_equal(res.nevents, n);
	for (size_t i = 0; i < n; i++)
		assert_event_equal(&res.events[i], &want[i]);
	assert_int_equal(res.summary.events[KDF_EV_LOSS], 3);
	assert_int_equal(res.nwarnings, 0);
	kdf_test_result_free(&res);
	free(buf);
}

/* Missing text is "" for the always-present fields and NULL for triggers. */
static void test_meta_minimal(void **state)
{
	struct kdf_meta meta = { .options.syscall_events_ns = 12345 };
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(&meta, &sink);
	struct kdf_reader *r;
	const struct kdf_meta *m;
	uint8_t *buf;
	size_t len;
	int err;

	(void)state;
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	r = kdf_reader_open_mem(buf, len, NULL, NULL, &err, NULL, 0);
	assert_non_null(r);
	m = kdf_reader_meta(r);
	assert_string_equal(m->hostname, "");
	assert_string_equal(m->comm, "");
	assert_string_equal(m->kdelay_version, "");
	assert_null(m->options.start_trigger);
	assert_null(m->options.stop_trigger);
	assert_int_equal(m->options.syscall_events_ns, 12345);
	assert_int_equal(m->syscall_count, 0);
	kdf_reader_close(r);
	free(buf);
}

/* Read META of a capture written with meta; NULL-safe copy of its id. */
static char *capture_id_of(const struct kdf_meta *meta, int *derived)
{
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(meta, &sink);
	struct kdf_reader *r;
	uint8_t *buf;
	size_t len;
	char *id;
	int err;

	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	r = kdf_reader_open_mem(buf, len, NULL, NULL, &err, NULL, 0);
	assert_non_null(r);
	id = strdup(kdf_reader_meta(r)->capture_id);
	*derived = (int)kdf_reader_meta(r)->capture_id_derived;
	kdf_reader_close(r);
	free(buf);
	return id;
}

/* A capture id written is read back as is; a capture without one gets
 * "meta-" and the hash of its META, the same at every reading and
 * different for another META. */
static void test_capture_id(void **state)
{
	struct kdf_meta meta = *kdf_test_meta();
	char *a, *b, *c;
	int derived;

	(void)state;
	meta.capture_id = "0123456789abcdef0123456789abcdef";
	a = capture_id_of(&meta, &derived);
	assert_string_equal(a, meta.capture_id);
	assert_int_equal(derived, 0);
	meta.capture_id = NULL;
	b = capture_id_of(&meta, &derived);
	assert_int_equal(derived, 1);
	assert_int_equal(strlen(b), 21);
	assert_memory_equal(b, "meta-", 5);
	c = capture_id_of(&meta, &derived);
	assert_string_equal(b, c);
	free(c);
	meta.realtime_ns++;
	c = capture_id_of(&meta, &derived);
	assert_string_not_equal(b, c);
	free(a);
	free(b);
	free(c);
}

static void test_intern_ids(void **state)
{
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	uint64_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 };
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(kdf_writer_intern(w, "x", 1), 1);
	assert_int_equal(kdf_writer_intern(w, "x\0", 2), 2);
	assert_int_equal(kdf_writer_intern(w, "x", 1), 1);
	assert_int_equal(kdf_writer_intern(w, "", 0), 3);
	assert_int_equal(kdf_writer_intern(w, NULL, 0), 3);
	assert_int_equal(kdf_writer_stack(w, a, 3), 1);
	assert_int_equal(kdf_writer_stack(w, b, 3), 2);
	assert_int_equal(kdf_writer_stack(w, a, 2), 3);
	assert_int_equal(kdf_writer_stack(w, a, 3), 1);
	/* Thousands of strings: the table grows, ids stay stable. */
	for (uint32_t i = 0; i < 5000; i++) {
		char s[16];
		int n = snprintf(s, sizeof(s), "s%u", i);

		assert_int_equal(kdf_writer_intern(w, s, (size_t)n), 4 + i);
	}
	assert_int_equal(kdf_writer_intern(w, "s42", 3), 4 + 42);
	buf = kdf_test_writer_finish(w, sink, NULL, &len);

	struct kdf_reader *r = kdf_reader_open_mem(buf, len, NULL, NULL, NULL, NULL, 0);
	struct kdf_item item;
	size_t slen;

	assert_non_null(r);
	while (kdf_reader_next(r, &item) > 0)
		;
	assert_string_equal(kdf_reader_string(r, 4 + 4999, &slen), "s4999");
	assert_int_equal(slen, 5);
	assert_memory_equal(kdf_reader_string(r, 2, &slen), "x\0", 2);
	assert_int_equal(slen, 2);
	kdf_reader_close(r);
	free(buf);
}

/* A killed recorder: no SUMMARY; everything written is still there. */
static void test_abort_keeps_events(void **state)
{
	size_t nev, len;
	const struct kdf_event *events = kdf_test_events(&nev);
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	struct kdf_test_result res;
	uint8_t *buf;

	(void)state;
	for (size_t i = 0; i < nev; i++)
		assert_int_equal(kdf_writer_event(w, &events[i]), KDF_OK);
	buf = kdf_test_writer_abort(w, sink, &len);
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_int_equal(res.nevents, nev);
	assert_false(res.has_summary);
	assert_int_equal(res.nwarnings, 1);
	assert_true(kdf_test_find_warning(&res, "no summary chunk") >= 0);
	kdf_test_result_free(&res);
	free(buf);
}

/* Every EVENTS item carries its events' earliest and latest ts, read
 * alone and read ahead, when a chunk's events are out of time order (the
 * earliest not first, the latest not last). */
static void test_events_bounds(void **state)
{
	enum { N = 3 * 32768 + 100 };
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	struct kdf_test_result res;
	uint8_t *buf;
	size_t len;

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		/* every 7th event 35 ns late: its neighbours' span moves */
		struct kdf_event ev = { .ts = 1000 + 10 * (uint64_t)i - (i % 7 == 3 ? 35 : 0),
					.tid = 7, .type = KDF_EV_SYS_ENTER };

		assert_int_equal(kdf_writer_event(w, &ev), KDF_OK);
	}
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	for (int ahead = 0; ahead < 2; ahead++) {
		kdf_test_read_ahead = ahead;
		assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
		kdf_test_read_ahead = 0;
		assert_int_equal(res.nevents, N);
		assert_int_equal(res.events_items, 4);
		assert_int_equal(res.bounds_wrong, 0);
		kdf_test_result_free(&res);
	}
	free(buf);
}

static void test_windows_in_order(void **state)
{
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	struct kdf_reader *r;
	struct kdf_item item;
	uint8_t *buf;
	size_t len;

	(void)state;
	for (uint32_t i = 0; i < 3; i++) {
		struct kdf_event ev = { .ts = 10 * i, .tid = 7, .type = KDF_EV_SYS_ENTER };
		struct kdf_window win = { .index = i, .start_ts = 10 * i, .end_ts = 10 * i + 5 };

		assert_int_equal(kdf_writer_event(w, &ev), KDF_OK);
		assert_int_equal(kdf_writer_window(w, &win), KDF_OK);
	}
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	r = kdf_reader_open_mem(buf, len, NULL, NULL, NULL, NULL, 0);
	assert_non_null(r);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(kdf_reader_next(r, &item), 1);
		assert_int_equal(item.type, KDF_ITEM_EVENTS);
		assert_int_equal(item.u.events.n, 1);
		assert_int_equal(item.u.events.v[0].ts, 10 * i);
		assert_int_equal(kdf_reader_next(r, &item), 1);
		assert_int_equal(item.type, KDF_ITEM_WINDOW);
		assert_int_equal(item.u.window.index, i);
		assert_int_equal(item.u.window.end_ts, 10 * i + 5);
	}
	assert_int_equal(kdf_reader_next(r, &item), 1);
	assert_int_equal(item.type, KDF_ITEM_SUMMARY);
	assert_int_equal(item.u.summary.windows, 3);
	assert_int_equal(item.u.summary.events[KDF_EV_SYS_ENTER], 3);
	assert_int_equal(kdf_reader_next(r, &item), 0);
	kdf_reader_close(r);
	free(buf);
}

/* Large tables split into several chunks and still come back whole. */
static void test_big_tables(void **state)
{
	enum { NSYM = 5000, NTHREADS = 5000 };
	struct kdf_symbol *syms = calloc(NSYM, sizeof(*syms));
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);
	struct kdf_test_result res;
	char name[4096];
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_non_null(syms);
	memset(name, 'n', sizeof(name));
	for (size_t i = 0; i < NSYM; i++) {
		syms[i].addr = i;
		syms[i].name = "sym";
	}
	assert_int_equal(kdf_writer_symbols(w, syms, NSYM), KDF_OK);
	for (uint32_t i = 0; i < NTHREADS; i++) {
		struct kdf_thread t = { .ts = i, .tid = i, .name_len = i % 4097, .name = name };

		assert_int_equal(kdf_writer_thread(w, &t), KDF_OK);
	}
	struct kdf_thread too_long = { .tid = 1, .name_len = 4097, .name = name };

	assert_int_equal(kdf_writer_thread(w, &too_long), KDF_E_INVAL);
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_int_equal(res.nsymbols, NSYM);
	assert_int_equal(res.nthreads, NTHREADS);
	for (uint32_t i = 0; i < NTHREADS; i++) {
		assert_int_equal(res.threads[i].tid, i);
		assert_int_equal(res.threads[i].name_len, i % 4097);
	}
	assert_int_equal(res.nwarnings, 0);
	kdf_test_result_free(&res);
	free(buf);
	free(syms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_capture_compressed),
		cmocka_unit_test(test_standard_capture_uncompressed),
		cmocka_unit_test(test_many_random_events),
		cmocka_unit_test(test_loss_events),
		cmocka_unit_test(test_meta_minimal),
		cmocka_unit_test(test_capture_id),
		cmocka_unit_test(test_intern_ids),
		cmocka_unit_test(test_abort_keeps_events),
		cmocka_unit_test(test_events_bounds),
		cmocka_unit_test(test_windows_in_order),
		cmocka_unit_test(test_big_tables),
	};

	return cmocka_run_group_tests_name("format_roundtrip", tests, NULL, NULL);
}
