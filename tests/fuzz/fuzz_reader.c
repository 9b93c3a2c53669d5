// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_reader.c - libFuzzer target: any bytes through kdf_reader, every
 * item and every table entry touched, so that ASan/UBSan see any bad
 * pointer or length the reader hands out.  Built with
 * -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which makes the reader
 * ignore CRCs so that mutations reach the decoders (make fuzz).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kdelay_format.h"
#include "kdf_testing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void touch(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; b && i < len; i++)
		sink += b[i];
}

static void touch_str(const char *s)
{
	if (s)
		touch(s, strlen(s) + 1);
}

static void on_warning(void *ctx, uint64_t offset, const char *msg)
{
	(void)ctx;
	sink += offset;
	touch_str(msg);
}

static void touch_meta(const struct kdf_meta *m)
{
	touch_str(m->kdelay_version);
	touch_str(m->command_line);
	touch_str(m->hostname);
	touch_str(m->kernel_release);
	touch_str(m->arch);
	touch_str(m->comm);
	touch_str(m->options.start_trigger);
	touch_str(m->options.stop_trigger);
	for (uint32_t i = 0; i < m->syscall_count; i++)
		touch_str(m->syscall_names[i]);
}

static void touch_event(const struct kdf_reader *r, const struct kdf_event *ev)
{
	size_t len;
	uint32_t n;

	sink += ev->ts + ev->tid + ev->cpu + ev->type + ev->flags;
	if (ev->type == KDF_EV_IRQ_ENTRY)
		touch(kdf_reader_string(r, ev->u.irq_entry.name_id, &len), len);
	if (ev->type == KDF_EV_STACK) {
		const uint64_t *ips = kdf_reader_stack(r, ev->u.stack.kstack_id, &n);

		touch(ips, n * sizeof(*ips));
		ips = kdf_reader_stack(r, ev->u.stack.ustack_id, &n);
		touch(ips, n * sizeof(*ips));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdf_read_stats st;
	struct kdf_reader *r;
	struct kdf_item item;
	char msg[128];
	int err;

	r = kdf_reader_open_mem(data, size, on_warning, NULL, &err, msg, sizeof(msg));
	if (!r) {
		touch_str(msg);
		return 0;
	}
	/* the read-ahead thread too, whatever the input's size */
	kdf_set_prefetch_min_bytes(0);
	kdf_reader_read_ahead(r);
	touch_meta(kdf_reader_meta(r));
	while (kdf_reader_next(r, &item) > 0) {
		switch (item.type) {
		case KDF_ITEM_EVENTS:
			for (size_t i = 0; i < item.u.events.n; i++)
				touch_event(r, &item.u.events.v[i]);
			break;
		case KDF_ITEM_THREAD:
			touch(item.u.thread.name, item.u.thread.name_len);
			break;
		case KDF_ITEM_SYMBOLS:
			for (size_t i = 0; i < item.u.symbols.n; i++) {
				const struct kdf_symbol *s = &item.u.symbols.v[i];

				touch_str(s->name);
				touch_str(s->module);
				touch_str(s->path);
				touch(s->build_id, s->build_id_len);
			}
			break;
		case KDF_ITEM_WINDOW:
			sink += item.u.window.end_ts;
			break;
		case KDF_ITEM_SUMMARY:
			sink += item.u.summary.windows;
			break;
		}
	}
	kdf_reader_stats(r, &st);
	kdf_reader_close(r);
	return 0;
}
