// SPDX-License-Identifier: BSD-2-Clause
/*
 * gen_corpus.c - write the fuzzer's seed corpus: a few tiny valid
 * captures, most with uncompressed payloads so that mutations hit the
 * decoders rather than zstd.  Usage: gen_corpus DIR  (make fuzz-corpus)
 */
#include <stdio.h>
#include <stdlib.h>

#include "../unit/helpers/kdf_test_capture.h"
#include "kdf_testing.h"

static void save(const char *dir, const char *name, uint8_t *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	free(buf);
}

int main(int argc, char **argv)
{
	struct kdf_test_sink *sink;
	struct kdf_writer *w;
	size_t len;
	uint8_t *buf;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	buf = kdf_test_capture_build(1, &len);
	save(argv[1], "standard-raw.kdelay", buf, len);
	buf = kdf_test_capture_build(0, &len);
	save(argv[1], "standard-zstd.kdelay", buf, len);

	/* A killed recorder: meta and one event chunk, no summary. */
	w = kdf_test_writer_open(NULL, &sink);
	kdf_writer_set_uncompressed(w, 1);
	for (uint32_t i = 0; i < 40; i++) {
		struct kdf_event ev = { .ts = 1000 + 350 * i, .tid = 42 + i % 3, .cpu = 1,
					.type = i % 2 ? KDF_EV_SYS_EXIT : KDF_EV_SYS_ENTER,
					.u.sys = { .nr = 110, .ret = i % 2 ? 7 : 0 } };

		kdf_writer_event(w, &ev);
	}
	buf = kdf_test_writer_abort(w, sink, &len);
	save(argv[1], "killed-raw.kdelay", buf, len);

	/* Two windows with stacks and irq names. */
	w = kdf_test_writer_open(NULL, &sink);
	kdf_writer_set_uncompressed(w, 1);
	for (uint32_t win = 0; win < 2; win++) {
		uint64_t ips[] = { 0xffffffff81000000ull + win, 0x401000 };
		struct kdf_event ev[] = {
			{ .ts = 10 + win, .tid = 5, .type = KDF_EV_IRQ_ENTRY,
			  .u.irq_entry = { 24, kdf_writer_intern(w, "nvme0q1", 7) } },
			{ .ts = 20 + win, .tid = 5, .type = KDF_EV_IRQ_EXIT, .u.irq_exit = { 24, 1 } },
			{ .ts = 30 + win, .tid = 5, .type = KDF_EV_STACK,
			  .u.stack = { .nr = 7, .kstack_id = kdf_writer_stack(w, ips, 2),
				       .entry_ts = 25 } },
		};
		struct kdf_window wi = { .index = win, .start_ts = 10, .end_ts = 40 };

		for (size_t i = 0; i < 3; i++)
			kdf_writer_event(w, &ev[i]);
		kdf_writer_window(w, &wi);
	}
	buf = kdf_test_writer_finish(w, sink, NULL, &len);
	save(argv[1], "windows-raw.kdelay", buf, len);
	return 0;
}
