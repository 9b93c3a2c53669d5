/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stagetick.h - the flush tick of the BPF side's per-CPU staging
 * (bpf/staging.bpf.h, stage_tick): one cpu-clock perf event per CPU that
 * runs the flush program every KD_STAGE_TICK_NS on its CPU.
 */
#ifndef KD_STAGETICK_H
#define KD_STAGETICK_H

#include <stdint.h>

struct bpf_program;
struct bpf_link;

/* A staged record reaches the ring within about this (plus the age check
 * of the BPF side when the tick finds its level held). */
#define KD_STAGE_TICK_NS 5000000ull
/* The longest the recorder holds events back to merge them in time
 * order: a staged record is in the ring a tick after its time, or at
 * worst when the BPF side's age check (10 ms) or the next tick after a
 * held level hands it over.  Usually it holds less: what is older than
 * every CPU's last complete flush goes on (record/recorder.c). */
#define KD_STAGE_HOLD_NS (4 * KD_STAGE_TICK_NS)

struct kd_stagetick {
	int ncpus;
	int *fds;		 /* perf events, one per possible CPU */
	struct bpf_link **links;
};

/*
 * Open the per-CPU events (before the BPF load, which needs to know
 * whether staging runs).  Returns 0, or -errno when some CPU has no such
 * event (then nothing stays open).
 */
int stagetick__open(struct kd_stagetick *t);

/* Attach prog to every event.  Returns 0 or -errno. */
int stagetick__attach(struct kd_stagetick *t, struct bpf_program *prog);

/* Detach and close (idempotent). */
void stagetick__close(struct kd_stagetick *t);

#endif /* KD_STAGETICK_H */
