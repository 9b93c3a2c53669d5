/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kfeatures.h - what kdelay's BPF programs need of the kernel, checked
 * before loading them, so that an old node's kernel gets one line saying
 * what it lacks and since which Linux version it exists, instead of a
 * verifier log.
 */
#ifndef KDELAY_KFEATURES_H
#define KDELAY_KFEATURES_H

#include <stdio.h>

/* Each: 1 present, 0 missing, < 0 could not be told (not judged). */
struct kd_kfeatures {
	int btf;     /* the kernel's own BTF: CONFIG_DEBUG_INFO_BTF, Linux 5.4 */
	int tracing; /* BPF_PROG_TYPE_TRACING, i.e. tp_btf programs: Linux 5.5 */
	int ringbuf; /* BPF_MAP_TYPE_RINGBUF: Linux 5.8 */
};

/* Probe the running kernel; btf_path is normally /sys/kernel/btf/vmlinux. */
void kfeatures__probe(struct kd_kfeatures *f, const char *btf_path);

/* 0 when nothing is known to be missing; else one line on err naming all
 * that is, and EX_UNAVAILABLE. */
int kfeatures__verdict(const struct kd_kfeatures *f, FILE *err);

#endif
