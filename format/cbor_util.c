// SPDX-License-Identifier: BSD-2-Clause
/* cbor_util.c - see cbor_util.h. */
#include <stdlib.h>

#include "alloc.h"
#include "cbor_util.h"
#include "kdelay_format.h"

/* ------------------------------------------------------------- writer */

int kdf_cbor_put(cbor_item_t *map, const char *key, cbor_item_t *value)
{
	cbor_item_t *k;
	int ok;

	if (!value)
		return -1;
	k = cbor_build_string(key);
	if (!k) {
		cbor_decref(&value);
		return -1;
	}
	ok = cbor_map_add(map, (struct cbor_pair){ .key = k, .value = value });
	cbor_decref(&k);
	cbor_decref(&value);
	return ok ? 0 : -1;
}

int kdf_cbor_put_uint(cbor_item_t *map, const char *key, uint64_t v)
{
	return kdf_cbor_put(map, key, cbor_build_uint64(v));
}

int kdf_cbor_put_int(cbor_item_t *map, const char *key, int64_t v)
{
	if (v >= 0)
		return kdf_cbor_put_uint(map, key, (uint64_t)v);
	/* CBOR stores -1 - n as n. */
	return kdf_cbor_put(map, key, cbor_build_negint64((uint64_t)(-1 - v)));
}

int kdf_cbor_put_bool(cbor_item_t *map, const char *key, int v)
{
	return kdf_cbor_put(map, key, cbor_build_bool(v != 0));
}

cbor_item_t *kdf_cbor_text_or_null(const char *s)
{
	return s ? cbor_build_stringn(s, strlen(s)) : cbor_new_null();
}

int kdf_cbor_put_text(cbor_item_t *map, const char *key, const char *s)
{
	return kdf_cbor_put(map, key, kdf_cbor_text_or_null(s));
}

int kdf_cbor_put_bytes(cbor_item_t *map, const char *key, const uint8_t *p, size_t len)
{
	return kdf_cbor_put(map, key, p ? cbor_build_bytestring(p, len) : cbor_new_null());
}

int kdf_cbor_finish(cbor_item_t *item, struct kdf_buf *out)
{
	unsigned char *bytes = NULL;
	size_t cap = 0, len;
	int err;

	if (!item)
		return KDF_E_NOMEM;
	len = cbor_serialize_alloc(item, &bytes, &cap);
	cbor_decref(&item);
	if (!len) {
		free(bytes); /* libcbor allocates with malloc */
		return KDF_E_NOMEM;
	}
	err = kdf_buf_append(out, bytes, len);
	free(bytes);
	return err;
}

/* -------------------------------------------------------------- guard */

struct guard {
	uint64_t left[KDF_CBOR_MAX_DEPTH + 1]; /* items still expected per level */
	int depth;
	uint64_t budget; /* elements the remaining bytes could still hold */
	int bad;
};

/* One item starts; a container's own children are pushed by the caller. */
static void guard_item(struct guard *g)
{
	if (!g->left[g->depth])
		g->bad = 1;
	else
		g->left[g->depth]--;
}

static void guard_pop_done(struct guard *g)
{
	while (g->depth > 0 && !g->left[g->depth])
		g->depth--;
}

static void guard_scalar(struct guard *g)
{
	guard_item(g);
	guard_pop_done(g);
}

static void guard_container(struct guard *g, uint64_t items)
{
	guard_item(g);
	if (items > g->budget || g->depth == KDF_CBOR_MAX_DEPTH) {
		g->bad = 1;
		return;
	}
	g->budget -= items;
	g->left[++g->depth] = items;
	guard_pop_done(g);
}

static void on_u8(void *c, uint8_t v) { (void)v; guard_scalar(c); }
static void on_u16(void *c, uint16_t v) { (void)v; guard_scalar(c); }
static void on_u32(void *c, uint32_t v) { (void)v; guard_scalar(c); }
static void on_u64(void *c, uint64_t v) { (void)v; guard_scalar(c); }
static void on_str(void *c, cbor_data p, size_t n) { (void)p; (void)n; guard_scalar(c); }
static void on_simple(void *c) { guard_scalar(c); }
static void on_bool(void *c, bool v) { (void)v; guard_scalar(c); }
static void on_array(void *c, size_t n) { guard_container(c, n); }
static void on_forbidden(void *c) { ((struct guard *)c)->bad = 1; }
static void on_forbidden_u64(void *c, uint64_t v) { (void)v; on_forbidden(c); }
static void on_forbidden_f(void *c, float v) { (void)v; on_forbidden(c); }
static void on_forbidden_d(void *c, double v) { (void)v; on_forbidden(c); }

static void on_map(void *c, size_t n)
{
	if (n > SIZE_MAX / 2)
		on_forbidden(c);
	else
		guard_container(c, 2 * (uint64_t)n);
}

static const struct cbor_callbacks guard_callbacks = {
	.uint8 = on_u8, .uint16 = on_u16, .uint32 = on_u32, .uint64 = on_u64,
	.negint8 = on_u8, .negint16 = on_u16, .negint32 = on_u32, .negint64 = on_u64,
	.byte_string_start = on_forbidden, .byte_string = on_str,
	.string = on_str, .string_start = on_forbidden,
	.indef_array_start = on_forbidden, .array_start = on_array,
	.indef_map_start = on_forbidden, .map_start = on_map,
	.tag = on_forbidden_u64,
	.float2 = on_forbidden_f, .float4 = on_forbidden_f, .float8 = on_forbidden_d,
	.undefined = on_forbidden, .null = on_simple, .boolean = on_bool,
	.indef_break = on_forbidden,
};

int kdf_cbor_count(const uint8_t *p, size_t len, uint64_t *items)
{
	struct guard g = { .left = { 1 }, .budget = len };
	size_t off = 0;

	while (off < len && !g.bad) {
		struct cbor_decoder_result r;

		if (!g.left[0] && !g.depth)
			return -1; /* bytes after the top-level item */
		r = cbor_stream_decode(p + off, len - off, &guard_callbacks, &g);
		if (r.status != CBOR_DECODER_FINISHED || !r.read)
			return -1;
		off += r.read;
	}
	if (g.bad || g.left[0] || g.depth)
		return -1;
	if (items)
		*items = 1 + (len - g.budget); /* the top item and every child */
	return 0;
}

cbor_item_t *kdf_cbor_load(const uint8_t *p, size_t len)
{
	struct cbor_load_result res;
	cbor_item_t *item;

	if (kdf_cbor_count(p, len, NULL))
		return NULL;
	item = cbor_load(p, len, &res);
	if (item && res.read != len) {
		cbor_decref(&item);
		return NULL;
	}
	return item;
}

/* ------------------------------------------------------------- getters */

cbor_item_t *kdf_cbor_get(const cbor_item_t *map, const char *key)
{
	size_t klen = strlen(key), n;
	struct cbor_pair *pairs;

	if (!cbor_isa_map(map))
		return NULL;
	n = cbor_map_size(map);
	pairs = cbor_map_handle(map);
	for (size_t i = 0; i < n; i++) {
		const cbor_item_t *k = pairs[i].key;

		if (cbor_isa_string(k) && cbor_string_is_definite(k) &&
		    cbor_string_length(k) == klen && !memcmp(cbor_string_handle(k), key, klen))
			return pairs[i].value;
	}
	return NULL;
}

int kdf_cbor_get_u64(const cbor_item_t *map, const char *key, uint64_t *out)
{
	const cbor_item_t *v = kdf_cbor_get(map, key);

	*out = 0;
	if (!v)
		return 0;
	if (!cbor_isa_uint(v))
		return KDF_E_CORRUPT;
	*out = cbor_get_int(v);
	return 0;
}

int kdf_cbor_get_u32(const cbor_item_t *map, const char *key, uint32_t *out)
{
	uint64_t v;

	*out = 0;
	if (kdf_cbor_get_u64(map, key, &v) || v > UINT32_MAX)
		return KDF_E_CORRUPT;
	*out = (uint32_t)v;
	return 0;
}

int kdf_cbor_get_i64(const cbor_item_t *map, const char *key, int64_t dflt, int64_t *out)
{
	const cbor_item_t *v = kdf_cbor_get(map, key);
	uint64_t n;

	*out = dflt;
	if (!v)
		return 0;
	if (!cbor_isa_uint(v) && !cbor_isa_negint(v))
		return KDF_E_CORRUPT;
	n = cbor_get_int(v);
	if (n > INT64_MAX)
		return KDF_E_CORRUPT;
	*out = cbor_isa_uint(v) ? (int64_t)n : -1 - (int64_t)n;
	return 0;
}

int kdf_cbor_get_bool(const cbor_item_t *map, const char *key, uint32_t *out)
{
	const cbor_item_t *v = kdf_cbor_get(map, key);

	*out = 0;
	if (!v)
		return 0;
	if (!cbor_is_bool(v))
		return KDF_E_CORRUPT;
	*out = cbor_get_bool(v);
	return 0;
}

int kdf_cbor_dup_text(const cbor_item_t *v, const char *dflt, char **out)
{
	*out = NULL;
	if (!v || cbor_is_null(v)) {
		if (!dflt)
			return 0;
		*out = kdf_memdup_str(dflt, strlen(dflt));
	} else if (cbor_isa_string(v) && cbor_string_is_definite(v)) {
		*out = kdf_memdup_str(cbor_string_handle(v), cbor_string_length(v));
	} else {
		return KDF_E_CORRUPT;
	}
	return *out ? 0 : KDF_E_NOMEM;
}

int kdf_cbor_get_text(const cbor_item_t *map, const char *key, const char *dflt, char **out)
{
	return kdf_cbor_dup_text(kdf_cbor_get(map, key), dflt, out);
}

int kdf_cbor_get_bytes(const cbor_item_t *map, const char *key, uint8_t **out, uint32_t *len)
{
	const cbor_item_t *v = kdf_cbor_get(map, key);

	*out = NULL;
	*len = 0;
	if (!v || cbor_is_null(v))
		return 0;
	if (!cbor_isa_bytestring(v) || !cbor_bytestring_is_definite(v) ||
	    cbor_bytestring_length(v) > UINT32_MAX)
		return KDF_E_CORRUPT;
	*len = (uint32_t)cbor_bytestring_length(v);
	*out = (uint8_t *)kdf_memdup_str(cbor_bytestring_handle(v), *len);
	return *out ? 0 : KDF_E_NOMEM;
}
