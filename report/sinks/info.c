// SPDX-License-Identifier: BSD-2-Clause
/*
 * info.c - kdelay-report --info: what a capture holds (host, target,
 * options, duration, windows, events by type, drops, size on disk), read
 * in one pass without computing statistics.
 */
#include <inttypes.h>
#include <string.h>
#include <sysexits.h>

#include "capture_end.h"
#include "json.h"
#include "losses.h"
#include "sink.h"
#include "text_format.h"

static const char *const type_names[KDF_EV_TYPE_MAX + 1] = {
	[KDF_EV_SYS_ENTER] = "sys_enter",	[KDF_EV_SYS_EXIT] = "sys_exit",
	[KDF_EV_SWITCH] = "sched_switch",	[KDF_EV_WAKEUP] = "sched_wakeup",
	[KDF_EV_IRQ_ENTRY] = "irq_entry",	[KDF_EV_IRQ_EXIT] = "irq_exit",
	[KDF_EV_SOFTIRQ_ENTRY] = "softirq_entry", [KDF_EV_SOFTIRQ_EXIT] = "softirq_exit",
	[KDF_EV_TRIGGER] = "trigger",		[KDF_EV_STACK] = "stack",
	[KDF_EV_THREAD_EXIT] = "thread_exit",	[KDF_EV_CPU_RUN] = "cpu_run",
	[KDF_EV_CENSUS] = "census",
};

struct info {
	uint64_t by_type[KDF_EV_TYPE_MAX + 1];
	uint64_t other_types;
	uint64_t events, windows, triggered, skipped, interrupted;
	uint64_t dropped, trigger_missed, stacks_lost;
	uint64_t thread_items, symbols;
	uint64_t first_ts, last_ts, sampled_ns;
	uint64_t last_event_ts;
	struct kdr_unclosed tail;
	struct kdf_window unclosed; /* valid when has_unclosed */
	int has_unclosed;
	struct kdr_loss_table losses; /* KDF_EV_LOSS events, per CPU */
	int losses_incomplete;	      /* out of memory for the table */
	int has_summary;
	struct kdf_summary sum;
	struct kdf_read_stats rs;
	enum kdr_end end;
	int rc;
};

static void collect(struct kdr_ctx *c, struct info *in)
{
	struct kdf_item it;
	int rc;

	while ((rc = kdf_reader_next(c->r, &it)) > 0) {
		switch (it.type) {
		case KDF_ITEM_EVENTS:
			for (size_t i = 0; i < it.u.events.n; i++) {
				uint8_t t = it.u.events.v[i].type;

				if (t == KDF_EV_LOSS) {
					if (kdr_loss_table_add(&in->losses, &it.u.events.v[i]))
						in->losses_incomplete = 1;
				} else if (t <= KDF_EV_TYPE_MAX && type_names[t])
					in->by_type[t]++;
				else
					in->other_types++;
				if (it.u.events.v[i].ts > in->last_event_ts)
					in->last_event_ts = it.u.events.v[i].ts;
			}
			kdr_unclosed_item(&in->tail, &it);
			in->events += it.u.events.n;
			break;
		case KDF_ITEM_THREAD:
			in->thread_items++;
			break;
		case KDF_ITEM_SYMBOLS:
			in->symbols += it.u.symbols.n;
			break;
		case KDF_ITEM_WINDOW: {
			const struct kdf_window *w = &it.u.window;

			kdr_unclosed_closed(&in->tail, w);
			if (!in->windows || w->start_ts < in->first_ts)
				in->first_ts = w->start_ts;
			if (w->end_ts > in->last_ts)
				in->last_ts = w->end_ts;
			if (w->end_ts > w->start_ts)
				in->sampled_ns += w->end_ts - w->start_ts;
			in->windows++;
			in->triggered += !!(w->flags & KDF_WIN_TRIGGERED);
			in->skipped += !!(w->flags & KDF_WIN_SKIPPED);
			in->interrupted += !!(w->flags & KDF_WIN_INTERRUPTED);
			in->dropped += w->dropped;
			in->trigger_missed += w->trigger_missed;
			in->stacks_lost += w->stacks_lost;
			break;
		}
		case KDF_ITEM_SUMMARY:
			in->has_summary = 1;
			in->sum = it.u.summary;
			break;
		}
	}
	in->rc = rc;
	kdf_reader_stats(c->r, &in->rs);
	in->end = kdr_capture_end(in->has_summary, &in->sum, in->rs.truncated);
	in->has_unclosed = kdr_unclosed_get(&in->tail, &in->unclosed);
	if (in->has_unclosed)
		in->sampled_ns += in->unclosed.end_ts - in->unclosed.start_ts;
	if (in->has_summary) {
		if (in->sum.dropped > in->dropped)
			in->dropped = in->sum.dropped;
		if (in->sum.trigger_missed > in->trigger_missed)
			in->trigger_missed = in->sum.trigger_missed;
		if (in->sum.stacks_lost > in->stacks_lost)
			in->stacks_lost = in->sum.stacks_lost;
	}
}

/* The summary's end, or the last window's or event's when later (a
 * recorder killed leaves no summary). */
static uint64_t end_ts(const struct kdr_ctx *c, const struct info *in)
{
	uint64_t e = in->has_summary && in->sum.end_ts > in->last_ts ? in->sum.end_ts : in->last_ts;

	if (in->last_event_ts > e)
		e = in->last_event_ts;
	return e > c->meta->mono_ns ? e : c->meta->mono_ns;
}

static const char *exit_reason(const struct info *in)
{
	static const char *const r[] = { "done", "signal", "target exited", "error" };

	/* a summary without end_reason: an older recorder, its own words */
	if (in->has_summary && !in->sum.end_reason[0] && !in->rs.truncated)
		return in->sum.exit_reason < 4 ? r[in->sum.exit_reason] : "unknown";
	return kdr_end_text(in->end);
}

static int complete(const struct info *in)
{
	return !in->rs.truncated && in->has_summary && !in->rs.chunks_bad && in->rc >= 0 &&
	       !in->has_unclosed && !kdr_end_lost(in->end);
}

static void line_str(FILE *f, const char *k, const char *v)
{
	fprintf(f, "%-20s ", k);
	kdr_text_name(f, v ? v : "-", strlen(v ? v : "-"), 0, 0);
	fputc('\n', f);
}

/* Where events were lost, per CPU (only when the capture says). */
static void text_losses(struct kdr_ctx *c, const struct info *in)
{
	const struct kdr_loss_table *t = &in->losses;
	uint64_t t0 = c->meta->mono_ns;
	char a[32], b[32], cpu[32];

	if (!t->all.records)
		return;
	fprintf(c->out, "%-20s %s events in %s records%s\n", "losses:",
		kdr_commas(t->all.count, a, sizeof(a)), kdr_commas(t->all.records, b, sizeof(b)),
		in->losses_incomplete ? " (out of memory: CPUs missing below)" : "");
	for (size_t i = 0; i < t->n; i++) {
		const struct kdr_loss_cpu *l = &t->v[i];

		snprintf(cpu, sizeof(cpu), "cpu %" PRIu32 ":", l->cpu);
		fprintf(c->out, "  %-18s %s events in %s records, %+.6f s to %+.6f s\n", cpu,
			kdr_commas(l->count, a, sizeof(a)), kdr_commas(l->records, b, sizeof(b)),
			((double)l->first_ts - (double)t0) / 1e9,
			((double)l->end_ts - (double)t0) / 1e9);
	}
}

static void text_info(struct kdr_ctx *c, const struct info *in)
{
	const struct kdf_meta *m = c->meta;
	const struct kdf_options *ro = &m->options;
	FILE *f = c->out;
	uint32_t maj = 0, min = 0;
	char a[32], b[32], t[64];
	uint64_t dur = end_ts(c, in) - m->mono_ns;

	kdf_reader_version(c->r, &maj, &min);
	fprintf(f, "%-20s %" PRIu32 ".%" PRIu32 "\n", "format version:", maj, min);
	line_str(f, "kdelay version:", m->kdelay_version);
	line_str(f, "host:", m->hostname);
	line_str(f, "kernel:", m->kernel_release);
	line_str(f, "arch:", m->arch);
	fprintf(f, "%-20s %" PRIu32 "\n", "cpus:", m->ncpus);
	fprintf(f, "%-20s %" PRIu32 " (", "target:", m->pid);
	kdr_text_name(f, m->comm ? m->comm : "?", strlen(m->comm ? m->comm : "?"), 0, 0);
	fputs(")\n", f);
	line_str(f, "command line:", m->command_line);
	fprintf(f, "%-20s sample-time %.3f s, sample-count %" PRIu32 ", sample-interval %.3f s\n",
		"options:", ro->sample_time_ns / 1e9, ro->sample_count, ro->sample_interval_ns / 1e9);
	fprintf(f, "%-20s trigger-delta %s ns, ", "", kdr_commas(ro->trigger_delta_ns, a, sizeof(a)));
	if (ro->syscall_events_ns < 0)
		fputs("syscall-events off", f);
	else
		fprintf(f, "syscall-events %s ns", kdr_commas((uint64_t)ro->syscall_events_ns, a, sizeof(a)));
	fprintf(f, "%s\n", ro->skip_syscall_poll_events ? ", skip-syscall-poll-events" : "");
	fprintf(f, "%-20s stack-trace-size %" PRIu32 ", buffer-page-count %" PRIu32 "\n", "",
		ro->stack_trace_size, ro->buffer_page_count);
	line_str(f, "start trigger:", ro->start_trigger);
	line_str(f, "stop trigger:", ro->stop_trigger);
	fprintf(f, "%-20s %s\n", "started:", kdr_walltime_iso(&c->wt, m->mono_ns, 1, t, sizeof(t)));
	fprintf(f, "%-20s %.6f s (sampled %.6f s)\n", "duration:", dur / 1e9, in->sampled_ns / 1e9);
	fprintf(f, "%-20s %s\n", "recorder exit:", exit_reason(in));
	fprintf(f, "%-20s %" PRIu64 " (%" PRIu64 " triggered, %" PRIu64 " skipped, %" PRIu64
		" interrupted)\n", "windows:", in->windows, in->triggered, in->skipped,
		in->interrupted);
	if (in->has_unclosed) {
		fprintf(f, "%-20s window %" PRIu32 ", %.6f s from its first to its last event (%s events): never closed\n",
			"incomplete window:", in->unclosed.index,
			(in->unclosed.end_ts - in->unclosed.start_ts) / 1e9,
			kdr_commas(in->tail.events, a, sizeof(a)));
	}
	fprintf(f, "%-20s %s\n", "events:", kdr_commas(in->events, a, sizeof(a)));
	for (int i = 1; i <= KDF_EV_TYPE_MAX; i++)
		if (type_names[i] && (i < KDF_EV_CPU_RUN || in->by_type[i])) /* 1.2's when some */
			fprintf(f, "  %-18s %s\n", type_names[i], kdr_commas(in->by_type[i], a, sizeof(a)));
	if (in->other_types)
		fprintf(f, "  %-18s %s\n", "unknown type", kdr_commas(in->other_types, a, sizeof(a)));
	fprintf(f, "%-20s %s\n", "dropped:", kdr_commas(in->dropped, a, sizeof(a)));
	text_losses(c, in);
	fprintf(f, "%-20s %s\n", "trigger missed:", kdr_commas(in->trigger_missed, a, sizeof(a)));
	fprintf(f, "%-20s %s\n", "stacks lost:", kdr_commas(in->stacks_lost, a, sizeof(a)));
	fprintf(f, "%-20s %" PRIu64 "\n", "thread names:", in->thread_items);
	fprintf(f, "%-20s %" PRIu64 "\n", "symbols:", in->symbols);
	fprintf(f, "%-20s %s bytes (%s uncompressed)\n", "file size:",
		kdr_commas(in->rs.file_bytes, a, sizeof(a)),
		kdr_commas(in->rs.uncompressed_bytes, b, sizeof(b)));
	if (in->events)
		fprintf(f, "%-20s %.2f\n", "bytes/event:", (double)in->rs.file_bytes / in->events);
	else
		fprintf(f, "%-20s -\n", "bytes/event:");
	if (in->rs.file_bytes)
		fprintf(f, "%-20s %.2fx\n", "compression ratio:",
			(double)in->rs.uncompressed_bytes / in->rs.file_bytes);
	fprintf(f, "%-20s %" PRIu64 " (%" PRIu64 " bad, %" PRIu64 " unknown type)\n", "chunks:",
		in->rs.chunks, in->rs.chunks_bad, in->rs.chunks_unknown);
	fprintf(f, "%-20s %s", "complete:", complete(in) ? "yes" : "no");
	if (in->rs.truncated)
		fputs(" (truncated)", f);
	else if (!in->has_summary)
		fputs(" (no summary)", f);
	else if (kdr_end_lost(in->end))
		fprintf(f, " (%s)", kdr_end_token(in->end));
	if (in->rs.chunks_bad)
		fputs(" (corrupt chunks skipped)", f);
	if (in->has_unclosed)
		fputs(" (a window never closed)", f);
	fputc('\n', f);
}

static void json_info(struct kdr_ctx *c, const struct info *in)
{
	struct kdr_json *j = kdr_json_new(c->out, 1);

	if (!j)
		return;
	kdr_json_obj_begin(j);
	kdr_json_key(j, "schema_version");
	kdr_json_u64(j, 1);
	kdr_json_key(j, "capture");
	kdr_json_capture(c, j);
	kdr_json_key(j, "duration_ns");
	kdr_json_u64(j, end_ts(c, in) - c->meta->mono_ns);
	kdr_json_key(j, "sampled_ns");
	kdr_json_u64(j, in->sampled_ns);
	kdr_json_key(j, "recorder_exit");
	kdr_json_cstr(j, exit_reason(in));
	kdr_json_key(j, "windows");
	kdr_json_obj_begin(j);
	kdr_json_key(j, "count");
	kdr_json_u64(j, in->windows);
	kdr_json_key(j, "triggered");
	kdr_json_u64(j, in->triggered);
	kdr_json_key(j, "skipped");
	kdr_json_u64(j, in->skipped);
	kdr_json_key(j, "interrupted");
	kdr_json_u64(j, in->interrupted);
	kdr_json_obj_end(j);
	if (in->has_unclosed) { /* only then: older documents stay as they were */
		kdr_json_key(j, "incomplete_window");
		kdr_json_obj_begin(j);
		kdr_json_key(j, "index");
		kdr_json_u64(j, in->unclosed.index);
		kdr_json_key(j, "start_ns");
		kdr_json_u64(j, in->unclosed.start_ts);
		kdr_json_key(j, "end_ns");
		kdr_json_u64(j, in->unclosed.end_ts);
		kdr_json_key(j, "events");
		kdr_json_u64(j, in->tail.events);
		kdr_json_key(j, "end_reason");
		kdr_json_cstr(j, kdr_end_token(in->end));
		kdr_json_obj_end(j);
	}
	kdr_json_key(j, "events");
	kdr_json_u64(j, in->events);
	kdr_json_key(j, "events_by_type");
	kdr_json_obj_begin(j);
	for (int i = 1; i <= KDF_EV_TYPE_MAX; i++) {
		if (!type_names[i] || (i >= KDF_EV_CPU_RUN && !in->by_type[i])) /* 1.2's when some */
			continue;
		kdr_json_key(j, type_names[i]);
		kdr_json_u64(j, in->by_type[i]);
	}
	if (in->losses.all.records) {
		kdr_json_key(j, "loss");
		kdr_json_u64(j, in->losses.all.records);
	}
	kdr_json_key(j, "unknown");
	kdr_json_u64(j, in->other_types);
	kdr_json_obj_end(j);
	kdr_json_key(j, "dropped");
	kdr_json_u64(j, in->dropped);
	if (in->losses.all.records) {
		kdr_json_key(j, "losses");
		kdr_json_arr_begin(j);
		for (size_t i = 0; i < in->losses.n; i++) {
			const struct kdr_loss_cpu *l = &in->losses.v[i];

			kdr_json_obj_begin(j);
			kdr_json_key(j, "cpu");
			kdr_json_u64(j, l->cpu);
			kdr_json_key(j, "records");
			kdr_json_u64(j, l->records);
			kdr_json_key(j, "events");
			kdr_json_u64(j, l->count);
			kdr_json_key(j, "first_ns");
			kdr_json_u64(j, l->first_ts);
			kdr_json_key(j, "end_ns");
			kdr_json_u64(j, l->end_ts);
			kdr_json_obj_end(j);
		}
		kdr_json_arr_end(j);
	}
	kdr_json_key(j, "trigger_missed");
	kdr_json_u64(j, in->trigger_missed);
	kdr_json_key(j, "stacks_lost");
	kdr_json_u64(j, in->stacks_lost);
	kdr_json_key(j, "thread_names");
	kdr_json_u64(j, in->thread_items);
	kdr_json_key(j, "symbols");
	kdr_json_u64(j, in->symbols);
	kdr_json_key(j, "file_bytes");
	kdr_json_u64(j, in->rs.file_bytes);
	kdr_json_key(j, "uncompressed_bytes");
	kdr_json_u64(j, in->rs.uncompressed_bytes);
	kdr_json_key(j, "bytes_per_event");
	kdr_json_double(j, in->events ? (double)in->rs.file_bytes / in->events : 0, 2);
	kdr_json_key(j, "compression_ratio");
	kdr_json_double(j, in->rs.file_bytes ? (double)in->rs.uncompressed_bytes / in->rs.file_bytes : 0, 2);
	kdr_json_key(j, "chunks");
	kdr_json_u64(j, in->rs.chunks);
	kdr_json_key(j, "chunks_bad");
	kdr_json_u64(j, in->rs.chunks_bad);
	kdr_json_key(j, "chunks_unknown");
	kdr_json_u64(j, in->rs.chunks_unknown);
	kdr_json_key(j, "truncated");
	kdr_json_bool(j, in->rs.truncated);
	kdr_json_key(j, "has_summary");
	kdr_json_bool(j, in->has_summary);
	kdr_json_obj_end(j);
	kdr_json_free(j);
}

int kdr_info(struct kdr_ctx *c)
{
	struct info in;

	memset(&in, 0, sizeof(in));
	collect(c, &in);
	if (c->o->format == KDR_FMT_JSON)
		json_info(c, &in);
	else
		text_info(c, &in);
	kdr_loss_table_free(&in.losses);
	fflush(c->out);
	if (ferror(c->out))
		return EX_IOERR;
	if (in.rc < 0) {
		fprintf(c->err, "%s: %s: %s\n", c->prog, c->path ? c->path : "capture",
			kdf_strerror(in.rc));
		return in.rc == KDF_E_NOMEM ? EX_OSERR : EX_DATAERR;
	}
	return complete(&in) ? KDR_EXIT_OK : KDR_EXIT_INCOMPLETE;
}
