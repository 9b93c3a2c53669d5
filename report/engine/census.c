// SPDX-License-Identifier: BSD-2-Clause
/* census.c - see census.h. */
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "grow.h"
#include "hashidx.h"

struct entry {
	struct kdr_census_row row;
	int in_census; /* some CENSUS event named it */
};

struct kdr_census {
	struct entry *v;
	size_t n, cap;
	struct kdr_ix ix;
	struct kdr_census_row *rows;
	size_t nrows, rowcap;
	int oom;
};

struct kdr_census *kdr_census_new(void)
{
	struct kdr_census *c = calloc(1, sizeof(*c));

	if (!c || kdr_ix_init(&c->ix, 64)) {
		free(c);
		return NULL;
	}
	return c;
}

void kdr_census_free(struct kdr_census *c)
{
	if (!c)
		return;
	kdr_ix_free(&c->ix);
	free(c->v);
	free(c->rows);
	free(c);
}

void kdr_census_reset(struct kdr_census *c)
{
	kdr_ix_clear(&c->ix);
	c->n = c->nrows = 0;
	c->oom = 0;
}

static struct entry *entry(struct kdr_census *c, uint32_t tid)
{
	uint32_t i = kdr_ix_find(&c->ix, tid);
	struct entry *e;

	if (c->ix.slots[i])
		return &c->v[c->ix.slots[i] - 1];
	if (kdr_grow((void **)&c->v, &c->cap, c->n, sizeof(*c->v)) || kdr_ix_reserve(&c->ix))
		return NULL;
	e = &c->v[c->n++];
	memset(e, 0, sizeof(*e));
	e->row.tid = tid;
	e->row.silent = 1;
	kdr_ix_put(&c->ix, tid, (uint32_t)c->n);
	return e;
}

/* An event the thread made itself (or its switches): it is not silent. */
static int heard(struct kdr_census *c, uint32_t tid)
{
	struct entry *e = entry(c, tid);

	if (!e)
		return -1;
	e->row.silent = 0;
	return 0;
}

static int feed_one(struct kdr_census *c, const struct kdf_event *ev)
{
	struct kdr_census_seen *s;
	struct entry *e;

	switch (ev->type) {
	case KDF_EV_CENSUS:
		e = entry(c, ev->tid);
		if (!e)
			return -1;
		e->in_census = 1;
		s = (ev->flags & KDF_CENSUS_END) ? &e->row.end : &e->row.start;
		s->known = 1;
		s->state = ev->u.census.state;
		s->nr = ev->u.census.nr;
		s->ts = ev->ts;
		s->since_ts = ev->u.census.since_ts;
		return 0;
	case KDF_EV_SWITCH:
		if ((ev->flags & KDF_SW_PREV_TARGET) && heard(c, ev->tid))
			return -1;
		if (ev->flags & KDF_SW_NEXT_TARGET)
			return heard(c, ev->u.sw.next_tid);
		return 0;
	case KDF_EV_SYS_ENTER:
	case KDF_EV_SYS_EXIT:
	case KDF_EV_WAKEUP:
	case KDF_EV_IRQ_ENTRY:
	case KDF_EV_IRQ_EXIT:
	case KDF_EV_SOFTIRQ_ENTRY:
	case KDF_EV_SOFTIRQ_EXIT:
	case KDF_EV_STACK:
	case KDF_EV_THREAD_EXIT:
		return heard(c, ev->tid);
	default: /* triggers, losses, other tasks (CPU_RUN) */
		return 0;
	}
}

int kdr_census_feed(struct kdr_census *c, const struct kdf_event *ev, size_t n)
{
	for (size_t i = 0; i < n && !c->oom; i++)
		if (feed_one(c, &ev[i]))
			c->oom = 1;
	return c->oom ? -1 : 0;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct kdr_census_row *a = pa, *b = pb;

	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

void kdr_census_close(struct kdr_census *c)
{
	c->nrows = 0;
	if (c->rowcap < c->n) {
		struct kdr_census_row *nv = realloc(c->rows, c->n * sizeof(*nv));

		if (!nv) {
			c->oom = 1;
			return;
		}
		c->rows = nv;
		c->rowcap = c->n;
	}
	/* the threads of the census: the others made events but /proc never
	 * listed them (born and gone within the window), and the statistics
	 * show them already */
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].in_census)
			c->rows[c->nrows++] = c->v[i].row;
	kdr_sort(c->rows, c->nrows, sizeof(*c->rows), row_cmp);
}

const struct kdr_census_row *kdr_census_rows(const struct kdr_census *c, size_t *n)
{
	*n = c->nrows;
	return c->rows;
}

int kdr_census_incomplete(const struct kdr_census *c)
{
	return c->oom;
}
