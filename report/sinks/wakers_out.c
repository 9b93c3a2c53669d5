// SPDX-License-Identifier: BSD-2-Clause
/*
 * wakers_out.c - the wakers of a window (wakers.h) in the text report
 * (--wakers) and in JSON (docs/json-schema.md, "wakers").
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "json.h"
#include "sink.h"
#include "wakers_out.h"
#include "shown.h"
#include "text_format.h"

_Static_assert(offsetof(struct kdr_waker_row, tid) == 0, "shown.h: the tid first");

static const char *syscall_label(struct kdr_ctx *c, uint32_t nr, char *buf, size_t size)
{
	if (nr == KDR_WAKER_NR_NONE)
		return "(no syscall)";
	if (nr == KDR_WAKER_NR_BEFORE)
		return "(before the window)";
	return kdr_syscall_name(c->meta, nr, buf, size);
}

static const char *waker_name(struct kdr_ctx *c, const struct kdr_waker_row *r, uint64_t ts,
			      char *buf, size_t size, size_t *len)
{
	return kdr_shown_task_name(c, r->waker_name_id, r->waker_tid, r->kind == KDR_WAKER_TARGET,
				   ts, buf, size, len);
}

/* The waker is a task (named by tid, pid and name), not an interrupt or
 * the lack of a wakeup. */
static int is_task(enum kdr_waker_kind k)
{
	return k == KDR_WAKER_TARGET || k == KDR_WAKER_PROCESS || k == KDR_WAKER_IDLE ||
	       k == KDR_WAKER_UNKNOWN;
}

static void row_json(struct kdr_ctx *c, struct kdr_json *j, const void *row, uint64_t ts)
{
	const struct kdr_waker_row *r = row;
	char nb[32], wb[32], vb[32];
	size_t wlen;
	const char *wname = is_task(r->kind) ? waker_name(c, r, ts, wb, sizeof(wb), &wlen) : NULL;

	kdr_json_key(j, "syscall");
	if (r->nr == KDR_WAKER_NR_NONE || r->nr == KDR_WAKER_NR_BEFORE)
		kdr_json_null(j);
	else
		kdr_json_cstr(j, kdr_syscall_name(c->meta, r->nr, nb, sizeof(nb)));
	kdr_json_key(j, "since_before_window");
	kdr_json_bool(j, r->nr == KDR_WAKER_NR_BEFORE);
	kdr_json_key(j, "waker_kind");
	kdr_json_cstr(j, kdr_waker_kind_name(r->kind));
	kdr_json_key(j, "waker_softirq");
	if (r->kind == KDR_WAKER_SOFTIRQ)
		kdr_json_cstr(j, kdr_softirq_name(r->softirq_vec, vb, sizeof(vb)));
	else
		kdr_json_null(j);
	kdr_json_key(j, "waker_tid");
	if (!is_task(r->kind))
		kdr_json_null(j);
	else
		kdr_json_u64(j, r->waker_tid);
	kdr_json_key(j, "waker_pid");
	if (!is_task(r->kind) || r->kind == KDR_WAKER_UNKNOWN)
		kdr_json_null(j);
	else
		kdr_json_u64(j, r->waker_pid);
	kdr_json_key(j, "waker_name");
	if (wname)
		kdr_json_str(j, wname, wlen);
	else
		kdr_json_null(j);
	kdr_json_key(j, "count");
	kdr_json_u64(j, r->count);
	kdr_json_key(j, "total_ns");
	kdr_json_u64(j, r->total_ns);
}

static void row_text(struct kdr_ctx *c, const void *row, uint64_t ts)
{
	const struct kdr_waker_row *r = row;
	FILE *f = c->out;
	char nb[32], wb[32], a[32], vb[32];
	size_t wlen;
	const char *wname;

	fprintf(f, " %-20s %10" PRIu64 " %16s  ", syscall_label(c, r->nr, nb, sizeof(nb)),
		r->count, kdr_commas(r->total_ns, a, sizeof(a)));
	switch (r->kind) {
	case KDR_WAKER_TARGET:
	case KDR_WAKER_PROCESS:
		wname = waker_name(c, r, ts, wb, sizeof(wb), &wlen);
		kdr_shown_task_text(f, "process", wname, wlen, r->kind == KDR_WAKER_TARGET,
				    r->waker_pid, r->waker_tid);
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

static void table(const struct kdr_wakers *w, struct kdr_shown_table *t)
{
	memset(t, 0, sizeof(*t));
	t->rows = kdr_wakers_rows(w, &t->n);
	t->size = sizeof(struct kdr_waker_row);
	t->incomplete = kdr_wakers_incomplete(w);
	t->what = "wakers";
	t->text = row_text;
	t->json = row_json;
}

void kdr_wakers_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_wakers *w,
		     uint64_t ts)
{
	struct kdr_shown_table t;

	table(w, &t);
	kdr_shown_json(c, j, &t, ts);
}

void kdr_wakers_text(struct kdr_ctx *c, const struct kdr_wakers *w, uint64_t ts)
{
	struct kdr_shown_table t;

	table(w, &t);
	fputs("# Wakers: blocked time by syscall and by waker, largest first\n", c->out);
	fprintf(c->out, "%-8s %-16s %-20s %10s %16s  %s\n", "TID", "THREAD", "SYSCALL", "COUNT",
		"TOTAL ns", "WOKEN BY");
	kdr_shown_text(c, &t, ts);
}
