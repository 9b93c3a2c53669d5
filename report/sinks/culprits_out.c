// SPDX-License-Identifier: BSD-2-Clause
/*
 * culprits_out.c - who took the CPU (culprits.h) in the text report
 * (--culprits) and in JSON (docs/json-schema.md, "culprits").
 */
#include <inttypes.h>
#include <string.h>

#include "culprits_out.h"
#include "shown.h"
#include "text_format.h"
#include "json.h"
#include "sink.h"

/* The culprit's name: taken at the event, or (a target thread) the
 * thread table's at ts; NULL when unknown. */
static const char *culprit_name(struct kdr_ctx *c, const struct kdr_culprit_row *r, uint64_t ts,
				char *buf, size_t size, size_t *len)
{
	if (r->culprit_name_id)
		return kdf_reader_string(c->r, r->culprit_name_id, len);
	if (r->kind == KDR_CULPRIT_TARGET)
		return kdr_thread_name(c, r->culprit_tid, ts, buf, size, len);
	*len = 0;
	return NULL;
}

void kdr_culprits_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_culprits *cu,
		       uint64_t ts)
{
	size_t n, len, clen;
	const struct kdr_culprit_row *r = kdr_culprits_rows(cu, &n);
	char tb[32], cb[32];

	kdr_json_key(j, "culprits");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		const char *name = kdr_shown_thread(c, r[i].tid, ts, tb, sizeof(tb), &len);
		const char *cname;
		int known = r[i].kind != KDR_CULPRIT_UNKNOWN;

		if (!name)
			continue;
		cname = culprit_name(c, &r[i], ts, cb, sizeof(cb), &clen);
		kdr_json_obj_begin(j);
		kdr_json_key(j, "tid");
		kdr_json_u64(j, r[i].tid);
		kdr_json_key(j, "name");
		kdr_json_str(j, name, len);
		kdr_json_key(j, "cpu");
		kdr_json_u64(j, r[i].cpu);
		kdr_json_key(j, "culprit_kind");
		kdr_json_cstr(j, kdr_culprit_kind_name(r[i].kind));
		kdr_json_key(j, "culprit_tid");
		if (known)
			kdr_json_u64(j, r[i].culprit_tid);
		else
			kdr_json_null(j);
		kdr_json_key(j, "culprit_pid");
		if (known)
			kdr_json_u64(j, r[i].culprit_pid);
		else
			kdr_json_null(j);
		kdr_json_key(j, "culprit_name");
		if (cname)
			kdr_json_str(j, cname, clen);
		else
			kdr_json_null(j);
		kdr_json_key(j, "ready_ns");
		kdr_json_u64(j, r[i].total_ns);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	if (kdr_culprits_incomplete(cu)) {
		kdr_json_key(j, "culprits_incomplete");
		kdr_json_bool(j, 1);
	}
}

static void text_culprit(struct kdr_ctx *c, const struct kdr_culprit_row *r, uint64_t ts)
{
	FILE *f = c->out;
	size_t clen;
	char cb[32];
	const char *cname = culprit_name(c, r, ts, cb, sizeof(cb), &clen);

	switch (r->kind) {
	case KDR_CULPRIT_PROCESS:
	case KDR_CULPRIT_KTHREAD:
	case KDR_CULPRIT_TARGET:
		fputs(r->kind == KDR_CULPRIT_PROCESS ? "process " :
		      r->kind == KDR_CULPRIT_KTHREAD ? "kernel thread " : "thread ", f);
		kdr_text_name(f, cname ? cname : "?", cname ? clen : 1, 0, 0);
		if (r->kind == KDR_CULPRIT_TARGET)
			fprintf(f, " (tid %" PRIu32 ")", r->culprit_tid);
		else
			fprintf(f, " (pid %" PRIu32 ", tid %" PRIu32 ")", r->culprit_pid,
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

void kdr_culprits_text(struct kdr_ctx *c, const struct kdr_culprits *cu, uint64_t ts)
{
	size_t n, len;
	const struct kdr_culprit_row *r = kdr_culprits_rows(cu, &n);
	FILE *f = c->out;
	char tb[32], a[32];

	fputs("# Culprits: ready time by the task on the CPU, largest first\n", f);
	fprintf(f, "%-8s %-16s %4s %16s  %s\n", "TID", "THREAD", "CPU", "READY ns", "BEHIND");
	for (size_t i = 0; i < n; i++) {
		const char *name = kdr_shown_thread(c, r[i].tid, ts, tb, sizeof(tb), &len);

		if (!name)
			continue;
		fprintf(f, "%-8" PRIu32 " ", r[i].tid);
		kdr_text_name(f, name, len, 16, 16);
		fprintf(f, " %4" PRIu32 " %16s  ", r[i].cpu, kdr_commas(r[i].total_ns, a, sizeof(a)));
		text_culprit(c, &r[i], ts);
		fputc('\n', f);
	}
	if (kdr_culprits_incomplete(cu))
		fputs("# WARNING: out of memory: the culprits above are incomplete\n", f);
}
