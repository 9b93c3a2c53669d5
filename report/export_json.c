// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_json.c - JSON string literals from arbitrary bytes.
 *
 * Thread names and irq action names are whatever the kernel held: any
 * byte, not necessarily UTF-8.  JSON must be UTF-8, so bytes that are not
 * part of a valid sequence are written as \u00XX (their Latin-1 reading):
 * the result always parses, and ASCII and valid UTF-8 names read as is.
 */
#include "export_internal.h"

size_t kdr_export_utf8_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0; /* continuation byte, overlong lead, or > U+10FFFF */
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and code points past U+10FFFF,
	 * which strict JSON parsers refuse. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void kdr_export_json_str(FILE *f, const char *s, size_t len, unsigned flags)
{
	putc('"', f);
	kdr_export_json_chars(f, s, len, flags);
	putc('"', f);
}

void kdr_export_json_chars(FILE *f, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = p[i];

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '<':
		case '>':
		case '&':
			/* Inside <script>, "</script>" or "<!--" would end or
			 * change the element: escape the characters in HTML mode. */
			if (flags & KDR_EXPORT_JSON_HTML)
				fprintf(f, "\\u%04x", c);
			else
				putc(c, f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(f, "\\u%04x", c);
				break;
			}
			n = kdr_export_utf8_len(p + i, len - i);
			if (n == 0) {
				fprintf(f, "\\u%04x", c);
				break;
			}
			/* U+2028/U+2029 are valid JSON but end a JS line. */
			if (n == 3 && c == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] & 0xfe) == 0xa8) {
				fprintf(f, "\\u%04x", 0x2000 | (p[i + 2] & 0x3f));
				i += 3;
				continue;
			}
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		}
		i++;
	}
}
