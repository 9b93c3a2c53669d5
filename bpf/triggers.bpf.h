/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * triggers.bpf.h - the start and stop trigger programs, one per kind and
 * role (USDT, uprobe, kprobe, raw and plain tracepoints), which open and
 * close the capture window.  Included by bpf/kdelay.bpf.c last.
 */
#ifndef KDELAY_TRIGGERS_BPF_H
#define KDELAY_TRIGGERS_BPF_H

static __always_inline void trigger_emit(__u64 ts, __u8 flags)
{
	struct kd_ev_trigger *e = ev_reserve(sizeof(*e), KD_EV_TRIGGER,
					     (__u32)bpf_get_current_pid_tgid());

	if (!e)
		return;
	e->hdr.ts = ts;
	e->hdr.flags = flags;
	e->pad[0] = e->pad[1] = 0;
	/* the recorder acts on a trigger at once, not at its next tick */
	bpf_ringbuf_submit(e, wake_mark ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* idle -> capturing; any other state means the recorder is not ready. */
static __always_inline int trigger_start(void)
{
	__u64 ts = bpf_ktime_get_ns();

	if (__sync_val_compare_and_swap(&capture_state, KD_CAPTURE_IDLE, KD_CAPTURE_ON) !=
	    KD_CAPTURE_IDLE) {
		__sync_fetch_and_add(&trigger_missed, 1);
		return 0;
	}
	start_trigger_ts = ts;
	trigger_emit(ts, KD_TRIG_START);
	return 0;
}

/* capturing -> stopped; a stop without a running window is ignored. */
static __always_inline int trigger_stop(void)
{
	__u64 ts = bpf_ktime_get_ns();

	if (__sync_val_compare_and_swap(&capture_state, KD_CAPTURE_ON,
					flight_mode ? KD_CAPTURE_IDLE : KD_CAPTURE_STOPPED) !=
	    KD_CAPTURE_ON)
		return 0;
	stop_trigger_ts = ts;
	trigger_emit(ts, KD_TRIG_STOP);
	return 0;
}

/* One program per trigger kind and role; the recorder loads only the two
 * it needs and attaches them itself (no auto-attach: no target in SEC). */
SEC("usdt")
int BPF_USDT(start_usdt)
{
	return trigger_start();
}

SEC("usdt")
int BPF_USDT(stop_usdt)
{
	return trigger_stop();
}

SEC("uprobe")
int BPF_KPROBE(start_uprobe)
{
	return trigger_start();
}

SEC("uprobe")
int BPF_KPROBE(stop_uprobe)
{
	return trigger_stop();
}

SEC("kprobe")
int BPF_KPROBE(start_kprobe)
{
	return trigger_start();
}

SEC("kprobe")
int BPF_KPROBE(stop_kprobe)
{
	return trigger_stop();
}

SEC("raw_tp")
int start_raw_tp(void *ctx)
{
	return trigger_start();
}

SEC("raw_tp")
int stop_raw_tp(void *ctx)
{
	return trigger_stop();
}

SEC("tp")
int start_tp(void *ctx)
{
	return trigger_start();
}

SEC("tp")
int stop_tp(void *ctx)
{
	return trigger_stop();
}

#endif /* KDELAY_TRIGGERS_BPF_H */
