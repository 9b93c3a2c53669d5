/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * census.bpf.h - since when each target thread is asleep, for the census
 * the recorder takes from /proc when a window opens and closes: a thread
 * asleep in poll for the whole window makes no event, and the census can
 * then say since when it sleeps (from the recorder's attach on; not known
 * before).  Included by bpf/kdelay.bpf.c after its record helpers.
 */
#ifndef KDELAY_CENSUS_BPF_H
#define KDELAY_CENSUS_BPF_H

/*
 * tid -> when it was switched out asleep (bpf_ktime_get_ns), 0 while it
 * is not asleep: written at that switch, cleared at its wakeup, the entry
 * deleted at its last switch.  Kept whatever the capture state: the sleep
 * that matters began before the window.  The recorder reads it (census.c).  A
 * hash keyed by tid for the reason waits_on is; a full map is counted as
 * a lost event, and the thread's census then says "not known".
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} asleep_since SEC(".maps");

static __always_inline void asleep_begin(__u32 tid, __u64 ts)
{
	__u64 *since = tid_slot(&asleep_since, tid, &ts);

	if (since)
		*since = ts;
	else
		ev_lost();
}

static __always_inline void asleep_end(__u32 tid)
{
	__u64 *since = bpf_map_lookup_elem(&asleep_since, &tid);

	if (since)
		*since = 0;
}

/* The thread switched out for the last time. */
static __always_inline void asleep_forget(__u32 tid)
{
	bpf_map_delete_elem(&asleep_since, &tid);
}

#endif /* KDELAY_CENSUS_BPF_H */
