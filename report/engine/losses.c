// SPDX-License-Identifier: BSD-2-Clause
/*
 * losses.c - the losses seen so far (losses.h): their latest end, for the
 * pairing sites, and per CPU for --info.
 */
#include <stdlib.h>
#include <string.h>

#include "losses.h"

void kdr_losses_add(struct kdr_losses *l, const struct kdf_event *e)
{
	/* the writer keeps end_ts >= ts; a crafted capture may not */
	uint64_t end = e->u.loss.end_ts > e->ts ? e->u.loss.end_ts : e->ts;

	if (!l->records || e->ts < l->first_ts)
		l->first_ts = e->ts;
	if (end > l->end)
		l->end = end;
	l->records++;
	l->count += e->u.loss.count;
}

void kdr_loss_touch_add(struct kdr_loss_touched *t, uint32_t i)
{
	if (t->all)
		return;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? 2 * t->cap : 256;
		void *p = realloc(t->v, ncap * sizeof(*t->v));

		if (!p) {
			t->all = 1; /* slower, still right */
			return;
		}
		t->v = p;
		t->cap = ncap;
	}
	t->v[t->n++] = i;
}

void kdr_loss_touched_free(struct kdr_loss_touched *t)
{
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

int kdr_loss_table_add(struct kdr_loss_table *t, const struct kdf_event *e)
{
	size_t lo = 0, hi = t->n;
	struct kdr_loss_cpu *c;
	uint64_t end = e->u.loss.end_ts > e->ts ? e->u.loss.end_ts : e->ts;

	kdr_losses_add(&t->all, e);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].cpu < e->cpu)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->n || t->v[lo].cpu != e->cpu) {
		/* at most 65,536 CPUs (cpu is 16 bits): bounded memory */
		if (t->n == t->cap) {
			size_t ncap = t->cap ? 2 * t->cap : 16;
			void *p = realloc(t->v, ncap * sizeof(*t->v));

			if (!p)
				return -1;
			t->v = p;
			t->cap = ncap;
		}
		memmove(&t->v[lo + 1], &t->v[lo], (t->n - lo) * sizeof(*t->v));
		t->n++;
		c = &t->v[lo];
		memset(c, 0, sizeof(*c));
		c->cpu = e->cpu;
		c->first_ts = e->ts;
	}
	c = &t->v[lo];
	if (e->ts < c->first_ts)
		c->first_ts = e->ts;
	if (end > c->end_ts)
		c->end_ts = end;
	c->records++;
	c->count += e->u.loss.count;
	return 0;
}

void kdr_loss_table_free(struct kdr_loss_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
