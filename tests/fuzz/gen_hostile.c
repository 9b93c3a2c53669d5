// SPDX-License-Identifier: BSD-2-Clause
/*
 * gen_hostile.c - write the crafted captures of kdf_hostile.h into DIR,
 * for tests/e2e/72-report-hardening.sh (each must be read by every
 * kdelay-report mode in bounded memory).
 */
#include <stdio.h>
#include <stdlib.h>

#include "kdf_hostile.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_hostile DIR\n");
		return 64;
	}
	for (int k = 0; k < KDF_HOSTILE_COUNT; k++) {
		char path[4096];
		size_t len;
		uint8_t *buf = kdf_hostile_build((enum kdf_hostile)k, &len);
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", argv[1], kdf_hostile_name((enum kdf_hostile)k));
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
			fprintf(stderr, "gen_hostile: cannot write %s\n", path);
			return 73;
		}
		free(buf);
	}
	return 0;
}
