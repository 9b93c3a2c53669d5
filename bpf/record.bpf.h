/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record.bpf.h - how a program writes a record to the ring: reserve it
 * (ev_reserve), submit it (ev_submit), wake the recorder when the ring
 * fills (ring_flags), and note what could not be written (ev_lost, the
 * KD_EV_LOSS records).  Included by bpf/kdelay.bpf.c after the ring and
 * the capture state it shares with the recorder.
 */
#ifndef KDELAY_RECORD_BPF_H
#define KDELAY_RECORD_BPF_H

/*
 * Where events were lost.  The ring is one buffer for all CPUs: when it is
 * full every reservation fails until the recorder drains it (its tick).
 * A failure is noted in its CPU's slot (loss_count[], and loss_first_ts[]
 * for the time of the first one) and raises loss_pending; the next
 * reservation that succeeds, on any CPU, first writes a KD_EV_LOSS
 * record per slot with losses, so the record lands in the ring before
 * every event that follows the loss, and the report can tell which
 * intervals span it (docs/format.md section 5.2).
 * The fast path pays one load of loss_pending when nothing was lost.
 *
 * Concurrency: programs of several CPUs, and programs nested on one CPU
 * (an irq inside a syscall hook), note and flush at the same time.  A
 * writer lowers first_ts (0 = none) before it adds to count, and raises
 * loss_pending after; a flusher clears loss_pending before it takes the
 * slots, takes count before first_ts, both with xchg, and reads the clock
 * after: so every loss it takes has a time at or before the end_ts it
 * writes, and at or after the first_ts of this record or of an earlier
 * one (whose end_ts is later than that loss, too).  Every loss is thus
 * inside the time range of some LOSS record, and the counts add up to
 * the losses: what the report relies on.  A record that cannot be
 * reserved either puts its losses back.
 */
__u64 loss_count[KD_LOSS_CPUS];
__u64 loss_first_ts[KD_LOSS_CPUS];
__u32 loss_cpus = 0;	/* slots to scan: highest slot noted + 1 */
__u64 loss_pending = 0; /* some slot holds losses not yet written */

static __noinline int loss_note(__u32 cpu, __u64 n, __u64 ts)
{
	__u32 slot = cpu & (KD_LOSS_CPUS - 1), have;
	__u64 *first = &loss_first_ts[slot], cur;
	int i;

	/* first_ts = min(first_ts, ts): only programs nested on this CPU and
	 * flushers change it meanwhile, so a few tries always do */
	for (i = 0; i < 8; i++) {
		cur = *(volatile __u64 *)first;
		if ((cur && cur <= ts) || __sync_val_compare_and_swap(first, cur, ts) == cur)
			break;
	}
	__sync_fetch_and_add(&loss_count[slot], n);
	for (i = 0; i < 8; i++) {
		have = *(volatile __u32 *)&loss_cpus;
		if (have > slot || __sync_val_compare_and_swap(&loss_cpus, have, slot + 1) == have)
			break;
	}
	__sync_lock_test_and_set(&loss_pending, 1);
	return 0;
}

/*
 * Waking the recorder.  It drains the ring on a long timer, since on a
 * paravirtual guest a wake-up costs it as much CPU as ~1000 events; a
 * burst must not fill the ring before the timer, so a submit that finds
 * more than wake_mark bytes in the ring wakes it.  wake_pending (cleared
 * by the recorder after each drain) makes that one wake-up per drain,
 * whatever the CPUs.  wake_mark 0: never (the flight recorder drains on a
 * short tick of its own, and the check then costs nothing).
 */
const volatile __u64 wake_mark = 0;
__u64 wake_pending = 0;

static __always_inline __u64 ring_flags(void)
{
	if (!wake_mark || *(volatile __u64 *)&wake_pending ||
	    bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < wake_mark ||
	    __sync_lock_test_and_set(&wake_pending, 1))
		return BPF_RB_NO_WAKEUP;
	return BPF_RB_FORCE_WAKEUP;
}

/* bpf_loop() callback: write the losses of slot i as one record. */
static long loss_flush_slot(__u32 i, void *ctx)
{
	__u32 slot = i & (KD_LOSS_CPUS - 1);
	struct kd_ev_loss *e;
	__u64 n, first, end;

	n = __sync_lock_test_and_set(&loss_count[slot], 0);
	if (!n)
		return 0;
	first = __sync_lock_test_and_set(&loss_first_ts[slot], 0);
	end = bpf_ktime_get_ns();
	if (!first || first > end)
		first = end; /* its losses are in an earlier record's range */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		loss_note(slot, n, first); /* full again: keep them for later */
		return 1;
	}
	e->hdr.ts = first;
	e->hdr.tid = 0;
	e->hdr.type = KD_EV_LOSS;
	e->hdr.flags = 0;
	e->hdr.cpu = slot;
	e->count = n;
	e->end_ts = end;
	bpf_ringbuf_submit(e, ring_flags());
	return 0;
}

/* Before a record: the losses not yet written, if any (one load if not). */
static __always_inline void loss_flush(void)
{
	if (!loss_pending || !__sync_lock_test_and_set(&loss_pending, 0))
		return;
	bpf_loop(loss_cpus, loss_flush_slot, NULL, 0);
}

/* A record could not be written: count it, and note where and when. */
static __always_inline void ev_lost(void)
{
	__sync_fetch_and_add(&dropped, 1);
	loss_note(bpf_get_smp_processor_id(), 1, bpf_ktime_get_ns());
}

/*
 * Reserve a record and fill its header.  The timestamp is read after the
 * capture gate was checked, so no record of a window predates the trigger
 * that opened it.
 */
static __always_inline void *ev_reserve(__u32 size, __u8 type, __u32 tid)
{
	struct kd_ev_hdr *h;

	loss_flush();
	h = bpf_ringbuf_reserve(&events, size, 0);
	if (!h) {
		ev_lost();
		return NULL;
	}
	h->ts = bpf_ktime_get_ns();
	h->tid = tid;
	h->type = type;
	h->flags = 0;
	h->cpu = bpf_get_smp_processor_id();
	return h;
}

/*
 * A reserved record takes at most KD_RESERVED_MAX bytes of the ring with
 * its ring header, so some record begins in the first KD_RESERVED_MAX
 * bytes of every page of the ring: only such a record looks at how full
 * the ring is (a helper call), about once per page, which the wake mark
 * (a quarter of the ring) does not notice.  The ring's data area is page
 * aligned, so a record's place in its page is that of its address.
 */
#define KD_RESERVED_MAX 64
#define KD_RING_HDR_SZ 8 /* BPF_RINGBUF_HDR_SZ */

static __always_inline void ev_submit(void *e)
{
	if ((((__u64)e - KD_RING_HDR_SZ) & 4095) < KD_RESERVED_MAX)
		bpf_ringbuf_submit(e, ring_flags());
	else
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

#endif /* KDELAY_RECORD_BPF_H */
