// SPDX-License-Identifier: BSD-2-Clause
/* source.c - see source.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "kdelay_format.h"
#include "source.h"

#define SCAN_BLOCK 4096

/* Bytes read from capture files by this process (kdf_bytes_read). */
static uint64_t bytes_read;

uint64_t kdf_bytes_read(void)
{
	return __atomic_load_n(&bytes_read, __ATOMIC_RELAXED);
}

void kdf_source_count(uint64_t n)
{
	__atomic_fetch_add(&bytes_read, n, __ATOMIC_RELAXED);
}

ssize_t kdf_source_read(const struct kdf_source *s, uint64_t off, void *buf, size_t n)
{
	ssize_t got = kdf_source_pread(s, off, buf, n);

	if (got > 0 && s->fd >= 0)
		kdf_source_count((uint64_t)got);
	return got;
}

ssize_t kdf_source_pread(const struct kdf_source *s, uint64_t off, void *buf, size_t n)
{
	size_t done = 0;

	if (!n)
		return 0; /* buf may be NULL then (an empty payload) */
	if (s->fd < 0) {
		if (off >= s->mem_len)
			return 0;
		if (n > s->mem_len - off)
			n = (size_t)(s->mem_len - off);
		memcpy(buf, s->mem + off, n);
		return (ssize_t)n;
	}
	while (done < n) {
		ssize_t r = pread(s->fd, (uint8_t *)buf + done, n - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

uint64_t kdf_source_size(const struct kdf_source *s)
{
	off_t end;

	if (s->fd < 0)
		return s->mem_len;
	/* lseek, not fstat: with _GNU_SOURCE glibc's <sys/stat.h> pulls in
	 * <linux/stat.h>, which the laptop build forbids.  pread() ignores
	 * the file offset, so moving it is harmless. */
	end = lseek(s->fd, 0, SEEK_END);
	return end > 0 ? (uint64_t)end : 0;
}

int kdf_source_find_chunk(const struct kdf_source *s, uint64_t off, uint64_t *at)
{
	/* Blocks overlap by a header, so a header across two blocks is seen. */
	uint8_t buf[SCAN_BLOCK + KDF_CHUNK_HEADER_LEN];

	for (;;) {
		ssize_t got = kdf_source_read(s, off, buf, sizeof(buf));
		struct kdf_chunk_header h;

		if (got < 0)
			return -1;
		if (got < KDF_CHUNK_HEADER_LEN)
			return 0;
		for (size_t i = 0; i + KDF_CHUNK_HEADER_LEN <= (size_t)got; i++) {
			if (buf[i] != KDF_CHUNK_SYNC[0] || memcmp(buf + i, KDF_CHUNK_SYNC, 4))
				continue;
			if (kdf_chunk_header_decode(buf + i, &h) != -1) {
				*at = off + i;
				return 1;
			}
		}
		off += (uint64_t)got - KDF_CHUNK_HEADER_LEN + 1;
	}
}
