// SPDX-License-Identifier: BSD-2-Clause
/* The window state machine: which events belong to a window, the
 * trigger-delta hold buffer, skipped windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "window.h"

struct sink {
	uint64_t ts[64];
	size_t n;
	int fail; /* emit error to return */
};

static int emit(void *ctx, const struct kdf_event *ev)
{
	struct sink *s = ctx;

	if (s->fail)
		return s->fail;
	if (s->n < 64)
		s->ts[s->n++] = ev->ts;
	return 0;
}

static void feed(struct kd_window *w, uint64_t ts)
{
	struct kdf_event ev = { .ts = ts, .type = KDF_EV_SYS_ENTER };

	assert_int_equal(window__event(w, &ev), 0);
}

static void test_time_window_bounds(void **state)
{
	struct sink s = { 0 };
	struct kd_window w;
	struct kdf_window out;

	(void)state;
	window__init(&w, 0, 0, emit, &s);
	feed(&w, 5); /* no window yet */
	window__open(&w, 100, 0, false, false);
	feed(&w, 99);
	feed(&w, 100);
	feed(&w, 150);
	window__end(&w, 200, 0, 0);
	feed(&w, 200); /* drained after the end: still inside */
	feed(&w, 201);
	assert_int_equal(window__close(&w, &out), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ts[0], 100);
	assert_int_equal(s.ts[2], 200);
	assert_int_equal(out.index, 0);
	assert_int_equal(out.flags, 0);
	assert_int_equal(out.start_ts, 100);
	assert_int_equal(out.end_ts, 200);
	feed(&w, 300); /* closed */
	assert_int_equal(s.n, 3);
	window__free(&w);
}

static void test_skipped_window_writes_nothing(void **state)
{
	struct sink s = { 0 };
	struct kd_window w;
	struct kdf_window out;

	(void)state;
	window__init(&w, 1000, 0, emit, &s);
	window__arm(&w);
	feed(&w, 10); /* armed: not open yet */
	window__open(&w, 100, 100, true, true);
	feed(&w, 100);
	feed(&w, 500);
	assert_int_equal(s.n, 0); /* held: the window may still be short */
	window__end(&w, 900, 900, 0);
	assert_int_equal(window__close(&w, &out), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(out.flags, KDF_WIN_TRIGGERED | KDF_WIN_SKIPPED);
	assert_int_equal(out.start_trigger_ts, 100);
	assert_int_equal(out.stop_trigger_ts, 900);
	window__free(&w);
}

static void test_long_window_released(void **state)
{
	struct sink s = { 0 };
	struct kd_window w;
	struct kdf_window out;

	(void)state;
	window__init(&w, 1000, 0, emit, &s);
	window__open(&w, 100, 100, true, true);
	feed(&w, 200);
	feed(&w, 300);
	assert_int_equal(s.n, 0);
	feed(&w, 1100); /* 1000 ns after the start: the window will be kept */
	assert_int_equal(s.n, 3);
	feed(&w, 1200);
	assert_int_equal(s.n, 4);
	window__end(&w, 1500, 1500, 0);
	assert_int_equal(window__close(&w, &out), 0);
	assert_int_equal(out.flags, KDF_WIN_TRIGGERED);
	assert_int_equal(s.ts[0], 200);
	window__free(&w);
}

static void test_tick_releases(void **state)
{
	struct sink s = { 0 };
	struct kd_window w;
	struct kdf_window out;

	(void)state;
	window__init(&w, 1000, 0, emit, &s);
	window__open(&w, 100, 100, true, true);
	feed(&w, 200);
	assert_int_equal(window__tick(&w, 500), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(window__tick(&w, 1100), 0);
	assert_int_equal(s.n, 1);
	feed(&w, 300); /* no longer held */
	assert_int_equal(s.n, 2);
	window__end(&w, 2000, 2000, 0);
	assert_int_equal(window__close(&w, &out), 0);
	assert_false(out.flags & KDF_WIN_SKIPPED);
	window__free(&w);
}

static void test_interrupted_held_window_is_kept(void **state)
{
	struct sink s = { 0 };
	struct kd_window w;
	struct kdf_window out;

	(void)state;
	window__init(&w, 1000, 0, emit, &s);
	window__open(&w, 100, 100, true, true);
	feed(&w, 200);
	/* SIGINT: no stop trigger timestamp, so it cannot be judged short */
	window__end(&w, 300, 0, KDF_WIN_INTERRUPTED);
	assert_int_equal(window__close(&w, &out), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(out.flags, KDF_WIN_TRIGGERED | KDF_WIN_INTERRUPTED);
	assert_int_equal(out.index, 0);
	window__free(&w);
}

static void test_hold_bound(void **state)
{
	struct sink s = { 0 };
	struct kd_window w;
	struct kdf_window out;
	int i;

	(void)state;
	window__init(&w, 1000000, 4, emit, &s);
	window__open(&w, 100, 100, true, true);
	for (i = 0; i < 10; i++)
		feed(&w, 200 + i);
	window__end(&w, 2000000, 2000000, 0);
	assert_int_equal(window__close(&w, &out), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(out.dropped, 6); /* what did not fit is counted */
	window__free(&w);
}

static void test_only_start_trigger_never_skipped(void **state)
{
	struct sink s = { 0 };
	struct kd_window w;
	struct kdf_window out;

	(void)state;
	window__init(&w, 1000, 0, emit, &s);
	window__open(&w, 100, 100, true, false); /* no stop trigger */
	feed(&w, 150);
	assert_int_equal(s.n, 1);
	window__end(&w, 200, 0, 0);
	assert_int_equal(window__close(&w, &out), 0);
	assert_int_equal(out.flags, KDF_WIN_TRIGGERED);
	window__open(&w, 300, 300, true, false);
	window__end(&w, 400, 0, 0);
	assert_int_equal(window__close(&w, &out), 0);
	assert_int_equal(out.index, 1);
	window__free(&w);
}

static void test_emit_error_propagates(void **state)
{
	struct sink s = { .fail = KDF_E_IO };
	struct kd_window w;
	struct kdf_event ev = { .ts = 150 };

	(void)state;
	window__init(&w, 0, 0, emit, &s);
	window__open(&w, 100, 0, false, false);
	assert_int_equal(window__event(&w, &ev), KDF_E_IO);
	window__free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_window_bounds),
		cmocka_unit_test(test_skipped_window_writes_nothing),
		cmocka_unit_test(test_long_window_released),
		cmocka_unit_test(test_tick_releases),
		cmocka_unit_test(test_interrupted_held_window_is_kept),
		cmocka_unit_test(test_hold_bound),
		cmocka_unit_test(test_only_start_trigger_never_skipped),
		cmocka_unit_test(test_emit_error_propagates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
