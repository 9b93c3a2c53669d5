/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * elfsyms.h - what the recorder needs from one ELF file, via libelf:
 * function symbols (.symtab, else .dynsym), load segments (file offset ->
 * virtual address), the GNU build-id, and its USDT notes.
 */
#ifndef KD_ELFSYMS_H
#define KD_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elfsyms;

/* Read path; NULL with errno set (ENOEXEC: not an ELF file). */
struct elfsyms *elfsyms__open(const char *path);
void elfsyms__free(struct elfsyms *e);

/* Virtual address (as in the symbol table) of a file offset; -1 if unmapped. */
int elfsyms__file_to_vaddr(const struct elfsyms *e, uint64_t off, uint64_t *vaddr);

/* Function containing vaddr: name and start; -1 when none.  Strings live
 * as long as e. */
int elfsyms__lookup(const struct elfsyms *e, uint64_t vaddr, const char **name, uint64_t *start);

/* Whether a defined function of that name exists. */
bool elfsyms__has_func(const struct elfsyms *e, const char *name);

/* The build-id (NULL, *len = 0 when none). */
const uint8_t *elfsyms__build_id(const struct elfsyms *e, uint32_t *len);

/* Call fn for every USDT probe ("stapsdt" note) of path; returns the count
 * or -errno. */
typedef void (*elfsyms_usdt_fn)(void *ctx, const char *provider, const char *name);
int elfsyms__usdt_list(const char *path, elfsyms_usdt_fn fn, void *ctx);

#endif /* KD_ELFSYMS_H */
