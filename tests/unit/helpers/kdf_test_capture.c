// SPDX-License-Identifier: BSD-2-Clause
/* kdf_test_capture.c - see kdf_test_capture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdf_test_capture.h"
#include "kdf_testing.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

/* ------------------------------------------------------------- content */

static const char *const syscall_names[] = { "read", NULL, "open", "" };

static const struct kdf_meta test_meta = {
	.kdelay_version = "0.1-test",
	.command_line = "kdelay-record -p 1234 --sample-time 0.5",
	.hostname = "testhost",
	.kernel_release = "6.18.0-test",
	.arch = "x86_64",
	.ncpus = 2,
	.pid = 1234,
	.comm = "ovs-vswitchd",
	.mono_ns = 123456789,
	.realtime_ns = 1700000000123456789ull,
	.options = {
		.sample_time_ns = 500000000,
		.sample_interval_ns = 0,
		.sample_count = 1,
		.stack_trace_size = 16,
		.trigger_delta_ns = 0,
		.syscall_events_ns = -1,
		.skip_syscall_poll_events = 1,
		.buffer_page_count = 64,
		.start_trigger = "u:ovs:start",
		.stop_trigger = NULL,
	},
	.syscall_names = syscall_names,
	.syscall_count = ARRAY_SIZE(syscall_names),
};

/* Every event type, with extreme values: u32/u16/u64 maxima, timestamps
 * jumping backwards and wrapping, arbitrary flag bytes. */
static const struct kdf_event test_events[] = {
	{ .ts = 1000, .tid = 100, .cpu = 0, .type = KDF_EV_SYS_ENTER, .u.sys = { 110, 0 } },
	{ .ts = 1400, .tid = 100, .cpu = 0, .type = KDF_EV_SYS_EXIT, .u.sys = { 110, 4242 } },
	{ .ts = 1500, .tid = 100, .cpu = 1, .type = KDF_EV_SWITCH,
	  .flags = KDF_SW_PREV_TARGET | KDF_SW_PREEMPT, .u.sw = { UINT32_MAX, 0 } },
	{ .ts = 1200, .tid = UINT32_MAX, .cpu = 1, .type = KDF_EV_WAKEUP, .flags = KDF_WAKE_NEW,
	  .u.wakeup = { 100, UINT32_MAX, UINT32_MAX } },
	{ .ts = 2000, .tid = 100, .cpu = UINT16_MAX, .type = KDF_EV_IRQ_ENTRY,
	  .u.irq_entry = { UINT32_MAX, 1 } },
	{ .ts = 2100, .tid = 100, .cpu = UINT16_MAX, .type = KDF_EV_IRQ_EXIT,
	  .u.irq_exit = { UINT32_MAX, INT32_MIN } },
	{ .ts = UINT64_MAX, .tid = 100, .cpu = 3, .type = KDF_EV_SOFTIRQ_ENTRY, .u.softirq = { 9 } },
	{ .ts = 0, .tid = 100, .cpu = 3, .type = KDF_EV_SOFTIRQ_EXIT,
	  .u.softirq = { UINT32_MAX } },
	{ .ts = 5000, .tid = 100, .cpu = 0, .type = KDF_EV_TRIGGER, .flags = KDF_TRIG_START },
	{ .ts = 6000, .tid = 101, .cpu = 0, .type = KDF_EV_SYS_ENTER, .u.sys = { UINT32_MAX, 0 } },
	{ .ts = 7000, .tid = 101, .cpu = 0, .type = KDF_EV_SYS_EXIT,
	  .u.sys = { UINT32_MAX, INT32_MAX } },
	{ .ts = 7001, .tid = 101, .cpu = 0, .type = KDF_EV_STACK,
	  .u.stack = { .nr = UINT32_MAX, .kstack_id = 1, .ustack_id = 2, .entry_ts = 6000 } },
	{ .ts = 7002, .tid = 101, .cpu = 0, .type = KDF_EV_STACK,
	  .flags = KDF_STACK_KERNEL_LOST | KDF_STACK_USER_LOST,
	  .u.stack = { .nr = 0, .kstack_id = 0, .ustack_id = 3, .entry_ts = UINT64_MAX } },
	{ .ts = 8000, .tid = 0, .cpu = 1, .type = KDF_EV_THREAD_EXIT },
	{ .ts = 8001, .tid = 101, .cpu = 1, .type = KDF_EV_SYS_EXIT, .flags = 0xff,
	  .u.sys = { 0, -1 } },
};

static const struct {
	const char *s;
	size_t len;
} test_strings[] = {
	{ "eth0-irq", 8 },
	{ "", 0 },
	{ "a\0b\xff", 4 },
};

static const uint64_t stack1[] = { 0xffffffff81000000ull, 0xffffffff81000010ull, 1 };
static const uint64_t stack2[] = { 0x400000, 0x7fff00001000ull };
static const struct {
	const uint64_t *ips;
	uint32_t n;
} test_stacks[] = {
	{ stack1, ARRAY_SIZE(stack1) },
	{ stack2, ARRAY_SIZE(stack2) },
	{ NULL, 0 },
};

static const struct kdf_thread test_threads[] = {
	{ .ts = 1, .tid = 100, .name_len = 4, .name = "main" },
	{ .ts = 2, .tid = UINT32_MAX, .name_len = 3, .name = "\0x\xff" },
	{ .ts = 3, .tid = 101, .name_len = 0, .name = "" },
};

static const uint8_t build_id[] = { 1, 2, 3, 0, 0xff };
static const struct kdf_symbol test_symbols[] = {
	{ .addr = 0xffffffff81000010ull, .is_kernel = 1, .offset = 0x10,
	  .name = "do_syscall_64", .module = "kernel" },
	{ .addr = 0x400000, .is_kernel = 0, .offset = 0, .name = NULL, .module = "a.out",
	  .path = "/usr/bin/a.out", .build_id = build_id, .build_id_len = sizeof(build_id),
	  .file_offset = 0x1000 },
};

static const struct kdf_window test_window = {
	.index = 0, .flags = KDF_WIN_TRIGGERED, .start_ts = 1000, .end_ts = 8001,
	.start_trigger_ts = 5000, .stop_trigger_ts = 0, .dropped = 3,
	.trigger_missed = UINT64_MAX, .stacks_lost = 1,
};

static const struct kdf_summary test_summary = {
	.end_ts = 8001,
	.events = { [KDF_EV_SYS_ENTER] = 2, [KDF_EV_SYS_EXIT] = 3, [KDF_EV_SWITCH] = 1,
		    [KDF_EV_WAKEUP] = 1, [KDF_EV_IRQ_ENTRY] = 1, [KDF_EV_IRQ_EXIT] = 1,
		    [KDF_EV_SOFTIRQ_ENTRY] = 1, [KDF_EV_SOFTIRQ_EXIT] = 1, [KDF_EV_TRIGGER] = 1,
		    [KDF_EV_STACK] = 2, [KDF_EV_THREAD_EXIT] = 1 },
	.dropped = 3, .trigger_missed = UINT64_MAX, .stacks_lost = 1, .windows = 1,
	.exit_reason = 1,
};

const struct kdf_meta *kdf_test_meta(void) { return &test_meta; }
const struct kdf_window *kdf_test_window(void) { return &test_window; }
const struct kdf_summary *kdf_test_summary(void) { return &test_summary; }

const struct kdf_event *kdf_test_events(size_t *n)
{
	*n = ARRAY_SIZE(test_events);
	return test_events;
}

const struct kdf_thread *kdf_test_threads(size_t *n)
{
	*n = ARRAY_SIZE(test_threads);
	return test_threads;
}

const struct kdf_symbol *kdf_test_symbols(size_t *n)
{
	*n = ARRAY_SIZE(test_symbols);
	return test_symbols;
}

const char *kdf_test_string(uint32_t id, size_t *len)
{
	if (!id || id > ARRAY_SIZE(test_strings))
		return NULL;
	*len = test_strings[id - 1].len;
	return test_strings[id - 1].s;
}

const uint64_t *kdf_test_stack(uint32_t id, uint32_t *n)
{
	if (!id || id > ARRAY_SIZE(test_stacks))
		return NULL;
	*n = test_stacks[id - 1].n;
	return test_stacks[id - 1].ips;
}

/* --------------------------------------------------------------- sink */

struct kdf_test_sink {
	FILE *f;
};

struct kdf_writer *kdf_test_writer_open_err(const struct kdf_meta *meta, int zstd_level,
					    struct kdf_test_sink **sink, int *err)
{
	struct kdf_test_sink *s = xcalloc(1, sizeof(*s));
	struct kdf_writer *w;

	s->f = tmpfile();
	if (!s->f)
		abort();
	/* The writer owns and closes its fd; the sink keeps the FILE's. */
	w = kdf_writer_fdopen(dup(fileno(s->f)), meta ? meta : &test_meta, zstd_level, err);
	if (!w) {
		fclose(s->f);
		free(s);
		*sink = NULL;
		return NULL;
	}
	*sink = s;
	return w;
}

struct kdf_writer *kdf_test_writer_open(const struct kdf_meta *meta, struct kdf_test_sink **sink)
{
	int err;
	struct kdf_writer *w = kdf_test_writer_open_err(meta, 0, sink, &err);

	if (!w)
		abort();
	return w;
}

static uint8_t *sink_bytes(struct kdf_test_sink *s, size_t *len)
{
	long size;
	uint8_t *buf;

	if (fseek(s->f, 0, SEEK_END) || (size = ftell(s->f)) < 0)
		abort();
	buf = xcalloc((size_t)size + 1, 1);
	if (pread(fileno(s->f), buf, (size_t)size, 0) != size)
		abort();
	fclose(s->f);
	free(s);
	*len = (size_t)size;
	return buf;
}

uint8_t *kdf_test_writer_finish(struct kdf_writer *w, struct kdf_test_sink *sink,
				const struct kdf_summary *sum, size_t *len)
{
	if (kdf_writer_close(w, sum))
		abort();
	return sink_bytes(sink, len);
}

uint8_t *kdf_test_writer_abort(struct kdf_writer *w, struct kdf_test_sink *sink, size_t *len)
{
	kdf_writer_abort(w);
	return sink_bytes(sink, len);
}

uint8_t *kdf_test_capture_build(int uncompressed, size_t *len)
{
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(NULL, &sink);

	kdf_writer_set_uncompressed(w, uncompressed);
	for (size_t i = 0; i < ARRAY_SIZE(test_strings); i++)
		if (kdf_writer_intern(w, test_strings[i].s, test_strings[i].len) != i + 1)
			abort();
	for (size_t i = 0; i < ARRAY_SIZE(test_stacks); i++)
		if (kdf_writer_stack(w, test_stacks[i].ips, test_stacks[i].n) != i + 1)
			abort();
	for (size_t i = 0; i < ARRAY_SIZE(test_threads); i++)
		if (kdf_writer_thread(w, &test_threads[i]))
			abort();
	for (size_t i = 0; i < ARRAY_SIZE(test_events); i++)
		if (kdf_writer_event(w, &test_events[i]))
			abort();
	if (kdf_writer_flush(w) ||
	    kdf_writer_symbols(w, test_symbols, ARRAY_SIZE(test_symbols)) ||
	    kdf_writer_window(w, &test_window))
		abort();
	return kdf_test_writer_finish(w, sink, &test_summary, len);
}

size_t kdf_test_chunk_offsets(const uint8_t *buf, size_t len, uint64_t *offs, size_t max)
{
	size_t n = 0;
	uint64_t off = 16;

	while (off + 28 <= len) {
		uint32_t stored = (uint32_t)buf[off + 8] | (uint32_t)buf[off + 9] << 8 |
				  (uint32_t)buf[off + 10] << 16 | (uint32_t)buf[off + 11] << 24;

		if (n < max)
			offs[n] = off;
		n++;
		off += 28 + (uint64_t)stored;
	}
	return n;
}

/* ------------------------------------------------------------ reading */

static void collect_warning(void *ctx, uint64_t offset, const char *msg)
{
	struct kdf_test_result *res = ctx;

	if (res->nwarnings < KDF_TEST_MAX_WARNINGS) {
		res->warning_offsets[res->nwarnings] = offset;
		res->warnings[res->nwarnings++] = strdup(msg);
	}
}

static void add_events(struct kdf_test_result *res, const struct kdf_event *v, size_t n)
{
	res->events = realloc(res->events, (res->nevents + n + 1) * sizeof(*v));
	if (!res->events)
		abort();
	memcpy(res->events + res->nevents, v, n * sizeof(*v));
	res->nevents += n;
}

/* The span an EVENTS item says its events have, against their own ts. */
static void check_bounds(struct kdf_test_result *res, const struct kdf_item *item)
{
	uint64_t lo = 0, hi = 0;

	for (size_t i = 0; i < item->u.events.n; i++) {
		uint64_t ts = item->u.events.v[i].ts;

		lo = !i || ts < lo ? ts : lo;
		hi = !i || ts > hi ? ts : hi;
	}
	res->events_items++;
	if (item->u.events.first_ts != lo || item->u.events.last_ts != hi)
		res->bounds_wrong++;
}

static void add_thread(struct kdf_test_result *res, const struct kdf_thread *t)
{
	struct kdf_thread *c;
	char *name = xcalloc(t->name_len + 1, 1);

	memcpy(name, t->name, t->name_len);
	res->threads = realloc(res->threads, (res->nthreads + 1) * sizeof(*t));
	if (!res->threads)
		abort();
	c = &res->threads[res->nthreads++];
	*c = *t;
	c->name = name;
}

int kdf_test_read_ahead;

int kdf_test_read_all(const uint8_t *buf, size_t len, struct kdf_test_result *res)
{
	struct kdf_reader *r;
	struct kdf_item item;
	int rc;

	memset(res, 0, sizeof(*res));
	r = kdf_reader_open_mem(buf, len, collect_warning, res, &res->open_err, res->open_msg,
				sizeof(res->open_msg));
	if (!r)
		return res->open_err;
	if (kdf_test_read_ahead) {
		kdf_set_prefetch_min_bytes(0);
		kdf_reader_read_ahead(r);
	}
	while ((rc = kdf_reader_next(r, &item)) > 0) {
		res->items++;
		switch (item.type) {
		case KDF_ITEM_EVENTS:
			add_events(res, item.u.events.v, item.u.events.n);
			check_bounds(res, &item);
			break;
		case KDF_ITEM_THREAD:
			add_thread(res, &item.u.thread);
			break;
		case KDF_ITEM_SYMBOLS:
			res->nsymbols += item.u.symbols.n;
			break;
		case KDF_ITEM_WINDOW:
			res->nwindows++;
			res->window = item.u.window;
			break;
		case KDF_ITEM_SUMMARY:
			res->has_summary = 1;
			res->summary = item.u.summary;
			break;
		}
	}
	res->next_err = rc;
	kdf_reader_stats(r, &res->stats);
	kdf_reader_close(r);
	return 0;
}

void kdf_test_result_free(struct kdf_test_result *res)
{
	for (size_t i = 0; i < res->nthreads; i++)
		free((char *)res->threads[i].name);
	free(res->threads);
	free(res->events);
	for (size_t i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	memset(res, 0, sizeof(*res));
}

int kdf_test_find_warning(const struct kdf_test_result *res, const char *needle)
{
	for (size_t i = 0; i < res->nwarnings; i++)
		if (strstr(res->warnings[i], needle))
			return (int)i;
	return -1;
}
