// SPDX-License-Identifier: BSD-2-Clause
/*
 * consumer.c - ring-buffer records to capture items.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "consumer.h"
#include "flight.h"
#include "kdelay_events.h"
#include "symbols.h"
#include "threads.h"

static void deliver(struct kd_consumer *c, const struct kdf_event *ev);

static int deliver_merged(void *ctx, const struct kdf_event *ev)
{
	deliver(ctx, ev);
	return 0;
}

void consumer__init(struct kd_consumer *c, struct kdf_writer *w, struct kd_window *win,
		    struct symbols *syms)
{
	memset(c, 0, sizeof(*c));
	c->w = w;
	c->win = win;
	c->syms = syms;
	merge__init(&c->merge, deliver_merged, c);
}

void consumer__release(struct kd_consumer *c, uint64_t upto)
{
	if (c->merging)
		merge__release(&c->merge, upto);
}

void consumer__new_window(struct kd_consumer *c)
{
	if (c->stack_seen)
		memset(c->stack_seen, 0, c->stack_seen_bits / 8);
	c->stacks_in_window = 0;
	c->stacks_over_limit = 0;
}

void consumer__free(struct kd_consumer *c)
{
	if (!c)
		return;
	merge__free(&c->merge);
	free(c->stack_seen);
	c->stack_seen = NULL;
	c->stack_seen_bits = 0;
}

/*
 * May this window reference stack id?  Yes if it already does, or while
 * fewer than stack_limit distinct stacks are referenced.  The bitmap
 * grows with the stack table, not per event.
 */
static bool stack_allowed(struct kd_consumer *c, uint32_t id)
{
	if (!c->stack_limit)
		return true;
	if (id >= c->stack_seen_bits) {
		size_t bits = c->stack_seen_bits ? c->stack_seen_bits : 4096;
		uint8_t *b;

		while (bits <= id)
			bits *= 2;
		b = realloc(c->stack_seen, bits / 8);
		if (!b)
			return false;
		memset(b + c->stack_seen_bits / 8, 0, (bits - c->stack_seen_bits) / 8);
		c->stack_seen = b;
		c->stack_seen_bits = bits;
	}
	if (c->stack_seen[id / 8] & (1u << (id % 8)))
		return true;
	if (c->stacks_in_window >= c->stack_limit)
		return false;
	c->stack_seen[id / 8] |= (uint8_t)(1u << (id % 8));
	c->stacks_in_window++;
	return true;
}

/* Intern one half of a stack; 0 and the lost flag when it cannot be kept. */
static uint32_t stack_half(struct kd_consumer *c, const uint64_t *ips, uint32_t n,
			   struct kdf_event *ev, uint8_t lost_flag)
{
	uint32_t id = kdf_writer_stack(c->w, ips, n);

	if (id && stack_allowed(c, id))
		return id;
	ev->flags |= lost_flag;
	return 0;
}

int consumer__emit(void *ctx, const struct kdf_event *ev)
{
	struct kd_consumer *c = ctx;
	int err = kdf_writer_event(c->w, ev);

	if (err) {
		if (!c->err)
			c->err = err;
		return err;
	}
	c->written[ev->type <= KDF_EV_TYPE_MAX ? ev->type : 0]++;
	return 0;
}

/* Stacks: intern both halves; the user side stays exact (no hashing). */
static void stack_event(struct kd_consumer *c, const struct kd_ev_stack *s, size_t size,
			struct kdf_event *ev)
{
	uint32_t nk = s->kernel_depth, nu = s->user_depth, skip;
	/* __u64 is unsigned long long, uint64_t unsigned long: same bits. */
	const uint64_t *ips = (const uint64_t *)s->ips;
	const uint64_t *uips = ips + nk;
	/* already counted as lost by BPF (bpf_get_stack() failed) */
	bool was_lost = ev->flags & (KDF_STACK_KERNEL_LOST | KDF_STACK_USER_LOST);

	ev->u.stack.nr = s->nr;
	ev->u.stack.entry_ts = s->entry_ts;
	if (KD_EV_STACK_SIZE((size_t)nk + nu) > size) {
		ev->flags |= KDF_STACK_KERNEL_LOST | KDF_STACK_USER_LOST;
		return;
	}
	/* Only stacks of the current window cost symbols and table space. */
	if (s->hdr.ts < c->win->start_ts || s->hdr.ts > c->win->end_ts)
		return;
	/* The stack starts in our own BPF program: drop those frames. */
	if (c->syms && nk) {
		skip = symbols__probe_frames(c->syms, ips, nk);
		ips += skip;
		nk -= skip;
	}
	if (nk)
		ev->u.stack.kstack_id = stack_half(c, ips, nk, ev, KDF_STACK_KERNEL_LOST);
	if (nu)
		ev->u.stack.ustack_id = stack_half(c, uips, nu, ev, KDF_STACK_USER_LOST);
	if (!was_lost && (ev->flags & (KDF_STACK_KERNEL_LOST | KDF_STACK_USER_LOST))) {
		c->stacks_over_limit++;
		c->stacks_over_limit_total++;
	}
	if (c->syms &&
	    ((ev->u.stack.kstack_id && symbols__add(c->syms, ips, nk, 0)) ||
	     (ev->u.stack.ustack_id && symbols__add(c->syms, uips, 0, nu))) &&
	    !c->err)
		c->err = KDF_E_NOMEM;
}

static size_t min_size(uint8_t type)
{
	switch (type) {
	case KD_EV_SYS_ENTER:
	case KD_EV_SYS_EXIT: return sizeof(struct kd_ev_sys);
	case KD_EV_SWITCH: return sizeof(struct kd_ev_switch);
	case KD_EV_WAKEUP: return sizeof(struct kd_ev_wakeup);
	case KD_EV_IRQ_ENTRY: return sizeof(struct kd_ev_irq_entry);
	case KD_EV_IRQ_EXIT: return sizeof(struct kd_ev_irq_exit);
	case KD_EV_SOFTIRQ_ENTRY:
	case KD_EV_SOFTIRQ_EXIT: return sizeof(struct kd_ev_softirq);
	case KD_EV_TRIGGER: return sizeof(struct kd_ev_trigger);
	case KD_EV_COMM: return sizeof(struct kd_ev_comm);
	case KD_EV_THREAD_EXIT: return sizeof(struct kd_ev_exit);
	case KD_EV_STACK: return KD_EV_STACK_SIZE(0);
	case KD_EV_LOSS: return sizeof(struct kd_ev_loss);
	case KD_EV_CPU_RUN: return sizeof(struct kd_ev_cpu_run);
	}
	return (size_t)-1;
}

/* Counted here, as BPF counts them in its dropped total, so a test can
 * hold the two against each other. */
static void loss_event(struct kd_consumer *c, struct kdf_event *ev, uint64_t count,
		       uint64_t end_ts)
{
	ev->type = KDF_EV_LOSS;
	ev->tid = 0;
	ev->flags = 0;
	ev->u.loss.count = count;
	ev->u.loss.end_ts = end_ts < ev->ts ? ev->ts : end_ts;
	c->losses += count;
}

/* Where the event goes: the flight recorder's memory or the window. */
static void deliver(struct kd_consumer *c, const struct kdf_event *ev)
{
	if (c->flight) {
		flight__push(c->flight, ev);
		if (ev->type == KDF_EV_TRIGGER && c->on_trigger)
			c->on_trigger(c->ctx, ev);
		return;
	}
	if (window__event(c->win, ev) && !c->err)
		c->err = KDF_E_IO;
}

void consumer__take_losses(struct kd_consumer *c, __u64 *count, __u64 *first_ts,
			   uint32_t nslots, uint64_t now)
{
	for (uint32_t i = 0; i < nslots && i < KD_LOSS_CPUS; i++) {
		struct kdf_event ev;
		uint64_t n = __atomic_exchange_n(&count[i], 0, __ATOMIC_SEQ_CST);

		if (!n)
			continue;
		memset(&ev, 0, sizeof(ev));
		/* same order and fallback as the BPF flusher (bpf/record.bpf.h, loss_flush_slot) */
		ev.ts = __atomic_exchange_n(&first_ts[i], 0, __ATOMIC_SEQ_CST);
		if (!ev.ts || ev.ts > now)
			ev.ts = now;
		ev.cpu = (uint16_t)i;
		loss_event(c, &ev, n, now);
		deliver(c, &ev);
	}
}

static int handle_record(struct kd_consumer *c, const void *data, size_t size,
			 uint32_t source);

/* A batch of staged syscall records of one CPU, in time order. */
static int handle_batch(struct kd_consumer *c, const struct kd_ev_batch *b, size_t size)
{
	uint32_t n = b->hdr.tid, source;

	if (n == 0 || n > KD_STAGE_BATCH || b->hdr.flags >= KD_STAGE_LEVELS ||
	    b->hdr.cpu >= KD_LOSS_CPUS ||
	    size < sizeof(b->hdr) + (size_t)n * sizeof(struct kd_ev_sys)) {
		c->bad_records++;
		return 0;
	}
	c->batches++;
	/* source 0 is the records reserved one by one */
	source = 1 + (uint32_t)b->hdr.cpu * KD_STAGE_LEVELS + b->hdr.flags;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t type = b->recs[i].hdr.type;

		if (type != KD_EV_SYS_ENTER && type != KD_EV_SYS_EXIT) {
			c->bad_records++;
			continue;
		}
		handle_record(c, &b->recs[i], sizeof(b->recs[i]), source);
	}
	return 0;
}

/* A syscall record's type and fields (the header's are the caller's). */
static inline void sys_event(const struct kd_ev_sys *e, struct kdf_event *ev)
{
	ev->type = e->hdr.type == KD_EV_SYS_ENTER ? KDF_EV_SYS_ENTER : KDF_EV_SYS_EXIT;
	ev->u.sys.nr = e->nr;
	ev->u.sys.ret = e->ret;
}

/*
 * Most records are syscall entries and exits that go straight into the
 * open window: write those without the general path's type dispatch,
 * event clearing, window calls and indirect emit, which cost about as
 * much as encoding the event.  False: not such a record, or not now (no
 * open window writing through this consumer, events held or merged, the
 * flight recorder); then the general path decides.
 */
static bool sys_direct(struct kd_consumer *c, const struct kd_ev_sys *e, size_t size)
{
	const struct kd_window *win = c->win;
	struct kdf_event ev;

	if (size < sizeof(*e) || (e->hdr.type != KD_EV_SYS_ENTER && e->hdr.type != KD_EV_SYS_EXIT) ||
	    c->merging || c->flight || win->emit != consumer__emit || win->ctx != c ||
	    !window__passes(win, e->hdr.ts))
		return false;
	c->records++;
	ev.ts = e->hdr.ts;
	ev.tid = e->hdr.tid;
	ev.flags = e->hdr.flags;
	ev.cpu = e->hdr.cpu;
	sys_event(e, &ev);
	if (consumer__emit(c, &ev) && !c->err)
		c->err = KDF_E_IO;
	return true;
}

int consumer__handle(void *ctx, void *data, size_t size)
{
	struct kd_consumer *c = ctx;
	const struct kd_ev_hdr *h = data;

	if (sys_direct(c, data, size))
		return 0;
	if (size >= sizeof(*h) && h->type == KD_EV_SYS_BATCH)
		return handle_batch(c, data, size);
	return handle_record(c, data, size, 0);
}

static int handle_record(struct kd_consumer *c, const void *data, size_t size,
			 uint32_t source)
{
	const struct kd_ev_hdr *h = data;
	struct kdf_event ev;

	c->records++;
	if (size < sizeof(*h) || size < min_size(h->type)) {
		c->bad_records++;
		return 0;
	}
	if (h->type == KD_EV_COMM) {
		const struct kd_ev_comm *e = data;
		int err = threads__write(c->w, h->tid, e->comm, strnlen(e->comm, KD_COMM_LEN), h->ts);

		if (err && !c->err)
			c->err = err;
		return 0;
	}
	if (c->win->state == KD_WIN_ARMED && c->on_armed_event)
		c->on_armed_event(c->ctx);

	memset(&ev, 0, sizeof(ev));
	ev.ts = h->ts;
	ev.tid = h->tid;
	ev.cpu = h->cpu;
	ev.flags = h->flags;
	switch (h->type) {
	case KD_EV_SYS_ENTER:
	case KD_EV_SYS_EXIT:
		sys_event(data, &ev);
		break;
	case KD_EV_SWITCH: {
		const struct kd_ev_switch *e = data;

		ev.type = KDF_EV_SWITCH;
		ev.u.sw.next_tid = e->next_tid;
		ev.u.sw.prev_state = e->prev_state;
		break;
	}
	case KD_EV_WAKEUP: {
		const struct kd_ev_wakeup *e = data;

		ev.type = KDF_EV_WAKEUP;
		ev.u.wakeup.waker_tid = e->waker_tid;
		ev.u.wakeup.waker_pid = e->waker_pid;
		/* as irq names below: a few distinct names, each stored once */
		if (c->flight || (h->ts >= c->win->start_ts && h->ts <= c->win->end_ts))
			ev.u.wakeup.waker_name_id = kdf_writer_intern(
				c->w, e->waker_comm, strnlen(e->waker_comm, KD_COMM_LEN));
		break;
	}
	case KD_EV_IRQ_ENTRY: {
		const struct kd_ev_irq_entry *e = data;

		ev.type = KDF_EV_IRQ_ENTRY;
		ev.u.irq_entry.irq = e->irq;
		/* Interned only for events inside the window (in flight mode
		 * any may be: few distinct names, each stored once). */
		if (c->flight || (h->ts >= c->win->start_ts && h->ts <= c->win->end_ts))
			ev.u.irq_entry.name_id =
				kdf_writer_intern(c->w, e->name, strnlen(e->name, KD_IRQ_NAME_LEN));
		break;
	}
	case KD_EV_IRQ_EXIT: {
		const struct kd_ev_irq_exit *e = data;

		ev.type = KDF_EV_IRQ_EXIT;
		ev.u.irq_exit.irq = e->irq;
		ev.u.irq_exit.ret = e->ret;
		break;
	}
	case KD_EV_SOFTIRQ_ENTRY:
	case KD_EV_SOFTIRQ_EXIT: {
		const struct kd_ev_softirq *e = data;

		ev.type = h->type == KD_EV_SOFTIRQ_ENTRY ? KDF_EV_SOFTIRQ_ENTRY : KDF_EV_SOFTIRQ_EXIT;
		ev.u.softirq.vec = e->vec;
		break;
	}
	case KD_EV_TRIGGER:
		ev.type = KDF_EV_TRIGGER;
		break;
	case KD_EV_THREAD_EXIT:
		ev.type = KDF_EV_THREAD_EXIT;
		break;
	case KD_EV_STACK:
		ev.type = KDF_EV_STACK;
		ev.flags &= KDF_STACK_KERNEL_LOST | KDF_STACK_USER_LOST;
		stack_event(c, data, size, &ev);
		break;
	case KD_EV_LOSS: {
		const struct kd_ev_loss *e = data;

		loss_event(c, &ev, e->count, e->end_ts);
		break;
	}
	case KD_EV_CPU_RUN: {
		const struct kd_ev_cpu_run *e = data;

		ev.type = KDF_EV_CPU_RUN;
		ev.flags &= KDF_RUN_KTHREAD;
		ev.u.cpu_run.pid = e->pid;
		if (c->flight || (h->ts >= c->win->start_ts && h->ts <= c->win->end_ts))
			ev.u.cpu_run.name_id =
				kdf_writer_intern(c->w, e->comm, strnlen(e->comm, KD_COMM_LEN));
		break;
	}
	default:
		c->bad_records++;
		return 0;
	}
	if (!c->merging)
		deliver(c, &ev);
	else if (merge__push(&c->merge, source, &ev) && !c->err)
		c->err = KDF_E_NOMEM;
	return 0;
}
