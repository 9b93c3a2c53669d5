// SPDX-License-Identifier: BSD-2-Clause
/*
 * gen_hostile.c - write the crafted captures of kdf_hostile.h into DIR,
 * for tests/e2e/72-report-hardening.sh (each must be read by every
 * kdelay-report mode in bounded memory): NAME.kdd as built, and
 * NAME-1mb.kdd padded with a chunk of an unknown type to just under
 * 1,000,000 bytes, since the reader's budget grows with the file's size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "kdf_hostile.h"

#define PADDED_SIZE 999000u

static int write_file(const char *dir, const char *name, const char *suffix, const uint8_t *buf,
		      size_t len)
{
	char path[4096];
	size_t base = strlen(name) - strlen(".kdd");
	FILE *f;

	snprintf(path, sizeof(path), "%s/%.*s%s.kdd", dir, (int)base, name, suffix);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "gen_hostile: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* buf, then one uncompressed chunk of type 0x7fff (skipped by readers)
 * filled with bytes that do not repeat, up to PADDED_SIZE in all. */
static int write_padded(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	struct kdf_buf out = { 0 };
	size_t pad = PADDED_SIZE - len - KDF_CHUNK_HEADER_LEN;
	uint8_t *junk = malloc(pad);
	uint32_t x = 2463534242u;
	int rc;

	if (len + KDF_CHUNK_HEADER_LEN >= PADDED_SIZE || !junk)
		return -1;
	for (size_t i = 0; i < pad; i++) {
		x ^= x << 13; /* xorshift32 */
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (uint8_t)x;
	}
	rc = kdf_buf_append(&out, buf, len) ||
	     kdf_chunk_pack(&out, NULL, 0, 0x7fff, 0, junk, pad) ? -1
		     : write_file(dir, name, "-1mb", out.p, out.len);
	kdf_buf_free(&out);
	free(junk);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_hostile DIR\n");
		return 64;
	}
	for (int k = 0; k < KDF_HOSTILE_COUNT; k++) {
		const char *name = kdf_hostile_name((enum kdf_hostile)k);
		size_t len;
		uint8_t *buf = kdf_hostile_build((enum kdf_hostile)k, &len);
		int rc = write_file(argv[1], name, "", buf, len) || write_padded(argv[1], name, buf, len);

		free(buf);
		if (rc)
			return 73;
	}
	return 0;
}
