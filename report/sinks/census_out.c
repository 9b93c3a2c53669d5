// SPDX-License-Identifier: BSD-2-Clause
/*
 * census_out.c - the census of a window (census.h) in the text report
 * (--census: the silent threads) and in JSON ("census": every thread).
 */
#include <inttypes.h>
#include <string.h>

#include "census_out.h"
#include "shown.h"
#include "text_format.h"
#include "json.h"
#include "sink.h"

/* Format 1.3 and later say since when a thread sleeps, when the trace
 * saw it fall asleep: without it, it slept since before the trace. */
static int knows_since(const struct kdr_ctx *c)
{
	uint32_t major, minor;

	kdf_reader_version(c->r, &major, &minor);
	return major > 1 || minor >= 3;
}

static void seen_json(struct kdr_ctx *c, struct kdr_json *j, const char *k,
		      const struct kdr_census_seen *s)
{
	char state[2] = { (char)s->state, 0 }, nb[32];

	kdr_json_key(j, k);
	if (!s->known) {
		kdr_json_null(j);
		return;
	}
	kdr_json_obj_begin(j);
	kdr_json_key(j, "state");
	if (s->state >= 0x21 && s->state < 0x7f)
		kdr_json_cstr(j, state);
	else
		kdr_json_null(j);
	kdr_json_key(j, "syscall");
	if (s->nr == KDF_CENSUS_NO_SYSCALL)
		kdr_json_null(j);
	else
		kdr_json_cstr(j, kdr_syscall_name(c->meta, s->nr, nb, sizeof(nb)));
	kdr_json_key(j, "asleep_ns");
	if (s->since_ts)
		kdr_json_u64(j, s->ts - s->since_ts);
	else
		kdr_json_null(j);
	kdr_json_key(j, "asleep_before_trace");
	if (knows_since(c))
		kdr_json_bool(j, !s->since_ts && s->state != 'R');
	else
		kdr_json_null(j);
	kdr_json_obj_end(j);
}

void kdr_census_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_census *ce,
		     uint64_t ts)
{
	size_t n, len;
	const struct kdr_census_row *r = kdr_census_rows(ce, &n);
	char tb[32];

	kdr_json_key(j, "census");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		const char *name = kdr_shown_thread(c, r[i].tid, ts, tb, sizeof(tb), &len);

		if (!name)
			continue;
		kdr_json_obj_begin(j);
		kdr_json_key(j, "tid");
		kdr_json_u64(j, r[i].tid);
		kdr_json_key(j, "name");
		kdr_json_str(j, name, len);
		kdr_json_key(j, "silent");
		kdr_json_bool(j, r[i].silent);
		seen_json(c, j, "start", &r[i].start);
		seen_json(c, j, "end", &r[i].end);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	if (kdr_census_incomplete(ce)) {
		kdr_json_key(j, "census_incomplete");
		kdr_json_bool(j, 1);
	}
}

/* "S in poll, 1,234,567 ns asleep", "S in poll, since before the trace",
 * "R", "-" (not in that census) */
static void seen_text(struct kdr_ctx *c, const struct kdr_census_seen *s, char *out, size_t size)
{
	char nb[32], since[64], a[32];
	char st = s->state >= 0x21 && s->state < 0x7f ? (char)s->state : '?';

	since[0] = 0;
	if (s->since_ts)
		snprintf(since, sizeof(since), ", %s ns asleep", kdr_commas(s->ts - s->since_ts, a, sizeof(a)));
	else if (s->known && s->state != 'R' && knows_since(c))
		snprintf(since, sizeof(since), ", since before the trace");
	if (!s->known)
		snprintf(out, size, "-");
	else if (s->nr == KDF_CENSUS_NO_SYSCALL)
		snprintf(out, size, "%c%s", st, since);
	else
		snprintf(out, size, "%c in %s%s", st, kdr_syscall_name(c->meta, s->nr, nb, sizeof(nb)),
			 since);
}

void kdr_census_text(struct kdr_ctx *c, const struct kdr_census *ce, uint64_t ts)
{
	size_t n, len, all = 0, silent = 0;
	const struct kdr_census_row *r = kdr_census_rows(ce, &n);
	FILE *f = c->out;
	char tb[32], s0[96], s1[96];

	for (size_t i = 0; i < n; i++) {
		all++;
		silent += !!r[i].silent;
	}
	fprintf(f, "# Silent threads: %zu of the %zu threads /proc listed made no event in the window\n",
		silent, all);
	fprintf(f, "%-8s %-16s %-48s %s\n", "TID", "THREAD", "AT THE START", "AT THE END");
	for (size_t i = 0; i < n; i++) {
		const char *name;

		if (!r[i].silent)
			continue;
		name = kdr_shown_thread(c, r[i].tid, ts, tb, sizeof(tb), &len);
		if (!name)
			continue;
		seen_text(c, &r[i].start, s0, sizeof(s0));
		seen_text(c, &r[i].end, s1, sizeof(s1));
		fprintf(f, "%-8" PRIu32 " ", r[i].tid);
		kdr_text_name(f, name, len, 16, 16);
		fprintf(f, " %-48s %s\n", s0, s1);
	}
	if (kdr_census_incomplete(ce))
		fputs("# WARNING: out of memory: the census above is incomplete\n", f);
}
