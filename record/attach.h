/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach.h - the BPF side's lifecycle: open the skeleton, set the
 * read-only knobs and the ring size, choose programs (runtime fallbacks,
 * the two trigger programs needed), load, attach.
 */
#ifndef KD_ATTACH_H
#define KD_ATTACH_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

#include "stagetick.h"
#include "trigger.h"

struct kd_opts;
struct kd_target;
struct kdelay_bpf;
struct bpf_link;

/* A trigger, checked against the target, with where to attach it. */
struct kd_trigger_spec {
	struct kd_trigger t;
	int is_stop;
	char path[PATH_MAX]; /* usdt/uprobe: the file that has the probe */
	struct bpf_link *link;
};

struct kd_bpf {
	struct kdelay_bpf *skel;
	struct kd_trigger_spec start, stop;
	int has_start, has_stop;
	/* Syscall records staged per CPU (bpf/staging.bpf.h, stage_sys): asked
	 * for and the flush tick opened on every CPU; else reserve/submit. */
	bool staging;
	struct kd_stagetick tick;
};

/*
 * Parse and check both triggers against the target (a USDT probe or a
 * uprobe function must exist, a tracepoint must exist; tracefs is mounted
 * when missing).  Returns 0 or a <sysexits.h> code after printing the
 * reason: EX_CONFIG for an invalid trigger, EX_OSERR when this kernel
 * cannot attach it (kprobes).
 */
int attach__check_triggers(struct kd_bpf *b, const struct kd_opts *o,
			   const struct kd_target *t, FILE *err);

/* Open, configure, load and attach everything.  Returns 0 or a
 * <sysexits.h> code after printing what failed. */
int attach__start(struct kd_bpf *b, const struct kd_opts *o, const struct kd_target *t,
		  FILE *err);

/* Detach and free (NULL-safe, idempotent). */
void attach__destroy(struct kd_bpf *b);

/* Mount tracefs at /sys/kernel/tracing when no tracefs is reachable, as
 * perf does.  Returns 0 or -errno. */
int attach__ensure_tracefs(void);

#endif /* KD_ATTACH_H */
