// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader.c - the capture reader.  The input is untrusted: every chunk is
 * checked (header CRC, limits, payload CRC; reader_chunks.c) before
 * anything in it is used, and decoded whole before any of it is handed
 * out.  Damage costs the damaged chunk, never the run: it is reported
 * through the warn callback and reading goes on.  Memory is one chunk plus
 * the string, stack and symbol tables, whatever the file's length.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "alloc.h"
#include "cbor_util.h"
#include "events_codec.h"
#include "meta_cbor.h"
#include "reader_internal.h"

static void set_msg(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_msg(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
}

/* ----------------------------------------------------------- open/close */

/* Charge the transient tree of a CBOR chunk, kept bytes besides.  1 when
 * refused (warned); a malformed payload is left to its decoder. */
static int cbor_charge(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h,
		       uint64_t kept)
{
	uint64_t items;

	if (kdf_cbor_count(r->raw, h->raw_len, &items))
		return 0; /* the decoder says it is malformed */
	return kdf_reader_charge(r, off, h, items * KDF_BUDGET_CBOR_ITEM + h->raw_len, kept) != 0;
}

/* The META chunk, read at open: refused by the open's own message. */
static int cbor_over_budget(struct kdf_reader *r, const struct kdf_chunk_header *h)
{
	uint64_t items;

	if (kdf_cbor_count(r->raw, h->raw_len, &items))
		return 0; /* the decoder says it is malformed */
	if (items * KDF_BUDGET_CBOR_ITEM + 2 * (uint64_t)h->raw_len > kdf_reader_budget_room(r))
		return 1;
	r->kept += h->raw_len;
	return 0;
}

static int read_header_and_meta(struct kdf_reader *r, char *msg, size_t msg_len)
{
	uint8_t fh[KDF_FILE_HEADER_LEN];
	struct kdf_chunk_header h;
	ssize_t got = kdf_source_read(&r->src, 0, fh, sizeof(fh));
	enum chunk_result cr;
	int err = 0;

	if (got < 0) {
		set_msg(msg, msg_len, "cannot read the capture: %s", strerror(errno));
		return KDF_E_IO;
	}
	if (got < KDF_MAGIC_LEN || memcmp(fh, KDF_MAGIC, KDF_MAGIC_LEN)) {
		/* A short file that starts like a capture is a cut capture. */
		if (got > 0 && got < KDF_MAGIC_LEN && !memcmp(fh, KDF_MAGIC, (size_t)got)) {
			set_msg(msg, msg_len, "capture truncated at offset %zd inside the file header",
				got);
			return KDF_E_CORRUPT;
		}
		set_msg(msg, msg_len, got ? "not a kdelay capture (bad magic)"
					  : "not a kdelay capture (empty file)");
		return KDF_E_NOT_CAPTURE;
	}
	if (got < KDF_FILE_HEADER_LEN) {
		set_msg(msg, msg_len, "capture truncated at offset %zd inside the file header", got);
		return KDF_E_CORRUPT;
	}
	r->major = kdf_get_le16(fh + 8);
	r->minor = kdf_get_le16(fh + 10);
	if (r->major != KDF_VERSION_MAJOR) {
		set_msg(msg, msg_len,
			r->major > KDF_VERSION_MAJOR
				? "capture format version %u.%u is newer than this kdelay-report "
				  "supports (%d.x); upgrade kdelay"
				: "capture format version %u.%u is older than this kdelay-report "
				  "supports (%d.x)",
			r->major, r->minor, KDF_VERSION_MAJOR);
		return KDF_E_VERSION;
	}

	/* The META chunk must come first and be whole. */
	r->off = KDF_FILE_HEADER_LEN;
	cr = kdf_reader_read_chunk(r, &h, &err);
	if (cr == CHUNK_FATAL) {
		set_msg(msg, msg_len, "cannot read the meta chunk: %s", kdf_strerror(err));
		return err;
	}
	if (cr == CHUNK_OK && h.type != KDF_CHUNK_META) {
		set_msg(msg, msg_len, "capture damaged: first chunk is %s, not META",
			kdf_chunk_name(h.type));
		return KDF_E_CORRUPT;
	}
	if (cr == CHUNK_STOPPED || (cr == CHUNK_OK && cbor_over_budget(r, &h))) {
		set_msg(msg, msg_len, "capture damaged: its META chunk (offset %d) declares more "
			"than a capture of this size can hold", KDF_FILE_HEADER_LEN);
		return KDF_E_CORRUPT;
	}
	if (cr != CHUNK_OK) {
		set_msg(msg, msg_len, cr == CHUNK_END || cr == CHUNK_TRUNCATED
					      ? "capture truncated inside its META chunk (offset %d)"
					      : "capture damaged: its META chunk (offset %d) is unreadable",
			KDF_FILE_HEADER_LEN);
		return KDF_E_CORRUPT;
	}
	err = kdf_meta_decode(r->raw, h.raw_len, &r->meta);
	if (err) {
		set_msg(msg, msg_len, err == KDF_E_NOMEM ? "out of memory reading the META chunk"
							 : "capture damaged: its META chunk does not decode");
		return err;
	}
	return 0;
}

static struct kdf_reader *reader_open(struct kdf_source src, kdf_warn_fn warn, void *ctx,
				      int *err, char *msg, size_t msg_len)
{
	struct kdf_reader *r = kdf_calloc(1, sizeof(*r));
	int dummy;

	if (!err)
		err = &dummy;
	set_msg(msg, msg_len, "%s", "");
	if (!r) {
		if (src.fd >= 0)
			close(src.fd);
		*err = KDF_E_NOMEM;
		set_msg(msg, msg_len, "out of memory");
		return NULL;
	}
	r->src = src;
	r->warn = warn;
	r->warn_ctx = ctx;
	r->dctx = ZSTD_createDCtx();
	if (!r->dctx) {
		*err = KDF_E_NOMEM;
		set_msg(msg, msg_len, "out of memory");
	} else {
		*err = read_header_and_meta(r, msg, msg_len);
	}
	if (*err) {
		kdf_reader_close(r);
		return NULL;
	}
	return r;
}

struct kdf_reader *kdf_reader_open(const char *path, kdf_warn_fn warn, void *ctx, int *err,
				   char *msg, size_t msg_len)
{
	struct kdf_source src = { .fd = -1 };
	int is_stdin = path && !strcmp(path, "-");

	/* "-" is standard input, which must then be a regular file.
	 * O_NONBLOCK: opening a FIFO with no writer must not hang; a
	 * regular file ignores it. */
	if (is_stdin)
		src.fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	else if (path)
		src.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (src.fd < 0) {
		if (err)
			*err = path ? KDF_E_IO : KDF_E_INVAL;
		set_msg(msg, msg_len, "cannot open %s: %s", is_stdin ? "standard input" :
			path ? path : "(null)", path ? strerror(errno) : "no path");
		return NULL;
	}
	/* pread() needs a file: a pipe, FIFO or terminal is refused here
	 * rather than read wrongly (kdelay-report copies a pipe first). */
	if (lseek(src.fd, 0, SEEK_END) < 0) {
		int e = errno;

		close(src.fd);
		if (err)
			*err = KDF_E_IO;
		set_msg(msg, msg_len, "cannot read %s: %s", is_stdin ? "standard input" : path,
			e == ESPIPE ? "not a regular file (a pipe or FIFO?)" : strerror(e));
		return NULL;
	}
	return reader_open(src, warn, ctx, err, msg, msg_len);
}

struct kdf_reader *kdf_reader_open_mem(const void *buf, size_t len, kdf_warn_fn warn, void *ctx,
				       int *err, char *msg, size_t msg_len)
{
	struct kdf_source src = { .fd = -1, .mem = buf, .mem_len = buf ? len : 0 };

	return reader_open(src, warn, ctx, err, msg, msg_len);
}

void kdf_reader_close(struct kdf_reader *r)
{
	if (!r)
		return;
	kdf_prefetch_stop(r);
	if (r->src.fd >= 0)
		close(r->src.fd);
	ZSTD_freeDCtx(r->dctx);
	kdf_meta_free(&r->meta);
	kdf_free(r->stored);
	kdf_free(r->raw);
	kdf_free(r->events);
	kdf_symbols_free(r->syms, r->nsyms);
	kdf_id_table_free(&r->strings);
	kdf_id_table_free(&r->stacks);
	kdf_free(r);
}

const struct kdf_meta *kdf_reader_meta(const struct kdf_reader *r)
{
	return &r->meta;
}

void kdf_reader_version(const struct kdf_reader *r, uint32_t *major, uint32_t *minor)
{
	if (major)
		*major = r->major;
	if (minor)
		*minor = r->minor;
}

/* ---------------------------------------------------------------- items */

/* A STRINGS or STACKS chunk into its table, within the budget (a chunk
 * past it is refused with the warning that stops the reading). */
static int table_chunk(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h)
{
	uint64_t room = kdf_reader_budget_room(r), left = room;
	int err = h->type == KDF_CHUNK_STRINGS
			  ? kdf_strings_decode(&r->strings, r->raw, h->raw_len, h->count, &left)
			  : kdf_stacks_decode(&r->stacks, r->raw, h->raw_len, h->count, &left);

	if (err == KDF_E_OVER_BUDGET) {
		kdf_reader_charge(r, off, h, 0, left); /* left: what it would cost */
		return 0;
	}
	r->kept += room - left;
	return err;
}

/* Charge the events array of an EVENTS chunk (the largest so far is
 * kept): 0, or 1 when refused (warned). */
static int charge_events(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h)
{
	if (h->count <= r->events_charged)
		return 0;
	if (kdf_reader_charge(r, off, h, 0,
			      (h->count - r->events_charged) * sizeof(struct kdf_event)))
		return 1;
	r->events_charged = h->count;
	return 0;
}

/* The decoded events of the chunk at off as the item, with what the
 * decoder counted of them: 1, or 0 when none. */
static int events_item(struct kdf_reader *r, uint64_t off, const struct kdf_event *v, size_t n,
		       uint32_t unknown, const struct kdf_events_tally *tally,
		       struct kdf_item *item)
{
	if (unknown && !r->warned_unknown_event++)
		kdf_reader_warnf(r, off, "%u events of types this kdelay-report does not know were "
				 "skipped (capture from a newer kdelay?)", unknown);
	r->st.events += n;
	for (int t = 0; t <= KDF_EV_TYPE_MAX; t++)
		r->read_by_type[t] += tally->by_type[t];
	item->u.events.first_ts = tally->first_ts;
	item->u.events.last_ts = tally->last_ts;
	item->u.events.in_order = tally->in_order;
	item->type = KDF_ITEM_EVENTS;
	item->u.events.v = v;
	item->u.events.n = n;
	return n > 0;
}

/* An EVENTS chunk read ahead (reader_prefetch.c), taken as the chunk at
 * off, with what kdf_reader_read_chunk() and chunk_to_item() do for one
 * read here, in the same order: 1 = item, 0 = none (or refused, warned). */
static int prefetched_item(struct kdf_reader *r, uint64_t off, const struct kdf_prefetched *p,
			   struct kdf_item *item)
{
	const struct kdf_chunk_header *h = &p->h;

	if (r->src.fd >= 0)
		kdf_source_count(KDF_CHUNK_HEADER_LEN + (uint64_t)h->stored_len);
	r->off += KDF_CHUNK_HEADER_LEN + (uint64_t)h->stored_len;
	r->st.chunks++;
	kdf_reader_seen_events_chunk(r);
	if ((h->flags & KDF_CHUNK_FLAG_ZSTD) && kdf_reader_charge_decode(r, off, h))
		return 0;
	r->st.uncompressed_bytes += h->raw_len;
	if (charge_events(r, off, h))
		return 0;
	return events_item(r, off, p->events, p->n, p->unknown, p->tally, item);
}

/* Turn the unpacked chunk into an item: 1 = item, 0 = nothing to hand
 * out (table chunk, or skipped), < 0 = fatal. */
static int chunk_to_item(struct kdf_reader *r, uint64_t off, const struct kdf_chunk_header *h,
			 struct kdf_item *item)
{
	int err = 0;

	switch (h->type) {
	case KDF_CHUNK_EVENTS: {
		struct kdf_events_tally tally;
		size_t n;
		uint32_t unknown;

		if (h->count > KDF_EVENTS_MAX_PER_CHUNK) {
			err = KDF_E_CORRUPT;
			break;
		}
		if (charge_events(r, off, h))
			return 0;
		if (h->count > r->events_cap) {
			struct kdf_event *v = kdf_reallocarray(r->events, h->count, sizeof(*v));

			if (!v)
				return KDF_E_NOMEM;
			r->events = v;
			r->events_cap = h->count;
		}
		err = kdf_events_decode(r->raw, h->raw_len, h->count, r->events, &n, &unknown,
					&tally);
		if (err)
			break;
		return events_item(r, off, r->events, n, unknown, &tally, item);
	}
	case KDF_CHUNK_STRINGS:
	case KDF_CHUNK_STACKS:
		err = table_chunk(r, off, h);
		break;
	case KDF_CHUNK_THREAD:
		err = kdf_thread_check(r->raw, h->raw_len, h->count);
		if (!err && kdf_reader_charge(r, off, h, 0,
					      (uint64_t)h->count * KDF_BUDGET_RECORD + h->raw_len))
			return 0;
		if (!err) {
			kdf_cursor_init(&r->threads, r->raw, h->raw_len);
			r->threads_left = h->count;
		}
		break;
	case KDF_CHUNK_SYMBOLS:
		if (cbor_charge(r, off, h, (uint64_t)h->count * sizeof(struct kdf_symbol) + h->raw_len))
			return 0;
		err = kdf_symbols_decode(r->raw, h->raw_len, h->count, &r->syms, &r->nsyms);
		if (!err) {
			item->type = KDF_ITEM_SYMBOLS;
			item->u.symbols.v = r->syms;
			item->u.symbols.n = r->nsyms;
			return 1;
		}
		break;
	case KDF_CHUNK_WINDOW:
		if (cbor_charge(r, off, h, KDF_BUDGET_RECORD))
			return 0;
		err = kdf_window_decode(r->raw, h->raw_len, &item->u.window);
		if (!err) {
			item->type = KDF_ITEM_WINDOW;
			return 1;
		}
		break;
	case KDF_CHUNK_SUMMARY:
		if (cbor_charge(r, off, h, KDF_BUDGET_RECORD))
			return 0;
		err = kdf_summary_decode(r->raw, h->raw_len, &item->u.summary);
		if (!err)
			kdf_reader_check_summary(r, off, &item->u.summary);
		if (!err) {
			item->type = KDF_ITEM_SUMMARY;
			r->st.has_summary = 1;
			return 1;
		}
		break;
	case KDF_CHUNK_SEQUENCE:
		err = kdf_reader_check_sequence(r, off, r->raw, h->raw_len);
		break;
	case KDF_CHUNK_META:
		kdf_reader_joined(r, off, "a second META chunk");
		return 0;
	default:
		r->st.chunks_unknown++;
		if (!r->warned_unknown_chunk++)
			kdf_reader_warnf(r, off, "chunk of unknown type %u at offset %llu skipped (capture from "
				      "a newer kdelay?); further ones are skipped silently",
			      h->type, (unsigned long long)off);
		return 0;
	}
	if (err == KDF_E_NOMEM)
		return err;
	if (err) {
		r->st.chunks_bad++;
		kdf_reader_warnf(r, off, "%s chunk at offset %llu is malformed; skipped",
		      kdf_chunk_name(h->type), (unsigned long long)off);
	}
	return 0;
}

int kdf_reader_next(struct kdf_reader *r, struct kdf_item *item)
{
	memset(item, 0, sizeof(*item));
	if (r->done)
		return r->done < 0 ? r->done : 0;
	kdf_symbols_free(r->syms, r->nsyms);
	r->syms = NULL;
	r->nsyms = 0;
	kdf_prefetch_release(r);
	for (;;) {
		struct kdf_chunk_header h;
		struct kdf_prefetched p;
		enum chunk_result cr;
		uint64_t off;
		int err = 0, rc;

		if (r->threads_left) {
			r->threads_left--;
			item->type = KDF_ITEM_THREAD;
			kdf_thread_next(&r->threads, &item->u.thread);
			return 1;
		}
		off = r->off;
		rc = kdf_prefetch_take(r, off, &p);
		if (rc < 0) {
			r->done = rc;
			return rc;
		}
		if (rc) {
			rc = prefetched_item(r, off, &p, item);
			if (r->stopped) {
				r->done = 1;
				return 0;
			}
			if (rc)
				return 1;
			continue;
		}
		cr = kdf_reader_read_chunk(r, &h, &err);
		switch (cr) {
		case CHUNK_OK:
			break;
		case CHUNK_SKIPPED:
			continue;
		case CHUNK_END:
		case CHUNK_TRUNCATED:
			/* Nothing more yet: r->off is the chunk to read next time. */
			if (r->follow && !r->st.has_summary)
				return 0;
			if (cr == CHUNK_END && !r->st.has_summary)
				kdf_reader_warnf(r, r->off, "no summary chunk: the recording was interrupted; "
						 "everything up to offset %llu was read",
				      (unsigned long long)r->off);
			r->done = 1;
			return 0;
		case CHUNK_STOPPED:
			r->done = 1;
			return 0;
		case CHUNK_FATAL:
			r->done = err;
			return err;
		}
		rc = chunk_to_item(r, off, &h, item);
		if (r->stopped) {
			r->done = 1;
			return 0;
		}
		if (rc < 0) {
			r->done = rc;
			return rc;
		}
		if (rc > 0)
			return 1;
	}
}

void kdf_reader_follow(struct kdf_reader *r)
{
	r->follow = 1;
}

void kdf_reader_read_ahead(struct kdf_reader *r)
{
	r->read_ahead = 1;
}

const char *kdf_reader_string(const struct kdf_reader *r, uint32_t id, size_t *len)
{
	const struct kdf_id_entry *e = id && id <= r->strings.n ? &r->strings.v[id - 1] : NULL;

	if (len)
		*len = e && e->p ? e->len : 0;
	return e ? e->p : NULL;
}

const uint64_t *kdf_reader_stack(const struct kdf_reader *r, uint32_t id, uint32_t *n)
{
	const struct kdf_id_entry *e = id && id <= r->stacks.n ? &r->stacks.v[id - 1] : NULL;

	if (n)
		*n = e && e->p ? e->len : 0;
	return e ? e->p : NULL;
}

void kdf_reader_stats(const struct kdf_reader *r, struct kdf_read_stats *st)
{
	uint64_t size = kdf_source_size(&r->src);

	*st = r->st;
	st->file_bytes = size > r->off ? size : r->off;
}
