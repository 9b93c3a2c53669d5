// SPDX-License-Identifier: BSD-2-Clause
/*
 * events_codec.c - EVENTS chunk payload: columns of types, flags, tid
 * indexes, cpus, timestamp deltas and per-type arguments
 * (docs/format.md §5).  Columns, because in a syscall loop everything but
 * the timestamp jitter repeats and zstd then stores it for almost nothing.
 */
#include "alloc.h"
#include "events_codec.h"

#define FIXED_HEADER_LEN (8 + 4 * 7 + 1)
#define MAX_ARGS 8 /* arguments a 1.x reader keeps per event */

/* Arguments per event type in this version (1.3); index = type.  A 1.2
 * writer's table has 2 arguments for CENSUS (no since), a 1.1 writer's 1
 * argument for WAKEUP (no waker pid and name) and no CPU_RUN, a 1.0
 * writer's no LOSS either. */
static const uint8_t nargs_v1[KDF_EV_TYPE_MAX + 1] = {
	[KDF_EV_SYS_ENTER] = 1,	    [KDF_EV_SYS_EXIT] = 2,     [KDF_EV_SWITCH] = 2,
	[KDF_EV_WAKEUP] = 3,	    [KDF_EV_IRQ_ENTRY] = 2,    [KDF_EV_IRQ_EXIT] = 2,
	[KDF_EV_SOFTIRQ_ENTRY] = 1, [KDF_EV_SOFTIRQ_EXIT] = 1, [KDF_EV_TRIGGER] = 0,
	[KDF_EV_STACK] = 4,	    [KDF_EV_THREAD_EXIT] = 0,  [KDF_EV_LOSS] = 2,
	[KDF_EV_CPU_RUN] = 2,	    [KDF_EV_CENSUS] = 3,
};
/* Entries of the 1.0 table: the shortest one the fast path decodes. */
#define NTYPES_V1_0 (KDF_EV_THREAD_EXIT + 1)
/* WAKEUP's arguments before 1.2: the waker tid alone. */
#define NARGS_WAKEUP_V1_1 1
/* CENSUS's arguments in 1.2: state and syscall, no since. */
#define NARGS_CENSUS_V1_2 2

int kdf_events_enc_init(struct kdf_events_enc *e)
{
	memset(e, 0, sizeof(*e));
	e->type = kdf_malloc(KDF_EVENTS_PER_CHUNK);
	e->flags = kdf_malloc(KDF_EVENTS_PER_CHUNK);
	if (!e->type || !e->flags)
		goto nomem;
	/* kdf_events_enc_full() keeps every column under the target, and one
	 * event adds at most 4 varints to a column. */
	for (int c = 0; c < COL_VARINT_COUNT; c++) {
		e->col[c] = kdf_malloc(KDF_EVENTS_RAW_TARGET + 4 * KDF_VARINT_MAX);
		if (!e->col[c])
			goto nomem;
	}
	return 0;
nomem:
	kdf_events_enc_free(e);
	return KDF_E_NOMEM;
}

void kdf_events_enc_free(struct kdf_events_enc *e)
{
	kdf_free(e->type);
	kdf_free(e->flags);
	for (int c = 0; c < COL_VARINT_COUNT; c++)
		kdf_free(e->col[c]);
	memset(e, 0, sizeof(*e));
}

/* Index of tid in this chunk's tid table, adding it on first use. */
static uint32_t tid_lookup(struct kdf_events_enc *e, uint32_t tid)
{
	uint32_t slot = (tid * 2654435761u) & (KDF_TID_SLOTS - 1);

	while (e->slot_idx[slot]) {
		if (e->slot_tid[slot] == tid)
			return e->slot_idx[slot] - 1u;
		slot = (slot + 1) & (KDF_TID_SLOTS - 1);
	}
	e->slot_tid[slot] = tid;
	e->slot_idx[slot] = (uint16_t)(e->ntids + 1);
	e->tids[e->ntids] = tid;
	return e->ntids++;
}

/* The event's own tid: the same as the last one's, most of the time. */
static inline uint32_t event_tid_index(struct kdf_events_enc *e, uint32_t tid)
{
	if (e->last_idx && e->last_tid == tid)
		return e->last_idx - 1u;
	e->last_tid = tid;
	e->last_idx = tid_lookup(e, tid) + 1u;
	return e->last_idx - 1u;
}

/* The most one event adds: type and flags, and 7 varints (tid index, cpu,
 * time, up to 4 arguments); and 2 tids to the table (its own and one in
 * its arguments). */
#define EVENT_MAX_BYTES (2u + 7u * KDF_VARINT_MAX)
#define EVENT_MAX_TIDS 2u

int kdf_events_enc_check(struct kdf_events_enc *e)
{
	size_t raw = kdf_events_enc_varint_bytes(e) + 2u * e->n;
	size_t by_n, by_tids, by_raw;

	if (e->n >= KDF_EVENTS_PER_CHUNK || e->ntids + EVENT_MAX_TIDS > KDF_TIDS_PER_CHUNK ||
	    raw >= KDF_EVENTS_RAW_TARGET)
		return 1;
	/* After k more events the checks above still pass if n + k, ntids +
	 * 2k and raw + k * EVENT_MAX_BYTES do: the largest such k. */
	by_n = KDF_EVENTS_PER_CHUNK - 1u - e->n;
	by_tids = (KDF_TIDS_PER_CHUNK - EVENT_MAX_TIDS - e->ntids) / EVENT_MAX_TIDS;
	by_raw = (KDF_EVENTS_RAW_TARGET - 1u - raw) / EVENT_MAX_BYTES;
	e->room = (uint32_t)(by_n < by_tids ? (by_n < by_raw ? by_n : by_raw)
					    : (by_tids < by_raw ? by_tids : by_raw));
	return 0;
}

static inline void col_put(struct kdf_events_enc *e, int c, uint64_t v)
{
	uint8_t *p = e->col[c] + e->col_len[c];
	size_t n = (size_t)(kdf_put_varint(p, v) - p);

	e->col_len[c] += n;
}

void kdf_events_enc_add(struct kdf_events_enc *e, const struct kdf_event *ev)
{
	if (!e->n)
		e->base_ts = e->last_ts = ev->ts;
	e->type[e->n] = ev->type;
	e->flags[e->n] = ev->flags;
	e->n++;
	col_put(e, COL_TIDX, event_tid_index(e, ev->tid));
	col_put(e, COL_CPU, ev->cpu);
	col_put(e, COL_TS, kdf_zigzag((int64_t)(ev->ts - e->last_ts)));
	e->last_ts = ev->ts;

	switch (ev->type) {
	case KDF_EV_SYS_ENTER:
		col_put(e, COL_ARGS, ev->u.sys.nr);
		break;
	case KDF_EV_SYS_EXIT:
		col_put(e, COL_ARGS, ev->u.sys.nr);
		col_put(e, COL_ARGS, kdf_zigzag(ev->u.sys.ret));
		break;
	case KDF_EV_SWITCH:
		col_put(e, COL_ARGS, tid_lookup(e, ev->u.sw.next_tid));
		col_put(e, COL_ARGS, ev->u.sw.prev_state);
		break;
	case KDF_EV_WAKEUP:
		col_put(e, COL_ARGS, tid_lookup(e, ev->u.wakeup.waker_tid));
		col_put(e, COL_ARGS, ev->u.wakeup.waker_pid);
		col_put(e, COL_ARGS, ev->u.wakeup.waker_name_id);
		break;
	case KDF_EV_IRQ_ENTRY:
		col_put(e, COL_ARGS, ev->u.irq_entry.irq);
		col_put(e, COL_ARGS, ev->u.irq_entry.name_id);
		break;
	case KDF_EV_IRQ_EXIT:
		col_put(e, COL_ARGS, ev->u.irq_exit.irq);
		col_put(e, COL_ARGS, kdf_zigzag(ev->u.irq_exit.ret));
		break;
	case KDF_EV_SOFTIRQ_ENTRY:
	case KDF_EV_SOFTIRQ_EXIT:
		col_put(e, COL_ARGS, ev->u.softirq.vec);
		break;
	case KDF_EV_STACK:
		col_put(e, COL_ARGS, ev->u.stack.nr);
		col_put(e, COL_ARGS, ev->u.stack.kstack_id);
		col_put(e, COL_ARGS, ev->u.stack.ustack_id);
		col_put(e, COL_ARGS, kdf_zigzag((int64_t)(ev->ts - ev->u.stack.entry_ts)));
		break;
	case KDF_EV_LOSS:
		col_put(e, COL_ARGS, ev->u.loss.count);
		/* the writer's callers keep end_ts >= ts; clamp what they do not */
		col_put(e, COL_ARGS, ev->u.loss.end_ts > ev->ts ? ev->u.loss.end_ts - ev->ts : 0);
		break;
	case KDF_EV_CPU_RUN:
		col_put(e, COL_ARGS, ev->u.cpu_run.pid);
		col_put(e, COL_ARGS, ev->u.cpu_run.name_id);
		break;
	case KDF_EV_CENSUS: /* nr + 1, so that "none" (UINT32_MAX) is 0 */
		col_put(e, COL_ARGS, ev->u.census.state);
		col_put(e, COL_ARGS, (uint64_t)ev->u.census.nr + 1 > UINT32_MAX ? 0 : ev->u.census.nr + 1);
		/* how long before ts, + 1, so that "not known" is 0 */
		col_put(e, COL_ARGS,
			ev->u.census.since_ts && ev->u.census.since_ts <= ev->ts
				? ev->ts - ev->u.census.since_ts + 1
				: 0);
		break;
	default: /* TRIGGER, THREAD_EXIT: flags say it all */
		break;
	}
}

int kdf_events_enc_finish(struct kdf_events_enc *e, struct kdf_buf *out)
{
	size_t tids_len = 0, need;
	uint8_t *p;

	for (uint32_t i = 0; i < e->ntids; i++) {
		uint8_t tmp[KDF_VARINT_MAX];

		tids_len += (size_t)(kdf_put_varint(tmp, e->tids[i]) - tmp);
	}
	need = FIXED_HEADER_LEN + sizeof(nargs_v1) + tids_len + 2u * e->n + kdf_events_enc_varint_bytes(e);
	if (kdf_buf_reserve(out, need))
		return KDF_E_NOMEM;
	p = out->p + out->len;
	kdf_put_le64(p, e->n ? e->base_ts : 0);
	kdf_put_le32(p + 8, e->n);
	kdf_put_le32(p + 12, e->ntids);
	kdf_put_le32(p + 16, (uint32_t)tids_len);
	for (int c = 0; c < COL_VARINT_COUNT; c++)
		kdf_put_le32(p + 20 + 4 * c, (uint32_t)e->col_len[c]);
	p[36] = sizeof(nargs_v1);
	p += FIXED_HEADER_LEN;
	memcpy(p, nargs_v1, sizeof(nargs_v1));
	p += sizeof(nargs_v1);
	for (uint32_t i = 0; i < e->ntids; i++)
		p = kdf_put_varint(p, e->tids[i]);
	memcpy(p, e->type, e->n);
	p += e->n;
	memcpy(p, e->flags, e->n);
	p += e->n;
	for (int c = 0; c < COL_VARINT_COUNT; c++) {
		memcpy(p, e->col[c], e->col_len[c]);
		p += e->col_len[c];
	}
	out->len += need;

	e->n = 0;
	e->room = 0;
	e->ntids = 0;
	e->last_idx = 0;
	memset(e->col_len, 0, sizeof(e->col_len));
	memset(e->slot_idx, 0, sizeof(e->slot_idx));
	return 0;
}

/* ------------------------------------------------------------ decoding */

struct events_in {
	uint32_t n, ntids;
	const uint8_t *nargs;
	uint8_t ntypes;
	const uint8_t *type, *flags;
	uint32_t *tids;
	struct kdf_cursor col[COL_VARINT_COUNT];
};

static int to_u32(uint64_t v, uint32_t *out)
{
	*out = (uint32_t)v;
	return v <= UINT32_MAX;
}

static int to_s32(uint64_t zz, int32_t *out)
{
	int64_t v = kdf_unzigzag(zz);

	*out = (int32_t)v;
	return v >= INT32_MIN && v <= INT32_MAX;
}

static int to_tid(const struct events_in *in, uint64_t idx, uint32_t *out)
{
	if (idx >= in->ntids)
		return 0;
	*out = in->tids[idx];
	return 1;
}

/* Fill the type-specific part of ev from its arguments; 0 if out of range. */
static int fill_args(const struct events_in *in, struct kdf_event *ev, const uint64_t *a)
{
	switch (ev->type) {
	case KDF_EV_SYS_ENTER:
		return to_u32(a[0], &ev->u.sys.nr);
	case KDF_EV_SYS_EXIT:
		return to_u32(a[0], &ev->u.sys.nr) && to_s32(a[1], &ev->u.sys.ret);
	case KDF_EV_SWITCH:
		return to_tid(in, a[0], &ev->u.sw.next_tid) && to_u32(a[1], &ev->u.sw.prev_state);
	case KDF_EV_WAKEUP:
		/* before 1.2 a[1] and a[2] are missing: 0, unknown */
		return to_tid(in, a[0], &ev->u.wakeup.waker_tid) &&
		       to_u32(a[1], &ev->u.wakeup.waker_pid) &&
		       to_u32(a[2], &ev->u.wakeup.waker_name_id);
	case KDF_EV_IRQ_ENTRY:
		return to_u32(a[0], &ev->u.irq_entry.irq) && to_u32(a[1], &ev->u.irq_entry.name_id);
	case KDF_EV_IRQ_EXIT:
		return to_u32(a[0], &ev->u.irq_exit.irq) && to_s32(a[1], &ev->u.irq_exit.ret);
	case KDF_EV_SOFTIRQ_ENTRY:
	case KDF_EV_SOFTIRQ_EXIT:
		return to_u32(a[0], &ev->u.softirq.vec);
	case KDF_EV_STACK:
		ev->u.stack.entry_ts = ev->ts - (uint64_t)kdf_unzigzag(a[3]);
		return to_u32(a[0], &ev->u.stack.nr) && to_u32(a[1], &ev->u.stack.kstack_id) &&
		       to_u32(a[2], &ev->u.stack.ustack_id);
	case KDF_EV_LOSS:
		/* end_ts = ts + duration, which must not wrap */
		ev->u.loss.count = a[0];
		ev->u.loss.end_ts = ev->ts + a[1];
		return a[1] <= UINT64_MAX - ev->ts;
	case KDF_EV_CPU_RUN:
		return to_u32(a[0], &ev->u.cpu_run.pid) && to_u32(a[1], &ev->u.cpu_run.name_id);
	case KDF_EV_CENSUS:
		ev->u.census.nr = (uint32_t)a[1] - 1; /* 0 (none) wraps to KDF_CENSUS_NO_SYSCALL */
		/* before 1.3 a[2] is missing: 0, not known; a time before 0 is refused */
		ev->u.census.since_ts = a[2] ? ev->ts - (a[2] - 1) : 0;
		return to_u32(a[0], &ev->u.census.state) && a[1] <= UINT32_MAX &&
		       (!a[2] || a[2] - 1 < ev->ts);
	default:
		return 1;
	}
}

/* Cut the next len bytes of c as a cursor of their own (empty if short). */
static void sub_cursor(struct kdf_cursor *c, size_t len, struct kdf_cursor *out)
{
	const uint8_t *p = kdf_cursor_take(c, len);

	kdf_cursor_init(out, p ? p : c->end, p ? len : 0);
}

/* Parse the fixed header and cut the sections; 0 if they do not add up. */
static int split_sections(const uint8_t *raw, size_t raw_len, uint32_t count,
			  struct events_in *in, uint64_t *base_ts, struct kdf_cursor *tids)
{
	struct kdf_cursor c;
	const uint8_t *h;
	uint32_t tids_len;

	kdf_cursor_init(&c, raw, raw_len);
	h = kdf_cursor_take(&c, FIXED_HEADER_LEN);
	if (!h)
		return 0;
	*base_ts = kdf_get_le64(h);
	in->n = kdf_get_le32(h + 8);
	in->ntids = kdf_get_le32(h + 12);
	tids_len = kdf_get_le32(h + 16);
	in->ntypes = h[36];
	if (in->n != count || in->n > KDF_EVENTS_MAX_PER_CHUNK || in->ntids > in->n * 2u)
		return 0;
	in->nargs = kdf_cursor_take(&c, in->ntypes);
	sub_cursor(&c, tids_len, tids);
	in->type = kdf_cursor_take(&c, in->n);
	in->flags = kdf_cursor_take(&c, in->n);
	for (int k = 0; k < COL_VARINT_COUNT; k++) {
		uint32_t len = kdf_get_le32(h + 20 + 4 * k);

		sub_cursor(&c, len, &in->col[k]);
	}
	/* Every section present, nothing left over. */
	return !c.bad && kdf_cursor_left(&c) == 0;
}

/* Is this chunk's argument table ours, or an older minor's (1.0 at
 * least: a prefix of it, WAKEUP without its 1.2 arguments, CENSUS
 * without its 1.3 one)?  Then the
 * fast path decodes it, with the chunk's own argument counts; decode_v1()
 * still refuses the types beyond the chunk's table. */
static int layout_is_v1(const struct events_in *in)
{
	if (in->ntypes < NTYPES_V1_0 || in->ntypes > sizeof(nargs_v1))
		return 0;
	for (unsigned int t = 0; t < in->ntypes; t++)
		if (in->nargs[t] != nargs_v1[t] &&
		    !(t == KDF_EV_WAKEUP && in->nargs[t] == NARGS_WAKEUP_V1_1) &&
		    !(t == KDF_EV_CENSUS && in->nargs[t] == NARGS_CENSUS_V1_2))
			return 0;
	return 1;
}

/*
 * Common part of both decoding loops: tid, cpu and ts of event i, checked.
 * Returns 0 on a malformed value.
 */
static inline int decode_common(struct events_in *in, uint32_t i, uint64_t *ts,
				struct kdf_event *ev)
{
	uint64_t tidx = kdf_cursor_varint(&in->col[COL_TIDX]);
	uint64_t cpu = kdf_cursor_varint(&in->col[COL_CPU]);

	*ts += (uint64_t)kdf_unzigzag(kdf_cursor_varint(&in->col[COL_TS]));
	ev->ts = *ts;
	ev->type = in->type[i];
	ev->flags = in->flags[i];
	ev->cpu = (uint16_t)cpu;
	memset(&ev->u, 0, sizeof(ev->u));
	return cpu <= UINT16_MAX && to_tid(in, tidx, &ev->tid);
}

/* The most arguments an event of a 1.x layout the fast path takes has
 * (STACK's), and so the most varints it reads from the arguments' column. */
#define ARGS_V1_MAX 4

/* A varint of the fast path: checked against the end, or not (in_room, a
 * constant where this is expanded). */
#define VARINT(c, in_room) \
	((in_room) ? kdf_cursor_varint_room(c, 1) : kdf_cursor_varint(c))

/* The fast path's columns: local copies, so that the compiler keeps them
 * in registers (stores into the events could otherwise alias them). */
struct v1_cols {
	struct kdf_cursor tidx, cpu, dts, args;
};

/* Event i of a 1.0 layout into ev: 1, or 0 on a value out of range.
 * *back is set when its ts is before the previous one's (a step back, or
 * one that wraps). */
static inline __attribute__((always_inline)) int decode_v1_one(const struct events_in *in,
							       struct v1_cols *k, uint32_t i,
							       uint64_t *ts, int *back,
							       struct kdf_event *ev, int in_room)
{
	uint64_t t = VARINT(&k->tidx, in_room);
	uint64_t c = VARINT(&k->cpu, in_room);
	uint64_t a[4] = { 0 };
	uint64_t prev = *ts;

	*ts += (uint64_t)kdf_unzigzag(in_room ? kdf_cursor_varint_mixed_room(&k->dts, 1)
					      : kdf_cursor_varint_mixed(&k->dts));
	*back |= *ts < prev;
	ev->ts = *ts;
	ev->type = in->type[i];
	ev->flags = in->flags[i];
	ev->cpu = (uint16_t)c;
	memset(&ev->u, 0, sizeof(ev->u));
	if (c > UINT16_MAX || t >= in->ntids)
		return 0;
	ev->tid = in->tids[t];
	switch (ev->type) {
	case KDF_EV_SYS_ENTER:
		a[0] = VARINT(&k->args, in_room);
		ev->u.sys.nr = (uint32_t)a[0];
		return a[0] <= UINT32_MAX;
	case KDF_EV_SYS_EXIT:
		a[0] = VARINT(&k->args, in_room);
		a[1] = VARINT(&k->args, in_room);
		ev->u.sys.nr = (uint32_t)a[0];
		return a[0] <= UINT32_MAX && to_s32(a[1], &ev->u.sys.ret);
	default:
		/* 0 is reserved; above the table is out of this layout */
		if (ev->type == 0 || ev->type >= in->ntypes)
			return 0;
		for (unsigned int j = 0; j < in->nargs[ev->type]; j++)
			a[j] = VARINT(&k->args, in_room);
		return fill_args(in, ev, a);
	}
}

/* How many events from here on can be read with no check of the columns'
 * ends: each reads at most one varint of the tid, cpu and time columns
 * and ARGS_V1_MAX of the arguments'. */
static uint32_t events_in_room(const struct v1_cols *k)
{
	size_t room = kdf_cursor_left(&k->tidx) / KDF_VARINT_MAX, r;

	r = kdf_cursor_left(&k->cpu) / KDF_VARINT_MAX;
	room = r < room ? r : room;
	r = kdf_cursor_left(&k->dts) / KDF_VARINT_MAX;
	room = r < room ? r : room;
	r = kdf_cursor_left(&k->args) / (KDF_VARINT_MAX * ARGS_V1_MAX);
	room = r < room ? r : room;
	return room < UINT32_MAX ? (uint32_t)room : UINT32_MAX;
}

/* The span of v[0..n) into the tally: with no step back in time, its
 * first and last events; else the earliest and latest, walked for. */
static void span(const struct kdf_event *v, size_t n, int in_order, struct kdf_events_tally *tally)
{
	uint64_t lo = n ? v[0].ts : 0, hi = n ? v[n - 1].ts : 0;

	tally->in_order = in_order;
	for (size_t i = 0; !in_order && i < n; i++) {
		lo = v[i].ts < lo ? v[i].ts : lo;
		hi = v[i].ts > hi ? v[i].ts : hi;
	}
	tally->first_ts = lo;
	tally->last_ts = hi;
}

/*
 * The usual case: a 1.0 layout, decoded straight into out.  The events
 * go in runs that the columns hold whatever the bytes (events_in_room()):
 * their varints are read without checking the ends, which is a compare
 * and a branch fewer a varint; the last few events, with the ends checked.
 */
static int decode_v1(struct events_in *in, uint64_t ts, struct kdf_event *out,
		     struct kdf_events_tally *tally)
{
	struct v1_cols k = { in->col[COL_TIDX], in->col[COL_CPU], in->col[COL_TS],
			     in->col[COL_ARGS] };
	/* the tally in locals: stores into out could alias it */
	uint64_t by_type[KDF_EV_TYPE_MAX + 1] = { 0 };
	int back = 0;
	int ok = 1;

	for (uint32_t i = 0; i < in->n && ok;) {
		uint32_t run = events_in_room(&k), end;

		if (!run) {
			ok = decode_v1_one(in, &k, i, &ts, &back, &out[i], 0);
			/* a type out of the table only when not ok */
			by_type[ok ? out[i].type : 0]++;
			i++;
			continue;
		}
		end = in->n - i < run ? in->n : i + run;
		for (; i < end && ok; i++) {
			ok = decode_v1_one(in, &k, i, &ts, &back, &out[i], 1);
			by_type[ok ? out[i].type : 0]++;
		}
		/* a malformed varint moved on within the room: stop there */
		if (k.tidx.bad | k.cpu.bad | k.dts.bad | k.args.bad)
			ok = 0;
	}
	in->col[COL_TIDX] = k.tidx;
	in->col[COL_CPU] = k.cpu;
	in->col[COL_TS] = k.dts;
	in->col[COL_ARGS] = k.args;
	memcpy(tally->by_type, by_type, sizeof(by_type));
	if (ok)
		span(out, in->n, !back, tally);
	return ok;
}

/* Any layout: a newer writer's extra arguments and event types skipped. */
static int decode_any(struct events_in *in, uint64_t ts, struct kdf_event *out, size_t *n_out,
		      uint32_t *unknown, struct kdf_events_tally *tally)
{
	size_t n = 0;

	memset(tally, 0, sizeof(*tally));
	tally->in_order = 1;

	for (uint32_t i = 0; i < in->n; i++) {
		struct kdf_event *ev = &out[n];
		uint64_t a[MAX_ARGS] = { 0 };
		unsigned int na;

		if (!decode_common(in, i, &ts, ev) || ev->type >= in->ntypes)
			return 0;
		na = in->nargs[ev->type];
		for (unsigned int k = 0; k < na; k++) {
			uint64_t v = kdf_cursor_varint(&in->col[COL_ARGS]);

			if (k < MAX_ARGS)
				a[k] = v;
		}
		if (ev->type == 0 || ev->type > KDF_EV_TYPE_MAX) {
			(*unknown)++;
			continue;
		}
		if (!fill_args(in, ev, a))
			return 0;
		tally->by_type[ev->type]++;
		if (n && ev->ts < out[n - 1].ts)
			tally->in_order = 0;
		n++;
	}
	span(out, n, tally->in_order, tally);
	*n_out = n;
	return 1;
}

int kdf_events_decode(const uint8_t *raw, size_t raw_len, uint32_t count, struct kdf_event *out,
		      size_t *n_out, uint32_t *unknown, struct kdf_events_tally *tally)
{
	struct events_in in = { 0 };
	struct kdf_cursor tids_cur;
	uint64_t ts;
	size_t n = 0;
	int ok;

	*n_out = 0;
	*unknown = 0;
	if (!split_sections(raw, raw_len, count, &in, &ts, &tids_cur))
		return KDF_E_CORRUPT;
	in.tids = kdf_calloc(in.ntids ? in.ntids : 1, sizeof(*in.tids));
	if (!in.tids)
		return KDF_E_NOMEM;
	for (uint32_t i = 0; i < in.ntids; i++)
		in.tids[i] = kdf_cursor_varint32(&tids_cur);
	ok = !tids_cur.bad && !kdf_cursor_left(&tids_cur);
	if (ok && layout_is_v1(&in)) {
		ok = decode_v1(&in, ts, out, tally);
		n = in.n;
	} else if (ok) {
		ok = decode_any(&in, ts, out, &n, unknown, tally);
	}
	/* Every column consumed exactly, none read past its end. */
	for (int k = 0; k < COL_VARINT_COUNT; k++)
		if (in.col[k].bad || kdf_cursor_left(&in.col[k]))
			ok = 0;
	kdf_free(in.tids);
	if (!ok)
		return KDF_E_CORRUPT;
	*n_out = n;
	return 0;
}
