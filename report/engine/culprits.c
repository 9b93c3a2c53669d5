// SPDX-License-Identifier: BSD-2-Clause
/*
 * culprits.c - see culprits.h.  Events are taken in time order (through
 * the reorder ring), and each CPU's current task is known as they come:
 * a waiting thread is charged, piece by piece, to the task that ran on
 * its CPU since its last charge whenever that task changes.  The pieces
 * of a wait are held by its thread until the wait ends (a loss or the
 * thread's exit throws them away), then summed into the rows.  Memory is
 * the threads, the CPUs, the rows and the reorder ring: it does not grow
 * with the events of a window.
 */
#include <stdlib.h>
#include <string.h>

#include "culprits.h"
#include "grow.h"
#include "hashidx.h"
#include "reorder.h"

/* Events held back to restore time order (as the statistics do). */
#define CULPRITS_REORDER 4096
#define CULPRITS_REACH 256

/* Who runs on a CPU, since when. */
struct task {
	uint32_t tid, pid, name_id;
	enum kdr_culprit_kind kind;
};

struct cpu_state {
	uint32_t cpu;
	int known;	   /* a task was seen running there in this window */
	struct task cur;
	uint32_t nwaiting; /* target threads waiting on it */
};

/* ns of a wait charged to a task (known = 0: not recorded). */
struct piece {
	struct task task;
	int known;
	uint64_t ns;
};

struct thread_state {
	uint32_t tid;
	uint32_t cpu;	      /* where it waits (followed across moves, format 1.3) */
	uint64_t ready_since; /* 0 = not waiting, else since then on cpu */
	uint64_t charged_to;  /* the wait is charged up to here */
	struct piece *pieces; /* of the wait going on, one per task */
	size_t npieces, piececap;
	size_t wpos; /* its place in waiting[] while it waits */
};

struct kdr_culprits {
	uint32_t target_pid;
	int recorded;
	uint64_t lo, hi; /* a wait counts when it starts and ends within */
	struct kdr_reorder reorder;
	struct thread_state *th;
	size_t nth, thcap;
	struct kdr_ix ix;
	size_t *waiting; /* indices in th[] of the threads that wait */
	size_t nwaiting, waitcap;
	struct cpu_state *cpus;
	size_t ncpus, cpucap;
	struct kdr_ix cpu_ix;
	struct kdr_culprit_row *rows; /* one per (thread, culprit, cpu) */
	size_t nrows, rowcap;
	struct kdr_ix rows_ix;	      /* row_hash() -> rows index + 1 */
	int oom;
};

struct kdr_culprits *kdr_culprits_new(uint32_t target_pid, int recorded)
{
	struct kdr_culprits *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (kdr_ix_init(&c->ix, 64) || kdr_ix_init(&c->cpu_ix, 64) ||
	    kdr_ix_init(&c->rows_ix, 64) ||
	    kdr_reorder_init(&c->reorder, CULPRITS_REORDER, CULPRITS_REACH)) {
		kdr_culprits_free(c);
		return NULL;
	}
	c->target_pid = target_pid;
	c->recorded = recorded;
	c->hi = UINT64_MAX;
	return c;
}

void kdr_culprits_free(struct kdr_culprits *c)
{
	if (!c)
		return;
	kdr_ix_free(&c->ix);
	kdr_ix_free(&c->cpu_ix);
	kdr_ix_free(&c->rows_ix);
	kdr_reorder_free(&c->reorder);
	for (size_t i = 0; i < c->thcap && c->th; i++)
		free(c->th[i].pieces);
	free(c->th);
	free(c->waiting);
	free(c->cpus);
	free(c->rows);
	free(c);
}

void kdr_culprits_set_bounds(struct kdr_culprits *c, uint64_t lo, uint64_t hi)
{
	c->lo = lo;
	c->hi = hi;
}

void kdr_culprits_reset(struct kdr_culprits *c)
{
	c->lo = 0;
	c->hi = UINT64_MAX;
	kdr_ix_clear(&c->ix);
	kdr_ix_clear(&c->cpu_ix);
	kdr_ix_clear(&c->rows_ix);
	kdr_reorder_clear(&c->reorder);
	for (size_t i = 0; i < c->nth; i++)
		c->th[i].npieces = 0;
	c->nth = c->nwaiting = c->ncpus = c->nrows = 0;
	c->oom = 0;
}

static struct thread_state *thread(struct kdr_culprits *c, uint32_t tid)
{
	uint32_t i = kdr_ix_find(&c->ix, tid);
	struct thread_state *t;
	size_t cap = c->thcap;

	if (c->ix.slots[i])
		return &c->th[c->ix.slots[i] - 1];
	if (kdr_grow((void **)&c->th, &c->thcap, c->nth, sizeof(*c->th)) || kdr_ix_reserve(&c->ix))
		return NULL;
	/* slots past the old capacity start without pieces; the others keep
	 * their pieces' memory from an earlier window */
	if (c->thcap > cap)
		memset(&c->th[cap], 0, (c->thcap - cap) * sizeof(*c->th));
	t = &c->th[c->nth++];
	t->tid = tid;
	t->cpu = 0;
	t->ready_since = 0;
	t->charged_to = 0;
	t->npieces = 0;
	kdr_ix_put(&c->ix, tid, (uint32_t)c->nth);
	return t;
}

static struct cpu_state *cpu_state(struct kdr_culprits *c, uint32_t cpu)
{
	uint32_t i = kdr_ix_find(&c->cpu_ix, cpu);
	struct cpu_state *s;

	if (c->cpu_ix.slots[i])
		return &c->cpus[c->cpu_ix.slots[i] - 1];
	if (kdr_grow((void **)&c->cpus, &c->cpucap, c->ncpus, sizeof(*c->cpus)) ||
	    kdr_ix_reserve(&c->cpu_ix))
		return NULL;
	s = &c->cpus[c->ncpus++];
	memset(s, 0, sizeof(*s));
	s->cpu = cpu;
	kdr_ix_put(&c->cpu_ix, cpu, (uint32_t)c->ncpus);
	return s;
}

/* Charge t's wait up to ts to what runs on its CPU (s). */
static int charge(struct thread_state *t, const struct cpu_state *s, uint64_t ts)
{
	struct piece *p;
	size_t i;

	if (ts <= t->charged_to)
		return 0;
	for (i = 0; i < t->npieces; i++) {
		p = &t->pieces[i];
		if (p->known == s->known &&
		    (!s->known || (p->task.tid == s->cur.tid && p->task.pid == s->cur.pid &&
				   p->task.name_id == s->cur.name_id && p->task.kind == s->cur.kind)))
			break;
	}
	if (i == t->npieces) {
		if (kdr_grow((void **)&t->pieces, &t->piececap, t->npieces, sizeof(*t->pieces)))
			return -1;
		p = &t->pieces[t->npieces++];
		memset(p, 0, sizeof(*p));
		p->known = s->known;
		if (s->known)
			p->task = s->cur;
	}
	t->pieces[i].ns += ts - t->charged_to;
	t->charged_to = ts;
	return 0;
}

/* From ts on, the task of ev runs on ev's CPU: the threads waiting there
 * are charged up to ts to the task before it. */
static int run_add(struct kdr_culprits *c, const struct kdf_event *ev, uint32_t tid)
{
	struct cpu_state *s;

	if (!c->recorded)
		return 0;
	s = cpu_state(c, ev->cpu);
	if (!s)
		return -1;
	for (size_t i = 0; s->nwaiting && i < c->nwaiting; i++) {
		struct thread_state *t = &c->th[c->waiting[i]];

		if (t->cpu == ev->cpu && charge(t, s, ev->ts))
			return -1;
	}
	s->known = 1;
	s->cur.tid = tid;
	if (ev->type == KDF_EV_SWITCH) { /* a target thread switched in */
		s->cur.pid = c->target_pid;
		s->cur.name_id = 0;
		s->cur.kind = KDR_CULPRIT_TARGET;
		return 0;
	}
	s->cur.pid = ev->u.cpu_run.pid;
	s->cur.name_id = ev->u.cpu_run.name_id;
	if (ev->flags & KDF_RUN_KTHREAD)
		s->cur.kind = KDR_CULPRIT_KTHREAD;
	else if (!tid)
		s->cur.kind = KDR_CULPRIT_IDLE;
	else if (s->cur.pid == c->target_pid)
		s->cur.kind = KDR_CULPRIT_TARGET;
	else
		s->cur.kind = KDR_CULPRIT_PROCESS;
	return 0;
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

/* A piece of tid's wait on cpu, added to the row of that thread, task and
 * cpu. */
static int row_add(struct kdr_culprits *c, uint32_t tid, uint32_t cpu, const struct piece *pc)
{
	struct kdr_culprit_row p = { 0 }, *row;
	uint64_t h;
	uint32_t i;

	if (!pc->ns)
		return 0;
	p.tid = tid;
	p.cpu = cpu;
	p.kind = pc->known ? pc->task.kind : KDR_CULPRIT_UNKNOWN;
	if (pc->known) {
		p.culprit_tid = pc->task.tid;
		p.culprit_pid = pc->task.pid;
		p.culprit_name_id = pc->task.name_id;
	}
	h = row_hash(&p);
	for (i = kdr_ix_find(&c->rows_ix, h); c->rows_ix.slots[i]; i = kdr_ix_next(&c->rows_ix, h, i)) {
		row = &c->rows[c->rows_ix.slots[i] - 1];
		if (!key_cmp(row, &p)) {
			row->total_ns += pc->ns;
			return 0;
		}
	}
	if (kdr_grow((void **)&c->rows, &c->rowcap, c->nrows, sizeof(*c->rows)) ||
	    kdr_ix_reserve(&c->rows_ix))
		return -1;
	p.total_ns = pc->ns;
	c->rows[c->nrows++] = p;
	kdr_ix_put(&c->rows_ix, h, (uint32_t)c->nrows);
	return 0;
}

/* t stops waiting on its CPU, with nothing charged. */
static void wait_drop(struct kdr_culprits *c, struct thread_state *t)
{
	struct cpu_state *s;

	if (!t->ready_since)
		return;
	s = cpu_state(c, t->cpu); /* found: it was made when the wait began */
	if (s && s->nwaiting)
		s->nwaiting--;
	/* out of waiting[]: the last one takes its place */
	c->waiting[t->wpos] = c->waiting[--c->nwaiting];
	c->th[c->waiting[t->wpos]].wpos = t->wpos;
	t->ready_since = 0;
	t->npieces = 0;
}

/* t waits from ts on cpu. */
static int wait_begin(struct kdr_culprits *c, struct thread_state *t, uint32_t cpu, uint64_t ts)
{
	struct cpu_state *s = cpu_state(c, cpu);

	if (!s)
		return -1;
	wait_drop(c, t);
	if (kdr_grow((void **)&c->waiting, &c->waitcap, c->nwaiting, sizeof(*c->waiting)))
		return -1;
	t->wpos = c->nwaiting;
	c->waiting[c->nwaiting++] = (size_t)(t - c->th);
	s->nwaiting++;
	t->cpu = cpu;
	t->ready_since = ts;
	t->charged_to = ts;
	t->npieces = 0;
	return 0;
}

/* t's wait on its CPU ends at ts: charged to the end, and counted when it
 * lies within the bounds. */
static int wait_end(struct kdr_culprits *c, struct thread_state *t, uint64_t ts)
{
	struct cpu_state *s = cpu_state(c, t->cpu);
	int rc = 0;

	if (!s || charge(t, s, ts))
		return -1;
	if (t->ready_since >= c->lo && ts <= c->hi)
		for (size_t i = 0; i < t->npieces && !rc; i++)
			rc = row_add(c, t->tid, t->cpu, &t->pieces[i]);
	wait_drop(c, t);
	return rc;
}

static int switch_in(struct kdr_culprits *c, const struct kdf_event *ev)
{
	struct thread_state *t = thread(c, ev->u.sw.next_tid);

	if (!t)
		return -1;
	/* its own wait ends as it runs, charged to the CPU it was queued on
	 * as far as the capture says (its wakeup's, or a recorded move) */
	if (t->ready_since && ev->ts >= t->ready_since) {
		if (wait_end(c, t, ev->ts))
			return -1;
	} else {
		wait_drop(c, t);
	}
	return run_add(c, ev, ev->u.sw.next_tid);
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
	if (wait_end(c, t, ev->ts))
		return -1;
	return wait_begin(c, t, ev->cpu, ev->ts);
}

static int process(struct kdr_culprits *c, const struct kdf_event *ev);

/*
 * (1.4) A WAKEUP whose waker is the task current on the CPU the woken
 * thread is queued on: the recorder wrote no CPU_RUN for that task, the
 * one it would have written is read from the waker's fields.
 */
static int waker_runs(struct kdr_culprits *c, const struct kdf_event *ev)
{
	struct kdf_event run = { 0 };

	run.ts = ev->ts;
	run.tid = ev->u.wakeup.waker_tid;
	run.cpu = ev->cpu;
	run.type = KDF_EV_CPU_RUN;
	run.u.cpu_run.pid = ev->u.wakeup.waker_pid;
	run.u.cpu_run.name_id = ev->u.wakeup.waker_name_id;
	return process(c, &run);
}

static int process(struct kdr_culprits *c, const struct kdf_event *ev)
{
	struct thread_state *t;

	switch (ev->type) {
	case KDF_EV_CPU_RUN:
		if (ev->tid && ev->u.cpu_run.pid == c->target_pid)
			return target_run(c, ev);
		return run_add(c, ev, ev->tid);
	case KDF_EV_WAKEUP:
		if ((ev->flags & KDF_WAKE_WAKER_CURRENT) && waker_runs(c, ev))
			return -1;
		t = thread(c, ev->tid);
		if (!t)
			return -1;
		if (!t->ready_since) /* queued on ev->cpu (format 1.3) */
			return wait_begin(c, t, ev->cpu, ev->ts);
		return 0;
	case KDF_EV_SWITCH:
		if (ev->flags & KDF_SW_PREV_TARGET) {
			t = thread(c, ev->tid);
			if (!t)
				return -1;
			wait_drop(c, t);
			if ((ev->flags & KDF_SW_PREEMPT) && ev->ts && wait_begin(c, t, ev->cpu, ev->ts))
				return -1;
		}
		if (ev->flags & KDF_SW_NEXT_TARGET)
			return switch_in(c, ev);
		return 0;
	case KDF_EV_THREAD_EXIT:
		t = thread(c, ev->tid);
		if (!t)
			return -1;
		wait_drop(c, t);
		return 0;
	case KDF_EV_LOSS:
		/* a wait spanning lost events may have lost its switch-in */
		for (size_t i = 0; i < c->nth; i++)
			wait_drop(c, &c->th[i]);
		return 0;
	default:
		return 0;
	}
}

int kdr_culprits_feed(struct kdr_culprits *c, const struct kdf_event *ev, size_t n)
{
	struct kdr_reorder *r = &c->reorder;
	const struct kdf_event *old;

	for (size_t i = 0; i < n && !c->oom; i++) {
		/* processed before its slot is reused by the push */
		if ((old = kdr_reorder_full(r)) && process(c, old))
			c->oom = 1;
		else if (!c->oom && kdr_reorder_push(r, &ev[i]) && process(c, &ev[i]))
			c->oom = 1; /* too late to be held back: at once */
	}
	return c->oom ? -1 : 0;
}

int kdr_culprits_close(struct kdr_culprits *c, uint64_t lo, uint64_t hi)
{
	const struct kdf_event *e;

	/* the window's own bounds, now known, for the waits still to end */
	if (lo > c->lo)
		c->lo = lo;
	if (hi < c->hi)
		c->hi = hi;
	while (!c->oom && (e = kdr_reorder_pop(&c->reorder)))
		if (process(c, e))
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
