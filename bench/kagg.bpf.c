// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kagg.bpf.c - in-kernel syscall aggregation, the way kernel_delay.py's
 * syscall monitor does it, as the benchmark's peer for kdelay-record.
 *
 * sys_enter stores the entry time keyed by pid_tgid; sys_exit looks it up
 * and updates count / total / max for (pid, tid, syscall nr).  Like the
 * reference, both hooks check the target tgid and then a capture_on flag
 * (an array map) before doing anything else.
 *
 * The same logic is attached through one of three hook types, chosen by
 * user space with autoload: tp_btf (the default, what kdelay uses),
 * raw_tp, and the classic tracepoint/ that BCC's TRACEPOINT_PROBE uses.
 *
 * A fourth pair, "count", is the floor of any per-syscall work: on tp_btf,
 * for the target only, it adds one to a counter in .bss and nothing else.
 *
 * Two streaming pairs measure what kdelay's design choices cost, without
 * kdelay's recorder: "stream2" submits a 24-byte record on sys_enter and
 * another on sys_exit (what kdelay does), "stream1" keeps the entry time
 * in task storage and submits one 32-byte record per syscall on sys_exit.
 * Both use BPF_RB_NO_WAKEUP; kagg drains the ring on a 2 ms tick.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kagg.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 target_tgid = 0;
__u64 count_enter = 0;
__u64 count_exit = 0;
__u64 stream_dropped = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, KAGG_RING_BYTES);
} stream_rb SEC(".maps");

struct kagg_entry {
	__u64 ts;
	__u64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct kagg_entry);
} stream_entry SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} capture_on SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KAGG_MAX_ENTRIES);
	__type(key, __u64);
	__type(value, __u64);
} syscall_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KAGG_MAX_ENTRIES);
	__type(key, struct kagg_key);
	__type(value, struct kagg_val);
} syscall_data SEC(".maps");

static __always_inline bool capture_enabled(__u64 pid_tgid)
{
	__u32 zero = 0;
	__u64 *on;

	if ((__u32)(pid_tgid >> 32) != target_tgid)
		return false;
	on = bpf_map_lookup_elem(&capture_on, &zero);
	return on && *on == 1;
}

static __always_inline int on_enter(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 t;

	if (!capture_enabled(pid_tgid))
		return 0;
	t = bpf_ktime_get_ns();
	bpf_map_update_elem(&syscall_start, &pid_tgid, &t, BPF_ANY);
	return 0;
}

static __always_inline int on_exit(__u64 pid_tgid, __u32 nr)
{
	struct kagg_val *val, zero = {};
	struct kagg_key key;
	__u64 *start, delta;

	start = bpf_map_lookup_elem(&syscall_start, &pid_tgid);
	if (!start)
		return 0;

	key.pid = pid_tgid >> 32;
	key.tid = (__u32)pid_tgid;
	key.nr = nr;
	val = bpf_map_lookup_elem(&syscall_data, &key);
	if (!val) {
		bpf_map_update_elem(&syscall_data, &key, &zero, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&syscall_data, &key);
		if (!val)
			return 0;
	}
	delta = bpf_ktime_get_ns() - *start;
	/* one key per thread: no other CPU updates it concurrently */
	val->count++;
	val->total_ns += delta;
	if (delta > val->max_ns)
		val->max_ns = delta;
	return 0;
}

/* tp_btf: arguments are typed, regs can be read directly. */
SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_btf_enter, struct pt_regs *regs, long id)
{
	return on_enter();
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_btf_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!capture_enabled(pid_tgid))
		return 0;
	return on_exit(pid_tgid, (__u32)regs->orig_ax);
}

/* raw_tp: untyped arguments, regs read with a probe-read helper. */
SEC("raw_tp/sys_enter")
int BPF_PROG(kagg_raw_enter, struct pt_regs *regs, long id)
{
	return on_enter();
}

SEC("raw_tp/sys_exit")
int BPF_PROG(kagg_raw_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!capture_enabled(pid_tgid))
		return 0;
	return on_exit(pid_tgid, (__u32)BPF_CORE_READ(regs, orig_ax));
}

/* tracepoint/: the kernel formats the whole record before the program runs. */
SEC("tracepoint/raw_syscalls/sys_enter")
int kagg_tp_enter(struct trace_event_raw_sys_enter *args)
{
	return on_enter();
}

SEC("tracepoint/raw_syscalls/sys_exit")
int kagg_tp_exit(struct trace_event_raw_sys_exit *args)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!capture_enabled(pid_tgid))
		return 0;
	return on_exit(pid_tgid, (__u32)args->id);
}

/* count: the cheapest thing a hook can do for the target. */
SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_cnt_enter, struct pt_regs *regs, long id)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid)
		count_enter++;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_cnt_exit, struct pt_regs *regs, long ret)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid)
		count_exit++;
	return 0;
}

/* stream2: one record per event, as kdelay streams them. */
static __always_inline int stream_one(__u64 pid_tgid, __u8 type, __u32 nr, __s32 ret)
{
	struct kagg_rec2 *r;

	if (!capture_enabled(pid_tgid))
		return 0;
	r = bpf_ringbuf_reserve(&stream_rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&stream_dropped, 1);
		return 0;
	}
	r->ts = bpf_ktime_get_ns();
	r->tid = (__u32)pid_tgid;
	r->type = type;
	r->flags = 0;
	r->cpu = bpf_get_smp_processor_id();
	r->nr = nr;
	r->ret = ret;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_s2_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid)
		return 0;
	return stream_one(pid_tgid, 1, (__u32)id, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_s2_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)(pid_tgid >> 32) != target_tgid)
		return 0;
	return stream_one(pid_tgid, 2, (__u32)regs->orig_ax, (__s32)ret);
}

/* stream1: the entry stays in task storage; one record per syscall. */
SEC("tp_btf/sys_enter")
int BPF_PROG(kagg_s1_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct kagg_entry *e;

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	e = bpf_task_storage_get(&stream_entry, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (e) {
		e->ts = bpf_ktime_get_ns();
		e->nr = id;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kagg_s1_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct kagg_entry *e;
	struct kagg_rec1 *r;

	if ((__u32)(pid_tgid >> 32) != target_tgid || !capture_enabled(pid_tgid))
		return 0;
	e = bpf_task_storage_get(&stream_entry, bpf_get_current_task_btf(), 0, 0);
	if (!e || !e->ts)
		return 0;
	r = bpf_ringbuf_reserve(&stream_rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&stream_dropped, 1);
		return 0;
	}
	r->entry_ts = e->ts;
	r->exit_ts = bpf_ktime_get_ns();
	r->tid = (__u32)pid_tgid;
	r->nr = (__u32)e->nr;
	r->ret = (__s32)ret;
	r->cpu = bpf_get_smp_processor_id();
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	e->ts = 0;
	return 0;
}
