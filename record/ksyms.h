/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ksyms.h - a /proc/kallsyms snapshot with binary search, to name the
 * kernel addresses of recorded stacks in the capture itself.
 */
#ifndef KD_KSYMS_H
#define KD_KSYMS_H

#include <stdint.h>

struct ksyms;

/* Load a snapshot of path (NULL = /proc/kallsyms); NULL with errno set. */
struct ksyms *ksyms__load(const char *path);
void ksyms__free(struct ksyms *ks);

/*
 * The symbol containing addr: its name, start and module ("kernel" or
 * the module name).  Returns 0, or -1 when addr is below every symbol.
 * Strings stay valid until ksyms__free().
 */
int ksyms__map_addr(const struct ksyms *ks, uint64_t addr, const char **name,
		    uint64_t *start, const char **module);

#endif /* KD_KSYMS_H */
