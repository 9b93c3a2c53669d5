// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_html_who.c - see export_html_who.h.  The rows of a window are
 * copied when it closes (the engines reuse their memory for the next
 * one): a few per thread, not per event.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "budget.h"
#include "capture_end.h"
#include "export_html_who.h"
#include "json.h"


int kdr_html_who_init(struct kdr_html_who *who, const struct kdr_export *x,
		      const struct kdf_window *win, size_t nwin)
{
	uint32_t minor = 0;

	memset(who, 0, sizeof(*who));
	who->x = x;
	who->win = win;
	who->nwin = nwin;
	kdf_reader_version(x->r, NULL, &minor);
	who->culprits = kdr_culprits_new(x->meta->pid, minor >= 2);
	who->wakers = kdr_wakers_new(x->meta->pid);
	who->census = kdr_census_new();
	who->w = calloc(nwin ? nwin : 1, sizeof(*who->w));
	if (!who->culprits || !who->wakers || !who->census || !who->w)
		return EX_OSERR;
	return EX_OK;
}

void kdr_html_who_free(struct kdr_html_who *who)
{
	for (size_t i = 0; who->w && i < who->nwin; i++) {
		free(who->w[i].culprits);
		free(who->w[i].wakers);
		free(who->w[i].silent);
	}
	free(who->w);
	kdr_culprits_free(who->culprits);
	kdr_wakers_free(who->wakers);
	kdr_census_free(who->census);
	memset(who, 0, sizeof(*who));
}

int kdr_html_who_events(void *ctx, const struct kdf_event *ev, size_t n)
{
	struct kdr_html_who *who = ctx;

	if (kdr_culprits_feed(who->culprits, ev, n) || kdr_wakers_feed(who->wakers, ev, n) ||
	    kdr_census_feed(who->census, ev, n))
		who->oom = 1;
	who->fed = 1;
	return 0;
}

/* A copy of n rows of size bytes (NULL for none); oom when it fails. */
static void *copy(struct kdr_html_who *who, const void *rows, size_t n, size_t size)
{
	void *v;

	if (!n)
		return NULL;
	v = malloc(n * size);
	if (!v) {
		who->oom = 1;
		return NULL;
	}
	memcpy(v, rows, n * size);
	return v;
}

static void close_into(struct kdr_html_who *who, size_t i)
{
	struct kdr_html_who_win *w = &who->w[i];
	const struct kdr_census_row *cr;
	const void *rows;
	size_t n;

	kdr_culprits_close(who->culprits, who->win[i].start_ts, who->win[i].end_ts);
	kdr_wakers_close(who->wakers, who->win[i].start_ts, who->win[i].end_ts);
	kdr_census_close(who->census);
	if (kdr_culprits_incomplete(who->culprits) || kdr_wakers_incomplete(who->wakers) ||
	    kdr_census_incomplete(who->census))
		who->oom = 1;
	rows = kdr_culprits_rows(who->culprits, &n); /* (sets n: not in the same call) */
	w->culprits = copy(who, rows, n, sizeof(*w->culprits));
	w->nculprits = w->culprits ? n : 0;
	rows = kdr_wakers_rows(who->wakers, &n);
	w->wakers = copy(who, rows, n, sizeof(*w->wakers));
	w->nwakers = w->wakers ? n : 0;
	cr = kdr_census_rows(who->census, &n);
	w->silent = malloc((n ? n : 1) * sizeof(*w->silent));
	if (!w->silent)
		who->oom = 1;
	for (size_t k = 0; w->silent && k < n; k++)
		if (cr[k].silent)
			w->silent[w->nsilent++] = cr[k];
	w->closed = 1;
}

static void reset(struct kdr_html_who *who)
{
	kdr_culprits_reset(who->culprits);
	kdr_wakers_reset(who->wakers);
	kdr_census_reset(who->census);
	who->fed = 0;
}

int kdr_html_who_window(void *ctx, const struct kdf_window *win)
{
	struct kdr_html_who *who = ctx;

	/* a window the page leaves out (skipped, outside the range) is
	 * forgotten like the others */
	for (size_t i = 0; i < who->nwin; i++)
		if (who->win[i].index == win->index && !who->w[i].closed &&
		    !(who->win[i].flags & KDR_WIN_UNCLOSED)) {
			close_into(who, i);
			break;
		}
	reset(who);
	return 0;
}

void kdr_html_who_finish(struct kdr_html_who *who)
{
	size_t last;

	if (!who->nwin || !who->fed)
		return;
	last = who->nwin - 1;
	if (!who->w[last].closed &&
	    (!who->x->nwindows || (who->win[last].flags & KDR_WIN_UNCLOSED)))
		close_into(who, last);
	reset(who);
}

/* The other task's name: taken in the kernel, else a target thread's from
 * the capture's thread names; NULL when unknown. */
static const char *task_name(const struct kdr_export *x, uint32_t name_id, uint32_t tid,
			     int target, size_t *len)
{
	const char *s = name_id ? kdf_reader_string(x->r, name_id, len) : NULL;
	const struct kdr_xthread *t;

	if (s)
		return s;
	t = target ? kdr_export_thread(x, tid) : NULL;
	if (t && t->name) {
		*len = t->name_len;
		return t->name;
	}
	return NULL;
}

static void put_name(struct kdr_json *j, const char *key, const char *s, size_t len)
{
	kdr_json_key(j, key);
	if (s)
		kdr_json_str(j, s, len);
	else
		kdr_json_null(j);
}

/* The page's index of a thread of the capture, -1 when it does not show it. */
static int32_t page_thread(const struct kdr_html_who *who, const int32_t *tout, uint32_t tid)
{
	const struct kdr_xthread *t = kdr_export_thread(who->x, tid);

	return t ? tout[t - who->x->threads] : -1;
}

static void write_silent(const struct kdr_html_who *who, struct kdr_json *j,
			 const struct kdr_html_who_win *w, const struct kdf_window *win,
			 const int32_t *tout)
{
	struct kdr_budget b = { 0 };
	char nb[32];

	kdr_json_key(j, "silent");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < w->nsilent; i++) {
		const struct kdr_census_row *r = &w->silent[i];
		const struct kdr_census_seen *s = r->start.known ? &r->start : &r->end;
		int32_t t = page_thread(who, tout, r->tid);
		char state[2] = { (char)s->state, 0 };
		int k;

		if (t < 0)
			continue;
		/* what the report's budget says of it (budget.h) */
		kdr_budget_silent(&b, s->state, s->nr, win->start_ts, win->end_ts);
		for (k = 0; k < KDR_B_N && !b.ns[k]; k++)
			;
		kdr_json_obj_begin(j);
		kdr_json_key_i64(j, "t", t);
		kdr_json_key_cstr(j, "state", s->state > 0x20 && s->state < 0x7f ? state : "?");
		kdr_json_key_cstr(j, "syscall",
				  s->nr == KDF_CENSUS_NO_SYSCALL ?
					  NULL :
					  kdr_export_syscall_name(who->x, s->nr, nb, sizeof(nb)));
		kdr_json_key_cstr(j, "class",
				  kdr_budget_class_name(k < KDR_B_N ? (enum kdr_budget_class)k :
								      KDR_B_UNKNOWN));
		kdr_json_key_u64(j, "ns", win->end_ts - win->start_ts);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	kdr_budget_free(&b);
}

static void write_culprits(const struct kdr_html_who *who, struct kdr_json *j,
			   const struct kdr_html_who_win *w, const int32_t *tout)
{
	kdr_json_key(j, "culprits");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < w->nculprits; i++) {
		const struct kdr_culprit_row *r = &w->culprits[i];
		int32_t t = page_thread(who, tout, r->tid);
		size_t len = 0;
		const char *name = task_name(who->x, r->culprit_name_id, r->culprit_tid,
					     r->kind == KDR_CULPRIT_TARGET, &len);

		if (t < 0)
			continue;
		kdr_json_obj_begin(j);
		kdr_json_key_i64(j, "t", t);
		kdr_json_key_u64(j, "cpu", r->cpu);
		kdr_json_key_cstr(j, "kind", kdr_culprit_kind_name(r->kind));
		kdr_json_key_u64(j, "tid", r->culprit_tid);
		kdr_json_key_u64(j, "pid", r->culprit_pid);
		put_name(j, "name", name, len);
		kdr_json_key_u64(j, "ns", r->total_ns);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

static void write_wakers(const struct kdr_html_who *who, struct kdr_json *j,
			 const struct kdr_html_who_win *w, const int32_t *tout)
{
	char nb[32];

	kdr_json_key(j, "wakers");
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < w->nwakers; i++) {
		const struct kdr_waker_row *r = &w->wakers[i];
		int32_t t = page_thread(who, tout, r->tid);
		size_t len = 0;
		const char *name = task_name(who->x, r->waker_name_id, r->waker_tid,
					     r->kind == KDR_WAKER_TARGET, &len);

		if (t < 0)
			continue;
		kdr_json_obj_begin(j);
		kdr_json_key_i64(j, "t", t);
		kdr_json_key_cstr(j, "syscall",
				  r->nr == KDR_WAKER_NR_NONE || r->nr == KDR_WAKER_NR_BEFORE ?
					  NULL :
					  kdr_export_syscall_name(who->x, r->nr, nb, sizeof(nb)));
		kdr_json_key_bool(j, "before", r->nr == KDR_WAKER_NR_BEFORE);
		kdr_json_key_cstr(j, "kind", kdr_waker_kind_name(r->kind));
		kdr_json_key_u64(j, "tid", r->waker_tid);
		kdr_json_key_u64(j, "pid", r->waker_pid);
		if (r->kind == KDR_WAKER_SOFTIRQ) /* format 1.3: which softirq */
			kdr_json_key_cstr(j, "softirq",
					  kdr_export_softirq_name(r->softirq_vec, nb, sizeof(nb)));
		put_name(j, "name", name, len);
		kdr_json_key_u64(j, "count", r->count);
		kdr_json_key_u64(j, "ns", r->total_ns);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
}

void kdr_html_who_write(const struct kdr_html_who *who, struct kdr_json *j, size_t w,
			const int32_t *tout)
{
	const struct kdr_html_who_win *ww = &who->w[w];

	write_silent(who, j, ww, &who->win[w], tout);
	write_culprits(who, j, ww, tout);
	write_wakers(who, j, ww, tout);
}
