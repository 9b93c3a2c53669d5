// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_losses.c - a capture with KDF_EV_LOSS events, built in
 * memory with the real writer, through the whole report: the intervals
 * that span a loss are unknown in the text, the JSON and the exports'
 * timeline, counted per thread with exact numbers; --info lists the
 * losses per CPU; the footer says where they were.
 *
 * Times are ns after the window's start S (window [S, S + 1000000]).
 * Thread T ("handler1"):
 *   100 switched in (running: unknown, a loss follows before its end)
 *   110 getppid enters; loss on cpu 1 from 150 to 250 (2 events);
 *   300 getppid returns                  -> unknown, not a 200 ns call
 *   400..460 getppid                     -> measured, 60 ns
 *   500 hard irq 9 enters; loss on cpu 0 from 520 to 530 (1 event);
 *   540 irq returns (handled)            -> unknown
 *   600 switched out asleep; 700 woken; loss on cpu 1 750..760 (4 events);
 *   800 switched in                      -> ready 700..800 unknown
 *   900..950 getppid                     -> measured, 50 ns
 *   1000 switched out asleep             -> run 800..1000 measured
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "export_internal.h"
#include "helpers/kdf_test_capture.h"
#include "report.h"

#define T 4242
#define OTHER 999
#define MONO0 1000000000000ull
#define S (MONO0 + 1000)
#define GETPPID 110

static const char *syscall_name(uint32_t nr)
{
	return nr == GETPPID ? "getppid" : NULL;
}

static struct kdf_writer *w;

static void put(uint64_t at, uint32_t tid, uint8_t type)
{
	struct kdf_event e = { .ts = S + at, .tid = tid, .cpu = 1, .type = type };

	assert_int_equal(kdf_writer_event(w, &e), 0);
}

static void put_sys(uint64_t at, int enter)
{
	struct kdf_event e = { .ts = S + at, .tid = T, .cpu = 1,
			       .type = enter ? KDF_EV_SYS_ENTER : KDF_EV_SYS_EXIT };

	e.u.sys.nr = GETPPID;
	assert_int_equal(kdf_writer_event(w, &e), 0);
}

static void put_switch(uint64_t at, int in)
{
	struct kdf_event e = { .ts = S + at, .tid = in ? OTHER : T, .cpu = 1,
			       .type = KDF_EV_SWITCH };

	e.flags = in ? KDF_SW_NEXT_TARGET : KDF_SW_PREV_TARGET;
	e.u.sw.next_tid = in ? T : OTHER;
	e.u.sw.prev_state = 1; /* asleep */
	assert_int_equal(kdf_writer_event(w, &e), 0);
}

static void put_loss(uint64_t at, uint64_t end, uint16_t cpu, uint64_t count)
{
	struct kdf_event e = { .ts = S + at, .cpu = cpu, .type = KDF_EV_LOSS };

	e.u.loss.count = count;
	e.u.loss.end_ts = S + end;
	assert_int_equal(kdf_writer_event(w, &e), 0);
}

static void put_irq(uint64_t at, int entry)
{
	struct kdf_event e = { .ts = S + at, .tid = T, .cpu = 1,
			       .type = entry ? KDF_EV_IRQ_ENTRY : KDF_EV_IRQ_EXIT };

	e.u.irq_entry.irq = 9;
	e.u.irq_entry.name_id = entry ? kdf_writer_intern(w, "eth0", 4) : 1; /* exit: ret 1 */
	assert_int_equal(kdf_writer_event(w, &e), 0);
}

static uint8_t *build(size_t *len)
{
	static const char *names[GETPPID + 1];
	struct kdf_meta m = *kdf_test_meta();
	struct kdf_thread t = { .ts = MONO0, .tid = T, .name = "handler1", .name_len = 8 };
	struct kdf_window win = { .start_ts = S, .end_ts = S + 1000000, .dropped = 7 };
	struct kdf_test_sink *sink;

	for (uint32_t i = 0; i <= GETPPID; i++)
		names[i] = syscall_name(i);
	m.pid = T;
	m.mono_ns = MONO0;
	m.syscall_names = names;
	m.syscall_count = GETPPID + 1;
	m.options.syscall_events_ns = -1;
	m.options.start_trigger = NULL;
	m.options.stop_trigger = NULL;
	w = kdf_test_writer_open(&m, &sink);
	assert_non_null(w);
	put_switch(100, 1);
	put_sys(110, 1);
	put_sys(300, 0);
	put_loss(150, 250, 1, 2); /* written after the event it precedes */
	put_sys(400, 1);
	put_sys(460, 0);
	put_irq(500, 1);
	put_loss(520, 530, 0, 1);
	put_irq(540, 0);
	put_switch(600, 0);
	put(700, T, KDF_EV_WAKEUP);
	put_loss(750, 760, 1, 4);
	put_switch(800, 1);
	put_sys(900, 1);
	put_sys(950, 0);
	put_switch(1000, 0);
	assert_int_equal(kdf_writer_thread(w, &t), 0);
	assert_int_equal(kdf_writer_window(w, &win), 0);
	return kdf_test_writer_finish(w, sink, NULL, len);
}

static char *out_buf, *err_buf;
static size_t out_len, err_len;

static int report(const uint8_t *buf, size_t len, const struct kdr_options *o)
{
	FILE *out = open_memstream(&out_buf, &out_len);
	FILE *err = open_memstream(&err_buf, &err_len);
	int rc;

	assert_non_null(out);
	assert_non_null(err);
	rc = kdr_report_mem(buf, len, o, out, err);
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

static void test_text(void **state)
{
	struct kdr_options o;
	size_t len;
	uint8_t *buf = build(&len);

	(void)state;
	kdr_options_init(&o);
	assert_int_equal(report(buf, len, &o), KDR_EXIT_OK);
	/* getppid: the two measured calls only (not 110..300) */
	assert_non_null(strstr(out_buf, "getppid                 110           2               110"
					"                60\n"));
	assert_non_null(strstr(out_buf, "\n                            [UNKNOWN: SPANNED LOST EVENTS] "
					"1 syscall, 1 run, 1 ready, 1 hard irq, 0 soft irq\n"));
	/* run: 800..1000 only; ready: none measured */
	assert_non_null(strstr(out_buf, "         1               200               200               200\n"));
	assert_null(strstr(out_buf, "[HARD IRQ STATISTICS]"));
	assert_non_null(strstr(out_buf, "# WARNING: Not all events were captured, 7 were dropped!\n"));
	assert_non_null(strstr(out_buf, "#          They were lost in 3 burst(s) from +0.000001 s to "
					"+0.000002 s after the\n#          recording started; the 4 "
					"interval(s) spanning them are unknown, not\n"));
	done();
	free(buf);
}

/* out_buf without blanks (pretty-printed JSON, no blank in its strings) */
static const char *compact(void)
{
	size_t k = 0;

	for (size_t i = 0; i < out_len; i++)
		if (out_buf[i] != ' ' && out_buf[i] != '\n')
			out_buf[k++] = out_buf[i];
	out_buf[k] = '\0';
	return out_buf;
}

static void test_json(void **state)
{
	struct kdr_options o;
	size_t len;
	uint8_t *buf = build(&len);

	(void)state;
	kdr_options_init(&o);
	o.format = KDR_FMT_JSON;
	assert_int_equal(report(buf, len, &o), KDR_EXIT_OK);
	assert_non_null(strstr(compact(), "\"unknown\":{\"syscalls\":1,\"run\":1,\"ready\":1,"
					"\"hardirqs\":1,\"softirqs\":0,\"total\":4}"));
	assert_non_null(strstr(out_buf, "\"losses\":{\"records\":3,\"events\":7,\"first_ns\":1000000001150,"
					"\"end_ns\":1000000001760}"));
	assert_non_null(strstr(out_buf, "\"unknown_intervals\":4"));
	done();
	free(buf);
}

static void test_info(void **state)
{
	struct kdr_options o;
	size_t len;
	uint8_t *buf = build(&len);

	(void)state;
	kdr_options_init(&o);
	o.info = 1;
	assert_int_equal(report(buf, len, &o), KDR_EXIT_OK);
	assert_non_null(strstr(out_buf, "\ndropped:             7\n"
					"losses:              7 events in 3 records\n"
					"  cpu 0:             1 events in 1 records, +0.000002 s to +0.000002 s\n"
					"  cpu 1:             6 events in 2 records, +0.000001 s to +0.000002 s\n"));
	assert_null(strstr(out_buf, "\n  unknown type")); /* LOSS is a known type */
	done();
	o.format = KDR_FMT_JSON;
	assert_int_equal(report(buf, len, &o), KDR_EXIT_OK);
	assert_non_null(strstr(compact(), "\"loss\":3,\"unknown\":0}"));
	assert_non_null(strstr(out_buf, "\"losses\":[{\"cpu\":0,\"records\":1,\"events\":1,"
					"\"first_ns\":1000000001520,\"end_ns\":1000000001530},"
					"{\"cpu\":1,\"records\":2,\"events\":6,"
					"\"first_ns\":1000000001150,\"end_ns\":1000000001760}]"));
	done();
	free(buf);
}

struct slices {
	char lines[32][96];
	size_t n;
};

static const char *const kinds[] = { "running", "ready", "syscall", "hardirq", "softirq" };

static int on_slice(void *ctx, const struct kdr_xslice *s)
{
	struct slices *g = ctx;

	assert_true(g->n < 32);
	snprintf(g->lines[g->n++], sizeof(g->lines[0]), "%s %llu..%llu%s", kinds[s->kind],
		 (unsigned long long)(s->start - S), (unsigned long long)(s->end - S),
		 (s->flags & KDR_XS_LOST) ? " lost" : "");
	return 0;
}

/* The timeline (exports): slices cut at a loss, flagged; nothing made up
 * across it (the getppid exit at 300 and the switch-in at 800 end no
 * slice). */
static void test_timeline(void **state)
{
	static const char *const want[] = {
		"ready 100..100", /* (since the capture's first event) */
		"running 100..150 lost", "syscall 110..150 lost", "syscall 400..460",
		"hardirq 500..520 lost", "ready 700..750 lost",	 "running 800..1000",
		"syscall 900..950",
	};
	struct kdr_export_opts o = { .out = stdout };
	struct slices g = { .n = 0 };
	struct kdr_xsink sink = { .ctx = &g, .slice = on_slice };
	struct kdr_export x;
	char path[] = "/tmp/test_report_losses.XXXXXX";
	size_t len, i, k;
	uint8_t *buf = build(&len);
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	assert_int_equal(kdr_export_open(&x, path, &o, "test"), EX_OK);
	assert_int_equal(kdr_export_scan(&x, &sink), EX_OK);
	kdr_export_close(&x);
	unlink(path);
	free(buf);
	/* what was open at a loss ends there, flagged; nothing spans one */
	assert_int_equal(g.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (k = 0; k < g.n && strcmp(g.lines[k], want[i]); k++)
			;
		if (k == g.n)
			fail_msg("no slice '%s'", want[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_timeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
