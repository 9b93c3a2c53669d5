// SPDX-License-Identifier: BSD-2-Clause
/* records_cbor.c - SYMBOLS, WINDOW and SUMMARY chunks (docs/format.md §4). */
#include <string.h>

#include "alloc.h"
#include "cbor_util.h"
#include "meta_cbor.h"

static void keep(int *err, int e)
{
	if (!*err)
		*err = e;
}

/* Decode p as one CBOR item of the given kind (map or array). */
static cbor_item_t *load_as(const uint8_t *p, size_t len, bool (*isa)(const cbor_item_t *))
{
	cbor_item_t *item = kdf_cbor_load(p, len);

	if (item && !isa(item))
		cbor_decref(&item);
	return item;
}

/* ------------------------------------------------------------ symbols */

static cbor_item_t *symbol_item(const struct kdf_symbol *s)
{
	cbor_item_t *map = cbor_new_definite_map(8);

	if (!map)
		return NULL;
	if (kdf_cbor_put_uint(map, "addr", s->addr) ||
	    kdf_cbor_put_bool(map, "is_kernel", s->is_kernel) ||
	    kdf_cbor_put_uint(map, "offset", s->offset) ||
	    kdf_cbor_put_text(map, "name", s->name) ||
	    kdf_cbor_put_text(map, "module", s->module) ||
	    kdf_cbor_put_text(map, "path", s->path) ||
	    kdf_cbor_put_bytes(map, "build_id", s->build_id, s->build_id_len) ||
	    kdf_cbor_put_uint(map, "file_offset", s->file_offset)) {
		cbor_decref(&map);
		return NULL;
	}
	return map;
}

int kdf_symbols_encode(const struct kdf_symbol *v, size_t n, struct kdf_buf *out)
{
	cbor_item_t *arr = cbor_new_definite_array(n);

	if (!arr)
		return KDF_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		cbor_item_t *sym = symbol_item(&v[i]);
		bool ok = sym && cbor_array_push(arr, sym);

		if (sym)
			cbor_decref(&sym);
		if (!ok) {
			cbor_decref(&arr);
			return KDF_E_NOMEM;
		}
	}
	return kdf_cbor_finish(arr, out);
}

void kdf_symbols_free(struct kdf_symbol *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		kdf_free((char *)v[i].name);
		kdf_free((char *)v[i].module);
		kdf_free((char *)v[i].path);
		kdf_free((uint8_t *)v[i].build_id);
	}
	kdf_free(v);
}

static int decode_symbol(const cbor_item_t *map, struct kdf_symbol *s)
{
	int err = 0;
	char *name, *module, *path;
	uint8_t *build_id;

	if (!cbor_isa_map(map))
		return KDF_E_CORRUPT;
	keep(&err, kdf_cbor_get_u64(map, "addr", &s->addr));
	keep(&err, kdf_cbor_get_bool(map, "is_kernel", &s->is_kernel));
	keep(&err, kdf_cbor_get_u32(map, "offset", &s->offset));
	keep(&err, kdf_cbor_get_text(map, "name", NULL, &name));
	s->name = name;
	keep(&err, kdf_cbor_get_text(map, "module", NULL, &module));
	s->module = module;
	keep(&err, kdf_cbor_get_text(map, "path", NULL, &path));
	s->path = path;
	keep(&err, kdf_cbor_get_bytes(map, "build_id", &build_id, &s->build_id_len));
	s->build_id = build_id;
	keep(&err, kdf_cbor_get_u64(map, "file_offset", &s->file_offset));
	return err;
}

int kdf_symbols_decode(const uint8_t *p, size_t len, uint32_t count, struct kdf_symbol **out,
		       size_t *n_out)
{
	cbor_item_t *arr = load_as(p, len, cbor_isa_array);
	struct kdf_symbol *v;
	size_t n;
	int err = 0;

	*out = NULL;
	*n_out = 0;
	if (!arr)
		return KDF_E_CORRUPT;
	n = cbor_array_size(arr);
	if (n != count) {
		cbor_decref(&arr);
		return KDF_E_CORRUPT;
	}
	v = kdf_calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		cbor_decref(&arr);
		return KDF_E_NOMEM;
	}
	for (size_t i = 0; i < n && !err; i++)
		err = decode_symbol(cbor_array_handle(arr)[i], &v[i]);
	cbor_decref(&arr);
	if (err) {
		kdf_symbols_free(v, n);
		return err;
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* ------------------------------------------------------------- window */

int kdf_window_encode(const struct kdf_window *w, struct kdf_buf *out)
{
	cbor_item_t *map = cbor_new_definite_map(9);

	if (!map)
		return KDF_E_NOMEM;
	if (kdf_cbor_put_uint(map, "index", w->index) ||
	    kdf_cbor_put_uint(map, "flags", w->flags) ||
	    kdf_cbor_put_uint(map, "start_ts", w->start_ts) ||
	    kdf_cbor_put_uint(map, "end_ts", w->end_ts) ||
	    kdf_cbor_put_uint(map, "start_trigger_ts", w->start_trigger_ts) ||
	    kdf_cbor_put_uint(map, "stop_trigger_ts", w->stop_trigger_ts) ||
	    kdf_cbor_put_uint(map, "dropped", w->dropped) ||
	    kdf_cbor_put_uint(map, "trigger_missed", w->trigger_missed) ||
	    kdf_cbor_put_uint(map, "stacks_lost", w->stacks_lost)) {
		cbor_decref(&map);
		return KDF_E_NOMEM;
	}
	return kdf_cbor_finish(map, out);
}

int kdf_window_decode(const uint8_t *p, size_t len, struct kdf_window *w)
{
	cbor_item_t *map = load_as(p, len, cbor_isa_map);
	int err = 0;

	memset(w, 0, sizeof(*w));
	if (!map)
		return KDF_E_CORRUPT;
	keep(&err, kdf_cbor_get_u32(map, "index", &w->index));
	keep(&err, kdf_cbor_get_u32(map, "flags", &w->flags));
	keep(&err, kdf_cbor_get_u64(map, "start_ts", &w->start_ts));
	keep(&err, kdf_cbor_get_u64(map, "end_ts", &w->end_ts));
	keep(&err, kdf_cbor_get_u64(map, "start_trigger_ts", &w->start_trigger_ts));
	keep(&err, kdf_cbor_get_u64(map, "stop_trigger_ts", &w->stop_trigger_ts));
	keep(&err, kdf_cbor_get_u64(map, "dropped", &w->dropped));
	keep(&err, kdf_cbor_get_u64(map, "trigger_missed", &w->trigger_missed));
	keep(&err, kdf_cbor_get_u64(map, "stacks_lost", &w->stacks_lost));
	cbor_decref(&map);
	return err;
}

/* ------------------------------------------------------------ summary */

int kdf_summary_encode(const struct kdf_summary *s, struct kdf_buf *out)
{
	size_t reason_len = strnlen(s->end_reason, KDF_END_REASON_LEN - 1);
	cbor_item_t *map = cbor_new_definite_map(reason_len ? 8 : 7);
	cbor_item_t *events = cbor_new_definite_array(KDF_EV_TYPE_MAX + 1);
	int bad = !map || !events;

	for (int t = 0; !bad && t <= KDF_EV_TYPE_MAX; t++) {
		cbor_item_t *n = cbor_build_uint64(s->events[t]);

		bad = !n || !cbor_array_push(events, n);
		if (n)
			cbor_decref(&n);
	}
	if (!bad) {
		/* events first: kdf_cbor_put always consumes it. */
		bad = kdf_cbor_put(map, "events", events) ||
		      kdf_cbor_put_uint(map, "end_ts", s->end_ts) ||
		      kdf_cbor_put_uint(map, "dropped", s->dropped) ||
		      kdf_cbor_put_uint(map, "trigger_missed", s->trigger_missed) ||
		      kdf_cbor_put_uint(map, "stacks_lost", s->stacks_lost) ||
		      kdf_cbor_put_uint(map, "windows", s->windows) ||
		      kdf_cbor_put_uint(map, "exit_reason", s->exit_reason) ||
		      (reason_len && kdf_cbor_put(map, "end_reason",
						  cbor_build_stringn(s->end_reason, reason_len)));
		events = NULL; /* kdf_cbor_put took it */
	}
	if (events)
		cbor_decref(&events);
	if (bad) {
		if (map)
			cbor_decref(&map);
		return KDF_E_NOMEM;
	}
	return kdf_cbor_finish(map, out);
}

/* end_reason: absent or null is "", a longer text keeps its first bytes. */
static int get_end_reason(const cbor_item_t *map, char out[KDF_END_REASON_LEN])
{
	const cbor_item_t *v = kdf_cbor_get(map, "end_reason");
	size_t n;

	if (!v || cbor_is_null(v))
		return 0;
	if (!cbor_isa_string(v) || !cbor_string_is_definite(v))
		return KDF_E_CORRUPT;
	n = cbor_string_length(v);
	if (n > KDF_END_REASON_LEN - 1)
		n = KDF_END_REASON_LEN - 1;
	memcpy(out, cbor_string_handle(v), n);
	out[n] = '\0';
	return 0;
}

int kdf_summary_decode(const uint8_t *p, size_t len, struct kdf_summary *s)
{
	cbor_item_t *map = load_as(p, len, cbor_isa_map);
	const cbor_item_t *events;
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (!map)
		return KDF_E_CORRUPT;
	keep(&err, kdf_cbor_get_u64(map, "end_ts", &s->end_ts));
	keep(&err, kdf_cbor_get_u64(map, "dropped", &s->dropped));
	keep(&err, kdf_cbor_get_u64(map, "trigger_missed", &s->trigger_missed));
	keep(&err, kdf_cbor_get_u64(map, "stacks_lost", &s->stacks_lost));
	keep(&err, kdf_cbor_get_u32(map, "windows", &s->windows));
	keep(&err, kdf_cbor_get_u32(map, "exit_reason", &s->exit_reason));
	keep(&err, get_end_reason(map, s->end_reason));
	events = kdf_cbor_get(map, "events");
	if (events && !cbor_isa_array(events))
		keep(&err, KDF_E_CORRUPT);
	/* A newer writer may count more types: keep the ones we know. */
	for (size_t t = 0; !err && events && t < cbor_array_size(events); t++) {
		const cbor_item_t *n = cbor_array_handle(events)[t];

		if (!cbor_isa_uint(n))
			err = KDF_E_CORRUPT;
		else if (t <= KDF_EV_TYPE_MAX)
			s->events[t] = cbor_get_int(n);
	}
	cbor_decref(&map);
	return err;
}
