/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json.h - the one JSON writer of kdelay-report: a streaming writer for
 * the report's documents (--json, --info --json, diff --json) and the one
 * string escaper that the exports' hand-laid JSON (chrome-json, HTML)
 * also uses.
 *
 * Output is deterministic: members in call order, integers exact (64 bit),
 * two-space indentation when pretty.  Strings have one escaping policy
 * (docs/json-schema.md): '"', '\\', every control character
 * (U+0000-U+001F and U+007F), U+2028 and U+2029 are written as escapes; a
 * byte sequence that is not valid UTF-8 (stray continuation, overlong,
 * surrogate, > U+10FFFF, truncated) becomes U+FFFD, one per bad byte, so
 * the document is always valid UTF-8 whatever bytes a thread name holds.
 * U+FFFD says "this was not text" where any other reading (Latin-1, say)
 * would show a different, plausible name; where the exact bytes matter
 * the report adds a "<member>_hex" sibling.
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

/* JSON laid out by hand (the exports) writes its strings through these.
 * KDR_JSON_HTML also escapes '<', '>' and '&', so that a string inside an
 * HTML <script> element cannot end it ("</script>") or open a comment. */
#define KDR_JSON_HTML 1u
/* s as a JSON string literal, quotes included. */
void kdr_json_put_string(FILE *f, const char *s, size_t len, unsigned flags);
/* s escaped without the quotes: one part of a string built in pieces. */
void kdr_json_put_chars(FILE *f, const char *s, size_t len, unsigned flags);
/* NULL as "" */
static inline void kdr_json_put_cstring(FILE *f, const char *s, unsigned flags)
{
	kdr_json_put_string(f, s ? s : "", s ? __builtin_strlen(s) : 0, flags);
}

#endif /* KDR_JSON_H */
