/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_report_export_synth.h - the synthetic capture the export tests
 * assert on, built with the real writer (tests/unit/helpers), and small
 * file helpers.  Header-only (static): each test_report_export_*.c is its
 * own binary.
 *
 * Times below are ns after T0, the start of the only window [T0, T0+10000).
 *
 *   tid 101 "main"
 *     100 woken; 200 switched in (ready 100..200)
 *     300 read() enters; 400..450 hard irq 11 "eth0"; 500 switched out asleep
 *     1500 woken; 1600 switched in; 1700..1750 softirq timer
 *     1800 read() returns 42, stack K1 / U1 (read 300..1800)
 *     1900..2000 write() = 5, no stack
 *     2100 preempted by 102; 2400 switched in again (ready 2100..2400)
 *     2500 start trigger
 *     3000..3100 read() = 1, stack K1 / U1
 *     running from 2400 to the end of the capture
 *   tid 102 (name with a quote, a backslash, \x01, \xff and "</script>")
 *     2100 switched in, first event: ready since the capture's first event
 *     2200 poll() returns (entered at T0-5000, per its stack event; user
 *          stack lost)
 *     2300 write() enters and never returns
 *     2400 switched out asleep
 *   tid 103 "idle": a name, no event.
 */
#ifndef TEST_REPORT_EXPORT_SYNTH_H
#define TEST_REPORT_EXPORT_SYNTH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "kdelay_format.h"
#include "helpers/kdf_test_capture.h"

#define T0 1000000000ull
#define SYNTH_PID 100
#define NAME102 "w\"k\\\x01\xff</script>"

static const char *const synth_syscalls[] = { "read", "write", NULL, NULL,
					      NULL,   NULL,    NULL, "poll" };

static const struct kdf_meta synth_meta = {
	.kdelay_version = "0.test",
	.command_line = "kdelay-record -p 100 --syscall-events 0",
	.hostname = "node<1>",
	.kernel_release = "6.18.0-test",
	.arch = "x86_64",
	.ncpus = 2,
	.pid = SYNTH_PID,
	.comm = "synthd",
	.mono_ns = T0 - 1000,
	.realtime_ns = 1700000000000000000ull,
	.options = { .sample_time_ns = 10000, .stack_trace_size = 16, .syscall_events_ns = 0 },
	.syscall_names = synth_syscalls,
	.syscall_count = 8,
};

#define K_INNER 0xffffffff81000100ull
#define K_OUTER 0xffffffff81000200ull
#define U_LIBC 0x7f0000001000ull
#define U_LOOP 0x402008ull
#define U_MAIN 0x401004ull

static inline struct kdf_event synth_ev(uint64_t t, uint32_t tid, uint16_t cpu, uint8_t type,
				 uint8_t flags)
{
	struct kdf_event e;

	memset(&e, 0, sizeof(e));
	e.ts = T0 + t;
	e.tid = tid;
	e.cpu = cpu;
	e.type = type;
	e.flags = flags;
	return e;
}

static inline struct kdf_event sw(uint64_t t, uint32_t prev, uint32_t next, uint8_t flags,
				  uint32_t state)
{
	struct kdf_event e = synth_ev(t, prev, 0, KDF_EV_SWITCH, flags);

	e.u.sw.next_tid = next;
	e.u.sw.prev_state = state;
	return e;
}

static inline struct kdf_event sys(uint64_t t, uint32_t tid, int enter, uint32_t nr, int32_t ret)
{
	struct kdf_event e = synth_ev(t, tid, 0, enter ? KDF_EV_SYS_ENTER : KDF_EV_SYS_EXIT, 0);

	e.u.sys.nr = nr;
	e.u.sys.ret = ret;
	return e;
}

static inline struct kdf_event stk(uint64_t t, uint32_t tid, uint32_t nr, uint32_t k, uint32_t u,
			    uint64_t entry, uint8_t flags)
{
	struct kdf_event e = synth_ev(t, tid, 0, KDF_EV_STACK, flags);

	e.u.stack.nr = nr;
	e.u.stack.kstack_id = k;
	e.u.stack.ustack_id = u;
	e.u.stack.entry_ts = entry;
	return e;
}

/* The events above, in file order; *n set.  irq_name: the interned id. */
static inline size_t synth_events(struct kdf_event *v, uint32_t irq_name, uint32_t k1, uint32_t u1)
{
	size_t n = 0;
	struct kdf_event e;

	v[n++] = synth_ev(100, 101, 0, KDF_EV_WAKEUP, 0);
	v[n++] = sw(200, 999, 101, KDF_SW_NEXT_TARGET, 0);
	v[n++] = sys(300, 101, 1, 0, 0);
	e = synth_ev(400, 101, 0, KDF_EV_IRQ_ENTRY, 0);
	e.u.irq_entry.irq = 11;
	e.u.irq_entry.name_id = irq_name;
	v[n++] = e;
	e = synth_ev(450, 101, 0, KDF_EV_IRQ_EXIT, 0);
	e.u.irq_exit.irq = 11;
	e.u.irq_exit.ret = 1;
	v[n++] = e;
	v[n++] = sw(500, 101, 999, KDF_SW_PREV_TARGET, 1);
	v[n++] = synth_ev(1500, 101, 1, KDF_EV_WAKEUP, 0);
	v[n++] = sw(1600, 999, 101, KDF_SW_NEXT_TARGET, 0);
	e = synth_ev(1700, 101, 0, KDF_EV_SOFTIRQ_ENTRY, 0);
	e.u.softirq.vec = 1;
	v[n++] = e;
	e = synth_ev(1750, 101, 0, KDF_EV_SOFTIRQ_EXIT, 0);
	e.u.softirq.vec = 1;
	v[n++] = e;
	v[n++] = sys(1800, 101, 0, 0, 42);
	v[n++] = stk(1800, 101, 0, k1, u1, T0 + 300, 0);
	v[n++] = sys(1900, 101, 1, 1, 0);
	v[n++] = sys(2000, 101, 0, 1, 5);
	v[n++] = sw(2100, 101, 102, KDF_SW_PREV_TARGET | KDF_SW_NEXT_TARGET | KDF_SW_PREEMPT, 0);
	v[n++] = sys(2200, 102, 0, 7, 0);
	v[n++] = stk(2200, 102, 7, k1, 0, T0 - 5000, KDF_STACK_USER_LOST);
	v[n++] = sys(2300, 102, 1, 1, 0);
	v[n++] = sw(2400, 102, 101, KDF_SW_PREV_TARGET | KDF_SW_NEXT_TARGET, 1);
	e = synth_ev(2500, 101, 1, KDF_EV_TRIGGER, KDF_TRIG_START);
	v[n++] = e;
	v[n++] = sys(3000, 101, 1, 0, 0);
	v[n++] = sys(3100, 101, 0, 0, 1);
	v[n++] = stk(3100, 101, 0, k1, u1, T0 + 3000, 0);
	return n;
}

#define SYNTH_SHUFFLE (1 << 0)	   /* swap neighbours from different CPUs */
#define SYNTH_NO_SUMMARY (1 << 1) /* as a killed recorder leaves it */

/* Write the synthetic capture to path.  SYNTH_SHUFFLE delivers events out
 * of time order, as a multi-CPU ring buffer may.  Returns 0 or -1. */
static inline int synth_write(const char *path, int how)
{
	static const uint64_t k1[] = { K_INNER, K_OUTER };
	static const uint64_t u1[] = { U_LIBC, U_LOOP, U_MAIN };
	static const struct kdf_symbol syms[] = {
		{ .addr = K_INNER, .is_kernel = 1, .offset = 0x10, .name = "do_syscall_64",
		  .module = "kernel" },
		{ .addr = K_OUTER, .is_kernel = 1, .offset = 0x20, .name = "entry_SYSCALL_64",
		  .module = "kernel" },
		{ .addr = U_LIBC, .module = "libc.so.6", .path = "/lib/libc.so.6" },
		{ .addr = U_LOOP, .offset = 8, .name = "loop", .module = "synthd" },
		{ .addr = U_MAIN, .offset = 4, .name = "main", .module = "synthd" },
	};
	struct kdf_thread th[3] = {
		{ .ts = T0, .tid = 101, .name = "main", .name_len = 4 },
		{ .ts = T0, .tid = 102, .name = NAME102, .name_len = sizeof(NAME102) - 1 },
		{ .ts = T0, .tid = 103, .name = "idle", .name_len = 4 },
	};
	struct kdf_window win = { .index = 0, .flags = KDF_WIN_TRIGGERED, .start_ts = T0,
				  .end_ts = T0 + 10000, .start_trigger_ts = T0 + 2500 };
	struct kdf_test_sink *sink;
	struct kdf_writer *w = kdf_test_writer_open(&synth_meta, &sink);
	struct kdf_event ev[64];
	uint32_t irq, ks, us;
	size_t n, i, len;
	uint8_t *buf;
	FILE *f;

	if (!w)
		return -1;
	irq = kdf_writer_intern(w, "eth0", 4);
	ks = kdf_writer_stack(w, k1, 2);
	us = kdf_writer_stack(w, u1, 3);
	for (i = 0; i < 3; i++)
		kdf_writer_thread(w, &th[i]);
	n = synth_events(ev, irq, ks, us);
	if (how & SYNTH_SHUFFLE) {
		/* The wakeup at 1500 (cpu 1) after the switch-in at 1600, and
		 * the trigger (cpu 1) before the switch at 2400. */
		struct kdf_event t = ev[6];

		ev[6] = ev[7];
		ev[7] = t;
		t = ev[19];
		ev[19] = ev[18];
		ev[18] = t;
	}
	for (i = 0; i < n; i++)
		kdf_writer_event(w, &ev[i]);
	kdf_writer_window(w, &win);
	/* Symbols last, as a recorder resolving at exit writes them. */
	kdf_writer_symbols(w, syms, sizeof(syms) / sizeof(syms[0]));
	if (how & SYNTH_NO_SUMMARY)
		buf = kdf_test_writer_abort(w, sink, &len);
	else
		buf = kdf_test_writer_finish(w, sink, NULL, &len);
	if (!buf)
		return -1;
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len) {
		if (f)
			fclose(f);
		free(buf);
		return -1;
	}
	free(buf);
	return fclose(f) ? -1 : 0;
}

/* A fresh temporary path (the file exists, empty). */
static inline char *synth_tmp(const char *suffix)
{
	char *p = malloc(64);
	int fd;

	snprintf(p, 64, "/tmp/kdelay-export-XXXXXX%s", suffix);
	fd = mkstemps(p, (int)strlen(suffix));
	if (fd < 0) {
		free(p);
		return NULL;
	}
	close(fd);
	return p;
}

/* Whole file as a NUL-terminated string (NULL on error). */
static inline char *synth_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/*
 * Run an export of the synthetic capture (how: SYNTH_*) with options o
 * (out and err are set here) into a temporary file.  Returns the export's
 * status; *out gets the output (free()), *path_out its path when not NULL
 * (free(); the file is left for the caller), and *err_text what the
 * export said on its error stream when not NULL.
 */
static inline int synth_export(int (*fn)(const char *, const struct kdr_export_opts *), int how,
			       const struct kdr_export_opts *o_in, char **out, char **path_out,
			       char **err_text)
{
	struct kdr_export_opts o = o_in ? *o_in : (struct kdr_export_opts){ 0 };
	char *cap = synth_tmp(".kdelay"), *path = synth_tmp(".out"), *epath = synth_tmp(".err");
	int rc;

	if (!cap || !path || !epath || synth_write(cap, how))
		abort();
	o.out = fopen(path, "w");
	o.err = fopen(epath, "w");
	if (!o.out || !o.err)
		abort();
	rc = fn(cap, &o);
	fclose(o.out);
	fclose(o.err);
	*out = synth_slurp(path, NULL);
	if (err_text)
		*err_text = synth_slurp(epath, NULL);
	unlink(cap);
	unlink(epath);
	free(cap);
	free(epath);
	if (path_out) {
		*path_out = path;
	} else {
		unlink(path);
		free(path);
	}
	return rc;
}

#endif /* TEST_REPORT_EXPORT_SYNTH_H */
