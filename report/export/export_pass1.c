// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_pass1.c - the first pass every export starts with: thread names
 * and the target's tids, windows, symbols, event counts, time bounds.
 *
 * The capture writes a window's boundaries after its events, and thread
 * names and symbols wherever the recorder learnt them, so a single
 * streaming pass cannot know t = 0, which threads pass a name filter, or
 * how to print a stack when it meets them.  This pass reads only those;
 * memory stays proportional to threads, windows and symbols.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "capture_end.h"
#include "export_internal.h"
#include "hashidx.h"

struct pass1 {
	struct kdr_export *x;
	struct kdr_unclosed unclosed;
	size_t threads_cap, windows_cap;
	struct kdr_ix index; /* tid -> x->threads index + 1 (hashidx.h) */
};

static int cmp_tid(const void *a, const void *b)
{
	const struct kdr_xthread *ta = a, *tb = b;

	return (ta->tid > tb->tid) - (ta->tid < tb->tid);
}

struct kdr_xthread *kdr_export_thread(const struct kdr_export *x, uint32_t tid)
{
	struct kdr_xthread key = { .tid = tid };

	return bsearch(&key, x->threads, x->nthreads, sizeof(key), cmp_tid);
}

/* Threads arrive unsorted during pass 1: the index finds them. */
static struct kdr_xthread *thread_get(struct pass1 *p, uint32_t tid)
{
	struct kdr_export *x = p->x;
	struct kdr_xthread *t;
	uint32_t h;

	if (!p->index.slots && kdr_ix_init(&p->index, 256))
		return NULL;
	h = kdr_ix_find(&p->index, tid);
	if (p->index.slots[h])
		return &x->threads[p->index.slots[h] - 1];
	if (kdr_ix_reserve(&p->index))
		return NULL;
	if (x->nthreads == p->threads_cap) {
		size_t cap = p->threads_cap ? p->threads_cap * 2 : 64;
		void *v = realloc(x->threads, cap * sizeof(*x->threads));

		if (!v)
			return NULL;
		x->threads = v;
		p->threads_cap = cap;
	}
	kdr_ix_put(&p->index, tid, (uint32_t)x->nthreads + 1);
	t = &x->threads[x->nthreads++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	return t;
}

static int note_tid(struct pass1 *p, uint32_t tid, uint32_t *last)
{
	/* Consecutive events mostly share a tid: skip the search then. */
	if (*last == tid && tid != 0)
		return 0;
	*last = tid;
	return thread_get(p, tid) ? 0 : -1;
}

static int pass1_events(struct pass1 *p, const struct kdf_event *v, size_t n)
{
	struct kdr_export *x = p->x;
	uint32_t last = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct kdf_event *ev = &v[i];
		int rc = 0;

		if (ev->type <= KDF_EV_TYPE_MAX)
			x->events_by_type[ev->type]++;
		if (!x->first_ts || ev->ts < x->first_ts)
			x->first_ts = ev->ts;
		if (ev->ts > x->last_ts)
			x->last_ts = ev->ts;
		switch (ev->type) {
		case KDF_EV_SWITCH:
			if (ev->flags & KDF_SW_PREV_TARGET)
				rc = note_tid(p, ev->tid, &last);
			if (!rc && (ev->flags & KDF_SW_NEXT_TARGET))
				rc = note_tid(p, ev->u.sw.next_tid, &last);
			break;
		case KDF_EV_TRIGGER:
			break; /* a trigger may fire in any thread */
		case KDF_EV_CPU_RUN:
		case KDF_EV_CENSUS:
			break; /* another task on a CPU; /proc's view, not an event of the thread */
		default:
			rc = note_tid(p, ev->tid, &last);
			break;
		}
		if (rc)
			return -1;
		if (ev->type == KDF_EV_THREAD_EXIT) {
			struct kdr_xthread *t = thread_get(p, ev->tid);

			if (!t)
				return -1;
			t->exit_ts = ev->ts;
		}
	}
	return 0;
}

static int pass1_thread(struct pass1 *p, const struct kdf_thread *th)
{
	struct kdr_xthread *t = thread_get(p, th->tid);
	char *name;

	if (!t)
		return -1;
	name = malloc(th->name_len + 1);
	if (!name)
		return -1;
	memcpy(name, th->name, th->name_len);
	name[th->name_len] = '\0';
	free(t->name);
	t->name = name;
	t->name_len = th->name_len;
	return 0;
}

static int pass1_symbols(struct pass1 *p, const struct kdf_symbol *v, size_t n)
{
	struct kdr_export *x = p->x;

	if (!x->syms && !(x->syms = kdr_symbols_new()))
		return -1;
	return kdr_symbols_add(x->syms, v, n);
}

static int pass1_window(struct pass1 *p, const struct kdf_window *w)
{
	struct kdr_export *x = p->x;

	if (x->nwindows == p->windows_cap) {
		size_t cap = p->windows_cap ? p->windows_cap * 2 : 16;
		void *v = realloc(x->windows, cap * sizeof(*x->windows));

		if (!v)
			return -1;
		x->windows = v;
		p->windows_cap = cap;
	}
	x->windows[x->nwindows++] = *w;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	const struct kdr_xthread *ta = *(struct kdr_xthread *const *)a;
	const struct kdr_xthread *tb = *(struct kdr_xthread *const *)b;
	size_t n = ta->name_len < tb->name_len ? ta->name_len : tb->name_len;
	int c;

	/* Unnamed threads last; then bytewise, like the text report. */
	if (!ta->name != !tb->name)
		return ta->name ? -1 : 1;
	c = n ? memcmp(ta->name, tb->name, n) : 0;
	if (c)
		return c;
	if (ta->name_len != tb->name_len)
		return ta->name_len < tb->name_len ? -1 : 1;
	return (ta->tid > tb->tid) - (ta->tid < tb->tid);
}

/* Sort, rank by name, apply the tid and regex filters. */
static int finish_threads(struct kdr_export *x)
{
	const struct kdr_export_opts *o = x->opts;
	struct kdr_xthread **byname;
	char why[128];
	size_t i;
	int rc;

	if (x->nthreads) /* qsort(NULL, 0) is undefined */
		qsort(x->threads, x->nthreads, sizeof(*x->threads), cmp_tid);
	byname = calloc(x->nthreads ? x->nthreads : 1, sizeof(*byname));
	if (!byname)
		return kdr_export_fail(x, EX_OSERR, "out of memory sorting %zu threads",
				       x->nthreads);
	for (i = 0; i < x->nthreads; i++)
		byname[i] = &x->threads[i];
	if (x->nthreads) /* qsort(NULL, 0) is undefined */
		qsort(byname, x->nthreads, sizeof(*byname), cmp_name);
	for (i = 0; i < x->nthreads; i++)
		byname[i]->order = (uint32_t)i;
	free(byname);

	rc = kdr_filter_threads(&x->filter, o->tids, o->tid_count, o->thread_regex, why,
				sizeof(why));
	if (rc)
		return kdr_export_fail(x, EX_USAGE, "bad thread regex '%s': %s", o->thread_regex,
				       why);
	/* A name with a NUL byte is matched up to it: regexec() takes C
	 * strings, and such names are rare enough not to matter. */
	for (i = 0; i < x->nthreads; i++) {
		struct kdr_xthread *t = &x->threads[i];

		t->keep = kdr_filter_thread(&x->filter, t->tid, t->name ? t->name : "");
	}
	return EX_OK;
}

int kdr_export_pass1(struct kdr_export *x, struct kdf_reader *r)
{
	struct pass1 p = { .x = x };
	struct kdf_item it;
	int rc;

	while ((rc = kdf_reader_next(r, &it)) > 0) {
		int bad = 0;

		switch (it.type) {
		case KDF_ITEM_EVENTS:
			kdr_unclosed_item(&p.unclosed, &it);
			bad = pass1_events(&p, it.u.events.v, it.u.events.n);
			break;
		case KDF_ITEM_THREAD:
			bad = pass1_thread(&p, &it.u.thread);
			break;
		case KDF_ITEM_SYMBOLS:
			bad = pass1_symbols(&p, it.u.symbols.v, it.u.symbols.n);
			break;
		case KDF_ITEM_WINDOW:
			it.u.window.flags &= ~KDR_WIN_UNCLOSED; /* the report's mark only */
			kdr_unclosed_closed(&p.unclosed, &it.u.window);
			bad = pass1_window(&p, &it.u.window);
			break;
		case KDF_ITEM_SUMMARY:
			x->summary = it.u.summary;
			x->has_summary = 1;
			break;
		}
		if (bad) {
			kdr_ix_free(&p.index);
			return kdr_export_fail(x, EX_OSERR, "out of memory reading %s", x->path);
		}
	}
	kdr_ix_free(&p.index);
	{
		/* the window the capture leaves open is the last one, marked */
		struct kdf_window w;

		if (kdr_unclosed_get(&p.unclosed, &w) && pass1_window(&p, &w))
			return kdr_export_fail(x, EX_OSERR, "out of memory reading %s", x->path);
	}
	if (rc < 0) {
		/* Fatal for the reader, not for us: export what was read. */
		x->read_error = rc;
		x->warnings++;
		fprintf(x->err, "kdelay-report: %s: warning: %s: %s; exporting what precedes it\n",
			x->what, x->path, kdf_strerror(rc));
	}
	kdf_reader_stats(r, &x->stats);
	return finish_threads(x);
}
