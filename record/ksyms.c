// SPDX-License-Identifier: BSD-2-Clause
/*
 * ksyms.c - /proc/kallsyms snapshot.
 *
 * Loaded once, lazily (only captures with stacks need it): one sorted
 * array and one string pool, so lookups are a binary search and the
 * whole table is three allocations.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

#define KSYM_MAX_SIZE (1u << 20)

struct ksym {
	uint64_t addr;
	uint32_t name; /* offsets into pool */
	uint32_t module;
};

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
	uint32_t kernel_off; /* "kernel" in the pool */
};

static int pool_add(struct ksyms *ks, const char *s, size_t len, uint32_t *off)
{
	if (ks->pool_len + len + 1 > ks->pool_cap) {
		size_t cap = ks->pool_cap ? ks->pool_cap * 2 : 1 << 20;
		char *p;

		while (cap < ks->pool_len + len + 1)
			cap *= 2;
		p = realloc(ks->pool, cap);
		if (!p)
			return -ENOMEM;
		ks->pool = p;
		ks->pool_cap = cap;
	}
	memcpy(ks->pool + ks->pool_len, s, len);
	ks->pool[ks->pool_len + len] = '\0';
	*off = (uint32_t)ks->pool_len;
	ks->pool_len += len + 1;
	return 0;
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Parse "ffffffff81000000 T _stext [module]" and append it. */
static int add_line(struct ksyms *ks, char *line, uint32_t *last_mod, char *last_mod_name)
{
	char *type, *name, *mod, *end;
	struct ksym *k;
	uint64_t addr;

	addr = strtoull(line, &end, 16);
	type = strtok_r(end, " \t\n", &end);
	name = strtok_r(NULL, " \t\n", &end);
	mod = strtok_r(NULL, " \t\n", &end);
	if (!type || !name)
		return 0;
	/* Only code: stacks hold return addresses. */
	if (!strchr("tTwW", type[0]))
		return 0;
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 65536;

		k = realloc(ks->syms, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		ks->syms = k;
		ks->cap = cap;
	}
	k = &ks->syms[ks->n];
	k->addr = addr;
	if (pool_add(ks, name, strlen(name), &k->name))
		return -ENOMEM;
	if (!mod) {
		k->module = ks->kernel_off;
	} else {
		size_t ml = strlen(mod);

		if (mod[0] == '[' && mod[ml - 1] == ']')
			mod++, ml -= 2;
		/* Module symbols come grouped: intern each module name once. */
		if (strlen(last_mod_name) != ml || strncmp(last_mod_name, mod, ml)) {
			if (pool_add(ks, mod, ml, last_mod))
				return -ENOMEM;
			snprintf(last_mod_name, 64, "%.*s", (int)ml, mod);
		}
		k->module = *last_mod;
	}
	ks->n++;
	return 0;
}

struct ksyms *ksyms__load(const char *path)
{
	char line[512], last_mod_name[64] = "";
	uint32_t last_mod = 0;
	struct ksyms *ks;
	FILE *f;
	int err = 0;

	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f)
		return NULL;
	ks = calloc(1, sizeof(*ks));
	if (!ks || pool_add(ks, "kernel", 6, &ks->kernel_off)) {
		err = ENOMEM;
		goto fail;
	}
	while (fgets(line, sizeof(line), f)) {
		if (add_line(ks, line, &last_mod, last_mod_name)) {
			err = ENOMEM;
			goto fail;
		}
	}
	fclose(f);
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_ksym);
	return ks;
fail:
	fclose(f);
	ksyms__free(ks);
	errno = err;
	return NULL;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->pool);
	free(ks);
}

int ksyms__map_addr(const struct ksyms *ks, uint64_t addr, const char **name,
		    uint64_t *start, const char **module)
{
	size_t lo = 0, hi = ks ? ks->n : 0;

	/* Last symbol whose address is <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || ks->syms[lo - 1].addr == 0)
		return -1;
	/* Past the last symbol of an area (say, a BPF program loaded after
	 * the snapshot): no function is that large. */
	if (addr - ks->syms[lo - 1].addr >= KSYM_MAX_SIZE)
		return -1;
	*name = ks->pool + ks->syms[lo - 1].name;
	*start = ks->syms[lo - 1].addr;
	*module = ks->pool + ks->syms[lo - 1].module;
	return 0;
}
