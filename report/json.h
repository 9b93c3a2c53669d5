/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json.h - a small streaming JSON writer.
 *
 * Output is deterministic: members in call order, integers exact (64 bit),
 * two-space indentation when pretty.  Strings are escaped completely:
 * '"', '\\', every control character (U+0000-U+001F and U+007F), U+2028
 * and U+2029 are written as escapes; a byte sequence that is not valid
 * UTF-8 (stray continuation, overlong, surrogate, > U+10FFFF, truncated)
 * becomes U+FFFD, one per bad byte, so the document is always valid
 * UTF-8 whatever bytes a thread name holds.
 */
#ifndef KDR_JSON_H
#define KDR_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kdr_json;

/* NULL when out of memory.  f is not closed by kdr_json_free(). */
struct kdr_json *kdr_json_new(FILE *f, int pretty);
/* Ends the last line (when pretty) and frees j. */
void kdr_json_free(struct kdr_json *j);

void kdr_json_obj_begin(struct kdr_json *j);
void kdr_json_obj_end(struct kdr_json *j);
void kdr_json_arr_begin(struct kdr_json *j);
void kdr_json_arr_end(struct kdr_json *j);
/* Member name inside an object; the next call writes its value. */
void kdr_json_key(struct kdr_json *j, const char *key);

void kdr_json_str(struct kdr_json *j, const char *s, size_t len);
void kdr_json_cstr(struct kdr_json *j, const char *s); /* NULL -> null */
/* The bytes of s as a string of lowercase hex digits. */
void kdr_json_hex(struct kdr_json *j, const void *s, size_t len);
void kdr_json_u64(struct kdr_json *j, uint64_t v);
void kdr_json_i64(struct kdr_json *j, int64_t v);
void kdr_json_double(struct kdr_json *j, double v, int decimals); /* non-finite -> null */
void kdr_json_bool(struct kdr_json *j, int v);
void kdr_json_null(struct kdr_json *j);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when s[0] starts
 * none (shared with the text output). */
size_t kdr_utf8_seq(const unsigned char *s, size_t len, uint32_t *cp);
/* Non-zero when all of s is valid UTF-8. */
int kdr_utf8_valid(const char *s, size_t len);

#endif /* KDR_JSON_H */
