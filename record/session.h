/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session.h - the state of one recording, shared by recorder.c (the
 * window loop) and session.c (bringing it up and down).  Private to
 * record/.
 */
#ifndef KD_SESSION_H
#define KD_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "attach.h"
#include "consumer.h"
#include "meta.h"
#include "options.h"
#include "recorder.h"
#include "status.h"
#include "target.h"
#include "window.h"

struct ring_buffer;
struct symbols;

#define BSS_LOAD(s, f) __atomic_load_n(&(s)->bpf.skel->bss->f, __ATOMIC_ACQUIRE)
#define BSS_STORE(s, f, v) __atomic_store_n(&(s)->bpf.skel->bss->f, (v), __ATOMIC_RELEASE)

struct session {
	const struct kd_opts *o;
	const struct kd_record_hooks *hooks;
	struct kd_target target;
	struct kd_bpf bpf;
	struct kd_meta meta;
	struct kdf_writer *w;
	struct ring_buffer *rb;
	/* staging: the ring's consumer and producer position pages, mapped
	 * read-only, to tell whether a drain reached what was produced */
	void *ring_pos;
	struct symbols *syms;
	struct kd_window win;
	struct kd_consumer cons;
	struct kd_status st;
	int sigfd;
	/* what the loop waits on: the signalfd, the target's pidfd, and the
	 * ring, edge-triggered so that only a wake-up from BPF (a filling
	 * ring, a trigger) ends the wait, not records merely present */
	int epfd;
	bool until_exit;      /* COMMAND without --sample-time */
	bool stop_all;	      /* signal, target exit or error: no more windows */
	int exit_reason;
	uint64_t drop0, miss0, lost0;
	uint64_t overflow;    /* events lost to the trigger-delta buffer bound */
	uint64_t last_flush;
	uint64_t missed_total; /* trigger misses up to the last window's end */
	int hook_rc;	      /* non-zero status returned by hooks->on_window */
};

/* Find or start the target, check triggers, open the file, load and
 * attach BPF, name the threads.  Returns 0 or an exit status (printed). */
int session__setup(struct session *s);

/* What the loop's epoll set reports (struct epoll_event's data.u32). */
enum { KD_WAIT_SIGNAL, KD_WAIT_TARGET, KD_WAIT_RING };

/* Consume what is left in the ring buffer. */
void session__drain(struct session *s);

/* After a drain: let the BPF side wake the recorder again when the ring
 * fills (bpf/record.bpf.h, ring_flags). */
void session__drained(struct session *s);

/* Stop capturing, write the summary, close the file; returns the exit
 * status given the loop's rc.  Then session__free(). */
int session__finish(struct session *s, int rc);
void session__free(struct session *s);

#endif /* KD_SESSION_H */
