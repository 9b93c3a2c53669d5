/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syscalls.h - syscall number -> name table of the traced ABI, generated
 * at build time from <asm/unistd_64.h> and stored in the capture's meta.
 */
#ifndef KD_SYSCALLS_H
#define KD_SYSCALLS_H

#include <stdint.h>

/* The table, indexed by number; entries may be NULL (holes). */
const char *const *syscalls__table(uint32_t *count);
/* Name of nr, or NULL. */
const char *syscalls__name(uint32_t nr);
/* Number of name, or -1 when this ABI has no such syscall. */
int syscalls__nr(const char *name);

#endif /* KD_SYSCALLS_H */
