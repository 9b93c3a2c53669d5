// SPDX-License-Identifier: BSD-2-Clause
/*
 * symbols.c - which addresses need a symbol in the capture, and writing them.
 *
 * An open-addressing set of every address already queued (kernel and
 * user addresses never overlap on the architectures kdelay supports, the
 * kernel lives in the upper half), and two queues of new ones.  The
 * symbol tables (kallsyms, ELF files) are read only at flush time, before
 * the window chunk, while the target still runs.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kdelay_format.h"
#include "ksyms.h"
#include "symbols.h"
#include "usyms.h"

struct addrq {
	uint64_t *v;
	size_t n, cap;
};

struct symbols {
	uint64_t *set; /* 0 = empty slot */
	size_t set_cap, set_n;
	struct addrq kq, uq;
	struct ksyms *ksyms;
	int ksyms_failed;
	struct usyms *usyms;
	uint64_t probe_ips[8]; /* return addresses on kdelay's own probe path */
	uint32_t nprobe;
};

struct symbols *symbols__new(pid_t pid, const char *exe)
{
	struct symbols *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->usyms = usyms__new(pid, exe);
	if (!s->usyms) {
		free(s);
		return NULL;
	}
	return s;
}

void symbols__free(struct symbols *s)
{
	if (!s)
		return;
	free(s->set);
	free(s->kq.v);
	free(s->uq.v);
	ksyms__free(s->ksyms);
	usyms__free(s->usyms);
	free(s);
}

static size_t slot(uint64_t a, size_t cap)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdull;
	a ^= a >> 33;
	return (size_t)a & (cap - 1);
}

static int set_grow(struct symbols *s)
{
	size_t cap = s->set_cap ? s->set_cap * 2 : 4096, i;
	uint64_t *set = calloc(cap, sizeof(*set));

	if (!set)
		return -ENOMEM;
	for (i = 0; i < s->set_cap; i++) {
		size_t j;

		if (!s->set[i])
			continue;
		for (j = slot(s->set[i], cap); set[j]; j = (j + 1) & (cap - 1))
			;
		set[j] = s->set[i];
	}
	free(s->set);
	s->set = set;
	s->set_cap = cap;
	return 0;
}

/* 1 if a is new (inserted), 0 if known, -ENOMEM. */
static int set_insert(struct symbols *s, uint64_t a)
{
	size_t j;

	if (2 * (s->set_n + 1) > s->set_cap && set_grow(s))
		return -ENOMEM;
	for (j = slot(a, s->set_cap); s->set[j]; j = (j + 1) & (s->set_cap - 1))
		if (s->set[j] == a)
			return 0;
	s->set[j] = a;
	s->set_n++;
	return 1;
}

static int q_push(struct addrq *q, uint64_t a)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		uint64_t *v = realloc(q->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = a;
	return 0;
}

int symbols__add(struct symbols *s, const uint64_t *ips, uint32_t nk, uint32_t nu)
{
	uint32_t i;
	int r;

	for (i = 0; i < nk + nu; i++) {
		if (!ips[i])
			continue;
		r = set_insert(s, ips[i]);
		if (r < 0)
			return r;
		if (!r)
			continue;
		if (q_push(i < nk ? &s->kq : &s->uq, ips[i]))
			return -ENOMEM;
		/* New user address: read its mapping while the target lives. */
		if (i >= nk)
			usyms__prepare(s->usyms, ips[i]);
	}
	return 0;
}

static bool is_probe_frame(struct symbols *s, uint64_t addr)
{
	static const char *const prefixes[] = { "bpf_prog_", "bpf_trace_run", "__bpf_trace_",
						"__traceiter_", "bpf_dispatcher" };
	const char *name, *module;
	uint64_t start;
	size_t i;

	if (!s->ksyms || ksyms__map_addr(s->ksyms, addr, &name, &start, &module))
		return false;
	if (!strcmp(module, "bpf"))
		return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

uint32_t symbols__probe_frames(struct symbols *s, const uint64_t *ips, uint32_t nk)
{
	uint32_t i, j;

	if (!s->ksyms && !s->ksyms_failed) {
		s->ksyms = ksyms__load(NULL);
		s->ksyms_failed = !s->ksyms;
	}
	for (i = 0; i < nk; i++) {
		for (j = 0; j < s->nprobe; j++)
			if (s->probe_ips[j] == ips[i])
				break;
		if (j < s->nprobe)
			continue;
		/* Not seen yet: look it up once, remember it if it is ours. */
		if (!is_probe_frame(s, ips[i]))
			break;
		if (s->nprobe < sizeof(s->probe_ips) / sizeof(s->probe_ips[0]))
			s->probe_ips[s->nprobe++] = ips[i];
	}
	return i;
}

/* Write a batch of symbols in chunks of bounded size. */
static int write_batch(struct kdf_writer *w, struct kdf_symbol *batch, size_t *n, int force)
{
	int err = 0;

	if (*n == 256 || (force && *n)) {
		err = kdf_writer_symbols(w, batch, *n);
		*n = 0;
	}
	return err;
}

int symbols__flush(struct symbols *s, struct kdf_writer *w)
{
	struct kdf_symbol batch[256];
	size_t i, n = 0;
	int err = 0;

	if (s->kq.n && !s->ksyms && !s->ksyms_failed) {
		s->ksyms = ksyms__load(NULL);
		s->ksyms_failed = !s->ksyms;
	}
	for (i = 0; i < s->kq.n && !err; i++) {
		struct kdf_symbol *k = &batch[n++];
		uint64_t start;

		memset(k, 0, sizeof(*k));
		k->addr = s->kq.v[i];
		k->is_kernel = 1;
		k->module = "kernel";
		if (s->ksyms && !ksyms__map_addr(s->ksyms, k->addr, &k->name, &start, &k->module))
			k->offset = (uint32_t)(k->addr - start);
		err = write_batch(w, batch, &n, 0);
	}
	/* Strings of user symbols live in usyms: valid through the write. */
	for (i = 0; i < s->uq.n && !err; i++) {
		usyms__resolve(s->usyms, s->uq.v[i], &batch[n++]);
		err = write_batch(w, batch, &n, 0);
	}
	if (!err)
		err = write_batch(w, batch, &n, 1);
	s->kq.n = s->uq.n = 0;
	usyms__new_batch(s->usyms);
	return err;
}
