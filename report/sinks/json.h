/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json.h - the one JSON writer of kdelay-report: every JSON it writes
 * (--json, --info --json, diff --json, the chrome-json export, the HTML
 * page's embedded data) is streamed through it, so structure, commas,
 * numbers and strings follow one set of rules.
 *
 * Output is deterministic: members in call order, integers exact (64 bit,
 * no printf), two-space indentation when pretty.  A compact document may
 * ask for line breaks between elements (kdr_json_newline) so that a large
 * one stays readable line by line, as the exports' are.
 *
 * Strings have one escaping policy (docs/json-schema.md): '"', '\\', every
 * control character (U+0000-U+001F and U+007F), U+2028 and U+2029 are
 * written as escapes; a byte sequence that is not valid UTF-8 (stray
 * continuation, overlong, surrogate, > U+10FFFF, truncated) becomes
 * U+FFFD, one per bad byte, so the document is always valid UTF-8 whatever
 * bytes a thread name holds.  U+FFFD says "this was not text" where any
 * other reading (Latin-1, say) would show a different, plausible name;
 * where the exact bytes matter the report adds a "<member>_hex" sibling.
 * KDR_JSON_HTML also escapes '<', '>' and '&', so that a document inside
 * an HTML <script> element cannot end it ("</script>") or open a comment.
 */
#ifndef KDR_JSON_H
#define KDR_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kdr_json;

#define KDR_JSON_PRETTY 1u /* newlines and two-space indentation */
#define KDR_JSON_HTML 2u   /* strings safe inside an HTML <script> element */

/* NULL when out of memory.  f is not closed by kdr_json_free(). */
struct kdr_json *kdr_json_new(FILE *f, unsigned flags);
/* Ends the last line (when pretty, or when a line break is pending) and
 * frees j. */
void kdr_json_free(struct kdr_json *j);
/* Hand what was written so far to the FILE (a streamed document, between
 * its parts: a window of a live report). */
void kdr_json_flush(struct kdr_json *j);

void kdr_json_obj_begin(struct kdr_json *j);
void kdr_json_obj_end(struct kdr_json *j);
void kdr_json_arr_begin(struct kdr_json *j);
void kdr_json_arr_end(struct kdr_json *j);
/* Member name inside an object; the next call writes its value. */
void kdr_json_key(struct kdr_json *j, const char *key);
/* Compact documents: a line break before the next element, member or
 * closing bracket (after its comma).  Nothing when pretty. */
void kdr_json_newline(struct kdr_json *j);

void kdr_json_str(struct kdr_json *j, const char *s, size_t len);
void kdr_json_cstr(struct kdr_json *j, const char *s); /* NULL -> null */
/* A string written in pieces (a name and a suffix, say): open, any number
 * of parts, close.  Nothing else may be written in between. */
void kdr_json_str_open(struct kdr_json *j);
void kdr_json_str_part(struct kdr_json *j, const char *s, size_t len);
void kdr_json_str_close(struct kdr_json *j);
/* The bytes of s as a string of lowercase hex digits. */
void kdr_json_hex(struct kdr_json *j, const void *s, size_t len);
void kdr_json_u64(struct kdr_json *j, uint64_t v);
void kdr_json_i64(struct kdr_json *j, int64_t v);
/* v / 10^decimals with exactly that many decimals, from the integer: two
 * equal integers are always the same text (1234567 ns, 3 decimals, as
 * microseconds: 1234.567).  decimals <= 9. */
void kdr_json_fixed(struct kdr_json *j, uint64_t v, unsigned decimals);
void kdr_json_double(struct kdr_json *j, double v, int decimals); /* non-finite -> null */
void kdr_json_bool(struct kdr_json *j, int v);
void kdr_json_null(struct kdr_json *j);

/* The short forms of the members the documents are mostly made of. */
void kdr_json_key_u64(struct kdr_json *j, const char *key, uint64_t v);
void kdr_json_key_i64(struct kdr_json *j, const char *key, int64_t v);
void kdr_json_key_cstr(struct kdr_json *j, const char *key, const char *s);
void kdr_json_key_bool(struct kdr_json *j, const char *key, int v);

#endif /* KDR_JSON_H */
