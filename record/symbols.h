/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * symbols.h - the addresses recorded stacks use, symbolized once each and
 * written as kdf_symbol chunks before the window that needs them.
 */
#ifndef KD_SYMBOLS_H
#define KD_SYMBOLS_H

#include <stdint.h>
#include <sys/types.h>

struct kdf_writer;
struct symbols;

/* exe: see usyms__new().  NULL on allocation failure. */
struct symbols *symbols__new(pid_t pid, const char *exe);
void symbols__free(struct symbols *s);

/* Note the addresses of one stack (first nk kernel, then nu user ones);
 * only addresses never seen before are queued.  Returns 0 or -ENOMEM. */
int symbols__add(struct symbols *s, const uint64_t *ips, uint32_t nk, uint32_t nu);

/*
 * How many leading frames of a kernel stack belong to kdelay's own probe
 * (the BPF program, bpf_trace_run*, __bpf_trace_*, __traceiter_*): they
 * say nothing about the traced syscall.  Cheap after the first call: the
 * return addresses of that path are the same in every stack.
 */
uint32_t symbols__probe_frames(struct symbols *s, const uint64_t *ips, uint32_t nk);

/* Symbolize what is queued and write it; returns a kdf_err. */
int symbols__flush(struct symbols *s, struct kdf_writer *w);

#endif /* KD_SYMBOLS_H */
