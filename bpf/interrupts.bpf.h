/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * interrupts.bpf.h - the hard and soft irq programs: spans of the target's
 * threads interrupted, and the interrupt context marks of who.bpf.h on
 * every CPU.  Included by bpf/kdelay.bpf.c after who.bpf.h.
 */
#ifndef KDELAY_INTERRUPTS_BPF_H
#define KDELAY_INTERRUPTS_BPF_H

static __always_inline bool current_is_target(__u32 *tid)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	*tid = (__u32)pid_tgid;
	return (__u32)(pid_tgid >> 32) == targ_tgid && capturing();
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	struct kd_ev_irq_entry *e;
	__u32 tid;

	hardirq_mark(irq + 1);
	if (!current_is_target(&tid))
		return 0;
	e = ev_reserve(sizeof(*e), KD_EV_IRQ_ENTRY, tid);
	if (!e)
		return 0;
	e->irq = irq;
	e->pad = 0;
	__builtin_memset(e->name, 0, sizeof(e->name));
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(action, name));
	ev_submit(e);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq, struct irqaction *action, int ret)
{
	struct kd_ev_irq_exit *e;
	__u32 tid;

	hardirq_mark(0);
	if (!current_is_target(&tid))
		return 0;
	e = ev_reserve(sizeof(*e), KD_EV_IRQ_EXIT, tid);
	if (!e)
		return 0;
	e->irq = irq;
	e->ret = ret;
	ev_submit(e);
	return 0;
}

static __always_inline int softirq(unsigned int vec, __u8 type)
{
	struct kd_ev_softirq *e;
	__u32 tid;

	if (!current_is_target(&tid))
		return 0;
	e = ev_reserve(sizeof(*e), type, tid);
	if (!e)
		return 0;
	e->vec = vec;
	e->pad = 0;
	ev_submit(e);
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry, unsigned int vec)
{
	softirq_mark(vec + 1);
	return softirq(vec, KD_EV_SOFTIRQ_ENTRY);
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec)
{
	softirq_mark(0);
	return softirq(vec, KD_EV_SOFTIRQ_EXIT);
}

#endif /* KDELAY_INTERRUPTS_BPF_H */
