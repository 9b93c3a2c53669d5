// SPDX-License-Identifier: BSD-2-Clause
/*
 * culprits_out.c - who took the CPU (culprits.h) in the text report
 * (--culprits) and in JSON (docs/json-schema.md, "culprits").
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "culprits_out.h"
#include "shown.h"
#include "text_format.h"
#include "json.h"
#include "sink.h"

_Static_assert(offsetof(struct kdr_culprit_row, tid) == 0, "shown.h: the tid first");

static const char *culprit_name(struct kdr_ctx *c, const struct kdr_culprit_row *r, uint64_t ts,
				char *buf, size_t size, size_t *len)
{
	return kdr_shown_task_name(c, r->culprit_name_id, r->culprit_tid,
				   r->kind == KDR_CULPRIT_TARGET, ts, buf, size, len);
}

static void row_json(struct kdr_ctx *c, struct kdr_json *j, const void *row, uint64_t ts)
{
	const struct kdr_culprit_row *r = row;
	int known = r->kind != KDR_CULPRIT_UNKNOWN;
	char cb[32];
	size_t clen;
	const char *cname = culprit_name(c, r, ts, cb, sizeof(cb), &clen);

	kdr_json_key(j, "cpu");
	kdr_json_u64(j, r->cpu);
	kdr_json_key(j, "culprit_kind");
	kdr_json_cstr(j, kdr_culprit_kind_name(r->kind));
	kdr_json_key(j, "culprit_tid");
	if (known)
		kdr_json_u64(j, r->culprit_tid);
	else
		kdr_json_null(j);
	kdr_json_key(j, "culprit_pid");
	if (known)
		kdr_json_u64(j, r->culprit_pid);
	else
		kdr_json_null(j);
	kdr_json_key(j, "culprit_name");
	if (cname)
		kdr_json_str(j, cname, clen);
	else
		kdr_json_null(j);
	kdr_json_key(j, "ready_ns");
	kdr_json_u64(j, r->total_ns);
}

static void row_text(struct kdr_ctx *c, const void *row, uint64_t ts)
{
	const struct kdr_culprit_row *r = row;
	FILE *f = c->out;
	char cb[32], a[32];
	size_t clen;
	const char *cname;

	fprintf(f, " %4" PRIu32 " %16s  ", r->cpu, kdr_commas(r->total_ns, a, sizeof(a)));
	switch (r->kind) {
	case KDR_CULPRIT_PROCESS:
	case KDR_CULPRIT_KTHREAD:
	case KDR_CULPRIT_TARGET:
		cname = culprit_name(c, r, ts, cb, sizeof(cb), &clen);
		kdr_shown_task_text(f, r->kind == KDR_CULPRIT_PROCESS ? "process" : "kernel thread",
				    cname, clen, r->kind == KDR_CULPRIT_TARGET, r->culprit_pid,
				    r->culprit_tid);
		break;
	case KDR_CULPRIT_IDLE:
		fputs("idle CPU (wakeup latency)", f);
		break;
	case KDR_CULPRIT_UNKNOWN:
		fputs("(not recorded)", f);
		break;
	}
}

static void table(const struct kdr_culprits *cu, struct kdr_shown_table *t)
{
	memset(t, 0, sizeof(*t));
	t->rows = kdr_culprits_rows(cu, &t->n);
	t->size = sizeof(struct kdr_culprit_row);
	t->incomplete = kdr_culprits_incomplete(cu);
	t->what = "culprits";
	t->text = row_text;
	t->json = row_json;
}

void kdr_culprits_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_culprits *cu,
		       uint64_t ts)
{
	struct kdr_shown_table t;

	table(cu, &t);
	kdr_shown_json(c, j, &t, ts);
}

void kdr_culprits_text(struct kdr_ctx *c, const struct kdr_culprits *cu, uint64_t ts)
{
	struct kdr_shown_table t;

	table(cu, &t);
	fputs("# Culprits: ready time by the task on the CPU, largest first\n", c->out);
	fprintf(c->out, "%-8s %-16s %4s %16s  %s\n", "TID", "THREAD", "CPU", "READY ns", "BEHIND");
	kdr_shown_text(c, &t, ts);
}
