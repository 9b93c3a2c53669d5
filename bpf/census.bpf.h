/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * census.bpf.h - since when each target thread is asleep, for the census
 * the recorder takes from /proc when a window opens and closes: a thread
 * asleep in poll for the whole window makes no event, and the census can
 * then say since when it sleeps (from the recorder's attach on; not known
 * before).  Included by bpf/kdelay.bpf.c after thread_sched.bpf.h.
 *
 * The time is the thread's asleep_since (struct kd_thread_sched): when it
 * was switched out asleep (bpf_ktime_get_ns), 0 while it is not asleep;
 * written at that switch, cleared at its wakeup.  The recorder reads it
 * (census.c); a thread without state (the hash was full, counted as a
 * lost event) has a census that says "not known".
 */
#ifndef KDELAY_CENSUS_BPF_H
#define KDELAY_CENSUS_BPF_H

static __always_inline void asleep_begin(struct kd_thread_sched *ts, __u64 now)
{
	ts->asleep_since = now;
}

static __always_inline void asleep_end(struct kd_thread_sched *ts)
{
	ts->asleep_since = 0;
}

#endif /* KDELAY_CENSUS_BPF_H */
