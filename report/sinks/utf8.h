/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * utf8.h - strict UTF-8 decoding of names that may hold any byte.
 *
 * Thread, irq and symbol names come from the kernel as bytes; the JSON
 * writer and the terminal output both need to know where a valid
 * sequence starts and ends, and treat everything else as a lone byte.
 */
#ifndef KDR_UTF8_H
#define KDR_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (1-4) with its code point in
 * *cp, or 0 when s[0] starts none: a stray continuation byte, an overlong
 * form, a surrogate, a code point past U+10FFFF or a truncated sequence. */
size_t kdr_utf8_seq(const unsigned char *s, size_t len, uint32_t *cp);
/* Non-zero when all of s is valid UTF-8. */
int kdr_utf8_valid(const char *s, size_t len);

#endif /* KDR_UTF8_H */
