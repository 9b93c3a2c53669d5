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

struct tentry {
	uint32_t tid;
	struct tname old, cur; /* cur.ts >= old.ts; old.name may be NULL */
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
		free(th->v[i].old.name);
		free(th->v[i].cur.name);
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
		e->cur = (struct tname){ ts, copy, len };
		return 0;
	}
	if (ts >= e->cur.ts) {
		free(e->old.name);
		e->old = e->cur;
		e->cur = (struct tname){ ts, copy, len };
	} else if (!e->old.name || ts >= e->old.ts) {
		free(e->old.name);
		e->old = (struct tname){ ts, copy, len };
	} else {
		free(copy); /* older than both: never the answer */
	}
	return 0;
oom:
	free(copy);
	return -1;
}

const char *kdr_threads_name(const struct kdr_threads *th, uint32_t tid, uint64_t ts,
			     size_t *len)
{
	const struct tentry *e = lookup(th, tid);
	const struct tname *n;

	if (!e)
		return NULL;
	n = (e->cur.ts <= ts || !e->old.name) ? &e->cur : &e->old;
	*len = n->len;
	return n->name;
}
