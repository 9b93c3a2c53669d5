// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_capture.c - kdr_report_mem() on captures built in memory:
 * window selection and sections (what kdelay uses), filters, exit statuses
 * for incomplete and bad captures, and every prefix and many corruptions
 * of a capture through the whole report path without a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cmocka.h>

#include "helpers/kdf_test_capture.h"
#include "report.h"

#define T1 4242
#define T2 4243
#define MONO0 1000000000000ull

static const char *syscalls[] = { "read", "write", NULL, NULL, NULL, NULL, NULL, "poll" };

static char *out_buf, *err_buf;
static size_t out_len, err_len;

struct cap {
	uint8_t *buf;
	size_t len;
};

static void put_sys(struct kdf_writer *w, uint64_t ts, uint32_t tid, int enter, uint32_t nr)
{
	struct kdf_event e = { .ts = ts, .tid = tid,
			       .type = enter ? KDF_EV_SYS_ENTER : KDF_EV_SYS_EXIT };

	e.u.sys.nr = nr;
	assert_int_equal(kdf_writer_event(w, &e), 0);
}

/* Two windows; T2 exits in window 0 and is named only by the capture. */
static struct cap build(int with_summary)
{
	struct kdf_meta m = *kdf_test_meta();
	struct kdf_test_sink *sink;
	struct kdf_writer *w;
	struct cap c;

	m.pid = T1;
	m.mono_ns = MONO0;
	m.realtime_ns = 1700000000000000000ull;
	m.syscall_names = syscalls;
	m.syscall_count = 8;
	m.options.syscall_events_ns = -1;
	m.options.start_trigger = NULL;
	w = kdf_test_writer_open(&m, &sink);
	assert_non_null(w);

	for (int win = 0; win < 2; win++) {
		uint64_t s = MONO0 + 1000 + win * 1000000000ull;
		struct kdf_thread t1 = { .ts = MONO0, .tid = T1, .name = "main-thread", .name_len = 11 };
		struct kdf_thread t2 = { .ts = MONO0, .tid = T2, .name = "worker", .name_len = 6 };
		struct kdf_window wi = { .index = (uint32_t)win, .start_ts = s, .end_ts = s + 500000000,
					 .dropped = win };

		put_sys(w, s + 100, T1, 1, 0);
		put_sys(w, s + 1100, T1, 0, 0);
		put_sys(w, s + 2000, T1, 1, 7);
		put_sys(w, s + 12000, T1, 0, 7);
		if (win == 0) {
			struct kdf_event e = { .ts = s + 5000, .tid = T2, .type = KDF_EV_THREAD_EXIT };

			put_sys(w, s + 3000, T2, 1, 1);
			put_sys(w, s + 3500, T2, 0, 1);
			assert_int_equal(kdf_writer_event(w, &e), 0);
		}
		put_sys(w, s + 400000000, T1, 1, 0); /* in progress at the stop */
		{
			struct kdf_event e = { .ts = s + 450000000, .tid = T2, .type = KDF_EV_WAKEUP };

			/* woken, never on a CPU before the stop (in window 1 only:
			 * in window 0 it exited) */
			if (win == 1)
				assert_int_equal(kdf_writer_event(w, &e), 0);
		}
		assert_int_equal(kdf_writer_thread(w, &t1), 0);
		if (win == 0)
			assert_int_equal(kdf_writer_thread(w, &t2), 0);
		assert_int_equal(kdf_writer_window(w, &wi), 0);
	}
	if (with_summary) {
		c.buf = kdf_test_writer_finish(w, sink, NULL, &c.len);
	} else {
		struct kdf_event e = { .ts = MONO0 + 5000000000ull, .tid = T1,
				       .type = KDF_EV_SYS_ENTER };

		/* events of a third window that never closed */
		assert_int_equal(kdf_writer_event(w, &e), 0);
		assert_int_equal(kdf_writer_flush(w), 0);
		c.buf = kdf_test_writer_abort(w, sink, &c.len);
	}
	assert_non_null(c.buf);
	return c;
}

static int report(const struct cap *c, const struct kdr_options *o)
{
	FILE *out = open_memstream(&out_buf, &out_len);
	FILE *err = open_memstream(&err_buf, &err_len);
	int rc;

	assert_non_null(out);
	assert_non_null(err);
	rc = kdr_report_mem(c->buf, c->len, o, out, err);
	fclose(out);
	fclose(err);
	return rc;
}

static void done(void)
{
	free(out_buf);
	free(err_buf);
	out_buf = err_buf = NULL;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_full_report(void **state)
{
	struct cap c = build(1);
	struct kdr_options o;

	(void)state;
	setenv("TZ", "UTC", 1);
	kdr_options_init(&o);
	assert_int_equal(report(&c, &o), KDR_EXIT_OK);
	assert_string_equal(err_buf, "");
	assert_int_equal(count(out_buf, "# Start sampling @"), 2);
	assert_int_equal(count(out_buf, "# Sample dump @"), 2);
	/* an exited thread keeps the name the capture gave it */
	assert_non_null(strstr(out_buf, "      4243 worker           [SYSCALL STATISTICS]"));
	assert_null(strstr(out_buf, "unknown:"));
	assert_non_null(strstr(out_buf,
		"                            read                      0           1             1,000             1,000\n"));
	assert_non_null(strstr(out_buf,
		"                            TOTAL( - poll):                       1             1,000\n"));
	assert_int_equal(count(out_buf, "# SYSCALLS IN PROGRESS AT STOP:"), 2);
	assert_non_null(strstr(out_buf, "   4242 main-thread           100,000,000  read\n"));
	assert_int_equal(count(out_buf, "# THREADS WAITING FOR A CPU AT STOP:\n"), 1);
	assert_non_null(strstr(out_buf, "        1001450001000       4243 worker                 50,000,000\n"));
	/* footer: drops summed over windows (0 + 1) */
	assert_non_null(strstr(out_buf, "# WARNING: Not all events were captured, 1 were dropped!"));
	done();
	free(c.buf);
}

static void test_window_and_sections(void **state)
{
	struct cap c = build(0);
	struct kdr_options o;

	(void)state;
	kdr_options_init(&o);
	o.window = 1;
	o.sections = KDR_SEC_STOP | KDR_SEC_DUMP;
	/* what kdelay does right after window 1 closed: file still open */
	assert_int_equal(report(&c, &o), KDR_EXIT_OK);
	assert_string_equal(err_buf, "");
	assert_int_equal(count(out_buf, "# Start sampling"), 0);
	assert_int_equal(count(out_buf, "# Stop sampling @2023-11-14T22:13:21.500001"), 1);
	assert_int_equal(count(out_buf, "# Sample dump"), 1);
	/* worker has statistics in window 0 only; in window 1 it waits */
	assert_null(strstr(out_buf, "worker           [SYSCALL STATISTICS]"));
	assert_int_equal(count(out_buf, "worker"), 1);
	assert_non_null(strstr(out_buf, "# THREADS WAITING FOR A CPU AT STOP:"));
	assert_null(strstr(out_buf, "WARNING"));
	done();

	o.window = -1;
	o.sections = KDR_SEC_FOOTER;
	assert_int_equal(report(&c, &o), KDR_EXIT_INCOMPLETE);
	assert_string_equal(out_buf, "\n# WARNING: Not all events were captured, 1 were dropped!\n"
				     "#          Increase the BPF ring buffer size with the "
				     "--buffer-page-count option.\n");
	assert_non_null(strstr(err_buf, "no end record: the recorder was killed, crashed, or is still running"));
	assert_non_null(strstr(err_buf, "window 2 never closed: reported up to its last event (1 events)"));
	done();

	o.window = 2; /* not closed yet */
	o.sections = KDR_SEC_ALL;
	assert_int_equal(report(&c, &o), EX_DATAERR);
	assert_non_null(strstr(err_buf, "no window 2 (2 windows)"));
	done();
	free(c.buf);
}

static void test_filters(void **state)
{
	struct cap c = build(1);
	struct kdr_options o;
	uint32_t tid = T2;

	(void)state;
	kdr_options_init(&o);
	o.tids = &tid;
	o.ntids = 1;
	assert_int_equal(report(&c, &o), KDR_EXIT_OK);
	assert_null(strstr(out_buf, "main-thread"));
	assert_int_equal(count(out_buf, "worker"), 2); /* statistics, then waiting */
	done();

	kdr_options_init(&o);
	o.thread_regex = "^main";
	o.syscall = "poll";
	assert_int_equal(report(&c, &o), KDR_EXIT_OK);
	assert_null(strstr(out_buf, "worker"));
	assert_int_equal(count(out_buf, " read "), 0);
	assert_int_equal(count(out_buf, " poll "), 2);
	assert_null(strstr(out_buf, "IN PROGRESS")); /* the open one is a read */
	done();

	kdr_options_init(&o);
	o.has_time_range = 1; /* the second window only */
	o.time_start_s = 0.9;
	o.time_end_s = -1;
	assert_int_equal(report(&c, &o), KDR_EXIT_OK);
	assert_int_equal(count(out_buf, "# Sample dump"), 1);
	assert_null(strstr(out_buf, "worker           [SYSCALL STATISTICS]"));
	done();

	kdr_options_init(&o);
	o.thread_regex = "([";
	assert_int_equal(report(&c, &o), EX_USAGE);
	assert_non_null(strstr(err_buf, "bad --thread regex"));
	done();

	kdr_options_init(&o);
	o.syscall = "nosuchcall";
	assert_int_equal(report(&c, &o), EX_USAGE);
	done();
	free(c.buf);
}

static void test_json_document(void **state)
{
	struct cap c = build(0);
	struct kdr_options o;

	(void)state;
	kdr_options_init(&o);
	o.format = KDR_FMT_JSON;
	assert_int_equal(report(&c, &o), KDR_EXIT_INCOMPLETE);
	assert_non_null(strstr(out_buf, "\"schema_version\": 1,"));
	assert_non_null(strstr(out_buf, "\"complete\": false,"));
	assert_non_null(strstr(out_buf, "\"unclosed_events\": 1"));
	/* the window left open is the third, marked as such, and only it */
	assert_int_equal(count(out_buf, "\"index\": "), 3);
	assert_int_equal(count(out_buf, "\"incomplete\": true,\n      \"end_reason\": \"killed\","), 1);
	assert_int_equal(count(out_buf, "\"incomplete\""), 1);
	assert_int_equal(out_buf[out_len - 2], '}');
	done();
	free(c.buf);
}

static void test_bad_inputs(void **state)
{
	struct kdr_options o;
	struct cap c = { (uint8_t *)"not a capture at all, not at all", 32 };

	(void)state;
	kdr_options_init(&o);
	assert_int_equal(report(&c, &o), EX_DATAERR);
	assert_non_null(strstr(err_buf, "kdelay-report: capture: "));
	done();
	c.len = 0;
	assert_int_equal(report(&c, &o), EX_DATAERR);
	done();
	o.ntids = 1; /* and no array */
	assert_int_equal(report(&c, &o), EX_USAGE);
	done();
}

/* Every prefix and many corruptions, through text, JSON and --info. */
static void test_no_crash_on_damage(void **state)
{
	size_t n;
	uint8_t *std = kdf_test_capture_build(0, &n);
	struct cap mine = build(1);
	struct kdr_options o[4];
	const struct cap *caps[2];
	struct cap std_cap = { std, n };

	(void)state;
	caps[0] = &std_cap;
	caps[1] = &mine;
	for (int k = 0; k < 4; k++)
		kdr_options_init(&o[k]);
	o[1].format = KDR_FMT_JSON;
	o[2].info = 1;
	o[3].syscall_events_ns = 0;
	o[3].window = 0;
	for (int ci = 0; ci < 2; ci++) {
		const struct cap *c = caps[ci];
		uint8_t *copy = malloc(c->len);

		assert_non_null(copy);
		for (size_t len = 0; len <= c->len; len++) {
			struct cap cut = { c->buf, len };
			int rc = report(&cut, &o[len % 4]);

			done();
			assert_true(rc == 0 || rc == 1 || rc == EX_DATAERR);
		}
		for (size_t i = 0; i < c->len * 3; i++) {
			struct cap bad = { copy, c->len };
			int rc;

			memcpy(copy, c->buf, c->len);
			copy[(i * 7919) % c->len] ^= (uint8_t)(1u << (i % 8));
			rc = report(&bad, &o[i % 4]);
			done();
			assert_true(rc == 0 || rc == 1 || rc == EX_DATAERR);
		}
		free(copy);
	}
	free(std);
	free(mine.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_report),
		cmocka_unit_test(test_window_and_sections),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_no_crash_on_damage),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
