// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_common.c - the first pass every export starts with.
 *
 * The capture writes a window's boundaries after its events, and thread
 * names and symbols wherever the recorder learnt them, so a single
 * streaming pass cannot know t = 0, which threads pass a name filter, or
 * how to print a stack when it meets them.  The first pass reads only
 * those (threads, windows, symbols, event counts); the second pass, on a
 * fresh reader, streams the events with all of it known.  Memory stays
 * proportional to threads, windows and symbols.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "export_internal.h"
#include "report.h"

struct pass1 {
	struct kdr_export *x;
	size_t threads_cap, syms_cap, windows_cap;
	uint32_t *index; /* thread_get()'s hash: slot + 1, 0 = free */
	size_t index_cap;
};

int kdr_export_fail(struct kdr_export *x, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(x->err, "kdelay-report: %s: ", x->what);
	va_start(ap, fmt);
	vfprintf(x->err, fmt, ap);
	va_end(ap);
	fputc('\n', x->err);
	return code;
}

static void warn_cb(void *ctx, uint64_t offset, const char *msg)
{
	struct kdr_export *x = ctx;

	/* Both passes read the same file: say each problem once. */
	if (x->r)
		return;
	x->warnings++;
	fprintf(x->err, "kdelay-report: %s: warning: %s: offset %" PRIu64 ": %s\n", x->what,
		x->path, offset, msg);
}

static int reader_open(struct kdr_export *x, struct kdf_reader **out)
{
	char msg[256] = "";
	int err = 0;

	*out = kdf_reader_open(x->path, warn_cb, x, &err, msg, sizeof(msg));
	if (*out)
		return EX_OK;
	if (!msg[0])
		snprintf(msg, sizeof(msg), "%s", kdf_strerror(err));
	switch (err) {
	case KDF_E_IO:
		return kdr_export_fail(x, EX_NOINPUT, "%s: %s", x->path, msg);
	case KDF_E_NOMEM:
		return kdr_export_fail(x, EX_OSERR, "%s: %s", x->path, msg);
	default:
		return kdr_export_fail(x, EX_DATAERR, "%s: %s", x->path, msg);
	}
}

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

/* Threads arrive unsorted during pass 1: an open-addressing index (tid ->
 * slot + 1) finds them; it is rebuilt when half full. */
static int index_grow(struct pass1 *p)
{
	size_t cap = p->index_cap ? p->index_cap * 2 : 256, i;
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (!idx)
		return -1;
	for (i = 0; i < p->x->nthreads; i++) {
		size_t h = (p->x->threads[i].tid * 2654435761u) & (cap - 1);

		while (idx[h])
			h = (h + 1) & (cap - 1);
		idx[h] = (uint32_t)i + 1;
	}
	free(p->index);
	p->index = idx;
	p->index_cap = cap;
	return 0;
}

static struct kdr_xthread *thread_get(struct pass1 *p, uint32_t tid)
{
	struct kdr_export *x = p->x;
	struct kdr_xthread *t;
	size_t h;

	if ((x->nthreads + 1) * 2 > p->index_cap && index_grow(p))
		return NULL;
	for (h = (tid * 2654435761u) & (p->index_cap - 1); p->index[h];
	     h = (h + 1) & (p->index_cap - 1))
		if (x->threads[p->index[h] - 1].tid == tid)
			return &x->threads[p->index[h] - 1];
	if (x->nthreads == p->threads_cap) {
		size_t cap = p->threads_cap ? p->threads_cap * 2 : 64;
		void *v = realloc(x->threads, cap * sizeof(*x->threads));

		if (!v)
			return NULL;
		x->threads = v;
		p->threads_cap = cap;
	}
	p->index[h] = (uint32_t)x->nthreads + 1;
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

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int pass1_symbols(struct pass1 *p, const struct kdf_symbol *v, size_t n)
{
	struct kdr_export *x = p->x;
	size_t i;

	for (i = 0; i < n; i++) {
		struct kdr_xsym *s;

		if (x->nsyms == p->syms_cap) {
			size_t cap = p->syms_cap ? p->syms_cap * 2 : 256;
			void *nv = realloc(x->syms, cap * sizeof(*x->syms));

			if (!nv)
				return -1;
			x->syms = nv;
			p->syms_cap = cap;
		}
		s = &x->syms[x->nsyms];
		s->addr = v[i].addr;
		s->is_kernel = !!v[i].is_kernel;
		s->offset = v[i].offset;
		s->name = dup_or_null(v[i].name);
		s->module = dup_or_null(v[i].module);
		x->nsyms++; /* counted now so that close() frees a half copy */
		if ((v[i].name && !s->name) || (v[i].module && !s->module))
			return -1;
	}
	return 0;
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

static int cmp_sym(const void *a, const void *b)
{
	const struct kdr_xsym *sa = a, *sb = b;

	if (sa->is_kernel != sb->is_kernel)
		return sa->is_kernel < sb->is_kernel ? -1 : 1;
	return (sa->addr > sb->addr) - (sa->addr < sb->addr);
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
	regex_t re;
	size_t i, j;
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

	if (o->thread_regex) {
		rc = regcomp(&re, o->thread_regex, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[128];

			regerror(rc, &re, msg, sizeof(msg));
			return kdr_export_fail(x, EX_USAGE, "bad thread regex '%s': %s",
					       o->thread_regex, msg);
		}
	}
	for (i = 0; i < x->nthreads; i++) {
		struct kdr_xthread *t = &x->threads[i];

		t->keep = 1;
		if (o->tids && o->tid_count) {
			t->keep = 0;
			for (j = 0; j < o->tid_count; j++)
				if (o->tids[j] == t->tid)
					t->keep = 1;
		}
		/* A name with a NUL byte is matched up to it: regexec() takes
		 * C strings, and such names are rare enough not to matter. */
		if (t->keep && o->thread_regex)
			t->keep = regexec(&re, t->name ? t->name : "", 0, NULL, 0) == 0;
	}
	if (o->thread_regex)
		regfree(&re);
	return EX_OK;
}

static int run_pass1(struct kdr_export *x, struct kdf_reader *r)
{
	struct pass1 p = { .x = x };
	struct kdf_item it;
	int rc;

	while ((rc = kdf_reader_next(r, &it)) > 0) {
		int bad = 0;

		switch (it.type) {
		case KDF_ITEM_EVENTS:
			bad = pass1_events(&p, it.u.events.v, it.u.events.n);
			break;
		case KDF_ITEM_THREAD:
			bad = pass1_thread(&p, &it.u.thread);
			break;
		case KDF_ITEM_SYMBOLS:
			bad = pass1_symbols(&p, it.u.symbols.v, it.u.symbols.n);
			break;
		case KDF_ITEM_WINDOW:
			bad = pass1_window(&p, &it.u.window);
			break;
		case KDF_ITEM_SUMMARY:
			x->summary = it.u.summary;
			x->has_summary = 1;
			break;
		}
		if (bad) {
			free(p.index);
			return kdr_export_fail(x, EX_OSERR, "out of memory reading %s", x->path);
		}
	}
	free(p.index);
	if (rc < 0) {
		/* Fatal for the reader, not for us: export what was read. */
		x->read_error = rc;
		x->warnings++;
		fprintf(x->err, "kdelay-report: %s: warning: %s: %s; exporting what precedes it\n",
			x->what, x->path, kdf_strerror(rc));
	}
	kdf_reader_stats(r, &x->stats);
	if (x->nsyms) /* qsort(NULL, 0) is undefined */
		qsort(x->syms, x->nsyms, sizeof(*x->syms), cmp_sym);
	return finish_threads(x);
}

/* A name of the capture's syscall table, or a decimal number, as the text
 * report reads --syscall; UINT32_MAX when neither. */
static uint32_t syscall_lookup(const struct kdf_meta *m, const char *name)
{
	unsigned long v;
	char *end;
	uint32_t i;

	for (i = 0; m->syscall_names && i < m->syscall_count; i++)
		if (m->syscall_names[i] && !strcmp(m->syscall_names[i], name))
			return i;
	errno = 0;
	v = strtoul(name, &end, 10);
	if (*name >= '0' && *name <= '9' && !*end && !errno && v < UINT32_MAX)
		return (uint32_t)v;
	return UINT32_MAX;
}

/* t = 0 and the clipping range, once pass 1 knows the windows. */
static int set_range(struct kdr_export *x)
{
	const struct kdr_export_opts *o = x->opts;
	uint64_t base;
	size_t i;

	x->origin = x->first_ts;
	if (x->nwindows)
		x->origin = x->windows[0].start_ts;
	if (!x->origin)
		x->origin = x->meta->mono_ns;
	x->end_ts = x->last_ts;
	for (i = 0; i < x->nwindows; i++)
		if (x->windows[i].end_ts > x->end_ts)
			x->end_ts = x->windows[i].end_ts;
	if (x->end_ts < x->origin)
		x->end_ts = x->origin;

	if (o->time_to_ns && o->time_to_ns <= o->time_from_ns)
		return kdr_export_fail(x, EX_USAGE, "empty time range %" PRIu64 "..%" PRIu64 " ns",
				       o->time_from_ns, o->time_to_ns);
	base = o->time_base == KDR_EXPORT_TIME_CAPTURE ? x->meta->mono_ns : x->origin;
	/* Saturating: a huge range end on a capture means "to the end". */
	x->from = o->time_from_ns > UINT64_MAX - base ? UINT64_MAX : base + o->time_from_ns;
	x->to = !o->time_to_ns || o->time_to_ns > UINT64_MAX - base ? UINT64_MAX
								   : base + o->time_to_ns;
	x->syscall_nr = UINT32_MAX;
	if (o->syscall) {
		x->syscall_nr = syscall_lookup(x->meta, o->syscall);
		if (x->syscall_nr == UINT32_MAX)
			return kdr_export_fail(x, EX_USAGE, "unknown syscall '%s'", o->syscall);
	}
	/* Times are written relative to the origin, never negative. */
	if (x->from < x->origin)
		x->from = x->origin;
	if (x->to <= x->from)
		return kdr_export_fail(x, EX_USAGE, "time range ends before the first window starts");
	return EX_OK;
}

int kdr_export_open(struct kdr_export *x, const char *path, const struct kdr_export_opts *opts,
		    const char *what)
{
	struct kdf_reader *r1;
	int rc;

	memset(x, 0, sizeof(*x));
	x->opts = opts;
	x->what = what;
	x->path = path;
	x->err = opts && opts->err ? opts->err : stderr;
	if (!opts || !opts->out)
		return kdr_export_fail(x, EX_USAGE, "no output stream");
	if (!path)
		return kdr_export_fail(x, EX_USAGE, "no capture file");

	rc = reader_open(x, &r1);
	if (rc != EX_OK)
		return rc;
	x->meta = kdf_reader_meta(r1);
	rc = run_pass1(x, r1);
	kdf_reader_close(r1);
	x->meta = NULL;
	if (rc != EX_OK)
		return rc;

	rc = reader_open(x, &x->r);
	if (rc != EX_OK)
		return rc;
	x->meta = kdf_reader_meta(x->r);
	return set_range(x);
}

void kdr_export_close(struct kdr_export *x)
{
	size_t i;

	if (x->r)
		kdf_reader_close(x->r);
	for (i = 0; i < x->nthreads; i++)
		free(x->threads[i].name);
	free(x->threads);
	for (i = 0; i < x->nsyms; i++) {
		free(x->syms[i].name);
		free(x->syms[i].module);
	}
	free(x->syms);
	free(x->windows);
	memset(x, 0, sizeof(*x));
}

int kdr_export_finish_output(struct kdr_export *x)
{
	FILE *f = x->opts->out;
	const char *why = NULL;

	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		return kdr_export_fail(x, EX_IOERR, "writing the output failed: %s",
				       errno ? strerror(errno) : "I/O error");
	/* Same contract as kdr_report_file(): complete output of what could
	 * be read, and a distinct status so scripts notice the gap. */
	if (x->read_error)
		why = "a chunk could not be read";
	else if (x->stats.truncated)
		why = "the file is truncated";
	else if (x->stats.chunks_bad)
		why = "corrupt chunks were skipped";
	else if (!x->has_summary)
		why = "it has no summary (the recorder did not close it)";
	if (why)
		return kdr_export_fail(x, KDR_EXIT_INCOMPLETE,
				       "warning: capture incomplete: %s; exported what precedes it",
				       why);
	return EX_OK;
}

const char *kdr_export_syscall_name(const struct kdr_export *x, uint32_t nr, char *buf, size_t len)
{
	if (x->meta && nr < x->meta->syscall_count && x->meta->syscall_names &&
	    x->meta->syscall_names[nr])
		return x->meta->syscall_names[nr];
	snprintf(buf, len, "syscall_%u", nr);
	return buf;
}

/* Seconds (>= 0, may be huge) to ns, rounded, saturating. */
static uint64_t secs_to_ns(double s)
{
	if (!(s > 0))
		return 0;
	if (s >= 18446744073.0)
		return UINT64_MAX;
	return (uint64_t)(s * 1e9 + 0.5);
}

void kdr_export_opts_from_report(struct kdr_export_opts *eo, const struct kdr_options *o,
				 FILE *out, FILE *err)
{
	memset(eo, 0, sizeof(*eo));
	eo->out = out;
	eo->err = err;
	eo->tids = o->tids;
	eo->tid_count = o->ntids;
	eo->thread_regex = o->thread_regex;
	eo->syscall = o->syscall;
	if (o->has_time_range) {
		eo->time_base = KDR_EXPORT_TIME_CAPTURE;
		eo->time_from_ns = secs_to_ns(o->time_start_s);
		/* 0 would mean "to the end": an end at 0 s is 1 ns. */
		if (o->time_end_s >= 0) {
			eo->time_to_ns = secs_to_ns(o->time_end_s);
			if (!eo->time_to_ns)
				eo->time_to_ns = 1;
		}
	}
}

const char *kdr_export_softirq_name(uint32_t vec, char *buf, size_t len)
{
	static const char *const names[] = { "hi",	 "timer", "net_tx", "net_rx",  "block",
					     "irq_poll", "tasklet", "sched", "hrtimer", "rcu" };

	if (vec < sizeof(names) / sizeof(names[0]))
		return names[vec];
	snprintf(buf, len, "softirq_%u", vec);
	return buf;
}
