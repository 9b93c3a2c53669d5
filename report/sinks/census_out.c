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

/* "S in poll", "R", "-" (not in that census) */
static void seen_text(struct kdr_ctx *c, const struct kdr_census_seen *s, char *out, size_t size)
{
	char nb[32];

	if (!s->known)
		snprintf(out, size, "-");
	else if (s->nr == KDF_CENSUS_NO_SYSCALL)
		snprintf(out, size, "%c", s->state >= 0x21 && s->state < 0x7f ? (char)s->state : '?');
	else
		snprintf(out, size, "%c in %s", s->state >= 0x21 && s->state < 0x7f ? (char)s->state : '?',
			 kdr_syscall_name(c->meta, s->nr, nb, sizeof(nb)));
}

void kdr_census_text(struct kdr_ctx *c, const struct kdr_census *ce, uint64_t ts)
{
	size_t n, len, all = 0, silent = 0;
	const struct kdr_census_row *r = kdr_census_rows(ce, &n);
	FILE *f = c->out;
	char tb[32], s0[48], s1[48];

	for (size_t i = 0; i < n; i++) {
		all++;
		silent += !!r[i].silent;
	}
	fprintf(f, "# Silent threads: %zu of the %zu threads /proc listed made no event in the window\n",
		silent, all);
	fprintf(f, "%-8s %-16s %-24s %s\n", "TID", "THREAD", "AT THE START", "AT THE END");
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
		fprintf(f, " %-24s %s\n", s0, s1);
	}
	if (kdr_census_incomplete(ce))
		fputs("# WARNING: out of memory: the census above is incomplete\n", f);
}
