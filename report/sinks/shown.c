// SPDX-License-Identifier: BSD-2-Clause
/* shown.c - see shown.h. */
#include <string.h>

#include "shown.h"

const char *kdr_shown_thread(struct kdr_ctx *c, uint32_t tid, uint64_t ts, char *buf,
			     size_t size, size_t *len)
{
	const char *name = kdr_thread_name(c, tid, ts, buf, size, len);
	char z[64];
	size_t n = *len < sizeof(z) - 1 ? *len : sizeof(z) - 1;

	memcpy(z, name, n); /* the regex wants a C string */
	z[n] = '\0';
	return kdr_filter_thread(&c->filter, tid, z) ? name : NULL;
}
