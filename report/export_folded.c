// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_folded.c - folded stacks for flamegraph.pl and speedscope.
 *
 * One line per distinct stack: "thread;ufunc_outer;...;ufunc_inner;
 * syscall:NAME;kfunc_outer;...;kfunc_inner WEIGHT", the weight being the
 * summed duration in ns of the syscall events with that stack.  The
 * thread name is the root, as stackcollapse-perf.pl puts the comm there,
 * so a flame graph splits by thread first.  Frames carry no offsets so
 * that calls from the same function merge.  Lines are summed and sorted
 * bytewise: the output is deterministic, whatever the event order.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "export_internal.h"
#include "utf8.h"

struct line {
	char *key;
	uint64_t weight;
};

struct folded {
	struct kdr_export *x;
	struct line *tab; /* open addressing, key NULL = free */
	size_t cap, n;
	char *buf; /* the line being built */
	size_t len, buf_cap;
	uint64_t events;
	int oom;
};

static void put_bytes(struct folded *fd, const char *s, size_t n)
{
	if (fd->oom)
		return;
	if (fd->len + n + 1 > fd->buf_cap) {
		size_t cap = (fd->len + n + 1) * 2;
		char *p = realloc(fd->buf, cap);

		if (!p) {
			fd->oom = 1;
			return;
		}
		fd->buf = p;
		fd->buf_cap = cap;
	}
	memcpy(fd->buf + fd->len, s, n);
	fd->len += n;
	fd->buf[fd->len] = '\0';
}

/* One frame, made safe for the format: ';' separates frames and the line
 * ends at '\n', so those and other control bytes become '_'; bytes that
 * are not valid UTF-8 become '?' (flamegraph.pl writes them into SVG). */
static void put_frame(struct folded *fd, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	if (fd->len)
		put_bytes(fd, ";", 1);
	if (n == 0) {
		put_bytes(fd, "[empty]", 7);
		return;
	}
	while (i < n) {
		if (p[i] == ';' || p[i] < 0x20 || p[i] == 0x7f) {
			put_bytes(fd, "_", 1);
			i++;
			continue;
		}
		k = kdr_utf8_seq(p + i, n - i, &cp);
		if (k == 0) {
			put_bytes(fd, "?", 1);
			i++;
			continue;
		}
		put_bytes(fd, s + i, k);
		i += k;
	}
}

/* Recorded stacks are innermost first: walk them backwards. */
static void put_stack(struct folded *fd, uint32_t id, int is_kernel, int lost)
{
	const uint64_t *ips = NULL;
	uint32_t n = 0;
	char frame[512];

	if (lost) {
		put_frame(fd, is_kernel ? "[kernel stack lost]" : "[user stack lost]",
			  is_kernel ? 19 : 17);
		return;
	}
	if (id)
		ips = kdf_reader_stack(fd->x->r, id, &n);
	while (ips && n-- > 0) {
		kdr_symbols_frame_short(fd->x->syms, ips[n], is_kernel, frame, sizeof(frame));
		put_frame(fd, frame, strlen(frame));
	}
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int grow(struct folded *fd)
{
	size_t cap = fd->cap ? fd->cap * 2 : 1024, i;
	struct line *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -1;
	for (i = 0; i < fd->cap; i++) {
		size_t h;

		if (!fd->tab[i].key)
			continue;
		for (h = hash(fd->tab[i].key) & (cap - 1); tab[h].key; h = (h + 1) & (cap - 1))
			;
		tab[h] = fd->tab[i];
	}
	free(fd->tab);
	fd->tab = tab;
	fd->cap = cap;
	return 0;
}

static int add_line(struct folded *fd, uint64_t weight)
{
	size_t h;

	if ((fd->n + 1) * 2 > fd->cap && grow(fd))
		return -1;
	for (h = hash(fd->buf) & (fd->cap - 1); fd->tab[h].key; h = (h + 1) & (fd->cap - 1)) {
		if (strcmp(fd->tab[h].key, fd->buf) == 0) {
			fd->tab[h].weight += weight;
			return 0;
		}
	}
	fd->tab[h].key = strdup(fd->buf);
	if (!fd->tab[h].key)
		return -1;
	fd->tab[h].weight = weight;
	fd->n++;
	return 0;
}

static int on_slice(void *ctx, const struct kdr_xslice *s)
{
	struct folded *fd = ctx;
	const struct kdr_xthread *t = s->thread;
	char buf[64], tname[32], frame[96];
	const char *name;

	if (s->kind != KDR_X_SYSCALL || !(s->flags & KDR_XS_HAS_STACK))
		return 0;
	fd->len = 0;
	if (t->name) {
		put_frame(fd, t->name, t->name_len);
	} else {
		snprintf(tname, sizeof(tname), "tid %u", t->tid);
		put_frame(fd, tname, strlen(tname));
	}
	put_stack(fd, s->ustack_id, 0, s->stack_flags & KDF_STACK_USER_LOST);
	name = kdr_export_syscall_name(fd->x, s->nr, buf, sizeof(buf));
	snprintf(frame, sizeof(frame), "syscall:%s", name);
	put_frame(fd, frame, strlen(frame));
	put_stack(fd, s->kstack_id, 1, s->stack_flags & KDF_STACK_KERNEL_LOST);
	fd->events++;
	if (fd->oom || add_line(fd, s->end - s->start))
		return kdr_export_fail(fd->x, EX_OSERR, "out of memory after %zu distinct stacks",
				       fd->n);
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->key, ((const struct line *)b)->key);
}

static int write_lines(struct folded *fd)
{
	FILE *f = fd->x->opts->out;
	size_t i, n = 0;

	/* Compact the table in place, then sort: no second allocation. */
	for (i = 0; i < fd->cap; i++)
		if (fd->tab[i].key)
			fd->tab[n++] = fd->tab[i];
	memset(fd->tab + n, 0, (fd->cap - n) * sizeof(*fd->tab));
	qsort(fd->tab, n, sizeof(*fd->tab), cmp_line);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %llu\n", fd->tab[i].key, (unsigned long long)fd->tab[i].weight);
	return kdr_export_finish_output(fd->x);
}

int kdr_export_folded(const char *capture_path, const struct kdr_export_opts *opts)
{
	struct kdr_export x;
	struct folded fd = { .x = &x };
	struct kdr_xsink sink = { .ctx = &fd, .slice = on_slice };
	size_t i;
	int rc;

	rc = kdr_export_open(&x, capture_path, opts, "folded");
	if (rc == EX_OK)
		rc = kdr_export_scan(&x, &sink);
	if (rc == EX_OK) {
		if (!fd.events)
			fprintf(x.err,
				"kdelay-report: folded: warning: %s holds no syscall stacks "
				"(record with --syscall-events and --stack-trace-size > 0)\n",
				capture_path);
		rc = fd.cap ? write_lines(&fd) : kdr_export_finish_output(&x);
	}
	for (i = 0; i < fd.cap; i++)
		free(fd.tab[i].key);
	free(fd.tab);
	free(fd.buf);
	kdr_export_close(&x);
	return rc;
}
