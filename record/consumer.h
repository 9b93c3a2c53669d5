/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * consumer.h - turn ring-buffer records (bpf/kdelay_events.h) into
 * capture-file items: events through the window, thread names straight
 * to the writer, stacks interned and their addresses queued for symbols.
 * No allocation or syscall per event.
 */
#ifndef KD_CONSUMER_H
#define KD_CONSUMER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "kdelay_format.h"
#include "merge.h"
#include "window.h"

struct kd_flight;
struct symbols;

struct kd_consumer {
	struct kdf_writer *w;
	struct kd_window *win;
	struct symbols *syms;	       /* NULL: no stacks expected */
	/* Opens the window when a record arrives while armed: the start
	 * trigger fired (its own record may come later or be dropped). */
	void (*on_armed_event)(void *ctx);
	/* Flight recorder: every event goes to this ring instead of the
	 * window, and each trigger record is told to on_trigger. */
	struct kd_flight *flight;
	void (*on_trigger)(void *ctx, const struct kdf_event *ev);
	void *ctx;
	uint64_t written[KDF_EV_TYPE_MAX + 1]; /* events written, by type */
	/* --stack-trace-size: distinct stacks (kernel and user counted apart,
	 * as in the reference's stack map) a window may reference; 0 = any. */
	uint32_t stack_limit;
	uint32_t stacks_in_window;
	uint8_t *stack_seen;		      /* bitmap by stack id, this window */
	size_t stack_seen_bits;
	uint64_t stacks_over_limit;	      /* this window */
	uint64_t stacks_over_limit_total;
	uint64_t records;		      /* records consumed (those of batches too) */
	uint64_t batches;		      /* KD_EV_SYS_BATCH ring records */
	uint64_t bad_records;		      /* unknown type or short */
	uint64_t losses;		      /* events KD_EV_LOSS records said lost */
	int err;			      /* first writer error (kdf_err) */
	/* Staging on: events wait in merge until consumer__release() lets
	 * them go in time order; off: they go out as they come. */
	bool merging;
	struct kd_merge merge;
};

void consumer__init(struct kd_consumer *c, struct kdf_writer *w, struct kd_window *win,
		    struct symbols *syms);

/* A window begins: forget which stacks the last one referenced. */
void consumer__new_window(struct kd_consumer *c);

/* Free what the consumer allocated (not the writer, window, symbols). */
void consumer__free(struct kd_consumer *c);

/* ring_buffer_sample_fn: ctx is the struct kd_consumer. */
int consumer__handle(void *ctx, void *data, size_t size);

/*
 * The window is closing: turn the losses BPF noted but did not write yet
 * (no record was reserved after them) into KDF_EV_LOSS events ending at
 * now.  count and first_ts are the BPF globals loss_count and
 * loss_first_ts (mmapped), nslots its loss_cpus; taken atomically, as
 * BPF may note more meanwhile.
 */
void consumer__take_losses(struct kd_consumer *c, __u64 *count, __u64 *first_ts,
			   uint32_t nslots, uint64_t now);

/*
 * Staging: let the events older than upto (UINT64_MAX: all) go to the
 * window or the flight recorder, in time order.  No-op without staging.
 */
void consumer__release(struct kd_consumer *c, uint64_t upto);

/* kd_emit_fn for the window: writes one event and counts it. */
int consumer__emit(void *ctx, const struct kdf_event *ev);

#endif /* KD_CONSUMER_H */
