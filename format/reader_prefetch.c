// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader_prefetch.c - EVENTS chunks read, checked, decompressed and
 * decoded ahead by a second thread while the caller works on the current
 * one: on two cores that half of the reading costs no wall time.
 *
 * The thread only ever works ahead and has no say: it walks the chunk
 * headers from where the reader is, skips chunks of other types by their
 * length, and fills the next free slot with an EVENTS chunk that is whole,
 * checks and decodes.  The reader (reader.c) takes a slot when it reaches
 * exactly that offset, and does everything with consequences itself, in
 * file order: budget, statistics, warnings.  Anything the thread does not
 * like (a damaged or cut header or payload, a chunk larger than the slots
 * allow, the end of the file) it leaves to the reader's own reading, which
 * then says what it always said; after a header it cannot trust, the
 * thread stops until the reader asks it to go on from where it is.  So
 * the output is the same with or without it.  When its next chunk is not
 * ready, the reader claims and decodes a later one itself rather than
 * wait: the two threads share the reading, whichever is free.
 *
 * Memory: the decoded events of SLOTS chunks, and one chunk as stored and
 * unpacked per thread (at most SLOT_PAYLOAD_MAX bytes each) - three
 * chunks' events more than reading alone (about 1 MB each).  The thread
 * itself never allocates, so that an allocation failure is met at the
 * same point of the reading every time: a chunk larger than the slots is
 * left for the reader, which grows all of them (the thread is idle then)
 * before it has the chunk read again.  A capture smaller than
 * PREFETCH_MIN_BYTES is read alone: a thread costs more than it saves
 * there.  Only when the caller asked (kdf_reader_read_ahead): exports,
 * with a budget of their own to keep, read alone.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "alloc.h"
#include "events_codec.h"
#include "kdf_testing.h"
#include "reader_internal.h"

/* One handed out, the others filled or being filled, by either thread.
 * With two, the thread had no slot to fill while the reader worked on a
 * chunk whose successor the reader itself had decoded (it decodes a later
 * one when its next is not ready), and the two cores were busy 1.4 of 2
 * on average; with four, each thread finds work until the end.  A power
 * of 2: the positions count up and wrap. */
#define SLOTS 4
/* A larger chunk is read by the reader itself, in its own buffers. */
#define SLOT_PAYLOAD_MAX (4u << 20)
#define PREFETCH_MIN_BYTES (1u << 20)
/* The slots' events are asked for in pages of this size when they fill one
 * (events_alloc()). */
#define HUGE_PAGE ((size_t)2 << 20)

static uint64_t prefetch_min_bytes = PREFETCH_MIN_BYTES;

void kdf_set_prefetch_min_bytes(uint64_t n)
{
	prefetch_min_bytes = n;
}

enum slot_state {
	SLOT_BUSY,	/* off: an EVENTS chunk being read and decoded */
	SLOT_GOOD,	/* off: an EVENTS chunk, decoded */
	SLOT_DECLINED,	/* off: a chunk the reader must read itself */
	SLOT_TOO_SMALL, /* off: an EVENTS chunk of h, larger than the slots */
};

struct slot {
	enum slot_state state;
	uint64_t off;
	struct kdf_chunk_header h;
	struct kdf_event *events;
	size_t n;
	uint32_t unknown;
	struct kdf_events_tally tally;
};

struct kdf_prefetch {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake_worker, wake_reader;
	struct kdf_source src;
	ZSTD_DCtx *dctx; /* the thread's */
	struct slot slot[SLOTS];
	void *events_mem; /* every slot's events (events_alloc()) */
	struct {
		uint8_t *stored, *raw;
	} scratch[2]; /* the thread's, the reader's */
	/* Slots in file order: [head, tail) pending (counting up, taken
	 * modulo SLOTS); head - 1 is the one handed out when held. */
	unsigned head, tail;
	int held;
	uint32_t stored_cap, raw_cap, events_cap; /* of every slot */
	uint64_t cursor; /* where the next slot's chunk is looked for */
	int stopped;	 /* a chunk was declined there: wait for a new cursor */
	int quit;
};

static int slots_used(const struct kdf_prefetch *pf)
{
	return (int)(pf->tail - pf->head) + pf->held;
}

/* Under the lock: the next EVENTS chunk from the cursor into a free slot,
 * returned BUSY for the caller to fill; or NULL (no free slot, stopped,
 * or a chunk left for the reader, recorded in its slot).  Headers only:
 * a pread of 28 bytes per chunk. */
static struct slot *claim(struct kdf_prefetch *pf)
{
	uint8_t hb[KDF_CHUNK_HEADER_LEN];
	struct kdf_chunk_header h;
	uint64_t off = pf->cursor;
	struct slot *s;
	int ok;

	if (pf->stopped || slots_used(pf) == SLOTS)
		return NULL;
	for (;;) {
		ok = kdf_source_pread(&pf->src, off, hb, sizeof(hb)) == KDF_CHUNK_HEADER_LEN &&
		     !kdf_chunk_header_decode(hb, &h);
		if (!ok || h.type == KDF_CHUNK_EVENTS)
			break;
		off += KDF_CHUNK_HEADER_LEN + (uint64_t)h.stored_len;
	}
	s = &pf->slot[pf->tail++ % SLOTS];
	s->off = off;
	s->h = h;
	pthread_cond_broadcast(&pf->wake_reader);
	if (!ok || h.count > KDF_EVENTS_MAX_PER_CHUNK || h.stored_len > SLOT_PAYLOAD_MAX ||
	    h.raw_len > SLOT_PAYLOAD_MAX) {
		s->state = SLOT_DECLINED;
		pf->stopped = 1;
		return NULL;
	}
	if (!pf->events_cap || h.stored_len > pf->stored_cap || h.raw_len > pf->raw_cap ||
	    h.count > pf->events_cap) {
		s->state = SLOT_TOO_SMALL;
		pf->stopped = 1;
		return NULL;
	}
	s->state = SLOT_BUSY;
	pf->cursor = off + KDF_CHUNK_HEADER_LEN + h.stored_len;
	return s;
}

/* Outside the lock: read, check, unpack and decode the claimed chunk. */
static enum slot_state fill(struct kdf_prefetch *pf, struct slot *s, ZSTD_DCtx *dctx, int who)
{
	const struct kdf_chunk_header *h = &s->h;
	uint8_t *stored = pf->scratch[who].stored;
	size_t cap = pf->raw_cap; /* raw_len fits: kdf_chunk_unpack allocates nothing */

	if (kdf_source_pread(&pf->src, s->off + KDF_CHUNK_HEADER_LEN, stored, h->stored_len) !=
		    (ssize_t)h->stored_len ||
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION /* as the reader: mutations reach the decoder */
	    kdf_crc32c(0, stored, h->stored_len) != h->payload_crc ||
#endif
	    kdf_chunk_unpack(dctx, h, stored, &pf->scratch[who].raw, &cap) ||
	    kdf_events_decode(pf->scratch[who].raw, h->raw_len, h->count, s->events, &s->n,
			      &s->unknown, &s->tally))
		return SLOT_DECLINED;
	return SLOT_GOOD;
}

/* Under the lock: claim a chunk and fill it, the lock released meanwhile.
 * 0 when there was none to claim. */
static int work_one(struct kdf_prefetch *pf, ZSTD_DCtx *dctx, int who)
{
	struct slot *s = claim(pf);
	enum slot_state st;

	if (!s)
		return 0;
	pthread_mutex_unlock(&pf->lock);
	st = fill(pf, s, dctx, who);
	pthread_mutex_lock(&pf->lock);
	s->state = st;
	pthread_cond_broadcast(&pf->wake_reader);
	return 1;
}

static void *worker(void *arg)
{
	struct kdf_prefetch *pf = arg;

	pthread_mutex_lock(&pf->lock);
	while (!pf->quit)
		if (!work_one(pf, pf->dctx, 0))
			pthread_cond_wait(&pf->wake_worker, &pf->lock);
	pthread_mutex_unlock(&pf->lock);
	return NULL;
}

static void free_slots(struct kdf_prefetch *pf)
{
	kdf_free(pf->events_mem);
	for (int i = 0; i < 2; i++) {
		kdf_free(pf->scratch[i].stored);
		kdf_free(pf->scratch[i].raw);
	}
	ZSTD_freeDCtx(pf->dctx);
	kdf_free(pf);
}

/* Start the thread: 0, KDF_E_NOMEM, or 1 when no thread can be had (the
 * reader then reads alone). */
static int start(struct kdf_reader *r)
{
	struct kdf_prefetch *pf = kdf_calloc(1, sizeof(*pf));

	if (!pf)
		return KDF_E_NOMEM;
	pf->src = r->src;
	pf->dctx = ZSTD_createDCtx();
	if (!pf->dctx) {
		free_slots(pf);
		return KDF_E_NOMEM;
	}
	pf->stopped = 1; /* until the first take says where */
	pthread_mutex_init(&pf->lock, NULL);
	pthread_cond_init(&pf->wake_worker, NULL);
	pthread_cond_init(&pf->wake_reader, NULL);
	if (pthread_create(&pf->thread, NULL, worker, pf)) {
		pthread_cond_destroy(&pf->wake_reader);
		pthread_cond_destroy(&pf->wake_worker);
		pthread_mutex_destroy(&pf->lock);
		free_slots(pf);
		r->prefetch_off = 1;
		return 1;
	}
	r->prefetch = pf;
	return 0;
}

/*
 * Room for count events in every slot, one allocation (the slots are
 * free: what they held is not kept).  From HUGE_PAGE on it is aligned on
 * huge pages and asked for in them (a hint the kernel may ignore): the
 * slots are about 4 MB of fresh pages that the first chunks fill, and on a
 * virtual machine a page fault costs ~12 us (~1,000 of them for 4 KiB
 * pages, ~12 ms of CPU, against a few for 2 MiB ones).  0 or
 * KDF_E_NOMEM (no slot has room then).
 */
static int events_alloc(struct kdf_prefetch *pf, uint32_t count)
{
	size_t bytes = (size_t)count * sizeof(struct kdf_event) * SLOTS, span = 0;
	uint8_t *p, *base;

	kdf_free(pf->events_mem);
	pf->events_mem = NULL;
	pf->events_cap = 0;
	if (bytes >= HUGE_PAGE)
		span = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	/* (untouched, the slack to the alignment costs no memory) */
	p = kdf_malloc(span ? span + HUGE_PAGE : bytes);
	if (!p)
		return KDF_E_NOMEM;
	base = p;
#ifdef MADV_HUGEPAGE
	if (span) {
		base = p + (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
		(void)madvise(base, span, MADV_HUGEPAGE);
	}
#endif
	pf->events_mem = p;
	for (int i = 0; i < SLOTS; i++)
		pf->slot[i].events = (struct kdf_event *)(void *)base + (size_t)i * count;
	pf->events_cap = count;
	return 0;
}

/* Grow every slot to hold the chunk of h (the thread is idle, no slot in
 * use): 0 or KDF_E_NOMEM. */
static int grow_slots(struct kdf_prefetch *pf, const struct kdf_chunk_header *h)
{
	/* At least one of each: the buffers are never NULL, even for an
	 * empty chunk. */
	uint32_t stored = h->stored_len ? h->stored_len : 1, raw = h->raw_len ? h->raw_len : 1;
	uint32_t count = h->count ? h->count : 1;

	for (int i = 0; i < 2; i++) {
		uint8_t *p;

		if (stored > pf->stored_cap) {
			if (!(p = kdf_reallocarray(pf->scratch[i].stored, stored, 1)))
				return KDF_E_NOMEM;
			pf->scratch[i].stored = p;
		}
		if (raw > pf->raw_cap) {
			if (!(p = kdf_reallocarray(pf->scratch[i].raw, raw, 1)))
				return KDF_E_NOMEM;
			pf->scratch[i].raw = p;
		}
	}
	if (stored > pf->stored_cap)
		pf->stored_cap = stored;
	if (raw > pf->raw_cap)
		pf->raw_cap = raw;
	return count > pf->events_cap ? events_alloc(pf, count) : 0;
}

void kdf_prefetch_release(struct kdf_reader *r)
{
	struct kdf_prefetch *pf = r->prefetch;

	if (!pf)
		return;
	pthread_mutex_lock(&pf->lock);
	pf->held = 0;
	pthread_cond_signal(&pf->wake_worker);
	pthread_mutex_unlock(&pf->lock);
}

int kdf_prefetch_take(struct kdf_reader *r, uint64_t off, struct kdf_prefetched *p)
{
	struct kdf_prefetch *pf = r->prefetch;
	int got = 0;

	if (!pf) {
		int rc = !r->read_ahead || r->prefetch_off || kdf_source_size(&r->src) < prefetch_min_bytes ? 1
											  : start(r);

		if (rc)
			return rc == 1 ? 0 : rc;
		pf = r->prefetch;
	}
	pthread_mutex_lock(&pf->lock);
	pf->held = 0; /* the last one taken is no longer in use */
	for (;;) {
		struct slot *s;

		if (pf->head == pf->tail) {
			/* Nothing ahead: go on from here, this chunk read on
			 * this thread rather than waited for. */
			pf->cursor = off;
			pf->stopped = 0;
			work_one(pf, r->dctx, 1);
			pthread_cond_signal(&pf->wake_worker);
			continue;
		}
		s = &pf->slot[pf->head % SLOTS];
		if (s->off > off)
			break; /* the chunk at off is not an EVENTS chunk */
		if (s->state == SLOT_BUSY) {
			/* Not ready: work on a later one meanwhile. */
			if (!work_one(pf, r->dctx, 1))
				pthread_cond_wait(&pf->wake_reader, &pf->lock);
			continue;
		}
		pf->head++;
		pthread_cond_signal(&pf->wake_worker);
		if (s->off < off)
			continue; /* behind the reader */
		if (s->state == SLOT_TOO_SMALL) {
			/* The thread stopped at it: every slot is free. */
			int err = grow_slots(pf, &s->h);

			if (err) {
				pthread_mutex_unlock(&pf->lock);
				return err;
			}
			continue; /* and the chunk is claimed again */
		}
		if (s->state == SLOT_GOOD) {
			pf->held = 1;
			p->h = s->h;
			p->events = s->events;
			p->n = s->n;
			p->unknown = s->unknown;
			p->tally = &s->tally;
			got = 1;
		}
		break;
	}
	pthread_mutex_unlock(&pf->lock);
	return got;
}

void kdf_prefetch_stop(struct kdf_reader *r)
{
	struct kdf_prefetch *pf = r->prefetch;

	if (!pf)
		return;
	pthread_mutex_lock(&pf->lock);
	pf->quit = 1;
	pthread_cond_signal(&pf->wake_worker);
	pthread_mutex_unlock(&pf->lock);
	pthread_join(pf->thread, NULL);
	pthread_cond_destroy(&pf->wake_reader);
	pthread_cond_destroy(&pf->wake_worker);
	pthread_mutex_destroy(&pf->lock);
	free_slots(pf);
	r->prefetch = NULL;
}
