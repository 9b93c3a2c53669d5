/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usyms.h - user addresses of the target to "func+0xoff [module]", with
 * the mapping, build-id and file offset the report needs elsewhere.  Read
 * while the target runs: /proc/PID/maps, then each mapped file through
 * /proc/PID/map_files (right even for deleted or namespaced files).
 */
#ifndef KD_USYMS_H
#define KD_USYMS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kdelay_format.h"

struct usyms;

/* exe: the target's executable when /proc/PID/exe is not it yet (a
 * COMMAND held before exec), else NULL. */
struct usyms *usyms__new(pid_t pid, const char *exe);
void usyms__free(struct usyms *u);

/* Allow a re-read of /proc/PID/maps on the next unknown address at once
 * (else at most every 50 ms: libraries may have been loaded since). */
void usyms__new_batch(struct usyms *u);

/* Read what addr needs (its mapping, its file's symbols) now, while the
 * target runs; usyms__resolve() may come after it exited. */
void usyms__prepare(struct usyms *u, uint64_t addr);

/*
 * Fill *sym for addr (is_kernel = 0).  Unknown parts stay NULL/0.
 * Strings stay valid until usyms__free().  Returns 0, or -1 when addr is
 * in no mapping.
 */
int usyms__resolve(struct usyms *u, uint64_t addr, struct kdf_symbol *sym);

/*
 * Find the file that defines function func: the executable first, then
 * every mapped library, or only libraries whose file name starts with lib
 * ("libc" matches libc.so.6) when lib is not empty.  Writes a path
 * attachable by libbpf to path.  Returns 0, -ESRCH when lib is given and
 * no mapped file matches it, or -ENOENT (no such function).
 */
int usyms__find_func(struct usyms *u, const char *lib, const char *func, char *path, size_t len);

/* Paths of the executable and of every mapped file (deduplicated), for
 * listing USDT probes; fn is called with each. */
void usyms__for_each_file(struct usyms *u, void (*fn)(void *ctx, const char *path), void *ctx);

#endif /* KD_USYMS_H */
