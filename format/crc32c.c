// SPDX-License-Identifier: BSD-2-Clause
/*
 * crc32c.c - CRC32C (Castagnoli), table driven, 8 bytes per step
 * ("slicing by 8").  The tables are computed once, on first use.  On an
 * x86-64 CPU with SSE4.2 the crc32 instruction computes the same CRC,
 * 8 bytes per instruction: every chunk of a capture is checked when read,
 * and the tables cost a few percent of the report's time.
 */
#include <pthread.h>

#include "chunk.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#define HAVE_CRC32_INSN 1
static int use_insn;
#endif

#define CRC32C_POLY_REFLECTED 0x82F63B78u

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (CRC32C_POLY_REFLECTED & (0u - (c & 1)));
		table[0][i] = c;
	}
	/* table[k][i]: CRC of byte i followed by k zero bytes. */
	for (int k = 1; k < 8; k++)
		for (int i = 0; i < 256; i++)
			table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xff];
#ifdef HAVE_CRC32_INSN
	__builtin_cpu_init();
	use_insn = __builtin_cpu_supports("sse4.2");
#endif
}

#ifdef HAVE_CRC32_INSN
/* crc already inverted, as in the table loop. */
__attribute__((target("sse4.2"))) static uint32_t crc32c_insn(uint32_t crc, const uint8_t *p,
							   size_t len)
{
	uint64_t c = crc;

	for (; len >= 8; p += 8, len -= 8)
		c = _mm_crc32_u64(c, kdf_get_le64(p));
	for (; len; p++, len--)
		c = _mm_crc32_u8((uint32_t)c, *p);
	return (uint32_t)c;
}
#endif

uint32_t kdf_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&table_once, build_tables);
	crc = ~crc;
#ifdef HAVE_CRC32_INSN
	if (use_insn)
		return ~crc32c_insn(crc, p, len);
#endif
	while (len >= 8) {
		uint32_t lo = crc ^ kdf_get_le32(p);
		uint32_t hi = kdf_get_le32(p + 4);

		crc = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^
		      table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
		      table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
		      table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}
