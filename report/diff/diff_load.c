// SPDX-License-Identifier: BSD-2-Clause
/*
 * diff_load.c - one capture to per-role distributions for `diff`.
 *
 * The intervals are those of the text report, by construction: the raw
 * events of each sample window go through the report's statistics
 * (stats.h, with a distribution beside every row), which pair them with
 * the meaning of stats.c's pairing rules - both ends inside the window,
 * nothing across a loss of events - and each closed, kept (not skipped)
 * window's distributions are merged into the role of their thread.  A
 * window the capture leaves open is not compared (its length is
 * unknown).  Only running, ready and syscall intervals are kept (irqs
 * are not compared yet).
 *
 * The exports' first pass (export_internal.h: kdr_export_open()) gives
 * the threads with their final names, the windows and the capture's
 * state; its second reader feeds the statistics.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "capture_end.h"
#include "diff_internal.h"
#include "export_internal.h"
#include "stats.h"

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
	struct kdr_stats *st;	  /* the window being read */
};

/* Window w closed: merge what its statistics hold into the roles. */
static int add_window(struct load *l, const struct kdf_window *w)
{
	const struct kdr_thread_state *thr;
	const struct kdr_keyed *keyed;
	size_t i, n;

	kdr_stats_close(l->st, w->start_ts, w->end_ts < w->start_ts ? w->start_ts : w->end_ts);
	if (kdr_stats_failed(l->st))
		return -1;
	thr = kdr_stats_threads(l->st, &n);
	for (i = 0; i < n; i++) {
		const struct kdr_xthread *t = kdr_export_thread(l->x, thr[i].tid);
		struct kdr_diff_group *g;

		if (!t)
			continue;
		g = &l->s->roles[l->role_of[t - l->x->threads]];
		if (kdr_hist_merge(&g->run, kdr_stats_run_hist(l->st, i)) ||
		    kdr_hist_merge(&g->ready, kdr_stats_ready_hist(l->st, i)))
			return -1;
	}
	keyed = kdr_stats_keyed(l->st, &n);
	for (i = 0; i < n; i++) {
		const struct kdr_xthread *t = kdr_export_thread(l->x, keyed[i].tid);
		const struct kdr_hist *h = kdr_stats_keyed_hist(l->st, i);
		struct kdr_diff_group *g;
		struct kdr_hist *gh;

		if (!t || keyed[i].kind != KDR_K_SYSCALL)
			continue;
		g = &l->s->roles[l->role_of[t - l->x->threads]];
		gh = group_sys(g, keyed[i].key);
		if (!gh || kdr_hist_merge(gh, h) || kdr_hist_merge(&g->sys_all, h))
			return -1;
	}
	return 0;
}

/* The second reader of x through the statistics, window by window, as
 * the text report reads it.  0, or -1 when out of memory. */
static int scan(struct load *l)
{
	struct kdr_stats_cfg cfg = { .list_ns = -1, .poll_nr = KDR_NO_NR, .only_nr = KDR_NO_NR,
				     .histograms = 1 };
	struct kdf_item it;
	int rc = 0;

	l->st = kdr_stats_new(&cfg);
	if (!l->st)
		return -1;
	kdr_stats_set_bounds(l->st, 0, UINT64_MAX);
	while (!rc && kdf_reader_next(l->x->r, &it) > 0) {
		if (it.type == KDF_ITEM_EVENTS) {
			rc = kdr_stats_feed(l->st, it.u.events.v, it.u.events.n);
		} else if (it.type == KDF_ITEM_WINDOW) {
			if (!(it.u.window.flags & KDF_WIN_SKIPPED))
				rc = add_window(l, &it.u.window);
			kdr_stats_reset(l->st);
			/* events of this window that reach the file late are
			 * not the next one's */
			kdr_stats_set_bounds(l->st, it.u.window.end_ts, UINT64_MAX);
		}
	}
	/* A reader error was already said by the first pass. */
	kdr_stats_free(l->st);
	l->st = NULL;
	return rc;
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
	for (i = 0, j = 0; i < x->nwindows; i++) {
		/* nor the window a capture leaves open: its length is unknown */
		if (x->windows[i].flags & (KDF_WIN_SKIPPED | KDR_WIN_UNCLOSED))
			continue;
		j++;
		s->window_ns += x->windows[i].end_ts > x->windows[i].start_ts
					? x->windows[i].end_ts - x->windows[i].start_ts
					: 0;
	}
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
	const char *why = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	s->label = label;
	s->path = path;
	group_init(&s->all);
	memset(&o, 0, sizeof(o));
	/* The exports need an output stream; the diff writes nothing to it. */
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
	if (scan(&l) || finish(&l)) {
		rc = kdr_export_fail(&x, EX_OSERR, "out of memory for the statistics of %s", path);
		goto out;
	}
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
	kdr_export_close(&x);
	return rc;
}
