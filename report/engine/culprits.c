// SPDX-License-Identifier: BSD-2-Clause
/*
 * culprits.c - see culprits.h.  Who ran on each CPU is kept as a list of
 * (cpu, since, task) and each wait as (thread, cpu, start, end); when the
 * window closes, each wait is cut where the task on its CPU changed and
 * the pieces are summed per thread and task as they are cut, in a hash
 * table of the rows (a piece per cut, kept and sorted, was most of the
 * report's memory).  The runs are sorted in place (grow.h).
 */
#include <stdlib.h>
#include <string.h>

#include "culprits.h"
#include "grow.h"
#include "hashidx.h"

/* From ts on, this task runs on cpu. */
struct run {
	uint64_t ts;
	uint32_t cpu, tid, pid, name_id;
	enum kdr_culprit_kind kind;
	uint32_t seq; /* file order: ties of (cpu, ts) keep it */
};

struct wait {
	uint64_t start, end;
	uint32_t tid, cpu;
};

struct thread_state {
	uint32_t tid;
	uint32_t cpu;	      /* where it waits (followed across moves, format 1.3) */
	uint64_t ready_since; /* 0 = not waiting, else since then on cpu */
};

struct kdr_culprits {
	uint32_t target_pid;
	int recorded;
	struct thread_state *th;
	size_t nth, thcap;
	struct kdr_ix ix;
	struct run *runs;
	size_t nruns, runcap;
	struct wait *waits;
	size_t nwaits, waitcap;
	struct kdr_culprit_row *rows; /* one per (thread, culprit, cpu) */
	size_t nrows, rowcap;
	struct kdr_ix rows_ix;	      /* row_hash() -> rows index + 1 */
	int oom;
};

struct kdr_culprits *kdr_culprits_new(uint32_t target_pid, int recorded)
{
	struct kdr_culprits *c = calloc(1, sizeof(*c));

	if (!c || kdr_ix_init(&c->ix, 64) || kdr_ix_init(&c->rows_ix, 64)) {
		if (c)
			kdr_ix_free(&c->ix);
		free(c);
		return NULL;
	}
	c->target_pid = target_pid;
	c->recorded = recorded;
	return c;
}

void kdr_culprits_free(struct kdr_culprits *c)
{
	if (!c)
		return;
	kdr_ix_free(&c->ix);
	kdr_ix_free(&c->rows_ix);
	free(c->th);
	free(c->runs);
	free(c->waits);
	free(c->rows);
	free(c);
}

void kdr_culprits_reset(struct kdr_culprits *c)
{
	kdr_ix_clear(&c->ix);
	kdr_ix_clear(&c->rows_ix);
	c->nth = c->nruns = c->nwaits = c->nrows = 0;
	c->oom = 0;
}

static struct thread_state *thread(struct kdr_culprits *c, uint32_t tid)
{
	uint32_t i = kdr_ix_find(&c->ix, tid);
	struct thread_state *t;

	if (c->ix.slots[i])
		return &c->th[c->ix.slots[i] - 1];
	if (kdr_grow((void **)&c->th, &c->thcap, c->nth, sizeof(*c->th)) || kdr_ix_reserve(&c->ix))
		return NULL;
	t = &c->th[c->nth++];
	t->tid = tid;
	t->ready_since = 0;
	kdr_ix_put(&c->ix, tid, (uint32_t)c->nth);
	return t;
}

static int run_add(struct kdr_culprits *c, const struct kdf_event *ev, uint32_t tid)
{
	struct run *r;

	if (!c->recorded)
		return 0;
	if (kdr_grow((void **)&c->runs, &c->runcap, c->nruns, sizeof(*c->runs)))
		return -1;
	r = &c->runs[c->nruns];
	r->seq = (uint32_t)c->nruns++;
	r->ts = ev->ts;
	r->cpu = ev->cpu;
	r->tid = tid;
	if (ev->type == KDF_EV_SWITCH) { /* a target thread switched in */
		r->pid = c->target_pid;
		r->name_id = 0;
		r->kind = KDR_CULPRIT_TARGET;
		return 0;
	}
	r->pid = ev->u.cpu_run.pid;
	r->name_id = ev->u.cpu_run.name_id;
	if (ev->flags & KDF_RUN_KTHREAD)
		r->kind = KDR_CULPRIT_KTHREAD;
	else if (!tid)
		r->kind = KDR_CULPRIT_IDLE;
	else if (r->pid == c->target_pid)
		r->kind = KDR_CULPRIT_TARGET;
	else
		r->kind = KDR_CULPRIT_PROCESS;
	return 0;
}

/* t waited on cpu from its ready_since to end. */
static int wait_add(struct kdr_culprits *c, const struct thread_state *t, uint64_t end,
		    uint32_t cpu)
{
	struct wait *w;

	if (kdr_grow((void **)&c->waits, &c->waitcap, c->nwaits, sizeof(*c->waits)))
		return -1;
	w = &c->waits[c->nwaits++];
	w->start = t->ready_since;
	w->end = end;
	w->tid = t->tid;
	w->cpu = cpu;
	return 0;
}

static int switch_in(struct kdr_culprits *c, const struct kdf_event *ev)
{
	struct thread_state *t = thread(c, ev->u.sw.next_tid);

	if (!t || run_add(c, ev, ev->u.sw.next_tid))
		return -1;
	if (!t->ready_since || ev->ts < t->ready_since) {
		t->ready_since = 0;
		return 0;
	}
	if (wait_add(c, t, ev->ts, ev->cpu))
		return -1;
	t->ready_since = 0;
	return 0;
}

/*
 * A CPU_RUN naming a thread of the target: a task that runs, or (format
 * 1.3) a waiting thread moved to ev->cpu, which the recorder writes as
 * the thread itself on its new CPU (a thread that waits runs nowhere).
 * The wait so far was spent on the CPU it left: that part ends here.
 */
static int target_run(struct kdr_culprits *c, const struct kdf_event *ev)
{
	struct thread_state *t = thread(c, ev->tid);

	if (!t)
		return -1;
	if (!t->ready_since || ev->ts < t->ready_since)
		return run_add(c, ev, ev->tid);
	if (ev->cpu == t->cpu)
		return 0; /* it was named as it left that CPU: no move, no run */
	if (wait_add(c, t, ev->ts, t->cpu))
		return -1;
	t->ready_since = ev->ts;
	t->cpu = ev->cpu;
	return 0;
}

static int feed_one(struct kdr_culprits *c, const struct kdf_event *ev)
{
	struct thread_state *t;

	switch (ev->type) {
	case KDF_EV_CPU_RUN:
		if (ev->tid && ev->u.cpu_run.pid == c->target_pid)
			return target_run(c, ev);
		return run_add(c, ev, ev->tid);
	case KDF_EV_WAKEUP:
		t = thread(c, ev->tid);
		if (!t)
			return -1;
		if (!t->ready_since) {
			t->ready_since = ev->ts;
			t->cpu = ev->cpu; /* where it is queued (format 1.3) */
		}
		return 0;
	case KDF_EV_SWITCH:
		if (ev->flags & KDF_SW_PREV_TARGET) {
			t = thread(c, ev->tid);
			if (!t)
				return -1;
			t->ready_since = (ev->flags & KDF_SW_PREEMPT) ? ev->ts : 0;
			t->cpu = ev->cpu;
		}
		if (ev->flags & KDF_SW_NEXT_TARGET)
			return switch_in(c, ev);
		return 0;
	case KDF_EV_THREAD_EXIT:
		t = thread(c, ev->tid);
		if (!t)
			return -1;
		t->ready_since = 0;
		return 0;
	case KDF_EV_LOSS:
		/* a wait spanning lost events may have lost its switch-in */
		for (size_t i = 0; i < c->nth; i++)
			c->th[i].ready_since = 0;
		return 0;
	default:
		return 0;
	}
}

int kdr_culprits_feed(struct kdr_culprits *c, const struct kdf_event *ev, size_t n)
{
	for (size_t i = 0; i < n && !c->oom; i++)
		if (feed_one(c, &ev[i]))
			c->oom = 1;
	return c->oom ? -1 : 0;
}

/* By cpu, then time, then file order: a total order, so the in-place sort
 * orders equal times as a stable sort would. */
static int run_before(const void *pa, const void *pb)
{
	const struct run *a = pa, *b = pb;

	if (a->cpu != b->cpu)
		return a->cpu < b->cpu;
	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->seq < b->seq;
}

#define KEY_FIELDS 6

/* What makes a row: the thread, the task on the CPU, the CPU. */
static void key_fields(const struct kdr_culprit_row *r, uint32_t k[KEY_FIELDS])
{
	k[0] = r->tid;
	k[1] = r->kind;
	k[2] = r->culprit_tid;
	k[3] = r->culprit_pid;
	k[4] = r->culprit_name_id;
	k[5] = r->cpu;
}

static int key_cmp(const struct kdr_culprit_row *a, const struct kdr_culprit_row *b)
{
	uint32_t ka[KEY_FIELDS], kb[KEY_FIELDS];

	key_fields(a, ka);
	key_fields(b, kb);
	return kdr_fields_cmp(ka, kb, KEY_FIELDS);
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct kdr_culprit_row *a = pa, *b = pb;

	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (a->total_ns != b->total_ns)
		return a->total_ns > b->total_ns ? -1 : 1;
	return key_cmp(a, b);
}

static uint64_t row_hash(const struct kdr_culprit_row *r)
{
	uint32_t k[KEY_FIELDS];

	key_fields(r, k);
	return kdr_hash_fields(k, KEY_FIELDS);
}

/* ns of w's wait charged to r's task (NULL: not recorded): added to the
 * row of that thread, task and cpu. */
static int piece_add(struct kdr_culprits *c, const struct wait *w, const struct run *r,
		     uint64_t ns)
{
	struct kdr_culprit_row p = { 0 }, *row;
	uint64_t h;
	uint32_t i;

	if (!ns)
		return 0;
	p.tid = w->tid;
	p.cpu = w->cpu;
	p.kind = r ? r->kind : KDR_CULPRIT_UNKNOWN;
	if (r) {
		p.culprit_tid = r->tid;
		p.culprit_pid = r->pid;
		p.culprit_name_id = r->name_id;
	}
	h = row_hash(&p);
	for (i = kdr_ix_find(&c->rows_ix, h); c->rows_ix.slots[i]; i = kdr_ix_next(&c->rows_ix, h, i)) {
		row = &c->rows[c->rows_ix.slots[i] - 1];
		if (!key_cmp(row, &p)) {
			row->total_ns += ns;
			return 0;
		}
	}
	if (kdr_grow((void **)&c->rows, &c->rowcap, c->nrows, sizeof(*c->rows)) ||
	    kdr_ix_reserve(&c->rows_ix))
		return -1;
	p.total_ns = ns;
	c->rows[c->nrows++] = p;
	kdr_ix_put(&c->rows_ix, h, (uint32_t)c->nrows);
	return 0;
}

/* The first run of cpu later than ts, in runs[lo, hi) sorted by (cpu, ts). */
static size_t first_after(const struct run *runs, size_t lo, size_t hi, uint32_t cpu,
			  uint64_t ts)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (runs[mid].cpu < cpu || (runs[mid].cpu == cpu && runs[mid].ts <= ts))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Cut w where the task on its CPU changed. */
static int split_wait(struct kdr_culprits *c, const struct wait *w)
{
	size_t i = first_after(c->runs, 0, c->nruns, w->cpu, w->start);
	const struct run *cur = i && c->runs[i - 1].cpu == w->cpu ? &c->runs[i - 1] : NULL;
	uint64_t at = w->start;

	while (at < w->end) {
		uint64_t until = w->end;

		if (i < c->nruns && c->runs[i].cpu == w->cpu && c->runs[i].ts < until)
			until = c->runs[i].ts;
		if (piece_add(c, w, cur, until - at))
			return -1;
		at = until;
		if (i < c->nruns && c->runs[i].cpu == w->cpu && c->runs[i].ts == until)
			cur = &c->runs[i++];
	}
	return 0;
}

int kdr_culprits_close(struct kdr_culprits *c, uint64_t lo, uint64_t hi)
{
	kdr_sort_in_place(c->runs, c->nruns, sizeof(*c->runs), run_before);
	c->nrows = 0;
	kdr_ix_clear(&c->rows_ix);
	for (size_t i = 0; i < c->nwaits && !c->oom; i++)
		if (c->waits[i].start >= lo && c->waits[i].end <= hi && split_wait(c, &c->waits[i]))
			c->oom = 1;
	kdr_sort(c->rows, c->nrows, sizeof(*c->rows), row_cmp);
	return c->oom ? -1 : 0;
}

const struct kdr_culprit_row *kdr_culprits_rows(const struct kdr_culprits *c, size_t *n)
{
	*n = c->nrows;
	return c->rows;
}

int kdr_culprits_incomplete(const struct kdr_culprits *c)
{
	return c->oom;
}

const char *kdr_culprit_kind_name(enum kdr_culprit_kind k)
{
	static const char *const names[] = {
		[KDR_CULPRIT_PROCESS] = "process", [KDR_CULPRIT_KTHREAD] = "kthread",
		[KDR_CULPRIT_TARGET] = "target",   [KDR_CULPRIT_IDLE] = "idle",
		[KDR_CULPRIT_UNKNOWN] = "unknown",
	};

	return (unsigned int)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}
