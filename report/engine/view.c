// SPDX-License-Identifier: BSD-2-Clause
/* view.c - see view.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static const char *const softirq_names[] = {
	"hi", "timer", "net_tx", "net_rx", "block", "irq_poll", "tasklet", "sched", "hrtimer", "rcu",
};

const char *kdr_softirq_name(uint32_t vec, char *buf, size_t size)
{
	if (vec < sizeof(softirq_names) / sizeof(softirq_names[0]))
		return softirq_names[vec];
	snprintf(buf, size, "<unknown:%" PRIu32 ">", vec);
	return buf;
}

const char *kdr_syscall_name(const struct kdf_meta *meta, uint32_t nr, char *buf, size_t size)
{
	if (meta->syscall_names && nr < meta->syscall_count && meta->syscall_names[nr])
		return meta->syscall_names[nr];
	snprintf(buf, size, "[unknown: %" PRIu32 "]", nr);
	return buf;
}

const char *kdr_thread_name(const struct kdr_ctx *c, uint32_t tid, uint64_t ts, char *buf,
			    size_t size, size_t *len)
{
	const char *n = kdr_threads_name(c->threads, tid, ts, len);

	if (n)
		return n;
	if (tid == c->meta->pid && c->meta->comm) {
		*len = strlen(c->meta->comm);
		return c->meta->comm;
	}
	*len = (size_t)snprintf(buf, size, "<unknown:%" PRIu32 "/%" PRIu32 ">", c->meta->pid, tid);
	if (*len >= size)
		*len = size - 1;
	return buf;
}

uint64_t kdr_window_trigger_delta(const struct kdf_window *w)
{
	if (!w->start_trigger_ts || !w->stop_trigger_ts || w->stop_trigger_ts < w->start_trigger_ts)
		return 0;
	return w->stop_trigger_ts - w->start_trigger_ts;
}

static int reserve(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

void kdr_view_buf_free(struct kdr_view_buf *b)
{
	free(b->threads);
	free(b->rows);
	free(b->inprog);
	free(b->waiting);
	free(b->events);
	for (size_t i = 0; i < b->silent_cap; i++)
		kdr_budget_free(&b->silent[i]);
	free(b->silent);
	memset(b, 0, sizeof(*b));
}

/* qsort() wants a non-NULL base even for nothing to sort */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int cmp_row(const void *a, const void *b)
{
	const struct kdr_row *x = a, *y = b;
	const struct kdr_keyed *kx = (const void *)((const char *)x->st - offsetof(struct kdr_keyed, st));
	const struct kdr_keyed *ky = (const void *)((const char *)y->st - offsetof(struct kdr_keyed, st));

	if (kx->tid != ky->tid)
		return kx->tid < ky->tid ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->st->total != y->st->total)
		return x->st->total > y->st->total ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return 0;
}

static int cmp_name(const char *a, size_t al, uint32_t at, const char *b, size_t bl, uint32_t bt)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	if (r)
		return r;
	if (al != bl)
		return al < bl ? -1 : 1;
	return at < bt ? -1 : at > bt;
}

static const char *tv_name(const struct kdr_tview *t)
{
	return t->name ? t->name : t->own;
}

static int cmp_thread(const void *a, const void *b)
{
	const struct kdr_tview *x = a, *y = b;

	return cmp_name(tv_name(x), x->name_len, x->tid, tv_name(y), y->name_len, y->tid);
}

static int cmp_inprog(const void *a, const void *b)
{
	const struct kdr_inprog *x = a, *y = b;

	if (x->entry_ts != y->entry_ts)
		return x->entry_ts < y->entry_ts ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static const struct kdr_keyed *row_keyed(const struct kdr_row *r)
{
	return (const void *)((const char *)r->st - offsetof(struct kdr_keyed, st));
}

static void name_rows(struct kdr_ctx *c, struct kdr_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = NULL;
		size_t len = 0;

		if (r[i].kind == KDR_K_SYSCALL) {
			s = kdr_syscall_name(c->meta, r[i].key, r[i].own, sizeof(r[i].own));
		} else if (r[i].kind == KDR_K_SOFTIRQ) {
			s = kdr_softirq_name(r[i].key, r[i].own, sizeof(r[i].own));
		} else {
			s = c->r ? kdf_reader_string(c->r, r[i].key, &len) : NULL;
			if (!s) {
				snprintf(r[i].own, sizeof(r[i].own), "[unknown: %" PRIu32 "]", r[i].key);
				s = r[i].own;
			} else {
				r[i].name = s;
				r[i].name_len = len;
				continue;
			}
		}
		r[i].name = s;
		r[i].name_len = strlen(s);
	}
}

/* Is this syscall event's stack expected from how the capture was made? */
static int stack_expected(const struct kdr_ctx *c, const struct kdr_sysev *e)
{
	const struct kdf_options *ro = &c->meta->options;
	uint64_t d = e->exit_ts - e->entry_ts;

	if (!ro->stack_trace_size || ro->syscall_events_ns < 0)
		return 0;
	if (ro->syscall_events_ns > 0 && d <= (uint64_t)ro->syscall_events_ns)
		return 0;
	if (ro->skip_syscall_poll_events && e->nr == c->poll_nr)
		return 0;
	return 1;
}

static int build_threads(struct kdr_ctx *c, struct kdr_view_buf *b, const struct kdr_stats *st,
			 struct kdr_wview *v)
{
	size_t nthr, nkeyed, i, k, nrows = 0, nt = 0;
	const struct kdr_thread_state *thr = kdr_stats_threads(st, &nthr);
	const struct kdr_keyed *keyed = kdr_stats_keyed(st, &nkeyed);

	if (reserve((void **)&b->rows, &b->rows_cap, nkeyed, sizeof(*b->rows)) ||
	    reserve((void **)&b->threads, &b->threads_cap, nthr, sizeof(*b->threads)))
		return -1;
	for (i = 0; i < nkeyed; i++) {
		const struct kdr_keyed *e = &keyed[i];
		struct kdr_row *r;

		if (!e->st.count || !kdr_filter_tid(&c->filter, e->tid))
			continue;
		if (e->kind == KDR_K_SYSCALL && c->filter.nr != KDR_NO_NR && e->key != c->filter.nr)
			continue;
		r = &b->rows[nrows++];
		memset(r, 0, sizeof(*r));
		r->kind = e->kind;
		r->key = e->key;
		r->st = &e->st;
		r->hist = kdr_stats_keyed_hist(st, i);
	}
	sort(b->rows, nrows, sizeof(*b->rows), cmp_row);
	name_rows(c, b->rows, nrows);

	/* every row's tid has a thread state: walk the rows once per thread */
	for (i = 0; i < nthr; i++) {
		const struct kdr_thread_state *t = &thr[i];
		struct kdr_tview *tv = &b->threads[nt];
		size_t lo = 0, hi = nrows;
		char own[32];

		if (!kdr_filter_tid(&c->filter, t->tid))
			continue;
		memset(tv, 0, sizeof(*tv));
		tv->tid = t->tid;
		while (lo < hi) { /* first row of this tid */
			size_t mid = lo + (hi - lo) / 2;

			if (row_keyed(&b->rows[mid])->tid < t->tid)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; k < nrows && row_keyed(&b->rows[k])->tid == t->tid; k++) {
			struct kdr_row *r = &b->rows[k];

			if (r->kind == KDR_K_SYSCALL) {
				if (!tv->nsys)
					tv->sys = r;
				tv->nsys++;
				if (r->key != c->poll_nr) {
					tv->sys_count_nopoll += r->st->count;
					tv->sys_total_nopoll += r->st->total;
				}
			} else if (r->kind == KDR_K_HARDIRQ) {
				if (!tv->nhard)
					tv->hard = r;
				tv->nhard++;
				tv->hard_count += r->st->count;
				tv->hard_total += r->st->total;
			} else {
				if (!tv->nsoft)
					tv->soft = r;
				tv->nsoft++;
				tv->soft_count += r->st->count;
				tv->soft_total += r->st->total;
			}
		}
		tv->run = t->run.count ? &t->run : NULL;
		tv->ready = t->ready.count ? &t->ready : NULL;
		tv->run_hist = kdr_stats_run_hist(st, i);
		tv->ready_hist = kdr_stats_ready_hist(st, i);
		tv->budget = kdr_stats_budget(st, i);
		tv->unknown = t->unknown;
		tv->unknown_total = kdr_stats_unknown_total(t);
		if (!tv->nsys && !tv->nhard && !tv->nsoft && !tv->run && !tv->ready &&
		    !tv->unknown_total) {
			/* the budget shows a thread blocked all window long:
			 * the very one a --budget reader looks for */
			if (!tv->budget || !tv->budget->seen)
				continue;
			tv->budget_only = 1;
		}
		tv->name = kdr_thread_name(c, t->tid, v->hi, own, sizeof(own), &tv->name_len);
		if (tv->name == own) {
			memcpy(tv->own, own, sizeof(own));
			tv->name = NULL;
		}
		if (!kdr_filter_thread(&c->filter, tv->tid, tv_name(tv)))
			continue;
		nt++;
	}
	sort(b->threads, nt, sizeof(*b->threads), cmp_thread);
	for (i = 0; i < nt; i++)
		if (!b->threads[i].name)
			b->threads[i].name = b->threads[i].own;
	v->threads = b->threads;
	v->nthreads = nt;
	return 0;
}

/* Room for n silent budgets; the new ones zeroed (they own memory). */
static int reserve_silent(struct kdr_view_buf *b, size_t n)
{
	size_t old = b->silent_cap;

	if (reserve((void **)&b->silent, &b->silent_cap, n, sizeof(*b->silent)))
		return -1;
	memset(b->silent + old, 0, (b->silent_cap - old) * sizeof(*b->silent));
	return 0;
}

int kdr_view_add_silent(struct kdr_ctx *c, struct kdr_view_buf *b, const struct kdr_census *ce,
			struct kdr_wview *v)
{
	size_t n, nsilent = 0, nt = v->nthreads, used = 0, i;
	const struct kdr_census_row *r = kdr_census_rows(ce, &n);
	int rc = 0;

	if (!v->budget || v->skip)
		return 0;
	for (i = 0; i < n; i++)
		nsilent += !!r[i].silent;
	if (!nsilent)
		return 0;
	/* a name kept in the view's own buffer moves with it */
	for (i = 0; i < nt; i++)
		if (b->threads[i].name == b->threads[i].own)
			b->threads[i].name = NULL;
	if (reserve((void **)&b->threads, &b->threads_cap, nt + nsilent, sizeof(*b->threads)) ||
	    reserve_silent(b, nsilent)) {
		for (i = 0; i < nt; i++)
			if (!b->threads[i].name)
				b->threads[i].name = b->threads[i].own;
		v->threads = b->threads;
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* no event: what /proc saw at the start held all window (at the
		 * end for a thread the first census missed) */
		const struct kdr_census_seen *s = r[i].start.known ? &r[i].start : &r[i].end;
		struct kdr_tview *tv = &b->threads[nt];
		char own[32];

		if (!r[i].silent || !kdr_filter_tid(&c->filter, r[i].tid))
			continue;
		memset(tv, 0, sizeof(*tv));
		tv->tid = r[i].tid;
		tv->budget_only = 1;
		tv->silent = &r[i];
		tv->name = kdr_thread_name(c, tv->tid, v->hi, own, sizeof(own), &tv->name_len);
		if (tv->name == own) {
			memcpy(tv->own, own, sizeof(own));
			tv->name = NULL;
		}
		if (!kdr_filter_thread(&c->filter, tv->tid, tv_name(tv)))
			continue;
		if (kdr_budget_silent(&b->silent[used], s->state, s->nr, v->lo, v->hi))
			rc = -1; /* its syscall split is missing: said as incomplete */
		tv->budget = &b->silent[used++];
		nt++;
	}
	sort(b->threads + v->nthreads, nt - v->nthreads, sizeof(*b->threads), cmp_thread);
	for (i = 0; i < nt; i++)
		if (!b->threads[i].name)
			b->threads[i].name = b->threads[i].own;
	v->threads = b->threads;
	v->nthreads = nt;
	if (rc)
		v->incomplete = 1;
	return rc;
}

static int shown(struct kdr_ctx *c, uint32_t tid, uint32_t nr, uint64_t ts, char *own,
		 const char **name, size_t *len)
{
	if (c->filter.nr != KDR_NO_NR && nr != c->filter.nr)
		return 0;
	if (!kdr_filter_tid(&c->filter, tid))
		return 0;
	*name = kdr_thread_name(c, tid, ts, own, 32, len);
	return kdr_filter_thread(&c->filter, tid, *name);
}

/* Syscalls still in progress (ready = 0) or threads still waiting for a
 * CPU (ready = 1) when the window closed. */
static int build_pending(struct kdr_ctx *c, struct kdr_inprog **arr, size_t *cap,
			 const struct kdr_stats *st, const struct kdr_wview *v, int ready, size_t *np)
{
	size_t nthr, i, n = 0;

	kdr_stats_threads(st, &nthr);
	for (i = 0; i < nthr; i++) {
		const struct kdr_pair_thread *t = kdr_stats_pairing(st, i);
		uint64_t since = ready ? t->ready_ts : t->sys_ts;
		uint32_t nr = ready ? c->filter.nr : t->sys_nr; /* --syscall: syscalls only */
		struct kdr_inprog *p;
		char own[32];
		const char *name;
		size_t len;

		if (!(t->flags & (ready ? KDR_TS_READY : KDR_TS_IN_SYS)) || since < v->lo ||
		    since > v->hi)
			continue;
		if (!shown(c, t->tid, nr, v->hi, own, &name, &len))
			continue;
		if (reserve((void **)arr, cap, n + 1, sizeof(**arr)))
			return -1;
		p = &(*arr)[n++];
		memset(p, 0, sizeof(*p));
		p->tid = t->tid;
		p->nr = ready ? KDR_NO_NR : t->sys_nr;
		p->entry_ts = since;
		p->elapsed = v->hi - since;
		p->thread_len = len;
		if (name == own) {
			memcpy(p->own, own, sizeof(own));
			p->thread = NULL;
		} else {
			p->thread = name;
		}
	}
	sort(*arr, n, sizeof(**arr), cmp_inprog);
	for (i = 0; i < n; i++)
		if (!(*arr)[i].thread)
			(*arr)[i].thread = (*arr)[i].own;
	*np = n;
	return 0;
}

static int build_inprog(struct kdr_ctx *c, struct kdr_view_buf *b, const struct kdr_stats *st,
			struct kdr_wview *v)
{
	if (build_pending(c, &b->inprog, &b->inprog_cap, st, v, 0, &v->ninprog) ||
	    build_pending(c, &b->waiting, &b->waiting_cap, st, v, 1, &v->nwaiting))
		return -1;
	v->inprog = b->inprog;
	v->waiting = b->waiting;
	return 0;
}

void kdr_view_events_begin(const struct kdr_wview *v)
{
	if (v->events) /* (none for a skipped window) */
		kdr_sysev_iter_begin(&v->events->it, v->events->list);
}

long kdr_view_events_next(const struct kdr_wview *v, const struct kdr_evview **e)
{
	struct kdr_view_events *s = v->events;
	long got = 0, n = 0;

	if (!s)
		return 0;
	*e = s->shown;
	/* a batch may be all filtered out: read on until one is shown */
	while (!n && (got = kdr_sysev_iter_next(&s->it, s->raw, KDR_VIEW_EVENTS_BATCH)) > 0) {
		for (long i = 0; i < got; i++) {
			const struct kdr_sysev *ev = &s->raw[i];
			struct kdr_evview *x = &s->shown[n];
			const char *name;
			size_t len;

			if (!shown(s->c, ev->tid, ev->nr, s->hi, x->own, &name, &len))
				continue;
			x->ev = ev;
			x->thread = name;
			x->thread_len = len;
			x->stack_missing = stack_expected(s->c, ev) &&
					   (!ev->has_stack ||
					    (ev->stack_flags & (KDF_STACK_KERNEL_LOST | KDF_STACK_USER_LOST)));
			n++;
		}
	}
	if (got < 0) {
		s->failed = 1;
		fprintf(s->c->err, "%s: reading back the syscall events spilled to a temporary file "
			"in %s failed: %s: check that file system, or set TMPDIR to another\n",
			s->c->prog, kdr_sysev_tmpdir(), strerror(s->it.err ? s->it.err : EIO));
		return -1;
	}
	return n;
}

int kdr_view_events_failed(const struct kdr_view_buf *b)
{
	return b->events && b->events->failed;
}

/* The listing's reader, and what it shows: how many, and how many of
 * them miss their stack. */
static int build_events(struct kdr_ctx *c, struct kdr_view_buf *b, const struct kdr_stats *st,
			struct kdr_wview *v)
{
	const struct kdr_evview *e;
	long n;

	if (!b->events && !(b->events = malloc(sizeof(*b->events))))
		return -1;
	b->events->c = c;
	b->events->list = kdr_stats_events(st);
	b->events->hi = v->hi;
	b->events->failed = 0;
	v->events = b->events;
	kdr_view_events_begin(v);
	while ((n = kdr_view_events_next(v, &e)) > 0) {
		v->nevents += (size_t)n;
		for (long i = 0; i < n; i++)
			v->missing_stacks += e[i].stack_missing;
	}
	return n < 0 ? -1 : 0;
}

int kdr_view_build(struct kdr_ctx *c, struct kdr_view_buf *b, const struct kdr_stats *st,
		   const struct kdf_window *win, uint64_t lo, uint64_t hi, struct kdr_wview *v)
{
	memset(v, 0, sizeof(*v));
	v->win = win;
	v->lo = lo;
	v->hi = hi;
	v->clipped = lo != win->start_ts || hi != win->end_ts;
	v->trigger_delta = kdr_window_trigger_delta(win);
	if (win->flags & KDF_WIN_SKIPPED)
		v->skip = KDR_SKIP_RECORDER;
	else if (v->trigger_delta && v->trigger_delta < c->trigger_delta)
		v->skip = KDR_SKIP_TRIGGER_DELTA;
	v->listing = c->list_ns >= 0;
	v->diag = kdr_stats_diag(st);
	v->losses = kdr_stats_losses(st);
	v->incomplete = kdr_stats_failed(st);
	v->histograms = c->o->histograms;
	v->budget = c->o->budget;
	if (v->skip)
		return 0;
	if (build_threads(c, b, st, v) || build_inprog(c, b, st, v))
		return -1;
	if (v->listing && build_events(c, b, st, v))
		return -1;
	return 0;
}
