// SPDX-License-Identifier: BSD-2-Clause
/*
 * meta_cbor.c - the META chunk: everything a report on another machine
 * needs to know about where and how the capture was taken.
 */
#include "alloc.h"
#include "cbor_util.h"
#include "meta_cbor.h"

static cbor_item_t *options_item(const struct kdf_options *o)
{
	cbor_item_t *map = cbor_new_definite_map(10);

	if (!map)
		return NULL;
	if (kdf_cbor_put_uint(map, "sample_time_ns", o->sample_time_ns) ||
	    kdf_cbor_put_uint(map, "sample_interval_ns", o->sample_interval_ns) ||
	    kdf_cbor_put_uint(map, "sample_count", o->sample_count) ||
	    kdf_cbor_put_uint(map, "stack_trace_size", o->stack_trace_size) ||
	    kdf_cbor_put_uint(map, "trigger_delta_ns", o->trigger_delta_ns) ||
	    kdf_cbor_put_int(map, "syscall_events_ns", o->syscall_events_ns) ||
	    kdf_cbor_put_bool(map, "skip_syscall_poll_events", o->skip_syscall_poll_events) ||
	    kdf_cbor_put_uint(map, "buffer_page_count", o->buffer_page_count) ||
	    kdf_cbor_put_text(map, "start_trigger", o->start_trigger) ||
	    kdf_cbor_put_text(map, "stop_trigger", o->stop_trigger)) {
		cbor_decref(&map);
		return NULL;
	}
	return map;
}

static cbor_item_t *syscalls_item(const struct kdf_meta *m)
{
	cbor_item_t *arr = cbor_new_definite_array(m->syscall_count);

	if (!arr)
		return NULL;
	for (uint32_t i = 0; i < m->syscall_count; i++) {
		cbor_item_t *name = kdf_cbor_text_or_null(m->syscall_names[i]);
		bool ok = name && cbor_array_push(arr, name);

		if (name)
			cbor_decref(&name);
		if (!ok) {
			cbor_decref(&arr);
			return NULL;
		}
	}
	return arr;
}

int kdf_meta_encode(const struct kdf_meta *m, struct kdf_buf *out)
{
	cbor_item_t *map;

	if (m->syscall_count && !m->syscall_names)
		return KDF_E_INVAL;
	map = cbor_new_definite_map(13);
	if (!map)
		return KDF_E_NOMEM;
	if (kdf_cbor_put_text(map, "kdelay_version", m->kdelay_version) ||
	    kdf_cbor_put_text(map, "command_line", m->command_line) ||
	    kdf_cbor_put_text(map, "hostname", m->hostname) ||
	    kdf_cbor_put_text(map, "kernel_release", m->kernel_release) ||
	    kdf_cbor_put_text(map, "arch", m->arch) ||
	    kdf_cbor_put_uint(map, "ncpus", m->ncpus) ||
	    kdf_cbor_put_uint(map, "pid", m->pid) ||
	    kdf_cbor_put_text(map, "comm", m->comm) ||
	    kdf_cbor_put_uint(map, "mono_ns", m->mono_ns) ||
	    kdf_cbor_put_uint(map, "realtime_ns", m->realtime_ns) ||
	    kdf_cbor_put(map, "options", options_item(&m->options)) ||
	    kdf_cbor_put(map, "syscalls", syscalls_item(m)) ||
	    /* absent rather than null: a writer without an id writes the
	     * bytes it wrote before ids existed */
	    (m->capture_id && kdf_cbor_put_text(map, "capture_id", m->capture_id))) {
		cbor_decref(&map);
		return KDF_E_NOMEM;
	}
	return kdf_cbor_finish(map, out);
}

void kdf_meta_free(struct kdf_meta *m)
{
	kdf_free((char *)m->kdelay_version);
	kdf_free((char *)m->command_line);
	kdf_free((char *)m->hostname);
	kdf_free((char *)m->kernel_release);
	kdf_free((char *)m->arch);
	kdf_free((char *)m->comm);
	kdf_free((char *)m->capture_id);
	kdf_free((char *)m->options.start_trigger);
	kdf_free((char *)m->options.stop_trigger);
	for (uint32_t i = 0; m->syscall_names && i < m->syscall_count; i++)
		kdf_free((char *)m->syscall_names[i]);
	kdf_free((void *)m->syscall_names);
	memset(m, 0, sizeof(*m));
}

/* First error wins: keeps the decoders a flat list of fields. */
static void keep(int *err, int e)
{
	if (!*err)
		*err = e;
}

static int decode_text(const cbor_item_t *map, const char *key, const char *dflt,
		       const char **out)
{
	char *s;
	int err = kdf_cbor_get_text(map, key, dflt, &s);

	*out = s;
	return err;
}

static int decode_options(const cbor_item_t *map, struct kdf_options *o)
{
	int err = 0;

	if (!map)
		return 0;
	if (!cbor_isa_map(map))
		return KDF_E_CORRUPT;
	keep(&err, kdf_cbor_get_u64(map, "sample_time_ns", &o->sample_time_ns));
	keep(&err, kdf_cbor_get_u64(map, "sample_interval_ns", &o->sample_interval_ns));
	keep(&err, kdf_cbor_get_u32(map, "sample_count", &o->sample_count));
	keep(&err, kdf_cbor_get_u32(map, "stack_trace_size", &o->stack_trace_size));
	keep(&err, kdf_cbor_get_u64(map, "trigger_delta_ns", &o->trigger_delta_ns));
	keep(&err, kdf_cbor_get_i64(map, "syscall_events_ns", -1, &o->syscall_events_ns));
	keep(&err, kdf_cbor_get_bool(map, "skip_syscall_poll_events",
				     &o->skip_syscall_poll_events));
	keep(&err, kdf_cbor_get_u32(map, "buffer_page_count", &o->buffer_page_count));
	keep(&err, decode_text(map, "start_trigger", NULL, &o->start_trigger));
	keep(&err, decode_text(map, "stop_trigger", NULL, &o->stop_trigger));
	return err;
}

static int decode_syscalls(const cbor_item_t *arr, struct kdf_meta *m)
{
	const char **names;
	size_t n;

	if (!arr)
		return 0;
	if (!cbor_isa_array(arr) || cbor_array_size(arr) > UINT32_MAX)
		return KDF_E_CORRUPT;
	n = cbor_array_size(arr);
	names = kdf_calloc(n ? n : 1, sizeof(*names));
	if (!names)
		return KDF_E_NOMEM;
	m->syscall_names = names;
	m->syscall_count = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		char *s;
		/* The handle, not cbor_array_get(), which would take a reference. */
		int err = kdf_cbor_dup_text(cbor_array_handle(arr)[i], NULL, &s);

		if (err)
			return err;
		names[i] = s;
	}
	return 0;
}

/* The id of a capture recorded before ids were: "meta-" and the 64-bit
 * FNV-1a hash of its META payload, which holds the host name, the target
 * and both clocks at the start, so it differs between captures and is the
 * same at every reading. */
static int derive_capture_id(const uint8_t *p, size_t len, struct kdf_meta *m)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h = 0xcbf29ce484222325ull;
	char *id;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	id = kdf_malloc(sizeof("meta-") + 16);
	if (!id)
		return KDF_E_NOMEM;
	memcpy(id, "meta-", 5);
	for (int i = 0; i < 16; i++)
		id[5 + i] = hex[(h >> (60 - 4 * i)) & 0xf];
	id[21] = '\0';
	m->capture_id = id;
	m->capture_id_derived = 1;
	return 0;
}

int kdf_meta_decode(const uint8_t *p, size_t len, struct kdf_meta *m)
{
	cbor_item_t *map = kdf_cbor_load(p, len);
	int err = 0;

	memset(m, 0, sizeof(*m));
	if (!map || !cbor_isa_map(map)) {
		if (map)
			cbor_decref(&map);
		return KDF_E_CORRUPT;
	}
	keep(&err, decode_text(map, "kdelay_version", "", &m->kdelay_version));
	keep(&err, decode_text(map, "command_line", "", &m->command_line));
	keep(&err, decode_text(map, "hostname", "", &m->hostname));
	keep(&err, decode_text(map, "kernel_release", "", &m->kernel_release));
	keep(&err, decode_text(map, "arch", "", &m->arch));
	keep(&err, kdf_cbor_get_u32(map, "ncpus", &m->ncpus));
	keep(&err, kdf_cbor_get_u32(map, "pid", &m->pid));
	keep(&err, decode_text(map, "comm", "", &m->comm));
	keep(&err, kdf_cbor_get_u64(map, "mono_ns", &m->mono_ns));
	keep(&err, kdf_cbor_get_u64(map, "realtime_ns", &m->realtime_ns));
	m->options.syscall_events_ns = -1;
	keep(&err, decode_options(kdf_cbor_get(map, "options"), &m->options));
	keep(&err, decode_syscalls(kdf_cbor_get(map, "syscalls"), m));
	keep(&err, decode_text(map, "capture_id", NULL, &m->capture_id));
	if (!err && (!m->capture_id || !*m->capture_id)) {
		kdf_free((char *)m->capture_id);
		m->capture_id = NULL;
		keep(&err, derive_capture_id(p, len, m));
	}
	cbor_decref(&map);
	if (err)
		kdf_meta_free(m);
	return err;
}
