// SPDX-License-Identifier: BSD-2-Clause
/* threads.c - see threads.h. */
#include <stdlib.h>
#include <string.h>

#include "hashidx.h"
#include "threads.h"

struct tname {
	uint64_t ts;
	char *name;
	size_t len;
};

/* Every name the thread had, oldest first (ties: in the order given). */
struct tentry {
	uint32_t tid;
	uint32_t n, cap;
	struct tname *names;
};

struct kdr_threads {
	struct tentry *v;
	uint32_t n, cap;
	struct kdr_ix ix;
};

struct kdr_threads *kdr_threads_new(void)
{
	struct kdr_threads *th = calloc(1, sizeof(*th));

	if (!th || kdr_ix_init(&th->ix, 64)) {
		free(th);
		return NULL;
	}
	return th;
}

void kdr_threads_free(struct kdr_threads *th)
{
	uint32_t i;

	if (!th)
		return;
	for (i = 0; i < th->n; i++) {
		for (uint32_t j = 0; j < th->v[i].n; j++)
			free(th->v[i].names[j].name);
		free(th->v[i].names);
	}
	free(th->v);
	kdr_ix_free(&th->ix);
	free(th);
}

static struct tentry *lookup(const struct kdr_threads *th, uint32_t tid)
{
	uint32_t i = kdr_ix_find(&th->ix, tid);

	return th->ix.slots[i] ? &th->v[th->ix.slots[i] - 1] : NULL;
}

/* Insert name in time order, after the names of the same or earlier ts;
 * the capture writes them in order, so this is an append but for a
 * reordered or crafted file.  The capture's size bounds their number. */
static int names_insert(struct tentry *e, struct tname name)
{
	uint32_t at = e->n;

	if (e->n == e->cap) {
		uint32_t ncap = e->cap ? e->cap * 2 : 2;
		struct tname *nv = realloc(e->names, ncap * sizeof(*nv));

		if (!nv)
			return -1;
		e->names = nv;
		e->cap = ncap;
	}
	while (at > 0 && e->names[at - 1].ts > name.ts)
		at--;
	memmove(&e->names[at + 1], &e->names[at], (e->n - at) * sizeof(*e->names));
	e->names[at] = name;
	e->n++;
	return 0;
}

int kdr_threads_add(struct kdr_threads *th, uint32_t tid, uint64_t ts, const char *name,
		    size_t len)
{
	struct tentry *e = lookup(th, tid);
	char *copy = malloc(len + 1);

	if (!copy)
		return -1;
	if (len)
		memcpy(copy, name, len);
	copy[len] = '\0';
	if (!e) {
		if (th->n == th->cap) {
			uint32_t ncap = th->cap ? th->cap * 2 : 64;
			struct tentry *nv = realloc(th->v, ncap * sizeof(*nv));

			if (!nv)
				goto oom;
			th->v = nv;
			th->cap = ncap;
		}
		if (kdr_ix_reserve(&th->ix))
			goto oom;
		e = &th->v[th->n++];
		memset(e, 0, sizeof(*e));
		e->tid = tid;
		kdr_ix_put(&th->ix, tid, th->n);
	}
	if (names_insert(e, (struct tname){ ts, copy, len }))
		goto oom;
	return 0;
oom:
	free(copy);
	return -1;
}

/* The newest name not later than ts, else the oldest known. */
const char *kdr_threads_name(const struct kdr_threads *th, uint32_t tid, uint64_t ts,
			     size_t *len)
{
	const struct tentry *e = lookup(th, tid);
	uint32_t lo = 0, hi, mid;
	const struct tname *n;

	if (!e || !e->n)
		return NULL;
	hi = e->n; /* the first name later than ts is in [lo, hi] */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (e->names[mid].ts <= ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	n = &e->names[lo ? lo - 1 : 0];
	*len = n->len;
	return n->name;
}
