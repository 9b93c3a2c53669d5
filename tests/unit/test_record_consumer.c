// SPDX-License-Identifier: BSD-2-Clause
/* The consumer: ring-buffer records in, capture items out.  Synthetic
 * records go through consumer__handle() and a real writer; the capture is
 * read back with the format library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "consumer.h"
#include "kdelay_events.h"
#include "window.h"

struct fixture {
	char path[64];
	struct kdf_writer *w;
	struct kd_window win;
	struct kd_consumer c;
};

static int setup(void **state)
{
	static const char *const names[] = { "read", "write" };
	struct kdf_meta meta = {
		.kdelay_version = "test", .command_line = "test", .hostname = "h",
		.kernel_release = "r", .arch = "x86_64", .ncpus = 1, .pid = 100,
		.comm = "target", .syscall_names = names, .syscall_count = 2,
		.options = { .syscall_events_ns = -1 },
	};
	struct fixture *f = calloc(1, sizeof(*f));
	int err = 0, fd;

	assert_non_null(f);
	strcpy(f->path, "/tmp/kd-consumer-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	f->w = kdf_writer_fdopen(fd, &meta, 0, &err);
	assert_non_null(f->w);
	window__init(&f->win, 0, 0, consumer__emit, &f->c);
	consumer__init(&f->c, f->w, &f->win, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	window__free(&f->win);
	free(f);
	return 0;
}

static void hdr(struct kd_ev_hdr *h, uint8_t type, uint64_t ts, uint32_t tid)
{
	h->ts = ts;
	h->tid = tid;
	h->type = type;
	h->flags = 0;
	h->cpu = 1;
}

static void sys(struct fixture *f, uint8_t type, uint64_t ts, uint32_t tid, uint32_t nr)
{
	struct kd_ev_sys e = { .nr = nr, .ret = type == KD_EV_SYS_EXIT ? 7 : 0 };

	hdr(&e.hdr, type, ts, tid);
	assert_int_equal(consumer__handle(&f->c, &e, sizeof(e)), 0);
}

/* Close the window and the file, and read everything back; the reader
 * is returned (for its stack table) and closed by the caller. */
static struct kdf_reader *read_back(struct fixture *f, struct kdf_event *evs, size_t *nev,
				    char *names, size_t names_len, struct kdf_window *win)
{
	struct kdf_summary sum = { 0 };
	struct kdf_reader *r;
	struct kdf_item it;
	char msg[128];
	int err, rc;

	window__close(&f->win, win);
	assert_int_equal(kdf_writer_window(f->w, win), 0);
	sum.windows = 1;
	assert_int_equal(kdf_writer_close(f->w, &sum), 0);
	r = kdf_reader_open(f->path, NULL, NULL, &err, msg, sizeof(msg));
	assert_non_null(r);
	*nev = 0;
	names[0] = '\0';
	while ((rc = kdf_reader_next(r, &it)) == 1) {
		if (it.type == KDF_ITEM_EVENTS) {
			memcpy(evs + *nev, it.u.events.v, it.u.events.n * sizeof(*evs));
			*nev += it.u.events.n;
		} else if (it.type == KDF_ITEM_THREAD) {
			size_t l = strlen(names);

			snprintf(names + l, names_len - l, "%u=%.*s;", it.u.thread.tid,
				 (int)it.u.thread.name_len, it.u.thread.name);
		}
	}
	assert_int_equal(rc, 0);
	return r;
}

static void test_translation_and_window(void **state)
{
	struct fixture *f = *state;
	struct kdf_event evs[64];
	struct kdf_window win;
	char names[256];
	size_t n;
	struct kd_ev_switch sw = { .next_tid = 102, .prev_state = 0 };
	struct kd_ev_softirq si = { .vec = 9 };
	struct kd_ev_comm cm = { .comm = "handler1" };

	sys(f, KD_EV_SYS_ENTER, 50, 101, 1); /* before any window: dropped */
	window__open(&f->win, 100, 0, false, false);
	cm.hdr.flags = KD_COMM_NEW_THREAD;
	hdr(&cm.hdr, KD_EV_COMM, 90, 101); /* names pass whatever the window */
	consumer__handle(&f->c, &cm, sizeof(cm));
	sys(f, KD_EV_SYS_ENTER, 110, 101, 1);
	sys(f, KD_EV_SYS_EXIT, 120, 101, 1);
	hdr(&sw.hdr, KD_EV_SWITCH, 130, 101);
	sw.hdr.flags = KD_SW_PREV_TARGET | KD_SW_PREEMPT;
	consumer__handle(&f->c, &sw, sizeof(sw));
	hdr(&si.hdr, KD_EV_SOFTIRQ_ENTRY, 140, 101);
	consumer__handle(&f->c, &si, sizeof(si));
	/* a short record and an unknown type are counted, not written */
	consumer__handle(&f->c, &si, 4);
	si.hdr.type = 99;
	consumer__handle(&f->c, &si, sizeof(si));
	window__end(&f->win, 200, 0, 0);
	sys(f, KD_EV_SYS_ENTER, 300, 101, 0); /* after the end: dropped */

	kdf_reader_close(read_back(f, evs, &n, names, sizeof(names), &win));
	assert_int_equal(n, 4);
	assert_int_equal(evs[0].type, KDF_EV_SYS_ENTER);
	assert_int_equal(evs[0].ts, 110);
	assert_int_equal(evs[0].tid, 101);
	assert_int_equal(evs[0].cpu, 1);
	assert_int_equal(evs[1].type, KDF_EV_SYS_EXIT);
	assert_int_equal(evs[1].u.sys.ret, 7);
	assert_int_equal(evs[2].type, KDF_EV_SWITCH);
	assert_int_equal(evs[2].u.sw.next_tid, 102);
	assert_int_equal(evs[2].flags, KDF_SW_PREV_TARGET | KDF_SW_PREEMPT);
	assert_int_equal(evs[3].type, KDF_EV_SOFTIRQ_ENTRY);
	assert_int_equal(evs[3].u.softirq.vec, 9);
	assert_string_equal(names, "101=handler1;");
	assert_int_equal(f->c.bad_records, 2);
	assert_int_equal(f->c.written[KDF_EV_SYS_ENTER], 1);
	assert_int_equal(f->c.err, 0);
	assert_int_equal(win.start_ts, 100);
	assert_int_equal(win.end_ts, 200);
}

static void test_stack_record(void **state)
{
	struct fixture *f = *state;
	struct kdf_event evs[16];
	struct kdf_window win;
	char names[64];
	size_t n;
	struct kd_ev_stack *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	window__open(&f->win, 100, 0, false, false);
	hdr(&s->hdr, KD_EV_STACK, 150, 101);
	s->nr = 1;
	s->entry_ts = 120;
	s->kernel_depth = 2;
	s->user_depth = 1;
	s->ips[0] = 0xffffffff81000010ull;
	s->ips[1] = 0xffffffff81000020ull;
	s->ips[2] = 0x401000;
	consumer__handle(&f->c, s, KD_EV_STACK_SIZE(3));
	/* depths that do not fit the record: marked lost, not read past */
	s->hdr.ts = 160;
	s->kernel_depth = 100;
	consumer__handle(&f->c, s, KD_EV_STACK_SIZE(3));
	window__end(&f->win, 200, 0, 0);
	struct kdf_reader *r = read_back(f, evs, &n, names, sizeof(names), &win);
	const uint64_t *ips;
	uint32_t depth;

	free(s);
	assert_int_equal(n, 2);
	assert_int_equal(evs[0].type, KDF_EV_STACK);
	assert_int_equal(evs[0].u.stack.nr, 1);
	assert_int_equal(evs[0].u.stack.entry_ts, 120);
	assert_int_not_equal(evs[0].u.stack.kstack_id, 0);
	assert_int_not_equal(evs[0].u.stack.ustack_id, 0);
	assert_int_equal(evs[0].flags, 0);
	assert_int_equal(evs[1].flags, KDF_STACK_KERNEL_LOST | KDF_STACK_USER_LOST);
	assert_int_equal(evs[1].u.stack.kstack_id, 0);
	/* the kernel half, then the user half, exactly */
	ips = kdf_reader_stack(r, evs[0].u.stack.kstack_id, &depth);
	assert_non_null(ips);
	assert_int_equal(depth, 2);
	assert_true(ips[0] == 0xffffffff81000010ull && ips[1] == 0xffffffff81000020ull);
	ips = kdf_reader_stack(r, evs[0].u.stack.ustack_id, &depth);
	assert_non_null(ips);
	assert_int_equal(depth, 1);
	assert_true(ips[0] == 0x401000);
	kdf_reader_close(r);
}

/* --stack-trace-size: distinct stacks per window, duplicates are free. */
static void test_stack_limit(void **state)
{
	struct fixture *f = *state;
	struct kdf_event evs[16];
	struct kdf_window win;
	char names[64];
	size_t n;
	struct kd_ev_stack *s = calloc(1, sizeof(*s));
	int i;

	assert_non_null(s);
	f->c.stack_limit = 3;
	consumer__new_window(&f->c);
	window__open(&f->win, 100, 0, false, false);
	hdr(&s->hdr, KD_EV_STACK, 150, 101);
	s->kernel_depth = 1;
	s->user_depth = 1;
	s->ips[0] = 0xffffffff81000010ull;
	/* user stacks A, A, B, C: A+B+kernel = 3 ids; C is one too many */
	for (i = 0; i < 4; i++) {
		s->hdr.ts = 150 + i;
		s->entry_ts = 120 + i;
		s->ips[1] = 0x401000 + (i < 2 ? 0 : i) * 0x10;
		consumer__handle(&f->c, s, KD_EV_STACK_SIZE(2));
	}
	window__end(&f->win, 200, 0, 0);
	kdf_reader_close(read_back(f, evs, &n, names, sizeof(names), &win));
	free(s);
	assert_int_equal(n, 4);
	assert_int_equal(evs[0].flags, 0);
	assert_int_equal(evs[1].flags, 0);
	assert_int_equal(evs[1].u.stack.ustack_id, evs[0].u.stack.ustack_id);
	assert_int_equal(evs[2].flags, 0);
	assert_int_equal(evs[3].flags, KDF_STACK_USER_LOST);
	assert_int_equal(evs[3].u.stack.ustack_id, 0);
	assert_int_not_equal(evs[3].u.stack.kstack_id, 0); /* the kernel half is known */
	assert_int_equal(f->c.stacks_over_limit, 1);
	/* the next window starts afresh */
	consumer__new_window(&f->c);
	assert_int_equal(f->c.stacks_in_window, 0);
	assert_int_equal(f->c.stacks_over_limit_total, 1);
	consumer__free(&f->c);
}

/*
 * Losses: a KD_EV_LOSS record becomes a KDF_EV_LOSS event of the window
 * (cpu, first loss, count, end); the losses BPF noted but no record
 * followed are taken from its slots when the window closes, the slots
 * left empty; both are counted in c.losses, as BPF counts dropped.
 */
static void test_losses(void **state)
{
	struct fixture *f = *state;
	struct kdf_event evs[16];
	struct kdf_window win;
	char names[64];
	size_t n;
	struct kd_ev_loss l = { .count = 12, .end_ts = 170 };
	__u64 count[4] = { 0, 5, 0, 3 }, first[4] = { 0, 180, 0, 0 };

	window__open(&f->win, 100, 0, false, false);
	sys(f, KD_EV_SYS_ENTER, 110, 101, 1);
	hdr(&l.hdr, KD_EV_LOSS, 120, 0);
	l.hdr.cpu = 3;
	consumer__handle(&f->c, &l, sizeof(l));
	consumer__handle(&f->c, &l, sizeof(l) - 1); /* short: counted as bad */
	sys(f, KD_EV_SYS_EXIT, 175, 101, 1);
	window__end(&f->win, 200, 0, 0);
	/* slot 1: first loss at 180; slot 3: no time noted (0): at "now" */
	consumer__take_losses(&f->c, count, first, 4, 190);
	assert_int_equal(count[1], 0);
	assert_int_equal(count[3], 0);
	assert_int_equal(first[1], 0);

	kdf_reader_close(read_back(f, evs, &n, names, sizeof(names), &win));
	assert_int_equal(n, 5);
	assert_int_equal(evs[1].type, KDF_EV_LOSS);
	assert_int_equal(evs[1].ts, 120);
	assert_int_equal(evs[1].cpu, 3);
	assert_int_equal(evs[1].tid, 0);
	assert_int_equal(evs[1].u.loss.count, 12);
	assert_int_equal(evs[1].u.loss.end_ts, 170);
	assert_int_equal(evs[3].type, KDF_EV_LOSS);
	assert_int_equal(evs[3].ts, 180);
	assert_int_equal(evs[3].cpu, 1);
	assert_int_equal(evs[3].u.loss.count, 5);
	assert_int_equal(evs[3].u.loss.end_ts, 190);
	assert_int_equal(evs[4].type, KDF_EV_LOSS);
	assert_int_equal(evs[4].ts, 190);
	assert_int_equal(evs[4].cpu, 3);
	assert_int_equal(evs[4].u.loss.count, 3);
	assert_int_equal(f->c.losses, 12 + 5 + 3);
	assert_int_equal(f->c.written[KDF_EV_LOSS], 3);
	assert_int_equal(f->c.bad_records, 1);
}

/*
 * Staging: batches of a CPU's syscall records arrive late and mixed with
 * records reserved one by one; with merging on, events wait until
 * consumer__release() and reach the file in time order, a stack after
 * the SYS_EXIT whose time it carries.  A malformed batch is counted as
 * bad and none of it written.
 */
static void batch(struct fixture *f, uint16_t cpu, uint8_t level, const uint64_t *ts, uint32_t n)
{
	struct kd_ev_batch b;

	memset(&b, 0, sizeof(b));
	hdr(&b.hdr, KD_EV_SYS_BATCH, ts[0], n);
	b.hdr.cpu = cpu;
	b.hdr.flags = level;
	for (uint32_t i = 0; i < n; i++) {
		hdr(&b.recs[i].hdr, i % 2 ? KD_EV_SYS_EXIT : KD_EV_SYS_ENTER, ts[i], 101);
		b.recs[i].hdr.cpu = cpu;
		b.recs[i].nr = 1;
	}
	assert_int_equal(consumer__handle(&f->c, &b, sizeof(b.hdr) + n * sizeof(b.recs[0])), 0);
}

static void test_staged_merge(void **state)
{
	struct fixture *f = *state;
	struct kdf_event evs[32];
	struct kdf_window win;
	char names[64];
	size_t n;
	struct kd_ev_switch sw = { .next_tid = 102 };
	struct kd_ev_stack *s = calloc(1, sizeof(*s));
	static const uint64_t cpu0[] = { 110, 120, 150, 160 }, cpu1[] = { 115, 125 },
			      cpu0_late[] = { 170, 180 }, level1[] = { 155, 156 };

	assert_non_null(s);
	f->c.merging = true;
	window__open(&f->win, 100, 0, false, false);
	hdr(&sw.hdr, KD_EV_SWITCH, 130, 101);
	consumer__handle(&f->c, &sw, sizeof(sw));
	batch(f, 1, 0, cpu1, 2);
	batch(f, 0, 0, cpu0, 4);
	batch(f, 0, 1, level1, 2);
	/* the stack of the exit at 160, reserved one by one */
	hdr(&s->hdr, KD_EV_STACK, 160, 101);
	s->entry_ts = 150;
	consumer__handle(&f->c, s, KD_EV_STACK_SIZE(0));
	/* nothing leaves before the watermark */
	assert_int_equal(f->c.written[KDF_EV_SYS_ENTER], 0);
	consumer__release(&f->c, 121);
	assert_int_equal(f->c.written[KDF_EV_SYS_ENTER] + f->c.written[KDF_EV_SYS_EXIT], 3);
	batch(f, 0, 0, cpu0_late, 2);
	/* malformed: more records than a batch holds, a level out of range */
	{
		struct kd_ev_batch b;

		memset(&b, 0, sizeof(b));
		hdr(&b.hdr, KD_EV_SYS_BATCH, 190, KD_STAGE_BATCH + 1);
		consumer__handle(&f->c, &b, sizeof(b));
		hdr(&b.hdr, KD_EV_SYS_BATCH, 190, 1);
		b.hdr.flags = KD_STAGE_LEVELS;
		consumer__handle(&f->c, &b, sizeof(b));
		b.hdr.flags = 0;
		consumer__handle(&f->c, &b, sizeof(b.hdr)); /* shorter than its one record */
	}
	assert_int_equal(f->c.bad_records, 3);
	window__end(&f->win, 200, 0, 0);
	consumer__release(&f->c, UINT64_MAX);
	assert_int_equal(f->c.merge.held, 0);
	assert_int_equal(f->c.merge.late, 0);
	assert_int_equal(f->c.batches, 4);

	kdf_reader_close(read_back(f, evs, &n, names, sizeof(names), &win));
	free(s);
	assert_int_equal(n, 12);
	for (size_t i = 1; i < n; i++)
		assert_true(evs[i - 1].ts <= evs[i].ts);
	assert_int_equal(evs[0].ts, 110);
	assert_int_equal(evs[1].ts, 115);
	assert_int_equal(evs[1].cpu, 1);
	assert_int_equal(evs[4].type, KDF_EV_SWITCH);
	assert_int_equal(evs[8].ts, 160);
	assert_int_equal(evs[8].type, KDF_EV_SYS_EXIT);
	assert_int_equal(evs[9].type, KDF_EV_STACK);
	assert_int_equal(evs[11].ts, 180);
	consumer__free(&f->c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_translation_and_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_losses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_merge, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
