// SPDX-License-Identifier: BSD-2-Clause
/* text_format.c - see text_format.h. */
#include <inttypes.h>
#include <stdio.h>

#include "text_format.h"
#include "utf8.h"

char *kdr_commas(uint64_t v, char *buf, size_t size)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	size_t o = 0;

	for (int i = 0; i < n && o + 1 < size; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < size)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

void kdr_text_name(FILE *f, const char *s, size_t len, int width, int maxw)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	int w = 0;
	uint32_t cp;
	char esc[8];

	while (i < len && (!maxw || w < maxw)) {
		n = kdr_utf8_seq(p + i, len - i, &cp);
		if (n && cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)) {
			fwrite(p + i, 1, n, f);
			w++;
			i += n;
			continue;
		}
		if (!n)
			n = 1;
		/* escape each byte of the control character or bad sequence */
		for (size_t k = 0; k < n; k++) {
			snprintf(esc, sizeof(esc), "\\x%02x", p[i + k]);
			for (const char *e = esc; *e && (!maxw || w < maxw); e++, w++)
				fputc(*e, f);
		}
		i += n;
	}
	for (; w < width; w++)
		fputc(' ', f);
}
