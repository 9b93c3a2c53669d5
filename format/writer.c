// SPDX-License-Identifier: BSD-2-Clause
/*
 * writer.c - the streaming capture writer.  Events go into the column
 * encoder (no allocation, no syscall); a full chunk is compressed and
 * written with one write(), preceded by the strings, stacks and thread
 * names it may refer to.  The file only ever grows by whole chunks: after
 * a failed write the file is cut back to the last whole chunk and the
 * writer stops (every later call returns KDF_E_IO), but for the summary
 * that close still writes, saying why.
 *
 * So that a full disk leaves room for that summary, the space of the
 * largest possible SUMMARY chunk is kept allocated past the end of the
 * file (fallocate FALLOC_FL_KEEP_SIZE: the file's size does not change,
 * a reader never sees it) before each chunk is written; when it cannot
 * be, the chunk is not written and the writer stops with ENOSPC, the
 * reserve still there for the summary.  Close punches out what is left
 * of the reserve; a killed writer leaves it allocated (a block or so)
 * past the end of its file.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "chunk.h"
#include "events_codec.h"
#include "intern.h"
#include "kdf_testing.h"
#include "meta_cbor.h"
#include "tables_codec.h"

#define SYMBOLS_PER_CHUNK 4096
#define THREADS_RAW_FLUSH (64u * 1024)

struct kdf_writer {
	int fd;
	int err;	     /* sticky: first error that stopped the writer */
	int saved_errno;     /* errno of a KDF_E_IO */
	int compress;
	ZSTD_CCtx *cctx;
	int64_t start;	     /* file offset of our header; -1 on a pipe */
	uint64_t bytes;	     /* on disk, whole chunks only */
	uint64_t reserve;    /* bytes kept allocated past the end; 0 = none */
	int64_t reserved_end; /* file offset up to which space is allocated */
	int whole;	     /* the file ends on a whole chunk (a summary may follow) */
	uint64_t events;
	uint64_t events_chunks; /* EVENTS chunks written: their sequence */
	uint64_t by_type[KDF_EV_TYPE_MAX + 1];
	uint64_t last_ts;
	uint32_t windows;
	struct kdf_events_enc enc;
	struct kdf_intern strings;
	struct kdf_intern stacks;
	struct kdf_buf threads;	 /* pending THREAD payload */
	uint32_t nthreads;
	struct kdf_buf raw;	 /* scratch: a payload being built */
	struct kdf_buf out;	 /* scratch: a chunk being written */
};

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Remember the first error; the writer writes nothing after it.  Every
 * later call returns it again with errno as it was when it happened.
 */
static int fail(struct kdf_writer *w, int err)
{
	if (!w->err) {
		w->err = err;
		w->saved_errno = errno;
	}
	errno = w->saved_errno;
	return w->err;
}

/* Allocate [off, off + len) without changing the file's size; -1 and
 * errno EOPNOTSUPP where there is no fallocate() (not Linux). */
static int allocate_past_end(int fd, off_t off, off_t len)
{
#ifdef FALLOC_FL_KEEP_SIZE
	return fallocate(fd, FALLOC_FL_KEEP_SIZE, off, len);
#else
	(void)fd;
	(void)off;
	(void)len;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

/* Free [off, off + len) past the end of the file (best effort). */
static void release_past_end(int fd, off_t off, off_t len)
{
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len)) {
		/* The space stays allocated until the file is removed. */
	}
#else
	(void)fd;
	(void)off;
	(void)len;
#endif
}

/*
 * Keep the reserve allocated past len more bytes: -1 (errno ENOSPC or
 * EDQUOT) when the disk cannot hold both.  A file system or file without
 * fallocate (a pipe, NFS v3...) goes on without a reserve.
 */
static int reserve_ahead(struct kdf_writer *w, size_t len)
{
	int64_t want = w->start + (int64_t)w->bytes + (int64_t)len + (int64_t)w->reserve;

	if (!w->reserve || want <= w->reserved_end)
		return 0;
	if (!allocate_past_end(w->fd, (off_t)w->reserved_end, (off_t)(want - w->reserved_end))) {
		w->reserved_end = want;
		return 0;
	}
	if (errno == ENOSPC || errno == EDQUOT)
		return -1;
	w->reserve = 0;
	return 0;
}

/* Write at the end; on failure cut a partial chunk off, so the file ends
 * on a whole one (not possible on a pipe: the reader then sees a
 * truncated chunk, and no summary follows). */
static int append(struct kdf_writer *w, const uint8_t *p, size_t len)
{
	int e;

	if (!write_all(w->fd, p, len)) {
		w->bytes += len;
		return 0;
	}
	e = errno;
	w->whole = w->start >= 0 && !ftruncate(w->fd, (off_t)(w->start + (int64_t)w->bytes));
	errno = e;
	return -1;
}

static int write_bytes(struct kdf_writer *w, const uint8_t *p, size_t len)
{
	if (reserve_ahead(w, len) || append(w, p, len))
		return fail(w, KDF_E_IO);
	return 0;
}

/* Frame raw[0..len) as a chunk of type and write it. */
static int write_chunk(struct kdf_writer *w, uint16_t type, uint32_t count, const void *raw,
		       size_t len)
{
	int err;

	if (w->err)
		return fail(w, w->err);
	w->out.len = 0;
	err = kdf_chunk_pack(&w->out, w->cctx, w->compress, type, count, raw, len);
	if (err)
		return fail(w, err);
	return write_bytes(w, w->out.p, w->out.len);
}

/*
 * The EVENTS chunk in w->raw and the SEQUENCE chunk numbering it, in one
 * write(): a reader notices an EVENTS chunk removed, repeated, or from
 * another capture (docs/format.md 6.4).
 */
static int write_events_chunk(struct kdf_writer *w, uint32_t n)
{
	uint8_t seq[KDF_VARINT_MAX];
	size_t seq_len = (size_t)(kdf_put_varint(seq, w->events_chunks + 1) - seq);
	int err;

	if (w->err)
		return fail(w, w->err);
	w->out.len = 0;
	err = kdf_chunk_pack(&w->out, w->cctx, w->compress, KDF_CHUNK_EVENTS, n, w->raw.p,
			     w->raw.len);
	if (!err)
		err = kdf_chunk_pack(&w->out, w->cctx, 0, KDF_CHUNK_SEQUENCE, 1, seq, seq_len);
	if (err)
		return fail(w, err);
	if (write_bytes(w, w->out.p, w->out.len))
		return w->err;
	w->events_chunks++;
	return 0;
}

typedef uint32_t (*table_encode_fn)(const struct kdf_intern *t, struct kdf_buf *raw, int *err);

static int flush_table(struct kdf_writer *w, struct kdf_intern *t, uint16_t type,
		       table_encode_fn encode)
{
	while (!w->err && t->written < t->n) {
		int err;
		uint32_t count;

		w->raw.len = 0;
		count = encode(t, &w->raw, &err);
		if (err)
			return fail(w, err);
		if (write_chunk(w, type, count, w->raw.p, w->raw.len))
			break;
		t->written += count;
	}
	return w->err;
}

static int flush_threads(struct kdf_writer *w)
{
	if (w->err || !w->nthreads)
		return w->err;
	if (write_chunk(w, KDF_CHUNK_THREAD, w->nthreads, w->threads.p, w->threads.len))
		return w->err;
	w->threads.len = 0;
	w->nthreads = 0;
	return 0;
}

/* Everything buffered, tables first: an EVENTS chunk follows what it uses. */
static int flush_all(struct kdf_writer *w)
{
	flush_table(w, &w->strings, KDF_CHUNK_STRINGS, kdf_strings_encode);
	flush_table(w, &w->stacks, KDF_CHUNK_STACKS, kdf_stacks_encode);
	flush_threads(w);
	if (w->err || !w->enc.n)
		return w->err;
	uint32_t n = w->enc.n;

	w->raw.len = 0;
	if (kdf_events_enc_finish(&w->enc, &w->raw))
		return fail(w, KDF_E_NOMEM);
	return write_events_chunk(w, n);
}

static void writer_free(struct kdf_writer *w)
{
	ZSTD_freeCCtx(w->cctx);
	kdf_events_enc_free(&w->enc);
	kdf_intern_free(&w->strings);
	kdf_intern_free(&w->stacks);
	kdf_buf_free(&w->threads);
	kdf_buf_free(&w->raw);
	kdf_buf_free(&w->out);
	if (w->fd >= 0)
		close(w->fd);
	kdf_free(w);
}

/* The largest SUMMARY chunk: every count at its maximum, the longest
 * end_reason, stored as is.  Encoded into w->out (scratch). */
static uint64_t closing_bytes(struct kdf_writer *w, int *err)
{
	struct kdf_summary max;

	memset(&max, 0xff, sizeof(max));
	memset(max.end_reason, 'x', sizeof(max.end_reason) - 1);
	max.end_reason[sizeof(max.end_reason) - 1] = '\0';
	w->out.len = 0;
	*err = kdf_summary_encode(&max, &w->out);
	return KDF_CHUNK_HEADER_LEN + (uint64_t)w->out.len;
}

struct kdf_writer *kdf_writer_fdopen(int fd, const struct kdf_meta *meta, int zstd_level,
				     int *err)
{
	uint8_t header[KDF_FILE_HEADER_LEN];
	struct kdf_writer *w;
	int e;

	*err = KDF_E_INVAL;
	if (fd < 0 || !meta) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	w = kdf_calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		*err = KDF_E_NOMEM;
		return NULL;
	}
	w->fd = fd;
	/* Where our data starts: an fd may come with content before it
	 * (with O_APPEND, writes go to the end whatever the offset says). */
	w->start = lseek(fd, 0, (fcntl(fd, F_GETFL) & O_APPEND) ? SEEK_END : SEEK_CUR);
	w->compress = 1;
	*err = KDF_E_NOMEM;
	if (kdf_events_enc_init(&w->enc))
		goto fail;
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx)
		goto fail;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
						zstd_level ? zstd_level : 1))) {
		*err = KDF_E_INVAL;
		goto fail;
	}
	e = kdf_meta_encode(meta, &w->raw);
	if (e) {
		*err = e;
		goto fail;
	}
	w->whole = 1;
	w->reserved_end = w->start;
	if (w->start >= 0) {
		w->reserve = closing_bytes(w, &e);
		if (e) {
			*err = e;
			goto fail;
		}
	}
	kdf_file_header_encode(header, KDF_VERSION_MAJOR, KDF_VERSION_MINOR);
	if (write_bytes(w, header, sizeof(header)) ||
	    write_chunk(w, KDF_CHUNK_META, 1, w->raw.p, w->raw.len) ||
	    (reserve_ahead(w, 0) && fail(w, KDF_E_IO))) {
		e = errno;
		*err = w->err;
		writer_free(w);
		errno = e;
		return NULL;
	}
	*err = KDF_OK;
	return w;
fail:
	writer_free(w);
	return NULL;
}

struct kdf_writer *kdf_writer_open(const char *path, const struct kdf_meta *meta, int zstd_level,
				   int *err)
{
	int fd;

	if (!path || !meta) {
		*err = KDF_E_INVAL;
		return NULL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		*err = KDF_E_IO;
		return NULL;
	}
	return kdf_writer_fdopen(fd, meta, zstd_level, err);
}

void kdf_writer_set_uncompressed(struct kdf_writer *w, int uncompressed)
{
	w->compress = !uncompressed;
}

int kdf_writer_event(struct kdf_writer *w, const struct kdf_event *ev)
{
	if (w->err)
		return fail(w, w->err);
	if (!ev || ev->type == 0 || ev->type > KDF_EV_TYPE_MAX)
		return KDF_E_INVAL;
	if (kdf_events_enc_full(&w->enc) && flush_all(w))
		return w->err;
	kdf_events_enc_add(&w->enc, ev);
	w->events++;
	w->by_type[ev->type]++;
	w->last_ts = ev->ts;
	return 0;
}

uint32_t kdf_writer_intern(struct kdf_writer *w, const char *s, size_t len)
{
	if (w->err || (len && !s))
		return 0;
	return kdf_intern_add(&w->strings, s, len);
}

uint32_t kdf_writer_stack(struct kdf_writer *w, const uint64_t *ips, uint32_t n)
{
	if (w->err || (n && !ips) || n > KDF_STACK_MAX_DEPTH)
		return 0;
	return kdf_intern_add(&w->stacks, ips, (size_t)n * sizeof(*ips));
}

int kdf_writer_thread(struct kdf_writer *w, const struct kdf_thread *t)
{
	int err;

	if (w->err)
		return fail(w, w->err);
	if (!t)
		return KDF_E_INVAL;
	err = kdf_thread_encode(&w->threads, t);
	if (err)
		return err == KDF_E_NOMEM ? fail(w, err) : err;
	w->nthreads++;
	if (w->threads.len >= THREADS_RAW_FLUSH)
		return flush_threads(w);
	return 0;
}

int kdf_writer_symbols(struct kdf_writer *w, const struct kdf_symbol *syms, size_t n)
{
	if (w->err)
		return fail(w, w->err);
	if (n && !syms)
		return KDF_E_INVAL;
	for (size_t i = 0; i < n; i += SYMBOLS_PER_CHUNK) {
		size_t k = n - i < SYMBOLS_PER_CHUNK ? n - i : SYMBOLS_PER_CHUNK;
		int err;

		w->raw.len = 0;
		err = kdf_symbols_encode(syms + i, k, &w->raw);
		if (err)
			return fail(w, err);
		if (write_chunk(w, KDF_CHUNK_SYMBOLS, (uint32_t)k, w->raw.p, w->raw.len))
			return w->err;
	}
	return 0;
}

int kdf_writer_window(struct kdf_writer *w, const struct kdf_window *win)
{
	int err;

	if (!win)
		return KDF_E_INVAL;
	if (flush_all(w))
		return w->err;
	w->raw.len = 0;
	err = kdf_window_encode(win, &w->raw);
	if (err)
		return fail(w, err);
	if (write_chunk(w, KDF_CHUNK_WINDOW, 1, w->raw.p, w->raw.len))
		return w->err;
	w->windows++;
	return 0;
}

int kdf_writer_flush(struct kdf_writer *w)
{
	return flush_all(w);
}

/*
 * After a write error, end a file that still ends on a whole chunk with
 * the summary, into the reserve when there is one.  Its reason is the
 * writer's own.
 */
static void write_summary_after_error(struct kdf_writer *w, const struct kdf_summary *sum)
{
	struct kdf_summary why = *sum;
	const char *reason = w->saved_errno == ENOSPC || w->saved_errno == EDQUOT ? "disk-full" :
										    "write-error";

	if (w->err != KDF_E_IO || !w->whole)
		return;
	memset(why.end_reason, 0, sizeof(why.end_reason));
	memcpy(why.end_reason, reason, strlen(reason));
	w->raw.len = 0;
	w->out.len = 0;
	if (kdf_summary_encode(&why, &w->raw) ||
	    kdf_chunk_pack(&w->out, w->cctx, w->compress, KDF_CHUNK_SUMMARY, 1, w->raw.p,
			   w->raw.len))
		return;
	append(w, w->out.p, w->out.len);
}

/* Give back what is left of the reserve past the end. */
static void release_reserve(struct kdf_writer *w)
{
	int64_t end = w->start + (int64_t)w->bytes;

	if (w->reserve && w->reserved_end > end)
		release_past_end(w->fd, (off_t)end, (off_t)(w->reserved_end - end));
}

int kdf_writer_close(struct kdf_writer *w, const struct kdf_summary *sum)
{
	struct kdf_summary own;
	int err, saved_errno;

	if (!w)
		return KDF_E_INVAL;
	if (!sum) {
		/* No summary given: write what the writer itself counted. */
		memset(&own, 0, sizeof(own));
		own.end_ts = w->last_ts;
		memcpy(own.events, w->by_type, sizeof(own.events));
		own.windows = w->windows;
		sum = &own;
	}
	if (!flush_all(w)) {
		w->raw.len = 0;
		err = kdf_summary_encode(sum, &w->raw);
		if (err)
			fail(w, err);
		else
			write_chunk(w, KDF_CHUNK_SUMMARY, 1, w->raw.p, w->raw.len);
	}
	write_summary_after_error(w, sum);
	release_reserve(w);
	if (close(w->fd) && !w->err)
		fail(w, KDF_E_IO);
	w->fd = -1;
	err = w->err;
	saved_errno = w->saved_errno;
	writer_free(w);
	if (err)
		errno = saved_errno;
	return err;
}

void kdf_writer_abort(struct kdf_writer *w)
{
	if (!w)
		return;
	flush_all(w); /* best effort: what was recorded stays readable */
	writer_free(w);
}

uint64_t kdf_writer_bytes(const struct kdf_writer *w)
{
	return w->bytes;
}

uint64_t kdf_writer_events(const struct kdf_writer *w)
{
	return w->events;
}
