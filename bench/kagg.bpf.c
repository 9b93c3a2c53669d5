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
