/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * symbols.h - the one store of the addresses the recorder symbolized
 * (SYMBOLS items; the report never symbolizes itself: the binaries may
 * not exist where it runs), and the ways the outputs print a frame.
 */
#ifndef KDR_SYMBOLS_H
#define KDR_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "kdelay_format.h"

struct kdr_sym {
	uint64_t addr;
	uint32_t is_kernel;
	uint32_t offset;
	char *name;   /* NULL = unknown */
	char *module; /* NULL = unknown */
};

struct kdr_symbols;

struct kdr_symbols *kdr_symbols_new(void);
void kdr_symbols_free(struct kdr_symbols *s);

/* Copies what it keeps; a later entry for the same address replaces the
 * earlier one.  0, or -1 when out of memory. */
int kdr_symbols_add(struct kdr_symbols *s, const struct kdf_symbol *v, size_t n);

/* NULL when the capture has no entry for addr.  Lookups accept s NULL,
 * a capture without symbols. */
const struct kdr_sym *kdr_symbols_get(const struct kdr_symbols *s, uint64_t addr, int is_kernel);

/*
 * One stack line, as the reference prints it: "func+0xoff [module]",
 * "[unknown] 0xADDR" (plus " [module]" when the mapping is known).
 * Writes at most size bytes (NUL included); returns the length it wanted.
 */
size_t kdr_symbols_format(const struct kdr_symbols *s, uint64_t addr, int is_kernel, char *buf,
			  size_t size);

/* The exports' frames: "func+0x1a [module]", "0xaddr [module]" or
 * "0xaddr"; truncated to size. */
void kdr_symbols_frame(const struct kdr_symbols *s, uint64_t addr, int is_kernel, char *buf,
		       size_t size);
/* "func", "[module]" or "[unknown]": aggregates well in flame graphs. */
void kdr_symbols_frame_short(const struct kdr_symbols *s, uint64_t addr, int is_kernel, char *buf,
			     size_t size);

#endif /* KDR_SYMBOLS_H */
