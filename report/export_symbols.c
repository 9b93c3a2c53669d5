// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_symbols.c - stack frames as text, from the SYMBOLS the recorder
 * resolved on the traced host (the report never symbolizes itself: the
 * binaries may not exist where the report runs).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "export_internal.h"

static const struct kdr_xsym *lookup(const struct kdr_export *x, uint64_t addr, int is_kernel)
{
	size_t lo = 0, hi = x->nsyms;
	uint32_t k = !!is_kernel;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kdr_xsym *s = &x->syms[mid];

		if (s->is_kernel < k || (s->is_kernel == k && s->addr < addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->nsyms && x->syms[lo].is_kernel == k && x->syms[lo].addr == addr)
		return &x->syms[lo];
	return NULL;
}

void kdr_export_frame_long(const struct kdr_export *x, uint64_t addr, int is_kernel, char *buf,
			   size_t len)
{
	const struct kdr_xsym *s = lookup(x, addr, is_kernel);

	if (s && s->name && s->module)
		snprintf(buf, len, "%s+0x%x [%s]", s->name, s->offset, s->module);
	else if (s && s->name)
		snprintf(buf, len, "%s+0x%x", s->name, s->offset);
	else if (s && s->module)
		snprintf(buf, len, "0x%" PRIx64 " [%s]", addr, s->module);
	else
		snprintf(buf, len, "0x%" PRIx64, addr);
}

void kdr_export_frame_short(const struct kdr_export *x, uint64_t addr, int is_kernel, char *buf,
			    size_t len)
{
	const struct kdr_xsym *s = lookup(x, addr, is_kernel);

	/* No offsets and no addresses: two calls from the same function
	 * must merge into one frame of the flame graph. */
	if (s && s->name)
		snprintf(buf, len, "%s", s->name);
	else if (s && s->module)
		snprintf(buf, len, "[%s]", s->module);
	else
		snprintf(buf, len, "[unknown]");
}
