// SPDX-License-Identifier: BSD-2-Clause
/* stats_events.c - see stats_events.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats_events.h"

void kdr_sysev_list_init(struct kdr_sysev_list *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

void kdr_sysev_list_free(struct kdr_sysev_list *l)
{
	free(l->mem);
	free(l->late);
	if (l->tmp)
		fclose(l->tmp);
	else if (l->fd >= 0)
		close(l->fd);
	kdr_sysev_list_init(l);
}

void kdr_sysev_list_reset(struct kdr_sysev_list *l)
{
	if (l->nspilled) {
		/* (a failure to empty the file only leaves its disk space
		 * taken: what it holds is written over) */
		int rc = ftruncate(l->fd, 0);

		(void)rc;
	}
	l->nmem = 0;
	l->nlate = 0;
	l->nspilled = 0;
	l->spilled_seq = 0;
	l->err = 0;
	l->count = 0;
}

const char *kdr_sysev_tmpdir(void)
{
#ifdef O_TMPFILE
	const char *d = getenv("TMPDIR");

	return d && d[0] == '/' ? d : "/tmp";
#else
	return P_tmpdir; /* tmpfile()'s */
#endif
}

int kdr_sysev_list_full(const struct kdr_sysev_list *l)
{
	return l->nmem == KDR_SYSEV_MEM;
}

/* Room for one more in *v (capacity *cap, at most max when max > 0). */
static int room(struct kdr_sysev_rec **v, size_t n, size_t *cap, size_t max)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return 0;
	if (max && ncap > max)
		ncap = max;
	p = realloc(*v, ncap * sizeof(**v));
	if (!p)
		return -1;
	*v = p;
	*cap = ncap;
	return 0;
}

/* Insert r into v[0..*n), sorted by seq: they come nearly in order, so
 * from the end. */
static void insert(struct kdr_sysev_rec *v, size_t *n, const struct kdr_sysev_rec *r)
{
	size_t i;

	for (i = *n; i > 0 && v[i - 1].seq > r->seq; i--)
		v[i] = v[i - 1];
	v[i] = *r;
	(*n)++;
}

int kdr_sysev_list_add(struct kdr_sysev_list *l, const struct kdr_sysev_rec *r)
{
	if (l->nspilled && r->seq < l->spilled_seq) {
		if (room(&l->late, l->nlate, &l->late_cap, 0))
			return -1;
		insert(l->late, &l->nlate, r);
	} else {
		if (room(&l->mem, l->nmem, &l->mem_cap, KDR_SYSEV_MEM))
			return -1;
		insert(l->mem, &l->nmem, r);
	}
	l->count++;
	return 0;
}

static int open_spill(struct kdr_sysev_list *l)
{
#ifdef O_TMPFILE
	/* O_TMPFILE: never named, so nothing to unlink, race or follow;
	 * O_NOFOLLOW: $TMPDIR itself is not a symlink */
	l->fd = open(kdr_sysev_tmpdir(), O_TMPFILE | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
#else
	/* built without GNU extensions (no O_TMPFILE): the C library's
	 * own unlinked file */
	l->tmp = tmpfile();
	l->fd = l->tmp ? fileno(l->tmp) : -1;
#endif
	if (l->fd < 0) {
		l->err = errno;
		return -1;
	}
	return 0;
}

int kdr_sysev_list_spill(struct kdr_sysev_list *l, uint64_t low)
{
	size_t k = 0, off = 0, len;

	if (l->err || (l->fd < 0 && open_spill(l)))
		return -1;
	while (k < l->nmem && l->mem[k].seq < low)
		k++;
	if (k < l->nmem / 2)
		k = l->nmem / 2; /* a syscall held back long: it will come late */
	if (!k)
		return 0;
	len = k * sizeof(*l->mem);
	while (off < len) {
		ssize_t w = pwrite(l->fd, (const char *)l->mem + off, len - off,
				   (off_t)(l->nspilled * sizeof(*l->mem) + off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			l->err = w < 0 ? errno : ENOSPC;
			return -1;
		}
		off += (size_t)w;
	}
	l->nspilled += k;
	l->spilled_seq = l->mem[k - 1].seq;
	memmove(l->mem, l->mem + k, (l->nmem - k) * sizeof(*l->mem));
	l->nmem -= k;
	return 0;
}

void kdr_sysev_iter_begin(struct kdr_sysev_iter *it, const struct kdr_sysev_list *l)
{
	it->l = l;
	it->file_next = 0;
	it->late_next = 0;
	it->mem_next = 0;
	it->nbuf = 0;
	it->buf_next = 0;
	it->err = 0;
}

/* The next record of the file, read in batches; NULL at its end or on
 * a failure (it->err). */
static const struct kdr_sysev_rec *file_peek(struct kdr_sysev_iter *it)
{
	const struct kdr_sysev_list *l = it->l;
	size_t want, len, off = 0;

	if (it->buf_next < it->nbuf)
		return &it->buf[it->buf_next];
	if (it->file_next >= l->nspilled || it->err)
		return NULL;
	want = l->nspilled - it->file_next < KDR_SYSEV_BATCH ? (size_t)(l->nspilled - it->file_next)
							      : KDR_SYSEV_BATCH;
	len = want * sizeof(*it->buf);
	while (off < len) {
		ssize_t r = pread(l->fd, (char *)it->buf + off, len - off,
				  (off_t)(it->file_next * sizeof(*it->buf) + off));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) { /* shorter than written: it changed under us */
			it->err = r < 0 ? errno : EIO;
			return NULL;
		}
		off += (size_t)r;
	}
	it->file_next += want;
	it->nbuf = want;
	it->buf_next = 0;
	return it->buf;
}

long kdr_sysev_iter_next(struct kdr_sysev_iter *it, struct kdr_sysev *out, size_t max)
{
	const struct kdr_sysev_list *l = it->l;
	size_t n = 0;

	/* the file and the late ones merged, then the memory: everything in
	 * memory ended after everything spilled */
	while (n < max) {
		const struct kdr_sysev_rec *f = file_peek(it);
		const struct kdr_sysev_rec *late = it->late_next < l->nlate ? &l->late[it->late_next] : NULL;

		if (it->err)
			return -1;
		if (f && (!late || f->seq < late->seq)) {
			out[n++] = f->ev;
			it->buf_next++;
		} else if (late) {
			out[n++] = late->ev;
			it->late_next++;
		} else if (it->mem_next < l->nmem) {
			out[n++] = l->mem[it->mem_next++].ev;
		} else {
			break;
		}
	}
	return (long)n;
}
