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
#include "hashidx.h"
#include "utf8.h"

struct line {
	char *key;
	uint64_t weight;
};

struct folded {
	struct kdr_export *x;
	struct line *lines; /* distinct stacks, in order of appearance */
	size_t cap, n;
	struct kdr_ix ix;   /* hash of a line's key -> its index + 1 */
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

static int add_line(struct folded *fd, uint64_t weight)
{
	uint64_t key = hash(fd->buf);
	uint32_t i;

	if (!fd->ix.slots && kdr_ix_init(&fd->ix, 1024))
		return -1;
	/* different stacks may share a hash: the chain holds them all */
	for (i = kdr_ix_find(&fd->ix, key); fd->ix.slots[i]; i = kdr_ix_next(&fd->ix, key, i)) {
		struct line *l = &fd->lines[fd->ix.slots[i] - 1];

		if (strcmp(l->key, fd->buf) == 0) {
			l->weight += weight;
			return 0;
		}
	}
	if (fd->n == fd->cap) {
		size_t cap = fd->cap ? fd->cap * 2 : 1024;
		struct line *v;

		if (cap > UINT32_MAX / 2)
			return -1;
		v = realloc(fd->lines, cap * sizeof(*v));
		if (!v)
			return -1;
		fd->lines = v;
		fd->cap = cap;
	}
	if (kdr_ix_reserve(&fd->ix))
		return -1;
	fd->lines[fd->n].key = strdup(fd->buf);
	if (!fd->lines[fd->n].key)
		return -1;
	fd->lines[fd->n].weight = weight;
	fd->n++;
	kdr_ix_put(&fd->ix, key, (uint32_t)fd->n);
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
	size_t i;

	qsort(fd->lines, fd->n, sizeof(*fd->lines), cmp_line);
	for (i = 0; i < fd->n; i++)
		fprintf(f, "%s %llu\n", fd->lines[i].key, (unsigned long long)fd->lines[i].weight);
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
		rc = fd.n ? write_lines(&fd) : kdr_export_finish_output(&x);
	}
	for (i = 0; i < fd.n; i++)
		free(fd.lines[i].key);
	free(fd.lines);
	kdr_ix_free(&fd.ix);
	free(fd.buf);
	kdr_export_close(&x);
	return rc;
}
