// SPDX-License-Identifier: BSD-2-Clause
/* symbols.c - see symbols.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashidx.h"
#include "symbols.h"

struct kdr_symbols {
	struct kdr_sym *v;
	uint32_t n, cap;
	struct kdr_ix ix;
};

struct kdr_symbols *kdr_symbols_new(void)
{
	struct kdr_symbols *s = calloc(1, sizeof(*s));

	if (!s || kdr_ix_init(&s->ix, 256)) {
		free(s);
		return NULL;
	}
	return s;
}

void kdr_symbols_free(struct kdr_symbols *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].module);
	}
	free(s->v);
	kdr_ix_free(&s->ix);
	free(s);
}

static struct kdr_sym *find(const struct kdr_symbols *s, uint64_t addr, int is_kernel)
{
	uint32_t i;

	if (!s)
		return NULL;
	/* kernel and user addresses share the key: compare the kind too */
	for (i = kdr_ix_find(&s->ix, addr); s->ix.slots[i]; i = kdr_ix_next(&s->ix, addr, i)) {
		struct kdr_sym *e = &s->v[s->ix.slots[i] - 1];

		if (e->addr == addr && !e->is_kernel == !is_kernel)
			return e;
	}
	return NULL;
}

static char *dup_or_null(const char *p)
{
	return p ? strdup(p) : NULL;
}

int kdr_symbols_add(struct kdr_symbols *s, const struct kdf_symbol *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		struct kdr_sym *e = find(s, v[k].addr, v[k].is_kernel);
		char *name = dup_or_null(v[k].name);
		char *module = dup_or_null(v[k].module);

		if ((v[k].name && !name) || (v[k].module && !module))
			goto oom;
		if (!e) {
			if (s->n == s->cap) {
				uint32_t ncap = s->cap ? s->cap * 2 : 256;
				struct kdr_sym *nv = realloc(s->v, ncap * sizeof(*nv));

				if (!nv)
					goto oom;
				s->v = nv;
				s->cap = ncap;
			}
			if (kdr_ix_reserve(&s->ix))
				goto oom;
			e = &s->v[s->n++];
			kdr_ix_put(&s->ix, v[k].addr, s->n);
		} else {
			free(e->name);
			free(e->module);
		}
		e->addr = v[k].addr;
		e->is_kernel = !!v[k].is_kernel;
		e->offset = v[k].offset;
		e->name = name;
		e->module = module;
		continue;
oom:
		free(name);
		free(module);
		return -1;
	}
	return 0;
}

const struct kdr_sym *kdr_symbols_get(const struct kdr_symbols *s, uint64_t addr, int is_kernel)
{
	return find(s, addr, is_kernel);
}

size_t kdr_symbols_format(const struct kdr_symbols *s, uint64_t addr, int is_kernel, char *buf,
			  size_t size)
{
	const struct kdr_sym *e = find(s, addr, is_kernel);
	int n;

	if (e && e->name)
		n = snprintf(buf, size, "%s+0x%" PRIx32 "%s%s%s", e->name, e->offset,
			     e->module ? " [" : "", e->module ? e->module : "", e->module ? "]" : "");
	else
		n = snprintf(buf, size, "[unknown] 0x%" PRIx64 "%s%s%s", addr,
			     e && e->module ? " [" : "", e && e->module ? e->module : "",
			     e && e->module ? "]" : "");
	return n < 0 ? 0 : (size_t)n;
}

void kdr_symbols_frame(const struct kdr_symbols *s, uint64_t addr, int is_kernel, char *buf,
		       size_t size)
{
	const struct kdr_sym *e = find(s, addr, is_kernel);

	if (e && e->name && e->module)
		snprintf(buf, size, "%s+0x%" PRIx32 " [%s]", e->name, e->offset, e->module);
	else if (e && e->name)
		snprintf(buf, size, "%s+0x%" PRIx32, e->name, e->offset);
	else if (e && e->module)
		snprintf(buf, size, "0x%" PRIx64 " [%s]", addr, e->module);
	else
		snprintf(buf, size, "0x%" PRIx64, addr);
}

void kdr_symbols_frame_short(const struct kdr_symbols *s, uint64_t addr, int is_kernel, char *buf,
			     size_t size)
{
	const struct kdr_sym *e = find(s, addr, is_kernel);

	/* No offsets and no addresses: two calls from the same function
	 * must merge into one frame of a flame graph. */
	if (e && e->name)
		snprintf(buf, size, "%s", e->name);
	else if (e && e->module)
		snprintf(buf, size, "[%s]", e->module);
	else
		snprintf(buf, size, "[unknown]");
}
