// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_html_stats.c - what the HTML page shows: per window and thread
 * the time budget, distributions (hist.h) per thread x syscall (and of
 * run and ready intervals), the slowest syscall events, and the timeline
 * slices themselves up to a cap.
 *
 * Budgets are the text report's --budget (engine/budget.c): the same
 * events go through the statistics window by window, so the classes add
 * up to each window's length exactly.  The rest comes from the slice
 * stream; histograms count only intervals with both ends seen, like the
 * statistics.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "export_html.h"
#include "grow.h"

/* ------------------------------------------------------------ labels */

static uint32_t intern(struct kdr_html_stats *st, const char *s, size_t len)
{
	size_t i;
	char *copy;

	for (i = 0; i < st->nlabels; i++)
		if (strlen(st->labels[i]) == len && memcmp(st->labels[i], s, len) == 0)
			return (uint32_t)i;
	if (st->nlabels == st->labels_cap) {
		size_t cap = st->labels_cap ? st->labels_cap * 2 : 64;
		void *v = realloc(st->labels, cap * sizeof(*st->labels));

		if (!v)
			goto oom;
		st->labels = v;
		st->labels_cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		goto oom;
	memcpy(copy, s, len);
	copy[len] = '\0';
	st->labels[st->nlabels] = copy;
	return (uint32_t)st->nlabels++;
oom:
	st->oom = 1;
	return UINT32_MAX;
}

static uint32_t cached(struct kdr_html_stats *st, struct kdr_html_label_cache *c, uint32_t key,
		       const char *s, size_t len)
{
	uint32_t id;

	if (key < c->n && c->v[key])
		return c->v[key] - 1;
	id = intern(st, s, len);
	if (id == UINT32_MAX || key > 1u << 20)
		return id; /* absurd keys are interned, just not cached */
	if (key >= c->n) {
		size_t n = (key + 1) * 2;
		uint32_t *v = realloc(c->v, n * sizeof(*v));

		if (!v)
			return id;
		memset(v + c->n, 0, (n - c->n) * sizeof(*v));
		c->v = v;
		c->n = n;
	}
	c->v[key] = id + 1;
	return id;
}

uint32_t kdr_export_html_label(struct kdr_html_stats *st, const struct kdr_xslice *s)
{
	char buf[64];
	const char *name;
	size_t len = 0;

	switch (s->kind) {
	case KDR_X_SYSCALL:
		if (s->nr < st->cache_sys.n && st->cache_sys.v[s->nr])
			return st->cache_sys.v[s->nr] - 1;
		name = kdr_export_syscall_name(st->x, s->nr, buf, sizeof(buf));
		return cached(st, &st->cache_sys, s->nr, name, strlen(name));
	case KDR_X_SOFTIRQ:
		name = kdr_export_softirq_name(s->nr, buf, sizeof(buf));
		return cached(st, &st->cache_soft, s->nr, name, strlen(name));
	case KDR_X_HARDIRQ:
		if (s->name_id < st->cache_irq.n && st->cache_irq.v[s->name_id])
			return st->cache_irq.v[s->name_id] - 1;
		name = s->name_id ? kdf_reader_string(st->x->r, s->name_id, &len) : NULL;
		if (!name) {
			snprintf(buf, sizeof(buf), "irq %u", s->nr);
			return intern(st, buf, strlen(buf));
		}
		return cached(st, &st->cache_irq, s->name_id, name, len);
	default:
		return UINT32_MAX;
	}
}

/* First window ending after ts; windows are in time order and do not
 * overlap. */
static size_t window_after(const struct kdr_html_stats *st, uint64_t ts)
{
	size_t lo = 0, hi = st->nwin;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->win[mid].end_ts <= ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------ budgets */

/* The budgets of the window the statistics hold, [lo, hi] = win[j]. */
static int keep_budgets(struct kdr_html_stats *st, size_t j)
{
	const struct kdf_window *w = &st->win[j];
	const struct kdr_thread_state *thr;
	size_t n;

	if (kdr_stats_close(st->bstats, w->start_ts, w->end_ts))
		return -1;
	thr = kdr_stats_threads(st->bstats, &n);
	for (size_t i = 0; i < n; i++) {
		const struct kdr_budget *b = kdr_stats_budget(st->bstats, i);
		const struct kdr_xthread *t = kdr_export_thread(st->x, thr[i].tid);
		struct kdr_html_budget *hb;

		if (!b || !t)
			continue;
		hb = &st->budget[j * st->x->nthreads + (size_t)(t - st->x->threads)];
		memcpy(hb->ns, b->ns, sizeof(hb->ns));
		if (b->nsys) {
			hb->sys = malloc(b->nsys * sizeof(*hb->sys));
			if (!hb->sys)
				return -1;
			memcpy(hb->sys, b->sys, b->nsys * sizeof(*hb->sys));
			hb->nsys = b->nsys;
		}
	}
	return 0;
}

int kdr_export_html_stats_events(void *ctx, const struct kdf_event *v, size_t n)
{
	struct kdr_html_stats *st = ctx;

	if (kdr_stats_feed(st->bstats, v, n))
		return kdr_export_fail(st->x, EX_OSERR, "out of memory for the budgets");
	return 0;
}

/* A window closed (file order): its budget, as the text report makes it
 * (report.c: the statistics closed at the window's bounds, then reset). */
int kdr_export_html_stats_window(void *ctx, const struct kdf_window *w)
{
	struct kdr_html_stats *st = ctx;
	uint64_t lo = w->end_ts > st->x->from ? w->end_ts : st->x->from;
	int rc = 0;

	if (st->bwin < st->nwin && st->win[st->bwin].index == w->index &&
	    !(w->flags & KDF_WIN_SKIPPED)) {
		rc = keep_budgets(st, st->bwin);
		st->bwin++;
	}
	kdr_stats_reset(st->bstats);
	/* events of this window that reach the file late are not the next one's */
	kdr_stats_set_bounds(st->bstats, lo, st->x->to);
	if (rc)
		return kdr_export_fail(st->x, EX_OSERR, "out of memory for the budgets");
	return 0;
}

/* ------------------------------------------------------------ histograms */

/* (tidx, kind, nr) folded into the index's 64-bit key; folds that
 * collide are told apart by comparing the triple. */
static uint64_t hist_key(uint32_t tidx, uint32_t kind, uint32_t nr)
{
	return ((uint64_t)tidx << 34) ^ ((uint64_t)kind << 32) ^ nr;
}

static struct kdr_html_hist *hist_get(struct kdr_html_stats *st, uint32_t tidx, uint32_t kind,
				      uint32_t nr)
{
	uint64_t k = hist_key(tidx, kind, nr);
	struct kdr_html_hist *e;

	if (!st->hist_ix.slots && kdr_ix_init(&st->hist_ix, 64))
		return NULL;
	for (uint32_t i = kdr_ix_find(&st->hist_ix, k); st->hist_ix.slots[i];
	     i = kdr_ix_next(&st->hist_ix, k, i)) {
		e = &st->hist[st->hist_ix.slots[i] - 1];
		if (e->tidx == tidx && e->kind == kind && e->nr == nr)
			return e;
	}
	if (kdr_ix_reserve(&st->hist_ix))
		return NULL;
	if (kdr_grow((void **)&st->hist, &st->hist_cap, st->nhist, sizeof(*st->hist)))
		return NULL;
	e = &st->hist[st->nhist++];
	e->tidx = tidx;
	e->kind = kind;
	e->nr = nr;
	kdr_hist_init(&e->h);
	kdr_ix_put(&st->hist_ix, k, (uint32_t)st->nhist);
	return e;
}

static int add_hist(struct kdr_html_stats *st, const struct kdr_xslice *s)
{
	const uint32_t partial = KDR_XS_OPEN_START | KDR_XS_UNFINISHED | KDR_XS_CUT_START |
				 KDR_XS_CUT_END | KDR_XS_LOST;
	uint64_t ns = s->end - s->start;
	struct kdr_html_hist *h;
	size_t w;

	if (s->kind != KDR_X_RUNNING && s->kind != KDR_X_READY && s->kind != KDR_X_SYSCALL)
		return 0;

	/* As the statistics count them: both ends seen, inside one window
	 * (else the duration is only a lower bound, or spans a gap). */
	if (s->flags & partial)
		return 0;
	w = window_after(st, s->start);
	if (w == st->nwin || st->win[w].start_ts > s->start || st->win[w].end_ts < s->end)
		return 0;
	h = hist_get(st, (uint32_t)(s->thread - st->x->threads), s->kind,
		     s->kind == KDR_X_SYSCALL ? s->nr : 0);
	if (!h)
		return -1;
	return kdr_hist_add(&h->h, ns);
}

/* ------------------------------------------------------------ slowest */

static uint64_t dur(const struct kdr_html_slow *e)
{
	return e->s.end - e->s.start;
}

static void slow_sift_down(struct kdr_html_stats *st, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct kdr_html_slow tmp;

		if (l < st->nslow && dur(&st->slow[l]) < dur(&st->slow[m]))
			m = l;
		if (r < st->nslow && dur(&st->slow[r]) < dur(&st->slow[m]))
			m = r;
		if (m == i)
			return;
		tmp = st->slow[i];
		st->slow[i] = st->slow[m];
		st->slow[m] = tmp;
		i = m;
	}
}

static void add_slow(struct kdr_html_stats *st, const struct kdr_xslice *s)
{
	size_t i;

	/* Entered before the first event with no stack to say when: its
	 * length is unknown, and ranking it would crowd out real ones.  One
	 * still blocked at the end stays: it may be the very culprit. */
	if (s->kind != KDR_X_SYSCALL || (s->flags & KDR_XS_OPEN_START))
		return;
	if (st->nslow < KDR_HTML_SLOWEST) {
		i = st->nslow++;
		st->slow[i].s = *s;
		while (i > 0 && dur(&st->slow[(i - 1) / 2]) > dur(&st->slow[i])) {
			struct kdr_html_slow tmp = st->slow[i];

			st->slow[i] = st->slow[(i - 1) / 2];
			st->slow[(i - 1) / 2] = tmp;
			i = (i - 1) / 2;
		}
	} else if (s->end - s->start > dur(&st->slow[0])) {
		st->slow[0].s = *s;
		slow_sift_down(st, 0);
	}
}

/* ------------------------------------------------------------ timeline */

static int add_tl(struct kdr_html_stats *st, const struct kdr_xslice *s)
{
	struct kdr_html_tl *t;

	if (st->ntl >= st->tl_max) {
		st->tl_dropped++;
		return 0;
	}
	if (st->ntl == st->tl_cap) {
		size_t cap = st->tl_cap ? st->tl_cap * 2 : 4096;
		void *v;

		if (cap > st->tl_max)
			cap = st->tl_max;
		v = realloc(st->tl, cap * sizeof(*st->tl));
		if (!v)
			return -1;
		st->tl = v;
		st->tl_cap = cap;
	}
	t = &st->tl[st->ntl];
	t->seq = (uint32_t)st->ntl++;
	t->start = s->start - st->x->origin;
	t->dur = s->end - s->start;
	t->tidx = (uint32_t)(s->thread - st->x->threads);
	t->kind = (uint8_t)s->kind;
	t->flags = (uint8_t)s->flags;
	t->label = kdr_export_html_label(st, s);
	return st->oom ? -1 : 0;
}

int kdr_export_html_stats_slice(void *ctx, const struct kdr_xslice *s)
{
	struct kdr_html_stats *st = ctx;

	st->nslices++;
	add_slow(st, s);
	if (add_hist(st, s) || add_tl(st, s))
		return kdr_export_fail(st->x, EX_OSERR, "out of memory after %llu slices",
				       (unsigned long long)st->nslices);
	return 0;
}

/* ------------------------------------------------------------ life */

int kdr_export_html_stats_init(struct kdr_html_stats *st, struct kdr_export *x, size_t tl_max)
{
	/* the text report's --budget: nothing listed, no distributions */
	const struct kdr_stats_cfg bcfg = { .list_ns = -1, .poll_nr = KDR_NO_NR,
					    .only_nr = KDR_NO_NR, .budget = 1 };
	size_t i, n = x->nwindows ? x->nwindows : 1;

	memset(st, 0, sizeof(*st));
	st->x = x;
	st->tl_max = tl_max < UINT32_MAX ? tl_max : UINT32_MAX; /* seq is 32 bits */
	st->win = calloc(n, sizeof(*st->win));
	if (!st->win)
		return kdr_export_fail(x, EX_OSERR, "out of memory for %zu windows", n);
	/* Skipped windows hold no events; the range clips the others. */
	for (i = 0; i < x->nwindows; i++) {
		struct kdf_window w = x->windows[i];

		if (w.flags & KDF_WIN_SKIPPED || w.end_ts <= x->from || w.start_ts >= x->to)
			continue;
		if (w.start_ts < x->from)
			w.start_ts = x->from;
		if (w.end_ts > x->to)
			w.end_ts = x->to;
		st->win[st->nwin++] = w;
	}
	if (!x->nwindows) {
		st->win[0].start_ts = x->from;
		st->win[0].end_ts = x->to < x->end_ts ? x->to : x->end_ts;
		st->nwin = 1;
	}
	st->budget = calloc(st->nwin * (x->nthreads ? x->nthreads : 1), sizeof(*st->budget));
	st->bstats = kdr_stats_new(&bcfg);
	if (!st->budget || !st->bstats)
		return kdr_export_fail(x, EX_OSERR, "out of memory for %zu windows x %zu threads",
				       st->nwin, x->nthreads);
	kdr_stats_set_bounds(st->bstats, x->from, x->to);
	return EX_OK;
}

void kdr_export_html_stats_free(struct kdr_html_stats *st)
{
	size_t i;

	if (st->budget)
		for (i = 0; i < st->nwin * (st->x->nthreads ? st->x->nthreads : 1); i++)
			free(st->budget[i].sys);
	free(st->budget);
	kdr_stats_free(st->bstats);
	free(st->win);
	for (i = 0; i < st->nhist; i++)
		kdr_hist_free(&st->hist[i].h);
	free(st->hist);
	kdr_ix_free(&st->hist_ix);
	free(st->tl);
	for (i = 0; i < st->nlabels; i++)
		free(st->labels[i]);
	free(st->labels);
	free(st->cache_sys.v);
	free(st->cache_soft.v);
	free(st->cache_irq.v);
	memset(st, 0, sizeof(*st));
}

/* Longest first; ties by start time then tid, so the page is the same on
 * every libc whatever qsort() does with equal keys. */
static int cmp_slow(const void *a, const void *b)
{
	const struct kdr_html_slow *sa = a, *sb = b;
	uint64_t da = dur(sa), db = dur(sb);

	if (da != db)
		return da < db ? 1 : -1;
	if (sa->s.start != sb->s.start)
		return sa->s.start < sb->s.start ? -1 : 1;
	return (sa->s.thread->tid > sb->s.thread->tid) - (sa->s.thread->tid < sb->s.thread->tid);
}

/* By thread, then start, then arrival: a total order, so the in-place
 * sort gives every libc the page a stable sort gave.  In place: the
 * timeline is the export's largest array, and qsort() may copy it. */
static int tl_before(const void *pa, const void *pb)
{
	const struct kdr_html_tl *a = pa, *b = pb;

	if (a->tidx != b->tidx)
		return a->tidx < b->tidx;
	if (a->start != b->start)
		return a->start < b->start;
	return a->seq < b->seq;
}

int kdr_export_html_stats_finish(struct kdr_html_stats *st)
{
	/* the window the capture left open (or the whole capture, when it
	 * has no windows) has no WINDOW item */
	if (st->bwin < st->nwin && keep_budgets(st, st->nwin - 1))
		return kdr_export_fail(st->x, EX_OSERR, "out of memory for the budgets");
	if (st->nslow) /* qsort(NULL, 0) is undefined */
		qsort(st->slow, st->nslow, sizeof(*st->slow), cmp_slow);
	kdr_sort_in_place(st->tl, st->ntl, sizeof(*st->tl), tl_before);
	return EX_OK;
}
