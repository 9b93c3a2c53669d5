// SPDX-License-Identifier: BSD-2-Clause
/* json.c - see json.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

#define MAX_DEPTH 32

struct kdr_json {
	FILE *f;
	int pretty;
	int depth;
	int after_key;		   /* a key was written, its value comes next */
	uint64_t count[MAX_DEPTH]; /* members/elements written per level */
};

struct kdr_json *kdr_json_new(FILE *f, int pretty)
{
	struct kdr_json *j = calloc(1, sizeof(*j));

	if (j) {
		j->f = f;
		j->pretty = pretty;
	}
	return j;
}

void kdr_json_free(struct kdr_json *j)
{
	if (!j)
		return;
	if (j->pretty)
		fputc('\n', j->f);
	free(j);
}

static void newline(struct kdr_json *j, int depth)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < depth; i++)
		fputs("  ", j->f);
}

/* Separator and indentation before a value or a key. */
static void prefix(struct kdr_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->depth <= MAX_DEPTH) {
		if (j->count[j->depth - 1]++)
			fputc(',', j->f);
		newline(j, j->depth);
	}
}

static void begin(struct kdr_json *j, int c)
{
	prefix(j);
	fputc(c, j->f);
	if (j->depth < MAX_DEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

static void end(struct kdr_json *j, int c)
{
	j->depth--;
	if (j->depth < MAX_DEPTH && j->count[j->depth])
		newline(j, j->depth);
	fputc(c, j->f);
}

void kdr_json_obj_begin(struct kdr_json *j)
{
	begin(j, '{');
}

void kdr_json_obj_end(struct kdr_json *j)
{
	end(j, '}');
}

void kdr_json_arr_begin(struct kdr_json *j)
{
	begin(j, '[');
}

void kdr_json_arr_end(struct kdr_json *j)
{
	end(j, ']');
}

void kdr_json_put_chars(FILE *f, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = kdr_utf8_seq(p + i, len - i, &cp);
		if (!n) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '<':
		case '>':
		case '&':
			if (flags & KDR_JSON_HTML)
				fprintf(f, "\\u%04" PRIx32, cp);
			else
				fputc((int)cp, f);
			break;
		default:
			if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
				fprintf(f, "\\u%04" PRIx32, cp);
			else
				fwrite(p + i, 1, n, f);
		}
		i += n;
	}
}

void kdr_json_put_string(FILE *f, const char *s, size_t len, unsigned flags)
{
	fputc('"', f);
	kdr_json_put_chars(f, s, len, flags);
	fputc('"', f);
}

void kdr_json_key(struct kdr_json *j, const char *key)
{
	prefix(j);
	kdr_json_put_string(j->f, key, strlen(key), 0);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = 1;
}

void kdr_json_str(struct kdr_json *j, const char *s, size_t len)
{
	prefix(j);
	kdr_json_put_string(j->f, s, len, 0);
}

void kdr_json_cstr(struct kdr_json *j, const char *s)
{
	if (s)
		kdr_json_str(j, s, strlen(s));
	else
		kdr_json_null(j);
}

void kdr_json_hex(struct kdr_json *j, const void *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = s;

	prefix(j);
	fputc('"', j->f);
	for (size_t i = 0; i < len; i++) {
		fputc(hex[p[i] >> 4], j->f);
		fputc(hex[p[i] & 15], j->f);
	}
	fputc('"', j->f);
}

void kdr_json_u64(struct kdr_json *j, uint64_t v)
{
	prefix(j);
	fprintf(j->f, "%" PRIu64, v);
}

void kdr_json_i64(struct kdr_json *j, int64_t v)
{
	prefix(j);
	fprintf(j->f, "%" PRId64, v);
}

void kdr_json_double(struct kdr_json *j, double v, int decimals)
{
	if (!isfinite(v)) {
		kdr_json_null(j);
		return;
	}
	prefix(j);
	fprintf(j->f, "%.*f", decimals, v);
}

void kdr_json_bool(struct kdr_json *j, int v)
{
	prefix(j);
	fputs(v ? "true" : "false", j->f);
}

void kdr_json_null(struct kdr_json *j)
{
	prefix(j);
	fputs("null", j->f);
}
