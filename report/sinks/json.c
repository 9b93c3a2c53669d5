// SPDX-License-Identifier: BSD-2-Clause
/* json.c - see json.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

#define MAX_DEPTH 32
/* Output is gathered here and handed to stdio in blocks: a large export
 * is millions of short tokens, and one stdio call per token was most of
 * its time. */
#define BUF_SIZE 8192

struct kdr_json {
	FILE *f;
	unsigned flags;
	int depth;
	int after_key;		   /* a key was written, its value comes next */
	int newline;		   /* a line break before the next token */
	uint64_t count[MAX_DEPTH]; /* members/elements written per level */
	size_t used;
	char buf[BUF_SIZE];
};

static void flush(struct kdr_json *j)
{
	if (j->used)
		fwrite(j->buf, 1, j->used, j->f);
	j->used = 0;
}

static void put(struct kdr_json *j, const char *s, size_t n)
{
	if (n > BUF_SIZE - j->used) {
		flush(j);
		if (n > BUF_SIZE) {
			fwrite(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->used, s, n);
	j->used += n;
}

static void putch(struct kdr_json *j, char c)
{
	if (j->used == BUF_SIZE)
		flush(j);
	j->buf[j->used++] = c;
}

static void puts_(struct kdr_json *j, const char *s)
{
	put(j, s, strlen(s));
}

struct kdr_json *kdr_json_new(FILE *f, unsigned flags)
{
	struct kdr_json *j = calloc(1, sizeof(*j));

	if (j) {
		j->f = f;
		j->flags = flags;
	}
	return j;
}

void kdr_json_free(struct kdr_json *j)
{
	if (!j)
		return;
	if ((j->flags & KDR_JSON_PRETTY) || j->newline)
		putch(j, '\n');
	flush(j);
	free(j);
}

void kdr_json_flush(struct kdr_json *j)
{
	flush(j);
}

static void indent(struct kdr_json *j, int depth)
{
	putch(j, '\n');
	for (int i = 0; i < depth; i++)
		put(j, "  ", 2);
}

void kdr_json_newline(struct kdr_json *j)
{
	if (!(j->flags & KDR_JSON_PRETTY))
		j->newline = 1;
}

static void pending_newline(struct kdr_json *j)
{
	if (j->newline) {
		putch(j, '\n');
		j->newline = 0;
	}
}

/* Separator and line break or indentation before a value or a key. */
static void prefix(struct kdr_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->depth <= MAX_DEPTH && j->count[j->depth - 1]++)
		putch(j, ',');
	if (j->flags & KDR_JSON_PRETTY) {
		if (j->depth > 0)
			indent(j, j->depth);
	} else {
		pending_newline(j);
	}
}

static void begin(struct kdr_json *j, char c)
{
	prefix(j);
	putch(j, c);
	if (j->depth < MAX_DEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

static void end(struct kdr_json *j, char c)
{
	j->depth--;
	if (j->flags & KDR_JSON_PRETTY) {
		if (j->depth < MAX_DEPTH && j->count[j->depth])
			indent(j, j->depth);
	} else {
		pending_newline(j);
	}
	putch(j, c);
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

/* Bytes that stand for themselves in every mode: printable ASCII but the
 * two JSON specials and the three HTML ones. */
static int plain(unsigned char c, unsigned flags)
{
	if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
		return 0;
	return !(flags & KDR_JSON_HTML) || (c != '<' && c != '>' && c != '&');
}

static void put_u_escape(struct kdr_json *j, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', hex[cp >> 12 & 15], hex[cp >> 8 & 15], hex[cp >> 4 & 15],
		      hex[cp & 15] };

	put(j, e, sizeof(e));
}

static void escape(struct kdr_json *j, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		for (n = i; n < len && plain(p[n], j->flags); n++)
			;
		put(j, s + i, n - i);
		if ((i = n) == len)
			break;
		n = kdr_utf8_seq(p + i, len - i, &cp);
		if (!n) {
			put(j, "\\ufffd", 6);
			i++;
			continue;
		}
		switch (cp) {
		case '"': put(j, "\\\"", 2); break;
		case '\\': put(j, "\\\\", 2); break;
		case '\b': put(j, "\\b", 2); break;
		case '\f': put(j, "\\f", 2); break;
		case '\n': put(j, "\\n", 2); break;
		case '\r': put(j, "\\r", 2); break;
		case '\t': put(j, "\\t", 2); break;
		default:
			/* controls, U+2028/U+2029 (line ends to JavaScript) and,
			 * in HTML mode, < > & */
			if (cp < 0x80 || cp == 0x2028 || cp == 0x2029)
				put_u_escape(j, cp);
			else
				put(j, s + i, n);
		}
		i += n;
	}
}

void kdr_json_key(struct kdr_json *j, const char *key)
{
	prefix(j);
	putch(j, '"');
	escape(j, key, strlen(key));
	put(j, (j->flags & KDR_JSON_PRETTY) ? "\": " : "\":", (j->flags & KDR_JSON_PRETTY) ? 3 : 2);
	j->after_key = 1;
}

void kdr_json_str_open(struct kdr_json *j)
{
	prefix(j);
	putch(j, '"');
}

void kdr_json_str_part(struct kdr_json *j, const char *s, size_t len)
{
	escape(j, s, len);
}

void kdr_json_str_close(struct kdr_json *j)
{
	putch(j, '"');
}

void kdr_json_str(struct kdr_json *j, const char *s, size_t len)
{
	kdr_json_str_open(j);
	escape(j, s, len);
	putch(j, '"');
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

	kdr_json_str_open(j);
	for (size_t i = 0; i < len; i++) {
		putch(j, hex[p[i] >> 4]);
		putch(j, hex[p[i] & 15]);
	}
	putch(j, '"');
}

/* Decimal digits of v, without printf. */
static void put_digits(struct kdr_json *j, uint64_t v)
{
	char d[20], *p = d + sizeof(d);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(j, p, (size_t)(d + sizeof(d) - p));
}

void kdr_json_u64(struct kdr_json *j, uint64_t v)
{
	prefix(j);
	put_digits(j, v);
}

void kdr_json_i64(struct kdr_json *j, int64_t v)
{
	prefix(j);
	if (v < 0) {
		putch(j, '-');
		put_digits(j, (uint64_t)0 - (uint64_t)v);
	} else {
		put_digits(j, (uint64_t)v);
	}
}

void kdr_json_fixed(struct kdr_json *j, uint64_t v, unsigned decimals)
{
	char frac[10];
	uint64_t scale = 1;
	unsigned i;

	if (decimals > 9)
		decimals = 9;
	for (i = 0; i < decimals; i++)
		scale *= 10;
	prefix(j);
	put_digits(j, v / scale);
	if (!decimals)
		return;
	frac[0] = '.';
	for (i = decimals; i > 0; i--) {
		frac[i] = (char)('0' + v % 10);
		v /= 10;
	}
	put(j, frac, decimals + 1);
}

void kdr_json_double(struct kdr_json *j, double v, int decimals)
{
	char b[352]; /* DBL_MAX in %f is 309 digits, plus the decimals */
	int n;

	if (!isfinite(v)) {
		kdr_json_null(j);
		return;
	}
	prefix(j);
	if (decimals < 0)
		decimals = 0;
	if (decimals > 17)
		decimals = 17;
	n = snprintf(b, sizeof(b), "%.*f", decimals, v);
	if (n > 0)
		put(j, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

void kdr_json_bool(struct kdr_json *j, int v)
{
	prefix(j);
	puts_(j, v ? "true" : "false");
}

void kdr_json_null(struct kdr_json *j)
{
	prefix(j);
	put(j, "null", 4);
}

void kdr_json_key_u64(struct kdr_json *j, const char *key, uint64_t v)
{
	kdr_json_key(j, key);
	kdr_json_u64(j, v);
}

void kdr_json_key_i64(struct kdr_json *j, const char *key, int64_t v)
{
	kdr_json_key(j, key);
	kdr_json_i64(j, v);
}

void kdr_json_key_cstr(struct kdr_json *j, const char *key, const char *s)
{
	kdr_json_key(j, key);
	kdr_json_cstr(j, s);
}

void kdr_json_key_bool(struct kdr_json *j, const char *key, int v)
{
	kdr_json_key(j, key);
	kdr_json_bool(j, v);
}
