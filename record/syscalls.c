// SPDX-License-Identifier: BSD-2-Clause
/*
 * syscalls.c - the generated syscall table (see record/build.mk).
 */
#include <string.h>

#include "syscalls.h"

static const char *const table[] = {
#include "kdelay_syscalls.h"
};

#define TABLE_LEN ((uint32_t)(sizeof(table) / sizeof(table[0])))

const char *const *syscalls__table(uint32_t *count)
{
	*count = TABLE_LEN;
	return table;
}

const char *syscalls__name(uint32_t nr)
{
	return nr < TABLE_LEN ? table[nr] : NULL;
}

int syscalls__nr(const char *name)
{
	uint32_t i;

	for (i = 0; i < TABLE_LEN; i++)
		if (table[i] && !strcmp(table[i], name))
			return (int)i;
	return -1;
}
