// SPDX-License-Identifier: BSD-2-Clause
/*
 * diff_load.c - one capture to per-role distributions for `diff`.
 *
 * The raw events are paired by the exports' timeline core
 * (export_internal.h: kdr_export_open() + kdr_export_scan()), which
 * already handles out-of-order events, lost ends and stacks.  This file
 * is the adapter that turns its slices into statistics with the meaning
 * of design-notes section 1, which the timeline deliberately stretches:
 *   - a slice counts only when both its ends fall inside one kept (not
 *     skipped) sample window; the timeline instead runs intervals cut by
 *     the capture's edges to those edges (KDR_XS_OPEN_START,
 *     KDR_XS_UNFINISHED) and clips to its range (KDR_XS_CUT_*): those
 *     are left out;
 *   - only running, ready and syscall slices are kept (irqs are not
 *     compared yet).
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "capture_end.h"
#include "diff_internal.h"
#include "export_internal.h"

void kdr_diff_role(const char *name, size_t name_len, size_t *len)
{
	size_t n = name_len;

	while (n && name[n - 1] >= '0' && name[n - 1] <= '9')
		n--;
	*len = n ? n : name_len;
}

static const char unnamed[] = "<unnamed>";

static void group_free(struct kdr_diff_group *g)
{
	size_t i;

	free(g->role);
	kdr_hist_free(&g->run);
	kdr_hist_free(&g->ready);
	kdr_hist_free(&g->sys_all);
	for (i = 0; i < g->nsys; i++) {
		free(g->sys[i].name);
		kdr_hist_free(&g->sys[i].h);
	}
	free(g->sys);
	memset(g, 0, sizeof(*g));
}

void kdr_diff_side_free(struct kdr_diff_side *s)
{
	size_t i;

	free(s->comm);
	free(s->hostname);
	group_free(&s->all);
	for (i = 0; i < s->nroles; i++)
		group_free(&s->roles[i]);
	free(s->roles);
	for (i = 0; i < s->nsysnames; i++)
		free(s->sysnames[i]);
	free(s->sysnames);
	memset(s, 0, sizeof(*s));
}

static void group_init(struct kdr_diff_group *g)
{
	memset(g, 0, sizeof(*g));
	kdr_hist_init(&g->run);
	kdr_hist_init(&g->ready);
	kdr_hist_init(&g->sys_all);
}

/* The distribution of syscall nr in g, created when missing; NULL when out
 * of memory.  Linear: a thread makes a few dozen distinct syscalls. */
static struct kdr_hist *group_sys(struct kdr_diff_group *g, uint32_t nr)
{
	size_t i;

	for (i = 0; i < g->nsys; i++)
		if (g->sys[i].nr == nr)
			return &g->sys[i].h;
	if (g->nsys == g->sys_cap) {
		size_t cap = g->sys_cap ? g->sys_cap * 2 : 8;
		void *v = realloc(g->sys, cap * sizeof(*g->sys));

		if (!v)
			return NULL;
		g->sys = v;
		g->sys_cap = cap;
	}
	memset(&g->sys[g->nsys], 0, sizeof(g->sys[0]));
	g->sys[g->nsys].nr = nr;
	kdr_hist_init(&g->sys[g->nsys].h);
	return &g->sys[g->nsys++].h;
}

/* --------------------------------------------------------------- scanning */

struct load {
	struct kdr_export *x;
	struct kdr_diff_side *s;
	uint32_t *role_of;	  /* parallel to x->threads */
	struct kdf_window *win;	  /* kept windows, by start time */
	size_t nwin;
	int nomem;
};

/* Non-zero when [a, b] lies within one kept window. */
static int in_window(const struct load *l, uint64_t a, uint64_t b)
{
	size_t lo = 0, hi = l->nwin;

	/* The last window starting at or before a. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->win[mid].start_ts <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && b <= l->win[lo - 1].end_ts;
}

static int on_slice(void *ctx, const struct kdr_xslice *sl)
{
	const uint32_t cut = KDR_XS_OPEN_START | KDR_XS_UNFINISHED | KDR_XS_CUT_START |
			     KDR_XS_CUT_END | KDR_XS_LOST;
	struct load *l = ctx;
	struct kdr_diff_group *g;
	struct kdr_hist *h = NULL;
	uint64_t d = sl->end - sl->start;

	if ((sl->flags & cut) || !in_window(l, sl->start, sl->end))
		return 0;
	g = &l->s->roles[l->role_of[sl->thread - l->x->threads]];
	switch (sl->kind) {
	case KDR_X_RUNNING:
		h = &g->run;
		break;
	case KDR_X_READY:
		h = &g->ready;
		break;
	case KDR_X_SYSCALL:
		if (kdr_hist_add(&g->sys_all, d))
			goto nomem;
		h = group_sys(g, sl->nr);
		if (!h)
			goto nomem;
		break;
	default:
		return 0;
	}
	if (kdr_hist_add(h, d))
		goto nomem;
	return 0;
nomem:
	l->nomem = 1;
	return EX_OSERR;
}

static int cmp_win(const void *a, const void *b)
{
	const struct kdf_window *wa = a, *wb = b;

	return (wa->start_ts > wb->start_ts) - (wa->start_ts < wb->start_ts);
}

/* Role of thread t: name without its numeric suffix. */
static void thread_role(const struct kdr_xthread *t, const char **r, size_t *len)
{
	if (!t->name) {
		*r = unnamed;
		*len = sizeof(unnamed) - 1;
		return;
	}
	*r = t->name;
	kdr_diff_role(t->name, t->name_len, len);
}

int kdr_diff_role_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;

	if (c)
		return c;
	return (alen > blen) - (alen < blen);
}

const struct kdr_diff_group *kdr_diff_find_role(const struct kdr_diff_side *s, const char *role,
						size_t len)
{
	size_t lo = 0, hi = s->nroles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = kdr_diff_role_cmp(s->roles[mid].role, s->roles[mid].role_len, role, len);

		if (!c)
			return &s->roles[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Roles of every thread, sorted and unique; role_of filled. */
static int build_roles(struct load *l)
{
	struct kdr_export *x = l->x;
	struct kdr_diff_side *s = l->s;
	size_t i, j;

	l->role_of = calloc(x->nthreads ? x->nthreads : 1, sizeof(*l->role_of));
	s->roles = calloc(x->nthreads ? x->nthreads : 1, sizeof(*s->roles));
	if (!l->role_of || !s->roles)
		return -1;
	/* Insertion into the sorted array: threads number in the hundreds. */
	for (i = 0; i < x->nthreads; i++) {
		const char *r;
		size_t len, k;

		thread_role(&x->threads[i], &r, &len);
		for (k = 0; k < s->nroles; k++) {
			int c = kdr_diff_role_cmp(s->roles[k].role, s->roles[k].role_len, r, len);

			if (c >= 0)
				break;
		}
		if (k == s->nroles || kdr_diff_role_cmp(s->roles[k].role, s->roles[k].role_len, r, len)) {
			memmove(&s->roles[k + 1], &s->roles[k], (s->nroles - k) * sizeof(*s->roles));
			group_init(&s->roles[k]);
			s->nroles++;
			s->roles[k].role = malloc(len + 1);
			if (!s->roles[k].role)
				return -1;
			memcpy(s->roles[k].role, r, len);
			s->roles[k].role[len] = '\0';
			s->roles[k].role_len = len;
		}
		s->roles[k].nthreads++;
	}
	/* Indexes are final only now that every role is inserted. */
	for (i = 0; i < x->nthreads; i++) {
		const char *r;
		size_t len;

		thread_role(&x->threads[i], &r, &len);
		l->role_of[i] = (uint32_t)(kdr_diff_find_role(s, r, len) - s->roles);
	}
	s->nthreads = (uint32_t)x->nthreads;
	l->win = malloc((x->nwindows ? x->nwindows : 1) * sizeof(*l->win));
	if (!l->win)
		return -1;
	for (i = 0, j = 0; i < x->nwindows; i++) {
		/* nor the window a capture leaves open: its length is unknown */
		if (x->windows[i].flags & (KDF_WIN_SKIPPED | KDR_WIN_UNCLOSED))
			continue;
		l->win[j++] = x->windows[i];
		s->window_ns += x->windows[i].end_ts > x->windows[i].start_ts
					? x->windows[i].end_ts - x->windows[i].start_ts
					: 0;
	}
	l->nwin = j;
	if (j)
		qsort(l->win, j, sizeof(*l->win), cmp_win);
	s->windows = (uint32_t)x->nwindows;
	s->windows_kept = (uint32_t)j;
	return 0;
}

static int cmp_sys(const void *a, const void *b)
{
	return strcmp(((const struct kdr_diff_sys *)a)->name, ((const struct kdr_diff_sys *)b)->name);
}

/* Names to syscalls, then "all threads" as the merge of every role. */
static int finish(struct load *l)
{
	struct kdr_diff_side *s = l->s;
	size_t i, j;

	for (i = 0; i < s->nroles; i++) {
		struct kdr_diff_group *g = &s->roles[i];

		for (j = 0; j < g->nsys; j++) {
			char buf[32];
			const char *n = kdr_export_syscall_name(l->x, g->sys[j].nr, buf, sizeof(buf));

			g->sys[j].name = strdup(n);
			if (!g->sys[j].name)
				return -1;
		}
		if (g->nsys)
			qsort(g->sys, g->nsys, sizeof(*g->sys), cmp_sys);
		s->all.nthreads += g->nthreads;
		if (kdr_hist_merge(&s->all.run, &g->run) || kdr_hist_merge(&s->all.ready, &g->ready) ||
		    kdr_hist_merge(&s->all.sys_all, &g->sys_all))
			return -1;
		for (j = 0; j < g->nsys; j++) {
			struct kdr_hist *h = group_sys(&s->all, g->sys[j].nr);

			if (!h || kdr_hist_merge(h, &g->sys[j].h))
				return -1;
		}
	}
	for (j = 0; j < s->all.nsys; j++) {
		char buf[32];
		const char *n = kdr_export_syscall_name(l->x, s->all.sys[j].nr, buf, sizeof(buf));

		s->all.sys[j].name = strdup(n);
		if (!s->all.sys[j].name)
			return -1;
	}
	if (s->all.nsys)
		qsort(s->all.sys, s->all.nsys, sizeof(*s->all.sys), cmp_sys);
	return 0;
}

/* Meta facts kept for the output and for checking --fail-if names. */
static int copy_meta(struct kdr_diff_side *s, const struct kdf_meta *m)
{
	uint32_t i;

	s->pid = m->pid;
	s->comm = strdup(m->comm ? m->comm : "");
	s->hostname = strdup(m->hostname ? m->hostname : "");
	if (!s->comm || !s->hostname)
		return -1;
	if (!m->syscall_names || !m->syscall_count)
		return 0;
	s->sysnames = calloc(m->syscall_count, sizeof(*s->sysnames));
	if (!s->sysnames)
		return -1;
	s->nsysnames = m->syscall_count;
	for (i = 0; i < m->syscall_count; i++)
		if (m->syscall_names[i] && !(s->sysnames[i] = strdup(m->syscall_names[i])))
			return -1;
	return 0;
}

int kdr_diff_known_syscall(const struct kdr_diff_side *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->nsysnames; i++)
		if (s->sysnames[i] && !strcmp(s->sysnames[i], name))
			return 1;
	/* What kdr_export_syscall_name() calls a nr without a name. */
	if (!strncmp(name, "syscall_", 8) && name[8] >= '0' && name[8] <= '9')
		return strspn(name + 8, "0123456789") == strlen(name + 8);
	return 0;
}

const struct kdr_hist *kdr_diff_find_sys(const struct kdr_diff_group *g, const char *name)
{
	size_t i;

	for (i = 0; g && i < g->nsys; i++)
		if (!strcmp(g->sys[i].name, name))
			return &g->sys[i].h;
	return NULL;
}

int kdr_diff_load(struct kdr_diff_side *s, const char *path, const char *label, FILE *err)
{
	struct kdr_export_opts o;
	struct kdr_export x;
	struct load l;
	struct kdr_xsink sink;
	const char *why = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	s->label = label;
	s->path = path;
	group_init(&s->all);
	memset(&o, 0, sizeof(o));
	/* The exports need an output stream; the scan writes nothing to it. */
	o.out = err;
	o.err = err;
	rc = kdr_export_open(&x, path, &o, "diff");
	if (rc != EX_OK) {
		kdr_export_close(&x);
		return rc;
	}
	memset(&l, 0, sizeof(l));
	l.x = &x;
	l.s = s;
	if (copy_meta(s, x.meta) || build_roles(&l)) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory reading %s", path);
		goto out;
	}
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &l;
	sink.slice = on_slice;
	rc = kdr_export_scan(&x, &sink);
	if (rc == EX_OK && finish(&l))
		l.nomem = 1;
	if (l.nomem) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory for the statistics of %s", path);
		goto out;
	}
	if (rc != EX_OK)
		goto out;
	if (x.read_error)
		why = "a chunk could not be read";
	else if (x.stats.truncated)
		why = "the file is truncated";
	else if (x.stats.chunks_bad)
		why = "corrupt chunks were skipped";
	else if (!x.has_summary)
		why = "it has no summary (the recorder did not close it)";
	else if (kdr_end_lost(kdr_capture_end(1, &x.summary, 0)))
		why = kdr_end_text(kdr_capture_end(1, &x.summary, 0));
	if (why) {
		s->incomplete = 1;
		kdr_export_fail(&x, 0, "warning: %s capture %s is incomplete: %s; compared what it holds",
				label, path, why);
	}
out:
	free(l.role_of);
	free(l.win);
	kdr_export_close(&x);
	return rc;
}
