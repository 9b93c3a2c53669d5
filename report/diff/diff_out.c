// SPDX-License-Identifier: BSD-2-Clause
/*
 * diff_out.c - the outputs of `kdelay-report diff`: a fixed-width text
 * table and a JSON document (schema in docs/diff.md), both listing the
 * same rows in the same order: all threads, then each role of either
 * capture (bytewise order); in each, run, ready, every syscall together,
 * then each syscall by the larger of its two totals, descending.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "json.h"
#include "text_format.h"

/* One syscall of a group pair: either side may lack it. */
struct sysrow {
	const char *name;
	const struct kdr_hist *b, *n;
};

static uint64_t max_total(const struct sysrow *r)
{
	uint64_t a = r->b ? r->b->total : 0, b = r->n ? r->n->total : 0;

	return a > b ? a : b;
}

static int cmp_sysrow(const void *pa, const void *pb)
{
	const struct sysrow *a = pa, *b = pb;
	uint64_t ta = max_total(a), tb = max_total(b);

	if (ta != tb)
		return ta < tb ? 1 : -1;
	return strcmp(a->name, b->name);
}

/* The union of the syscalls of gb and gn (either may be NULL), sorted;
 * *n rows.  NULL when out of memory (or when there is none). */
static struct sysrow *sysrows(const struct kdr_diff_group *gb, const struct kdr_diff_group *gn,
			      size_t *n)
{
	size_t nb = gb ? gb->nsys : 0, nn = gn ? gn->nsys : 0, i = 0, j = 0, k = 0;
	struct sysrow *v = calloc(nb + nn + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	while (i < nb || j < nn) {
		int c = i == nb ? 1 : j == nn ? -1 : strcmp(gb->sys[i].name, gn->sys[j].name);

		v[k].name = c <= 0 ? gb->sys[i].name : gn->sys[j].name;
		v[k].b = c <= 0 ? &gb->sys[i].h : NULL;
		v[k].n = c >= 0 ? &gn->sys[j].h : NULL;
		k++;
		i += c <= 0;
		j += c >= 0;
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_sysrow);
	*n = k;
	return v;
}

/* Calls f for each pair of groups: all threads, then each role. */
typedef int (*group_fn)(void *ctx, const struct kdr_diff_group *gb,
			const struct kdr_diff_group *gn, int is_all);

static int each_group(const struct kdr_diff_side *base, const struct kdr_diff_side *now,
		      group_fn f, void *ctx)
{
	size_t i = 0, j = 0;
	int rc = f(ctx, &base->all, &now->all, 1);

	while (!rc && (i < base->nroles || j < now->nroles)) {
		const struct kdr_diff_group *a = i < base->nroles ? &base->roles[i] : NULL;
		const struct kdr_diff_group *b = j < now->nroles ? &now->roles[j] : NULL;
		int c = !a ? 1 : !b ? -1 : kdr_diff_role_cmp(a->role, a->role_len, b->role, b->role_len);

		rc = f(ctx, c <= 0 ? a : NULL, c >= 0 ? b : NULL, 0);
		i += c <= 0;
		j += c >= 0;
	}
	return rc;
}

/* The statistics the text table shows; JSON has them all. */
static const enum kdr_diff_stat text_stats[] = {
	KDR_DS_COUNT, KDR_DS_TOTAL, KDR_DS_P50, KDR_DS_P90, KDR_DS_P99, KDR_DS_MAX,
};

/* Does st mean anything for an empty distribution?  count and total do. */
static int defined(const struct kdr_hist *h, enum kdr_diff_stat st)
{
	return st == KDR_DS_COUNT || st == KDR_DS_TOTAL || (h && h->count);
}

/* --------------------------------------------------------------- text */

static void text_value(FILE *f, const struct kdr_hist *h, enum kdr_diff_stat st)
{
	char buf[32];

	if (!defined(h, st))
		fprintf(f, " %20s", "-");
	else
		fprintf(f, " %20s", kdr_commas(kdr_diff_stat_value(h, st), buf, sizeof(buf)));
}

static void text_delta(FILE *f, uint64_t b, uint64_t n)
{
	char buf[32], s[40];
	double pc = kdr_diff_pct(b, n);

	snprintf(s, sizeof(s), "%s%s", n > b ? "+" : n < b ? "-" : "",
		 kdr_commas(n >= b ? n - b : b - n, buf, sizeof(buf)));
	fprintf(f, " %20s", s);
	if (isinf(pc))
		fprintf(f, " %9s", "+inf%");
	else
		fprintf(f, " %+8.1f%%", pc);
}

static void text_rows(FILE *f, const char *what, const char *name, const struct kdr_hist *b,
		      const struct kdr_hist *n)
{
	size_t i, shown = sizeof(text_stats) / sizeof(text_stats[0]);
	char label[64];

	snprintf(label, sizeof(label), "%s%s%s", what, name ? "." : "", name ? name : "");
	/* Nothing on either side: the count says it all. */
	if ((!b || !b->count) && (!n || !n->count))
		shown = 1;
	for (i = 0; i < shown; i++) {
		enum kdr_diff_stat st = text_stats[i];

		fprintf(f, "  %-24s %-6s", label, kdr_diff_stat_name(st));
		text_value(f, b, st);
		text_value(f, n, st);
		if (defined(b, st) && defined(n, st))
			text_delta(f, kdr_diff_stat_value(b, st), kdr_diff_stat_value(n, st));
		else
			fprintf(f, " %20s %9s", "-", "-");
		fputc('\n', f);
	}
}

static int text_group(void *ctx, const struct kdr_diff_group *gb, const struct kdr_diff_group *gn,
		      int is_all)
{
	FILE *f = ctx;
	const struct kdr_diff_group *g = gb ? gb : gn;
	struct sysrow *rows;
	size_t n, i;

	fputc('\n', f);
	if (is_all) {
		fputs("ALL THREADS", f);
	} else {
		fputs("THREAD ", f);
		kdr_text_name(f, g->role, g->role_len, 0, 0);
	}
	fprintf(f, " (threads: base %u, new %u)\n", gb ? gb->nthreads : 0, gn ? gn->nthreads : 0);
	fprintf(f, "  %-24s %-6s %20s %20s %20s %9s\n", "WHAT", "STAT", "BASE", "NEW", "DELTA",
		"DELTA%");
	text_rows(f, "run", NULL, gb ? &gb->run : NULL, gn ? &gn->run : NULL);
	text_rows(f, "ready", NULL, gb ? &gb->ready : NULL, gn ? &gn->ready : NULL);
	text_rows(f, "syscall", NULL, gb ? &gb->sys_all : NULL, gn ? &gn->sys_all : NULL);
	rows = sysrows(gb, gn, &n);
	if (!rows)
		return -1;
	for (i = 0; i < n; i++)
		text_rows(f, "syscall", rows[i].name, rows[i].b, rows[i].n);
	free(rows);
	return 0;
}

void kdr_diff_check_label(FILE *f, const struct kdr_diff_result *r, const struct kdr_diff_check *c)
{
	if (c->role) {
		fputs("thread ", f);
		kdr_text_name(f, c->role, c->role_len, 0, 0);
	} else {
		fputs("all threads", f);
	}
	switch (c->what) {
	case KDR_DW_RUN:
		fputs(" run", f);
		break;
	case KDR_DW_READY:
		fputs(" ready", f);
		break;
	case KDR_DW_SYSCALLS:
		fputs(" syscalls", f);
		break;
	default:
		fprintf(f, " syscall %s", c->sysname ? c->sysname : "?");
		break;
	}
	fprintf(f, " %s", kdr_diff_stat_name(r->e->stat));
}

static void text_check(FILE *f, const struct kdr_diff_result *r, const struct kdr_diff_check *c)
{
	char a[32], b[32];
	double pc = kdr_diff_pct(c->base, c->now);

	fputs("    ", f);
	kdr_diff_check_label(f, r, c);
	fprintf(f, ": %s -> %s", kdr_commas(c->base, a, sizeof(a)), kdr_commas(c->now, b, sizeof(b)));
	if (isinf(pc))
		fputs(" (+inf%)\n", f);
	else
		fprintf(f, " (%+.1f%%)\n", pc);
}

static void text_side(FILE *f, const struct kdr_diff_side *s)
{
	fprintf(f, "%-4s %s: pid %" PRIu32 " ", s->label, s->path, s->pid);
	kdr_text_name(f, s->comm, strlen(s->comm), 0, 0);
	fputs(" on ", f);
	kdr_text_name(f, s->hostname, strlen(s->hostname), 0, 0);
	fprintf(f, ", %" PRIu32 " of %" PRIu32 " windows compared (%.6f s), %" PRIu32 " threads%s\n",
		s->windows_kept, s->windows, (double)s->window_ns / 1e9, s->nthreads,
		s->incomplete ? ", INCOMPLETE" : "");
}

int kdr_diff_print_text(FILE *f, const struct kdr_diff_side *base, const struct kdr_diff_side *now,
			const struct kdr_diff_result *res, size_t nres)
{
	size_t i, j;

	fputs("kdelay-report diff\n", f);
	text_side(f, base);
	text_side(f, now);
	fputs("Times in ns; threads matched by name without a numeric suffix (role).\n"
	      "Percentiles (nearest rank) overstate by less than 1/64 (1.6%).\n",
	      f);
	if (each_group(base, now, text_group, f))
		return -1;
	if (!nres)
		return 0;
	fputs("\nFAIL-IF\n", f);
	for (i = 0; i < nres; i++) {
		const struct kdr_diff_result *r = &res[i];

		fprintf(f, "  %s: ", r->e->text);
		if (r->ncrossed)
			fprintf(f, "CROSSED (%zu of %zu comparisons)\n", r->ncrossed, r->nchecks);
		else
			fprintf(f, "ok (%zu comparison%s)\n", r->nchecks, r->nchecks == 1 ? "" : "s");
		/* A single comparison is shown either way: the numbers tell
		 * how close it came; of many, only the crossings. */
		for (j = 0; j < r->nchecks; j++)
			if (r->checks[j].crossed || r->nchecks == 1)
				text_check(f, r, &r->checks[j]);
	}
	return 0;
}

/* --------------------------------------------------------------- JSON */

static void json_stats(struct kdr_json *j, const struct kdr_hist *h)
{
	int st;

	kdr_json_obj_begin(j);
	for (st = 0; st < KDR_DS_N; st++) {
		kdr_json_key(j, kdr_diff_stat_name(st));
		if (defined(h, st))
			kdr_json_u64(j, kdr_diff_stat_value(h, st));
		else
			kdr_json_null(j);
	}
	kdr_json_obj_end(j);
}

/* The members base, new, delta, delta_pct of a pair. */
static void json_pair_members(struct kdr_json *j, const struct kdr_hist *b,
			      const struct kdr_hist *n)
{
	int st;

	kdr_json_key(j, "base");
	json_stats(j, b);
	kdr_json_key(j, "new");
	json_stats(j, n);
	kdr_json_key(j, "delta");
	kdr_json_obj_begin(j);
	for (st = 0; st < KDR_DS_N; st++) {
		uint64_t vb = kdr_diff_stat_value(b, st), vn = kdr_diff_stat_value(n, st);
		uint64_t d = vn >= vb ? vn - vb : vb - vn;

		kdr_json_key(j, kdr_diff_stat_name(st));
		if (!defined(b, st) || !defined(n, st))
			kdr_json_null(j);
		else if (vn >= vb)
			kdr_json_i64(j, d > INT64_MAX ? INT64_MAX : (int64_t)d);
		else
			kdr_json_i64(j, d > INT64_MAX ? INT64_MIN : -(int64_t)d);
	}
	kdr_json_obj_end(j);
	kdr_json_key(j, "delta_pct");
	kdr_json_obj_begin(j);
	for (st = 0; st < KDR_DS_N; st++) {
		kdr_json_key(j, kdr_diff_stat_name(st));
		if (!defined(b, st) || !defined(n, st))
			kdr_json_null(j);
		else /* +inf (base 0) becomes null */
			kdr_json_double(j, kdr_diff_pct(kdr_diff_stat_value(b, st),
							kdr_diff_stat_value(n, st)), 3);
	}
	kdr_json_obj_end(j);
}

static void json_pair(struct kdr_json *j, const char *key, const struct kdr_hist *b,
		      const struct kdr_hist *n)
{
	kdr_json_key(j, key);
	kdr_json_obj_begin(j);
	json_pair_members(j, b, n);
	kdr_json_obj_end(j);
}

static int json_group(void *ctx, const struct kdr_diff_group *gb, const struct kdr_diff_group *gn,
		      int is_all)
{
	struct kdr_json *j = ctx;
	const struct kdr_diff_group *g = gb ? gb : gn;
	struct sysrow *rows;
	size_t n, i;

	if (!is_all)
		kdr_json_obj_begin(j); /* an element of "roles" */
	kdr_json_key(j, "role");
	if (is_all)
		kdr_json_null(j);
	else
		kdr_json_str(j, g->role, g->role_len);
	kdr_json_key(j, "threads");
	kdr_json_obj_begin(j);
	kdr_json_key(j, "base");
	kdr_json_u64(j, gb ? gb->nthreads : 0);
	kdr_json_key(j, "new");
	kdr_json_u64(j, gn ? gn->nthreads : 0);
	kdr_json_obj_end(j);
	json_pair(j, "run", gb ? &gb->run : NULL, gn ? &gn->run : NULL);
	json_pair(j, "ready", gb ? &gb->ready : NULL, gn ? &gn->ready : NULL);
	json_pair(j, "syscall", gb ? &gb->sys_all : NULL, gn ? &gn->sys_all : NULL);
	rows = sysrows(gb, gn, &n);
	if (!rows)
		return -1;
	kdr_json_key(j, "syscalls");
	kdr_json_arr_begin(j);
	for (i = 0; i < n; i++) {
		kdr_json_obj_begin(j);
		kdr_json_key(j, "name");
		kdr_json_cstr(j, rows[i].name);
		json_pair_members(j, rows[i].b, rows[i].n);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	free(rows);
	if (is_all) {
		kdr_json_obj_end(j); /* "all" */
		kdr_json_key(j, "roles");
		kdr_json_arr_begin(j);
	} else {
		kdr_json_obj_end(j);
	}
	return 0;
}

static void json_side(struct kdr_json *j, const struct kdr_diff_side *s)
{
	kdr_json_key(j, s->label);
	kdr_json_obj_begin(j);
	kdr_json_key(j, "path");
	kdr_json_cstr(j, s->path);
	kdr_json_key(j, "pid");
	kdr_json_u64(j, s->pid);
	kdr_json_key(j, "comm");
	kdr_json_cstr(j, s->comm);
	kdr_json_key(j, "hostname");
	kdr_json_cstr(j, s->hostname);
	kdr_json_key(j, "windows");
	kdr_json_u64(j, s->windows);
	kdr_json_key(j, "windows_compared");
	kdr_json_u64(j, s->windows_kept);
	kdr_json_key(j, "window_ns");
	kdr_json_u64(j, s->window_ns);
	kdr_json_key(j, "threads");
	kdr_json_u64(j, s->nthreads);
	kdr_json_key(j, "incomplete");
	kdr_json_bool(j, s->incomplete);
	kdr_json_obj_end(j);
}

static const char *what_name(enum kdr_diff_what w)
{
	switch (w) {
	case KDR_DW_RUN:
		return "run";
	case KDR_DW_READY:
		return "ready";
	default:
		return "syscall";
	}
}

static void json_results(struct kdr_json *j, const struct kdr_diff_result *res, size_t nres)
{
	size_t i, k, crossed = 0;

	kdr_json_key(j, "fail_if");
	kdr_json_arr_begin(j);
	for (i = 0; i < nres; i++) {
		const struct kdr_diff_result *r = &res[i];

		crossed += r->ncrossed > 0;
		kdr_json_obj_begin(j);
		kdr_json_key(j, "expr");
		kdr_json_cstr(j, r->e->text);
		kdr_json_key(j, "crossed");
		kdr_json_bool(j, r->ncrossed > 0);
		kdr_json_key(j, "comparisons");
		kdr_json_u64(j, r->nchecks);
		kdr_json_key(j, "crossings");
		kdr_json_arr_begin(j);
		for (k = 0; k < r->nchecks; k++) {
			const struct kdr_diff_check *c = &r->checks[k];

			if (!c->crossed)
				continue;
			kdr_json_obj_begin(j);
			kdr_json_key(j, "role");
			if (c->role)
				kdr_json_str(j, c->role, c->role_len);
			else
				kdr_json_null(j);
			kdr_json_key(j, "what");
			kdr_json_cstr(j, what_name(c->what));
			kdr_json_key(j, "syscall");
			kdr_json_cstr(j, c->what == KDR_DW_SYSCALL ? c->sysname : NULL);
			kdr_json_key(j, "stat");
			kdr_json_cstr(j, kdr_diff_stat_name(r->e->stat));
			kdr_json_key(j, "base");
			kdr_json_u64(j, c->base);
			kdr_json_key(j, "new");
			kdr_json_u64(j, c->now);
			kdr_json_key(j, "delta_pct");
			kdr_json_double(j, kdr_diff_pct(c->base, c->now), 3);
			kdr_json_obj_end(j);
		}
		kdr_json_arr_end(j);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	kdr_json_key(j, "crossed");
	kdr_json_u64(j, crossed);
}

int kdr_diff_print_json(FILE *f, const struct kdr_diff_side *base, const struct kdr_diff_side *now,
			const struct kdr_diff_result *res, size_t nres)
{
	struct kdr_json *j = kdr_json_new(f, 1);
	int rc;

	if (!j)
		return -1;
	kdr_json_obj_begin(j);
	kdr_json_key(j, "schema_version");
	kdr_json_u64(j, KDR_DIFF_SCHEMA_VERSION);
	kdr_json_key(j, "tool");
	kdr_json_cstr(j, "kdelay-report diff");
	kdr_json_key(j, "unit");
	kdr_json_cstr(j, "ns");
	kdr_json_key(j, "percentile_max_relative_error");
	kdr_json_double(j, KDR_HIST_REL_ERROR, 6);
	json_side(j, base);
	json_side(j, now);
	kdr_json_key(j, "all");
	kdr_json_obj_begin(j);
	/* json_group closes "all" and opens "roles" after the first group. */
	rc = each_group(base, now, json_group, j);
	kdr_json_arr_end(j);
	json_results(j, res, nres);
	kdr_json_obj_end(j);
	kdr_json_free(j);
	return rc;
}
