// SPDX-License-Identifier: BSD-2-Clause
/*
 * census_out.c - the census of a window (census.h) in the text report
 * (--census: the silent threads) and in JSON ("census": every thread).
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "census_out.h"
#include "shown.h"
#include "text_format.h"
#include "json.h"
#include "sink.h"

_Static_assert(offsetof(struct kdr_census_row, tid) == 0, "shown.h: the tid first");

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

static void row_json(struct kdr_ctx *c, struct kdr_json *j, const void *row, uint64_t ts)
{
	const struct kdr_census_row *r = row;

	(void)ts;
	kdr_json_key(j, "silent");
	kdr_json_bool(j, r->silent);
	seen_json(c, j, "start", &r->start);
	seen_json(c, j, "end", &r->end);
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

static void row_text(struct kdr_ctx *c, const void *row, uint64_t ts)
{
	const struct kdr_census_row *r = row;
	char s0[96], s1[96];

	(void)ts;
	seen_text(c, &r->start, s0, sizeof(s0));
	seen_text(c, &r->end, s1, sizeof(s1));
	fprintf(c->out, " %-48s %s", s0, s1);
}

static int row_silent(const void *row)
{
	return ((const struct kdr_census_row *)row)->silent;
}

static void table(const struct kdr_census *ce, struct kdr_shown_table *t)
{
	memset(t, 0, sizeof(*t));
	t->rows = kdr_census_rows(ce, &t->n);
	t->size = sizeof(struct kdr_census_row);
	t->incomplete = kdr_census_incomplete(ce);
	t->what = "census";
	t->text_keep = row_silent; /* the text lists the silent threads only */
	t->text = row_text;
	t->json = row_json;
}

void kdr_census_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_census *ce,
		     uint64_t ts)
{
	struct kdr_shown_table t;

	table(ce, &t);
	kdr_shown_json(c, j, &t, ts);
}

void kdr_census_text(struct kdr_ctx *c, const struct kdr_census *ce, uint64_t ts)
{
	struct kdr_shown_table t;
	size_t silent = 0;

	table(ce, &t);
	for (size_t i = 0; i < t.n; i++)
		silent += row_silent((const struct kdr_census_row *)t.rows + i);
	fprintf(c->out, "# Silent threads: %zu of the %zu threads /proc listed made no event in "
		"the window\n", silent, t.n);
	fprintf(c->out, "%-8s %-16s %-48s %s\n", "TID", "THREAD", "AT THE START", "AT THE END");
	kdr_shown_text(c, &t, ts);
}
