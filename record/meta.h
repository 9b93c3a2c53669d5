/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * meta.h - the capture's meta chunk: who recorded what, where, when.
 */
#ifndef KD_META_H
#define KD_META_H

#include <sys/utsname.h>

#include "kdelay_format.h"

struct kd_opts;
struct kd_target;

#ifndef KDELAY_VERSION
#define KDELAY_VERSION "0.1.0"
#endif

/* kdf_meta plus the storage its strings point into. */
struct kd_meta {
	struct kdf_meta m;
	struct utsname uts;
	char hostname[256];
	char capture_id[33]; /* 128 random bits in hex */
	char *command_line; /* malloc()ed */
};

/* Fill *km; returns 0, -ENOMEM, or -errno of getrandom().  Free with meta__free(). */
int meta__init(struct kd_meta *km, const struct kd_opts *o, const struct kd_target *t);
void meta__free(struct kd_meta *km);

/* CLOCK_MONOTONIC now, in ns: the clock of bpf_ktime_get_ns(). */
uint64_t meta__mono_ns(void);

#endif /* KD_META_H */
