// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_capture_end.c - report/engine/capture_end.c: the window a capture
 * leaves open (its bounds are its first and last events, late events of
 * the window closed before it are not its own, its index follows) and why
 * a capture ends (no SUMMARY, truncation, the SUMMARY's end_reason, an
 * older SUMMARY's exit_reason).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture_end.h"

static struct kdf_event ev(uint64_t ts)
{
	struct kdf_event e;

	memset(&e, 0, sizeof(e));
	e.ts = ts;
	e.type = KDF_EV_SYS_ENTER;
	return e;
}

static void test_nothing_open(void **state)
{
	struct kdr_unclosed u = { 0 };
	struct kdf_window w = { .index = 3, .start_ts = 10, .end_ts = 100 };
	struct kdf_event e[2] = { ev(50), ev(90) };

	(void)state;
	assert_int_equal(kdr_unclosed_get(&u, &w), 0);
	kdr_unclosed_events(&u, e, 2);
	kdr_unclosed_closed(&u, &w);
	assert_int_equal(kdr_unclosed_get(&u, &w), 0);
	assert_int_equal(w.flags, 0);
}

static void test_only_window(void **state)
{
	struct kdr_unclosed u = { 0 };
	struct kdf_event e[3] = { ev(700), ev(500), ev(900) };
	struct kdf_window w;

	(void)state;
	kdr_unclosed_events(&u, e, 3);
	assert_int_equal(kdr_unclosed_get(&u, &w), 1);
	assert_int_equal(w.index, 0);
	assert_int_equal(w.flags, KDR_WIN_UNCLOSED);
	assert_int_equal(w.start_ts, 500);
	assert_int_equal(w.end_ts, 900);
	assert_int_equal(u.events, 3);
}

static void test_after_a_closed_window(void **state)
{
	struct kdr_unclosed u = { 0 };
	struct kdf_event before[1] = { ev(20) };
	/* 90 and 100 are late events of window 4 (its end is 100) */
	struct kdf_event after[4] = { ev(90), ev(150), ev(100), ev(120) };
	struct kdf_window w = { .index = 4, .start_ts = 10, .end_ts = 100 };

	(void)state;
	kdr_unclosed_events(&u, before, 1);
	kdr_unclosed_closed(&u, &w);
	kdr_unclosed_events(&u, after, 4);
	assert_int_equal(kdr_unclosed_get(&u, &w), 1);
	assert_int_equal(w.index, 5);
	assert_int_equal(w.start_ts, 120);
	assert_int_equal(w.end_ts, 150);
	assert_int_equal(u.events, 2);
	/* only late events after the last window: nothing is open */
	memset(&u, 0, sizeof(u));
	w = (struct kdf_window){ .index = 0, .start_ts = 10, .end_ts = 100 };
	kdr_unclosed_closed(&u, &w);
	kdr_unclosed_events(&u, after, 1);
	assert_int_equal(kdr_unclosed_get(&u, &w), 0);
}

/* kdr_unclosed_item(), which trusts the item's span unless some events
 * may be late ones of the window just closed, against
 * kdr_unclosed_events() walking every event: the same window at every
 * step, over batches before, straddling and after a closed window's end. */
static void test_item_as_events(void **state)
{
	static const uint64_t ts[] = { 20, 5, 40, 90, 150, 100, 120, 101, 300, 250, 99, 400 };
	struct kdf_window closing = { .index = 2, .start_ts = 10, .end_ts = 100 };

	(void)state;
	for (size_t cut = 0; cut <= 6; cut++) {
		for (size_t batch = 1; batch <= 4; batch++) {
			struct kdr_unclosed a = { 0 }, b = { 0 };
			size_t n = sizeof(ts) / sizeof(ts[0]);

			for (size_t at = 0; at < n; at += batch) {
				struct kdf_event e[4];
				struct kdf_item it = { .type = KDF_ITEM_EVENTS };
				struct kdf_window wa, wb;
				size_t k = n - at < batch ? n - at : batch;

				if (at == cut * 2) {
					kdr_unclosed_closed(&a, &closing);
					kdr_unclosed_closed(&b, &closing);
				}
				for (size_t i = 0; i < k; i++) {
					e[i] = ev(ts[at + i]);
					if (!i || e[i].ts < it.u.events.first_ts)
						it.u.events.first_ts = e[i].ts;
					if (!i || e[i].ts > it.u.events.last_ts)
						it.u.events.last_ts = e[i].ts;
				}
				it.u.events.v = e;
				it.u.events.n = k;
				kdr_unclosed_events(&a, e, k);
				kdr_unclosed_item(&b, &it);
				assert_int_equal(kdr_unclosed_get(&a, &wa), kdr_unclosed_get(&b, &wb));
				assert_memory_equal(&wa, &wb, sizeof(wa));
				assert_int_equal(a.events, b.events);
			}
		}
	}
}

static void test_end_reasons(void **state)
{
	struct kdf_summary s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(kdr_capture_end(0, &s, 0), KDR_END_NO_SUMMARY);
	assert_string_equal(kdr_end_token(KDR_END_NO_SUMMARY), "killed");
	assert_string_equal(kdr_end_text(KDR_END_NO_SUMMARY),
			    "no end record: the recorder was killed, crashed, or is still running");
	assert_int_equal(kdr_capture_end(0, &s, 1), KDR_END_TRUNCATED);
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_STOPPED);
	assert_int_equal(kdr_end_lost(KDR_END_STOPPED), 0);
	s.exit_reason = 2; /* an older recorder: target exited */
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_TARGET_EXITED);
	s.exit_reason = 3;
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_ERROR);
	snprintf(s.end_reason, sizeof(s.end_reason), "disk-full");
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_DISK_FULL);
	assert_int_equal(kdr_end_lost(KDR_END_DISK_FULL), 1);
	assert_string_equal(kdr_end_token(KDR_END_DISK_FULL), "disk-full");
	assert_string_equal(kdr_end_text(KDR_END_DISK_FULL),
			    "the disk was full: the recorder stopped writing");
	snprintf(s.end_reason, sizeof(s.end_reason), "write-error");
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_WRITE_ERROR);
	assert_int_equal(kdr_end_lost(KDR_END_WRITE_ERROR), 1);
	snprintf(s.end_reason, sizeof(s.end_reason), "stopped");
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_STOPPED);
	snprintf(s.end_reason, sizeof(s.end_reason), "target-exited");
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_TARGET_EXITED);
	/* a reason this reader does not know: exit_reason decides */
	snprintf(s.end_reason, sizeof(s.end_reason), "cosmic-ray");
	s.exit_reason = 1;
	assert_int_equal(kdr_capture_end(1, &s, 0), KDR_END_STOPPED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_open),
		cmocka_unit_test(test_only_window),
		cmocka_unit_test(test_after_a_closed_window),
		cmocka_unit_test(test_item_as_events),
		cmocka_unit_test(test_end_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
