// SPDX-License-Identifier: BSD-2-Clause
/*
 * wakers_out.c - the wakers of a window (wakers.h) in the text report
 * (--wakers) and in JSON (docs/json-schema.md, "wakers").
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "sink.h"
#include "wakers_out.h"
#include "shown.h"
#include "text_format.h"

static const char *syscall_label(struct kdr_ctx *c, uint32_t nr, char *buf, size_t size)
{
	if (nr == KDR_WAKER_NR_NONE)
		return "(no syscall)";
	if (nr == KDR_WAKER_NR_BEFORE)
		return "(before the window)";
	return kdr_syscall_name(c->meta, nr, buf, size);
}

static const char *waker_name(struct kdr_ctx *c, const struct kdr_waker_row *r, size_t *len)
{
	const char *s = r->waker_name_id ? kdf_reader_string(c->r, r->waker_name_id, len) : NULL;

	if (!s)
		*len = 0;
	return s;
}

/* The waker is a task (named by tid, pid and name), not an interrupt or
 * the lack of a wakeup. */
static int is_task(enum kdr_waker_kind k)
{
	return k == KDR_WAKER_TARGET || k == KDR_WAKER_PROCESS || k == KDR_WAKER_IDLE ||
	       k == KDR_WAKER_UNKNOWN;
}

void kdr_wakers_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_wakers *w,
		     uint64_t ts)
{
	size_t n, len, wlen;
	const struct kdr_waker_row *r = kdr_wakers_rows(w, &n);
	char tb[32], nb[32], vb[32];

	kdr_json_key(j, "wakers");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		const char *name = kdr_shown_thread(c, r[i].tid, ts, tb, sizeof(tb), &len);
		const char *wname;

		if (!name)
			continue;
		wname = waker_name(c, &r[i], &wlen);
		kdr_json_obj_begin(j);
		kdr_json_key(j, "tid");
		kdr_json_u64(j, r[i].tid);
		kdr_json_key(j, "name");
		kdr_json_str(j, name, len);
		kdr_json_key(j, "syscall");
		if (r[i].nr == KDR_WAKER_NR_NONE || r[i].nr == KDR_WAKER_NR_BEFORE)
			kdr_json_null(j);
		else
			kdr_json_cstr(j, kdr_syscall_name(c->meta, r[i].nr, nb, sizeof(nb)));
		kdr_json_key(j, "since_before_window");
		kdr_json_bool(j, r[i].nr == KDR_WAKER_NR_BEFORE);
		kdr_json_key(j, "waker_kind");
		kdr_json_cstr(j, kdr_waker_kind_name(r[i].kind));
		kdr_json_key(j, "waker_softirq");
		if (r[i].kind == KDR_WAKER_SOFTIRQ)
			kdr_json_cstr(j, kdr_softirq_name(r[i].softirq_vec, vb, sizeof(vb)));
		else
			kdr_json_null(j);
		kdr_json_key(j, "waker_tid");
		if (!is_task(r[i].kind))
			kdr_json_null(j);
		else
			kdr_json_u64(j, r[i].waker_tid);
		kdr_json_key(j, "waker_pid");
		if (!is_task(r[i].kind) || r[i].kind == KDR_WAKER_UNKNOWN)
			kdr_json_null(j);
		else
			kdr_json_u64(j, r[i].waker_pid);
		kdr_json_key(j, "waker_name");
		if (wname)
			kdr_json_str(j, wname, wlen);
		else
			kdr_json_null(j);
		kdr_json_key(j, "count");
		kdr_json_u64(j, r[i].count);
		kdr_json_key(j, "total_ns");
		kdr_json_u64(j, r[i].total_ns);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	if (kdr_wakers_incomplete(w)) {
		kdr_json_key(j, "wakers_incomplete");
		kdr_json_bool(j, 1);
	}
}

static void text_waker(struct kdr_ctx *c, const struct kdr_waker_row *r)
{
	FILE *f = c->out;
	size_t wlen;
	const char *wname = waker_name(c, r, &wlen);
	char vb[32];

	switch (r->kind) {
	case KDR_WAKER_TARGET:
	case KDR_WAKER_PROCESS:
		fputs(r->kind == KDR_WAKER_TARGET ? "thread " : "process ", f);
		kdr_text_name(f, wname ? wname : "?", wname ? wlen : 1, 0, 0);
		if (r->kind == KDR_WAKER_TARGET)
			fprintf(f, " (tid %" PRIu32 ")", r->waker_tid);
		else
			fprintf(f, " (pid %" PRIu32 ", tid %" PRIu32 ")", r->waker_pid, r->waker_tid);
		break;
	case KDR_WAKER_IDLE:
		fputs("idle CPU (interrupt or timer)", f);
		break;
	case KDR_WAKER_UNKNOWN:
		fprintf(f, "tid %" PRIu32 " (no name in this capture)", r->waker_tid);
		break;
	case KDR_WAKER_NONE:
		fputs("(not woken in the window)", f);
		break;
	case KDR_WAKER_HARDIRQ:
		fputs("irq", f);
		break;
	case KDR_WAKER_SOFTIRQ:
		fprintf(f, "softirq %s", kdr_softirq_name(r->softirq_vec, vb, sizeof(vb)));
		break;
	case KDR_WAKER_TIMER:
		fputs("timer", f);
		break;
	}
}

void kdr_wakers_text(struct kdr_ctx *c, const struct kdr_wakers *w, uint64_t ts)
{
	size_t n, len;
	const struct kdr_waker_row *r = kdr_wakers_rows(w, &n);
	FILE *f = c->out;
	char tb[32], nb[32], a[32];

	fputs("# Wakers: blocked time by syscall and by waker, largest first\n", f);
	fprintf(f, "%-8s %-16s %-20s %10s %16s  %s\n", "TID", "THREAD", "SYSCALL", "COUNT",
		"TOTAL ns", "WOKEN BY");
	for (size_t i = 0; i < n; i++) {
		const char *name = kdr_shown_thread(c, r[i].tid, ts, tb, sizeof(tb), &len);

		if (!name)
			continue;
		fprintf(f, "%-8" PRIu32 " ", r[i].tid);
		kdr_text_name(f, name, len, 16, 16);
		fprintf(f, " %-20s %10" PRIu64 " %16s  ",
			syscall_label(c, r[i].nr, nb, sizeof(nb)), r[i].count,
			kdr_commas(r[i].total_ns, a, sizeof(a)));
		text_waker(c, &r[i]);
		fputc('\n', f);
	}
	if (kdr_wakers_incomplete(w))
		fputs("# WARNING: out of memory: the wakers above are incomplete\n", f);
}
