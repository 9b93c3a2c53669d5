// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader_warn.c - the reader's one way to report damage: a formatted line
 * and the file offset it concerns, passed to the caller's callback.  On
 * its own so that every part of the reader (chunks, budget, checks) can
 * warn without depending on the others.
 */
#include <stdarg.h>
#include <stdio.h>

#include "reader_internal.h"

void kdf_reader_warnf(struct kdf_reader *r, uint64_t off, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!r->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->warn(r->warn_ctx, off, msg);
}
